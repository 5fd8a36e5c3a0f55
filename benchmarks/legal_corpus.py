"""The legal corpus: one long code and many smaller acts, or the code reworded in one pass.

`generate` makes, from a seed and a scale, a code of about 1.5 MB in 10 versions (version
6 an erratum of three changes) and 150 acts of 5-100 KB, a third of them repealed;
`make_reword` a code whose second version amends every section. Committing them is
`legal_sites.make_repo`'s job.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from dataclasses import dataclass

from benchmarks.legal_acts import SIZE_FACTOR, Act, Version, Writer
from benchmarks.legal_words import Lexicon, Voice

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
ROUNDS = CODE_VERSIONS  # one round of amendments a year; the code has a version each round

START = int(dt.datetime(2016, 1, 4, 9, 0, tzinfo=dt.UTC).timestamp())
ROUND_SECONDS = 365 * 86_400
COMMIT_SECONDS = 90

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
