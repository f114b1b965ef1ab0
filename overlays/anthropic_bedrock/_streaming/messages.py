"""Streamed Messages: the message built up event by event, and the raw event streams that carry it.

`MessageAccumulator` is sans-IO: it keeps, per content block, the pieces the deltas bring (text,
tool-input JSON, thinking, signature, citations) and builds a `Message` only when asked, so
reading a stream costs a list append per event. Tool input is parsed only then too, with the
partial-JSON rule of `partial_json` (a tool call cut by `max_tokens` gives the input as far as it
goes). Events that do not add up to a message (a block or a stop before `message_start`, tool input
that is not JSON or not an object) raise `APIResponseValidationError`, never a Python error.
`RawMessageStream` is what `messages.create(stream=True)` returns: the raw events, plus
`get_final_message()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from .. import _exceptions as errors
from ..types import (
    Citation,
    CitationsDelta,
    ContentBlock,
    ContentBlockDeltaEvent,
    ContentBlockStartEvent,
    InputJSONDelta,
    Message,
    MessageDeltaEvent,
    MessageStartEvent,
    MessageStopEvent,
    MessageStreamEvent,
    ResponseMetadata,
    SignatureDelta,
    TextDelta,
    ThinkingDelta,
    UnknownMessageStreamEvent,
    parse_content_block,
)
from .partial_json import NO_VALUE, PartialJSONError, parse_partial
from .stream import AsyncStream, ChunkReader, Stream

__all__ = ["AsyncRawMessageStream", "MessageAccumulator", "RawMessageStream"]

# What building a model from the stream's data raises when the data is not what the API describes.
_BAD_DATA = (ValueError, TypeError, KeyError, AttributeError, RecursionError)


class _Invalid(Exception):
    """The stream's events do not make up a valid message (turned into the SDK's error by the
    accumulator, which knows the response)."""


class _Block:
    """One content block in the making: its start and the pieces its deltas brought."""

    __slots__ = ("citations", "json", "signature", "start", "text")

    def __init__(self, start: ContentBlock) -> None:
        self.start = start
        self.text: list[str] = []  # text_delta or thinking_delta pieces
        self.json: list[str] = []  # input_json_delta pieces
        self.signature: list[str] = []
        self.citations: list[Citation] = []

    def partial_input(self, pieces: int | None = None) -> object:
        """The tool input as far as the first `pieces` JSON pieces (all by default) go: parsed by
        the partial-JSON rule, or the start's input while they hold no value yet."""
        parts = self.json if pieces is None else self.json[:pieces]
        try:
            value = parse_partial("".join(parts))
        except PartialJSONError as exc:
            raise _Invalid(f"the input of content block {self._name()} is not JSON: {exc}") from None
        if value is NO_VALUE:
            start = getattr(self.start, "input", None)
            return dict(start) if isinstance(start, Mapping) else {}
        return value

    def _name(self) -> str:
        ident = getattr(self.start, "id", None)
        return f"{self.start.type!r}" + (f" {ident!r}" if isinstance(ident, str) else "")

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
            data["input"] = self.partial_input()
        try:
            return parse_content_block(data)
        except _BAD_DATA as exc:
            raise _Invalid(f"content block {self._name()} is not valid: {exc!r}") from None


class MessageAccumulator:
    """Keeps what a Messages API stream has said, to build the message at any point.

    Lenient where nothing is lost (a delta for a block that never started, a repeated
    `message_start`, anything after `message_stop` are ignored, as `anthropic` ignores them), and
    a typed error where no message can come of the events (`response`, set by the stream, is the
    one they came in)."""

    __slots__ = ("blocks", "complete", "metrics", "response", "start", "stop_reason", "stop_sequence", "usage")

    def __init__(self) -> None:
        self.start: MessageStartEvent | None = None
        self.blocks: dict[int, _Block] = {}
        self.stop_reason: str | None = None
        self.stop_sequence: str | None = None
        self.usage: dict[str, Any] = {}
        self.metrics: dict[str, Any] | None = None
        self.complete = False
        self.response: httpx.Response | None = None

    def add(self, event: MessageStreamEvent) -> None:
        try:
            self._add(event)
        except _Invalid as exc:
            raise self._error(str(exc)) from None
        except _BAD_DATA as exc:
            raise self._error(f"a {event.type} event could not be added: {exc!r}") from exc

    def _add(self, event: MessageStreamEvent) -> None:
        if self.complete or isinstance(event, UnknownMessageStreamEvent):
            return  # nothing after message_stop changes the message; kinds this SDK does not know neither
        if isinstance(event, MessageStartEvent):
            if self.start is None:
                self.start = event
                self.usage = event.message.usage.to_dict()
            return
        if self.start is None:
            raise _Invalid(f"a {event.type} event came before message_start")
        if isinstance(event, ContentBlockDeltaEvent):
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
        elif isinstance(event, ContentBlockStartEvent):
            self.blocks[event.index] = _Block(event.content_block)
        elif isinstance(event, MessageDeltaEvent):
            self.stop_reason = event.delta.stop_reason
            self.stop_sequence = event.delta.stop_sequence
            # Usage on a message_delta is cumulative: a count given overwrites the start's.
            for key, value in event.usage.to_dict().items():
                if value is not None:
                    self.usage[key] = value
        elif isinstance(event, MessageStopEvent):
            self.complete = True
            if event.amazon_bedrock_invocation_metrics is not None:
                self.metrics = event.amazon_bedrock_invocation_metrics.to_dict()

    def _error(self, text: str) -> errors.APIError:
        message = f"The event stream does not make up a valid message: {text}"
        if self.response is not None:
            return errors.APIResponseValidationError(self.response, message)
        return errors.StreamDecodeError(message)

    @property
    def text(self) -> str:
        """The text of the text blocks so far, joined."""
        return "".join(
            "".join(block.text) if block.start.type == "text" else "" for _, block in sorted(self.blocks.items())
        )

    def tool_input(self, index: int, pieces: int | None = None) -> object:
        """The input of the tool call in block `index` as far as its first `pieces` JSON pieces go."""
        try:
            return self.blocks[index].partial_input(pieces)
        except _Invalid as exc:
            raise self._error(str(exc)) from None

    def block(self, index: int) -> ContentBlock | None:
        """Block `index` as it stands (None if it never started)."""
        block = self.blocks.get(index)
        if block is None:
            return None
        try:
            return block.build()
        except _Invalid as exc:
            raise self._error(str(exc)) from None

    def snapshot(self) -> Message:
        """The message as it stands (the final one once the stream is complete)."""
        if self.start is None:
            raise self._error("no message_start has arrived (yet)")
        try:
            data = self.start.message.to_dict()
            data["content"] = [block.build().to_dict() for _, block in sorted(self.blocks.items())]
            if self.stop_reason is not None or self.complete:
                data["stop_reason"] = self.stop_reason
                data["stop_sequence"] = self.stop_sequence
            data["usage"] = dict(self.usage)
            return Message.from_dict(data)
        except _Invalid as exc:
            raise self._error(str(exc)) from None
        except _BAD_DATA as exc:
            raise self._error(f"the message could not be built: {exc!r}") from exc

    def final(self, headers: Mapping[str, str]) -> Message:
        message = self.snapshot()
        metrics = self.metrics or {}
        message.response_metadata = ResponseMetadata(
            request_id=errors.request_id(headers),
            input_tokens=metrics.get("inputTokenCount"),
            output_tokens=metrics.get("outputTokenCount"),
            invocation_latency_ms=metrics.get("invocationLatency"),
        )
        return message


class RawMessageStream(Stream[MessageStreamEvent]):
    """The events of a streamed Messages answer, as they arrive (`messages.create(stream=True)`)."""

    _reader: ChunkReader[MessageStreamEvent, MessageAccumulator]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reader.acc.response = self.response  # what a typed error about the events names

    @property
    def accumulator(self) -> MessageAccumulator:
        """What the stream has said so far (the message in the making)."""
        return self._reader.acc

    def get_final_message(self) -> Message:
        """Read the rest of the stream and return the whole `Message`."""
        self.until_done()
        return self._reader.acc.final(self.response.headers)


class AsyncRawMessageStream(AsyncStream[MessageStreamEvent]):
    """The async form of `RawMessageStream`."""

    _reader: ChunkReader[MessageStreamEvent, MessageAccumulator]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reader.acc.response = self.response

    @property
    def accumulator(self) -> MessageAccumulator:
        """What the stream has said so far (the message in the making)."""
        return self._reader.acc

    async def get_final_message(self) -> Message:
        """Read the rest of the stream and return the whole `Message`."""
        await self.until_done()
        return self._reader.acc.final(self.response.headers)
