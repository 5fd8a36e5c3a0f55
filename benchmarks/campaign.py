"""A campaign merged as one: `lawtrail reviews merge --group` on N identical copies,
against `lawtrail reviews merge` of a few copies one by one, measured in the same run.

The copies go through the real spool (8 threads, as intake workers would save them) into a
real git repository; the figures are the group merge's seconds (target: N = 5,000 in under
5 s) and its cost per copy against one-by-one merging, extrapolated to N.

    .venv/bin/python benchmarks/campaign.py [--copies 5000] [--baseline 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from click.testing import CliRunner

from intake.cli import main
from intake.spool import Spool
from site_builder.reviews import Author, Comment, Review, Target, comment_id, new_review_id

TARGET_SECONDS = 5.0
RECEIVED = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
MKDOCS_YML = "site_name: Campaign\ndocs_dir: content\nplugins:\n  - lawtrail\n"
DRAFT = """---
title: Fees
agency: Ministry of Tests
stage: discussion
discussion: {opens: 2026-01-10, closes: 2026-02-10}
summary: Fees.
---

### Article 1. Scope

1. This regulation applies to all operators.
"""


def project(root: Path) -> str:
    """A git repository with one draft in discussion; its revision."""
    (root / "content").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Campaign\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "drafts" / "fees").mkdir(parents=True)
    (root / "drafts" / "fees" / "draft.md").write_text(DRAFT, encoding="utf-8")
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "Bench"],
        ["config", "user.email", "bench@example.org"],
        ["add", "-A"],
        ["commit", "-q", "-m", "Draft"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()


def flood(spool_dir: Path, revision: str, count: int, body: str) -> list[str]:
    """`count` copies of `body` saved through the spool by 8 threads; their ids."""
    spool = Spool(spool_dir)

    def save(n: int) -> str:
        moment = RECEIVED + dt.timedelta(seconds=n)
        review_id = new_review_id(moment)
        target = Target("art_1__para_1", "art_1__para_1")
        comment = Comment(comment_id(review_id, 1), target, body)
        author = Author(f"Voter {n % 997}")
        spool.save(Review(review_id, "fees", revision, moment, (comment,), author))
        return review_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(save, range(count)))


def lawtrail(root: Path, spool_dir: Path, *args: str) -> float:
    """Seconds `lawtrail` takes to run `args` on the project (in-process, as a moderator)."""
    options = ["--repo", str(root), "--spool", str(spool_dir)]
    started = time.perf_counter()
    result = CliRunner().invoke(main, [*options, *args])
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return seconds


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=5000)
    parser.add_argument("--baseline", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lawtrail-campaign-"))
    try:
        root, spool_dir = work / "project", work / "spool"
        revision = project(root)
        started = time.perf_counter()
        ids = flood(spool_dir, revision, args.copies, "Stop the new fees!")
        saved = time.perf_counter() - started
        single = flood(spool_dir, revision, args.baseline, "One by one, please.")
        one_by_one = lawtrail(root, spool_dir, "reviews", "merge", *single)
        group = Spool(spool_dir).groups()[0].key
        grouped = lawtrail(root, spool_dir, "reviews", "merge", "--group", group)
        assert not Spool(spool_dir).pending() and ids
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per_copy = one_by_one / args.baseline
    print(f"saved {args.copies:,} copies through the spool (8 threads): {saved:.2f} s")
    print(f"merged {args.baseline} copies one by one: {one_by_one:.2f} s ({per_copy:.3f} s each)")
    print(
        f"merged {args.copies:,} copies as one group: {grouped:.2f} s "
        f"(one by one would take about {per_copy * args.copies:.0f} s: "
        f"{per_copy * args.copies / grouped:.0f}x)"
    )
    verdict = "ok" if grouped <= TARGET_SECONDS else "SLOW"
    print(f"target: {args.copies:,} copies in <= {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main_()
