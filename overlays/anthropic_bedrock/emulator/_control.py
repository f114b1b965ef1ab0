"""The emulator's own HTTP API under ``/_emulator/`` (no authentication), for processes that
cannot call the Python test API: queue or clear faults, read the counters, reset."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ._connection import HttpExchange
from ._log import LogEntry

if TYPE_CHECKING:
    from ._routes import Router

__all__ = ["handle"]


async def handle(router: Router, http: HttpExchange, entry: LogEntry, method: str, path: str, body: bytes) -> None:
    """Answer one control request."""
    if path == "/_emulator/faults" and method == "POST":
        try:
            document = json.loads(body or b"{}")
            items = document if isinstance(document, list) else [document]
            for item in items:
                if not isinstance(item, dict) or not isinstance(item.get("spec"), str):
                    raise ValueError('each fault needs {"spec": "<spec>", "count": <n>, "match": ...}')
                count = item.get("count", 1)
                if not isinstance(count, int):
                    raise ValueError("count must be an integer")
                router.faults.push(item["spec"], count, match=item.get("match"))
        except ValueError as exc:
            await router.send_error(http, entry, 400, "ValidationException", str(exc))
            return
        await router.send_json(http, entry, json.dumps({"pending": router.faults.pending()}).encode())
    elif path == "/_emulator/faults" and method == "DELETE":
        router.faults.clear()
        await router.send_json(http, entry, b'{"pending": 0}')
    elif path == "/_emulator/stats" and method == "GET":
        stats = router.log.stats()
        document = {
            "requests": stats.requests,
            "by_path": stats.by_path,
            "by_operation": stats.by_operation,
            "by_status": {str(k): v for k, v in stats.by_status.items()},
            "signature_failures": stats.signature_failures,
            "faults_served": stats.faults_served,
            "connections_opened": stats.connections_opened,
            "pending_faults": router.faults.pending(),
        }
        await router.send_json(http, entry, json.dumps(document).encode())
    elif path == "/_emulator/reset" and method == "POST":
        router.log.reset()
        router.faults.clear()
        await router.send_json(http, entry, b"{}")
    else:
        await router.send_error(http, entry, 404, "UnknownOperationException", "Unknown operation")
