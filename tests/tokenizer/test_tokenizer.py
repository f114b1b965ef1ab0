"""The legacy Claude tokenizer: exact agreement with the `tokenizers` library,
lazy thread-safe loading, and the async entry point."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import subprocess
import sys
import textwrap
import threading
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import anthropic_bedrock.tokenizer as tokenizer_pkg
from anthropic_bedrock.tokenizer import (
    Encoding,
    Tokenizer,
    _bpe,
    _unicode,
    async_count_tokens,
    count_tokens,
    get_tokenizer,
)

TOKENIZER_SHA256 = "c241737df24b4e7f7c9af4fdcee29a0ca903dcb288a8b753bc346a3092911767"


def _json_bytes() -> bytes:
    return resources.files("anthropic_bedrock.tokenizer").joinpath("tokenizer.json").read_bytes()


CORPUS: list[str] = [
    "",
    "Hello world!",
    "hello world",
    "The quick brown fox jumps over the lazy dog. The QUICK brown fox!",
    "\n\nHuman: What is the capital of France?\n\nAssistant: Paris.",
    "\n\nHuman:\n\nAssistant:",
    "Human: Assistant: \n\nHuman:Hello\n\nAssistant:Hi\n\n",
    # contractions in various cases
    "it's don't you're we've I'm they'll he'd",
    "IT'S DON'T YOU'RE WE'VE I'M THEY'LL HE'D",
    "It'S Don'T You'Re We'Ve I'M They'Ll He'D",
    "'s't're've'm'll'd 'S'T'RE 'sss ''s ' s",
    "rock'n'roll o'clock ma'am y'all",
    # code and data
    "def f(x):\n    return x ** 2  # square\n\nprint(f(3))\n",
    "for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}\n",
    '{"key": "value", "list": [1, 2.5, -3e10, null, true], "nested": {"a": {}}}',
    "SELECT * FROM users WHERE id = 42 AND name LIKE '%bob%';",
    '<html><body><div class="x">Hi &amp; bye</div></body></html>',
    "https://example.com/path?query=1&x=%20#frag user@example.com",
    "aGVsbG8gd29ybGQhIHRoaXMgaXMgYmFzZTY0IGVuY29kZWQgdGV4dA==",
    # numbers
    "0 1 12 123 1234 12345 123456789012345678901234567890 3.14159 -2,500,000 1e-9 0x1F",
    "½ ¾ ² ³ ① ② Ⅻ ٣ ४ ๕ 𝟗 ８９",
    # CJK, scripts
    "日本語のテキストです。東京は大きい。",
    "中文文本，包括标点符号！繁體中文。",
    "한국어 텍스트입니다. 가나다라 ᄀ ᅡ ᆨ",
    "مرحبا بالعالم، كيف حالك؟",
    "שלום עולם, מה שלומך?",
    "नमस्ते दुनिया, आप कैसे हैं?",
    "Привет, мир! Ελληνικά κείμενα. Ողջույն",
    "ภาษาไทย ไม่มีช่องว่าง ລາວ ខ្មែរ",
    # emoji
    "I love 🍕 and 🎉!! 😀😃😄😁",
    "👨‍👩‍👧‍👦 👩🏽‍💻 🏳️‍🌈 ❤️ ✌🏿 🫠 🥲",
    "🇯🇵🇺🇸🇬🇧🇫🇷 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    # combining marks and normalisation
    "e\u0301 a\u0300\u0301 o\u0308\u0304 n\u0303 \u0301\u0301 x\u0334\u0301\u0316",
    "ﬁ ﬂ ﬀ ℌ ℍ ℎ ㈱ ㍿ ㋿ Ⓐ ｆｕｌｌｗｉｄｔｈ ｶﾀｶﾅ",
    "Å Å Å Ω Ω K K",
    "\u0b47\u0b3e \u1100\u1161\u11a8 \uac00\u11a8",
    "\ua7f2\ua7f3 \U00010781\U00010782 \U0001fbf0\U0001fbf9 \u1c89\u1c8a \U000105c0",
    # control characters, NUL, whitespace
    "\x00",
    "a\x00b\x00\x00c",
    "\x01\x02\x03\x1b[31mred\x1b[0m\x7f\x1c\x1d\x1e\x1f",
    "     ",
    "word" + " " * 200 + "word",
    " " * 1000,
    "\t\t\tx\n\n\n\ty \r\n z\u00a0w\u3000v\u2028u\u2029t\u0085s",
    "\n \n  \n   \n\t \t\n",
    "trailing spaces   ",
    "   leading spaces",
    " \u00a0 \u2003 mixed\u200b zero\ufeffwidth",
    # special tokens in text
    "<EOT>",
    "a<EOT>b<META>c<META_START>d<META_END>e<SOS>f",
    "<META_START><META_END><<EOT>> <EOT <META",
    "e\u0301<EOT>\u0301",
    # astral code points next to the characters the pattern names literally
    "'\U00020000 '\U0001d400s \U00020000's x'\U0001f600'll \U0001d7ce1 \U00010400\U00010401",
    "\U0001f600\U0001f601 \U0001f600 \U00020000\U00020001 \U000e0001\U000e0020 \U000f0000\U0010fffd",
    "\ufa6c\ufad0 \U0002f800\U0002fa1d",
    # code points newer than the reference's Unicode data, around combining marks
    "\u07fd\u0301 a\u07fd\u0316 \u08d0a\u0301\u08d0 \U00011935\U00011930 \U00011930\U00011935 \U0001fbf5",
    # long words
    "a" * 3000,
    "ab" * 1500,
    "x" + "\u00e9" * 500,
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 20,
]


@pytest.fixture(scope="module")
def reference() -> Any:
    tokenizers = pytest.importorskip("tokenizers")
    return tokenizers.Tokenizer.from_str(_json_bytes().decode("utf-8"))


# ----------------------------------------------------------------- self-contained


def test_hello_world_is_three_tokens() -> None:
    assert count_tokens("Hello world!") == 3


def test_empty_text() -> None:
    assert count_tokens("") == 0
    assert get_tokenizer().encode("").ids == []


def test_vocabulary_file_is_the_pinned_one() -> None:
    assert hashlib.sha256(_json_bytes()).hexdigest() == TOKENIZER_SHA256
    notice = resources.files("anthropic_bedrock.tokenizer").joinpath("NOTICE").read_text(encoding="utf-8")
    assert "Permission is hereby granted" in notice


def test_get_tokenizer_is_a_singleton() -> None:
    tok = get_tokenizer()
    assert tok is get_tokenizer()
    assert isinstance(tok, Tokenizer)
    assert tok.vocab_size == 65000


def test_encode_gives_ids_and_tokens() -> None:
    encoding = get_tokenizer().encode("Hello world!")
    assert isinstance(encoding, Encoding)
    assert encoding.tokens == ["Hello", "Ġworld", "!"]
    assert len(encoding.ids) == len(encoding) == 3


def test_special_tokens_are_single_tokens() -> None:
    tok = get_tokenizer()
    assert tok.encode("<EOT>").ids == [0]
    assert tok.encode("<META><META_START><META_END><SOS>").ids == [1, 2, 3, 4]
    assert count_tokens("x<EOT>") == 2


def test_count_matches_encode_on_corpus() -> None:
    tok = get_tokenizer()
    for text in [*CORPUS, "\ufa6c\U0001f600"]:
        assert tok.count(text) == len(tok.encode(text).ids), text


def test_decode_round_trip() -> None:
    tok = get_tokenizer()
    for text in ["Hello world!", "日本語 🇯🇵 a<EOT>b", "tabs\tand\nnewlines  "]:
        assert tok.decode(tok.encode(text).ids) == unicodedata.normalize("NFKC", text)


def test_every_vocabulary_entry_is_its_own_bpe_result() -> None:
    # The engine counts a piece whose byte string is a vocabulary entry as one
    # token without running the merges; this must hold for every entry.
    tok = get_tokenizer()
    special = set(tok._special)
    for token in tok._vocab:
        if token not in special:
            assert tok._bpe(token) == [token], token


def test_the_merge_loops_agree() -> None:
    tok = get_tokenizer()
    texts = ["internationalization", "            ", "abcabcabcabcaaaaaaa", "ééé日本", "a" * 100, "ab" * 70, "😀" * 9]
    for text in texts:
        for word in (tok._symbols(text), tok._symbols(text * 5), tok._symbols(text * 60)):
            expected = _bpe.merge_short(word, tok._ranks)
            assert _bpe.merge_heap(word, tok._ranks) == expected, word
            assert _bpe.merge_in_rank_order(word, tok._ranks, tok._merges, tok._vocab) == expected, word


def test_non_text_is_rejected() -> None:
    with pytest.raises(TypeError):
        count_tokens(b"Hello world!")  # type: ignore[arg-type]


def test_lone_surrogate_is_rejected() -> None:
    with pytest.raises(UnicodeEncodeError):
        count_tokens("a\ud800b")


def test_unsupported_layout_is_rejected() -> None:
    with pytest.raises(ValueError, match="normalizer"):
        Tokenizer.from_json('{"normalizer": {"type": "NFC"}}')


def _run_fresh(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def test_import_does_not_load_the_vocabulary() -> None:
    out = _run_fresh(
        """
        import anthropic_bedrock
        import anthropic_bedrock.tokenizer as t
        from anthropic_bedrock.tokenizer import count_tokens, async_count_tokens, get_tokenizer
        print(t._tokenizer is None)
        print(count_tokens("Hello world!"))
        print(t._tokenizer is not None)
        """
    )
    assert out.split() == ["True", "3", "True"]


def test_works_as_a_vendored_copy(tmp_path: Path) -> None:
    # The folder alone, under another parent package: relative imports and
    # importlib.resources must be enough to find the vocabulary.
    source = Path(tokenizer_pkg.__file__).parent
    shutil.copytree(source, tmp_path / "host" / "_vendor" / "tok", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "host" / "__init__.py").write_text("")
    (tmp_path / "host" / "_vendor" / "__init__.py").write_text("")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import host._vendor.tok as t\n"
        "assert t._tokenizer is None\n"
        "print(t.count_tokens('Hello world!'), 'anthropic_bedrock' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert out == ["3", "False"]


def test_threaded_first_load_happens_once() -> None:
    out = _run_fresh(
        """
        import threading
        import anthropic_bedrock.tokenizer as t

        calls = []
        real_load = t._load
        def counting_load():
            calls.append(1)
            return real_load()
        t._load = counting_load

        start = threading.Barrier(8)
        results = []
        def worker():
            start.wait()
            results.append((id(t.get_tokenizer()), t.count_tokens("Hello world!")))
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for th in threads: th.start()
        for th in threads: th.join()
        print(len(calls), len(set(results)), results[0][1], len(results))
        """
    )
    assert out.split() == ["1", "1", "3", "8"]


def test_threads_share_one_tokenizer_and_agree() -> None:
    texts = CORPUS * 3
    expected = [count_tokens(t) for t in texts]
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for i in range(len(texts)):
                j = (i + offset) % len(texts)
                assert count_tokens(texts[j]) == expected[j]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k * 7,)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []


def test_async_first_load_and_repeated_awaits() -> None:
    out = _run_fresh(
        """
        import asyncio, threading
        import anthropic_bedrock.tokenizer as t

        loaded_in = []
        real_load = t._load
        def recording_load():
            loaded_in.append(threading.current_thread() is threading.main_thread())
            return real_load()
        t._load = recording_load

        async def main():
            first = await asyncio.gather(*(t.async_count_tokens("Hello world!") for _ in range(5)))
            later = [await t.async_count_tokens("Hello world!") for _ in range(3)]
            big = await t.async_count_tokens(" word" * 20000)
            return first, later, big

        first, later, big = asyncio.run(main())
        print(first, later, big, loaded_in)
        """
    )
    assert out == "[3, 3, 3, 3, 3] [3, 3, 3] 20000 [False]"


def test_async_in_process_repeated_runs() -> None:
    async def main() -> list[int]:
        return [await async_count_tokens("Hello world!") for _ in range(3)]

    assert asyncio.run(main()) == [3, 3, 3]
    assert asyncio.run(main()) == [3, 3, 3]
    assert tokenizer_pkg._tokenizer is not None


# ----------------------------------------------------------------- against tokenizers


@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_corpus_matches_reference(reference: Any, text: str) -> None:
    expected = reference.encode(text)
    ours = get_tokenizer().encode(text)
    assert ours.ids == expected.ids
    assert ours.tokens == expected.tokens
    assert count_tokens(text) == len(expected.ids)


def test_decode_matches_reference(reference: Any) -> None:
    tok = get_tokenizer()
    for text in CORPUS:
        ids = reference.encode(text).ids
        assert tok.decode(ids) == reference.decode(ids, skip_special_tokens=False), text


def test_reference_hello_world(reference: Any) -> None:
    assert len(reference.encode("Hello world!").ids) == 3


def _all_code_points() -> list[str]:
    """Every code point of the planes in use (0-3, 14), and a sample of the rest
    (planes 4-13 are unassigned, 15-16 private use)."""
    dense = [*range(0xD800), *range(0xE000, 0x40000), *range(0xE0000, 0xF0000)]
    sparse = [*range(0x40000, 0xE0000, 257), *range(0xF0000, 0x110000, 257), 0x10FFFF]
    return [chr(cp) for cp in [*dense, *sparse]]


def test_pre_tokenizer_classes_match_reference_on_every_code_point(reference: Any) -> None:
    # Each code point c sits in contexts that reveal whether the reference
    # regex sees it as a letter, a number, other, or whitespace.
    pre_tokenizers = pytest.importorskip("tokenizers.pre_tokenizers")
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok = get_tokenizer()
    chars = _all_code_points()
    step = 4096
    for start in range(0, len(chars), step):
        text = "".join(f"a{c}1{c}!{c}\x00{c} {c}x" for c in chars[start : start + step])
        expected = [piece for piece, _ in byte_level.pre_tokenize_str(text)]
        ours = [tok._symbols(piece) for piece in tok._split(text)]
        assert ours == expected, f"code points from U+{ord(chars[start]):04X}"


def test_normalizer_matches_reference_on_every_code_point(reference: Any) -> None:
    normalizers = pytest.importorskip("tokenizers.normalizers")
    nfkc = normalizers.NFKC()
    tok = get_tokenizer()
    chars = _all_code_points()
    step = 8192
    for start in range(0, len(chars), step):
        block = chars[start : start + step]
        # alone, after a base letter, and between combining marks
        text = "".join(f"\x00{c}\x00a{c}\x00a\u0301{c}\u0316" for c in block)
        assert tok._normalize(text) == nfkc.normalize_str(text), f"code points from U+{ord(block[0]):04X}"


def test_bmp_code_points_that_normalise_to_astral_ones() -> None:
    # NFKC maps some CJK compatibility ideographs (U+FA6C, U+FAD0, ...) above
    # U+FFFF; the engine must notice the astral code points after normalising.
    produced = [chr(cp) for cp in range(0xF900, 0xFB00) if unicodedata.normalize("NFKC", chr(cp)) > "\uffff"]
    assert "\ufa6c" in produced
    tok = get_tokenizer()
    for c in produced:
        assert tok.count(c + "a" + c) == len(tok.encode(c + "a" + c).ids)


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
_MIXED = st.lists(
    st.one_of(
        _TEXT,
        st.sampled_from(["'s", "'T", "'ll", " ", "  ", "\n", "\t", "<EOT>", "\u0301", "\u0316", "a", "1", "!", "e"]),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
        st.text(alphabet=" \t\n\r\x00\u00a0\u3000abc'123.", max_size=30),
    ),
    max_size=12,
).map("".join)


def _check(reference: Any, text: str) -> None:
    expected = reference.encode(text)
    ours = get_tokenizer().encode(text)
    assert ours.ids == expected.ids
    assert count_tokens(text) == len(expected.ids)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT)
def test_random_unicode_matches_reference(reference: Any, text: str) -> None:
    _check(reference, text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_MIXED)
def test_random_mixed_text_matches_reference(reference: Any, text: str) -> None:
    _check(reference, text)


def _ranges_to_chars(ranges: tuple[tuple[int, int], ...], limit: int) -> list[str]:
    return [chr(cp) for lo, hi in ranges for cp in range(lo, min(hi, lo + limit) + 1)]


# Assigned code points the reference normaliser does not know, plus letters,
# combining marks and astral letters/emoji to put them next to.
_NEWER = [c for c in _ranges_to_chars(_unicode.NORMALIZER_GAPS, 64) if unicodedata.category(c) != "Cn"]
_NEIGHBOURS = list("aeAE 1'\u0301\u0316\u0334\u093c\u0915\u0b47\u0b3e\u1100\u1161\u11a8\U00020000\U0001f600")


@settings(max_examples=800, deadline=None)
@given(text=st.lists(st.sampled_from(_NEWER) | st.sampled_from(_NEIGHBOURS), max_size=16).map("".join))
def test_newer_code_points_match_reference(reference: Any, text: str) -> None:
    _check(reference, text)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        st.characters(min_codepoint=0x300, max_codepoint=0x36F) | st.characters(max_codepoint=0x7F) | st.just("\u0b3e"),
        max_size=40,
    )
)
def test_random_combining_sequences_match_reference(reference: Any, text: str) -> None:
    _check(reference, text)
