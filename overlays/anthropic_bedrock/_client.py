"""`AnthropicBedrock` and `AsyncAnthropicBedrock`: thin I/O shells over the sans-IO core.

Both share configuration (`_ClientBase`) and every decision (`_core`); each only sends requests,
sleeps between retries and reads bodies in its own way.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self, overload

import anyio
import httpx

from . import _core as core
from ._auth import BearerAuth, SigV4Auth
from ._constants import AI_PROMPT, DEFAULT_MAX_RETRIES, HUMAN_PROMPT, MAX_CONNECTIONS, MAX_KEEPALIVE_CONNECTIONS
from ._core import NOT_GIVEN, NotGiven, Timeout
from ._credentials import credential_source, resolve_region
from ._logs import setup_logging
from ._response import APIResponse, AsyncAPIResponse
from ._streaming import AsyncStream, Stream
from .types import Completion

if TYPE_CHECKING:
    from .tokenizer import Tokenizer

__all__ = ["AnthropicBedrock", "AsyncAnthropicBedrock", "AsyncClient", "Client"]


_USER_AGENT = "anthropic-bedrock-python/0.9.0"


def _check_str(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")


class _ClientBase:
    HUMAN_PROMPT = HUMAN_PROMPT
    AI_PROMPT = AI_PROMPT

    _settings: core.Settings
    _auth: httpx.Auth
    _owns_http: bool

    def _configure(
        self,
        *,
        aws_secret_key: str | None,
        aws_access_key: str | None,
        aws_region: str | None,
        aws_profile: str | None,
        aws_session_token: str | None,
        api_key: str | None,
        base_url: str | httpx.URL | None,
        timeout: Timeout | NotGiven,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        default_query: Mapping[str, object] | None,
    ) -> None:
        for name, value in (
            ("aws_secret_key", aws_secret_key),
            ("aws_access_key", aws_access_key),
            ("aws_region", aws_region),
            ("aws_profile", aws_profile),
            ("aws_session_token", aws_session_token),
            ("api_key", api_key),
        ):
            _check_str(name, value)
        setup_logging()
        region = resolve_region(aws_region, aws_profile)
        self._settings = core.Settings(
            base_url=core.base_url_for(base_url, region),
            region=region,
            timeout=core.to_timeout(timeout, core.DEFAULT_TIMEOUT),
            max_retries=core.check_max_retries(max_retries),
            default_headers={"User-Agent": _USER_AGENT, **(default_headers or {})},
            default_query=dict(default_query or {}),
        )
        explicit_keys = aws_access_key or aws_secret_key or aws_session_token
        api_key = api_key or (None if explicit_keys else os.environ.get("AWS_BEARER_TOKEN_BEDROCK"))
        if api_key:
            self._auth = BearerAuth(api_key)
        else:
            self._auth = SigV4Auth(
                credential_source(aws_access_key, aws_secret_key, aws_session_token, aws_profile), region
            )

    def _derive(
        self,
        clone: _ClientBase,
        *,
        aws_region: str | NotGiven | None,
        base_url: str | httpx.URL | NotGiven | None,
        timeout: Timeout | NotGiven,
        max_retries: int | NotGiven,
        default_headers: Mapping[str, str] | NotGiven | None,
        default_query: Mapping[str, object] | NotGiven | None,
    ) -> None:
        """Fill `clone` with this client's settings changed as asked, sharing pool and credentials."""
        s = self._settings
        region = s.region if isinstance(aws_region, NotGiven) or aws_region is None else aws_region
        _check_str("aws_region", region)
        if isinstance(base_url, NotGiven):
            url = s.base_url if region == s.region else core.base_url_for(None, region)
        else:
            url = core.base_url_for(base_url, region)
        clone._settings = core.Settings(
            base_url=url,
            region=region,
            timeout=core.to_timeout(timeout, s.timeout),
            max_retries=s.max_retries if isinstance(max_retries, NotGiven) else core.check_max_retries(max_retries),
            default_headers={**s.default_headers, **(default_headers or {})}
            if not isinstance(default_headers, NotGiven)
            else s.default_headers,
            default_query={**s.default_query, **(default_query or {})}
            if not isinstance(default_query, NotGiven)
            else s.default_query,
        )
        auth = self._auth
        if isinstance(auth, SigV4Auth) and region != auth.region:
            auth = SigV4Auth(auth.source, region)
        clone._auth = auth
        clone._owns_http = False

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

    def _build(
        self,
        params: dict[str, Any],
        *,
        stream: bool,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, object] | None,
        extra_body: Mapping[str, object] | None,
        timeout: Timeout | NotGiven,
    ) -> httpx.Request:
        if not isinstance(stream, bool):
            raise TypeError(f"stream must be a bool, not {type(stream).__name__}")
        model, body = core.completion_body(**params, extra_body=extra_body)
        return core.build_request(
            self._settings,
            core.request_parts(model, body, stream=stream),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def _retries(self, max_retries: int | NotGiven) -> int:
        if isinstance(max_retries, NotGiven):
            return self._settings.max_retries
        return core.check_max_retries(max_retries)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(region={self.aws_region!r}, base_url={self.base_url!r}, auth={self._auth!r})"


# ----------------------------------------------------------------------------- sync


class AnthropicBedrock(_ClientBase):
    """Synchronous client for Claude on Amazon Bedrock.

    Credentials: explicit keys, else `api_key` / `AWS_BEARER_TOKEN_BEDROCK`, else botocore's
    default chain (environment, shared files, `aws_profile`, SSO, roles, instance metadata).
    """

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
        http_client: httpx.Client | None = None,
    ) -> None:
        self._configure(
            aws_secret_key=aws_secret_key,
            aws_access_key=aws_access_key,
            aws_region=aws_region,
            aws_profile=aws_profile,
            aws_session_token=aws_session_token,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(f"http_client must be an httpx.Client, not {type(http_client).__name__}")
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS),
            timeout=self._settings.timeout,
        )
        self.completions = Completions(self)

    def with_options(
        self,
        *,
        aws_region: str | NotGiven | None = NOT_GIVEN,
        base_url: str | httpx.URL | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        default_query: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
    ) -> AnthropicBedrock:
        """A new client with some settings changed; it shares this one's connections and credentials."""
        clone = object.__new__(AnthropicBedrock)
        self._derive(
            clone,
            aws_region=aws_region,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
        )
        clone._http = self._http
        clone.completions = Completions(clone)
        return clone

    copy = with_options

    def count_tokens(self, text: str) -> int:
        """The number of tokens in `text` by the legacy Claude tokenizer (loaded on first use)."""
        from .tokenizer import count_tokens

        return count_tokens(text)

    def get_tokenizer(self) -> Tokenizer:
        """The legacy Claude tokenizer (loaded on first use)."""
        from .tokenizer import get_tokenizer

        return get_tokenizer()

    def _send(self, request: httpx.Request, *, max_retries: int, stream: bool) -> httpx.Response:
        attempts = core.Attempts(max_retries)
        while True:
            attempts.log_send(request)
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
            try:
                response.read()
            except httpx.TransportError as exc:
                raise core.connection_error(exc, request) from exc
            finally:
                response.close()
            if response.status_code >= 400:
                raise core.status_error(response)
        return response

    def close(self) -> None:
        """Close the connection pool (unless it belongs to an `http_client` you passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if getattr(self, "_owns_http", False) and not self._http.is_closed:
                self._http.close()
        except Exception:  # interpreter shutdown: nothing sensible to do
            pass


class Completions:
    """`client.completions`: Anthropic text completions through Bedrock's invoke operations."""

    def __init__(self, client: AnthropicBedrock) -> None:
        self._client = client
        self.with_raw_response = CompletionsWithRawResponse(self)

    @overload
    def create(
        self,
        *,
        model: str,
        prompt: str,
        max_tokens_to_sample: int,
        stop_sequences: list[str] | NotGiven | None = ...,
        temperature: float | NotGiven | None = ...,
        top_p: float | NotGiven | None = ...,
        top_k: int | NotGiven | None = ...,
        metadata: Mapping[str, object] | NotGiven | None = ...,
        stream: Literal[False] = ...,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        timeout: Timeout | NotGiven = ...,
        max_retries: int | NotGiven = ...,
    ) -> Completion: ...

    @overload
    def create(
        self,
        *,
        model: str,
        prompt: str,
        max_tokens_to_sample: int,
        stop_sequences: list[str] | NotGiven | None = ...,
        temperature: float | NotGiven | None = ...,
        top_p: float | NotGiven | None = ...,
        top_k: int | NotGiven | None = ...,
        metadata: Mapping[str, object] | NotGiven | None = ...,
        stream: Literal[True],
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        timeout: Timeout | NotGiven = ...,
        max_retries: int | NotGiven = ...,
    ) -> Stream: ...

    @overload
    def create(
        self,
        *,
        model: str,
        prompt: str,
        max_tokens_to_sample: int,
        stop_sequences: list[str] | NotGiven | None = ...,
        temperature: float | NotGiven | None = ...,
        top_p: float | NotGiven | None = ...,
        top_k: int | NotGiven | None = ...,
        metadata: Mapping[str, object] | NotGiven | None = ...,
        stream: bool,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        timeout: Timeout | NotGiven = ...,
        max_retries: int | NotGiven = ...,
    ) -> Completion | Stream: ...

    def create(
        self,
        *,
        model: str | NotGiven = NOT_GIVEN,
        prompt: str | NotGiven = NOT_GIVEN,
        max_tokens_to_sample: int | NotGiven = NOT_GIVEN,
        stop_sequences: list[str] | NotGiven | None = NOT_GIVEN,
        temperature: float | NotGiven | None = NOT_GIVEN,
        top_p: float | NotGiven | None = NOT_GIVEN,
        top_k: int | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        stream: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Completion | Stream:
        """Create a completion of `prompt` with `model`; with `stream=True`, a `Stream` of chunks."""
        return self.with_raw_response.create(
            model=model,
            prompt=prompt,
            max_tokens_to_sample=max_tokens_to_sample,
            stop_sequences=stop_sequences,
            temperature=temperature,
            top_p=top_p,
            top_k=top_k,
            metadata=metadata,
            stream=stream,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        ).parse()


class CompletionsWithRawResponse:
    """`client.completions.with_raw_response`: the same calls, returning an `APIResponse`."""

    def __init__(self, completions: Completions) -> None:
        self._client = completions._client

    def create(
        self,
        *,
        stream: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        **params: Any,
    ) -> APIResponse[Completion | Stream]:
        """Like `completions.create`, but returns the raw response; `.parse()` gives the result."""
        client = self._client
        request = client._build(
            params,
            stream=stream,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        response = client._send(request, max_retries=client._retries(max_retries), stream=stream)

        def parse() -> Completion | Stream:
            return Stream(response) if stream else core.parse_completion(response)

        return APIResponse(response, parse)


# ---------------------------------------------------------------------------- async


class AsyncAnthropicBedrock(_ClientBase):
    """Asynchronous client for Claude on Amazon Bedrock; the same interface with `await`."""

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
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._configure(
            aws_secret_key=aws_secret_key,
            aws_access_key=aws_access_key,
            aws_region=aws_region,
            aws_profile=aws_profile,
            aws_session_token=aws_session_token,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(f"http_client must be an httpx.AsyncClient, not {type(http_client).__name__}")
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS),
            timeout=self._settings.timeout,
        )
        self.completions = AsyncCompletions(self)

    def with_options(
        self,
        *,
        aws_region: str | NotGiven | None = NOT_GIVEN,
        base_url: str | httpx.URL | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        default_query: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
    ) -> AsyncAnthropicBedrock:
        """A new client with some settings changed; it shares this one's connections and credentials."""
        clone = object.__new__(AsyncAnthropicBedrock)
        self._derive(
            clone,
            aws_region=aws_region,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
        )
        clone._http = self._http
        clone.completions = AsyncCompletions(clone)
        return clone

    copy = with_options

    async def count_tokens(self, text: str) -> int:
        """The number of tokens in `text`; the first call loads the vocabulary in a worker thread."""
        from .tokenizer import async_count_tokens

        return await async_count_tokens(text)

    def get_tokenizer(self) -> Tokenizer:
        """The legacy Claude tokenizer (loaded on first use)."""
        from .tokenizer import get_tokenizer

        return get_tokenizer()

    async def _send(self, request: httpx.Request, *, max_retries: int, stream: bool) -> httpx.Response:
        attempts = core.Attempts(max_retries)
        while True:
            attempts.log_send(request)
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
            try:
                await response.aread()
            except httpx.TransportError as exc:
                raise core.connection_error(exc, request) from exc
            finally:
                await response.aclose()
            if response.status_code >= 400:
                raise core.status_error(response)
        return response

    async def close(self) -> None:
        """Close the connection pool (unless it belongs to an `http_client` you passed in)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


class AsyncCompletions:
    """`client.completions` of the async client."""

    def __init__(self, client: AsyncAnthropicBedrock) -> None:
        self._client = client
        self.with_raw_response = AsyncCompletionsWithRawResponse(self)

    @overload
    async def create(
        self,
        *,
        model: str,
        prompt: str,
        max_tokens_to_sample: int,
        stop_sequences: list[str] | NotGiven | None = ...,
        temperature: float | NotGiven | None = ...,
        top_p: float | NotGiven | None = ...,
        top_k: int | NotGiven | None = ...,
        metadata: Mapping[str, object] | NotGiven | None = ...,
        stream: Literal[False] = ...,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        timeout: Timeout | NotGiven = ...,
        max_retries: int | NotGiven = ...,
    ) -> Completion: ...

    @overload
    async def create(
        self,
        *,
        model: str,
        prompt: str,
        max_tokens_to_sample: int,
        stop_sequences: list[str] | NotGiven | None = ...,
        temperature: float | NotGiven | None = ...,
        top_p: float | NotGiven | None = ...,
        top_k: int | NotGiven | None = ...,
        metadata: Mapping[str, object] | NotGiven | None = ...,
        stream: Literal[True],
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        timeout: Timeout | NotGiven = ...,
        max_retries: int | NotGiven = ...,
    ) -> AsyncStream: ...

    @overload
    async def create(
        self,
        *,
        model: str,
        prompt: str,
        max_tokens_to_sample: int,
        stop_sequences: list[str] | NotGiven | None = ...,
        temperature: float | NotGiven | None = ...,
        top_p: float | NotGiven | None = ...,
        top_k: int | NotGiven | None = ...,
        metadata: Mapping[str, object] | NotGiven | None = ...,
        stream: bool,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        timeout: Timeout | NotGiven = ...,
        max_retries: int | NotGiven = ...,
    ) -> Completion | AsyncStream: ...

    async def create(
        self,
        *,
        model: str | NotGiven = NOT_GIVEN,
        prompt: str | NotGiven = NOT_GIVEN,
        max_tokens_to_sample: int | NotGiven = NOT_GIVEN,
        stop_sequences: list[str] | NotGiven | None = NOT_GIVEN,
        temperature: float | NotGiven | None = NOT_GIVEN,
        top_p: float | NotGiven | None = NOT_GIVEN,
        top_k: int | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        stream: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Completion | AsyncStream:
        """Create a completion of `prompt` with `model`; with `stream=True`, an `AsyncStream` of chunks."""
        raw = await self.with_raw_response.create(
            model=model,
            prompt=prompt,
            max_tokens_to_sample=max_tokens_to_sample,
            stop_sequences=stop_sequences,
            temperature=temperature,
            top_p=top_p,
            top_k=top_k,
            metadata=metadata,
            stream=stream,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        result: Completion | AsyncStream = await raw.parse()
        return result


class AsyncCompletionsWithRawResponse:
    """`client.completions.with_raw_response` of the async client."""

    def __init__(self, completions: AsyncCompletions) -> None:
        self._client = completions._client

    async def create(
        self,
        *,
        stream: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        **params: Any,
    ) -> AsyncAPIResponse[Completion | AsyncStream]:
        """Like `completions.create`, but returns the raw response; `await .parse()` gives the result."""
        client = self._client
        request = client._build(
            params,
            stream=stream,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        response = await client._send(request, max_retries=client._retries(max_retries), stream=stream)

        async def parse() -> Completion | AsyncStream:
            return AsyncStream(response) if stream else core.parse_completion(response)

        return AsyncAPIResponse(response, parse)


Client = AnthropicBedrock
AsyncClient = AsyncAnthropicBedrock
