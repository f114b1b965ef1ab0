"""The Anthropic-native Messages endpoints: ``POST /anthropic/v1/messages`` and
``POST /anthropic/v1/messages/count_tokens`` (bedrock-mantle, and bedrock-runtime's ``/anthropic``
path), signed for ``bedrock-mantle`` or ``bedrock``, or with a Bedrock API key.

The same deterministic answers as InvokeModel (:mod:`._bedrock`), in Anthropic's wire format: the
pure pieces are :mod:`._sse` (body checks, SSE encoding, stream faults, error bodies); here they
are sent, a streamed answer event by event with the usual pacing and faults (``pace``, ``chunks``,
``cut``, ``crc`` as a malformed line, ``exception`` as an in-stream ``error`` event, ``novel``,
``length``). :class:`NativeReply` answers every error of these routes, the router's own included,
in Anthropic's shape, and adds Anthropic's ``request-id`` header to every answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import _bedrock, _sse
from ._aio import OFFLOAD_BYTES, sleep_ms
from ._handler import Call
from ._models import known_model
from ._reply import Reply

__all__ = ["NativeReply", "count_tokens", "messages"]

_ANTHROPIC_TYPES = frozenset(_sse.ERROR_TYPES.values())
# An answer of more tokens than this is written out in a worker thread.
_OFFLOAD_TOKENS = 8192


class NativeReply(Reply):
    """A reply in Anthropic's shape: errors are ``{"type": "error", "error": {...}}`` (a Bedrock
    error type given by the router becomes the Anthropic type of its status), and every answer
    carries ``request-id`` beside ``x-amzn-RequestId``."""

    __slots__ = ()

    async def send(self, status: int, headers: Sequence[tuple[str, str]], body: bytes, *, cut: bool = False) -> None:
        await super().send(status, [("request-id", self.request_id), *headers], body, cut=cut)

    def start(self, status: int, headers: Sequence[tuple[str, str]]) -> None:
        super().start(status, [("request-id", self.request_id), *headers])

    async def send_error(
        self, status: int, error_type: str, message: str, extra: Sequence[tuple[str, str]] = (), *, cut: bool = False
    ) -> None:
        kind = error_type if error_type in _ANTHROPIC_TYPES else _sse.error_type_for(status)
        headers, body = _sse.error_response(status, kind, message, self.request_id)
        own = [(name, value) for name, value in headers if name not in ("request-id", "x-amzn-requestid")]
        await self.send(status, [*own, *extra], body, cut=cut)


def _header(call: Call, name: str) -> str | None:
    return next((value for key, value in call.headers if key == name), None)


async def _refused(reply: Reply, model: str) -> bool:
    """Answer 404 for a model the emulator does not know (True when it did)."""
    reply.entry.model_id = model
    if known_model(model):
        return False
    await reply.send_error(404, "not_found_error", f"The model {model} was not found.")
    return True


async def messages(call: Call, reply: Reply) -> None:
    """A Message as JSON, or with ``stream: true`` server-sent events written as produced."""
    version, beta, spec = _header(call, "anthropic-version"), _header(call, "anthropic-beta"), call.fault
    try:
        request = await call.state.worker.run(
            len(call.body) > OFFLOAD_BYTES, lambda: _sse.parse_request(call.body, version, beta)
        )
    except _sse.NativeError as exc:
        await reply.send_error(exc.status, exc.error_type, exc.message)
        return
    if await _refused(reply, request.model):
        return
    invocation = request.invocation
    length, novel = (spec.length, spec.novel) if spec else (None, frozenset[str]())
    result = await call.state.worker.run(
        invocation.max_tokens > _OFFLOAD_TOKENS, lambda: _bedrock.answer(invocation, length, novel)
    )
    if not request.stream:
        body = _bedrock.invoke_body(invocation, result, request.model)
        await reply.send_json(body, cut=spec is not None and spec.cut is not None)
        return
    metrics = {"inputTokenCount": invocation.input_tokens, "outputTokenCount": result.output_tokens}
    payloads = _bedrock.chunk_payloads(
        invocation, result, request.model, spec.chunks if spec else None, lambda: metrics
    )
    reply.start(200, [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache")])
    pace = spec.pace_ms if spec else 0.0
    frames = _sse.sse_frames(_sse.stream_events(payloads), _sse.StreamFaults.from_spec(spec))
    for index, frame in enumerate(frames):
        if spec is not None and spec.cut is not None and index >= spec.cut:
            await reply.cut()
        if index and pace:
            await sleep_ms(pace)
        await reply.write(frame)
    if spec is not None and spec.cut is not None:
        await reply.cut()  # a cut past the last event still drops the connection before the end
    await reply.end()


async def count_tokens(call: Call, reply: Reply) -> None:
    """``{"input_tokens": N}``, the same N that InvokeModel's usage and CountTokens report."""
    version, beta = _header(call, "anthropic-version"), _header(call, "anthropic-beta")
    try:
        model, body = await call.state.worker.run(
            len(call.body) > OFFLOAD_BYTES, lambda: _sse.count_tokens_body(call.body, version, beta)
        )
    except _sse.NativeError as exc:
        await reply.send_error(exc.status, exc.error_type, exc.message)
        return
    if await _refused(reply, model):
        return
    await reply.send_json(body, cut=call.fault is not None and call.fault.cut is not None)
