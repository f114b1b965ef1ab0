"""`client.messages`: the Messages API, which every current Claude model speaks, sync and async:
`create`, `stream`, `count_tokens` and `with_raw_response`, as in `anthropic`'s
`AnthropicBedrock().messages`. Each method checks its arguments into a call and hands it to the
engine; the operations and models load on the first Messages call."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Unpack, overload

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient
    from .._response import APIResponse, AsyncAPIResponse
    from .._streaming.message_stream import AsyncMessageStreamManager, MessageStreamManager
    from .._streaming.messages import AsyncRawMessageStream, RawMessageStream
    from ..types import (
        Message,
        MessageCountTokensParams,
        MessageCreateParams,
        MessageCreateParamsNonStreaming,
        MessageCreateParamsStreaming,
        MessageStreamParams,
        MessageTokensCount,
    )
    from .batches import AsyncBatches, Batches
    from .messages_streaming import AsyncMessagesWithStreamingResponse, MessagesWithStreamingResponse

__all__ = ["AsyncMessages", "AsyncMessagesWithRawResponse", "Messages", "MessagesWithRawResponse"]


class Messages:
    """`client.messages`: the Messages API, which every current Claude model speaks.

    The same calls as `anthropic`'s `AnthropicBedrock().messages`: `create`, `stream`,
    `count_tokens` and `with_raw_response`.
    """

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client
        self.with_raw_response = MessagesWithRawResponse(client)

    @functools.cached_property
    def with_streaming_response(self) -> MessagesWithStreamingResponse:
        """The same calls as context managers that give the response with its body unread."""
        from .messages_streaming import MessagesWithStreamingResponse

        return MessagesWithStreamingResponse(self._client)

    @functools.cached_property
    def batches(self) -> Batches:
        """Batch inference: many requests run by Bedrock at half the price, S3 in and out."""
        from .batches import Batches

        return Batches(self._client)

    @overload
    def create(self, **params: Unpack[MessageCreateParamsNonStreaming]) -> Message: ...
    @overload
    def create(self, **params: Unpack[MessageCreateParamsStreaming]) -> RawMessageStream: ...
    @overload
    def create(self, **params: Unpack[MessageCreateParams]) -> Message | RawMessageStream: ...
    def create(self, **params: Unpack[MessageCreateParams]) -> Message | RawMessageStream:
        """Send the conversation in `messages` to `model`; the answer as a `Message`, or with
        `stream=True` a `Stream` of events as they arrive.

        Required: `model`, `max_tokens`, `messages`. Optional: `system`, `stop_sequences`,
        `temperature`, `top_p`, `top_k`, `tools`, `tool_choice`, `thinking`, `metadata`, and per
        call `extra_headers` (an `anthropic-beta` header becomes the body's `anthropic_beta`),
        `extra_query`, `extra_body`, `timeout`, `max_retries`. Bad arguments raise TypeError or
        ValueError naming the place (`messages[1].content[0].source.media_type`) before anything
        is sent.
        """
        return self.with_raw_response.create(**params).parse()

    def stream(self, **params: Unpack[MessageStreamParams]) -> MessageStreamManager:
        """A streamed answer with helpers, used as `with client.messages.stream(...) as stream:`.

        The stream gives `text_stream`, iteration over the events (and the `text`, `input_json`,
        `thinking`, `signature` and `citation` events they imply), `current_message_snapshot`,
        `get_final_message()`, `get_final_text()`, `until_done()` and `close()`. The arguments
        are those of `create` (checked now, sent on `with`).
        """
        from .._operations.messages import MESSAGES  # the Messages models load on the first Messages call
        from .._streaming.message_stream import MessageStreamManager

        call = self._client._prepare(MESSAGES, params, stream=True)
        return MessageStreamManager(lambda: self._client._call(call).parse())

    def count_tokens(self, **params: Unpack[MessageCountTokensParams]) -> MessageTokensCount:
        """The input tokens `model` would bill for this request, counted by Bedrock (free).

        Takes the arguments of `create` that make up what the model reads: `messages`, `system`,
        `tools`, `tool_choice`, `thinking`; the body counted is the one `create` would send.
        """
        return self.with_raw_response.count_tokens(**params).parse()


class MessagesWithRawResponse:
    """`client.messages.with_raw_response`: the same calls, returning an `APIResponse`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    @overload
    def create(self, **params: Unpack[MessageCreateParamsNonStreaming]) -> APIResponse[Message]: ...
    @overload
    def create(self, **params: Unpack[MessageCreateParamsStreaming]) -> APIResponse[RawMessageStream]: ...
    @overload
    def create(self, **params: Unpack[MessageCreateParams]) -> APIResponse[Message | RawMessageStream]: ...
    def create(self, **params: Unpack[MessageCreateParams]) -> APIResponse[Any]:
        """Like `messages.create`, but returns the raw response; `.parse()` gives the result."""
        from .._operations.messages import MESSAGES  # the Messages models load on the first Messages call

        return self._client._call(self._client._prepare(MESSAGES, params))

    def count_tokens(self, **params: Unpack[MessageCountTokensParams]) -> APIResponse[MessageTokensCount]:
        """Like `messages.count_tokens`, but returns the raw response."""
        from .._operations.messages import COUNT_TOKENS

        return self._client._call(self._client._prepare(COUNT_TOKENS, params))


class AsyncMessages:
    """`client.messages` of the async client: `await` each call, `async with` the stream."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
        self.with_raw_response = AsyncMessagesWithRawResponse(client)

    @functools.cached_property
    def with_streaming_response(self) -> AsyncMessagesWithStreamingResponse:
        """The same calls as async context managers that give the response with its body unread."""
        from .messages_streaming import AsyncMessagesWithStreamingResponse

        return AsyncMessagesWithStreamingResponse(self._client)

    @functools.cached_property
    def batches(self) -> AsyncBatches:
        """Batch inference: many requests run by Bedrock at half the price, S3 in and out."""
        from .batches import AsyncBatches

        return AsyncBatches(self._client)

    @overload
    async def create(self, **params: Unpack[MessageCreateParamsNonStreaming]) -> Message: ...
    @overload
    async def create(self, **params: Unpack[MessageCreateParamsStreaming]) -> AsyncRawMessageStream: ...
    @overload
    async def create(self, **params: Unpack[MessageCreateParams]) -> Message | AsyncRawMessageStream: ...
    async def create(self, **params: Unpack[MessageCreateParams]) -> Message | AsyncRawMessageStream:
        """Send the conversation to `model`: a `Message`, or with `stream=True` an `AsyncStream` of events."""
        raw = await self.with_raw_response.create(**params)
        return await raw.parse()

    def stream(self, **params: Unpack[MessageStreamParams]) -> AsyncMessageStreamManager:
        """A streamed answer with helpers: `async with client.messages.stream(...) as stream:`."""
        from .._operations.messages import MESSAGES  # the Messages models load on the first Messages call
        from .._streaming.message_stream import AsyncMessageStreamManager

        call = self._client._prepare(MESSAGES, params, stream=True)

        async def open_stream() -> AsyncRawMessageStream:
            raw = await self._client._call(call)
            stream: AsyncRawMessageStream = await raw.parse()
            return stream

        return AsyncMessageStreamManager(open_stream)

    async def count_tokens(self, **params: Unpack[MessageCountTokensParams]) -> MessageTokensCount:
        """The input tokens `model` would bill for this request, counted by Bedrock (free)."""
        raw = await self.with_raw_response.count_tokens(**params)
        return await raw.parse()


class AsyncMessagesWithRawResponse:
    """`client.messages.with_raw_response` of the async client."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    @overload
    async def create(self, **params: Unpack[MessageCreateParamsNonStreaming]) -> AsyncAPIResponse[Message]: ...
    @overload
    async def create(
        self, **params: Unpack[MessageCreateParamsStreaming]
    ) -> AsyncAPIResponse[AsyncRawMessageStream]: ...
    @overload
    async def create(
        self, **params: Unpack[MessageCreateParams]
    ) -> AsyncAPIResponse[Message | AsyncRawMessageStream]: ...
    async def create(self, **params: Unpack[MessageCreateParams]) -> AsyncAPIResponse[Any]:
        from .._operations.messages import MESSAGES  # the Messages models load on the first Messages call

        return await self._client._call(self._client._prepare(MESSAGES, params))

    async def count_tokens(self, **params: Unpack[MessageCountTokensParams]) -> AsyncAPIResponse[MessageTokensCount]:
        from .._operations.messages import COUNT_TOKENS

        return await self._client._call(self._client._prepare(COUNT_TOKENS, params))
