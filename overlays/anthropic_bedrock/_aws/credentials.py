"""Where AWS credentials and the region come from.

botocore is the credential engine (environment, shared files, named profiles, SSO, assume-role,
credential processes, container and instance metadata). It is imported only here and only when a
client first needs keys, so `import anthropic_bedrock` stays light. The chain is resolved once per
client; botocore's refreshable credentials renew themselves when they near expiry.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from .._constants import DEFAULT_REGION
from .._exceptions import MissingCredentialsError
from .sigv4 import FrozenCredentials

if TYPE_CHECKING:
    from botocore.session import Session

HOW_TO = (
    "Pass aws_access_key and aws_secret_key (plus aws_session_token for temporary keys), set "
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, configure a profile in ~/.aws/credentials "
    "(aws_profile= or AWS_PROFILE), or pass api_key= / set AWS_BEARER_TOKEN_BEDROCK for a Bedrock API key."
)


class CredentialSource(Protocol):
    def frozen(self) -> FrozenCredentials:
        """Keys valid now; may refresh (and so do I/O)."""
        ...

    def needs_io(self) -> bool:
        """Whether `frozen()` may block: first resolution or a due refresh."""
        ...


class StaticCredentials:
    """Keys given to the constructor."""

    def __init__(self, access_key: str, secret_key: str, token: str | None) -> None:
        self._creds = FrozenCredentials(access_key, secret_key, token)

    def frozen(self) -> FrozenCredentials:
        return self._creds

    def needs_io(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"StaticCredentials({self._creds!r})"


def _botocore_session(profile: str | None) -> Session:
    import botocore.session

    session = botocore.session.Session(profile=profile)
    return session


class ChainCredentials:
    """botocore's default provider chain, resolved on first use and then cached."""

    def __init__(self, profile: str | None) -> None:
        self._profile = profile
        self._lock = threading.Lock()
        self._resolved: object | None = None

    def _resolve(self) -> object:
        with self._lock:
            if self._resolved is None:
                try:
                    found = _botocore_session(self._profile).get_credentials()
                except Exception as exc:  # botocore raises many kinds (profile not found, SSO expired, ...)
                    raise MissingCredentialsError(f"Could not load AWS credentials: {exc}. {HOW_TO}") from exc
                if found is None:
                    raise MissingCredentialsError(f"No AWS credentials found. {HOW_TO}")
                self._resolved = found
            return self._resolved

    def frozen(self) -> FrozenCredentials:
        creds = self._resolve()
        try:
            f = creds.get_frozen_credentials()  # type: ignore[attr-defined]
        except Exception as exc:
            raise MissingCredentialsError(f"Could not refresh AWS credentials: {exc}. {HOW_TO}") from exc
        if not f.access_key or not f.secret_key:
            raise MissingCredentialsError(f"The AWS credentials found are incomplete. {HOW_TO}")
        return FrozenCredentials(f.access_key, f.secret_key, f.token or None)

    @property
    def profile(self) -> str | None:
        """The profile the chain reads (None: AWS_PROFILE or the default), for other clients to share."""
        return self._profile

    def needs_io(self) -> bool:
        creds = self._resolved
        if creds is None:
            return True
        refresh_needed = getattr(creds, "refresh_needed", None)
        return bool(refresh_needed()) if refresh_needed is not None else False

    def __repr__(self) -> str:
        return f"ChainCredentials(profile={self._profile!r})"


def credential_source(
    access_key: str | None, secret_key: str | None, session_token: str | None, profile: str | None
) -> CredentialSource:
    """Explicit keys win; half a pair, or a token without keys, is a mistake worth a clear error."""
    if access_key or secret_key:
        if not (access_key and secret_key):
            missing = "aws_secret_key" if access_key else "aws_access_key"
            raise MissingCredentialsError(f"{missing} is missing: give both aws_access_key and aws_secret_key.")
        return StaticCredentials(access_key, secret_key, session_token)
    if session_token:
        raise MissingCredentialsError(
            "aws_session_token was given without aws_access_key and aws_secret_key; temporary credentials need all three."
        )
    return ChainCredentials(profile)


def resolve_region(region: str | None, profile: str | None, env: Mapping[str, str] = os.environ) -> str:
    """Argument, then AWS_REGION, AWS_DEFAULT_REGION, the profile's region in the AWS config file, then us-east-1."""
    for value in (region, env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION")):
        if value:
            return value
    return _config_file_region(profile or env.get("AWS_PROFILE"), env) or DEFAULT_REGION


def _config_file_region(profile: str | None, env: Mapping[str, str]) -> str | None:
    # Read with configparser rather than botocore: this runs at client construction and must stay cheap.
    import configparser

    path = os.path.expanduser(env.get("AWS_CONFIG_FILE") or "~/.aws/config")
    if not os.path.isfile(path):
        return None
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    name = profile or "default"
    section = name if name == "default" else f"profile {name}"
    if not parser.has_section(section) and parser.has_section(name):
        section = name
    if parser.has_section(section):
        value = parser.get(section, "region", fallback=None)
        return value.strip() if value else None
    return None
