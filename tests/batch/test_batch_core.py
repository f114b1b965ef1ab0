"""The sans-IO batch core: quotas, recordIds, the sharder, the spool, results, status and polling."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from anthropic_bedrock._batch.jobs import create_job_body, parse_token
from anthropic_bedrock._batch.layout import BatchLayout, S3Location, check_batch_name, job_name, parse_job_name
from anthropic_bedrock._batch.polling import PollPolicy
from anthropic_bedrock._batch.quotas import DEFAULT_QUOTAS, BatchQuotas, quotas_for_model
from anthropic_bedrock._batch.records import read_id_map, record_id, record_index
from anthropic_bedrock._batch.results import (
    MessageBatchCanceledResult,
    MessageBatchErroredResult,
    MessageBatchExpiredResult,
    MessageBatchSucceededResult,
    read_results,
)
from anthropic_bedrock._batch.sharder import (
    BatchQuotaError,
    BatchRequestError,
    FileData,
    FileEnd,
    FileStart,
    JobEnd,
    shard,
)
from anthropic_bedrock._batch.spool import spool
from anthropic_bedrock._batch.status import (
    RequestCounts,
    batch_processing_status,
    parse_manifest,
    processing_status,
    request_counts,
)

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def check(params: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A stand-in for the messages.create checker: requires max_tokens, builds the body."""
    if "max_tokens" not in params:
        raise ValueError(f"{where}.max_tokens is required")
    if not isinstance(params["max_tokens"], int):
        raise TypeError(f"{where}.max_tokens must be an integer")
    return {"anthropic_version": "bedrock-2023-05-31", **params}


def requests(n: int, text: str = "hi", start: int = 0) -> Iterator[dict[str, Any]]:
    for i in range(start, start + n):
        yield {"custom_id": f"req-{i}", "params": {"max_tokens": 8, "messages": [{"role": "user", "content": text}]}}


def jobs_of(events: Any) -> list[tuple[int, int, int]]:
    return [(e.part, e.files, e.records) for e in events if isinstance(e, JobEnd)]


# -- quotas ----------------------------------------------------------------------------------


def test_default_quotas_are_the_published_claude_defaults() -> None:
    assert BatchQuotas(100, 50_000, 50_000, 1_000_000_000, 5_000_000_000, 20) == DEFAULT_QUOTAS
    assert quotas_for_model("us.anthropic.claude-sonnet-4-5-20250929-v1:0") == DEFAULT_QUOTAS
    assert quotas_for_model("meta.llama4-scout-17b-instruct-v1:0").min_records_per_job == 50


def test_quotas_are_overridable_and_checked() -> None:
    assert quotas_for_model(MODEL, {"max_records_per_job": 200_000}).max_records_per_job == 200_000
    with pytest.raises(ValueError, match="unknown quota 'max_jobs'"):
        quotas_for_model(MODEL, {"max_jobs": 3})
    with pytest.raises(ValueError, match=r"quotas\.min_records_per_job must be a positive integer"):
        BatchQuotas(min_records_per_job=0)
    with pytest.raises(ValueError, match=r"max_records_per_file \(60000\) must not exceed"):
        BatchQuotas(max_records_per_file=60_000)
    with pytest.raises(ValueError, match="at least twice"):
        DEFAULT_QUOTAS.replace(max_records_per_job=150, max_records_per_file=150)


# -- recordIds and names -----------------------------------------------------------------------


def test_record_ids_are_eleven_alphanumerics_and_round_trip() -> None:
    for index in (0, 1, 35, 36, 999_999, 10**10 - 1):
        rid = record_id(index)
        assert len(rid) == 11 and rid.isalnum() and rid.isascii()
        assert record_index(rid) == index
    assert record_id(0) == "R0000000000" and record_id(36) == "R0000000036"
    assert record_index("CALL0000001") is None
    for bad in (-1, 10**10):
        with pytest.raises(ValueError, match="out of range"):
            record_id(bad)


def test_job_names_fit_bedrock_and_parse_back() -> None:
    name = job_name("batch-20250101-abc", 2, 13)
    assert name == "batch-20250101-abc-p0002of0013"
    assert parse_job_name(name) == ("batch-20250101-abc", 2, 13)
    assert parse_job_name("batch-20250101-abc-p0002of0013x") is None
    assert parse_job_name("someone-elses-job") is None
    assert len(job_name("a" * 51, 9999, 9999)) == 63
    with pytest.raises(ValueError, match="job_name must be 1 to 51"):
        check_batch_name("a" * 52)
    with pytest.raises(ValueError, match="single hyphens"):
        check_batch_name("bad--name")


def test_layout_keys() -> None:
    prefix = S3Location.parse("s3://my-bucket/batches/")
    layout = BatchLayout.under(prefix, "b1")
    assert layout.input_folder(1).uri == "s3://my-bucket/batches/b1/input/part-0001"
    assert layout.id_map(1, "records-00001.jsonl").key == "batches/b1/ids/part-0001/records-00001.jsonl"
    assert layout.output_file(2, "abcdefghijkl", "records-00003.jsonl").key == (
        "batches/b1/output/part-0002/abcdefghijkl/records-00003.jsonl.out"
    )
    with pytest.raises(ValueError, match="s3_prefix must be an S3 URI"):
        S3Location.parse("s3://My_Bucket/x", "s3_prefix")


# -- the sharder -------------------------------------------------------------------------------


def test_a_small_batch_is_one_job_of_one_file() -> None:
    events = list(shard(requests(150), model=MODEL, check=check, quotas=DEFAULT_QUOTAS))
    assert isinstance(events[0], FileStart) and events[0].name == "records-00001.jsonl"
    data = b"".join(e.data for e in events if isinstance(e, FileData))
    lines = data.splitlines()
    assert len(lines) == 150
    first = json.loads(lines[0])
    assert first == {
        "recordId": "R0000000000",
        "modelInput": {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 8,
            "messages": [{"role": "user", "content": "hi"}],
        },
    }
    (end,) = [e for e in events if isinstance(e, FileEnd)]
    assert end.records == 150 and end.size == len(data)
    assert read_id_map(end.id_map.splitlines())["R0000000000"] == "req-0"
    assert jobs_of(events) == [(1, 1, 150)]


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (3, [(1, 1, 3)]),
        (7, [(1, 2, 7)]),
        (8, [(1, 2, 5), (2, 1, 3)]),  # the last job keeps the minimum: 5 + 3, not 7 + 1
        (10, [(1, 2, 7), (2, 1, 3)]),
        (14, [(1, 2, 7), (2, 2, 7)]),
        (15, [(1, 2, 7), (2, 2, 5), (3, 1, 3)]),
    ],
)
def test_jobs_and_files_respect_every_record_quota(n: int, expected: list[tuple[int, int, int]]) -> None:
    quotas = BatchQuotas(min_records_per_job=3, max_records_per_job=7, max_records_per_file=4)
    events = list(shard(requests(n), model=MODEL, check=check, quotas=quotas))
    assert jobs_of(events) == expected
    for end in (e for e in events if isinstance(e, FileEnd)):
        assert end.records <= 4


def test_files_and_jobs_respect_the_byte_quotas() -> None:
    one = list(shard(requests(1), model=MODEL, check=check, quotas=BatchQuotas(min_records_per_job=1)))
    size = next(e for e in one if isinstance(e, FileEnd)).size  # bytes of one record line
    quotas = BatchQuotas(
        min_records_per_job=2, max_records_per_file=100, max_records_per_job=100,
        max_bytes_per_file=3 * size, max_bytes_per_job=5 * size,
    )  # fmt: skip
    events = list(shard(requests(9), model=MODEL, check=check, quotas=quotas))
    assert jobs_of(events) == [(1, 2, 5), (2, 2, 4)]
    assert all(e.size <= 3 * size for e in events if isinstance(e, FileEnd))


def test_fewer_requests_than_the_minimum_are_refused_before_any_file() -> None:
    produced: list[object] = []
    with pytest.raises(BatchQuotaError, match=r"at least 100 requests \(Bedrock's minimum records per job\); got 99"):
        for event in shard(requests(99), model=MODEL, check=check, quotas=DEFAULT_QUOTAS):
            produced.append(event)
    assert produced == []


def test_a_request_too_large_for_a_file_is_refused_by_custom_id() -> None:
    quotas = BatchQuotas(
        min_records_per_job=1,
        max_records_per_file=10,
        max_records_per_job=10,
        max_bytes_per_file=500,
        max_bytes_per_job=5000,
    )
    items = list(requests(3))
    items[1]["params"]["messages"][0]["content"] = "x" * 600
    with pytest.raises(BatchRequestError, match=r"requests\[1\] \(custom_id 'req-1'\): the request takes \d+ bytes"):
        list(shard(items, model=MODEL, check=check, quotas=quotas))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"custom_id": "has space"}, r"requests\[5\]\.custom_id must be 1 to 64 letters"),
        ({"custom_id": 7}, r"requests\[5\]\.custom_id must be a string"),
        ({"extra": 1}, r"requests\[5\] \(custom_id 'req-5'\): unknown key 'extra'"),
        ({"params": [1]}, r"requests\[5\]\.params must be a mapping"),
        ({"params": {"max_tokens": 8, "model": "other"}}, r"params\.model is 'other'"),
        ({"params": {"max_tokens": 8, "stream": True}}, r"params\.stream must not be true"),
        (
            {"params": {"messages": []}},
            r"requests\[5\] \(custom_id 'req-5'\): requests\[5\]\.params\.max_tokens is required",
        ),
        ({"params": {"max_tokens": "8"}}, r"max_tokens must be an integer"),
        (
            {"params": {"max_tokens": 8, "temperature": float("nan")}},
            r"custom_id 'req-5'\): the request body cannot be encoded as JSON",
        ),
    ],
)
def test_a_bad_request_is_refused_naming_its_place_and_custom_id(change: dict[str, Any], message: str) -> None:
    items = list(requests(200))
    items[5] = {**items[5], **change}
    with pytest.raises(BatchRequestError, match=message) as caught:
        list(shard(items, model=MODEL, check=check, quotas=DEFAULT_QUOTAS))
    assert caught.value.index == 5


def test_a_request_may_name_the_batch_model() -> None:
    items = [{"custom_id": f"c{i}", "params": {"model": MODEL, "max_tokens": 1, "stream": False}} for i in range(100)]
    data = b"".join(
        e.data for e in shard(items, model=MODEL, check=check, quotas=DEFAULT_QUOTAS) if isinstance(e, FileData)
    )
    assert b'"model"' not in data and b'"stream"' not in data


# -- the spool ---------------------------------------------------------------------------------


def test_spool_writes_checked_files_and_id_maps(tmp_path: Path) -> None:
    quotas = BatchQuotas(min_records_per_job=3, max_records_per_job=7, max_records_per_file=4)
    batch = spool(requests(15), directory=tmp_path, model=MODEL, check=check, quotas=quotas)
    assert [(job.part, len(job.files), job.records) for job in batch.jobs] == [(1, 2, 7), (2, 2, 5), (3, 1, 3)]
    assert batch.records == 15
    custom_ids = []
    for job in batch.jobs:
        for f in job.files:
            lines = f.path.read_bytes().splitlines()
            assert len(lines) == f.records and f.path.stat().st_size == f.size
            ids = read_id_map(f.id_map_path.read_bytes().splitlines())
            custom_ids += [ids[json.loads(line)["recordId"]] for line in lines]
    assert custom_ids == [f"req-{i}" for i in range(15)]


def test_spool_refuses_a_repeated_custom_id_naming_both_places(tmp_path: Path) -> None:
    items = list(requests(300))
    items[250] = {**items[250], "custom_id": "req-17"}
    with pytest.raises(BatchRequestError, match=r"requests\[17\] and requests\[250\] share custom_id 'req-17'"):
        spool(items, directory=tmp_path, model=MODEL, check=check, quotas=DEFAULT_QUOTAS)


# -- results -----------------------------------------------------------------------------------


def parse_message(data: Mapping[str, Any]) -> dict[str, Any]:
    if data.get("type") != "message":
        raise ValueError("not a message")
    return dict(data)


IDS = {"R0000000000": "a", "R0000000001": "b", "R0000000002": "c", "R0000000003": "d"}


def out_line(rid: str, **fields: Any) -> bytes:
    return json.dumps({"recordId": rid, "modelInput": {"max_tokens": 1}, **fields}).encode() + b"\n"


def test_results_map_record_ids_back_and_keep_anthropic_shapes() -> None:
    message = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
    lines = [
        out_line("R0000000002", modelOutput=message),
        out_line("R0000000000", error={"errorCode": 400, "errorMessage": "Malformed input request"}),
        b"\n",
        out_line(
            "R0000000001", modelOutput={"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
        ),
    ]
    got = list(read_results(lines, IDS, parse_message, unanswered="canceled"))
    assert [r.custom_id for r in got] == ["c", "a", "b", "d"]
    assert got[0].result == MessageBatchSucceededResult(message)
    errored = got[1].result
    assert isinstance(errored, MessageBatchErroredResult)
    assert (
        errored.error.error.type == "invalid_request_error" and errored.error.error.message == "Malformed input request"
    )
    assert errored.error.to_dict()["type"] == "error"
    assert isinstance(got[2].result, MessageBatchErroredResult) and got[2].result.error.error.type == "overloaded_error"
    assert got[3].result == MessageBatchCanceledResult() and got[3].record_id == "R0000000003"


def test_unanswered_records_follow_the_job_status() -> None:
    assert all(
        r.result == MessageBatchExpiredResult() for r in read_results([], IDS, parse_message, unanswered="expired")
    )
    failed = list(read_results([], IDS, parse_message, unanswered="errored", job_message="role denied"))
    assert all(
        isinstance(r.result, MessageBatchErroredResult) and r.result.error.error.message == "role denied"
        for r in failed
    )
    assert list(read_results([], IDS, parse_message)) == []  # still running: no verdict on missing records


def test_results_refuse_output_that_is_not_this_input() -> None:
    with pytest.raises(ValueError, match="not in this file's id map"):
        list(read_results([out_line("R0000000009", modelOutput={})], IDS, parse_message))
    with pytest.raises(ValueError, match="not JSON"):
        list(read_results([b"{oops\n"], IDS, parse_message))


def test_an_unreadable_model_output_is_an_errored_result() -> None:
    (only,) = read_results(
        [out_line("R0000000000", modelOutput={"type": "other"})], {"R0000000000": "a"}, parse_message
    )
    assert isinstance(only.result, MessageBatchErroredResult) and "could not be read" in only.result.error.error.message


# -- status ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Submitted", "in_progress"),
        ("Validating", "in_progress"),
        ("Scheduled", "in_progress"),
        ("InProgress", "in_progress"),
        ("Stopping", "canceling"),
        ("Completed", "ended"),
        ("PartiallyCompleted", "ended"),
        ("Failed", "ended"),
        ("Stopped", "ended"),
        ("Expired", "ended"),
        ("SomethingNew", "in_progress"),
    ],
)
def test_processing_status(status: str, expected: str) -> None:
    assert processing_status(status) == expected


def test_batch_status_over_several_jobs() -> None:
    assert batch_processing_status(["Completed", "Stopped"]) == "ended"
    assert batch_processing_status(["Completed", "InProgress"]) == "in_progress"
    assert batch_processing_status(["Stopping", "InProgress"]) == "canceling"


def test_request_counts_while_running_and_after() -> None:
    running = {
        "status": "InProgress",
        "totalRecordCount": 10,
        "processedRecordCount": 4,
        "successRecordCount": 3,
        "errorRecordCount": 1,
    }
    assert request_counts(running, expected=10) == RequestCounts(processing=6, succeeded=3, errored=1)
    assert request_counts({"status": "Submitted"}, expected=10) == RequestCounts(processing=10)
    stopped = {**running, "status": "Stopped"}
    assert request_counts(stopped, expected=10) == RequestCounts(succeeded=3, errored=1, canceled=6)
    expired = {**running, "status": "PartiallyCompleted"}
    assert request_counts(expired, expected=10) == RequestCounts(succeeded=3, errored=1, expired=6)
    failed = {**running, "status": "Failed"}
    assert request_counts(failed, expected=10) == RequestCounts(succeeded=3, errored=7)
    both = request_counts(stopped, 10) + request_counts(running, 10)
    assert both.total == 20 and both.to_dict()["canceled"] == 6


def test_manifest() -> None:
    manifest = parse_manifest(
        b'{"totalRecordCount": 3, "processedRecordCount": 3, "successRecordCount": 2, "errorRecordCount": 1,'
        b' "inputTokenCount": 30, "outputTokenCount": 12}'
    )
    assert manifest.success_record_count == 2 and manifest.output_token_count == 12
    with pytest.raises(ValueError, match="errorRecordCount must be a non-negative integer"):
        parse_manifest(b'{"errorRecordCount": "1"}')


# -- polling -----------------------------------------------------------------------------------


def test_polling_backs_off_with_jitter_to_a_cap() -> None:
    policy = PollPolicy(initial=5, maximum=60, multiplier=2, jitter=0.2)
    assert policy.delay(0, 0.5) == 5
    assert policy.delay(1, 0.5) == 10
    assert 4 <= policy.delay(0, 0.0) < policy.delay(0, 0.999) <= 6
    assert policy.delay(50, 0.999) == 60 and policy.delay(10_000, 0.5) == 60
    assert policy.delay(3, 0.5, remaining=2.5) == 2.5 and policy.delay(3, 0.5, remaining=-1) == 0
    with pytest.raises(ValueError, match="poll_interval must be positive"):
        PollPolicy(initial=0)


# -- job bodies --------------------------------------------------------------------------------


def test_create_job_body_checks_the_bedrock_arguments() -> None:
    layout = BatchLayout.under(S3Location.parse("s3://my-bucket/batches"), "b1")
    args: dict[str, Any] = {"layout": layout, "batch": "b1", "part": 2, "parts": 3, "records": 500, "model": MODEL}
    body = create_job_body(
        **args, role_arn="arn:aws:iam::123456789012:role/batch", kms_key_id="alias/batch", tags={"team": "ml"}
    )
    assert body["jobName"] == "b1-p0002of0003" and body["clientRequestToken"] == "b1-p0002of0003-n500"
    assert parse_token(body["clientRequestToken"]) == ("b1", 2, 3, 500)
    assert body["inputDataConfig"]["s3InputDataConfig"]["s3Uri"] == "s3://my-bucket/batches/b1/input/part-0002/"
    assert body["outputDataConfig"]["s3OutputDataConfig"] == {
        "s3Uri": "s3://my-bucket/batches/b1/output/part-0002/",
        "s3EncryptionKeyId": "alias/batch",
    }
    assert body["tags"] == [{"key": "team", "value": "ml"}, {"key": "anthropic-bedrock:batch", "value": "b1"}]
    with pytest.raises(ValueError, match="role_arn must be an IAM role ARN"):
        create_job_body(**args, role_arn="arn:aws:iam::123:user/me")
    with pytest.raises(ValueError, match="timeout_hours must be an integer from 24 to 168, got 12"):
        create_job_body(**args, role_arn="arn:aws:iam::123456789012:role/batch", timeout_hours=12)
    with pytest.raises(ValueError, match="the key 'bad!' must be"):
        create_job_body(**args, role_arn="arn:aws:iam::123456789012:role/batch", tags={"bad!": "x"})


def test_an_id_map_reads_in_one_parse_and_a_bad_line_is_named() -> None:
    lines = [b'{"recordId":"R0000000000","custom_id":"a"}', b"", b'{"recordId":"R0000000001","custom_id":"b"}']
    assert read_id_map(lines) == {"R0000000000": "a", "R0000000001": "b"}
    with pytest.raises(ValueError, match="line 3 of the id map"):
        read_id_map([*lines[:2], b'{"recordId": 1, "custom_id": "b"}'])
    with pytest.raises(ValueError, match="line 2 of the id map"):
        read_id_map([lines[0], b"1, 2"])
