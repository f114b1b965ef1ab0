"""The Messages operations in Anthropic's own wire format: the same operations on other endpoints.

Bedrock serves Claude through InvokeModel (the model in the path, Bedrock's `anthropic_version`
and `anthropic_beta` in the body, the binary event stream) and through Anthropic's Messages wire
format (`/anthropic/v1/messages` on bedrock-mantle and bedrock-runtime: `model` and `stream` in
the body, the version and betas as headers, server-sent events). An operation is data, so the
native form of one is the same operation with three things changed: the generated endpoint, the
body hook (the checked arguments are the body as they stand) and `model_in_body`. Arguments,
checks, event parser, accumulator and stream classes stay; so do sending, retries and errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from .._generated.api import Endpoint
from .._generated.api.native import count_tokens_native, create_message_native
from ..types import Message, MessageTokensCount
from .base import Operation

__all__ = ["native_operation"]


def _native_body(arguments: dict[str, Any], headers: Mapping[str, str]) -> dict[str, Any]:
    # The checked arguments are the body; betas stay in the `anthropic-beta` header, as sent.
    return dict(arguments)


def _parse_count(status_code: int, content: bytes) -> MessageTokensCount | None:
    """`{"input_tokens": N}` as the `MessageTokensCount` InvokeModel's CountTokens answers with."""
    answer = count_tokens_native.parse_response(status_code, content)
    if answer is None:
        return None
    count = MessageTokensCount(input_tokens=answer.input_tokens)
    count.additional_properties = answer.additional_properties
    return count


def _parse_as(kind: Any) -> Callable[[int, bytes], Any]:
    def parse(status_code: int, content: bytes) -> Any:
        return kind.from_dict(json.loads(content)) if status_code == 200 else None

    return parse


_COUNT_TOKENS: Final = attrs.evolve(count_tokens_native.ENDPOINT, parse_response=_parse_count)
# The InvokeModel-side endpoint each native endpoint stands in for, by name.
_ENDPOINTS: Final[Mapping[str, Endpoint]] = {
    "invoke_model": create_message_native.ENDPOINT,
    "count_tokens": _COUNT_TOKENS,
}
_CACHE: dict[int, tuple[Operation[Any, Any], Operation[Any, Any]]] = {}


def _convert(operation: Operation[Any, Any]) -> Operation[Any, Any]:
    if operation.control_plane:
        raise TypeError(
            f"{operation.name}(): batch inference runs on Bedrock's control plane with InvokeModel bodies; "
            "use AnthropicBedrock(...).messages.batches"
        )
    endpoint = _ENDPOINTS.get(operation.endpoint.name)
    # Only the Messages API is served there (F4), and every Messages operation takes `messages`.
    if endpoint is None or "messages" not in operation.keys:
        raise TypeError(f"{operation.name}() is not served by Anthropic's Messages endpoints on Bedrock")
    if operation.result is not None and operation.result is not Message:
        # another kind of message (a beta one): parsed as that kind, as InvokeModel parses it
        endpoint = attrs.evolve(endpoint, parse_response=_parse_as(operation.result))
    return attrs.evolve(
        operation,
        body=_native_body,
        endpoint=endpoint,
        result=None,
        stream_endpoint=create_message_native.ENDPOINT if operation.stream_endpoint is not None else None,
        model_in_body=True,
        envelope=None,  # the native count takes the Messages body as it is
    )


def native_operation(operation: Operation[Any, Any]) -> Operation[Any, Any]:
    """The form of `operation` that Anthropic's Messages endpoints take; TypeError for one they do
    not serve (text completions)."""
    cached = _CACHE.get(id(operation))
    if cached is not None and cached[0] is operation:
        return cached[1]
    native = _convert(operation)
    _CACHE[id(operation)] = (operation, native)  # operations are module constants: a few entries
    return native
