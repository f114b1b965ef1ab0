"""`AnthropicBedrockMantle` and `AnthropicBedrockNative`: `anthropic`'s constructor arguments and
environment variables, its credential order, the endpoint and signing name of each host, and clear
errors before anything is sent. Requests go to the emulator over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import anthropic_bedrock as ab
from anthropic_bedrock._aws.auth import BearerAuth, SigV4Auth

from drivers import Driver

MODEL = "anthropic.claude-sonnet-4-5"
HELLO = [{"role": "user", "content": "one two three"}]
CLEAN = (
    "AWS_BEARER_TOKEN_BEDROCK",
    "ANTHROPIC_AWS_API_KEY",
    "ANTHROPIC_BEDROCK_MANTLE_BASE_URL",
    "ANTHROPIC_BEDROCK_BASE_URL",
    "ANTHROPIC_CUSTOM_HEADERS",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CLEAN:
        monkeypatch.delenv(name, raising=False)


def test_default_endpoints_and_signing_names() -> None:
    mantle = ab.AnthropicBedrockMantle(aws_region="eu-west-1", aws_access_key="AK", aws_secret_key="SK")
    assert mantle.base_url == "https://bedrock-mantle.eu-west-1.api.aws/anthropic"
    assert isinstance(mantle._auth, SigV4Auth) and mantle._auth.service == "bedrock-mantle"
    native = ab.AnthropicBedrockNative(aws_region="eu-west-1", aws_access_key="AK", aws_secret_key="SK")
    assert native.base_url == "https://bedrock-runtime.eu-west-1.amazonaws.com/anthropic"
    assert isinstance(native._auth, SigV4Auth) and native._auth.service == "bedrock"
    moved = mantle.with_options(aws_region="us-west-2")
    assert moved.base_url == "https://bedrock-mantle.us-west-2.api.aws/anthropic"
    assert isinstance(moved._auth, SigV4Auth) and (moved._auth.service, moved._auth.region) == (
        "bedrock-mantle",
        "us-west-2",
    )
    assert "SK" not in repr(mantle) and "bedrock-mantle" in repr(mantle)


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    monkeypatch.setenv("ANTHROPIC_BEDROCK_MANTLE_BASE_URL", "https://gateway.example/anthropic/")
    monkeypatch.setenv("ANTHROPIC_BEDROCK_BASE_URL", "https://vpce.example")
    monkeypatch.setenv("ANTHROPIC_CUSTOM_HEADERS", "X-Team: search\nX-Both: env")
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "ABSK-env")
    mantle = ab.AnthropicBedrockMantle(default_headers={"X-Both": "argument"})
    assert mantle.aws_region == "ap-south-1" and mantle.base_url == "https://gateway.example/anthropic"
    assert mantle.with_options(aws_region="us-east-2").base_url == "https://gateway.example/anthropic"
    assert isinstance(mantle._auth, BearerAuth)
    assert mantle._settings.default_headers["X-Team"] == "search"
    assert mantle._settings.default_headers["X-Both"] == "argument"  # explicit headers win
    assert ab.AnthropicBedrockNative().base_url == "https://vpce.example/anthropic"


def test_credential_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "ABSK-env")
    # explicit keys and a profile beat the environment's API key, as in anthropic
    assert isinstance(ab.AnthropicBedrockMantle(aws_access_key="AK", aws_secret_key="SK")._auth, SigV4Auth)
    assert isinstance(ab.AnthropicBedrockMantle(aws_profile="dev")._auth, SigV4Auth)
    # an api_key argument beats everything, for this client only
    keyed = ab.AnthropicBedrockMantle(api_key="ABSK-arg", aws_access_key="AK", aws_secret_key="SK")
    assert isinstance(keyed._auth, BearerAuth) and "ABSK" not in repr(keyed)
    monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK")
    monkeypatch.setenv("ANTHROPIC_AWS_API_KEY", "ABSK-second")
    assert isinstance(ab.AnthropicBedrockMantle()._auth, BearerAuth)
    assert type(ab.AnthropicBedrockMantle(skip_auth=True)._auth) is httpx.Auth


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"aws_access_key": "AK"}, ValueError, "aws_secret_key"),
        ({"aws_secret_key": "SK"}, ValueError, "aws_access_key"),
        ({"aws_region": 5}, TypeError, "aws_region"),
        ({"api_key": ""}, ValueError, "api_key"),
        ({"skip_auth": "yes"}, TypeError, "skip_auth"),
        ({"base_url": "ftp://x"}, ValueError, "base_url"),
        ({"base_url": 5}, TypeError, "base_url"),
        ({"default_headers": {"X": "a\nb"}}, ValueError, "default_headers"),
        ({"http_client": httpx.AsyncClient()}, TypeError, "http_client"),
        ({"max_retries": -1}, ValueError, "max_retries"),
    ],
)
def test_bad_arguments_name_themselves(kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        ab.AnthropicBedrockMantle(**kwargs)


def test_text_completions_are_not_served() -> None:
    from anthropic_bedrock._operations.completions import COMPLETIONS

    client = ab.AnthropicBedrockMantle(api_key="k")
    assert not hasattr(client, "completions")
    with pytest.raises(TypeError, match="not served"):
        client._prepare(COMPLETIONS, {"model": MODEL, "prompt": "x", "max_tokens_to_sample": 5})


@pytest.mark.parametrize("client_class", ["AnthropicBedrockMantle", "AnthropicBedrockNative"])
def test_api_key_per_client_and_raw_responses(emulator: Any, mode: str, client_class: str) -> None:
    d = Driver(mode, client_class, api_key=emulator.api_key, base_url=emulator.url + "/anthropic")
    try:
        raw = d.run(d.client.messages.with_raw_response.create(model=MODEL, max_tokens=2, messages=HELLO))
        assert raw.status_code == 200 and raw.request_id == raw.headers["request-id"]
        message = d.run(raw.parse()) if d.is_async else raw.parse()
        assert message.content[0].text == "one two" and message.response_metadata.request_id == raw.request_id
        assert emulator.log[-1].header("authorization") == f"Bearer {emulator.api_key}"
        wrong = d.client.with_options(max_retries=0)
        wrong._auth = BearerAuth("ABSK-wrong")
        with pytest.raises(ab.PermissionDeniedError) as info:
            d.run(wrong.messages.create(model=MODEL, max_tokens=2, messages=HELLO))
        assert info.value.error_type == "permission_error" and info.value.request_id
        with pytest.raises(ab.NotFoundError):
            d.run(d.client.messages.count_tokens(model="anthropic.nonexistent", messages=HELLO))
    finally:
        d.close()


def test_stream_false_travels_when_given_and_stream_true_for_the_helper(emulator: Any) -> None:
    client = ab.AnthropicBedrockMantle(api_key=emulator.api_key, base_url=emulator.url + "/anthropic")
    client.messages.create(model=MODEL, max_tokens=2, messages=HELLO, stream=False)
    with client.messages.stream(model=MODEL, max_tokens=2, messages=HELLO) as stream:
        assert stream.get_final_text() == "one two"
    first, second = (entry.json() for entry in emulator.log)
    assert first["stream"] is False and first["model"] == MODEL and second["stream"] is True
    with pytest.raises(ValueError, match="model"):
        client.messages.create(model=MODEL, max_tokens=2, messages=HELLO, extra_body={"model": "other"})
    client.close()
