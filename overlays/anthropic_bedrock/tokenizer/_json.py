"""`json.loads` of a `tokenizer.json` in steps of bounded size.

`json.loads` holds the GIL for the whole document (tens of milliseconds for
the 1.7 MB vocabulary), so an event loop waiting for the first count from a
worker thread would stall that long.  Here the two large values, the
vocabulary object and the merges array, are parsed a slice at a time, and the
rest of the document on its own.

A slice ends where an entry seems to end: at a `,"` after a digit in the
vocabulary, at a `,` between `"` and `"` in the merges.  Such a cut may fall
inside a string; then the slice ends inside that string and does not parse,
and a longer slice is tried.  A slice that parses was cut between entries.
Anything unexpected falls back on one `json.loads`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["loads"]

# Characters of JSON text per step, and longer slices tried before the rest
# of a value is parsed in one step.
_STEP = 1 << 15
_TRIES = 4
_decoder = json.JSONDecoder()


def loads(data: bytes | str) -> Any:
    """Same as `json.loads(data)`."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        return _loads_sliced(text)
    except (ValueError, KeyError, TypeError):
        return json.loads(text)


def _loads_sliced(text: str) -> Any:
    found = []
    for name, bracket in (("vocab", "{"), ("merges", "[")):
        at = _find_value(text, f'"{name}":', bracket)
        if at >= 0:
            found.append((at, name))
    if not found:
        return json.loads(text)
    values: dict[str, Any] = {}
    parts: list[str] = []
    start = 0
    for at, name in sorted(found):
        if at < start:
            raise ValueError("unexpected layout")
        if text[at] == "{":
            value: Any = {}
            end = _parse_slices(text, at + 1, _object_cut(text), "{}", value.update)
        else:
            value = []
            end = _parse_slices(text, at + 1, _array_cut(text), "[]", value.extend)
        values[name] = value
        parts += [text[start:at], "{}" if text[at] == "{" else "[]"]
        start = end
    parts.append(text[start:])
    document = json.loads("".join(parts))
    model = document["model"]
    for name, value in values.items():
        if model[name] != type(value)():
            raise ValueError("unexpected layout")
        model[name] = value
    return document


def _find_value(text: str, key: str, bracket: str) -> int:
    """The index of the `bracket` opening the first value of `key` (the
    same name can also be a token, a key with a number for value), or -1."""
    at = text.find(key)
    while at >= 0:
        value = at + len(key)
        while text[value : value + 1] in (" ", "\t", "\r", "\n"):
            value += 1
        if text[value : value + 1] == bracket:
            return value
        at = text.find(key, value)
    return -1


def _object_cut(text: str) -> Callable[[int, int], int]:
    def cut(lo: int, hi: int) -> int:
        """The last comma of a `,"` after a digit in text[lo:hi], or -1."""
        while True:
            i = text.rfind(',"', lo, hi)
            if i < 0 or text[i - 1].isdigit():
                return i
            hi = i

    return cut


def _array_cut(text: str) -> Callable[[int, int], int]:
    def cut(lo: int, hi: int) -> int:
        """The last comma of a `","` in text[lo:hi], or -1."""
        i = text.rfind('","', lo - 1, hi)
        return i + 1 if i >= 0 else -1

    return cut


def _parse_slices(text: str, pos: int, cut: Callable[[int, int], int], brackets: str, add: Callable[[Any], Any]) -> int:
    """Parse the members of a value from `pos` (just after its opening
    bracket) on, a slice at a time, handing each parsed slice to `add`;
    return the index just after the closing bracket."""
    opening, closing = brackets[0], brackets[1]
    while True:
        end = cut(pos + 1, pos + _STEP)
        tries = 0
        while end > 0 and tries < _TRIES:
            try:
                members = json.loads(opening + text[pos:end] + closing)
            except ValueError:  # cut inside a string, or past the value: longer
                end = cut(end + 1, end + _STEP)
                tries += 1
                continue
            add(members)
            pos = end + 1  # past the comma
            break
        else:
            # no cut that parses: the rest of the value in one step
            value, length = _decoder.raw_decode(opening + text[pos:])
            add(value)
            return pos + length - 1
