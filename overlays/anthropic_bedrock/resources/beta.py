"""`client.beta`: the Messages API with beta features, as `anthropic`'s `client.beta.messages`.

    client.beta.messages.create(model=..., max_tokens=..., messages=[...],
                                betas=["context-management-2025-06-27"], context_management={...})

`create`, `stream`, `count_tokens`, `with_raw_response` and `with_streaming_response` take the
arguments of `client.messages` plus `betas` and the beta-only request fields (`types.beta`), and
answer with the same models. The calls go through the same operations and engine as
`client.messages`; only the body hook differs (`betas` join any `anthropic-beta` header in the
body's `anthropic_beta`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Unpack, overload

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient
    from .._streaming.message_stream import AsyncMessageStreamManager, MessageStreamManager
    from .._streaming.messages import AsyncRawMessageStream, RawMessageStream
    from ..types import Message, MessageTokensCount
    from ..types.beta import (
        BetaMessageCountTokensParams,
        BetaMessageCreateParams,
        BetaMessageCreateParamsNonStreaming,
        BetaMessageCreateParamsStreaming,
        BetaMessageStreamParams,
    )
    from .beta_responses import (
        AsyncBetaMessagesWithRawResponse,
        AsyncBetaMessagesWithStreamingResponse,
        AsyncBetaWithRawResponse,
        AsyncBetaWithStreamingResponse,
        BetaMessagesWithRawResponse,
        BetaMessagesWithStreamingResponse,
        BetaWithRawResponse,
        BetaWithStreamingResponse,
    )

__all__ = ["AsyncBeta", "AsyncBetaMessages", "Beta", "BetaMessages"]


class Beta:
    """`client.beta`: APIs with beta features; on Bedrock, the Messages API (`beta.messages`)."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    @functools.cached_property
    def messages(self) -> BetaMessages:
        """The Messages API with `betas` and the beta-only request fields."""
        return BetaMessages(self._client)

    @functools.cached_property
    def with_raw_response(self) -> BetaWithRawResponse:
        """`client.beta.with_raw_response.messages` is `client.beta.messages.with_raw_response`."""
        from .beta_responses import BetaWithRawResponse

        return BetaWithRawResponse(self.messages.with_raw_response)

    @functools.cached_property
    def with_streaming_response(self) -> BetaWithStreamingResponse:
        """`client.beta.with_streaming_response.messages` is `client.beta.messages.with_streaming_response`."""
        from .beta_responses import BetaWithStreamingResponse

        return BetaWithStreamingResponse(self.messages.with_streaming_response)


class BetaMessages:
    """`client.beta.messages`: `create`, `stream`, `count_tokens`, each taking `betas=[...]`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    @functools.cached_property
    def with_raw_response(self) -> BetaMessagesWithRawResponse:
        """The same calls, returning the raw response (`.parse()` gives the result)."""
        from .beta_responses import BetaMessagesWithRawResponse

        return BetaMessagesWithRawResponse(self._client)

    @functools.cached_property
    def with_streaming_response(self) -> BetaMessagesWithStreamingResponse:
        """The same calls as context managers that give the response with its body unread."""
        from .beta_responses import BetaMessagesWithStreamingResponse

        return BetaMessagesWithStreamingResponse(self._client)

    @overload
    def create(self, **params: Unpack[BetaMessageCreateParamsNonStreaming]) -> Message: ...
    @overload
    def create(self, **params: Unpack[BetaMessageCreateParamsStreaming]) -> RawMessageStream: ...
    @overload
    def create(self, **params: Unpack[BetaMessageCreateParams]) -> Message | RawMessageStream: ...
    def create(self, **params: Unpack[BetaMessageCreateParams]) -> Message | RawMessageStream:
        """`messages.create` with `betas` (sent in the body's `anthropic_beta`) and the beta-only
        request fields; a `Message`, or with `stream=True` a stream of events."""
        return self.with_raw_response.create(**params).parse()

    def stream(self, **params: Unpack[BetaMessageStreamParams]) -> MessageStreamManager:
        """`messages.stream` with `betas`: `with client.beta.messages.stream(...) as stream:`."""
        from .._operations.beta import BETA_MESSAGES
        from .._streaming.message_stream import MessageStreamManager

        call = self._client._prepare(BETA_MESSAGES, params, stream=True)
        return MessageStreamManager(lambda: self._client._call(call).parse())

    def count_tokens(self, **params: Unpack[BetaMessageCountTokensParams]) -> MessageTokensCount:
        """`messages.count_tokens` with `betas`: the input tokens Bedrock would bill (free)."""
        return self.with_raw_response.count_tokens(**params).parse()


class AsyncBeta:
    """`client.beta` of the async client."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    @functools.cached_property
    def messages(self) -> AsyncBetaMessages:
        """The Messages API with `betas` and the beta-only request fields."""
        return AsyncBetaMessages(self._client)

    @functools.cached_property
    def with_raw_response(self) -> AsyncBetaWithRawResponse:
        """`client.beta.with_raw_response.messages` is `client.beta.messages.with_raw_response`."""
        from .beta_responses import AsyncBetaWithRawResponse

        return AsyncBetaWithRawResponse(self.messages.with_raw_response)

    @functools.cached_property
    def with_streaming_response(self) -> AsyncBetaWithStreamingResponse:
        """`client.beta.with_streaming_response.messages` is `client.beta.messages.with_streaming_response`."""
        from .beta_responses import AsyncBetaWithStreamingResponse

        return AsyncBetaWithStreamingResponse(self.messages.with_streaming_response)


class AsyncBetaMessages:
    """`client.beta.messages` of the async client: `await` each call, `async with` the stream."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    @functools.cached_property
    def with_raw_response(self) -> AsyncBetaMessagesWithRawResponse:
        """The same calls, returning the raw response (`await .parse()` gives the result)."""
        from .beta_responses import AsyncBetaMessagesWithRawResponse

        return AsyncBetaMessagesWithRawResponse(self._client)

    @functools.cached_property
    def with_streaming_response(self) -> AsyncBetaMessagesWithStreamingResponse:
        """The same calls as async context managers that give the response with its body unread."""
        from .beta_responses import AsyncBetaMessagesWithStreamingResponse

        return AsyncBetaMessagesWithStreamingResponse(self._client)

    @overload
    async def create(self, **params: Unpack[BetaMessageCreateParamsNonStreaming]) -> Message: ...
    @overload
    async def create(self, **params: Unpack[BetaMessageCreateParamsStreaming]) -> AsyncRawMessageStream: ...
    @overload
    async def create(self, **params: Unpack[BetaMessageCreateParams]) -> Message | AsyncRawMessageStream: ...
    async def create(self, **params: Unpack[BetaMessageCreateParams]) -> Message | AsyncRawMessageStream:
        """`messages.create` with `betas` and the beta-only request fields."""
        raw = await self.with_raw_response.create(**params)
        return await raw.parse()

    def stream(self, **params: Unpack[BetaMessageStreamParams]) -> AsyncMessageStreamManager:
        """`messages.stream` with `betas`: `async with client.beta.messages.stream(...) as stream:`."""
        from .._operations.beta import BETA_MESSAGES
        from .._streaming.message_stream import AsyncMessageStreamManager

        call = self._client._prepare(BETA_MESSAGES, params, stream=True)

        async def open_stream() -> AsyncRawMessageStream:
            raw = await self._client._call(call)
            stream: AsyncRawMessageStream = await raw.parse()
            return stream

        return AsyncMessageStreamManager(open_stream)

    async def count_tokens(self, **params: Unpack[BetaMessageCountTokensParams]) -> MessageTokensCount:
        """`messages.count_tokens` with `betas`: the input tokens Bedrock would bill (free)."""
        raw = await self.with_raw_response.count_tokens(**params)
        return await raw.parse()
