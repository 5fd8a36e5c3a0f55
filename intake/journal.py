"""The journal: one append-only file of checksummed records, durable across processes.

Crash guarantees. `Journal.commit` returns only after an fdatasync that began after its
record was fully written has succeeded, so a power loss after it returns loses nothing (the
directory is fsynced whenever a journal is opened, so a new journal's name survives too). A
crash mid-append leaves a torn record: readers skip it (a torn record is never followed by
a valid one from a live writer, because appends are serialised), and `recover()` truncates a
torn tail. The journal only grows between recoveries: truncating a failed append in place
could move the end of the file below a durable offset already published, and a later record
would then wrongly count as synced. A failed fdatasync (EIO) is not retried, since Linux
drops the failed pages and a retry would report success: the failure is recorded in the
`.sync` file, and every commit whose record was written before it fails too, in every
process, until `recover()` runs at the next start. A commit that raised may or may not be
stored; its caller acknowledged nothing, so nothing is acknowledged twice. A flusher killed
mid-fdatasync releases `.flush` with its process, and the next waiter takes over.

Replacement. A file is never rewritten in place; compaction (`intake/compaction.py`) renames
a new, durable file over the journal while it holds every lock (`exclusive()`), and
publishes the size it synced. A writer checks, once it holds the journal lock, that the
path still names the file it locked, and otherwise appends to the new one; a flusher
publishes a durable size only for the file the path names. So no record is appended to a
replaced file, and none counts as synced before an fdatasync of its own file covered it.

Files, beside `<name>.journal`: `<name>.sync`, the group-commit state (a hint for live
processes only), and `<name>.flush`, locked while an fdatasync of the journal is in flight.

Framing: `intake/framing.py`. What the kinds mean is the caller's business (see
`intake/spool.py`).

Group commit. Gunicorn runs several worker processes, and an fsync per record under one
lock caps the intake at one fsync per request. Instead, a writer

1. appends its record with one `write` (O_APPEND) under a short `flock` on the journal and
   notes the offset where its record ends;
2. under a short `flock` on `<name>.sync`, reads the durable offset published there. If it
   is at or past its end, an fdatasync that began after its write has covered it: done.
   Otherwise, if it can take `<name>.flush` at once, it becomes the flusher: it notes the
   file size, fdatasyncs outside the short lock, publishes that size and unlocks `.flush`.
   If it cannot, a flush is in flight: it waits for `.flush` in shared mode, so every
   waiter wakes when that flush ends, and goes back to step 2.

While one fdatasync runs, the other writers append and wait; the next flusher's single
fdatasync covers all of them. No writer ever waits through an fdatasync it does not need.

Reads. Each process hands each journal a `Reader`; on every read, the journal parses only
what was appended since and applies it (the reader is reset when the file shrinks or its
inode changes). Reads see records once complete, possibly a moment before their fdatasync
ends. Each worker parses the whole journal once when it starts.
"""

from __future__ import annotations

import errno
import fcntl
import os
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from intake.framing import decode, encode, scan

_STATE = struct.Struct("<QQQQ")


class SpoolError(Exception):
    """The spool cannot store: disk full, read-only, removed, or a failed fsync.

    `written` is True when the record was written whole but not made durable (its
    fdatasync failed): it may be stored after all, so no one may be told it was not.
    """

    code = "storage_unavailable"
    written = False


class StorageFull(SpoolError):
    """Too little free space to store a record; nothing was written. Clears by itself."""

    code = "storage_full"


class StorageReadOnly(SpoolError):
    """The spool's file system refuses writes (read-only, or no permission)."""

    code = "storage_read_only"


# errno values that mean the disk is full, or that the spool cannot be written at all.
_FULL = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


class Reader(Protocol):
    """What a journal's records are applied to, in the order they were appended."""

    def reset(self) -> None:
        """Forget every record: the journal was replaced and is read again from the start."""

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        """Take one complete, checksummed record."""


class Journal:
    """One append-only journal file: framed appends, group commit and an incremental reader.

    Safe to share between threads; after a fork the child opens its own files.
    """

    def __init__(self, path: Path, reader: Reader | None, min_free: int = 0) -> None:
        """Use the journal at `path`; apply what is read to `reader` (None: never read).

        An append is refused (`StorageFull`, nothing written) when it would leave less than
        `min_free` bytes free: a record cut short by a full disk would stay in the journal.
        """
        self.path = path
        self.min_free = min_free
        self.reader = reader  # suspects are only written: a bot flood must not fill workers
        self.failed: str | None = None
        self._local = threading.local()
        self._read_lock = threading.Lock()
        self._read_fd = -1
        self._offset = self._valid_end = self._read_inode = 0

    def commit(self, kind: bytes, data: dict[str, Any]) -> None:
        """Append one record and return once it is durable.

        Raises:
            ValueError: the record is larger than a journal takes.
            SpoolError: it may not be stored (the message says what to fix).
        """
        record = encode(kind, data)
        ticket = self._append_or_refuse(record)
        try:
            self._sync(ticket)
        except SpoolError as err:
            err.written = True
            raise
        except OSError as err:
            refusal = self._refusal(err)
            refusal.written = True
            raise refusal from err

    def _append_or_refuse(self, record: bytes) -> _Ticket:
        """`_append`, its OS errors turned into the refusals the intake answers with."""
        try:
            return self._append(record)
        except OSError as err:
            raise self._refusal(err) from err

    def _refusal(self, err: OSError) -> SpoolError:
        """The refusal an OS error on the journal means, saying what to fix."""
        if err.errno in _FULL:
            return StorageFull(
                f"Cannot store in {self.path}: the disk is full. Free disk space; the "
                "intake takes comments again by itself."
            )
        if err.errno in _READ_ONLY:
            return StorageReadOnly(
                f"Cannot store in {self.path}: {err.strerror}. Make the spool directory "
                "writable (LAWTRAIL_SPOOL_DIR)."
            )
        return SpoolError(
            f"Cannot store in {self.path}: {err.strerror or err}. "
            "Free disk space or fix the spool directory, then retry."
        )

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Apply what was appended since the last read, and hold readers off for the block."""
        with self._read_lock:
            try:
                self._parse_new()
            except OSError as err:
                raise SpoolError(f"Cannot read {self.path}: {err.strerror or err}") from err
            yield

    def healthy(self) -> bool:
        """Whether the journal can be opened and no fsync of it has failed in any process."""
        return not self.failed and not self._files().read_state().failed

    def recover(self) -> int:
        """Truncate a torn tail, fsync, and publish the result; returns the bytes cut."""
        with self.reading():  # the bulk of the parse, before writers are made to wait
            pass
        with self._all_locked() as files:
            with self._read_lock:
                size = self._parse_new()
                # No writer holds the lock, so whatever follows the last valid record is torn.
                cut = size - self._valid_end if self._read_inode == files.inode else 0
                if cut:
                    os.ftruncate(files.journal, self._valid_end)
                    self._offset = self._valid_end
            os.fdatasync(files.journal)
            epoch = files.read_state().epoch
            files.write_state(_State(files.inode, os.fstat(files.journal).st_size, epoch, 0))
            self.failed = None
        return cut

    @contextmanager
    def exclusive(self) -> Iterator[Locked]:
        """Hold off every append, fdatasync and recovery of the journal, in every process.

        Yields the journal as locked: the file its path names. A file renamed over it in the
        block is announced with `Locked.replaced`; writers that waited then append to it
        (`intake/compaction.py` does this).
        """
        with self._all_locked() as files:
            yield Locked(files)

    def close(self) -> None:
        """Close this thread's files and the reader's; the next use reopens them."""
        files: _Files | None = getattr(self._local, "files", None)
        if files is not None:
            files.close()
            self._local.files = None
        with self._read_lock:
            if self._read_fd >= 0:
                os.close(self._read_fd)
            self._read_fd = -1

    def after_fork(self) -> None:
        """In a forked child: a fresh reader lock, since another thread may have held it."""
        self._read_lock = threading.Lock()

    def _files(self) -> _Files:
        """This thread's open files, reopened after a fork or if the journal was replaced."""
        files: _Files | None = getattr(self._local, "files", None)
        if files is not None and files.pid == os.getpid():
            try:
                if os.stat(self.path).st_ino == files.inode:
                    return files
            except FileNotFoundError:
                pass
        if files is not None:
            files.close()
        self._local.files = files = _Files(self.path)
        return files

    @contextmanager
    def _all_locked(self) -> Iterator[_Files]:
        """This thread's files with the flush, state and journal locks held (in that order),
        the journal being the file the path names: only a holder of all three replaces it."""
        while True:
            files = self._files()
            fcntl.flock(files.flush, fcntl.LOCK_EX)
            fcntl.flock(files.state, fcntl.LOCK_EX)
            fcntl.flock(files.journal, fcntl.LOCK_EX)
            if _inode(self.path) == files.inode:
                break
            for fd in (files.journal, files.state, files.flush):  # replaced meanwhile
                fcntl.flock(fd, fcntl.LOCK_UN)
        try:
            yield files
        finally:
            for fd in (files.journal, files.state, files.flush):
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _append(self, record: bytes) -> _Ticket:
        """Write one framed record at the end of the journal (not yet durable)."""
        if self.failed:
            raise SpoolError(self.failed)
        while True:
            files = self._files()
            # Read before writing: if the epoch changes later, a failed fsync may have lost this.
            epoch = files.read_state().epoch
            with _Flock(files.journal):
                # A compaction may have renamed a new journal over this one while this waited
                # for the lock: the old file is gone, and a record written to it would be too.
                if _inode(self.path) != files.inode:
                    continue
                if self.min_free:
                    space = os.fstatvfs(files.journal)
                    if space.f_bavail * space.f_frsize < self.min_free + len(record):
                        raise StorageFull(
                            f"Cannot store in {self.path}: less than {self.min_free} bytes would "
                            "be left free. Free disk space; the intake takes comments again by "
                            "itself."
                        )
                written = os.write(files.journal, record)
                end = os.lseek(files.journal, 0, os.SEEK_CUR)
            break
        if written < len(record):
            # Left in place (see the module docstring): readers skip it, recover() cuts it.
            raise SpoolError(f"{self.path}: only {written} of {len(record)} bytes written.")
        return _Ticket(files, end, epoch)

    def _sync(self, ticket: _Ticket) -> None:
        """Return once an fdatasync that began after the ticket's record was written succeeded."""
        files = ticket.files
        while True:
            with _Flock(files.state):
                state = files.read_state()
                if state.failed or state.epoch != ticket.epoch:
                    raise SpoolError(
                        f"An fsync of {self.path} failed, so records written before it may be "
                        "lost. Fix the disk, then restart the intake (recover() clears this)."
                    )
                if state.inode == files.inode and state.durable >= ticket.end:
                    return
                flusher = _try_flock(files.flush)
                if flusher:
                    size = os.fstat(files.journal).st_size
            if flusher:
                self._flush(files, size)
                return
            # Another writer's fdatasync is in flight: all waiters wake together when it
            # ends (a shared lock), then see whether it covered them or one must go next.
            fcntl.flock(files.flush, fcntl.LOCK_SH)
            fcntl.flock(files.flush, fcntl.LOCK_UN)

    def _flush(self, files: _Files, size: int) -> None:
        """As the one flusher: fdatasync, publish the durable size, release the flush lock."""
        try:
            try:
                os.fdatasync(files.journal)
            except OSError as err:
                # Not retried: Linux drops the pages that failed, so a retry would succeed.
                self.failed = f"fsync of {self.path} failed ({err.strerror}); restart the intake."
                with _Flock(files.state):
                    state = files.read_state()
                    files.write_state(state._replace(epoch=state.epoch + 1, failed=1))
                raise SpoolError(self.failed) from err
            with _Flock(files.state):
                state = files.read_state()
                # A compaction replaces the journal holding this lock; the size of a replaced
                # file must not be published (its inode number may come back for another).
                current = _inode(self.path) == files.inode
                if current and (state.inode != files.inode or state.durable < size):
                    files.write_state(_State(files.inode, size, state.epoch, state.failed))
        finally:
            fcntl.flock(files.flush, fcntl.LOCK_UN)

    def _parse_new(self) -> int:
        """Parse what was appended since the last call; returns the journal's size."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            self._files()  # creates it: nothing saved yet
            stat = os.stat(self.path)
        if self._read_fd < 0 or stat.st_ino != self._read_inode:
            if self._read_fd >= 0:
                os.close(self._read_fd)
            self._read_fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            stat = os.fstat(self._read_fd)
        if stat.st_ino != self._read_inode or stat.st_size < self._offset:
            if self.reader is not None:
                self.reader.reset()
            self._read_inode = stat.st_ino
            self._offset = self._valid_end = 0
        size = stat.st_size
        self._offset = scan(self._read_fd, self._offset, size, self._apply)
        return size

    def _apply(self, buf: bytes, pos: int, end: int, base: int) -> None:
        self._valid_end = base + end
        if self.reader is None:
            return
        data = decode(buf, pos, end)
        if data is not None:
            self.reader.apply(buf[pos + 3 : pos + 4], data)


def fsync_dir(directory: Path) -> None:
    """Make a directory's entries (a new or renamed file) durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _State(NamedTuple):
    """What `<name>.sync` holds: the journal it is about and how far it is known durable."""

    inode: int
    durable: int
    epoch: int  # bumped by every failed fsync, so a writer can tell one happened after it
    failed: int


class _Files:
    """A journal's files as opened by one thread.

    `flock` belongs to an open file, not to a thread: two threads sharing a descriptor would
    both "hold" the lock. Each thread opening its own makes threads exclude each other
    exactly as processes do. Locks, when nested: flush, state, journal.
    """

    def __init__(self, path: Path) -> None:
        self.pid = os.getpid()
        self.journal = self.state = self.flush = -1  # closed, should an open below fail
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
        self.journal = os.open(path, flags | os.O_APPEND, 0o600)
        self.inode = os.fstat(self.journal).st_ino
        self.state = os.open(path.with_suffix(".sync"), flags, 0o600)
        self.flush = os.open(path.with_suffix(".flush"), flags, 0o600)
        # The journal may be new: its name must be durable before any record in it is.
        fsync_dir(path.parent)

    def read_state(self) -> _State:
        raw = os.pread(self.state, _STATE.size, 0)
        return _State(*_STATE.unpack(raw)) if len(raw) == _STATE.size else _State(0, 0, 0, 0)

    def write_state(self, state: _State) -> None:
        os.pwrite(self.state, _STATE.pack(*state), 0)

    def close(self) -> None:
        for fd in (self.journal, self.state, self.flush):
            if fd >= 0:
                os.close(fd)
        self.journal = self.state = self.flush = -1

    def __del__(self) -> None:
        self.close()  # the thread that opened them has ended


class Locked:
    """A journal held by `Journal.exclusive`: its descriptor, and its replacement's notice."""

    def __init__(self, files: _Files) -> None:
        self._files = files
        self.fd = files.journal

    def replaced(self, inode: int, durable: int) -> None:
        """Publish the file now renamed over the journal, fdatasynced up to `durable` bytes
        and its directory fsynced; a record appended to it later is synced by its writer."""
        state = self._files.read_state()
        self._files.write_state(_State(inode, durable, state.epoch, state.failed))


class _Ticket(NamedTuple):
    """Where an appended record ends, through which files, and the failure epoch it saw."""

    files: _Files
    end: int
    epoch: int


class _Flock:
    """Hold an exclusive `flock` on `fd` for the block (a class: cheaper than a generator)."""

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)


def _inode(path: Path) -> int:
    """The inode the path names now; 0 if it names nothing."""
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return 0


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
