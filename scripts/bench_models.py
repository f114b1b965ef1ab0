"""Speed of the response models: parsing a typical answer, dumping it, copying and pickling it,
next to `anthropic`'s pydantic models on the same data where it is installed.

Parsing (`Message.from_dict`) is on every response's path, so it is the figure to watch when the
models change; the other rows are what user code pays when it calls the pydantic-style helpers.

    .venv/bin/python scripts/bench_models.py [--repeat 7] [--number 20000]
"""

from __future__ import annotations

import argparse
import copy
import json
import pickle
import statistics
import timeit
from collections.abc import Callable
from typing import Any

from anthropic_bedrock.types import Message

TYPICAL: dict[str, Any] = {
    "id": "msg_bdrk_01XFDUDYJgAACzvnptvVoYEL",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5-20250929",
    "content": [
        {
            "type": "thinking",
            "thinking": "The user wants the weather in Paris; call the tool.",
            "signature": "EqQBCgIYAhIM",
        },
        {"type": "text", "text": "I'll look up the current weather in Paris for you."},
        {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {"city": "Paris"}},
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {
        "input_tokens": 412,
        "output_tokens": 96,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    },
}


def per_call_us(fn: Callable[[], object], number: int, repeat: int) -> tuple[float, float, float]:
    runs = [t / number * 1e6 for t in timeit.repeat(fn, number=number, repeat=repeat)]
    return statistics.median(runs), min(runs), max(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--number", type=int, default=20000)
    args = parser.parse_args()

    message = Message.from_dict(TYPICAL)
    ours: dict[str, Callable[[], object]] = {
        "Message.from_dict": lambda: Message.from_dict(TYPICAL),
        "model_dump()": message.model_dump,
        "model_dump(mode='json')": lambda: message.model_dump(mode="json"),
        "to_dict()": message.to_dict,
        "to_json()": message.to_json,
        "model_dump_json()": message.model_dump_json,
        "model_copy()": message.model_copy,
        "copy.deepcopy": lambda: copy.deepcopy(message),
        "pickle round trip": lambda: pickle.loads(pickle.dumps(message)),
    }
    assert pickle.loads(pickle.dumps(message)) == message
    theirs: dict[str, Callable[[], object]] = {}
    try:
        from anthropic.types import Message as ReferenceMessage
    except ImportError:
        pass
    else:
        reference = ReferenceMessage.model_validate(TYPICAL)
        theirs = {
            "Message.from_dict": lambda: ReferenceMessage.model_validate(TYPICAL),
            "model_dump()": reference.model_dump,
            "model_dump(mode='json')": lambda: reference.model_dump(mode="json"),
            "to_dict()": reference.to_dict,
            "to_json()": reference.to_json,
            "model_dump_json()": reference.model_dump_json,
            "model_copy()": reference.model_copy,
            "copy.deepcopy": lambda: copy.deepcopy(reference),
            "pickle round trip": lambda: pickle.loads(pickle.dumps(reference)),
        }

    print(f"{'operation':28} {'ours (us)':>24} {'anthropic (us)':>24}")
    for label, fn in ours.items():
        mine = per_call_us(fn, args.number, args.repeat)
        ref = per_call_us(theirs[label], args.number, args.repeat) if label in theirs else None
        cell = f"{mine[0]:8.2f} ({mine[1]:.2f}..{mine[2]:.2f})"
        other = f"{ref[0]:8.2f} ({ref[1]:.2f}..{ref[2]:.2f})" if ref else "n/a"
        print(f"{label:28} {cell:>24} {other:>24}")
    print(f"median (min..max) per call over {args.repeat} runs of {args.number}; anthropic parses with model_validate")
    print(json.dumps({"message_bytes": len(json.dumps(TYPICAL))}))


if __name__ == "__main__":
    main()
