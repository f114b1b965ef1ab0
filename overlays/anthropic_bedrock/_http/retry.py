"""The retry policy, as a pure function of the attempt and what came back, and the bookkeeping of
one call's attempts that both clients drive (`Attempts`: the policy plus its log lines).

Retried: connection errors and timeouts, 408, 409, 429 and every 5xx, unless the server says
`x-should-retry: false`; `x-should-retry: true` forces a retry. The delay is exponential backoff
with jitter, unless the server gives `retry-after-ms` or `Retry-After` (seconds or an HTTP date)
within a sane cap, and never less than a tenth of a second.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

import httpx

from .._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY
from .._exceptions import connection_error
from .._logs import logger, redact_headers

RETRYABLE_STATUSES = frozenset({408, 409, 429})
# The shortest wait between attempts, whatever `Retry-After` says.
MIN_RETRY_DELAY = 0.1


def should_retry_status(status_code: int, headers: Mapping[str, str]) -> bool:
    """Whether an error response is worth another attempt."""
    hint = headers.get("x-should-retry")
    if hint == "true":
        return True
    if hint == "false":
        return False
    return status_code in RETRYABLE_STATUSES or status_code >= 500


def retry_after_seconds(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """The server's requested wait, if it gave a usable one."""
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return float(value) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when.timestamp() - now()


def backoff_seconds(retries_done: int, jitter: float) -> float:
    """Exponential backoff: 0.5 s, 1 s, 2 s, ... capped, reduced by up to 25 % of jitter (`jitter` in [0, 1))."""
    delay = min(INITIAL_RETRY_DELAY * (2.0**retries_done), MAX_RETRY_DELAY)
    return delay * (1.0 - 0.25 * jitter)


def retry_delay(
    retries_done: int,
    max_retries: int,
    *,
    status_code: int | None = None,
    headers: Mapping[str, str] | None = None,
    jitter: float | None = None,
    now: Callable[[], float] = time.time,
) -> float | None:
    """Seconds to wait before the next attempt, or None to stop.

    `status_code` None means the attempt failed without a response (connection error or timeout).
    """
    if retries_done >= max_retries:
        return None
    headers = headers or {}
    if status_code is not None and not should_retry_status(status_code, headers):
        return None
    hinted = retry_after_seconds(headers, now) if headers else None
    if hinted is not None and 0 <= hinted <= MAX_RETRY_AFTER:
        # "Retry now" from a struggling server is no reason to hammer it: keep a small pause.
        return max(hinted, MIN_RETRY_DELAY)
    return backoff_seconds(retries_done, random.random() if jitter is None else jitter)


class Attempts:
    """Retry bookkeeping for one call: what to do after each attempt, and the log lines."""

    __slots__ = ("done", "max_retries", "started")

    def __init__(self, max_retries: int) -> None:
        self.max_retries = max_retries
        self.done = 0
        self.started = time.monotonic()

    def log_send(self, request: httpx.Request) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "request %s %s attempt=%d headers=%s",
                request.method,
                request.url,
                self.done + 1,
                redact_headers(request.headers),
            )

    def after_error(self, exc: Exception, request: httpx.Request) -> float:
        """The wait before retrying after a transport error; raises the SDK error when out of tries."""
        delay = retry_delay(self.done, self.max_retries)
        if delay is None:
            logger.debug("%s %s failed (%s); not retrying", request.method, request.url, type(exc).__name__)
            raise connection_error(exc, request) from exc
        logger.info(
            "%s %s failed (%s); retry %d/%d in %.2fs",
            request.method,
            request.url,
            type(exc).__name__,
            self.done + 1,
            self.max_retries,
            delay,
        )
        self.done += 1
        return delay

    def after_response(self, response: httpx.Response) -> float | None:
        """None when the response is to be kept (success, or an error not worth retrying);
        otherwise the wait before the next attempt."""
        request = response.request
        status = response.status_code
        elapsed = time.monotonic() - self.started
        if status < 400:
            logger.info("%s %s -> %d in %.3fs", request.method, request.url, status, elapsed)
            return None
        delay = retry_delay(self.done, self.max_retries, status_code=status, headers=response.headers)
        if delay is None:
            logger.info("%s %s -> %d in %.3fs; not retrying", request.method, request.url, status, elapsed)
            return None
        logger.info(
            "%s %s -> %d; retry %d/%d in %.2fs",
            request.method,
            request.url,
            status,
            self.done + 1,
            self.max_retries,
            delay,
        )
        self.done += 1
        return delay
