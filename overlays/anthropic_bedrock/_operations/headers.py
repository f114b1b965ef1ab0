"""Checks on caller-supplied HTTP headers, made before anything is sent.

An illegal header (a CR or LF that would inject another header, a NUL, an empty or non-token name,
a non-ASCII value, a header that frames the message, such as `Content-Length`) is refused by the
HTTP layer only once the connection is open, which looks like a connection error and was retried
with backoff (or, on aiohttp, goes on the wire). Checked here, it is a plain `TypeError` or
`ValueError` that names the argument and the header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# RFC 9110 section 5.6.2: a field name is a token.
_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
# Headers the HTTP layer writes from the request itself (its length, framing and target): a caller's
# value would be sent beside or instead of the real one (h11 refuses the mix only once connected;
# aiohttp sent a wrong Content-Length, truncating the body or leaving the server waiting).
_FRAMING = frozenset({"content-length", "transfer-encoding", "host", "te", "trailer", "upgrade"})
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
        if name.lower() in _FRAMING:
            raise ValueError(
                f"{argument}: {name!r} cannot be set: the HTTP layer writes it from the request itself"
                " (its body and URL)"
            )
        if not _VALUE.fullmatch(value):
            raise ValueError(
                f"{argument}[{name!r}] is not a valid header value: only printable ASCII, with no line"
                " breaks, NUL or other control characters and no leading or trailing whitespace"
            )
        result[name] = value
    return result
