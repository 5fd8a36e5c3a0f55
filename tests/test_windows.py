"""A window is a promise: `lawtrail drafts stage` keeps it, `lawtrail check` and the build
catch hand-made commits that break it, and the site says which window actually ran.

CLI moves are judged against the real today, so their windows are set relative to it;
hand-made commits carry fixed dates (one day apart, from 2026-01-02), so their checks are
deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.i18n import format_day
from tests.conftest import Repo, draft
from tests.test_cli import BODY, Project, day, make_project, ok


def shown(offset: int) -> str:
    """The day `offset` days from today as an English page writes it ("January 5, 2026")."""
    return format_day(day(offset), "en")


SOIL = ["drafts", "new", "soil-code", "--title", "Soil Code", "--agency", "Ministry of Land"]


def moved(project: Project, *args: str, message: str) -> None:
    """A `drafts stage` move that must be refused with `message`, changing nothing."""
    before = project.state()
    result = project.lawtrail("drafts", "stage", "soil-code", *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output and project.state() == before


def text(page: BeautifulSoup, selector: str) -> str:
    """The text of the first element matching `selector`, spaces collapsed."""
    found = page.select_one(selector)
    assert found is not None, selector
    return " ".join(found.text.split())


def events(page: BeautifulSoup) -> list[str]:
    """The timeline's events as text, spaces collapsed."""
    return [" ".join(li.text.split()) for li in page.select(".lt-event")]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The `fees` project of the CLI tests, with the draft soil-code started today."""
    project = make_project(tmp_path)
    ok(project.lawtrail(*SOIL))
    return project


def test_adopting_inside_the_window_is_refused_and_forcing_it_is_public(
    project: Project,
) -> None:
    """Adoption before the window closes is refused, whatever window it states; --force
    with a public reason is allowed, committed, and shown on the timeline and banner."""
    ok(project.lawtrail("drafts", "stage", "soil-code", "discussion",
                        "--opens", day(0), "--closes", day(28)))  # fmt: skip
    moved(project, "adopted", "--opens", day(-32), "--closes", day(-3),
          message="--opens and --closes set the window of a discussion")  # fmt: skip
    moved(project, "adopted", message="would close the discussion early")
    moved(project, "revision", message=f"Wait until {day(29)}")
    moved(project, "adopted", "--force", message="Pass --force and --reason together")
    moved(project, "adopted", "--force", "--reason", "two\nlines", message="must be one line")
    ok(project.lawtrail("check", "--strict"))

    reason = "Parliament passed the act in first reading."
    ok(project.lawtrail("drafts", "stage", "soil-code", "adopted", "--force", "--reason", reason))
    message = project.repo.git("log", "-1", "--format=%B")
    assert message.startswith("Move soil-code to stage adopted\n")
    assert f"it is closed early, on {day(0)}" in message
    assert message.rstrip().endswith(f"Lawtrail-Forced: {reason}")
    ok(project.lawtrail("check", "--strict"))  # a forced move with its reason is no breach

    built = project.repo.build()
    assert built.returncode == 0, built.output
    page = built.html("drafts/soil-code/")
    assert text(page, ".lt-banner__window") == (
        f"Public discussion was held from {shown(0)} to {shown(0)}: it was closed early, before "
        f"its announced end on {shown(28)}. Reason given: {reason}"
    )
    timeline = events(page)
    assert any(
        f"In public discussion — comments from {shown(0)} to {shown(28)}" in e for e in timeline
    )
    adopted = next(e for e in timeline if e.startswith(f"{shown(0)} Adopted"))
    assert f"closed early, before its end on {shown(28)}. Reason given: {reason}" in adopted


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(-336, -306), (-1, 20)],
    ids=["entirely-in-the-past", "opening-yesterday"],
)
def test_a_window_may_not_open_before_the_day_it_is_set(
    project: Project, opens: int, closes: int
) -> None:
    """Entering discussion with a window that opened before today is refused."""
    moved(project, "discussion", "--opens", day(opens), "--closes", day(closes),
          message=f"--opens {day(opens)} is before today ({day(0)} in UTC)")  # fmt: skip
    ok(project.lawtrail("drafts", "stage", "soil-code", "discussion",
                        "--opens", day(0), "--closes", day(30)))  # fmt: skip


def test_a_running_window_can_only_be_extended(project: Project) -> None:
    """Once open, a window may not shrink or move; moving `closes` later is an extension,
    shown on the timeline, and the banner shows the extended window."""
    ok(project.lawtrail("drafts", "stage", "soil-code", "discussion",
                        "--opens", day(0), "--closes", day(20)))  # fmt: skip
    for opens, closes in [(0, 10), (1, 20), (1, 40)]:
        moved(project, "discussion", "--opens", day(opens), "--closes", day(closes),
              message=f"(today is {day(0)} in UTC); it can only be extended")  # fmt: skip
    ok(project.lawtrail("drafts", "stage", "soil-code", "discussion",
                        "--opens", day(0), "--closes", day(30)))  # fmt: skip
    assert project.repo.git("log", "-1", "--format=%s") == (
        f"Extend the discussion of soil-code to {day(30)}"
    )
    ok(project.lawtrail("check", "--strict"))
    built = project.repo.build()
    assert built.returncode == 0, built.output
    page = built.html("drafts/soil-code/")
    assert text(page, ".lt-banner__window") == (
        f"Comments are accepted from {shown(0)} to {shown(30)} inclusive."
    )
    extended = [e for e in events(page) if "Discussion extended" in e]
    assert extended == [
        f"{shown(0)} Discussion extended to {shown(30)} (it was to close on {shown(20)}) "
        f"Extend the discussion of soil-code to {day(30)} by Test Drafter · "
        + project.repo.git("rev-parse", "--short=10", "HEAD")
    ]


def test_a_window_not_yet_open_may_change_and_timeline_and_banner_agree(
    project: Project,
) -> None:
    """Before it opens a window may change; the timeline shows the change, and its last
    window is the banner's."""
    ok(project.lawtrail("drafts", "stage", "soil-code", "discussion",
                        "--opens", day(5), "--closes", day(25)))  # fmt: skip
    ok(project.lawtrail("drafts", "stage", "soil-code", "discussion",
                        "--opens", day(7), "--closes", day(30)))  # fmt: skip
    assert project.repo.git("log", "-1", "--format=%s") == (
        f"Change the discussion window of soil-code to {day(7)} to {day(30)}"
    )
    built = project.repo.build()
    assert built.returncode == 0, built.output
    page = built.html("drafts/soil-code/")
    assert text(page, ".lt-banner__window") == (
        f"Comments are accepted from {shown(7)} to {shown(30)} inclusive."
    )
    timeline = events(page)
    assert any(f"comments from {shown(5)} to {shown(25)}" in e for e in timeline)
    assert any(
        f"Discussion window changed from {shown(5)} to {shown(25)}, to {shown(7)} to {shown(30)}"
        in e
        for e in timeline
    )


# Hand-made commits: each breaks one rule. The repository's clock gives each commit the
# next day: soil's first commit is on 2026-01-05, its second on 2026-01-06.
W = {"opens": "2026-01-05", "closes": "2026-01-31"}


def _closed_early(repo: Repo) -> None:
    repo.revise("soil", draft(BODY, discussion=W), "Open the discussion")
    repo.revise("soil", draft(BODY, stage="adopted", discussion=W), "Adopt")


def _past_window(repo: Repo) -> None:
    repo.revise("soil", draft(BODY, stage="initiated", discussion=None), "Start")
    past = {"opens": "2025-12-01", "closes": "2025-12-31"}
    repo.revise("soil", draft(BODY, discussion=past), "Open the discussion")


def _backdated(repo: Repo) -> None:
    repo.revise("soil", draft(BODY, stage="initiated", discussion=None), "Start")
    repo.revise("soil", draft(BODY, discussion={**W, "opens": "2026-01-02"}), "Open")


def _shortened(repo: Repo) -> None:
    repo.revise("soil", draft(BODY, discussion=W), "Open the discussion")
    repo.revise("soil", draft(BODY, discussion={**W, "closes": "2026-01-20"}), "Shorten")


def _moved_later(repo: Repo) -> None:
    repo.revise("soil", draft(BODY, discussion=W), "Open the discussion")
    repo.revise("soil", draft(BODY, discussion={**W, "opens": "2026-01-10"}), "Move")


def _rewritten_on_adoption(repo: Repo) -> None:
    held = {"opens": "2026-01-05", "closes": "2026-01-15"}
    repo.revise("soil", draft(BODY, discussion=held), "Open the discussion")
    repo.clock += 30 * 86_400  # adopted well after the window closed...
    rewritten = {"opens": "2025-11-01", "closes": "2025-11-30"}  # ...but stating another
    repo.revise("soil", draft(BODY, stage="adopted", discussion=rewritten), "Adopt")


def _skipped_discussion(repo: Repo) -> None:
    repo.revise("soil", draft(BODY, stage="initiated", discussion=None), "Start")
    repo.revise("soil", draft(BODY, stage="adopted", discussion=W), "Adopt")


BREACHES: list[tuple[Callable[[Repo], None], str, str]] = [
    (_closed_early, "closed-early", "moves the draft to stage adopted on 2026-01-06, before "
     "its discussion window 2026-01-05 to 2026-01-31 has closed, and gives no public reason"),
    (_past_window, "backdated-window", "sets the discussion window 2025-12-01 to 2025-12-31 "
     "on 2026-01-06; a window may not open before the day it is set"),
    (_backdated, "backdated-window", "sets the discussion window 2026-01-02 to 2026-01-31"),
    (_shortened, "window-changed", "changes the discussion window 2026-01-05 to 2026-01-31 "
     "on 2026-01-06, after it opened, to 2026-01-05 to 2026-01-20"),
    (_moved_later, "window-changed", "to 2026-01-10 to 2026-01-31; only 'closes' may move"),
    (_rewritten_on_adoption, "window-changed", "rewrites the window of the discussion held "
     "from 2026-01-05 to 2026-01-15 as 2025-11-01 to 2025-11-30"),
    (_skipped_discussion, "no-discussion", "moves the draft from stage initiated to adopted "
     "on 2026-01-06 without a public discussion"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("commit", "rule", "message"), BREACHES, ids=[b[0].__name__.strip("_") for b in BREACHES]
)
def test_check_strict_fails_on_each_hand_made_breach(
    tmp_path: Path, commit: Callable[[Repo], None], rule: str, message: str
) -> None:
    """A breach committed by hand is a warning of `lawtrail check` naming the commit and an
    error with --strict."""
    project = make_project(tmp_path)
    commit(project.repo)
    sha = project.repo.git("rev-parse", "--short=10", "HEAD")
    warned = project.lawtrail("check")
    assert warned.exit_code == 0, warned.output
    found = [line for line in warned.output.splitlines() if line.endswith(f"[{rule}]")]
    assert len(found) == 1, warned.output
    assert found[0].startswith(f"drafts/soil/draft.md: commit {sha} (")
    assert message in found[0]
    strict = project.lawtrail("check", "--strict")
    assert strict.exit_code == 1 and "1 breach(es) of the rules" in strict.output


def test_a_kept_promise_passes_check_and_a_strict_build(tmp_path: Path) -> None:
    """A window opened on its day, extended while it runs, and closed before the draft
    moves on breaks no rule."""
    project = make_project(tmp_path)
    repo = project.repo
    window = {"opens": "2026-01-06", "closes": "2026-01-31"}
    repo.revise("soil", draft(BODY, stage="initiated", discussion=None), "Start")
    repo.revise("soil", draft(BODY, discussion=window), "Open the discussion")
    longer = {**window, "closes": "2026-02-10"}
    repo.revise("soil", draft(BODY, discussion=longer), "Extend")
    repo.clock += 40 * 86_400
    revised = BODY + "\n3. New.\n"
    repo.revise("soil", draft(revised, stage="revision", discussion=longer), "Revise")
    repo.revise("soil", draft(revised, stage="adopted", discussion=longer), "Adopt")
    ok(project.lawtrail("check", "--strict"))
    (repo.root / "mkdocs.yml").write_text(
        (repo.root / "mkdocs.yml")
        .read_text()
        .replace("drafts_dir: drafts", "drafts_dir: drafts\n      strict: true")
    )
    built = repo.build()
    assert built.returncode == 0, built.output
    banner = text(built.html("drafts/soil/"), ".lt-banner__window")
    assert (
        banner == "Public discussion was held from January 6, 2026 to February 10, 2026 inclusive."
    )


def test_the_build_warns_of_hand_made_breaches_and_strict_fails(tmp_path: Path) -> None:
    """The build's rule warnings catch the same breaches; the plugin's `strict` fails it,
    and the banner states the window that ran, not the one the adoption wrote."""
    repo = Repo(tmp_path / "project")
    _rewritten_on_adoption(repo)
    built = repo.build()
    assert built.returncode == 0, built.output
    assert "rewrites the window of the discussion held from 2026-01-05 to 2026-01-15" in (
        built.output
    )
    page = built.html("drafts/soil/")
    assert text(page, ".lt-banner__window") == (
        "Public discussion was held from January 5, 2026 to January 15, 2026 inclusive."
    )
    adopted = next(e for e in events(page) if " Adopted" in e)
    assert "was rewritten as November 1, 2025 to November 30, 2025" in adopted
    assert "Against the rules: this commit rewrites the window" in adopted
    yml = repo.root / "mkdocs.yml"
    yml.write_text(
        yml.read_text().replace("drafts_dir: drafts", "drafts_dir: drafts\n      strict: true")
    )
    strict = repo.build(site="strict")
    assert strict.returncode == 1
    assert "1 breach(es) of the consultation rules" in strict.output


def test_a_stage_move_is_recorded_in_the_drafts_own_language(tmp_path: Path) -> None:
    """A Russian draft on an English site is moved with a Russian commit message (it is
    published with the draft, marked ru, on its timeline and in its feed); the forced
    trailer keeps its machine-read name."""
    project = make_project(tmp_path)
    ok(project.lawtrail("drafts", "new", "lesa", "--title", "О лесах", "--agency",
                        "Министерство экологии", "--language", "ru"))  # fmt: skip
    ok(project.lawtrail("drafts", "stage", "lesa", "discussion",
                        "--opens", day(0), "--closes", day(28)))  # fmt: skip
    subject = project.repo.git("log", "-1", "--format=%s")
    assert subject == "Перевод lesa на стадию «На публичном обсуждении»", subject
    ok(project.lawtrail("drafts", "stage", "lesa", "adopted", "--force", "--reason", "Принят."))
    message = project.repo.git("log", "-1", "--format=%B")
    assert message.startswith("Перевод lesa на стадию «Принят»\n")
    assert f"оно закрыто досрочно, {day(0)}." in message
    assert message.rstrip().endswith("Lawtrail-Forced: Принят.")
    ok(project.lawtrail("check", "--strict"))  # the trailer is still read as a forced move


@pytest.mark.parametrize(
    ("closed_days", "stage", "breach"),
    [(1, "discussion", True), (0, "discussion", False), (1, "revision", False)],
    ids=["text-changed-after-close", "on-the-closing-day", "moved-to-revision"],
)
def test_changed_after_close_is_caught_only_after_the_window(
    tmp_path: Path, closed_days: int, stage: str, breach: bool
) -> None:
    """A text changed after its window closed, still "in discussion" under the same window,
    breaks [changed-after-close]; the same change on the closing day, or with the draft
    moved to stage revision, does not."""
    project = make_project(tmp_path)
    repo = project.repo
    window = {"opens": "2026-01-05", "closes": "2026-01-20"}
    repo.revise("soil", draft(BODY, discussion=window), "Open the discussion")  # 2026-01-05
    # The next commit lands on 2026-01-20 (closing day) plus `closed_days`.
    repo.clock += (14 + closed_days) * 86_400
    revised = draft(BODY + "\n3. A new paragraph.\n", stage=stage, discussion=window)
    sha = repo.revise("soil", revised, "Change the text")
    changed_on = f"2026-01-{20 + closed_days:02d}"
    warned = project.lawtrail("check")
    assert warned.exit_code == 0, warned.output
    found = [line for line in warned.output.splitlines() if "[changed-after-close]" in line]
    if not breach:
        assert found == [], warned.output
        return
    assert found == [
        f"drafts/soil/draft.md: revision {sha[:10]} ({changed_on}) changed the text after the "
        "discussion closed on 2026-01-20 without a new window; open a new discussion window "
        "or move the draft to stage 'revision'. [changed-after-close]"
    ], warned.output
    strict = project.lawtrail("check", "--strict")
    assert strict.exit_code == 1 and "1 breach(es) of the rules" in strict.output


# Asia/Almaty is UTC+5: its day 2026-01-20 runs from 2026-01-19 19:00 to 2026-01-20 19:00 UTC.
@pytest.mark.parametrize(
    ("utc", "status"),
    [
        ("2026-01-09 18:59:00", 409),  # 23:59 on the day before it opens
        ("2026-01-09 19:00:30", 201),  # 00:00 on the opening day
        ("2026-01-20 18:59:00", 201),  # 23:59 on the closing day
        ("2026-01-20 19:00:30", 409),  # 00:00 the day after
    ],
)
def test_the_window_opens_and_closes_at_midnight_in_its_time_zone(
    tmp_path: Path, utc: str, status: int
) -> None:
    """The intake, under a system clock set by faketime, takes comments from 00:00 on the
    opening day to 23:59 on the closing day in the site's time zone, not in UTC."""
    import json
    import shutil

    from tests.test_server import Server, post

    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip("faketime is not installed (apt-get install faketime; CI installs it)")
    repo = Repo(tmp_path / "project")
    yml = repo.root / "mkdocs.yml"
    yml.write_text(
        yml.read_text().replace(
            "drafts_dir: drafts", "drafts_dir: drafts\n      timezone: Asia/Almaty"
        )
    )
    window = {"opens": "2026-01-10", "closes": "2026-01-20"}
    sha = repo.revise("soil", draft(BODY, discussion=window))
    server = Server(
        repo.root, tmp_path / "spool", workers=1, wrap=[faketime, "-f", f"@{utc}"], TZ="UTC"
    )
    try:
        body = {
            "draft": "soil",
            "revision": sha,
            "comments": [{"target": {"eid": "art_1"}, "body": "In time?"}],
        }
        answer, data = post(server.url, json.dumps(body).encode())
    finally:
        server.kill()
    assert answer == status, data
    if status == 409:
        assert data["error"]["code"] == "discussion_closed"
        assert "open 2026-01-10 to 2026-01-20" in data["error"]["message"]
