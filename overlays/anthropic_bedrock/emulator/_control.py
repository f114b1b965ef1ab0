"""The emulator's own HTTP API under ``/_emulator/`` (no authentication), for processes that
cannot call the Python test API: queue or clear faults, read the counters, reset."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Final

from ._handler import Call, ServerState
from ._reply import Reply

__all__ = ["control"]


async def _push_faults(call: Call, reply: Reply) -> None:
    faults = call.state.faults
    try:
        document = json.loads(call.body or b"{}")
        items = document if isinstance(document, list) else [document]
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("spec"), str):
                raise ValueError('each fault needs {"spec": "<spec>", "count": <n>, "match": ...}')
            count = item.get("count", 1)
            if not isinstance(count, int):
                raise ValueError("count must be an integer")
            faults.push(item["spec"], count, match=item.get("match"))
    except ValueError as exc:
        await reply.send_error(400, "ValidationException", str(exc))
        return
    await reply.send_json(json.dumps({"pending": faults.pending()}).encode())


async def _clear_faults(call: Call, reply: Reply) -> None:
    call.state.faults.clear()
    await reply.send_json(b'{"pending": 0}')


def _stats_document(state: ServerState) -> dict[str, object]:
    stats = state.log.stats()
    return {
        "requests": stats.requests,
        "by_path": stats.by_path,
        "by_operation": stats.by_operation,
        "by_status": {str(k): v for k, v in stats.by_status.items()},
        "signature_failures": stats.signature_failures,
        "faults_served": stats.faults_served,
        "connections_opened": stats.connections_opened,
        "pending_faults": state.faults.pending(),
    }


async def _stats(call: Call, reply: Reply) -> None:
    await reply.send_json(json.dumps(_stats_document(call.state)).encode())


async def _reset(call: Call, reply: Reply) -> None:
    call.state.log.reset()
    call.state.faults.clear()
    await reply.send_json(b"{}")


_ENDPOINTS: Final[dict[tuple[str, str], Callable[[Call, Reply], Awaitable[None]]]] = {
    ("POST", "/_emulator/faults"): _push_faults,
    ("DELETE", "/_emulator/faults"): _clear_faults,
    ("GET", "/_emulator/stats"): _stats,
    ("POST", "/_emulator/reset"): _reset,
}


async def control(call: Call, reply: Reply) -> None:
    """Answer one control request."""
    endpoint = _ENDPOINTS.get((call.method, call.path))
    if endpoint is None:
        await reply.send_error(404, "UnknownOperationException", "Unknown operation")
        return
    await endpoint(call, reply)
