"""pydantic interop without a pydantic dependency: a `Message` as a field of a pydantic model, through
`TypeAdapter`, and as the response model of a FastAPI relay that calls this SDK (over real HTTP to
the emulator). pydantic and FastAPI are dev dependencies only; the SDK never imports them."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Annotated, Any

import pytest

from anthropic_bedrock import AnthropicBedrock
from anthropic_bedrock.types import ContentBlock, Message, TextBlock, ToolUseBlock, UnknownContentBlock

from drivers import client_kwargs

pydantic = pytest.importorskip("pydantic")

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
DATA: dict[str, Any] = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [
        {"type": "text", "text": "Checking."},
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
        {"type": "server_tool_use", "id": "s1", "input": {}},
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {"input_tokens": 12, "output_tokens": 7},
}


class Turn(pydantic.BaseModel):  # type: ignore[misc]
    """User code: a pydantic model that stores the model's answer."""

    user: str
    answer: Message
    earlier: list[Message] = pydantic.Field(default_factory=list)


def test_a_pydantic_model_holds_a_message() -> None:
    message = Message.from_dict(DATA)
    turn = Turn(user="u", answer=message)
    assert turn.answer is message  # an instance is taken as it is
    from_dict = Turn.model_validate({"user": "u", "answer": DATA, "earlier": [DATA]})
    assert from_dict.answer == message and isinstance(from_dict.earlier[0], Message)
    assert isinstance(from_dict.answer.content[2], UnknownContentBlock)  # a newer kind still parses
    dumped = json.loads(turn.model_dump_json())
    assert dumped["answer"] == message.model_dump(mode="json")
    assert Turn.model_validate_json(turn.model_dump_json()).answer == message
    assert turn.model_dump()["answer"]["usage"] == {
        "input_tokens": 12,
        "output_tokens": 7,
        "cache_creation_input_tokens": None,
        "cache_read_input_tokens": None,
        "cache_creation": None,
        "service_tier": None,
    }
    assert turn.model_dump(exclude_unset=True)["answer"] == DATA  # the flags reach the message
    assert "cache_read_input_tokens" not in turn.model_dump(exclude_none=True)["answer"]["usage"]


def test_a_bad_message_is_a_validation_error_naming_the_field() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Turn.model_validate({"user": "u", "answer": {**DATA, "usage": {"input_tokens": "x", "output_tokens": 1}}})
    error = caught.value.errors()[0]
    assert error["loc"] == ("answer",) and "Usage.input_tokens must be an integer, not str" in error["msg"]
    with pytest.raises(pydantic.ValidationError, match="the required key 'id' is missing"):
        Turn.model_validate({"user": "u", "answer": {k: v for k, v in DATA.items() if k != "id"}})
    with pytest.raises(pydantic.ValidationError, match="Message is parsed from a dict, not int"):
        Turn.model_validate({"user": "u", "answer": 5})


def test_type_adapter() -> None:
    adapter = pydantic.TypeAdapter(Message)
    message = adapter.validate_python(DATA)
    assert message == Message.from_dict(DATA)
    assert adapter.validate_json(json.dumps(DATA)) == message
    assert json.loads(adapter.dump_json(message)) == message.model_dump(mode="json")
    assert json.loads(adapter.dump_json(message, by_alias=True, exclude_unset=True)) == DATA
    blocks = pydantic.TypeAdapter(list[ContentBlock]).validate_python(DATA["content"])
    assert [type(b) for b in blocks] == [TextBlock, ToolUseBlock, UnknownContentBlock]


def test_json_schema_describes_the_json() -> None:
    for mode in ("validation", "serialization"):
        schema = pydantic.TypeAdapter(Message).json_schema(mode=mode)
        assert set(schema["required"]) == {"id", "type", "role", "model", "content", "usage"}
        assert schema["properties"]["type"]["const"] == "message" and schema["additionalProperties"] is True
        assert schema["properties"]["stop_reason"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
        kinds = schema["properties"]["content"]["items"]["anyOf"]
        assert {"$ref": "#/$defs/ToolUseBlock"} in kinds and {"$ref": "#/$defs/UnknownContentBlock"} in kinds
        assert schema["$defs"]["ToolUseBlock"]["properties"]["input"]["type"] == "object"


fastapi = pytest.importorskip("fastapi")
Body, FastAPI = fastapi.Body, fastapi.FastAPI  # module-level names: FastAPI resolves the annotations here


class Prompt(pydantic.BaseModel):  # type: ignore[misc]
    text: str


def relay_app(emulator: Any) -> Any:
    """User code: a FastAPI service that relays a prompt to Claude and returns its `Message`."""
    client = AnthropicBedrock(**client_kwargs(emulator))
    app = FastAPI()

    @app.post("/ask", response_model=Message)
    def ask(prompt: Prompt) -> Message:
        return client.messages.create(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": prompt.text}])

    @app.post("/ask-compact", response_model=Message, response_model_exclude_none=True)
    def ask_compact(prompt: Prompt) -> Message:
        return ask(prompt)

    # As a request body a Message needs `Body()`: FastAPI takes only pydantic models, dataclasses,
    # mappings and sequences for bodies by itself, and a parameter of any other class for a query.
    @app.post("/echo")
    def echo(message: Annotated[Message, Body()]) -> dict[str, Any]:
        return {"blocks": [block.type for block in message.content], "tokens": message.usage.output_tokens}

    app.state.client = client
    return app


def test_fastapi_relay_returns_a_message(emulator: Any) -> None:
    from fastapi.testclient import TestClient

    app = relay_app(emulator)
    with TestClient(app) as http:
        answer = http.post("/ask", json={"text": "say hello"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        message = Message.model_validate(body)
        assert body["type"] == "message" and body["role"] == "assistant" and message.content[0].type == "text"
        assert body == message.model_dump(mode="json", by_alias=True)  # every documented field, as FastAPI dumps
        compact = http.post("/ask-compact", json={"text": "say hello"}).json()
        assert None not in compact.values() and compact["usage"]["input_tokens"] == body["usage"]["input_tokens"]
        echoed = http.post("/echo", json=DATA)
        assert echoed.json() == {"blocks": ["text", "tool_use", "server_tool_use"], "tokens": 7}
        refused = http.post("/echo", json={**DATA, "role": "user"})
        assert refused.status_code == 422 and "Message.role must be 'assistant'" in refused.text
        openapi = http.get("/openapi.json")
        assert openapi.status_code == 200 and "Message" in openapi.json()["components"]["schemas"]
    app.state.client.close()


def test_the_sdk_never_imports_pydantic() -> None:
    code = (
        "import sys, anthropic_bedrock\n"
        "from anthropic_bedrock.types import Message\n"
        "m = Message.model_validate_json(sys.argv[1])\n"
        "m.model_dump(mode='json'); m.to_json(); m.model_copy(deep=True); Message.model_fields\n"
        "assert 'pydantic' not in sys.modules and 'pydantic_core' not in sys.modules, sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code, json.dumps(DATA)], check=True)
