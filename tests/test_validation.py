"""A broken draft fails the build with a message naming file, field, value and the fix."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import Repo, draft, front_matter

BODY = "### Article 1. Scope\n\n1. Text.\n"
SOURCE = "drafts/bad/draft.md"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            draft(BODY, stage="dicussion"),
            f"{SOURCE}: front matter field 'stage' is 'dicussion'; expected one of initiated, "
            "discussion, revision, adopted, withdrawn",
        ),
        (
            draft(BODY, stage=None),
            f"{SOURCE}: front matter field 'stage' is missing; expected one of",
        ),
        (draft(BODY, title=None), f"{SOURCE}: front matter field 'title' is missing"),
        (
            draft(BODY, title=""),
            f"{SOURCE}: front matter field 'title' is ''; expected a non-empty text",
        ),
        (
            draft(BODY, agency=42),
            f"{SOURCE}: front matter field 'agency' is 42; expected a non-empty text",
        ),
        (draft(BODY, summary=None), f"{SOURCE}: front matter field 'summary' is missing"),
        (
            draft(BODY, kind=["law"]),
            f"{SOURCE}: front matter field 'kind' is ['law']; expected a non-empty text",
        ),
        (
            draft(BODY, discussion=None),
            f"{SOURCE}: front matter field 'discussion' is missing; a draft in stage 'discussion' "
            "needs its window: discussion: {opens: YYYY-MM-DD, closes: YYYY-MM-DD}",
        ),
        (
            draft(BODY, stage="adopted", discussion=None),
            f"{SOURCE}: front matter field 'discussion' is missing; a draft in stage 'adopted'",
        ),
        (
            draft(BODY, discussion="soon"),
            f"{SOURCE}: front matter field 'discussion' is 'soon'; expected "
            "{opens: YYYY-MM-DD, closes: YYYY-MM-DD}",
        ),
        (
            draft(BODY, discussion={"opens": "2026-01-01"}),
            f"{SOURCE}: front matter field 'discussion' is {{'opens': '2026-01-01'}}; expected",
        ),
        (
            draft(BODY, discussion={"opens": "2026-13-01", "closes": "2026-12-31"}),
            f"{SOURCE}: front matter field 'discussion' 'opens' is '2026-13-01'; "
            "expected a date as YYYY-MM-DD",
        ),
        (
            draft(BODY, discussion={"opens": "2026-02-01", "closes": "2026-01-01"}),
            f"{SOURCE}: front matter field 'discussion' closes on 2026-01-01, before it opens on "
            "2026-02-01; expected 'closes' on or after 'opens'",
        ),
        (
            draft(BODY, language="english!"),
            f"{SOURCE}: front matter field 'language' is 'english!'; expected a BCP 47 code",
        ),
        (
            draft(BODY, tags="transport"),
            f"{SOURCE}: front matter field 'tags' is 'transport'; expected a list of topics",
        ),
        (
            draft(BODY, glossary=["tariff"]),
            f"{SOURCE}: front matter field 'glossary' is ['tariff']; expected terms with plain "
            "definitions",
        ),
        (BODY, f"{SOURCE}, line 1: no front matter; the file must start with a '---' line"),
        ("---\ntitle: X\n" + BODY, f"{SOURCE}: the front matter is not closed; add a '---' line"),
        (
            "---\ntitle: X\nagency: [unclosed\nstage: initiated\n---\n" + BODY,
            f"{SOURCE}, line 3: the front matter is not valid YAML (",  # where the [ opens,
        ),
        (
            "---\ntitle: Fees: a draft\n---\n" + BODY,
            f"{SOURCE}, line 2: the front matter is not valid YAML (mapping values are not allowed",
        ),
        (
            "---\n- a list\n---\n" + BODY,
            f"{SOURCE}: the front matter is list, expected 'field: value' lines",
        ),
    ],
)
def test_bad_front_matter_fails_the_build_with_a_clear_message(
    repo: Repo, text: str, message: str
) -> None:
    """Each kind of mistake is named with its file, field, bad value and what is accepted."""
    repo.revise("good", draft(BODY))
    repo.write("bad", text)
    built = repo.build()
    assert built.returncode == 1
    assert message in built.output
    assert "Traceback" not in built.output


def test_every_problem_of_every_draft_is_reported_at_once(repo: Repo) -> None:
    """One build lists all broken drafts, so a drafter fixes them in one go."""
    repo.write("first", draft(BODY, stage="draft"))
    repo.write("second", draft(BODY, title=None, agency=None))
    built = repo.build()
    assert built.returncode == 1
    assert "3 problem(s) in drafts" in built.output
    assert "drafts/first/draft.md: front matter field 'stage' is 'draft'" in built.output
    assert "drafts/second/draft.md: front matter field 'title' is missing" in built.output
    assert "drafts/second/draft.md: front matter field 'agency' is missing" in built.output


def test_a_folder_name_that_is_not_a_slug_is_refused(repo: Repo) -> None:
    """Draft folders become URLs, so 'Water_Code' is refused with the rename to do."""
    repo.write("Water_Code", draft(BODY))
    built = repo.build()
    assert built.returncode == 1
    assert "drafts/Water_Code: the folder name is not a valid slug" in built.output
    assert "rename it with 'git mv'" in built.output


def test_a_draft_that_is_not_utf8_is_refused(repo: Repo) -> None:
    """A file saved in a legacy encoding is named, with the fix."""
    path = repo.write("legacy", draft(BODY))
    path.write_bytes(draft(BODY, title="Закон").encode("cp1251"))
    built = repo.build()
    assert built.returncode == 1
    assert "drafts/legacy/draft.md: not UTF-8 text" in built.output
    assert "save the file as UTF-8" in built.output


def test_a_missing_drafts_folder_names_the_option(repo: Repo) -> None:
    """Without the drafts folder the build says which folder and which option to set."""
    built = repo.build()
    assert built.returncode == 1
    assert "drafts: the drafts folder does not exist" in built.output
    assert "'drafts_dir'" in built.output


def test_a_bad_time_zone_option_is_refused(repo: Repo) -> None:
    """The plugin's own options are checked like MkDocs' own."""
    repo.revise("good", draft(BODY))
    yml = repo.root / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("drafts_dir: drafts", "timezone: Mars/Olympus"))
    built = repo.build()
    assert built.returncode == 1
    assert "'Mars/Olympus' is not a time zone; expected an IANA name" in built.output
    assert "Traceback" not in built.output


def test_unknown_fields_warn_with_a_suggestion(repo: Repo) -> None:
    """A misspelt optional field is not silently ignored: the build says what was meant."""
    repo.revise("typo", front_matter(tag=["x"]) + BODY)
    built = repo.build()
    assert built.returncode == 0, built.output
    assert (
        "drafts/typo/draft.md: front matter field 'tag' is not known and is ignored; "
        in built.output
    )
    assert "did you mean 'tags'?" in built.output


def test_a_draft_without_structure_builds_with_a_warning(repo: Repo) -> None:
    """Plain prose is published, and the drafter learns readers cannot link to its parts."""
    repo.revise("prose", draft("Just a paragraph of prose.\n"))
    built = repo.build()
    assert built.returncode == 0, built.output
    assert "drafts/prose/draft.md: no structural elements recognised" in built.output
    assert "Just a paragraph of prose." in built.html("drafts/prose/").text


def test_an_old_broken_revision_only_warns(repo: Repo) -> None:
    """History cannot be rewritten, so a mistake in an old commit is a warning, not an error."""
    old = repo.revise("fixed", draft(BODY, stage="dicussion"))
    repo.revise("fixed", draft(BODY))
    built = repo.build()
    assert built.returncode == 0, built.output
    assert (
        f"drafts/fixed/draft.md at revision {old[:10]}: front matter field 'stage'" in built.output
    )
    assert (built.site / f"drafts/fixed/rev/{old[:10]}/index.html").is_file()


def test_uncommitted_changes_are_shown_with_a_warning(repo: Repo) -> None:
    """Work-tree edits appear as the current text, and the build says they are no revision."""
    repo.revise("wip", draft(BODY))
    repo.write("wip", draft(BODY.replace("Text.", "Edited text.")))
    built = repo.build()
    assert built.returncode == 0, built.output
    assert "drafts/wip/draft.md has uncommitted changes" in built.output
    assert "Edited text." in built.html("drafts/wip/").text


def test_a_shallow_clone_warns_that_history_is_short(repo: Repo, tmp_path: Path) -> None:
    """A shallow clone builds, but says revisions are missing and how to fetch them."""
    for n in range(3):
        repo.revise("deep", draft(BODY.replace("Text.", f"Text {n}.")))
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    shallow = Repo.__new__(Repo)
    shallow.root = clone
    built = shallow.build()
    assert built.returncode == 0, built.output
    assert "is a shallow clone: revisions older than its depth are missing" in built.output
    assert "git fetch --unshallow" in built.output


def test_drafts_outside_git_build_with_a_warning(tmp_path: Path) -> None:
    """Without a repository the current texts are still published, and the build says why
    there is no history."""
    repo = Repo.__new__(Repo)
    repo.root = tmp_path / "plain"
    (repo.root / "content").mkdir(parents=True)
    (repo.root / "content" / "about.md").write_text("# About\n")
    from tests.conftest import MKDOCS_YML

    (repo.root / "mkdocs.yml").write_text(MKDOCS_YML)
    repo.write("loose", draft(BODY))
    built = repo.build()
    assert built.returncode == 0, built.output
    assert "is not inside a git repository" in built.output
    assert (built.site / "drafts/loose/index.html").is_file()


def test_a_draft_saved_with_windows_line_endings_builds(repo: Repo) -> None:
    """CRLF line endings (a drafter on Windows) are read like LF ones."""
    path = repo.write("crlf", draft(BODY))
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    repo.git("add", "-A")
    repo.commit("Windows draft")
    built = repo.build()
    assert built.returncode == 0, built.output
    assert built.html("drafts/crlf/").find(id="art_1__para_1") is not None
