"""A batch-inference emulator (the control plane, and moto's S3 server on loopback) for the whole run,
reset before each test, and clients of every mode pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from anthropic_bedrock.emulator import Emulator

from batchkit import LIMITS


@pytest.fixture(scope="session")
def _batch_server() -> Iterator[Emulator]:
    with Emulator(s3=True, batch_limits=LIMITS) as server:
        yield server


@pytest.fixture
def batch_emulator(_batch_server: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """The emulator with batch inference, freshly reset (no jobs, an empty bucket, jobs running by
    themselves); botocore's S3 clients, the SDK's included, find its S3 through `AWS_ENDPOINT_URL_S3`."""
    _batch_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", _batch_server.s3_url)
    yield _batch_server
    _batch_server.batch.jobs.autorun = True
    _batch_server.reset()


@pytest.fixture
def bd(make_driver: Any, batch_emulator: Emulator) -> Any:
    """A sync or async client (one per mode) with its control plane on the emulator."""
    return make_driver(batch_emulator, control_base_url=batch_emulator.url)
