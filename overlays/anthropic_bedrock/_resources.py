"""The resources a client exposes (`client.completions`, `client.messages`), sync and async.

Each method only checks its arguments into a call (`_operations.prepare`) and hands it to the
client, which sends it; the typed signatures are the public API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack, overload

from ._operations import COMPLETIONS

if TYPE_CHECKING:
    from ._client import AnthropicBedrock, AsyncAnthropicBedrock
    from ._message_stream import AsyncMessageStreamManager, MessageStreamManager
    from ._response import APIResponse, AsyncAPIResponse
    from ._streaming import AsyncStream, Stream
    from .types import (
        Completion,
        CompletionChunk,
        CompletionCreateParams,
        CompletionCreateParamsNonStreaming,
        CompletionCreateParamsStreaming,
        Message,
        MessageCountTokensParams,
        MessageCreateParams,
        MessageCreateParamsNonStreaming,
        MessageCreateParamsStreaming,
        MessageStreamEvent,
        MessageStreamParams,
        MessageTokensCount,
    )

__all__ = [
    "AsyncCompletions",
    "AsyncCompletionsWithRawResponse",
    "AsyncMessages",
    "AsyncMessagesWithRawResponse",
    "Completions",
    "CompletionsWithRawResponse",
    "Messages",
    "MessagesWithRawResponse",
]


class Completions:
    """`client.completions`: Anthropic text completions (the legacy API of Claude 2 and earlier)."""

    def __init__(self, client: AnthropicBedrock) -> None:
        self._client = client
        self.with_raw_response = CompletionsWithRawResponse(client)

    @overload
    def create(self, **params: Unpack[CompletionCreateParamsNonStreaming]) -> Completion: ...
    @overload
    def create(self, **params: Unpack[CompletionCreateParamsStreaming]) -> Stream[CompletionChunk]: ...
    @overload
    def create(self, **params: Unpack[CompletionCreateParams]) -> Completion | Stream[CompletionChunk]: ...
    def create(self, **params: Unpack[CompletionCreateParams]) -> Completion | Stream[CompletionChunk]:
        """Complete `prompt` with `model`; with `stream=True`, a `Stream` of chunks as they arrive.

        Required: `model`, `prompt`, `max_tokens_to_sample`. Optional: `stop_sequences`,
        `temperature`, `top_p`, `top_k`, `metadata`, and per call `extra_headers`, `extra_query`,
        `extra_body`, `timeout`, `max_retries`. Bad arguments raise TypeError or ValueError before
        anything is sent.
        """
        return self.with_raw_response.create(**params).parse()


class CompletionsWithRawResponse:
    """`client.completions.with_raw_response`: the same calls, returning an `APIResponse`."""

    def __init__(self, client: AnthropicBedrock) -> None:
        self._client = client

    def create(self, **params: Unpack[CompletionCreateParams]) -> APIResponse[Completion | Stream[CompletionChunk]]:
        """Like `completions.create`, but returns the raw response; `.parse()` gives the result."""
        return self._client._call(self._client._prepare(COMPLETIONS, params))


class Messages:
    """`client.messages`: the Messages API, which every current Claude model speaks.

    The same calls as `anthropic`'s `AnthropicBedrock().messages`: `create`, `stream`,
    `count_tokens` and `with_raw_response`.
    """

    def __init__(self, client: AnthropicBedrock) -> None:
        self._client = client
        self.with_raw_response = MessagesWithRawResponse(client)

    @overload
    def create(self, **params: Unpack[MessageCreateParamsNonStreaming]) -> Message: ...
    @overload
    def create(self, **params: Unpack[MessageCreateParamsStreaming]) -> Stream[MessageStreamEvent]: ...
    @overload
    def create(self, **params: Unpack[MessageCreateParams]) -> Message | Stream[MessageStreamEvent]: ...
    def create(self, **params: Unpack[MessageCreateParams]) -> Message | Stream[MessageStreamEvent]:
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
        from ._message_ops import MESSAGES  # the Messages models load on the first Messages call
        from ._message_stream import MessageStreamManager

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

    def __init__(self, client: AnthropicBedrock) -> None:
        self._client = client

    def create(self, **params: Unpack[MessageCreateParams]) -> APIResponse[Message | Stream[MessageStreamEvent]]:
        """Like `messages.create`, but returns the raw response; `.parse()` gives the result."""
        from ._message_ops import MESSAGES  # the Messages models load on the first Messages call

        return self._client._call(self._client._prepare(MESSAGES, params))

    def count_tokens(self, **params: Unpack[MessageCountTokensParams]) -> APIResponse[MessageTokensCount]:
        """Like `messages.count_tokens`, but returns the raw response."""
        from ._message_ops import COUNT_TOKENS

        return self._client._call(self._client._prepare(COUNT_TOKENS, params))


# ---------------------------------------------------------------------------- async


class AsyncCompletions:
    """`client.completions` of the async client."""

    def __init__(self, client: AsyncAnthropicBedrock) -> None:
        self._client = client
        self.with_raw_response = AsyncCompletionsWithRawResponse(client)

    @overload
    async def create(self, **params: Unpack[CompletionCreateParamsNonStreaming]) -> Completion: ...
    @overload
    async def create(self, **params: Unpack[CompletionCreateParamsStreaming]) -> AsyncStream[CompletionChunk]: ...
    @overload
    async def create(self, **params: Unpack[CompletionCreateParams]) -> Completion | AsyncStream[CompletionChunk]: ...
    async def create(self, **params: Unpack[CompletionCreateParams]) -> Completion | AsyncStream[CompletionChunk]:
        """Complete `prompt` with `model`; with `stream=True`, an `AsyncStream` of chunks as they arrive."""
        raw = await self.with_raw_response.create(**params)
        return await raw.parse()


class AsyncCompletionsWithRawResponse:
    """`client.completions.with_raw_response` of the async client."""

    def __init__(self, client: AsyncAnthropicBedrock) -> None:
        self._client = client

    async def create(
        self, **params: Unpack[CompletionCreateParams]
    ) -> AsyncAPIResponse[Completion | AsyncStream[CompletionChunk]]:
        """Like `completions.create`, but returns the raw response; `await .parse()` gives the result."""
        return await self._client._call(self._client._prepare(COMPLETIONS, params))


class AsyncMessages:
    """`client.messages` of the async client: `await` each call, `async with` the stream."""

    def __init__(self, client: AsyncAnthropicBedrock) -> None:
        self._client = client
        self.with_raw_response = AsyncMessagesWithRawResponse(client)

    @overload
    async def create(self, **params: Unpack[MessageCreateParamsNonStreaming]) -> Message: ...
    @overload
    async def create(self, **params: Unpack[MessageCreateParamsStreaming]) -> AsyncStream[MessageStreamEvent]: ...
    @overload
    async def create(self, **params: Unpack[MessageCreateParams]) -> Message | AsyncStream[MessageStreamEvent]: ...
    async def create(self, **params: Unpack[MessageCreateParams]) -> Message | AsyncStream[MessageStreamEvent]:
        """Send the conversation to `model`: a `Message`, or with `stream=True` an `AsyncStream` of events."""
        raw = await self.with_raw_response.create(**params)
        return await raw.parse()

    def stream(self, **params: Unpack[MessageStreamParams]) -> AsyncMessageStreamManager:
        """A streamed answer with helpers: `async with client.messages.stream(...) as stream:`."""
        from ._message_ops import MESSAGES  # the Messages models load on the first Messages call
        from ._message_stream import AsyncMessageStreamManager

        call = self._client._prepare(MESSAGES, params, stream=True)

        async def open_stream() -> AsyncStream[MessageStreamEvent]:
            raw = await self._client._call(call)
            stream: AsyncStream[MessageStreamEvent] = await raw.parse()
            return stream

        return AsyncMessageStreamManager(open_stream)

    async def count_tokens(self, **params: Unpack[MessageCountTokensParams]) -> MessageTokensCount:
        """The input tokens `model` would bill for this request, counted by Bedrock (free)."""
        raw = await self.with_raw_response.count_tokens(**params)
        return await raw.parse()


class AsyncMessagesWithRawResponse:
    """`client.messages.with_raw_response` of the async client."""

    def __init__(self, client: AsyncAnthropicBedrock) -> None:
        self._client = client

    async def create(
        self, **params: Unpack[MessageCreateParams]
    ) -> AsyncAPIResponse[Message | AsyncStream[MessageStreamEvent]]:
        from ._message_ops import MESSAGES  # the Messages models load on the first Messages call

        return await self._client._call(self._client._prepare(MESSAGES, params))

    async def count_tokens(self, **params: Unpack[MessageCountTokensParams]) -> AsyncAPIResponse[MessageTokensCount]:
        from ._message_ops import COUNT_TOKENS

        return await self._client._call(self._client._prepare(COUNT_TOKENS, params))
