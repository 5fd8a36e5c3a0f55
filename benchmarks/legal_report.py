"""What the legal benchmark prints: the figures of both builds, the redlines and the goals.

Reads the redline and revision pages Lawtrail wrote (matched to their versions by sha) and
prints each scenario's table and goals; a missed goal is printed and returned, never turned
into a failing exit status.
"""

from __future__ import annotations

import argparse
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.legal_acts import Act, Version
from benchmarks.legal_corpus import Corpus
from benchmarks.legal_sites import revision_src
from benchmarks.measuring import package_version

TARGET_PAGE_RATIO = 1.3  # Lawtrail's time per page over the baseline's
TARGET_MEMORY_RATIO = 1.3  # Lawtrail's peak RSS over the baseline's
TARGET_SMALL_REDLINE_KB = 100.0  # a redline with three changes in the 1.5 MB code
TARGET_REWORD_RATIO = 3.0  # build time of the reworded code over its plain pages
TARGET_DISTINCT_WORDS = 6_400  # the code must use more (the old one-character-per-word limit)


# --------------------------------------------------------------------------- pages


@dataclass
class Redline:
    """A redline page Lawtrail wrote, with the plain page of its newer version."""

    act: Act
    old: Version
    new: Version
    kb: float
    plain_kb: float | None


def redlines(corpus: Corpus, lawtrail_site: Path, baseline_site: Path | None) -> list[Redline]:
    """Every redline page of the corpus, matched to its two versions by sha."""
    out: list[Redline] = []
    for act in corpus.acts:
        folder = lawtrail_site / "drafts" / act.slug / "compare"
        if not folder.is_dir():
            continue
        for page in folder.glob("*/index.html"):
            ends = page.parent.name.split("..")
            found = [v for end in ends for v in act.texts if end and v.sha.startswith(end)]
            if len(ends) != 2 or len(found) != 2:
                continue
            old, new = found
            plain: float | None = None
            if baseline_site is not None:
                twin = baseline_site / revision_src(act, new).replace(".md", ".html")
                plain = twin.stat().st_size / 1024 if twin.is_file() else None
            out.append(Redline(act, old, new, page.stat().st_size / 1024, plain))
    return out


def published_versions(corpus: Corpus, site: Path) -> tuple[int, int, int]:
    """Versions with a revision page; of them, versions of deleted acts; all versions."""
    found = deleted = 0
    total = 0
    for act in corpus.acts:
        for version in act.texts:
            total += 1
            if (site / revision_src(act, version).replace(".md", ".html")).is_file():
                found += 1
                deleted += act.deleted
    return found, deleted, total


# --------------------------------------------------------------------------- report


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f} x" if b else "-"


def _table(
    rows: Sequence[tuple[str, float | None, float | None, str]],
    lt: dict[str, Any] | None,
    bl: dict[str, Any] | None,
) -> None:
    print(f"  {'':<24}{'Lawtrail':>12}{'baseline':>12}{'ratio':>10}")
    for name, a, b, fmt in rows:
        left = format(a, fmt) if a is not None and lt is not None else "-"
        right = format(b, fmt) if b is not None and bl is not None else "-"
        ratio = _ratio(a, b) if a is not None and b is not None and lt and bl else ""
        print(f"  {name:<24}{left:>12}{right:>12}{ratio:>10}")


def _figures(f: dict[str, Any] | None) -> dict[str, float | None]:
    if f is None:
        return dict.fromkeys(("pages", "s", "cpu", "ms", "cpu_ms", "mb", "html"))
    return {
        "pages": f["pages"],
        "s": f["seconds"],
        "cpu": f["cpu_seconds"],
        "ms": 1000 * f["seconds"] / f["pages"],
        "cpu_ms": 1000 * f["cpu_seconds"] / f["pages"],
        "mb": f["peak_mb"],
        "html": f["html_bytes"] / 1e6,
    }


def _goal(name: str, figure: str, target: str, ok: bool, misses: list[str]) -> None:
    if not ok:
        misses.append(name)
    print(f"  {name:<40}{figure}   (goal {target})   {'ok' if ok else 'MISSED'}")


def report_warnings(lt: dict[str, Any] | None, bl: dict[str, Any] | None) -> None:
    """Print the first few build warnings of each side."""
    for label, figures in (("Lawtrail", lt), ("baseline", bl)):
        if figures is None:
            continue
        messages = figures["warnings"]
        for message in messages[:5]:
            print(f"  {label} warning: {message[:300]}")
        if len(messages) > 5:
            print(f"  {label}: {len(messages) - 5} more warnings")


def distinct_words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text))


def report_corpus(
    args: argparse.Namespace,
    corpus: Corpus,
    made: float,
    lt: dict[str, Any] | None,
    bl: dict[str, Any] | None,
    lawtrail_dir: Path,
    baseline_dir: Path,
) -> list[str]:
    """Print the legal corpus's figures; returns the goals missed."""
    code, acts = corpus.code, corpus.acts[1:]
    versions = sum(len(a.texts) for a in corpus.acts)
    code_bytes = len(code.texts[-1].body.encode())
    code_words: set[str] = set()
    for version in code.texts:
        code_words |= distinct_words(version.body)
    act_words = [len(distinct_words(a.texts[-1].body)) for a in acts]
    sizes = [len(a.texts[0].body.encode()) / 1024 for a in acts]
    deleted = sum(a.deleted for a in acts)
    print()
    print(
        f"Lawtrail on a legal corpus (seed {args.seed}, scale {args.scale:g}): one code of "
        f"{len(re.findall(r'^## § ', code.texts[-1].body, re.M)):,} sections "
        f"({code_bytes / 1e6:.2f} MB) in {len(code.texts)} versions; {len(acts)} acts of "
        f"{min(sizes):.0f}-{max(sizes):.0f} KB, {deleted} of them repealed (deleted); "
        f"{versions:,} versions, {corpus.commits:,} commits, made in {made:.1f} s"
    )
    enough = len(code_words) > TARGET_DISTINCT_WORDS
    print(
        f"distinct words: {len(code_words):,} in the code ({'more' if enough else 'fewer'} "
        f"than the {TARGET_DISTINCT_WORDS:,} a one-character-per-word diff could encode), "
        f"{min(act_words):,}-{max(act_words):,} per act"
    )
    print(
        f"Python {platform.python_version()}, mkdocs {package_version('mkdocs')}, "
        f"mkdocs-material {package_version('mkdocs-material')}"
    )
    if args.repeat > 1:
        print(f"each build run {args.repeat} times; the fastest run is shown")
    print()
    a, b = _figures(lt), _figures(bl)
    _table(
        [
            ("pages", a["pages"], b["pages"], ",.0f"),
            ("build seconds", a["s"], b["s"], ".1f"),
            ("CPU seconds", a["cpu"], b["cpu"], ".1f"),
            ("ms per page", a["ms"], b["ms"], ".1f"),
            ("CPU ms per page", a["cpu_ms"], b["cpu_ms"], ".1f"),
            ("peak memory (MB)", a["mb"], b["mb"], ".0f"),
            ("HTML written (MB)", a["html"], b["html"], ".1f"),
        ],
        lt,
        bl,
    )
    misses: list[str] = []
    if lt is None:
        return misses
    site = lawtrail_dir / "site"
    found, of_deleted, total = published_versions(corpus, site)
    deleted_total = sum(len(a.texts) for a in corpus.acts if a.deleted)
    print(
        f"  {'versions published':<24}{found:>12,}{total:>12,}   "
        f"(of repealed acts: {of_deleted:,} of {deleted_total:,})"
    )
    print()
    if bl is not None:
        assert a["ms"] is not None and b["ms"] is not None and a["mb"] and b["mb"]
        assert a["cpu_ms"] is not None and b["cpu_ms"] is not None
        page_ratio, memory_ratio = a["ms"] / b["ms"], a["mb"] / b["mb"]
        _goal(
            "time per page, Lawtrail / baseline",
            f"{page_ratio:.2f} x (CPU {a['cpu_ms'] / b['cpu_ms']:.2f} x)",
            f"<= {TARGET_PAGE_RATIO} x",
            page_ratio <= TARGET_PAGE_RATIO,
            misses,
        )
        _goal(
            "peak memory, Lawtrail / baseline",
            f"{memory_ratio:.2f} x",
            f"<= {TARGET_MEMORY_RATIO} x",
            memory_ratio <= TARGET_MEMORY_RATIO,
            misses,
        )
    plain_site = baseline_dir / "site" if bl is not None else None
    pages = redlines(corpus, site, plain_site)
    if not pages:
        print("  no redline pages found")
        return misses
    largest = max(pages, key=lambda r: r.kb)
    print(f"  {'largest redline page':<40}{_redline(largest)}")
    erratum = corpus.erratum
    small = [r for r in pages if r.act is code and erratum is not None and r.new is erratum]
    small = [r for r in small if r.old.number == erratum.number - 1] if erratum else []
    if small and erratum is not None:
        page = small[0]
        _goal(
            f"code redline, {erratum.changes} changes",
            _redline(page),
            f"<= {TARGET_SMALL_REDLINE_KB:.0f} KB",
            page.kb <= TARGET_SMALL_REDLINE_KB,
            misses,
        )
    else:
        misses.append("the erratum's redline (not found)")
        print("  the code's erratum redline was not found")
    consecutive = [r for r in pages if r.act is code and r.new.number == r.old.number + 1]
    if consecutive:
        kb = sorted(r.kb for r in consecutive)
        print(
            f"  {'code redlines, version to next':<40}{len(kb)} pages, "
            f"{kb[0]:,.0f}-{kb[-1]:,.0f} KB ({sum(kb) / 1024:.1f} MB in all)"
        )
    return misses


def _redline(page: Redline) -> str:
    where = f"{page.act.slug} {page.old.number}->{page.new.number}"
    plain = f"{page.plain_kb:,.0f} KB" if page.plain_kb is not None else "-"
    ratio = f", {page.kb / page.plain_kb:.2f} x" if page.plain_kb else ""
    return f"{page.kb:,.0f} KB ({where}; plain page of the version {plain}{ratio})"


def report_reword(
    corpus: Corpus, made: float, lt: dict[str, Any] | None, bl: dict[str, Any] | None
) -> list[str]:
    """Print the reworded code's figures; returns the goals missed."""
    code = corpus.code
    first = code.texts[0].body
    print()
    print(
        f"Reword every section: a code of {len(re.findall(r'^## § ', first, re.M)):,} sections "
        f"({len(first.encode()) / 1e6:.2f} MB) in 2 versions, the second renaming the "
        f"ministry in every section; made in {made:.1f} s"
    )
    print()
    a, b = _figures(lt), _figures(bl)
    _table(
        [
            ("pages", a["pages"], b["pages"], ",.0f"),
            ("build seconds", a["s"], b["s"], ".2f"),
            ("CPU seconds", a["cpu"], b["cpu"], ".2f"),
            ("peak memory (MB)", a["mb"], b["mb"], ".0f"),
        ],
        lt,
        bl,
    )
    misses: list[str] = []
    if lt is not None and bl is not None:
        ratio = lt["seconds"] / bl["seconds"]
        print()
        _goal(
            "build time, Lawtrail / plain pages",
            f"{ratio:.2f} x (CPU {lt['cpu_seconds'] / bl['cpu_seconds']:.2f} x)",
            f"<= {TARGET_REWORD_RATIO:.0f} x",
            ratio <= TARGET_REWORD_RATIO,
            misses,
        )
    return misses
