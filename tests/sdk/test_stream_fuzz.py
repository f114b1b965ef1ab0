"""A structured fuzz of Messages streams: well-formed streams mutated (events dropped, duplicated,
reordered, cut short; fields of the wrong type or missing; tool-input JSON cut or corrupted; chunk
payloads that are not JSON or not base64), each read through every entry point: the raw events of
`create(stream=True)` and their `get_final_message()`, the helper stream of `messages.stream()`
with every snapshot it offers, sync and (for a share of the cases) async. Only the SDK's own
errors may come out, and no case may hang.

The default count runs in seconds; `ANTHROPIC_BEDROCK_FUZZ_CASES=20000` runs more (and
`ANTHROPIC_BEDROCK_FUZZ_SEED` picks another seed). `python tests/sdk/test_stream_fuzz.py 20000`
prints the counts.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import os
import random
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx

import anthropic_bedrock as ab

try:
    from anthropic_bedrock._aws.eventstream_encoder import encode_message
except ImportError:  # an older layout of the package, for comparisons
    from anthropic_bedrock._eventstream import encode_message  # type: ignore[no-redef]

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
CASES = int(os.environ.get("ANTHROPIC_BEDROCK_FUZZ_CASES", "400"))
SEED = int(os.environ.get("ANTHROPIC_BEDROCK_FUZZ_SEED", "20261204"))
HANG_SECONDS = 10.0
ASYNC_SHARE = 8  # one case in this many is read through the async client too

# ---------------------------------------------------------------- well-formed streams


def _message(**usage: int) -> dict[str, Any]:
    return {
        "id": "msg_fuzz",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 1, **usage},
    }


def _delta(index: int, **fields: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": fields}


def _block(index: int, block: dict[str, Any], deltas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    start = {"type": "content_block_start", "index": index, "content_block": block}
    return [start, *(_delta(index, **d) for d in deltas), {"type": "content_block_stop", "index": index}]


def _text(index: int, words: list[str]) -> list[dict[str, Any]]:
    return _block(index, {"type": "text", "text": ""}, [{"type": "text_delta", "text": w} for w in words])


def _tool(index: int, value: Any, size: int) -> list[dict[str, Any]]:
    text = json.dumps(value, ensure_ascii=False)
    pieces = [text[i : i + size] for i in range(0, len(text), size)]
    block = {"type": "tool_use", "id": f"toolu_{index}", "name": "get_weather", "input": {}}
    return _block(
        index,
        block,
        [{"type": "input_json_delta", "partial_json": ""}]
        + [{"type": "input_json_delta", "partial_json": p} for p in pieces],
    )


def _end(reason: str, output: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "message_delta",
            "delta": {"stop_reason": reason, "stop_sequence": None},
            "usage": {"output_tokens": output},
        },
        {
            "type": "message_stop",
            "amazon-bedrock-invocationMetrics": {
                "inputTokenCount": 12,
                "outputTokenCount": output,
                "invocationLatency": 5,
            },
        },
    ]


TOOL_INPUT = {
    "city": 'Paris "centre" \u00e9\u4e2d',
    "days": 3,
    "scale": 1.5e3,
    "flags": [True, False, None],
    "nested": {"a": [1, {"b": "c"}]},
}


def base_streams() -> list[list[dict[str, Any]]]:
    start = {"type": "message_start", "message": _message()}
    ping = {"type": "ping"}
    citation = {
        "type": "char_location",
        "cited_text": "the sky",
        "document_index": 0,
        "document_title": "Sky",
        "start_char_index": 0,
        "end_char_index": 7,
    }
    thinking = _block(
        0,
        {"type": "thinking", "thinking": "", "signature": ""},
        [
            {"type": "thinking_delta", "thinking": "Let me "},
            {"type": "thinking_delta", "thinking": "think."},
            {"type": "signature_delta", "signature": "c2lnbmF0dXJl"},
        ],
    )
    cited = _block(
        0,
        {"type": "text", "text": "", "citations": None},
        [{"type": "citations_delta", "citation": citation}, {"type": "text_delta", "text": "The sky is blue."}],
    )
    return [
        [start, ping, *_text(0, ["Hello", " there", ", sailor"]), *_end("end_turn", 3)],
        [start, *_tool(0, TOOL_INPUT, 7), *_end("tool_use", 20)],
        [start, *_text(0, ["I will", " check."]), *_tool(1, {"city": "Oslo"}, 3), *_end("tool_use", 9)],
        [start, *thinking, ping, *_text(1, ["Blue", "."]), *_end("max_tokens", 6)],
        [start, *cited, {"type": "novel_event", "novel": {"answer": 42}}, *_end("end_turn", 5)],
        [start, *_tool(0, {"q": "x" * 300, "n": list(range(40))}, 16), *_end("max_tokens", 60)],
    ]


# ---------------------------------------------------------------- mutations

ODD_VALUES: list[Any] = [None, 0, -1, 10**30, 2.5, "", "x", "message_stop", True, [], [1, "a"], {}, {"type": 1}]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _paths(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _paths(sub, (*path, index))


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = root
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return root


def _delete(root: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return root
    parent = root
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return root


def _json_pieces(events: list[Any]) -> list[dict[str, Any]]:
    return [
        e["delta"]
        for e in events
        if isinstance(e, dict) and isinstance(e.get("delta"), dict) and "partial_json" in e["delta"]
    ]


def _corrupt_json(rng: random.Random, events: list[Any]) -> None:
    pieces = _json_pieces(events)
    if not pieces:
        return
    piece = rng.choice(pieces)
    text = piece["partial_json"] if isinstance(piece["partial_json"], str) else ""
    at = rng.randint(0, len(text))
    choice = rng.randrange(8)
    if choice == 0:
        piece["partial_json"] = text[:at]  # cut inside a piece
    elif choice == 1:
        piece["partial_json"] = (
            text[:at] + rng.choice(['"', "}", "]", ",", ":", "\\", "x", "\x00", "NaN", "\\u12"]) + text[at:]
        )
    elif choice == 2:
        piece["partial_json"] = "[" * rng.choice([300, 100_000])
    elif choice == 3:
        pieces[0]["partial_json"] = rng.choice(["[1, 2]", '"text"', "12", "null", "[", "{}}"])
        for other in pieces[1:]:
            other["partial_json"] = ""
    elif choice == 4:
        piece["partial_json"] = text + '}{"again": 1}'
    elif choice == 5:  # the tool call cut by max_tokens: its last pieces never come
        keep = rng.randint(0, len(pieces))
        for other in pieces[keep:]:
            other["partial_json"] = ""
    elif choice == 6:
        piece["partial_json"] = '{"a": ' * rng.choice([10, 5000])
    else:
        piece["partial_json"] = text[:at] + "\ud800" + text[at:]


def mutate(rng: random.Random, events: list[Any]) -> list[Any]:
    """Apply one to three random mutations; returns the (new) list of events."""
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(9)
        if not events:
            break
        index = rng.randrange(len(events))
        if kind == 0:
            del events[index]
        elif kind == 1:
            events.insert(index, copy.deepcopy(events[rng.randrange(len(events))]))
        elif kind == 2:
            other = rng.randrange(len(events))
            events[index], events[other] = events[other], events[index]
        elif kind == 3:
            events = events[: rng.randrange(len(events))]
        elif kind == 4 and isinstance(events[index], dict | list):
            path = rng.choice(list(_paths(events[index])))
            events[index] = _set(events[index], path, copy.deepcopy(rng.choice(ODD_VALUES)))
        elif kind == 5 and isinstance(events[index], dict | list):
            paths = [p for p in _paths(events[index]) if p]
            if paths:
                events[index] = _delete(events[index], rng.choice(paths))
        elif kind in (6, 7):
            _corrupt_json(rng, events)
        elif kind == 8 and isinstance(events[index], dict):
            events[index]["type"] = rng.choice(
                [
                    "message_start",
                    "content_block_start",
                    "content_block_delta",
                    "content_block_stop",
                    "message_delta",
                    "message_stop",
                    "ping",
                    "novel",
                ]
            )
    return events


def _frame(payload: bytes, event_type: str = "chunk", message_type: str = "event") -> bytes:
    headers = {":event-type": event_type, ":content-type": "application/json", ":message-type": message_type}
    if message_type == "exception":
        headers = {":exception-type": event_type, ":content-type": "application/json", ":message-type": message_type}
    return encode_message(headers, payload)


def _chunk(event: Any) -> bytes:
    try:
        data = json.dumps(event, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):
        data = b"{not json"
    return _frame(json.dumps({"bytes": base64.b64encode(data).decode()}).encode())


def body_of(rng: random.Random, events: list[Any]) -> bytes:
    """The wire body; a few frames are damaged at the framing and payload level too."""
    frames = [_chunk(e) for e in events]
    if frames and rng.random() < 0.25:
        index = rng.randrange(len(frames))
        frames[index] = rng.choice(
            [
                _frame(b'{"bytes": "not base64!"}'),
                _frame(b'{"bytes": 12}'),
                _frame(b"{not json"),
                _frame(json.dumps({"bytes": base64.b64encode(b'{"type": "message_st').decode()}).encode()),
                _frame(b'{"novel": {"answer": 42}}', event_type="novelEvent"),
                _frame(b'{"message": "slow down"}', event_type="throttlingException", message_type="exception"),
                frames[index][:-3],
            ]
        )
    return b"".join(frames)


def make_case(seed: int) -> bytes:
    rng = random.Random(seed)
    events = copy.deepcopy(rng.choice(base_streams()))
    return body_of(rng, mutate(rng, events))


# ---------------------------------------------------------------- reading a case


class Hang(BaseException):
    """A case ran longer than HANG_SECONDS."""


def _answer(body: bytes) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, stream=httpx.ByteStream(body), headers={"content-type": "application/vnd.amazon.eventstream"}
        )

    return handler


def _touch_event(event: Any) -> None:
    for name in ("snapshot", "message", "content_block"):
        getattr(event, name, None)


NO_TEXT_BLOCK = "needs a text block"  # get_final_text() on a message without one: the caller's error, as in anthropic


PARAMS: dict[str, Any] = {"model": MODEL, "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]}


def read_raw(body: bytes) -> None:
    with httpx.Client(transport=httpx.MockTransport(_answer(body))) as http:
        client = ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", http_client=http, max_retries=0)
        stream = client.messages.create(**PARAMS, stream=True)
        for _ in stream:
            stream.text  # noqa: B018
        stream.get_final_message()


def read_helper(body: bytes) -> None:
    with httpx.Client(transport=httpx.MockTransport(_answer(body))) as http:
        client = ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", http_client=http, max_retries=0)
        with client.messages.stream(**PARAMS) as helper:
            for event in helper:
                _touch_event(event)
                helper.current_message_snapshot  # noqa: B018
            helper.get_final_message()
            helper.get_final_text()


async def read_raw_async(body: bytes) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(_answer(body))) as http:
        client = ab.AsyncAnthropicBedrock(aws_access_key="a", aws_secret_key="b", http_client=http, max_retries=0)
        stream = await client.messages.create(**PARAMS, stream=True)
        async for _ in stream:
            pass
        await stream.get_final_message()


async def read_helper_async(body: bytes) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(_answer(body))) as http:
        client = ab.AsyncAnthropicBedrock(aws_access_key="a", aws_secret_key="b", http_client=http, max_retries=0)
        async with client.messages.stream(**PARAMS) as helper:
            async for event in helper:
                _touch_event(event)
                helper.current_message_snapshot  # noqa: B018
            await helper.get_final_text()


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang


def run_case(seed: int, outcomes: Counter[str], untyped: list[str]) -> None:
    body = make_case(seed)
    readers: list[Callable[[], None]] = [lambda: read_raw(body), lambda: read_helper(body)]
    if seed % ASYNC_SHARE == 0:
        readers.append(lambda: asyncio.run(read_raw_async(body)))
        readers.append(lambda: asyncio.run(read_helper_async(body)))
    for read in readers:
        signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
        try:
            read()
            outcomes["no error"] += 1
        except Hang:
            outcomes["hang"] += 1
            untyped.append(f"seed {seed}: hang")
        except ab.AnthropicBedrockError as exc:
            outcomes[type(exc).__name__] += 1
        except RuntimeError as exc:
            if NO_TEXT_BLOCK not in str(exc):
                outcomes["untyped"] += 1
                untyped.append(f"seed {seed}: {exc!r}"[:300])
            else:
                outcomes["no text block"] += 1
        except Exception as exc:
            outcomes["untyped"] += 1
            untyped.append(f"seed {seed}: {exc!r}"[:300])
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)


def fuzz(cases: int, seed: int) -> tuple[Counter[str], list[str]]:
    outcomes: Counter[str] = Counter()
    untyped: list[str] = []
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        for case in range(cases):
            run_case(seed + case, outcomes, untyped)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return outcomes, untyped


def test_mutated_message_streams_raise_only_the_sdks_errors() -> None:
    outcomes, untyped = fuzz(CASES, SEED)
    assert outcomes["hang"] == 0 and outcomes["untyped"] == 0, "\n".join(untyped[:20])
    # The fuzz reaches the interesting paths: good streams, and each kind of typed failure.
    assert outcomes["no error"] > 0 and outcomes["APIResponseValidationError"] > 0
    assert outcomes["StreamDecodeError"] > 0 and outcomes["StreamInterruptedError"] > 0


def test_the_base_streams_are_read_whole() -> None:
    for events in base_streams():
        body = b"".join(_chunk(e) for e in events)
        read_raw(body)
        try:
            read_helper(body)
        except RuntimeError as exc:  # only the tool call streams lack a text block
            assert NO_TEXT_BLOCK in str(exc)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else CASES
    outcomes, untyped = fuzz(count, SEED)
    reads = sum(outcomes.values())
    print(f"cases {count}, reads {reads}, untyped {outcomes['untyped']}, hangs {outcomes['hang']}")
    print(dict(sorted(outcomes.items())))
    kinds = Counter(line.split(": ", 1)[1].split("(")[0] for line in untyped)
    print(dict(kinds.most_common(10)))
    for line in untyped[:10]:
        print(line)
