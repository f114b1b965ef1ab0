"""What the emulated Claude answers to a Messages request, as one JSON message or as stream events.

The rules (which blocks, in which order, when generation stops) are in the package docstring,
section "Answers"; this module carries them out. Content is generated in order --
thinking, then text, then ``tool_use`` -- against one ``max_tokens`` budget, and stop sequences cut
the text blocks. Every piece is produced when it is sent.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from . import _structured
from ._chunks import Metrics, wrap
from ._generate import Echo, count_tokens, group_pieces
from ._messages_check import MessagesRequest
from ._novel import NOVEL_BLOCK, NOVEL_BLOCK_START, NOVEL_DELTA, NOVEL_EVENT, NOVEL_FIELD, NOVEL_STOP_REASON
from ._options import BLOCKED_MESSAGE, Options
from ._schema import JSONObject
from ._tokens import cache_writes

__all__ = ["Message", "answer", "build_input", "thinking_signature"]

JSON_PIECE: Final = 8  # characters of tool input per input_json_delta
STRING_VALUE: Final = "emulated"
REFUSAL_TOKENS: Final = 3  # tokens of the echo a refusal lets out before it stops
REFUSAL_EXPLANATION: Final = "The emulated model declined to continue."
_MAX_SCHEMA_DEPTH: Final = 16
# Tool names are made of these characters only, so a name found as a whole word (not next to one
# of them) is exactly one maximal run of them: one pass over the text finds every candidate.
_NAME_RUN = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class _Thinking:
    text: str
    signature: str


@dataclass(frozen=True, slots=True)
class _Text:
    echo: Echo
    main: bool  # the echo itself (``chunks=`` applies), not a tool preface


@dataclass(frozen=True, slots=True)
class _ToolUse:
    id: str
    name: str
    input: JSONObject


@dataclass(frozen=True, slots=True)
class _Novel:
    streamed_as_delta: bool


_Block = _Thinking | _Text | _ToolUse | _Novel


def thinking_signature(text: str) -> str:
    """The signature of a thinking block: base64 of SHA-256 over ``"emulator:" + text``."""
    return base64.b64encode(hashlib.sha256(("emulator:" + text).encode()).digest()).decode()


def build_input(schema: object, depth: int = 0) -> JSONObject:
    """A tool input for ``schema``: each required property given a fixed value of its type."""
    if not isinstance(schema, dict) or depth > _MAX_SCHEMA_DEPTH:
        return {}
    properties = schema.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    required = schema.get("required")
    names = [name for name in required if isinstance(name, str)] if isinstance(required, list) else []
    return {name: _value(properties.get(name), depth) for name in names}


def _value(schema: object, depth: int) -> object:
    if not isinstance(schema, dict):
        return STRING_VALUE
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((item for item in kind if item != "null"), "null")
    values: dict[object, object] = {"integer": 1, "number": 1.5, "boolean": True, "null": None, "array": []}
    if kind == "object":
        return build_input(schema, depth + 1)
    return values.get(kind, STRING_VALUE) if isinstance(kind, str) else STRING_VALUE


def _chosen_tool(request: MessagesRequest) -> tuple[JSONObject, bool] | None:
    """The tool the answer calls, and whether it was forced (no preface text), or None."""
    if not request.tools:
        return None
    choice = request.tool_choice["type"] if request.tool_choice else "auto"
    if choice == "any":
        return request.tools[0], True
    if choice == "tool":
        assert request.tool_choice is not None
        return next(t for t in request.tools if t["name"] == request.tool_choice["name"]), True
    if choice == "none" or request.after_tool_result:
        return None
    text = request.last_user_text
    words = set(_NAME_RUN.findall(text))
    for tool in request.tools:
        if tool["name"] in words:
            return tool, False
    if "use a tool" in text.lower():
        return request.tools[0], False
    return None


@dataclass(frozen=True, slots=True)
class Message:
    """The answer: its blocks, how it ended, and the token counts."""

    message_id: str
    blocks: list[_Block]
    stop_reason: str
    stop_sequence: str | None
    input_tokens: int
    output_tokens: int
    novel_event: bool
    novel_field: bool = False
    stop_details: JSONObject | None = None
    bedrock: JSONObject | None = None  # what a guardrail adds to the body (its action, its trace)
    cache: dict[str, int] | None = None  # input tokens written to the prompt cache, by TTL

    def _usage(self) -> JSONObject:
        if self.cache is None:
            return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens}
        written = sum(self.cache.values())
        return {
            "input_tokens": self.input_tokens - written,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": written,
            "cache_read_input_tokens": 0,
            "cache_creation": {
                "ephemeral_5m_input_tokens": self.cache["5m"],
                "ephemeral_1h_input_tokens": self.cache["1h"],
            },
        }

    def invoke_body(self, model_id: str) -> bytes:
        """The InvokeModel response body."""
        content: list[object] = []
        for block in self.blocks:
            if isinstance(block, _Thinking):
                content.append({"type": "thinking", "thinking": block.text, "signature": block.signature})
            elif isinstance(block, _Text):
                content.append({"type": "text", "text": block.echo.text()})
            elif isinstance(block, _ToolUse):
                content.append({"type": "tool_use", "id": block.id, "name": block.name, "input": block.input})
            else:
                content.append(NOVEL_BLOCK)
        body = {**self._head(model_id, content, done=True), "usage": self._usage()}
        if self.stop_details is not None:
            body["stop_details"] = self.stop_details
        if self.novel_field:
            body.update(NOVEL_FIELD)
        return json.dumps({**body, **(self.bedrock or {})}).encode()

    def _head(self, model_id: str, content: list[object], *, done: bool) -> JSONObject:
        return {
            "id": self.message_id,
            "type": "message",
            "role": "assistant",
            "model": model_id,
            "content": content,
            "stop_reason": self.stop_reason if done else None,
            "stop_sequence": self.stop_sequence if done else None,
        }

    def chunk_payloads(self, model_id: str, chunks: int | None, metrics: Metrics) -> Iterator[bytes]:
        """The stream's events, one per chunk frame; ``chunks`` regroups the echoed text's deltas."""
        usage = {**self._usage(), "output_tokens": 1}
        action = {} if self.bedrock is None else {k: v for k, v in self.bedrock.items() if k.endswith("Action")}
        head = {**self._head(model_id, [], done=False), "usage": usage}
        yield wrap({"type": "message_start", "message": head, **action})
        yield wrap({"type": "ping", **action})
        if self.novel_event:
            yield wrap(NOVEL_EVENT)
        for index, block in enumerate(self.blocks):
            yield from _block_events(index, block, chunks, action)
        delta: JSONObject = {"stop_reason": self.stop_reason, "stop_sequence": self.stop_sequence}
        if self.stop_details is not None:
            delta["stop_details"] = self.stop_details
        if self.novel_field:
            delta.update(NOVEL_FIELD)
        yield wrap({"type": "message_delta", "delta": delta, "usage": {"output_tokens": self.output_tokens}, **action})
        # The last chunk carries the metrics, and a guardrail's action and trace.
        yield wrap({"type": "message_stop", "amazon-bedrock-invocationMetrics": metrics(), **(self.bedrock or {})})


def _block_events(index: int, block: _Block, chunks: int | None, extra: JSONObject) -> Iterator[bytes]:
    # ``extra``: what every chunk carries besides its event (a guardrail's action).
    def delta(body: JSONObject) -> bytes:
        return wrap({"type": "content_block_delta", "index": index, "delta": body, **extra})

    def start(body: JSONObject) -> bytes:
        return wrap({"type": "content_block_start", "index": index, "content_block": body, **extra})

    if isinstance(block, _Thinking):
        yield start({"type": "thinking", "thinking": "", "signature": ""})
        for piece in Echo(block.text, count_tokens(block.text), leading_space=False).pieces():
            yield delta({"type": "thinking_delta", "thinking": piece})
        yield delta({"type": "signature_delta", "signature": block.signature})
    elif isinstance(block, _Text):
        yield start({"type": "text", "text": ""})
        groups = chunks if block.main else None
        if block.echo.tokens or groups:
            for piece in group_pieces(block.echo.pieces(), block.echo.tokens, groups):
                yield delta({"type": "text_delta", "text": piece})
    elif isinstance(block, _ToolUse):
        yield start({"type": "tool_use", "id": block.id, "name": block.name, "input": {}})
        text = json.dumps(block.input)
        for offset in range(0, len(text), JSON_PIECE):
            yield delta({"type": "input_json_delta", "partial_json": text[offset : offset + JSON_PIECE]})
    elif block.streamed_as_delta:
        yield start(NOVEL_BLOCK_START)
        yield delta(NOVEL_DELTA)
    else:
        yield start(NOVEL_BLOCK)
    yield wrap({"type": "content_block_stop", "index": index, **extra})


def answer(
    request: MessagesRequest,
    input_tokens: int,
    length: int | None,
    novel: frozenset[str],
    *,
    refusal: str | None = None,
    options: Options | None = None,
) -> Message:
    """The deterministic answer to ``request`` (``length``: echoed tokens before a natural end;
    ``refusal``: the category of a refusal to answer with, ``""`` for none; ``options``: Bedrock's
    request options, whose guardrail may block the request)."""
    guardrail = options.guardrail(request.last_user_text) if options is not None else None
    if guardrail is not None and guardrail["amazon-bedrock-guardrailAction"] == "INTERVENED":
        return _blocked(request, input_tokens, guardrail)
    blocks: list[_Block] = []
    remaining = request.max_tokens
    stop_sequence: str | None = None
    stop_details: JSONObject | None = None
    if request.thinking_budget is not None:
        words = len(request.last_user_text.split())
        text = f"The user wrote {words} words; I will echo them."
        blocks.append(_Thinking(text, thinking_signature(text)))
        remaining -= count_tokens(text)
    chosen = _chosen_tool(request) if refusal is None else None
    if chosen is not None:
        tool, forced = chosen
        reason = "tool_use"
        if not forced:
            preface = f"I will use the {tool['name']} tool."
            echo = Echo(preface, min(count_tokens(preface), remaining), request.stop_sequences, leading_space=False)
            blocks.append(_Text(echo, main=False))
            remaining -= echo.tokens
            if echo.stop is not None:
                reason, stop_sequence = "stop_sequence", echo.stop
            elif echo.tokens < count_tokens(preface):
                reason = "max_tokens"
        if reason == "tool_use":
            tool_input = build_input(tool.get("input_schema"))
            if count_tokens(json.dumps(tool_input)) > remaining:
                reason = "max_tokens"
            else:
                tool_id = f"toolu_emulator_{request.message_count}"
                blocks.append(_ToolUse(tool_id, str(tool["name"]), tool_input))
    else:
        text, limit, natural = _main_text(request, remaining, length, refusal)
        echo = Echo(text, limit, request.stop_sequences, leading_space=False)
        blocks.append(_Text(echo, main=True))
        if refusal is not None:
            reason = "refusal"
            stop_details = {"type": "refusal", "category": refusal or None, "explanation": REFUSAL_EXPLANATION}
        elif echo.stop is not None:
            reason, stop_sequence = "stop_sequence", echo.stop
        elif echo.exhausted or natural:
            reason = "end_turn"
        else:
            reason = "max_tokens"
    if novel & {"block", "delta"}:
        blocks.append(_Novel(streamed_as_delta="delta" in novel))
    if "stop" in novel:
        reason = NOVEL_STOP_REASON
    return Message(
        message_id=_message_id(request.body),
        blocks=blocks,
        stop_reason=reason,
        stop_sequence=stop_sequence,
        input_tokens=input_tokens,
        output_tokens=sum(_output_tokens(block) for block in blocks),
        novel_event="event" in novel,
        novel_field="field" in novel,
        stop_details=stop_details,
        bedrock=guardrail,
        cache=cache_writes(request.body),
    )


def _main_text(
    request: MessagesRequest, remaining: int, length: int | None, refusal: str | None
) -> tuple[str, int, bool]:
    """The text block's text, its token limit, and whether reaching the limit is a natural end."""
    if refusal is not None:
        return request.last_user_text, min(REFUSAL_TOKENS, remaining), False
    schema = _structured.schema_of(request.body)
    if schema is not None:
        text = json.dumps(_structured.sample(schema))
        return text, min(count_tokens(text), remaining), count_tokens(text) <= remaining
    limit = remaining if length is None else min(length, remaining)
    return request.last_user_text, limit, length is not None and length < remaining


def _blocked(request: MessagesRequest, input_tokens: int, guardrail: JSONObject) -> Message:
    """The answer of a request the guardrail blocked: its message (whole, whatever ``max_tokens``: it
    does not come from the model), and nothing from the model."""
    echo = Echo(BLOCKED_MESSAGE, count_tokens(BLOCKED_MESSAGE), leading_space=False)
    return Message(
        message_id=_message_id(request.body),
        blocks=[_Text(echo, main=True)],
        stop_reason="end_turn",
        stop_sequence=None,
        input_tokens=input_tokens,
        output_tokens=echo.tokens,
        novel_event=False,
        bedrock=guardrail,
    )


def _output_tokens(block: _Block) -> int:
    if isinstance(block, _Thinking):
        return count_tokens(block.text)
    if isinstance(block, _Text):
        return block.echo.tokens
    if isinstance(block, _ToolUse):
        return count_tokens(json.dumps(block.input))
    return 0


def _message_id(body: JSONObject) -> str:
    """``msg_bdrk_`` and 24 hex digits of SHA-256 over the body as canonical JSON (sorted keys, compact)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return "msg_bdrk_" + hashlib.sha256(canonical.encode()).hexdigest()[:24]
