"""The clients over real HTTP against the emulator: one body per behaviour, sync and async."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import anthropic_bedrock as ab
from anthropic_bedrock.emulator import emulator as start_emulator

from drivers import NESTED_JSON, PROMPT, Driver, client_kwargs, nested_json_answer

ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-v2"


def calls(emu: Any, operation: str = "invoke") -> int:
    """Model requests the emulator received (refused ones included)."""
    return int(emu.stats().by_operation.get(operation, 0))


def create(d: Driver, **kw: Any) -> Any:
    params: dict[str, Any] = {"model": "anthropic.claude-v2", "prompt": PROMPT, "max_tokens_to_sample": 8}
    params.update(kw)
    return d.run(d.client.completions.create(**params))


def test_completion_round_trip(driver: Driver, emulator: Any) -> None:
    completion = create(driver)
    assert isinstance(completion, ab.Completion)
    assert completion.completion.strip()
    assert completion.stop_reason in ("max_tokens", "stop_sequence")
    meta = completion.response_metadata
    assert meta is not None and meta.request_id and meta.input_tokens and meta.output_tokens is not None
    (entry,) = emulator.requests("invoke")
    body = entry.json()
    assert body["anthropic_version"] == "bedrock-2023-05-31"
    assert "model" not in body and "stream" not in body
    assert emulator.signature_failures == 0


def test_arn_model_id(driver: Driver, emulator: Any) -> None:
    create(driver, model=ARN)
    (entry,) = emulator.requests("invoke")
    assert "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-v2" in entry.path


def test_session_token_is_signed(make_driver: Any) -> None:
    with start_emulator(session_token="FQoGZXIvYXdzEOP//token") as emu:
        ok = make_driver(emu, aws_session_token="FQoGZXIvYXdzEOP//token")
        assert create(ok).completion
        bad = make_driver(emu)  # no token: AWS refuses temporary keys without it
        with pytest.raises(ab.PermissionDeniedError):
            create(bad, max_retries=0)


def test_wrong_secret_is_refused(make_driver: Any, emulator: Any) -> None:
    d = make_driver(emulator, aws_secret_key="not-the-secret")
    with pytest.raises(ab.PermissionDeniedError) as info:
        create(d)
    assert info.value.status_code == 403
    assert info.value.error_type == "InvalidSignatureException"
    assert info.value.request_id
    assert emulator.signature_failures == 1  # 403 is not retried


def test_env_credentials(make_driver: Any, emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", emulator.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", emulator.secret_key)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    d = make_driver(emulator, aws_access_key=None, aws_secret_key=None)
    assert create(d).completion


def test_shared_credentials_file_profile(
    make_driver: Any, emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    creds = tmp_path / "credentials"
    creds.write_text(
        f"[default]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n\n"
        f"[bench]\naws_access_key_id = {emulator.access_key}\naws_secret_access_key = {emulator.secret_key}\n"
    )
    config = tmp_path / "config"
    config.write_text("[profile bench]\nregion = eu-central-1\n")
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    d = make_driver(emulator, aws_access_key=None, aws_secret_key=None, aws_region=None, aws_profile="bench")
    assert d.client.aws_region == "eu-central-1"
    assert create(d).completion
    assert "/eu-central-1/bedrock/" in emulator.requests("invoke")[0].header("authorization")


def test_api_key_bearer(make_driver: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with start_emulator(api_key="bedrock-api-key-123") as emu:
        d = make_driver(emu, aws_access_key=None, aws_secret_key=None, api_key="bedrock-api-key-123")
        assert create(d).completion
        monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-123")
        from_env = make_driver(emu, aws_access_key=None, aws_secret_key=None)
        assert create(from_env).completion
        assert emu.requests("invoke")[0].header("authorization") == "Bearer bedrock-api-key-123"


def test_missing_credentials_error(
    make_driver: Any, emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_BEARER_TOKEN_BEDROCK",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "")
    d = make_driver(emulator, aws_access_key=None, aws_secret_key=None)
    with pytest.raises(ab.MissingCredentialsError, match="aws_access_key"):
        create(d)
    assert calls(emulator) == 0
    with pytest.raises(ab.MissingCredentialsError, match="aws_session_token"):
        ab.AnthropicBedrock(aws_session_token="tok")


def test_region_chain(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "ANTHROPIC_BEDROCK_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    config = tmp_path / "config"
    config.write_text("[default]\nregion = ap-south-1\n[profile other]\nregion = sa-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    keys = {"aws_access_key": "a", "aws_secret_key": "b"}
    assert ab.AnthropicBedrock(**keys).aws_region == "ap-south-1"
    assert ab.AnthropicBedrock(**keys, aws_profile="other").aws_region == "sa-east-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    assert ab.AnthropicBedrock(**keys).aws_region == "eu-west-3"
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    client = ab.AnthropicBedrock(**keys)
    assert client.aws_region == "us-west-2"
    assert client.base_url == "https://bedrock-runtime.us-west-2.amazonaws.com"
    assert ab.AnthropicBedrock(**keys, aws_region="ca-central-1").aws_region == "ca-central-1"
    monkeypatch.setenv("ANTHROPIC_BEDROCK_BASE_URL", "http://127.0.0.1:9/")
    assert ab.AnthropicBedrock(**keys).base_url == "http://127.0.0.1:9"
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "missing"))
    assert ab.AnthropicBedrock(**keys).aws_region == "us-east-1"


STATUS_CLASSES = [
    (400, ab.BadRequestError, "ValidationException"),
    (403, ab.PermissionDeniedError, "AccessDeniedException"),
    (404, ab.NotFoundError, "ResourceNotFoundException"),
    (408, ab.RequestTimeoutError, "ModelTimeoutException"),
    (424, ab.FailedDependencyError, "ModelErrorException"),
    (429, ab.RateLimitError, "ThrottlingException"),
    (500, ab.InternalServerError, "InternalServerException"),
    (503, ab.ServiceUnavailableError, "ServiceUnavailableException"),
]


@pytest.mark.parametrize(("status", "cls", "error_type"), STATUS_CLASSES)
def test_error_classes_by_status(driver: Driver, emulator: Any, status: int, cls: type, error_type: str) -> None:
    emulator.push_fault(f"status={status}")
    with pytest.raises(cls) as info:
        create(driver, max_retries=0)
    error = info.value
    assert isinstance(error, ab.APIStatusError) and isinstance(error, ab.APIError)
    assert error.status_code == status
    assert error.error_type == error_type
    assert error.request_id
    assert isinstance(error.body, dict) and error.message == error.body["message"]
    assert error.response.status_code == status


def test_retries_then_success(driver: Driver, emulator: Any) -> None:
    emulator.push_fault("status=503", count=2)
    assert create(driver).completion
    assert calls(emulator) == 3


def test_retries_exhausted(driver: Driver, emulator: Any) -> None:
    emulator.push_fault("status=500", count=5)
    with pytest.raises(ab.InternalServerError):
        create(driver, max_retries=3)
    assert calls(emulator) == 4


def test_max_retries_zero_and_not_retryable(driver: Driver, emulator: Any) -> None:
    emulator.push_fault("status=429", count=2)
    with pytest.raises(ab.RateLimitError):
        d = driver.client.with_options(max_retries=0)
        driver.run(d.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=3))
    assert calls(emulator) == 1
    emulator.reset()
    emulator.push_fault("status=400")
    with pytest.raises(ab.BadRequestError):
        create(driver)
    assert calls(emulator) == 1


def test_retry_after_is_honoured(driver: Driver, emulator: Any) -> None:
    emulator.push_fault("status=429;retry_after=1")
    started = time.monotonic()
    assert create(driver).completion
    assert time.monotonic() - started >= 0.95
    assert calls(emulator) == 2


def test_x_should_retry_false(driver: Driver, emulator: Any) -> None:
    emulator.push_fault("status=503;should_retry=false", count=3)
    with pytest.raises(ab.ServiceUnavailableError):
        create(driver)
    assert calls(emulator) == 1


def test_connection_reset_is_retried(driver: Driver, emulator: Any) -> None:
    emulator.push_fault("reset")
    assert create(driver).completion
    assert calls(emulator) == 2
    emulator.reset()
    emulator.push_fault("reset", count=3)
    with pytest.raises(ab.APIConnectionError) as info:
        create(driver, max_retries=1)
    assert info.value.__cause__ is not None


def test_timeout(make_driver: Any, emulator: Any) -> None:
    d = make_driver(emulator, timeout=0.3, max_retries=1)
    emulator.push_fault("delay=1500", count=2)
    started = time.monotonic()
    with pytest.raises(ab.APITimeoutError) as info:
        create(d)
    assert isinstance(info.value, ab.APIConnectionError)
    assert isinstance(info.value.__cause__, httpx.TimeoutException)
    assert time.monotonic() - started < 2.5
    assert calls(emulator) == 2
    emulator.reset()
    emulator.push_fault("delay=500")
    assert create(d, timeout=httpx.Timeout(3.0)).completion  # per-request timeout wins


def test_bad_input_sends_nothing(driver: Driver, emulator: Any) -> None:
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"model": ""}, ValueError, "model"),
        ({"model": None}, TypeError, "model"),
        ({"prompt": 3}, TypeError, "prompt"),
        ({"max_tokens_to_sample": "8"}, TypeError, "max_tokens_to_sample"),
        ({"max_tokens_to_sample": 0}, ValueError, "max_tokens_to_sample"),
        ({"temperature": 1.5}, ValueError, "temperature"),
        ({"top_p": -0.1}, ValueError, "top_p"),
        ({"top_k": -1}, ValueError, "top_k"),
        ({"stop_sequences": "stop"}, TypeError, "stop_sequences"),
        ({"extra_body": {"stream": True}}, ValueError, "stream"),
        ({"timeout": -1}, ValueError, "timeout"),
        ({"max_retries": -1}, ValueError, "max_retries"),
    ]
    for change, exc, name in cases:
        with pytest.raises(exc, match=name):
            create(driver, **change)
    with pytest.raises(TypeError, match="prompt"):
        driver.run(driver.client.completions.create(model="m", max_tokens_to_sample=3))
    assert calls(emulator) == 0


def test_extra_headers_query_body(driver: Driver, emulator: Any) -> None:
    create(driver, extra_headers={"X-Trace": "t1"}, extra_query={"q": "1"}, extra_body={"top_k": 3}, temperature=0.5)
    (entry,) = emulator.requests("invoke")
    assert entry.header("x-trace") == "t1"
    assert entry.path.endswith("?q=1")
    assert entry.json()["top_k"] == 3 and entry.json()["temperature"] == 0.5


def test_raw_response_and_with_options(driver: Driver, emulator: Any) -> None:
    raw = driver.run(
        driver.client.completions.with_raw_response.create(
            model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=4
        )
    )
    assert raw.status_code == 200
    assert raw.headers["x-amzn-requestid"] == raw.request_id
    assert isinstance(raw.http_response, httpx.Response)
    parsed = driver.run(raw.parse()) if driver.is_async else raw.parse()
    assert isinstance(parsed, ab.Completion)
    other = driver.client.with_options(max_retries=5, default_headers={"X-Tenant": "a"})
    assert other.max_retries == 5 and driver.client.max_retries == 2
    assert other._http is driver.client._http  # one pool
    driver.run(other.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=2))
    assert emulator.requests("invoke")[-1].header("x-tenant") == "a"
    assert driver.client.copy(timeout=5.0).timeout.read == 5.0


def test_prompt_constants(driver: Driver) -> None:
    assert driver.client.HUMAN_PROMPT == ab.HUMAN_PROMPT == "\n\nHuman:"
    assert driver.client.AI_PROMPT == ab.AI_PROMPT == "\n\nAssistant:"


def test_debug_logs_hold_no_secret(make_driver: Any, caplog: pytest.LogCaptureFixture) -> None:
    token = "SESSIONTOKEN-should-not-leak"
    with start_emulator(session_token=token) as emu:
        d = make_driver(emu, aws_session_token=token)
        with caplog.at_level(logging.DEBUG, logger="anthropic_bedrock"):
            emu.push_fault("status=503")
            create(d)
            emu.push_fault("status=403")
            with pytest.raises(ab.PermissionDeniedError) as info:
                create(d)
        text = caplog.text + repr(d.client) + str(info.value) + repr(info.value)
        assert "invoke" in caplog.text and "retry" in caplog.text
        for secret in (emu.secret_key, token, "Signature="):
            assert secret not in text


def test_user_http_client_is_not_closed(emulator: Any) -> None:
    http = httpx.Client()
    client = ab.AnthropicBedrock(http_client=http, **client_kwargs(emulator))
    assert client.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=2).completion
    client.close()
    assert not http.is_closed
    http.close()
    with ab.AnthropicBedrock(**client_kwargs(emulator)) as owned:
        owned.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=2)
    assert owned._http.is_closed


def test_concurrent_async_requests(emulator: Any) -> None:
    async def main() -> list[Any]:
        async with ab.AsyncAnthropicBedrock(**client_kwargs(emulator)) as client:
            calls = [
                client.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=4)
                for _ in range(200)
            ]
            return await asyncio.gather(*calls)

    results = asyncio.run(main())
    assert len(results) == 200 and all(r.completion for r in results)
    assert calls(emulator) == 200
    assert emulator.signature_failures == 0


def test_copy_outlives_its_parent(emulator: Any) -> None:
    import gc

    copy = ab.AnthropicBedrock(**client_kwargs(emulator)).with_options(max_retries=1)
    gc.collect()  # the parent is gone; the pool it made lives on with the copy
    assert copy.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=2).completion


def test_construction_defers_the_connection_pool() -> None:
    client = ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b")
    assert client._pool.created is None
    client.close()  # closing an unused client is fine


def test_count_tokens_on_the_client(driver: Driver) -> None:
    assert driver.run(driver.client.count_tokens("Hello world!")) == 3
    assert driver.run(driver.client.count_tokens(ab.HUMAN_PROMPT + " hi" + ab.AI_PROMPT)) > 3
    assert driver.client.get_tokenizer() is ab.get_tokenizer()


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"aws_region": 5}, TypeError, "aws_region"),
        ({"max_retries": "2"}, TypeError, "max_retries"),
        ({"timeout": "10"}, TypeError, "timeout"),
        ({"base_url": "ftp://example.com"}, ValueError, "base_url"),
        ({"default_headers": ["x"]}, TypeError, "default_headers"),
        ({"http_client": object()}, TypeError, "http_client"),
        ({"aws_access_key": "only-half"}, ab.MissingCredentialsError, "aws_secret_key"),
    ],
)
def test_bad_constructor_arguments(kwargs: dict[str, Any], exc: type[Exception], name: str) -> None:
    base: dict[str, Any] = {"aws_access_key": "a", "aws_secret_key": "b"}
    if "aws_access_key" in kwargs:
        base = {}
    with pytest.raises(exc, match=name):
        ab.AnthropicBedrock(**base, **kwargs)


def test_credential_process_runs_once_per_client(
    make_driver: Any, emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt
    import json
    import sys

    calls_file = tmp_path / "calls"
    expiry = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    creds = {
        "Version": 1,
        "AccessKeyId": emulator.access_key,
        "SecretAccessKey": emulator.secret_key,
        "Expiration": expiry,
    }
    script = tmp_path / "creds.py"
    script.write_text(f"open({str(calls_file)!r}, 'a').write('x')\nprint({json.dumps(creds)!r})\n")
    config = tmp_path / "config"
    config.write_text(f"[profile proc]\ncredential_process = {sys.executable} {script}\nregion = us-east-1\n")
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    d = make_driver(emulator, aws_access_key=None, aws_secret_key=None, aws_profile="proc")
    for _ in range(3):
        assert create(d).completion
    assert calls_file.read_text() == "x"  # resolved once, cached, not per request
    assert emulator.signature_failures == 0


def test_with_options_region_signs_for_the_new_region(driver: Driver, emulator: Any) -> None:
    other = driver.client.with_options(aws_region="eu-west-1", base_url=emulator.url)
    assert other.aws_region == "eu-west-1" and driver.client.aws_region == emulator.region
    driver.run(other.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=2))
    assert "/eu-west-1/bedrock/aws4_request" in emulator.requests("invoke")[-1].header("authorization")
    assert (
        ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", aws_region="us-east-1")
        .with_options(aws_region="ap-northeast-1")
        .base_url
        == "https://bedrock-runtime.ap-northeast-1.amazonaws.com"
    )


def test_bad_success_body_is_a_validation_error() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"unexpected": True}))
    client = ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", http_client=httpx.Client(transport=transport))
    with pytest.raises(ab.APIResponseValidationError) as info:
        client.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=2)
    assert info.value.status_code == 200 and isinstance(info.value.__cause__, KeyError)


def test_log_env_var_turns_on_logging_without_secrets(emulator: Any) -> None:
    import subprocess
    import sys

    code = (
        "import anthropic_bedrock as ab, os\n"
        "c = ab.AnthropicBedrock(aws_access_key=os.environ['K'], aws_secret_key=os.environ['S'],"
        " aws_session_token='TOKEN-not-to-log', base_url=os.environ['U'], max_retries=0)\n"
        "try:\n"
        "    c.completions.create(model='anthropic.claude-v2', prompt='\\n\\nHuman: hi\\n\\nAssistant:', max_tokens_to_sample=2)\n"
        "except ab.PermissionDeniedError:\n"
        "    pass\n"
    )
    env = dict(os.environ, ANTHROPIC_BEDROCK_LOG="debug", K=emulator.access_key, S=emulator.secret_key, U=emulator.url)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "POST" in result.stderr and "-> 403" in result.stderr
    for secret in (emulator.secret_key, "TOKEN-not-to-log", "Signature="):
        assert secret not in result.stderr


BAD_HEADERS: list[tuple[dict[Any, Any], type[Exception]]] = [
    ({"X-Inject": "a\r\nY: 1"}, ValueError),
    ({"X-Inject": "a\nY: 1"}, ValueError),
    ({"X-Inject": "a\rb"}, ValueError),
    ({"X-Nul": "a\0b"}, ValueError),
    ({"": "empty name"}, ValueError),
    ({"Bad Name": "x"}, ValueError),
    ({"X-Bad\r\nName": "x"}, ValueError),
    ({"X-Accent": "café"}, ValueError),
    ({"X-Padded": " x "}, ValueError),
    ({b"X-Bytes": "x"}, TypeError),
    ({"X-Number": 5}, TypeError),
    ({"X-None": None}, TypeError),
]


@pytest.mark.parametrize(("headers", "exc"), BAD_HEADERS)
def test_bad_extra_headers_are_refused_before_sending(
    driver: Driver, emulator: Any, headers: dict[Any, Any], exc: type[Exception]
) -> None:
    started = time.monotonic()
    with pytest.raises(exc, match="extra_headers"):
        create(driver, extra_headers=headers, max_retries=6)
    assert time.monotonic() - started < 1.0  # no retries, no backoff
    assert emulator.log == []


@pytest.mark.parametrize(("headers", "exc"), BAD_HEADERS)
def test_bad_default_headers_are_refused(emulator: Any, headers: dict[Any, Any], exc: type[Exception]) -> None:
    with pytest.raises(exc, match="default_headers"):
        ab.AnthropicBedrock(**client_kwargs(emulator), default_headers=headers)
    client = ab.AnthropicBedrock(**client_kwargs(emulator))
    with pytest.raises(exc, match="default_headers"):
        client.with_options(default_headers=headers)
    assert emulator.log == []


def test_legal_odd_headers_are_sent(driver: Driver, emulator: Any) -> None:
    create(driver, extra_headers={"X-Odd": "a  b\tc!~", "x-lower_case.1": "v"})
    (entry,) = emulator.requests("invoke")
    assert entry.header("x-odd") == "a  b\tc!~" and entry.header("x-lower_case.1") == "v"
    assert emulator.signature_failures == 0


def test_with_options_region_keeps_an_explicit_base_url(
    driver: Driver, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = driver.client.with_options(aws_region="eu-west-1")
    assert other.base_url == emulator.url and other.aws_region == "eu-west-1"
    driver.run(other.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=2))
    (entry,) = emulator.requests("invoke")
    assert "/eu-west-1/bedrock/aws4_request" in entry.header("authorization")
    # ... and so does one taken from ANTHROPIC_BEDROCK_BASE_URL, through several copies.
    monkeypatch.setenv("ANTHROPIC_BEDROCK_BASE_URL", emulator.url)
    from_env = ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", aws_region="us-east-1")
    copy = (
        from_env.with_options(aws_region="ap-south-1").with_options(max_retries=1).with_options(aws_region="eu-north-1")
    )
    assert copy.base_url == emulator.url
    # A derived default follows the region, and a copy given a new base_url keeps that one.
    monkeypatch.delenv("ANTHROPIC_BEDROCK_BASE_URL")
    derived = ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", aws_region="us-east-1")
    assert derived.with_options(aws_region="eu-west-3").base_url == "https://bedrock-runtime.eu-west-3.amazonaws.com"
    moved = derived.with_options(base_url=emulator.url).with_options(aws_region="eu-west-3")
    assert moved.base_url == emulator.url


@pytest.mark.parametrize(
    "timeout",
    [
        float("inf"),
        1e30,
        float("nan"),
        10**400,
        -1,
        0,
        httpx.Timeout(float("inf")),
        httpx.Timeout(5.0, read=1e30),
        httpx.Timeout(5.0, pool=float("nan")),
    ],
    ids=repr,
)
def test_unusable_timeouts_name_the_argument(driver: Driver, emulator: Any, timeout: Any) -> None:
    with pytest.raises(ValueError, match="timeout"):
        create(driver, timeout=timeout)
    with pytest.raises(ValueError, match="timeout"):
        driver.client.with_options(timeout=timeout)
    with pytest.raises(ValueError, match="timeout"):
        ab.AnthropicBedrock(**client_kwargs(emulator), timeout=timeout)
    assert emulator.log == []


def test_large_and_absent_timeouts_still_work(driver: Driver) -> None:
    assert create(driver, timeout=1e9).completion
    assert create(driver, timeout=None).completion
    assert create(driver, timeout=httpx.Timeout(None, connect=5.0)).completion


def test_query_is_percent_encoded_as_signed(driver: Driver, emulator: Any) -> None:
    query = {"q": "a b", "s": "x/y+z&=é~", "n": 3}
    completion = create(driver, extra_query=query)
    assert completion.completion
    (entry,) = emulator.requests("invoke")
    assert entry.path.endswith("?q=a%20b&s=x%2Fy%2Bz%26%3D%C3%A9~&n=3")
    assert emulator.signature_failures == 0


class _TrickleHandler(__import__("socketserver").BaseRequestHandler):
    """Answers any request with a valid completion, one byte of the body every 50 ms."""

    def handle(self) -> None:
        import json as _json

        data = b""
        while b"\r\n\r\n" not in data:
            data += self.request.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(
            next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
        )
        while len(rest) < length:
            rest += self.request.recv(65536)
        body = _json.dumps({"completion": " trickled", "stop_reason": "max_tokens", "stop": None}).encode()
        self.request.sendall(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body)
        )
        for i in range(len(body)):
            time.sleep(0.05)
            try:
                self.request.sendall(body[i : i + 1])
            except OSError:
                return


@pytest.fixture
def trickle_url() -> Any:
    import socketserver
    import threading

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    with Server(("127.0.0.1", 0), _TrickleHandler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


def test_timeout_bounds_the_whole_body(mode: str, trickle_url: str) -> None:
    # The body takes about 2.5 s at one byte per 50 ms; each read is quick, so only a deadline on
    # the whole attempt stops it.
    d = Driver(mode, aws_access_key="a", aws_secret_key="b", base_url=trickle_url, max_retries=0, timeout=0.8)
    try:
        started = time.monotonic()
        with pytest.raises(ab.APITimeoutError) as info:
            create(d)
        assert time.monotonic() - started < 2.0
        assert isinstance(info.value.__cause__, httpx.ReadTimeout)
        assert create(d, timeout=10.0).completion == " trickled"  # a generous timeout lets it finish
    finally:
        d.close()


def test_deeply_nested_json_is_a_typed_error(mode: str) -> None:
    nested = NESTED_JSON
    transport = httpx.MockTransport(nested_json_answer)
    http: Any = httpx.Client(transport=transport) if mode == "sync" else httpx.AsyncClient(transport=transport)
    d = Driver(mode, aws_access_key="a", aws_secret_key="b", http_client=http, max_retries=0)
    try:
        with pytest.raises(ab.APIResponseValidationError):
            create(d, extra_headers={"x-case": "body"})
        with pytest.raises(ab.InternalServerError) as info:
            create(d, extra_headers={"x-case": "error"})
        assert info.value.body == nested.decode()  # the raw body is kept
        with pytest.raises(ab.StreamDecodeError):
            d.collect(create(d, stream=True, extra_headers={"x-case": "chunk"}))
        with pytest.raises(ab.RateLimitError) as frame_info:
            d.collect(create(d, stream=True, extra_headers={"x-case": "exception"}))
        assert frame_info.value.body == nested.decode()
    finally:
        if mode != "sync":
            d.run(http.aclose())
        else:
            http.close()
        d.close()


def test_async_transport_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from anthropic_bedrock._http.transport import async_transport

    context = httpx.create_ssl_context()
    limits = httpx.Limits(max_connections=3)
    monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", "httpx")
    assert async_transport(limits, context) is None
    monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", "curl")
    with pytest.raises(ValueError, match="ANTHROPIC_BEDROCK_ASYNC_TRANSPORT"):
        async_transport(limits, context)
    monkeypatch.setitem(sys.modules, "anthropic_bedrock._http.aiohttp", None)  # as if aiohttp were missing
    monkeypatch.delenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT")
    assert async_transport(limits, context) is None  # without aiohttp (a vendored copy, say), httpx's pool
    monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", "aiohttp")
    with pytest.raises(ImportError, match="needs aiohttp"):
        async_transport(limits, context)


@pytest.mark.skipif(not __import__("drivers").HAVE_AIOHTTP, reason="aiohttp is not installed")
def test_aiohttp_is_the_default_async_transport_when_installed(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from anthropic_bedrock._http.aiohttp import AiohttpTransport

    monkeypatch.delenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", raising=False)

    async def main() -> Any:
        async with ab.AsyncAnthropicBedrock(**client_kwargs(emulator)) as client:
            await client.completions.create(model=ARN, prompt=PROMPT, max_tokens_to_sample=2)
            return client._http._transport

    assert isinstance(asyncio.run(main()), AiohttpTransport)
    assert emulator.signature_failures == 0


@pytest.mark.skipif(not __import__("drivers").HAVE_AIOHTTP, reason="aiohttp is not installed")
@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_async_client_dropped_unclosed_warns_quietly_on_either_transport(
    emulator: Any, monkeypatch: pytest.MonkeyPatch, transport: str
) -> None:
    # Not closing a client is the caller's slip: a ResourceWarning (off by default) says so, as
    # for any unclosed socket, never an error logged through the event loop.
    import gc
    import warnings

    monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", transport)
    reported: list[dict[str, Any]] = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context))
        client = ab.AsyncAnthropicBedrock(**client_kwargs(emulator))
        await client.completions.create(model=ARN, prompt=PROMPT, max_tokens_to_sample=2)
        del client  # dropped with an idle connection in its pool
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gc.collect()
            await asyncio.sleep(0)
        assert any(issubclass(w.category, ResourceWarning) for w in caught)

    asyncio.run(main())
    assert [c.get("message") for c in reported] == []
