"""The intake under a real gunicorn on 127.0.0.1: concurrency, crashes, limits, schema."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from intake.spool import Spool
from tests.conftest import Repo, draft

BODY = "### Article 1. Fees\n\n1. A reply is due within 15 working days.\n"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A gunicorn process group serving the intake."""

    def __init__(
        self,
        repo: Path,
        spool: Path,
        workers: int = 4,
        wrap: list[str] | None = None,
        log_dir: Path | None = None,
        **env: str,
    ) -> None:
        """Start it; `wrap` is a command to run it under (e.g. faketime); its log goes to
        `log_dir` (default: beside the spool, which a test that swaps the spool's disk must
        not use)."""
        self.port = free_port()
        self.wrap = wrap or []
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (log_dir or spool.parent) / f"gunicorn-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = self._start(repo, spool, workers, log, env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()}")

    def _start(
        self, repo: Path, spool: Path, workers: int, log: Any, env: dict[str, str]
    ) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                *self.wrap,
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "2",
                "intake:create_app()",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LAWTRAIL_REPO": str(repo),
                "LAWTRAIL_SPOOL_DIR": str(spool),
                "LAWTRAIL_REFRESH_SECONDS": "0",
                "LAWTRAIL_RATE_LIMIT": "100000 per minute",
                **env,
            },
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # its own process group: SIGKILL hits master and workers
        )

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a crash would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, str]:
    repo = Repo(tmp_path_factory.mktemp("server") / "project")
    sha = repo.revise(
        "fees", draft(BODY, discussion={"opens": "2026-01-01", "closes": "2099-12-31"})
    )
    return repo, sha


def submission(sha: str, n: int = 0) -> bytes:
    return json.dumps(
        {
            "draft": "fees",
            "revision": sha,
            "comments": [{"target": {"eid": "art_1__para_1"}, "body": f"Comment number {n}."}],
        }
    ).encode()


def post(url: str, body: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url + "/api/v1/reviews", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_concurrent_posts_to_four_workers_are_all_on_disk(
    project: tuple[Repo, str], tmp_path: Path
) -> None:
    """Sixteen clients posting at once: every 201's review is in the spool and parseable."""
    repo, sha = project
    server = Server(repo.root, tmp_path / "spool")
    try:
        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda n: post(server.url, submission(sha, n)), range(400)))
    finally:
        server.kill()
    assert {status for status, _ in results} == {201}
    spool = Spool(tmp_path / "spool")
    for _, body in results:
        review = spool.get(body["id"])
        assert review is not None and review.comments[0].eid == "art_1__para_1"
    assert len(spool.pending()) == 400


def test_acknowledged_reviews_survive_sigkill(project: tuple[Repo, str], tmp_path: Path) -> None:
    """Kill master and workers mid-load: every acknowledged review is there after restart."""
    repo, sha = project
    server = Server(repo.root, tmp_path / "spool")
    acknowledged: list[str] = []
    stop = threading.Event()

    def client(n: int) -> None:
        while not stop.is_set():
            try:
                status, body = post(server.url, submission(sha, n))
            except (OSError, http.client.HTTPException):
                return  # the server died before the whole answer arrived: not acknowledged
            if status == 201:
                acknowledged.append(body["id"])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) > 50
    restarted = Server(repo.root, tmp_path / "spool")
    try:
        for review_id in acknowledged:
            with urllib.request.urlopen(f"{restarted.url}/api/v1/reviews/{review_id}") as answer:
                assert json.loads(answer.read())["status"] == "pending"
    finally:
        restarted.kill()


def test_chunked_body_over_the_limit_is_413(project: tuple[Repo, str], tmp_path: Path) -> None:
    """A chunked body past 64 KB is refused with 413, not cut short and misread."""
    repo, sha = project
    server = Server(repo.root, tmp_path / "spool", workers=1)
    try:
        body = submission(sha)[:-2] + b', "website": "' + b"a" * 80_000 + b'"}'
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        chunks = (body[i : i + 4096] for i in range(0, len(body), 4096))
        connection.request(
            "POST",
            "/api/v1/reviews",
            body=chunks,
            headers={"Content-Type": "application/json"},
            encode_chunked=True,
        )
        answer = connection.getresponse()
        assert answer.status == 413
        assert json.loads(answer.read())["error"]["code"] == "too_large"
    finally:
        server.kill()
    assert Spool(tmp_path / "spool").pending() == []


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A throwaway Debian redis-server on 127.0.0.1."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(
            "Debian package 'redis-server' is not installed: apt-get install -y redis-server"
        )
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    process.kill()
    process.wait()


def test_redis_limit_holds_exactly_across_four_workers(
    project: tuple[Repo, str], tmp_path: Path, redis_url: str
) -> None:
    """With Redis storage, 10 per minute means 10 across all workers, not 10 each."""
    repo, sha = project
    server = Server(
        repo.root,
        tmp_path / "spool",
        LAWTRAIL_RATE_LIMIT="10 per minute",
        LAWTRAIL_RATE_LIMIT_STORAGE_URI=redis_url,
    )
    try:
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda n: post(server.url, submission(sha, n))[0], range(40)))
    finally:
        server.kill()
    assert statuses.count(201) == 10
    assert statuses.count(429) == 30


def test_schemathesis_finds_no_server_error_or_schema_break(
    project: tuple[Repo, str], tmp_path: Path
) -> None:
    """Generated requests from the OpenAPI document never get a 5xx or an off-schema answer."""
    repo, _ = project
    server = Server(repo.root, tmp_path / "spool", workers=2)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{server.url}/api/v1/openapi.json",
                "--checks",
                "not_a_server_error,response_schema_conformance,status_code_conformance",
                "--max-examples",
                "40",
                "--seed",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,  # schemathesis keeps a cache folder in its working directory
        )
    finally:
        server.kill()
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
