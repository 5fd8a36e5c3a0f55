"""The two sites the build benchmark compares: the Lawtrail repository and its baseline.

`make_repo` commits the generated corpus through one `git fast-import` with fixed dates (the
same seed gives the same shas); `make_baseline` writes a plain mkdocs-material project with
one page per page Lawtrail wrote, at the same URL. `legal.py` reuses the git and page helpers.
"""

from __future__ import annotations

import posixpath
import random
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from benchmarks.corpus import COMMIT_SECONDS, ROUND_SECONDS, START, Draft

COMMON_YML = """\
site_name: {site_name}
site_url: http://127.0.0.1:8000/
docs_dir: content
theme:
  name: material
  language: en
  features:
    - navigation.sections
    - navigation.top
    - search.highlight
    - toc.follow
  palette:
    - scheme: default
      primary: indigo
      accent: indigo
markdown_extensions:
  - toc:
      permalink: false
  - tables
  - admonition
  - attr_list
"""
LAWTRAIL_YML = """\
plugins:
  - search:
      lang: [en, ru]
  - lawtrail:
      drafts_dir: drafts
"""
BASELINE_YML = """\
plugins:
  - search:
      lang: [en, ru]
validation:
  nav:
    omitted_files: info
"""
ABOUT_MD = """\
# How to take part

Every draft on this site is published while it is still being written, so that anyone can
read it, see how it changed and tell the agency what they think.

- **Read** the current text of a draft, with a plain-language summary on top.
- **Follow** it from initiation to adoption: the timeline lists every stage and every
  revision, and each revision links to a word-by-word comparison with the one before.
- **Link** to any article, paragraph or point.
"""


# --------------------------------------------------------------------------- git history


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=repo, input=data, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.decode().strip()}")
    return done.stdout.decode().strip()


def fast_import_data(payload: str) -> bytes:
    """`payload` as a fast-import `data` block (length-prefixed UTF-8)."""
    raw = payload.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def fast_import_commit(
    mark: int, who: tuple[str, str], stamp: int, message: str, files: dict[str, str | None]
) -> bytes:
    """One fast-import commit on main; a file whose content is None is deleted."""
    ident = f"{who[0]} <{who[1]}> {stamp} +0000"
    parts = [
        f"commit refs/heads/main\nmark :{mark}\nauthor {ident}\ncommitter {ident}\n".encode(),
        fast_import_data(message),
    ]
    for path, content in files.items():
        if content is None:
            parts.append(f"D {path}\n".encode())
        else:
            parts.append(f"M 100644 inline {path}\n".encode())
            parts.append(fast_import_data(content))
    parts.append(b"\n")
    return b"".join(parts)


def make_repo(repo: Path, drafts: list[Draft], seed: int) -> int:
    """Commit the site and every revision through one `git fast-import`; returns commits."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "symbolic-ref", "HEAD", "refs/heads/main")
    git(repo, "config", "user.name", "Lawtrail Benchmark")
    git(repo, "config", "user.email", "bench@example.org")
    site = {
        ".gitignore": "site/\n",
        "mkdocs.yml": COMMON_YML.format(site_name="Lawtrail benchmark") + LAWTRAIL_YML,
        "content/about.md": ABOUT_MD,
    }
    stream = [
        fast_import_commit(1, ("Lawtrail Benchmark", "bench@example.org"), START, "Site", site)
    ]
    mark = 1
    order = random.Random(f"{seed}:order")
    rounds = max(len(d.revisions) for d in drafts)
    for r in range(rounds):
        batch = [d for d in drafts if r < len(d.revisions)]
        order.shuffle(batch)
        for j, draft in enumerate(batch, 1):
            mark += 1
            revision = draft.revisions[r]
            revision.mark = mark
            stamp = START + r * ROUND_SECONDS + j * COMMIT_SECONDS
            files = {draft.path: revision.text}
            stream.append(fast_import_commit(mark, draft.drafter, stamp, revision.message, files))
    marks = repo / ".git" / "bench-marks"
    git(repo, "fast-import", "--quiet", f"--export-marks={marks}", data=b"".join(stream))
    shas = dict(line.split() for line in marks.read_text().splitlines())
    for draft in drafts:
        for revision in draft.revisions:
            revision.sha = shas[f":{revision.mark}"]
    git(repo, "reset", "--hard", "-q")
    return mark


# --------------------------------------------------------------------------- baseline


def _index_md(title: str, src: str, drafts: Sequence[Draft]) -> str:
    lines = [f"---\ntitle: {title}\nsearch:\n  exclude: true\n---\n", f"# {title}\n"]
    here = posixpath.dirname(src) or "."
    for draft in drafts:
        link = posixpath.relpath(f"drafts/{draft.slug}/index.md", here)
        revision = draft.current
        lines.append(
            f"- [{draft.title}]({link}) — {draft.agency} — {revision.stage}, "
            f"revision {revision.number}. {draft.summary}"
        )
    return "\n".join(lines) + "\n"


def page_md(title: str, body: str, search: bool, summary: str = "") -> str:
    """A plain Markdown page: front matter (out of search unless `search`) and `body`."""
    meta = f"title: {title}\n" + ("" if search else "search:\n  exclude: true\n")
    lead = f"{summary}\n\n" if summary else ""
    return f"---\n{meta}---\n\n# {title}\n\n{lead}{body}"


def html_pages(site: Path) -> Iterator[str]:
    """Site-relative paths of the HTML pages written (not 404, not theme assets)."""
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel != "404.html" and not rel.startswith("assets/"):
            yield rel


def make_baseline(root: Path, lawtrail_site: Path, drafts: list[Draft]) -> dict[str, int]:
    """One plain Markdown page per page Lawtrail wrote, at the same URL; returns the kinds."""
    from site_builder.urls import slugify  # the URL of an agency's page is Lawtrail's

    content = root / "content"
    by_slug = {d.slug: d for d in drafts}
    by_short = {r.sha[:10]: (d, r) for d in drafts for r in d.revisions}
    stages: dict[str, list[Draft]] = {}
    agencies: dict[str, list[Draft]] = {}
    for draft in drafts:
        stages.setdefault(draft.current.stage, []).append(draft)
        agencies.setdefault(slugify(draft.agency), []).append(draft)
    kinds: dict[str, int] = {}
    for rel in html_pages(lawtrail_site):
        src = rel[: -len(".html")] + ".md"
        parts = src.split("/")
        kind = "other"
        if src == "index.md":
            kind, text = "index", _index_md("Drafts", src, drafts)
        elif src == "about/index.md":
            kind, text = "about", ABOUT_MD
            src = "about.md"
        elif parts[0] == "stage" and parts[1] in stages:
            kind, text = "index", _index_md(parts[1], src, stages[parts[1]])
        elif parts[0] == "agency" and parts[1] in agencies:
            group = agencies[parts[1]]
            kind, text = "index", _index_md(group[0].agency, src, group)
        elif parts[0] == "drafts" and parts[1] in by_slug and len(parts) == 3:
            draft = by_slug[parts[1]]
            kind = "current"
            text = page_md(draft.title, draft.current.body, True, draft.summary)
        elif parts[0] == "drafts" and len(parts) == 5 and parts[2] == "rev":
            draft, revision = by_short[parts[3]]
            kind = "revision"
            title = f"{draft.title} — revision {revision.number}"
            text = page_md(title, revision.body, False)
        elif parts[0] == "drafts" and len(parts) == 5 and parts[2] == "compare":
            old, new = (by_short[sha] for sha in parts[3].split(".."))
            kind = "redline"
            title = f"{new[0].title} — changes from revision {old[1].number} to {new[1].number}"
            text = page_md(title, new[1].body, False)
        else:
            text = page_md(rel, drafts[0].current.body, False)
        kinds[kind] = kinds.get(kind, 0) + 1
        path = content / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    nav = ["nav:", "  - Drafts: index.md", "  - About: about.md"]
    nav += [f"  - {d.slug}: drafts/{d.slug}/index.md" for d in drafts[:3]]
    config = COMMON_YML.format(site_name="Baseline") + BASELINE_YML + "\n".join(nav) + "\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return kinds
