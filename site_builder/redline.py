"""Structure-aware redlines: articles matched by wId first, then words diffed inside them.

A plain word diff of two whole texts is minimal in characters but not in meaning: when an
article is inserted before article 2, it pairs the new "Article 2. Definitions" with the old
"Article 2. Fees" and shows both mangled. Matching articles by wId first shows what a
drafter did: one article inserted, the next renumbered and amended.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from site_builder.diff import Op, RedlineBlock, TextBlock, redline_blocks, render_ops
from site_builder.ids import is_unit, kind_of
from site_builder.notes import DEFAULT_TITLE, NOTE_TAG
from site_builder.render import Edition
from site_builder.structure import Element, iter_units

# Blocks before the first unit (a preamble) match each other under this key.
_PREAMBLE = ""
# Unchanged blocks shown on either side of a change inside a changed unit.
_CONTEXT = 1


@dataclass(frozen=True)
class UnitRedline:
    """One unit (article, section...) of a redline: its blocks, or only its name if unchanged.

    An unchanged unit costs nothing: its texts are compared whole, never diffed word by word,
    and the page collapses it into a line with the others around it.
    """

    label: str  # "Article 5"; "" for the text before the first unit
    anchor: str | None  # the unit's eId in the new text, or in the old one if deleted
    old_anchor: str | None  # its eId in the old text, if it was there
    blocks: tuple[RedlineBlock, ...]  # empty when unchanged
    changed: bool


def _paragraphs(count: int) -> str:
    return f"{count} unchanged paragraphs"


@dataclass(frozen=True)
class Sides:
    """Where the full texts of the two revisions are, for the links of collapsed runs, and
    what those lines say: the caller gives them in the page's language."""

    old_name: str  # "revision 3"
    old_href: str
    new_name: str
    new_href: str
    run: str = "%(first)s to %(last)s unchanged"
    one: str = "%(first)s unchanged"
    preamble: str = "the text before the first article"
    full_text: str = "full text"
    paragraphs: Callable[[int], str] = _paragraphs  # "3 unchanged paragraphs"
    plain: str = DEFAULT_TITLE  # the label of a plain-language note's words
    language: str | None = None  # of these lines, inside a text that may be in another


def redline(old: Edition, new: Edition) -> list[UnitRedline]:
    """The redline from `old` to `new`, unit by unit, in the new text's order.

    Units (articles, or chapters in a draft without articles) present in both editions are
    word-diffed against each other when their texts differ; a unit only in `new` is inserted
    whole; a unit only in `old` is shown deleted where it stood.
    """
    old_groups = _groups(old)
    new_groups = _groups(new)
    old_order = list(old_groups)
    old_position = {key: i for i, key in enumerate(old_order)}
    old_units = _unit_index(old)
    new_units = _unit_index(new)
    result: list[UnitRedline] = []
    cursor = 0

    def flush_deleted(until: int) -> None:
        nonlocal cursor
        while cursor < until:
            key = old_order[cursor]
            if key not in new_groups:
                blocks = tuple(_whole(block, "old") for block in old_groups[key])
                unit = old_units.get(key)
                label, anchor = (unit.label, unit.eid) if unit else ("", None)
                result.append(UnitRedline(label, anchor, anchor, blocks, True))
            cursor += 1

    for key, blocks in new_groups.items():
        unit = new_units.get(key)
        label, anchor = (unit.label, unit.eid) if unit else ("", None)
        if key in old_groups:
            flush_deleted(old_position[key])
            cursor = max(cursor, old_position[key] + 1)
            before = old_groups[key]
            old_unit = old_units.get(key)
            old_anchor = old_unit.eid if old_unit else None
            if _same(before, blocks):
                result.append(UnitRedline(label, anchor, old_anchor, (), False))
            else:
                diffed = tuple(redline_blocks(before, blocks))
                result.append(UnitRedline(label, anchor, old_anchor, diffed, True))
        else:
            inserted = tuple(_whole(block, "new") for block in blocks)
            result.append(UnitRedline(label, anchor, None, inserted, True))
    flush_deleted(len(old_order))
    return result


def summarize_changes(old: Edition, new: Edition) -> list[dict[str, str]]:
    """Which articles a revision inserted, deleted, amended or renumbered, in text order."""
    old_units = {old.wids[u.eid]: u for u in iter_units(old.rendering.outline)}
    new_units = list(iter_units(new.rendering.outline))
    new_wids = {new.wids[u.eid] for u in new_units}
    changes: list[dict[str, str]] = []
    for unit in new_units:
        before = old_units.get(new.wids[unit.eid])
        if before is None:
            changes.append(_change("inserted", unit, None))
        elif _unit_text(before) != _unit_text(unit):
            changes.append(_change("amended", unit, before))
        elif before.eid != unit.eid:
            changes.append(_change("renumbered", unit, before))
    changes.extend(
        _change("deleted", None, unit) for wid, unit in old_units.items() if wid not in new_wids
    )
    return changes


def render_redline(units: Sequence[UnitRedline], sides: Sides) -> str:
    """HTML of a redline: changed units in full, runs of unchanged ones as one linked line.

    A redline of a long code that differs in a few words must not print the whole code: a
    reader on a phone came to see the change. Ids of deleted blocks get an "old-" prefix.
    """
    out: list[str] = []
    run: list[UnitRedline] = []
    for unit in units:
        if not unit.changed:
            run.append(unit)
            continue
        if run:
            out.append(_skipped_units(run, sides))
            run = []
        out.extend(_unit_blocks(unit.blocks, sides))
    if run:
        out.append(_skipped_units(run, sides))
    return "\n".join(out)


def count_words(units: Sequence[UnitRedline]) -> dict[str, int]:
    """How many words a redline inserts and deletes."""
    counts = {"+": 0, "-": 0}
    for unit in units:
        for block in unit.blocks:
            for op in block.ops:
                if op.kind in counts:
                    counts[op.kind] += len(op.text.split())
    return {"inserted": counts["+"], "deleted": counts["-"]}


def _unit_blocks(blocks: Sequence[RedlineBlock], sides: Sides) -> list[str]:
    """A changed unit: its heading, its changes, a block of context around each, and runs
    of other unchanged blocks collapsed."""
    keep = [index == 0 or block.changed for index, block in enumerate(blocks)]
    for index, block in enumerate(blocks):
        if block.changed:
            for near in range(max(0, index - _CONTEXT), min(len(blocks), index + _CONTEXT + 1)):
                keep[near] = True
    out: list[str] = []
    index = 0
    while index < len(blocks):
        if keep[index]:
            out.append(_block_html(blocks[index], sides))
            index += 1
            continue
        end = index
        while end < len(blocks) and not keep[end]:
            end += 1
        if end - index == 1:
            out.append(_block_html(blocks[index], sides))
        else:
            anchor = next((b.anchor for b in blocks[index:end] if b.anchor), None)
            out.append(_skip_line(sides.paragraphs(end - index), anchor, anchor, sides))
        index = end
    return out


def _block_html(block: RedlineBlock, sides: Sides) -> str:
    prefix = "old-" if block.side == "old" else ""
    anchor = f' id="{prefix}{block.anchor}"' if block.anchor else ""
    kind = " lt-rl-point" if block.anchor and kind_of(block.anchor) == "point" else ""
    changed = " lt-rl-changed" if block.changed else ""
    classes = f"lt-rl lt-rl-{block.side}{kind}{changed}"
    if block.tag == NOTE_TAG:
        # A plain-language note's words, labelled so no one reads them as the law's.
        lang = f' lang="{html.escape(sides.language)}"' if sides.language else ""
        label = f'<span class="lt-rl-plain-label"{lang}>{html.escape(sides.plain)}: </span>'
        return f'<p class="{classes} lt-rl-plain">{label}{render_ops(block.ops)}</p>'
    return f'<{block.tag}{anchor} class="{classes}">{render_ops(block.ops)}</{block.tag}>'


def _skipped_units(run: Sequence[UnitRedline], sides: Sides) -> str:
    """One line for a run of unchanged units: "Article 5 to Article 17 unchanged"."""
    first, last = run[0], run[-1]
    names = {"first": first.label or sides.preamble, "last": last.label or sides.preamble}
    text = (sides.run if len(run) > 1 else sides.one) % names
    text = text[:1].upper() + text[1:]
    return _skip_line(text, first.old_anchor, first.anchor, sides)


def _skip_line(text: str, old_anchor: str | None, new_anchor: str | None, sides: Sides) -> str:
    """A collapsed run, linking to where it starts in the full text of either revision."""
    old = sides.old_href + (f"#{old_anchor}" if old_anchor else "")
    new = sides.new_href + (f"#{new_anchor}" if new_anchor else "")
    lang = f' lang="{html.escape(sides.language)}"' if sides.language else ""
    return (
        f'<p class="lt-rl-skip"{lang}><span>{html.escape(text)}</span> · '
        f"{html.escape(sides.full_text)}: "
        f'<a href="{html.escape(old)}">{html.escape(sides.old_name)}</a>, '
        f'<a href="{html.escape(new)}">{html.escape(sides.new_name)}</a></p>'
    )


def _groups(edition: Edition) -> dict[str, list[TextBlock]]:
    """The edition's blocks grouped by the wId of their unit, in text order."""
    groups: dict[str, list[TextBlock]] = {}
    for block in edition.rendering.outline.blocks:
        key = edition.wids.get(block.unit, block.unit) if block.unit else _PREAMBLE
        groups.setdefault(key, []).append(block)
    return groups


def _unit_index(edition: Edition) -> dict[str, Element]:
    """The edition's units by the key `_groups` files their blocks under."""
    return {
        edition.wids.get(el.eid, el.eid): el
        for el in edition.rendering.outline.elements
        if is_unit(el.kind)
    }


def _same(old: Sequence[TextBlock], new: Sequence[TextBlock]) -> bool:
    """Whether two units read the same: same blocks, same texts, same anchors."""
    return len(old) == len(new) and all(
        a.text == b.text and a.tag == b.tag and a.anchor == b.anchor
        for a, b in zip(old, new, strict=True)
    )


def _whole(block: TextBlock, side: str) -> RedlineBlock:
    kind = "+" if side == "new" else "-"
    return RedlineBlock(block.tag, block.anchor, block.unit, side, (Op(kind, block.text),))


def _change(kind: str, new: Element | None, old: Element | None) -> dict[str, str]:
    shown = new or old
    assert shown is not None
    anchor = f"#{shown.eid}" if new else f"#old-{shown.eid}"
    was = old.label if old and new and old.eid != new.eid else ""
    label, heading = shown.label, shown.heading
    return {"kind": kind, "label": label, "heading": heading, "was": was, "anchor": anchor}


def _unit_text(unit: Element) -> str:
    """A unit's text without its own number, so renumbering alone is not an amendment."""
    return f"{unit.heading}\n{unit.body}"
