"""A full disk under load: the intake's spool on a small real tmpfs that fills up.

The real intake (`gunicorn --workers W "intake:create_app()"`, as `benchmarks/intake.py`
starts it) takes reviews of about 5 KB, each with an e-mail, from `--clients` concurrent
clients, with its spool on a `--size` tmpfs of which a filler file takes `--filler`. Once
the disk is full, every answer must be 503 `storage_full` (never a 201 for an unsaved
review, never a hang); the clients stop after `--refusals` of them. The filler is then
removed, and the figures say how long the intake took to answer 201 again by itself.
Finally the whole process group is SIGKILLed, and the spool is opened and `recover()`ed:
every acknowledged review must be there with its e-mail (lost = 0), no torn record may be
left (bytes cut = 0), and no refused submission's e-mail may be anywhere in the spool.

Needs root, to mount the tmpfs (CI runs as root); otherwise it says so and does nothing.

    .venv/bin/python benchmarks/full_disk.py [--size 16m] [--filler 4] [--clients 8]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FILLER_TEXT = "The fee is too high for small farms. " * 130  # about 5 KB of comment


@dataclass
class Outcome:
    """What the clients saw: acknowledged ids with their e-mails, refusals, the slowest."""

    accepted: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0
    took: dict[str, list[float]] = field(default_factory=dict)  # seconds, by status
    lock: threading.Lock = field(default_factory=threading.Lock)


def post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def client(url: str, review: dict[str, Any], number: int, refusals: int, out: Outcome) -> None:
    """Post big reviews until the clients together have seen `refusals` refusals."""
    n = 0
    while len(out.refused) < refusals:
        n += 1
        email = f"voter-{number}-{n}@example.org"
        comment = {**review["comments"][0], "body": f"{number}-{n} {FILLER_TEXT}"}
        body = {**review, "comments": [comment], "contact": {"email": email}}
        started = time.monotonic()
        status, answer = post(url, body)
        took = time.monotonic() - started
        code = answer.get("error", {}).get("code", "") if status != 201 else ""
        with out.lock:
            out.slowest = max(out.slowest, took)
            out.answers[f"{status} {code}".strip()] += 1
            out.took.setdefault(str(status), []).append(took)
            if status == 201:
                out.accepted[answer["id"]] = email
            else:
                out.refused.append(email)


def run(args: argparse.Namespace, work: Path) -> None:
    from benchmarks.intake_server import Server, make_repo, submission
    from intake.spool import Spool

    revision = make_repo(work / "project")
    disk = work / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.size}", "tmpfs", str(disk)],
                   check=True)  # fmt: skip
    try:
        filler = disk / "filler"
        filler.write_bytes(b"\0" * (args.filler * 1024 * 1024))
        spool = disk / "spool"
        server = Server(work / "project", spool, args.workers, work / "gunicorn.log")
        try:
            server.wait_ready()
            url = server.url("/api/v1/reviews")
            out = Outcome()
            review = submission(revision, 0, 0)
            started = time.monotonic()
            threads = [
                threading.Thread(target=client, args=(url, review, n, args.refusals, out))
                for n in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            filling = time.monotonic() - started
            filler.unlink()
            freed = time.monotonic()
            probe = {**review, "comments": [{**review["comments"][0], "body": "Space again?"}]}
            while (answer := post(url, probe))[0] != 201:
                time.sleep(0.05)
            back = time.monotonic() - freed
            out.accepted[answer[1]["id"]] = "ann@example.org"
        finally:
            server.kill()
        stored = Spool(spool)
        cut = stored.recover()
        lost = [i for i, email in out.accepted.items() if stored.contact(i) != {"email": email}]
        kept = b"".join(p.read_bytes() for p in spool.iterdir() if p.is_file())
        left = [email for email in out.refused if email.encode() in kept]
        journal = (spool / "reviews.journal").stat().st_size
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)

    print(f"Spool on a {args.size} tmpfs, {args.filler} MiB taken by a filler, {args.workers} "
          f"workers, {args.clients} clients, reviews of about 5 KB with an e-mail")  # fmt: skip
    print(f"  accepted until the disk was full: {len(out.accepted) - 1:,} "
          f"({journal / 1e6:.1f} MB of journal, {filling:.1f} s)")  # fmt: skip
    print(f"  answers: {', '.join(f'{k}: {v:,}' for k, v in sorted(out.answers.items()))}")
    print(f"  slowest answer: {out.slowest * 1000:.0f} ms (a hang would show here)")
    accepted, refused = (statistics.median(out.took.get(s) or [math.nan]) for s in ("201", "503"))
    ratio = refused / accepted
    print(f"  median 503 answer {refused * 1000:.1f} ms = {ratio:.2f}x the median 201 answer "
          f"of the same run ({accepted * 1000:.1f} ms; target <= 2x, a refusal as quick as a "
          f"save: {'ok' if ratio <= 2 else 'MISSED'})")  # fmt: skip
    print(f"  first 201 after the filler was removed, without a restart: {back:.2f} s")
    print(f"  after SIGKILL and recover(): lost {len(lost)} of {len(out.accepted):,} "
          f"acknowledged, torn bytes cut {cut}, refused e-mails left {len(left)}")  # fmt: skip
    others = sum(v for k, v in out.answers.items() if k not in ("201", "503 storage_full"))
    ok = not lost and not cut and not left and not others and out.slowest < 10
    print(f"  verdict: {'ok' if ok else 'FAILED'}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="16m", help="the tmpfs size, as mount takes it")
    parser.add_argument("--filler", type=int, default=4, help="MiB taken before the start")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--refusals", type=int, default=200, help="503s before stopping")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if os.geteuid() != 0:
        print("benchmarks/full_disk.py: needs root to mount a tmpfs; not run.")
        return 0
    # Run as a script, this folder is first on sys.path, where intake.py would shadow the
    # `intake` package: the checkout comes first instead.
    here = Path(__file__).resolve().parent
    sys.path[:] = [str(ROOT)] + [p for p in sys.path if p and Path(p).resolve() != here]
    work = Path(tempfile.mkdtemp(prefix="lawtrail-full-disk-"))
    try:
        run(args, work)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as err:
        print(f"benchmark failed: {err}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
