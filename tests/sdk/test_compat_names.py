"""The names code written for the original `anthropic_bedrock` package (and for `anthropic`'s
`AnthropicBedrock`) reaches for: module attributes, submodules, aliases and client attributes."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
import pytest

import anthropic_bedrock as ab

from drivers import Driver


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_types_by_attribute_after_a_plain_import() -> None:
    # A fresh interpreter: nothing has imported `anthropic_bedrock.types` yet.
    out = run_python(
        "import anthropic_bedrock\n"
        "print(anthropic_bedrock.types.Completion.__name__, anthropic_bedrock.types.Message.__name__,"
        " anthropic_bedrock.types.beta.BetaMessage.__name__, anthropic_bedrock.types.completion.Completion.__name__)"
    )
    assert out == "Completion Message Message Completion"


def test_the_original_packages_modules_and_names() -> None:
    from anthropic_bedrock.types.completion import Completion
    from anthropic_bedrock.types.completion_create_params import CompletionCreateParams

    assert Completion is ab.Completion is ab.types.Completion
    assert "prompt" in CompletionCreateParams.__annotations__
    assert ab.Timeout is httpx.Timeout
    assert ab.Timeout(20.0, connect=2.0).connect == 2.0
    assert {"extra_headers", "timeout", "max_retries"} <= set(ab.RequestOptions.__annotations__)
    assert ab.Client is ab.AnthropicBedrock and ab.AsyncClient is ab.AsyncAnthropicBedrock
    for name in ("Client", "AsyncClient", "Timeout", "RequestOptions"):
        assert name in ab.__all__ and name in dir(ab)


def test_beta_type_names_are_the_messages_types() -> None:
    from anthropic_bedrock.types import beta

    assert beta.BetaMessage is ab.types.Message
    assert beta.BetaTextBlock is ab.types.TextBlock and beta.BetaToolUseBlock is ab.types.ToolUseBlock
    assert beta.BetaMessageParam is ab.types.MessageParam and beta.BetaToolParam is ab.types.ToolParam
    assert beta.BetaRawMessageStreamEvent is ab.types.RawMessageStreamEvent
    for name in beta.__all__:
        assert getattr(beta, name) is not None, name


def test_client_attributes(driver: Driver, emulator: Any) -> None:
    client = driver.client
    assert client.aws_region == emulator.region
    assert client.base_url == emulator.url
    assert client.max_retries == 2
    assert isinstance(client.timeout, httpx.Timeout)
    assert client.default_headers["User-Agent"].startswith("anthropic-bedrock-python/")
    other = client.with_options(default_headers={"X-Tenant": "a"})
    assert other.default_headers["X-Tenant"] == "a" and "X-Tenant" not in client.default_headers
    client.default_headers["X-Changed"] = "no"  # a copy: the client's own headers stay as they were
    assert "X-Changed" not in client.default_headers
    assert client.is_closed() is False
    driver.run(
        client.completions.create(
            model="anthropic.claude-v2", prompt="\n\nHuman: hi\n\nAssistant:", max_tokens_to_sample=2
        )
    )
    assert client.is_closed() is False
    driver.run(other.close())
    assert client.is_closed() is True and other.is_closed() is True  # one pool


def test_no_secret_in_any_attribute_or_repr(emulator: Any) -> None:
    client = ab.AnthropicBedrock(
        aws_access_key="AKIDEXAMPLE",
        aws_secret_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        aws_session_token="FQoGZXIvYXdzSESSIONTOKEN",
        base_url=emulator.url,
    )
    shown = [repr(client), str(client.default_headers), client.base_url, client.aws_region, repr(client.timeout)]
    for text in shown:
        assert "wJalrXUtnFEMI" not in text and "SESSIONTOKEN" not in text
    bearer = ab.AnthropicBedrock(api_key="bedrock-api-key-SECRET", base_url=emulator.url)
    assert "SECRET" not in repr(bearer) and "SECRET" not in str(bearer.default_headers)


@pytest.mark.parametrize("name", ["is_closed", "default_headers", "aws_region", "base_url", "max_retries", "timeout"])
def test_attributes_exist_on_both_clients(name: str) -> None:
    assert hasattr(ab.AnthropicBedrock, name) and hasattr(ab.AsyncAnthropicBedrock, name)
