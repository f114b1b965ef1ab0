"""What the emulated model says: request-body validation and deterministic answers.

This is a protocol emulator, not a model. A "token" is a whitespace-separated word (a word over 64
characters counts once per 64-character slice, see :mod:`._generate`). The answer
echoes the words of the last human turn (text completions: the text after the last ``Human:`` up to
``Assistant:``; Messages API: the text of the last ``user`` message), cycled until exactly
``max_tokens_to_sample`` (or ``max_tokens``) words are produced: ``stop_reason`` is then
``max_tokens``. A stop sequence found in the generated text cuts it just before the sequence
(``stop_sequence``, with ``stop`` / ``stop_sequence`` naming it). The answer ends naturally only
when the human turn has no words, or when the request's directives set ``length=<n>`` with ``n``
below the token limit: text completions then report ``stop_reason: "stop_sequence"`` with
``stop: "\\n\\nHuman:"`` (what Claude reports at the end of its turn) and the Messages API reports
``end_turn``. The input token count is the number of words in the prompt (or in all messages and
the system prompt).

Limits as Bedrock's: the body is at most 25,000,000 bytes (InvokeModel's ``body`` member);
``max_tokens_to_sample`` at most 4,096 (Bedrock's Claude text-completion parameter table);
``max_tokens`` at most 128,000. Bedrock documents no single ``max_tokens`` limit (each model has its
own, such as 32,000 or 64,000): 128,000 is the largest any Claude model accepts, used here for all.
"""

from __future__ import annotations

import base64
import json
import math
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

from ._generate import Echo, count_tokens, group_pieces

__all__ = [
    "ANTHROPIC_VERSION",
    "Answer",
    "BodyError",
    "Invocation",
    "answer",
    "chunk_payloads",
    "invoke_body",
    "parse_body",
]

ANTHROPIC_VERSION: Final = "bedrock-2023-05-31"
HUMAN_TURN_END: Final = "\n\nHuman:"
MAX_TOKENS_TO_SAMPLE: Final = 4096
MAX_OUTPUT_TOKENS: Final = 128_000

_TEXT_KEYS: Final = frozenset(
    {"prompt", "max_tokens_to_sample", "stop_sequences", "temperature", "top_p", "top_k", "anthropic_version"}
)
_MESSAGES_KEYS: Final = frozenset(
    {
        "messages",
        "max_tokens",
        "anthropic_version",
        "anthropic_beta",
        "system",
        "stop_sequences",
        "temperature",
        "top_p",
        "top_k",
        "metadata",
        "tools",
        "tool_choice",
        "thinking",
    }
)


class BodyError(Exception):
    """The body fails Bedrock's validation; the message is what the 400 answer carries."""


def _malformed(detail: str) -> BodyError:
    return BodyError(f"Malformed input request: {detail}, please reformat your input and try again.")


@dataclass(frozen=True, slots=True)
class Invocation:
    """A validated request body, reduced to what the answer depends on."""

    api: str  # "text" or "messages"
    human_text: str
    input_tokens: int
    max_tokens: int
    stop_sequences: list[str]


@dataclass(frozen=True, slots=True)
class Answer:
    """The generated completion: its pieces (one per token, produced on demand) and how it ended."""

    echo: Echo
    stop_reason: str
    stop: str | None

    @property
    def output_tokens(self) -> int:
        return self.echo.tokens

    def pieces(self) -> Iterator[str]:
        return self.echo.pieces()

    @property
    def text(self) -> str:
        return self.echo.text()


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Number" if not isinstance(value, int) else "Integer"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "JSONArray"
    if isinstance(value, dict):
        return "JSONObject"
    return "Null"


def _check_number(body: dict[str, object], key: str, low: float, high: float | None, integer: bool) -> None:
    if key not in body:
        return
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        expected = "Integer" if integer else "Number"
        raise _malformed(f"#/{key}: expected type: {expected}, found: {_type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _malformed(f"#/{key}: {value} is not a finite number")
    if value < low:
        raise _malformed(f"#/{key}: {value} is not greater or equal to {low:g}")
    if high is not None and value > high:
        raise _malformed(f"#/{key}: {value} is not less or equal to {high:g}")


def _check_common(body: dict[str, object], allowed: frozenset[str], required: tuple[str, ...]) -> None:
    for key in body:
        if key not in allowed:
            raise _malformed(f"#: extraneous key [{key}] is not permitted")
    for key in required:
        if key not in body:
            raise _malformed(f"#: required key [{key}] not found")
    version = body["anthropic_version"]
    if not isinstance(version, str):
        raise _malformed(f"#/anthropic_version: expected type: String, found: {_type_name(version)}")
    if version != ANTHROPIC_VERSION:
        raise BodyError(f"Invalid anthropic_version {version!r}: the supported value is {ANTHROPIC_VERSION!r}.")
    stops = body.get("stop_sequences", [])
    if not isinstance(stops, list):
        raise _malformed(f"#/stop_sequences: expected type: JSONArray, found: {_type_name(stops)}")
    for index, item in enumerate(stops):
        if not isinstance(item, str):
            raise _malformed(f"#/stop_sequences/{index}: expected type: String, found: {_type_name(item)}")
    _check_number(body, "temperature", 0, 1, integer=False)
    _check_number(body, "top_p", 0, 1, integer=False)
    _check_number(body, "top_k", 0, None, integer=True)


def _human_turn(prompt: str) -> str:
    _, found, after = prompt.rpartition("Human:")
    text = after if found else prompt
    return text.partition("Assistant:")[0]


def _text_of(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(block.get("text", "")) for block in content if isinstance(block, dict) and block.get("type") == "text"
        )
    return ""


def parse_body(raw: bytes) -> Invocation:
    """Validate a text-completions or Messages API body as Bedrock does; raises BodyError."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise BodyError("Malformed input request, please reformat your input and try again.") from None
    if not isinstance(body, dict):
        raise _malformed(f"#: expected type: JSONObject, found: {_type_name(body)}")
    if "messages" in body:
        _check_common(body, _MESSAGES_KEYS, ("anthropic_version", "max_tokens", "messages"))
        _check_number(body, "max_tokens", 1, MAX_OUTPUT_TOKENS, integer=True)
        messages = body["messages"]
        if not isinstance(messages, list) or not messages:
            raise _malformed("#/messages: expected a non-empty JSONArray")
        tokens = 0
        last_user = ""
        for index, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
                raise _malformed(f"#/messages/{index}: expected an object with role user or assistant")
            if "content" not in message:
                raise _malformed(f"#/messages/{index}: required key [content] not found")
            text = _text_of(message["content"])
            tokens += count_tokens(text)
            if message["role"] == "user":
                last_user = text
        tokens += count_tokens(_text_of(body.get("system", "")))
        return Invocation(
            api="messages",
            human_text=last_user,
            input_tokens=tokens,
            max_tokens=int(body["max_tokens"]),
            stop_sequences=list(body.get("stop_sequences", [])),
        )
    _check_common(body, _TEXT_KEYS, ("prompt", "max_tokens_to_sample", "anthropic_version"))
    prompt = body["prompt"]
    if not isinstance(prompt, str):
        raise _malformed(f"#/prompt: expected type: String, found: {_type_name(prompt)}")
    _check_number(body, "max_tokens_to_sample", 1, MAX_TOKENS_TO_SAMPLE, integer=True)
    return Invocation(
        api="text",
        human_text=_human_turn(prompt),
        input_tokens=count_tokens(prompt),
        max_tokens=int(body["max_tokens_to_sample"]),
        stop_sequences=list(body.get("stop_sequences", [])),
    )


def answer(invocation: Invocation, length: int | None = None) -> Answer:
    """The deterministic completion for ``invocation`` (``length``: tokens before a natural end)."""
    limit = invocation.max_tokens if length is None else min(length, invocation.max_tokens)
    echo = Echo(invocation.human_text, limit, invocation.stop_sequences, leading_space=invocation.api == "text")
    if echo.stop is not None:
        return Answer(echo, "stop_sequence", echo.stop)
    if echo.exhausted or (length is not None and length < invocation.max_tokens):
        if invocation.api == "text":
            return Answer(echo, "stop_sequence", HUMAN_TURN_END)
        return Answer(echo, "end_turn", None)
    return Answer(echo, "max_tokens", None)


def message_id() -> str:
    return "msg_bdrk_" + secrets.token_hex(12)


def invoke_body(invocation: Invocation, result: Answer, model_id: str) -> bytes:
    """The InvokeModel response body."""
    if invocation.api == "text":
        return json.dumps({"completion": result.text, "stop_reason": result.stop_reason, "stop": result.stop}).encode()
    return json.dumps(
        {
            "id": message_id(),
            "type": "message",
            "role": "assistant",
            "model": model_id,
            "content": [{"type": "text", "text": result.text}],
            "stop_reason": result.stop_reason,
            "stop_sequence": result.stop,
            "usage": {"input_tokens": invocation.input_tokens, "output_tokens": result.output_tokens},
        }
    ).encode()


def _wrap(event: dict[str, object]) -> bytes:
    """A chunk event payload: the JSON event, base64-encoded inside ``{"bytes": ...}``."""
    return b'{"bytes":"' + base64.b64encode(json.dumps(event, separators=(",", ":")).encode()) + b'"}'


Metrics = Callable[[], dict[str, int]]


def chunk_payloads(
    invocation: Invocation, result: Answer, model_id: str, chunks: int | None, metrics: Metrics
) -> Iterator[bytes]:
    """Payloads of the stream's ``chunk`` frames, produced lazily (``metrics`` is read for the last one)."""
    groups = group_pieces(result.pieces(), result.output_tokens, chunks)
    if invocation.api == "text":
        last = next(groups)
        for group in groups:
            yield _wrap({"completion": last, "stop_reason": None, "stop": None})
            last = group
        yield _wrap(
            {
                "completion": last,
                "stop_reason": result.stop_reason,
                "stop": result.stop,
                "amazon-bedrock-invocationMetrics": metrics(),
            }
        )
        return
    yield _wrap(
        {
            "type": "message_start",
            "message": {
                "id": message_id(),
                "type": "message",
                "role": "assistant",
                "model": model_id,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": invocation.input_tokens, "output_tokens": 1},
            },
        }
    )
    yield _wrap({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})
    for group in groups if result.output_tokens or chunks else []:
        yield _wrap({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": group}})
    yield _wrap({"type": "content_block_stop", "index": 0})
    yield _wrap(
        {
            "type": "message_delta",
            "delta": {"stop_reason": result.stop_reason, "stop_sequence": result.stop},
            "usage": {"output_tokens": result.output_tokens},
        }
    )
    yield _wrap({"type": "message_stop", "amazon-bedrock-invocationMetrics": metrics()})
