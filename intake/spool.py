"""The spool: durable storage of pending reviews until a moderator merges or rejects them.

Files in the spool directory, three journals with two small lock files each:

    reviews.journal    pending reviews, one record per `save`
    contacts.journal   contact data as `{"id", "contact"}`: kept apart, so the reviews hold none
    suspects.journal   honeypot-tripped submissions, stored but never listed as pending
    <name>.sync        the journal's group-commit state (a hint for live processes only)
    <name>.flush       locked while an fdatasync of the journal is in flight

Framing. A record is a 12-byte header (magic `\\xffLT`, a kind byte, the payload length and
a CRC-32 of kind, length and payload) followed by the payload: the dict as JSON in UTF-8
(surrogates passed through, so any Python string round-trips exactly, NUL and U+2028
included). The byte 0xFF never occurs in UTF-8, so a reader that meets damaged bytes finds
the next record by searching for the magic. A reader returns a record only once its whole
length is present and its checksum matches: never anything half-written.

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

Crash guarantees. `save` returns only after an fdatasync that began after its record was
fully written has succeeded, so a power loss after it returns loses nothing (the directory
is fsynced whenever a journal is opened, so a new journal's name survives too). A crash
mid-append leaves a torn record: readers skip it (a torn record is never followed by a valid
one from a live writer, because appends are serialised), and `recover()` truncates a torn
tail. The journal only grows between recoveries: truncating a failed append in place could
move the end of the file below a durable offset already published, and a later record
would then wrongly count as synced. A failed fdatasync (EIO) is not retried, since Linux
drops the failed pages and a retry would report success: the failure is recorded in the
`.sync` file, and every save whose record was written before it fails too, in every
process, until `recover()` runs at the next start. A save that raised may or may not be
stored; the submitter was not given the tracking number, so nothing is acknowledged twice.
A flusher killed mid-fdatasync releases `.flush` with its process, and the next waiter
takes over.

Reads. Each process caches the parsed records of a journal and, on every read, parses only
what was appended since (the cache is dropped when the file shrinks or its inode changes).
Reads see records once complete, possibly a moment before their fdatasync ends. Returned
dicts are that cache: read them, copy before changing.

Not done: rotation. The journals grow with a consultation; nothing in them is removed yet
(merged reviews leave the pending list once moderation writes tombstones, a record kind the
framing leaves room for). Each worker parses the whole journal once when it starts.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import struct
import threading
import unicodedata
import weakref
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from site_builder.reviews import REVIEW_ID

_MAGIC = b"\xffLT"
_HEADER = struct.Struct("<3scII")  # magic, kind, payload length, CRC-32 of kind+length+payload
_REVIEW, _CONTACT, _SUSPECT = b"R", b"C", b"S"
_KINDS = frozenset((_REVIEW, _CONTACT, _SUSPECT))
_MAX_PAYLOAD = 16 * 1024 * 1024  # far above a 64 KiB request; a larger length is damage
_CHUNK = 8 * 1024 * 1024  # read a long journal in pieces, not in one allocation
_MIN_FREE = 4 * 1024 * 1024  # below this the health check reports the spool unwritable
_REQUIRED = ("id", "draft", "revision", "submitted", "comments")
_SCALARS = frozenset((str, int, float, bool, type(None)))
# Invisible characters a campaign can sprinkle into copies to defeat duplicate grouping.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


class SpoolError(Exception):
    """The spool cannot store: disk full, read-only, removed, or a failed fsync."""


@dataclass(frozen=True)
class Group:
    """Pending reviews of one draft whose comment bodies are the same once normalised."""

    draft: str
    key: str
    count: int
    review_ids: tuple[str, ...]
    sample: dict[str, Any]


class Spool:
    """The pending reviews, their contacts and the suspect submissions in one directory.

    One instance per process is enough: it is safe to share between threads, and after a
    fork the child opens its own files (each thread does: `flock` belongs to an open file).
    """

    def __init__(self, directory: Path) -> None:
        """Use `directory`, creating it if needed; files are opened on first use."""
        self.directory = Path(directory)
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                fsync_dir(self.directory.parent)
        except OSError as err:
            raise SpoolError(
                f"Cannot create the spool directory {self.directory}: {err.strerror or err}. "
                "Point LAWTRAIL_SPOOL_DIR at a writable directory."
            ) from err
        self._reviews = _Journal(self.directory / "reviews.journal", _REVIEW, keep=True)
        self._contacts = _Journal(self.directory / "contacts.journal", _CONTACT, keep=True)
        self._suspects = _Journal(self.directory / "suspects.journal", _SUSPECT, keep=False)
        self._journals = (self._reviews, self._contacts, self._suspects)
        self._keys: dict[str, tuple[dict[str, Any], str]] = {}
        os.register_at_fork(after_in_child=functools.partial(_after_fork, weakref.ref(self)))

    def recover(self) -> int:
        """Truncate torn tails and remove stray health probes; returns bytes and files removed.

        Safe while other processes write: it holds their locks. Also clears a recorded
        fsync failure, so call it once at start-up, after the cause has been fixed.
        """
        cleaned = 0
        try:
            for probe in self.directory.glob(".probe-*"):
                probe.unlink(missing_ok=True)
                cleaned += 1
            for journal in self._journals:
                cleaned += journal.recover()
        except OSError as err:
            raise SpoolError(f"Cannot recover the spool in {self.directory}: {err}") from err
        return cleaned

    def save(self, review: dict[str, Any], contact: dict[str, Any] | None = None) -> None:
        """Store a pending review and its contact; returns once both are durable.

        Raises:
            ValueError: the review lacks a field, or holds something other than plain data.
            SpoolError: the spool cannot store it.
        """
        record = _encode(_REVIEW, _checked_review(review))
        if contact is not None:
            _check_plain(contact, "contact")
            # Durable before the review is even written: a stored review always has its contact.
            entry = {"id": review["id"], "contact": contact}
            self._commit(self._contacts, _encode(_CONTACT, entry))
        self._commit(self._reviews, record)

    def save_suspect(self, review: dict[str, Any]) -> None:
        """Store a honeypot-tripped submission apart, durably; it is never listed as pending."""
        self._commit(self._suspects, _encode(_SUSPECT, _checked_review(review)))

    def get(self, review_id: str) -> dict[str, Any] | None:
        """The pending review with this tracking number, or None."""
        return self._read(self._reviews).get(review_id)

    def pending(self, draft: str | None = None) -> list[dict[str, Any]]:
        """All pending reviews (of one draft, if given), oldest first."""
        reviews = self._read(self._reviews).values()
        return [r for r in reviews if draft is None or r["draft"] == draft]

    def groups(self, draft: str | None = None) -> list[Group]:
        """Pending reviews grouped by draft and normalised comment bodies, oldest group first.

        A campaign of identical copies is one group; every review is in exactly one group.
        """
        members: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for review in self.pending(draft):
            members.setdefault((review["draft"], self._group_key(review)), []).append(review)
        return [
            Group(slug, key, len(group), tuple(r["id"] for r in group), group[0])
            for (slug, key), group in members.items()
        ]

    def contact(self, review_id: str) -> dict[str, Any] | None:
        """The contact data stored with a review, or None."""
        record = self._read(self._contacts).get(review_id)
        return None if record is None else record["contact"]

    def writable(self) -> bool:
        """Whether a save can succeed now (for the health endpoint)."""
        probe = self.directory / f".probe-{os.getpid()}-{threading.get_ident()}"
        try:
            space = os.statvfs(self.directory)
            if space.f_bavail * space.f_frsize < _MIN_FREE:
                return False
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            try:
                os.write(fd, b"ok")
            finally:
                os.close(fd)
                probe.unlink(missing_ok=True)  # another worker's recover() may have taken it
            return all(journal.healthy() for journal in self._journals)
        except OSError:
            return False

    def close(self) -> None:
        """Close the calling thread's files and the reader's; they reopen on demand."""
        for journal in self._journals:
            journal.close()

    def _commit(self, journal: _Journal, record: bytes) -> None:
        try:
            journal.sync(journal.append(record))
        except OSError as err:
            raise SpoolError(
                f"Cannot store in {journal.path}: {err.strerror or err}. "
                "Free disk space or fix the spool directory, then retry."
            ) from err

    def _read(self, journal: _Journal) -> dict[str, dict[str, Any]]:
        try:
            return journal.refresh()
        except OSError as err:
            raise SpoolError(f"Cannot read {journal.path}: {err.strerror or err}") from err

    def _group_key(self, review: dict[str, Any]) -> str:
        """The normalised bodies' digest, computed once per stored review."""
        cached = self._keys.get(review["id"])
        if cached is not None and cached[0] is review:
            return cached[1]
        bodies = "\x1f".join(_normalise(str(c.get("body", ""))) for c in review["comments"])
        key = hashlib.sha256(bodies.encode("utf-8", "surrogatepass")).hexdigest()
        self._keys[review["id"]] = (review, key)
        return key


class _State(NamedTuple):
    """What `<name>.sync` holds: the journal it is about and how far it is known durable."""

    inode: int
    durable: int
    epoch: int  # bumped by every failed fsync, so a writer can tell one happened after it
    failed: int


_STATE = struct.Struct("<QQQQ")


class _Files:
    """A journal's files as opened by one thread.

    `flock` belongs to an open file, not to a thread: two threads sharing a descriptor would
    both "hold" the lock. Each thread opening its own makes threads exclude each other
    exactly as processes do. Locks, when nested: flush, state, journal.
    """

    def __init__(self, journal: _Journal) -> None:
        self.pid = os.getpid()
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
        self.journal = os.open(journal.path, flags | os.O_APPEND, 0o600)
        self.inode = os.fstat(self.journal).st_ino
        self.state = os.open(journal.path.with_suffix(".sync"), flags, 0o600)
        self.flush = os.open(journal.path.with_suffix(".flush"), flags, 0o600)
        # The journal may be new: its name must be durable before any record in it is.
        fsync_dir(journal.path.parent)

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


class _Journal:
    """One append-only journal file: framed appends, group commit and an incremental reader."""

    def __init__(self, path: Path, kind: bytes, *, keep: bool) -> None:
        self.path = path
        self.kind = kind
        self.keep = keep  # suspects are only written: a bot flood must not fill every worker
        self.failed: str | None = None
        self._local = threading.local()
        self._read_lock = threading.Lock()
        self._read_fd = -1
        self._records: dict[str, dict[str, Any]] = {}
        self._offset = self._valid_end = self._read_inode = 0

    def files(self) -> _Files:
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
        self._local.files = files = _Files(self)
        return files

    def healthy(self) -> bool:
        """Whether the journal can be opened and no fsync of it has failed in any process."""
        return not self.failed and not self.files().read_state().failed

    def append(self, record: bytes) -> _Ticket:
        """Write one framed record at the end of the journal (not yet durable)."""
        if self.failed:
            raise SpoolError(self.failed)
        files = self.files()
        # Read before writing: if the epoch changes later, a failed fsync may have lost this.
        epoch = files.read_state().epoch
        with _Flock(files.journal):
            written = os.write(files.journal, record)
            end = os.lseek(files.journal, 0, os.SEEK_CUR)
        if written < len(record):
            # Left in place (see the module docstring): readers skip it, recover() cuts it.
            raise SpoolError(f"{self.path}: only {written} of {len(record)} bytes written.")
        return _Ticket(files, end, epoch)

    def sync(self, ticket: _Ticket) -> None:
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

    def refresh(self) -> dict[str, dict[str, Any]]:
        """The records by id, after parsing whatever was appended since the last call."""
        with self._read_lock:
            self._parse_new()
            return self._records

    def recover(self) -> int:
        """Truncate a torn tail, fsync, and publish the result; returns the bytes cut."""
        self.refresh()  # the bulk of the parse, before writers are made to wait
        files = self.files()
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
            self.files()  # creates it: nothing saved yet
            stat = os.stat(self.path)
        if self._read_fd < 0 or stat.st_ino != self._read_inode:
            if self._read_fd >= 0:
                os.close(self._read_fd)
            self._read_fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            stat = os.fstat(self._read_fd)
        if stat.st_ino != self._read_inode or stat.st_size < self._offset:
            # A new dict, so a caller still holding the old one keeps a consistent snapshot.
            self._records, self._read_inode = {}, stat.st_ino
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
        if not self.keep or buf[pos + 3 : pos + 4] != self.kind:
            return
        try:
            data = json.loads(buf[pos + _HEADER.size : end].decode("utf-8", "surrogatepass"))
        except ValueError:
            return  # checksummed but not ours to read: never expose it
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            self._records[data["id"]] = data


def _frame_end(buf: bytes, pos: int) -> int:
    """Where the valid record at `pos` ends; minus the bytes it needs if cut short; 0 if bad."""
    if len(buf) - pos < _HEADER.size:
        return -_HEADER.size if _MAGIC.startswith(buf[pos : pos + len(_MAGIC)]) else 0
    magic, kind, length, crc = _HEADER.unpack_from(buf, pos)
    if magic != _MAGIC or kind not in _KINDS or length > _MAX_PAYLOAD:
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


def _encode(kind: bytes, data: dict[str, Any]) -> bytes:
    """One framed record holding `data` as JSON."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    payload = text.encode("utf-8", "surrogatepass")
    if len(payload) > _MAX_PAYLOAD:
        raise ValueError(f"a record of {len(payload)} bytes is over {_MAX_PAYLOAD}")
    meta = struct.pack("<cI", kind, len(payload))
    return _MAGIC + meta + struct.pack("<I", zlib.crc32(payload, zlib.crc32(meta))) + payload


def _checked_review(review: dict[str, Any]) -> dict[str, Any]:
    """The review, if it has the schema's required fields, no contact, and only plain data."""
    missing = [field for field in _REQUIRED if field not in review]
    if missing:
        raise ValueError(f"review lacks {', '.join(missing)}; see DESIGN.md 'Review files'")
    if not isinstance(review["id"], str) or not REVIEW_ID.match(review["id"]):
        raise ValueError(f"review id {review['id']!r} is not a tracking number (new_review_id)")
    if not isinstance(review["draft"], str):
        raise ValueError(f"review {review['id']}: draft must be a slug, not {review['draft']!r}")
    if "contact" in review:
        raise ValueError(f"review {review['id']}: pass the contact apart: save(review, contact)")
    comments = review["comments"]
    if not isinstance(comments, list) or not all(isinstance(c, dict) for c in comments):
        raise ValueError(f"review {review['id']}: comments must be a list of mappings")
    _check_plain(review, "review")
    return review


def _check_plain(value: Any, where: str) -> None:
    """Refuse what JSON would change on the way back (tuples, non-string keys, dates)."""
    if not _plain(value):
        raise ValueError(_why_not_plain(value, where))


def _plain(value: Any) -> bool:
    """Whether `value` is made of str, int, float, bool, None, lists and str-keyed dicts."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is list:
        return all(map(_plain, value))
    if kind is dict:
        return all(type(k) is str for k in value) and all(map(_plain, value.values()))
    return False


def _why_not_plain(value: Any, where: str) -> str:
    """The message naming the first part of `value` that is not plain (which must exist)."""
    if type(value) is list:
        bad = next(i for i, item in enumerate(value) if not _plain(item))
        return _why_not_plain(value[bad], f"{where}[{bad}]")
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                return f"{where}: key {key!r} is not a string"
            if not _plain(item):
                return _why_not_plain(item, f"{where}.{key}")
    return (
        f"{where} is a {type(value).__name__}; store only str, int, float, bool, None, "
        "lists and dicts (format dates as ISO strings)"
    )


def _normalise(body: str) -> str:
    """A comment body as duplicate grouping compares it: case, width and spacing ignored."""
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFKC", body)).casefold().split())


def fsync_dir(directory: Path) -> None:
    """Make a directory's entries (a new or renamed file) durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


def _after_fork(ref: weakref.ReferenceType[Spool]) -> None:
    """In a forked child: reset what a thread of the parent may have held at the fork."""
    spool = ref()
    if spool is not None:
        for journal in spool._journals:
            journal.after_fork()
