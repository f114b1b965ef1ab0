"""What the emulated model says: a body validated and answered, for either API Claude speaks on Bedrock.

A body with ``prompt`` or ``max_tokens_to_sample`` and no ``messages`` is a text-completions body
(:mod:`._completions`), anything else a Messages API body (:mod:`._messages_check`,
:mod:`._messages`). The deterministic rules are the
package docstring's; this module is the one door the operations go through, so InvokeModel, its
stream and CountTokens validate and count alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from . import _completions, _messages, _messages_check
from ._chunks import Metrics
from ._completions import HUMAN_TURN_END
from ._messages_check import MAX_OUTPUT_TOKENS
from ._schema import BodyError, JSONObject, type_name
from ._tokens import count_message_tokens

# The version InvokeModel bodies carry (the request shapes allow only it); the Anthropic-native
# paths take theirs in a header and are answered as an InvokeModel body with this one.
ANTHROPIC_VERSION: Final = "bedrock-2023-05-31"

__all__ = [
    "HUMAN_TURN_END",
    "MAX_OUTPUT_TOKENS",
    "Answer",
    "BodyError",
    "Invocation",
    "Metrics",
    "answer",
    "chunk_payloads",
    "invoke_body",
    "parse_body",
]

Answer = _completions.Completion | _messages.Message


@dataclass(frozen=True, slots=True)
class Invocation:
    """A validated body: which API, its input token count, and the request the answer needs."""

    api: str  # "text" or "messages"
    input_tokens: int
    request: _completions.CompletionRequest | _messages_check.MessagesRequest

    @property
    def max_tokens(self) -> int:
        return self.request.max_tokens


def parse_body(raw: bytes) -> Invocation:
    """Validate a text-completions or Messages API body as Bedrock does; raises BodyError."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise BodyError("Malformed input request, please reformat your input and try again.") from None
    if not isinstance(body, dict):
        raise BodyError(
            f"Malformed input request: #: expected type: JSONObject, found: {type_name(body)}, "
            "please reformat your input and try again."
        )
    return parse_document(body)


def parse_document(body: JSONObject) -> Invocation:
    """Validate an already decoded body."""
    try:
        if "messages" in body or not ("prompt" in body or "max_tokens_to_sample" in body):
            request = _messages_check.validate(body)
            return Invocation("messages", count_message_tokens(body), request)
        completion = _completions.parse(body)
    except RecursionError:
        raise BodyError("Malformed input request: #: nested too deeply, please reformat your input.") from None
    return Invocation("text", completion.input_tokens, completion)


def answer(invocation: Invocation, length: int | None = None, novel: frozenset[str] = frozenset()) -> Answer:
    """The deterministic answer (``length``: echoed tokens before a natural end; ``novel``: see ``_novel``)."""
    request = invocation.request
    if isinstance(request, _completions.CompletionRequest):
        return _completions.answer(request, length, novel)
    return _messages.answer(request, invocation.input_tokens, length, novel)


def invoke_body(invocation: Invocation, result: Answer, model_id: str) -> bytes:
    """The InvokeModel response body."""
    if isinstance(result, _completions.Completion):
        return result.invoke_body()
    return result.invoke_body(model_id)


def chunk_payloads(
    invocation: Invocation, result: Answer, model_id: str, chunks: int | None, metrics: Metrics
) -> Iterator[bytes]:
    """Payloads of the stream's ``chunk`` frames, produced lazily (``metrics`` is read for the last one)."""
    if isinstance(result, _completions.Completion):
        return result.chunk_payloads(chunks, metrics)
    return result.chunk_payloads(model_id, chunks, metrics)
