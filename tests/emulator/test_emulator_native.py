"""The emulator's Anthropic-native routes as a client meets them: who may sign for them, and errors
in Anthropic's shape with its `request-id` header (the router's own refusals included)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import anthropic_bedrock as ab
from anthropic_bedrock._aws.auth import SigV4Auth

MODEL = "anthropic.claude-sonnet-4-5"
HELLO = [{"role": "user", "content": "one two"}]


def signed_for(emu: Any, service: str, client_class: type = ab.AnthropicBedrockMantle, **kwargs: Any) -> Any:
    base = emu.url if client_class is ab.AnthropicBedrock else emu.url + "/anthropic"
    client = client_class(
        aws_access_key=emu.access_key, aws_secret_key=emu.secret_key, aws_region=emu.region, base_url=base, **kwargs
    )
    assert isinstance(client._auth, SigV4Auth)
    client._auth = SigV4Auth(client._auth.source, emu.region, service=service)
    return client.with_options(max_retries=0)


def test_native_routes_take_either_signing_name_invoke_routes_only_bedrock(emulator: Any) -> None:
    for service in ("bedrock-mantle", "bedrock"):
        message = signed_for(emulator, service).messages.create(model=MODEL, max_tokens=2, messages=HELLO)
        assert message.content[0].text == "one two"
    with pytest.raises(ab.PermissionDeniedError, match="scoped to correct service"):
        signed_for(emulator, "bedrock-mantle", ab.AnthropicBedrock).messages.create(
            model=MODEL, max_tokens=2, messages=HELLO
        )
    with pytest.raises(ab.PermissionDeniedError) as info:
        signed_for(emulator, "s3").messages.create(model=MODEL, max_tokens=2, messages=HELLO)
    assert info.value.error_type == "permission_error"
    assert info.value.body["type"] == "error" and info.value.request_id == info.value.response.headers["request-id"]
    assert emulator.stats().signature_failures == 2


def test_anthropic_shaped_refusals(emulator: Any) -> None:
    with httpx.Client(base_url=emulator.url, timeout=10) as http:
        bearer = {"Authorization": f"Bearer {emulator.api_key}"}
        body = {"model": MODEL, "max_tokens": 2, "messages": HELLO}
        missing_version = http.post("/anthropic/v1/messages", json=body, headers=bearer)
        assert missing_version.status_code == 400
        assert missing_version.json()["error"] == {
            "type": "invalid_request_error",
            "message": "anthropic-version: header is required",
        }
        assert missing_version.headers["request-id"] == missing_version.json()["request_id"]
        versioned = {**bearer, "anthropic-version": "2023-06-01"}
        in_body = http.post("/anthropic/v1/messages", json={**body, "anthropic_version": "x"}, headers=versioned)
        assert in_body.status_code == 400 and "anthropic_version" in in_body.json()["error"]["message"]
        unknown = http.post(
            "/anthropic/v1/messages", json={**body, "model": "anthropic.nonexistent"}, headers=versioned
        )
        assert unknown.status_code == 404 and unknown.json()["error"]["type"] == "not_found_error"
        unsigned = http.post("/anthropic/v1/messages/count_tokens", json=body)
        assert unsigned.status_code == 403 and unsigned.json()["error"]["type"] == "permission_error"
        throttled = http.post(
            "/anthropic/v1/messages",
            json=body,
            headers={**versioned, "x-emulator-fault": "status=429;retry_after=2"},
        )
        assert throttled.status_code == 429 and throttled.headers["retry-after"] == "2"
        assert throttled.json()["error"]["type"] == "rate_limit_error"
        streamed = http.post("/anthropic/v1/messages", json={**body, "stream": True}, headers=versioned)
        assert streamed.headers["content-type"].startswith("text/event-stream")
        assert streamed.text.startswith("event: message_start\ndata: {")
    assert [e.operation for e in emulator.log] == ["messages"] * 3 + ["messages_count_tokens"] + ["messages"] * 2
