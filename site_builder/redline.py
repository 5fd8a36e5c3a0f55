"""Structure-aware redlines: articles matched by wId first, then words diffed inside them.

A plain word diff of two whole texts is minimal in characters but not in meaning: when an
article is inserted before article 2, it pairs the new "Article 2. Definitions" with the old
"Article 2. Fees" and shows both mangled. Matching articles by wId first shows what a
drafter did: one article inserted, the next renumbered and amended.
"""

from __future__ import annotations

from collections.abc import Sequence

from site_builder.diff import Op, RedlineBlock, TextBlock, redline_blocks, render_ops
from site_builder.render import Edition
from site_builder.structure import Element, iter_units

# Blocks before the first unit (a preamble) match each other under this key.
_PREAMBLE = ""


def redline(old: Edition, new: Edition) -> list[RedlineBlock]:
    """Blocks of the redline from `old` to `new`, in the new text's order.

    Units (articles, or chapters in a draft without articles) present in both editions are
    word-diffed against each other; a unit only in `new` is inserted whole; a unit only in
    `old` is shown deleted where it stood.
    """
    old_groups = _groups(old)
    new_groups = _groups(new)
    old_order = list(old_groups)
    old_position = {key: i for i, key in enumerate(old_order)}
    result: list[RedlineBlock] = []
    cursor = 0

    def flush_deleted(until: int) -> None:
        nonlocal cursor
        while cursor < until:
            key = old_order[cursor]
            if key not in new_groups:
                result.extend(_whole(block, "old") for block in old_groups[key])
            cursor += 1

    for key, blocks in new_groups.items():
        if key in old_groups:
            flush_deleted(old_position[key])
            cursor = max(cursor, old_position[key] + 1)
            result.extend(redline_blocks(old_groups[key], blocks))
        else:
            result.extend(_whole(block, "new") for block in blocks)
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


def render_redline(blocks: Sequence[RedlineBlock]) -> str:
    """HTML of a redline: one element per block; ids of deleted blocks get an "old-" prefix."""
    out = []
    for block in blocks:
        prefix = "old-" if block.side == "old" else ""
        anchor = f' id="{prefix}{block.anchor}"' if block.anchor else ""
        kind = " lt-rl-point" if block.anchor and "__point_" in block.anchor else ""
        changed = " lt-rl-changed" if block.changed else ""
        classes = f"lt-rl lt-rl-{block.side}{kind}{changed}"
        out.append(f'<{block.tag}{anchor} class="{classes}">{render_ops(block.ops)}</{block.tag}>')
    return "\n".join(out)


def count_words(blocks: Sequence[RedlineBlock]) -> dict[str, int]:
    """How many words a redline inserts and deletes."""
    counts = {"+": 0, "-": 0}
    for block in blocks:
        for op in block.ops:
            if op.kind in counts:
                counts[op.kind] += len(op.text.split())
    return {"inserted": counts["+"], "deleted": counts["-"]}


def _groups(edition: Edition) -> dict[str, list[TextBlock]]:
    """The edition's blocks grouped by the wId of their unit, in text order."""
    groups: dict[str, list[TextBlock]] = {}
    for block in edition.rendering.outline.blocks:
        key = edition.wids.get(block.unit, block.unit) if block.unit else _PREAMBLE
        groups.setdefault(key, []).append(block)
    return groups


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
