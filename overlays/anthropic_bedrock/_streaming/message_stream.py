"""`messages.stream()`'s helpers on top of the raw events, as in `anthropic`: `text_stream`, the
derived `text`, `input_json`, `thinking`, `signature` and `citation` events, snapshots and the final
message. Everything comes from the raw stream's `MessageAccumulator`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from types import TracebackType
from typing import Literal, Self

import attrs
import httpx

from ..types import (
    Citation,
    CitationsDelta,
    ContentBlock,
    ContentBlockDeltaEvent,
    ContentBlockStopEvent,
    InputJSONDelta,
    Message,
    MessageStopEvent,
    MessageStreamEvent,
    SignatureDelta,
    TextBlock,
    TextDelta,
    ThinkingDelta,
)
from .messages import AsyncRawMessageStream, MessageAccumulator, RawMessageStream

__all__ = [
    "AsyncMessageStream",
    "AsyncMessageStreamManager",
    "CitationEvent",
    "InputJsonEvent",
    "MessageStream",
    "MessageStreamManager",
    "ParsedContentBlockStopEvent",
    "ParsedMessageStopEvent",
    "SignatureEvent",
    "StreamEvent",
    "TextEvent",
    "ThinkingEvent",
]


# ---------------------------------------------------------------- derived events


class _Snapshot:
    """A derived event whose `snapshot` (the block's text so far) is joined only when read, so
    iterating a long stream stays linear."""

    __slots__ = ("_count", "_parts", "_prefix")

    def __init__(self, prefix: str, parts: list[str]) -> None:
        self._prefix = prefix
        self._parts = parts
        self._count = len(parts)

    @property
    def snapshot(self) -> str:
        return self._prefix + "".join(self._parts[: self._count])


class TextEvent(_Snapshot):
    """Text arrived (after the raw `content_block_delta`); `snapshot` is the block's text so far."""

    __slots__ = ("text",)
    type: Literal["text"] = "text"

    def __init__(self, text: str, prefix: str, parts: list[str]) -> None:
        super().__init__(prefix, parts)
        self.text = text

    def __repr__(self) -> str:
        return f"TextEvent(text={self.text!r})"


class ThinkingEvent(_Snapshot):
    """Reasoning arrived; `snapshot` is the block's reasoning so far."""

    __slots__ = ("thinking",)
    type: Literal["thinking"] = "thinking"

    def __init__(self, thinking: str, prefix: str, parts: list[str]) -> None:
        super().__init__(prefix, parts)
        self.thinking = thinking

    def __repr__(self) -> str:
        return f"ThinkingEvent(thinking={self.thinking!r})"


class InputJsonEvent:
    """A piece of a tool call's input arrived; `snapshot` is the input parsed so far (by the rule
    of `partial_json`, as `anthropic` parses it: `{"city": "Paris"}` while the rest is on its way).

    The snapshot is parsed when read, from the pieces up to this one, so iterating a long tool
    call stays linear; a snapshot of JSON that cannot be JSON raises `APIResponseValidationError`.
    """

    __slots__ = ("_acc", "_index", "_pieces", "partial_json")
    type: Literal["input_json"] = "input_json"

    def __init__(self, partial_json: str, acc: MessageAccumulator, index: int, pieces: int) -> None:
        self.partial_json = partial_json
        self._acc = acc
        self._index = index
        self._pieces = pieces

    @property
    def snapshot(self) -> object:
        return self._acc.tool_input(self._index, self._pieces)

    def __repr__(self) -> str:
        return f"InputJsonEvent(partial_json={self.partial_json!r})"


@attrs.frozen(slots=True)
class SignatureEvent:
    """The thinking block's signature arrived."""

    type: Literal["signature"]
    signature: str


@attrs.frozen(slots=True)
class CitationEvent:
    """A citation arrived; `snapshot` is the block's citations so far."""

    type: Literal["citation"]
    citation: Citation
    snapshot: list[Citation]


@attrs.define
class ParsedContentBlockStopEvent(ContentBlockStopEvent):
    """`content_block_stop`, with the finished `content_block`."""

    content_block: ContentBlock | None = attrs.field(default=None, kw_only=True, eq=False)


@attrs.define
class ParsedMessageStopEvent(MessageStopEvent):
    """`message_stop`, with the finished `message`."""

    message: Message | None = attrs.field(default=None, kw_only=True, eq=False)


StreamEvent = (
    MessageStreamEvent
    | TextEvent
    | InputJsonEvent
    | ThinkingEvent
    | SignatureEvent
    | CitationEvent
    | ParsedContentBlockStopEvent
    | ParsedMessageStopEvent
)
"""What iterating a `MessageStream` yields: each raw event, followed by the helper event it implies."""


def _expand(event: MessageStreamEvent, acc: MessageAccumulator) -> list[StreamEvent]:
    """The events a `MessageStream` yields for one raw event (already added to `acc`)."""
    if isinstance(event, ContentBlockDeltaEvent):
        block = acc.blocks.get(event.index)
        delta = event.delta
        if block is None:
            return [event]
        if isinstance(delta, TextDelta) and block.start.type == "text":
            return [event, TextEvent(delta.text, getattr(block.start, "text", ""), block.text)]
        if isinstance(delta, InputJSONDelta):
            return [event, InputJsonEvent(delta.partial_json, acc, event.index, len(block.json))]
        if isinstance(delta, ThinkingDelta) and block.start.type == "thinking":
            return [event, ThinkingEvent(delta.thinking, getattr(block.start, "thinking", ""), block.text)]
        if isinstance(delta, SignatureDelta) and block.start.type == "thinking":
            return [event, SignatureEvent("signature", "".join(block.signature))]
        if isinstance(delta, CitationsDelta) and block.start.type == "text":
            return [event, CitationEvent("citation", delta.citation, list(block.citations))]
        return [event]
    if isinstance(event, ContentBlockStopEvent):
        parsed = ParsedContentBlockStopEvent(type=event.type, index=event.index)
        parsed.additional_properties = event.additional_properties
        parsed.content_block = acc.block(event.index)
        return [parsed]
    if isinstance(event, MessageStopEvent):
        stop = ParsedMessageStopEvent(
            type=event.type, amazon_bedrock_invocation_metrics=event.amazon_bedrock_invocation_metrics
        )
        stop.additional_properties = event.additional_properties
        stop.message = acc.snapshot() if acc.start is not None else None
        return [stop]
    return [event]


# ---------------------------------------------------------------- streams


class _MessageStreamBase:
    _raw: RawMessageStream | AsyncRawMessageStream
    _acc: MessageAccumulator

    @property
    def response(self) -> httpx.Response:
        return self._raw.response

    @property
    def request_id(self) -> str | None:
        return self._raw.request_id

    @property
    def current_message_snapshot(self) -> Message:
        """The message as built from the events read so far."""
        return self._acc.snapshot()

    def _final_text(self, message: Message) -> str:
        texts = [block.text for block in message.content if isinstance(block, TextBlock)]
        if not texts:
            kinds = ",".join(block.type for block in message.content) or "no"
            raise RuntimeError(f"get_final_text() needs a text block; the message holds {kinds} content block(s)")
        return "".join(texts)


# The generators below are module functions holding the raw stream and the accumulator, never the
# `MessageStream`: no reference cycle, so a stream dropped unclosed is freed (and its connection
# handed back) by reference counting, without waiting for the cyclic collector.


def _events(raw: Iterator[MessageStreamEvent], acc: MessageAccumulator) -> Generator[StreamEvent]:
    for event in raw:
        yield from _expand(event, acc)


def _texts(events: Iterator[StreamEvent]) -> Generator[str]:
    for event in events:
        if isinstance(event, TextEvent):
            yield event.text


async def _aevents(raw: AsyncIterator[MessageStreamEvent], acc: MessageAccumulator) -> AsyncGenerator[StreamEvent]:
    async for event in raw:
        for expanded in _expand(event, acc):
            yield expanded


async def _atexts(events: AsyncIterator[StreamEvent]) -> AsyncGenerator[str]:
    async for event in events:
        if isinstance(event, TextEvent):
            yield event.text


class MessageStream(_MessageStreamBase):
    """What `with client.messages.stream(...) as stream` gives: iterate it for the raw events and the
    helper events they imply, or read `text_stream`; `get_final_message()` reads to the end."""

    def __init__(self, raw: RawMessageStream) -> None:
        self._raw = self._stream = raw
        self._acc = raw.accumulator
        self._iterator = _events(raw, self._acc)
        self.text_stream: Generator[str] = _texts(self._iterator)
        """Just the text, piece by piece, as it arrives."""

    def __iter__(self) -> Iterator[StreamEvent]:
        return self._iterator

    def __next__(self) -> StreamEvent:
        return next(self._iterator)

    def until_done(self) -> None:
        """Read the rest of the stream."""
        for _ in self._iterator:
            pass

    def get_final_message(self) -> Message:
        """Read the rest of the stream and return the whole message."""
        self.until_done()
        return self._acc.final(self.response.headers)

    def get_final_text(self) -> str:
        """Read the rest of the stream and return the text of its text blocks, joined."""
        return self._final_text(self.get_final_message())

    def close(self) -> None:
        """Stop reading and release the connection."""
        self.text_stream.close()
        self._iterator.close()
        self._stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncMessageStream(_MessageStreamBase):
    """The async form of `MessageStream`."""

    def __init__(self, raw: AsyncRawMessageStream) -> None:
        self._raw = self._stream = raw
        self._acc = raw.accumulator
        self._iterator = _aevents(raw, self._acc)
        self.text_stream: AsyncGenerator[str] = _atexts(self._iterator)
        """Just the text, piece by piece, as it arrives."""

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._iterator

    async def __anext__(self) -> StreamEvent:
        return await self._iterator.__anext__()

    async def until_done(self) -> None:
        async for _ in self._iterator:
            pass

    async def get_final_message(self) -> Message:
        await self.until_done()
        return self._acc.final(self.response.headers)

    async def get_final_text(self) -> str:
        return self._final_text(await self.get_final_message())

    async def close(self) -> None:
        """Stop reading and release the connection."""
        await self.text_stream.aclose()
        await self._iterator.aclose()
        await self._stream.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


class MessageStreamManager:
    """What `client.messages.stream(...)` returns: the request is sent on `with`, and the stream
    closed when the block ends."""

    def __init__(self, open_stream: Callable[[], RawMessageStream]) -> None:
        self._open = open_stream
        self._stream: MessageStream | None = None

    def __enter__(self) -> MessageStream:
        self._stream = MessageStream(self._open())
        return self._stream

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._stream is not None:
            self._stream.close()


class AsyncMessageStreamManager:
    """The async form of `MessageStreamManager`: `async with client.messages.stream(...) as stream`."""

    def __init__(self, open_stream: Callable[[], Awaitable[AsyncRawMessageStream]]) -> None:
        self._open = open_stream
        self._stream: AsyncMessageStream | None = None

    async def __aenter__(self) -> AsyncMessageStream:
        self._stream = AsyncMessageStream(await self._open())
        return self._stream

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._stream is not None:
            await self._stream.close()
