"""Which connection pool the async client uses: aiohttp's when it is installed, else httpx's.

`ANTHROPIC_BEDROCK_ASYNC_TRANSPORT=httpx` keeps httpx's pool although aiohttp is installed;
`=aiohttp` makes a missing aiohttp an error instead of a silent fallback. Either way the proxy
variables are honoured exactly as httpx honours them (`proxy_mounts`).
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


def proxy_mounts(limits: httpx.Limits, ssl_context: ssl.SSLContext) -> dict[str, httpx.AsyncBaseTransport | None]:
    """The proxies the environment names (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, in
    either case), as httpx's own client mounts them, for the aiohttp transport: read by httpx's own
    function, and routed by httpx's URL patterns. None (a `NO_PROXY` host) sends directly; a proxy
    aiohttp cannot speak (SOCKS) gets httpx's transport, which speaks what httpx speaks."""
    from httpx._utils import get_environment_proxies  # httpx's reading of the variables, to match it exactly

    from .aiohttp import AiohttpTransport

    mounts: dict[str, httpx.AsyncBaseTransport | None] = {}
    for pattern, url in get_environment_proxies().items():
        if url is None:
            mounts[pattern] = None
        elif httpx.URL(url).scheme in ("http", "https"):
            mounts[pattern] = AiohttpTransport(limits=limits, ssl_context=ssl_context, proxy=url)
        else:
            mounts[pattern] = httpx.AsyncHTTPTransport(limits=limits, verify=ssl_context, proxy=url)
    return mounts
