"""What a worker holds between requests: the corpus of drafts and the spool.

Git never runs inside a request. The corpus is loaded when the app is created (each gunicorn
worker creates its own before it takes a request) and reloaded
by a background thread when the repository changes (a new commit, an edited draft), which
it notices by the modification times of a few files: cheap `stat` calls, no git.

The spool is compacted in the background too (`Spool.compact`): when a worker starts and
then once a day, unless LAWTRAIL_SPOOL_RETENTION_DAYS is 0. Workers that find another one
at it skip their turn; requests never wait for more than the final swap of a journal.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Collection
from pathlib import Path
from zoneinfo import ZoneInfo

from intake.spool import Compaction, Spool, SpoolError
from intake.workspace import Workspace
from site_builder.config_file import load_site_options
from site_builder.corpus import Corpus, load_site_corpus
from site_builder.urls import reviews_dir

log = logging.getLogger("lawtrail.intake")
COMPACT_EVERY = 24 * 3600.0  # seconds between two compactions of the spool by one worker


class IntakeState:
    """The corpus (refreshed in the background) and the spool of one worker process."""

    def __init__(
        self,
        config_file: Path,
        spool_dir: Path,
        refresh_seconds: float,
        min_free: int,
        retention_days: int = 0,
        restarted: Callable[[], bool] = lambda: False,
    ) -> None:
        """Load the corpus now, before any request: git runs here and in the background
        reloads, never in a request. Decided reviews leave the spool `retention_days` after
        their decision (0: never).

        `restarted`: whether this is a worker started again under a running intake (asked
        when a fault shows: a sibling may finish starting meanwhile). A spool that cannot be
        written then is a storage fault, not a configuration one: the worker starts, its
        saves answer 503, and it recovers the spool on a later request once the disk can.

        Raises:
            LawtrailError: the site's configuration or its drafts cannot be loaded.
            SpoolError: the spool directory cannot be created.
        """
        self.config_file = config_file
        self.refresh_seconds = refresh_seconds
        self.retention_days = retention_days
        self.spool = Spool(spool_dir, min_free)
        self._signature: tuple[float, ...] = ()
        self._lock = threading.Lock()
        self._watcher_pid: int | None = None
        self._restarted = restarted
        self._recovered = False
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
        after a fork, and again on each request, which finds it done (or, in a restarted
        worker whose spool could not be recovered yet, tries the recovery again).
        """
        if self._watcher_pid == os.getpid() and self._recovered:
            return
        with self._lock:
            if self._watcher_pid == os.getpid():
                if not self._recovered:
                    self._recover()
                return
            self._watcher_pid = os.getpid()
            self._recovered = False
            self._recover()
            if self.refresh_seconds > 0:
                thread = threading.Thread(target=self._watch, name="lawtrail-refresh", daemon=True)
                thread.start()
            if self.retention_days > 0:
                # A weak reference: an app that is dropped (in tests) takes its spool along.
                compactor = threading.Thread(
                    target=_compact_daily, args=(weakref.ref(self),), name="lawtrail-compact"
                )
                compactor.daemon = True
                compactor.start()

    def _recover(self) -> None:
        """Recover the spool; in a restarted worker, a storage fault waits for a later try."""
        try:
            self.spool.recover()
        except SpoolError as err:
            if not self._restarted():
                raise
            log.warning(
                "the spool cannot be recovered yet (%s); saves answer 503 until it can", err
            )
        else:
            self._recovered = True

    def compact(self) -> Compaction | None:
        """Drop the reviews decided more than `retention_days` days ago (today in the site's
        time zone) whose commit is in the history of the project's HEAD; None if another
        process is compacting now.

        Raises:
            SpoolError: a journal cannot be rewritten.
            ModerationError: git cannot tell which commits HEAD holds.
        """
        today = dt.datetime.now(ZoneInfo(self._corpus.timezone)).date()
        before = today - dt.timedelta(days=self.retention_days)

        def in_git(commits: Collection[str]) -> set[str]:
            workspace = Workspace(self.config_file.parent, self.drafts_dir, "HEAD")
            return workspace.reachable(commits, "HEAD")

        return self.spool.compact(before, in_git, wait=False)

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

    def _compact_and_log(self) -> None:
        """Compact the spool, and log what went; an error is logged, never raised."""
        try:
            done = self.compact()
        except Exception:  # the spool still works uncompacted: say why, try tomorrow
            log.exception("compacting the spool failed; it is tried again in a day")
            return
        if done is not None and (done.reviews or done.suspects or done.orphans):
            log.info(
                "spool compacted: %d review(s) decided before %s dropped, with %d contact(s), "
                "and %d contact(s) without a review; %d honeypot catch(es) cut to a stub; "
                "%d wait for their commit in git; journals %d -> %d bytes",
                done.reviews,
                done.before,
                done.contacts,
                done.orphans,
                done.suspects,
                done.unsettled,
                done.bytes_before,
                done.bytes_after,
            )

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


def _compact_daily(ref: weakref.ref[IntakeState]) -> None:
    """Compact the spool of the state now and then once a day, for as long as it exists."""
    while (state := ref()) is not None:
        state._compact_and_log()
        del state
        time.sleep(COMPACT_EVERY)


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
