"""Legal-corpus benchmark: Lawtrail against plain mkdocs-material on real-shaped legislation.

What is measured
----------------
`benchmarks/build.py` measures many small drafts with a small shared vocabulary. Real
legislation is different (issue 7): one long code, a large vocabulary, acts that get
repealed. This script generates, with a seeded random generator, a corpus shaped like a
federal one, in a fresh git repository:

- one code of about 1.5 MB and 2,500 sections in German style (`## § 823 Title`, some
  inserted ones `§ 5a`; paragraphs `(1)`...`(n)`, a lone paragraph unnumbered; numbered
  items `1.` with the odd `a)` under them), in 10 versions. Versions 2 to 10 each amend
  1-2 % of the sections (a few words changed), insert a few (`§ 5a` after `§ 5`), repeal a
  few (the section deleted, or its text replaced with "(weggefallen)") and renumber a few
  (`§ 5a` becomes `§ 5b` when a new `§ 5a` goes before it), except version 6: an erratum
  that changes one word in each of exactly three sections, the redline issue 7 sets a size
  goal for;
- 150 smaller acts of 5-100 KB (log-uniform) with 2-9 versions each; a third of them are
  repealed: their `draft.md` is deleted (`git rm`) in their last commit.

Words are pseudo-German, made from syllables, drawn from a Zipf-like distribution over
60,000 words (the most frequent ranks are real German function words), each act with its
own ranking of the content words: thousands of distinct words per act, tens of thousands in
the code. The history is one `git fast-import` with fixed, increasing dates (one round of
amendments a year), so the same seed gives the same repository, shas included.

The repository is built with the `lawtrail` plugin and figures are printed beside the
baseline's: pages, time per page (wall and CPU), peak memory (the child's max RSS), HTML
written; the size of the largest redline page, and of the code's redline with the fewest
changes (the erratum: goal <= 100 KB), each beside the plain page of the same version.

A second scenario, "reword", is a 2,000-section code in two versions where the second
amends every section (the ministry it names is renamed, as real law does in one pass). Its
build time is printed beside plain mkdocs-material building the same two texts as pages
(goal within 3x).

Why the baseline is fair
------------------------
The baseline is what publishing the same record costs without Lawtrail: a plain
mkdocs-material project with one page per committed version of every act (the versions of
repealed acts included: a portal keeps them) at Lawtrail's revision URLs, plus an index
listing the acts. Theme, features, Markdown extensions and search languages are the same;
only the latest version of each act still in force is searchable, as Lawtrail indexes
current texts only. The baseline has a small explicit nav, as a hand-written site would.
Lawtrail writes more pages than that (current texts, redlines, indexes): its time per page
is compared with the baseline's, as in `build.py`, and the total times are shown too. Peak
memory is compared whole: a static site of every version is what Lawtrail has to stay near.

Both builds run in child processes (`build.py --child`), one after the other, so nothing
leaks from one into the other. `--repeat K` keeps the fastest of K alternating runs. Missed
goals are printed, never turned into a failing exit status (timings on a shared machine are
noisy); only a failed build exits non-zero.

Usage: `NO_MKDOCS_2_WARNING=1 .venv/bin/python benchmarks/legal.py [--seed S] [--scale F]
[--scenario corpus|reword|all] [--only lawtrail|baseline] [--repeat K] [--keep DIR]`.
`--scale 0.05` makes a quick development run (a code of 125 sections, 8 acts); `--only
baseline` times the plain build alone (to check a full-size corpus without Lawtrail).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the checkout: `benchmarks.*` import from here
# Run as a script, this folder is first on sys.path, where intake.py would shadow the `intake`
# package: the checkout comes first instead.
sys.path[:] = [str(ROOT)] + [
    p for p in sys.path if p and Path(p).resolve() != Path(__file__).resolve().parent
]

from benchmarks.legal_corpus import Corpus, generate, make_reword  # noqa: E402
from benchmarks.legal_report import report_corpus, report_reword, report_warnings  # noqa: E402
from benchmarks.legal_sites import make_baseline, make_repo  # noqa: E402
from benchmarks.measuring import measure  # noqa: E402

# --------------------------------------------------------------------------- measuring


def fastest(kind: str, directory: Path, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Build once more, add the figures to `runs` and return the fastest so far."""
    runs.append(measure(kind, directory))
    return min(runs, key=lambda f: float(f["seconds"]))


# --------------------------------------------------------------------------- main


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_scenario(
    name: str,
    args: argparse.Namespace,
    root: Path,
    make: Callable[[], Corpus],
) -> tuple[Corpus, float, dict[str, Any] | None, dict[str, Any] | None, Path, Path]:
    """Generate one corpus, build it `--repeat` times each way; the fastest runs."""
    lawtrail_dir, baseline_dir = root / name / "lawtrail", root / name / "baseline"
    started = time.perf_counter()
    corpus = make()
    make_repo(lawtrail_dir, corpus, args.seed)
    make_baseline(baseline_dir, corpus)
    made = time.perf_counter() - started
    versions = sum(len(a.texts) for a in corpus.acts)
    _progress(f"{name}: {len(corpus.acts)} acts, {versions} versions, made in {made:.1f} s")
    lt_runs: list[dict[str, Any]] = []
    bl_runs: list[dict[str, Any]] = []
    lt = bl = None
    for run in range(args.repeat):
        if args.only != "lawtrail":
            _progress(f"{name}: building the baseline (run {run + 1}/{args.repeat})...")
            bl = fastest("baseline", baseline_dir, bl_runs)
            _progress(f"  {bl['pages']} pages in {bl['seconds']:.1f} s, {bl['peak_mb']:.0f} MB")
        if args.only != "baseline":
            _progress(f"{name}: building with Lawtrail (run {run + 1}/{args.repeat})...")
            lt = fastest("lawtrail", lawtrail_dir, lt_runs)
            _progress(f"  {lt['pages']} pages in {lt['seconds']:.1f} s, {lt['peak_mb']:.0f} MB")
    return corpus, made, lt, bl, lawtrail_dir, baseline_dir


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the full size (default 1)"
    )
    parser.add_argument(
        "--scenario",
        choices=("corpus", "reword", "all"),
        default="all",
        help="the legal corpus, the reworded code, or both (default)",
    )
    parser.add_argument(
        "--only", choices=("lawtrail", "baseline"), help="build one side only (no ratios)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="build each site K times, keep the fastest"
    )
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="move the corpora and their sites to DIR"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or not 0 < args.scale <= 1:
        parser.error("--repeat must be at least 1 and --scale in (0, 1]")
    if args.keep is not None and args.keep.exists():
        parser.error(f"--keep {args.keep}: already exists; name a new folder")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="lawtrail-legal-"))
    misses: list[str] = []
    try:
        if args.scenario in ("corpus", "all"):
            corpus, made, lt, bl, lt_dir, bl_dir = run_scenario(
                "corpus", args, root, lambda: generate(args.seed, args.scale)
            )
            misses += report_corpus(args, corpus, made, lt, bl, lt_dir, bl_dir)
            report_warnings(lt, bl)
        if args.scenario in ("reword", "all"):
            corpus, made, lt, bl, _, _ = run_scenario(
                "reword", args, root, lambda: make_reword(args.seed, args.scale)
            )
            misses += report_reword(corpus, made, lt, bl)
            report_warnings(lt, bl)
        print()
        if args.only is not None:
            print(f"verdict: only the {args.only} build was run; no ratios to judge")
        elif misses:
            print(f"verdict: MISSED {len(misses)} goal(s): {'; '.join(misses)}")
        else:
            print("verdict: every goal met")
    finally:
        if args.keep is not None:
            shutil.move(root, args.keep)
            _progress(f"kept in {args.keep}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
