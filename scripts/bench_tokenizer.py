#!/usr/bin/env python3
"""Benchmark the pure-Python token counter against the `tokenizers` library.

    python scripts/bench_tokenizer.py [--size-mb 1.0] [--repeat 3]
    python scripts/bench_tokenizer.py --worst-cases 100000 [--repeat 3]
    python scripts/bench_tokenizer.py --inline [--repeat 3]

Prints the first-load time (each measured in a fresh interpreter) and the
counting throughput on about 1 MB of mixed synthetic text (prose, code, JSON,
CJK, emoji, other scripts), cold (fresh caches) and warm, in MB of UTF-8 per
second.  The `tokenizers` rows are skipped when it is not installed.

`--worst-cases N` times the kinds of text that are slowest to count (one huge
pre-token, runs of astral characters, runs of combining marks, ...), about N
characters each, against `tokenizers`: best of `--repeat`, fresh caches.
`--inline` times, on the same kinds of text, the part of `async_count_tokens`
that runs on the event loop (`Tokenizer.count_if_cheap` with the package's
bounds), worst of `--repeat`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
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


def _random_text(rng: random.Random, n: int, pick: Callable[[random.Random], str]) -> str:
    return "".join(pick(rng) for _ in range(n))


def _random_code_point(rng: random.Random) -> str:
    while True:
        cp = rng.randint(0x20, 0x10FFFF)
        if not 0xD800 <= cp < 0xE000:
            return chr(cp)


def _expanding() -> list[str]:
    """BMP characters whose NFKC is at least 4 characters long (U+FDFA gives 18)."""
    return [c for c in map(chr, range(0x10000)) if len(unicodedata.normalize("NFKC", c)) >= 4]


def worst_cases(n: int, seed: int = 7) -> dict[str, str]:
    """Kinds of text of about `n` characters that are slow to count."""
    rng = random.Random(seed)
    lower = "abcdefghijklmnopqrstuvwxyz"
    printable = "".join(map(chr, range(0x20, 0x7F)))
    expanding = _expanding()

    def words(lo: int, hi: int) -> str:
        out: list[str] = []
        size = 0
        while size < n:
            out.append(_random_text(rng, rng.randint(lo, hi), lambda r: r.choice(lower)))
            size += len(out[-1]) + 1
        return " ".join(out)[:n]

    return {
        "'a' + emoji run": "a" + "\U0001f600" * (n - 1),
        "spaces": " " * n,
        "one word: 'a' * n": "a" * n,
        "one word: random letters": _random_text(rng, n, lambda r: r.choice(lower)),
        "random emoji": _random_text(rng, n, lambda r: chr(r.randint(0x1F300, 0x1F6FF))),
        "random CJK ext. B (astral letters)": _random_text(rng, n, lambda r: chr(r.randint(0x20000, 0x2A6DF))),
        "random CJK (BMP)": _random_text(rng, n, lambda r: chr(r.randint(0x4E00, 0x9FFF))),
        "random whitespace": _random_text(rng, n, lambda r: r.choice(" \t\n\r\x0b\x0c\u00a0\u3000")),
        "random digits": _random_text(rng, n, lambda r: r.choice("0123456789")),
        "random printable ASCII": _random_text(rng, n, lambda r: r.choice(printable)),
        "random code points": _random_text(rng, n, _random_code_point),
        "alternating combining marks": "a" + "\u0301\u0316" * ((n - 1) // 2),
        "NFKC expansions": _random_text(rng, n, lambda r: r.choice(expanding)),
        "random words of 17-40 letters": words(17, 40),
        "random words of 100-255 letters": words(100, 255),
    }


def _cut_to_bytes(text: str, size: int) -> str:
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


def _run_worst_cases(n: int, repeat: int, data: bytes, reference: Any) -> None:
    from anthropic_bedrock.tokenizer import Tokenizer

    print(f"worst cases, about {n} characters each; best of {repeat}, fresh caches")
    print(f"{'text':36s} {'ours':>10s} {'tokenizers':>11s} {'ratio':>6s}")
    for name, text in worst_cases(n).items():
        ours: list[float] = []
        ref: list[float] = []
        for _ in range(repeat):
            tokenizer = Tokenizer.from_json(data)
            gc.collect()  # the tokenizers of earlier runs are garbage
            t = time.perf_counter()
            count = tokenizer.count(text)
            ours.append(time.perf_counter() - t)
            if reference is not None:
                t = time.perf_counter()
                expected = len(reference.encode(text).ids)
                ref.append(time.perf_counter() - t)
                if expected != count:
                    raise SystemExit(f"{name}: {count} tokens, tokenizers {expected}")
        row = f"{name:36s} {min(ours) * 1000:8.1f}ms"
        if ref:
            row += f" {min(ref) * 1000:9.1f}ms {min(ours) / min(ref):6.2f}"
        print(row, flush=True)


def _run_inline(repeat: int, data: bytes) -> None:
    """The time of `count_if_cheap` with the bounds `async_count_tokens` uses,
    on the slowest kinds of text: cut to the byte bound with fresh caches
    (mostly refused), cut to the new-bytes bound with fresh caches (counted),
    and cut to the byte bound with every piece known (counted)."""
    from anthropic_bedrock import tokenizer as package

    size, new_bytes = package._INLINE_BYTES, package._INLINE_NEW_BYTES
    print(f"count_if_cheap(text, {size}, {new_bytes}); worst of {repeat}, ms")
    print(f"{'text':36s} {'fresh':>8s} {'cut':>8s} {'known':>8s}")
    worst = 0.0
    for name, text in worst_cases(size).items():
        full = _cut_to_bytes(text, size)
        cut = _cut_to_bytes(text, new_bytes)
        row = []
        for sample, warm in ((full, False), (cut, False), (full, True)):
            times = []
            for _ in range(repeat):
                tokenizer = package.Tokenizer.from_json(data)
                if warm:
                    tokenizer.count(sample)
                gc.collect()  # the tokenizers of earlier runs are garbage
                t = time.perf_counter()
                tokenizer.count_if_cheap(sample, size, new_bytes)
                times.append(time.perf_counter() - t)
            row.append(max(times))
        worst = max(worst, *row)
        print(f"{name:36s} " + " ".join(f"{x * 1000:8.2f}" for x in row), flush=True)
    print(f"slowest: {worst * 1000:.2f} ms")


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
    parser.add_argument("--worst-cases", type=int, metavar="N", help="time the slowest kinds of text, N characters")
    parser.add_argument("--inline", action="store_true", help="time the inline counting of async_count_tokens")
    args = parser.parse_args()

    from anthropic_bedrock.tokenizer import Tokenizer, get_tokenizer

    tokenizers: Any
    try:
        import tokenizers
    except ImportError:
        tokenizers = None

    if args.worst_cases:
        reference = tokenizers.Tokenizer.from_file(str(JSON_PATH)) if tokenizers is not None else None
        _run_worst_cases(args.worst_cases, args.repeat, JSON_PATH.read_bytes(), reference)
        return
    if args.inline:
        _run_inline(args.repeat, JSON_PATH.read_bytes())
        return

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
