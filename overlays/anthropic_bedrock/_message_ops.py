"""The Messages API operations, `messages.create` and `messages.count_tokens`: their arguments,
bodies and parsers (everything else is the one core in `_operations`). Loaded on the first
Messages call, with the Messages models.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, Final

from ._constants import ANTHROPIC_VERSION
from ._generated.api.runtime import count_tokens
from ._generated.models.count_tokens_request import CountTokensRequest
from ._generated.models.message_input import MessageInput
from ._generated.models.message_request import MessageRequest
from ._generated.models.message_stream_event import parse_message_stream_event
from ._generated.types import RequestParts
from ._message_stream import MessageAccumulator
from ._operations import Operation, answer, invoke
from ._validation import encode_body
from .types import Message, MessageStreamEvent, MessageTokensCount, PingEvent

__all__ = ["COUNT_TOKENS", "MESSAGES"]


def _betas(headers: Mapping[str, str]) -> list[str]:
    # The call's headers come after the client's: the last spelling of the name wins.
    value = ""
    for key, given in headers.items():
        if key.lower() == "anthropic-beta":
            value = given
    return [name.strip() for name in value.split(",") if name.strip()]


def _messages_body(arguments: dict[str, Any], headers: Mapping[str, str]) -> dict[str, Any]:
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
    inner = encode_body(_messages_body(_count_arguments(arguments), headers))
    request: CountTokensRequest = {"input": {"invokeModel": {"body": base64.b64encode(inner).decode()}}}
    return dict(request)


def _count_endpoint(model: str, body: dict[str, Any], stream: bool) -> RequestParts:
    return count_tokens.build_request(model, body=body)  # type: ignore[arg-type]


def _message_event(data: Any) -> MessageStreamEvent | None:
    event = parse_message_stream_event(data)
    return None if isinstance(event, PingEvent) else event  # keep-alives are not the caller's concern


MESSAGES: Final[Operation[Message, MessageStreamEvent]] = Operation(
    name="messages.create",
    arguments=MessageRequest,
    body=_messages_body,
    endpoint=invoke,
    result=answer(Message.from_dict),
    event=_message_event,
    accumulator=MessageAccumulator,
)
COUNT_TOKENS: Final[Operation[MessageTokensCount, None]] = Operation(
    name="messages.count_tokens",
    arguments=MessageInput,
    body=_count_body,
    endpoint=_count_endpoint,
    result=answer(MessageTokensCount.from_dict),
)
