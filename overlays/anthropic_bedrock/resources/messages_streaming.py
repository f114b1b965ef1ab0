"""`client.messages.with_streaming_response`: the Messages calls as context managers that give the
HTTP response with its body still on the connection, as in `anthropic`.

    with client.messages.with_streaming_response.create(...) as response:
        print(response.headers["x-amzn-requestid"])
        message = response.parse()   # or response.iter_bytes(), .iter_lines(), .text(), .json()

The arguments are checked when the method is called; the request is sent on entering the block,
and leaving it releases the connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack, overload

from .._response import AsyncResponseContextManager, ResponseContextManager

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient
    from .._response import APIResponse, AsyncAPIResponse
    from .._streaming.messages import AsyncRawMessageStream, RawMessageStream
    from ..types import (
        Message,
        MessageCountTokensParams,
        MessageCreateParams,
        MessageCreateParamsNonStreaming,
        MessageCreateParamsStreaming,
        MessageTokensCount,
    )

__all__ = ["AsyncMessagesWithStreamingResponse", "MessagesWithStreamingResponse"]


class MessagesWithStreamingResponse:
    """`client.messages.with_streaming_response`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    @overload
    def create(
        self, **params: Unpack[MessageCreateParamsNonStreaming]
    ) -> ResponseContextManager[APIResponse[Message]]: ...
    @overload
    def create(
        self, **params: Unpack[MessageCreateParamsStreaming]
    ) -> ResponseContextManager[APIResponse[RawMessageStream]]: ...
    @overload
    def create(
        self, **params: Unpack[MessageCreateParams]
    ) -> ResponseContextManager[APIResponse[Message | RawMessageStream]]: ...
    def create(self, **params: Unpack[MessageCreateParams]) -> ResponseContextManager[APIResponse[Any]]:
        """Like `messages.create`; `with` sends it and gives the response, its body unread."""
        from .._operations.messages import MESSAGES

        call = self._client._prepare(MESSAGES, params)
        return ResponseContextManager(lambda: self._client._call(call, open_body=True))

    def count_tokens(
        self, **params: Unpack[MessageCountTokensParams]
    ) -> ResponseContextManager[APIResponse[MessageTokensCount]]:
        """Like `messages.count_tokens`; `with` sends it and gives the response, its body unread."""
        from .._operations.messages import COUNT_TOKENS

        call = self._client._prepare(COUNT_TOKENS, params)
        return ResponseContextManager(lambda: self._client._call(call, open_body=True))


class AsyncMessagesWithStreamingResponse:
    """`client.messages.with_streaming_response` of the async client (`async with`)."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    @overload
    def create(
        self, **params: Unpack[MessageCreateParamsNonStreaming]
    ) -> AsyncResponseContextManager[AsyncAPIResponse[Message]]: ...
    @overload
    def create(
        self, **params: Unpack[MessageCreateParamsStreaming]
    ) -> AsyncResponseContextManager[AsyncAPIResponse[AsyncRawMessageStream]]: ...
    @overload
    def create(
        self, **params: Unpack[MessageCreateParams]
    ) -> AsyncResponseContextManager[AsyncAPIResponse[Message | AsyncRawMessageStream]]: ...
    def create(self, **params: Unpack[MessageCreateParams]) -> AsyncResponseContextManager[AsyncAPIResponse[Any]]:
        """Like `messages.create`; `async with` sends it and gives the response, its body unread."""
        from .._operations.messages import MESSAGES

        call = self._client._prepare(MESSAGES, params)
        return AsyncResponseContextManager(lambda: self._client._call(call, open_body=True))

    def count_tokens(
        self, **params: Unpack[MessageCountTokensParams]
    ) -> AsyncResponseContextManager[AsyncAPIResponse[MessageTokensCount]]:
        """Like `messages.count_tokens`; `async with` sends it and gives the response, its body unread."""
        from .._operations.messages import COUNT_TOKENS

        call = self._client._prepare(COUNT_TOKENS, params)
        return AsyncResponseContextManager(lambda: self._client._call(call, open_body=True))
