"""The framing of journal records: how one is written, and how readers find whole ones.

A record is a 12-byte header (magic `\\xffLT`, a kind byte A-Z, the payload length
and a CRC-32 of kind, length and payload) followed by the payload: a dict as JSON in UTF-8
(surrogates passed through, so any Python string round-trips exactly, NUL and U+2028
included; dates as ISO strings). The byte 0xFF never occurs in UTF-8, so a reader that
meets damaged bytes finds the next record by searching for the magic. A reader is given a
record only once its whole length is present and its checksum matches: never anything
half-written. What the kinds mean is the caller's business (see `intake/spool.py`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import struct
import zlib
from collections.abc import Callable
from typing import Any

_MAGIC = b"\xffLT"
_HEADER = struct.Struct("<3scII")  # magic, kind, payload length, CRC-32 of kind+length+payload
_MAX_PAYLOAD = 16 * 1024 * 1024  # far above a 64 KiB request; a larger length is damage
_CHUNK = 8 * 1024 * 1024  # read a long journal in pieces, not in one allocation
Emit = Callable[[bytes, int, int, int], None]  # (buffer, record start, record end, its offset)


def scan(fd: int, offset: int, size: int, emit: Emit) -> int:
    """Give each complete, checksummed record of an open journal from `offset` to `size` to
    `emit(buf, start, end, base)`: the record is `buf[start:end]`, at `base + start` in the
    file. Torn and damaged bytes are skipped, as every reader skips them.

    Returns:
        Where to read on from: a record still being written at `size` is read again.
    """
    need = _CHUNK
    while offset < size:
        buf = os.pread(fd, min(size - offset, max(need, _CHUNK)), offset)
        if not buf:
            break
        at_end = offset + len(buf) >= size
        consumed, need = _scan(buf, at_end, emit, offset)
        offset += consumed
        if at_end:
            break
    return offset


def decode(buf: bytes, start: int, end: int) -> dict[str, Any] | None:
    """The data of the record `buf[start:end]`; None if it is not a JSON object."""
    try:
        data = json.loads(buf[start + _HEADER.size : end].decode("utf-8", "surrogatepass"))
    except ValueError:
        return None  # checksummed but not JSON: never expose it
    return data if isinstance(data, dict) else None


def _scan(buf: bytes, at_end: bool, emit: Emit, base: int) -> tuple[int, int]:
    """Emit the complete records of `buf`; returns (bytes consumed, bytes needed next)."""
    pos = 0
    while pos < len(buf):
        end = _frame_end(buf, pos)
        if end > 0:
            emit(buf, pos, end, base)
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


def encode(kind: bytes, data: dict[str, Any]) -> bytes:
    """One framed record holding `data` as JSON (dates as ISO strings)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_iso)
    payload = text.encode("utf-8", "surrogatepass")
    if len(payload) > _MAX_PAYLOAD:
        raise ValueError(f"a record of {len(payload)} bytes is over {_MAX_PAYLOAD}")
    meta = struct.pack("<cI", kind, len(payload))
    return _MAGIC + meta + struct.pack("<I", zlib.crc32(payload, zlib.crc32(meta))) + payload


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


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not stored in a journal; pass plain data")
