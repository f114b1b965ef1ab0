"""The Messages API operations, `messages.create` and `messages.count_tokens`: their arguments,
body hooks and parsers (everything else is the one core). Loaded on the first Messages call, with
the Messages models.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, Final

from .._constants import ANTHROPIC_VERSION
from .._generated.api.runtime import count_tokens, invoke_model, invoke_model_with_response_stream
from .._streaming.messages import AsyncRawMessageStream, MessageAccumulator, RawMessageStream
from ..types import (
    CountTokensRequest,
    Message,
    MessageInput,
    MessageRequest,
    MessageStreamEvent,
    MessageTokensCount,
    PingEvent,
    parse_message_stream_event,
)
from .base import Operation
from .bedrock_options import OPTION_KEYS
from .encoding import encode_body
from .inputs import message_inputs

__all__ = ["COUNT_TOKENS", "MESSAGES"]


def _betas(headers: Mapping[str, str]) -> list[str]:
    # The call's headers come after the client's: the last spelling of the name wins.
    value = ""
    for key, given in headers.items():
        if key.lower() == "anthropic-beta":
            value = given
    return [name.strip() for name in value.split(",") if name.strip()]


def _messages_body(arguments: dict[str, Any], headers: Mapping[str, str]) -> dict[str, Any]:
    if "output_config" in arguments:
        from .structured import check_output_config  # loaded by the first structured-output request

        check_output_config(arguments)  # what Bedrock's structured outputs refuse, refused before sending
    body = {"anthropic_version": ANTHROPIC_VERSION, **arguments}
    betas = _betas(headers)
    if betas:
        # Bedrock reads beta names from the body; an `anthropic-beta` header travels there too.
        body["anthropic_beta"] = betas
    return body


def _count_arguments(arguments: dict[str, Any]) -> dict[str, Any]:
    # The invoke body requires `max_tokens`, which counting has no use for: the smallest valid one
    # (above the thinking budget, which Bedrock requires).
    budget = (arguments.get("thinking") or {}).get("budget_tokens")
    return {**arguments, "max_tokens": budget + 1 if isinstance(budget, int) else 1}


def _count_body(arguments: dict[str, Any], headers: Mapping[str, str]) -> dict[str, Any]:
    return _messages_body(_count_arguments(arguments), headers)


def _count_envelope(body: dict[str, Any]) -> dict[str, Any]:
    # The InvokeModel body being counted (with `extra_body` merged into it, as `create` sends it).
    request: CountTokensRequest = {"input": {"invokeModel": {"body": base64.b64encode(encode_body(body)).decode()}}}
    return dict(request)


def _message_event(data: Any) -> MessageStreamEvent | None:
    event = parse_message_stream_event(data)
    return None if isinstance(event, PingEvent) else event  # keep-alives are not the caller's concern


MESSAGES: Final[Operation[Message, MessageStreamEvent]] = Operation(
    name="messages.create",
    arguments=MessageRequest,
    body=_messages_body,
    endpoint=invoke_model.ENDPOINT,
    result=Message,
    stream_endpoint=invoke_model_with_response_stream.ENDPOINT,
    event=_message_event,
    accumulator=MessageAccumulator,
    stream_class=RawMessageStream,
    async_stream_class=AsyncRawMessageStream,
    options=OPTION_KEYS,
    inputs=message_inputs,
)
COUNT_TOKENS: Final[Operation[MessageTokensCount, None]] = Operation(
    name="messages.count_tokens",
    arguments=MessageInput,
    body=_count_body,
    endpoint=count_tokens.ENDPOINT,
    inputs=message_inputs,
    envelope=_count_envelope,
)
