"""Legal-corpus benchmark: Lawtrail against plain mkdocs-material on real-shaped legislation.

What is measured
----------------
`benchmarks/build.py` measures many small drafts with a small shared vocabulary. Real
legislation is different (issue 7): one long code, a large vocabulary, acts that get
repealed. This script generates, with a seeded random generator, a corpus shaped like a
federal one, in a fresh git repository:

- one code of about 1.5 MB and 2,500 sections in German style (`## § 823 Title`, some
  inserted ones `§ 5a`; paragraphs `(1)`...`(n)`, a lone paragraph unnumbered; numbered
  items `1.` with the odd `a)` under them), in 10 versions. Versions 2 to 10 each amend
  1-2 % of the sections (a few words changed), insert a few (`§ 5a` after `§ 5`), repeal a
  few (the section deleted, or its text replaced with "(weggefallen)") and renumber a few
  (`§ 5a` becomes `§ 5b` when a new `§ 5a` goes before it), except version 6: an erratum
  that changes one word in each of exactly three sections, the redline issue 7 sets a size
  goal for;
- 150 smaller acts of 5-100 KB (log-uniform) with 2-9 versions each; a third of them are
  repealed: their `draft.md` is deleted (`git rm`) in their last commit.

Words are pseudo-German, made from syllables, drawn from a Zipf-like distribution over
60,000 words (the most frequent ranks are real German function words), each act with its
own ranking of the content words: thousands of distinct words per act, tens of thousands in
the code. The history is one `git fast-import` with fixed, increasing dates (one round of
amendments a year), so the same seed gives the same repository, shas included.

The repository is built with the `lawtrail` plugin and figures are printed beside the
baseline's: pages, time per page (wall and CPU), peak memory (the child's max RSS), HTML
written; the size of the largest redline page, and of the code's redline with the fewest
changes (the erratum: goal <= 100 KB), each beside the plain page of the same version.

A second scenario, "reword", is a 2,000-section code in two versions where the second
amends every section (the ministry it names is renamed, as real law does in one pass). Its
build time is printed beside plain mkdocs-material building the same two texts as pages
(goal within 3x).

Why the baseline is fair
------------------------
The baseline is what publishing the same record costs without Lawtrail: a plain
mkdocs-material project with one page per committed version of every act (the versions of
repealed acts included: a portal keeps them) at Lawtrail's revision URLs, plus an index
listing the acts. Theme, features, Markdown extensions and search languages are the same;
only the latest version of each act still in force is searchable, as Lawtrail indexes
current texts only. The baseline has a small explicit nav, as a hand-written site would.
Lawtrail writes more pages than that (current texts, redlines, indexes): its time per page
is compared with the baseline's, as in `build.py`, and the total times are shown too. Peak
memory is compared whole: a static site of every version is what Lawtrail has to stay near.

Both builds run in child processes (`build.py --child`), one after the other, so nothing
leaks from one into the other. `--repeat K` keeps the fastest of K alternating runs. Missed
goals are printed, never turned into a failing exit status (timings on a shared machine are
noisy); only a failed build exits non-zero.

Usage: `NO_MKDOCS_2_WARNING=1 .venv/bin/python benchmarks/legal.py [--seed S] [--scale F]
[--scenario corpus|reword|all] [--only lawtrail|baseline] [--repeat K] [--keep DIR]`.
`--scale 0.05` makes a quick development run (a code of 125 sections, 8 acts); `--only
baseline` times the plain build alone (to check a full-size corpus without Lawtrail).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import math
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build as bench

TARGET_PAGE_RATIO = 1.3  # Lawtrail's time per page over the baseline's
TARGET_MEMORY_RATIO = 1.3  # Lawtrail's peak RSS over the baseline's
TARGET_SMALL_REDLINE_KB = 100.0  # a redline with three changes in the 1.5 MB code
TARGET_REWORD_RATIO = 3.0  # build time of the reworded code over its plain pages
TARGET_DISTINCT_WORDS = 6_400  # the code must use more (the old one-character-per-word limit)

CODE_SECTIONS = 2_500
CODE_BYTES = 1_500_000
CODE_VERSIONS = 10
ERRATUM_VERSION = 6  # the code version that changes exactly three sections
ERRATUM_CHANGES = 3
ACTS = 150
ACT_MIN_BYTES, ACT_MAX_BYTES = 5_000, 100_000
ACT_VERSIONS = (2, 9)
REWORD_SECTIONS = 2_000
LEXICON_WORDS = 60_000
SIZE_FACTOR = 0.4  # section budgets over the mean size: whole sentences overshoot them
ROUNDS = CODE_VERSIONS  # one round of amendments a year; the code has a version each round

START = int(dt.datetime(2016, 1, 4, 9, 0, tzinfo=dt.UTC).timestamp())
ROUND_SECONDS = 365 * 86_400
COMMIT_SECONDS = 90

PLUGINS_YML = """\
plugins:
  - search:
      lang: [de]
"""
LAWTRAIL_PLUGIN_YML = """\
  - lawtrail:
      drafts_dir: drafts
"""
BASELINE_VALIDATION_YML = """\
validation:
  nav:
    omitted_files: info
"""

FUNCTION_WORDS = (
    "der", "die", "das", "und", "in", "den", "von", "zu", "mit", "des", "dem", "nicht", "ist",
    "für", "auf", "wird", "eine", "ein", "als", "auch", "nach", "bei", "oder", "werden", "sind",
    "einer", "kann", "so", "durch", "über", "an", "zur", "zum", "einem", "aus", "sich", "es",
    "wenn", "soweit", "sofern", "Absatz", "Satz", "Nummer", "hat", "haben", "ihm", "ihr", "vor",
    "gegen", "unter", "ohne", "bis", "diese", "dieser", "dieses", "jedoch", "insbesondere",
    "sowie", "hierzu", "Gläubiger", "Schuldner", "Vertrag", "Recht", "Anspruch", "Person",
    "Frist", "Antrag", "Behörde", "Eigentümer", "Erklärung", "Leistung", "Verpflichtete",
)  # fmt: skip
ONSETS = (
    "", "", "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "w", "z",
    "sch", "st", "sp", "br", "fr", "gr", "kr", "tr", "pf", "kl", "bl", "ver", "be", "ge",
)  # fmt: skip
NUCLEI = ("a", "e", "i", "o", "u", "ä", "ö", "ü", "ei", "au", "ie", "eu", "e", "a")
CODAS = ("", "", "n", "r", "l", "s", "t", "ch", "ng", "rt", "nd", "st", "ck", "ß", "m", "ft")
NOUN_ENDINGS = (
    "ung", "keit", "heit", "schaft", "recht", "gesetz", "stelle", "behörde", "vertrag",
    "pflicht", "verfahren", "anspruch", "frist", "ordnung", "",
)  # fmt: skip
AGENCIES = (
    "Bundesministerium der Justiz",
    "Bundesministerium der Finanzen",
    "Bundesministerium des Innern und für Heimat",
    "Bundesministerium für Arbeit und Soziales",
    "Bundesministerium für Gesundheit",
    "Bundesministerium für Digitales und Verkehr",
    "Bundesministerium für Wirtschaft und Klimaschutz",
    "Bundesministerium für Umwelt, Naturschutz und nukleare Sicherheit",
)
OLD_MINISTRY = "Bundesministerium der Justiz und für Verbraucherschutz"
NEW_MINISTRY = "Bundesministerium der Justiz"
DRAFTERS = (
    ("Referat Gesetzgebung", "gesetzgebung@example.org"),
    ("Amt für Rechtsbereinigung", "rechtsbereinigung@example.org"),
    ("Dokumentationsstelle", "dokumentation@example.org"),
)
REPEALED = "(weggefallen)"


# --------------------------------------------------------------------------- words


class Lexicon:
    """A large pseudo-German vocabulary, ranked for a Zipf-like draw.

    Real acts use thousands of distinct words and a code tens of thousands: enough to break
    any scheme that gives each distinct word one character of a small range. Ranks are
    weighted 1/(rank + 2.7) (Zipf-Mandelbrot), so a few words are everywhere and most are
    rare, as in real text.
    """

    def __init__(self, rng: random.Random, size: int) -> None:
        words: set[str] = set(FUNCTION_WORDS)
        content: list[str] = []
        while len(content) < size:
            word = "".join(
                rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS)
                for _ in range(rng.choice((1, 1, 2, 2, 2, 3)))
            )
            noun = rng.random() < 0.4
            if noun:
                word = (word + rng.choice(NOUN_ENDINGS)).capitalize()
            if len(word) >= 3 and word not in words:
                words.add(word)
                content.append(word)
        self.function = list(FUNCTION_WORDS)
        self.content = content
        total = len(self.function) + len(content)
        self.cum_weights: list[float] = []
        running = 0.0
        for rank in range(total):
            running += 1.0 / (rank + 2.7)
            self.cum_weights.append(running)
        self.nouns = [w for w in content if w[0].isupper()]


class Voice:
    """One act's way of drawing words: the lexicon with its own ranking of content words."""

    def __init__(self, lexicon: Lexicon, rng: random.Random) -> None:
        self.lexicon = lexicon
        self.rng = rng
        size = len(lexicon.content)
        step = rng.randrange(1, size)
        while math.gcd(step, size) != 1:
            step += 1
        self.step, self.shift, self.size = step, rng.randrange(size), size

    def word(self) -> str:
        lexicon = self.lexicon
        weights = lexicon.cum_weights
        rank = bisect.bisect(weights, self.rng.random() * weights[-1])
        rank = min(rank, len(weights) - 1)
        if rank < len(lexicon.function):
            return lexicon.function[rank]
        rank -= len(lexicon.function)
        return lexicon.content[(rank * self.step + self.shift) % self.size]

    def noun(self) -> str:
        """A capitalised content word, the act's frequent ones more often (for titles)."""
        word = self.word()
        if word[0].isupper() and word not in FUNCTION_WORDS:
            return word
        nouns = self.lexicon.nouns
        return nouns[int(len(nouns) * self.rng.random() ** 4)]

    def phrase(self, low: int, high: int) -> str:
        """Words with the odd comma or cross-reference, no final punctuation."""
        rng = self.rng
        words = [self.word() for _ in range(rng.randint(low, high))]
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words) + 1), f"nach § {rng.randint(1, 900)}")
        elif rng.random() < 0.1:
            words.insert(rng.randrange(len(words) + 1), f"des Absatzes {rng.randint(1, 4)}")
        for i in range(1, len(words) - 1):
            if rng.random() < 0.07:
                words[i] += ","
        return " ".join(words)

    def sentence(self) -> str:
        text = self.phrase(6, 22)
        return text[0].upper() + text[1:] + "."

    def title(self) -> str:
        rng = self.rng
        pattern = rng.random()
        if pattern < 0.4:
            return self.noun()
        if pattern < 0.7:
            return f"{self.noun()} und {self.noun()}"
        return f"{self.noun()} {rng.choice(('bei', 'des', 'für', 'nach'))} {self.noun()}"


def hash_rank(word: str) -> int:
    """A stable small number from a word (Python's hash() is salted per process)."""
    return sum(ord(c) * (i + 1) for i, c in enumerate(word))


# --------------------------------------------------------------------------- acts


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


def front_matter(act: Act, stage: str, window: tuple[dt.date, dt.date]) -> str:
    """Valid Lawtrail front matter; values quoted as YAML double-quoted strings."""
    lines = [
        "---",
        f"title: {json.dumps(act.title, ensure_ascii=False)}",
        f"agency: {json.dumps(act.agency, ensure_ascii=False)}",
        f"stage: {stage}",
        f"discussion: {{opens: {window[0].isoformat()}, closes: {window[1].isoformat()}}}",
        f"summary: {json.dumps(act.summary, ensure_ascii=False)}",
        "language: de",
        f"kind: {act.kind}",
        "---",
        "",
    ]
    return "\n".join(lines) + "\n"


def round_date(round_: int) -> dt.date:
    return dt.datetime.fromtimestamp(START + round_ * ROUND_SECONDS, dt.UTC).date()


# Every act was discussed and adopted before the history starts, unless its first version
# is committed in discussion: then the window opens that day for 60 days, and the next
# version (a year later) is adopted. No version changes text in a closed window.
PAST_WINDOW = (round_date(0) - dt.timedelta(days=120), round_date(0) - dt.timedelta(days=60))


@dataclass
class Corpus:
    acts: list[Act]
    code: Act
    erratum: Version | None  # the code's version with three changes
    commits: int = 0


def _abbreviation(rng: random.Random, voice: Voice) -> str:
    return (voice.noun()[:3] + rng.choice(("G", "V", "O", "GB"))).capitalize()


def make_code(
    lexicon: Lexicon, seed: int, sections: int, size: int, versions: int, erratum: int | None
) -> Act:
    """The long code: `versions` versions, one round each."""
    rng = random.Random(f"{seed}:code")
    voice = Voice(lexicon, rng)
    code = Act(
        slug="azgb",
        title="Allgemeines Zivilgesetzbuch (AZGB)",
        abbreviation="AZGB",
        agency=AGENCIES[0],
        summary="Das Gesetzbuch regelt Verträge, Eigentum, Familie und Erbschaft zwischen "
        "Privatpersonen. Diese Fassung zeigt jede Änderung seit 2016.",
        kind="Gesetzbuch",
    )
    writer = Writer(voice, rng)
    text = writer.sections(sections, size)
    mean = size / sections
    for number in range(1, versions + 1):
        if number == 1:
            parts, touched = ["Neubekanntmachung"], 0
        elif number == erratum:
            parts, touched = writer.erratum(text, ERRATUM_CHANGES)
        else:
            parts, touched = writer.amend(text, rng.uniform(0.01, 0.02), mean)
        body = writer.render(text)
        message = f"{code.abbreviation}: " + "; ".join(parts)
        full = front_matter(code, "adopted", PAST_WINDOW) + body
        code.versions.append(Version(number, number - 1, full, message, touched))
    return code


def make_act(lexicon: Lexicon, seed: int, index: int, repealed: bool) -> Act:
    """A smaller act of 5-100 KB with a few versions; a repealed one is deleted at last."""
    rng = random.Random(f"{seed}:act:{index}")
    voice = Voice(lexicon, rng)
    kind = rng.choice(("Gesetz", "Gesetz", "Verordnung"))
    topic = f"{voice.noun()} und {voice.noun()}"
    act = Act(
        slug=f"act-{index:03d}",
        title=f"{kind} über {topic}",
        abbreviation=_abbreviation(rng, voice),
        agency=rng.choice(AGENCIES),
        summary=f"Regelt {topic}. " + voice.sentence(),
        kind=kind,
    )
    act.title += f" ({act.abbreviation})"
    size = round(math.exp(rng.uniform(math.log(ACT_MIN_BYTES), math.log(ACT_MAX_BYTES))))
    count = max(3, round(size / 620))
    writer = Writer(voice, rng, items=rng.choice(("dot", "dot", "dot", "paren")))
    text = writer.sections(count, size)
    while len(writer.render(text).encode()) < size * 0.95:  # short acts undershoot
        text.append(writer.section(text[-1].num + 1, "", size / count * SIZE_FACTOR))
    while len(text) > 3 and len(writer.render(text).encode()) > size * 1.05:
        text.pop()
    versions = rng.randint(*ACT_VERSIONS)
    last = ROUNDS - 1 if repealed else ROUNDS  # a repealed act needs a round to be deleted
    rounds = sorted(rng.sample(range(last), min(versions, last)))
    discussed = rng.random() < 0.2
    if discussed:
        opens = round_date(rounds[0])
        act.window = (opens, opens + dt.timedelta(days=59))
    for number, round_ in enumerate(rounds, 1):
        if number == 1:
            parts, touched = ["Erstfassung"], 0
        else:
            parts, touched = writer.amend(text, rng.uniform(0.02, 0.08), size / count)
        stage = "discussion" if discussed and number == 1 else "adopted"
        full = front_matter(act, stage, act.window or PAST_WINDOW) + writer.render(text)
        message = f"{act.abbreviation}: " + "; ".join(parts)
        act.versions.append(Version(number, round_, full, message, touched))
    if repealed:
        round_ = rng.randint(rounds[-1] + 1, ROUNDS - 1)
        message = f"{act.abbreviation}: aufgehoben"
        act.versions.append(Version(len(rounds) + 1, round_, None, message))
    return act


def generate(seed: int, scale: float) -> Corpus:
    """The whole legal corpus at `scale` (1.0 is issue 7's size)."""
    lexicon = Lexicon(random.Random(f"{seed}:lexicon"), LEXICON_WORDS)
    sections = max(20, round(CODE_SECTIONS * scale))
    size = round(CODE_BYTES * sections / CODE_SECTIONS)
    code = make_code(lexicon, seed, sections, size, CODE_VERSIONS, ERRATUM_VERSION)
    count = max(3, round(ACTS * scale))
    repealed = set(random.Random(f"{seed}:repealed").sample(range(1, count + 1), count // 3))
    acts = [code] + [make_act(lexicon, seed, i, i in repealed) for i in range(1, count + 1)]
    erratum = next((v for v in code.versions if v.number == ERRATUM_VERSION), None)
    return Corpus(acts, code, erratum)


def make_reword(seed: int, scale: float) -> Corpus:
    """A code whose second version amends every section: the ministry is renamed."""
    lexicon = Lexicon(random.Random(f"{seed}:lexicon"), LEXICON_WORDS)
    rng = random.Random(f"{seed}:reword")
    voice = Voice(lexicon, rng)
    writer = Writer(voice, rng)
    sections = max(20, round(REWORD_SECTIONS * scale))
    text = writer.sections(sections, round(CODE_BYTES * sections / CODE_SECTIONS))
    for section in text:
        section.repealed = False
        para = rng.choice(section.paras)
        para.text = f"Das {OLD_MINISTRY} regelt das Nähere durch Rechtsverordnung. " + para.text
    code = Act(
        slug="vwvfg",
        title="Verwaltungsverfahrensgesetz (VwVfG)",
        abbreviation="VwVfG",
        agency=NEW_MINISTRY,
        summary="Regelt, wie Behörden entscheiden. Die zweite Fassung benennt das "
        "zuständige Ministerium in jeder Vorschrift neu.",
        kind="Gesetz",
    )
    first = writer.render(text)
    second = first.replace(OLD_MINISTRY, NEW_MINISTRY)
    for number, body in enumerate((first, second), 1):
        message = "VwVfG: " + ("Neubekanntmachung" if number == 1 else "Ressort umbenannt")
        full = front_matter(code, "adopted", PAST_WINDOW) + body
        code.versions.append(Version(number, number - 1, full, message, len(text)))
    return Corpus([code], code, None)


# --------------------------------------------------------------------------- git history


def _commit(
    mark: int, who: tuple[str, str], stamp: int, message: str, files: dict[str, str | None]
) -> bytes:
    """One fast-import commit; a file whose content is None is deleted."""
    ident = f"{who[0]} <{who[1]}> {stamp} +0000"
    parts = [
        f"commit refs/heads/main\nmark :{mark}\nauthor {ident}\ncommitter {ident}\n".encode(),
        bench._data(message),
    ]
    for path, content in files.items():
        if content is None:
            parts.append(f"D {path}\n".encode())
        else:
            parts.append(f"M 100644 inline {path}\n".encode())
            parts.append(bench._data(content))
    parts.append(b"\n")
    return b"".join(parts)


def site_config(name: str, lawtrail: bool) -> str:
    """The mkdocs.yml both builds share, with or without the lawtrail plugin."""
    common = bench.COMMON_YML.format(site_name=name) + PLUGINS_YML
    return common + (LAWTRAIL_PLUGIN_YML if lawtrail else BASELINE_VALIDATION_YML)


def make_repo(repo: Path, corpus: Corpus, seed: int) -> int:
    """Commit the site and every version through one `git fast-import`; returns commits."""
    repo.mkdir(parents=True)
    bench.git(repo, "init", "-q")
    bench.git(repo, "symbolic-ref", "HEAD", "refs/heads/main")
    bench.git(repo, "config", "user.name", "Lawtrail Benchmark")
    bench.git(repo, "config", "user.email", "bench@example.org")
    site: dict[str, str | None] = {
        ".gitignore": "site/\n",
        "mkdocs.yml": site_config("Lawtrail legal benchmark", True),
        "content/about.md": bench.ABOUT_MD,
    }
    who = ("Lawtrail Benchmark", "bench@example.org")
    stream = [_commit(1, who, START - 86_400, "Site", site)]
    mark = 1
    order = random.Random(f"{seed}:order")
    for round_ in range(ROUNDS):
        batch = [(act, v) for act in corpus.acts for v in act.versions if v.round == round_]
        order.shuffle(batch)
        for j, (act, version) in enumerate(batch, 1):
            mark += 1
            version.mark = mark
            stamp = START + round_ * ROUND_SECONDS + j * COMMIT_SECONDS
            drafter = DRAFTERS[hash_rank(act.slug) % len(DRAFTERS)]
            files = {act.path: version.text}
            stream.append(_commit(mark, drafter, stamp, version.message, files))
    marks = repo / ".git" / "bench-marks"
    bench.git(repo, "fast-import", "--quiet", f"--export-marks={marks}", data=b"".join(stream))
    shas = dict(line.split() for line in marks.read_text().splitlines())
    for act in corpus.acts:
        for version in act.versions:
            version.sha = shas[f":{version.mark}"]
    bench.git(repo, "reset", "--hard", "-q")
    corpus.commits = mark
    return mark


# --------------------------------------------------------------------------- baseline


def revision_src(act: Act, version: Version) -> str:
    """Where Lawtrail publishes a version; the baseline uses the same URL."""
    return f"drafts/{act.slug}/rev/{version.sha[:10]}/index.md"


def make_baseline(root: Path, corpus: Corpus) -> int:
    """One plain page per committed version of every act, and an index; returns pages."""
    content = root / "content"
    lines = ["---\ntitle: Gesetze\nsearch:\n  exclude: true\n---\n", "# Gesetze\n"]
    pages = 0
    for act in corpus.acts:
        texts = act.texts
        latest = texts[-1]
        state = "aufgehoben" if act.deleted else f"Fassung {latest.number}"
        link = revision_src(act, latest)
        lines.append(f"- [{act.title}]({link}) — {act.agency} — {state}. {act.summary}")
        for version in texts:
            title = f"{act.title} — Fassung {version.number}"
            searchable = version is latest and not act.deleted
            summary = act.summary if searchable else ""
            page = bench._page_md(title, version.body, searchable, summary)
            path = content / revision_src(act, version)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page, encoding="utf-8")
            pages += 1
    (content / "index.md").parent.mkdir(parents=True, exist_ok=True)
    (content / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    nav = ["nav:", "  - Gesetze: index.md"]
    # A few small acts, not the code: Material repeats the table of contents of the page
    # in the nav, which would make one version of the code heavier than the others.
    listed = [a for a in corpus.acts if a is not corpus.code][:3]
    nav += [f"  - {a.abbreviation}: {revision_src(a, a.texts[-1])}" for a in listed]
    config = site_config("Baseline", False) + "\n".join(nav) + "\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return pages + 1


# --------------------------------------------------------------------------- measuring


def fastest(kind: str, directory: Path, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Build once more, add the figures to `runs` and return the fastest so far."""
    runs.append(bench.measure(kind, directory))
    return min(runs, key=lambda f: float(f["seconds"]))


@dataclass
class Redline:
    """A redline page Lawtrail wrote, with the plain page of its newer version."""

    act: Act
    old: Version
    new: Version
    kb: float
    plain_kb: float | None


def redlines(corpus: Corpus, lawtrail_site: Path, baseline_site: Path | None) -> list[Redline]:
    """Every redline page of the corpus, matched to its two versions by sha."""
    out: list[Redline] = []
    for act in corpus.acts:
        folder = lawtrail_site / "drafts" / act.slug / "compare"
        if not folder.is_dir():
            continue
        for page in folder.glob("*/index.html"):
            ends = page.parent.name.split("..")
            found = [v for end in ends for v in act.texts if end and v.sha.startswith(end)]
            if len(ends) != 2 or len(found) != 2:
                continue
            old, new = found
            plain: float | None = None
            if baseline_site is not None:
                twin = baseline_site / revision_src(act, new).replace(".md", ".html")
                plain = twin.stat().st_size / 1024 if twin.is_file() else None
            out.append(Redline(act, old, new, page.stat().st_size / 1024, plain))
    return out


def published_versions(corpus: Corpus, site: Path) -> tuple[int, int, int]:
    """Versions with a revision page; of them, versions of deleted acts; all versions."""
    found = deleted = 0
    total = 0
    for act in corpus.acts:
        for version in act.texts:
            total += 1
            if (site / revision_src(act, version).replace(".md", ".html")).is_file():
                found += 1
                deleted += act.deleted
    return found, deleted, total


# --------------------------------------------------------------------------- report


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f} x" if b else "-"


def _table(
    rows: Sequence[tuple[str, float | None, float | None, str]],
    lt: dict[str, Any] | None,
    bl: dict[str, Any] | None,
) -> None:
    print(f"  {'':<24}{'Lawtrail':>12}{'baseline':>12}{'ratio':>10}")
    for name, a, b, fmt in rows:
        left = format(a, fmt) if a is not None and lt is not None else "-"
        right = format(b, fmt) if b is not None and bl is not None else "-"
        ratio = _ratio(a, b) if a is not None and b is not None and lt and bl else ""
        print(f"  {name:<24}{left:>12}{right:>12}{ratio:>10}")


def _figures(f: dict[str, Any] | None) -> dict[str, float | None]:
    if f is None:
        return dict.fromkeys(("pages", "s", "cpu", "ms", "cpu_ms", "mb", "html"))
    return {
        "pages": f["pages"],
        "s": f["seconds"],
        "cpu": f["cpu_seconds"],
        "ms": 1000 * f["seconds"] / f["pages"],
        "cpu_ms": 1000 * f["cpu_seconds"] / f["pages"],
        "mb": f["peak_mb"],
        "html": f["html_bytes"] / 1e6,
    }


def _goal(name: str, figure: str, target: str, ok: bool, misses: list[str]) -> None:
    if not ok:
        misses.append(name)
    print(f"  {name:<40}{figure}   (goal {target})   {'ok' if ok else 'MISSED'}")


def _warnings(lt: dict[str, Any] | None, bl: dict[str, Any] | None) -> None:
    for label, figures in (("Lawtrail", lt), ("baseline", bl)):
        if figures is None:
            continue
        messages = figures["warnings"]
        for message in messages[:5]:
            print(f"  {label} warning: {message[:300]}")
        if len(messages) > 5:
            print(f"  {label}: {len(messages) - 5} more warnings")


def distinct_words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text))


def report_corpus(
    args: argparse.Namespace,
    corpus: Corpus,
    made: float,
    lt: dict[str, Any] | None,
    bl: dict[str, Any] | None,
    lawtrail_dir: Path,
    baseline_dir: Path,
) -> list[str]:
    """Print the legal corpus's figures; returns the goals missed."""
    code, acts = corpus.code, corpus.acts[1:]
    versions = sum(len(a.texts) for a in corpus.acts)
    code_bytes = len(code.texts[-1].body.encode())
    code_words: set[str] = set()
    for version in code.texts:
        code_words |= distinct_words(version.body)
    act_words = [len(distinct_words(a.texts[-1].body)) for a in acts]
    sizes = [len(a.texts[0].body.encode()) / 1024 for a in acts]
    deleted = sum(a.deleted for a in acts)
    print()
    print(
        f"Lawtrail on a legal corpus (seed {args.seed}, scale {args.scale:g}): one code of "
        f"{len(re.findall(r'^## § ', code.texts[-1].body, re.M)):,} sections "
        f"({code_bytes / 1e6:.2f} MB) in {len(code.texts)} versions; {len(acts)} acts of "
        f"{min(sizes):.0f}-{max(sizes):.0f} KB, {deleted} of them repealed (deleted); "
        f"{versions:,} versions, {corpus.commits:,} commits, made in {made:.1f} s"
    )
    enough = len(code_words) > TARGET_DISTINCT_WORDS
    print(
        f"distinct words: {len(code_words):,} in the code ({'more' if enough else 'fewer'} "
        f"than the {TARGET_DISTINCT_WORDS:,} a one-character-per-word diff could encode), "
        f"{min(act_words):,}-{max(act_words):,} per act"
    )
    print(
        f"Python {platform.python_version()}, mkdocs {bench._version('mkdocs')}, "
        f"mkdocs-material {bench._version('mkdocs-material')}"
    )
    if args.repeat > 1:
        print(f"each build run {args.repeat} times; the fastest run is shown")
    print()
    a, b = _figures(lt), _figures(bl)
    _table(
        [
            ("pages", a["pages"], b["pages"], ",.0f"),
            ("build seconds", a["s"], b["s"], ".1f"),
            ("CPU seconds", a["cpu"], b["cpu"], ".1f"),
            ("ms per page", a["ms"], b["ms"], ".1f"),
            ("CPU ms per page", a["cpu_ms"], b["cpu_ms"], ".1f"),
            ("peak memory (MB)", a["mb"], b["mb"], ".0f"),
            ("HTML written (MB)", a["html"], b["html"], ".1f"),
        ],
        lt,
        bl,
    )
    misses: list[str] = []
    if lt is None:
        return misses
    site = lawtrail_dir / "site"
    found, of_deleted, total = published_versions(corpus, site)
    deleted_total = sum(len(a.texts) for a in corpus.acts if a.deleted)
    print(
        f"  {'versions published':<24}{found:>12,}{total:>12,}   "
        f"(of repealed acts: {of_deleted:,} of {deleted_total:,})"
    )
    print()
    if bl is not None:
        assert a["ms"] is not None and b["ms"] is not None and a["mb"] and b["mb"]
        assert a["cpu_ms"] is not None and b["cpu_ms"] is not None
        page_ratio, memory_ratio = a["ms"] / b["ms"], a["mb"] / b["mb"]
        _goal(
            "time per page, Lawtrail / baseline",
            f"{page_ratio:.2f} x (CPU {a['cpu_ms'] / b['cpu_ms']:.2f} x)",
            f"<= {TARGET_PAGE_RATIO} x",
            page_ratio <= TARGET_PAGE_RATIO,
            misses,
        )
        _goal(
            "peak memory, Lawtrail / baseline",
            f"{memory_ratio:.2f} x",
            f"<= {TARGET_MEMORY_RATIO} x",
            memory_ratio <= TARGET_MEMORY_RATIO,
            misses,
        )
    plain_site = baseline_dir / "site" if bl is not None else None
    pages = redlines(corpus, site, plain_site)
    if not pages:
        print("  no redline pages found")
        return misses
    largest = max(pages, key=lambda r: r.kb)
    print(f"  {'largest redline page':<40}{_redline(largest)}")
    erratum = corpus.erratum
    small = [r for r in pages if r.act is code and erratum is not None and r.new is erratum]
    small = [r for r in small if r.old.number == erratum.number - 1] if erratum else []
    if small and erratum is not None:
        page = small[0]
        _goal(
            f"code redline, {erratum.changes} changes",
            _redline(page),
            f"<= {TARGET_SMALL_REDLINE_KB:.0f} KB",
            page.kb <= TARGET_SMALL_REDLINE_KB,
            misses,
        )
    else:
        misses.append("the erratum's redline (not found)")
        print("  the code's erratum redline was not found")
    consecutive = [r for r in pages if r.act is code and r.new.number == r.old.number + 1]
    if consecutive:
        kb = sorted(r.kb for r in consecutive)
        print(
            f"  {'code redlines, version to next':<40}{len(kb)} pages, "
            f"{kb[0]:,.0f}-{kb[-1]:,.0f} KB ({sum(kb) / 1024:.1f} MB in all)"
        )
    return misses


def _redline(page: Redline) -> str:
    where = f"{page.act.slug} {page.old.number}->{page.new.number}"
    plain = f"{page.plain_kb:,.0f} KB" if page.plain_kb is not None else "-"
    ratio = f", {page.kb / page.plain_kb:.2f} x" if page.plain_kb else ""
    return f"{page.kb:,.0f} KB ({where}; plain page of the version {plain}{ratio})"


def report_reword(
    corpus: Corpus, made: float, lt: dict[str, Any] | None, bl: dict[str, Any] | None
) -> list[str]:
    """Print the reworded code's figures; returns the goals missed."""
    code = corpus.code
    first = code.texts[0].body
    print()
    print(
        f"Reword every section: a code of {len(re.findall(r'^## § ', first, re.M)):,} sections "
        f"({len(first.encode()) / 1e6:.2f} MB) in 2 versions, the second renaming the "
        f"ministry in every section; made in {made:.1f} s"
    )
    print()
    a, b = _figures(lt), _figures(bl)
    _table(
        [
            ("pages", a["pages"], b["pages"], ",.0f"),
            ("build seconds", a["s"], b["s"], ".2f"),
            ("CPU seconds", a["cpu"], b["cpu"], ".2f"),
            ("peak memory (MB)", a["mb"], b["mb"], ".0f"),
        ],
        lt,
        bl,
    )
    misses: list[str] = []
    if lt is not None and bl is not None:
        ratio = lt["seconds"] / bl["seconds"]
        print()
        _goal(
            "build time, Lawtrail / plain pages",
            f"{ratio:.2f} x (CPU {lt['cpu_seconds'] / bl['cpu_seconds']:.2f} x)",
            f"<= {TARGET_REWORD_RATIO:.0f} x",
            ratio <= TARGET_REWORD_RATIO,
            misses,
        )
    return misses


# --------------------------------------------------------------------------- main


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_scenario(
    name: str,
    args: argparse.Namespace,
    root: Path,
    make: Callable[[], Corpus],
) -> tuple[Corpus, float, dict[str, Any] | None, dict[str, Any] | None, Path, Path]:
    """Generate one corpus, build it `--repeat` times each way; the fastest runs."""
    lawtrail_dir, baseline_dir = root / name / "lawtrail", root / name / "baseline"
    started = time.perf_counter()
    corpus = make()
    make_repo(lawtrail_dir, corpus, args.seed)
    make_baseline(baseline_dir, corpus)
    made = time.perf_counter() - started
    versions = sum(len(a.texts) for a in corpus.acts)
    _progress(f"{name}: {len(corpus.acts)} acts, {versions} versions, made in {made:.1f} s")
    lt_runs: list[dict[str, Any]] = []
    bl_runs: list[dict[str, Any]] = []
    lt = bl = None
    for run in range(args.repeat):
        if args.only != "lawtrail":
            _progress(f"{name}: building the baseline (run {run + 1}/{args.repeat})...")
            bl = fastest("baseline", baseline_dir, bl_runs)
            _progress(f"  {bl['pages']} pages in {bl['seconds']:.1f} s, {bl['peak_mb']:.0f} MB")
        if args.only != "baseline":
            _progress(f"{name}: building with Lawtrail (run {run + 1}/{args.repeat})...")
            lt = fastest("lawtrail", lawtrail_dir, lt_runs)
            _progress(f"  {lt['pages']} pages in {lt['seconds']:.1f} s, {lt['peak_mb']:.0f} MB")
    return corpus, made, lt, bl, lawtrail_dir, baseline_dir


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the full size (default 1)"
    )
    parser.add_argument(
        "--scenario",
        choices=("corpus", "reword", "all"),
        default="all",
        help="the legal corpus, the reworded code, or both (default)",
    )
    parser.add_argument(
        "--only", choices=("lawtrail", "baseline"), help="build one side only (no ratios)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="build each site K times, keep the fastest"
    )
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="move the corpora and their sites to DIR"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or not 0 < args.scale <= 1:
        parser.error("--repeat must be at least 1 and --scale in (0, 1]")
    if args.keep is not None and args.keep.exists():
        parser.error(f"--keep {args.keep}: already exists; name a new folder")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="lawtrail-legal-"))
    misses: list[str] = []
    try:
        if args.scenario in ("corpus", "all"):
            corpus, made, lt, bl, lt_dir, bl_dir = run_scenario(
                "corpus", args, root, lambda: generate(args.seed, args.scale)
            )
            misses += report_corpus(args, corpus, made, lt, bl, lt_dir, bl_dir)
            _warnings(lt, bl)
        if args.scenario in ("reword", "all"):
            corpus, made, lt, bl, _, _ = run_scenario(
                "reword", args, root, lambda: make_reword(args.seed, args.scale)
            )
            misses += report_reword(corpus, made, lt, bl)
            _warnings(lt, bl)
        print()
        if args.only is not None:
            print(f"verdict: only the {args.only} build was run; no ratios to judge")
        elif misses:
            print(f"verdict: MISSED {len(misses)} goal(s): {'; '.join(misses)}")
        else:
            print("verdict: every goal met")
    finally:
        if args.keep is not None:
            shutil.move(root, args.keep)
            _progress(f"kept in {args.keep}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
