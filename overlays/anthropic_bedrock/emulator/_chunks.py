"""The payload of a stream ``chunk`` frame: the answer's JSON event, base64-encoded in ``bytes``."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping

__all__ = ["Metrics", "wrap"]

# Called for the last event: the ``amazon-bedrock-invocationMetrics`` object, latencies measured then.
Metrics = Callable[[], dict[str, int]]


def wrap(event: Mapping[str, object]) -> bytes:
    """``{"bytes": base64(JSON event)}``, as InvokeModelWithResponseStream's ``chunk`` events carry it."""
    return b'{"bytes":"' + base64.b64encode(json.dumps(event, separators=(",", ":")).encode()) + b'"}'
