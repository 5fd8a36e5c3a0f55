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
against the draft's structure, the rate limiter, the tracking number and one durable
append (the review with its contact, one record). `/health` would be a worse baseline (it
writes and unlinks a probe file) and `/openapi.json` too (it serialises a 10 KB document).

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
import json
import math
import os
import platform
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the Lawtrail checkout: `intake` imports from here
# Run as a script, this folder is first on sys.path, where this file would shadow the `intake`
# package: the checkout comes first instead (spawned clients inherit it).
sys.path[:] = [str(ROOT)] + [
    p for p in sys.path if p and Path(p).resolve() != Path(__file__).resolve().parent
]

from benchmarks.intake_load import (  # noqa: E402
    REQUEST_TIMEOUT,
    Phase,
    errors_text,
    per_request,
    run_load,
)
from benchmarks.intake_server import SLUG, Server, fs_type, make_repo  # noqa: E402

TARGET_RATIO = 0.35  # median over the runs of accepted reviews/s over baseline requests/s
TARGET_P99_MS = 100.0  # POST p99 latency
SAMPLE = 50  # acknowledged ids checked over HTTP after the restart


# --- the report --------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_phase(title: str, unit: str, phase: Phase) -> None:
    print(f"{title}")
    print(
        f"  {phase.rate:8.1f} {unit}/s   ({phase.ok} in {phase.seconds:.2f} s)   "
        f"p50 {phase.percentile(0.50):.1f} ms   p99 {phase.percentile(0.99):.1f} ms   "
        f"errors {errors_text(phase.errors)}"
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
    from intake.spool import Spool

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
        f"errors {errors_text(crash.errors)} (requests cut by the kill may count)"
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
        f"keep-alive connections reopened after each close; spool on {fs_type(root)}"
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
                f"server CPU {per_request(a):.2f} / {per_request(b):.2f} ms/request"
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
        print(f"phase B errors (any answer but 201, every run): {errors_text(errors)}")
        costs = [per_request(b) / per_request(a) for a, b in zip(runs_a, runs_b, strict=True)]
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
