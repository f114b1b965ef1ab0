"""The emulator's CountTokens operation over real HTTP: SigV4, the rest-json envelope, validation
of the inner InvokeModel body, the count (equal to what invoking the body reports), faults."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from test_emulator import MODEL, post, text_body
from test_emulator_messages import CLOCK, DOCUMENT, IMAGE, WEATHER, body, text, user

from anthropic_bedrock.emulator import Emulator


def count_request(
    emu: Emulator, payload: bytes, *, model: str = MODEL, extra: Mapping[str, str] | None = None
) -> httpx.Response:
    url = f"{emu.url}/model/{quote(model, safe='')}/count-tokens"
    request = AWSRequest(method="POST", url=url, data=payload, headers={"content-type": "application/json"})
    SigV4Auth(Credentials(emu.access_key, emu.secret_key), "bedrock", "us-east-1").add_auth(request)
    return httpx.post(url, content=payload, headers={**dict(request.headers.items()), **(extra or {})}, timeout=30)


def envelope(inner: bytes) -> bytes:
    return json.dumps({"input": {"invokeModel": {"body": base64.b64encode(inner).decode()}}}).encode()


def count(emu: Emulator, document: dict[str, Any]) -> httpx.Response:
    return count_request(emu, envelope(json.dumps(document).encode()))


@pytest.mark.parametrize(
    "document",
    [
        body(),
        body(user(text("one two"), IMAGE, DOCUMENT), system="be brief", tools=[WEATHER, CLOCK]),
        json.loads(text_body()),
    ],
    ids=["messages", "images-documents-tools", "text-completion"],
)
def test_count_equals_invoke_usage(emulator: Emulator, document: dict[str, Any]) -> None:
    response = count(emulator, document)
    assert response.status_code == 200, response.text
    assert response.headers["x-amzn-requestid"]
    counted = response.json()["inputTokens"]
    invoked = post(emulator, json.dumps(document).encode())
    assert invoked.headers["x-amzn-bedrock-input-token-count"] == str(counted)
    (entry, _) = emulator.log
    assert entry.operation == "count_tokens" and entry.model_id == MODEL and entry.status == 200


def test_exact_count(emulator: Emulator) -> None:
    document = body(user(text("one two three"), IMAGE, DOCUMENT), system=[text("four")], tools=[CLOCK])
    # 3 words + 1000 per image + 2000 per document + 1 system word + "get_time" + '{"type": "object", "properties": {}}'
    assert count(emulator, document).json() == {"inputTokens": 3 + 1000 + 2000 + 1 + 1 + 4}


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"not json", "not valid JSON"),
        (b"{}", "Value null at 'input'"),
        (json.dumps({"input": {}}).encode(), "exactly one of invokeModel and converse"),
        (json.dumps({"input": {"converse": {"messages": []}}}).encode(), "input.converse is not supported"),
        (json.dumps({"input": {"invokeModel": {}}}).encode(), "Value null at 'input.invokeModel.body'"),
        (
            json.dumps({"input": {"invokeModel": {"body": "%%%"}}}).encode(),
            "input.invokeModel.body is not valid base64",
        ),
        (envelope(b"not json either"), "input.invokeModel.body: Malformed input request"),
        (
            envelope(json.dumps(body(max_tokens=0)).encode()),
            "input.invokeModel.body: Malformed input request: #/max_tokens",
        ),
        (
            envelope(
                json.dumps(
                    body(
                        {
                            "role": "user",
                            "content": [
                                {
                                    "type": "image",
                                    "source": {"type": "base64", "media_type": "image/tiff", "data": "AA=="},
                                }
                            ],
                        }
                    )
                ).encode()
            ),
            "#/messages/0/content/0/source/media_type",
        ),
    ],
)
def test_validation(emulator: Emulator, payload: bytes, expected: str) -> None:
    response = count_request(emulator, payload)
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "ValidationException"
    assert expected in response.json()["message"]


def test_inner_body_over_the_limit(emulator: Emulator) -> None:
    inner = text_body(prompt="a" * 25_000_000)
    response = count_request(emulator, envelope(inner))
    assert response.status_code == 400
    assert "input.invokeModel.body" in response.json()["message"] and "25000000" in response.json()["message"]


def test_auth_model_and_faults(emulator: Emulator) -> None:
    payload = envelope(json.dumps(body()).encode())
    unsigned = httpx.post(f"{emulator.url}/model/{MODEL}/count-tokens", content=payload)
    assert unsigned.status_code == 403
    assert count_request(emulator, payload, model="anthropic.nonexistent").status_code == 404
    emulator.push_fault("status=429", match="count_tokens")
    assert post(emulator).status_code == 200  # invoke does not take it
    throttled = count_request(emulator, payload)
    assert (throttled.status_code, throttled.headers["x-amzn-errortype"]) == (429, "ThrottlingException")
    assert count_request(emulator, payload, extra={"x-emulator-fault": "status=503"}).status_code == 503
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        count_request(emulator, payload, extra={"x-emulator-fault": "reset"})
    with pytest.raises(httpx.RemoteProtocolError):
        count_request(emulator, payload, extra={"x-emulator-fault": "cut=0"})
    assert count_request(emulator, payload).json() == {"inputTokens": 3}
    assert emulator.stats().by_operation["count_tokens"] == 7
