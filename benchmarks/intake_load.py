"""The intake benchmark's load generator: `--clients` concurrent clients in several
processes (one Python process's GIL caps its threads at one core), each with persistent
`http.client` connections, counting only the requests that complete inside the measured
window; and the CPU that the server, the clients and everything else used meanwhile.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import multiprocessing.synchronize
import resource
import signal
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.intake_server import HOST, SLUG, Server, machine_cpu_seconds, submission

REQUEST_TIMEOUT = 10.0  # seconds; a request slower than this counts as an error


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
            machine_cpu_seconds(),
            time.time(),
        )
        if crash_after is None:
            _sleep_until(load.deadline)
            window_end = time.time()
            server_end, machine_end = server.cpu_seconds(), machine_cpu_seconds()
        else:
            _sleep_until(load.window_start + crash_after)
            server_end, machine_end = server.cpu_seconds(), machine_cpu_seconds()
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
            f"phase {name}: no request succeeded (errors {errors_text(phase.errors)})\n"
            + server.tail()
        )
    return phase


def per_request(phase: Phase) -> float:
    """The server's CPU milliseconds per successful request (NaN where /proc is missing)."""
    if phase.server_cpu is None or not phase.ok:
        return math.nan
    return 1000 * phase.server_cpu / phase.ok


def _delta(start: float | None, end: float | None) -> float | None:
    return None if start is None or end is None else end - start


def errors_text(errors: Counter[str]) -> str:
    """Errors as the report prints them: the total, then each kind with its count."""
    if not errors:
        return "0"
    detail = ", ".join(f"{count} x {kind}" for kind, count in errors.most_common())
    return f"{sum(errors.values())} ({detail})"
