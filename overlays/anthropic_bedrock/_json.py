"""The one JSON decoder for everything the server sends: bodies, chunks and exception frames.

`json.loads` raises `RecursionError` on deeply nested input (`[` a hundred thousand times), which is
no `ValueError` and so slipped past every parser's error handling. Here it becomes a `ValueError`,
which each parser already turns into the SDK's typed error.
"""

from __future__ import annotations

import json
from typing import Any


class JSONNestingError(ValueError):
    """The document nests deeper than the decoder can follow."""


def loads(data: str | bytes | bytearray) -> Any:
    """Decode a JSON document; every failure is a `ValueError`."""
    try:
        return json.loads(data)
    except RecursionError as exc:
        raise JSONNestingError("the JSON document is nested too deeply to decode") from exc
