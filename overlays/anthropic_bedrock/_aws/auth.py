"""httpx authentication: SigV4 over the pure signer, or a Bedrock API key as a bearer token.

httpx runs an auth flow on every send, so each retry is signed afresh (new date, same bytes).
The async flow resolves or refreshes credentials in a worker thread when that may do I/O.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import anyio.to_thread
import httpx

from .._constants import SIGNING_NAME
from .credentials import CredentialSource
from .sigv4 import FrozenCredentials, sign


class SigV4Auth(httpx.Auth):
    requires_request_body = True

    def __init__(self, source: CredentialSource, region: str, *, service: str = SIGNING_NAME) -> None:
        self.source = source
        self.region = region
        self.service = service

    def _apply(self, request: httpx.Request, credentials: FrozenCredentials) -> None:
        url = request.url
        request.headers.update(
            sign(
                method=request.method,
                host=request.headers.get("host") or url.netloc.decode("ascii"),
                raw_path=url.raw_path.split(b"?", 1)[0].decode("ascii"),
                raw_query=url.query.decode("ascii"),
                headers=request.headers.items(),
                body=request.content,
                credentials=credentials,
                region=self.region,
                service=self.service,
            )
        )

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self._apply(request, self.source.frozen())
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self.source.needs_io():
            credentials = await anyio.to_thread.run_sync(self.source.frozen)
        else:
            credentials = self.source.frozen()
        self._apply(request, credentials)
        yield request

    def __repr__(self) -> str:
        return f"SigV4Auth(region={self.region!r}, service={self.service!r}, source={self.source!r})"


class BearerAuth(httpx.Auth):
    """A Bedrock API key, sent as `Authorization: Bearer ...` instead of a signature."""

    def __init__(self, api_key: str) -> None:
        self._header = f"Bearer {api_key}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(api_key=***)"
