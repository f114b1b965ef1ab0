"""The pure SigV4 signer against botocore's signer, at a frozen clock."""

from __future__ import annotations

import datetime as dt

import botocore.auth
import httpx
import pytest
from botocore.auth import SigV4Auth as BotoSigV4
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from anthropic_bedrock._aws.auth import SigV4Auth
from anthropic_bedrock._aws.credentials import StaticCredentials
from anthropic_bedrock._aws.sigv4 import FrozenCredentials, sign

NOW = dt.datetime(2026, 11, 30, 12, 34, 56, tzinfo=dt.UTC)


def botocore_headers(
    url: str, body: bytes, headers: dict[str, str], creds: FrozenCredentials, region: str
) -> dict[str, str]:
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    BotoSigV4(Credentials(creds.access_key, creds.secret_key, creds.token), "bedrock", region).add_auth(request)
    return dict(request.headers.items())


CASES = [
    ("https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2/invoke", ""),
    (
        "https://bedrock-runtime.us-west-2.amazonaws.com/model/"
        "arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-v2/invoke",
        "",
    ),
    ("http://127.0.0.1:8080/model/anthropic.claude-v2/invoke-with-response-stream", "b=2&a=1&a=0&sp=x%20y"),
]


@pytest.mark.parametrize(("url", "query"), CASES)
@pytest.mark.parametrize("token", [None, "FwoGZXIvYXdzEXAMPLETOKEN=="])
def test_signature_matches_botocore(url: str, query: str, token: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: NOW.replace(tzinfo=None))
    creds = FrozenCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    body = b'{"prompt":"\\n\\nHuman: hi\\n\\nAssistant:","max_tokens_to_sample":5}'
    full = url + ("?" + query if query else "")
    parsed = httpx.URL(full)
    host = parsed.netloc.decode()
    headers = {"Content-Type": "application/json", "Host": host}
    ours = sign(
        method="POST",
        host=host,
        raw_path=parsed.raw_path.split(b"?")[0].decode(),
        raw_query=parsed.query.decode(),
        headers=[("Content-Type", "application/json"), ("User-Agent", "x"), ("Connection", "keep-alive")],
        body=body,
        credentials=creds,
        region="us-west-2",
        service="bedrock",
        now=NOW,
    )
    theirs = botocore_headers(full, body, headers, creds, "us-west-2")
    assert ours["Authorization"] == theirs["Authorization"]
    assert ours["X-Amz-Date"] == theirs["X-Amz-Date"]
    assert ours.get("X-Amz-Security-Token") == theirs.get("X-Amz-Security-Token")


def test_golden_signature() -> None:
    # A fixed value: any change to canonicalisation shows up here.
    headers = sign(
        method="POST",
        host="bedrock-runtime.us-east-1.amazonaws.com",
        raw_path="/model/anthropic.claude-v2/invoke",
        raw_query="",
        headers=[("content-type", "application/json")],
        body=b"{}",
        credentials=FrozenCredentials("AKIDEXAMPLE", "secret"),
        region="us-east-1",
        service="bedrock",
        now=NOW,
    )
    assert headers["X-Amz-Date"] == "20261130T123456Z"
    assert headers["Authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/bedrock/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, Signature="
    )
    assert len(headers["Authorization"].rsplit("=", 1)[1]) == 64


def test_proxy_mutable_headers_are_not_signed() -> None:
    request = httpx.Request(
        "POST", "https://h.example/model/m/invoke", headers={"User-Agent": "a", "Connection": "x"}, content=b"{}"
    )
    auth = SigV4Auth(StaticCredentials("AKID", "SECRET", None), "us-east-1")
    signed = next(auth.sync_auth_flow(request))
    signed_headers = signed.headers["authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert signed_headers == "content-type;host;x-amz-date" or signed_headers == "host;x-amz-date"
    assert "user-agent" not in signed_headers and "connection" not in signed_headers


def test_credentials_repr_hides_secrets() -> None:
    creds = FrozenCredentials("AKIDEXAMPLE", "topsecretvalue", "tokentokentoken")
    text = repr(creds) + repr(StaticCredentials("AKIDEXAMPLE", "topsecretvalue", "tokentokentoken"))
    assert "topsecretvalue" not in text and "tokentokentoken" not in text
