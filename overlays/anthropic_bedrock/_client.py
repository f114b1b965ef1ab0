"""`AnthropicBedrock` and `AsyncAnthropicBedrock`: thin I/O shells over the sans-IO core.

Both share configuration (`_ClientBase`) and every decision (`_core`); each only sends requests,
sleeps between retries and reads bodies in its own way.
"""

from __future__ import annotations

import contextlib
import functools
import os
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

import anyio
import httpx

from . import _core as core
from ._auth import BearerAuth, SigV4Auth
from ._constants import AI_PROMPT, DEFAULT_MAX_RETRIES, HUMAN_PROMPT, MAX_CONNECTIONS, MAX_KEEPALIVE_CONNECTIONS
from ._core import NOT_GIVEN, NotGiven, Timeout
from ._credentials import credential_source, resolve_region
from ._deadline import bound_body
from ._headers import checked_headers
from ._logs import setup_logging
from ._offloop import prepared
from ._operations import Call, Operation, parse_result, prepare
from ._orphans import Orphans
from ._resources import AsyncCompletions, AsyncMessages, Completions, Messages
from ._response import APIResponse, AsyncAPIResponse
from ._streaming import AsyncStream, ChunkReader, Stream
from ._transport import async_transport

if TYPE_CHECKING:
    from .tokenizer import Tokenizer

__all__ = ["AnthropicBedrock", "AsyncAnthropicBedrock", "AsyncClient", "Client"]

_USER_AGENT = "anthropic-bedrock-python/0.9.0"
_LIMITS = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS)

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


@functools.cache
def _shared_ssl_context() -> ssl.SSLContext:
    # Building a context (loading the CA bundle) costs tens of milliseconds: do it once per process.
    return httpx.create_ssl_context()


class _Pool(Generic[HttpT]):
    """The httpx client behind a client and its `with_options` copies, created on first request
    (so constructing a client costs no TLS set-up), or the one the caller gave."""

    def __init__(self, factory: Callable[[], HttpT], given: HttpT | None) -> None:
        self._factory: Callable[[], HttpT] = factory
        self._client: HttpT | None = given
        self.owned = given is None
        self._lock = threading.Lock()
        self.orphans = Orphans()

    def get(self) -> HttpT:
        client = self._client
        if client is None:
            with self._lock:
                client = self._client
                if client is None:
                    client = self._client = self._factory()
        return client

    @property
    def created(self) -> HttpT | None:
        client: HttpT | None = self._client
        return client

    def __del__(self) -> None:
        # Garbage collection of the last client (or copy) using this pool closes its connections.
        # This takes the dead pool's own lock, which nobody can hold: a thread inside the pool keeps
        # it reachable. An async pool cannot be awaited here; its sockets close when collected.
        client = self._client
        if self.owned and isinstance(client, httpx.Client) and not client.is_closed:
            with contextlib.suppress(Exception):  # at interpreter shutdown nothing sensible is left to do
                client.close()


def _check_str(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")


class _ClientBase(Generic[HttpT]):
    """Settings, credentials and the connection pool; no I/O."""

    HUMAN_PROMPT = HUMAN_PROMPT
    AI_PROMPT = AI_PROMPT
    _http_type: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]

    _settings: core.Settings
    _auth: httpx.Auth
    _pool: _Pool[HttpT]

    def __init__(
        self,
        *,
        aws_secret_key: str | None = None,
        aws_access_key: str | None = None,
        aws_region: str | None = None,
        aws_profile: str | None = None,
        aws_session_token: str | None = None,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: HttpT | None = None,
    ) -> None:
        """Credentials: explicit keys; else `api_key` / `AWS_BEARER_TOKEN_BEDROCK` (a Bedrock API key);
        else botocore's default chain (environment, shared files, `aws_profile`, SSO, roles,
        container and instance metadata), resolved on first use and cached.

        Region: `aws_region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region, `us-east-1`.
        Endpoint: `base_url`, `ANTHROPIC_BEDROCK_BASE_URL`, the regional Bedrock Runtime URL.
        """
        for name, value in (
            ("aws_secret_key", aws_secret_key),
            ("aws_access_key", aws_access_key),
            ("aws_region", aws_region),
            ("aws_profile", aws_profile),
            ("aws_session_token", aws_session_token),
            ("api_key", api_key),
        ):
            _check_str(name, value)
        headers = checked_headers("default_headers", default_headers)
        if default_query is not None and not isinstance(default_query, Mapping):
            raise TypeError(f"default_query must be a mapping, not {type(default_query).__name__}")
        if http_client is not None and not isinstance(http_client, self._http_type):
            raise TypeError(f"http_client must be an {self._http_type.__qualname__}, not {type(http_client).__name__}")
        setup_logging()
        region = resolve_region(aws_region, aws_profile)
        self._settings = core.Settings(
            base_url=core.base_url_for(base_url, region),
            region=region,
            explicit_base_url=bool(base_url or os.environ.get("ANTHROPIC_BEDROCK_BASE_URL")),
            timeout=core.to_timeout(timeout, core.DEFAULT_TIMEOUT),
            max_retries=core.check_max_retries(max_retries),
            default_headers={"User-Agent": _USER_AGENT, **headers},
            default_query=dict(default_query or {}),
        )
        explicit_keys = aws_access_key or aws_secret_key or aws_session_token
        api_key = api_key or (None if explicit_keys else os.environ.get("AWS_BEARER_TOKEN_BEDROCK"))
        if api_key:
            self._auth = BearerAuth(api_key)
        else:
            source = credential_source(aws_access_key, aws_secret_key, aws_session_token, aws_profile)
            self._auth = SigV4Auth(source, region)
        self._pool = _Pool(self._new_http, http_client)
        self._attach()

    def _new_http(self) -> HttpT:
        raise NotImplementedError

    def _attach(self) -> None:
        """Create the resource objects (`completions`) bound to this client."""
        raise NotImplementedError

    def with_options(
        self,
        *,
        aws_region: str | NotGiven | None = NOT_GIVEN,
        base_url: str | httpx.URL | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        default_query: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
    ) -> Self:
        """A new client with some settings changed; it shares this one's connections and credentials."""
        s = self._settings
        region = s.region if isinstance(aws_region, NotGiven) or aws_region is None else aws_region
        _check_str("aws_region", region)
        if isinstance(base_url, NotGiven):
            # A chosen endpoint (VPC endpoint, proxy, emulator) stays; only the derived one follows the region.
            explicit = s.explicit_base_url
            url = s.base_url if explicit or region == s.region else core.base_url_for(None, region)
        else:
            explicit = bool(base_url or os.environ.get("ANTHROPIC_BEDROCK_BASE_URL"))
            url = core.base_url_for(base_url, region)
        clone = object.__new__(type(self))
        clone._settings = core.Settings(
            base_url=url,
            region=region,
            explicit_base_url=explicit,
            timeout=core.to_timeout(timeout, s.timeout),
            max_retries=s.max_retries if isinstance(max_retries, NotGiven) else core.check_max_retries(max_retries),
            default_headers=s.default_headers
            if isinstance(default_headers, NotGiven)
            else {**s.default_headers, **checked_headers("default_headers", default_headers)},
            default_query=s.default_query
            if isinstance(default_query, NotGiven)
            else {**s.default_query, **(default_query or {})},
        )
        auth = self._auth
        if isinstance(auth, SigV4Auth) and region != auth.region:
            auth = SigV4Auth(auth.source, region)
        clone._auth = auth
        clone._pool = self._pool
        clone._attach()
        return clone

    copy = with_options

    @property
    def _http(self) -> HttpT:
        return self._pool.get()

    @property
    def aws_region(self) -> str:
        return self._settings.region

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        return self._settings.timeout

    @property
    def max_retries(self) -> int:
        return self._settings.max_retries

    def get_tokenizer(self) -> Tokenizer:
        """The legacy Claude tokenizer (loaded on first use)."""
        from .tokenizer import get_tokenizer

        return get_tokenizer()

    def _prepare(
        self, operation: Operation[Any, Any], params: Mapping[str, Any], *, stream: bool | None = None
    ) -> Call[Any, Any]:
        """The checked call; raises TypeError or ValueError naming a bad argument, nothing sent."""
        return prepare(self._settings, operation, params, stream=stream)

    @staticmethod
    def _reader(call: Call[Any, Any], response: httpx.Response) -> ChunkReader[Any]:
        operation = call.operation
        assert operation.event is not None and operation.accumulator is not None
        return ChunkReader(response, operation.event, operation.accumulator())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(region={self.aws_region!r}, base_url={self.base_url!r}, auth={self._auth!r})"


# ----------------------------------------------------------------------------- sync


class AnthropicBedrock(_ClientBase[httpx.Client]):
    """Synchronous client for Claude on Amazon Bedrock."""

    _http_type = httpx.Client
    completions: Completions
    messages: Messages

    def _new_http(self) -> httpx.Client:
        return httpx.Client(limits=_LIMITS, timeout=self._settings.timeout, verify=_shared_ssl_context())

    def _attach(self) -> None:
        self.completions = Completions(self)
        self.messages = Messages(self)

    def _call(self, call: Call[Any, Any]) -> APIResponse[Any]:
        """Send a prepared call; the raw response's `parse()` gives the answer or the stream."""
        response = self._send(call.request, max_retries=call.max_retries, stream=call.stream)

        def parse() -> Any:
            return Stream(response, self._reader(call, response)) if call.stream else parse_result(call, response)

        return APIResponse(response, parse, open_body=call.stream)

    def count_tokens(self, text: str) -> int:
        """The number of tokens in `text` by the legacy Claude tokenizer (loaded on first use), counted
        locally with no request.

        Exact only for the text-completion models (Claude 2 and Instant). Claude 3 and later use other
        tokenizers: for them call `messages.count_tokens(...)`, which asks Bedrock for the count it
        would bill."""
        from .tokenizer import count_tokens

        return count_tokens(text)

    def _send(self, request: httpx.Request, *, max_retries: int, stream: bool) -> httpx.Response:
        orphans = self._pool.orphans
        if orphans:
            orphans.close_all()  # connections of streams dropped unclosed go back to the pool first
        attempts = core.Attempts(max_retries)
        while True:
            attempts.log_send(request)
            started = time.monotonic()
            try:
                response = self._http.send(request, auth=self._auth, stream=True)
            except httpx.TransportError as exc:
                time.sleep(attempts.after_error(exc, request))
                continue
            delay = attempts.after_response(response)
            if delay is None:
                break
            response.close()
            time.sleep(delay)
        if response.status_code >= 400 or not stream:
            bound_body(response, started)
            try:
                response.read()
            except httpx.TransportError as exc:
                raise core.connection_error(exc, request) from exc
            finally:
                response.close()
            if response.status_code >= 400:
                raise core.status_error(response)
        else:
            orphans.attach(response)
        return response

    def close(self) -> None:
        """Close the connection pool (unless it belongs to an `http_client` you passed in)."""
        self._pool.orphans.close_all()
        http = self._pool.created
        if self._pool.owned and http is not None:
            http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


# ---------------------------------------------------------------------------- async


class AsyncAnthropicBedrock(_ClientBase[httpx.AsyncClient]):
    """Asynchronous client for Claude on Amazon Bedrock; the same interface with `await`."""

    _http_type = httpx.AsyncClient
    completions: AsyncCompletions
    messages: AsyncMessages

    def _new_http(self) -> httpx.AsyncClient:
        transport = async_transport(_LIMITS, _shared_ssl_context())
        if transport is not None:
            return httpx.AsyncClient(transport=transport, timeout=self._settings.timeout)
        return httpx.AsyncClient(limits=_LIMITS, timeout=self._settings.timeout, verify=_shared_ssl_context())

    def _attach(self) -> None:
        self.completions = AsyncCompletions(self)
        self.messages = AsyncMessages(self)

    async def _call(self, call: Call[Any, Any]) -> AsyncAPIResponse[Any]:
        """Send a prepared call; the raw response's `await parse()` gives the answer or the stream."""
        response = await self._send(call.request, max_retries=call.max_retries, stream=call.stream)

        async def parse() -> Any:
            return AsyncStream(response, self._reader(call, response)) if call.stream else parse_result(call, response)

        return AsyncAPIResponse(response, parse, open_body=call.stream)

    async def count_tokens(self, text: str) -> int:
        """The number of tokens in `text` by the legacy Claude tokenizer, counted locally; the first
        call loads the vocabulary in a worker thread, and long texts are counted there too.

        Exact only for the text-completion models (Claude 2 and Instant). Claude 3 and later use other
        tokenizers: for them call `await messages.count_tokens(...)`, which asks Bedrock for the count
        it would bill."""
        from .tokenizer import async_count_tokens

        return await async_count_tokens(text)

    async def _send(self, request: httpx.Request, *, max_retries: int, stream: bool) -> httpx.Response:
        if self._pool.created is None:
            await prepared(self._pool.get)  # the CA bundle and lazy imports load in a worker thread
        orphans = self._pool.orphans
        if orphans:
            await orphans.aclose_all()  # connections of streams dropped unclosed go back to the pool first
        attempts = core.Attempts(max_retries)
        while True:
            attempts.log_send(request)
            started = time.monotonic()
            try:
                response = await self._http.send(request, auth=self._auth, stream=True)
            except httpx.TransportError as exc:
                await anyio.sleep(attempts.after_error(exc, request))
                continue
            delay = attempts.after_response(response)
            if delay is None:
                break
            await response.aclose()
            await anyio.sleep(delay)
        if response.status_code >= 400 or not stream:
            bound_body(response, started)
            try:
                await response.aread()
            except httpx.TransportError as exc:
                raise core.connection_error(exc, request) from exc
            finally:
                await response.aclose()
            if response.status_code >= 400:
                raise core.status_error(response)
        else:
            orphans.attach(response)
        return response

    async def close(self) -> None:
        """Close the connection pool (unless it belongs to an `http_client` you passed in)."""
        await self._pool.orphans.aclose_all()
        http = self._pool.created
        if self._pool.owned and http is not None:
            await http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


Client = AnthropicBedrock
AsyncClient = AsyncAnthropicBedrock
