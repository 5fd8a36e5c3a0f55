"""Compaction: a journal rewritten without the records its spool no longer needs.

Crash guarantees. A journal is never changed in place. The records to keep are copied, byte
for byte (or cut down to a stub, a whole new record: `stubs()`), into `<name>.compacting`,
which is fdatasynced; then, holding every lock the
journal's writers take (`Journal.exclusive`), the records appended meanwhile are copied
too, the copy is fdatasynced again and renamed over the journal, and the directory is
fsynced. Killed before the rename, the journal is as it was (the next compaction removes the
leftover copy); killed after it, the new journal holds every record of the old one but the
dropped ones. A writer that waited for the lock checks which file the journal's path names
once it holds the lock and appends to the new one; a reader that meets a new file reads it
from the start. So there is no moment at which an acknowledged record is in no journal, and
the new journal holds only complete, checksummed records: no torn one survives.

Writers wait only while the records appended during the bulk copy are copied and synced,
with the rename: the bulk is copied and synced before the lock is taken.

One compaction of a spool at a time: `locked()` is the spool's lock for it
(`<spool>/compaction.lock`); `rewrite` must run under it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from stat import S_IMODE
from typing import Any

from intake.framing import decode, encode, scan
from intake.journal import Journal, SpoolError, fsync_dir

LOCK_FILE = "compaction.lock"
TEMP_SUFFIX = ".compacting"
_WRITE_AT = 1024 * 1024  # bytes gathered before one write to the copy

# Whether a record stays, given its kind and its data (None when it is not a JSON object):
# True as it is, False not at all, or bytes: the record to write in its place.
Keep = Callable[[bytes, dict[str, Any] | None], bool | bytes]


@dataclass(frozen=True)
class Compaction:
    """What one compaction of a spool dropped, what it had to keep, and the bytes it saved.

    `reviews` counts decided reviews dropped (with their decisions); `unsettled`, reviews
    decided before the cut-off that stay because their decision's commit is not in git yet;
    `contacts`, the contact data that went with the dropped reviews; `orphans`, contact data
    an older version stored for a review whose save then failed; `suspects`, honeypot
    catches cut down to the stub that keeps their status answering "pending".
    """

    before: dt.date
    reviews: int = 0
    unsettled: int = 0
    contacts: int = 0
    suspects: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    orphans: int = 0


@dataclass(frozen=True)
class Rewritten:
    """One journal's rewrite: records kept and dropped."""

    kept: int
    dropped: int


@contextmanager
def locked(directory: Path, wait: bool) -> Iterator[bool]:
    """Hold the spool's compaction lock for the block; yields False (at once) if another
    process holds it and `wait` is False. Leftover copies of a killed compaction are removed."""
    try:
        # Read-only is enough for flock, so an intake running as another user than the one
        # who ran `lawtrail spool compact` first (and made the file) can still take it.
        fd = os.open(directory / LOCK_FILE, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as err:
        raise _error(directory, err) from err
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        for leftover in directory.glob(f"*{TEMP_SUFFIX}"):
            leftover.unlink(missing_ok=True)
        yield True
    finally:
        os.close(fd)


def keeps(kinds: bytes, drop: set[str]) -> Keep:
    """A `Keep` that drops the records of these kinds (one byte each) about dropped reviews
    only: whose `id` is in `drop`, or whose `ids` all are. Anything else stays."""

    def keep(kind: bytes, data: dict[str, Any] | None) -> bool:
        if data is None or kind not in kinds:
            return True
        review_id, ids = data.get("id"), data.get("ids")
        if isinstance(review_id, str):
            return review_id not in drop
        if isinstance(ids, list) and ids:
            return not all(isinstance(i, str) and i in drop for i in ids)
        return True

    return keep


def stubs(kind: bytes, ids: set[str], fields: tuple[str, ...]) -> Keep:
    """A `Keep` that cuts the records of this kind about `ids` down to `fields`; anything
    else stays as it is."""

    def keep(found: bytes, data: dict[str, Any] | None) -> bool | bytes:
        if data is None or found != kind or data.get("id") not in ids:
            return True
        return encode(kind, {name: data[name] for name in fields if name in data})

    return keep


def rewrite(journal: Journal, keep: Keep) -> Rewritten:
    """Replace the journal by a copy of the records `keep` accepts (see the module docstring).

    Call under `locked()`. Records appended while it runs are kept if `keep` accepts them.

    Raises:
        SpoolError: the copy cannot be written (disk full, I/O error); the journal is as it was.
    """
    path = journal.path
    temp = path.with_suffix(TEMP_SUFFIX)
    try:
        source = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return Rewritten(0, 0)
    except OSError as err:
        raise _error(path, err) from err
    try:
        copier = _Copier(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600))
        try:
            stat = os.fstat(source)
            _same_owner(copier.fd, stat, path)
            resume = scan(source, 0, stat.st_size, copier.take(keep))
            copier.sync()
            with journal.exclusive() as current:
                if os.fstat(current.fd).st_ino != stat.st_ino:
                    return Rewritten(0, 0)  # replaced meanwhile: nothing of ours to drop
                # Every writer waits, so nothing past the last whole record is being written.
                scan(source, resume, os.fstat(current.fd).st_size, copier.take(keep))
                copier.sync()
                copy = os.fstat(copier.fd)
                os.rename(temp, path)
                fsync_dir(path.parent)
                current.replaced(copy.st_ino, copy.st_size)
            return Rewritten(copier.kept, copier.dropped)
        finally:
            os.close(copier.fd)
            temp.unlink(missing_ok=True)  # gone after the rename; a failed copy's remains
    except OSError as err:
        raise _error(path, err) from err
    finally:
        os.close(source)


class _Copier:
    """Records accepted for the copy, gathered and written in large pieces."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.kept = self.dropped = 0
        self._parts: list[bytes] = []
        self._size = 0

    def take(self, keep: Keep) -> Callable[[bytes, int, int, int], None]:
        """The `emit` for `journal.scan` that copies what `keep` accepts."""

        def emit(buf: bytes, start: int, end: int, base: int) -> None:
            verdict = keep(buf[start + 3 : start + 4], decode(buf, start, end))
            if verdict is False:
                self.dropped += 1
                return
            self.kept += 1
            record = buf[start:end] if verdict is True else verdict
            self._parts.append(record)
            self._size += len(record)
            if self._size >= _WRITE_AT:
                self._write()

        return emit

    def sync(self) -> None:
        """Write what is gathered and make the copy durable."""
        self._write()
        os.fdatasync(self.fd)

    def _write(self) -> None:
        data = memoryview(b"".join(self._parts))
        while data:
            data = data[os.write(self.fd, data) :]
        self._parts, self._size = [], 0


def give_owner(target: int | Path, journal: os.stat_result, path: Path) -> None:
    """Give a new file (a descriptor or a path) the journal's user and group, if they are
    not ours: an operator who compacts as root must not leave the intake, running as its
    own user, a file it cannot open. `path` names it in the error.

    Raises:
        SpoolError: the journal belongs to another user, whom only root can give a file to.
    """
    if (journal.st_uid, journal.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(target, journal.st_uid, journal.st_gid)
        except PermissionError:
            raise SpoolError(
                f"Cannot compact {path}: the spool belongs to user {journal.st_uid}, and a file "
                "made by another user would lock the intake out of it. Run 'lawtrail spool "
                "compact' as that user (or as root); the spool was left as it was."
            ) from None


def _same_owner(fd: int, journal: os.stat_result, path: Path) -> None:
    """Give the copy the journal's owner, group and mode (`give_owner`)."""
    give_owner(fd, journal, path)
    os.fchmod(fd, S_IMODE(journal.st_mode))


def _error(path: Path, err: OSError) -> SpoolError:
    return SpoolError(
        f"Cannot compact {path}: {err.strerror or err}; the spool was left as it was. "
        "Free disk space or fix the spool directory, then run 'lawtrail spool compact'."
    )
