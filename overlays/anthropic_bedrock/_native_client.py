"""The clients for Anthropic's own Messages wire format on Bedrock: `AnthropicBedrockMantle` (the
bedrock-mantle host, as `anthropic`'s class of that name) and `AnthropicBedrockNative` (the same
wire format under bedrock-runtime's `/anthropic` path), each sync and async.

They are the same engine as `AnthropicBedrock`, with the same resources (`messages`: `create`,
`stream`, `count_tokens`, `with_raw_response`), checks, retries, timeouts, errors and stream
helpers. What differs is configuration: the base URL (ending in `/anthropic`), the SigV4 signing
name, the credential order of `anthropic`'s Mantle client, and each Messages operation swapped for
its native form (`_operations.native`) as it is prepared. No request logic lives here.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, Self, TypeVar

import httpx

from . import _config as config
from ._aws.auth import BearerAuth, SigV4Auth
from ._aws.credentials import credential_source, resolve_region
from ._base_client import AsyncAPIClient, BaseClient, Pool, SyncAPIClient
from ._client import _USER_AGENT, _check_str
from ._config import NOT_GIVEN, NotGiven, Timeout
from ._constants import DEFAULT_MAX_RETRIES, MANTLE_SIGNING_NAME, SIGNING_NAME
from ._logs import setup_logging
from ._operations.headers import checked_headers

if TYPE_CHECKING:
    from ._operations.base import Call, Operation
    from .resources.messages import AsyncMessages, Messages

__all__ = [
    "AnthropicBedrockMantle",
    "AnthropicBedrockNative",
    "AsyncAnthropicBedrockMantle",
    "AsyncAnthropicBedrockNative",
]

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)

# Bedrock API keys, in the order `anthropic`'s Mantle client reads them.
API_KEY_VARIABLES: Final = ("AWS_BEARER_TOKEN_BEDROCK", "ANTHROPIC_AWS_API_KEY")


def custom_headers(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`ANTHROPIC_CUSTOM_HEADERS`: one `Name: value` per line, as `anthropic` reads it."""
    parsed: dict[str, str] = {}
    for line in env.get("ANTHROPIC_CUSTOM_HEADERS", "").split("\n"):
        name, colon, value = line.partition(":")
        if colon and name.strip():
            parsed[name.strip()] = value.strip()
    return parsed


def _url(base_url: str | httpx.URL) -> str:
    url = str(base_url)
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"base_url must be an http(s) URL, got {url!r}")
    return url.rstrip("/")


class _Native(BaseClient[HttpT]):
    """What the native clients share: construction, `with_options`, the settings they show, and
    the swap of each Messages operation for its native form."""

    _http_type: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]
    _new_http: Callable[[httpx.Timeout], HttpT]
    _service: ClassVar[str]
    """The SigV4 signing name of the host."""

    @classmethod
    def _chosen_url(cls, env: Mapping[str, str]) -> str | None:
        """The base URL the environment chooses, if any."""
        raise NotImplementedError

    @classmethod
    def _regional_url(cls, region: str) -> str:
        raise NotImplementedError

    @classmethod
    def _resolve_url(cls, base_url: str | httpx.URL | None, region: str) -> tuple[str, bool]:
        """The base URL and whether it was chosen (argument or environment) rather than derived."""
        if base_url is not None and not isinstance(base_url, str | httpx.URL):
            raise TypeError(f"base_url must be a string or an httpx.URL, not {type(base_url).__name__}")
        chosen = str(base_url) if base_url else cls._chosen_url(os.environ)
        if chosen:
            return _url(chosen), True
        return cls._regional_url(region), False

    def __init__(
        self,
        *,
        aws_access_key: str | None = None,
        aws_secret_key: str | None = None,
        aws_session_token: str | None = None,
        aws_region: str | None = None,
        aws_profile: str | None = None,
        api_key: str | None = None,
        skip_auth: bool = False,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: HttpT | None = None,
    ) -> None:
        """Credentials, in `anthropic`'s order: `api_key` (a Bedrock API key, this client only);
        `aws_access_key` + `aws_secret_key` (+ `aws_session_token`); `aws_profile`; the
        `AWS_BEARER_TOKEN_BEDROCK` or `ANTHROPIC_AWS_API_KEY` environment variable; botocore's
        default chain. `skip_auth=True` sends no credentials (a gateway in front signs).

        Region: `aws_region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's region, `us-east-1`.
        """
        for name, value in (
            ("aws_access_key", aws_access_key),
            ("aws_secret_key", aws_secret_key),
            ("aws_session_token", aws_session_token),
            ("aws_region", aws_region),
            ("aws_profile", aws_profile),
            ("api_key", api_key),
        ):
            _check_str(name, value)
        if not isinstance(skip_auth, bool):
            raise TypeError(f"skip_auth must be a bool, not {type(skip_auth).__name__}")
        if (aws_access_key is None) != (aws_secret_key is None) and not skip_auth:
            given, missing = (
                ("aws_access_key", "aws_secret_key") if aws_secret_key is None else ("aws_secret_key", "aws_access_key")
            )
            raise ValueError(f"{given} was given without {missing}: give both, or neither (for the default chain)")
        headers = {
            **checked_headers("ANTHROPIC_CUSTOM_HEADERS", custom_headers()),
            **checked_headers("default_headers", default_headers),
        }
        if default_query is not None and not isinstance(default_query, Mapping):
            raise TypeError(f"default_query must be a mapping, not {type(default_query).__name__}")
        if http_client is not None and not isinstance(http_client, self._http_type):
            raise TypeError(f"http_client must be an {self._http_type.__qualname__}, not {type(http_client).__name__}")
        setup_logging()
        region = resolve_region(aws_region, aws_profile)
        url, explicit = self._resolve_url(base_url, region)
        settings = config.Settings(
            base_url=url,
            region=region,
            explicit_base_url=explicit,
            timeout=config.to_timeout(timeout, config.DEFAULT_TIMEOUT),
            max_retries=config.check_max_retries(max_retries),
            default_headers={"User-Agent": _USER_AGENT, **headers},
            default_query=dict(default_query or {}),
        )
        self.skip_auth = skip_auth
        self.aws_profile = aws_profile
        auth: httpx.Auth
        env_key = next((os.environ[name] for name in API_KEY_VARIABLES if os.environ.get(name)), None)
        if skip_auth:
            auth = httpx.Auth()  # sends nothing: the request goes as built
        elif api_key is not None or (aws_access_key is None and aws_profile is None and env_key is not None):
            key = api_key if api_key is not None else env_key
            if not key:
                raise ValueError("api_key must not be empty")
            auth = BearerAuth(key)
        else:
            source = credential_source(aws_access_key, aws_secret_key, aws_session_token, aws_profile)
            auth = SigV4Auth(source, region, service=self._service)
        # The factory is a plain function of the settings, never a bound method (see `_client`).
        pool = Pool(functools.partial(type(self)._new_http, settings.timeout), http_client)
        self._init_engine(settings, auth, pool)

    def _prepare(
        self, operation: Operation[Any, Any], params: Mapping[str, Any], *, stream: bool | None = None
    ) -> Call[Any, Any]:
        from ._operations.native import native_operation  # the native endpoints load on the first call

        return super()._prepare(native_operation(operation), params, stream=stream)

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
            url = s.base_url if explicit or region == s.region else self._regional_url(region)
        else:
            url, explicit = self._resolve_url(base_url, region)
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
        )
        auth = self._auth
        if isinstance(auth, SigV4Auth) and region != auth.region:
            auth = SigV4Auth(auth.source, region, service=auth.service)
        clone = object.__new__(type(self))
        clone.skip_auth = self.skip_auth
        clone.aws_profile = self.aws_profile
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

    def __repr__(self) -> str:
        return f"{type(self).__name__}(region={self.aws_region!r}, base_url={self.base_url!r}, auth={self._auth!r})"


class _Mantle(_Native[HttpT]):
    _service = MANTLE_SIGNING_NAME

    @classmethod
    def _chosen_url(cls, env: Mapping[str, str]) -> str | None:
        return env.get("ANTHROPIC_BEDROCK_MANTLE_BASE_URL")

    @classmethod
    def _regional_url(cls, region: str) -> str:
        return f"https://bedrock-mantle.{region}.api.aws/anthropic"


class _Runtime(_Native[HttpT]):
    _service = SIGNING_NAME

    @classmethod
    def _chosen_url(cls, env: Mapping[str, str]) -> str | None:
        # The runtime host InvokeModel goes to (a VPC endpoint, a proxy), under its `/anthropic` path.
        chosen = env.get("ANTHROPIC_BEDROCK_BASE_URL")
        return chosen.rstrip("/") + "/anthropic" if chosen else None

    @classmethod
    def _regional_url(cls, region: str) -> str:
        return f"https://bedrock-runtime.{region}.amazonaws.com/anthropic"


class _SyncMessages(SyncAPIClient):
    @functools.cached_property
    def messages(self) -> Messages:
        """The Messages API in Anthropic's wire format: `create`, `stream`, `count_tokens`, `with_raw_response`."""
        from .resources.messages import Messages

        return Messages(self)


class _AsyncMessages(AsyncAPIClient):
    @functools.cached_property
    def messages(self) -> AsyncMessages:
        """The Messages API in Anthropic's wire format; the same calls with `await`."""
        from .resources.messages import AsyncMessages

        return AsyncMessages(self)


class AnthropicBedrockMantle(_Mantle[httpx.Client], _SyncMessages):
    """Claude through bedrock-mantle (`https://bedrock-mantle.{region}.api.aws/anthropic`), in
    Anthropic's own Messages wire format, signed for `bedrock-mantle` or with a Bedrock API key.
    Base URL: `base_url`, `ANTHROPIC_BEDROCK_MANTLE_BASE_URL`, the regional bedrock-mantle URL."""

    _http_type = httpx.Client


class AsyncAnthropicBedrockMantle(_Mantle[httpx.AsyncClient], _AsyncMessages):
    """The asynchronous `AnthropicBedrockMantle`."""

    _http_type = httpx.AsyncClient


class AnthropicBedrockNative(_Runtime[httpx.Client], _SyncMessages):
    """Claude in Anthropic's own Messages wire format on bedrock-runtime
    (`https://bedrock-runtime.{region}.amazonaws.com/anthropic`), signed for `bedrock` or with a
    Bedrock API key. Base URL: `base_url` (ending in `/anthropic`), else `ANTHROPIC_BEDROCK_BASE_URL`
    or the regional bedrock-runtime URL, with `/anthropic` added."""

    _http_type = httpx.Client


class AsyncAnthropicBedrockNative(_Runtime[httpx.AsyncClient], _AsyncMessages):
    """The asynchronous `AnthropicBedrockNative`."""

    _http_type = httpx.AsyncClient
