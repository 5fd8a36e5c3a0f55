"""The two sites the legal benchmark compares: the Lawtrail repository and its baseline.

`make_repo` commits every version of every act through one `git fast-import` (a repealed
act's `draft.md` deleted in its last commit), with fixed dates; `make_baseline` writes a
plain mkdocs-material project with one page per committed version at Lawtrail's revision
URL, plus an index.
"""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.legal_acts import Act, Version
from benchmarks.legal_corpus import COMMIT_SECONDS, ROUND_SECONDS, ROUNDS, START, Corpus
from benchmarks.sites import ABOUT_MD, COMMON_YML, fast_import_commit, git, page_md

PLUGINS_YML = """\
plugins:
  - search:
      lang: [de]
"""
LAWTRAIL_PLUGIN_YML = """\
  - lawtrail:
      drafts_dir: drafts
"""
BASELINE_VALIDATION_YML = """\
validation:
  nav:
    omitted_files: info
"""
DRAFTERS = (
    ("Referat Gesetzgebung", "gesetzgebung@example.org"),
    ("Amt für Rechtsbereinigung", "rechtsbereinigung@example.org"),
    ("Dokumentationsstelle", "dokumentation@example.org"),
)


def hash_rank(word: str) -> int:
    """A stable small number from a word (Python's hash() is salted per process)."""
    return sum(ord(c) * (i + 1) for i, c in enumerate(word))


# --------------------------------------------------------------------------- git history


def site_config(name: str, lawtrail: bool) -> str:
    """The mkdocs.yml both builds share, with or without the lawtrail plugin."""
    common = COMMON_YML.format(site_name=name) + PLUGINS_YML
    return common + (LAWTRAIL_PLUGIN_YML if lawtrail else BASELINE_VALIDATION_YML)


def make_repo(repo: Path, corpus: Corpus, seed: int) -> int:
    """Commit the site and every version through one `git fast-import`; returns commits."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "symbolic-ref", "HEAD", "refs/heads/main")
    git(repo, "config", "user.name", "Lawtrail Benchmark")
    git(repo, "config", "user.email", "bench@example.org")
    site: dict[str, str | None] = {
        ".gitignore": "site/\n",
        "mkdocs.yml": site_config("Lawtrail legal benchmark", True),
        "content/about.md": ABOUT_MD,
    }
    who = ("Lawtrail Benchmark", "bench@example.org")
    stream = [fast_import_commit(1, who, START - 86_400, "Site", site)]
    mark = 1
    order = random.Random(f"{seed}:order")
    for round_ in range(ROUNDS):
        batch = [(act, v) for act in corpus.acts for v in act.versions if v.round == round_]
        order.shuffle(batch)
        for j, (act, version) in enumerate(batch, 1):
            mark += 1
            version.mark = mark
            stamp = START + round_ * ROUND_SECONDS + j * COMMIT_SECONDS
            drafter = DRAFTERS[hash_rank(act.slug) % len(DRAFTERS)]
            files = {act.path: version.text}
            stream.append(fast_import_commit(mark, drafter, stamp, version.message, files))
    marks = repo / ".git" / "bench-marks"
    git(repo, "fast-import", "--quiet", f"--export-marks={marks}", data=b"".join(stream))
    shas = dict(line.split() for line in marks.read_text().splitlines())
    for act in corpus.acts:
        for version in act.versions:
            version.sha = shas[f":{version.mark}"]
    git(repo, "reset", "--hard", "-q")
    corpus.commits = mark
    return mark


# --------------------------------------------------------------------------- baseline


def revision_src(act: Act, version: Version) -> str:
    """Where Lawtrail publishes a version; the baseline uses the same URL."""
    return f"drafts/{act.slug}/rev/{version.sha[:10]}/index.md"


def make_baseline(root: Path, corpus: Corpus) -> int:
    """One plain page per committed version of every act, and an index; returns pages."""
    content = root / "content"
    lines = ["---\ntitle: Gesetze\nsearch:\n  exclude: true\n---\n", "# Gesetze\n"]
    pages = 0
    for act in corpus.acts:
        texts = act.texts
        latest = texts[-1]
        state = "aufgehoben" if act.deleted else f"Fassung {latest.number}"
        link = revision_src(act, latest)
        lines.append(f"- [{act.title}]({link}) — {act.agency} — {state}. {act.summary}")
        for version in texts:
            title = f"{act.title} — Fassung {version.number}"
            searchable = version is latest and not act.deleted
            summary = act.summary if searchable else ""
            page = page_md(title, version.body, searchable, summary)
            path = content / revision_src(act, version)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page, encoding="utf-8")
            pages += 1
    (content / "index.md").parent.mkdir(parents=True, exist_ok=True)
    (content / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    nav = ["nav:", "  - Gesetze: index.md"]
    # A few small acts, not the code: Material repeats the table of contents of the page
    # in the nav, which would make one version of the code heavier than the others.
    listed = [a for a in corpus.acts if a is not corpus.code][:3]
    nav += [f"  - {a.abbreviation}: {revision_src(a, a.texts[-1])}" for a in listed]
    config = site_config("Baseline", False) + "\n".join(nav) + "\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return pages + 1
