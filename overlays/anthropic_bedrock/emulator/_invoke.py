"""InvokeModel and InvokeModelWithResponseStream: the JSON answer, and the event-stream frames.

The router has authenticated the request and picked its fault directive; here the body is
validated (:mod:`._bedrock`), answered, and for streams written frame by frame, each flushed as
produced, with the stream faults (pace, chunks, cut, crc, in-stream exception) applied. A large
body is checked and answered in a worker thread, so other clients are served meanwhile.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Final

from .._aws.eventstream_encoder import encode_frame, encode_headers
from . import _bedrock
from ._aio import OFFLOAD_BYTES, sleep_ms
from ._errors import DEFAULT_MESSAGES
from ._faults import FaultSpec
from ._handler import Call
from ._novel import NOVEL_FRAME_PAYLOAD, NOVEL_FRAME_TYPE
from ._options import OptionError, Options, read_options
from ._reply import Reply

__all__ = ["invoke", "stream"]

_CHUNK_HEADERS: Final = encode_headers(
    {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
)
_NOVEL_HEADERS: Final = encode_headers(
    {":event-type": NOVEL_FRAME_TYPE, ":content-type": "application/json", ":message-type": "event"}
)
# An answer of more tokens than this is written out in a worker thread (up to 8 MB of JSON).
_OFFLOAD_TOKENS: Final = 8192

_Answered = tuple[_bedrock.Invocation, _bedrock.Answer, bytes | None, Options]


def _answer(
    invocation: _bedrock.Invocation, spec: FaultSpec | None, model_id: str | None, options: Options
) -> _Answered:
    """The answer, and with ``model_id`` the InvokeModel response body too."""
    result = _bedrock.answer(
        invocation,
        spec.length if spec else None,
        spec.novel if spec else frozenset(),
        refusal=spec.refusal if spec else None,
        options=options,
    )
    body = _bedrock.invoke_body(invocation, result, model_id) if model_id is not None else None
    return invocation, result, body, options


async def _answered(call: Call, reply: Reply, model_id: str | None) -> _Answered | None:
    """Validate and answer the body (None once a 400 has been sent)."""
    worker, spec = call.state.worker, call.fault
    try:
        options = read_options(call.headers)
        if len(call.body) > OFFLOAD_BYTES:
            return await worker.run(True, lambda: _answer(_bedrock.parse_body(call.body), spec, model_id, options))
        invocation = _bedrock.parse_body(call.body)
        heavy = model_id is not None and invocation.max_tokens > _OFFLOAD_TOKENS
        return await worker.run(heavy, lambda: _answer(invocation, spec, model_id, options))
    except (_bedrock.BodyError, OptionError) as exc:
        await reply.send_error(400, "ValidationException", str(exc))
        return None


async def invoke(call: Call, reply: Reply) -> None:
    """InvokeModel: the whole answer as one JSON body."""
    model_id = call.params["model_id"]
    answered = await _answered(call, reply, model_id)
    if answered is None:
        return
    invocation, result, response, options = answered
    assert response is not None
    latency = max(1, round((time.perf_counter() - call.started) * 1000))
    await reply.send(
        200,
        [
            ("content-type", "application/json"),
            ("x-amzn-bedrock-invocation-latency", str(latency)),
            ("x-amzn-bedrock-input-token-count", str(invocation.input_tokens)),
            ("x-amzn-bedrock-output-token-count", str(result.output_tokens)),
            *options.response_headers(),
        ],
        response,
        cut=call.fault is not None and call.fault.cut is not None,
    )


async def stream(call: Call, reply: Reply) -> None:
    """InvokeModelWithResponseStream: one ``chunk`` frame per event, written as produced."""
    answered = await _answered(call, reply, None)
    if answered is None:
        return
    invocation, result, _, options = answered
    model_id, spec, started = call.params["model_id"], call.fault, call.started
    first_byte: list[float] = []

    def metrics() -> dict[str, int]:
        now = time.perf_counter()
        return {
            "inputTokenCount": invocation.input_tokens,
            "outputTokenCount": result.output_tokens,
            "invocationLatency": max(1, round((now - started) * 1000)),
            "firstByteLatency": max(1, round(((first_byte[0] if first_byte else now) - started) * 1000)),
        }

    reply.start(
        200,
        [
            ("content-type", "application/vnd.amazon.eventstream"),
            ("x-amzn-bedrock-content-type", "application/json"),
            *options.response_headers(),
        ],
    )
    chunks = spec.chunks if spec else None
    pace = spec.pace_ms if spec else 0.0
    for index, frame in enumerate(_frames(invocation, result, model_id, chunks, metrics, spec)):
        if spec is not None and spec.cut is not None and index >= spec.cut:
            await reply.cut()
        if index and pace:
            await sleep_ms(pace)
        if not first_byte:
            first_byte.append(time.perf_counter())
        await reply.write(frame)
    if spec is not None and spec.cut is not None:
        # A cut past the last frame still drops the connection before the end of the body.
        await reply.cut()
    await reply.end()


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
