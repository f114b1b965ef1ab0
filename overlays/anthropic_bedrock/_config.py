"""What a client is configured with: its settings, and the checks and defaults behind them.

`Settings` is everything a client knows besides its connection pool and credentials; the sync and
async clients, their `with_options` copies and every prepared call read it. `NotGiven` marks an
argument the caller left out (None can be a meaningful value).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final

import attrs
import httpx

from ._constants import DEFAULT_CONNECT_TIMEOUT_SECONDS, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_SECONDS

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT_SECONDS",
    "NOT_GIVEN",
    "NotGiven",
    "Settings",
    "Timeout",
    "base_url_for",
    "check_max_retries",
    "control_base_url_for",
    "to_timeout",
]

DEFAULT_TIMEOUT: Final = httpx.Timeout(DEFAULT_TIMEOUT_SECONDS, connect=DEFAULT_CONNECT_TIMEOUT_SECONDS)
# The longest timeout the socket layer accepts everywhere (about 31 years); None means no limit.
MAX_TIMEOUT_SECONDS: Final = 1e9


class NotGiven:
    """Marks an argument the caller did not pass (None can be a meaningful value)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

Timeout = float | httpx.Timeout | None


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


def control_base_url_for(base_url: str | httpx.URL | None, env: Mapping[str, str] = os.environ) -> str | None:
    """The chosen endpoint of Bedrock's control plane (batch jobs): the argument, then
    ANTHROPIC_BEDROCK_CONTROL_BASE_URL; None when neither is set (the region's own is used)."""
    if not isinstance(base_url, str | httpx.URL | None):
        raise TypeError(f"control_base_url must be a string or an httpx.URL, not {type(base_url).__name__}")
    url = str(base_url) if base_url else env.get("ANTHROPIC_BEDROCK_CONTROL_BASE_URL") or ""
    if not url:
        return None
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"control_base_url must be an http(s) URL, got {url!r}")
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
    control_base_url: str | None = None
    """The chosen control-plane endpoint (argument or ANTHROPIC_BEDROCK_CONTROL_BASE_URL), else None."""

    @property
    def control_url(self) -> str:
        """Where control-plane operations (batch jobs) go: the chosen endpoint, else the region's
        `https://bedrock.{region}.amazonaws.com`, which follows a region change."""
        return self.control_base_url or f"https://bedrock.{self.region}.amazonaws.com"
