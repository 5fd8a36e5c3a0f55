"""The synthetic draft corpus of the build benchmark: drafts, revisions and their history.

`generate` makes `count` drafts (about one in five in Russian) with every revision's
front matter, text and commit message, from a seed alone: the same seed gives the same
corpus. Committing them is `sites.make_repo`'s job.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from benchmarks.drafting import Writer
from benchmarks.lexicon import EN
from benchmarks.lexicon_ru import RU

START = int(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC).timestamp())
ROUND_SECONDS = 14 * 86_400  # revision r of every draft is committed in round r
COMMIT_SECONDS = 90  # commits within a round, one after another

DRAFTERS = (
    ("Aigerim Sadykova", "a.sadykova@example.org"),
    ("Daniyar Omarov", "d.omarov@example.org"),
    ("Elena Petrova", "e.petrova@example.org"),
    ("James Whitfield", "j.whitfield@example.org"),
    ("Madina Nurlanova", "m.nurlanova@example.org"),
    ("Sofia Marchetti", "s.marchetti@example.org"),
)
STAGE_MESSAGES = {
    "discussion": "Open for public discussion",
    "revision": "Revise after the public discussion",
    "adopted": "Adopted text",
}


@dataclass
class Revision:
    """One committed version of a draft."""

    number: int
    stage: str
    text: str  # the whole draft.md
    body: str
    message: str
    mark: int = 0
    sha: str = ""


@dataclass
class Draft:
    """A synthetic draft and its revisions, oldest first."""

    slug: str
    language: str
    title: str
    agency: str
    summary: str
    drafter: tuple[str, str]
    revisions: list[Revision] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"drafts/{self.slug}/draft.md"

    @property
    def current(self) -> Revision:
        return self.revisions[-1]


def front_matter(draft: Draft, stage: str, opens: dt.date | None) -> str:
    lines = [
        "---",
        f"title: {draft.title}",
        f"agency: {draft.agency}",
        f"stage: {stage}",
    ]
    if opens is not None and stage != "initiated":
        # Long enough to cover every round still in discussion: a text changed after its
        # window closed (without a new one) is a rule breach the build would warn about.
        closes = opens + dt.timedelta(days=366)
        lines.append(f"discussion: {{opens: {opens.isoformat()}, closes: {closes.isoformat()}}}")
    lines += [f"summary: {draft.summary}", f"language: {draft.language}", "---", ""]
    return "\n".join(lines) + "\n"


def stage_plan(revisions: int, final: str) -> list[str]:
    """Stages of revisions 1..R: initiated, then discussion, revision and `final`."""
    stages = ["initiated"]
    for r in range(1, revisions):
        position = r / (revisions - 1)
        if r == revisions - 1:
            stages.append(final)
        elif final == "discussion" or position <= 0.5:
            stages.append("discussion")
        else:
            stages.append("revision")
    return stages


def generate(count: int, revisions: int, seed: int) -> list[Draft]:
    """Drafts with every revision's text and commit message (not yet committed)."""
    drafts: list[Draft] = []
    for i in range(1, count + 1):
        rng = random.Random(f"{seed}:{i}")
        russian = i % 5 == 3
        lex = RU if russian else EN
        topic = rng.choice(lex.topics)
        draft = Draft(
            slug=f"d{i:04d}",
            language="ru" if russian else "en",
            title=lex.title.format(n=i, topic=topic),
            agency=rng.choice(lex.agencies),
            summary=rng.choice(lex.summaries).format(topic=topic),
            drafter=rng.choice(DRAFTERS),
        )
        writer = Writer(lex, rng)
        chapters = writer.chapters()
        final = rng.choices(("discussion", "revision", "adopted"), (3, 3, 4))[0]
        stages = stage_plan(revisions, final)
        # The window opens on the day revision 2 is committed (round 1), for a month.
        opens = dt.datetime.fromtimestamp(START + ROUND_SECONDS, dt.UTC).date()
        body = ""
        for number, stage in enumerate(stages, 1):
            if number == 1:
                body = writer.body(chapters)
                message = f"Initial draft: {draft.title}"
            else:
                changes = writer.revise(chapters, len(body.encode()))
                body = writer.body(chapters)
                if stage != stages[number - 2]:
                    changes.insert(0, STAGE_MESSAGES[stage])
                message = "; ".join(changes)
                message = message[0].upper() + message[1:]
            text = front_matter(draft, stage, opens) + body
            draft.revisions.append(Revision(number, stage, text, body, f"{draft.slug}: {message}"))
        drafts.append(draft)
    return drafts
