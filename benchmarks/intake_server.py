"""The intake as the intake benchmarks run it: a fresh project with one draft open for
comment, and gunicorn serving `intake:create_app()` on it in its own process group, with
the CPU time of that group read from /proc.

Shared by `benchmarks/intake.py` (throughput and SIGKILL) and `benchmarks/full_disk.py`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the Lawtrail checkout: gunicorn runs from here
HOST = "127.0.0.1"
SLUG = "fees"

MKDOCS_YML = """\
site_name: Test drafts
docs_dir: content
theme:
  name: material
plugins:
  - search:
      lang: [en, ru]
  - lawtrail:
      drafts_dir: drafts
markdown_extensions:
  - toc
  - tables
"""

DRAFT_MD = """\
---
title: Regulation on Fees
agency: Ministry of Tests
stage: discussion
discussion:
  opens: '2026-01-01'
  closes: '2099-12-31'
summary: A plain summary.
---

### Article 1. Fees

1. A reply is due within 15 working days.
"""


# --- the project -------------------------------------------------------------------------


def make_repo(root: Path) -> str:
    """A git repository with the site skeleton and one draft in discussion; returns HEAD."""
    root.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "content").mkdir()
    (root / "content" / "about.md").write_text("# About\n\nTest site.\n", encoding="utf-8")
    (root / "drafts" / SLUG).mkdir(parents=True)
    (root / "drafts" / SLUG / "draft.md").write_text(DRAFT_MD, encoding="utf-8")
    stamp = "@1767312000 +0000"  # 2026-01-02T00:00:00Z
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench Drafter",
        "GIT_AUTHOR_EMAIL": "drafter@example.org",
        "GIT_COMMITTER_NAME": "Bench Drafter",
        "GIT_COMMITTER_EMAIL": "drafter@example.org",
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "commit.gpgsign", "false"],
        ["add", "-A"],
        ["commit", "-q", "-m", "A draft on fees"],
        ["rev-parse", "HEAD"],
    ):
        done = subprocess.run(
            ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
        )
    return done.stdout.strip()


def submission(revision: str, client: int, n: int) -> dict[str, Any]:
    """A valid review of the draft; the comment body differs per client and request."""
    return {
        "draft": SLUG,
        "revision": revision,
        "author": {"name": "Ann Citizen", "organization": "Riders' Union"},
        "contact": {"email": "ann@example.org"},
        "comments": [
            {
                "target": {
                    "eid": "art_1__para_1",
                    "quote": {"exact": "15 working days", "prefix": "due within ", "suffix": "."},
                },
                "body": f"Fifteen working days is too long (client {client}, comment {n}).",
                "suggestion": "within 5 working days",
                "rationale": "Other regulators answer in 5.",
            }
        ],
        "website": "",
    }


# --- the server --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A gunicorn running the intake, in its own process group."""

    def __init__(self, repo: Path, spool: Path, workers: int, log: Path) -> None:
        self.port = _free_port()
        self.log = log
        env = {
            **os.environ,
            "LAWTRAIL_REPO": str(repo),
            "LAWTRAIL_SPOOL_DIR": str(spool),
            "LAWTRAIL_REFRESH_SECONDS": "0",
            "LAWTRAIL_RATE_LIMIT": "1000000 per minute",
            "NO_MKDOCS_2_WARNING": "1",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{self.port}",
            "intake:create_app()",
        ]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pgid = self.process.pid  # start_new_session: the master leads its own group

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait for `GET /api/v1/health` to answer 200, then check the draft is open.

        Health does not load the drafts, so a worker that cannot (a broken checkout) is
        found by the second request. Raises with the server's log if either fails.
        """
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url("/api/v1/health"), timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn was not healthy after {timeout:.0f} s\n{self.tail()}")
            time.sleep(0.1)
        try:
            with urllib.request.urlopen(self.url(f"/api/v1/drafts/{SLUG}"), timeout=30) as answer:
                status = json.load(answer)
        except (OSError, urllib.error.URLError, ValueError) as err:
            raise RuntimeError(f"GET /api/v1/drafts/{SLUG} failed: {err}\n{self.tail()}") from err
        if status.get("open") is not True:
            raise RuntimeError(f"the draft is not open for comment: {status}")

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def members(self) -> list[int]:
        """Live processes of the server's process group (empty where /proc is missing)."""
        return [pid for pid, stat in _proc_stats().items() if int(stat[2]) == self.pgid]

    def cpu_seconds(self) -> float | None:
        """CPU time of the group's processes, their reaped children included."""
        stats = _proc_stats()
        if not stats:
            return None
        ticks = 0
        for stat in stats.values():
            if int(stat[2]) == self.pgid:
                ticks += sum(int(value) for value in stat[11:15])  # utime stime cutime cstime
        return ticks / os.sysconf("SC_CLK_TCK")

    def send(self, signum: int) -> None:
        """Send a signal to the whole process group: the master and every worker at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signum)

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, and wait until all are gone."""
        self.send(signal.SIGKILL)
        self.process.wait()
        self._wait_group_gone(10.0)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM to the group), SIGKILL whatever is left after 10 s."""
        if self.process.poll() is None:
            self.send(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        if self.members() or self.process.poll() is None:
            self.kill()

    def _wait_group_gone(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.members():
            if time.monotonic() > deadline:
                raise RuntimeError(f"processes of group {self.pgid} survived SIGKILL")
            time.sleep(0.02)


def _proc_stats() -> dict[int, list[str]]:
    """Fields of /proc/<pid>/stat after the command name, by pid (pgrp is index 2)."""
    stats: dict[int, list[str]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return stats
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                raw = handle.read().decode("ascii", "replace")
        except OSError:
            continue
        stats[int(name)] = raw[raw.rfind(")") + 2 :].split()
    return stats


def machine_cpu_seconds() -> tuple[float, float] | None:
    """Busy and idle (idle plus iowait) time of the whole machine, summed over CPUs."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(value) for value in handle.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / tick, idle / tick


def fs_type(path: Path) -> str:
    """The file system type that holds `path`, from /proc/mounts."""
    best, kind = "", "unknown"
    try:
        with open("/proc/mounts", encoding="utf-8") as handle:
            mounts = [line.split() for line in handle]
    except OSError:
        return kind
    target = str(path.resolve())
    for mount in mounts:
        point = mount[1]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, mount[2]
    return kind
