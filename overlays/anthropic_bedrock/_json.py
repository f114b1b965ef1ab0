"""The one JSON decoder for everything the server sends: bodies, chunks and exception frames.

`json.loads` raises `RecursionError` on deeply nested input (`[` a hundred thousand times), which is
no `ValueError` and so slipped past every parser's error handling. Here it becomes a `ValueError`,
which each parser already turns into the SDK's typed error.

A compact document in a `str` (every stream event) goes straight to the C scanner that
`json.loads` ends in: its Python wrapper (two whitespace regex matches and the argument checks)
costs about as many instructions as scanning a stream event itself. Anything else, leading or
trailing whitespace or an error included, takes `json.loads`, so results and errors are the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

# The scanner `json.loads` itself ends in (C where available); typeshed does not declare it.
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


class JSONNestingError(ValueError):
    """The document nests deeper than the decoder can follow."""


def loads(data: str | bytes | bytearray) -> Any:
    """Decode a JSON document; every failure is a `ValueError`."""
    try:
        if isinstance(data, str):
            try:
                value, end = _scan(data, 0)
            except StopIteration:
                pass  # not a value at the very start: json.loads says why
            else:
                if end == len(data):
                    return value
        return json.loads(data)
    except RecursionError as exc:
        raise JSONNestingError("the JSON document is nested too deeply to decode") from exc
