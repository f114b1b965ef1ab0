"""Body validation in Bedrock's words: the 400 messages name the offending field by JSON pointer.

Bedrock checks model bodies against a JSON schema and answers ``Malformed input request: #/path:
detail, please reformat your input and try again.``. What the API description says of a body (its
keys, types, kinds, enumerations and bounds) is checked by the SDK's own request checks compiled
from the generated shapes, in strict mode: a key or a block kind the description does not know is
refused, as Bedrock refuses it. :func:`check` turns their failure into Bedrock's sentence, and
:func:`invalid` words the rules checked by hand (those between fields, the per-model limits, the
counts and sizes) the same way, so a test (or a user) can always find the field, e.g.
``#/messages/1/content/0/source/media_type``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from .._operations.checks import CheckError, pointer
from .._operations.validation import checker

__all__ = ["BodyError", "JSONObject", "bedrock_error", "check", "invalid", "type_name", "upper_bound"]

JSONObject = dict[str, object]
_MALFORMED: Final = "Malformed input request: {}, please reformat your input and try again."


class BodyError(Exception):
    """The body fails Bedrock's validation; the message is what the 400 answer carries."""


def invalid(path: str, detail: str) -> BodyError:
    """The error for the field at ``path`` (``#/messages/0/role``)."""
    return BodyError(_MALFORMED.format(f"{path}: {detail}"))


def type_name(value: object) -> str:
    """The JSON type name Bedrock's messages use."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Number"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "JSONArray"
    if isinstance(value, dict):
        return "JSONObject"
    return "Null"


def upper_bound(value: float, bound: float) -> str:
    """The detail of a number above its maximum."""
    return f"{value} is not less or equal to {bound:g}"


_TYPE_NAMES: Final = {
    "string": "String",
    "integer": "Integer",
    "number": "Number",
    "boolean": "Boolean",
    "object": "JSONObject",
    "array": "JSONArray",
    "null": "Null",
}


def _expected_type(info: dict[str, Any]) -> str:
    expected = " or ".join(_TYPE_NAMES.get(name, name) for name in str(info["expected"]).split(" or "))
    return f"expected type: {expected}, found: {type_name(info['value'])}"


def _one_of(info: dict[str, Any]) -> str:
    return f"{info['value']} is not a valid enum value (expected one of: {', '.join(map(str, info['allowed']))})"


# Each rule of the request checks (`checks.CheckError.rule`), worded as Bedrock's schema validator
# words it; `info` holds the value and the bound or the choices.
_DETAILS: Final[dict[str, Callable[[dict[str, Any]], str]]] = {
    "type": _expected_type,
    "extraneous": lambda info: f"extraneous key [{info['key']}] is not permitted",
    "enum": _one_of,
    "const": _one_of,
    "kind": _one_of,
    "finite": lambda info: f"{info['value']} is not a finite number",
    "minimum": lambda info: f"{info['value']} is not greater or equal to {info['bound']:g}",
    "maximum": lambda info: upper_bound(info["value"], info["bound"]),
    "min_length": lambda info: f"expected minLength: {info['bound']}, actual: {len(info['value'])}",
    "max_length": lambda info: f"expected maxLength: {info['bound']}, actual: {len(info['value'])}",
    "pattern": lambda info: f"string [{info['value']}] does not match pattern {info['bound']}",
    "min_items": lambda info: f"expected minimum item count: {info['bound']}, found: {len(info['value'])}",
    "max_items": lambda info: f"expected maximum item count: {info['bound']}, found: {len(info['value'])}",
}


def bedrock_error(error: CheckError) -> BodyError:
    """A failed request check as Bedrock words it (a rule not listed keeps the check's own words).

    Bedrock lists every violation it finds, each ``#/path: detail`` with nothing between them; of
    an object's missing keys all are listed, so a body without several names them all."""
    place = pointer(error.path)
    if error.rule == "missing":
        keys = error.info.get("keys") or (error.info["key"],)
        return invalid(place, f"{place}: ".join(f"required key [{key}] not found" for key in keys))
    detail = _DETAILS.get(error.rule)
    return invalid(place, detail(error.info) if detail else str(error))


def check(shape: Any, body: JSONObject) -> None:
    """``body`` against the generated request ``shape``, strictly; raises BodyError on the first fault."""
    try:
        checker(shape, strict=True)(body, None)
    except CheckError as error:
        raise bedrock_error(error) from None
