"""Streams of structured-output requests (`messages.stream(output_format=...)`): the message
stream whose final message is a `ParsedMessage`, its text parsed into the requested type.

How the text is parsed is given by the caller (the resource, from `_operations.structured`), so
this layer stays below the operations and knows nothing of schemas.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from ..types import Message, ParsedMessage
from .message_stream import AsyncMessageStream, AsyncMessageStreamManager, MessageStream, MessageStreamManager
from .messages import AsyncRawMessageStream, RawMessageStream

__all__ = [
    "AsyncParsedMessageStream",
    "AsyncParsedMessageStreamManager",
    "ParsedMessageStream",
    "ParsedMessageStreamManager",
]

T = TypeVar("T")
Parse = Callable[[Message], ParsedMessage[T]]


class ParsedMessageStream(MessageStream, Generic[T]):
    """A `MessageStream` whose `get_final_message()` is a `ParsedMessage` (`parsed_output` set);
    raises StructuredOutputError when the text is not the requested type."""

    def __init__(self, raw: RawMessageStream, parse: Parse[T]) -> None:
        super().__init__(raw)
        self._parse = parse
        self._parsed: ParsedMessage[T] | None = None

    def get_final_message(self) -> ParsedMessage[T]:
        """Read the rest of the stream and return the whole message, its text parsed."""
        if self._parsed is None:
            self._parsed = self._parse(super().get_final_message())
        return self._parsed

    def get_final_text(self) -> str:
        """The text of the text blocks, joined (not parsed)."""
        return self._final_text(super().get_final_message())


class AsyncParsedMessageStream(AsyncMessageStream, Generic[T]):
    """The async form of `ParsedMessageStream`."""

    def __init__(self, raw: AsyncRawMessageStream, parse: Parse[T]) -> None:
        super().__init__(raw)
        self._parse = parse
        self._parsed: ParsedMessage[T] | None = None

    async def get_final_message(self) -> ParsedMessage[T]:
        if self._parsed is None:
            self._parsed = self._parse(await super().get_final_message())
        return self._parsed

    async def get_final_text(self) -> str:
        return self._final_text(await super().get_final_message())


class ParsedMessageStreamManager(MessageStreamManager, Generic[T]):
    """What `client.messages.stream(..., output_format=...)` returns: `with` it for a `ParsedMessageStream`."""

    def __init__(self, open_stream: Callable[[], RawMessageStream], parse: Parse[T]) -> None:
        super().__init__(open_stream)
        self._parse = parse

    def __enter__(self) -> ParsedMessageStream[T]:
        stream = ParsedMessageStream(self._open(), self._parse)
        self._stream = stream
        return stream


class AsyncParsedMessageStreamManager(AsyncMessageStreamManager, Generic[T]):
    """The async form of `ParsedMessageStreamManager`."""

    def __init__(self, open_stream: Callable[[], Awaitable[AsyncRawMessageStream]], parse: Parse[T]) -> None:
        super().__init__(open_stream)
        self._parse = parse

    async def __aenter__(self) -> AsyncParsedMessageStream[T]:
        stream = AsyncParsedMessageStream(await self._open(), self._parse)
        self._stream = stream
        return stream
