"""Body validation in Bedrock's words: the 400 messages name the offending field by JSON pointer.

Bedrock checks model bodies against a JSON schema and answers ``Malformed input request: #/path:
detail, please reformat your input and try again.``; every check here produces that shape, so a
test (or a user) can always find the field, e.g. ``#/messages/1/content/0/source/media_type``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Final

__all__ = [
    "ANTHROPIC_VERSION",
    "BodyError",
    "JSONObject",
    "check_common",
    "check_keys",
    "check_number",
    "expect_array",
    "expect_enum",
    "expect_object",
    "expect_string",
    "invalid",
    "type_name",
]

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


def _mismatch(path: str, expected: str, value: object) -> BodyError:
    return invalid(path, f"expected type: {expected}, found: {type_name(value)}")


def expect_object(value: object, path: str) -> JSONObject:
    if not isinstance(value, dict):
        raise _mismatch(path, "JSONObject", value)
    return value


def expect_array(value: object, path: str) -> list[object]:
    if not isinstance(value, list):
        raise _mismatch(path, "JSONArray", value)
    return value


def expect_string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise _mismatch(path, "String", value)
    return value


def expect_enum(value: object, path: str, allowed: Collection[str]) -> str:
    text = expect_string(value, path)
    if text not in allowed:
        raise invalid(path, f"{text} is not a valid enum value (expected one of: {', '.join(allowed)})")
    return text


def check_keys(obj: Mapping[str, object], path: str, allowed: Collection[str], required: Collection[str] = ()) -> None:
    """Unknown keys and missing required keys, as Bedrock's schema reports them."""
    for key in obj:
        if key not in allowed:
            raise invalid(path, f"extraneous key [{key}] is not permitted")
    for key in required:
        if key not in obj:
            raise invalid(path, f"required key [{key}] not found")


def check_number(
    body: Mapping[str, object], key: str, path: str, low: float, high: float | None, *, integer: bool
) -> float | None:
    """``body[key]``, when present, is a (finite) number within ``[low, high]``; returns it."""
    if key not in body:
        return None
    value = body[key]
    field = f"{path}/{key}"
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        raise _mismatch(field, "Integer" if integer else "Number", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise invalid(field, f"{value} is not a finite number")
    if value < low:
        raise invalid(field, f"{value} is not greater or equal to {low:g}")
    if high is not None and value > high:
        raise invalid(field, f"{value} is not less or equal to {high:g}")
    return value


ANTHROPIC_VERSION: Final = "bedrock-2023-05-31"
MAX_STOP_SEQUENCES: Final = 8191


def check_common(body: JSONObject, allowed: Collection[str], required: Collection[str]) -> list[str]:
    """Keys, ``anthropic_version``, sampling parameters; returns the stop sequences."""
    check_keys(body, "#", allowed, required)
    version = expect_string(body["anthropic_version"], "#/anthropic_version")
    if version != ANTHROPIC_VERSION:
        raise BodyError(f"Invalid anthropic_version {version!r}: the supported value is {ANTHROPIC_VERSION!r}.")
    stops = expect_array(body.get("stop_sequences", []), "#/stop_sequences")
    if len(stops) > MAX_STOP_SEQUENCES:
        raise invalid("#/stop_sequences", f"expected maximum item count: {MAX_STOP_SEQUENCES}, found: {len(stops)}")
    sequences = [expect_string(item, f"#/stop_sequences/{index}") for index, item in enumerate(stops)]
    check_number(body, "temperature", "#", 0, 1, integer=False)
    check_number(body, "top_p", "#", 0, 1, integer=False)
    check_number(body, "top_k", "#", 0, None, integer=True)
    return sequences
