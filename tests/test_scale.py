"""Real legislation at scale: any vocabulary, huge replace blocks, minimal redlines."""

from __future__ import annotations

import locale
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder import diff
from site_builder.diff import Op, TextBlock, diff_words, redline_blocks
from site_builder.lineage import trace_wids
from site_builder.render import Renderer
from tests.conftest import Repo, draft

LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"


def distinct_words(count: int, seed: int = 7) -> list[str]:
    """`count` different words, spelled like words (letters only), in a seeded order."""
    words = []
    for n in range(count):
        word = ""
        n += len(LETTERS)  # at least two letters
        while n:
            n, digit = divmod(n, len(LETTERS))
            word += LETTERS[digit]
        words.append(word)
    random.Random(seed).shuffle(words)
    return words


def amended(words: list[str], places: dict[int, str]) -> list[str]:
    """A copy of `words` with the word at each place replaced."""
    copy = list(words)
    for at, word in places.items():
        copy[at] = word
    return copy


def changes(ops: list[Op]) -> list[tuple[str, str]]:
    """The inserted and deleted runs of a diff, in order."""
    return [(op.kind, op.text) for op in ops if op.kind != "="]


def test_a_text_of_200000_distinct_words_diffs_minimally() -> None:
    """Two revisions with 200,000 distinct words give exactly the three words changed."""
    words = distinct_words(200_000)
    old = " ".join(words)
    new = " ".join(amended(words, {10: "Bundesamt", 100_000: "Landesamt", 199_990: "Amt"}))
    ops = diff_words(old, new)
    assert changes(ops) == [
        ("-", words[10]),
        ("+", "Bundesamt"),
        ("-", words[100_000]),
        ("+", "Landesamt"),
        ("-", words[199_990]),
        ("+", "Amt"),
    ]
    assert "".join(op.text for op in ops if op.kind != "+") == old
    assert "".join(op.text for op in ops if op.kind != "-") == new


def test_a_huge_vocabulary_gives_the_same_redline_in_every_locale() -> None:
    """Past the first private-use codes, the redline still does not depend on LC_CTYPE."""
    words = distinct_words(160_000, seed=3)
    rng = random.Random(5)
    places = {rng.randrange(len(words)): rng.choice(["x", "the", "y z"]) for _ in range(40)}
    old_blocks = [TextBlock("p", " ".join(words[k : k + 40_000]), None, None) for k in (0, 40_000)]
    new_words = amended(words, places)
    new_blocks = [
        TextBlock("p", " ".join(new_words[k : k + 40_000]), None, None) for k in (0, 40_000)
    ]
    pairs = [(" ".join(words), " ".join(new_words))]
    saved = locale.setlocale(locale.LC_CTYPE)
    results = []
    try:
        for name in ("C", "C.UTF-8"):
            try:
                locale.setlocale(locale.LC_CTYPE, name)
            except locale.Error:
                pytest.skip(f"locale {name} is not installed")
            results.append(
                ([diff_words(a, b) for a, b in pairs], redline_blocks(old_blocks, new_blocks))
            )
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)
    assert results[0] == results[1]


def test_codes_that_wrap_around_never_claim_different_words_equal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With fewer codes than words, kept text is still really kept on both sides."""
    monkeypatch.setattr(diff, "_CAPACITY", 12)
    words = distinct_words(400, seed=11)
    old = " ".join(words)
    new = " ".join(amended(words, {5: "neu", 200: "anders"}))
    ops = diff_words(old, new)
    assert "".join(op.text for op in ops if op.kind != "+") == old
    assert "".join(op.text for op in ops if op.kind != "-") == new
    deleted = " ".join(op.text for op in ops if op.kind == "-")
    assert words[5] in deleted and words[200] in deleted
    kept = sum(len(op.text) for op in ops if op.kind == "=")
    assert kept > len(old) // 2  # still a word diff, not a total rewrite


def paragraphs(count: int, rng: random.Random) -> Iterator[str]:
    """`count` different paragraph texts of twelve words each."""
    vocabulary = distinct_words(30_000, seed=rng.randrange(1000))
    for _ in range(count):
        yield " ".join(rng.choice(vocabulary) for _ in range(12))


def test_wids_follow_10000_amended_and_renumbered_paragraphs() -> None:
    """A revision that amends every one of 10,000 paragraphs and inserts one before them
    keeps each paragraph's wId, so comments stay on the provision they were written on."""
    rng = random.Random(42)
    texts = list(paragraphs(10_000, rng))
    old = "### Article 1. Everything\n\n" + "\n\n".join(
        f"{n}. {text}" for n, text in enumerate(texts, 1)
    )
    reworded = [text.replace(" ", " the ", 1) for text in texts]
    new_texts = ["An inserted first paragraph about something else entirely.", *reworded]
    new = "### Article 1. Everything\n\n" + "\n\n".join(
        f"{n}. {text}" for n, text in enumerate(new_texts, 1)
    )
    renderer = Renderer(["toc"], {})
    old_table, new_table = trace_wids([renderer.render(old).outline, renderer.render(new).outline])
    assert new_table["art_1__para_1"] == "art_1__para_1-v2"  # the inserted one is new
    wrong = [
        n
        for n in range(1, 10_001)
        if new_table[f"art_1__para_{n + 1}"] != old_table[f"art_1__para_{n}"]
    ]
    assert wrong == []


def long_code(sections: int, changed: dict[int, tuple[str, str]]) -> str:
    """A German-style code: `## § N` sections of two paragraphs, some words replaced."""
    rng = random.Random(sections)
    vocabulary = distinct_words(5_000, seed=9)
    parts = []
    for n in range(1, sections + 1):
        first = " ".join(rng.choice(vocabulary) for _ in range(40))
        second = " ".join(rng.choice(vocabulary) for _ in range(40))
        text = f"## § {n} Title {n}\n\n(1) {first}.\n\n(2) {second}.\n"
        if n in changed:
            old, new = changed[n]
            text = text.replace(f"(1) {first.split()[0]}", f"(1) {old}", 1).replace(old, new, 1)
        parts.append(text)
    return "\n".join(parts)


def test_a_redline_of_a_long_code_shows_only_what_changed(tmp_path: Path) -> None:
    """Three changed words in a 600-section code: the redline shows those sections with their
    headings, collapses the rest into linked lines, and weighs a fraction of the text."""
    repo = Repo(tmp_path / "project")
    before = long_code(
        600, {10: ("alpha", "alpha"), 300: ("beta", "beta"), 590: ("gamma", "gamma")}
    )
    after = long_code(600, {10: ("alpha", "omega"), 300: ("beta", "delta"), 590: ("gamma", "psi")})
    first = repo.revise(
        "code", draft(before, title="Civil Code", discussion=None, stage="initiated")
    )
    second = repo.revise(
        "code", draft(after, title="Civil Code", discussion=None, stage="initiated")
    )
    built = repo.build()
    assert built.returncode == 0, built.output
    path = built.site / f"drafts/code/compare/{first[:10]}..{second[:10]}/index.html"
    page = built.html(f"drafts/code/compare/{first[:10]}..{second[:10]}/")
    full = (built.site / f"drafts/code/rev/{second[:10]}/index.html").stat().st_size
    assert path.stat().st_size < full / 10
    redline = page.select_one(".lt-redline")
    assert [d.get_text() for d in redline.select("del")] == ["alpha", "beta", "gamma"]
    assert [i.get_text() for i in redline.select("ins")] == ["omega", "delta", "psi"]
    headings = [h.get_text(strip=True) for h in redline.select("h2")]
    assert headings == ["§ 10 Title 10", "§ 300 Title 300", "§ 590 Title 590"]
    skips = [p.get_text(" ", strip=True) for p in redline.select(".lt-rl-skip")]
    assert skips[0].startswith("Section 1 to Section 9 unchanged")
    assert skips[1].startswith("Section 11 to Section 299 unchanged")
    assert skips[-1].startswith("Section 591 to Section 600 unchanged")
    links = redline.select(".lt-rl-skip")[1].select("a")
    assert links[0]["href"] == f"../../rev/{first[:10]}/#sec_11"
    assert links[1]["href"] == f"../../rev/{second[:10]}/#sec_11"
