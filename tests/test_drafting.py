"""`lawtrail drafts revise`: a drafter commits an edited text without git, after the build's
checks and a summary of what changed; refusals say what to do and change nothing."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from intake.cli import main
from tests.conftest import Repo, draft
from tests.test_languages import KK_1, KK_3, OPEN, RU_1, RU_3, kazakh

BODY = """
## Chapter 1. General provisions

### Article 1. Scope

1. This regulation applies to all operators.

2. A reply is due within 15 working days.

### Article 2. Fees

1. A fee of 10 is charged.

### Article 3. Appeals

1. Appeals go to the court.
"""
# Inserts an article before Fees, amends Article 1, deletes Appeals.
EDITED = (
    BODY.replace("within 15", "within 10")
    .replace(
        "### Article 2. Fees",
        "### Article 2. Definitions\n\n1. Operator means a carrier.\n\n### Article 3. Fees",
    )
    .split("### Article 3. Appeals")[0]
)
REVISION = {"stage": "revision", "discussion": {"opens": "2026-01-10", "closes": "2026-02-10"}}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A project with the draft `fees` in stage revision, committed once."""
    repo = Repo(tmp_path / "project")
    repo.revise("fees", draft(BODY, **REVISION), "Initiate")
    return repo


def lawtrail(repo: Repo, *args: str) -> Result:
    return CliRunner().invoke(main, ["--repo", str(repo.root), *args])


def state(repo: Repo) -> tuple[str, str]:
    """HEAD and the work tree's status: what a refusal keeps."""
    return repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain", "-uall")


def test_revise_commits_the_edited_text_after_showing_what_changed(repo: Repo) -> None:
    """The summary names each article inserted, amended, renumbered or deleted; the commit
    holds the draft, with the message and the drafter named."""
    repo.write("fees", draft(EDITED, **REVISION))
    result = lawtrail(
        repo, "drafts", "revise", "fees", "-m", "Add definitions", "--by", "Dan Drafter",
        "--email", "dan@example.org",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.fullmatch(
        r"drafts/fees/draft.md \(against the last commit, \w{10} 'Initiate'\):", lines[0]
    )
    assert [line.split()[0] for line in lines[1:5]] == [
        "amended", "inserted", "renumbered", "deleted",
    ]  # fmt: skip
    assert "renumbered  Article 3, was Article 2 (Fees)" in result.output
    assert "deleted     Article 3 (Appeals)" in result.output
    assert re.search(r"Committed Add definitions \([0-9a-f]{10}\)\.", result.output)
    assert (
        repo.git("log", "-1", "--format=%an <%ae>|%s")
        == "Dan Drafter <dan@example.org>|Add definitions"
    )
    assert repo.git("show", "--name-only", "--format=", "HEAD") == "drafts/fees/draft.md"
    assert repo.git("status", "--porcelain") == ""
    built = repo.build()
    assert built.returncode == 0, built.output
    assert "Add definitions" in built.html("drafts/fees/").get_text()


def test_revise_commits_language_versions_together_and_checks_their_structure(
    tmp_path: Path,
) -> None:
    """draft.md and draft.kk.md go in one commit; a version whose structure differs is
    refused with the element that differs."""
    repo = Repo(tmp_path / "project")
    repo.write("fees", draft(RU_1, language="ru", discussion=OPEN))
    (repo.root / "drafts" / "fees" / "draft.kk.md").write_text(kazakh(KK_1), encoding="utf-8")
    repo.git("add", "-A")
    repo.commit("Initiate")
    repo.write("fees", draft(RU_3, language="ru", discussion=OPEN))
    kk = repo.root / "drafts" / "fees" / "draft.kk.md"
    before = state(repo)
    result = lawtrail(repo, "drafts", "revise", "fees", "-m", "Add aims")
    assert result.exit_code == 1 and state(repo) == before
    assert "drafts/fees/draft.kk.md in the work tree: element art_" in result.output
    assert "The draft would not build, so nothing was committed" in result.output
    kk.write_text(kazakh(KK_3), encoding="utf-8")
    result = lawtrail(repo, "drafts", "revise", "fees", "-m", "Add aims (both languages)")
    assert result.exit_code == 0, result.output
    assert "drafts/fees/draft.kk.md (against the last commit" in result.output
    assert "inserted    Article 1 (Мақсаттар)" in result.output
    changed = repo.git("show", "--name-only", "--format=", "HEAD").splitlines()
    assert changed == ["drafts/fees/draft.kk.md", "drafts/fees/draft.md"]


def test_a_heading_typo_is_refused_unless_allowed(repo: Repo) -> None:
    """The lint's warnings stop a revision (file:line, fix); --allow-warnings commits anyway."""
    path = repo.write(
        "fees", draft(EDITED.replace("### Article 3. Fees", "### Aricle 3. Fees"), **REVISION)
    )
    before = state(repo)
    result = lawtrail(repo, "drafts", "revise", "fees", "-m", "Add definitions")
    line = path.read_text(encoding="utf-8").splitlines().index("### Aricle 3. Fees") + 1
    assert result.exit_code == 1 and state(repo) == before
    assert f"drafts/fees/draft.md:{line}: warning: heading '### Aricle 3. Fees'" in result.output
    assert "did you mean '### Article 3. Fees'?" in result.output
    assert "pass --allow-warnings" in result.output
    allowed = lawtrail(repo, "drafts", "revise", "fees", "-m", "As is", "--allow-warnings")
    assert allowed.exit_code == 0, allowed.output
    assert repo.git("log", "-1", "--format=%s") == "As is"


def test_dry_run_shows_the_summary_and_commits_nothing(repo: Repo) -> None:
    """--dry-run checks and summarises, and leaves HEAD and the work tree alone."""
    repo.write("fees", draft(EDITED, **REVISION))
    before = state(repo)
    result = lawtrail(repo, "drafts", "revise", "fees", "-m", "Try", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "inserted    Article 2 (Definitions)" in result.output
    assert "Nothing committed (--dry-run)." in result.output
    assert state(repo) == before


def test_other_changes_are_refused_with_a_command_that_sets_them_aside(repo: Repo) -> None:
    """An edited file outside the draft is refused, and the command the message gives,
    run as it is, lets the revision through and keeps the other edit."""
    repo.write("fees", draft(EDITED, **REVISION))
    about = repo.root / "content" / "about.md"
    about.write_text("# About\n\nEdited.\n", encoding="utf-8")
    before = state(repo)
    result = lawtrail(repo, "drafts", "revise", "fees", "-m", "Add definitions")
    assert result.exit_code == 1 and state(repo) == before
    found = re.search(r"Set them aside with '([^']+)'", result.output)
    assert found is not None, result.output
    subprocess.run(found.group(1), shell=True, check=True, cwd=repo.root / "drafts")
    ok = lawtrail(repo, "drafts", "revise", "fees", "-m", "Add definitions")
    assert ok.exit_code == 0, ok.output
    repo.git("stash", "pop")
    assert about.read_text(encoding="utf-8") == "# About\n\nEdited.\n"
    assert repo.git("show", "--name-only", "--format=", "HEAD") == "drafts/fees/draft.md"


REFUSALS = [
    ("nothing changed", None, "has no changes to commit: edit and save it"),
    ("bad YAML", 'title: "Fees', "drafts/fees/draft.md, line 2: the front matter is not valid"),
    ("stage edited", "stage: adopted", "a revision changes the text only"),
    ("empty message", "", "-m is empty"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "message"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS]
)
def test_refusals_name_the_problem_and_change_nothing(
    repo: Repo, edit: str | None, message: str
) -> None:
    """Nothing to commit, a broken front matter, a stage moved by hand and an empty message
    are refused with what to do; HEAD and the files stay as they were."""
    path = repo.root / "drafts" / "fees" / "draft.md"
    if edit == "":
        repo.write("fees", draft(EDITED, **REVISION))
    elif edit is not None:
        key = edit.split(":")[0]
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(rf"^{key}:.*$", edit, text, count=1, flags=re.M), encoding="utf-8")
    before = state(repo)
    result = lawtrail(repo, "drafts", "revise", "fees", "-m", "" if edit == "" else "Edit")
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "Traceback" not in result.output and state(repo) == before


def test_a_text_changed_after_the_discussion_closed_needs_a_new_window(repo: Repo) -> None:
    """In stage discussion after its window closed, a revision is refused with the command."""
    closed = {"stage": "discussion", "discussion": {"opens": "2026-01-10", "closes": "2026-02-10"}}
    repo.revise("fees", draft(BODY, **closed), "Back in discussion")
    repo.write("fees", draft(EDITED, **closed))
    result = lawtrail(repo, "drafts", "revise", "fees", "-m", "Late edit")
    assert result.exit_code == 1
    assert "its discussion closed on 2026-02-10" in result.output
    assert "lawtrail drafts stage fees revision" in result.output


def run_at_terminal(args: list[str], cwd: Path, answer: str) -> tuple[int, str]:
    """Run lawtrail with a terminal as its input and output, answering its question."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "intake.cli", *args],
        cwd=cwd,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    os.close(secondary)
    output = b""
    answered = False
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        output += chunk
        if not answered and b"Commit this revision?" in output:
            os.write(primary, answer.encode() + b"\n")
            answered = True
    os.close(primary)
    return process.wait(timeout=60), output.decode("utf-8", "replace")


def test_at_a_terminal_it_asks_before_committing(repo: Repo) -> None:
    """A drafter at a terminal sees the summary and is asked; 'n' commits nothing, 'y' does."""
    repo.write("fees", draft(EDITED, **REVISION))
    folder = repo.root / "drafts" / "fees"  # run from the draft's own folder
    before = state(repo)
    code, output = run_at_terminal(["drafts", "revise", "fees", "-m", "Definitions"], folder, "n")
    assert code == 0, output
    assert "inserted    Article 2 (Definitions)" in output and "Nothing committed." in output
    assert state(repo) == before
    code, output = run_at_terminal(["drafts", "revise", "fees", "-m", "Definitions"], folder, "y")
    assert code == 0, output
    assert repo.git("log", "-1", "--format=%s") == "Definitions"


def test_filling_in_a_new_drafts_skeleton_is_an_amendment(repo: Repo) -> None:
    """The first real text of a draft `drafts new` started amends its skeleton's article:
    the summary does not say the article was deleted and inserted again."""
    identity = ["--by", "Dana Drafter", "--email", "dana@example.org"]
    made = lawtrail(
        repo, "drafts", "new", "wells", "--title", "Wells", "--agency", "Ministry", *identity
    )
    assert made.exit_code == 0, made.output
    path = repo.root / "drafts" / "wells" / "draft.md"
    text = path.read_text(encoding="utf-8")
    assert "1. ...\n" in text  # the skeleton's placeholder paragraph
    path.write_text(
        text.replace("1. ...\n", "1. Every well is registered.\n\n2. Registration is free.\n"),
        encoding="utf-8",
    )
    result = lawtrail(repo, "drafts", "revise", "wells", "-m", "First text", "--dry-run")
    assert result.exit_code == 0, result.output
    assert re.search(r"amended\s+Article 1 \(Purpose\)", result.output), result.output
    assert "deleted" not in result.output and "inserted" not in result.output
