"""Structured outputs: the JSON schema Bedrock is sent, checked against what Bedrock takes, and the
answer's text parsed back into the caller's type.

`output_format(...)` turns what `messages.parse` / `messages.stream` take (a pydantic model class, a
TypedDict, a dataclass or a JSON schema dict) into an `OutputFormat`: the schema made strict the way
Bedrock requires (every object closed with `additionalProperties: false`, every property required;
`oneOf` becomes `anyOf`, defaults and examples are dropped) and a parser. `check_schema` refuses,
naming the place, what Bedrock's structured outputs do not take (Bedrock's user guide,
"structured-output": a JSON Schema Draft 2020-12 subset); every `output_config.format.schema` sent
is checked with it, given directly or derived. pydantic is used only when the caller passes a
pydantic model, through that model's own methods: it is never imported here.

Sans-IO and shared: the resources of `client.messages` (and any other resource that sends Messages
requests) call `structured_params` before sending and `parse_message` on the answer.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final, Generic, TypeVar

from .._exceptions import StructuredOutputError
from ..types import Message, ParsedMessage, ParsedTextBlock, TextBlock
from .checks import CheckTypeError, CheckValueError, Path, render
from .json_schema import SchemaMismatch, convert, schema_of, validate

__all__ = ["OutputFormat", "check_output_config", "check_schema", "output_format", "parse_message", "structured_params"]

T = TypeVar("T")

# Bedrock's user guide, "structured-output": the string formats and types it takes.
STRING_FORMATS: Final = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"}
)
TYPES: Final = frozenset({"object", "array", "string", "integer", "number", "boolean", "null"})
# Keywords that only describe, and those of the supported subset that constrain.
_ANNOTATIONS: Final = frozenset(
    {"title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly"}
)
_SUPPORTED: Final = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "allOf"}
    | {"$ref", "$defs", "definitions", "format", "minItems", "pattern"}
)
_WHY: Final = {
    "minimum": "numeric bounds",
    "maximum": "numeric bounds",
    "exclusiveMinimum": "numeric bounds",
    "exclusiveMaximum": "numeric bounds",
    "multipleOf": "numeric bounds",
    "minLength": "string length bounds",
    "maxLength": "string length bounds",
    "maxItems": "array bounds other than minItems 0 or 1",
    "uniqueItems": "array bounds other than minItems 0 or 1",
    "oneOf": "oneOf (use anyOf)",
}
# Dropped from a derived schema: with every property required a default says nothing, and a
# discriminator (an OpenAPI annotation pydantic adds to tagged unions) only accompanies `oneOf`.
_DROPPED: Final = frozenset({"default", "examples", "discriminator"})


def _unsupported(path: Path, text: str, keyword: str) -> CheckValueError:
    return CheckValueError(f"{render(path)} {text}", path, "schema", {"keyword": keyword})


def check_schema(schema: Mapping[str, Any], path: Path) -> None:
    """Refuse, naming the place, a schema Bedrock's structured outputs would refuse."""
    _check(schema, path, schema, ())


def _check(node: Any, path: Path, root: Mapping[str, Any], refs: tuple[str, ...]) -> None:
    if not isinstance(node, Mapping):
        raise CheckTypeError(f"{render(path)} must be a JSON schema (a dict)", path, "type", {"value": node})
    for key, value in node.items():
        where: Path = (path, key)
        if key in _ANNOTATIONS or key in ("properties", "$defs", "definitions", "items", "anyOf", "allOf", "$ref"):
            continue
        if key not in _SUPPORTED:
            why = _WHY.get(key, f"the keyword {key!r}")
            raise _unsupported(where, f"is not supported: Bedrock's structured outputs take no {why}", key)
        if key == "type":
            kinds = value if isinstance(value, list) else [value]
            for kind in kinds:
                if kind not in TYPES:
                    raise _unsupported(where, f"names the type {kind!r}, which JSON Schema does not have", key)
        elif key == "additionalProperties" and value is not False:
            raise _unsupported(
                where, f"must be false (Bedrock's structured outputs take closed objects), got {value!r}", key
            )
        elif key == "minItems" and value not in (0, 1):
            raise _unsupported(
                where, f"must be 0 or 1 (the only array bounds Bedrock's structured outputs take), got {value!r}", key
            )
        elif key == "format" and value not in STRING_FORMATS:
            raise _unsupported(where, f"is {value!r}, not a string format Bedrock's structured outputs take", key)
        elif key == "enum" and not all(v is None or isinstance(v, str | int | float | bool) for v in value or ()):
            raise _unsupported(
                where, "must list strings, numbers, booleans or nulls only (Bedrock's structured outputs)", key
            )
    for key in ("properties", "$defs", "definitions"):
        named = node.get(key) or {}
        if not isinstance(named, Mapping):
            raise CheckTypeError(f"{render((path, key))} must be a dict of schemas", (path, key), "type", {})
        for name, sub in named.items():
            _check(sub, ((path, key), name), root, refs)
    if "items" in node:
        _check(node["items"], (path, "items"), root, refs)
    for key in ("anyOf", "allOf"):
        variants = node.get(key) or []
        if not isinstance(variants, list):
            raise CheckTypeError(f"{render((path, key))} must be a list of schemas", (path, key), "type", {})
        for index, sub in enumerate(variants):
            _check(sub, ((path, key), index), root, refs)
    ref = node.get("$ref")
    if ref is not None:
        _check_ref(ref, (path, "$ref"), root, refs)


def _check_ref(ref: object, path: Path, root: Mapping[str, Any], refs: tuple[str, ...]) -> None:
    if not isinstance(ref, str) or not ref.startswith(("#/$defs/", "#/definitions/")):
        raise _unsupported(
            path, f"must point into this schema's $defs or definitions (no external reference), got {ref!r}", "$ref"
        )
    if ref in refs:
        raise _unsupported(path, f"leads back to {ref}: Bedrock's structured outputs take no recursive schema", "$ref")
    _, section, name = ref.split("/", 2)
    target = (root.get(section) or {}).get(name)
    if target is None:
        raise _unsupported(path, f"points to {ref}, which the schema does not define", "$ref")
    # Follow the reference to find cycles through it; its own keywords were checked under $defs.
    _follow(target, path, root, (*refs, ref))


def _follow(node: Any, path: Path, root: Mapping[str, Any], refs: tuple[str, ...]) -> None:
    if isinstance(node, Mapping):
        if "$ref" in node:
            _check_ref(node["$ref"], path, root, refs)
        for key, value in node.items():
            if key in ("properties", "$defs", "definitions"):
                for sub in (value or {}).values():
                    _follow(sub, path, root, refs)
            elif key in ("items",):
                _follow(value, path, root, refs)
            elif key in ("anyOf", "allOf"):
                for sub in value or ():
                    _follow(sub, path, root, refs)


def strict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `schema` made strict: objects closed and every property required, `oneOf` as
    `anyOf`, defaults and examples dropped. What Bedrock does not take stays, for `check_schema`."""
    return typing.cast(dict[str, Any], _strict(copy.deepcopy(dict(schema))))


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: value for key, value in node.items() if key not in _DROPPED}
    if "oneOf" in out and "anyOf" not in out:
        out["anyOf"] = out.pop("oneOf")
    for key in ("properties", "$defs", "definitions"):
        if isinstance(out.get(key), dict):
            out[key] = {name: _strict(sub) for name, sub in out[key].items()}
    for key in ("items", "anyOf", "allOf"):
        if key in out:
            out[key] = _strict(out[key])
    if out.get("type") == "object" or "properties" in out:
        out.setdefault("additionalProperties", False)
        out["required"] = list(out.get("properties") or {})
    return out


def check_output_config(arguments: Mapping[str, Any], place: str = "output_config") -> None:
    """Refuse an `output_config.format.schema` Bedrock would refuse (the arguments already checked
    against the API description), and a request that also enables citations, which Bedrock refuses
    with structured outputs."""
    config = arguments.get("output_config")
    fmt = config.get("format") if isinstance(config, Mapping) else None
    if not isinstance(fmt, Mapping):
        return
    check_schema(fmt["schema"], (((None, place), "format"), "schema"))
    cited = _citations_enabled(arguments.get("messages") or ())
    if cited is not None:
        raise CheckValueError(
            f"{render(cited)} enables citations, which Bedrock refuses together with structured outputs"
            f" ({place}.format)",
            cited,
            "conflict",
            {"key": "citations"},
        )


def _citations_enabled(messages: Any) -> Path:
    """Where a document or search result of the conversation turns citations on, if one does."""
    for index, message in enumerate(messages):
        content = message.get("content") if isinstance(message, Mapping) else None
        if not isinstance(content, list):
            continue
        for position, block in enumerate(content):
            path: Path = ((((None, "messages"), index), "content"), position)
            blocks = [(path, block)]
            if (
                isinstance(block, Mapping)
                and block.get("type") == "tool_result"
                and isinstance(block.get("content"), list)
            ):
                blocks += [(((path, "content"), inner), sub) for inner, sub in enumerate(block["content"])]
            for where, item in blocks:
                citations = item.get("citations") if isinstance(item, Mapping) else None
                if isinstance(citations, Mapping) and citations.get("enabled"):
                    return (where, "citations")
    return None


# ---------------------------------------------------------------- what the caller asks for


@dataclasses.dataclass(frozen=True, slots=True)
class OutputFormat(Generic[T]):
    """The strict schema sent for an `output_format`, and how the answer's text becomes a `T`."""

    schema: dict[str, Any]
    parse: Callable[[str], T]
    name: str


def output_format(given: object) -> OutputFormat[Any]:
    """The `OutputFormat` of what `output_format=` was given; TypeError or ValueError naming the
    place for a type or schema Bedrock's structured outputs cannot take."""
    if isinstance(given, Mapping):
        schema = strict_schema(given)
        check_schema(schema, (None, "output_format"))
        return OutputFormat(schema, functools.partial(_parse_with_schema, schema), "the schema")
    if isinstance(given, type):
        return _for_type(given)
    raise TypeError(
        "output_format must be a pydantic model class, a TypedDict, a dataclass or a JSON schema dict,"
        f" not {type(given).__name__}"
    )


@functools.lru_cache(maxsize=256)
def _for_type(tp: type) -> OutputFormat[Any]:
    place: Path = (None, "output_format")
    make_schema = getattr(tp, "model_json_schema", None)
    validate_json = getattr(tp, "model_validate_json", None)
    if callable(make_schema) and callable(validate_json):
        schema = strict_schema(make_schema())  # a pydantic model: its own schema and validation
        check_schema(schema, place)
        return OutputFormat(schema, validate_json, tp.__name__)
    if not (typing.is_typeddict(tp) or dataclasses.is_dataclass(tp)):
        raise TypeError(
            f"output_format must be a pydantic model class, a TypedDict, a dataclass or a JSON schema dict, not {tp!r}"
        )
    try:
        schema = schema_of(tp)
    except TypeError as exc:
        raise CheckTypeError(f"output_format: {exc}", place, "schema", {}) from None
    check_schema(schema, place)
    return OutputFormat(schema, functools.partial(_parse_as, schema, tp), tp.__name__)


def _parse_with_schema(schema: Mapping[str, Any], text: str) -> Any:
    value = json.loads(text)
    validate(value, schema)
    return value


def _parse_as(schema: Mapping[str, Any], tp: type, text: str) -> Any:
    return convert(_parse_with_schema(schema, text), tp)


def structured_params(params: Mapping[str, Any], given: object) -> tuple[dict[str, Any], OutputFormat[Any] | None]:
    """The keyword arguments to send for a call given `output_format=given` (merged into
    `output_config`), and the format to parse the answer with (None when `given` is None)."""
    arguments = dict(params)
    if given is None:
        return arguments, None
    fmt = output_format(given)
    config = arguments.get("output_config")
    if isinstance(config, Mapping) and config.get("format") is not None:
        raise TypeError("give output_format or output_config['format'], not both")
    arguments["output_config"] = {**(config or {}), "format": {"type": "json_schema", "schema": fmt.schema}}
    return arguments, fmt


def parse_message(message: Message, fmt: OutputFormat[T] | None) -> ParsedMessage[T]:
    """`message` with each text block's `parsed_output` (None without a format);
    StructuredOutputError (with the text) when a text block is not a `T`."""
    data = message.to_dict()
    content: list[Any] = []
    for block, raw in zip(message.content, data["content"], strict=True):
        if isinstance(block, TextBlock):
            parsed: ParsedTextBlock[T] = ParsedTextBlock.from_dict(raw)
            if fmt is not None:
                parsed.parsed_output = _parse_text(block.text, fmt, message.stop_reason)
            content.append(parsed)
        else:
            content.append(block)
    data["content"] = []
    result: ParsedMessage[T] = ParsedMessage.from_dict(data)
    result.content = content
    result.response_metadata = message.response_metadata
    return result


def _parse_text(text: str, fmt: OutputFormat[T], stop_reason: str | None) -> T:
    try:
        return fmt.parse(text)
    except (ValueError, TypeError, SchemaMismatch) as exc:  # pydantic's ValidationError is a ValueError
        why = f" (the answer stopped with {stop_reason!r})" if stop_reason not in (None, "end_turn") else ""
        raise StructuredOutputError(
            f"The answer's text is not a valid {fmt.name}{why}: {exc}", text=text, stop_reason=stop_reason
        ) from exc
