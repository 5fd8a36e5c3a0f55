"""Build benchmark: Lawtrail against plain mkdocs-material on the same pages.

What is measured
----------------
A synthetic corpus is generated in a fresh git repository: `--drafts` drafts, each committed
`--revisions` times, of legal-looking text (chapters, articles, numbered paragraphs and
points; about one draft in five in Russian). Between revisions a few words are reworded, a
point or an article is sometimes inserted (later ones renumber) and an article is sometimes
deleted, as drafters do. The whole history is written by one `git fast-import` with fixed,
increasing author and committer dates, so the same seed gives the same repository, shas
included, on every run.

That repository is built with the `lawtrail` plugin, in a fresh Python process, timing
`mkdocs.commands.build.build()`: reading the history, validating drafts, rendering every
revision, tracing element ids, diffing the redlines, and MkDocs writing every page and the
search index. The plugin's own `history_seconds` (git log plus the blob reads) is reported
beside the total, as is the child's peak resident memory and the search index's size.

Why the baseline is fair
------------------------
The baseline is what the same site costs with no Lawtrail at all: a plain mkdocs-material
project with exactly as many pages as Lawtrail wrote, at the same URLs and of the same
sizes. Each current-text and revision page holds the Markdown body of that revision, each
redline page the body of its newer revision (a redline shows the new text with the
deletions inline, so it is at least that long), each index page a list of the drafts it
shows. Theme, features, Markdown extensions and search languages are the same, and the same
pages are left out of search (Lawtrail indexes only current texts and the site's own pages),
so MkDocs does the same conversion, templating, writing and indexing work per page. The
baseline has a small explicit nav (home, about and a few drafts), as a hand-written site
would; Lawtrail's nav lists every current draft, and rendering it is part of Lawtrail's cost.
What the baseline does not do is what Lawtrail adds: git, validation, structure, lineage and
redlines. The time-per-page ratio is therefore Lawtrail's overhead over a static site of the
same size, which should stay small (target <= 1.3x).

Both builds run in child processes of this script (`--child KIND DIR`), one after the
other on the same machine, so imports, caches and memory of one do not leak into the other.
Wall-clock time is what the targets use; CPU time (the child's and its git processes') is
reported beside it because it varies much less when other work shares the machine, and
`--repeat K` keeps the fastest of K alternating runs. Missed targets are printed, never
turned into a failing exit status: timings on a shared machine are noisy. Only a failed
build exits non-zero.

Usage: `NO_MKDOCS_2_WARNING=1 .venv/bin/python benchmarks/build.py [--drafts N]
[--revisions R] [--seed S] [--repeat K] [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import platform
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the checkout: `benchmarks.*` import from here
# Run as a script (and as the `--child` build), this folder is first on sys.path, where
# intake.py would shadow the `intake` package: the checkout comes first instead.
sys.path[:] = [str(ROOT)] + [
    p for p in sys.path if p and Path(p).resolve() != Path(__file__).resolve().parent
]

from benchmarks.corpus import Draft, generate  # noqa: E402
from benchmarks.measuring import child, measure, package_version  # noqa: E402
from benchmarks.sites import git, make_baseline, make_repo  # noqa: E402

TARGET_PAGE_RATIO = 1.3  # Lawtrail's time per page over the baseline's
TARGET_HISTORY_SHARE = 5.0  # history reading, % of the Lawtrail build
TARGET_INDEX_RATIO = 1.0  # search index bytes over the current drafts' Markdown bytes


# --------------------------------------------------------------------------- report


def index_encoding(index: Path, expect_cyrillic: bool) -> tuple[bool, str]:
    """Whether the search index is UTF-8 with Cyrillic written as itself."""
    if not index.is_file():
        return False, "no search index"
    raw = index.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return False, f"not UTF-8 (byte {err.start})"
    escapes = len(re.findall(rb"\\u04[0-9a-fA-F]{2}", raw))
    cyrillic = len(re.findall("[\u0400-\u04ff]", text))
    if escapes:
        return False, f"UTF-8, but {escapes:,} Cyrillic characters escaped as \\u04xx"
    if expect_cyrillic and not cyrillic:
        return False, "UTF-8, but no Cyrillic text found though Russian drafts exist"
    return True, f"UTF-8, {cyrillic:,} Cyrillic characters, no \\u04xx escapes"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(
    args: argparse.Namespace,
    drafts: list[Draft],
    commits: int,
    corpus_seconds: float,
    kinds: dict[str, int],
    lt: dict[str, Any],
    bl: dict[str, Any],
    lawtrail_dir: Path,
) -> None:
    markdown_bytes = sum(len(d.current.text.encode()) for d in drafts)
    versions = (
        f"Python {platform.python_version()}, mkdocs {package_version('mkdocs')}, "
        f"mkdocs-material {package_version('mkdocs-material')}, {git(lawtrail_dir, 'version')}"
    )
    pages_by_kind = ", ".join(f"{n:,} {k}" for k, n in sorted(kinds.items()))
    print()
    print(
        f"Lawtrail build benchmark: {len(drafts):,} drafts x {args.revisions} revisions "
        f"(seed {args.seed}), {commits:,} commits; corpus made in {corpus_seconds:.1f} s"
    )
    print(versions)
    print(f"pages: {pages_by_kind}")
    if args.repeat > 1:
        print(f"each build run {args.repeat} times; the fastest run is shown")
    print()
    rows: list[tuple[str, str, str]] = [
        ("", "Lawtrail", "baseline"),
        ("pages", f"{lt['pages']:,}", f"{bl['pages']:,}"),
        ("build seconds", f"{lt['seconds']:.2f}", f"{bl['seconds']:.2f}"),
        ("CPU seconds", f"{lt['cpu_seconds']:.2f}", f"{bl['cpu_seconds']:.2f}"),
        ("pages/s", f"{lt['pages'] / lt['seconds']:.1f}", f"{bl['pages'] / bl['seconds']:.1f}"),
        (
            "ms per page",
            f"{1000 * lt['seconds'] / lt['pages']:.2f}",
            f"{1000 * bl['seconds'] / bl['pages']:.2f}",
        ),
        ("HTML written (MB)", f"{lt['html_bytes'] / 1e6:.1f}", f"{bl['html_bytes'] / 1e6:.1f}"),
        ("peak memory (MB)", f"{lt['peak_mb']:.0f}", f"{bl['peak_mb']:.0f}"),
        (
            "search index (bytes)",
            f"{lt['search_index_bytes']:,}",
            f"{bl['search_index_bytes']:,}",
        ),
        ("build warnings", str(len(lt["warnings"])), str(len(bl["warnings"]))),
    ]
    for name, a, b in rows:
        print(f"  {name:<22}{a:>14}{b:>14}")
    print()
    if lt["pages"] != bl["pages"]:
        print(f"  note: the baseline wrote {bl['pages']:,} pages, Lawtrail {lt['pages']:,}")
    ratio = (lt["seconds"] / lt["pages"]) / (bl["seconds"] / bl["pages"])
    history = float(lt["history_seconds"] or 0.0)
    share = 100 * history / lt["seconds"]
    index_ratio = lt["search_index_bytes"] / markdown_bytes
    has_ru = any(d.language == "ru" for d in drafts)
    utf8, detail = index_encoding(lawtrail_dir / "site" / "search" / "search_index.json", has_ru)
    checks = [
        (
            "time per page, Lawtrail / baseline",
            f"{ratio:.2f} x",
            f"<= {TARGET_PAGE_RATIO} x",
            ratio <= TARGET_PAGE_RATIO,
        ),
        (
            "history (git log + blobs)",
            f"{history:.3f} s = {share:.1f} % of the build",
            f"<= {TARGET_HISTORY_SHARE:.0f} %",
            share <= TARGET_HISTORY_SHARE,
        ),
        (
            "search index / current Markdown",
            f"{index_ratio:.2f} ({lt['search_index_bytes']:,} / {markdown_bytes:,} bytes)",
            f"<= {TARGET_INDEX_RATIO}",
            index_ratio <= TARGET_INDEX_RATIO,
        ),
        ("search index encoding", detail, "UTF-8, unescaped", utf8),
    ]
    for name, figure, target, ok in checks:
        print(f"  {name:<36}{figure}   (target {target})   {_verdict(ok)}")
    cpu_ratio = (lt["cpu_seconds"] / lt["pages"]) / (bl["cpu_seconds"] / bl["pages"])
    per_draft = lt["search_index_bytes"] / len(drafts)
    print(f"  {'same ratio in CPU time':<36}{cpu_ratio:.2f} x   (less sensitive to a busy machine)")
    print(f"  {'search index per current draft':<36}{per_draft:,.0f} bytes")
    for label, figures in (("Lawtrail", lt), ("baseline", bl)):
        for message in figures["warnings"][:5]:
            print(f"  {label} warning: {message}")


# --------------------------------------------------------------------------- main


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--drafts", type=int, default=200, help="drafts (default 200)")
    parser.add_argument(
        "--revisions", type=int, default=10, help="revisions per draft (default 10)"
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="build each site K times, keep the fastest"
    )
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="move the corpus and both sites to DIR"
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is None:
        if args.drafts < 1 or args.revisions < 1 or args.repeat < 1:
            parser.error("--drafts, --revisions and --repeat must be at least 1")
        if args.keep is not None and args.keep.exists():
            parser.error(f"--keep {args.keep}: already exists; name a new folder")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child is not None:
        return child(args.child[0], Path(args.child[1]).resolve())
    root = Path(tempfile.mkdtemp(prefix="lawtrail-bench-"))
    try:
        lawtrail_dir, baseline_dir = root / "lawtrail", root / "baseline"
        started = time.perf_counter()
        drafts = generate(args.drafts, args.revisions, args.seed)
        commits = make_repo(lawtrail_dir, drafts, args.seed)
        corpus_seconds = time.perf_counter() - started
        _progress(f"corpus: {len(drafts)} drafts, {commits} commits in {corpus_seconds:.1f} s")
        lt_runs: list[dict[str, Any]] = []
        bl_runs: list[dict[str, Any]] = []
        kinds: dict[str, int] = {}
        for run in range(args.repeat):
            _progress(f"building with Lawtrail (run {run + 1}/{args.repeat})...")
            lt_runs.append(measure("lawtrail", lawtrail_dir))
            if run == 0:
                kinds = make_baseline(baseline_dir, lawtrail_dir / "site", drafts)
            _progress(f"building the baseline (run {run + 1}/{args.repeat})...")
            bl_runs.append(measure("baseline", baseline_dir))
        lt = min(lt_runs, key=lambda f: float(f["seconds"]))
        bl = min(bl_runs, key=lambda f: float(f["seconds"]))
        report(args, drafts, commits, corpus_seconds, kinds, lt, bl, lawtrail_dir)
    finally:
        if args.keep is not None:
            shutil.move(root, args.keep)
            _progress(f"kept in {args.keep}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
