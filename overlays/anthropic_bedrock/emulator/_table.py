"""The dispatch table: every operation the emulator answers, first matching route wins.

To add an operation, write its handler in a module of its own (``async def handler(call, reply)``,
see :mod:`._handler`) and add one :class:`~._handler.Operation` here; the router needs no change.
"""

from __future__ import annotations

from typing import Final

from . import _control, _count_tokens, _invoke, _jobs, _native
from ._handler import DEFAULT_BODY_LIMIT, Operation, route

__all__ = ["INVOKE_BODY_LIMIT", "OPERATIONS"]

# InvokeModel's `body` member: at most 25,000,000 bytes. Bedrock answers a longer one with 400.
INVOKE_BODY_LIMIT: Final = 25_000_000


def _too_large(member: str, limit: int) -> str:
    return (
        f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
        f"Member must have length less than or equal to {limit}"
    )


_MODEL: Final = "/model/(?P<model_id>[^/]+)"

OPERATIONS: Final[tuple[Operation, ...]] = (
    Operation(
        "invoke",
        route(f"{_MODEL}/invoke"),
        _invoke.invoke,
        body_limit=INVOKE_BODY_LIMIT,
        too_large=_too_large("body", INVOKE_BODY_LIMIT),
    ),
    Operation(
        "stream",
        route(f"{_MODEL}/invoke-with-response-stream"),
        _invoke.stream,
        body_limit=INVOKE_BODY_LIMIT,
        too_large=_too_large("body", INVOKE_BODY_LIMIT),
    ),
    Operation(
        "count_tokens",
        route(f"{_MODEL}/count-tokens"),
        _count_tokens.count_tokens,
        body_limit=_count_tokens.BODY_LIMIT,
        too_large=_too_large("input.invokeModel.body", _count_tokens.INNER_BODY_LIMIT),
    ),
    # Anthropic's own Messages wire format (bedrock-mantle; bedrock-runtime's `/anthropic` path).
    Operation(
        "messages",
        route("/anthropic/v1/messages"),
        _native.messages,
        body_limit=INVOKE_BODY_LIMIT,
        too_large=f"The request body exceeds {INVOKE_BODY_LIMIT} bytes.",
        reply=_native.NativeReply,
        services=frozenset({"bedrock", "bedrock-mantle"}),
    ),
    Operation(
        "messages_count_tokens",
        route("/anthropic/v1/messages/count_tokens"),
        _native.count_tokens,
        body_limit=INVOKE_BODY_LIMIT,
        too_large=f"The request body exceeds {INVOKE_BODY_LIMIT} bytes.",
        reply=_native.NativeReply,
        services=frozenset({"bedrock", "bedrock-mantle"}),
    ),
    # Batch inference: Bedrock's control plane (bedrock.{region}), served on the same port.
    Operation("create_job", route("/model-invocation-job"), _jobs.jobs),
    Operation("get_job", route("/model-invocation-job/[^/]+"), _jobs.jobs, methods=frozenset({"GET"})),
    Operation("stop_job", route("/model-invocation-job/[^/]+/stop"), _jobs.jobs),
    Operation("list_jobs", route("/model-invocation-jobs"), _jobs.jobs, methods=frozenset({"GET"})),
    Operation(
        "control",
        route("/_emulator/.*"),
        _control.control,
        methods=None,
        body_limit=DEFAULT_BODY_LIMIT,
        too_large=f"Control request bodies are limited to {DEFAULT_BODY_LIMIT} bytes.",
        authenticated=False,
        faults=False,
    ),
)
