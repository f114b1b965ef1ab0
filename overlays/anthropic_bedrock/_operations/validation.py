"""Request checks derived from the API description.

The request shapes are generated TypedDicts whose bounds ride along in `Annotated[..., Constraint]`;
`checker(shape)` compiles one into a function, once, that walks a request and raises TypeError
(wrong type, missing key) or ValueError (bad value) naming the place, such as
`messages[1].content[0].source.media_type`. Nothing is sent before the check passes.

Rules: keys a shape does not name pass unchecked, and so do blocks whose `type` the description
does not list (Bedrock learns new ones faster than any release of this SDK); iterables are
turned into lists so that the body encodes as JSON.
"""

from __future__ import annotations

import functools
import json
import math
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal, NotRequired, Required, Union, get_args, get_origin

from .._generated.types import Constraint, Model

__all__ = ["Path", "checker", "encode_body", "render", "required_keys"]

# A place in a request: None at the top, else (parent, key or index). Built per node, rendered only
# when something is wrong, so a passing check never formats a string.
Path = tuple[Any, str | int] | None
Check = Callable[[Any, Path], Any]


def render(path: Path) -> str:
    parts: list[str | int] = []
    while path is not None:
        path, key = path
        parts.append(key)
    text = ""
    for key in reversed(parts):
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text or "the request"


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: object) -> str:
    return type(value).__name__


@functools.cache
def checker(shape: Any) -> Check:
    """The check for `shape` (a TypedDict class or any type found inside one)."""
    return _compile(shape)


def _compile(tp: Any) -> Check:
    origin = get_origin(tp)
    if origin in (Required, NotRequired):
        return checker(get_args(tp)[0])
    if origin is Annotated:
        inner = checker(tp.__origin__)
        bounds = [m for m in tp.__metadata__ if isinstance(m, Constraint)]
        return _bounded(inner, bounds[0]) if bounds else inner
    if typing.is_typeddict(tp):
        return _typeddict(tp)
    if origin in (Union, types.UnionType):
        return _union(get_args(tp))
    if origin is Literal:
        return _literal(get_args(tp))
    if origin in (Iterable, Sequence, list):
        return _array(get_args(tp)[0])
    if origin in (Mapping, dict):
        return _mapping
    return _SCALARS.get(tp, _anything)


# ---------------------------------------------------------------- scalars


def _string(value: Any, path: Path) -> Any:
    if isinstance(value, str):
        return value
    raise TypeError(f"{render(path)} must be a string, not {_kind(value)}")


def _integer(value: Any, path: Path) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"{render(path)} must be an int, not {_kind(value)}")


def _number(value: Any, path: Path) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{render(path)} must be a finite number, got {value!r}")
        return value
    raise TypeError(f"{render(path)} must be a number, not {_kind(value)}")


def _boolean(value: Any, path: Path) -> Any:
    if isinstance(value, bool):
        return value
    raise TypeError(f"{render(path)} must be a bool, not {_kind(value)}")


def _none(value: Any, path: Path) -> Any:
    if value is None:
        return value
    raise TypeError(f"{render(path)} must be None, not {_kind(value)}")


def _mapping(value: Any, path: Path) -> Any:
    if isinstance(value, dict):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{render(path)} must be a dict, not {_kind(value)}")


def _anything(value: Any, path: Path) -> Any:
    return value  # any JSON value; what JSON cannot carry is caught when the body is encoded


_SCALARS: dict[Any, Check] = {
    str: _string,
    int: _integer,
    float: _number,
    bool: _boolean,
    type(None): _none,
    None: _none,
}


def _literal(allowed: tuple[Any, ...]) -> Check:
    choices = frozenset(allowed)
    shown = ", ".join(repr(a) for a in allowed)
    expected = f"{allowed[0]!r}" if len(allowed) == 1 else f"one of {shown}"

    def check(value: Any, path: Path) -> Any:
        if isinstance(value, str) and value in choices:
            return value
        if not isinstance(value, str):
            raise TypeError(f"{render(path)} must be a string ({expected}), not {_kind(value)}")
        raise ValueError(f"{render(path)} must be {expected}, got {_show(value)}")

    return check


# ---------------------------------------------------------------- containers


def _array(item_type: Any) -> Check:
    item_check = checker(item_type)

    def check(value: Any, path: Path) -> Any:
        if not isinstance(value, list):
            if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
                raise TypeError(f"{render(path)} must be a list, not {_kind(value)}")
            value = list(value)
        out = value
        for index, item in enumerate(value):
            new = item_check(item, (path, index))
            if new is not item:
                if out is value:
                    out = list(value)
                out[index] = new
        return out

    return check


def _typeddict(shape: Any) -> Check:
    hints = typing.get_type_hints(shape, include_extras=True)
    fields = {key: checker(hint) for key, hint in hints.items()}
    required = required_keys(shape)

    def check(value: Any, path: Path) -> Any:
        if not isinstance(value, dict):
            if not isinstance(value, Mapping):
                raise TypeError(f"{render(path)} must be a dict, not {_kind(value)}")
            value = dict(value)
        for key in required:
            if key not in value:
                raise TypeError(f"{render(path)} is missing the required key {key!r}")
        out = value
        for key, item in value.items():
            field = fields.get(key)
            if field is None:
                continue  # a key this description does not name travels as given
            new = field(item, (path, key))
            if new is not item:
                if out is value:
                    out = dict(value)
                out[key] = new
        return out

    return check


@functools.cache
def required_keys(shape: Any) -> tuple[str, ...]:
    """The keys a TypedDict requires. (`__required_keys__` misses `Required[...]` written in
    postponed string annotations, so the evaluated hints decide.)"""
    hints = typing.get_type_hints(shape, include_extras=True)
    return tuple(
        key
        for key, hint in hints.items()
        if get_origin(hint) is Required or (key in shape.__required_keys__ and get_origin(hint) is not NotRequired)
    )


def _discriminator(shapes: list[Any]) -> dict[str, Check] | None:
    """{`type` value: check} when every member is a TypedDict with a literal `type`, else None."""
    table: dict[str, Check] = {}
    for shape in shapes:
        if not typing.is_typeddict(shape):
            return None
        hint = typing.get_type_hints(shape, include_extras=True).get("type")
        while get_origin(hint) in (Required, NotRequired, Annotated):
            hint = get_args(hint)[0]
        if get_origin(hint) is not Literal:
            return None
        for value in get_args(hint):
            table[value] = checker(shape)
    return table


def _json_kind(tp: Any) -> type | tuple[type, ...]:
    """The Python types of the values a member of a union accepts, to pick the member by."""
    while get_origin(tp) in (Annotated, Required, NotRequired):
        tp = get_args(tp)[0]
    origin = get_origin(tp)
    if tp in (None, type(None)):
        return type(None)
    if typing.is_typeddict(tp) or origin in (Mapping, dict):
        return Mapping
    if origin in (Iterable, Sequence, list):
        return (list, tuple)
    if origin is Literal or tp is str:
        return str
    if tp is float:
        return (int, float)
    if tp in (int, bool):
        return tp  # type: ignore[no-any-return]
    return object


def _union(members: tuple[Any, ...]) -> Check:
    nullable = any(m in (None, type(None)) for m in members)
    # Response models accepted where a request shape is expected (a block of an earlier answer sent
    # back as it came) are checked, and sent, as the JSON they stand for.
    models = tuple(m for m in members if isinstance(m, type) and issubclass(m, Model))
    others = [m for m in members if m not in (None, type(None)) and m not in models]
    kinds = _discriminator(others)
    if kinds is not None:
        allowed = ", ".join(repr(k) for k in kinds)

        def by_type(value: Any, path: Path) -> Any:
            if value is None and nullable:
                return value
            if models and isinstance(value, models):
                value = value.to_dict()
            if not isinstance(value, Mapping):
                raise TypeError(f"{render(path)} must be a dict, not {_kind(value)}")
            kind = value.get("type")
            if not isinstance(kind, str):
                if "type" not in value:
                    raise TypeError(f"{render(path)} is missing the required key 'type' (one of {allowed})")
                raise TypeError(f"{render(path)}.type must be a string, not {_kind(kind)}")
            check = kinds.get(kind)
            # A kind this description does not list goes to Bedrock unchecked.
            return value if check is None else check(value, path)

        return by_type

    options = [(_json_kind(m), checker(m)) for m in others]
    names = " or ".join(_describe(m) for m in others) + (" or None" if nullable else "")

    def by_kind(value: Any, path: Path) -> Any:
        if value is None and nullable:
            return value
        for kind, check in options:
            if isinstance(value, kind) and not (isinstance(value, bool) and kind in (int, (int, float))):
                return check(value, path)
        if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
            for kind, check in options:
                if kind == (list, tuple):
                    return check(value, path)
        raise TypeError(f"{render(path)} must be {names}, not {_kind(value)}")

    return by_kind


def _describe(tp: Any) -> str:
    kind = _json_kind(tp)
    if kind is Mapping:
        return "a dict"
    if kind == (list, tuple):
        return "a list"
    return {str: "a string", int: "an int", bool: "a bool", (int, float): "a number"}.get(kind, "a value")


# ---------------------------------------------------------------- bounds


def _bounded(inner: Check, bound: Constraint) -> Check:
    pattern = re.compile(bound.pattern) if bound.pattern else None

    def check(value: Any, path: Path) -> Any:
        value = inner(value, path)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if bound.minimum is not None and value < bound.minimum:
                raise ValueError(f"{render(path)} must be >= {bound.minimum:g}, got {_show(value)}")
            if bound.maximum is not None and value > bound.maximum:
                raise ValueError(f"{render(path)} must be <= {bound.maximum:g}, got {_show(value)}")
        elif isinstance(value, str):
            if bound.min_length is not None and len(value) < bound.min_length:
                raise ValueError(f"{render(path)} must be at least {bound.min_length} characters long")
            if bound.max_length is not None and len(value) > bound.max_length:
                raise ValueError(f"{render(path)} must be at most {bound.max_length} characters long")
            if pattern is not None and not pattern.search(value):
                raise ValueError(f"{render(path)} must match {bound.pattern}, got {_show(value)}")
        elif isinstance(value, list):
            if bound.min_items is not None and len(value) < bound.min_items:
                raise ValueError(f"{render(path)} must hold at least {bound.min_items} item(s)")
            if bound.max_items is not None and len(value) > bound.max_items:
                raise ValueError(f"{render(path)} must hold at most {bound.max_items} item(s)")
        return value

    return check


# ---------------------------------------------------------------- encoding


def encode_body(body: Mapping[str, Any]) -> bytes:
    """The body as compact UTF-8 JSON; a value JSON cannot carry raises ValueError or TypeError
    naming where it is (NaN or infinity, a lone surrogate, an object JSON does not know)."""
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
        raise error(f"{render(path)} {text}") from None


# What is wrong with a value JSON cannot carry: the error raised and what it says.
_REASONS: dict[str, tuple[type[Exception], str]] = {
    "surrogate": (ValueError, "holds a lone surrogate, which UTF-8 (and so JSON on the wire) cannot carry"),
    "not finite": (ValueError, "must be a finite number (JSON cannot carry NaN or infinity)"),
    "key": (TypeError, "has a key that is not a string"),
    "type": (TypeError, "is not a JSON value (use dicts, lists, strings, numbers, booleans and None)"),
}


def _find_unencodable(value: Any) -> tuple[Path, str] | None:
    # Walked only after encoding failed, to say where; an explicit stack keeps deep values safe.
    stack: list[tuple[Any, Path]] = [(value, None)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if not _encodes(item):
                return where, "surrogate"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return where, "not finite"
        elif isinstance(item, Mapping):
            for key, sub in item.items():
                if not isinstance(key, str | int | float | bool) and key is not None:
                    return where, "key"
                if isinstance(key, str) and not _encodes(key):
                    return where, "surrogate"
                stack.append((sub, (where, str(key))))
        elif isinstance(item, list | tuple):
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
