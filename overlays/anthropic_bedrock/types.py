"""Public request and response types, named as in `anthropic.types` so that code moves over.

Everything here comes from the API description (`spec/`): response models are the generated attrs
classes, request shapes the generated TypedDicts (write plain dicts; `mypy --strict` checks them).
The few classes defined here add what arrives outside the body (`response_metadata`) or is a
keyword argument rather than a body field (`model`, `stream`, per-call options).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, Required, TypedDict

import attrs
import httpx

from ._generated.models.completion import Completion as _GeneratedCompletion
from ._generated.models.completion_chunk import CompletionChunk
from ._generated.models.completion_request import CompletionRequest
from ._generated.models.error_body import ErrorBody
from ._generated.models.invocation_metrics import InvocationMetrics
from ._generated.types import UNSET, Unset

if TYPE_CHECKING:
    from ._message_types import (
        Base64ImageSourceParam,
        Base64PDFSourceParam,
        CacheControlEphemeralParam,
        Citation,
        CitationsConfigParam,
        CitationsDelta,
        ContentBlock,
        ContentBlockDelta,
        ContentBlockDeltaEvent,
        ContentBlockParam,
        ContentBlockStartEvent,
        ContentBlockStopEvent,
        DocumentBlockParam,
        ImageBlockParam,
        InputJSONDelta,
        Message,
        MessageCountTokensParams,
        MessageCreateParams,
        MessageCreateParamsNonStreaming,
        MessageCreateParamsStreaming,
        MessageDelta,
        MessageDeltaEvent,
        MessageDeltaUsage,
        MessageInput,
        MessageParam,
        MessageStartEvent,
        MessageStopEvent,
        MessageStreamEvent,
        MessageStreamParams,
        MessageTokensCount,
        MetadataParam,
        PingEvent,
        PlainTextSourceParam,
        RawContentBlockDeltaEvent,
        RawContentBlockStartEvent,
        RawContentBlockStopEvent,
        RawMessageDeltaEvent,
        RawMessageStartEvent,
        RawMessageStopEvent,
        RawMessageStreamEvent,
        RedactedThinkingBlock,
        RedactedThinkingBlockParam,
        SignatureDelta,
        TextBlock,
        TextBlockParam,
        TextDelta,
        ThinkingBlock,
        ThinkingBlockParam,
        ThinkingConfigDisabledParam,
        ThinkingConfigEnabledParam,
        ThinkingConfigParam,
        ThinkingDelta,
        ToolChoiceAnyParam,
        ToolChoiceAutoParam,
        ToolChoiceNoneParam,
        ToolChoiceParam,
        ToolChoiceToolParam,
        ToolParam,
        ToolResultBlockParam,
        ToolUseBlock,
        ToolUseBlockParam,
        UnknownContentBlock,
        UnknownContentBlockDelta,
        UnknownMessageStreamEvent,
        Usage,
    )

__all__ = [
    "UNSET",
    "Base64ImageSourceParam",
    "Base64PDFSourceParam",
    "CacheControlEphemeralParam",
    "Citation",
    "CitationsConfigParam",
    "CitationsDelta",
    "Completion",
    "CompletionChunk",
    "CompletionCreateParams",
    "CompletionCreateParamsNonStreaming",
    "CompletionCreateParamsStreaming",
    "ContentBlock",
    "ContentBlockDelta",
    "ContentBlockDeltaEvent",
    "ContentBlockParam",
    "ContentBlockStartEvent",
    "ContentBlockStopEvent",
    "DocumentBlockParam",
    "ErrorBody",
    "ImageBlockParam",
    "InputJSONDelta",
    "InvocationMetrics",
    "Message",
    "MessageCountTokensParams",
    "MessageCreateParams",
    "MessageCreateParamsNonStreaming",
    "MessageCreateParamsStreaming",
    "MessageDelta",
    "MessageDeltaEvent",
    "MessageDeltaUsage",
    "MessageInput",
    "MessageParam",
    "MessageStartEvent",
    "MessageStopEvent",
    "MessageStreamEvent",
    "MessageStreamParams",
    "MessageTokensCount",
    "MetadataParam",
    "PingEvent",
    "PlainTextSourceParam",
    "RawContentBlockDeltaEvent",
    "RawContentBlockStartEvent",
    "RawContentBlockStopEvent",
    "RawMessageDeltaEvent",
    "RawMessageStartEvent",
    "RawMessageStopEvent",
    "RawMessageStreamEvent",
    "RedactedThinkingBlock",
    "RedactedThinkingBlockParam",
    "RequestOptions",
    "ResponseMetadata",
    "SignatureDelta",
    "StopReason",
    "TextBlock",
    "TextBlockParam",
    "TextDelta",
    "ThinkingBlock",
    "ThinkingBlockParam",
    "ThinkingConfigDisabledParam",
    "ThinkingConfigEnabledParam",
    "ThinkingConfigParam",
    "ThinkingDelta",
    "ToolChoiceAnyParam",
    "ToolChoiceAutoParam",
    "ToolChoiceNoneParam",
    "ToolChoiceParam",
    "ToolChoiceToolParam",
    "ToolParam",
    "ToolResultBlockParam",
    "ToolUseBlock",
    "ToolUseBlockParam",
    "UnknownContentBlock",
    "UnknownContentBlockDelta",
    "UnknownMessageStreamEvent",
    "Unset",
    "Usage",
]

StopReason = Literal["stop_sequence", "max_tokens"]
"""Why a text completion stopped (the Messages API has more reasons: see `Message.stop_reason`)."""


@attrs.frozen(slots=True)
class ResponseMetadata:
    """What Bedrock reports about a call outside the body: in response headers, or for a stream
    in the invocation metrics of its last event."""

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


class RequestOptions(TypedDict, total=False):
    """Per-call options every method takes."""

    extra_headers: Mapping[str, str] | None
    """Headers added to this request only (an `anthropic-beta` header becomes the body's `anthropic_beta`)."""
    extra_query: Mapping[str, object] | None
    extra_body: Mapping[str, object] | None
    """JSON fields merged into the body last, overriding the arguments (never `model` or `stream`)."""
    timeout: float | httpx.Timeout | None
    max_retries: int


class _CompletionArguments(CompletionRequest, RequestOptions, total=False):
    model: Required[str]
    """A model id (`anthropic.claude-v2`), an inference-profile id or an ARN."""


class CompletionCreateParams(_CompletionArguments, total=False):
    """The keyword arguments of `completions.create`."""

    stream: bool


class CompletionCreateParamsNonStreaming(_CompletionArguments, total=False):
    stream: Literal[False]


class CompletionCreateParamsStreaming(_CompletionArguments):
    stream: Required[Literal[True]]


_MESSAGE_NAMES = frozenset(__all__) - frozenset(globals())


def __getattr__(name: str) -> object:
    # The Messages API's names load on first use (see `_message_types`).
    if name in _MESSAGE_NAMES:
        from . import _message_types

        value = getattr(_message_types, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
