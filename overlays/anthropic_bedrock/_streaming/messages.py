"""Streamed Messages: the message built up event by event, and the raw event streams that carry it.

`MessageAccumulator` is sans-IO: it keeps, per content block, the pieces the deltas bring (text,
tool-input JSON, thinking, signature, citations) and builds a `Message` only when asked, so
reading a stream costs a list append per event. `RawMessageStream` is what
`messages.create(stream=True)` returns: the raw events, plus `get_final_message()`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

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
    parse_content_block,
)
from .stream import AsyncStream, ChunkReader, Stream

__all__ = ["AsyncRawMessageStream", "MessageAccumulator", "RawMessageStream"]


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
            request_id=errors.request_id(headers),
            input_tokens=metrics.get("inputTokenCount"),
            output_tokens=metrics.get("outputTokenCount"),
            invocation_latency_ms=metrics.get("invocationLatency"),
        )
        return message


class RawMessageStream(Stream[MessageStreamEvent]):
    """The events of a streamed Messages answer, as they arrive (`messages.create(stream=True)`)."""

    _reader: ChunkReader[MessageStreamEvent, MessageAccumulator]

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

    @property
    def accumulator(self) -> MessageAccumulator:
        """What the stream has said so far (the message in the making)."""
        return self._reader.acc

    async def get_final_message(self) -> Message:
        """Read the rest of the stream and return the whole `Message`."""
        await self.until_done()
        return self._reader.acc.final(self.response.headers)
