#!/usr/bin/env python3
"""Benchmark the pure-Python token counter against the `tokenizers` library.

    python scripts/bench_tokenizer.py [--size-mb 1.0] [--repeat 3]

Prints the first-load time (each measured in a fresh interpreter) and the
counting throughput on about 1 MB of mixed synthetic text (prose, code, JSON,
CJK, emoji, other scripts), cold (fresh caches) and warm, in MB of UTF-8 per
second.  The `tokenizers` rows are skipped when it is not installed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
JSON_PATH = ROOT / "overlays" / "anthropic_bedrock" / "tokenizer" / "tokenizer.json"

COMMON = (  # noqa: SIM905 - a word list reads better as text
    "the of and to in is that it for was on are as with be at by this have from or one had not but what "
    "all were when we there can an your which their said if do will each about how up out them then she "
    "many some so these would other into has more her two like him see time could no make than first "
    "been its who now people my made over did down only way find use may water long little very after "
    "words called just where most know get through back much before go good new write our used me man "
    "too any day same right look think also around another came come work three word must because does "
    "part even place well such here take why things help put years different away again off went old "
    "number great tell men say small every found still between name should home big give air line set "
    "own under read last never us left end along while might next sound below saw something thought both "
    "few those always looked show large often together asked house don't world going want school "
    "important until form food keep children feet land side without boy once animals life enough took "
    "sometimes four head above kind began almost live page got earth need far hand high year mother "
    "light parts country father let night following picture being study second eyes soon times story "
    "boys since white days ever paper hard near sentence better best across during today others sure "
    "means it's knew try told young"
).split()

CODE = [
    "def {n}(self, items: list[int]) -> int:\n    total = 0\n    for i, x in enumerate(items):\n        total += x * i\n    return total\n",
    "for (let {n} = 0; {n} < arr.length; {n}++) {{\n\tif (arr[{n}] === null) continue;\n\tresult.push(arr[{n}]);\n}}\n",
    "SELECT id, name FROM {n} WHERE created_at > NOW() - INTERVAL '7 days' ORDER BY id;\n",
    '    if err != nil {{\n        return nil, fmt.Errorf("{n}: %w", err)\n    }}\n',
]


def _word(rng: random.Random) -> str:
    if rng.random() < 0.04:  # rarer words: names, identifiers, typos
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 12)))
    # roughly Zipfian over the common list
    return COMMON[min(int(rng.paretovariate(1.1)) - 1, len(COMMON) - 1)]


def _prose(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(3, 8)):
        words = [_word(rng) for _ in range(rng.randint(6, 20))]
        words[0] = words[0].capitalize()
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words)), str(rng.randint(0, 100000)))
        sentences.append(" ".join(words) + rng.choice(".!?."))
    return " ".join(sentences)


def _cjk(rng: random.Random) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x4FFF)) for _ in range(rng.randint(20, 80))) + "。"


def _other(rng: random.Random) -> str:
    samples = [
        "Привет, как дела? Всё хорошо, спасибо.",
        "مرحبا بك في الموقع، نتمنى لك يوما سعيدا",
        "नमस्ते, आप कैसे हैं? मैं ठीक हूँ।",
        "Καλημέρα σε όλους, τι κάνετε σήμερα;",
        "ยินดีต้อนรับสู่เว็บไซต์ของเรา",
        "Great job 🎉🎉 👍🏽 see you soon 😀 👨‍👩‍👧 🇫🇷",
        "Café déjà vu — naïve façade, ﬁne ½ ① ｆｕｌｌ",
    ]
    return rng.choice(samples)


def make_documents(size_mb: float, seed: int = 1234) -> list[str]:
    rng = random.Random(seed)
    docs: list[str] = []
    total = 0
    target = int(size_mb * 1_000_000)
    while total < target:
        kind = rng.random()
        parts: list[str] = []
        for _ in range(rng.randint(2, 10)):
            if kind < 0.55:
                parts.append(_prose(rng))
            elif kind < 0.75:
                parts.append(rng.choice(CODE).format(n=_word(rng).replace("'", "")))
            elif kind < 0.85:
                obj = {_word(rng): [rng.randint(0, 999), _word(rng), rng.random() < 0.5, None] for _ in range(4)}
                parts.append(json.dumps(obj, indent=rng.choice([None, 2])))
            elif kind < 0.93:
                parts.append(_cjk(rng))
            else:
                parts.append(_other(rng))
        doc = "\n\nHuman: " + "\n\n".join(parts) + "\n\nAssistant:"
        docs.append(doc)
        total += len(doc.encode("utf-8"))
    return docs


def _first_load(code: str, repeat: int, pycache: str) -> float:
    """Median time of `code` in fresh interpreters, with bytecode cached in
    `pycache` (as for an installed package) after one warm-up run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    times = []
    for _ in range(repeat + 1):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        times.append(float(out.stdout.strip()))
    return statistics.median(times[1:])


OURS_LOAD = """
import time
t = time.perf_counter()
from anthropic_bedrock.tokenizer import get_tokenizer
get_tokenizer()
print(time.perf_counter() - t)
"""

REF_LOAD = f"""
import time
t = time.perf_counter()
from tokenizers import Tokenizer
Tokenizer.from_file({str(JSON_PATH)!r})
print(time.perf_counter() - t)
"""


def _throughput(fn: Callable[[], object], nbytes: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return nbytes / best / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from anthropic_bedrock.tokenizer import Tokenizer, get_tokenizer

    tokenizers: Any
    try:
        import tokenizers
    except ImportError:
        tokenizers = None

    docs = make_documents(args.size_mb)
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    big = "".join(docs)
    print(f"corpus: {len(docs)} documents, {nbytes / 1e6:.2f} MB UTF-8, {len(big)} characters")

    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        ours_load = _first_load(OURS_LOAD, args.repeat, pycache)
        print(f"first load (fresh process, import + load), ours:       {ours_load * 1000:7.1f} ms")
        if tokenizers is not None:
            ref_load = _first_load(REF_LOAD, args.repeat, pycache)
            print(f"first load (fresh process, import + load), tokenizers: {ref_load * 1000:7.1f} ms")

    data = JSON_PATH.read_bytes()
    ours = get_tokenizer()
    ours_total = sum(ours.count(d) for d in docs)

    def cold() -> None:
        fresh = Tokenizer.from_json(data)
        t = time.perf_counter()
        for d in docs:
            fresh.count(d)
        cold_times.append(time.perf_counter() - t)

    cold_times: list[float] = []
    for _ in range(args.repeat):
        cold()
    rows: list[tuple[str, float]] = [
        ("ours count, cold caches", nbytes / min(cold_times) / 1e6),
        ("ours count, warm caches", _throughput(lambda: [ours.count(d) for d in docs], nbytes, args.repeat)),
        ("ours count, one 1 MB string", _throughput(lambda: ours.count(big), nbytes, args.repeat)),
        ("ours encode (ids), warm", _throughput(lambda: [ours.encode(d) for d in docs], nbytes, args.repeat)),
    ]
    if tokenizers is not None:
        ref = tokenizers.Tokenizer.from_file(str(JSON_PATH))
        ref_total = sum(len(e.ids) for e in ref.encode_batch(docs))
        print(
            f"tokens: ours {ours_total}, tokenizers {ref_total} ({'equal' if ours_total == ref_total else 'DIFFERENT'})"
        )
        rows += [
            (
                "tokenizers encode, per document",
                _throughput(lambda: [ref.encode(d) for d in docs], nbytes, args.repeat),
            ),
            ("tokenizers encode_batch", _throughput(lambda: ref.encode_batch(docs), nbytes, args.repeat)),
            ("tokenizers encode, one 1 MB string", _throughput(lambda: ref.encode(big), nbytes, args.repeat)),
        ]
    else:
        print(f"tokens: ours {ours_total} (tokenizers not installed)")
    print()
    base = dict(rows).get("tokenizers encode, per document")
    for name, mbps in rows:
        ratio = f"  ({mbps / base:.2f}x tokenizers per-document)" if base else ""
        print(f"{name:38s} {mbps:8.2f} MB/s{ratio}")


if __name__ == "__main__":
    main()
