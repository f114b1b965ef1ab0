"""`client.messages`: the Messages API, which every current Claude model speaks, sync and async:
`create`, `stream`, `count_tokens` and `with_raw_response`, as in `anthropic`'s
`AnthropicBedrock().messages`. Each method checks its arguments into a call and hands it to the
engine; the operations and models load on the first Messages call."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Unpack, overload

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient
    from .._response import APIResponse, AsyncAPIResponse
    from .._streaming.message_stream import AsyncMessageStreamManager, MessageStreamManager
    from .._streaming.messages import AsyncRawMessageStream, RawMessageStream
    from .._streaming.parsed import AsyncParsedMessageStreamManager, ParsedMessageStreamManager
    from ..types import (
        Message,
        MessageCountTokensParams,
        MessageCreateParams,
        MessageCreateParamsNonStreaming,
        MessageCreateParamsStreaming,
        MessageParseParams,
        MessageStreamParams,
        MessageTokensCount,
        ParsedMessage,
    )
    from .batches import AsyncBatches, Batches
    from .messages_streaming import AsyncMessagesWithStreamingResponse, MessagesWithStreamingResponse

__all__ = ["AsyncMessages", "AsyncMessagesWithRawResponse", "Messages", "MessagesWithRawResponse"]

T = TypeVar("T")


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

    @overload
    def stream(self, **params: Unpack[MessageStreamParams]) -> MessageStreamManager: ...
    @overload
    def stream(
        self, *, output_format: type[T], **params: Unpack[MessageStreamParams]
    ) -> ParsedMessageStreamManager[T]: ...
    @overload
    def stream(
        self, *, output_format: Mapping[str, Any], **params: Unpack[MessageStreamParams]
    ) -> ParsedMessageStreamManager[Any]: ...
    def stream(
        self, *, output_format: object = None, **params: Unpack[MessageStreamParams]
    ) -> MessageStreamManager | ParsedMessageStreamManager[Any]:
        """A streamed answer with helpers, used as `with client.messages.stream(...) as stream:`.

        The stream gives `text_stream`, iteration over the events (and the `text`, `input_json`,
        `thinking`, `signature` and `citation` events they imply), `current_message_snapshot`,
        `get_final_message()`, `get_final_text()`, `until_done()` and `close()`. The arguments
        are those of `create` (checked now, sent on `with`); with `output_format` (as for `parse`)
        `get_final_message()` is a `ParsedMessage`.
        """
        from .._operations.messages import MESSAGES  # the Messages models load on the first Messages call
        from .._streaming.message_stream import MessageStreamManager

        if output_format is None:
            call = self._client._prepare(MESSAGES, params, stream=True)
            return MessageStreamManager(lambda: self._client._call(call).parse())
        from .._operations.structured import parse_message, structured_params
        from .._streaming.parsed import ParsedMessageStreamManager

        arguments, fmt = structured_params(params, output_format)
        call = self._client._prepare(MESSAGES, arguments, stream=True)
        return ParsedMessageStreamManager(lambda: self._client._call(call).parse(), lambda m: parse_message(m, fmt))

    @overload
    def parse(self, *, output_format: type[T], **params: Unpack[MessageParseParams]) -> ParsedMessage[T]: ...
    @overload
    def parse(
        self, *, output_format: Mapping[str, Any], **params: Unpack[MessageParseParams]
    ) -> ParsedMessage[Any]: ...
    @overload
    def parse(self, *, output_format: None = None, **params: Unpack[MessageParseParams]) -> ParsedMessage[None]: ...
    def parse(self, *, output_format: object = None, **params: Unpack[MessageParseParams]) -> ParsedMessage[Any]:
        """`create`, with the answer's text parsed into `output_format` (`parsed_output`).

        `output_format` is a pydantic model class, a TypedDict, a dataclass or a JSON schema dict;
        its schema, made strict as Bedrock requires (objects closed, every property required), is
        sent as `output_config.format`. What Bedrock's structured outputs do not take raises
        TypeError or ValueError naming the place, before anything is sent; an answer that is not
        such a value raises `StructuredOutputError`, which keeps the text.
        """
        from .._operations.structured import parse_message, structured_params

        if params.get("stream"):
            raise TypeError("messages.parse() does not stream; use messages.stream(output_format=...)")
        arguments, fmt = structured_params(params, output_format)
        return parse_message(self.create(**arguments), fmt)

    def count_tokens(
        self, *, output_format: object = None, **params: Unpack[MessageCountTokensParams]
    ) -> MessageTokensCount:
        """The input tokens `model` would bill for this request, counted by Bedrock (free).

        Takes the arguments of `create` that make up what the model reads: `messages`, `system`,
        `tools`, `tool_choice`, `thinking`, `output_config` (or `output_format`, as for `parse`);
        the body counted is the one `create` would send. Bedrock's CountTokens takes none of the
        Bedrock request options (guardrail, trace, service tier, ...).
        """
        if output_format is not None:
            from .._operations.structured import structured_params

            params = structured_params(params, output_format)[0]  # type: ignore[assignment]
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

    @overload
    def stream(self, **params: Unpack[MessageStreamParams]) -> AsyncMessageStreamManager: ...
    @overload
    def stream(
        self, *, output_format: type[T], **params: Unpack[MessageStreamParams]
    ) -> AsyncParsedMessageStreamManager[T]: ...
    @overload
    def stream(
        self, *, output_format: Mapping[str, Any], **params: Unpack[MessageStreamParams]
    ) -> AsyncParsedMessageStreamManager[Any]: ...
    def stream(
        self, *, output_format: object = None, **params: Unpack[MessageStreamParams]
    ) -> AsyncMessageStreamManager | AsyncParsedMessageStreamManager[Any]:
        """A streamed answer with helpers: `async with client.messages.stream(...) as stream:`."""
        from .._operations.messages import MESSAGES  # the Messages models load on the first Messages call
        from .._streaming.message_stream import AsyncMessageStreamManager

        fmt = None
        if output_format is not None:
            from .._operations.structured import structured_params

            arguments, fmt = structured_params(params, output_format)
            params = arguments  # type: ignore[assignment]
        call = self._client._prepare(MESSAGES, params, stream=True)

        async def open_stream() -> AsyncRawMessageStream:
            raw = await self._client._call(call)
            stream: AsyncRawMessageStream = await raw.parse()
            return stream

        if fmt is None:
            return AsyncMessageStreamManager(open_stream)
        from .._operations.structured import parse_message
        from .._streaming.parsed import AsyncParsedMessageStreamManager

        chosen = fmt
        return AsyncParsedMessageStreamManager(open_stream, lambda m: parse_message(m, chosen))

    @overload
    async def parse(self, *, output_format: type[T], **params: Unpack[MessageParseParams]) -> ParsedMessage[T]: ...
    @overload
    async def parse(
        self, *, output_format: Mapping[str, Any], **params: Unpack[MessageParseParams]
    ) -> ParsedMessage[Any]: ...
    @overload
    async def parse(
        self, *, output_format: None = None, **params: Unpack[MessageParseParams]
    ) -> ParsedMessage[None]: ...
    async def parse(self, *, output_format: object = None, **params: Unpack[MessageParseParams]) -> ParsedMessage[Any]:
        """`create`, with the answer's text parsed into `output_format` (see the sync client's `parse`)."""
        from .._operations.structured import parse_message, structured_params

        if params.get("stream"):
            raise TypeError("messages.parse() does not stream; use messages.stream(output_format=...)")
        arguments, fmt = structured_params(params, output_format)
        return parse_message(await self.create(**arguments), fmt)

    async def count_tokens(
        self, *, output_format: object = None, **params: Unpack[MessageCountTokensParams]
    ) -> MessageTokensCount:
        """The input tokens `model` would bill for this request, counted by Bedrock (free)."""
        if output_format is not None:
            from .._operations.structured import structured_params

            params = structured_params(params, output_format)[0]  # type: ignore[assignment]
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
