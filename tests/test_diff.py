"""Tests for the word-level diff and block redlines."""

from __future__ import annotations

import itertools
import locale
import random
from collections.abc import Iterator, Sequence

import pytest

from site_builder.diff import (
    Op,
    RedlineBlock,
    TextBlock,
    diff_words,
    redline_blocks,
    render_ops,
)

SEP = "\u2029"

WORDS = [
    "the",
    "minister",
    "shall",
    "publish",
    "within",
    "days",
    "article",
    "в",
    "течение",
    "дней",
    "закон",
    "статья",
    "министр",
    "қазақстан",
    "әділет",
    "өкілетті",
    "ұйым",
    "30",
    "15",
]
PUNCTUATION = [".", ",", ";", ":", "(", ")", "«", "»", "—", "<", ">", "&"]
SPACES = [" ", " ", " ", " ", "  ", "\n", "\t", "\u00a0"]


def block(
    text: str, anchor: str | None = None, unit: str | None = None, tag: str = "p"
) -> TextBlock:
    """A test block."""
    return TextBlock(tag=tag, text=text, anchor=anchor, unit=unit)


def old_side(ops: Sequence[Op]) -> str:
    """The old text an op list describes."""
    return "".join(op.text for op in ops if op.kind != "+")


def new_side(ops: Sequence[Op]) -> str:
    """The new text an op list describes."""
    return "".join(op.text for op in ops if op.kind != "-")


def assert_well_formed(ops: Sequence[Op]) -> None:
    """Ops are non-empty, of a known kind, and never two of one kind in a row."""
    for op in ops:
        assert op.kind in {"=", "+", "-"}
        assert op.text
    for first, second in itertools.pairwise(ops):
        assert first.kind != second.kind


def assert_redline_invariants(
    old: Sequence[TextBlock], new: Sequence[TextBlock], result: Sequence[RedlineBlock]
) -> None:
    """Blocks rebuild both revisions exactly, with sides and metadata that match them."""
    old_blocks = [b for b in result if b.side in {"both", "old"}]
    new_blocks = [b for b in result if b.side in {"both", "new"}]
    assert len(old_blocks) == len(old)
    assert len(new_blocks) == len(new)
    assert [old_side(b.ops) for b in old_blocks] == [b.text.replace(SEP, "\n") for b in old]
    assert [new_side(b.ops) for b in new_blocks] == [b.text.replace(SEP, "\n") for b in new]
    assert SEP.join(old_side(b.ops) for b in old_blocks) == SEP.join(
        b.text.replace(SEP, "\n") for b in old
    )
    assert [(b.tag, b.anchor, b.unit) for b in new_blocks] == [
        (b.tag, b.anchor, b.unit) for b in new
    ]
    old_index = 0
    for out in result:
        assert_well_formed(out.ops)
        assert out.side in {"both", "old", "new"}
        if out.side == "new":
            assert all(op.kind == "+" for op in out.ops)
        if out.side == "both" and out.ops:
            assert {op.kind for op in out.ops} not in ({"+"}, {"-"})
        if out.side in {"both", "old"}:
            source = old[old_index]
            old_index += 1
            if out.side == "old":
                assert all(op.kind == "-" for op in out.ops)
                assert (out.tag, out.anchor, out.unit) == (source.tag, source.anchor, source.unit)


def random_text(rng: random.Random, words: int) -> str:
    """Random text mixing Latin, Cyrillic and Kazakh words, punctuation and odd whitespace."""
    parts: list[str] = []
    for _ in range(words):
        parts.append(rng.choice(WORDS))
        if rng.random() < 0.2:
            parts.append(rng.choice(PUNCTUATION))
        parts.append(rng.choice(SPACES))
    return "".join(parts)[: rng.randrange(0, 4 * words + 2)]


def edit_text(rng: random.Random, text: str) -> str:
    """Text with a few random character-span edits (so words are split, joined and replaced)."""
    chars = list(text)
    for _ in range(rng.randrange(0, 5)):
        start = rng.randrange(0, len(chars) + 1)
        stop = min(len(chars), start + rng.randrange(0, 12))
        chars[start:stop] = random_text(rng, rng.randrange(0, 4))
    return "".join(chars)


def random_blocks(rng: random.Random, count: int, prefix: str) -> list[TextBlock]:
    """Random blocks with distinct anchors, a few of them empty or holding a separator."""
    blocks: list[TextBlock] = []
    for index in range(count):
        text = random_text(rng, rng.randrange(0, 12))
        if rng.random() < 0.05:
            text += SEP + random_text(rng, 2)
        tag = rng.choice(["p", "p", "h2", "h3"])
        unit = rng.choice([None, "art_1", "art_2", "sec_3"])
        blocks.append(block(text, anchor=f"{prefix}{index}", unit=unit, tag=tag))
    return blocks


def edit_blocks(rng: random.Random, blocks: list[TextBlock]) -> list[TextBlock]:
    """Blocks after random inserts, deletions, splits, merges, moves and in-block edits."""
    result = list(blocks)
    for _ in range(rng.randrange(0, 6)):
        choice = rng.randrange(6)
        index = rng.randrange(0, len(result) + 1)
        if choice == 0 or not result:
            result.insert(index, block(random_text(rng, rng.randrange(0, 8)), anchor=f"n{index}"))
            continue
        index = min(index, len(result) - 1)
        target = result[index]
        if choice == 1:
            del result[index]
        elif choice == 2:
            cut = rng.randrange(0, len(target.text) + 1)
            result[index : index + 1] = [
                block(target.text[:cut], target.anchor, target.unit, target.tag),
                block(target.text[cut:], f"{target.anchor}_split"),
            ]
        elif choice == 3 and index + 1 < len(result):
            merged = target.text + " " + result[index + 1].text
            result[index : index + 2] = [block(merged, target.anchor, target.unit, target.tag)]
        elif choice == 4 and len(result) > 1:
            words = target.text.split(" ")
            moved = words.pop(rng.randrange(len(words)))
            other = rng.randrange(len(result))
            result[index] = block(" ".join(words), target.anchor, target.unit, target.tag)
            dest = result[other]
            result[other] = block(moved + " " + dest.text, dest.anchor, dest.unit, dest.tag)
        else:
            result[index] = block(
                edit_text(rng, target.text), target.anchor, target.unit, target.tag
            )
    return result


def test_reworded_phrase_gives_one_deletion_and_one_insertion() -> None:
    """Rewording a phrase deletes the old words and inserts the new ones, keeping the rest."""
    assert diff_words("within 30 days", "within 15 working days") == [
        Op("=", "within "),
        Op("-", "30"),
        Op("+", "15 working"),
        Op("=", " days"),
    ]


def test_inserted_word_is_a_single_insertion() -> None:
    """An inserted word is one insertion with its space, and nothing else changes."""
    assert diff_words("the minister shall publish", "the minister shall promptly publish") == [
        Op("=", "the minister shall "),
        Op("+", "promptly "),
        Op("=", "publish"),
    ]


def test_cyrillic_words_are_diffed_whole() -> None:
    """Cyrillic words are whole tokens, so a reworded Russian phrase diffs like a Latin one."""
    assert diff_words("в течение тридцати дней", "в течение пятнадцати рабочих дней") == [
        Op("=", "в течение "),
        Op("-", "тридцати"),
        Op("+", "пятнадцати рабочих"),
        Op("=", " дней"),
    ]


def test_kazakh_letters_belong_to_words() -> None:
    """Kazakh-specific letters do not split a word, so changing one replaces the whole word."""
    assert diff_words("өкілетті орган", "өкілетті ұйым") == [
        Op("=", "өкілетті "),
        Op("-", "орган"),
        Op("+", "ұйым"),
    ]


def test_whitespace_only_change_is_kept() -> None:
    """A whitespace-only change is reported as real ops, not hidden."""
    assert diff_words("shall  publish", "shall publish") == [
        Op("=", "shall"),
        Op("-", "  "),
        Op("+", " "),
        Op("=", "publish"),
    ]


def test_empty_inputs() -> None:
    """Empty texts diff to nothing, or to one whole insertion or deletion."""
    assert diff_words("", "") == []
    assert diff_words("", "new text") == [Op("+", "new text")]
    assert diff_words("old text", "") == [Op("-", "old text")]
    assert diff_words("same", "same") == [Op("=", "same")]


def test_diff_words_invariants_on_random_edits() -> None:
    """For hundreds of random edits the ops rebuild both texts and are merged by kind."""
    rng = random.Random(20240611)
    for _ in range(400):
        old = random_text(rng, rng.randrange(0, 40))
        new = edit_text(rng, old) if rng.random() < 0.9 else random_text(rng, 20)
        ops = diff_words(old, new)
        assert old_side(ops) == old
        assert new_side(ops) == new
        assert_well_formed(ops)


def test_diff_does_not_depend_on_the_process_locale() -> None:
    """The same texts give the same ops under the C and C.UTF-8 locales."""
    rng = random.Random(7)
    # Many distinct tokens push later tokens' codes far from the first ones.
    preamble = " ".join(f"w{index}" for index in range(3000)) + " "
    pairs = []
    for _ in range(300):
        base = " ".join(rng.choice(["a", "b", "c", ",", "d"]) for _ in range(8))
        tokens = base.split(" ")
        at = rng.randrange(len(tokens) + 1)
        tokens[at:at] = rng.sample(["a", "b", ",", "x"], 2)
        pairs.append((preamble + base, preamble + " ".join(tokens)))

    saved = locale.setlocale(locale.LC_CTYPE)
    results: list[list[list[Op]]] = []
    try:
        for name in ("C", "C.UTF-8"):
            try:
                locale.setlocale(locale.LC_CTYPE, name)
            except locale.Error:
                pytest.skip(f"locale {name} is not installed")
            results.append([diff_words(old, new) for old, new in pairs])
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)
    assert results[0] == results[1]


def test_inserted_block_in_the_middle_is_new() -> None:
    """A paragraph inserted between two unchanged ones is a "new" block with its own anchor."""
    old = [block("Article 1 text.", "art_1"), block("Article 3 text.", "art_3")]
    new = [
        block("Article 1 text.", "art_1"),
        block("Article 2 is brand new.", "art_2", unit="art_2", tag="h2"),
        block("Article 3 text.", "art_3"),
    ]
    result = redline_blocks(old, new)
    assert result == [
        RedlineBlock("p", "art_1", None, "both", (Op("=", "Article 1 text."),)),
        RedlineBlock("h2", "art_2", "art_2", "new", (Op("+", "Article 2 is brand new."),)),
        RedlineBlock("p", "art_3", None, "both", (Op("=", "Article 3 text."),)),
    ]
    assert [b.changed for b in result] == [False, True, False]


def test_deleted_block_is_old() -> None:
    """A removed paragraph is an "old" block carrying the old block's metadata."""
    old = [
        block("Keep this.", "art_1__para_1", "art_1"),
        block("Drop this one.", "art_1__para_2", "art_1"),
        block("Keep that.", "art_1__para_3", "art_1"),
    ]
    new = [
        block("Keep this.", "art_1__para_1", "art_1"),
        block("Keep that.", "art_1__para_2", "art_1"),
    ]
    result = redline_blocks(old, new)
    assert [(b.side, b.anchor, b.ops) for b in result] == [
        ("both", "art_1__para_1", (Op("=", "Keep this."),)),
        ("old", "art_1__para_2", (Op("-", "Drop this one."),)),
        ("both", "art_1__para_2", (Op("=", "Keep that."),)),
    ]


def test_first_and_last_blocks_inserted_and_deleted() -> None:
    """Blocks added at the start and removed at the end keep their places and sides."""
    old = [block("Body text here.", "b"), block("Old annex.", "annex")]
    new = [block("New preamble.", "pre"), block("Body text here.", "b")]
    assert [(b.side, b.anchor, b.ops) for b in redline_blocks(old, new)] == [
        ("new", "pre", (Op("+", "New preamble."),)),
        ("both", "b", (Op("=", "Body text here."),)),
        ("old", "annex", (Op("-", "Old annex."),)),
    ]


def test_word_moved_between_blocks() -> None:
    """A word moved to the next paragraph is deleted in one block and inserted in the other."""
    old = [block("Alpha beta gamma.", "p1"), block("Delta epsilon.", "p2")]
    new = [block("Alpha gamma.", "p1"), block("Delta beta epsilon.", "p2")]
    assert [(b.side, b.ops) for b in redline_blocks(old, new)] == [
        ("both", (Op("=", "Alpha "), Op("-", "beta "), Op("=", "gamma."))),
        ("both", (Op("=", "Delta "), Op("+", "beta "), Op("=", "epsilon."))),
    ]


def test_inserted_blocks_inside_a_larger_insertion() -> None:
    """Text added to a block plus new blocks after it split into a changed block and new ones."""
    old = [block("Start.", "a"), block("End.", "z")]
    new = [
        block("Start. More.", "a"),
        block("Extra one.", "b"),
        block("Extra two.", "c"),
        block("End.", "z"),
    ]
    result = redline_blocks(old, new)
    assert [(b.side, b.anchor, b.ops) for b in result] == [
        ("both", "a", (Op("=", "Start."), Op("+", " More."))),
        ("new", "b", (Op("+", "Extra one."),)),
        ("new", "c", (Op("+", "Extra two."),)),
        ("both", "z", (Op("=", "End."),)),
    ]
    assert_redline_invariants(old, new, result)


def test_split_and_merged_paragraphs_keep_each_block_once() -> None:
    """A split or merged paragraph still maps every old and new block to exactly one block."""
    old = [block("The minister shall publish the rules. Within 30 days.", "p1")]
    new = [block("The minister shall publish the rules.", "p1"), block("Within 30 days.", "p2")]
    split = redline_blocks(old, new)
    assert [(b.side, b.anchor, b.ops) for b in split] == [
        (
            "both",
            "p1",
            (Op("=", "The minister shall publish the rules."), Op("-", " Within 30 days.")),
        ),
        ("new", "p2", (Op("+", "Within 30 days."),)),
    ]
    merged = redline_blocks(new, old)
    assert [(b.side, b.anchor, b.ops) for b in merged] == [
        (
            "both",
            "p1",
            (Op("=", "The minister shall publish the rules."), Op("+", " Within 30 days.")),
        ),
        ("old", "p2", (Op("-", "Within 30 days."),)),
    ]


def test_empty_sides() -> None:
    """With no blocks on one side every block is wholly inserted or deleted."""
    blocks = [block("First.", "a"), block("", "b")]
    assert redline_blocks([], []) == []
    assert [(b.side, b.ops) for b in redline_blocks([], blocks)] == [
        ("new", (Op("+", "First."),)),
        ("new", ()),
    ]
    assert [(b.side, b.ops) for b in redline_blocks(blocks, [])] == [
        ("old", (Op("-", "First."),)),
        ("old", ()),
    ]
    assert redline_blocks([block("")], [block("")]) == [RedlineBlock("p", None, None, "both", ())]


def test_separator_in_block_text_cannot_split_a_block() -> None:
    """A paragraph separator inside a block's text becomes a line break, not a block boundary."""
    old = [block(f"One{SEP}two", "a")]
    new = [block(f"One{SEP}three", "a")]
    assert [(b.side, b.ops) for b in redline_blocks(old, new)] == [
        ("both", (Op("=", "One\n"), Op("-", "two"), Op("+", "three"))),
    ]


def test_redline_invariants_on_random_edits() -> None:
    """For hundreds of random block edits no text is lost and sides and metadata are right."""
    rng = random.Random(1789)
    for _ in range(300):
        old = random_blocks(rng, rng.randrange(0, 8), "o")
        new = edit_blocks(rng, old) if rng.random() < 0.9 else random_blocks(rng, 5, "r")
        assert_redline_invariants(old, new, redline_blocks(old, new))


def test_render_ops_escapes_and_wraps() -> None:
    """Text is HTML-escaped, insertions are wrapped in <ins> and deletions in <del>."""
    ops = [
        Op("=", "a <script>alert('x')</script> & "),
        Op("-", "<b>old</b>"),
        Op("+", '"new"'),
    ]
    assert render_ops(ops) == (
        "a &lt;script&gt;alert('x')&lt;/script&gt; &amp; "
        '<del>&lt;b&gt;old&lt;/b&gt;</del><ins>"new"</ins>'
    )
    assert render_ops([]) == ""


def synthetic_words(rng: random.Random, vocabulary: Sequence[str], count: int) -> Iterator[str]:
    """Random words from a vocabulary."""
    for _ in range(count):
        yield rng.choice(vocabulary)


def test_large_text_diff_stays_close_to_the_real_change() -> None:
    """On a 300 KB text with about 5 % of words replaced the diff changes little more than that."""
    rng = random.Random(42)
    letters = "abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопрстуфхцчшщыэюяәғқңөұүһі"
    vocabulary = [
        "".join(rng.choice(letters) for _ in range(rng.randrange(2, 10))) for _ in range(5000)
    ]
    old_words = list(synthetic_words(rng, vocabulary, 50_000))
    new_words = list(old_words)
    actually_changed = 0
    for index in rng.sample(range(len(new_words)), len(new_words) // 20):
        replacement = rng.choice(vocabulary)
        while replacement == old_words[index]:
            replacement = rng.choice(vocabulary)
        new_words[index] = replacement
        actually_changed += len(old_words[index]) + len(replacement)
    old = " ".join(old_words)
    new = " ".join(new_words)
    assert len(old) > 300_000

    ops = diff_words(old, new)
    assert old_side(ops) == old
    assert new_side(ops) == new
    diff_changed = sum(len(op.text) for op in ops if op.kind != "=")
    assert actually_changed / 2 < diff_changed < 3 * actually_changed


def changed_words(ops: Sequence[Op]) -> int:
    """Words deleted plus words inserted (spaces and punctuation not counted)."""
    return sum(len(op.text.split()) for op in ops if op.kind != "=")


def fewest_changed_words(old: Sequence[str], new: Sequence[str]) -> int:
    """The minimum words deleted plus inserted, by the textbook longest common subsequence."""
    row = [0] * (len(new) + 1)
    for word in old:
        diagonal = 0
        for j, other in enumerate(new, 1):
            diagonal, row[j] = row[j], diagonal + 1 if word == other else max(row[j], row[j - 1])
    return len(old) + len(new) - 2 * row[-1]


def test_a_diff_with_a_time_limit_would_not_be_minimal_and_ours_is() -> None:
    """With any time limit, diff-match-patch first splits both texts at a long shared run (its
    "half match" shortcut) and can miss the smallest edit; ours has none and finds it.

    The texts are Neil Fraser's own example of that shortcut, one word per letter: with
    `timelimit=1` our diff reports 14 changed words here instead of 10.
    """
    letters = {"q": "quorum", "H": "the", "i": "minister", "l": "shall", "o": "publish"}
    letters |= {"e": "decrees", "w": "annually", "x": "Cabinet", "u": "jointly", "y": "online"}
    old_words = [letters[c] for c in "qHilloHelloHew"]
    new_words = [letters[c] for c in "xHelloHeHulloy"]
    ops = diff_words(" ".join(old_words), " ".join(new_words))
    assert old_side(ops) == " ".join(old_words)
    assert new_side(ops) == " ".join(new_words)
    assert changed_words(ops) == fewest_changed_words(old_words, new_words) == 10


def test_a_large_heavily_revised_text_is_not_cut_short_by_a_time_limit() -> None:
    """A 390 KB text with 30 % of its words replaced takes this machine about 2 s to diff
    exactly; a 1 s limit (diff-match-patch's default) gives up half-way and reports 80 % of
    the text as changed. Ours changes little more than what was replaced."""
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = [
        "".join(rng.choice(letters) for _ in range(rng.randrange(2, 10))) for _ in range(5000)
    ]
    old_words = [rng.choice(vocabulary) for _ in range(60_000)]
    new_words = list(old_words)
    replaced = rng.sample(range(len(new_words)), len(new_words) * 3 // 10)
    for index in replaced:
        while new_words[index] == old_words[index]:
            new_words[index] = rng.choice(vocabulary)
    old, new = " ".join(old_words), " ".join(new_words)
    assert len(old) > 380_000

    ops = diff_words(old, new)
    assert old_side(ops) == old and new_side(ops) == new
    # Replacing a word deletes one and inserts one; semantic cleanup may fold a single
    # shared word between two replacements into the edit.
    assert changed_words(ops) < 1.4 * 2 * len(replaced)
