"""`anthropic-bedrock batch ...`: batch inference from the shell.

    anthropic-bedrock batch submit requests.jsonl --role-arn ARN --s3 s3://bucket/prefix [--model ID] [--wait]
    anthropic-bedrock batch status ID          anthropic-bedrock batch wait ID
    anthropic-bedrock batch results ID [-o out.jsonl]
    anthropic-bedrock batch cancel ID          anthropic-bedrock batch list [--limit N]

`requests.jsonl` holds one `{"custom_id": ..., "params": {...messages.create arguments...}}` a line
(`-` reads standard input); it is read as it is submitted, never whole. Waiting shows a progress bar
on a terminal and plain lines otherwise. Results are written as JSON lines in `anthropic`'s shape.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from ._constants import DEFAULT_MESSAGES_MODEL

if TYPE_CHECKING:
    from ._batch.jobs import MessageBatch
    from ._batch.results import MessageBatchIndividualResponse
    from ._client import AnthropicBedrock

__all__ = ["Progress", "add_batch_commands", "read_requests", "result_line"]

_BAR = 30


def add_batch_commands(commands: Any) -> None:
    """Add `batch` and its subcommands to the command line's subparsers."""
    batch = commands.add_parser("batch", help="batch inference: submit, status, wait, results, cancel, list")
    actions = batch.add_subparsers(dest="batch_command", required=True)

    submit = actions.add_parser("submit", help="submit a JSONL file of {custom_id, params} requests")
    submit.add_argument("requests", help="the requests, one JSON object a line ('-': standard input)")
    submit.add_argument("--role-arn", required=True, help="the IAM service role Bedrock runs the jobs as")
    submit.add_argument("--s3", required=True, metavar="S3_PREFIX", help="where the files go: s3://bucket/prefix")
    submit.add_argument("--model", "-m", default=DEFAULT_MESSAGES_MODEL, help="model id (default: %(default)s)")
    submit.add_argument("--job-name", default=None, help="the batch's name and id (default: batch-<time>-<random>)")
    submit.add_argument("--timeout-hours", type=int, default=None, help="hours before the jobs time out (24 to 168)")
    submit.add_argument("--kms-key-id", default=None, help="KMS key for the output files")
    submit.add_argument("--tag", action="append", default=[], metavar="KEY=VALUE", help="a tag for every job")
    submit.add_argument(
        "--quota",
        action="append",
        default=[],
        metavar="NAME=N",
        help="your account's own quota, such as max_records_per_job=100000 (see BatchQuotas)",
    )
    submit.add_argument("--wait", action="store_true", help="wait for the batch to end, showing its progress")
    _wait_options(submit)
    submit.set_defaults(run=_submit)

    for name, run, text in (
        ("status", _status, "show a batch's status and counts"),
        ("wait", _wait, "wait for a batch to end, showing its progress"),
        ("cancel", _cancel, "stop every job of a batch"),
    ):
        command = actions.add_parser(name, help=text)
        command.add_argument("batch_id")
        if name == "wait":
            _wait_options(command)
        command.set_defaults(run=run)

    results = actions.add_parser("results", help="write an ended batch's results as JSON lines")
    results.add_argument("batch_id")
    results.add_argument("-o", "--output", default="-", help="the file to write ('-', the default: standard output)")
    results.set_defaults(run=_results)

    listing = actions.add_parser("list", help="list the batches of the account and Region, newest first")
    listing.add_argument("--limit", type=int, default=None, help="jobs read per request (1 to 1000)")
    listing.set_defaults(run=_list)

    for parser in (submit, results, listing, *(actions.choices[n] for n in ("status", "wait", "cancel"))):
        _connection_options(parser)


def _wait_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--poll-interval", type=float, default=5.0, help="seconds between the first polls")
    parser.add_argument("--max-poll-interval", type=float, default=120.0, help="longest wait between polls")


def _connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--control-base-url",
        default=None,
        help="control-plane endpoint (default: ANTHROPIC_BEDROCK_CONTROL_BASE_URL or AWS)",
    )
    parser.add_argument("--region", default=None, help="AWS region (default: as the client resolves it)")
    parser.add_argument("--profile", default=None, help="AWS profile from the shared config files")
    parser.add_argument("--max-retries", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per request (default: %(default)s)")


def _client(args: argparse.Namespace) -> AnthropicBedrock:
    from ._client import AnthropicBedrock

    return AnthropicBedrock(
        aws_region=args.region,
        aws_profile=args.profile,
        control_base_url=args.control_base_url,
        max_retries=args.max_retries,
        timeout=args.timeout,
    )


def read_requests(lines: IO[str], name: str) -> Iterator[Any]:
    """The JSON object on each non-blank line; a line that is not JSON raises ValueError naming it."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{name}, line {number}: not a JSON object ({exc})") from None


def _pairs(option: str, given: list[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in given:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"{option} takes NAME=VALUE, got {item!r}")
        pairs[key] = value
    return pairs


def _submit(args: argparse.Namespace) -> int:
    tags = _pairs("--tag", args.tag)
    quotas: dict[str, int] = {}
    for name, value in _pairs("--quota", args.quota).items():
        if not value.isdigit():
            raise ValueError(f"--quota {name} takes a whole number, got {value!r}")
        quotas[name] = int(value)
    source = sys.stdin if args.requests == "-" else open(args.requests, encoding="utf-8")  # noqa: SIM115
    started = time.monotonic()
    try:
        with _client(args) as client:
            batch = client.messages.batches.create(
                requests=read_requests(source, "standard input" if args.requests == "-" else args.requests),
                model=args.model,
                role_arn=args.role_arn,
                s3_prefix=args.s3,
                job_name=args.job_name,
                timeout_hours=args.timeout_hours,
                kms_key_id=args.kms_key_id,
                tags=tags or None,
                quotas=quotas or None,
            )
            print(f"submitted {batch.id}: {batch.request_counts.total} requests in {len(batch.jobs)} job(s)")
            if args.wait:
                batch = _wait_for(client, batch, args, started)
    finally:
        if source is not sys.stdin:
            source.close()
    return 0


def _wait_for(
    client: AnthropicBedrock, batch: MessageBatch | str, args: argparse.Namespace, started: float
) -> MessageBatch:
    progress = Progress(sys.stderr, started)
    try:
        ended = client.messages.batches.wait(
            batch,
            poll_interval=args.poll_interval,
            max_poll_interval=args.max_poll_interval,
            on_progress=progress.update,
        )
    finally:
        progress.finish()
    _print_status(ended)
    print(f"results: anthropic-bedrock batch results {ended.id} -o results.jsonl")
    return ended


def _wait(args: argparse.Namespace) -> int:
    with _client(args) as client:
        _wait_for(client, args.batch_id, args, time.monotonic())
    return 0


def _status(args: argparse.Namespace) -> int:
    with _client(args) as client:
        _print_status(client.messages.batches.retrieve(args.batch_id))
    return 0


def _cancel(args: argparse.Namespace) -> int:
    with _client(args) as client:
        _print_status(client.messages.batches.cancel(args.batch_id))
    return 0


def _list(args: argparse.Namespace) -> int:
    with _client(args) as client:
        for batch in client.messages.batches.list(limit=args.limit):
            counts = batch.request_counts
            created = batch.created_at.strftime("%Y-%m-%d %H:%M:%S") if batch.created_at else "-"
            print(
                f"{batch.id}\t{batch.processing_status}\t{created}\t{counts.total} requests\t{len(batch.jobs)} job(s)"
            )
    return 0


def result_line(item: MessageBatchIndividualResponse[Any]) -> dict[str, Any]:
    """One result as `anthropic`'s results file has it: `{"custom_id", "result": {"type", ...}}`."""
    result = item.result
    body: dict[str, Any] = {"type": result.type}
    if result.type == "succeeded":
        body["message"] = result.message.to_dict()
    elif result.type == "errored":
        body["error"] = result.error.to_dict()
    return {"custom_id": item.custom_id, "result": body}


def _results(args: argparse.Namespace) -> int:
    counts: dict[str, int] = {}
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        with _client(args) as client, client.messages.batches.results(args.batch_id) as results:
            for item in results:
                out.write(json.dumps(result_line(item), ensure_ascii=False) + "\n")
                counts[item.result.type] = counts.get(item.result.type, 0) + 1
    finally:
        if out is not sys.stdout:
            out.close()
    where = "standard output" if args.output == "-" else args.output
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items())) or "none"
    print(f"wrote {sum(counts.values())} results ({summary}) to {where}", file=sys.stderr)
    return 0


def _print_status(batch: MessageBatch) -> None:
    counts = batch.request_counts
    print(f"{batch.id}: {batch.processing_status}")
    print(
        f"  requests: {counts.total} ({counts.succeeded} succeeded, {counts.errored} errored, "
        f"{counts.processing} processing, {counts.canceled} canceled, {counts.expired} expired)"
    )
    for moment, when in (("created", batch.created_at), ("ended", batch.ended_at), ("expires", batch.expires_at)):
        if when is not None:
            print(f"  {moment}: {when.isoformat(timespec='seconds')}")
    for job in batch.jobs:
        print(f"  job {job.part}/{batch.parts}: {job.status} ({job.records} requests) {job.arn}")
        if job.message:
            print(f"    {job.message}")
    if not batch.complete:
        print(f"  only {len(batch.jobs)} of its {batch.parts} jobs exist: its create was interrupted")


class Progress:
    """Reports a batch's progress: a bar redrawn in place on a terminal, a plain line per change
    otherwise (a log, a pipe)."""

    def __init__(self, stream: IO[str], started: float) -> None:
        self.stream = stream
        self.started = started
        self.terminal = stream.isatty()
        self._last: tuple[Any, ...] | None = None
        self._drawn = False

    def line(self, batch: MessageBatch) -> str:
        counts = batch.request_counts
        done = counts.total - counts.processing
        failed = counts.errored + counts.canceled + counts.expired
        elapsed = int(time.monotonic() - self.started)
        clock = f"{elapsed // 3600}:{elapsed // 60 % 60:02d}:{elapsed % 60:02d}"
        text = f"{done}/{counts.total} done, {counts.succeeded} succeeded, {failed} failed, {clock} elapsed"
        if not self.terminal:
            return f"{batch.id} {batch.processing_status}: {text}"
        filled = _BAR * done // counts.total if counts.total else 0
        return f"[{'#' * filled}{'.' * (_BAR - filled)}] {text}"

    def update(self, batch: MessageBatch) -> None:
        counts = batch.request_counts
        state = (batch.processing_status, counts, tuple(job.status for job in batch.jobs))
        if self.terminal:
            self.stream.write("\r\033[K" + self.line(batch))
            self._drawn = True
        elif state != self._last:
            self.stream.write(self.line(batch) + "\n")
        self._last = state
        self.stream.flush()

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
