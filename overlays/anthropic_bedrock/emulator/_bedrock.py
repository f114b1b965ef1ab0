"""What the emulated model says: request-body validation and deterministic answers.

This is a protocol emulator, not a model. A "token" is a whitespace-separated word. The answer
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
"""

from __future__ import annotations

import base64
import json
import math
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

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
    human_words: list[str]
    input_tokens: int
    max_tokens: int
    stop_sequences: list[str]


@dataclass(frozen=True, slots=True)
class Answer:
    """The generated completion: its pieces (one per token) and how it ended."""

    pieces: list[str]
    stop_reason: str
    stop: str | None
    output_tokens: int

    @property
    def text(self) -> str:
        return "".join(self.pieces)


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
    except (ValueError, UnicodeDecodeError):
        raise BodyError("Malformed input request, please reformat your input and try again.") from None
    if not isinstance(body, dict):
        raise _malformed(f"#: expected type: JSONObject, found: {_type_name(body)}")
    if "messages" in body:
        _check_common(body, _MESSAGES_KEYS, ("anthropic_version", "max_tokens", "messages"))
        _check_number(body, "max_tokens", 1, None, integer=True)
        messages = body["messages"]
        if not isinstance(messages, list) or not messages:
            raise _malformed("#/messages: expected a non-empty JSONArray")
        words: list[str] = []
        last_user = ""
        for index, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
                raise _malformed(f"#/messages/{index}: expected an object with role user or assistant")
            if "content" not in message:
                raise _malformed(f"#/messages/{index}: required key [content] not found")
            text = _text_of(message["content"])
            words += text.split()
            if message["role"] == "user":
                last_user = text
        words += _text_of(body.get("system", "")).split()
        return Invocation(
            api="messages",
            human_words=last_user.split(),
            input_tokens=len(words),
            max_tokens=int(body["max_tokens"]),
            stop_sequences=list(body.get("stop_sequences", [])),
        )
    _check_common(body, _TEXT_KEYS, ("prompt", "max_tokens_to_sample", "anthropic_version"))
    prompt = body["prompt"]
    if not isinstance(prompt, str):
        raise _malformed(f"#/prompt: expected type: String, found: {_type_name(prompt)}")
    _check_number(body, "max_tokens_to_sample", 1, None, integer=True)
    return Invocation(
        api="text",
        human_words=_human_turn(prompt).split(),
        input_tokens=len(prompt.split()),
        max_tokens=int(body["max_tokens_to_sample"]),
        stop_sequences=list(body.get("stop_sequences", [])),
    )


def answer(invocation: Invocation, length: int | None = None) -> Answer:
    """The deterministic completion for ``invocation`` (``length``: words before a natural end)."""
    words = invocation.human_words
    natural = 0 if not words else length
    count = invocation.max_tokens if natural is None else min(natural, invocation.max_tokens)
    first = " " if invocation.api == "text" else ""
    pieces = [(first if i == 0 else " ") + words[i % len(words)] for i in range(count)] if words else []
    if natural is not None and natural < invocation.max_tokens:
        stop_reason, stop = ("stop_sequence", HUMAN_TURN_END) if invocation.api == "text" else ("end_turn", None)
    else:
        stop_reason, stop = "max_tokens", None
    text = "".join(pieces)
    cut, found = len(text), None
    for sequence in invocation.stop_sequences:
        index = text.find(sequence) if sequence else -1
        if 0 <= index < cut:
            cut, found = index, sequence
    if found is not None:
        kept: list[str] = []
        used = 0
        for piece in pieces:
            if used >= cut:
                break
            kept.append(piece[: cut - used])
            used += len(piece)
        pieces, stop_reason, stop = kept, "stop_sequence", found
    return Answer(pieces=pieces, stop_reason=stop_reason, stop=stop, output_tokens=len(pieces))


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


def _group(pieces: list[str], chunks: int | None) -> list[str]:
    if chunks is None:
        return pieces or [""]
    groups = []
    for index in range(chunks):
        start = index * len(pieces) // chunks
        end = (index + 1) * len(pieces) // chunks
        groups.append("".join(pieces[start:end]))
    return groups


def _wrap(event: dict[str, object]) -> bytes:
    """A chunk event payload: the JSON event, base64-encoded inside ``{"bytes": ...}``."""
    return b'{"bytes":"' + base64.b64encode(json.dumps(event, separators=(",", ":")).encode()) + b'"}'


Metrics = Callable[[], dict[str, int]]


def chunk_payloads(
    invocation: Invocation, result: Answer, model_id: str, chunks: int | None, metrics: Metrics
) -> Iterator[bytes]:
    """Payloads of the stream's ``chunk`` frames, produced lazily (``metrics`` is read for the last one)."""
    groups = _group(result.pieces, chunks)
    if invocation.api == "text":
        for group in groups[:-1]:
            yield _wrap({"completion": group, "stop_reason": None, "stop": None})
        yield _wrap(
            {
                "completion": groups[-1],
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
    for group in groups if result.pieces or chunks else []:
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
