"""From request to answer: which operation a request is, the log entry, authentication, faults.

Every request is logged and counted first; control requests go to :mod:`._control`; model requests
are authenticated, pick up their fault directive (header or queue), and go to :mod:`._invoke`.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote

import h11

from . import _control, _count_tokens, _invoke
from ._auth import Authenticator
from ._connection import Abort, HttpExchange, Received
from ._errors import DEFAULT_MESSAGES, error_response
from ._faults import ERROR_TYPES, FaultQueue, FaultSpec, parse_fault
from ._log import KEPT_PREFIX, LogEntry, RequestLog

__all__ = ["INVOKE_BODY_LIMIT", "Router", "Settings"]

# InvokeModel's `body` member: at most 25,000,000 bytes. Bedrock answers a longer one with 400.
INVOKE_BODY_LIMIT: Final = 25_000_000
_OTHER_BODY_LIMIT: Final = 1 << 20  # control and unknown requests

_logger = logging.getLogger("anthropic_bedrock.emulator")
_ROUTE = re.compile(r"^/model/([^/]+)/(invoke|invoke-with-response-stream|count-tokens)$")
_OPERATIONS: Final = {"invoke": "invoke", "invoke-with-response-stream": "stream", "count-tokens": "count_tokens"}


@dataclass(slots=True)
class Settings:
    """Server options that may change while it runs."""

    error_type_suffix: bool = False


class Router:
    """Answers one request: the emulator's behaviour, minus the sockets."""

    def __init__(self, auth: Authenticator, log: RequestLog, faults: FaultQueue, settings: Settings) -> None:
        self.auth = auth
        self.log = log
        self.faults = faults
        self.settings = settings

    def body_limit(self, request: h11.Request) -> int:
        """The largest body the request's route accepts."""
        route = _ROUTE.match(request.target.partition(b"?")[0].decode("latin-1"))
        if route is None:
            return _OTHER_BODY_LIMIT
        return _count_tokens.BODY_LIMIT if route.group(2) == "count-tokens" else INVOKE_BODY_LIMIT

    async def handle(self, http: HttpExchange, received: Received) -> None:
        """Answer a request; an unexpected failure answers 500 and closes the connection."""
        try:
            await self._dispatch(http, received)
        except Abort:
            raise
        except Exception:
            _logger.exception("emulator: unexpected error while serving a request")
            if http.answering:
                headers, payload = error_response(
                    "InternalServerException",
                    "The emulator failed on this request.",
                    suffix=self.settings.error_type_suffix,
                )
                await http.send(500, headers, payload)
            raise Abort from None

    # -- answers -------------------------------------------------------------------------------

    def error(self, error_type: str, message: str) -> tuple[list[tuple[str, str]], bytes]:
        return error_response(error_type, message, suffix=self.settings.error_type_suffix)

    async def send_error(
        self,
        http: HttpExchange,
        entry: LogEntry,
        status: int,
        error_type: str,
        message: str,
        extra: list[tuple[str, str]] | None = None,
        cut: bool = False,
    ) -> None:
        headers, body = self.error(error_type, message)
        self.log.finish(entry, status)
        await http.send(status, [("x-amzn-requestid", entry.request_id), *headers, *(extra or [])], body, cut=cut)

    async def send_json(self, http: HttpExchange, entry: LogEntry, body: bytes, status: int = 200) -> None:
        self.log.finish(entry, status)
        await http.send(status, [("x-amzn-requestid", entry.request_id), ("content-type", "application/json")], body)

    # -- routing -------------------------------------------------------------------------------

    async def _dispatch(self, http: HttpExchange, received: Received) -> None:
        request, body = received.request, received.body
        arrived = time.time()
        started = time.perf_counter()
        target = request.target.decode("latin-1")
        method = request.method.decode("latin-1")
        headers = [(name.decode("latin-1"), _header_text(value)) for name, value in request.headers]
        path = target.partition("?")[0]
        route = _ROUTE.match(path)
        if route is not None:
            operation = _OPERATIONS[route.group(2)]
        elif path.startswith("/_emulator/"):
            operation = "control"
        else:
            operation = "unknown"
        entry = LogEntry(
            method=method,
            path=target,
            headers=headers,
            body=body if operation != "unknown" else body[:KEPT_PREFIX],
            received_at=arrived,
            request_id=str(uuid.uuid4()),
            operation=operation,
            body_size=received.size,
        )
        self.log.record(entry)

        if received.oversize and operation != "unknown":
            # Checked before authentication: the body is gone, and with it what its signature covers.
            limit = self.body_limit(request)
            if operation == "control":
                message = f"Control request bodies are limited to {limit} bytes."
            elif operation == "count_tokens":
                message = (
                    "1 validation error detected: Value at 'input.invokeModel.body' failed to satisfy constraint: "
                    f"Member must have length less than or equal to {_count_tokens.INNER_BODY_LIMIT}"
                )
            else:
                message = (
                    "1 validation error detected: Value at 'body' failed to satisfy constraint: "
                    f"Member must have length less than or equal to {limit}"
                )
            await self.send_error(http, entry, 400, "ValidationException", message)
            return
        if operation == "control":
            await _control.handle(self, http, entry, method, path, body)
            return
        if route is None or method != "POST":
            self.log.truncate(entry)
            await self.send_error(http, entry, 404, "UnknownOperationException", "Unknown operation")
            return

        failure = self.auth.check(method, target, headers, body)
        if failure is not None:
            self.log.truncate(entry)
            self.log.count_signature_failure()
            await self.send_error(http, entry, 403, failure.error_type, failure.message)
            return

        model_id = unquote(route.group(1))
        entry.model_id = model_id
        spec: FaultSpec | None
        header_spec = entry.header("x-emulator-fault")
        if header_spec is not None:
            try:
                spec = parse_fault(header_spec)
            except ValueError as exc:
                await self.send_error(
                    http, entry, 400, "ValidationException", f"Invalid x-emulator-fault header: {exc}"
                )
                return
        else:
            spec = self.faults.take(operation)
        if spec is not None:
            entry.fault = spec.text
            self.log.count_fault()
            if spec.delay_ms:
                await _invoke.sleep_ms(spec.delay_ms)
            if spec.reset:
                http.reset()
            if spec.status is not None:
                await self._send_fault_status(http, entry, spec)
                return

        if not _known_model(model_id):
            await self.send_error(
                http, entry, 404, "ResourceNotFoundException", DEFAULT_MESSAGES["ResourceNotFoundException"]
            )
            return
        if operation == "count_tokens":
            await _count_tokens.respond(self, http, entry, body, cut=spec is not None and spec.cut is not None)
            return
        await _invoke.respond(self, http, entry, operation, model_id, body, spec, started)

    async def _send_fault_status(self, http: HttpExchange, entry: LogEntry, spec: FaultSpec) -> None:
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
        await self.send_error(http, entry, spec.status, error_type, message, extra, cut=spec.cut is not None)


def _header_text(value: bytes) -> str:
    try:
        return value.decode()
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _known_model(model_id: str) -> bool:
    """Anthropic model ids, inference profiles and ARNs are known; anything ``nonexistent`` is not."""
    lowered = model_id.lower()
    if "nonexistent" in lowered or "does-not-exist" in lowered:
        return False
    if "anthropic" in lowered or "claude" in lowered:
        return True
    return lowered.startswith("arn:") and any(
        kind in lowered
        for kind in (":provisioned-model/", ":custom-model/", ":application-inference-profile/", ":imported-model/")
    )
