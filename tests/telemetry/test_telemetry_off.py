"""Telemetry off costs nothing and changes nothing: no `opentelemetry` import, `NOOP` when no
provider is configured; on as soon as a global provider is set. Global providers can be set once per
process, so those cases run in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import httpx
import pytest

from anthropic_bedrock._telemetry import CHAT, NOOP, Telemetry, extract, start

PROLOGUE = """
import sys
from anthropic_bedrock import _telemetry
def observe():
    return _telemetry.start("chat", "m", {"max_tokens": 5}, server=("h", 443))
"""


def run(code: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-c", PROLOGUE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_without_a_provider_opentelemetry_is_never_imported() -> None:
    out = run(
        """
        import anthropic_bedrock
        observer = observe()
        observer.attempt("POST", "https://h/model/m/invoke")
        observer.attempt_done(200, {})
        observer.response({"id": "x"})
        observer.stream_event({"type": "ping"})
        observer.end()
        print(observer is _telemetry.NOOP, sorted(m for m in sys.modules if m.startswith("opentelemetry")))
        """
    )
    assert out == "True []"


def test_opentelemetry_imported_but_no_provider_is_off_then_a_provider_turns_it_on() -> None:
    out = run(
        """
        from opentelemetry import metrics, trace
        print(observe() is _telemetry.NOOP)
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        observer = observe()
        observer.end()
        print(observer.recording, [span.name for span in exporter.get_finished_spans()])
        """
    )
    assert out.splitlines() == ["True", "True ['chat m']"]


def test_a_meter_provider_alone_records_metrics() -> None:
    out = run(
        """
        from opentelemetry import metrics
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        reader = InMemoryMetricReader()
        metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
        observer = observe()
        observer.response({"model": "r", "usage": {"input_tokens": 3, "output_tokens": 4}})
        observer.end()
        names = [m.name for rm in reader.get_metrics_data().resource_metrics for sm in rm.scope_metrics for m in sm.metrics]
        print(sorted(names))
        """
    )
    assert out == "['gen_ai.client.operation.duration', 'gen_ai.client.token.usage']"


def test_a_disabled_sdk_is_off() -> None:
    out = run(
        """
        from opentelemetry import metrics, trace
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.trace import TracerProvider
        trace.set_tracer_provider(TracerProvider())
        metrics.set_meter_provider(MeterProvider())
        print(observe() is _telemetry.NOOP)
        """,
        OTEL_SDK_DISABLED="true",
    )
    assert out == "True"


def test_noop_in_this_process() -> None:
    # No test in this suite sets a global provider, so the default telemetry is off here.
    assert start(CHAT, "m") is NOOP
    assert Telemetry().start(CHAT, "m", {"max_tokens": 1}, server=("h", 443), stream=True) is NOOP
    assert NOOP.recording is False
    assert repr(NOOP) == "NOOP"


def test_capture_content_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="capture_content must be a bool or None, not str"):
        Telemetry(capture_content="yes")  # type: ignore[arg-type]


def test_error_type_rules() -> None:
    class Coded(Exception):
        error_type = "ValidationException"
        status_code = 400

    class Status(Exception):
        error_type = None
        status_code = 503

    assert extract.error_type(Coded()) == "ValidationException"
    assert extract.error_type(Status()) == "503"
    assert extract.error_type(httpx.ConnectTimeout("t")) == "ConnectTimeout"


def test_request_attributes_ignore_what_is_not_a_setting() -> None:
    attributes = extract.request_attributes(
        {"max_tokens": True, "temperature": "hot", "top_k": -1.5, "stop_sequences": ["a", 1]}, stream=False
    )
    assert attributes == {"gen_ai.request.top_k": -1.5}  # a bad value is the server's to refuse, not ours to hide
    assert extract.request_attributes(None, stream=True) == {"gen_ai.request.stream": True}


def test_header_lookup_ignores_case_in_plain_dicts() -> None:
    assert extract.header({"X-Amzn-RequestId": "r"}, "x-amzn-requestid") == "r"
    assert extract.header(httpx.Headers({"X-Amzn-RequestId": "r"}), "x-amzn-requestid") == "r"
    assert extract.header(None, "x-amzn-requestid") is None


def test_a_provider_that_fails_switches_telemetry_off(caplog: pytest.LogCaptureFixture) -> None:
    class Failing:
        def get_tracer(self, *args: object, **kwargs: object) -> object:
            raise RuntimeError("misconfigured")

    telemetry = Telemetry(tracer_provider=Failing())
    assert telemetry.start(CHAT, "m") is NOOP
    assert telemetry.start(CHAT, "m") is NOOP
    assert caplog.text.count("telemetry is off") == 1
