"""The model operations' answers: InvokeModel's JSON and InvokeModelWithResponseStream's frames.

The body was authenticated and the fault directive chosen by :mod:`._routes`; here it is
validated (:mod:`._bedrock`), answered, and for streams written frame by frame, each flushed as
produced, with the stream faults (pace, chunks, cut, crc, in-stream exception) applied.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from .._aws.eventstream_encoder import encode_frame, encode_headers
from . import _bedrock
from ._connection import HttpExchange
from ._errors import DEFAULT_MESSAGES
from ._faults import FaultSpec
from ._log import LogEntry
from ._novel import NOVEL_FRAME_PAYLOAD, NOVEL_FRAME_TYPE

if TYPE_CHECKING:
    from ._routes import Router

__all__ = ["respond", "sleep_ms"]

_CHUNK_HEADERS: Final = encode_headers(
    {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
)
_NOVEL_HEADERS: Final = encode_headers(
    {":event-type": NOVEL_FRAME_TYPE, ":content-type": "application/json", ":message-type": "event"}
)


async def sleep_ms(milliseconds: float) -> None:
    await asyncio.sleep(milliseconds / 1000)


async def respond(
    router: Router,
    http: HttpExchange,
    entry: LogEntry,
    operation: str,
    model_id: str,
    body: bytes,
    spec: FaultSpec | None,
    started: float,
) -> None:
    """Validate ``body`` and answer it as ``operation`` (``invoke`` or ``stream``)."""
    try:
        invocation = _bedrock.parse_body(body)
    except _bedrock.BodyError as exc:
        await router.send_error(http, entry, 400, "ValidationException", str(exc))
        return
    result = _bedrock.answer(invocation, spec.length if spec else None, spec.novel if spec else frozenset())
    if operation == "invoke":
        latency = max(1, round((time.perf_counter() - started) * 1000))
        response = _bedrock.invoke_body(invocation, result, model_id)
        router.log.finish(entry, 200)
        await http.send(
            200,
            [
                ("x-amzn-requestid", entry.request_id),
                ("content-type", "application/json"),
                ("x-amzn-bedrock-invocation-latency", str(latency)),
                ("x-amzn-bedrock-input-token-count", str(invocation.input_tokens)),
                ("x-amzn-bedrock-output-token-count", str(result.output_tokens)),
            ],
            response,
            cut=spec is not None and spec.cut is not None,
        )
        return
    await _stream(router, http, entry, invocation, result, model_id, spec, started)


async def _stream(
    router: Router,
    http: HttpExchange,
    entry: LogEntry,
    invocation: _bedrock.Invocation,
    result: _bedrock.Answer,
    model_id: str,
    spec: FaultSpec | None,
    started: float,
) -> None:
    first_byte: list[float] = []

    def metrics() -> dict[str, int]:
        now = time.perf_counter()
        return {
            "inputTokenCount": invocation.input_tokens,
            "outputTokenCount": result.output_tokens,
            "invocationLatency": max(1, round((now - started) * 1000)),
            "firstByteLatency": max(1, round(((first_byte[0] if first_byte else now) - started) * 1000)),
        }

    router.log.finish(entry, 200)
    http.start(
        200,
        [
            ("x-amzn-requestid", entry.request_id),
            ("content-type", "application/vnd.amazon.eventstream"),
            ("x-amzn-bedrock-content-type", "application/json"),
        ],
    )
    chunks = spec.chunks if spec else None
    pace = spec.pace_ms if spec else 0.0
    for index, frame in enumerate(_frames(invocation, result, model_id, chunks, metrics, spec)):
        if spec is not None and spec.cut is not None and index >= spec.cut:
            await http.cut()
        if index and pace:
            await sleep_ms(pace)
        if not first_byte:
            first_byte.append(time.perf_counter())
        await http.write(frame)
    if spec is not None and spec.cut is not None:
        # A cut past the last frame still drops the connection before the end of the body.
        await http.cut()
    await http.end()


def _frames(
    invocation: _bedrock.Invocation,
    result: _bedrock.Answer,
    model_id: str,
    chunks: int | None,
    metrics: _bedrock.Metrics,
    spec: FaultSpec | None,
) -> Iterator[bytes]:
    payloads = _bedrock.chunk_payloads(invocation, result, model_id, chunks, metrics)
    for index, frame in enumerate(_exception_after(payloads, spec)):
        if spec is not None and spec.crc == index:
            # Flip every bit of the trailing message CRC.
            frame = frame[:-4] + bytes(b ^ 0xFF for b in frame[-4:])
        yield frame


def _exception_after(payloads: Iterator[bytes], spec: FaultSpec | None) -> Iterator[bytes]:
    """Chunk frames, with an exception frame in place of the rest when the spec asks for one."""
    for index, payload in enumerate(payloads):
        if spec is not None and spec.exception is not None and index >= spec.after:
            break
        yield encode_frame(_CHUNK_HEADERS, payload)
        if index == 0 and spec is not None and "frame" in spec.novel:
            yield encode_frame(_NOVEL_HEADERS, NOVEL_FRAME_PAYLOAD)
    if spec is None or spec.exception is None:
        return
    message = spec.message or DEFAULT_MESSAGES.get(spec.exception, "Injected stream exception.")
    document: dict[str, object] = {"message": message}
    if spec.exception == "modelStreamErrorException":
        document.update(originalStatusCode=500, originalMessage=message)
    yield encode_frame(
        encode_headers(
            {
                ":exception-type": spec.exception,
                ":content-type": "application/json",
                ":message-type": "exception",
            }
        ),
        json.dumps(document).encode(),
    )
