"""What the ``novel`` directive makes the emulator send: kinds of things no SDK knows yet.

Bedrock adds content block types, delta types, stream events and stop reasons over time; an SDK
must keep what it does not know rather than fail. ``x-emulator-fault: novel`` (all of block,
delta, event and stop) or ``novel=block,stop`` (a subset; ``frame`` only when named) puts these
in the answer:

``block``  an extra last content block ``{"type": "novel_block", "novel": {"answer": 42}}``
``delta``  streamed, that block starts as ``{"type": "novel_block", "novel": {}}`` and its
           content comes in a ``{"type": "novel_delta", "novel": {"answer": 42}}`` delta
``event``  a ``{"type": "novel_event", "novel": {"answer": 42}}`` event after ``ping``
``stop``   ``stop_reason: "novel_stop"`` (text completions too)
``frame``  an event-stream frame with ``:event-type`` ``novelEvent`` (payload
           ``{"novel": {"answer": 42}}``) after the first chunk frame (both APIs)
``field``  a field ``"novel_field": {"answer": 42}`` in the message (the InvokeModel body; in a
           stream, the ``message_delta`` event's ``delta``), as a new top-level field would come
           (Messages only; ``field`` and ``frame`` only when named)
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ALL_KINDS",
    "DEFAULT_KINDS",
    "NOVEL_BLOCK",
    "NOVEL_BLOCK_START",
    "NOVEL_DELTA",
    "NOVEL_EVENT",
    "NOVEL_FIELD",
    "NOVEL_FRAME_PAYLOAD",
    "NOVEL_FRAME_TYPE",
    "NOVEL_STOP_REASON",
]

ALL_KINDS: Final = frozenset({"block", "delta", "event", "stop", "frame", "field"})
DEFAULT_KINDS: Final = frozenset({"block", "delta", "event", "stop"})

NOVEL_BLOCK: Final[dict[str, object]] = {"type": "novel_block", "novel": {"answer": 42}}
NOVEL_BLOCK_START: Final[dict[str, object]] = {"type": "novel_block", "novel": {}}
NOVEL_DELTA: Final[dict[str, object]] = {"type": "novel_delta", "novel": {"answer": 42}}
NOVEL_EVENT: Final[dict[str, object]] = {"type": "novel_event", "novel": {"answer": 42}}
NOVEL_STOP_REASON: Final = "novel_stop"
NOVEL_FIELD: Final[dict[str, object]] = {"novel_field": {"answer": 42}}
NOVEL_FRAME_TYPE: Final = "novelEvent"
NOVEL_FRAME_PAYLOAD: Final = b'{"novel": {"answer": 42}}'
