"""The retry policy is a pure function; these pin its decisions."""

from __future__ import annotations

from email.utils import formatdate

import pytest

from anthropic_bedrock._http.retry import backoff_seconds, retry_after_seconds, retry_delay, should_retry_status


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses(status: int) -> None:
    assert should_retry_status(status, {})


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 424])
def test_not_retryable_statuses(status: int) -> None:
    assert not should_retry_status(status, {})


def test_x_should_retry_overrides() -> None:
    assert should_retry_status(400, {"x-should-retry": "true"})
    assert not should_retry_status(503, {"x-should-retry": "false"})


def test_stops_after_max_retries() -> None:
    assert retry_delay(0, 2, status_code=503, jitter=0) == 0.5
    assert retry_delay(1, 2, status_code=503, jitter=0) == 1.0
    assert retry_delay(2, 2, status_code=503, jitter=0) is None
    assert retry_delay(0, 0, status_code=503) is None


def test_connection_errors_are_retried() -> None:
    assert retry_delay(0, 1, jitter=0) == 0.5


def test_backoff_is_capped_and_jittered() -> None:
    assert backoff_seconds(20, 0.0) == 8.0
    assert 0.375 <= backoff_seconds(0, 0.999) < 0.5


def test_retry_after_seconds_and_ms_and_date() -> None:
    assert retry_delay(0, 2, status_code=429, headers={"retry-after": "3"}) == 3.0
    assert retry_delay(0, 2, status_code=429, headers={"retry-after-ms": "250"}) == 0.25
    now = 1_000_000.0
    date = formatdate(now + 4, usegmt=True)
    assert retry_after_seconds({"retry-after": date}, now=lambda: now) == pytest.approx(4.0)


def test_unreasonable_retry_after_falls_back_to_backoff() -> None:
    assert retry_delay(0, 2, status_code=429, headers={"retry-after": "3600"}, jitter=0) == 0.5
    assert retry_delay(0, 2, status_code=429, headers={"retry-after": "soon"}, jitter=0) == 0.5


def test_retry_after_zero_keeps_a_small_pause() -> None:
    for headers in ({"retry-after": "0"}, {"retry-after-ms": "0"}, {"retry-after-ms": "5"}, {"retry-after": "0.01"}):
        delay = retry_delay(0, 2, status_code=429, headers=headers)
        assert delay is not None and 0.05 <= delay <= 0.5, (headers, delay)
    assert retry_delay(0, 2, status_code=429, headers={"retry-after": "2"}) == 2.0
