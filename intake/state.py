"""What a worker holds between requests: the corpus of drafts and the spool.

Git never runs inside a request. The corpus is loaded when the app is created (each gunicorn
worker creates its own before it takes a request) and reloaded
by a background thread when the repository changes (a new commit, an edited draft), which
it notices by the modification times of a few files: cheap `stat` calls, no git.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import threading
import weakref
from pathlib import Path

from intake.spool import Spool
from site_builder.config_file import load_site_options
from site_builder.corpus import Corpus, load_site_corpus
from site_builder.urls import reviews_dir

log = logging.getLogger("lawtrail.intake")


class IntakeState:
    """The corpus (refreshed in the background) and the spool of one worker process."""

    def __init__(
        self, config_file: Path, spool_dir: Path, refresh_seconds: float, min_free: int
    ) -> None:
        """Load the corpus now, before any request: git runs here and in the background
        reloads, never in a request.

        Raises:
            LawtrailError: the site's configuration or its drafts cannot be loaded.
            SpoolError: the spool directory cannot be created.
        """
        self.config_file = config_file
        self.refresh_seconds = refresh_seconds
        self.spool = Spool(spool_dir, min_free)
        self._signature: tuple[float, ...] = ()
        self._lock = threading.Lock()
        self._watcher_pid: int | None = None
        self._drafts_dir = config_file.parent / "drafts"
        self.loaded_at = ""
        self._corpus = self._load()
        self.start()
        # gunicorn --preload forks workers from a process whose threads do not survive the
        # fork: each child starts its own watcher before its first request too.
        os.register_at_fork(after_in_child=functools.partial(_restart, weakref.ref(self)))

    @property
    def corpus(self) -> Corpus:
        """The drafts as of the last load (replaced whole by a reload, never half-built)."""
        return self._corpus

    def start(self) -> None:
        """Recover the spool and start watching the repository, once per process.

        Called when the app is created (each gunicorn worker creates its own), in a child
        after a fork, and again on each request, which finds it done.
        """
        if self._watcher_pid == os.getpid():
            return
        with self._lock:
            if self._watcher_pid == os.getpid():
                return
            self._watcher_pid = os.getpid()
            self.spool.recover()
            if self.refresh_seconds > 0:
                thread = threading.Thread(target=self._watch, name="lawtrail-refresh", daemon=True)
                thread.start()

    def reviews_dir(self, slug: str) -> Path:
        """Where merged reviews of a draft live."""
        return reviews_dir(self.drafts_dir, slug)

    @property
    def drafts_dir(self) -> Path:
        """The folder of drafts (from the last corpus load)."""
        return self._drafts_dir

    def _load(self) -> Corpus:
        signature = self._current_signature()
        corpus = load_site_corpus(load_site_options(self.config_file))
        self._drafts_dir = corpus.drafts_dir
        # One assignment: a request sees the old corpus or the new one, never a mix.
        self._corpus, self._signature = corpus, signature
        self.loaded_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for warning in corpus.warnings:
            log.info(warning)
        return corpus

    def _watch(self) -> None:
        stop = threading.Event()
        while not stop.wait(self.refresh_seconds):
            try:
                if self._current_signature() != self._signature:
                    self._load()
            except Exception:  # a broken draft mid-edit: keep serving the last good corpus
                log.exception("reloading drafts failed; keeping the previous ones")

    def _current_signature(self) -> tuple[float, ...]:
        """Modification times that change when a commit lands or a draft is edited."""
        root = self.config_file.parent
        paths = [root / ".git" / "HEAD", root / ".git" / "packed-refs", self.config_file]
        refs = root / ".git" / "refs" / "heads"
        if refs.is_dir():
            paths.extend(sorted(refs.rglob("*")))
        drafts = self._drafts_dir
        if drafts.is_dir():
            paths.extend(sorted(drafts.glob("*/draft.md")))
            paths.extend(sorted(drafts.glob("*/draft.*.md")))  # language versions
        return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in paths)


def _restart(ref: weakref.ref[IntakeState]) -> None:
    """In a forked child: a new lock (one held by another thread at the fork stays held),
    and this process's own watcher."""
    state = ref()
    if state is None:
        return
    state._lock = threading.Lock()
    try:
        state.start()
    except Exception:  # the first request retries, and answers 503 if the spool is broken
        log.exception("starting the intake in a new worker failed")
