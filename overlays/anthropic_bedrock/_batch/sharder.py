"""The batch sharder: any iterable of `{"custom_id", "params"}` requests in, JSONL files cut to
Bedrock's quotas out, one request at a time, never holding the batch in memory.

It is sans-IO, fed like a parser: `add(request)` and `finish()` return events (`FileStart`,
`FileData`, `FileEnd`, `JobEnd`) that a driver writes wherever it likes (a spool directory, an S3
multipart upload). Each request is checked and turned into its InvokeModel body by the `check`
callable, the same code `messages.create` uses; a bad one raises `BatchRequestError` naming its
index and custom_id.

Jobs are filled in order up to the per-job limits and files up to the per-file limits. Bedrock also
wants a minimum number of records per job, which the last job of a long stream could miss; so the
sharder keeps the last `min_records_per_job` requests back until it knows whether more follow, and
at the end either adds them to the current job or starts one more job with exactly that many. Memory
is that lookahead, one output chunk, the id map of the file being written (bounded by the per-file
record quota) and 8 bytes per request for the duplicate custom_id check.
"""

from __future__ import annotations

import json
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final

from .layout import BatchLayout
from .quotas import BatchQuotas
from .records import CUSTOM_ID_PATTERN, LINE_OVERHEAD, check_custom_id, record_id, write_id_map_line, write_input_line

__all__ = [
    "BatchQuotaError",
    "BatchRequestError",
    "Check",
    "Event",
    "FileData",
    "FileEnd",
    "FileStart",
    "JobEnd",
    "Sharder",
    "custom_id_digest",
    "encode_json",
    "shard",
]

Check = Callable[[Mapping[str, Any], str], Mapping[str, Any]]
"""`check(params, where) -> body`: validates a request's params (without `model`) as `messages.create`
does, naming fields under `where`, and returns the InvokeModel body; raises ValueError or TypeError."""

CHUNK_SIZE: Final = 1 << 20
_NONE: Final[tuple[()]] = ()


class BatchRequestError(ValueError):
    """A request of the batch is invalid; nothing of the batch was uploaded."""

    def __init__(self, message: str, *, index: int, custom_id: str | None) -> None:
        super().__init__(message)
        self.index = index
        self.custom_id = custom_id


class BatchQuotaError(ValueError):
    """The batch cannot be cut to fit Bedrock's quotas (too few requests, or requests too large)."""


@dataclass(frozen=True, slots=True)
class FileStart:
    """An input file begins: `part` is the job (1-based), `index` the file within it (1-based)."""

    part: int
    index: int
    name: str


@dataclass(frozen=True, slots=True)
class FileData:
    """The next bytes of the file begun last."""

    data: bytes


@dataclass(frozen=True, slots=True)
class FileEnd:
    """The file is complete: its record count and size, and its id map (recordId -> custom_id lines)."""

    part: int
    index: int
    name: str
    records: int
    size: int
    id_map: bytes


@dataclass(frozen=True, slots=True)
class JobEnd:
    """The job's last file ended."""

    part: int
    files: int
    records: int
    size: int


Event = FileStart | FileData | FileEnd | JobEnd


def _refused(index: int, custom_id: str, problem: str) -> BatchRequestError:
    return BatchRequestError(
        f"requests[{index}] (custom_id {custom_id!r}): {problem}", index=index, custom_id=custom_id
    )


def custom_id_digest(custom_id: str) -> int:
    """The 64-bit number the duplicate check keeps per request: Python's string hash, which is
    computed once per string and stable within a process (the check and its confirmation run in one)."""
    return hash(custom_id)


def encode_json(body: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON; ValueError for what JSON cannot carry (NaN, a lone surrogate, a set...)."""
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except (TypeError, ValueError, UnicodeEncodeError, RecursionError) as exc:
        raise ValueError(f"the request body cannot be encoded as JSON ({exc})") from None


class Sharder:
    """Cuts a stream of requests into JSONL files and jobs within `quotas` (see the module docstring)."""

    def __init__(
        self,
        *,
        model: str,
        check: Check,
        quotas: BatchQuotas,
        encode: Callable[[Mapping[str, Any]], bytes] = encode_json,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self.model = model
        self.quotas = quotas
        self._check = check
        self._encode = encode
        self._chunk_size = chunk_size
        self._pending: deque[tuple[int, str, bytes]] = deque()  # (index, custom_id, body), not yet placed
        self._seen = 0
        self._placed = 0
        self._finished = False
        # the job and file being written
        self._part = 0
        self._job_open = False
        self._job_files = self._job_records = self._job_size = 0
        self._file_index = self._file_records = self._file_size = 0
        self._buffer = bytearray()
        self._ids = bytearray()
        # a 64-bit digest of every custom_id (8 bytes each), in 256 buckets sorted only at the end
        self._digests = [array("q") for _ in range(256)]

    @property
    def records(self) -> int:
        """Requests read so far."""
        return self._seen

    @property
    def jobs(self) -> int:
        """Jobs begun so far."""
        return self._part

    # -- input ---------------------------------------------------------------------------------

    def add(self, request: object) -> Sequence[Event]:
        """Take the next request; returns the events it completes (usually none)."""
        if self._finished:
            raise RuntimeError("the sharder is finished")
        index = self._seen
        custom_id, body = self._prepare(request, index)
        self._seen += 1
        digest = custom_id_digest(custom_id)
        self._digests[digest & 255].append(digest)
        self._pending.append((index, custom_id, body))
        if len(self._pending) <= self.quotas.min_records_per_job:
            return _NONE
        events: list[Event] = []
        self._place(self._pending.popleft(), events)
        return events

    def finish(self) -> Sequence[Event]:
        """No more requests: place the ones held back and end the last file and job."""
        if self._finished:
            return []
        self._finished = True
        events: list[Event] = []
        tail = list(self._pending)
        self._pending.clear()
        minimum = self.quotas.min_records_per_job
        if self._placed == 0 and len(tail) < minimum:
            raise BatchQuotaError(
                f"a batch job needs at least {minimum} requests (Bedrock's minimum records per job); got {len(tail)}"
            )
        tail_size = sum(LINE_OVERHEAD + len(body) for _, _, body in tail)
        fits = (
            self._job_open
            and self._job_records + len(tail) <= self.quotas.max_records_per_job
            and self._job_size + tail_size <= self.quotas.max_bytes_per_job
        )
        if self._job_open and not fits:
            self._end_job(events)
        if not fits and tail_size > self.quotas.max_bytes_per_job:
            raise BatchQuotaError(
                f"the last {len(tail)} requests (the minimum for a job) take {tail_size} bytes, more than "
                f"a job's {self.quotas.max_bytes_per_job}"
            )
        for item in tail:
            self._place(item, events, may_end_job=False)
        if self._job_open:
            self._end_job(events)
        return events

    def suspected_duplicates(self) -> set[int]:
        """Digests that occur more than once (call after `finish`): each is almost surely a repeated
        custom_id, which `spool.find_duplicates` confirms from the id maps."""
        repeated: set[int] = set()
        for bucket in self._digests:
            ordered = sorted(bucket)
            repeated.update(left for left, right in pairwise(ordered) if left == right)
        return repeated

    def _prepare(self, request: object, index: int) -> tuple[str, bytes]:
        if not isinstance(request, Mapping):
            raise BatchRequestError(
                f"requests[{index}] must be a mapping with 'custom_id' and 'params', not {type(request).__name__}",
                index=index,
                custom_id=None,
            )
        custom_id = request.get("custom_id")
        if custom_id.__class__ is not str or CUSTOM_ID_PATTERN.fullmatch(custom_id) is None:
            try:
                check_custom_id(custom_id, f"requests[{index}].custom_id")
            except (TypeError, ValueError) as exc:
                raise BatchRequestError(str(exc), index=index, custom_id=None) from exc
        assert isinstance(custom_id, str)
        params = request.get("params")
        if len(request) != 2 or params is None:
            extra = sorted(set(request) - {"custom_id", "params"})
            problem = f"unknown key {extra[0]!r}" if extra else f"requests[{index}].params is missing"
            raise _refused(index, custom_id, problem)
        if not isinstance(params, Mapping):
            raise _refused(index, custom_id, f"requests[{index}].params must be a mapping of messages.create arguments")
        model = params.get("model", self.model)
        if model != self.model:
            raise _refused(
                index,
                custom_id,
                f"requests[{index}].params.model is {model!r}, but every request of a batch job goes to "
                f"the batch's model {self.model!r}",
            )
        if params.get("stream"):
            raise _refused(
                index, custom_id, f"requests[{index}].params.stream must not be true: batch answers are whole messages"
            )
        if "model" in params or "stream" in params:
            params = {key: value for key, value in params.items() if key not in ("model", "stream")}
        try:
            body = self._encode(self._check(params, f"requests[{index}].params"))
        except (TypeError, ValueError) as exc:
            raise _refused(index, custom_id, str(exc)) from exc
        size = LINE_OVERHEAD + len(body)
        if size > self.quotas.max_bytes_per_file:
            raise _refused(
                index,
                custom_id,
                f"the request takes {size} bytes as a batch record, more than a file's "
                f"{self.quotas.max_bytes_per_file} (Bedrock's batch inference input file size)",
            )
        return custom_id, body

    # -- output --------------------------------------------------------------------------------

    def _place(self, item: tuple[int, str, bytes], events: list[Event], may_end_job: bool = True) -> None:
        _, custom_id, body = item
        quotas = self.quotas
        size = LINE_OVERHEAD + len(body)
        if (
            self._job_open
            and may_end_job
            and (self._job_records + 1 > quotas.max_records_per_job or self._job_size + size > quotas.max_bytes_per_job)
        ):
            self._end_job(events)
        if not self._job_open:
            self._part += 1
            self._job_open = True
        if self._file_index and (
            self._file_records + 1 > quotas.max_records_per_file or self._file_size + size > quotas.max_bytes_per_file
        ):
            self._end_file(events)
        if self._file_index == 0:
            self._job_files += 1
            self._file_index = self._job_files
            events.append(FileStart(self._part, self._file_index, BatchLayout.file_name(self._file_index)))
        rid = record_id(self._placed).encode()
        self._placed += 1
        write_input_line(self._buffer, rid, body)
        write_id_map_line(self._ids, rid, custom_id)
        self._file_records += 1
        self._file_size += size
        self._job_records += 1
        self._job_size += size
        if len(self._buffer) >= self._chunk_size:
            events.append(FileData(bytes(self._buffer)))
            self._buffer.clear()

    def _end_file(self, events: list[Event]) -> None:
        if self._buffer:
            events.append(FileData(bytes(self._buffer)))
            self._buffer.clear()
        name = BatchLayout.file_name(self._file_index)
        events.append(
            FileEnd(self._part, self._file_index, name, self._file_records, self._file_size, bytes(self._ids))
        )
        self._ids.clear()
        self._file_index = self._file_records = self._file_size = 0

    def _end_job(self, events: list[Event]) -> None:
        if self._job_records < self.quotas.min_records_per_job:
            raise BatchQuotaError(
                f"job {self._part} would hold only {self._job_records} requests ({self._job_size} bytes): fewer "
                f"than Bedrock's minimum of {self.quotas.min_records_per_job} fit in a job of "
                f"{self.quotas.max_bytes_per_job} bytes; send smaller requests or raise quotas.max_bytes_per_job"
            )
        if self._file_index:
            self._end_file(events)
        events.append(JobEnd(self._part, self._job_files, self._job_records, self._job_size))
        self._job_open = False
        self._job_files = self._job_records = self._job_size = 0


def shard(requests: Iterable[object], *, model: str, check: Check, quotas: BatchQuotas) -> Iterator[Event]:
    """The events of `Sharder` over `requests`, read lazily."""
    sharder = Sharder(model=model, check=check, quotas=quotas)
    for request in requests:
        yield from sharder.add(request)
    yield from sharder.finish()
