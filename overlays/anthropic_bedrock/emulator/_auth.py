"""Request authentication the way AWS checks it: SigV4 recomputed with botocore, or a Bedrock API key.

The signature is recomputed from the request exactly as received (method, raw path, raw query,
the headers named in ``SignedHeaders``, body bytes) with botocore's SigV4 pieces, so a client
whose signer disagrees with botocore on any byte is rejected, as AWS would reject it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from botocore.auth import UNSIGNED_PAYLOAD, SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials
from botocore.utils import normalize_url_path

__all__ = ["AuthFailure", "Authenticator", "Screening"]

SIGNING_NAME: Final = "bedrock"
# What a request may be signed for unless its operation says otherwise.
DEFAULT_SERVICES: Final = frozenset({SIGNING_NAME})
_ALGORITHM: Final = "AWS4-HMAC-SHA256"
_AMZ_DATE_FORMAT: Final = "%Y%m%dT%H%M%SZ"

_MISMATCH: Final = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
_BAD_TOKEN: Final = "The security token included in the request is invalid."


@dataclass(frozen=True, slots=True)
class AuthFailure:
    """Why a request was refused: the x-amzn-ErrorType and message of the 403 answer."""

    error_type: str
    message: str


@dataclass(frozen=True, slots=True)
class _SigV4:
    """A SigV4 Authorization that passed every check the head allows; the signature is still to verify."""

    region: str
    service: str
    amz_date: str
    names: list[str]
    signed: str
    signature: str
    claimed_hash: str | None
    values: dict[str, list[str]]  # the request's headers by name


@dataclass(frozen=True, slots=True)
class Screening:
    """What a request's head alone tells: refused already, accepted, or a signature to verify with the body."""

    failure: AuthFailure | None
    pending: _SigV4 | None = None

    @property
    def needs_body(self) -> bool:
        """A SigV4 signature covers the body: it is checked once the body has arrived."""
        return self.pending is not None


class Authenticator:
    """Checks one request against the configured credentials; returns None when it is accepted."""

    def __init__(
        self,
        *,
        access_key: str,
        secret_key: str,
        session_token: str | None,
        api_key: str | None,
        max_skew: float,
    ) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.session_token = session_token
        self.api_key = api_key
        self.max_skew = max_skew
        self._credentials = Credentials(access_key, secret_key, session_token)

    def screen(
        self,
        method: str,
        target: str,
        headers: Sequence[tuple[str, str]],
        now: dt.datetime | None = None,
        *,
        services: frozenset[str] = DEFAULT_SERVICES,
    ) -> Screening:
        """Everything that can be checked before the body arrives (a failure here stands whatever the body).

        ``headers`` are (lower-case name, value) pairs as received; ``target`` is the raw request target;
        ``services``: the SigV4 signing names the operation answers to (``bedrock-mantle`` too for the
        Anthropic-native paths).
        """
        head = self._head(_values(headers), now or dt.datetime.now(dt.UTC), services)
        if isinstance(head, AuthFailure):
            return Screening(head)
        return Screening(None, head)

    def verify(self, screening: Screening, method: str, target: str, body: bytes) -> AuthFailure | None:
        """The verdict on a screened request once its body has arrived; None when it is accepted."""
        if screening.pending is None:
            return screening.failure
        return self._verify(method, target, screening.pending, body)

    def check(
        self,
        method: str,
        target: str,
        headers: Sequence[tuple[str, str]],
        body: bytes,
        now: dt.datetime | None = None,
    ) -> AuthFailure | None:
        """Screen and verify at once; None when the request is accepted."""
        return self.verify(self.screen(method, target, headers, now), method, target, body)

    def _head(
        self, values: dict[str, list[str]], now: dt.datetime, services: frozenset[str]
    ) -> AuthFailure | _SigV4 | None:
        """A failure, a SigV4 signature left to verify, or None: accepted (a valid API key)."""
        authorization = values.get("authorization")
        if not authorization:
            return AuthFailure("MissingAuthenticationTokenException", "Missing Authentication Token")
        scheme, _, rest = authorization[0].strip().partition(" ")
        if scheme.lower() == "bearer":
            return self._check_api_key(rest.strip())
        if scheme != _ALGORITHM:
            return AuthFailure(
                "IncompleteSignatureException",
                f"Unsupported Authorization scheme {scheme!r}; expected {_ALGORITHM} or Bearer.",
            )
        return self._check_sigv4_head(values, rest, now, services)

    def _check_api_key(self, key: str) -> AuthFailure | None:
        if self.api_key is not None and key and hmac.compare_digest(key.encode(), self.api_key.encode()):
            return None
        return AuthFailure("UnrecognizedClientException", "The API key included in the request is invalid.")

    def _check_sigv4_head(
        self, values: dict[str, list[str]], params: str, now: dt.datetime, services: frozenset[str]
    ) -> AuthFailure | _SigV4:
        parts: dict[str, str] = {}
        for item in params.split(","):
            key, _, value = item.strip().partition("=")
            parts[key] = value
        credential = parts.get("Credential", "")
        signed = parts.get("SignedHeaders", "")
        signature = parts.get("Signature", "")
        if not (credential and signed and signature):
            return AuthFailure(
                "IncompleteSignatureException",
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.",
            )
        scope = credential.split("/")
        if len(scope) != 5:
            return AuthFailure("IncompleteSignatureException", f"Credential {credential!r} is malformed.")
        access_key, date, region, service, terminator = scope
        if not hmac.compare_digest(access_key.encode(), self.access_key.encode()):
            return AuthFailure("UnrecognizedClientException", _BAD_TOKEN)
        if service not in services:
            expected = "' or '".join(sorted(services))
            return AuthFailure(
                "InvalidSignatureException", f"Credential should be scoped to correct service: '{expected}'."
            )
        if terminator != "aws4_request":
            return AuthFailure(
                "InvalidSignatureException", "Credential should be scoped with a valid terminator: 'aws4_request'."
            )
        amz_date = values.get("x-amz-date", [""])[0].strip()
        signed_at = _parse_amz_date(amz_date)
        if signed_at is None:
            return AuthFailure(
                "IncompleteSignatureException",
                "Authorization header requires existence of a valid 'X-Amz-Date' header.",
            )
        if date != amz_date[:8]:
            return AuthFailure(
                "InvalidSignatureException",
                f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                f"'{date}' != '{amz_date[:8]}', from '{amz_date}'.",
            )
        skew = dt.timedelta(seconds=self.max_skew)
        if signed_at < now - skew:
            stamp = now.strftime(_AMZ_DATE_FORMAT)
            return AuthFailure(
                "InvalidSignatureException",
                f"Signature expired: {amz_date} is now earlier than "
                f"{(now - skew).strftime(_AMZ_DATE_FORMAT)} ({stamp} - {self.max_skew / 60:g} min.)",
            )
        if signed_at > now + skew:
            stamp = now.strftime(_AMZ_DATE_FORMAT)
            return AuthFailure(
                "InvalidSignatureException",
                f"Signature not yet current: {amz_date} is still later than "
                f"{(now + skew).strftime(_AMZ_DATE_FORMAT)} ({stamp} + {self.max_skew / 60:g} min.)",
            )
        tokens = values.get("x-amz-security-token")
        if self.session_token is None:
            if tokens:
                return AuthFailure("UnrecognizedClientException", _BAD_TOKEN)
        elif not tokens or not hmac.compare_digest(tokens[0].encode(), self.session_token.encode()):
            return AuthFailure("UnrecognizedClientException", _BAD_TOKEN)

        names = signed.split(";")
        if "host" not in names:
            return AuthFailure(
                "InvalidSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
            )
        if any(name not in values for name in names) or not _SIGNATURE.fullmatch(signature):
            # A signature that is not 64 hex digits can match nothing; nor can one over absent headers.
            return AuthFailure("InvalidSignatureException", _MISMATCH)
        content_hashes = values.get("x-amz-content-sha256")
        claimed = content_hashes[0].strip() if content_hashes else None
        return _SigV4(region, service, amz_date, names, signed, signature, claimed, values)

    def _verify(self, method: str, target: str, head: _SigV4, body: bytes) -> AuthFailure | None:
        values = head.values
        to_sign = HTTPHeaders()
        for name in head.names:
            for value in values[name]:
                to_sign[name] = value
        body_hash = hashlib.sha256(body).hexdigest()
        if head.claimed_hash is not None:
            if head.claimed_hash != UNSIGNED_PAYLOAD and head.claimed_hash != body_hash:
                return AuthFailure(
                    "InvalidSignatureException",
                    "The provided 'x-amz-content-sha256' header does not match what was computed.",
                )
            body_hash = head.claimed_hash

        canonical_names = ";".join(sorted(set(head.names)))
        signer = SigV4Auth(self._credentials, head.service, head.region)
        try:
            request = AWSRequest(method=method, url=f"http://{values['host'][0]}{target}", data=body)
            request.context["timestamp"] = head.amz_date
            canonical = "\n".join(
                (
                    method.upper(),
                    # Non-S3 services sign the URI-encoded path (so %3A is signed as %253A).
                    quote(normalize_url_path(target.partition("?")[0]), safe="/~"),
                    signer.canonical_query_string(request),
                    signer.canonical_headers(to_sign) + "\n",
                    canonical_names,
                    body_hash,
                )
            )
            expected = signer.signature(signer.string_to_sign(request, canonical), request)
        except ValueError:
            # A Host or path no URL parser accepts: nothing could have been signed over it.
            return AuthFailure("InvalidSignatureException", _MISMATCH)
        if head.signed != canonical_names or not hmac.compare_digest(expected.encode(), head.signature.encode()):
            return AuthFailure("InvalidSignatureException", _MISMATCH)
        return None


def _values(headers: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in headers:
        values.setdefault(name, []).append(value)
    return values


_SIGNATURE = re.compile(r"[0-9a-f]{64}")
_AMZ_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")


def _parse_amz_date(text: str) -> dt.datetime | None:
    """``YYYYMMDDTHHMMSSZ`` as an aware UTC datetime, or None when malformed."""
    match = _AMZ_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except ValueError:
        return None
