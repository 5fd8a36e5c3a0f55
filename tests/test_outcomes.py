"""What became of a review stays answerable after compaction drops it from the spool: the
status API answers a rejected review and a campaign's copy exactly as before, SIGKILL during
compaction loses no outcome, and what is kept holds no personal data. Real git, a real
spool, `lawtrail` for moderation, the intake through Flask's test client; the cut-off day is
given, so decisions made today can be compacted."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from intake import create_app
from intake.framing import encode
from intake.records import DECISION, GROUP, WITH_CONTACT, Decided
from intake.spool import Outcome, Spool, SpoolError
from intake.workspace import Workspace
from site_builder.reviews import Decision
from tests.conftest import Repo
from tests.test_campaigns import CAMPAIGN, flood, group_of
from tests.test_cli import TODAY, Project, make_project, ok
from tests.test_compaction import COMPACTOR, ROOT, compactor
from tests.test_reliability import tmpfs
from tests.test_spool import make_review, review_id

SECRETS = ("@example.org", "Buy cheap", "top the new", "Say which", "Voter", "Ann Author", "Mona")
FIELDS = {"id", "draft", "status", "date", "reason", "into"}  # all an outcome may hold


@dataclass
class Compacted:
    """A project whose decided reviews were compacted away in two runs, and the status
    answers (status code and body) of each tracking number before and after."""

    project: Project
    ids: dict[str, str]
    copies: list[str]
    before: dict[str, tuple[int, bytes]]
    after: dict[str, tuple[int, bytes]]
    fresh: dict[str, tuple[int, bytes]]


def answers(client: FlaskClient, ids: dict[str, str]) -> dict[str, tuple[int, bytes]]:
    """Each tracking number's status answer, exactly as the API sends it."""
    found = {}
    for name, number in ids.items():
        answer = client.get(f"/api/v1/reviews/{number}")
        found[name] = (answer.status_code, answer.data)
    return found


def compact_today(project: Project) -> int:
    """Compact with tomorrow as the cut-off, so today's decisions go; reviews dropped."""
    ws = Workspace(project.repo.root, project.repo.root / "drafts", "main")
    spool = Spool(project.spool_dir)
    done = spool.compact(TODAY + dt.timedelta(days=1), lambda c: ws.reachable(c, "main"))
    assert done is not None
    return done.reviews


def intake(project: Project) -> FlaskClient:
    """A freshly started intake that never compacts by itself."""
    config = {"REPO": str(project.repo.root), "SPOOL_DIR": str(project.spool_dir)}
    app = create_app({**config, "REFRESH_SECONDS": 0, "SPOOL_RETENTION_DAYS": 0})
    return app.test_client()


@pytest.fixture(scope="module")
def compacted(tmp_path_factory: pytest.TempPathFactory) -> Compacted:
    """A rejection, a campaign of five copies merged as one file and answered, then (in a
    second compaction, into the same day's outcomes) a review merged into its own file;
    one review stays pending throughout."""
    project = make_project(tmp_path_factory.mktemp("outcomes"))
    copies = flood(project, 5, ["Voter A", None])
    ids = {"first copy": copies[0], "copy": copies[3], "last copy": copies[4]}
    ids["rejected"] = project.submit("Buy cheap tickets.", email="s@example.org", author="Spam")
    ids["single"] = project.submit(
        "Say which operators.", email="a@example.org", author="Ann Author"
    )
    ids["pending"] = project.submit("Still thinking.", email="p@example.org")
    ids["unknown"] = "20260115-0000000000"
    ok(project.lawtrail("reviews", "reject", ids["rejected"], "--reason", "advertising"))
    group = group_of(project)
    ok(project.lawtrail("reviews", "merge", "--group", group, "--by", "Mona Moderator"))
    ok(project.lawtrail("respond", group, "--disposition", "noted", "--text", "We read it."))
    client = intake(project)  # a worker that runs through both compactions
    before = answers(client, ids)
    assert compact_today(project) == 6

    ok(project.lawtrail("reviews", "merge", ids["single"], "--by", "Mona Moderator"))
    answer = ("--disposition", "accepted", "--text", "Operators are listed in Article 3.")
    ok(project.lawtrail("respond", f"{ids['single']}-1", *answer))
    before["single"] = answers(client, {"single": ids["single"]})["single"]
    assert compact_today(project) == 1
    spool = Spool(project.spool_dir)
    assert [r.id for r in spool.pending()] == [ids["pending"]]
    assert all(spool.get(ids[name]) is None for name in ids if name != "pending")
    after, fresh = answers(client, ids), answers(intake(project), ids)
    return Compacted(project, ids, copies, before, after, fresh)


def test_a_rejected_review_and_a_campaign_copy_answer_as_before_compaction(
    compacted: Compacted,
) -> None:
    """Once compacted out of the spool, a rejected review still says rejected with its reason,
    each campaign copy merged with the link to the first copy's file and its answer, and a
    review with its own file merged: the same status and bytes as before, in a worker that
    was running and in one started afterwards."""
    before = compacted.before
    rejected = json.loads(before["rejected"][1])
    assert rejected == {
        "id": compacted.ids["rejected"],
        "status": "rejected",
        "draft": "fees",
        "reason": "advertising",
    }
    copy = json.loads(before["copy"][1])
    assert copy["status"] == "merged"
    assert copy["url"].endswith(f"/drafts/fees/reviews/{compacted.ids['first copy']}/")
    assert copy["comments"][0]["answer"]["text"] == "We read it."
    assert json.loads(before["single"][1])["comments"][0]["answer"]["disposition"] == "accepted"
    assert before["unknown"][0] == 404
    assert compacted.after == before
    assert compacted.fresh == before


def test_lawtrail_says_what_became_of_a_compacted_review(compacted: Compacted) -> None:
    """A moderator who asks about a review compaction dropped learns its outcome from the
    command, not that there is no such review."""
    project, ids = compacted.project, compacted.ids
    shown = project.lawtrail("reviews", "show", ids["rejected"])
    assert shown.exit_code == 1
    assert f"Review {ids['rejected']} was rejected (advertising) on" in shown.output
    again = project.lawtrail("reviews", "merge", ids["copy"], "--by", "Mona Moderator")
    assert again.exit_code == 1
    assert f"was merged with its copies as review {ids['first copy']} on" in again.output


def test_the_outcomes_kept_hold_no_contact_data_or_comment_text(compacted: Compacted) -> None:
    """What the spool keeps for ever of a compacted review is its tracking number, draft,
    status, decision day, a rejection's reason and the file a copy went into: no e-mail,
    no comment, no author or moderator name; pending reviews are not there."""
    folder = compacted.project.spool_dir / "outcomes"
    assert [p.name for p in folder.iterdir()] == ["20260115.jsonl"]  # the day they came in
    text = (folder / "20260115.jsonl").read_text(encoding="utf-8")
    assert not [secret for secret in (*SECRETS, CAMPAIGN) if secret.casefold() in text.casefold()]
    lines = [json.loads(line) for line in text.splitlines()]
    assert all(line.keys() <= FIELDS for line in lines)
    ids = compacted.ids
    kept = {line["id"]: line for line in lines}
    assert sorted(kept) == [line["id"] for line in lines]  # one line each, in order
    assert set(kept) == {*compacted.copies, ids["rejected"], ids["single"]}
    assert kept[ids["rejected"]] == {
        "id": ids["rejected"],
        "draft": "fees",
        "status": "rejected",
        "date": TODAY.isoformat(),
        "reason": "advertising",
    }
    assert kept[ids["copy"]]["into"] == ids["first copy"]
    assert "into" not in kept[ids["first copy"]] and "into" not in kept[ids["single"]]
    assert len(text.encode()) / len(lines) < 160  # bytes kept per review


DAYS = [f"202601{day:02d}" for day in range(10, 18)]  # the history came in over eight days
PER_DAY = 600
SHARES = (0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2)  # kill after these parts of its time
DECIDED_ON = dt.date(2026, 1, 20)  # long before the compactor's cut-off, 2026-06-01


def write_decided(directory: Path, commit: str) -> dict[str, Decided]:
    """A spool of reviews decided long ago, in the journal's own record format: per day,
    every third rejected for one of two reasons, a campaign of ten copies merged as one
    file, the rest merged on their own. Returns each review's decision."""
    directory.mkdir(parents=True)
    decided: dict[str, Decided] = {}
    with (directory / "reviews.journal").open("wb") as journal:
        for day in DAYS:
            ids = [review_id(n, day) for n in range(PER_DAY)]
            for number, number_id in enumerate(ids):
                review = make_review(number, body=f"comment {number_id}")
                data = {**review.to_data(), "id": number_id, "contact": {"email": "x@example.org"}}
                data["comments"][0]["id"] = f"{number_id}-1"
                journal.write(encode(WITH_CONTACT, data))
            copies, singles = ids[:10], ids[10:]
            merged = Decision("merged", "Mo", DECIDED_ON)
            group = Decided(copies[0], "water-code", merged, commit).to_data()
            del group["id"]
            journal.write(encode(GROUP, {"ids": copies, **group, "into": copies[0]}))
            decided.update(
                {i: Decided(i, "water-code", merged, commit, into=copies[0]) for i in copies}
            )
            for n, number_id in enumerate(singles):
                reason = ("spam", "off-topic")[n % 2] if n % 3 == 0 else None
                decision = Decision("rejected", "Mo", DECIDED_ON, reason) if reason else merged
                decided[number_id] = Decided(number_id, "water-code", decision, commit)
                journal.write(encode(DECISION, decided[number_id].to_data()))
    return decided


def lost(spool: Spool, decided: dict[str, Decided]) -> list[str]:
    """The reviews whose outcome the spool can no longer tell as it was decided: neither
    their decision in the journal nor their outcome kept."""
    return [
        i
        for i, d in decided.items()
        if spool.decision(i) != d and spool.outcome(i) != Outcome.of(d)
    ]


def test_sigkill_during_compaction_loses_no_outcome(tmp_path: Path) -> None:
    """A compaction SIGKILLed after varied delays, while it keeps the outcomes or replaces
    the journal: every decided review is told as decided, from the journal or from its
    outcome; the next compaction completes with each outcome kept exactly once."""
    repo = Repo(tmp_path / "project")
    origin = tmp_path / "origin"
    decided = write_decided(origin, repo.git("rev-parse", "HEAD"))
    trial = tmp_path / "trial"
    shutil.copytree(origin, trial)
    with compactor(trial, repo.root) as process:
        assert process.stdout is not None and process.stdout.readline() == "read\n"
        started = time.monotonic()
        assert process.stdout.readline() == f"done {len(decided)}\n"
        span = time.monotonic() - started  # how long the compaction itself takes here

    for run, share in enumerate(SHARES):
        spool_dir = tmp_path / f"run-{run}"
        shutil.copytree(origin, spool_dir)
        with compactor(spool_dir, repo.root) as process:
            assert process.stdout is not None and process.stdout.readline() == "read\n"
            time.sleep(span * share)
            process.send_signal(signal.SIGKILL)
        spool = Spool(spool_dir)
        spool.recover()
        assert lost(spool, decided) == []
        proc = subprocess.run(
            [sys.executable, "-c", COMPACTOR, str(spool_dir), str(repo.root)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        spool = Spool(spool_dir)
        assert spool.decisions() == [] and lost(spool, decided) == []
        shards = sorted((spool_dir / "outcomes").iterdir())
        assert [p.name for p in shards] == [f"{day}.jsonl" for day in DAYS]
        for shard in shards:
            lines = shard.read_bytes().splitlines()
            assert lines == sorted(set(lines)) and len(lines) == PER_DAY
        shutil.rmtree(spool_dir)


def test_a_damaged_outcome_answers_unknown_not_an_error(compacted: Compacted) -> None:
    """A shard line someone damaged by hand makes its review answer 404 unknown_review, as
    an unknown number does, never a 500; the others still answer."""
    project = compacted.project
    shard = project.spool_dir / "outcomes" / "20260115.jsonl"
    text = shard.read_text(encoding="utf-8")
    rejected = compacted.ids["rejected"]
    damaged = text.replace('"status":"rejected"', '"status":7')
    assert damaged != text
    try:
        shard.write_text(damaged, encoding="utf-8")
        client = intake(project)
        answer = client.get(f"/api/v1/reviews/{rejected}")
        assert answer.status_code == 404
        assert answer.get_json()["error"]["code"] == "unknown_review"
        copy = answers(client, {"copy": compacted.ids["copy"]})
        assert copy["copy"] == compacted.before["copy"]
    finally:
        shard.write_text(text, encoding="utf-8")


def test_a_full_disk_stops_compaction_before_the_journal_loses_anything(tmp_path: Path) -> None:
    """With no room for the outcomes, compaction fails saying so, the journal is byte for
    byte as it was and no half-written file is left; with room again, it completes."""
    repo = Repo(tmp_path / "project")
    ws = Workspace(repo.root, repo.root / "drafts", "main")
    with tmpfs(tmp_path / "disk", "8m") as disk:
        spool_dir = disk / "spool"
        decided = write_decided(spool_dir, repo.git("rev-parse", "HEAD"))
        journal = (spool_dir / "reviews.journal").read_bytes()
        space = os.statvfs(disk)
        filler = disk / "filler"
        filler.write_bytes(b"\0" * (space.f_bavail * space.f_frsize - 16 * 1024))
        spool = Spool(spool_dir)

        with pytest.raises(SpoolError, match=r"Cannot keep the outcomes .*No space left"):
            spool.compact(dt.date(2026, 6, 1), lambda c: ws.reachable(c, "main"))

        assert (spool_dir / "reviews.journal").read_bytes() == journal
        assert list((spool_dir / "outcomes").iterdir()) == []
        filler.unlink()
        done = Spool(spool_dir).compact(dt.date(2026, 6, 1), lambda c: ws.reachable(c, "main"))
        assert done is not None and done.reviews == len(decided)
        assert lost(Spool(spool_dir), decided) == []
