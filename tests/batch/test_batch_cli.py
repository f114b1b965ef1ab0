"""`anthropic-bedrock batch ...` against the emulator and its S3."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from anthropic_bedrock._batch.jobs import summarize
from anthropic_bedrock._cli import main
from anthropic_bedrock._cli_batch import Progress
from anthropic_bedrock.emulator import Emulator

from batchkit import MODEL

QUOTAS = [
    "--quota",
    "min_records_per_job=10",
    "--quota",
    "max_records_per_file=40",
    "--quota",
    "max_records_per_job=100",
]


@pytest.fixture
def shell(batch_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    for name, value in batch_emulator.env().items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK"):
        monkeypatch.delenv(name, raising=False)
    return batch_emulator


def write_requests(path: Path, count: int) -> Path:
    with path.open("w") as out:
        for i in range(count):
            params = {"max_tokens": 8, "messages": [{"role": "user", "content": f"label row {i}"}]}
            out.write(json.dumps({"custom_id": f"row-{i}", "params": params}) + "\n\n")
    return path


def submit(shell: Emulator, path: Path, *extra: str) -> int:
    return main([
        "batch", "submit", str(path), "--role-arn", shell.batch.role_arn, "--s3", f"s3://{shell.batch.bucket}/cli",
        "--model", MODEL, *QUOTAS, *extra,
    ])  # fmt: skip


def test_submit_wait_results_status_list(shell: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    requests = write_requests(tmp_path / "requests.jsonl", 150)
    assert (
        submit(shell, requests, "--job-name", "nightly", "--tag", "team=ml", "--wait", "--poll-interval", "0.05") == 0
    )
    out, err = capsys.readouterr()
    assert out.startswith("submitted nightly: 150 requests in 2 job(s)\n")
    assert "nightly: ended\n  requests: 150 (150 succeeded, 0 errored" in out
    assert "batch results nightly" in out
    # Not a terminal: plain lines, the last one the end.
    lines = err.strip().splitlines()
    assert lines[-1].startswith("nightly ended: 150/150 done, 150 succeeded, 0 failed, ")
    assert all(line.startswith("nightly ") for line in lines) and "\r" not in err

    output = tmp_path / "results.jsonl"
    assert main(["batch", "results", "nightly", "-o", str(output)]) == 0
    assert capsys.readouterr().err == f"wrote 150 results (150 succeeded) to {output}\n"
    results = [json.loads(line) for line in output.read_text().splitlines()]
    assert sorted(r["custom_id"] for r in results) == sorted(f"row-{i}" for i in range(150))
    first = next(r for r in results if r["custom_id"] == "row-3")
    assert first["result"]["type"] == "succeeded" and first["result"]["message"]["content"][0]["text"].startswith(
        "label row 3"
    )

    assert main(["batch", "status", "nightly"]) == 0
    status = capsys.readouterr().out
    assert status.startswith("nightly: ended\n") and "job 2/2: Completed (50 requests)" in status
    assert main(["batch", "list", "--limit", "1"]) == 0
    assert capsys.readouterr().out.startswith("nightly\tended\t")
    assert main(["batch", "cancel", "nightly"]) == 0  # an ended batch: nothing to stop
    assert "nightly: ended" in capsys.readouterr().out


def test_errors_name_the_line_or_request(shell: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.jsonl"
    good = {"max_tokens": 1, "messages": [{"role": "user", "content": "x"}]}
    broken.write_text(json.dumps({"custom_id": "a", "params": good}) + "\n{oops\n")
    assert submit(shell, broken) == 2
    assert capsys.readouterr().err.startswith(f"error: {broken}, line 2: not a JSON object")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"custom_id": "a", "params": {**good, "max_tokens": "x"}}) + "\n")
    assert submit(shell, bad) == 2
    assert "requests[0] (custom_id 'a'): requests[0].params.max_tokens" in capsys.readouterr().err
    assert main(["batch", "status", "no-such-batch"]) == 1
    assert "No batch named 'no-such-batch'" in capsys.readouterr().err
    assert submit(shell, bad, "--quota", "max_records=1") == 2
    assert shell.requests("create_job") == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_progress_is_a_bar_redrawn_in_place() -> None:
    def job(status: str, processed: int) -> dict[str, Any]:
        return {
            "jobName": "b-p0001of0001", "jobArn": "arn:x/abcdefabcdef", "status": status,
            "clientRequestToken": "b-p0001of0001-n200", "totalRecordCount": 200,
            "processedRecordCount": processed, "successRecordCount": processed - 10 if processed else 0,
            "errorRecordCount": 10 if processed else 0,
        }  # fmt: skip

    screen = _Terminal()
    progress = Progress(screen, started=0.0)
    progress.update(summarize("b", [job("InProgress", 0)]))
    progress.update(summarize("b", [job("InProgress", 100)]))
    progress.finish()
    drawn = screen.getvalue()
    assert drawn.count("\r\033[K") == 2 and drawn.endswith("\n")
    assert "[" + "#" * 15 + "." * 15 + "] 100/200 done, 90 succeeded, 10 failed, " in drawn
