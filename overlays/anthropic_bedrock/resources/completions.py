"""`client.completions`: Anthropic text completions (the legacy API of Claude 2 and earlier), sync
and async. Each method checks its arguments into a call and hands it to the engine; the typed
signatures are the public API."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Unpack, overload

from .._operations.completions import COMPLETIONS
from .._response import AsyncResponseContextManager, ResponseContextManager

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient
    from .._response import APIResponse, AsyncAPIResponse
    from .._streaming.completions import AsyncCompletionStream, CompletionStream
    from ..types import (
        Completion,
        CompletionCreateParams,
        CompletionCreateParamsNonStreaming,
        CompletionCreateParamsStreaming,
    )

__all__ = [
    "AsyncCompletions",
    "AsyncCompletionsWithRawResponse",
    "AsyncCompletionsWithStreamingResponse",
    "Completions",
    "CompletionsWithRawResponse",
    "CompletionsWithStreamingResponse",
]


class Completions:
    """`client.completions`: Anthropic text completions (the legacy API of Claude 2 and earlier)."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client
        self.with_raw_response = CompletionsWithRawResponse(client)

    @functools.cached_property
    def with_streaming_response(self) -> CompletionsWithStreamingResponse:
        """The same calls as context managers that give the response with its body unread."""
        return CompletionsWithStreamingResponse(self._client)

    @overload
    def create(self, **params: Unpack[CompletionCreateParamsNonStreaming]) -> Completion: ...
    @overload
    def create(self, **params: Unpack[CompletionCreateParamsStreaming]) -> CompletionStream: ...
    @overload
    def create(self, **params: Unpack[CompletionCreateParams]) -> Completion | CompletionStream: ...
    def create(self, **params: Unpack[CompletionCreateParams]) -> Completion | CompletionStream:
        """Complete `prompt` with `model`; with `stream=True`, a `Stream` of chunks as they arrive.

        Required: `model`, `prompt`, `max_tokens_to_sample`. Optional: `stop_sequences`,
        `temperature`, `top_p`, `top_k`, `metadata`, and per call `extra_headers`, `extra_query`,
        `extra_body`, `timeout`, `max_retries`. Bad arguments raise TypeError or ValueError before
        anything is sent.
        """
        return self.with_raw_response.create(**params).parse()


class CompletionsWithRawResponse:
    """`client.completions.with_raw_response`: the same calls, returning an `APIResponse`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def create(self, **params: Unpack[CompletionCreateParams]) -> APIResponse[Completion | CompletionStream]:
        """Like `completions.create`, but returns the raw response; `.parse()` gives the result."""
        return self._client._call(self._client._prepare(COMPLETIONS, params))


class AsyncCompletions:
    """`client.completions` of the async client."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
        self.with_raw_response = AsyncCompletionsWithRawResponse(client)

    @functools.cached_property
    def with_streaming_response(self) -> AsyncCompletionsWithStreamingResponse:
        """The same calls as async context managers that give the response with its body unread."""
        return AsyncCompletionsWithStreamingResponse(self._client)

    @overload
    async def create(self, **params: Unpack[CompletionCreateParamsNonStreaming]) -> Completion: ...
    @overload
    async def create(self, **params: Unpack[CompletionCreateParamsStreaming]) -> AsyncCompletionStream: ...
    @overload
    async def create(self, **params: Unpack[CompletionCreateParams]) -> Completion | AsyncCompletionStream: ...
    async def create(self, **params: Unpack[CompletionCreateParams]) -> Completion | AsyncCompletionStream:
        """Complete `prompt` with `model`; with `stream=True`, an `AsyncStream` of chunks as they arrive."""
        raw = await self.with_raw_response.create(**params)
        return await raw.parse()


class AsyncCompletionsWithRawResponse:
    """`client.completions.with_raw_response` of the async client."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    async def create(
        self, **params: Unpack[CompletionCreateParams]
    ) -> AsyncAPIResponse[Completion | AsyncCompletionStream]:
        """Like `completions.create`, but returns the raw response; `await .parse()` gives the result."""
        return await self._client._call(self._client._prepare(COMPLETIONS, params))


class CompletionsWithStreamingResponse:
    """`client.completions.with_streaming_response`: `with ... as response:` sends the call and gives
    the response with its body unread (`iter_bytes()`, `iter_lines()`, `text()`, `json()`, `parse()`)."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def create(
        self, **params: Unpack[CompletionCreateParams]
    ) -> ResponseContextManager[APIResponse[Completion | CompletionStream]]:
        """Like `completions.create`; the arguments are checked now, the request sent on `with`."""
        call = self._client._prepare(COMPLETIONS, params)
        return ResponseContextManager(lambda: self._client._call(call, open_body=True))


class AsyncCompletionsWithStreamingResponse:
    """`client.completions.with_streaming_response` of the async client (`async with`)."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def create(
        self, **params: Unpack[CompletionCreateParams]
    ) -> AsyncResponseContextManager[AsyncAPIResponse[Completion | AsyncCompletionStream]]:
        """Like `completions.create`; the arguments are checked now, the request sent on `async with`."""
        call = self._client._prepare(COMPLETIONS, params)
        return AsyncResponseContextManager(lambda: self._client._call(call, open_body=True))
