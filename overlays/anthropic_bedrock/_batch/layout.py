"""Where a batch's files live in S3 and what its jobs are called, so that a batch can be found again
from its name alone (no local state) and its jobs told apart from anyone else's.

A batch named `N` under `s3://bucket/prefix` keeps, for its part (job) `k` of `T`::

    s3://bucket/prefix/N/input/part-000k/records-00001.jsonl   the job's input folder (only .jsonl files)
    s3://bucket/prefix/N/ids/part-000k/records-00001.jsonl     recordId -> custom_id for that file
    s3://bucket/prefix/N/output/part-000k/                     the job's output location

and the job is named `N-p000kof000T`. Bedrock writes a job's output under a folder named after the
job id inside its output location: `<output>/<job id>/<input file name>.out` and
`<output>/<job id>/manifest.json.out` (the user guide names the files; the job-id folder is what
users of the real service report, and what the emulator does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

__all__ = [
    "MAX_BATCH_NAME",
    "BatchLayout",
    "S3Location",
    "check_batch_name",
    "job_id_from_arn",
    "job_name",
    "new_batch_name",
    "parse_job_name",
]

# botocore's S3Uri pattern for a job's input and output locations, matched whole.
_S3_URI: Final = re.compile(
    r"s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?"
)
_JOB_SUFFIX: Final = re.compile(r"-p([0-9]{4})of([0-9]{4})")
MAX_BATCH_NAME: Final = 63 - len("-p0001of0001")
"""A job name is at most 63 characters; the part suffix takes 12 of them."""
_BATCH_NAME: Final = re.compile(r"[a-zA-Z0-9]([a-zA-Z0-9]|-(?=[a-zA-Z0-9]))*")


@dataclass(frozen=True, slots=True)
class S3Location:
    """A bucket and a key (or key prefix, without a leading `/`)."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, uri: str, where: str = "s3_uri") -> S3Location:
        """`s3://bucket/prefix` as Bedrock accepts it; ValueError naming `where` otherwise."""
        if not isinstance(uri, str) or _S3_URI.fullmatch(uri) is None:
            raise ValueError(
                f"{where} must be an S3 URI such as s3://my-bucket/batches (a lowercase bucket name; "
                f"letters, digits and -!_*'(). in the path), got {uri!r}"
            )
        bucket, _, key = uri[len("s3://") :].partition("/")
        return cls(bucket, key.strip("/"))

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}" if self.key else f"s3://{self.bucket}"

    def child(self, *parts: str) -> S3Location:
        """This location with `parts` appended as path segments."""
        segments = [self.key] if self.key else []
        segments.extend(part.strip("/") for part in parts if part)
        return S3Location(self.bucket, "/".join(segments))


def check_batch_name(name: object, where: str = "job_name") -> str:
    """`name` if it can name a batch: letters, digits and single hyphens, starting and ending with a
    letter or digit, at most 51 characters (its jobs add `-p0001of0001`)."""
    if not isinstance(name, str):
        raise TypeError(f"{where} must be a string, not {type(name).__name__}")
    if len(name) > MAX_BATCH_NAME or _BATCH_NAME.fullmatch(name) is None:
        raise ValueError(
            f"{where} must be 1 to {MAX_BATCH_NAME} letters, digits and single hyphens, starting and ending "
            f"with a letter or digit, got {name!r}"
        )
    return name


def new_batch_name(now: datetime, token: str) -> str:
    """A fresh batch name: `batch-<UTC time>-<token>` (token: a few random letters or digits)."""
    return check_batch_name(f"batch-{now.strftime('%Y%m%d%H%M%S')}-{token}".lower())


def job_name(batch: str, part: int, parts: int) -> str:
    """The name of the job for `part` (1-based) of `parts`."""
    if not 1 <= part <= parts <= 9999:
        raise ValueError(f"part {part} of {parts} is out of range (a batch has at most 9999 jobs)")
    return f"{batch}-p{part:04d}of{parts:04d}"


def parse_job_name(name: str) -> tuple[str, int, int] | None:
    """(batch name, part, parts) for a job named by `job_name`, else None."""
    match = _JOB_SUFFIX.search(name)
    if match is None or match.end() != len(name):
        return None
    batch = name[: match.start()]
    part, parts = int(match.group(1)), int(match.group(2))
    if not batch or _BATCH_NAME.fullmatch(batch) is None or not 1 <= part <= parts:
        return None
    return batch, part, parts


def job_id_from_arn(arn: str) -> str:
    """The 12-character job id at the end of a job ARN (an id is returned as it is)."""
    return arn.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class BatchLayout:
    """The S3 keys of one batch, rooted at `<prefix>/<batch name>`."""

    root: S3Location

    @classmethod
    def under(cls, prefix: S3Location, batch: str) -> BatchLayout:
        return cls(prefix.child(batch))

    @staticmethod
    def part(index: int) -> str:
        return f"part-{index:04d}"

    @staticmethod
    def file_name(index: int) -> str:
        """The name of input file `index` (1-based) of a job."""
        return f"records-{index:05d}.jsonl"

    def input_folder(self, part: int) -> S3Location:
        return self.root.child("input", self.part(part))

    def input_file(self, part: int, name: str) -> S3Location:
        return self.input_folder(part).child(name)

    def id_map(self, part: int, name: str) -> S3Location:
        return self.root.child("ids", self.part(part), name)

    def output_folder(self, part: int) -> S3Location:
        return self.root.child("output", self.part(part))

    def output_file(self, part: int, job_id: str, name: str) -> S3Location:
        """Where Bedrock writes the answers to input file `name` of the job `job_id`."""
        return self.output_folder(part).child(job_id, name + ".out")

    def manifest(self, part: int, job_id: str) -> S3Location:
        return self.output_folder(part).child(job_id, "manifest.json.out")
