"""Bedrock's CountTokens operation: ``POST /model/{modelId}/count-tokens`` (rest-json).

The request is ``{"input": {"invokeModel": {"body": "<base64 of an InvokeModel body>"}}}``; the
inner body is validated exactly as InvokeModel validates it and counted by the same formula, so
``inputTokens`` always equals the ``usage.input_tokens`` (and ``X-Amzn-Bedrock-Input-Token-Count``)
that invoking it reports. ``{"input": {"converse": ...}}`` is refused with a 400 saying so.
"""

from __future__ import annotations

import binascii
import json
from typing import Final

from . import _bedrock
from ._aio import OFFLOAD_BYTES
from ._handler import Call
from ._reply import Reply

__all__ = ["BODY_LIMIT", "INNER_BODY_LIMIT", "count_tokens"]

INNER_BODY_LIMIT: Final = 25_000_000  # the `body` blob, as for InvokeModel
# The HTTP body carries that blob in base64 inside a small JSON envelope.
BODY_LIMIT: Final = 4 * -(-INNER_BODY_LIMIT // 3) + 1024


class _Invalid(Exception):
    """A 400 ValidationException with this message."""


def _inner_body(raw: bytes) -> bytes:
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise _Invalid("The request body is not valid JSON.") from None
    if not isinstance(document, dict) or document.get("input") is None:
        raise _Invalid(
            "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null"
        )
    union = document["input"]
    if not isinstance(union, dict) or len([key for key in union if union[key] is not None]) != 1:
        raise _Invalid("input must set exactly one of invokeModel and converse.")
    if union.get("converse") is not None:
        raise _Invalid("input.converse is not supported by the emulator; send input.invokeModel.")
    request = union.get("invokeModel")
    if not isinstance(request, dict):
        raise _Invalid("input.invokeModel must be an object with a body.")
    if request.get("body") is None:
        raise _Invalid(
            "1 validation error detected: Value null at 'input.invokeModel.body' failed to satisfy "
            "constraint: Member must not be null"
        )
    if not isinstance(request["body"], str):
        raise _Invalid("input.invokeModel.body must be a base64 string.")
    try:
        body = binascii.a2b_base64(request["body"], strict_mode=True)
    except binascii.Error:
        raise _Invalid("input.invokeModel.body is not valid base64.") from None
    if len(body) > INNER_BODY_LIMIT:
        raise _Invalid(
            "1 validation error detected: Value at 'input.invokeModel.body' failed to satisfy constraint: "
            f"Member must have length less than or equal to {INNER_BODY_LIMIT}"
        )
    return body


async def count_tokens(call: Call, reply: Reply) -> None:
    """Validate the request and its inner body; answer ``{"inputTokens": N}``."""
    try:
        invocation = await call.state.worker.run(
            len(call.body) > OFFLOAD_BYTES, lambda: _bedrock.parse_body(_inner_body(call.body))
        )
    except _Invalid as exc:
        await reply.send_error(400, "ValidationException", str(exc))
        return
    except _bedrock.BodyError as exc:
        await reply.send_error(400, "ValidationException", f"input.invokeModel.body: {exc}")
        return
    cut = call.fault is not None and call.fault.cut is not None
    await reply.send_json(json.dumps({"inputTokens": invocation.input_tokens}).encode(), cut=cut)
