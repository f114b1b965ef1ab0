"""JSON Schema for the Python types structured outputs take without pydantic: TypedDicts and
dataclasses (and the types their fields use), the check of a JSON value against such a schema, and
the conversion of a checked value into the type (dataclass instances, enums, dates).

pydantic models bring their own schema and validation; this module is what lets a caller without
pydantic use `messages.parse` too, so pydantic never becomes a dependency. Only what Bedrock's
structured outputs can express is derived (see `structured.py` for those rules); anything else
raises TypeError naming the field.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import re
import types
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal, NotRequired, Required, Union, get_args, get_origin

__all__ = ["SchemaMismatch", "convert", "schema_of", "validate"]

JSON = dict[str, Any]

# Python types a string with a `format` stands for, and how a checked string becomes one.
_FORMATS: dict[type, tuple[str, Callable[[str], Any]]] = {
    datetime.datetime: ("date-time", datetime.datetime.fromisoformat),
    datetime.date: ("date", datetime.date.fromisoformat),
    datetime.time: ("time", datetime.time.fromisoformat),
    uuid.UUID: ("uuid", uuid.UUID),
}
_SCALARS: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and (typing.is_typeddict(tp) or dataclasses.is_dataclass(tp))


def _fields(tp: type) -> dict[str, Any]:
    """The fields of a TypedDict or dataclass and their types, annotations resolved."""
    hints = typing.get_type_hints(tp, include_extras=True)
    if dataclasses.is_dataclass(tp):
        return {field.name: hints[field.name] for field in dataclasses.fields(tp) if field.init}
    return hints


class _Defs(dict[str, JSON]):
    """The `$defs` of a schema being derived, and the class each name stands for."""

    def __init__(self) -> None:
        super().__init__()
        self.owners: dict[str, type] = {}

    def name(self, tp: type) -> str:
        name = tp.__name__
        while self.owners.setdefault(name, tp) is not tp:  # two classes of one name: the second gets a suffix
            name += "_"
        return name


def schema_of(tp: Any) -> JSON:
    """The JSON Schema of a TypedDict or dataclass (or of a type built from them): an object with
    every field required, nested classes under `$defs`. TypeError names the field whose type cannot
    be expressed."""
    defs = _Defs()
    root = _model_schema(tp, defs, [tp.__name__], []) if _is_model(tp) else _schema(tp, defs, ["output"], [])
    if defs:
        root["$defs"] = dict(defs)
    return root


def _model_schema(tp: type, defs: _Defs, place: list[str], open_: list[type]) -> JSON:
    open_ = [*open_, tp]
    properties = {name: _schema(hint, defs, [*place, name], open_) for name, hint in _fields(tp).items()}
    schema: JSON = {"type": "object", "title": tp.__name__, "properties": properties}
    schema["required"] = list(properties)
    schema["additionalProperties"] = False
    doc = tp.__doc__
    if doc and not doc.startswith(f"{tp.__name__}("):  # dataclasses make up a docstring from the signature
        schema["description"] = doc.strip()
    return schema


def _schema(tp: Any, defs: _Defs, place: list[str], open_: list[type]) -> JSON:
    origin = get_origin(tp)
    if origin in (Annotated, Required, NotRequired):
        return _schema(get_args(tp)[0], defs, place, open_)
    if tp in _SCALARS:
        return {"type": _SCALARS[tp]}
    if tp in _FORMATS:
        return {"type": "string", "format": _FORMATS[tp][0]}
    if origin is Literal:
        values = list(get_args(tp))
        if not all(value is None or isinstance(value, str | int | float | bool) for value in values):
            raise TypeError(f"{'.'.join(place)}: a Literal of strings, numbers, booleans or None only")
        return {"const": values[0]} if len(values) == 1 else {"enum": values}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [member.value for member in tp]}
    if origin in (Union, types.UnionType):
        return {"anyOf": [_schema(member, defs, place, open_) for member in get_args(tp)]}
    if origin in (list, Sequence, set, frozenset) or (origin is tuple and get_args(tp)[1:] == (...,)):
        return {"type": "array", "items": _schema(get_args(tp)[0], defs, [*place, "[]"], open_)}
    if _is_model(tp):
        if tp in open_:
            raise TypeError(
                f"{'.'.join(place)}: {tp.__name__} contains itself; Bedrock's structured outputs take no recursive schema"
            )
        name = defs.name(tp)
        if name not in defs:
            defs[name] = _model_schema(tp, defs, place, open_)
        return {"$ref": f"#/$defs/{name}"}
    if origin in (dict, Mapping) or tp in (dict, Mapping):
        raise TypeError(
            f"{'.'.join(place)}: a dict of any keys cannot be expressed (Bedrock's structured outputs take"
            " objects with fixed properties only); use a TypedDict or a dataclass"
        )
    raise TypeError(f"{'.'.join(place)}: {tp!r} has no JSON Schema form this SDK knows")


# ---------------------------------------------------------------- checking a value


class SchemaMismatch(ValueError):
    """A JSON value does not follow its schema; `place` says where (`items[0].name`)."""

    def __init__(self, place: str, text: str) -> None:
        super().__init__(f"{place or 'the output'} {text}")
        self.place = place


_TYPE_CHECKS: dict[str, Callable[[object], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def validate(value: object, schema: Mapping[str, Any], root: Mapping[str, Any] | None = None, place: str = "") -> None:
    """Raise SchemaMismatch unless `value` follows `schema` (the subset structured outputs use)."""
    root = schema if root is None else root
    ref = schema.get("$ref")
    if isinstance(ref, str):
        validate(value, _resolve(root, ref), root, place)
    if "const" in schema and value != schema["const"]:
        raise SchemaMismatch(place, f"must be {schema['const']!r}, got {value!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaMismatch(place, f"must be one of {schema['enum']!r}, got {value!r}")
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if kinds and not any(_TYPE_CHECKS[k](value) for k in kinds if k in _TYPE_CHECKS):
        raise SchemaMismatch(place, f"must be of type {' or '.join(kinds)}, got {type(value).__name__}")
    for part in schema.get("allOf", ()):
        validate(value, part, root, place)
    variants = schema.get("anyOf")
    if variants:
        errors = []
        for variant in variants:
            try:
                validate(value, variant, root, place)
                break
            except SchemaMismatch as exc:
                errors.append(str(exc))
        else:
            raise SchemaMismatch(place, "matches none of its anyOf variants: " + "; ".join(errors))
    if isinstance(value, dict):
        _validate_object(value, schema, root, place)
    elif isinstance(value, list):
        if "items" in schema:
            for index, item in enumerate(value):
                validate(item, schema["items"], root, f"{place}[{index}]")
        if len(value) < schema.get("minItems", 0):
            raise SchemaMismatch(place, f"must hold at least {schema['minItems']} item(s)")
    elif isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        raise SchemaMismatch(place, f"must match {schema['pattern']}, got {value!r}")


def _validate_object(value: dict[str, Any], schema: Mapping[str, Any], root: Mapping[str, Any], place: str) -> None:
    properties = schema.get("properties", {})
    for key in schema.get("required", ()):
        if key not in value:
            raise SchemaMismatch(place, f"is missing the required key {key!r}")
    for key, item in value.items():
        where = f"{place}.{key}" if place else key
        if key in properties:
            validate(item, properties[key], root, where)
        elif schema.get("additionalProperties") is False:
            raise SchemaMismatch(place, f"has the key {key!r}, which the schema does not allow")


def _resolve(root: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    target: Any = root
    for part in ref.removeprefix("#/").split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return typing.cast(Mapping[str, Any], target)


# ---------------------------------------------------------------- turning a checked value into the type


def convert(value: Any, tp: Any) -> Any:
    """`value` (JSON already checked against `schema_of(tp)`) as an instance of `tp`."""
    origin = get_origin(tp)
    if origin in (Annotated, Required, NotRequired):
        return convert(value, get_args(tp)[0])
    if value is None:
        return None
    if tp in _FORMATS:
        return _FORMATS[tp][1](value)
    if tp is float and isinstance(value, int):
        return float(value)
    if tp is int and isinstance(value, float):
        return int(value)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if origin in (Union, types.UnionType):
        return _convert_union(value, get_args(tp))
    if origin in (list, Sequence, set, frozenset, tuple):
        items = [convert(item, get_args(tp)[0]) for item in value]
        return items if origin in (list, Sequence) else origin(items)
    if _is_model(tp):
        fields = {name: convert(value[name], hint) for name, hint in _fields(tp).items() if name in value}
        return typing.cast(Callable[..., Any], tp)(**fields) if dataclasses.is_dataclass(tp) else fields
    return value


def _convert_union(value: Any, members: tuple[Any, ...]) -> Any:
    # The first member whose schema the value follows (as the anyOf check found it).
    for member in members:
        if member is type(None):
            continue
        try:
            validate(value, schema_of(member))
        except (SchemaMismatch, TypeError, KeyError):
            continue
        return convert(value, member)
    return value
