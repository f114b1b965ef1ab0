"""Text Completions (the legacy Claude models): the body, the answer, its JSON and stream chunks.

The answer echoes the human turn (the text after the last ``Human:`` up to ``Assistant:``), see
:mod:`anthropic_bedrock.emulator` for the rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from ..types import CompletionsInvokeBody
from ._chunks import Metrics, wrap
from ._generate import Echo, count_tokens, group_pieces
from ._novel import NOVEL_STOP_REASON
from ._schema import JSONObject, check

__all__ = ["HUMAN_TURN_END", "Completion", "CompletionRequest", "answer", "parse"]

HUMAN_TURN_END: Final = "\n\nHuman:"


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    """A validated text-completions body, reduced to what the answer depends on."""

    human_text: str
    input_tokens: int
    max_tokens: int
    stop_sequences: list[str]


def _human_turn(prompt: str) -> str:
    _, found, after = prompt.rpartition("Human:")
    text = after if found else prompt
    return text.partition("Assistant:")[0]


def parse(body: JSONObject) -> CompletionRequest:
    """Validate a text-completions body as Bedrock does (every rule is the API description's:
    the generated ``CompletionsInvokeBody``, checked strictly); raises BodyError."""
    check(CompletionsInvokeBody, body)
    document: dict[str, Any] = body  # of the shape just checked
    prompt: str = document["prompt"]
    return CompletionRequest(
        human_text=_human_turn(prompt),
        input_tokens=count_tokens(prompt),
        max_tokens=document["max_tokens_to_sample"],
        stop_sequences=list(document.get("stop_sequences", ())),
    )


@dataclass(frozen=True, slots=True)
class Completion:
    """The answer: the echo (produced on demand) and how it ended."""

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

    def invoke_body(self) -> bytes:
        """The InvokeModel response body."""
        return json.dumps({"completion": self.text, "stop_reason": self.stop_reason, "stop": self.stop}).encode()

    def chunk_payloads(self, chunks: int | None, metrics: Metrics) -> Iterator[bytes]:
        """The stream's chunk payloads, one per token (or ``chunks`` of them); the last has the metrics."""
        groups = group_pieces(self.pieces(), self.output_tokens, chunks)
        last = next(groups)
        for group in groups:
            yield wrap({"completion": last, "stop_reason": None, "stop": None})
            last = group
        yield wrap(
            {
                "completion": last,
                "stop_reason": self.stop_reason,
                "stop": self.stop,
                "amazon-bedrock-invocationMetrics": metrics(),
            }
        )


def answer(request: CompletionRequest, length: int | None, novel: frozenset[str]) -> Completion:
    """The deterministic completion (``length``: tokens before a natural end)."""
    limit = request.max_tokens if length is None else min(length, request.max_tokens)
    echo = Echo(request.human_text, limit, request.stop_sequences, leading_space=True)
    if echo.stop is not None:
        reason, stop = "stop_sequence", echo.stop
    elif echo.exhausted or (length is not None and length < request.max_tokens):
        # Claude ends its turn by "stopping" at the next human turn.
        reason, stop = "stop_sequence", HUMAN_TURN_END
    else:
        reason, stop = "max_tokens", None
    if "stop" in novel:
        reason = NOVEL_STOP_REASON
    return Completion(echo, reason, stop)
