"""A request body as the bytes that go on the wire: compact UTF-8 JSON, and a clear error naming
the place of any value JSON cannot carry (NaN or infinity, a lone surrogate, an object JSON does
not know, a dict or list that contains itself)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from .checks import CheckTypeError, CheckValueError, Path, render

__all__ = ["encode_body"]


def encode_body(body: Mapping[str, Any]) -> bytes:
    """The body as compact UTF-8 JSON; a value JSON cannot carry raises ValueError or TypeError
    naming where it is."""
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except RecursionError:
        raise ValueError("the request body is nested too deeply to encode as JSON") from None
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        problem = _find_unencodable(body)
        if problem is None:
            raise ValueError(f"the request body cannot be encoded as JSON: {exc}") from exc
        path, reason = problem
        error, text = _REASONS[reason]
        raise error(f"{render(path)} {text}", path, "encoding", {"reason": reason}) from None


# What is wrong with a value JSON cannot carry: the error raised and what it says.
_REASONS: dict[str, tuple[type[CheckTypeError] | type[CheckValueError], str]] = {
    "surrogate": (CheckValueError, "holds a lone surrogate, which UTF-8 (and so JSON on the wire) cannot carry"),
    "not finite": (CheckValueError, "must be a finite number (JSON cannot carry NaN or infinity)"),
    "key": (CheckTypeError, "has a key that is not a string"),
    "type": (CheckTypeError, "is not a JSON value (use dicts, lists, strings, numbers, booleans and None)"),
    "cycle": (CheckValueError, "contains itself (a dict or list that refers back to one holding it)"),
}

_LEAVE = object()  # marks, on the walk's stack, the end of a container's children


def _find_unencodable(value: Any) -> tuple[Path, str] | None:
    # Walked only after encoding failed, to say where. An explicit stack keeps deep values safe;
    # `open` holds the containers on the current path (a cycle comes back to one of them), and
    # `done` the ones fully walked, so a shared sub-tree is walked once and every walk ends.
    stack: list[tuple[Any, Path]] = [(value, None)]
    open_: set[int] = set()
    done: set[int] = set()
    while stack:
        item, where = stack.pop()
        if item is _LEAVE:
            assert isinstance(where, tuple)
            container_id = where[1]
            assert isinstance(container_id, int)
            open_.discard(container_id)
            done.add(container_id)
        elif isinstance(item, str):
            if not _encodes(item):
                return where, "surrogate"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return where, "not finite"
        elif isinstance(item, Mapping | list | tuple):
            ident = id(item)
            if ident in open_:
                return where, "cycle"
            if ident in done:
                continue
            open_.add(ident)
            stack.append((_LEAVE, (None, ident)))
            if isinstance(item, Mapping):
                for key, sub in item.items():
                    if not isinstance(key, str | int | float | bool) and key is not None:
                        return where, "key"
                    if isinstance(key, str) and not _encodes(key):
                        return where, "surrogate"
                    stack.append((sub, (where, str(key))))
            else:
                stack.extend((sub, (where, index)) for index, sub in enumerate(item))
        elif item is not None and not isinstance(item, int | bool):
            return where, "type"
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
