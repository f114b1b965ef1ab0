"""Streamed text completions: what a stream keeps of its chunks, and its `get_final_completion()`."""

from __future__ import annotations

from collections.abc import Mapping

from ..types import Completion, CompletionChunk, ResponseMetadata
from .stream import AsyncStream, ChunkReader, Stream

__all__ = ["AsyncCompletionStream", "CompletionAccumulator", "CompletionStream"]


class CompletionAccumulator:
    """The text of a streamed completion and its last chunk."""

    __slots__ = ("last", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.last: CompletionChunk | None = None

    def add(self, chunk: CompletionChunk) -> None:
        self.parts.append(chunk.completion)
        self.last = chunk

    @property
    def complete(self) -> bool:
        return self.last is not None and self.last.stop_reason is not None

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def final(self, headers: Mapping[str, str]) -> Completion:
        last = self.last
        completion = Completion(
            completion=self.text,
            stop_reason=last.stop_reason if last else None,
            stop=last.stop if last else None,
            response_metadata=ResponseMetadata.from_headers(headers),
        )
        if last is not None:
            completion.additional_properties.update(last.additional_properties)
            metrics = last.amazon_bedrock_invocation_metrics
            if metrics is not None:
                completion.additional_properties["amazon-bedrock-invocationMetrics"] = metrics.to_dict()
        return completion


class CompletionStream(Stream[CompletionChunk]):
    """The chunks of a streamed completion, as they arrive."""

    _reader: ChunkReader[CompletionChunk, CompletionAccumulator]

    @property
    def last_chunk(self) -> CompletionChunk | None:
        """The latest chunk; at the end it carries `stop_reason`, `stop` and the invocation metrics."""
        return self._reader.acc.last

    def get_final_completion(self) -> Completion:
        """Read the rest of the stream and return it as one `Completion`."""
        self.until_done()
        return self._reader.acc.final(self.response.headers)


class AsyncCompletionStream(AsyncStream[CompletionChunk]):
    """The async form of `CompletionStream`."""

    _reader: ChunkReader[CompletionChunk, CompletionAccumulator]

    @property
    def last_chunk(self) -> CompletionChunk | None:
        """The latest chunk; at the end it carries `stop_reason`, `stop` and the invocation metrics."""
        return self._reader.acc.last

    async def get_final_completion(self) -> Completion:
        """Read the rest of the stream and return it as one `Completion`."""
        await self.until_done()
        return self._reader.acc.final(self.response.headers)
