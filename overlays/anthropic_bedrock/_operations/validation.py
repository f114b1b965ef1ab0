"""Request checks derived from the API description.

The request shapes are generated TypedDicts whose bounds ride along in `Annotated[..., Constraint]`;
`checker(shape)` compiles one into a function, once, that walks a request and raises `TypeError`
(wrong type, missing key) or `ValueError` (bad value) naming the place, such as
`messages[1].content[0].source.media_type` (see `checks`). Nothing is sent before the check passes.

Rules: keys a shape does not name pass unchecked, and so do blocks whose `type` the description
does not list (Bedrock learns new ones faster than any release of this SDK); iterables are
turned into lists so that the body encodes as JSON. `checker(shape, strict=True)` refuses both,
as Bedrock does: the emulator validates what it receives that way. In a union of kinds, a body
that leaves `type` out is the kind whose `type` is optional (a tool is `custom` unless it says).
"""

from __future__ import annotations

import binascii
import functools
import math
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal, NotRequired, Required, Union, get_args, get_origin

from .._generated.types import Constraint, FileInput, Model
from .checks import CheckTypeError, CheckValueError, Path, render

__all__ = ["Check", "checker", "required_keys"]

Check = Callable[[Any, Path], Any]


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: object) -> str:
    return type(value).__name__


def _wrong_type(path: Path, text: str, value: Any, expected: str) -> CheckTypeError:
    return CheckTypeError(f"{render(path)} {text}", path, "type", {"value": value, "expected": expected})


def _bad_value(path: Path, text: str, rule: str, **info: Any) -> CheckValueError:
    return CheckValueError(f"{render(path)} {text}", path, rule, info)


@functools.cache
def checker(shape: Any, strict: bool = False) -> Check:
    """The check for `shape` (a TypedDict class or any type found inside one)."""
    return _compile(shape, strict)


def _compile(tp: Any, strict: bool) -> Check:
    origin = get_origin(tp)
    if origin in (Required, NotRequired):
        return checker(get_args(tp)[0], strict)
    if origin is Annotated:
        inner = checker(tp.__origin__, strict)
        bounds = [m for m in tp.__metadata__ if isinstance(m, Constraint)]
        return _bounded(inner, bounds[0]) if bounds else inner
    if typing.is_typeddict(tp):
        return _typeddict(tp, strict)
    if origin in (Union, types.UnionType):
        return _union(get_args(tp), strict)
    if origin is Literal:
        return _literal(get_args(tp))
    if origin in (Iterable, Sequence, list):
        return _array(get_args(tp)[0], strict)
    if origin in (Mapping, dict):
        return _mapping
    return _SCALARS.get(tp, _anything)


# ---------------------------------------------------------------- scalars


def _string(value: Any, path: Path) -> Any:
    if isinstance(value, str):
        return value
    raise _wrong_type(path, f"must be a string, not {_kind(value)}", value, "string")


def _integer(value: Any, path: Path) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _wrong_type(path, f"must be an int, not {_kind(value)}", value, "integer")


def _number(value: Any, path: Path) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise _bad_value(path, f"must be a finite number, got {value!r}", "finite", value=value)
        return value
    raise _wrong_type(path, f"must be a number, not {_kind(value)}", value, "number")


def _boolean(value: Any, path: Path) -> Any:
    if isinstance(value, bool):
        return value
    raise _wrong_type(path, f"must be a bool, not {_kind(value)}", value, "boolean")


def _none(value: Any, path: Path) -> Any:
    if value is None:
        return value
    raise _wrong_type(path, f"must be None, not {_kind(value)}", value, "null")


def _mapping(value: Any, path: Path) -> Any:
    if isinstance(value, dict):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    raise _wrong_type(path, f"must be a dict, not {_kind(value)}", value, "object")


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
    rule = "const" if len(allowed) == 1 else "enum"

    def check(value: Any, path: Path) -> Any:
        if isinstance(value, str) and value in choices:
            return value
        if not isinstance(value, str):
            raise _wrong_type(path, f"must be a string ({expected}), not {_kind(value)}", value, "string")
        raise _bad_value(path, f"must be {expected}, got {_show(value)}", rule, value=value, allowed=allowed)

    return check


# ---------------------------------------------------------------- containers


def _array(item_type: Any, strict: bool) -> Check:
    item_check = checker(item_type, strict)

    def check(value: Any, path: Path) -> Any:
        if not isinstance(value, list):
            if strict or isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
                raise _wrong_type(path, f"must be a list, not {_kind(value)}", value, "array")
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


def _typeddict(shape: Any, strict: bool) -> Check:
    hints = typing.get_type_hints(shape, include_extras=True)
    fields = {key: checker(hint, strict) for key, hint in hints.items()}
    required = required_keys(shape)

    def check(value: Any, path: Path) -> Any:
        if not isinstance(value, dict):
            if strict or not isinstance(value, Mapping):
                raise _wrong_type(path, f"must be a dict, not {_kind(value)}", value, "object")
            value = dict(value)
        # What is there is checked before what is missing: a wrong `type` says more than the keys
        # another kind would need.
        out = value
        for key, item in value.items():
            field = fields.get(key)
            if field is None:
                if strict:
                    raise CheckTypeError(
                        f"{render(path)} has the key {key!r}, which the API description does not know",
                        path,
                        "extraneous",
                        {"key": key},
                    )
                continue  # a key this description does not name travels as given
            new = field(item, (path, key))
            if new is not item:
                if out is value:
                    out = dict(value)
                out[key] = new
        for key in required:
            if key not in value:
                missing = tuple(k for k in required if k not in value)
                raise CheckTypeError(
                    f"{render(path)} is missing the required key {key!r}",
                    path,
                    "missing",
                    {"key": key, "keys": missing},
                )
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


def _discriminator(shapes: list[Any], strict: bool) -> tuple[dict[str, Check], Check | None] | None:
    """({`type` value: check}, the check of the member whose `type` may be left out, if one) when
    every member is a TypedDict with a literal `type`, else None."""
    table: dict[str, Check] = {}
    default: Check | None = None
    for shape in shapes:
        if not typing.is_typeddict(shape):
            return None
        hint = typing.get_type_hints(shape, include_extras=True).get("type")
        while get_origin(hint) in (Required, NotRequired, Annotated):
            hint = get_args(hint)[0]
        if get_origin(hint) is not Literal:
            return None
        for value in get_args(hint):
            table[value] = checker(shape, strict)
        if "type" not in required_keys(shape):
            default = checker(shape, strict)
    return table, default


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


_JSON_NAMES: dict[Any, str] = {
    Mapping: "object",
    (list, tuple): "array",
    str: "string",
    int: "integer",
    bool: "boolean",
}


# File data (`x-file-input`) is read and encoded before the checks (`inputs`): the checks see the text.
_FILE_INPUTS = frozenset(get_args(FileInput))


def _union(members: tuple[Any, ...], strict: bool) -> Check:
    members = tuple(m for m in members if m not in _FILE_INPUTS)
    nullable = any(m in (None, type(None)) for m in members)
    # Response models accepted where a request shape is expected (a block of an earlier answer sent
    # back as it came) are checked, and sent, as the JSON they stand for.
    models = tuple(m for m in members if isinstance(m, type) and issubclass(m, Model))
    others = [m for m in members if m not in (None, type(None)) and m not in models]
    found = _discriminator(others, strict)
    if found is not None:
        kinds, default = found
        allowed = ", ".join(repr(k) for k in kinds)

        def by_type(value: Any, path: Path) -> Any:
            if value.__class__ is not dict:  # the common case skips the (abstract) class tests
                if value is None and nullable:
                    return value
                if models and isinstance(value, models):
                    value = value.to_dict()
                if not isinstance(value, Mapping):
                    raise _wrong_type(path, f"must be a dict, not {_kind(value)}", value, "object")
            kind = value.get("type")
            if not isinstance(kind, str):
                if "type" not in value:
                    if default is not None:
                        return default(value, path)
                    raise CheckTypeError(
                        f"{render(path)} is missing the required key 'type' (one of {allowed})",
                        path,
                        "missing",
                        {"key": "type"},
                    )
                raise _wrong_type((path, "type"), f"must be a string, not {_kind(kind)}", kind, "string")
            check = kinds.get(kind)
            if check is not None:
                return check(value, path)
            if strict:
                raise _bad_value(
                    (path, "type"),
                    f"must be one of {allowed}, got {_show(kind)}",
                    "kind",
                    value=kind,
                    allowed=tuple(kinds),
                )
            return value  # a kind this description does not list goes to Bedrock unchecked

        return by_type

    options = [(_json_kind(m), checker(m, strict)) for m in others]
    names = " or ".join(_describe(m) for m in others) + (" or None" if nullable else "")
    expected = " or ".join(_JSON_NAMES.get(kind, "number") for kind, _ in options)

    def by_kind(value: Any, path: Path) -> Any:
        if value is None and nullable:
            return value
        for kind, check in options:
            if isinstance(value, kind) and not (isinstance(value, bool) and kind in (int, (int, float))):
                return check(value, path)
        if not strict and isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
            for kind, check in options:
                if kind == (list, tuple):
                    return check(value, path)
        raise _wrong_type(path, f"must be {names}, not {_kind(value)}", value, expected)

    return by_kind


def _describe(tp: Any) -> str:
    kind = _json_kind(tp)
    if kind is Mapping:
        return "a dict"
    if kind == (list, tuple):
        return "a list"
    return {str: "a string", int: "an int", bool: "a bool", (int, float): "a number"}.get(kind, "a value")


# ---------------------------------------------------------------- bounds


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _not_base64(value: str, wanted: bool) -> bool:
    # Base64 as Bedrock decodes it: RFC 4648's alphabet, padded, nothing else (no line breaks).
    try:
        binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):  # ValueError: characters outside ASCII
        return wanted
    return False


# Each bound of a `Constraint`: the values it applies to, when a value breaks it, and what to say.
_BOUNDS: tuple[tuple[str, Callable[[object], bool], Callable[[Any, Any], bool], str], ...] = (
    ("minimum", _is_number, lambda v, b: v < b, "must be >= {bound:g}, got {shown}"),
    ("maximum", _is_number, lambda v, b: v > b, "must be <= {bound:g}, got {shown}"),
    ("min_length", lambda v: isinstance(v, str), lambda v, b: len(v) < b, "must be at least {bound} characters long"),
    ("max_length", lambda v: isinstance(v, str), lambda v, b: len(v) > b, "must be at most {bound} characters long"),
    ("pattern", lambda v: isinstance(v, str), lambda v, b: not b.search(v), "must match {bound}, got {shown}"),
    ("min_items", lambda v: isinstance(v, list), lambda v, b: len(v) < b, "must hold at least {bound} item(s)"),
    ("max_items", lambda v: isinstance(v, list), lambda v, b: len(v) > b, "must hold at most {bound} item(s)"),
    (
        "base64",
        lambda v: isinstance(v, str),
        _not_base64,
        "is not valid base64 (A-Z, a-z, 0-9, '+' and '/', padded with '=' to a multiple of 4; no line breaks)",
    ),
)


def _bounded(inner: Check, constraint: Constraint) -> Check:
    # Only the bounds the description sets are checked; a pattern is compiled here, once.
    bounds = [
        (rule, applies, broken, text, bound, re.compile(bound) if rule == "pattern" else bound)
        for rule, applies, broken, text in _BOUNDS
        if (bound := getattr(constraint, rule)) is not None and bound is not False
    ]

    def check(value: Any, path: Path) -> Any:
        value = inner(value, path)
        for rule, applies, broken, text, bound, test in bounds:
            if applies(value) and broken(value, test):
                message = text.format(bound=bound, shown=_show(value))
                raise _bad_value(path, message, rule, value=value, bound=bound)
        return value

    return check
