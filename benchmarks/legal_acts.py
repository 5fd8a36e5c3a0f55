"""The acts of the legal benchmark: sections, paragraphs and items, and their amendments.

`Writer` writes `§` sections in German style in one `Voice`, renders them as Markdown and
amends them as amending acts do (words changed, `§ Na` inserted, sections repealed or
renumbered) or corrects them (an erratum); `Act` and `Version` hold the committed texts.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks.legal_words import Voice

SIZE_FACTOR = 0.4  # section budgets over the mean size: whole sentences overshoot them
REPEALED = "(weggefallen)"


@dataclass
class Item:
    """A numbered item (`1.` or `1)`) inside a paragraph, with `a)` sub-items."""

    text: str
    subs: list[str] = field(default_factory=list)


@dataclass
class Para:
    """A paragraph `(n)`: a text, or a lead-in ending in ':' and items."""

    text: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Section:
    """`§ N` (or `§ Na`), its title and paragraphs; repealed ones read "(weggefallen)"."""

    num: int
    letter: str
    title: str
    paras: list[Para]
    repealed: bool = False

    @property
    def label(self) -> str:
        return f"§ {self.num}{self.letter}"


@dataclass
class Version:
    """One committed version of an act (or its deletion, when `text` is None)."""

    number: int
    round: int
    text: str | None
    message: str
    changes: int = 0  # sections amended, inserted, repealed or renumbered
    mark: int = 0
    sha: str = ""

    @property
    def body(self) -> str:
        """The Markdown after the front matter."""
        assert self.text is not None
        return self.text.split("\n---\n", 1)[1].lstrip("\n")


@dataclass
class Act:
    """A generated act: its metadata and versions, oldest first."""

    slug: str
    title: str
    abbreviation: str
    agency: str
    summary: str
    kind: str
    versions: list[Version] = field(default_factory=list)
    window: tuple[dt.date, dt.date] | None = None  # a discussion in its first version

    @property
    def path(self) -> str:
        return f"drafts/{self.slug}/draft.md"

    @property
    def texts(self) -> list[Version]:
        """Committed texts (not the deletion)."""
        return [v for v in self.versions if v.text is not None]

    @property
    def deleted(self) -> bool:
        return self.versions[-1].text is None


class Writer:
    """Writes and amends the sections of one act in one voice."""

    def __init__(self, voice: Voice, rng: random.Random, items: str = "dot") -> None:
        self.voice, self.rng, self.items = voice, rng, items

    def paragraph(self, budget: float) -> Para:
        voice, rng = self.voice, self.rng
        if rng.random() < 0.2:
            items = [Item(voice.phrase(3, 12)) for _ in range(rng.randint(2, 6))]
            if self.items == "dot" and rng.random() < 0.2:
                items[-1].subs = [voice.phrase(3, 8) for _ in range(rng.randint(2, 3))]
            return Para(voice.phrase(5, 14).capitalize() + ":", items)
        sentences = [voice.sentence()]
        while sum(len(s) for s in sentences) < budget * 0.8 and len(sentences) < 5:
            sentences.append(voice.sentence())
        return Para(" ".join(sentences))

    def section(self, num: int, letter: str, budget: float) -> Section:
        count = self.rng.choices((1, 2, 3, 4, 5), (30, 30, 20, 12, 8))[0]
        paras = [self.paragraph(budget / count) for _ in range(count)]
        return Section(num, letter, self.voice.title(), paras)

    def sections(self, count: int, size: int) -> list[Section]:
        """`count` sections of about `size` bytes in all, a few of them `§ Na`."""
        rng = self.rng
        mean = size / count * SIZE_FACTOR
        out: list[Section] = []
        num = 0
        while len(out) < count:
            last = out[-1] if out else None
            if last is not None and rng.random() < 0.035 and last.letter < "e":
                letter = chr(ord(last.letter) + 1) if last.letter else "a"
                out.append(self.section(num, letter, rng.lognormvariate(0, 0.5) * mean))
                continue
            num += 1
            out.append(self.section(num, "", rng.lognormvariate(0, 0.5) * mean))
        for section in rng.sample(out, len(out) // 100):
            section.repealed = True
        return out

    # Rendering -----------------------------------------------------------------------

    def render(self, sections: Sequence[Section]) -> str:
        blocks: list[str] = []
        for section in sections:
            if section.repealed:
                blocks += [f"## {section.label}", REPEALED]
                continue
            blocks.append(f"## {section.label} {section.title}")
            lone = len(section.paras) == 1
            for p, para in enumerate(section.paras, 1):
                lines = [para.text if lone else f"({p}) {para.text}"]
                for i, item in enumerate(para.items, 1):
                    end = "." if i == len(para.items) and not item.subs else ","
                    mark = f"{i}." if self.items == "dot" else f"{i})"
                    lines.append(f"{mark} {item.text}{end}")
                    for s, sub in enumerate(item.subs):
                        end = "." if i == len(para.items) and s == len(item.subs) - 1 else ","
                        lines.append(f"{chr(ord('a') + s)}) {sub}{end}")
                blocks.append("\n".join(lines))
        return "\n\n".join(blocks) + "\n"

    # Amendments ----------------------------------------------------------------------

    def reword(self, section: Section, words: int) -> None:
        """Change `words` words of one paragraph or item of `section` (at least one word)."""
        rng = self.rng
        targets: list[Para | Item] = []
        for para in section.paras:
            targets.append(para)
            targets += para.items
        target = rng.choice(targets)
        tokens = target.text.split(" ")
        spots = [i for i, t in enumerate(tokens) if t.rstrip(".,:").isalpha()]
        for i in rng.sample(spots, min(words, len(spots))):
            core = tokens[i].rstrip(".,:")
            new = core
            while new == core:
                new = self.voice.word()
                new = new[0].upper() + new[1:] if i == 0 else new
            tokens[i] = new + tokens[i][len(core) :]
        if not spots:  # no word to change (a bare cross-reference): add one
            tokens.append(self.voice.word())
        target.text = " ".join(tokens)

    def amend(self, sections: list[Section], share: float, mean: float) -> tuple[list[str], int]:
        """One amending act: reword `share` of the sections, insert, repeal, renumber a few.

        Returns the commit message's parts and the number of sections touched.
        """
        rng = self.rng
        live = [s for s in sections if not s.repealed]
        count = max(1, round(share * len(live)))
        amended = rng.sample(live, min(count, len(live)))
        for section in amended:
            self.reword(section, rng.randint(1, 4))
        parts = [_listed("geändert", amended)]
        touched = len(amended)
        inserted: list[Section] = []
        for _ in range(rng.randint(1, max(1, round(len(sections) / 800)))):
            inserted.append(self._insert(sections, mean))
        parts.append(_listed("eingefügt", inserted))
        touched += len(inserted)
        renumbered = self._renumber(sections, mean) if rng.random() < 0.7 else []
        moved = {label.rsplit(" wird ", 1)[-1] for label in renumbered}
        if renumbered:
            parts.append(f"{renumbered[0]} eingefügt, {', '.join(renumbered[1:])}")
            touched += len(renumbered)
        repealed: list[Section] = []
        done = {id(s) for s in amended + inserted} | {id(s) for s in sections if s.label in moved}
        for _ in range(rng.randint(1, max(1, round(len(sections) / 1_000)))):
            candidates = [s for s in sections if not s.repealed and id(s) not in done]
            if len(candidates) < 2:
                break
            section = rng.choice(candidates)
            if rng.random() < 0.5:
                sections.remove(section)
            else:
                section.repealed = True
            repealed.append(section)
        parts.append(_listed("aufgehoben", repealed))
        touched += len(repealed)
        return [p for p in parts if p], touched

    def erratum(self, sections: list[Section], changes: int) -> tuple[list[str], int]:
        """A correction: one word in each of `changes` sections, nothing else."""
        live = [s for s in sections if not s.repealed]
        chosen = self.rng.sample(live, min(changes, len(live)))
        for section in chosen:
            self.reword(section, 1)
        return [_listed("berichtigt", chosen)], len(chosen)

    def _insert(self, sections: list[Section], mean: float) -> Section:
        """A new `§ Na` after `§ N` and any `§ Na`, `§ Nb` already there."""
        at = self.rng.randrange(len(sections))
        num = sections[at].num
        while at + 1 < len(sections) and sections[at + 1].num == num:
            at += 1
        letter = sections[at].letter
        new = self.section(num, chr(ord(letter) + 1) if letter else "a", mean)
        sections.insert(at + 1, new)
        return new

    def _renumber(self, sections: list[Section], mean: float) -> list[str]:
        """A new `§ Na` before the existing `§ Na`..., which move up one letter."""
        firsts = [i for i, s in enumerate(sections) if s.letter == "a"]
        if not firsts:
            return []
        at = self.rng.choice(firsts)
        num = sections[at].num
        moved: list[str] = []
        i = at
        while i < len(sections) and sections[i].num == num:
            old = sections[i].label
            sections[i].letter = chr(ord(sections[i].letter) + 1)
            moved.append(f"{old} wird {sections[i].label}")
            i += 1
        new = self.section(num, "a", mean)
        sections.insert(at, new)
        return [new.label, *moved]


def _listed(verb: str, sections: Sequence[Section]) -> str:
    if not sections:
        return ""
    labels = sorted({s.label for s in sections}, key=_label_key)
    shown = ", ".join(labels[:6]) + (f" und {len(labels) - 6} weitere" if len(labels) > 6 else "")
    return f"{shown} {verb}"


def _label_key(label: str) -> tuple[int, str]:
    found = re.match(r"§ (\d+)(\w?)", label)
    return (int(found[1]), found[2]) if found else (0, label)
