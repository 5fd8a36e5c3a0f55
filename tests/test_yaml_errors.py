"""YAML mistakes in a draft's front matter and in mkdocs.yml are named at the line where
they start, with a hint that fits the mistake, by the build and by `lawtrail`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from intake.cli import main
from tests.conftest import MKDOCS_YML, Repo

BODY = "\n## Chapter 1. General\n\n### Article 1. Scope\n\n1. Text.\n"
FRONT = [
    "title: Water Code",
    "agency: Ministry of Water",
    "stage: discussion",
    "discussion:",
    "  opens: 2026-01-10",
    "  closes: 2026-02-10",
    'summary: "A plain summary."',
    "kind: law",
]


def with_line(number: int, line: str | None) -> str:
    """A draft whose front-matter line `number` (the file's line number; the opening '---'
    is line 1) is replaced by `line`, or removed when None."""
    lines = list(FRONT)
    if line is None:
        del lines[number - 2]
    else:
        lines[number - 2] = line
    return "---\n" + "\n".join(lines) + "\n---\n" + BODY


CASES = [
    ("unclosed quote", with_line(2, 'title: "Water Code'), 2, "close the quote"),
    ("unclosed quote, three lines down", with_line(3, "agency: 'Ministry"), 3, "close the quote"),
    (
        "tab",
        with_line(5, "\topens: 2026-01-10"),
        5,
        "YAML does not allow tabs for indentation; use spaces",
    ),
    (
        "colon in a value",
        with_line(2, "title: Water Code: amendments"),
        2,
        'must be quoted: title: "Water Code: amendments"',
    ),
    (
        "an unclosed brace",
        with_line(5, "discussion: {opens: 2026-01-10, closes: 2026-02-10"),
        5,
        "close the '{' with a '}'",
    ),
    ("a line without a colon", with_line(3, "agency Ministry of Water"), 3, "'name: value'"),
    (
        "indented under a value",
        with_line(3, "  agency: Ministry of Water"),
        3,
        "indented under a field that already has a value",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "hint"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_front_matter_yaml_errors_name_the_line_they_start_on(
    repo: Repo, text: str, line: int, hint: str
) -> None:
    """The build names the file and the line where the mistake is, and how to fix it."""
    repo.write("water", text)
    built = repo.build()
    assert built.returncode == 1
    assert f"drafts/water/draft.md, line {line}: the front matter is not valid YAML (" in (
        built.output
    )
    assert hint in built.output
    assert "quote values that contain ': '" not in built.output
    assert "Traceback" not in built.output


def test_a_missing_title_shows_the_line_to_add(repo: Repo) -> None:
    """A missing field's hint is the real line, `title: "..."`, not a pattern to decode."""
    repo.write("water", with_line(2, None))
    built = repo.build()
    assert built.returncode == 1
    assert (
        "drafts/water/draft.md: front matter field 'title' is missing; add a line "
        "title: \"...\" between the '---' lines"
    ) in built.output


def test_mkdocs_yml_errors_name_the_line_they_start_on(repo: Repo) -> None:
    """`lawtrail` names mkdocs.yml, the line where an unclosed quote opens, and the fix."""
    lines = MKDOCS_YML.splitlines()
    lines[0] = 'site_name: "Test drafts'
    (repo.root / "mkdocs.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--repo", str(repo.root), "check"])
    assert result.exit_code == 1
    assert "mkdocs.yml, line 1: not valid YAML (" in result.output
    assert "close the quote" in result.output and "Traceback" not in result.output
    lines[0] = "site_name: Test drafts"
    lines.insert(3, "\tname: material")
    (repo.root / "mkdocs.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--repo", str(repo.root), "check"])
    assert "mkdocs.yml, line 4: not valid YAML (" in result.output
    assert "YAML does not allow tabs for indentation" in result.output


def test_a_field_given_twice_is_named_at_both_lines(repo: Repo) -> None:
    """A second `title:`, which YAML would take without a word, is refused with both lines;
    once mended, the revision that had it stays in the history without complaint."""
    repo.revise("water", with_line(9, "title: Water Code, second reading"), "Twice")
    result = CliRunner().invoke(main, ["--repo", str(repo.root), "check"])
    assert result.exit_code == 1
    assert (
        "drafts/water/draft.md, line 9: field 'title' is given twice (first on line 2)"
    ) in result.output
    repo.revise("water", with_line(9, "kind: law"), "Once")
    result = CliRunner().invoke(main, ["--repo", str(repo.root), "check"])
    assert result.exit_code == 0, result.output
    assert "twice" not in result.output
