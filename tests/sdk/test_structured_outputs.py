"""Structured outputs: `messages.parse` and `messages.stream(output_format=...)` with a pydantic
model, a TypedDict, a dataclass and a JSON schema, sync and async, streamed and not, over real HTTP
against the emulator (which answers a value valid against the schema); the strict schema sent; what
Bedrock refuses, refused before sending with the place named; a parse failure keeping the text."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import subprocess
import sys
import textwrap
from typing import Any, Literal, TypedDict

import pydantic
import pytest

import anthropic_bedrock as ab
from anthropic_bedrock.types import ParsedMessage, ParsedTextBlock

from drivers import Driver

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
ASK = [{"role": "user", "content": "Extract the order: two apples for Ada."}]


class Size(enum.Enum):
    SMALL = "small"
    LARGE = "large"


class ItemModel(pydantic.BaseModel):
    name: str
    quantity: int


class OrderModel(pydantic.BaseModel):
    """An order."""

    customer: str
    items: list[ItemModel]
    size: Size
    rush: bool
    due: datetime.date
    note: str | None = None


class ItemDict(TypedDict):
    name: str
    quantity: int


class OrderDict(TypedDict):
    customer: str
    items: list[ItemDict]
    size: Literal["small", "large"]
    rush: bool


@dataclasses.dataclass
class ItemData:
    name: str
    quantity: int


@dataclasses.dataclass
class OrderData:
    customer: str
    items: list[ItemData]
    size: Size
    rush: bool
    due: datetime.date
    weight: float = 0.0


ORDER_SCHEMA = {
    "type": "object",
    "properties": {
        "customer": {"type": "string"},
        "items": {"type": "array", "items": {"type": "object", "properties": {"quantity": {"type": "integer"}}}},
        "email": {"type": "string", "format": "email"},
    },
}

# What the emulator's answer parses to, per output format (its values are fixed: see _structured).
EXPECTED: dict[str, Any] = {
    "pydantic": OrderModel(
        customer="emulated",
        items=[ItemModel(name="emulated", quantity=1)],
        size=Size.SMALL,
        rush=True,
        due=datetime.date(2025, 1, 1),
        note="emulated",
    ),
    "typeddict": {
        "customer": "emulated",
        "items": [{"name": "emulated", "quantity": 1}],
        "size": "small",
        "rush": True,
    },
    "dataclass": OrderData("emulated", [ItemData("emulated", 1)], Size.SMALL, True, datetime.date(2025, 1, 1), 1.5),
    "schema": {"customer": "emulated", "items": [{"quantity": 1}], "email": "emulated@example.com"},
}
FORMATS: dict[str, Any] = {
    "pydantic": OrderModel,
    "typeddict": OrderDict,
    "dataclass": OrderData,
    "schema": ORDER_SCHEMA,
}


def sent_schema(emulator: Any) -> dict[str, Any]:
    schema: dict[str, Any] = emulator.log[-1].json()["output_config"]["format"]["schema"]
    return schema


@pytest.mark.parametrize("kind", list(FORMATS))
def test_parse_round_trip(driver: Driver, emulator: Any, kind: str) -> None:
    message = driver.run(
        driver.client.messages.parse(model=MODEL, max_tokens=200, messages=ASK, output_format=FORMATS[kind])
    )
    assert isinstance(message, ParsedMessage)
    assert message.parsed_output == EXPECTED[kind]
    (block,) = message.content
    assert isinstance(block, ParsedTextBlock) and block.parsed_output == EXPECTED[kind]
    assert message.stop_reason == "end_turn" and message.response_metadata.request_id
    # What went out: the schema made strict (closed objects, every property required).
    schema = sent_schema(emulator)
    assert schema["additionalProperties"] is False and schema["required"] == list(schema["properties"])
    assert emulator.log[-1].json()["output_config"]["format"]["type"] == "json_schema"
    # Dumps give back what came, without the parsed output.
    assert "parsed_output" not in message.to_json() and message.to_dict()["content"][0]["type"] == "text"


@pytest.mark.parametrize("kind", list(FORMATS))
def test_stream_with_output_format(driver: Driver, emulator: Any, kind: str) -> None:
    manager = driver.client.messages.stream(model=MODEL, max_tokens=200, messages=ASK, output_format=FORMATS[kind])

    async def read_async() -> tuple[Any, str]:
        async with manager as stream:
            pieces = [text async for text in stream.text_stream]
            return await stream.get_final_message(), "".join(pieces)

    def read_sync() -> tuple[Any, str]:
        with manager as stream:
            pieces = list(stream.text_stream)
            return stream.get_final_message(), "".join(pieces)

    final, text = driver.run(read_async()) if driver.is_async else read_sync()
    assert isinstance(final, ParsedMessage) and final.parsed_output == EXPECTED[kind]
    assert final.content[0].text == text and emulator.requests("stream")
    assert sent_schema(emulator)["additionalProperties"] is False


def test_schemas_sent(emulator: Any, driver: Driver) -> None:
    driver.run(driver.client.messages.parse(model=MODEL, max_tokens=200, messages=ASK, output_format=OrderData))
    assert sent_schema(emulator) == {
        "type": "object",
        "title": "OrderData",
        "properties": {
            "customer": {"type": "string"},
            "items": {"type": "array", "items": {"$ref": "#/$defs/ItemData"}},
            "size": {"enum": ["small", "large"]},
            "rush": {"type": "boolean"},
            "due": {"type": "string", "format": "date"},
            "weight": {"type": "number"},
        },
        "required": ["customer", "items", "size", "rush", "due", "weight"],
        "additionalProperties": False,
        "$defs": {
            "ItemData": {
                "type": "object",
                "title": "ItemData",
                "properties": {"name": {"type": "string"}, "quantity": {"type": "integer"}},
                "required": ["name", "quantity"],
                "additionalProperties": False,
            }
        },
    }
    driver.run(driver.client.messages.parse(model=MODEL, max_tokens=200, messages=ASK, output_format=OrderModel))
    pydantic_schema = sent_schema(emulator)
    assert "default" not in pydantic_schema["properties"]["note"]  # every property is required: no defaults
    assert pydantic_schema["required"] == ["customer", "items", "size", "rush", "due", "note"]
    assert pydantic_schema["$defs"]["ItemModel"]["additionalProperties"] is False


def test_output_config_given_directly(driver: Driver, emulator: Any) -> None:
    config = {
        "format": {
            "type": "json_schema",
            "schema": {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "required": ["a"],
                "additionalProperties": False,
            },
        }
    }
    message = driver.run(driver.client.messages.create(model=MODEL, max_tokens=50, messages=ASK, output_config=config))
    assert message.content[0].text == '{"a": 1}'
    assert emulator.log[-1].json()["output_config"] == config
    count = driver.run(driver.client.messages.count_tokens(model=MODEL, messages=ASK, output_format=OrderDict))
    assert count.input_tokens > 0
    assert emulator.requests("count_tokens")


UNSUPPORTED = [
    (
        {"type": "object", "properties": {"age": {"type": "integer", "minimum": 0}}},
        "output_format.properties.age.minimum is not supported",
    ),
    (
        {"type": "object", "properties": {"s": {"type": "string", "maxLength": 5}}},
        "output_format.properties.s.maxLength",
    ),
    (
        {"type": "object", "properties": {"s": {"type": "string", "format": "regex"}}},
        "output_format.properties.s.format is 'regex'",
    ),
    (
        {"type": "object", "additionalProperties": {"type": "string"}},
        "output_format.additionalProperties must be false",
    ),
    (
        {"type": "object", "properties": {"l": {"type": "array", "minItems": 2}}},
        "output_format.properties.l.minItems must be 0 or 1",
    ),
    (
        {"type": "object", "properties": {"x": {"$ref": "https://example.com/s.json"}}},
        "output_format.properties.x.$ref must point into",
    ),
    (
        {
            "type": "object",
            "properties": {"n": {"$ref": "#/$defs/N"}},
            "$defs": {"N": {"type": "object", "properties": {"n": {"$ref": "#/$defs/N"}}}},
        },
        "no recursive schema",
    ),
    ({"type": "object", "not": {"type": "null"}}, "output_format.not is not supported"),
    ({"type": "tuple"}, "output_format.type names the type 'tuple'"),
]


@pytest.mark.parametrize(("schema", "text"), UNSUPPORTED)
def test_what_bedrock_refuses_is_refused_before_sending(
    driver: Driver, emulator: Any, schema: dict[str, Any], text: str
) -> None:
    with pytest.raises(ValueError) as info:
        driver.run(driver.client.messages.parse(model=MODEL, max_tokens=50, messages=ASK, output_format=schema))
    assert text in str(info.value)
    assert emulator.log == []


class Bounded(pydantic.BaseModel):
    age: int = pydantic.Field(ge=0)


@dataclasses.dataclass
class Node:
    value: int
    child: Node | None


class Loose(TypedDict):
    extra: dict[str, int]


@pytest.mark.parametrize(
    ("output_format", "error", "text"),
    [
        (
            Bounded,
            ValueError,
            "output_format.properties.age.minimum is not supported: Bedrock's structured outputs take no numeric bounds",
        ),
        (
            Node,
            TypeError,
            "output_format: Node.child: Node contains itself; Bedrock's structured outputs take no recursive schema",
        ),
        (Loose, TypeError, "output_format: Loose.extra: a dict of any keys cannot be expressed"),
        (
            int,
            TypeError,
            "output_format must be a pydantic model class, a TypedDict, a dataclass or a JSON schema dict",
        ),
        ("{}", TypeError, "not str"),
    ],
)
def test_types_bedrock_cannot_take_are_refused(
    driver: Driver, emulator: Any, output_format: Any, error: type, text: str
) -> None:
    with pytest.raises(error) as info:
        driver.run(driver.client.messages.parse(model=MODEL, max_tokens=50, messages=ASK, output_format=output_format))
    assert text in str(info.value)
    with pytest.raises(error):
        driver.client.messages.stream(model=MODEL, max_tokens=50, messages=ASK, output_format=output_format)
    assert emulator.log == []


def test_output_config_checks_on_create(driver: Driver, emulator: Any) -> None:
    bad = {"format": {"type": "json_schema", "schema": {"type": "object", "oneOf": []}}}
    with pytest.raises(ValueError, match=r"output_config\.format\.schema\.oneOf is not supported.*\(use anyOf\)"):
        driver.run(driver.client.messages.create(model=MODEL, max_tokens=5, messages=ASK, output_config=bad))
    good = {
        "format": {"type": "json_schema", "schema": {"type": "object", "properties": {}, "additionalProperties": False}}
    }
    cited = [
        {
            "role": "user",
            "content": [
                {
                    "type": "document",
                    "source": {"type": "text", "media_type": "text/plain", "data": "d"},
                    "citations": {"enabled": True},
                },
                {"type": "text", "text": "summarize"},
            ],
        }
    ]
    with pytest.raises(
        ValueError, match=r"messages\[0\]\.content\[0\]\.citations enables citations, which Bedrock refuses together"
    ):
        driver.run(driver.client.messages.create(model=MODEL, max_tokens=5, messages=cited, output_config=good))
    with pytest.raises(TypeError, match=r"output_config\.format must be a dict"):
        driver.run(
            driver.client.messages.create(model=MODEL, max_tokens=5, messages=ASK, output_config={"format": "json"})
        )
    with pytest.raises(TypeError, match="give output_format or output_config\\['format'\\], not both"):
        driver.run(
            driver.client.messages.parse(
                model=MODEL, max_tokens=5, messages=ASK, output_format=OrderDict, output_config=good
            )
        )
    assert emulator.log == []


def test_a_parse_failure_keeps_the_text(driver: Driver, emulator: Any) -> None:
    # Too few tokens for the whole object: the JSON is cut short.
    with pytest.raises(ab.StructuredOutputError) as info:
        driver.run(driver.client.messages.parse(model=MODEL, max_tokens=3, messages=ASK, output_format=OrderDict))
    assert info.value.stop_reason == "max_tokens" and info.value.text.startswith('{"customer": "emulated",')
    assert "(the answer stopped with 'max_tokens')" in str(info.value) and isinstance(info.value, ValueError)
    # A refusal is not the requested type either; pydantic's own error is the cause.
    refuse = {"x-emulator-fault": "refusal=cyber"}
    with pytest.raises(ab.StructuredOutputError) as refused:
        driver.run(
            driver.client.messages.parse(
                model=MODEL, max_tokens=50, messages=ASK, output_format=OrderModel, extra_headers=refuse
            )
        )
    assert refused.value.stop_reason == "refusal" and refused.value.text == "Extract the order:"
    assert isinstance(refused.value.__cause__, pydantic.ValidationError)


def test_parse_does_not_stream(driver: Driver) -> None:
    with pytest.raises(TypeError, match="does not stream"):
        driver.run(
            driver.client.messages.parse(model=MODEL, max_tokens=5, messages=ASK, output_format=OrderDict, stream=True)
        )


def test_pydantic_is_never_imported_without_a_pydantic_model(emulator: Any) -> None:
    program = textwrap.dedent(
        f"""
        import sys
        from typing import TypedDict
        from anthropic_bedrock import AnthropicBedrock

        class Answer(TypedDict):
            text: str

        client = AnthropicBedrock(aws_access_key={emulator.access_key!r}, aws_secret_key={emulator.secret_key!r},
                                  aws_region={emulator.region!r}, base_url={emulator.url!r})
        message = client.messages.parse(model="{MODEL}", max_tokens=50, messages={ASK!r}, output_format=Answer)
        assert message.parsed_output == {{"text": "emulated"}}, message.parsed_output
        assert "pydantic" not in sys.modules, "pydantic was imported"
        """
    )
    subprocess.run([sys.executable, "-c", program], check=True, timeout=60)
