"""Structured outputs in batch inference: `output_config` in a batch request is checked like every
other field before anything is uploaded, and each record's answer is JSON valid against its schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_batches import create, results

from anthropic_bedrock import BatchRequestError, MessageBatchSucceededResult
from anthropic_bedrock.emulator import Emulator

from batchkit import bucket_keys

SCHEMA = {
    "type": "object",
    "properties": {"word": {"type": "string"}, "count": {"type": "integer"}},
    "required": ["word", "count"],
    "additionalProperties": False,
}


def request(i: int, schema: dict[str, Any]) -> dict[str, Any]:
    params = {
        "max_tokens": 64,
        "messages": [{"role": "user", "content": f"Count item {i}"}],
        "output_config": {"format": {"type": "json_schema", "schema": schema}},
    }
    return {"custom_id": f"item-{i}", "params": params}


def test_structured_batch_answers_follow_the_schema(bd: Any, batch_emulator: Emulator) -> None:
    batch = create(bd, batch_emulator, [request(i, SCHEMA) for i in range(12)])
    ended = bd.run(bd.client.messages.batches.wait(batch.id, poll_interval=0.05))
    assert ended.request_counts.succeeded == 12
    for result in results(bd, ended).values():
        assert isinstance(result, MessageBatchSucceededResult)
        value = json.loads(result.message.content[0].text)
        assert set(value) == {"word", "count"} and isinstance(value["count"], int)


def test_a_schema_bedrock_refuses_is_refused_before_upload(bd: Any, batch_emulator: Emulator) -> None:
    loose = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}}
    requests = [request(i, SCHEMA) for i in range(11)] + [request(11, loose)]
    with pytest.raises(BatchRequestError) as info:
        create(bd, batch_emulator, requests)
    assert info.value.index == 11 and info.value.custom_id == "item-11"
    assert "output_config.format.schema.properties.n.minimum is not supported" in str(info.value)
    assert bucket_keys(batch_emulator) == [] and batch_emulator.requests("create_job") == []
