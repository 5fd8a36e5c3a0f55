"""One build timed in a fresh child Python, and the versions it was measured with.

`measure` runs `build.py --child KIND DIR`, so imports, caches and memory of one build do
not leak into the next; `child` is what that process does: build, then print one JSON line
of figures (wall and CPU seconds, peak memory, pages, HTML and search index bytes, warnings).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.sites import html_pages

BUILD_SCRIPT = Path(__file__).with_name("build.py")  # the script that answers `--child`


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (git): user plus system."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    """This process's own peak resident memory, in MB.

    On Linux `ru_maxrss` keeps the high-water mark of the process image an exec replaced:
    a child started by a benchmark that holds a large corpus would report the benchmark's
    memory, not its own. `VmHWM` in /proc/self/status is the current image's alone.
    """
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def child(kind: str, directory: Path) -> int:
    """Build `directory` in this (fresh) process and print one JSON line of figures."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    counter = _Counter()
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(counter)
    logging.getLogger("mkdocs").addHandler(stderr)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    os.chdir(directory)
    config = load_config(str(directory / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        build(config)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
    finally:
        config.plugins.on_shutdown()
    history: float | None = None
    if kind == "lawtrail":
        history = float(config.plugins["lawtrail"].stats["history_seconds"])  # type: ignore[attr-defined]
    peak_mb = _peak_mb()
    site = Path(config.site_dir)
    index = site / "search" / "search_index.json"
    pages = list(html_pages(site))
    figures = {
        "kind": kind,
        "pages": len(pages),
        "html_bytes": sum((site / page).stat().st_size for page in pages),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "history_seconds": history,
        "peak_mb": peak_mb,
        "search_index_bytes": index.stat().st_size if index.is_file() else 0,
        "warnings": counter.messages,
    }
    print(json.dumps(figures, ensure_ascii=False))
    return 0


def measure(kind: str, directory: Path) -> dict[str, Any]:
    """Run one build in a child Python; exits the benchmark if the build fails."""
    done = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--child", kind, str(directory)],
        cwd=directory,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"the {kind} build failed (exit status {done.returncode})")
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures


def package_version(package: str) -> str:
    """The installed version of `package`, or "?"."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"
