"""What a worker holds between requests: the corpus of drafts and the spool.

Git never runs inside a request. The corpus is loaded when the app is created (each gunicorn
worker creates its own before it takes a request) and reloaded
by a background thread when the repository changes (a new commit, an edited draft), which
it notices by the modification times of a few files: cheap `stat` calls, no git. Which
files name the commits (`HEAD`, the branches) is asked of git once, at start: the project
may be a subfolder of its repository, or a `git worktree`, whose `.git` is elsewhere.

A reload that fails (a draft committed broken) keeps the last good corpus and is reported
once, and by `/api/v1/ready`, until the repository changes again. A worker that gunicorn
starts again while the drafts cannot be loaded has no good corpus to keep: rather than fail
to boot, which makes gunicorn halt the whole intake, it starts without one, answers 503,
and loads the drafts once they are fixed.

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
from intake.workspace import ModerationError, Workspace
from site_builder.config_file import load_site_options
from site_builder.corpus import Corpus, load_site_corpus
from site_builder.errors import LawtrailError
from site_builder.urls import reviews_dir

log = logging.getLogger("lawtrail.intake")
COMPACT_EVERY = 24 * 3600.0  # seconds between two compactions of the spool by one worker


class CorpusUnavailable(Exception):
    """This worker has no drafts to check comments against: they failed to load when it
    started (`IntakeState.load_error` says why); it loads them once they are fixed."""


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
        Drafts that cannot be loaded then were broken by a commit since the intake started:
        the worker starts without them, answers 503, and loads them once they are fixed.

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
        self._refs = _refs(config_file.parent)
        self.loaded_at = ""
        self.load_error: str | None = None  # why the last load failed, while it stands
        self._corpus: Corpus | None = None
        try:
            self._load(self._current_signature())
        except LawtrailError as err:
            if not restarted():
                raise
            self.load_error = self._public(err)
            log.error(
                "the drafts cannot be loaded (%s); this worker starts anyway, answers 503 and "
                "loads them once they are fixed",
                err,
            )
        self.start()
        # gunicorn --preload forks workers from a process whose threads do not survive the
        # fork: each child starts its own watcher before its first request too.
        os.register_at_fork(after_in_child=functools.partial(_restart, weakref.ref(self)))

    @property
    def corpus(self) -> Corpus:
        """The drafts as of the last load (replaced whole by a reload, never half-built).

        Raises:
            CorpusUnavailable: no load has succeeded in this worker yet.
        """
        corpus = self._corpus
        if corpus is None:
            raise CorpusUnavailable(self.load_error or "the drafts are not loaded")
        return corpus

    @property
    def loaded(self) -> Corpus | None:
        """The drafts as of the last load, or None when none has succeeded yet."""
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
        process is compacting now, or if the drafts (and the site's time zone) are not
        loaded yet.

        Raises:
            SpoolError: a journal cannot be rewritten.
            ModerationError: git cannot tell which commits HEAD holds.
        """
        corpus = self._corpus
        if corpus is None:
            return None
        today = dt.datetime.now(ZoneInfo(corpus.timezone)).date()
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

    def _load(self, signature: tuple[float, ...]) -> None:
        """Load the drafts as the repository is now; `signature` was taken just before, so
        a change made during the load is seen by the next check, and a failed load is not
        tried again until the repository changes."""
        self._signature = signature
        corpus = load_site_corpus(load_site_options(self.config_file))
        self._drafts_dir = corpus.drafts_dir
        # One assignment: a request sees the old corpus or the new one, never a mix.
        self._corpus = corpus
        self.loaded_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.load_error = None
        for warning in corpus.warnings:
            log.info(warning)

    def _reload(self) -> None:
        """Load the drafts again if the repository changed since the last try. A failure
        is logged once, and kept in `load_error`; the last good corpus stays."""
        try:
            signature = self._current_signature()
            if signature == self._signature:
                return  # tried as it is now: loaded, or failed and reported
            self._load(signature)
        except Exception as err:  # a broken draft mid-edit: keep serving the last good corpus
            self.load_error = self._public(err)
            if self._corpus is None:
                log.error("loading the drafts failed again: %s", err)
            elif isinstance(err, LawtrailError):
                log.error("reloading the drafts failed; the previous ones stay: %s", err)
            else:
                log.exception("reloading the drafts failed; the previous ones stay")

    def _public(self, err: Exception) -> str:
        """An error as `/api/v1/ready` shows it: paths relative to the project."""
        if not isinstance(err, LawtrailError):
            return f"{type(err).__name__} while loading the drafts (see the intake's log)"
        return str(err).replace(f"{self.config_file.parent}/", "")

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
            self._reload()

    def _current_signature(self) -> tuple[float, ...]:
        """Modification times that change when a commit lands or a draft is edited."""
        head, common = self._refs
        paths = [head / "HEAD", common / "packed-refs", self.config_file]
        refs = common / "refs" / "heads"
        if refs.is_dir():
            paths.extend(sorted(refs.rglob("*")))
        drafts = self._drafts_dir
        if drafts.is_dir():
            paths.extend(sorted(drafts.glob("*/draft.md")))
            paths.extend(sorted(drafts.glob("*/draft.*.md")))  # language versions
        return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in paths)


def _refs(project: Path) -> tuple[Path, Path]:
    """The folders holding the project's `HEAD` and its branches: `.git` of the project's
    repository, or a worktree's own folder and the repository's (asked of git once)."""
    try:
        workspace = Workspace(project, project, "HEAD")
        found = workspace.git(
            "rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir"
        )
        head, common = found.splitlines()
    except (ModerationError, ValueError):
        return project / ".git", project / ".git"  # not a repository: the load says so
    return Path(head), Path(common)


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
