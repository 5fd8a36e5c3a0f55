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

Files, beside `<name>.journal`: `<name>.sync`, the group-commit state (a hint for live
processes only), and `<name>.flush`, locked while an fdatasync of the journal is in flight.

Framing. A record is a 12-byte header (magic `\\xffLT`, a kind byte A-Z, the payload length
and a CRC-32 of kind, length and payload) followed by the payload: a dict as JSON in UTF-8
(surrogates passed through, so any Python string round-trips exactly, NUL and U+2028
included; dates as ISO strings). The byte 0xFF never occurs in UTF-8, so a reader that
meets damaged bytes finds the next record by searching for the magic. A reader is given a
record only once its whole length is present and its checksum matches: never anything
half-written. What the kinds mean is the caller's business (see `intake/spool.py`).

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

import datetime as dt
import errno
import fcntl
import json
import os
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, Protocol

_MAGIC = b"\xffLT"
_HEADER = struct.Struct("<3scII")  # magic, kind, payload length, CRC-32 of kind+length+payload
_MAX_PAYLOAD = 16 * 1024 * 1024  # far above a 64 KiB request; a larger length is damage
_CHUNK = 8 * 1024 * 1024  # read a long journal in pieces, not in one allocation
_STATE = struct.Struct("<QQQQ")


class SpoolError(Exception):
    """The spool cannot store: disk full, read-only, removed, or a failed fsync."""

    code = "storage_unavailable"


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
        try:
            self._sync(self._append(record))
        except OSError as err:
            if err.errno in _FULL:
                raise StorageFull(
                    f"Cannot store in {self.path}: the disk is full. Free disk space; the "
                    "intake takes comments again by itself."
                ) from err
            if err.errno in _READ_ONLY:
                raise StorageReadOnly(
                    f"Cannot store in {self.path}: {err.strerror}. Make the spool directory "
                    "writable (LAWTRAIL_SPOOL_DIR)."
                ) from err
            raise SpoolError(
                f"Cannot store in {self.path}: {err.strerror or err}. "
                "Free disk space or fix the spool directory, then retry."
            ) from err

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
        files = self._files()
        with _Flock(files.flush), _Flock(files.state), _Flock(files.journal):
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

    def _append(self, record: bytes) -> _Ticket:
        """Write one framed record at the end of the journal (not yet durable)."""
        if self.failed:
            raise SpoolError(self.failed)
        files = self._files()
        # Read before writing: if the epoch changes later, a failed fsync may have lost this.
        epoch = files.read_state().epoch
        with _Flock(files.journal):
            if self.min_free:
                space = os.fstatvfs(files.journal)
                if space.f_bavail * space.f_frsize < self.min_free + len(record):
                    raise StorageFull(
                        f"Cannot store in {self.path}: less than {self.min_free} bytes would "
                        "be left free. Free disk space; the intake takes comments again by itself."
                    )
            written = os.write(files.journal, record)
            end = os.lseek(files.journal, 0, os.SEEK_CUR)
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
                if state.inode != files.inode or state.durable < size:
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
        size, need = stat.st_size, _CHUNK
        while self._offset < size:
            buf = os.pread(self._read_fd, min(size - self._offset, max(need, _CHUNK)), self._offset)
            if not buf:
                break
            at_end = self._offset + len(buf) >= size
            consumed, need = self._parse(buf, at_end)
            self._offset += consumed
            if at_end:
                break
        return size

    def _parse(self, buf: bytes, at_end: bool) -> tuple[int, int]:
        """Apply the complete records of `buf`; returns (bytes consumed, bytes needed next)."""
        pos = 0
        while pos < len(buf):
            end = _frame_end(buf, pos)
            if end > 0:
                self._apply(buf, pos, end)
                pos = end
                continue
            if end < 0:  # cut short: being written, or torn by a writer that died
                if not at_end:
                    return pos, -end
                # Appends are serialised, so a valid record after it means it was torn.
                later = _next_frame(buf, pos + 1)
                if later < 0:
                    return pos, 0
                pos = later
                continue
            later = buf.find(_MAGIC, pos + 1)
            if later < 0:  # keep a possible start of a magic for the next read
                return max(pos, len(buf) - len(_MAGIC) + 1), 0
            pos = later
        return pos, 0

    def _apply(self, buf: bytes, pos: int, end: int) -> None:
        self._valid_end = self._offset + end
        if self.reader is None:
            return
        try:
            data = json.loads(buf[pos + _HEADER.size : end].decode("utf-8", "surrogatepass"))
        except ValueError:
            return  # checksummed but not JSON: never expose it
        if isinstance(data, dict):
            self.reader.apply(buf[pos + 3 : pos + 4], data)


def encode(kind: bytes, data: dict[str, Any]) -> bytes:
    """One framed record holding `data` as JSON (dates as ISO strings)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_iso)
    payload = text.encode("utf-8", "surrogatepass")
    if len(payload) > _MAX_PAYLOAD:
        raise ValueError(f"a record of {len(payload)} bytes is over {_MAX_PAYLOAD}")
    meta = struct.pack("<cI", kind, len(payload))
    return _MAGIC + meta + struct.pack("<I", zlib.crc32(payload, zlib.crc32(meta))) + payload


def fsync_dir(directory: Path) -> None:
    """Make a directory's entries (a new or renamed file) durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not stored in a journal; pass plain data")


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


class _Ticket(NamedTuple):
    """Where an appended record ends, through which files, and the failure epoch it saw."""

    files: _Files
    end: int
    epoch: int


def _frame_end(buf: bytes, pos: int) -> int:
    """Where the valid record at `pos` ends; minus the bytes it needs if cut short; 0 if bad."""
    if len(buf) - pos < _HEADER.size:
        return -_HEADER.size if _MAGIC.startswith(buf[pos : pos + len(_MAGIC)]) else 0
    magic, kind, length, crc = _HEADER.unpack_from(buf, pos)
    if magic != _MAGIC or not b"A" <= kind <= b"Z" or length > _MAX_PAYLOAD:
        return 0
    end: int = pos + _HEADER.size + length
    if end > len(buf):
        return -(end - pos)
    view = memoryview(buf)
    checksum = zlib.crc32(view[pos + _HEADER.size : end], zlib.crc32(view[pos + 3 : pos + 8]))
    return end if checksum == crc else 0


def _next_frame(buf: bytes, start: int) -> int:
    """The offset of the first complete, valid record at or after `start`, or -1."""
    pos = buf.find(_MAGIC, start)
    while pos >= 0 and _frame_end(buf, pos) <= 0:
        pos = buf.find(_MAGIC, pos + 1)
    return pos


class _Flock:
    """Hold an exclusive `flock` on `fd` for the block (a class: cheaper than a generator)."""

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
