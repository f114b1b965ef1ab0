"""The emulator takes a beta-only body field only when the request names its beta, as Bedrock
does: ``context_management`` with a ``context-management-...`` beta."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_emulator import post

from anthropic_bedrock.emulator import Emulator

CONTEXT = {"edits": [{"type": "clear_tool_uses_20250919", "keep": {"type": "tool_uses", "value": 3}}]}


def messages_body(**extra: Any) -> bytes:
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 3,
        "messages": [{"role": "user", "content": "alpha beta gamma"}],
        **extra,
    }
    return json.dumps(body).encode()


def test_context_management_with_its_beta(emulator: Emulator) -> None:
    response = post(
        emulator, messages_body(anthropic_beta=["context-management-2025-06-27"], context_management=CONTEXT)
    )
    assert response.status_code == 200, response.text
    assert response.json()["content"] == [{"type": "text", "text": "alpha beta gamma"}]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"context_management": CONTEXT}, "#: extraneous key [context_management] is not permitted"),
        (
            {"anthropic_beta": ["interleaved-thinking-2025-05-14"], "context_management": CONTEXT},
            "#: extraneous key [context_management] is not permitted",
        ),
        (
            {"anthropic_beta": ["context-management-2025-06-27"], "context_management": []},
            "#/context_management",
        ),
        (
            {"anthropic_beta": ["context-management-2025-06-27"], "context_management": {"edits": [{}]}},
            "#/context_management/edits/0/type",
        ),
    ],
)
def test_context_management_refused(emulator: Emulator, extra: dict[str, Any], message: str) -> None:
    response = post(emulator, messages_body(**extra))
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "ValidationException"
    assert message in response.json()["message"]
