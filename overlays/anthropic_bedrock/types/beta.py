"""`client.beta.messages`' keyword-argument shapes, and the `Beta...` names `anthropic.types.beta`
gives the types whose shapes are those of the Messages API (`BetaMessage` is `Message`, ...), so
that `from anthropic.types.beta import ...` moves over by changing the package name.

A beta call is a Messages call plus `betas` (beta names, sent in the body's `anthropic_beta`) and
the request fields `anthropic` offers only under `beta` (`context_management`, `mcp_servers`, ...).
Those fields are Anthropic's beta features, not part of Bedrock's documented body, so they are
typed loosely here (a dict, or a list of dicts) and travel as given: Bedrock says whether the model
takes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, Required, TypedDict

from .._generated.models.base_64_image_source_param import Base64ImageSourceParam
from .._generated.models.base_64pdf_source_param import Base64PDFSourceParam
from .._generated.models.cache_control_ephemeral_param import CacheControlEphemeralParam
from .._generated.models.citations_config_param import CitationsConfigParam
from .._generated.models.citations_delta import CitationsDelta
from .._generated.models.content_block import ContentBlock
from .._generated.models.content_block_delta import ContentBlockDelta
from .._generated.models.content_block_param import ContentBlockParam
from .._generated.models.document_block_param import DocumentBlockParam
from .._generated.models.image_block_param import ImageBlockParam
from .._generated.models.input_json_delta import InputJSONDelta
from .._generated.models.message import Message
from .._generated.models.message_delta_usage import MessageDeltaUsage
from .._generated.models.message_input import MessageInput
from .._generated.models.message_param import MessageParam
from .._generated.models.message_request import MessageRequest
from .._generated.models.metadata_param import MetadataParam
from .._generated.models.plain_text_source_param import PlainTextSourceParam
from .._generated.models.redacted_thinking_block import RedactedThinkingBlock
from .._generated.models.redacted_thinking_block_param import RedactedThinkingBlockParam
from .._generated.models.signature_delta import SignatureDelta
from .._generated.models.text_block import TextBlock
from .._generated.models.text_block_param import TextBlockParam
from .._generated.models.text_delta import TextDelta
from .._generated.models.thinking_block import ThinkingBlock
from .._generated.models.thinking_block_param import ThinkingBlockParam
from .._generated.models.thinking_config_disabled_param import ThinkingConfigDisabledParam
from .._generated.models.thinking_config_enabled_param import ThinkingConfigEnabledParam
from .._generated.models.thinking_config_param import ThinkingConfigParam
from .._generated.models.thinking_delta import ThinkingDelta
from .._generated.models.tool_choice_any_param import ToolChoiceAnyParam
from .._generated.models.tool_choice_auto_param import ToolChoiceAutoParam
from .._generated.models.tool_choice_none_param import ToolChoiceNoneParam
from .._generated.models.tool_choice_param import ToolChoiceParam
from .._generated.models.tool_choice_tool_param import ToolChoiceToolParam
from .._generated.models.tool_param import ToolParam
from .._generated.models.tool_result_block_param import ToolResultBlockParam
from .._generated.models.tool_use_block import ToolUseBlock
from .._generated.models.tool_use_block_param import ToolUseBlockParam
from .._generated.models.usage import Usage
from ._common import RequestOptions
from .messages import (
    MessageTokensCount,
    RawContentBlockDeltaEvent,
    RawContentBlockStartEvent,
    RawContentBlockStopEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    RawMessageStopEvent,
    RawMessageStreamEvent,
)

__all__ = [
    "AnthropicBetaParam",
    "BetaBase64ImageSourceParam",
    "BetaBase64PDFSourceParam",
    "BetaCacheControlEphemeralParam",
    "BetaCitationsConfigParam",
    "BetaCitationsDelta",
    "BetaContentBlock",
    "BetaContentBlockParam",
    "BetaImageBlockParam",
    "BetaInputJSONDelta",
    "BetaMessage",
    "BetaMessageCountTokensParams",
    "BetaMessageCreateParams",
    "BetaMessageCreateParamsNonStreaming",
    "BetaMessageCreateParamsStreaming",
    "BetaMessageDeltaUsage",
    "BetaMessageInput",
    "BetaMessageParam",
    "BetaMessageRequest",
    "BetaMessageStreamParams",
    "BetaMessageTokensCount",
    "BetaMetadataParam",
    "BetaPlainTextSourceParam",
    "BetaRawContentBlockDelta",
    "BetaRawContentBlockDeltaEvent",
    "BetaRawContentBlockStartEvent",
    "BetaRawContentBlockStopEvent",
    "BetaRawMessageDeltaEvent",
    "BetaRawMessageStartEvent",
    "BetaRawMessageStopEvent",
    "BetaRawMessageStreamEvent",
    "BetaRedactedThinkingBlock",
    "BetaRedactedThinkingBlockParam",
    "BetaRequestDocumentBlockParam",
    "BetaSignatureDelta",
    "BetaStopReason",
    "BetaTextBlock",
    "BetaTextBlockParam",
    "BetaTextDelta",
    "BetaThinkingBlock",
    "BetaThinkingBlockParam",
    "BetaThinkingConfigDisabledParam",
    "BetaThinkingConfigEnabledParam",
    "BetaThinkingConfigParam",
    "BetaThinkingDelta",
    "BetaToolChoiceAnyParam",
    "BetaToolChoiceAutoParam",
    "BetaToolChoiceNoneParam",
    "BetaToolChoiceParam",
    "BetaToolChoiceToolParam",
    "BetaToolParam",
    "BetaToolResultBlockParam",
    "BetaToolUnionParam",
    "BetaToolUseBlock",
    "BetaToolUseBlockParam",
    "BetaUsage",
]

AnthropicBetaParam = str
"""A beta name, such as `context-management-2025-06-27` or `interleaved-thinking-2025-05-14`."""
BetaStopReason = str
"""Why the model stopped (a plain string, so reasons added later pass too)."""

# The same shapes under the names anthropic.types.beta gives them.
BetaMessage = Message
BetaContentBlock = ContentBlock
BetaTextBlock = TextBlock
BetaToolUseBlock = ToolUseBlock
BetaThinkingBlock = ThinkingBlock
BetaRedactedThinkingBlock = RedactedThinkingBlock
BetaUsage = Usage
BetaMessageDeltaUsage = MessageDeltaUsage
BetaMessageTokensCount = MessageTokensCount
BetaRawMessageStreamEvent = RawMessageStreamEvent
BetaRawMessageStartEvent = RawMessageStartEvent
BetaRawMessageDeltaEvent = RawMessageDeltaEvent
BetaRawMessageStopEvent = RawMessageStopEvent
BetaRawContentBlockStartEvent = RawContentBlockStartEvent
BetaRawContentBlockDeltaEvent = RawContentBlockDeltaEvent
BetaRawContentBlockStopEvent = RawContentBlockStopEvent
BetaRawContentBlockDelta = ContentBlockDelta
BetaTextDelta = TextDelta
BetaInputJSONDelta = InputJSONDelta
BetaThinkingDelta = ThinkingDelta
BetaSignatureDelta = SignatureDelta
BetaCitationsDelta = CitationsDelta
BetaMessageParam = MessageParam
BetaContentBlockParam = ContentBlockParam
BetaTextBlockParam = TextBlockParam
BetaImageBlockParam = ImageBlockParam
BetaRequestDocumentBlockParam = DocumentBlockParam
BetaBase64ImageSourceParam = Base64ImageSourceParam
BetaBase64PDFSourceParam = Base64PDFSourceParam
BetaPlainTextSourceParam = PlainTextSourceParam
BetaToolUseBlockParam = ToolUseBlockParam
BetaToolResultBlockParam = ToolResultBlockParam
BetaThinkingBlockParam = ThinkingBlockParam
BetaRedactedThinkingBlockParam = RedactedThinkingBlockParam
BetaCacheControlEphemeralParam = CacheControlEphemeralParam
BetaCitationsConfigParam = CitationsConfigParam
BetaMetadataParam = MetadataParam
BetaToolParam = ToolParam
BetaToolUnionParam = ToolParam
BetaToolChoiceParam = ToolChoiceParam
BetaToolChoiceAutoParam = ToolChoiceAutoParam
BetaToolChoiceAnyParam = ToolChoiceAnyParam
BetaToolChoiceToolParam = ToolChoiceToolParam
BetaToolChoiceNoneParam = ToolChoiceNoneParam
BetaThinkingConfigParam = ThinkingConfigParam
BetaThinkingConfigEnabledParam = ThinkingConfigEnabledParam
BetaThinkingConfigDisabledParam = ThinkingConfigDisabledParam


class _BetaFields(TypedDict, total=False):
    """What a beta call adds to a Messages call, named as `anthropic`'s `beta.messages` names it."""

    betas: list[AnthropicBetaParam]
    """Beta names to turn on; sent in the body's `anthropic_beta` with any `anthropic-beta` header's."""
    context_management: Mapping[str, object]
    """Context editing (beta `context-management-2025-06-27`): `{"edits": [{"type": ...}, ...]}`."""
    mcp_servers: Iterable[Mapping[str, object]]
    """Remote MCP servers the model may call (beta `mcp-client-2025-04-04`)."""
    compaction: Mapping[str, object]
    """Compact the conversation into one block (`{"type": "summarize"}`)."""
    thread: Mapping[str, object]
    """Server-held conversation state (`{"type": "create"}` or `{"type": "continue", ...}`)."""
    fallbacks: Iterable[Mapping[str, object]] | str
    """Substitute models to try when the requested one declines, or `"default"`."""
    billing_policy: Mapping[str, object]
    """Which organization is billed."""
    fallback_credit_token: Mapping[str, object] | str
    """A credit token for fallbacks."""


class BetaMessageRequest(MessageRequest, _BetaFields, total=False):
    """The arguments of a beta Messages request (no `model`, no `stream`)."""


class BetaMessageInput(MessageInput, _BetaFields, total=False):
    """What a beta `count_tokens` counts."""


class _BetaMessageArguments(BetaMessageRequest, RequestOptions, total=False):
    model: Required[str]
    """A model id, an inference-profile id or an ARN."""


class BetaMessageCreateParams(_BetaMessageArguments, total=False):
    """The keyword arguments of `beta.messages.create`."""

    stream: bool


class BetaMessageCreateParamsNonStreaming(_BetaMessageArguments, total=False):
    stream: Literal[False]


class BetaMessageCreateParamsStreaming(_BetaMessageArguments):
    stream: Required[Literal[True]]


class BetaMessageStreamParams(_BetaMessageArguments, total=False):
    """The keyword arguments of `beta.messages.stream` (always streamed)."""


class BetaMessageCountTokensParams(BetaMessageInput, RequestOptions, total=False):
    """The keyword arguments of `beta.messages.count_tokens`."""

    model: Required[str]
