"""`client.messages.batches`, sync and async (one body per test, every mode), over the emulator's
control plane (real HTTP, SigV4 for `bedrock`) and moto's S3 server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from anthropic_bedrock import (
    BatchNotEndedError,
    BatchQuotaError,
    BatchRequestError,
    BatchWaitTimeoutError,
    MessageBatch,
    MessageBatchCanceledResult,
    MessageBatchErroredResult,
    MessageBatchSucceededResult,
    MissingCredentialsError,
    NotFoundError,
)
from anthropic_bedrock._aws.s3 import S3NotFoundError
from anthropic_bedrock._batch.layout import job_id_from_arn
from anthropic_bedrock.emulator import Emulator

from batchkit import MODEL, QUOTAS, bucket_keys

TOOLS = [{"name": "lookup", "description": "Look a word up.", "input_schema": {"type": "object"}}]


def mixed(n: int, start: int = 0) -> Iterator[dict[str, Any]]:
    """Plain requests, a forced tool call every tenth (3), thinking (7), and a request the model
    refuses (9: a thinking budget not below max_tokens passes the SDK's checks, not the model's)."""
    for i in range(start, start + n):
        params: dict[str, Any] = {"max_tokens": 32, "messages": [{"role": "user", "content": f"Echo item {i}"}]}
        if i % 10 == 3:
            params.update(tools=TOOLS, tool_choice={"type": "any"})
        elif i % 10 == 7:
            params.update(max_tokens=2048, thinking={"type": "enabled", "budget_tokens": 1024})
        elif i % 10 == 9:
            params.update(max_tokens=1500, thinking={"type": "enabled", "budget_tokens": 1500})
        yield {"custom_id": f"item-{i}", "params": params}


def create(bd: Any, emu: Emulator, requests: Any, **kwargs: Any) -> MessageBatch:
    arguments: dict[str, Any] = {
        "requests": requests,
        "model": MODEL,
        "role_arn": emu.batch.role_arn,
        "s3_prefix": f"s3://{emu.batch.bucket}/runs",
        "quotas": QUOTAS,
        **kwargs,
    }
    batch: MessageBatch = bd.run(bd.client.messages.batches.create(**arguments))
    return batch


def results(bd: Any, batch: Any) -> dict[str, Any]:
    found = bd.collect(bd.run(bd.client.messages.batches.results(batch)))
    by_id = {item.custom_id: item.result for item in found}
    assert len(by_id) == len(found)
    return by_id


def test_create_wait_results_over_several_jobs(bd: Any, batch_emulator: Emulator) -> None:
    seen: list[MessageBatch] = []
    batch = create(bd, batch_emulator, mixed(250), job_name="mixed-run")
    assert batch.id == "mixed-run" and batch.processing_status == "in_progress" and batch.complete
    # Over the per-job limit of 100: three jobs (100, 100, 50), joined behind one batch.
    assert [(job.part, job.records) for job in batch.jobs] == [(1, 100), (2, 100), (3, 50)]
    assert batch.request_counts.total == 250

    async def on_progress_async(view: MessageBatch) -> None:
        seen.append(view)

    progress = on_progress_async if bd.is_async else seen.append
    ended = bd.run(bd.client.messages.batches.wait(batch.id, poll_interval=0.05, on_progress=progress))
    assert ended.processing_status == "ended" and ended.ended_at is not None
    assert [job.status for job in ended.jobs] == ["Completed"] * 3
    assert ended.request_counts.succeeded == 225 and ended.request_counts.errored == 25
    assert seen and seen[-1] == ended

    by_id = results(bd, ended)
    assert sorted(by_id) == sorted(f"item-{i}" for i in range(250))
    plain = by_id["item-0"]
    assert isinstance(plain, MessageBatchSucceededResult)
    assert plain.message.content[0].type == "text" and plain.message.content[0].text.startswith("Echo item 0")
    tool = by_id["item-123"]
    assert isinstance(tool, MessageBatchSucceededResult) and tool.message.stop_reason == "tool_use"
    assert tool.message.content[0].type == "tool_use" and tool.message.content[0].name == "lookup"
    thinking = by_id["item-207"]
    assert isinstance(thinking, MessageBatchSucceededResult) and thinking.message.content[0].type == "thinking"
    refused = by_id["item-249"]
    assert isinstance(refused, MessageBatchErroredResult)
    assert refused.error.error.type == "invalid_request_error" and "budget_tokens" in refused.error.error.message
    assert sum(isinstance(r, MessageBatchErroredResult) for r in by_id.values()) == 25

    # Every control-plane call was signed for `bedrock` and accepted; the same name finds the batch.
    assert batch_emulator.signature_failures == 0
    operations = {entry.operation for entry in batch_emulator.log}
    assert {"create_job", "get_job", "list_jobs"} <= operations
    again = bd.run(bd.client.messages.batches.retrieve("mixed-run"))
    assert again.request_counts == ended.request_counts and [j.arn for j in again.jobs] == [j.arn for j in ended.jobs]


def test_cancel_mid_run_keeps_what_was_answered(bd: Any, batch_emulator: Emulator) -> None:
    jobs = batch_emulator.batch.jobs
    jobs.autorun = False  # the test moves the job itself
    batch = create(bd, batch_emulator, mixed(30))
    job_id = job_id_from_arn(batch.jobs[0].arn)
    assert jobs.advance(job_id, 3 + 12) == "InProgress"  # validated, scheduled, 12 records answered
    with pytest.raises(BatchNotEndedError):
        bd.run(bd.client.messages.batches.results(batch.id))
    canceling = bd.run(bd.client.messages.batches.cancel(batch.id))
    assert canceling.processing_status == "canceling" and canceling.cancel_initiated_at is not None
    assert jobs.finish(job_id) == "Stopped"
    ended = bd.run(bd.client.messages.batches.retrieve(batch.id))
    assert ended.processing_status == "ended"
    assert (ended.request_counts.succeeded + ended.request_counts.errored, ended.request_counts.canceled) == (12, 18)
    again = bd.run(bd.client.messages.batches.cancel(batch.id))  # nothing left to stop: no error
    assert again.processing_status == "ended"
    by_id = results(bd, batch.id)
    assert len(by_id) == 30
    assert sum(isinstance(r, MessageBatchCanceledResult) for r in by_id.values()) == 18


def test_list_pages_through_every_batch(bd: Any, batch_emulator: Emulator) -> None:
    batch_emulator.batch.jobs.autorun = False
    names = ["first", "second", "third"]
    for count, name in zip((20, 120, 20), names, strict=True):
        create(bd, batch_emulator, mixed(count), job_name=name)
    before = len(batch_emulator.requests("list_jobs"))
    listed = bd.collect(bd.client.messages.batches.list(limit=1))
    assert sorted(batch.id for batch in listed) == sorted(names)
    assert all(batch.complete for batch in listed)
    assert {batch.id: batch.parts for batch in listed} == {"first": 1, "second": 2, "third": 1}
    assert len(batch_emulator.requests("list_jobs")) - before >= 4  # a page per job (and the last, empty)
    with pytest.raises(ValueError, match="limit"):
        bd.client.messages.batches.list(limit=0)


def test_a_bad_request_is_refused_before_anything_is_uploaded(bd: Any, batch_emulator: Emulator) -> None:
    def requests() -> Iterator[dict[str, Any]]:
        yield from mixed(57)
        yield {
            "custom_id": "the-bad-one",
            "params": {"max_tokens": 10, "messages": [{"role": "robot", "content": "x"}]},
        }
        yield from mixed(100, start=58)

    with pytest.raises(BatchRequestError) as info:
        create(bd, batch_emulator, requests())
    assert info.value.index == 57 and info.value.custom_id == "the-bad-one"
    assert "requests[57]" in str(info.value) and "requests[57].params.messages[0].role" in str(info.value)
    with pytest.raises(BatchRequestError, match=r"requests\[1\] and requests\[2\] share custom_id 'twice'"):
        create(bd, batch_emulator, [*mixed(1), *({"custom_id": "twice", "params": p["params"]} for p in mixed(20))])
    with pytest.raises(BatchRequestError, match=r"requests\[0\].params has unexpected key.*extra_body"):
        create(bd, batch_emulator, [{"custom_id": "x", "params": {"max_tokens": 1, "messages": [], "extra_body": {}}}])
    assert bucket_keys(batch_emulator) == [] and batch_emulator.requests("create_job") == []


def test_quotas_are_enforced_before_upload(bd: Any, batch_emulator: Emulator) -> None:
    with pytest.raises(BatchQuotaError, match="at least 10 requests"):
        create(bd, batch_emulator, mixed(5))
    with pytest.raises(BatchQuotaError, match="more than the 1 jobs"):
        create(bd, batch_emulator, mixed(150), quotas={**QUOTAS, "max_concurrent_jobs": 1})
    with pytest.raises(ValueError, match="unknown quota 'max_jobs'"):
        create(bd, batch_emulator, mixed(150), quotas={"max_jobs": 1})
    assert bucket_keys(batch_emulator) == [] and batch_emulator.requests("create_job") == []


def test_bad_arguments_are_refused_before_anything_is_sent(bd: Any, batch_emulator: Emulator) -> None:
    for change, message in [
        ({"role_arn": "my-role"}, "role_arn must be an IAM role ARN"),
        ({"s3_prefix": "https://bucket/x"}, "s3_prefix must be an S3 URI"),
        ({"job_name": "no spaces"}, "job_name must be"),
        ({"timeout_hours": 2}, "timeout_hours must be an integer from 24 to 168"),
        ({"model": ""}, "model must not be empty"),
    ]:
        with pytest.raises((TypeError, ValueError), match=message):
            create(bd, batch_emulator, mixed(20), **change)
    with pytest.raises(TypeError, match="requests must be an iterable"):
        create(bd, batch_emulator, "not a list")
    with pytest.raises(ValueError, match="batch_id"):
        bd.run(bd.client.messages.batches.retrieve("not a name!"))
    with pytest.raises(ValueError, match="poll_interval"):
        bd.run(bd.client.messages.batches.wait("abc", poll_interval=0))
    assert batch_emulator.log == []


def test_s3_errors_surface_as_typed_errors(bd: Any, batch_emulator: Emulator) -> None:
    with pytest.raises(S3NotFoundError) as info:
        create(bd, batch_emulator, mixed(20), s3_prefix="s3://no-such-bucket/runs")
    assert isinstance(info.value, NotFoundError) and info.value.code == "NoSuchBucket"
    assert info.value.bucket == "no-such-bucket" and batch_emulator.requests("create_job") == []


def test_an_unknown_batch_is_not_found(bd: Any, batch_emulator: Emulator) -> None:
    with pytest.raises(NotFoundError, match="No batch named 'nothing-here'") as info:
        bd.run(bd.client.messages.batches.retrieve("nothing-here"))
    assert info.value.status_code == 404 and info.value.request_id


def test_waiting_runs_out_of_time_honestly(bd: Any, batch_emulator: Emulator) -> None:
    batch_emulator.batch.jobs.autorun = False  # the job never moves
    batch = create(bd, batch_emulator, mixed(20))
    with pytest.raises(BatchWaitTimeoutError) as info:
        bd.run(bd.client.messages.batches.wait(batch, poll_interval=0.05, max_poll_interval=0.1, timeout=0.3))
    assert isinstance(info.value, TimeoutError) and info.value.waited >= 0.3
    assert info.value.batch.processing_status == "in_progress"


def test_a_bedrock_api_key_cannot_move_batch_files(make_driver: Any, batch_emulator: Emulator) -> None:
    bd = make_driver(batch_emulator, control_base_url=batch_emulator.url, api_key=batch_emulator.api_key,
                     aws_access_key=None, aws_secret_key=None)  # fmt: skip
    with pytest.raises(MissingCredentialsError, match="Bedrock API key"):
        create(bd, batch_emulator, mixed(20))
    assert bucket_keys(batch_emulator) == []


def test_create_is_retried_through_the_engine(bd: Any, batch_emulator: Emulator) -> None:
    batch_emulator.push_fault("status=500", match="create_job")
    batch = create(bd, batch_emulator, mixed(20))
    statuses = [entry.status for entry in batch_emulator.requests("create_job")]
    # The body check (nothing sent), then one refused attempt and its retry.
    assert statuses == [500, 200] and len(batch.jobs) == 1
