"""What a worker holds between requests: the corpus of drafts and the spool.

Git never runs inside a request. The corpus is loaded when the worker starts and reloaded
by a background thread when the repository changes (a new commit, an edited draft), which
it notices by the modification times of a few files: cheap `stat` calls, no git.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from intake.spool import Spool
from site_builder.config_file import load_site_options
from site_builder.corpus import Corpus, load_site_corpus
from site_builder.urls import reviews_dir

log = logging.getLogger("lawtrail.intake")


class IntakeState:
    """The corpus (refreshed in the background) and the spool of one worker process."""

    def __init__(self, config_file: Path, spool_dir: Path, refresh_seconds: float) -> None:
        self.config_file = config_file
        self.refresh_seconds = refresh_seconds
        self.spool = Spool(spool_dir)
        self._corpus: Corpus | None = None
        self._signature: tuple[float, ...] = ()
        self._lock = threading.Lock()
        self._watcher_pid: int | None = None
        self._drafts_dir = config_file.parent / "drafts"

    @property
    def corpus(self) -> Corpus:
        """The drafts as of the last load; the first call loads them."""
        if self._corpus is None:
            with self._lock:
                if self._corpus is None:
                    self._load()
        assert self._corpus is not None
        return self._corpus

    def start(self) -> None:
        """Recover the spool and start watching the repository, once per process.

        gunicorn forks workers after importing the app, and threads do not survive a fork,
        so each worker starts its own watcher on its first request.
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

    def _load(self) -> None:
        signature = self._current_signature()
        corpus = load_site_corpus(load_site_options(self.config_file))
        self._drafts_dir = corpus.drafts_dir
        self._corpus, self._signature = corpus, signature
        for warning in corpus.warnings:
            log.info(warning)

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
        return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in paths)
