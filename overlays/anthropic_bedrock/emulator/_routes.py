"""From request to operation: the dispatch table looked up, the log entry, authentication, faults.

Every request is logged and counted first. The :class:`~._handler.Operation` whose route matches
says what comes before its handler: the body limit, authentication, the fault directive (header
or queue) and the model id check. The handler then gets the request and a fresh
:class:`~._reply.Reply`; it never sees the router.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote

import h11

from ._aio import OFFLOAD_BYTES, sleep_ms
from ._auth import Authenticator, Screening
from ._connection import Abort, Admission, HttpExchange, Received
from ._errors import DEFAULT_MESSAGES
from ._faults import ERROR_TYPES, FaultSpec, parse_fault
from ._handler import DEFAULT_BODY_LIMIT, Call, Operation, ServerState
from ._log import KEPT_PREFIX, LogEntry
from ._models import known_model as _known_model
from ._reply import Reply, Settings

__all__ = ["Router"]

_logger = logging.getLogger("anthropic_bedrock.emulator")
_INTERNAL: Final = "The emulator failed on this request."


@dataclass(frozen=True, slots=True)
class _Head:
    """A request's head, decoded once, and what the router decided from it."""

    method: str
    target: str
    path: str
    headers: list[tuple[str, str]]
    operation: Operation | None
    params: dict[str, str]
    screening: Screening | None  # what authentication made of the head (authenticated operations)


class Router:
    """Answers one request through the dispatch table: the emulator's behaviour, minus the sockets."""

    def __init__(
        self, operations: Sequence[Operation], auth: Authenticator, state: ServerState, settings: Settings
    ) -> None:
        self.operations = tuple(operations)
        self.auth = auth
        self.state = state
        self.settings = settings

    # -- before the body -----------------------------------------------------------------------

    def admit(self, request: h11.Request) -> Admission:
        """What the head alone decides: the body limit, and whether the body is worth keeping."""
        target = request.target.decode("latin-1")
        method = request.method.decode("latin-1")
        headers = [(name.decode("latin-1"), _header_text(value)) for name, value in request.headers]
        path = target.partition("?")[0]
        operation, params = self._match(method, path)
        screening: Screening | None = None
        keep, unverified = True, False
        if operation is None or (operation.methods is not None and method not in operation.methods):
            keep = False  # answered 404 whatever the body
        elif operation.authenticated:
            screening = self.auth.screen(method, target, headers, services=operation.services)
            keep, unverified = screening.failure is None, screening.needs_body
        head = _Head(method, target, path, headers, operation, params, screening)
        limit = operation.body_limit if operation is not None else DEFAULT_BODY_LIMIT
        return Admission(limit, keep=keep, unverified=unverified, note=head)

    def _match(self, method: str, path: str) -> tuple[Operation | None, dict[str, str]]:
        """The operation for the route and method; else the first for the route (it answers 404)."""
        first: tuple[Operation | None, dict[str, str]] = (None, {})
        for operation in self.operations:
            found = operation.route.fullmatch(path)
            if found is None:
                continue
            matched = (operation, {key: unquote(value) for key, value in found.groupdict().items()})
            if operation.methods is None or method in operation.methods:
                return matched
            if first[0] is None:
                first = matched
        return first

    # -- the request ---------------------------------------------------------------------------

    async def handle(self, http: HttpExchange, received: Received) -> None:
        """Answer a request; a client that leaves is normal, anything else unexpected answers 500."""
        head = received.admission.note
        assert isinstance(head, _Head)
        entry = LogEntry(
            method=head.method,
            path=head.target,
            headers=head.headers,
            body=received.body if head.operation is not None else received.body[:KEPT_PREFIX],
            received_at=time.time(),
            request_id=str(uuid.uuid4()),
            operation=head.operation.name if head.operation is not None else "unknown",
            body_size=received.size,
        )
        self.state.log.record(entry)
        reply = (head.operation.reply if head.operation is not None else Reply)(
            http, entry, self.state.log, self.settings
        )
        try:
            await self._dispatch(head, received, entry, reply)
        except Abort:
            raise
        except ConnectionError as exc:
            _logger.debug("emulator: client left during %s %s (%s)", head.method, head.path, exc)
            raise Abort from None
        except Exception:
            _logger.exception("emulator: unexpected error while serving a request")
            if reply.answering:
                await reply.send_error(500, "InternalServerException", _INTERNAL)
            raise Abort from None

    async def _dispatch(self, head: _Head, received: Received, entry: LogEntry, reply: Reply) -> None:
        started = time.perf_counter()
        operation, body = head.operation, received.body
        if received.oversize and operation is not None:
            # Checked before authentication: the body is gone, and with it what its signature covers.
            await reply.send_error(400, "ValidationException", operation.too_large)
            return
        if operation is None or (operation.methods is not None and head.method not in operation.methods):
            self.state.log.truncate(entry)
            await reply.send_error(404, "UnknownOperationException", "Unknown operation")
            return
        if operation.authenticated and not await self._authenticate(head, received, entry, reply):
            return
        model_id = head.params.get("model_id")
        entry.model_id = model_id
        spec: FaultSpec | None = None
        if operation.faults:
            header_spec = entry.header("x-emulator-fault")
            if header_spec is not None:
                try:
                    spec = parse_fault(header_spec)
                except ValueError as exc:
                    await reply.send_error(400, "ValidationException", f"Invalid x-emulator-fault header: {exc}")
                    return
            else:
                spec = self.state.faults.take(operation.name)
        if spec is not None:
            entry.fault = spec.text
            self.state.log.count_fault()
            if spec.delay_ms:
                await sleep_ms(spec.delay_ms)
            if spec.reset:
                reply.reset()
            if spec.status is not None:
                await _send_fault_status(reply, spec)
                return
        if model_id is not None and not _known_model(model_id):
            await reply.send_error(404, "ResourceNotFoundException", DEFAULT_MESSAGES["ResourceNotFoundException"])
            return
        call = Call(head.method, head.path, head.target, head.headers, body, head.params, spec, started, self.state)
        await operation.handler(call, reply)

    async def _authenticate(self, head: _Head, received: Received, entry: LogEntry, reply: Reply) -> bool:
        """True when the request may go on; else the 403 (or 503) has been sent."""
        screening = head.screening
        assert screening is not None
        if screening.failure is None and received.shed:
            # The body was dropped as it came (too many unauthenticated bytes at once): nothing to check.
            self.state.log.truncate(entry)
            await reply.send_error(
                503, "ServiceUnavailableException", "Too many unauthenticated request bodies at once; try again."
            )
            return False
        body = received.body
        failure = await self.state.worker.run(
            screening.needs_body and len(body) > OFFLOAD_BYTES,
            lambda: self.auth.verify(screening, head.method, head.target, body),
        )
        if failure is None:
            return True
        self.state.log.truncate(entry)
        self.state.log.count_signature_failure()
        await reply.send_error(403, failure.error_type, failure.message)
        return False


async def _send_fault_status(reply: Reply, spec: FaultSpec) -> None:
    assert spec.status is not None
    error_type = spec.error_type or ERROR_TYPES.get(spec.status, "InternalServerException")
    message = spec.message or DEFAULT_MESSAGES.get(error_type, f"Injected {error_type}.")
    extra: list[tuple[str, str]] = []
    if spec.retry_after is not None:
        extra.append(("retry-after", spec.retry_after))
    if spec.retry_after_ms is not None:
        extra.append(("retry-after-ms", str(spec.retry_after_ms)))
    if spec.should_retry is not None:
        extra.append(("x-should-retry", "true" if spec.should_retry else "false"))
    await reply.send_error(spec.status, error_type, message, extra, cut=spec.cut is not None)


def _header_text(value: bytes) -> str:
    try:
        return value.decode()
    except UnicodeDecodeError:
        return value.decode("latin-1")
