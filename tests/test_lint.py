"""The structure lint: headings that look like units but are not, and paragraphs outside any
article, reported by `lawtrail check` and by the build with the file, the line and the fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from intake.cli import main
from site_builder.drafts import split_front_matter
from site_builder.lint import lint_body, unit_heading_fix
from tests.conftest import Repo, draft

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = """
## Chapter 1. General provisions

### Article 1. Scope

1. This regulation applies to all operators.

### Article 2. Notices

1. A notice is published.
"""
RUSSIAN = """
## Глава 1. Общие положения

### Статья 1. Предмет

1. Настоящий закон регулирует охрану деревьев.

### Статья 2. Разрешения

1. Разрешение выдаётся.
"""
KAZAKH = """
## 1-тарау. Жалпы ережелер

### 1-бап. Мақсаты

1. Осы заң ағаштарды қорғайды.

### 2-бап. Рұқсаттар

1. Рұқсат беріледі.
"""


def lawtrail(repo: Repo, *args: str) -> Result:
    return CliRunner().invoke(main, ["--repo", str(repo.root), *args])


def build_strict(repo: Repo) -> subprocess.CompletedProcess[str]:
    """A real `mkdocs build --strict`: warnings fail it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the file that holds `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


TYPOS = [
    (ENGLISH, "### Aricle 5. Penalties", "### Article 5. Penalties"),
    (ENGLISH, "### Article3.", "### Article 3."),
    (ENGLISH, "### Art. 5.", "### Article 5."),
    (ENGLISH, "### Atricle 4. Fees", "### Article 4. Fees"),
    (ENGLISH, "## Chaptr 2. Fees", "## Chapter 2. Fees"),
    (ENGLISH, "### ARTICL 7", "### ARTICLE 7."),
    (RUSSIAN, "### Статя 5. Штрафы", "### Статья 5. Штрафы"),
    (RUSSIAN, "### Статья5. Штрафы", "### Статья 5. Штрафы"),
    (RUSSIAN, "### Ст. 5. Штрафы", "### Статья 5. Штрафы"),
    (RUSSIAN, "### Stattya 5. Штрафы", "### Статья 5. Штрафы"),
    (RUSSIAN, "### Стaтья 5. Штрафы", "### Статья 5. Штрафы"),  # a Latin "a" inside
    (KAZAKH, "### 5-ші бап. Айыппұлдар", "### 5-бап. Айыппұлдар"),
    (KAZAKH, "### 5 баб. Айыппұлдар", "### 5-бап. Айыппұлдар"),
    (KAZAKH, "### 5.бап. Айыппұлдар", "### 5-бап. Айыппұлдар"),
]


@pytest.mark.parametrize(("body", "typo", "fix"), TYPOS, ids=[typo for _, typo, _ in TYPOS])
def test_check_names_a_mistyped_unit_heading_with_its_line_and_fix(
    repo: Repo, body: str, typo: str, fix: str
) -> None:
    """`lawtrail check` prints file:line: warning with the likely heading, exits 0; --strict 1."""
    path = repo.write("fees", draft(body + f"\n{typo}\n\n1. The fine is 100.\n"))
    repo.git("add", "-A")
    repo.commit("Add penalties")
    result = lawtrail(repo, "check")
    line = line_of(path, typo)
    assert result.exit_code == 0, result.output
    assert f"drafts/fees/draft.md:{line}: warning: heading '{typo}' looks like" in result.output
    assert f"did you mean '{fix}'?" in result.output
    assert f"drafts/fees/draft.md:{line + 2}: warning: numbered paragraph '1.'" in result.output
    strict = lawtrail(repo, "check", "--strict")
    assert strict.exit_code == 1
    assert "2 structure warning(s)" in strict.output and "Traceback" not in strict.output


def test_check_lints_the_other_drafts_when_one_does_not_load(repo: Repo) -> None:
    """A draft with broken front matter does not hide another draft's mistyped heading:
    `lawtrail check` shows both in one run and fails."""
    typo = repo.write("fees", draft(ENGLISH + "\n### Aricle 4. Fees\n"))
    broken = draft(ENGLISH).replace("title: Regulation", 'title: "Regulation', 1)
    repo.write("tolls", broken)
    result = lawtrail(repo, "check")
    assert result.exit_code == 1
    line = line_of(typo, "### Aricle 4. Fees")
    assert f"drafts/fees/draft.md:{line}: warning: heading '### Aricle 4. Fees'" in result.output
    assert "drafts/tolls/draft.md, line 2: the front matter is not valid YAML" in result.output


@pytest.mark.parametrize(
    "heading",
    [
        "Explanatory note",
        "Articles of association",
        "Annex 1",
        "Table 3",
        "Chart 2",  # near "часть" in Latin letters, but this draft has no Части
        "Port 3",  # near "Part", but this draft has no Parts
        "2023 Budget",
        "See Article 5",
    ],
)
def test_ordinary_headings_are_not_mistaken_for_units(heading: str) -> None:
    """Headings that merely resemble a unit word in another language or a short one stay
    quiet where the draft has no unit of that kind at that level."""
    body = ENGLISH + f"\n### {heading}\n\nSome words.\n"
    assert lint_body(body, "drafts/x/draft.md") == []


def test_a_near_short_word_warns_where_the_draft_has_that_unit() -> None:
    """ "Prat 2" warns in a draft with '## Part' headings, as "Chart 2" does among Части."""
    parts = "## Part 1. General\n\n### Article 1. Scope\n\n1. Text.\n\n## Prat 2. Special\n"
    found = lint_body(parts, "drafts/x/draft.md")
    assert [f.rule for f in found] == ["unit-heading"]
    assert "did you mean '## Part 2. Special'?" in found[0].message
    guess = unit_heading_fix("Chart 2")
    assert guess is not None and (guess.text, guess.sure) == ("Часть 2.", False)


def test_paragraphs_outside_any_article_warn_with_the_id_they_get(repo: Repo) -> None:
    """Numbered paragraphs before the first article are named, once per run, with their eId."""
    body = "## Chapter 1. General\n\n1. A preamble.\n\n2. More preamble.\n" + ENGLISH
    path = repo.write("fees", draft(body))
    result = lawtrail(repo, "check")
    line = line_of(path, "1. A preamble.")
    assert (
        f"drafts/fees/draft.md:{line}: warning: numbered paragraph '1.' (and 1 more after it) "
        "is outside any article: it becomes 'chp_1__para_1'"
    ) in result.output
    assert "Put it under an article heading like '### Article 1. Scope'" in result.output
    assert result.output.count("warning:") == 1


def test_a_draft_without_articles_may_number_its_paragraphs() -> None:
    """An order made only of numbered paragraphs has no article to miss: no warning."""
    assert lint_body("## Chapter 1. Orders\n\n1. Publish.\n\n2. Report.\n", "x.md") == []


def test_code_blocks_are_not_linted() -> None:
    """A heading inside a fenced code block is example text, not structure."""
    body = ENGLISH + "\n```markdown\n### Aricle 5\n\n1. Example.\n```\n"
    assert lint_body(body, "x.md") == []


def test_language_versions_are_linted_too(repo: Repo) -> None:
    """A typo in draft.kk.md is named in that file, at its own line, also in the error its
    different structure causes."""
    repo.write("trees", draft(RUSSIAN, language="ru"))
    kk = repo.root / "drafts" / "trees" / "draft.kk.md"
    kk_front = "---\ntitle: Ағаштар туралы\nsummary: Қысқаша.\n---\n\n"
    kk.write_text(kk_front + KAZAKH.replace("### 2-бап.", "### 2 баб."), encoding="utf-8")
    result = lawtrail(repo, "check")
    line = line_of(kk, "### 2 баб.")
    assert result.exit_code == 1
    assert "drafts/trees/draft.kk.md in the work tree: element art_2 is missing" in result.output
    assert f"drafts/trees/draft.kk.md:{line}: heading '### 2 баб. Рұқсаттар' looks like" in (
        result.output
    )
    assert "did you mean '### 2-бап. Рұқсаттар'?" in result.output


def test_the_build_logs_the_warnings_and_strict_fails(repo: Repo) -> None:
    """mkdocs build logs the lint's warnings; `mkdocs build --strict` fails on them."""
    repo.revise("fees", draft(ENGLISH.replace("### Article 2.", "### Aricle 2.")))
    built = repo.build()
    assert built.returncode == 0, built.output
    assert "drafts/fees/draft.md:" in built.output
    assert "did you mean '### Article 2. Notices'?" in built.output
    strict = build_strict(repo)
    assert strict.returncode == 1
    assert "did you mean '### Article 2. Notices'?" in strict.stdout + strict.stderr
    repo.revise("fees", draft(ENGLISH))
    clean = build_strict(repo)
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_the_sample_drafts_lint_clean() -> None:
    """The drafts shipped with Lawtrail have no structure warning."""
    found = []
    for path in sorted((ROOT / "drafts").glob("*/draft*.md")):
        text = path.read_text(encoding="utf-8")
        _, body = split_front_matter(text, path.name)
        found.extend(lint_body(body, path.name))
    assert found == []
