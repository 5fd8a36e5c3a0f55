"""Element lineage across revisions: wIds that survive renumbering.

An eId follows the numbering ("art_5" is whatever is numbered 5 today); a wId is the id
an element had when it first appeared, carried forward by matching each revision's
elements to the previous revision's. A comment on the old article 5 stays on it when a
new article is inserted before it and it becomes article 6.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Sequence

from site_builder.diff import code_similarity, word_codes
from site_builder.ids import clean_number, is_unit, new_wid
from site_builder.structure import Element, Outline

# Below this word-level similarity two elements are different provisions, not one edited.
_SAME_ELEMENT = 0.5
# How many neighbours either side of its place an element left unpaired is compared with.
_WINDOW = 25
_WID_ATTR = re.compile(r'data-lt-wid="([^"]*)"')


def trace_wids(outlines: Sequence[Outline]) -> list[dict[str, str]]:
    """The eId -> wId table of each revision, oldest first.

    Args:
        outlines: the structure of each revision of one draft, oldest first.

    Returns:
        One table per revision; every element of that revision has an entry.
    """
    tables: list[dict[str, str]] = []
    used: set[str] = set()
    previous: Outline | None = None
    signatures: dict[tuple[int, bool], str] = {}
    for number, outline in enumerate(outlines, 1):
        if previous is outline:  # the same text again (only the front matter changed)
            pairs = {element.eid: element.eid for element in outline.elements}
        elif previous is not None:
            pairs = _match(previous, outline, signatures)
            # Only the newer outline's signatures can be asked for again, in the next pair.
            keep = {id(element) for element in outline.elements}
            signatures = {key: sig for key, sig in signatures.items() if key[0] in keep}
        else:
            pairs = {}
        table: dict[str, str] = {}
        for element in outline.elements:
            old = pairs.get(element.eid)
            if old is not None:
                table[element.eid] = tables[-1][old]
                continue
            parent_wid = table.get(element.parent or "")
            table[element.eid] = new_wid(element.eid, element.kind, parent_wid, used, number)
        used.update(table.values())
        tables.append(table)
        previous = outline
    return tables


def apply_wids(html: str, table: dict[str, str]) -> str:
    """Write each element's wId into rendered HTML (the renderer marks elements by eId)."""
    return _WID_ATTR.sub(lambda m: f'data-wid="{table.get(m.group(1), m.group(1))}"', html)


def _match(old: Outline, new: Outline, signatures: dict[tuple[int, bool], str]) -> dict[str, str]:
    """Pairs new eId -> old eId of elements that are the same provision."""
    pairs: dict[str, str] = {}
    old_groups = _groups(old.elements)
    containers = _containers(old) | _containers(new)
    # Groups come in document order, so a parent is matched before its children.
    for (kind, parent), members in _groups(new.elements).items():
        old_parent = None
        if parent is not None:
            old_parent = pairs.get(parent)
            if old_parent is None:
                continue  # a new parent: all its children are new too
        old_members = old_groups.get((kind, old_parent), [])
        pairs.update(_align(old_members, members, containers, signatures))
    return pairs


def _groups(elements: Sequence[Element]) -> dict[tuple[str, str | None], list[Element]]:
    """Siblings by kind. Units group across the whole draft (an article moved to another
    chapter is still itself); paragraphs and points group under their parent."""
    groups: dict[tuple[str, str | None], list[Element]] = defaultdict(list)
    for element in elements:
        parent = None if is_unit(element.kind) else element.parent
        groups[(element.kind, parent)].append(element)
    return groups


def _align(
    old: list[Element],
    new: list[Element],
    containers: set[str],
    signatures: dict[tuple[int, bool], str],
) -> dict[str, str]:
    """Match two sibling lists: identical text first, then the most similar in each gap."""
    old_sigs = [_signature(el, containers, signatures) for el in old]
    new_sigs = [_signature(el, containers, signatures) for el in new]
    pairs: dict[str, str] = {}
    matcher = difflib.SequenceMatcher(None, old_sigs, new_sigs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.update(
                (new[j].eid, old[i].eid) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        elif tag == "replace":
            pairs.update(_pair_similar(old[i1:i2], old_sigs[i1:i2], new[j1:j2], new_sigs[j1:j2]))
    return pairs


def _pair_similar(
    old: list[Element], old_sigs: list[str], new: list[Element], new_sigs: list[str]
) -> dict[str, str]:
    """Pairs inside a replace block: same number, then same place, then most similar nearby.

    A revision that rewords every section puts all of them in one replace block, and scoring
    every old element against every new one was quadratic (4,000 x 4,000 comparisons for a
    2,000-section code). Most elements keep their number, or at least their place, while
    their words change, so those pairs are checked first, one comparison each; only what is
    left follows its neighbours' pairs (an insertion shifts what comes after it), and only
    the rest is searched by similarity, within a window of neighbours.
    """
    codes = word_codes([*old_sigs, *new_sigs])  # each text encoded once, compared many times
    old_codes, new_codes = codes[: len(old_sigs)], codes[len(old_sigs) :]
    pairs: dict[int, int] = {}  # new index -> old index
    taken: set[int] = set()

    def accept(i: int, j: int) -> None:
        pairs[j] = i
        taken.add(i)

    by_number = {clean_number(el.num): i for i, el in enumerate(old)}
    for j, element in enumerate(new):
        i = by_number.get(clean_number(element.num))
        if (
            i is not None
            and i not in taken
            and _same_provision(old[i], element, old_codes[i], new_codes[j])
        ):
            accept(i, j)
    if len(old) == len(new):
        for j in range(len(new)):
            if j not in pairs and j not in taken and _similar(old_codes[j], new_codes[j]):
                accept(j, j)
    # An insertion or deletion shifts everything after it by the same amount: follow the
    # neighbour's pair, forwards and then backwards.
    # The block's edges count as paired neighbours.
    for order in (range(len(new)), range(len(new) - 1, -1, -1)):
        step = order.step
        edge = {-1: -1, len(new): len(old)}
        for j in order:
            before = pairs.get(j - step, edge.get(j - step))
            if j in pairs or before is None:
                continue
            i = before + step
            if 0 <= i < len(old) and i not in taken and _similar(old_codes[i], new_codes[j]):
                accept(i, j)
    scored = []
    for j, code in enumerate(new_codes):
        if j in pairs:
            continue
        # Where this element would stand in the old list if the block were stretched evenly.
        centre = j * len(old) // max(len(new), 1)
        for i in range(max(0, centre - _WINDOW), min(len(old), centre + _WINDOW + 1)):
            if i in taken:
                continue
            ratio = _ratio(old_codes[i], code)
            if ratio >= _SAME_ELEMENT:
                scored.append((-ratio, abs(i - j), i, j))
    for _, _, i, j in sorted(scored):
        if i not in taken and j not in pairs:
            accept(i, j)
    return {new[j].eid: old[i].eid for j, i in pairs.items()}


def _same_provision(old: Element, new: Element, old_code: str, new_code: str) -> bool:
    """Whether two elements with the same number are one provision edited: their words are
    similar; or it is a unit whose title stayed while its text was rewritten under it; or
    the old one held no words at all, a placeholder ("1. ...") that the text replaced, as
    when a drafter fills in the skeleton of a new draft."""
    if _similar(old_code, new_code):
        return True
    if (
        old.heading
        and " ".join(old.heading.split()).casefold() == " ".join(new.heading.split()).casefold()
    ):
        return True
    return not any(char.isalpha() for char in old.body)


def _similar(old: str, new: str) -> bool:
    """Whether two encoded texts are similar enough to be one provision edited."""
    return _ratio(old, new) >= _SAME_ELEMENT


def _ratio(old: str, new: str) -> float:
    """Word similarity of two encoded texts, 0 when their lengths alone rule it out."""
    # The best similarity two lengths allow; skip pairs that cannot reach the bar.
    if 2 * min(len(old), len(new)) < _SAME_ELEMENT * (len(old) + len(new)):
        return 0.0
    return code_similarity(old, new)


def _signature(
    element: Element, containers: set[str], signatures: dict[tuple[int, bool], str]
) -> str:
    """What identifies a provision regardless of its number.

    A unit that holds other units (a chapter of articles) is known by its heading: its
    articles are matched on their own, and comparing whole chapters word by word cost
    seconds per revision on a large draft. Each element's signature is made once: it is
    asked for again when its revision is compared with the next."""
    key = (id(element), element.eid in containers)
    found = signatures.get(key)
    if found is not None:
        return found
    if is_unit(element.kind):
        if key[1]:
            signature = f"{element.kind}\n{element.heading}"
        else:
            text = element.text
            rest = text.split("\n", 1)[1] if "\n" in text else ""
            signature = f"{element.heading}\n{rest}"
    else:
        signature = element.body
    signatures[key] = signature
    return signature


def _containers(outline: Outline) -> set[str]:
    """eIds of the units that hold other units."""
    return {e.parent for e in outline.elements if is_unit(e.kind) and e.parent}
