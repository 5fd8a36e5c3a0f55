"""Intake benchmark: durable review submissions against the cheapest route of the same server.

What is measured
----------------
A fresh git repository holds one draft open for comment (`drafts/fees`). The real intake is
started on it the way production runs it, `gunicorn --workers W "intake:create_app()"` with
sync workers on 127.0.0.1, with a spool in a fresh temporary folder (on the same file
system as the system's temporary directory: its type is printed, since fdatasync on tmpfs
costs nothing). The rate limit is raised out of the way; nothing else is changed.

A bounded load generator then runs `--clients` concurrent clients for `--seconds` per phase,
after `--warmup` seconds whose requests are not counted (each worker loads the corpus on its
first request). Only requests that complete inside the measured window count:

A. `GET /api/v1/drafts/fees`: the trivial baseline (below), responses with 200 per second.
B. `POST /api/v1/reviews`: a valid review with a contact, the comment body different in every
   request. Accepted reviews (201) per second and the p50/p99 latency of the 201s; any other
   answer, or a failed connection, is counted and printed as an error. Each 201 means the
   review and its contact were fdatasynced (the spool's group commit).
C. Crash: a fresh server and spool take the same POST load; half-way through the window the
   whole process group (master and workers) is SIGKILLed. Every id whose 201 answer had been
   received in full was acknowledged to someone; the spool is then opened, `recover()`ed, and
   every acknowledged id must be found (lost = 0). The server is restarted on that spool and
   a sample of the ids must answer `pending` over HTTP. A SIGKILL tests that no
   acknowledged record is torn, skipped or left unwritten by a dying process; it does not
   cut power, so it cannot show that the records had reached the disk.

Phases A and B run `--repeat` times (3), alternately, on the same server. Each run gives a
ratio B/A; the report gives the median ratio with its spread (lowest to highest) and prints
the run with the median ratio in full, with every run's rates and server CPU per request.

Targets: a median of accepted reviews per second at least 0.35 of the baseline's requests
per second, POST p99 at most 100 ms at 16 clients (over every run), nothing acknowledged
lost. Missed targets are printed, never turned into a failing exit status (timings on a
shared machine are noisy); only a failure to run exits non-zero.

Why the baseline is fair
------------------------
Both phases run on the same server, workers and machine, with the same client (same
processes, threads, connection handling and concurrency), one after the other. The
baseline is the cheapest route the intake has: the draft's status answered from the
worker's memory as a few hundred bytes of JSON. It still pays everything every request pays
(gunicorn accepting a connection, Flask routing, the Origin check, CORS, JSON encoding),
so the ratio B/A is the cost of what a submission adds: reading and validating the JSON
against the draft's structure, the rate limiter, the tracking number and two durable
appends. `/health` would be a worse baseline (it writes and unlinks a probe file) and
`/openapi.json` too (it serialises a 10 KB document).

The clients share the machine with the server. So that they are not the limit, they run in
several processes (`--client-processes`, one per CPU by default: one Python process's GIL
caps its threads at one core), each with persistent `http.client` connections (gunicorn's
sync workers close after each response; the connection reopens). Per phase the CPU used by
the server's process group, by each client process, by other processes and left idle is
printed from `/proc`, with the server's CPU time per request, which no client overhead can
distort. Client overhead that takes CPU from the server depresses the baseline more than
phase B (it serves more requests), so it can only flatter the ratio; the CPU per request
shows by how much. Other work on the machine during one phase and not the other skews the
ratio either way: the report says when it saw some.

Usage: `.venv/bin/python benchmarks/intake.py [--clients 16] [--seconds 10] [--workers 4]
[--warmup 1] [--client-processes N] [--repeat 3] [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import multiprocessing
import multiprocessing.synchronize
import os
import platform
import queue
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the Lawtrail checkout: `intake` imports from here
HOST = "127.0.0.1"
SLUG = "fees"
TARGET_RATIO = 0.35  # median over the runs of accepted reviews/s over baseline requests/s
TARGET_P99_MS = 100.0  # POST p99 latency
SAMPLE = 50  # acknowledged ids checked over HTTP after the restart
REQUEST_TIMEOUT = 10.0  # seconds; a request slower than this counts as an error

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


def _machine_cpu_seconds() -> tuple[float, float] | None:
    """Busy and idle (idle plus iowait) time of the whole machine, summed over CPUs."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(value) for value in handle.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / tick, idle / tick


def _fs_type(path: Path) -> str:
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


# --- the load generator ------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    """What one phase's clients do and when."""

    kind: str  # "get" or "post"
    port: int
    revision: str
    start: float  # time.time() when every client begins (after all processes are up)
    window_start: float  # end of the warm-up: requests completing from here on count
    deadline: float  # clients start no request after this; the measured window ends here


@dataclass
class Tally:
    """One client process's results."""

    ok: int = 0  # 200 (GET) or 201 (POST) completed inside the window
    latencies: list[float] = field(default_factory=list)  # seconds, of those
    errors: Counter[str] = field(default_factory=Counter)  # inside the window, by status
    acknowledged: list[str] = field(default_factory=list)  # every 201 id received, any time
    cpu: float = 0.0  # CPU seconds of this process during the window
    crashed: str = ""  # a client thread's unexpected exception


def client_process(
    load: Load, first: int, threads: int, stop: multiprocessing.synchronize.Event, out: Any
) -> None:
    """Run `threads` clients in this process and put one Tally on the queue `out`."""
    tallies = [Tally() for _ in range(threads)]
    workers = [
        threading.Thread(target=_client, args=(load, first + i, stop, tally), daemon=True)
        for i, tally in enumerate(tallies)
    ]
    for worker in workers:
        worker.start()
    _sleep_until(load.window_start)
    cpu_start = _cpu()
    # The window ends at the deadline or at the stop event (a crash), whichever comes first.
    stop.wait(max(0.0, load.deadline - time.time()))
    cpu = _cpu() - cpu_start
    for worker in workers:
        worker.join()
    total = Tally(cpu=cpu)
    for tally in tallies:
        total.ok += tally.ok
        total.latencies.extend(tally.latencies)
        total.errors.update(tally.errors)
        total.acknowledged.extend(tally.acknowledged)
        total.crashed = total.crashed or tally.crashed
    out.put(total)


def _client(load: Load, client: int, stop: multiprocessing.synchronize.Event, tally: Tally) -> None:
    """One client: requests back to back on one connection until the deadline or the stop."""
    try:
        _run_client(load, client, stop, tally)
    except Exception as err:  # reported by the parent: a broken client invalidates the run
        tally.crashed = f"{type(err).__name__}: {err}"


def _run_client(
    load: Load, client: int, stop: multiprocessing.synchronize.Event, tally: Tally
) -> None:
    connection = http.client.HTTPConnection(HOST, load.port, timeout=REQUEST_TIMEOUT)
    post = load.kind == "post"
    path = "/api/v1/reviews" if post else f"/api/v1/drafts/{SLUG}"
    headers = {"Content-Type": "application/json"} if post else {}
    expected = 201 if post else 200
    n = 0
    _sleep_until(load.start)
    while not stop.is_set() and time.time() < load.deadline:
        n += 1
        body = json.dumps(submission(load.revision, client, n)).encode() if post else None
        began = time.perf_counter()
        try:
            connection.request("POST" if post else "GET", path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as err:
            connection.close()  # reconnects on the next request
            if time.time() >= load.window_start and not stop.is_set():
                tally.errors[type(err).__name__] += 1
            continue
        latency = time.perf_counter() - began
        if status == 201 and post:
            tally.acknowledged.append(json.loads(data)["id"])
        ended = time.time()
        if load.window_start <= ended <= load.deadline and not stop.is_set():
            if status == expected:
                tally.ok += 1
                tally.latencies.append(latency)
            else:
                tally.errors[str(status)] += 1
    connection.close()


def _sleep_until(moment: float) -> None:
    delay = moment - time.time()
    if delay > 0:
        time.sleep(delay)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Phase:
    """One phase's results over all client processes, with the machine's CPU use."""

    name: str
    seconds: float  # the measured window (shorter than asked when a crash ends it)
    ok: int
    latencies: list[float]
    errors: Counter[str]
    acknowledged: list[str]
    client_cpu: list[float]  # per client process, seconds
    server_cpu: float | None
    busy_cpu: float | None  # the whole machine's, every process included
    idle_cpu: float | None

    @property
    def other_cpu(self) -> float | None:
        """CPU seconds of processes neither server nor clients (this script's are tiny)."""
        if self.busy_cpu is None or self.server_cpu is None:
            return None
        return max(0.0, self.busy_cpu - self.server_cpu - sum(self.client_cpu))

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds > 0 else 0.0

    @classmethod
    def pooled(cls, name: str, phases: Sequence[Phase]) -> Phase:
        """The runs of one phase as one (for latency percentiles over all of them)."""
        return cls(
            name=name,
            seconds=sum(p.seconds for p in phases),
            ok=sum(p.ok for p in phases),
            latencies=[x for p in phases for x in p.latencies],
            errors=sum((p.errors for p in phases), Counter[str]()),
            acknowledged=[x for p in phases for x in p.acknowledged],
            client_cpu=[x for p in phases for x in p.client_cpu],
            server_cpu=None,
            busy_cpu=None,
            idle_cpu=None,
        )

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the successful requests' latency, in ms."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return 1000 * ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def run_load(
    name: str,
    kind: str,
    server: Server,
    revision: str,
    args: argparse.Namespace,
    crash_after: float | None = None,
) -> Phase:
    """Run one phase; with `crash_after`, SIGKILL the server that far into the window."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    out = context.Queue()
    processes = min(args.client_processes, args.clients)
    sizes = [args.clients // processes + (i < args.clients % processes) for i in range(processes)]
    start = time.time() + 1.0 + 0.2 * processes  # time for the spawned clients to import
    load = Load(
        kind,
        server.port,
        revision,
        start,
        start + args.warmup,
        start + args.warmup + args.seconds,
    )
    firsts = [sum(sizes[:i]) for i in range(processes)]
    procs = [
        context.Process(target=client_process, args=(load, first, size, stop, out), daemon=True)
        for first, size in zip(firsts, sizes, strict=True)
    ]
    for proc in procs:
        proc.start()
    tallies: list[Tally] = []
    try:
        _sleep_until(load.window_start)
        server_start, machine_start, window_start = (
            server.cpu_seconds(),
            _machine_cpu_seconds(),
            time.time(),
        )
        if crash_after is None:
            _sleep_until(load.deadline)
            window_end = time.time()
            server_end, machine_end = server.cpu_seconds(), _machine_cpu_seconds()
        else:
            _sleep_until(load.window_start + crash_after)
            server_end, machine_end = server.cpu_seconds(), _machine_cpu_seconds()
            server.send(signal.SIGKILL)
            window_end = time.time()
            stop.set()
            server.kill()  # waits until the master and every worker are gone
        for _ in procs:
            tallies.append(out.get(timeout=args.seconds + REQUEST_TIMEOUT + 30))
        for proc in procs:
            proc.join(timeout=10)
    finally:
        stop.set()
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
    crashed = [t.crashed for t in tallies if t.crashed]
    if crashed:
        raise RuntimeError(f"a client failed: {crashed[0]}")
    phase = Phase(
        name=name,
        seconds=window_end - window_start,
        ok=sum(t.ok for t in tallies),
        latencies=[x for t in tallies for x in t.latencies],
        errors=sum((t.errors for t in tallies), Counter()),
        acknowledged=[x for t in tallies for x in t.acknowledged],
        client_cpu=[t.cpu for t in tallies],
        server_cpu=_delta(server_start, server_end),
        busy_cpu=_delta(*(None if m is None else m[0] for m in (machine_start, machine_end))),
        idle_cpu=_delta(*(None if m is None else m[1] for m in (machine_start, machine_end))),
    )
    if phase.ok == 0:  # nothing to measure: the server is broken, not slow
        raise RuntimeError(
            f"phase {name}: no request succeeded (errors {_errors(phase.errors)})\n{server.tail()}"
        )
    return phase


def _per_request(phase: Phase) -> float:
    """The server's CPU milliseconds per successful request (NaN where /proc is missing)."""
    if phase.server_cpu is None or not phase.ok:
        return math.nan
    return 1000 * phase.server_cpu / phase.ok


def _delta(start: float | None, end: float | None) -> float | None:
    return None if start is None or end is None else end - start


# --- the report --------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _errors(errors: Counter[str]) -> str:
    if not errors:
        return "0"
    detail = ", ".join(f"{count} x {kind}" for kind, count in errors.most_common())
    return f"{sum(errors.values())} ({detail})"


def print_phase(title: str, unit: str, phase: Phase) -> None:
    print(f"{title}")
    print(
        f"  {phase.rate:8.1f} {unit}/s   ({phase.ok} in {phase.seconds:.2f} s)   "
        f"p50 {phase.percentile(0.50):.1f} ms   p99 {phase.percentile(0.99):.1f} ms   "
        f"errors {_errors(phase.errors)}"
    )
    seconds = phase.seconds or math.nan
    client = sum(phase.client_cpu) / seconds
    busiest = max(phase.client_cpu, default=0.0) / seconds
    parts = [f"client {client:.2f} (busiest process {busiest:.2f})"]
    if phase.server_cpu is not None:
        per_request = 1000 * phase.server_cpu / phase.ok if phase.ok else math.nan
        parts.insert(0, f"server {phase.server_cpu / seconds:.2f} ({per_request:.2f} ms/request)")
    if phase.other_cpu is not None:
        parts.append(f"other processes {phase.other_cpu / seconds:.2f}")
    if phase.idle_cpu is not None:
        parts.append(f"idle {phase.idle_cpu / seconds:.2f}")
    print(f"  CPU cores used: {', '.join(parts)}")


def bottleneck(phases: Sequence[Phase], cpus: int) -> str:
    """Whether the load generator limited the measurement, from the CPU everything used."""
    lines = []
    gil_bound = False
    client_share = 0.0  # the clients' CPU over the server's, the worst phase
    other = 0.0  # cores used by unrelated processes, the worst phase
    for phase in phases:
        seconds = phase.seconds or math.nan
        busiest = max(phase.client_cpu, default=0.0) / seconds
        client = sum(phase.client_cpu) / seconds
        server = (phase.server_cpu or 0.0) / seconds
        gil = busiest > 0.85  # one client process near a full core: its GIL is the limit
        gil_bound = gil_bound or gil
        client_share = max(client_share, client / server if server else math.inf)
        other = max(other, (phase.other_cpu or 0.0) / seconds)
        idle = "" if phase.idle_cpu is None else f", idle {phase.idle_cpu / seconds:.2f}"
        lines.append(
            f"  {phase.name}: server {server:.2f} cores, clients {client:.2f} "
            f"(busiest process {busiest:.2f}{' GIL-bound' if gil else ''}), "
            f"other processes {(phase.other_cpu or 0.0) / seconds:.2f}{idle} of {cpus} CPUs"
        )
    if gil_bound:
        verdict = "yes: a client process was near a full core (its GIL); raise --client-processes"
    else:
        verdict = (
            f"no: no client process was near a full core, and the clients used at most "
            f"{100 * client_share:.0f}% of the CPU the server used (that CPU is taken from the "
            f"server on a small machine; server ms/request is free of it)"
        )
    if other > 0.2:
        verdict += (
            f"\n  note: other processes used up to {other:.2f} cores during a phase: the machine "
            "was shared, so absolute rates and latencies are low; rerun on an idle machine"
        )
    return "load generator a bottleneck? " + verdict + "\n" + "\n".join(lines)


# --- the run -----------------------------------------------------------------------------


def crash_check(
    args: argparse.Namespace, repo: Path, root: Path, revision: str, servers: list[Server]
) -> None:
    """Phase C: SIGKILL the server under POST load, then look for every acknowledged id."""
    from intake.spool import Spool  # after sys.path has the checkout (see main)

    spool_dir = root / "spool-crash"
    server = Server(repo, spool_dir, args.workers, root / "gunicorn-crash.log")
    servers.append(server)
    server.wait_ready()
    crash = run_load("C", "post", server, revision, args, crash_after=args.seconds / 2)
    acked = crash.acknowledged
    spool = Spool(spool_dir)
    removed = spool.recover()
    found = [review_id for review_id in acked if spool.get(review_id) is not None]
    lost = len(acked) - len(found)
    stored = len(spool.pending())
    print(f"phase C  crash: SIGKILL of the process group {args.seconds / 2:.1f} s into POST load")
    print(
        f"  acknowledged {len(acked)}, found {len(found)}, lost {lost}   "
        f"(target 0: {_verdict(lost == 0 and len(acked) > 0)})"
    )
    print(
        f"  before the kill: {crash.ok} accepted, {crash.rate:.1f} reviews/s, "
        f"errors {_errors(crash.errors)} (requests cut by the kill may count)"
    )
    duplicates = len(acked) - len(set(acked))
    print(
        f"  spool after recover(): {stored} pending reviews (answers cut off by the kill "
        f"may add some), {removed} torn bytes/probe files removed, {duplicates} duplicate ids"
    )
    restarted = Server(repo, spool_dir, args.workers, root / "gunicorn-restart.log")
    servers.append(restarted)
    restarted.wait_ready()
    sample = random.Random(1).sample(acked, min(SAMPLE, len(acked)))
    pending = 0
    for review_id in sample:
        try:
            with urllib.request.urlopen(
                restarted.url(f"/api/v1/reviews/{review_id}"), timeout=REQUEST_TIMEOUT
            ) as answer:
                pending += answer.status == 200 and json.load(answer).get("status") == "pending"
        except (OSError, urllib.error.URLError, ValueError):
            pass
    print(
        f"  after restart: {pending} of {len(sample)} sampled acknowledged ids answer pending "
        f"({_verdict(pending == len(sample) > 0)})"
    )
    restarted.stop()


def run(args: argparse.Namespace, root: Path) -> None:
    repo = root / "project"
    revision = make_repo(repo)
    cpus = os.cpu_count() or 1
    spool_dir = root / "spool"
    print(
        f"Lawtrail intake benchmark: {args.clients} clients, {args.seconds:g} s per phase "
        f"(+{args.warmup:g} s warm-up), {args.workers} gunicorn sync workers, "
        f"{cpus} CPUs, Python {platform.python_version()}"
    )
    print(
        f"clients: {min(args.client_processes, args.clients)} processes, http.client "
        f"keep-alive connections reopened after each close; spool on {_fs_type(root)}"
    )
    servers: list[Server] = []
    try:
        server = Server(repo, spool_dir, args.workers, root / "gunicorn.log")
        servers.append(server)
        server.wait_ready()
        runs_a: list[Phase] = []
        runs_b: list[Phase] = []
        for _ in range(args.repeat):  # alternating, so drifting load on the machine hits both
            runs_a.append(run_load("A", "get", server, revision, args))
            runs_b.append(run_load("B", "post", server, revision, args))
        server.stop()
        ratios = [b.rate / a.rate if a.rate else 0.0 for a, b in zip(runs_a, runs_b, strict=True)]
        middle = sorted(range(len(ratios)), key=ratios.__getitem__)[len(ratios) // 2]
        baseline, reviews = runs_a[middle], runs_b[middle]
        median = f", the run with the median ratio of {args.repeat}" if args.repeat > 1 else ""
        print_phase(
            f"phase A  GET /api/v1/drafts/{SLUG} (trivial baseline{median})", "req", baseline
        )
        print_phase(
            f"phase B  POST /api/v1/reviews (accepted, durable{median})", "reviews", reviews
        )
        for n, (a, b, ratio) in enumerate(zip(runs_a, runs_b, ratios, strict=True), 1):
            print(
                f"  run {n}: A {a.rate:7.1f} req/s, B {b.rate:6.1f} reviews/s, ratio {ratio:.2f}, "
                f"server CPU {_per_request(a):.2f} / {_per_request(b):.2f} ms/request"
            )
        ratio = ratios[middle]
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
        print(
            f"ratio B/A: median {ratio:.2f} of {args.repeat} runs (spread {spread}; "
            f"target >= {TARGET_RATIO:.2f}): {_verdict(ratio >= TARGET_RATIO)}"
        )
        p99 = Phase.pooled("B", runs_b).percentile(0.99)
        print(
            f"POST p99 at {args.clients} clients, every run: {p99:.1f} ms "
            f"(target <= {TARGET_P99_MS:g} ms): {_verdict(p99 <= TARGET_P99_MS)}"
        )
        errors = sum((phase.errors for phase in runs_b), Counter[str]())
        print(f"phase B errors (any answer but 201, every run): {_errors(errors)}")
        costs = [_per_request(b) / _per_request(a) for a, b in zip(runs_a, runs_b, strict=True)]
        if all(math.isfinite(cost) for cost in costs):
            print(
                f"server CPU per request, B over A: median {sorted(costs)[len(costs) // 2]:.2f}x "
                f"(spread {min(costs):.2f}-{max(costs):.2f}x): the ratio a quiet machine would "
                "give is about 1 over this"
            )
        crash_check(args, repo, root, revision, servers)
        print(bottleneck([baseline, reviews], cpus))
    finally:
        for server in servers:
            server.stop()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds a phase (10)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="uncounted seconds before each phase (1)"
    )
    parser.add_argument(
        "--client-processes",
        type=int,
        default=os.cpu_count() or 1,
        help="processes the clients are spread over (one per CPU)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="run A and B K times alternately; report the median ratio and its spread (3)",
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="move repo, spools, logs to DIR")
    args = parser.parse_args(argv)
    if min(args.clients, args.workers, args.client_processes, args.repeat) < 1:
        parser.error("--clients, --workers, --client-processes and --repeat must be at least 1")
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    if args.warmup < 0:
        parser.error("--warmup cannot be negative")
    if args.keep is not None and args.keep.exists():
        parser.error(f"--keep {args.keep}: already exists; name a new folder")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Run as a script, this folder is first on sys.path, and this file would shadow the
    # `intake` package; the checkout comes first instead (spawned clients inherit it).
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [str(ROOT)] + [p for p in sys.path if p and Path(p).resolve() != Path(here)]
    root = Path(tempfile.mkdtemp(prefix="lawtrail-intake-bench-"))
    try:
        run(args, root)
    except (OSError, RuntimeError, queue.Empty, subprocess.CalledProcessError) as err:
        detail = getattr(err, "stderr", None) or ""
        print(f"benchmark failed: {err}\n{detail}", file=sys.stderr)
        return 1
    finally:
        if args.keep is not None:
            shutil.move(root, args.keep)
            print(f"kept in {args.keep}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
