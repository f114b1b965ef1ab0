"""`AnthropicBedrock` and `AsyncAnthropicBedrock`: the public clients.

Each is the engine (`_base_client`) plus what a user configures: credentials, region, endpoint,
timeouts, retries, default headers; `with_options` copies; and the resources (`completions`,
`messages`), imported on first use. No request logic lives here.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, ClassVar, Self, TypeVar

import httpx

from . import _config as config
from ._aws.auth import BearerAuth, SigV4Auth
from ._aws.credentials import credential_source, resolve_region
from ._base_client import AsyncAPIClient, BaseClient, Pool, SyncAPIClient
from ._config import NOT_GIVEN, NotGiven, Timeout
from ._constants import AI_PROMPT, DEFAULT_MAX_RETRIES, HUMAN_PROMPT
from ._logs import setup_logging
from ._operations.headers import checked_headers

# Completions load with the client (they are light, and an async program then finds them loaded
# before its event loop runs); the Messages API's operations and models load on first use.
from .resources.completions import AsyncCompletions, Completions

if TYPE_CHECKING:
    from .resources.beta import AsyncBeta, Beta
    from .resources.messages import AsyncMessages, Messages
    from .tokenizer import Tokenizer

__all__ = ["AnthropicBedrock", "AsyncAnthropicBedrock", "AsyncClient", "Client"]

_USER_AGENT = "anthropic-bedrock-python/0.9.0"

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


def _check_str(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")


class _Bedrock(BaseClient[HttpT]):
    """What both public clients share: construction, `with_options` and the settings they show."""

    HUMAN_PROMPT = HUMAN_PROMPT
    AI_PROMPT = AI_PROMPT
    _http_type: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]
    _new_http: Callable[[httpx.Timeout], HttpT]

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
        control_base_url: str | httpx.URL | None = None,
    ) -> None:
        """Credentials: explicit keys; else `api_key` / `AWS_BEARER_TOKEN_BEDROCK` (a Bedrock API key);
        else botocore's default chain (environment, shared files, `aws_profile`, SSO, roles,
        container and instance metadata), resolved on first use and cached.

        Region: `aws_region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region, `us-east-1`.
        Endpoint: `base_url`, `ANTHROPIC_BEDROCK_BASE_URL`, the regional Bedrock Runtime URL.
        Batch jobs go to Bedrock's control plane: `control_base_url`,
        `ANTHROPIC_BEDROCK_CONTROL_BASE_URL`, the regional `https://bedrock.{region}.amazonaws.com`.
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
        settings = config.Settings(
            base_url=config.base_url_for(base_url, region),
            region=region,
            explicit_base_url=bool(base_url or os.environ.get("ANTHROPIC_BEDROCK_BASE_URL")),
            timeout=config.to_timeout(timeout, config.DEFAULT_TIMEOUT),
            max_retries=config.check_max_retries(max_retries),
            default_headers={"User-Agent": _USER_AGENT, **headers},
            default_query=dict(default_query or {}),
            control_base_url=config.control_base_url_for(control_base_url),
        )
        explicit_keys = aws_access_key or aws_secret_key or aws_session_token
        api_key = api_key or (None if explicit_keys else os.environ.get("AWS_BEARER_TOKEN_BEDROCK"))
        auth: httpx.Auth
        if api_key:
            auth = BearerAuth(api_key)
        else:
            source = credential_source(aws_access_key, aws_secret_key, aws_session_token, aws_profile)
            auth = SigV4Auth(source, region)
        # The factory is a plain function of the settings, never a bound method: the pool keeps no
        # reference to the client, so a stream that outlives its client keeps only what it reads from.
        pool = Pool(functools.partial(type(self)._new_http, settings.timeout), http_client)
        self._init_engine(settings, auth, pool)

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
            url = s.base_url if explicit or region == s.region else config.base_url_for(None, region)
        else:
            explicit = bool(base_url or os.environ.get("ANTHROPIC_BEDROCK_BASE_URL"))
            url = config.base_url_for(base_url, region)
        settings = config.Settings(
            base_url=url,
            region=region,
            explicit_base_url=explicit,
            timeout=config.to_timeout(timeout, s.timeout),
            max_retries=s.max_retries if isinstance(max_retries, NotGiven) else config.check_max_retries(max_retries),
            default_headers=s.default_headers
            if isinstance(default_headers, NotGiven)
            else {**s.default_headers, **checked_headers("default_headers", default_headers)},
            default_query=s.default_query
            if isinstance(default_query, NotGiven)
            else {**s.default_query, **(default_query or {})},
            control_base_url=s.control_base_url,
        )
        auth = self._auth
        if isinstance(auth, SigV4Auth) and region != auth.region:
            auth = SigV4Auth(auth.source, region, service=auth.service)
        clone = object.__new__(type(self))
        clone._init_engine(settings, auth, self._pool)
        return clone

    copy = with_options

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

    @property
    def default_headers(self) -> dict[str, str]:
        """The headers every request carries (`User-Agent` and those given); credentials are never
        among them: they sign each request on its way out."""
        return dict(self._settings.default_headers)

    @property
    def default_query(self) -> dict[str, object]:
        """The query parameters every request carries."""
        return dict(self._settings.default_query)

    def is_closed(self) -> bool:
        """Whether `close()` was called (on this client or a `with_options` copy sharing its pool)."""
        return self._pool.closed

    def get_tokenizer(self) -> Tokenizer:
        """The legacy Claude tokenizer (loaded on first use)."""
        from .tokenizer import get_tokenizer

        return get_tokenizer()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(region={self.aws_region!r}, base_url={self.base_url!r}, auth={self._auth!r})"


class AnthropicBedrock(_Bedrock[httpx.Client], SyncAPIClient):
    """Synchronous client for Claude on Amazon Bedrock."""

    _http_type = httpx.Client

    @functools.cached_property
    def completions(self) -> Completions:
        """Anthropic text completions (the legacy API of Claude 2 and earlier)."""
        return Completions(self)

    @functools.cached_property
    def messages(self) -> Messages:
        """The Messages API, which every current Claude model speaks."""
        from .resources.messages import Messages

        return Messages(self)

    @functools.cached_property
    def beta(self) -> Beta:
        """The Messages API with beta features: `client.beta.messages.create(..., betas=[...])`."""
        from .resources.beta import Beta

        return Beta(self)

    def count_tokens(self, text: str) -> int:
        """The number of tokens in `text` by the legacy Claude tokenizer (loaded on first use), counted
        locally with no request.

        Exact only for the text-completion models (Claude 2 and Instant). Claude 3 and later use other
        tokenizers: for them call `messages.count_tokens(...)`, which asks Bedrock for the count it
        would bill."""
        from .tokenizer import count_tokens

        return count_tokens(text)


class AsyncAnthropicBedrock(_Bedrock[httpx.AsyncClient], AsyncAPIClient):
    """Asynchronous client for Claude on Amazon Bedrock; the same interface with `await`."""

    _http_type = httpx.AsyncClient

    @functools.cached_property
    def completions(self) -> AsyncCompletions:
        """Anthropic text completions (the legacy API of Claude 2 and earlier)."""
        return AsyncCompletions(self)

    @functools.cached_property
    def messages(self) -> AsyncMessages:
        """The Messages API, which every current Claude model speaks."""
        from .resources.messages import AsyncMessages

        return AsyncMessages(self)

    @functools.cached_property
    def beta(self) -> AsyncBeta:
        """The Messages API with beta features: `await client.beta.messages.create(..., betas=[...])`."""
        from .resources.beta import AsyncBeta

        return AsyncBeta(self)

    async def count_tokens(self, text: str) -> int:
        """The number of tokens in `text` by the legacy Claude tokenizer, counted locally; the first
        call loads the vocabulary in a worker thread, and long texts are counted there too.

        Exact only for the text-completion models (Claude 2 and Instant). Claude 3 and later use other
        tokenizers: for them call `await messages.count_tokens(...)`, which asks Bedrock for the count
        it would bill."""
        from .tokenizer import async_count_tokens

        return await async_count_tokens(text)


Client = AnthropicBedrock
AsyncClient = AsyncAnthropicBedrock
