"""Docs stay true: options, fields, stages and make targets are all documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from site_builder.frontmatter import FIELDS, STAGES
from site_builder.mkdocs.config import LawtrailConfig

ROOT = Path(__file__).resolve().parent.parent


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("option", [name for name, _ in LawtrailConfig._schema])
def test_every_plugin_option_is_documented(option: str) -> None:
    """Each option of the lawtrail plugin has a row in docs/plugin.md."""
    assert f"| `{option}` |" in read("docs/plugin.md")


@pytest.mark.parametrize("field", list(FIELDS))
def test_every_front_matter_field_is_documented(field: str) -> None:
    """Each front-matter field of a draft has a row in docs/drafts.md."""
    assert f"| `{field}` |" in read("docs/drafts.md")


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_is_documented(stage: str) -> None:
    """Each stage appears in the draft format docs."""
    assert f"`{stage}`" in read("docs/drafts.md")


def test_every_make_target_is_in_the_readme() -> None:
    """Each target in the Makefile is shown in the README."""
    targets = re.findall(r"^([a-z][a-z-]*):", read("Makefile"), re.M)
    readme = read("README.md")
    missing = [t for t in targets if t != "system-packages" and f"make {t}" not in readme]
    assert missing == []


def test_readme_first_screen_shows_the_two_commands() -> None:
    """The first screen of the README shows how to run and how to test."""
    first_screen = "\n".join(read("README.md").splitlines()[:20])
    assert "make run" in first_screen and "make test" in first_screen


def test_every_generated_page_kind_is_documented() -> None:
    """The URL scheme in urls.py matches the table in docs/plugin.md."""
    from site_builder import urls

    doc = read("docs/plugin.md")
    for src in (
        urls.draft_src("<slug>"),
        urls.revision_src("<slug>", "<sha10>"),
        urls.compare_src("<slug>", "<sha10>", "<sha10>"),
        urls.stage_src("<stage>"),
        urls.comments_src("<slug>"),
        urls.review_src("<slug>", "<review_id>"),
        urls.ACCOUNTABILITY_SRC,
        urls.TRACK_SRC,
        urls.UNBUILT_REVIEW_SRC,
    ):
        assert f"`/{src.removesuffix('index.md')}`" in doc, src


def test_every_api_route_is_documented() -> None:
    """Each route of the intake app appears in docs/api.md."""
    from intake import create_app

    app = create_app({"REPO": str(ROOT), "REFRESH_SECONDS": 0})
    doc = read("docs/api.md")
    routes = {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in sorted(rule.methods or ())
        if method in {"GET", "POST"}
    }
    assert routes
    missing = [route for route in sorted(routes) if f"`{route}`" not in doc]
    assert missing == []


def test_every_intake_setting_is_documented() -> None:
    """Each LAWTRAIL_* setting has a row in docs/api.md, and no row names a missing one."""
    from intake.settings import DEFAULTS

    doc = read("docs/api.md")
    documented = set(re.findall(r"\| `LAWTRAIL_([A-Z_]+)` \|", doc))
    assert documented - {"INSTANCE_PATH"} == set(DEFAULTS)


def test_every_api_error_code_is_documented() -> None:
    """Each error code the intake can answer is in the table of docs/api.md."""
    pattern = r'Rejection\(\s*"([a-z_]+)"'
    codes = set(re.findall(pattern, read("intake/submissions.py") + read("intake/api.py")))
    codes |= set(re.findall(r'"code": "([a-z_]+)"', read("intake/api.py")))
    codes |= set(re.findall(r'_error\(\s*"([a-z_]+)"', read("intake/api.py")))
    assert len(codes) > 10
    doc = read("docs/api.md")
    assert [code for code in sorted(codes) if f"`{code}`" not in doc] == []


def _commands(group: Any, path: str = "lawtrail") -> list[tuple[str, Any]]:
    import click

    found = [(path, group)]
    if isinstance(group, click.Group):
        for name, command in sorted(group.commands.items()):
            found.extend(_commands(command, f"{path} {name}"))
    return found


def test_every_cli_command_and_option_is_documented() -> None:
    """Each `lawtrail` command and each of its options appears in docs/moderation.md."""
    from intake.cli import main

    doc = read("docs/moderation.md")
    missing = []
    for path, command in _commands(main):
        if f"`{path}" not in doc and path != "lawtrail":
            missing.append(path)
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and f"`{opt}" not in doc:
                    missing.append(f"{path} {opt}")
    assert missing == []


def test_the_documented_translation_command_starts_a_language(tmp_path: Path) -> None:
    """docs/i18n.md's one command makes the one file a translator fills in."""
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    doc = read("docs/i18n.md")
    found = re.search(r"^make translation LOCALE=(\w+)$", doc, re.M)
    assert found is not None
    language = found.group(1)
    file = f"site_builder/locale/{language}/LC_MESSAGES/messages.po"
    assert f"`{file}`" in doc
    done = subprocess.run(
        [
            "make",
            "-o",
            ".venv/.installed",
            "translation",
            f"LOCALE={language}",
            f"LOCALES={tmp_path}",
            f"BIN={Path(sys.executable).parent}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    po = tmp_path / file.removeprefix("site_builder/locale/")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    assert "In public discussion" in catalog and "Comment on this quote" in catalog
    assert not (ROOT / file).exists()
