"""`client.beta.messages.with_raw_response` and `.with_streaming_response` (and the same under
`client.beta.with_raw_response.messages`, as `anthropic` spells it too), sync and async."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack, overload

from .._response import AsyncResponseContextManager, ResponseContextManager

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient
    from .._response import APIResponse, AsyncAPIResponse
    from .._streaming.messages import AsyncRawMessageStream, RawMessageStream
    from ..types import Message, MessageTokensCount
    from ..types.beta import (
        BetaMessageCountTokensParams,
        BetaMessageCreateParams,
        BetaMessageCreateParamsNonStreaming,
        BetaMessageCreateParamsStreaming,
    )

__all__ = [
    "AsyncBetaMessagesWithRawResponse",
    "AsyncBetaMessagesWithStreamingResponse",
    "AsyncBetaWithRawResponse",
    "AsyncBetaWithStreamingResponse",
    "BetaMessagesWithRawResponse",
    "BetaMessagesWithStreamingResponse",
    "BetaWithRawResponse",
    "BetaWithStreamingResponse",
]


class BetaMessagesWithRawResponse:
    """`client.beta.messages.with_raw_response`: the same calls, returning an `APIResponse`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    @overload
    def create(self, **params: Unpack[BetaMessageCreateParamsNonStreaming]) -> APIResponse[Message]: ...
    @overload
    def create(self, **params: Unpack[BetaMessageCreateParamsStreaming]) -> APIResponse[RawMessageStream]: ...
    @overload
    def create(self, **params: Unpack[BetaMessageCreateParams]) -> APIResponse[Message | RawMessageStream]: ...
    def create(self, **params: Unpack[BetaMessageCreateParams]) -> APIResponse[Any]:
        """Like `beta.messages.create`, but returns the raw response; `.parse()` gives the result."""
        from .._operations.beta import BETA_MESSAGES

        return self._client._call(self._client._prepare(BETA_MESSAGES, params))

    def count_tokens(self, **params: Unpack[BetaMessageCountTokensParams]) -> APIResponse[MessageTokensCount]:
        """Like `beta.messages.count_tokens`, but returns the raw response."""
        from .._operations.beta import BETA_COUNT_TOKENS

        return self._client._call(self._client._prepare(BETA_COUNT_TOKENS, params))


class BetaMessagesWithStreamingResponse:
    """`client.beta.messages.with_streaming_response`: `with ... as response:`, body unread."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    @overload
    def create(
        self, **params: Unpack[BetaMessageCreateParamsNonStreaming]
    ) -> ResponseContextManager[APIResponse[Message]]: ...
    @overload
    def create(
        self, **params: Unpack[BetaMessageCreateParamsStreaming]
    ) -> ResponseContextManager[APIResponse[RawMessageStream]]: ...
    @overload
    def create(
        self, **params: Unpack[BetaMessageCreateParams]
    ) -> ResponseContextManager[APIResponse[Message | RawMessageStream]]: ...
    def create(self, **params: Unpack[BetaMessageCreateParams]) -> ResponseContextManager[APIResponse[Any]]:
        """Like `beta.messages.create`; `with` sends it and gives the response, its body unread."""
        from .._operations.beta import BETA_MESSAGES

        call = self._client._prepare(BETA_MESSAGES, params)
        return ResponseContextManager(lambda: self._client._call(call, open_body=True))

    def count_tokens(
        self, **params: Unpack[BetaMessageCountTokensParams]
    ) -> ResponseContextManager[APIResponse[MessageTokensCount]]:
        """Like `beta.messages.count_tokens`; `with` sends it and gives the response, its body unread."""
        from .._operations.beta import BETA_COUNT_TOKENS

        call = self._client._prepare(BETA_COUNT_TOKENS, params)
        return ResponseContextManager(lambda: self._client._call(call, open_body=True))


class AsyncBetaMessagesWithRawResponse:
    """`client.beta.messages.with_raw_response` of the async client."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    @overload
    async def create(self, **params: Unpack[BetaMessageCreateParamsNonStreaming]) -> AsyncAPIResponse[Message]: ...
    @overload
    async def create(
        self, **params: Unpack[BetaMessageCreateParamsStreaming]
    ) -> AsyncAPIResponse[AsyncRawMessageStream]: ...
    @overload
    async def create(
        self, **params: Unpack[BetaMessageCreateParams]
    ) -> AsyncAPIResponse[Message | AsyncRawMessageStream]: ...
    async def create(self, **params: Unpack[BetaMessageCreateParams]) -> AsyncAPIResponse[Any]:
        """Like `beta.messages.create`, but returns the raw response; `await .parse()` gives the result."""
        from .._operations.beta import BETA_MESSAGES

        return await self._client._call(self._client._prepare(BETA_MESSAGES, params))

    async def count_tokens(
        self, **params: Unpack[BetaMessageCountTokensParams]
    ) -> AsyncAPIResponse[MessageTokensCount]:
        """Like `beta.messages.count_tokens`, but returns the raw response."""
        from .._operations.beta import BETA_COUNT_TOKENS

        return await self._client._call(self._client._prepare(BETA_COUNT_TOKENS, params))


class AsyncBetaMessagesWithStreamingResponse:
    """`client.beta.messages.with_streaming_response` of the async client (`async with`)."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    @overload
    def create(
        self, **params: Unpack[BetaMessageCreateParamsNonStreaming]
    ) -> AsyncResponseContextManager[AsyncAPIResponse[Message]]: ...
    @overload
    def create(
        self, **params: Unpack[BetaMessageCreateParamsStreaming]
    ) -> AsyncResponseContextManager[AsyncAPIResponse[AsyncRawMessageStream]]: ...
    @overload
    def create(
        self, **params: Unpack[BetaMessageCreateParams]
    ) -> AsyncResponseContextManager[AsyncAPIResponse[Message | AsyncRawMessageStream]]: ...
    def create(self, **params: Unpack[BetaMessageCreateParams]) -> AsyncResponseContextManager[AsyncAPIResponse[Any]]:
        """Like `beta.messages.create`; `async with` sends it and gives the response, its body unread."""
        from .._operations.beta import BETA_MESSAGES

        call = self._client._prepare(BETA_MESSAGES, params)
        return AsyncResponseContextManager(lambda: self._client._call(call, open_body=True))

    def count_tokens(
        self, **params: Unpack[BetaMessageCountTokensParams]
    ) -> AsyncResponseContextManager[AsyncAPIResponse[MessageTokensCount]]:
        """Like `beta.messages.count_tokens`; `async with` sends it and gives the response, its body unread."""
        from .._operations.beta import BETA_COUNT_TOKENS

        call = self._client._prepare(BETA_COUNT_TOKENS, params)
        return AsyncResponseContextManager(lambda: self._client._call(call, open_body=True))


class BetaWithRawResponse:
    """`client.beta.with_raw_response`: `.messages` is `client.beta.messages.with_raw_response`."""

    def __init__(self, messages: BetaMessagesWithRawResponse) -> None:
        self.messages = messages


class BetaWithStreamingResponse:
    """`client.beta.with_streaming_response`: `.messages` is `client.beta.messages.with_streaming_response`."""

    def __init__(self, messages: BetaMessagesWithStreamingResponse) -> None:
        self.messages = messages


class AsyncBetaWithRawResponse:
    """`client.beta.with_raw_response` of the async client."""

    def __init__(self, messages: AsyncBetaMessagesWithRawResponse) -> None:
        self.messages = messages


class AsyncBetaWithStreamingResponse:
    """`client.beta.with_streaming_response` of the async client."""

    def __init__(self, messages: AsyncBetaMessagesWithStreamingResponse) -> None:
        self.messages = messages
