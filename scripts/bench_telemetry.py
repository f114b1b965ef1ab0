"""What telemetry costs per call and per stream event, off and on.

Each scenario runs in its own process, since whether `opentelemetry` is imported and whether a global
provider is set are process-wide:

    off, not installed/imported   `import anthropic_bedrock`, no OpenTelemetry module loaded
    off, API imported             `opentelemetry.trace` / `.metrics` imported, no provider set
    on, SDK                       SDK tracer and meter providers with a span processor that drops spans
                                  (the cost of the SDK and of this package, without an exporter's)

Rows: `start` alone; a whole non-streamed call's hooks (start, attempt, attempt_done, response,
end); one stream event (`stream_event`, guarded by `observer.recording` as the reader does). The
figure is the best of several repeats, in nanoseconds of CPU time per operation.

    .venv/bin/python scripts/bench_telemetry.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import timeit
from typing import Any

SCENARIOS = ("off-not-imported", "off-api-imported", "on-sdk")
BODY = {"max_tokens": 256, "temperature": 0.5, "messages": [{"role": "user", "content": "Hello"}]}
ANSWER = {
    "id": "msg_1",
    "model": "claude-sonnet-4-5",
    "stop_reason": "end_turn",
    "content": [{"type": "text", "text": "Hi"}],
    "usage": {"input_tokens": 10, "output_tokens": 2},
}
EVENT = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "word "}}
SERVER = ("bedrock-runtime.us-east-1.amazonaws.com", 443)
URL = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2/invoke"


def _setup(scenario: str) -> None:
    if scenario == "off-api-imported":
        import opentelemetry.metrics
        import opentelemetry.trace  # noqa: F401
    elif scenario == "on-sdk":
        from opentelemetry import metrics, trace
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        from opentelemetry.sdk.trace import SpanProcessor, TracerProvider

        provider = TracerProvider()
        provider.add_span_processor(SpanProcessor())  # the base processor: drops every span
        trace.set_tracer_provider(provider)
        metrics.set_meter_provider(MeterProvider(metric_readers=[InMemoryMetricReader()]))


def measure(scenario: str, repeat: int) -> dict[str, Any]:
    _setup(scenario)
    from anthropic_bedrock import _telemetry

    start = _telemetry.start
    headers = {"x-amzn-requestid": "r"}

    def empty() -> None:
        pass

    class Bare:
        def start(
            self,
            operation: str,
            model: str | None,
            params: Any = None,
            *,
            server: tuple[str, int] | None = None,
            stream: bool = False,
        ) -> None:
            return None

    bare_start = Bare().start

    def bare() -> None:
        bare_start("chat", "anthropic.claude-v2", BODY, server=SERVER)

    def start_only() -> None:
        start("chat", "anthropic.claude-v2", BODY, server=SERVER)

    def whole_call() -> None:
        observer = start("chat", "anthropic.claude-v2", BODY, server=SERVER)
        observer.attempt("POST", URL)
        observer.attempt_done(200, headers)
        observer.response(ANSWER, headers)
        observer.end()

    stream_observer = start("chat", "anthropic.claude-v2", BODY, server=SERVER, stream=True)

    def stream_event() -> None:
        if stream_observer.recording:
            stream_observer.stream_event(EVENT)

    rows = {}
    for name, func, number in (
        ("empty function call (reference)", empty, 200_000),
        ("method call, start's arguments (ref.)", bare, 200_000),
        ("start()", start_only, 200_000 if scenario != "on-sdk" else 5_000),
        ("whole call: start..end", whole_call, 200_000 if scenario != "on-sdk" else 5_000),
        ("one stream event", stream_event, 500_000 if scenario != "on-sdk" else 100_000),
    ):
        # CPU time of this process, not wall time: the figures hold on a machine busy with other work
        best = min(timeit.repeat(func, number=number, repeat=repeat, timer=time.process_time)) / number
        rows[name] = round(best * 1e9, 1)
    stream_observer.end()
    rows["opentelemetry modules loaded"] = sum(1 for m in sys.modules if m.startswith("opentelemetry"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--scenario", choices=SCENARIOS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(measure(args.scenario, args.repeat)))
        return
    results = {}
    for scenario in SCENARIOS:
        out = subprocess.run(
            [sys.executable, __file__, "--scenario", scenario, "--repeat", str(args.repeat)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results[scenario] = json.loads(out)
    names = list(results[SCENARIOS[0]])
    print(f"{'ns per operation':40}" + "".join(f"{s:>19}" for s in SCENARIOS))
    for name in names:
        print(f"{name:40}" + "".join(f"{results[s][name]:>19}" for s in SCENARIOS))


if __name__ == "__main__":
    main()
