"""How one request becomes one line of a Bedrock batch file, and how its answer finds its way back.

Bedrock's user guide asks for `{"recordId": "<alphanumeric string>", "modelInput": <InvokeModel body>}`
a line (older pages say an 11-character alphanumeric string), and copies `recordId` into the
matching line of the `.out` file, whose lines come in no particular order. A `custom_id` may hold
`_` and `-`, which a recordId may not, so each record gets its own recordId: `R` and ten decimal
digits of its position in the batch (11 characters, alphanumeric under either reading), unique across
every job of the batch. Beside each input file the batch keeps an id map, one
`{"recordId", "custom_id"}` line per record, which the results reader loads one file at a time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Final

__all__ = [
    "CUSTOM_ID_PATTERN",
    "LINE_OVERHEAD",
    "check_custom_id",
    "input_line",
    "read_id_map",
    "record_id",
    "record_index",
    "write_id_map_line",
    "write_input_line",
]

# The Message Batches API's rule for custom_id; kept so that a batch moves between the two unchanged.
CUSTOM_ID_PATTERN: Final = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_RECORD_ID: Final = re.compile(r"R[0-9]{10}")
_LARGEST: Final = 10**10 - 1

_HEAD: Final = b'{"recordId":"'
_MIDDLE: Final = b'","modelInput":'
_TAIL: Final = b"}\n"
LINE_OVERHEAD: Final = len(_HEAD) + 11 + len(_MIDDLE) + len(_TAIL)
"""Bytes a line adds around the encoded body."""


def check_custom_id(value: object, where: str) -> str:
    """`value` if it is a valid custom_id (1 to 64 letters, digits, `_` or `-`); else ValueError naming `where`."""
    if not isinstance(value, str):
        raise TypeError(f"{where} must be a string, not {type(value).__name__}")
    if CUSTOM_ID_PATTERN.fullmatch(value) is None:
        raise ValueError(f"{where} must be 1 to 64 letters, digits, '_' or '-', got {value!r}")
    return value


def record_id(index: int) -> str:
    """The recordId of the record at `index` (0-based) in its batch."""
    if not 0 <= index <= _LARGEST:
        raise ValueError(f"record index {index} is out of range")
    return f"R{index:010d}"


def record_index(value: str) -> int | None:
    """The position a recordId made by `record_id` stands for; None for any other recordId."""
    if _RECORD_ID.fullmatch(value) is None:
        return None
    return int(value[1:])


def input_line(rid: str, body: bytes) -> bytes:
    """One line of an input file: `body` is the InvokeModel body, already encoded as JSON."""
    line = bytearray()
    write_input_line(line, rid.encode(), body)
    return bytes(line)


def write_input_line(out: bytearray, rid: bytes, body: bytes) -> None:
    """Append the input line of (`rid`, `body`) to `out` (no intermediate copy)."""
    out += _HEAD
    out += rid
    out += _MIDDLE
    out += body
    out += _TAIL


def write_id_map_line(out: bytearray, rid: bytes, custom_id: str) -> None:
    """Append one id map line, `{"recordId": ..., "custom_id": ...}`, to `out` (custom_ids need no escaping)."""
    out += b'{"recordId":"'
    out += rid
    out += b'","custom_id":"'
    out += custom_id.encode()
    out += b'"}\n'


def read_id_map(lines: Iterable[bytes]) -> dict[str, str]:
    """recordId -> custom_id from the lines of one id map (blank lines are skipped)."""
    given = list(lines)
    try:
        # One parse of the whole map as a JSON array: far cheaper than a parse per line.
        items = json.loads(b"[" + b",".join(line for line in given if line.strip()) + b"]")
    except (ValueError, RecursionError):
        items = None
    if isinstance(items, list) and all(_is_pair(item) for item in items):
        return {item["recordId"]: item["custom_id"] for item in items}
    return _read_id_map_lines(given)  # names the line that is wrong


def _is_pair(item: object) -> bool:
    return isinstance(item, dict) and isinstance(item.get("recordId"), str) and isinstance(item.get("custom_id"), str)


def _read_id_map_lines(lines: Iterable[bytes]) -> dict[str, str]:
    # The slow way, a line at a time, to name the line that is wrong.
    found: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            rid, custom_id = item["recordId"], item["custom_id"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number} of the id map is not a {{recordId, custom_id}} object") from exc
        if not isinstance(rid, str) or not isinstance(custom_id, str):
            raise ValueError(f"line {number} of the id map is not a {{recordId, custom_id}} object")
        found[rid] = custom_id
    return found
