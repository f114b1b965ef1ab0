"""The local Bedrock emulator over real HTTP: authentication, validation, answers, faults, counters."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from urllib.parse import quote

import botocore.auth
import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer

from anthropic_bedrock._aws.eventstream import EventStreamDecoder, EventStreamMessage, MessageCRCError
from anthropic_bedrock.emulator import Emulator, async_emulator, emulator, parse_fault

MODEL = "anthropic.claude-v2"
ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-v2"
PROMPT = "\n\nHuman: alpha beta gamma\n\nAssistant:"


def text_body(**overrides: object) -> bytes:
    body: dict[str, object] = {
        "prompt": PROMPT,
        "max_tokens_to_sample": 5,
        "anthropic_version": "bedrock-2023-05-31",
    }
    body.update(overrides)
    return json.dumps({k: v for k, v in body.items() if v is not ...}).encode()


def signed(
    emu: Emulator,
    body: bytes,
    *,
    model: str = MODEL,
    stream: bool = False,
    secret: str | None = None,
    access_key: str | None = None,
    token: str | None = None,
    region: str = "us-west-2",
    extra: Mapping[str, str] | None = None,
) -> tuple[str, dict[str, str]]:
    """URL and headers of a request signed the way botocore signs Bedrock calls."""
    op = "invoke-with-response-stream" if stream else "invoke"
    url = f"{emu.url}/model/{quote(model, safe='')}/{op}"
    request = AWSRequest(method="POST", url=url, data=body, headers={"content-type": "application/json"})
    credentials = Credentials(access_key or emu.access_key, secret or emu.secret_key, token or emu.session_token)
    SigV4Auth(credentials, "bedrock", region).add_auth(request)
    headers = dict(request.headers.items())
    headers.update(extra or {})
    return url, headers


def post(emu: Emulator, body: bytes | None = None, **kwargs: object) -> httpx.Response:
    payload = text_body() if body is None else body
    url, headers = signed(emu, payload, **kwargs)  # type: ignore[arg-type]
    return httpx.post(url, content=payload, headers=headers, timeout=10)


def frames(content: bytes) -> list[EventStreamMessage]:
    decoder = EventStreamDecoder()
    out = decoder.feed(content)
    decoder.close()
    return out


def chunk_json(message: EventStreamMessage) -> dict[str, object]:
    return json.loads(base64.b64decode(json.loads(message.payload)["bytes"]))  # type: ignore[no-any-return]


# -- authentication ----------------------------------------------------------------------------


def test_signed_invoke_succeeds(emulator: Emulator) -> None:
    response = post(emulator)
    assert response.status_code == 200, response.text
    assert response.json() == {"completion": " alpha beta gamma alpha beta", "stop_reason": "max_tokens", "stop": None}
    assert response.headers["x-amzn-requestid"]
    assert response.headers["x-amzn-bedrock-output-token-count"] == "5"
    assert response.headers["x-amzn-bedrock-input-token-count"] == str(len(PROMPT.split()))
    assert int(response.headers["x-amzn-bedrock-invocation-latency"]) >= 1
    (entry,) = emulator.log
    assert entry.request_id == response.headers["x-amzn-requestid"]
    assert entry.status == 200 and entry.operation == "invoke" and entry.model_id == MODEL


def test_session_token_required_when_configured() -> None:
    with emulator(session_token="emulator-session-token") as emu:
        assert post(emu).status_code == 200
        wrong = post(emu, token="another-token")
        assert wrong.status_code == 403
        assert wrong.headers["x-amzn-errortype"] == "UnrecognizedClientException"
    with emulator() as emu:
        assert post(emu, token="unexpected").status_code == 403


@pytest.mark.parametrize(
    ("kwargs", "error_type"),
    [
        ({"secret": "wrong-secret"}, "InvalidSignatureException"),
        ({"access_key": "AKIDUNKNOWN"}, "UnrecognizedClientException"),
    ],
)
def test_bad_credentials_get_403(emulator: Emulator, kwargs: dict[str, str], error_type: str) -> None:
    response = post(emulator, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == error_type
    assert "message" in response.json()
    assert emulator.signature_failures == 1


def test_body_changed_after_signing_gets_403(emulator: Emulator) -> None:
    url, headers = signed(emulator, text_body())
    response = httpx.post(url, content=text_body(max_tokens_to_sample=6), headers=headers)
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert "signature we calculated does not match" in response.json()["message"]


def test_stale_date_gets_signature_expired(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=6)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: stale)
    response = post(emulator)
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert response.json()["message"].startswith("Signature expired")


def test_missing_auth_and_wrong_service(emulator: Emulator) -> None:
    response = httpx.post(f"{emulator.url}/model/{MODEL}/invoke", content=text_body())
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    url, headers = signed(emulator, text_body())
    headers["Authorization"] = headers["Authorization"].replace("/bedrock/", "/s3/")
    response = httpx.post(url, content=text_body(), headers=headers)
    assert response.status_code == 403
    assert "scoped to correct service" in response.json()["message"]


def test_bearer_api_key(emulator: Emulator) -> None:
    url = f"{emulator.url}/model/{MODEL}/invoke"
    ok = httpx.post(url, content=text_body(), headers={"Authorization": f"Bearer {emulator.api_key}"})
    assert ok.status_code == 200
    bad = httpx.post(url, content=text_body(), headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 403
    assert bad.headers["x-amzn-errortype"] == "UnrecognizedClientException"


def test_arn_model_id_is_percent_decoded(emulator: Emulator) -> None:
    response = post(emulator, model=ARN)
    assert response.status_code == 200, response.text
    (entry,) = emulator.log
    assert entry.model_id == ARN
    assert "%3A" in entry.path and "%2F" in entry.path


def test_unknown_model_and_unknown_path(emulator: Emulator) -> None:
    missing = post(emulator, model="anthropic.nonexistent-model")
    assert missing.status_code == 404
    assert missing.headers["x-amzn-errortype"] == "ResourceNotFoundException"
    unknown = httpx.post(f"{emulator.url}/model/{MODEL}/converse-ish", content=b"{}")
    assert unknown.status_code == 404
    assert unknown.headers["x-amzn-errortype"] == "UnknownOperationException"
    assert unknown.headers["x-amzn-requestid"]


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (text_body(prompt=...), "prompt"),
        (text_body(max_tokens_to_sample=...), "max_tokens_to_sample"),
        (text_body(max_tokens_to_sample=0), "max_tokens_to_sample"),
        (text_body(max_tokens_to_sample="5"), "max_tokens_to_sample"),
        (text_body(temperature=1.5), "temperature"),
        (text_body(top_p=-0.1), "top_p"),
        (text_body(top_k=-1), "top_k"),
        (text_body(top_k=1.5), "top_k"),
        (text_body(stop_sequences="x"), "stop_sequences"),
        (text_body(stop_sequences=[1]), "stop_sequences"),
        (text_body(anthropic_version=...), "anthropic_version"),
        (text_body(anthropic_version="2023-01-01"), "anthropic_version"),
        (text_body(model=MODEL), "model"),
        (text_body(stream=True), "stream"),
        (text_body(surprise=1), "surprise"),
        (text_body(max_tokens_to_sample=4097), "#/max_tokens_to_sample: 4097 is not less or equal to 4096"),
        (b"[1, 2]", "JSONObject"),
        (b"not json", "Malformed input request"),
    ],
)
def test_validation_errors_name_the_field(emulator: Emulator, body: bytes, field: str) -> None:
    response = post(emulator, body)
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "ValidationException"
    assert field in response.json()["message"]


def test_every_field_the_description_names_is_accepted(emulator: Emulator) -> None:
    # `metadata` is in the description of a text completion body, so it is accepted with the rest.
    document = text_body(metadata={"user_id": "u-1"}, stop_sequences=["zzz"], temperature=0.5, top_p=0.9, top_k=3)
    response = post(emulator, document)
    assert response.status_code == 200, response.text


def test_stop_sequences_and_natural_end(emulator: Emulator) -> None:
    response = post(emulator, text_body(stop_sequences=["gamma"]))
    assert response.json() == {"completion": " alpha beta ", "stop_reason": "stop_sequence", "stop": "gamma"}
    response = post(emulator, extra={"x-emulator-fault": "length=2"})
    assert response.json() == {"completion": " alpha beta", "stop_reason": "stop_sequence", "stop": "\n\nHuman:"}


def test_messages_api_invoke_and_stream(emulator: Emulator) -> None:
    body = json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 3,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hello there"}]}],
        }
    ).encode()
    message = post(emulator, body).json()
    assert message["type"] == "message" and message["role"] == "assistant"
    assert message["content"] == [{"type": "text", "text": "hello there hello"}]
    assert message["stop_reason"] == "max_tokens"
    assert message["usage"] == {"input_tokens": 2, "output_tokens": 3}
    events = [chunk_json(m) for m in frames(post(emulator, body, stream=True).content)]
    assert [e["type"] for e in events] == [
        "message_start",
        "ping",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert "".join(e["delta"]["text"] for e in events if e["type"] == "content_block_delta") == "hello there hello"  # type: ignore[index]
    assert "amazon-bedrock-invocationMetrics" in events[-1]
    missing = json.dumps({"anthropic_version": "bedrock-2023-05-31", "messages": [{"role": "user", "content": "x"}]})
    assert "max_tokens" in post(emulator, missing.encode()).json()["message"]


# -- streaming ---------------------------------------------------------------------------------


def test_stream_one_chunk_per_word(emulator: Emulator) -> None:
    response = post(emulator, stream=True)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.amazon.eventstream"
    messages = frames(response.content)
    assert len(messages) == 5
    assert all(m.message_type == "event" and m.event_type == "chunk" for m in messages)
    assert all(m.headers[":content-type"] == "application/json" for m in messages)
    chunks = [chunk_json(m) for m in messages]
    assert "".join(str(c["completion"]) for c in chunks) == " alpha beta gamma alpha beta"
    assert all(c["stop_reason"] is None and "amazon-bedrock-invocationMetrics" not in c for c in chunks[:-1])
    assert chunks[-1]["stop_reason"] == "max_tokens"
    metrics = chunks[-1]["amazon-bedrock-invocationMetrics"]
    assert isinstance(metrics, dict)
    assert set(metrics) == {"inputTokenCount", "outputTokenCount", "invocationLatency", "firstByteLatency"}
    assert metrics["outputTokenCount"] == 5


def test_stream_frames_are_flushed_as_produced(emulator: Emulator) -> None:
    url, headers = signed(
        emulator, text_body(max_tokens_to_sample=4), stream=True, extra={"x-emulator-fault": "pace=150"}
    )
    arrivals = []
    decoder = EventStreamDecoder()
    with httpx.stream("POST", url, content=text_body(max_tokens_to_sample=4), headers=headers) as response:
        for data in response.iter_raw():
            for _ in decoder.feed(data):
                arrivals.append(time.perf_counter())
    decoder.close()
    assert len(arrivals) == 4
    assert arrivals[-1] - arrivals[0] >= 0.4


# -- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, "ValidationException"),
        (403, "AccessDeniedException"),
        (404, "ResourceNotFoundException"),
        (408, "ModelTimeoutException"),
        (424, "ModelErrorException"),
        (429, "ThrottlingException"),
        (500, "InternalServerException"),
        (503, "ServiceUnavailableException"),
    ],
)
def test_status_faults(emulator: Emulator, status: int, error_type: str) -> None:
    response = post(emulator, extra={"x-emulator-fault": f"status={status}"})
    assert response.status_code == status
    assert response.headers["x-amzn-errortype"] == error_type
    assert response.json()["message"]
    assert response.headers["x-amzn-requestid"]
    assert emulator.faults_served == 1


def test_status_fault_options(emulator: Emulator) -> None:
    response = post(
        emulator,
        extra={
            "x-emulator-fault": "status=429;retry_after=2;retry_after_ms=1500;should_retry=false;message=slow%3B down"
        },
    )
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.headers["retry-after-ms"] == "1500"
    assert response.headers["x-should-retry"] == "false"
    assert response.json() == {"message": "slow; down"}
    response = post(emulator, extra={"x-emulator-fault": "status=429;type=ModelNotReadyException"})
    assert response.headers["x-amzn-errortype"] == "ModelNotReadyException"
    response = post(emulator, extra={"x-emulator-fault": "type=ServiceQuotaExceededException;status=400"})
    assert (response.status_code, response.headers["x-amzn-errortype"]) == (400, "ServiceQuotaExceededException")
    bad = post(emulator, extra={"x-emulator-fault": "status=abc"})
    assert bad.status_code == 400 and "x-emulator-fault" in bad.json()["message"]


def test_queue_fails_next_requests_then_succeeds(emulator: Emulator) -> None:
    emulator.push_fault("status=503", count=2)
    assert [post(emulator).status_code for _ in range(3)] == [503, 503, 200]
    control = httpx.post(f"{emulator.url}/_emulator/faults", json={"spec": "status=500", "count": 1, "match": "stream"})
    assert control.json() == {"pending": 1}
    assert post(emulator).status_code == 200  # invoke does not match
    assert post(emulator, stream=True).status_code == 500
    assert emulator.pending_faults() == 0
    stats = httpx.get(f"{emulator.url}/_emulator/stats").json()
    assert stats["faults_served"] == 3 and stats["by_status"]["503"] == 2


def test_auth_failures_do_not_consume_faults(emulator: Emulator) -> None:
    emulator.push_fault("status=500")
    assert post(emulator, secret="wrong").status_code == 403
    assert post(emulator).status_code == 500


def test_reset_fault(emulator: Emulator) -> None:
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        post(emulator, extra={"x-emulator-fault": "reset"})
    assert post(emulator).status_code == 200


def test_delay_fault(emulator: Emulator) -> None:
    start = time.perf_counter()
    assert post(emulator, extra={"x-emulator-fault": "delay=300"}).status_code == 200
    assert time.perf_counter() - start >= 0.3


def test_chunks_fault(emulator: Emulator) -> None:
    body = text_body(max_tokens_to_sample=10)
    messages = frames(post(emulator, body, stream=True, extra={"x-emulator-fault": "chunks=3"}).content)
    assert len(messages) == 3
    assert "".join(str(chunk_json(m)["completion"]) for m in messages).split() == (["alpha", "beta", "gamma"] * 4)[:10]


def test_cut_fault(emulator: Emulator) -> None:
    url, headers = signed(emulator, text_body(), stream=True, extra={"x-emulator-fault": "cut=2"})
    decoder = EventStreamDecoder()
    got: list[EventStreamMessage] = []
    with pytest.raises(httpx.RemoteProtocolError), httpx.stream("POST", url, content=text_body(), headers=headers) as r:
        for data in r.iter_raw():
            got += decoder.feed(data)
    assert len(got) == 2
    with pytest.raises(httpx.RemoteProtocolError):
        post(emulator, extra={"x-emulator-fault": "cut=0"})


def test_crc_fault_fails_both_decoders(emulator: Emulator) -> None:
    content = post(emulator, stream=True, extra={"x-emulator-fault": "crc=1"}).content
    decoder = EventStreamDecoder()
    assert len(decoder.feed(content)) == 1
    with pytest.raises(MessageCRCError):
        decoder.close()
    buffer = EventStreamBuffer()
    buffer.add_data(content)
    with pytest.raises(ChecksumMismatch):
        list(buffer)


@pytest.mark.parametrize(
    "exception",
    [
        "throttlingException",
        "modelStreamErrorException",
        "internalServerException",
        "validationException",
        "modelTimeoutException",
        "serviceUnavailableException",
    ],
)
def test_in_stream_exceptions(emulator: Emulator, exception: str) -> None:
    response = post(emulator, stream=True, extra={"x-emulator-fault": f"exception={exception};after=2"})
    messages = frames(response.content)
    assert [m.message_type for m in messages] == ["event", "event", "exception"]
    assert messages[-1].exception_type == exception
    assert json.loads(messages[-1].payload)["message"]


def test_fault_spec_parsing() -> None:
    spec = parse_fault("status=429; retry_after=1 ;pace=5;chunks=2;cut=1;crc;exception=throttlingException;after=1")
    assert (spec.status, spec.retry_after, spec.pace_ms, spec.chunks, spec.cut, spec.crc) == (429, "1", 5.0, 2, 1, 0)
    assert parse_fault("type=ThrottlingException").status == 429
    for bad in ("status=200", "bogus=1", "exception=nope", "chunks=0", "status", "match=all"):
        with pytest.raises(ValueError):
            parse_fault(bad)


# -- counters, concurrency, lifecycle ------------------------------------------------------------


def test_counters_and_reset(emulator: Emulator) -> None:
    post(emulator)
    post(emulator, stream=True)
    post(emulator, secret="bad")
    httpx.get(f"{emulator.url}/nowhere")
    stats = emulator.stats()
    assert stats.requests == 4
    assert stats.by_operation == {"invoke": 2, "stream": 1, "unknown": 1}
    assert emulator.request_counts[f"/model/{MODEL}/invoke"] == 2
    assert stats.signature_failures == 1
    assert [e.status for e in emulator.requests("invoke")] == [200, 403]
    assert emulator.log[0].json() == json.loads(text_body())
    assert emulator.log[0].received_at <= time.time()
    emulator.reset()
    assert emulator.stats().requests == 0 and emulator.log == []


def test_500_concurrent_keep_alive_connections(emulator: Emulator) -> None:
    body = text_body(max_tokens_to_sample=3)
    url, headers = signed(emulator, body, extra={"x-emulator-fault": "delay=300"})

    tls = ssl.create_default_context()  # loading the CA bundle once, not per client, keeps the test fast

    async def one_connection() -> list[int]:
        # A client per connection: httpx's shared pool is quadratic in its size, this measures the server.
        async with httpx.AsyncClient(timeout=30, verify=tls) as client:
            return [(await client.post(url, content=body, headers=headers)).status_code for _ in range(2)]

    async def main() -> list[int]:
        results = await asyncio.gather(*(one_connection() for _ in range(500)))
        return [status for pair in results for status in pair]

    start = time.perf_counter()
    statuses = asyncio.run(main())
    elapsed = time.perf_counter() - start
    assert statuses == [200] * 1000
    stats = emulator.stats()
    assert stats.requests == 1000
    assert stats.connections_opened == 500  # each connection carried two requests (keep-alive)
    assert elapsed < 30  # a few seconds on a 2-core machine; generous for loaded CI runners


def test_async_emulator_and_clean_shutdown() -> None:
    threads_before = set(threading.enumerate())

    async def main() -> int:
        async with async_emulator(api_key="k") as emu, httpx.AsyncClient() as client:
            response = await client.post(
                f"{emu.url}/model/{MODEL}/invoke-with-response-stream",
                content=text_body(),
                headers={"Authorization": "Bearer k"},
            )
            assert len(frames(response.content)) == 5
            port = emu.port
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0
        return len(asyncio.all_tasks())

    assert asyncio.run(main()) == 1
    with emulator() as emu:
        assert post(emu).status_code == 200
    assert set(threading.enumerate()) == threads_before


def test_command_line(tmp_path: object) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "anthropic_bedrock.emulator", "--port", "0", "--api-key", "cli-key"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        rest = [process.stdout.readline() for _ in range(5)]
        assert any(line.startswith(f"export ANTHROPIC_BEDROCK_BASE_URL={url}") for line in rest)
        response = httpx.post(
            f"{url}/model/{MODEL}/invoke", content=text_body(), headers={"Authorization": "Bearer cli-key"}
        )
        assert response.status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_internal_failure_answers_500(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    import anthropic_bedrock.emulator._bedrock as bedrock

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(bedrock, "answer", broken)
    response = post(emulator)
    assert response.status_code == 500
    assert response.headers["x-amzn-errortype"] == "InternalServerException"
