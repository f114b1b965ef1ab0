"""The schemas structured outputs send, derived without pydantic from TypedDicts and dataclasses, made
strict, checked against what Bedrock takes; and the answer's JSON checked and turned back into the
type. Unit tests of the sans-IO core (no HTTP)."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import uuid
from typing import Annotated, Any, Literal, NotRequired, TypedDict

import pydantic
import pytest

from anthropic_bedrock import StructuredOutputError
from anthropic_bedrock._operations.json_schema import SchemaMismatch, convert, schema_of, validate
from anthropic_bedrock._operations.structured import output_format, parse_message, strict_schema
from anthropic_bedrock.types import Message


class Mood(enum.Enum):
    HAPPY = 1
    SAD = 2


@dataclasses.dataclass
class Point:
    x: float
    y: float


@dataclasses.dataclass
class Shape:
    """A shape."""

    name: Annotated[str, "a label"]
    points: tuple[Point, ...]
    tags: set[str]
    mood: Mood
    when: datetime.datetime
    at: datetime.time
    ident: uuid.UUID
    kind: Literal["polygon"]
    parent: Point | None = None


class Options(TypedDict):
    colour: Literal["red", "blue"]
    size: NotRequired[int]


def test_a_dataclass_schema_and_its_value() -> None:
    schema = schema_of(Shape)
    assert schema["description"] == "A shape." and schema["required"] == [f.name for f in dataclasses.fields(Shape)]
    assert schema["properties"]["points"] == {"type": "array", "items": {"$ref": "#/$defs/Point"}}
    assert schema["properties"]["mood"] == {"enum": [1, 2]}
    assert schema["properties"]["kind"] == {"const": "polygon"}
    assert schema["properties"]["parent"] == {"anyOf": [{"$ref": "#/$defs/Point"}, {"type": "null"}]}
    assert [schema["properties"][k]["format"] for k in ("when", "at", "ident")] == ["date-time", "time", "uuid"]
    data = {
        "name": "tri",
        "points": [{"x": 0, "y": 1.5}],
        "tags": ["a"],
        "mood": 2,
        "when": "2025-01-01T10:00:00+00:00",
        "at": "10:00:00",
        "ident": "00000000-0000-4000-8000-000000000000",
        "kind": "polygon",
        "parent": {"x": 1, "y": 1},
    }
    validate(data, schema)
    shape = convert(data, Shape)
    assert shape.points == (Point(0.0, 1.5),) and isinstance(shape.points[0].x, float)
    assert shape.tags == {"a"} and shape.mood is Mood.SAD and shape.parent == Point(1.0, 1.0)
    assert shape.when.tzinfo is not None and shape.ident.version == 4


def test_a_typeddict_makes_every_key_required() -> None:
    schema = schema_of(Options)
    assert schema["required"] == ["colour", "size"] and schema["additionalProperties"] is False
    assert convert({"colour": "red", "size": 2}, Options) == {"colour": "red", "size": 2}


def test_checking_a_value_names_the_place() -> None:
    schema = schema_of(Shape)
    cases = [
        ({"points": [{"x": "0", "y": 1}]}, "points[0].x must be of type number"),
        ({"kind": "circle"}, "kind must be 'polygon'"),
        ({"mood": 3}, "mood must be one of [1, 2]"),
        ({"extra": 1}, "has the key 'extra', which the schema does not allow"),
    ]
    base: dict[str, Any] = {
        "name": "n", "points": [], "tags": [], "mood": 1, "when": "2025-01-01T00:00:00", "at": "00:00:00",
        "ident": "00000000-0000-4000-8000-000000000000", "kind": "polygon", "parent": None,
    }  # fmt: skip
    validate(base, schema)
    for change, text in cases:
        with pytest.raises(SchemaMismatch, match=text.replace("[", r"\[").replace("]", r"\]")):
            validate({**base, **change}, schema)
    with pytest.raises(SchemaMismatch, match="is missing the required key 'name'"):
        validate({k: v for k, v in base.items() if k != "name"}, schema)


def test_two_classes_of_one_name_are_told_apart() -> None:
    def make() -> type:
        @dataclasses.dataclass
        class Point:
            z: int

        return Point

    both = dataclasses.make_dataclass("Both", [("a", Point), ("b", make())])
    schema = schema_of(both)
    assert set(schema["$defs"]) == {"Point", "Point_"}
    assert schema["$defs"]["Point_"]["properties"] == {"z": {"type": "integer"}}


def test_strict_schema_closes_objects_and_requires_every_property() -> None:
    given = {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "default": 3},
            "b": {
                "oneOf": [{"type": "object", "properties": {"c": {"type": "string"}}}, {"type": "null"}],
                "discriminator": {},
            },
        },
        "required": ["a"],
    }
    assert strict_schema(given) == {
        "type": "object",
        "properties": {
            "a": {"type": "integer"},
            "b": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {"c": {"type": "string"}},
                        "additionalProperties": False,
                        "required": ["c"],
                    },
                    {"type": "null"},
                ]
            },
        },
        "required": ["a", "b"],
        "additionalProperties": False,
    }
    assert given["required"] == ["a"]  # the caller's schema is left as it was


class Cat(pydantic.BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(pydantic.BaseModel):
    kind: Literal["dog"]
    good: bool


class Pet(pydantic.BaseModel):
    pet: Cat | Dog = pydantic.Field(discriminator="kind")


def test_a_pydantic_tagged_union_is_sent_as_any_of() -> None:
    fmt = output_format(Pet)
    assert "oneOf" not in str(fmt.schema) and "discriminator" not in str(fmt.schema)
    assert fmt.parse('{"pet": {"kind": "dog", "good": true}}') == Pet(pet=Dog(kind="dog", good=True))


def message_with(text: str, stop_reason: str = "end_turn") -> Message:
    return Message.from_dict(
        {
            "id": "m",
            "type": "message",
            "role": "assistant",
            "model": "x",
            "content": [{"type": "text", "text": text}, {"type": "tool_use", "id": "t", "name": "n", "input": {}}],
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 1},
        }
    )


def test_parse_message_keeps_other_blocks_and_the_message() -> None:
    parsed = parse_message(message_with('{"colour": "blue", "size": 1}'), output_format(Options))
    assert parsed.parsed_output == {"colour": "blue", "size": 1}
    assert (
        parsed.content[1].type == "tool_use"
        and parsed.to_dict() == message_with('{"colour": "blue", "size": 1}').to_dict()
    )
    assert parse_message(message_with("plain"), None).parsed_output is None


def test_parse_errors_keep_the_text() -> None:
    with pytest.raises(StructuredOutputError) as info:
        parse_message(message_with('{"colour": "green", "size": 1}'), output_format(Options))
    assert info.value.text == '{"colour": "green", "size": 1}' and info.value.stop_reason == "end_turn"
    assert "colour must be one of ['red', 'blue']" in str(info.value)
    with pytest.raises(StructuredOutputError, match="stopped with 'refusal'") as refused:
        parse_message(message_with("I can't", "refusal"), output_format(Options))
    assert isinstance(refused.value.__cause__, ValueError)
