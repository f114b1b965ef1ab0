"""The Messages API's public types, imported by `anthropic_bedrock.types` on first use (so that
code using only text completions never loads the Messages models)."""

from __future__ import annotations

from typing import Literal, Required

import attrs

from ._generated.models.base_64_image_source_param import Base64ImageSourceParam
from ._generated.models.base_64pdf_source_param import Base64PDFSourceParam
from ._generated.models.cache_control_ephemeral_param import CacheControlEphemeralParam
from ._generated.models.citation import Citation
from ._generated.models.citations_config_param import CitationsConfigParam
from ._generated.models.citations_delta import CitationsDelta
from ._generated.models.content_block import ContentBlock, UnknownContentBlock
from ._generated.models.content_block_delta import ContentBlockDelta, UnknownContentBlockDelta
from ._generated.models.content_block_delta_event import ContentBlockDeltaEvent
from ._generated.models.content_block_param import ContentBlockParam
from ._generated.models.content_block_start_event import ContentBlockStartEvent
from ._generated.models.content_block_stop_event import ContentBlockStopEvent
from ._generated.models.count_tokens_response import CountTokensResponse
from ._generated.models.document_block_param import DocumentBlockParam
from ._generated.models.image_block_param import ImageBlockParam
from ._generated.models.input_json_delta import InputJSONDelta
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
from .types import RequestOptions, ResponseMetadata

__all__ = [
    "Base64ImageSourceParam",
    "Base64PDFSourceParam",
    "CacheControlEphemeralParam",
    "Citation",
    "CitationsConfigParam",
    "CitationsDelta",
    "ContentBlock",
    "ContentBlockDelta",
    "ContentBlockDeltaEvent",
    "ContentBlockParam",
    "ContentBlockStartEvent",
    "ContentBlockStopEvent",
    "CountTokensResponse",
    "DocumentBlockParam",
    "ImageBlockParam",
    "InputJSONDelta",
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
    "MessageRequest",
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
    "SignatureDelta",
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
    "Usage",
]

# The names `anthropic` gives the raw stream events.
RawMessageStreamEvent = MessageStreamEvent
RawMessageStartEvent = MessageStartEvent
RawMessageDeltaEvent = MessageDeltaEvent
RawMessageStopEvent = MessageStopEvent
RawContentBlockStartEvent = ContentBlockStartEvent
RawContentBlockDeltaEvent = ContentBlockDeltaEvent
RawContentBlockStopEvent = ContentBlockStopEvent


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
