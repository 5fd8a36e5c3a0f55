"""Outcomes: what became of each review compaction dropped from the spool, kept for ever.

A commenter may ask about a tracking number years later. Git answers for a review merged
into its own file, but a rejected review is in git only as a count per reason, and a
campaign's copy only inside the file of the first copy. So before compaction drops decided
reviews from the journal, it writes each one's outcome here: its tracking number, draft,
status, the day of the decision, a rejection's public reason, and the review file a copy
was merged into. Never contact data, never the comments, never who decided.

Files: `<spool>/outcomes/<YYYYMMDD>.jsonl`, one per day of receipt (the tracking number's
first eight digits), one JSON object per line, sorted by tracking number. Nothing reads them
at start-up; the status of a number not in the spool reads one shard, by binary search
over its lines (`Outcomes.find`), so its cost does not grow with the history either.

Crash guarantees. A shard is never changed in place: the old lines and the new ones are
written, sorted, into `<YYYYMMDD>.compacting`, which is fdatasynced and renamed over the
shard; the directory is fsynced before `keep` returns, and compaction drops the reviews
from the journal only after that. Killed at any point, each shard is the old one or the
new one, whole, and every review not yet in a shard is still in the journal; the next
compaction writes its outcome again, replacing the line of the same tracking number, so
nothing is lost or duplicated. Writers are compactions, which run one at a time
(`compaction.locked`); readers may read at any moment.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
from collections.abc import Iterable
from pathlib import Path
from stat import S_IMODE
from typing import Any, NamedTuple

from intake.compaction import give_owner
from intake.journal import SpoolError, fsync_dir
from intake.records import Decided

log = logging.getLogger("lawtrail.intake")
FOLDER = "outcomes"
_SUFFIX, _TEMP = ".jsonl", ".compacting"
_KEY = b'{"id":"'  # every line starts so: lines sort as their tracking numbers do


class Outcome(NamedTuple):
    """What became of a decided review, as its status answers it.

    `into` is the tracking number of the review file a campaign's copy was merged into,
    None when the review has its own; `reason` is a rejection's public reason. (A tuple:
    compaction makes one per dropped review, and tuples are made fastest.)
    """

    review_id: str
    draft: str
    status: str
    date: str
    reason: str | None = None
    into: str | None = None

    @classmethod
    def of(cls, decided: Decided) -> Outcome:
        """The outcome of a decision recorded in the spool."""
        decision = decided.decision
        reason = decision.reason if decision.status == "rejected" else None
        into = decided.into if decided.into != decided.review_id else None
        return cls(
            decided.review_id,
            decided.draft,
            decision.status,
            decision.date.isoformat(),
            reason,
            into,
        )

    def line(self) -> bytes:
        """Its line in a shard, newline included."""
        data: dict[str, str] = {"id": self.review_id, "draft": self.draft, "status": self.status}
        data["date"] = self.date
        if self.reason is not None:
            data["reason"] = self.reason
        if self.into is not None:
            data["into"] = self.into
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "surrogatepass") + b"\n"


class Outcomes:
    """The outcomes of a spool's compacted reviews, in `<spool>/outcomes/`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def find(self, review_id: str) -> Outcome | None:
        """The outcome kept for this well-formed tracking number, or None.

        Raises:
            SpoolError: its shard exists but cannot be read.
        """
        path = self._shard(review_id)
        try:
            with path.open("rb") as file:
                if os.fstat(file.fileno()).st_size == 0:
                    return None
                with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                    found = _search(buf, review_id.encode("ascii"))
        except FileNotFoundError:
            return None
        except OSError as err:
            raise SpoolError(f"Cannot read {path}: {err.strerror or err}") from err
        return None if found is None else _parse(found, path)

    def keep(self, outcomes: Iterable[Outcome], journal: Path) -> None:
        """Add these outcomes durably (see the module docstring), replacing any kept before
        for the same tracking numbers. Call under `compaction.locked()`.

        New files get the user, group and mode of `journal` (the one the reviews leave): an
        operator who compacts as root must leave the intake, running as its own user, able
        to go on.

        Raises:
            SpoolError: they cannot be written; every shard is as it was or whole.
        """
        by_day: dict[str, dict[bytes, bytes]] = {}
        for outcome in outcomes:
            line = outcome.line()
            by_day.setdefault(outcome.review_id[:8], {})[_ident(line)] = line
        if not by_day:
            return
        try:
            owner = os.stat(journal)
            self._make_folder(owner)
            for leftover in self.directory.glob(f"*{_TEMP}"):  # a killed compaction's
                leftover.unlink(missing_ok=True)
            for day, lines in sorted(by_day.items()):
                self._write(self.directory / f"{day}{_SUFFIX}", lines, owner)
            fsync_dir(self.directory)
        except OSError as err:
            raise SpoolError(
                f"Cannot keep the outcomes of compacted reviews in {self.directory}: "
                f"{err.strerror or err}; the spool was left as it was. Free disk space or fix "
                "the spool directory, then run 'lawtrail spool compact'."
            ) from err

    def _shard(self, review_id: str) -> Path:
        return self.directory / f"{review_id[:8]}{_SUFFIX}"

    def _make_folder(self, owner: os.stat_result) -> None:
        if self.directory.is_dir():
            return
        self.directory.mkdir(exist_ok=True)
        mode = S_IMODE(owner.st_mode)
        self.directory.chmod(mode | (mode & 0o444) >> 2)  # search where the files are read
        give_owner(self.directory, owner, self.directory)
        fsync_dir(self.directory.parent)

    def _write(self, path: Path, lines: dict[bytes, bytes], owner: os.stat_result) -> None:
        """Rewrite one shard with `lines` added, by temp file, fdatasync and rename."""
        try:
            old = path.read_bytes().splitlines()
        except FileNotFoundError:
            old = []
        kept = {_ident(line): line + b"\n" for line in old if line}
        kept.update(lines)
        temp = path.with_suffix(_TEMP)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            os.fchmod(fd, S_IMODE(owner.st_mode))
            give_owner(fd, owner, path)
            data = memoryview(b"".join(kept[key] for key in sorted(kept)))
            while data:
                data = data[os.write(fd, data) :]
            os.fdatasync(fd)
            os.rename(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)  # a full disk must not keep what it could not finish
            raise
        finally:
            os.close(fd)


def _ident(line: bytes) -> bytes:
    """The tracking number a shard's line is about."""
    return line[len(_KEY) : line.find(b'"', len(_KEY))]


def _search(buf: mmap.mmap, review_id: bytes) -> bytes | None:
    """Binary search of a shard's sorted lines for the one about `review_id`."""
    low, high = 0, len(buf)
    while low < high:
        middle = (low + high) // 2
        start = buf.rfind(b"\n", 0, middle) + 1
        end = buf.find(b"\n", start)
        end = len(buf) if end < 0 else end
        found = _ident(buf[start:end])
        if found == review_id:
            return buf[start:end]
        if found < review_id:
            low = end + 1
        else:
            high = start
    return None


def _parse(line: bytes, path: Path) -> Outcome | None:
    try:
        data: Any = json.loads(line.decode("utf-8", "surrogatepass"))
        fields = [data[name] for name in ("id", "draft", "status", "date")]
        extra = [data.get(name) for name in ("reason", "into")]
        if not all(isinstance(v, str) for v in fields) or not all(
            isinstance(v, str | None) for v in extra
        ):
            raise ValueError("a field is not a string")
        if fields[2] not in ("merged", "rejected"):
            raise ValueError(f"status {fields[2]!r}")
        return Outcome(*fields, *extra)
    except (ValueError, KeyError, TypeError) as err:
        log.warning("%s: a damaged line is ignored (%s): %r", path, err, line[:200])
        return None
