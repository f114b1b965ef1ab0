"""The emulator's batch inference: moto's S3 server on loopback, a bucket in it, and the control
plane's jobs (`_batch.BatchJobs`) reading and writing that S3 through botocore.

Started with the emulator when it is asked for (``Emulator(s3=True)``, ``--s3``): moto (the
``emulator`` extra) takes about a second to start, which tests and benchmarks of the runtime
operations need not pay.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from ._batch import BatchJobs, BatchLimits
from ._s3server import S3Server

__all__ = ["DEFAULT_BUCKET", "BatchService"]

DEFAULT_BUCKET: Final = "emulator-batch"
ROLE_ARN: Final = "arn:aws:iam::123456789012:role/emulator-batch-role"
"""A service role the emulated jobs accept (one whose name holds `denied` cannot read the input)."""


class BatchService:
    """S3 and the jobs of one emulator; `start()` and `stop()` follow the emulator's own."""

    def __init__(
        self, *, region: str, bucket: str = DEFAULT_BUCKET, pace: float = 0.0, limits: BatchLimits | None = None
    ) -> None:
        self.region = region
        self.bucket = bucket
        self.pace = pace
        self.limits = limits
        self.role_arn = ROLE_ARN
        self._server: S3Server | None = None
        self._client: Any = None
        self._jobs: BatchJobs | None = None

    @property
    def started(self) -> bool:
        return self._jobs is not None

    @property
    def jobs(self) -> BatchJobs:
        """The emulated jobs (tests may set `autorun = False` and step them with `advance`)."""
        if self._jobs is None:
            raise RuntimeError("the emulator's batch inference is not running: start it with Emulator(s3=True)")
        return self._jobs

    @property
    def s3_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator's S3 server is not running: start it with Emulator(s3=True)")
        return self._server.url

    def start(self) -> None:
        # moto answers through werkzeug, which logs every request; the emulator logs its own way.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = S3Server().start()
        try:
            client = server.client()
            client.create_bucket(Bucket=self.bucket)
        except BaseException:
            server.stop()
            raise
        self._server, self._client = server, client
        self._jobs = BatchJobs(client, region=self.region, limits=self.limits, pace=self.pace)

    def stop(self) -> None:
        jobs, self._jobs = self._jobs, None
        if jobs is not None:
            jobs.close()
        client, self._client = self._client, None
        if client is not None:
            client.close()
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def reset(self) -> None:
        """Forget every job, object and bucket, then make the bucket again (for tests)."""
        jobs = self.jobs
        jobs.close()
        assert self._server is not None
        self._server.reset()
        self._client.create_bucket(Bucket=self.bucket)
        self._jobs = BatchJobs(self._client, region=self.region, limits=self.limits, pace=self.pace)
