"""Streamed Messages: the message built up event by event, and `messages.stream()`'s helpers.

`MessageAccumulator` is sans-IO: it keeps, per content block, the pieces the deltas bring (text,
tool-input JSON, thinking, signature, citations) and builds a `Message` only when asked, so
reading a stream costs a list append per event. `MessageStream` adds what `anthropic`'s
`messages.stream()` offers on top of the raw events: `text_stream`, the derived `text`,
`input_json`, `thinking`, `signature` and `citation` events, snapshots and the final message.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from types import TracebackType
from typing import Any, Literal, Self

import attrs
import httpx

from ._generated.models.content_block import parse_content_block
from ._generated.models.content_block_stop_event import ContentBlockStopEvent
from ._generated.models.message_stop_event import MessageStopEvent
from ._streaming import AsyncStream, Stream, _StreamBase
from .types import (
    Citation,
    CitationsDelta,
    ContentBlock,
    ContentBlockDeltaEvent,
    ContentBlockStartEvent,
    InputJSONDelta,
    Message,
    MessageDeltaEvent,
    MessageStartEvent,
    MessageStreamEvent,
    ResponseMetadata,
    SignatureDelta,
    TextDelta,
    ThinkingDelta,
)

__all__ = [
    "AsyncMessageStream",
    "AsyncMessageStreamManager",
    "CitationEvent",
    "InputJsonEvent",
    "MessageAccumulator",
    "MessageStream",
    "MessageStreamManager",
    "ParsedContentBlockStopEvent",
    "ParsedMessageStopEvent",
    "SignatureEvent",
    "TextEvent",
    "ThinkingEvent",
]


class _Block:
    """One content block in the making: its start and the pieces its deltas brought."""

    __slots__ = ("citations", "json", "signature", "start", "text")

    def __init__(self, start: ContentBlock) -> None:
        self.start = start
        self.text: list[str] = []  # text_delta or thinking_delta pieces
        self.json: list[str] = []  # input_json_delta pieces
        self.signature: list[str] = []
        self.citations: list[Citation] = []

    def partial_input(self) -> object:
        """The tool input so far: the JSON pieces parsed, or `{}` while they do not parse yet."""
        if not self.json:
            return dict(getattr(self.start, "input", None) or {})
        try:
            return json.loads("".join(self.json))
        except ValueError:
            return {}

    def build(self) -> ContentBlock:
        data = self.start.to_dict()
        kind = data.get("type")
        if kind == "text":
            data["text"] = data.get("text", "") + "".join(self.text)
            if self.citations:
                data["citations"] = [*(data.get("citations") or []), *(c.to_dict() for c in self.citations)]
        elif kind == "thinking":
            data["thinking"] = data.get("thinking", "") + "".join(self.text)
            data["signature"] = data.get("signature", "") + "".join(self.signature)
        elif self.json:
            data["input"] = json.loads("".join(self.json))
        return parse_content_block(data)


class MessageAccumulator:
    """Keeps what a Messages API stream has said, to build the message at any point."""

    __slots__ = ("blocks", "complete", "metrics", "start", "stop_reason", "stop_sequence", "usage")

    def __init__(self) -> None:
        self.start: MessageStartEvent | None = None
        self.blocks: dict[int, _Block] = {}
        self.stop_reason: str | None = None
        self.stop_sequence: str | None = None
        self.usage: dict[str, Any] = {}
        self.metrics: dict[str, Any] | None = None
        self.complete = False

    def add(self, event: MessageStreamEvent) -> None:
        kind = event.type
        if kind == "content_block_delta":
            assert isinstance(event, ContentBlockDeltaEvent)
            block = self.blocks.get(event.index)
            if block is None:
                return  # a delta for a block that never started: nothing to add it to
            delta = event.delta
            if isinstance(delta, TextDelta):
                block.text.append(delta.text)
            elif isinstance(delta, InputJSONDelta):
                block.json.append(delta.partial_json)
            elif isinstance(delta, ThinkingDelta):
                block.text.append(delta.thinking)
            elif isinstance(delta, SignatureDelta):
                block.signature.append(delta.signature)
            elif isinstance(delta, CitationsDelta):
                block.citations.append(delta.citation)
        elif kind == "content_block_start":
            assert isinstance(event, ContentBlockStartEvent)
            self.blocks[event.index] = _Block(event.content_block)
        elif kind == "message_start":
            assert isinstance(event, MessageStartEvent)
            self.start = event
            self.usage = event.message.usage.to_dict()
        elif kind == "message_delta":
            assert isinstance(event, MessageDeltaEvent)
            self.stop_reason = event.delta.stop_reason
            self.stop_sequence = event.delta.stop_sequence
            # Usage on a message_delta is cumulative: a count given overwrites the start's.
            for key, value in event.usage.to_dict().items():
                if value is not None:
                    self.usage[key] = value
        elif kind == "message_stop":
            assert isinstance(event, MessageStopEvent)
            self.complete = True
            if event.amazon_bedrock_invocation_metrics is not None:
                self.metrics = event.amazon_bedrock_invocation_metrics.to_dict()

    @property
    def text(self) -> str:
        """The text of the text blocks so far, joined."""
        return "".join(
            "".join(block.text) if block.start.type == "text" else "" for _, block in sorted(self.blocks.items())
        )

    def snapshot(self) -> Message:
        """The message as it stands (the final one once the stream is complete)."""
        if self.start is None:
            raise RuntimeError("The stream has not started a message yet.")
        data = self.start.message.to_dict()
        data["content"] = [block.build().to_dict() for _, block in sorted(self.blocks.items())]
        if self.stop_reason is not None or self.complete:
            data["stop_reason"] = self.stop_reason
            data["stop_sequence"] = self.stop_sequence
        data["usage"] = dict(self.usage)
        return Message.from_dict(data)

    def final(self, headers: Mapping[str, str]) -> Message:
        message = self.snapshot()
        metrics = self.metrics or {}
        message.response_metadata = ResponseMetadata(
            request_id=headers.get("x-amzn-requestid"),
            input_tokens=metrics.get("inputTokenCount"),
            output_tokens=metrics.get("outputTokenCount"),
            invocation_latency_ms=metrics.get("invocationLatency"),
        )
        return message


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


@attrs.frozen(slots=True)
class InputJsonEvent:
    """A piece of a tool call's input arrived; `snapshot` is the input parsed so far."""

    type: Literal["input_json"]
    partial_json: str
    snapshot: object


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
            return [event, InputJsonEvent("input_json", delta.partial_json, block.partial_input())]
        if isinstance(delta, ThinkingDelta) and block.start.type == "thinking":
            return [event, ThinkingEvent(delta.thinking, getattr(block.start, "thinking", ""), block.text)]
        if isinstance(delta, SignatureDelta) and block.start.type == "thinking":
            return [event, SignatureEvent("signature", "".join(block.signature))]
        if isinstance(delta, CitationsDelta) and block.start.type == "text":
            return [event, CitationEvent("citation", delta.citation, list(block.citations))]
        return [event]
    if isinstance(event, ContentBlockStopEvent):
        block = acc.blocks.get(event.index)
        parsed = ParsedContentBlockStopEvent(type=event.type, index=event.index)
        parsed.additional_properties = event.additional_properties
        parsed.content_block = block.build() if block is not None else None
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
    _raw: _StreamBase[MessageStreamEvent]
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
        texts = [block.text for block in message.content if block.type == "text"]
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

    def __init__(self, raw: Stream[MessageStreamEvent]) -> None:
        self._raw = self._stream = raw
        self._acc = raw._reader.acc  # type: ignore[assignment]
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

    def __init__(self, raw: AsyncStream[MessageStreamEvent]) -> None:
        self._raw = self._stream = raw
        self._acc = raw._reader.acc  # type: ignore[assignment]
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

    def __init__(self, open_stream: Callable[[], Stream[MessageStreamEvent]]) -> None:
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

    def __init__(self, open_stream: Callable[[], Awaitable[AsyncStream[MessageStreamEvent]]]) -> None:
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
