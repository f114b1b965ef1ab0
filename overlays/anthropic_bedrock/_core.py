"""The sans-IO core both clients drive: settings, request building, response classification and
retry bookkeeping (what differs per operation is in `_operations`). The sync and async clients add only the I/O.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Mapping
from typing import Final
from urllib.parse import quote, urlencode

import attrs
import httpx

from . import _exceptions as errors
from ._constants import (
    DEFAULT_CONNECT_TIMEOUT_SECONDS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT_SECONDS,
)
from ._generated.types import RequestParts
from ._headers import checked_headers
from ._logs import logger
from ._retry import retry_delay
from ._sigv4 import redact_headers
from ._validation import encode_body

DEFAULT_TIMEOUT: Final = httpx.Timeout(DEFAULT_TIMEOUT_SECONDS, connect=DEFAULT_CONNECT_TIMEOUT_SECONDS)


class NotGiven:
    """Marks an argument the caller did not pass (None can be a meaningful value)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

Timeout = float | httpx.Timeout | None


# The longest timeout the socket layer accepts everywhere (about 31 years); None means no limit.
MAX_TIMEOUT_SECONDS: Final = 1e9


def _seconds(name: str, value: object) -> float | None:
    """A timeout phase: None, or a positive, finite number of seconds within MAX_TIMEOUT_SECONDS."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, an httpx.Timeout or None, not {type(value).__name__}")
    # Compared before any float(): an int like 10**400 does not fit in one.
    if not 0 < value <= MAX_TIMEOUT_SECONDS:
        raise ValueError(
            f"{name} must be a positive, finite number of seconds up to {MAX_TIMEOUT_SECONDS:g}"
            f" (None for no limit), got {value!r}"
        )
    return float(value)


def to_timeout(value: Timeout | NotGiven, default: httpx.Timeout, *, name: str = "timeout") -> httpx.Timeout:
    """A number of seconds bounds every phase (connecting at most DEFAULT_CONNECT_TIMEOUT_SECONDS);
    an httpx.Timeout is taken as given once each of its phases is checked; None means no limit."""
    if isinstance(value, NotGiven):
        return default
    if value is None:
        return httpx.Timeout(None)
    if isinstance(value, httpx.Timeout):
        for phase in ("connect", "read", "write", "pool"):
            _seconds(f"{name}.{phase}", getattr(value, phase))
        return value
    seconds = _seconds(name, value)
    assert seconds is not None
    return httpx.Timeout(seconds, connect=min(seconds, DEFAULT_CONNECT_TIMEOUT_SECONDS))


def check_max_retries(value: object, name: str = "max_retries") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def base_url_for(base_url: str | httpx.URL | None, region: str, env: Mapping[str, str] = os.environ) -> str:
    """Argument, then ANTHROPIC_BEDROCK_BASE_URL, then the regional Bedrock Runtime endpoint."""
    if not isinstance(base_url, str | httpx.URL | None):
        raise TypeError(f"base_url must be a string or an httpx.URL, not {type(base_url).__name__}")
    url = str(base_url) if base_url else env.get("ANTHROPIC_BEDROCK_BASE_URL") or ""
    if not url:
        url = f"https://bedrock-runtime.{region}.amazonaws.com"
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"base_url must be an http(s) URL, got {url!r}")
    return url.rstrip("/")


@attrs.frozen(slots=True)
class Settings:
    """Everything a client knows besides its connection pool and credentials."""

    base_url: str
    region: str
    explicit_base_url: bool = False
    """Whether `base_url` was chosen (argument or ANTHROPIC_BEDROCK_BASE_URL) rather than derived
    from the region: only a derived one follows a region change in `with_options`."""
    timeout: httpx.Timeout = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    default_headers: Mapping[str, str] = attrs.field(factory=dict)
    default_query: Mapping[str, object] = attrs.field(factory=dict)


@functools.lru_cache(maxsize=256)
def _parsed_url(url: str) -> httpx.URL:
    # Parsing a URL is a large share of httpx's cost per request, and calls repeat the same few
    # (one per model and operation); URLs are immutable, so one parse serves them all.
    return httpx.URL(url)


def build_request(
    settings: Settings,
    parts: RequestParts,
    *,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, object] | None = None,
    timeout: Timeout | NotGiven = NOT_GIVEN,
) -> httpx.Request:
    """The httpx request for `parts` with the client's and the call's headers, query and timeout."""
    headers = {**parts.headers, **settings.default_headers}
    if extra_headers is not None:
        headers.update(checked_headers("extra_headers", extra_headers))
    query = {**settings.default_query, **(extra_query or {})}
    url = settings.base_url + parts.path
    if query:
        # RFC 3986 percent-encoding (a space is %20, never "+"): the query goes out exactly as SigV4 signs it.
        url += "?" + urlencode({k: v for k, v in query.items() if v is not None}, doseq=True, quote_via=quote)
    content = b"" if parts.json is None else encode_body(parts.json)
    return httpx.Request(
        parts.method,
        _parsed_url(url),
        headers=headers,
        content=content,
        extensions={"timeout": to_timeout(timeout, settings.timeout).as_dict()},
    )


# ---------------------------------------------------------------- responses


def status_error(response: httpx.Response) -> errors.APIStatusError:
    """The typed error for a read error response."""
    return errors.make_status_error(response, response.content)


def connection_error(exc: Exception, request: httpx.Request) -> errors.APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return errors.APITimeoutError(request)
    return errors.APIConnectionError(f"Connection error: {exc}" if str(exc) else "Connection error.", request)


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
