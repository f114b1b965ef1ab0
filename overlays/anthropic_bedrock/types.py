"""Public request and response types.

The response models are the generated attrs classes (see `anthropic_bedrock._generated.models`);
`Completion` adds the Bedrock metadata that arrives in headers rather than in the body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Required, TypedDict

import attrs
import httpx

from ._generated.models.completion import Completion as _GeneratedCompletion
from ._generated.models.completion_chunk import CompletionChunk
from ._generated.models.error_body import ErrorBody
from ._generated.models.invocation_metrics import InvocationMetrics
from ._generated.types import UNSET, Unset

__all__ = [
    "UNSET",
    "Completion",
    "CompletionChunk",
    "CompletionCreateParams",
    "CompletionCreateParamsNonStreaming",
    "CompletionCreateParamsStreaming",
    "ErrorBody",
    "InvocationMetrics",
    "ResponseMetadata",
    "StopReason",
    "Unset",
]

StopReason = Literal["stop_sequence", "max_tokens"]


@attrs.frozen(slots=True)
class ResponseMetadata:
    """What Bedrock reports about a call in its response headers."""

    request_id: str | None
    input_tokens: int | None
    output_tokens: int | None
    invocation_latency_ms: int | None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> ResponseMetadata:
        def number(name: str) -> int | None:
            value = headers.get(name)
            try:
                return int(value) if value is not None else None
            except ValueError:
                return None

        return cls(
            request_id=headers.get("x-amzn-requestid"),
            input_tokens=number("x-amzn-bedrock-input-token-count"),
            output_tokens=number("x-amzn-bedrock-output-token-count"),
            invocation_latency_ms=number("x-amzn-bedrock-invocation-latency"),
        )


@attrs.define
class Completion(_GeneratedCompletion):
    """A text completion returned by the model, plus the call's `response_metadata`."""

    response_metadata: ResponseMetadata | None = attrs.field(default=None, kw_only=True, eq=False)
    """Request id, token counts and latency from the response headers (None when built by hand)."""


class _CreateArguments(TypedDict, total=False):
    model: Required[str]
    """A model id (`anthropic.claude-v2`), an inference-profile id or an ARN."""
    prompt: Required[str]
    """`\n\nHuman: ...\n\nAssistant:` turns, ending with the assistant marker."""
    max_tokens_to_sample: Required[int]
    stop_sequences: list[str] | None
    temperature: float | None
    top_p: float | None
    top_k: int | None
    metadata: Mapping[str, object] | None
    extra_headers: Mapping[str, str] | None
    """Headers added to this request only."""
    extra_query: Mapping[str, object] | None
    extra_body: Mapping[str, object] | None
    """JSON fields merged into the body (never `model` or `stream`)."""
    timeout: float | httpx.Timeout | None
    max_retries: int


class CompletionCreateParams(_CreateArguments, total=False):
    """The keyword arguments of `completions.create`."""

    stream: bool


class CompletionCreateParamsNonStreaming(_CreateArguments, total=False):
    stream: Literal[False]


class CompletionCreateParamsStreaming(_CreateArguments):
    stream: Required[Literal[True]]
