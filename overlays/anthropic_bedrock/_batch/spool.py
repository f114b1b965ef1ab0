"""A batch written to local files first, so that every request is checked before anything is uploaded.

A generator of requests can be read only once, and a bad request may come last; uploading while
reading would leave half a batch in S3 when it does. So the sharder's files go to a spool directory
(disk, not memory), duplicate custom_ids are confirmed from the id maps, and only a batch that passed
every check is handed to the uploader, file by file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .quotas import BatchQuotas
from .records import record_index
from .sharder import BatchRequestError, Check, FileData, FileEnd, FileStart, JobEnd, Sharder, custom_id_digest

__all__ = ["SpooledBatch", "SpooledFile", "SpooledJob", "find_duplicates", "spool"]


@dataclass(frozen=True, slots=True)
class SpooledFile:
    """One input file of a job and its id map, on disk."""

    part: int
    name: str
    path: Path
    id_map_path: Path
    records: int
    size: int


@dataclass(frozen=True, slots=True)
class SpooledJob:
    """The files of one job."""

    part: int
    files: tuple[SpooledFile, ...]
    records: int
    size: int


@dataclass(frozen=True, slots=True)
class SpooledBatch:
    """A checked batch, cut into jobs and files, ready to upload."""

    directory: Path
    jobs: tuple[SpooledJob, ...]
    records: int
    size: int


def spool(
    requests: Iterable[object], *, directory: Path, model: str, check: Check, quotas: BatchQuotas
) -> SpooledBatch:
    """Check and shard `requests` into `directory` (which must exist and be empty of batch files).

    Raises `BatchRequestError` (a bad or repeated request, naming it) or `BatchQuotaError`; the
    directory then holds partial files the caller removes with it.
    """
    sharder = Sharder(model=model, check=check, quotas=quotas)
    jobs: list[SpooledJob] = []
    files: list[SpooledFile] = []
    out: BinaryIO | None = None
    current: Path | None = None
    try:
        for event in _events(sharder, requests):
            if isinstance(event, FileStart):
                folder = directory / f"part-{event.part:04d}"
                folder.mkdir(exist_ok=True)
                current = folder / event.name
                out = current.open("wb")
            elif isinstance(event, FileData):
                assert out is not None
                out.write(event.data)
            elif isinstance(event, FileEnd):
                assert out is not None and current is not None
                out.close()
                out = None
                id_map = current.with_name(current.name + ".ids")
                id_map.write_bytes(event.id_map)
                files.append(SpooledFile(event.part, event.name, current, id_map, event.records, event.size))
            elif isinstance(event, JobEnd):
                jobs.append(SpooledJob(event.part, tuple(files), event.records, event.size))
                files = []
    finally:
        if out is not None:
            out.close()
    suspects = sharder.suspected_duplicates()
    if suspects:
        repeated = find_duplicates((f.id_map_path for job in jobs for f in job.files), suspects)
        if repeated:
            custom_id, rids = next(iter(repeated.items()))
            places = [f"requests[{record_index(rid)}]" for rid in rids]
            raise BatchRequestError(
                f"{' and '.join(places[:2])} share custom_id {custom_id!r}; custom_ids must be unique within a batch"
                + (f" ({len(repeated)} custom_ids are repeated)" if len(repeated) > 1 else ""),
                index=record_index(rids[-1]) or 0,
                custom_id=custom_id,
            )
    return SpooledBatch(directory, tuple(jobs), sum(job.records for job in jobs), sum(job.size for job in jobs))


def _events(sharder: Sharder, requests: Iterable[object]) -> Iterable[FileStart | FileData | FileEnd | JobEnd]:
    for request in requests:
        yield from sharder.add(request)
    yield from sharder.finish()


def find_duplicates(id_maps: Iterable[Path], digests: set[int]) -> dict[str, list[str]]:
    """custom_id -> its recordIds, for the custom_ids whose digest is in `digests` and that really
    occur more than once (a digest shared by two different custom_ids is not a duplicate)."""
    seen: dict[str, list[str]] = {}
    for path in id_maps:
        with path.open("rb") as lines:
            for line in lines:
                item = json.loads(line)
                custom_id = item["custom_id"]
                if custom_id_digest(custom_id) in digests:
                    seen.setdefault(custom_id, []).append(item["recordId"])
    return {custom_id: rids for custom_id, rids in seen.items() if len(rids) > 1}
