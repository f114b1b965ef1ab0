"""The S3 client of a batch, made from the Bedrock client's own credentials and region.

Batch inputs and outputs live in S3, which only SigV4 credentials can sign: a client on a Bedrock
API key cannot move them, and says so before any work starts. The endpoint is botocore's to find,
as for any AWS client: S3's regional endpoint, or `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` or a
profile's `services` section (a VPC endpoint, the local emulator's S3 server).
"""

from __future__ import annotations

import httpx

from .._aws.auth import BearerAuth, SigV4Auth
from .._aws.s3 import S3Transfers, make_s3_client
from .._exceptions import MissingCredentialsError

__all__ = ["s3_transfers"]


def s3_transfers(auth: httpx.Auth, region: str) -> S3Transfers:
    """S3 transfers signed with the credentials behind `auth` (refreshed as they refresh)."""
    if isinstance(auth, BearerAuth):
        raise MissingCredentialsError(
            "Batch inference reads and writes S3, which a Bedrock API key (api_key or "
            "AWS_BEARER_TOKEN_BEDROCK) cannot sign: give the client AWS credentials (aws_access_key and "
            "aws_secret_key, aws_profile, or botocore's default chain) instead."
        )
    if not isinstance(auth, SigV4Auth):
        raise TypeError(f"batch inference needs SigV4 credentials, not {type(auth).__name__}")
    source = auth.source
    profile = getattr(source, "profile", None)
    return S3Transfers(make_s3_client(region=region, credentials=source, profile=profile))
