#!/usr/bin/env python3
"""Bring the legacy Claude tokenizer vocabulary into the package, verified.

    python scripts/fetch_tokenizer.py            # fetch tokenizer.json + NOTICE
    python scripts/fetch_tokenizer.py --tables   # also regenerate _unicode.py

The vocabulary is the `tokenizer.json` shipped inside the pinned PyPI wheel
`anthropic-bedrock==0.8.0` (MIT).  The wheel is downloaded with pip, its sha256
is checked, the member is checked against a pinned sha256 (and against the
wheel's own RECORD), then written to `overlays/anthropic_bedrock/tokenizer/`
together with a NOTICE carrying the licence text from the wheel's dist-info.

`--tables` regenerates `overlays/anthropic_bedrock/tokenizer/_unicode.py`, the
character tables that make the pure-Python engine agree with the reference
`tokenizers` library exactly.  It needs `tokenizers` (a dev dependency): the
tables are measured from the reference implementation itself, code point by
code point, so that the pre-tokenizer classes (`\\p{L}`, `\\p{N}`, `\\s`) and the
Unicode version of its NFKC normaliser are matched rather than assumed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

PACKAGE = "anthropic-bedrock"
VERSION = "0.8.0"
WHEEL_NAME = "anthropic_bedrock-0.8.0-py3-none-any.whl"
WHEEL_SHA256 = "76f4105d770b262b732de23f9d63cbf5c9f076cd53724d5fc3c76189fee81450"
MEMBER = "anthropic_bedrock/tokenizer.json"
MEMBER_SHA256 = "c241737df24b4e7f7c9af4fdcee29a0ca903dcb288a8b753bc346a3092911767"
LICENSE_MEMBERS = (
    "anthropic_bedrock-0.8.0.dist-info/licenses/LICENSE",
    "anthropic_bedrock-0.8.0.dist-info/LICENSE",
)
RECORD_MEMBER = "anthropic_bedrock-0.8.0.dist-info/RECORD"

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "overlays" / "anthropic_bedrock" / "tokenizer"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(1)


def _download_wheel(workdir: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        f"{PACKAGE}=={VERSION}",
        "-d",
        str(workdir),
    ]
    print("+", " ".join(cmd))
    subprocess.run(cmd, check=True)
    wheel = workdir / WHEEL_NAME
    if not wheel.is_file():
        _fail(f"pip did not produce {WHEEL_NAME}; got {sorted(p.name for p in workdir.iterdir())}")
    return wheel


def _record_sha256(record: str, member: str) -> str | None:
    for line in record.splitlines():
        parts = line.rsplit(",", 2)
        if len(parts) == 3 and parts[0] == member and parts[1].startswith("sha256="):
            digest = parts[1][len("sha256=") :]
            padded = digest + "=" * (-len(digest) % 4)
            return base64.urlsafe_b64decode(padded).hex()
    return None


def fetch() -> None:
    with tempfile.TemporaryDirectory(prefix="fetch-tokenizer-") as tmp:
        wheel = _download_wheel(Path(tmp))
        wheel_bytes = wheel.read_bytes()
        got = _sha256(wheel_bytes)
        if got != WHEEL_SHA256:
            _fail(f"wheel sha256 mismatch: expected {WHEEL_SHA256}, got {got}")
        print(f"wheel sha256 ok: {got}")
        with zipfile.ZipFile(wheel) as zf:
            names = set(zf.namelist())
            data = zf.read(MEMBER)
            record = zf.read(RECORD_MEMBER).decode("utf-8")
            license_member = next((m for m in LICENSE_MEMBERS if m in names), None)
            if license_member is None:
                _fail("no LICENSE file in the wheel's dist-info")
                return
            license_text = zf.read(license_member).decode("utf-8")

    got = _sha256(data)
    if got != MEMBER_SHA256:
        _fail(f"{MEMBER} sha256 mismatch: expected {MEMBER_SHA256}, got {got}")
    if _record_sha256(record, MEMBER) != got:
        _fail(f"{MEMBER} does not match the wheel's RECORD entry")
    print(f"{MEMBER} sha256 ok: {got} ({len(data)} bytes)")
    if "MIT" not in license_text and "Permission is hereby granted" not in license_text:
        _fail("unexpected licence text in the wheel")

    DEST.mkdir(parents=True, exist_ok=True)
    (DEST / "tokenizer.json").write_bytes(data)
    notice = (
        "tokenizer.json in this folder is the file anthropic_bedrock/tokenizer.json\n"
        f"from the {PACKAGE} {VERSION} wheel on PyPI ({WHEEL_NAME}),\n"
        f"unchanged (sha256 {MEMBER_SHA256}).\n"
        f"It is distributed under the licence of that package, reproduced below\n"
        f"from {license_member}.\n"
        "\n" + license_text.rstrip("\n") + "\n"
    )
    (DEST / "NOTICE").write_text(notice, encoding="utf-8")
    print(f"wrote {DEST / 'tokenizer.json'} and {DEST / 'NOTICE'}")


# --------------------------------------------------------------------------
# Character tables measured from the reference implementation.
# --------------------------------------------------------------------------

SURROGATES = range(0xD800, 0xE000)


def _code_points() -> Iterable[int]:
    for cp in range(0x110000):
        if cp not in SURROGATES:
            yield cp


def _ranges(cps: Iterable[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in sorted(cps):
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def _format_ranges(name: str, ranges: list[tuple[int, int]]) -> str:
    """One range per line, the layout `ruff format` keeps."""
    lines = [f"{name}: tuple[tuple[int, int], ...] = ("]
    lines += [f"    (0x{lo:X}, 0x{hi:X})," for lo, hi in ranges]
    lines.append(")")
    return "\n".join(lines)


def _pre_token_classes(pieces: Callable[[str], int]) -> tuple[set[int], set[int], set[int]]:
    """Split every code point into letter / number / whitespace / other as the
    reference byte-level regex sees them (`\\p{L}`, `\\p{N}`, `\\s`)."""
    letters: set[int] = set()
    numbers: set[int] = set()
    spaces: set[int] = set()
    for cp in _code_points():
        c = chr(cp)
        if pieces("a" + c) == 1:
            letters.add(cp)
        elif pieces("1" + c) == 1:
            numbers.add(cp)
        elif pieces("!" + c) != 1:
            spaces.add(cp)
    return letters, numbers, spaces


def _reference_inert(c: str, nfkd: Callable[[str], str], nfkc: Callable[[str], str]) -> bool:
    """True when the reference normaliser treats `c` as it treats an unassigned
    code point: no decomposition and canonical combining class 0."""
    if nfkd(c) != c or nfkc(c) != c:
        return False
    # A mark of class 230 placed before `c` moves after it when 0 < ccc(c) < 230;
    # a mark of class 1 placed after it moves before it when ccc(c) > 1.
    probe_before = "x\u0301" + c
    probe_after = "x" + c + "\u0334"
    return nfkd(probe_before) == probe_before and nfkd(probe_after) == probe_after


def _composing_pairs() -> dict[str, list[tuple[str, str]]]:
    """Code point -> the pairs it takes part in that local NFC composes."""
    pairs: dict[str, list[tuple[str, str]]] = {}
    for cp in _code_points():
        decomposition = unicodedata.decomposition(chr(cp))
        if not decomposition or decomposition.startswith("<"):
            continue
        parts = [chr(int(h, 16)) for h in decomposition.split()]
        if len(parts) == 2 and unicodedata.normalize("NFC", parts[0] + parts[1]) == chr(cp):
            pair = (parts[0], parts[1])
            pairs.setdefault(parts[0], []).append(pair)
            pairs.setdefault(parts[1], []).append(pair)
    return pairs


def _normalizer_gaps(nfkd: Callable[[str], str], nfkc: Callable[[str], str]) -> set[int]:
    """Code points that this interpreter's `unicodedata` may normalise but the
    reference treats as inert, i.e. that are newer than the reference's Unicode
    data: local `unicodedata` normalisation is exact on text split around them.

    Candidates are the code points unassigned locally (any later Python may
    assign them) and those local NFKC acts on; a candidate is kept only if the
    reference neither decomposes it, nor reorders it, nor composes with it.
    """
    pairs = _composing_pairs()
    gaps: set[int] = set()
    for cp in _code_points():
        c = chr(cp)
        unassigned = unicodedata.category(c) == "Cn"
        active = (
            unicodedata.normalize("NFKD", c) != c
            or unicodedata.combining(c) != 0
            or unicodedata.normalize("NFC", c) != c
            or c in pairs
        )
        if not (unassigned or active):
            continue
        if not _reference_inert(c, nfkd, nfkc):
            continue
        if any(nfkc(a + b) != a + b for a, b in pairs.get(c, ())):
            continue
        gaps.add(cp)
    return gaps


def _non_starters() -> set[int]:
    """Code points whose compatibility decomposition (by this interpreter's
    `unicodedata`) begins with a character of non-zero combining class: what a
    run of marks that canonical reordering sorts is made of."""
    out: set[int] = set()
    for cp in _code_points():
        decomposed = unicodedata.normalize("NFKD", chr(cp))
        if decomposed and unicodedata.combining(decomposed[0]):
            out.add(cp)
    return out


def tables() -> None:
    try:
        from tokenizers import normalizers, pre_tokenizers
    except ImportError:
        _fail("--tables needs the `tokenizers` package (a dev dependency)")
        return
    import tokenizers

    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)

    def pieces(text: str) -> int:
        return len(byte_level.pre_tokenize_str(text))

    ref_nfkc = normalizers.NFKC()
    ref_nfkd = normalizers.NFKD()

    print("measuring pre-tokenizer classes ...")
    letters, numbers, spaces = _pre_token_classes(pieces)
    print("measuring normaliser gaps ...")
    gaps = _normalizer_gaps(ref_nfkd.normalize_str, ref_nfkc.normalize_str)
    non_starters = _non_starters()

    header = (
        'r"""Character tables for the byte-level pre-tokenizer and the NFKC step.\n'
        "\n"
        "Generated by `scripts/fetch_tokenizer.py --tables`; do not edit by hand.\n"
        f"Measured from tokenizers {tokenizers.__version__} with Python {sys.version.split()[0]}\n"
        f"(unicodedata {unicodedata.unidata_version}).\n"
        "\n"
        "LETTER, NUMBER and SPACE are the code points that the reference regex\n"
        "matches with `\\p{L}`, `\\p{N}` and `\\s`.  NORMALIZER_GAPS are code points\n"
        "that the reference NFKC leaves alone (as unassigned) while a Python\n"
        "`unicodedata` may know them; normalising the text between them with\n"
        "`unicodedata` gives the reference result.  NON_STARTER are the code\n"
        "points whose NFKD begins with a combining mark (canonical combining\n"
        "class above 0), by this `unicodedata`: what the runs of marks that NFKC\n"
        "puts in canonical order are made of.\n"
        '"""\n'
    )
    body = "\n\n".join(
        [
            _format_ranges("LETTER", _ranges(letters)),
            _format_ranges("NUMBER", _ranges(numbers)),
            _format_ranges("SPACE", _ranges(spaces)),
            _format_ranges("NORMALIZER_GAPS", _ranges(gaps)),
            _format_ranges("NON_STARTER", _ranges(non_starters)),
        ]
    )
    target = DEST / "_unicode.py"
    target.write_text(header + "\n" + body + "\n", encoding="utf-8")
    print(
        f"wrote {target}: {len(letters)} letters, {len(numbers)} numbers, "
        f"{len(spaces)} spaces, {len(gaps)} normaliser gaps, {len(non_starters)} non-starters"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", action="store_true", help="also regenerate _unicode.py (needs tokenizers)")
    parser.add_argument("--tables-only", action="store_true", help="only regenerate _unicode.py")
    args = parser.parse_args()
    if not args.tables_only:
        fetch()
    if args.tables or args.tables_only:
        tables()


if __name__ == "__main__":
    main()
