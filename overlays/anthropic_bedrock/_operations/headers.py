"""Checks on caller-supplied HTTP headers, made before anything is sent.

An illegal header (a CR or LF that would inject another header, a NUL, an empty or non-token name,
a non-ASCII value) is refused by the HTTP layer only once the connection is open, which looks like
a connection error and was retried with backoff. Checked here, it is a plain `TypeError` or
`ValueError` that names the argument it came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# RFC 9110 section 5.6.2: a field name is a token.
_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
# Visible ASCII, with single spaces or tabs only between visible characters: what h11 sends, and
# what SigV4 signs unchanged (it trims and collapses whitespace, so anything else would not match).
_VALUE = re.compile(r"(?:[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*)?")


def checked_headers(argument: str, headers: object) -> dict[str, str]:
    """`headers` as a plain dict, or TypeError / ValueError naming `argument` and the header."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise TypeError(f"{argument} must be a mapping of header names to strings, not {type(headers).__name__}")
    result: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str):
            raise TypeError(f"{argument}: header names must be strings, not {type(name).__name__} ({name!r})")
        if not isinstance(value, str):
            raise TypeError(f"{argument}[{name!r}] must be a string, not {type(value).__name__}")
        if not _TOKEN.fullmatch(name):
            raise ValueError(f"{argument}: {name!r} is not a valid header name")
        if not _VALUE.fullmatch(value):
            raise ValueError(
                f"{argument}[{name!r}] is not a valid header value: only printable ASCII, with no line"
                " breaks, NUL or other control characters and no leading or trailing whitespace"
            )
        result[name] = value
    return result
