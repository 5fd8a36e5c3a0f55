"""Word-level redlines between two revisions of a draft, as plain data plus a tiny HTML renderer.

Diffing whole words (not characters) gives redlines a reader can follow, and diffing a revision's
blocks as one text lets a word move between paragraphs without the whole paragraph turning red.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import fast_diff_match_patch as fdmp

__all__ = [
    "Op",
    "RedlineBlock",
    "TextBlock",
    "code_similarity",
    "diff_codes",
    "diff_words",
    "encode_tokens",
    "redline_blocks",
    "render_ops",
    "similarity",
    "word_codes",
]

# `\w` is Unicode-aware for str patterns, so Cyrillic and Kazakh letters form words; the three
# alternatives cover every character, so joining the tokens always gives back the text.
_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")

# Block separator token; it cannot come out of the tokeniser because block texts are cleaned of it.
_SEPARATOR = "\u2029"

# Each distinct token becomes one character, so the C++ character diff is a word diff.
#
# The library classifies characters with iswalnum()/iswspace() to decide where to slide an
# ambiguous edit, and those answers depend on the process locale (LC_CTYPE): with codes from
# U+0100 upwards the same two texts gave different (equally valid) redlines under C and C.UTF-8.
# So codes come only from code points that no locale calls a letter, digit or space: the three
# private-use areas, then planes 4 to 13, where Unicode has assigned no character. That is
# 793,000 codes, and only tokens found on both sides of one diff need their own (see
# `_diff_tokens`), so real texts never run out. Beyond that, codes wrap around and the diff is
# checked token by token, so the result stays right, if possibly less minimal.
_WIDE_CODE_RANGES = (
    (0xE000, 0xF900),
    (0xF0000, 0xFFFFE),
    (0x100000, 0x10FFFE),
    (0x40000, 0xE0000),
)
# Builds with 2-byte characters (Windows) reject anything outside the Basic Multilingual Plane;
# past the private-use area their output may then depend on the locale.
_NARROW_CODE_RANGES = ((0xE000, 0xF900), (0x0100, 0xD800), (0xF900, 0xFFFE))
_CODE_RANGES = (
    _WIDE_CODE_RANGES if int(getattr(fdmp, "CHAR_WIDTH", 4)) >= 4 else _NARROW_CODE_RANGES
)
_CAPACITY = sum(stop - start for start, stop in _CODE_RANGES)
_FIRST_RANGE = _CODE_RANGES[0][1] - _CODE_RANGES[0][0]
# Tokens found on one side only never match anything, so they share one code per side.
_OLD_ONLY, _NEW_ONLY = chr(0xE000), chr(0xE001)
_SHARED_FROM = 2


@dataclass(frozen=True)
class Op:
    """One run of a diff: kept ("="), inserted ("+") or deleted ("-") text."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One block of a rendered revision (a heading, a paragraph, a point...)."""

    tag: str
    text: str
    anchor: str | None
    unit: str | None


@dataclass(frozen=True)
class RedlineBlock:
    """One output block of a redline, with the ops that turn its old text into its new text.

    `side` is "both" for a block present in both revisions, "new" for an inserted block (all its
    ops are "+") and "old" for a deleted block (all its ops are "-"); tag, anchor and unit come
    from the new block unless the block exists only on the old side.
    """

    tag: str
    anchor: str | None
    unit: str | None
    side: str
    ops: tuple[Op, ...]

    @property
    def changed(self) -> bool:
        """Whether any op inserts or deletes text."""
        return any(op.kind != "=" for op in self.ops)


def diff_words(old: str, new: str) -> list[Op]:
    """Word-level minimal diff."""
    runs = _diff_tokens(_tokenize(old), _tokenize(new))
    return _merge((kind, "".join(tokens)) for kind, tokens in runs)


def similarity(old: str, new: str) -> float:
    """Share of words two texts have in common, in order: 2 * kept / (old + new), 0 to 1."""
    return code_similarity(*word_codes([old, new]))


def code_similarity(old: str, new: str) -> float:
    """`similarity` of two texts already encoded by `word_codes` (encode once, compare many).

    Matching provisions across revisions asks this for many pairs; difflib's ratio on long
    texts made it the slowest step of a build. The C++ diff on word codes does it in
    microseconds, and without semantic cleanup (kept words count exactly once).
    """
    total = len(old) + len(new)
    if not total:
        return 1.0
    raw: list[tuple[str, int]] = fdmp.diff(
        old, new, timelimit=0, checklines=False, cleanup="No", counts_only=True
    )
    kept = sum(length for kind, length in raw if kind == "=")
    return 2 * kept / total


def redline_blocks(old: Sequence[TextBlock], new: Sequence[TextBlock]) -> list[RedlineBlock]:
    """Word-diff two block sequences as one text, then cut the result back into blocks.

    Every old block lands in exactly one "both" or "old" output block and every new block in
    exactly one "both" or "new" one, in document order, so no text is lost or duplicated.
    """
    old_texts = [_clean(block.text) for block in old]
    new_texts = [_clean(block.text) for block in new]
    if not old or not new:
        # A missing side has no block 0 to pair with, so everything is inserted or deleted.
        return [_whole_block(block, "old") for block in old] + [
            _whole_block(block, "new") for block in new
        ]

    runs = _diff_tokens(_join_tokens(old_texts), _join_tokens(new_texts))
    cells = _cut_cells(runs)
    paired = _pair_cells(cells, old_texts, new_texts)
    return _assemble(cells, paired, old, new)


def render_ops(ops: Iterable[Op]) -> str:
    """HTML for ops: escaped text, insertions in <ins>, deletions in <del>."""
    parts: list[str] = []
    for op in ops:
        text = html.escape(op.text, quote=False)
        if op.kind == "+":
            parts.append(f"<ins>{text}</ins>")
        elif op.kind == "-":
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(text)
    return "".join(parts)


def _tokenize(text: str) -> list[str]:
    """Split text into words, whitespace runs and single other characters."""
    return _TOKEN_RE.findall(text)


def _clean(text: str) -> str:
    """Block text without the separator character."""
    # A line break keeps the words on either side apart, as the paragraph separator did.
    return text.replace(_SEPARATOR, "\n")


def _join_tokens(texts: Sequence[str]) -> list[str]:
    """Tokens of all texts with a separator token between consecutive texts."""
    tokens: list[str] = []
    for index, text in enumerate(texts):
        if index:
            tokens.append(_SEPARATOR)
        tokens.extend(_tokenize(text))
    return tokens


def _code_char(index: int) -> str:
    """The character that encodes the index-th code; past the capacity, codes wrap around."""
    if index < _FIRST_RANGE:  # the common case, kept off the loop below
        return chr(0xE000 + index)
    index = _SHARED_FROM + (index - _SHARED_FROM) % (_CAPACITY - _SHARED_FROM)
    for start, stop in _CODE_RANGES:
        if index < stop - start:
            return chr(start + index)
        index -= stop - start
    raise AssertionError("unreachable: the index was wrapped into the capacity")


def encode_tokens(tokens: Sequence[str], table: dict[str, str]) -> str:
    """Tokens as one character each, adding unseen tokens to the shared table.

    Two equal tokens always get the same character. Two different tokens get different ones
    until a table holds more tokens than there are codes (793,000), after which equal
    characters only suggest equal tokens: callers that need exactness check, as
    `_diff_tokens` does.
    """
    get = table.get
    chars: list[str] = []
    append = chars.append
    for token in tokens:
        char = get(token)
        if char is None:
            char = table[token] = _code_char(len(table) + _SHARED_FROM)
        append(char)
    return "".join(chars)


def word_codes(texts: Sequence[str]) -> list[str]:
    """Each text as one character per word, all with one code table, for `code_similarity`."""
    table: dict[str, str] = {}
    return [encode_tokens(text.split(), table) for text in texts]


def diff_codes(old: str, new: str) -> list[tuple[str, int]]:
    """Runs of (kind, length) of the minimal diff of two encoded texts, semantically cleaned."""
    if old == new:
        return [("=", len(old))] if old else []
    # timelimit=0 means no cut-off, spelled out because diff-match-patch itself (and most of its
    # ports) defaults to 1 s and then silently returns a near-total delete+insert for a big
    # text, which would be a wrong redline rather than a slow one. checklines=False
    # keeps the diff minimal (the line pre-pass is a speed-up that can give up minimality), and
    # semantic cleanup folds tiny coincidental equalities into the edits around them so a
    # redline reads like the edit a person made rather than a patchwork of shared spaces.
    # "Semantic" is case-sensitive: any other spelling silently means no cleanup at all.
    raw: list[tuple[str, int]] = fdmp.diff(
        old, new, timelimit=0, checklines=False, cleanup="Semantic", counts_only=True
    )
    return raw


def _diff_tokens(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, Sequence[str]]]:
    """Diff two token sequences into runs of (kind, tokens)."""
    # The separator is encoded as a line feed, the one code the library scores as a line break:
    # its semantic cleanup slides an ambiguous edit onto line breaks, so an inserted paragraph
    # starts and ends at block boundaries instead of borrowing a shared first word ("Article ")
    # from the next block. No text token can get it: their codes are all U+E000 or above.
    #
    # Only the equality of an old token with a new one matters to the diff, so a token found on
    # one side only gets that side's single code: the diff (and its cleanup, which sees the
    # same lengths and the same kind of character) comes out exactly as with a code per token,
    # and the vocabulary needed is only what the two texts share.
    shared = set(old).intersection(new)
    table: dict[str, str] = {_SEPARATOR: "\n"}
    old_code = _encode_side(old, shared, table, _OLD_ONLY)
    new_code = _encode_side(new, shared, table, _NEW_ONLY)
    raw = diff_codes(old_code, new_code)
    runs: list[tuple[str, Sequence[str]]] = []
    i = j = 0
    for kind, length in raw:
        if kind == "+":
            runs.append((kind, new[j : j + length]))
            j += length
        else:
            runs.append((kind, old[i : i + length]))
            i += length
            if kind == "=":
                j += length
    if i != len(old) or j != len(new):
        raise RuntimeError("fast_diff_match_patch returned a diff that does not cover both texts")
    if len(table) + _SHARED_FROM > _CAPACITY:
        runs = _checked(runs, new)
    return runs


def _encode_side(tokens: Sequence[str], shared: set[str], table: dict[str, str], only: str) -> str:
    """One side of a diff encoded: shared tokens from the table, the others as `only`."""
    get = table.get
    chars: list[str] = []
    append = chars.append
    for token in tokens:
        char = get(token)
        if char is None:
            if token in shared:
                char = table[token] = _code_char(len(table) - 1 + _SHARED_FROM)
            else:
                char = only
        append(char)
    return "".join(chars)


def _checked(
    runs: list[tuple[str, Sequence[str]]], new: Sequence[str]
) -> list[tuple[str, Sequence[str]]]:
    """Runs whose kept tokens really are equal: codes that wrapped around can collide."""
    checked: list[tuple[str, Sequence[str]]] = []
    j = 0
    for kind, tokens in runs:
        if kind == "+":
            j += len(tokens)
        if kind != "=":
            checked.append((kind, tokens))
            continue
        start = 0
        for k, token in enumerate(tokens):
            if token != new[j + k]:
                if start < k:
                    checked.append(("=", tokens[start:k]))
                checked.append(("-", tokens[k : k + 1]))
                checked.append(("+", new[j + k : j + k + 1]))
                start = k + 1
        if start < len(tokens):
            checked.append(("=", tokens[start:]))
        j += len(tokens)
    return checked


def _merge(pieces: Iterable[tuple[str, str]]) -> list[Op]:
    """Ops from (kind, text) pieces, dropping empty ones and joining neighbours of one kind."""
    merged: list[tuple[str, list[str]]] = []
    for kind, text in pieces:
        if not text:
            continue
        if merged and merged[-1][0] == kind:
            merged[-1][1].append(text)
        else:
            merged.append((kind, [text]))
    return [Op(kind, "".join(texts)) for kind, texts in merged]


# (kept characters, paired blocks, characters left where the diff put them), compared in order.
_Weight: TypeAlias = tuple[int, int, int]
# An output block: (index of its first cell, order among blocks starting there, side). An old-only
# and a new-only block can start at the same cell, and the deletion reads better first.
_Key: TypeAlias = tuple[int, int, str]


@dataclass
class _Cell:
    """The stretch of a diff between two separators: part of one old and one new block."""

    old: int
    new: int
    pieces: list[tuple[str, str]] = field(default_factory=list)


def _cut_cells(runs: Iterable[tuple[str, Sequence[str]]]) -> list[_Cell]:
    """Cut diff runs at every separator, whichever side it belongs to."""
    cells = [_Cell(0, 0)]
    for kind, tokens in runs:
        pending: list[str] = []
        for token in tokens:
            if token != _SEPARATOR:
                pending.append(token)
                continue
            cell = cells[-1]
            cell.pieces.append((kind, "".join(pending)))
            pending = []
            cells.append(_Cell(cell.old + (kind != "+"), cell.new + (kind != "-")))
        cells[-1].pieces.append((kind, "".join(pending)))
    return cells


def _pair_cells(
    cells: Sequence[_Cell], old_texts: Sequence[str], new_texts: Sequence[str]
) -> set[int]:
    """Indexes of the cells whose old and new block become one "both" output block.

    A "+" separator can fall in the middle of an old block (a paragraph split in two), so one old
    block may share text with several new blocks and the reverse. Each block may appear in only
    one output block, so this chooses a set of cells with no old or new block in common that
    keeps the most unchanged characters, then pairs as many blocks as possible, then keeps the
    most text where the diff put it. Cells of one block are consecutive along the diff, so a
    single pass of dynamic programming over the cells finds the best set.
    """
    best: list[_Weight] = []
    taken: list[bool] = []
    before: list[int] = []
    old_run = new_run = 0
    for k, cell in enumerate(cells):
        if k and cells[k - 1].old != cell.old:
            old_run = k
        if k and cells[k - 1].new != cell.new:
            new_run = k
        skip = best[k - 1] if k else (0, 0, 0)
        # The last cell sharing neither block with this one ends before both blocks' runs.
        prev = min(old_run, new_run) - 1
        before.append(prev)
        # An empty block paired with a non-empty one would be all "+" or all "-" yet "both".
        if (not old_texts[cell.old]) != (not new_texts[cell.new]):
            best.append(skip)
            taken.append(False)
            continue
        base = best[prev] if prev >= 0 else (0, 0, 0)
        kept = sum(len(text) for kind, text in cell.pieces if kind == "=")
        total = sum(len(text) for _kind, text in cell.pieces)
        take = (base[0] + kept, base[1] + 1, base[2] + total)
        taken.append(take > skip)
        best.append(max(take, skip))
    paired: set[int] = set()
    k = len(cells) - 1
    while k >= 0:
        if taken[k]:
            paired.add(k)
            k = before[k]
        else:
            k -= 1
    return paired


def _assemble(
    cells: Sequence[_Cell],
    paired: set[int],
    old: Sequence[TextBlock],
    new: Sequence[TextBlock],
) -> list[RedlineBlock]:
    """Distribute each cell's text to the output blocks of its old and new block."""
    old_owner: dict[int, _Key] = {}
    new_owner: dict[int, _Key] = {}
    for k in paired:
        key = (k, 0, "both")
        old_owner[cells[k].old] = key
        new_owner[cells[k].new] = key
    for k, cell in enumerate(cells):
        old_owner.setdefault(cell.old, (k, 0, "old"))
        new_owner.setdefault(cell.new, (k, 1, "new"))

    pieces: dict[_Key, list[tuple[str, str]]] = {}
    for key in (*old_owner.values(), *new_owner.values()):
        pieces.setdefault(key, [])
    for k, cell in enumerate(cells):
        is_paired = k in paired
        old_key = old_owner[cell.old]
        new_key = new_owner[cell.new]
        for kind, text in cell.pieces:
            if kind == "=" and is_paired:
                pieces[old_key].append(("=", text))
            else:
                # Text shared with a block this one is not paired with still belongs to both
                # blocks, so it is shown as moved: deleted here, inserted there.
                if kind != "+":
                    pieces[old_key].append(("-", text))
                if kind != "-":
                    pieces[new_key].append(("+", text))

    blocks: list[RedlineBlock] = []
    for key in sorted(pieces):
        k, _order, side = key
        source = old[cells[k].old] if side == "old" else new[cells[k].new]
        blocks.append(
            RedlineBlock(
                tag=source.tag,
                anchor=source.anchor,
                unit=source.unit,
                side=side,
                ops=tuple(_merge(pieces[key])),
            )
        )
    return blocks


def _whole_block(block: TextBlock, side: str) -> RedlineBlock:
    """A block that exists on one side only, all inserted or all deleted."""
    kind = "+" if side == "new" else "-"
    return RedlineBlock(
        tag=block.tag,
        anchor=block.anchor,
        unit=block.unit,
        side=side,
        ops=tuple(_merge([(kind, _clean(block.text))])),
    )
