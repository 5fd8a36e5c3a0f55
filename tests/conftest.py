"""Fixtures: real git repositories with scripted revisions, and real `mkdocs build`s."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

MKDOCS_YML = """\
site_name: Test drafts
docs_dir: content
theme:
  name: material
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/weather-night, name: Switch to the dark palette}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/weather-sunny, name: Switch to the light palette}
plugins:
  - search:
      lang: [en, ru]
  - lawtrail:
      drafts_dir: drafts
markdown_extensions:
  - toc
  - tables
"""


def front_matter(**fields: Any) -> str:
    """A draft's front matter; valid by default, any field overridable (None drops it)."""
    meta: dict[str, Any] = {
        "title": "Regulation on Test Matters",
        "agency": "Ministry of Tests",
        "stage": "discussion",
        "discussion": {"opens": "2026-01-10", "closes": "2026-02-10"},
        "summary": "A plain summary.",
    }
    meta.update(fields)
    meta = {k: v for k, v in meta.items() if v is not None}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def draft(body: str, **fields: Any) -> str:
    """A whole draft.md: front matter plus a dedented body."""
    return front_matter(**fields) + textwrap.dedent(body).lstrip("\n")


@dataclass
class Build:
    """The outcome of one real `mkdocs build`."""

    returncode: int
    output: str
    site: Path

    def html(self, page: str) -> BeautifulSoup:
        """Parse a built page, e.g. 'drafts/water/' or 'index.html'."""
        path = self.site / page
        if page.endswith("/") or not page:
            path = path / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


class Repo:
    """A git repository holding an MkDocs project with drafts."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = 1_767_225_600  # 2026-01-01T00:00:00Z; each commit one day later
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test Drafter")
        self.git("config", "user.email", "drafter@example.org")
        self.git("config", "commit.gpgsign", "false")
        (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
        (root / "content").mkdir()
        (root / "content" / "about.md").write_text("# About\n\nTest site.\n", encoding="utf-8")
        self.git("add", "-A")
        self.commit("Project skeleton")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run git in the repository and return its output."""
        done = subprocess.run(
            ["git", *args],
            cwd=self.root,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
        )
        return done.stdout.strip()

    def commit(self, message: str, author: str = "Test Drafter") -> str:
        """Commit what is staged with a date one day after the previous commit."""
        self.clock += 86_400
        stamp = f"@{self.clock} +0000"
        self.git(
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            env={
                "GIT_AUTHOR_DATE": stamp,
                "GIT_COMMITTER_DATE": stamp,
                "GIT_AUTHOR_NAME": author,
            },
        )
        return self.git("rev-parse", "HEAD")

    def take_comments(self, top: str = "") -> None:
        """Switch the comment widget on in mkdocs.yml (the intake at /api/v1 of the site's
        own address), with `top` added as top-level settings; not committed."""
        yml = self.root / "mkdocs.yml"
        text = yml.read_text(encoding="utf-8")
        assert "drafts_dir: drafts\n" in text
        text = text.replace(
            "drafts_dir: drafts\n", "drafts_dir: drafts\n      intake_url: /api/v1\n"
        )
        yml.write_text(top + text, encoding="utf-8")

    def write(self, slug: str, text: str) -> Path:
        """Write drafts/<slug>/draft.md without committing."""
        path = self.root / "drafts" / slug / "draft.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def revise(
        self, slug: str, text: str, message: str = "Revise", author: str = "Test Drafter"
    ) -> str:
        """Write and commit a revision of a draft; returns its sha."""
        self.write(slug, text)
        self.git("add", "-A")
        return self.commit(message, author)

    def build(
        self, site: str = "site", env: dict[str, str] | None = None, wrap: list[str] | None = None
    ) -> Build:
        """Run a real `mkdocs build` and return its exit code, output and site folder;
        `wrap` is a command to run it under (e.g. faketime)."""
        done = subprocess.run(
            [*(wrap or []), sys.executable, "-m", "mkdocs", "build", "--site-dir", site],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        )
        return Build(done.returncode, done.stdout + done.stderr, self.root / site)


def build_sample(dest: Path, edit: Callable[[str], str]) -> Build:
    """The repository's own sample site (drafts/ with their history) cloned into `dest`, its
    mkdocs.yml passed through `edit`, and built by the installed `mkdocs`: `python -m mkdocs`
    would import the clone's own copy of the plugin, at its last commit."""
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["git", "clone", "-q", str(root), str(dest)], check=True)
    config = dest / "mkdocs.yml"
    config.write_text(edit(config.read_text(encoding="utf-8")), encoding="utf-8")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--site-dir", "site"],
        cwd=dest,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Build(done.returncode, done.stdout + done.stderr, dest / "site")


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repo]:
    """An empty project in a fresh git repository."""
    yield Repo(tmp_path / "project")


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian package 'chromium' is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


def serve(directory: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Serve a built site on a free port of 127.0.0.1; returns the process and base URL."""
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, url


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI (LAWTRAIL_NO_SKIPS=1) a skipped test fails the run: CI installs everything."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("LAWTRAIL_NO_SKIPS") and skipped:
        reporter.write_line(f"LAWTRAIL_NO_SKIPS: {len(skipped)} test(s) skipped; failing the run.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
