"""The Messages API's keyword-argument shapes and the names `anthropic` gives some of its types.

The models and request blocks themselves are generated (see `anthropic_bedrock.types`); what is
written here is what is not a body field (`model`, `stream`, the per-call options) and aliases.
"""

from __future__ import annotations

from typing import Literal, Required

from .._generated.models.bedrock_request_options import BedrockRequestOptions
from .._generated.models.content_block_delta_event import ContentBlockDeltaEvent
from .._generated.models.content_block_start_event import ContentBlockStartEvent
from .._generated.models.content_block_stop_event import ContentBlockStopEvent
from .._generated.models.count_tokens_response import CountTokensResponse
from .._generated.models.message_delta_event import MessageDeltaEvent
from .._generated.models.message_input import MessageInput
from .._generated.models.message_request import MessageRequest
from .._generated.models.message_start_event import MessageStartEvent
from .._generated.models.message_stop_event import MessageStopEvent
from .._generated.models.message_stream_event import MessageStreamEvent
from ._common import RequestOptions

__all__ = [
    "MessageCountTokensParams",
    "MessageCreateParams",
    "MessageCreateParamsNonStreaming",
    "MessageCreateParamsStreaming",
    "MessageParseParams",
    "MessageStreamParams",
    "MessageTokensCount",
    "RawContentBlockDeltaEvent",
    "RawContentBlockStartEvent",
    "RawContentBlockStopEvent",
    "RawMessageDeltaEvent",
    "RawMessageStartEvent",
    "RawMessageStopEvent",
    "RawMessageStreamEvent",
]

# The names `anthropic` gives the raw stream events and the count.
RawMessageStreamEvent = MessageStreamEvent
RawMessageStartEvent = MessageStartEvent
RawMessageDeltaEvent = MessageDeltaEvent
RawMessageStopEvent = MessageStopEvent
RawContentBlockStartEvent = ContentBlockStartEvent
RawContentBlockDeltaEvent = ContentBlockDeltaEvent
RawContentBlockStopEvent = ContentBlockStopEvent
MessageTokensCount = CountTokensResponse
"""What `messages.count_tokens` returns: `input_tokens`, the tokens the request would bill."""


class _MessageArguments(MessageRequest, BedrockRequestOptions, RequestOptions, total=False):
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


class MessageParseParams(_MessageArguments, total=False):
    """The keyword arguments of `messages.parse` besides `output_format` (never streamed)."""


class MessageCountTokensParams(MessageInput, RequestOptions, total=False):
    """The keyword arguments of `messages.count_tokens`: those of `messages.create` that make up
    what the model reads (no `max_tokens`, sampling or stop settings)."""

    model: Required[str]
