"""History is read in one pass: a constant number of git processes, whatever the size."""

from __future__ import annotations

import shutil
import stat
from datetime import UTC, datetime
from pathlib import Path

from site_builder.history import read_history
from tests.conftest import Repo, draft


def _git_calls(repo: Repo, tmp_path: Path) -> list[str]:
    """Build through a `git` wrapper that logs each invocation, then runs the real git."""
    real = shutil.which("git")
    assert real is not None
    log = tmp_path / f"git-calls-{len(list(tmp_path.iterdir()))}.log"
    wrapper = tmp_path / f"git-wrapper-{log.stem}"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    built = repo.build(env={"GIT_PYTHON_GIT_EXECUTABLE": str(wrapper)})
    assert built.returncode == 0, built.output
    return log.read_text().splitlines()


def _grow(repo: Repo, drafts: int, revisions: int) -> None:
    for r in range(revisions):
        for d in range(drafts):
            repo.revise(f"d{d}", draft(f"### Article 1. Scope\n\n1. Revision {r}.\n"))


def test_git_processes_do_not_grow_with_drafts_or_revisions(tmp_path: Path) -> None:
    """2 drafts x 2 revisions and 6 drafts x 7 revisions run the same git commands."""
    small = Repo(tmp_path / "small")
    _grow(small, drafts=2, revisions=2)
    large = Repo(tmp_path / "large")
    _grow(large, drafts=6, revisions=7)
    calls_small = _git_calls(small, tmp_path)
    calls_large = _git_calls(large, tmp_path)
    assert len(calls_small) == len(calls_large)
    # GitPython's own start-up ("git version", a batch-check of HEAD) plus ours: the shallow
    # check, one log and one persistent cat-file.
    assert len(calls_large) <= 6
    assert calls_large.count("cat-file --batch") == 1
    assert sum(call.startswith("log") for call in calls_large) == 1


def test_language_versions_add_no_git_process(tmp_path: Path) -> None:
    """Drafts with a draft.kk.md beside draft.md are read by the same git commands."""
    plain = Repo(tmp_path / "plain")
    _grow(plain, drafts=3, revisions=3)
    bilingual = Repo(tmp_path / "bilingual")
    for r in range(3):
        for d in range(3):
            folder = bilingual.root / "drafts" / f"d{d}"
            folder.mkdir(parents=True, exist_ok=True)
            body = f"### Article 1. Scope\n\n1. Revision {r}.\n"
            (folder / "draft.md").write_text(draft(body, language="en"))
            (folder / "draft.kk.md").write_text(
                f"---\ntitle: Тест\nsummary: Түйіндеме.\n---\n\n### 1-бап. Аясы\n\n1. {r}.\n"
            )
            bilingual.git("add", "-A")
            bilingual.commit("Revise both")
    assert len(_git_calls(plain, tmp_path)) == len(_git_calls(bilingual, tmp_path))


def test_each_revision_has_its_sha_date_author_and_message(repo: Repo) -> None:
    """Revisions come oldest first with what the commit recorded."""
    first = repo.revise("water", draft("Text one.\n"), "Initiate the draft", author="Ann Drafter")
    second = repo.revise(
        "water", draft("Text two.\n"), "Reword\n\nBecause of comments.", "Bo Editor"
    )
    history = read_history(repo.root / "drafts")
    revisions = history.revisions["water"]
    assert [r.sha for r in revisions] == [first, second]
    assert [r.author for r in revisions] == ["Ann Drafter", "Bo Editor"]
    assert revisions[1].message == "Reword\n\nBecause of comments."
    assert revisions[1].subject == "Reword"
    assert revisions[0].date < revisions[1].date
    assert revisions[0].date.tzinfo == UTC
    assert "Text two." in revisions[1].text
    assert history.warnings == []
    assert history.head_date == datetime.fromtimestamp(repo.clock, UTC)


def test_commits_that_do_not_change_the_text_are_not_revisions(repo: Repo) -> None:
    """A mode change or an unrelated commit does not make a new revision."""
    repo.revise("water", draft("Text.\n"))
    path = repo.root / "drafts" / "water" / "draft.md"
    path.chmod(0o755)
    repo.git("add", "-A")
    repo.commit("chmod")
    (repo.root / "content" / "about.md").write_text("# About\n\nChanged.\n")
    repo.git("add", "-A")
    repo.commit("Unrelated")
    assert len(read_history(repo.root / "drafts").revisions["water"]) == 1


def test_a_deleted_and_recreated_draft_continues_its_history(repo: Repo) -> None:
    """Deleting a draft keeps its revisions and records the deletion; adding it again
    continues the same history, with the removal as one step between."""
    first = repo.revise("water", draft("Old.\n"))
    repo.git("rm", "-q", "-r", "drafts/water")
    removal = repo.commit("Remove the water draft")
    new = repo.revise("water", draft("Old.\n"))
    history = read_history(repo.root / "drafts")
    assert [r.sha for r in history.revisions["water"]] == [first, new]
    [removed] = history.removals["water"]
    assert (removed.sha, removed.subject, removed.after) == (removal, "Remove the water draft", 1)
