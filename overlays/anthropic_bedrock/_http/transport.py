"""Which connection pool the async client uses: aiohttp's when it is installed, else httpx's.

`ANTHROPIC_BEDROCK_ASYNC_TRANSPORT=httpx` keeps httpx's pool although aiohttp is installed;
`=aiohttp` makes a missing aiohttp an error instead of a silent fallback.
"""

from __future__ import annotations

import os
import ssl

import httpx

ENV = "ANTHROPIC_BEDROCK_ASYNC_TRANSPORT"


def async_transport(limits: httpx.Limits, ssl_context: ssl.SSLContext) -> httpx.AsyncBaseTransport | None:
    """The aiohttp transport, or None for httpx's own pool."""
    choice = os.environ.get(ENV, "").strip().lower()
    if choice not in ("", "aiohttp", "httpx"):
        raise ValueError(f"{ENV} must be 'aiohttp' or 'httpx', got {choice!r}")
    if choice == "httpx":
        return None
    try:
        from .aiohttp import AiohttpTransport
    except ImportError as exc:
        if choice == "aiohttp":
            raise ImportError(
                f"{ENV}=aiohttp needs aiohttp (a dependency of anthropic-bedrock): pip install aiohttp"
            ) from exc
        return None
    return AiohttpTransport(limits=limits, ssl_context=ssl_context)
