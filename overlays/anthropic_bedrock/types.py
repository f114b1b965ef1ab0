"""Public request and response types, named as in `anthropic.types` so that code moves over.

Everything here comes from the API description (`spec/`): response models are the generated attrs
classes, request shapes the generated TypedDicts (write plain dicts; `mypy --strict` checks them).
The few classes defined here add what arrives outside the body (`response_metadata`) or is a
keyword argument rather than a body field (`model`, `stream`, per-call options).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Required, TypedDict

import attrs
import httpx

from ._generated.models.base_64_image_source_param import Base64ImageSourceParam
from ._generated.models.base_64pdf_source_param import Base64PDFSourceParam
from ._generated.models.cache_control_ephemeral_param import CacheControlEphemeralParam
from ._generated.models.citation import Citation
from ._generated.models.citations_config_param import CitationsConfigParam
from ._generated.models.citations_delta import CitationsDelta
from ._generated.models.completion import Completion as _GeneratedCompletion
from ._generated.models.completion_chunk import CompletionChunk
from ._generated.models.completion_request import CompletionRequest
from ._generated.models.content_block import ContentBlock, UnknownContentBlock
from ._generated.models.content_block_delta import ContentBlockDelta, UnknownContentBlockDelta
from ._generated.models.content_block_delta_event import ContentBlockDeltaEvent
from ._generated.models.content_block_param import ContentBlockParam
from ._generated.models.content_block_start_event import ContentBlockStartEvent
from ._generated.models.content_block_stop_event import ContentBlockStopEvent
from ._generated.models.count_tokens_response import CountTokensResponse
from ._generated.models.document_block_param import DocumentBlockParam
from ._generated.models.error_body import ErrorBody
from ._generated.models.image_block_param import ImageBlockParam
from ._generated.models.input_json_delta import InputJSONDelta
from ._generated.models.invocation_metrics import InvocationMetrics
from ._generated.models.message import Message as _GeneratedMessage
from ._generated.models.message_delta import MessageDelta
from ._generated.models.message_delta_event import MessageDeltaEvent
from ._generated.models.message_delta_usage import MessageDeltaUsage
from ._generated.models.message_input import MessageInput
from ._generated.models.message_param import MessageParam
from ._generated.models.message_request import MessageRequest
from ._generated.models.message_start_event import MessageStartEvent
from ._generated.models.message_stop_event import MessageStopEvent
from ._generated.models.message_stream_event import MessageStreamEvent, UnknownMessageStreamEvent
from ._generated.models.metadata_param import MetadataParam
from ._generated.models.ping_event import PingEvent
from ._generated.models.plain_text_source_param import PlainTextSourceParam
from ._generated.models.redacted_thinking_block import RedactedThinkingBlock
from ._generated.models.redacted_thinking_block_param import RedactedThinkingBlockParam
from ._generated.models.signature_delta import SignatureDelta
from ._generated.models.text_block import TextBlock
from ._generated.models.text_block_param import TextBlockParam
from ._generated.models.text_delta import TextDelta
from ._generated.models.thinking_block import ThinkingBlock
from ._generated.models.thinking_block_param import ThinkingBlockParam
from ._generated.models.thinking_config_disabled_param import ThinkingConfigDisabledParam
from ._generated.models.thinking_config_enabled_param import ThinkingConfigEnabledParam
from ._generated.models.thinking_config_param import ThinkingConfigParam
from ._generated.models.thinking_delta import ThinkingDelta
from ._generated.models.tool_choice_any_param import ToolChoiceAnyParam
from ._generated.models.tool_choice_auto_param import ToolChoiceAutoParam
from ._generated.models.tool_choice_none_param import ToolChoiceNoneParam
from ._generated.models.tool_choice_param import ToolChoiceParam
from ._generated.models.tool_choice_tool_param import ToolChoiceToolParam
from ._generated.models.tool_param import ToolParam
from ._generated.models.tool_result_block_param import ToolResultBlockParam
from ._generated.models.tool_use_block import ToolUseBlock
from ._generated.models.tool_use_block_param import ToolUseBlockParam
from ._generated.models.usage import Usage
from ._generated.types import UNSET, Unset

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

# The names `anthropic` gives the raw stream events.
RawMessageStreamEvent = MessageStreamEvent
RawMessageStartEvent = MessageStartEvent
RawMessageDeltaEvent = MessageDeltaEvent
RawMessageStopEvent = MessageStopEvent
RawContentBlockStartEvent = ContentBlockStartEvent
RawContentBlockDeltaEvent = ContentBlockDeltaEvent
RawContentBlockStopEvent = ContentBlockStopEvent


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


@attrs.define
class Message(_GeneratedMessage):
    """The model's answer, plus the call's `response_metadata`."""

    response_metadata: ResponseMetadata | None = attrs.field(default=None, kw_only=True, eq=False)
    """Request id, token counts and latency Bedrock reported (None when built by hand)."""


@attrs.define
class MessageTokensCount(CountTokensResponse):
    """What `messages.count_tokens` returns: `input_tokens`, the tokens the request would bill."""

    response_metadata: ResponseMetadata | None = attrs.field(default=None, kw_only=True, eq=False)
    """The request id of the count."""


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


class _MessageArguments(MessageRequest, RequestOptions, total=False):
    model: Required[str]
    """A model id, an inference-profile id (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`) or an ARN."""


class MessageCreateParams(_MessageArguments, total=False):
    """The keyword arguments of `messages.create` and `messages.stream`."""

    stream: bool


class MessageCreateParamsNonStreaming(_MessageArguments, total=False):
    stream: Literal[False]


class MessageCreateParamsStreaming(_MessageArguments):
    stream: Required[Literal[True]]


class MessageStreamParams(_MessageArguments, total=False):
    """The keyword arguments of `messages.stream` (always streamed)."""


class MessageCountTokensParams(MessageInput, RequestOptions, total=False):
    """The keyword arguments of `messages.count_tokens`: those of `messages.create` that make up
    what the model reads (no `max_tokens`, sampling or stop settings)."""

    model: Required[str]
