"""Tamper-evident evidence store: content-addressed objects plus an append-only, hash-chained log.

Layout of a store directory::

    objects/ab/cdef…   captured bytes, named by their SHA-256 (see ``objects.py``)
    log.jsonl          one JSON entry per line, each holding the previous entry's hash
    log.torn           incomplete final lines moved aside after a crash (each one is logged)

An entry is ``{seq, at, event, actor, reason, objects, detail, tool, prev, hash}``; ``hash`` is
the SHA-256 of the entry's *canonical* encoding without ``hash`` (JSON, keys sorted, no
whitespace, UTF-8 -- what ``orjson.dumps(..., option=OPT_SORT_KEYS)`` writes and, for the
strings and integers entries hold, what ``json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`` writes too), and each stored line is the canonical encoding of the whole
entry, so a single changed byte anywhere is caught.  The first entry's ``prev`` is 64 zeros.

Appends take an exclusive ``fcntl.flock`` on the log (so the CLI and the server can share a
store) and are fsynced before the call returns.  On open, and before every append, the log's
tail is checked: an incomplete final line can only come from an interrupted append (writers
hold the lock while writing), so it is moved to ``log.torn`` and a ``repair`` entry records its
offset, length and SHA-256; a complete entry is never dropped.  The head (last seq and hash) is
read from the end of the file, so opening a log of millions of entries costs one small read.

Example::

    >>> import tempfile
    >>> store = EvidenceStore.open(Path(tempfile.mkdtemp()))
    >>> sha = store.capture(b"ad text as posted", media_type="text/plain", actor="analyst:kim",
    ...                     reason="case 12 intake", ref="ad:a-1029")
    >>> store.read(sha, actor="analyst:kim", reason="case 12 review")
    b'ad text as posted'
    >>> [e.event for e in store.entries()], store.verify().ok
    (['capture', 'access'], True)
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import re
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from redflags.errors import HeldError, NotFoundError, StoreError
from redflags.evidence.objects import ObjectDir, fsync_dir, is_sha256

__all__ = [
    "EVENTS",
    "GENESIS",
    "EvidenceStore",
    "HoldCheck",
    "LogEntry",
    "Problem",
    "VerifyReport",
    "canonical",
    "entry_hash",
    "verify_entries",
]

#: ``prev`` of the first entry
GENESIS = "0" * 64
#: events the store writes itself; ``log_event`` refuses them so the log cannot claim a capture
#: or deletion that did not happen
_RESERVED = frozenset({"capture", "deletion", "repair"})
#: the custody events callers record with :meth:`EvidenceStore.log_event` (others are allowed
#: if they match ``_EVENT_NAME``)
EVENTS = ("capture", "access", "export", "disclosure", "deletion", "hold", "release", "repair")
_EVENT_NAME = re.compile(r"[a-z][a-z0-9_.-]{0,63}")
_FIELDS = ("seq", "at", "event", "actor", "reason", "objects", "detail", "tool", "prev", "hash")
_FIELD_SET = frozenset(_FIELDS)
_STR_FIELDS = ("at", "event", "actor", "reason", "tool", "prev", "hash")
_HEX_RUN = re.compile(r"[0-9a-f]*")
#: stop collecting problems after this many (counts go on); keeps verify's memory flat
MAX_PROBLEMS = 100
#: bytes read per step when looking for the last line from the end of the log
_TAIL_BLOCK = 64 * 1024
#: batch mode writes its buffer out (without fsync) when it grows past this
_BATCH_FLUSH = 1 << 20
LOG_NAME, TORN_NAME, OBJECTS_NAME = "log.jsonl", "log.torn", "objects"
SYSTEM_ACTOR = "redflags"

#: ``hold_check(sha256)`` returns why the object is held (truthy), or None/"" when it is not
HoldCheck = Callable[[str], str | None]


def canonical(obj: Mapping[str, Any]) -> bytes:
    """The canonical JSON encoding hashed and stored for an entry (sorted keys, compact)."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical encoding of ``entry`` without its ``hash`` field."""
    return hashlib.sha256(canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def tool_version() -> str:
    """``redflags <version>``, recorded in every entry."""
    import redflags

    version = getattr(redflags, "__version__", None)
    if not version:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as _dist_version

        try:
            version = _dist_version("redflags")
        except PackageNotFoundError:  # running from a source tree without metadata
            version = "unknown"
    return f"redflags {version}"


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One custody event.  ``objects`` are SHA-256 hex names; ``at`` is ISO-8601 UTC."""

    seq: int
    at: str
    event: str
    actor: str
    reason: str
    objects: tuple[str, ...]
    detail: dict[str, Any] | None
    tool: str
    prev: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        """The entry as stored (a plain dict; ``verify_entries`` checks a list of these)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "event": self.event,
            "actor": self.actor,
            "reason": self.reason,
            "objects": list(self.objects),
            "detail": self.detail,
            "tool": self.tool,
            "prev": self.prev,
            "hash": self.hash,
        }

    @classmethod
    def from_json(cls, d: Any) -> LogEntry:
        """Check the shape of a stored entry and build it; ValueError says what is wrong."""
        if not isinstance(d, dict):
            raise ValueError("entry is not a JSON object")
        if d.keys() != _FIELD_SET:
            missing = sorted(_FIELD_SET - d.keys())
            extra = sorted(d.keys() - _FIELD_SET)
            raise ValueError(f"entry fields wrong (missing {missing}, unexpected {extra})")
        seq, objects, detail = d["seq"], d["objects"], d["detail"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise ValueError(f"seq is not a positive integer: {seq!r}")
        for k in _STR_FIELDS:
            if type(d[k]) is not str:
                raise ValueError(f"{k} is not a string")
        if not isinstance(objects, list) or not all(type(o) is str for o in objects):
            raise ValueError("objects is not a list of SHA-256 hex digests")
        # one regex call for prev, hash and every object name (verify runs this per line)
        digests = "".join((d["prev"], d["hash"], *objects))
        if len(digests) != 64 * (2 + len(objects)) or not _HEX_RUN.fullmatch(digests):
            raise ValueError("prev, hash or objects hold something other than SHA-256 digests")
        if detail is not None and not isinstance(detail, dict):
            raise ValueError("detail is neither an object nor null")
        return cls(
            seq, d["at"], d["event"], d["actor"], d["reason"], tuple(objects), detail,
            d["tool"], d["prev"], d["hash"],
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Problem:
    """One integrity failure, with where it is: a log line/seq, an object, or both."""

    kind: str
    message: str
    line: int | None = None
    seq: int | None = None
    object: str | None = None

    @property
    def location(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.seq is not None:
            parts.append(f"seq {self.seq}")
        if self.object is not None:
            parts.append(f"object {self.object}")
        return ", ".join(parts) or "log"

    def __str__(self) -> str:
        return f"{self.location}: {self.kind}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "line": self.line,
            "seq": self.seq,
            "object": self.object,
        }


@dataclass
class VerifyReport:
    """Outcome of :meth:`EvidenceStore.verify` or :func:`verify_entries`.

    ``problems`` are integrity failures in the order found (log lines first, then objects,
    then objects the log says exist but are missing); at most :data:`MAX_PROBLEMS` are kept
    (``counts["problems"]`` has the total).  ``warnings`` do not make the store fail: objects
    no entry names (a crash between writing an object and logging it) and leftover temp files.
    """

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    head: tuple[int, str] | None = None

    @property
    def ok(self) -> bool:
        return not self.counts.get("problems", len(self.problems))

    @property
    def first(self) -> Problem | None:
        """The first broken link found (None when intact)."""
        return self.problems[0] if self.problems else None

    def add(self, problem: Problem) -> None:
        self.counts["problems"] = self.counts.get("problems", 0) + 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def warn(self, message: str) -> None:
        self.counts["warnings"] = self.counts.get("warnings", 0) + 1
        if len(self.warnings) < MAX_PROBLEMS:
            self.warnings.append(message)

    def summary(self) -> str:
        """One line: ``intact: …`` or the first problem with its location."""
        if self.first is None:
            c = self.counts
            head = f", head seq {self.head[0]} {self.head[1][:16]}…" if self.head else ""
            return f"intact: {c.get('entries', 0):,} entries, {c.get('objects', 0):,} objects{head}"
        more = self.counts.get("problems", 1) - 1
        return f"BROKEN at {self.first}" + (f" (+{more} more problems)" if more > 0 else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "first": self.first.to_json() if self.first else None,
            "problems": [p.to_json() for p in self.problems],
            "warnings": list(self.warnings),
            "counts": dict(self.counts),
            "head": list(self.head) if self.head else None,
        }


class _Chain:
    """Streaming chain checker shared by :meth:`EvidenceStore.verify` and ``verify_entries``."""

    def __init__(self, report: VerifyReport, *, contiguous: bool) -> None:
        self.report = report
        self.contiguous = contiguous  # a whole log (seq 1, 2, …) vs an extract (gaps allowed)
        self.last: LogEntry | None = None
        self.broken = False  # after an unreadable line, the next link cannot be checked

    def feed(self, d: Any, *, line: int, raw: bytes | None = None) -> LogEntry | None:
        rep = self.report
        try:
            e = LogEntry.from_json(d)
        except ValueError as exc:
            seq = d.get("seq") if isinstance(d, dict) and isinstance(d.get("seq"), int) else None
            rep.add(Problem("format", str(exc), line, seq))
            self.last, self.broken = None, True
            return None
        if raw is not None and canonical(d) + b"\n" == raw:
            # the stored line is canonical, so the hashed bytes are the line without its
            # top-level ``,"hash":"…"`` (the last such text: quotes inside strings are escaped)
            mark = b',"hash":"' + e.hash.encode() + b'"'
            cut = raw.rfind(mark)
            digest = hashlib.sha256(raw[:cut] + raw[cut + len(mark) : -1]).hexdigest()
        else:
            if raw is not None:
                rep.add(Problem("encoding", "line is not the canonical encoding", line, e.seq))
            digest = entry_hash(d)
        if digest != e.hash:
            rep.add(Problem("entry-hash", "entry does not match its hash (altered)", line, e.seq))
        last = self.last
        if self.contiguous:
            want_seq = last.seq + 1 if last else (None if self.broken else 1)
            want_prev = last.hash if last else (None if self.broken else GENESIS)
            if want_seq is not None and e.seq != want_seq:
                rep.add(Problem(
                    "sequence", f"seq {e.seq} where {want_seq} was expected (entry removed, "
                    "inserted or reordered)", line, e.seq,
                ))  # fmt: skip
            elif want_prev is not None and e.prev != want_prev:
                rep.add(Problem(
                    "chain", "prev does not match the hash of the entry before it (entry "
                    "altered, removed, inserted or reordered)", line, e.seq,
                ))  # fmt: skip
        elif last is not None:
            if e.seq <= last.seq:
                rep.add(Problem("sequence", f"seq {e.seq} follows seq {last.seq}", line, e.seq))
            elif e.seq == last.seq + 1 and e.prev != last.hash:
                rep.add(Problem(
                    "chain", f"prev does not match the hash of seq {last.seq}", line, e.seq
                ))  # fmt: skip
        self.last, self.broken = e, False
        return e


def verify_entries(entries: Iterable[Mapping[str, Any]]) -> VerifyReport:
    """Check a custody extract offline: each entry's own hash, and the chain where consecutive.

    ``entries`` are ``LogEntry.to_json()`` dicts in log order (an extract may skip entries, so
    only neighbours with consecutive ``seq`` are chain-checked).  ``Problem.line`` is the
    1-based position in ``entries``.

    >>> verify_entries([]).ok
    True
    """
    report = VerifyReport()
    chain = _Chain(report, contiguous=False)
    n = 0
    for n, d in enumerate(entries, 1):
        chain.feed(dict(d) if isinstance(d, Mapping) else d, line=n)
    report.counts["entries"] = n
    report.counts.setdefault("problems", 0)
    if chain.last is not None:
        report.head = (chain.last.seq, chain.last.hash)
    return report


class EvidenceStore:
    """A directory of content-addressed evidence objects and their custody log (Contract 1).

    Safe to share between processes (``fcntl.flock``) and between threads of one process.
    ``hold_check(sha256)`` returns a reason when the object is under a legal hold; ``delete``
    then raises :class:`~redflags.errors.HeldError`.
    """

    def __init__(self, root: Path, fd: int, hold_check: HoldCheck | None) -> None:
        self.root = root
        self.objects = ObjectDir(root / OBJECTS_NAME)
        self.log_path = root / LOG_NAME
        self.hold_check = hold_check
        self._fd = fd
        self._tool = tool_version()
        self._mutex = threading.RLock()
        self._lock_depth = 0
        self._end = -1  # byte size of the log when the head was last read (-1: unknown)
        self._head: tuple[int, str] = (0, GENESIS)
        self._damaged: str | None = None
        self._batch: list[bytes] | None = None
        self._batch_size = 0  # bytes in _batch
        self._unsynced = False  # batch mode wrote objects without fsync: os.sync() first

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(
        cls, root: Path | str, *, hold_check: HoldCheck | None = None, create: bool = True
    ) -> EvidenceStore:
        """Open the store at ``root`` (created if missing unless ``create=False``).

        Recovers from an interrupted append (see the module docstring).  A log whose last entry
        is damaged still opens -- so :meth:`verify` can say where -- but refuses new entries.
        """
        root = Path(root)
        log_path = root / LOG_NAME
        if not log_path.is_file():
            if not create:
                raise NotFoundError(f"no evidence store at {root} (no {LOG_NAME})")
            try:
                root.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create evidence store {root}: {exc}") from None
        try:
            fd = os.open(log_path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot open evidence log {log_path}: {exc}") from None
        store = cls(root, fd, hold_check)
        fsync_dir(root)
        with store._mutex, store._locked():
            store._sync()
        return store

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> EvidenceStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- Contract 1 --------------------------------------------------------------------

    def capture(
        self, data: bytes, *, media_type: str, actor: str, reason: str, ref: str | None = None
    ) -> str:
        """Store ``data`` (once, whatever the number of captures) and log a ``capture``.

        ``ref`` says what the bytes are (``"ad:a-1029"``, a URL); returns the SHA-256 hex.
        """
        if not isinstance(data, bytes | bytearray | memoryview):
            raise ValueError("capture takes bytes")
        _need_text(media_type=media_type, actor=actor, reason=reason)
        data = bytes(data)
        # under the lock: a concurrent delete of the same bytes cannot fall between the
        # object write and its entry
        with self._mutex, self._locked():
            batch = self._batch is not None
            sha, new = self.objects.put(data, durable=not batch)
            self._unsynced |= batch and new
            detail: dict[str, Any] = {"media_type": media_type, "size": len(data), "new": new}
            if ref is not None:
                detail["ref"] = str(ref)
            self._append([("capture", actor, reason, (sha,), detail)])
        return sha

    def read(self, sha256: str, *, actor: str, reason: str) -> bytes:
        """The object's bytes (re-hashed on the way out); logs an ``access``."""
        _need_sha(sha256)
        _need_text(actor=actor, reason=reason)
        data = self.objects.get(sha256)
        self._append([("access", actor, reason, (sha256,), None)])
        return data

    def has(self, sha256: str) -> bool:
        return self.objects.has(sha256)

    def log_event(
        self,
        event: str,
        *,
        actor: str,
        reason: str,
        objects: Sequence[str] = (),
        detail: Mapping[str, Any] | None = None,
    ) -> LogEntry:
        """Record an ``access``, ``export``, ``disclosure``, ``hold``, ``release``… event.

        ``capture``, ``deletion`` and ``repair`` are written only by the store itself.
        """
        if not isinstance(event, str) or not _EVENT_NAME.fullmatch(event):
            raise ValueError(f"event must be a short lower-case name like 'export': {event!r}")
        if event in _RESERVED:
            raise ValueError(f"{event!r} entries are written by the store itself")
        objs = tuple(objects)
        for o in objs:
            _need_sha(o)
        return self._append([(event, actor, reason, objs, dict(detail) if detail else None)])[0]

    def delete(self, sha256: str, *, actor: str, reason: str) -> LogEntry:
        """Remove the object's bytes; the log keeps its hash and the ``deletion`` entry.

        Raises :class:`HeldError` when ``hold_check`` names a hold, NotFoundError when the
        bytes are not here.  The entry is written first: a crash in between leaves a logged
        deletion whose bytes are still present (safe to retry), never unexplained missing bytes.
        """
        _need_sha(sha256)
        _need_text(actor=actor, reason=reason)
        with self._mutex, self._locked():
            held = self.hold_check(sha256) if self.hold_check else None
            if held:
                raise HeldError(f"evidence object {sha256} is under hold: {held}")
            path = self.objects.path(sha256)
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                raise NotFoundError(f"no evidence object {sha256}") from None
            entry = self._append([("deletion", actor, reason, (sha256,), {"size": size})])[0]
            if self._batch is not None:
                self._flush(fsync=True)  # the deletion is durable before the bytes go
            self.objects.remove(sha256)
            return entry

    def entries(self, objects: Iterable[str] | None = None) -> Iterator[LogEntry]:
        """Stream the log in order: every entry, or those naming any of ``objects``."""
        want = None if objects is None else frozenset(objects)
        for line_no, _off, raw in self._lines():
            try:
                e = LogEntry.from_json(orjson.loads(raw))
            except (orjson.JSONDecodeError, ValueError) as exc:
                raise StoreError(
                    f"evidence log line {line_no} is unreadable ({exc}); run "
                    "`redflags evidence verify`"
                ) from None
            if want is None or not want.isdisjoint(e.objects):
                yield e

    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the last entry, ``(0, GENESIS)`` when empty: an anchor to record
        elsewhere (a case package, a letter to an agency) and pass to ``verify(expect_head=…)``.
        """
        with self._mutex, self._locked():
            self._sync()
            return self._head

    @contextmanager
    def batch(self) -> Iterator[EvidenceStore]:
        """Hold the lock for many appends and make them durable once, at the end.

        Objects captured in the batch are written without per-file fsyncs and flushed with one
        ``os.sync()`` before any entry naming them is written; the log is fsynced when the
        block exits (earlier on ``delete``).  Other processes wait for the lock meanwhile.
        """
        with self._mutex, self._locked():
            if self._batch is not None:  # nested: the outer batch flushes
                yield self
                return
            self._sync()
            self._batch = []
            try:
                yield self
            finally:
                try:
                    self._flush(fsync=True)
                finally:
                    self._batch = None

    # -- verification -----------------------------------------------------------------

    def verify(self, *, expect_head: tuple[int, str] | None = None) -> VerifyReport:
        """Re-hash every object and the whole chain; report the first broken link.

        Streams the log (a snapshot of its size at the start) and the object directory;
        memory grows only with the number of *missing* objects and 8 bytes per capture.
        ``expect_head`` is an anchor from :meth:`head`: a log now shorter than it, or with a
        different entry at that seq, was truncated or rewritten.
        """
        report = VerifyReport()
        chain = _Chain(report, contiguous=True)
        captured = array("Q")  # first 8 bytes of every captured object: for "unlogged"
        missing: dict[str, tuple[int, int]] = {}  # captured, bytes gone, no deletion (yet)
        deleted = 0
        n = 0
        for n, _off, raw in self._lines():
            if not raw.endswith(b"\n"):
                report.add(Problem("torn", "incomplete last line (append interrupted)", n))
                break
            try:
                d = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                report.add(Problem("parse", f"line is not JSON ({exc})", n))
                chain.last, chain.broken = None, True
                continue
            e = chain.feed(d, line=n, raw=raw)
            if e is None:
                continue
            if expect_head is not None and e.seq == expect_head[0] and e.hash != expect_head[1]:
                report.add(Problem(
                    "anchor", f"entry differs from the recorded head {expect_head[1][:16]}… "
                    "(log rewritten)", n, e.seq,
                ))  # fmt: skip
            if e.event == "capture":
                for o in e.objects:
                    captured.append(int(o[:16], 16))
                    if not self.objects.has(o):
                        missing.setdefault(o, (n, e.seq))
            elif e.event == "deletion":
                for o in e.objects:
                    deleted += 1
                    missing.pop(o, None)
        report.counts["entries"] = n
        if chain.last is not None:
            report.head = (chain.last.seq, chain.last.hash)
        if expect_head is not None and (report.head or (0, GENESIS))[0] < expect_head[0]:
            ends = report.head[0] if report.head else 0
            report.add(Problem(
                "truncated", f"log ends at seq {ends} but the recorded head is seq "
                f"{expect_head[0]} (entries removed from the end)", n or None, ends or None,
            ))  # fmt: skip
        self._verify_objects(report, captured)
        for o, (line, seq) in missing.items():
            report.add(Problem(
                "object-missing", "captured, not deleted, but the bytes are gone", line, seq, o
            ))  # fmt: skip
        report.counts["deleted"] = deleted
        report.counts["missing"] = len(missing)
        report.counts.setdefault("problems", 0)
        return report

    def _verify_objects(self, report: VerifyReport, captured: array[int]) -> None:
        import numpy as np  # only verify needs it; keeps `import redflags.cli` light

        logged = np.unique(np.frombuffer(captured, dtype=np.uint64))
        n_objects = n_bytes = 0
        for name, path in self.objects.walk():
            if name == "":
                report.warn(f"leftover temp file {path.name} (interrupted write)")
                continue
            if not is_sha256(name):
                report.warn(f"stray file {path.relative_to(self.root)} (not an object name)")
                continue
            n_objects += 1
            n_bytes += path.stat().st_size
            digest = self.objects.digest_of(path)
            if digest != name:
                report.add(Problem(
                    "object-hash", f"bytes hash to {digest[:16]}…, not to the object's name "
                    "(altered)", object=name,
                ))  # fmt: skip
            key = np.uint64(int(name[:16], 16))
            i = int(np.searchsorted(logged, key))
            if i >= len(logged) or logged[i] != key:
                report.warn(f"object {name} is not named by any capture entry")
        report.counts["objects"] = n_objects
        report.counts["object_bytes"] = n_bytes

    # -- the log file ------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Exclusive flock on the log (re-entrant within this object; callers hold _mutex)."""
        if self._fd < 0:
            raise StoreError("evidence store is closed")
        if self._lock_depth == 0:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        self._lock_depth += 1
        try:
            yield
        finally:
            self._lock_depth -= 1
            if self._lock_depth == 0:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _lines(self) -> Iterator[tuple[int, int, bytes]]:
        """``(line number, byte offset, raw line)`` up to the log's size when called."""
        with self._mutex, self._locked():
            if self._batch:
                self._flush(fsync=False)
            size = os.fstat(self._fd).st_size
        off = 0
        with self.log_path.open("rb") as fh:
            for n, raw in enumerate(fh, 1):
                if off >= size:
                    return
                if off + len(raw) > size:
                    raw = raw[: size - off]
                yield n, off, raw
                off += len(raw)

    def _tail(self, size: int) -> tuple[int, bytes, bytes]:
        """``(offset, last complete line, bytes after it)`` read backwards from ``size``."""
        pos, buf, block = size, b"", _TAIL_BLOCK
        while True:
            start = max(0, pos - block)
            buf = os.pread(self._fd, pos - start, start) + buf
            pos = start
            last_nl = buf.rfind(b"\n")
            if last_nl < 0:
                if pos == 0:
                    return 0, b"", buf
            else:
                prev_nl = buf.rfind(b"\n", 0, last_nl)
                if prev_nl >= 0 or pos == 0:
                    return pos + prev_nl + 1, buf[prev_nl + 1 : last_nl + 1], buf[last_nl + 1 :]
            block *= 2

    def _sync(self) -> None:
        """Bring the cached head up to date with the file (lock held); repair a torn tail."""
        if self._batch is not None:
            return  # we have held the lock since the batch began
        size = os.fstat(self._fd).st_size
        if size == self._end:
            return
        self._damaged = None
        line_off, last, frag = self._tail(size)
        head, why = _parse_head(last)
        if why:
            self._damaged = f"last entry (at byte {line_off}) is damaged: {why}"
        if frag:
            tail_entry, tail_why = _parse_head(frag + b"\n")
            if not tail_why and (tail_entry[0], _prev_of(frag)) == (head[0] + 1, head[1]):
                # a complete entry continuing the chain, only its "\n" missing: keep it
                _write_all(self._fd, b"\n")
                os.fsync(self._fd)
                head = tail_entry
            elif _holds_complete_entry(frag):
                self._damaged = (
                    f"final line (at byte {size - len(frag)}) is a complete entry followed by "
                    "stray bytes instead of a line end (damaged, not an interrupted append)"
                )
            elif not self._damaged:
                self._end, self._head = size - len(frag), head
                self._move_torn(size - len(frag), frag)
                return
        self._end, self._head = os.fstat(self._fd).st_size, head

    def _move_torn(self, offset: int, frag: bytes) -> None:
        """Move an interrupted append's bytes to ``log.torn`` and log that it happened."""
        digest = hashlib.sha256(frag).hexdigest()
        record = {
            "at": _utc_now(),
            "offset": offset,
            "length": len(frag),
            "sha256": digest,
            "data_b64": base64.b64encode(frag).decode("ascii"),
        }
        torn = self.root / TORN_NAME
        with torn.open("ab") as fh:  # first keep the bytes, then cut them from the log
            fh.write(orjson.dumps(record) + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.ftruncate(self._fd, offset)
        os.fsync(self._fd)
        self._end = offset
        self._append([(
            "repair", SYSTEM_ACTOR, "incomplete final line (interrupted append) moved aside",
            (), {"file": TORN_NAME, "offset": offset, "length": len(frag), "sha256": digest},
        )])  # fmt: skip

    def _append(
        self,
        specs: Sequence[tuple[str, str, str, tuple[str, ...], dict[str, Any] | None]],
    ) -> list[LogEntry]:
        out: list[LogEntry] = []
        with self._mutex, self._locked():
            self._sync()
            if self._damaged:
                raise StoreError(
                    f"evidence log {self.log_path} is damaged ({self._damaged}); refusing to "
                    "extend it -- run `redflags evidence verify`"
                )
            seq, prev = self._head
            lines = []
            for event, actor, reason, objects, detail in specs:
                _need_text(actor=actor, reason=reason)
                d: dict[str, Any] = {
                    "seq": seq + 1,
                    "at": _utc_now(),
                    "event": event,
                    "actor": actor,
                    "reason": reason,
                    "objects": list(objects),
                    "detail": detail,
                    "tool": self._tool,
                    "prev": prev,
                }
                try:
                    d["hash"] = entry_hash(d)
                    line = canonical(d) + b"\n"
                except TypeError as exc:
                    raise ValueError(f"detail must be JSON data: {exc}") from None
                lines.append(line)
                out.append(LogEntry(seq + 1, d["at"], event, actor, reason, objects, detail,
                                    self._tool, prev, d["hash"]))  # fmt: skip
                seq, prev = d["seq"], d["hash"]
            if self._batch is not None:
                self._batch.extend(lines)
                self._batch_size += sum(map(len, lines))
                self._head = (seq, prev)
                if self._batch_size > _BATCH_FLUSH:
                    self._flush(fsync=False)
                return out
            try:
                _write_all(self._fd, b"".join(lines))
                os.fsync(self._fd)
            except OSError as exc:
                self._end = -1  # re-read (and repair) the tail on the next call
                raise StoreError(f"cannot append to evidence log {self.log_path}: {exc}") from None
            self._head, self._end = (seq, prev), self._end + sum(map(len, lines))
        return out

    def _flush(self, *, fsync: bool) -> None:
        """Write out the batch buffer (lock held)."""
        assert self._batch is not None
        if self._unsynced:  # objects reach the disk before entries that name them
            os.sync()
            self._unsynced = False
        if self._batch:
            data = b"".join(self._batch)
            self._batch.clear()
            self._batch_size = 0
            try:
                _write_all(self._fd, data)
            except OSError as exc:
                self._end = -1
                raise StoreError(f"cannot append to evidence log {self.log_path}: {exc}") from None
            self._end += len(data)
        if fsync:
            os.fsync(self._fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _parse_head(line: bytes) -> tuple[tuple[int, str], str]:
    """``((seq, hash), "")`` for a sound stored line, else ``(best guess, what is wrong)``."""
    if not line:
        return (0, GENESIS), ""
    try:
        d = orjson.loads(line)
        e = LogEntry.from_json(d)
    except (orjson.JSONDecodeError, ValueError) as exc:
        return (0, GENESIS), str(exc)
    if canonical(d) + b"\n" != line or entry_hash(d) != e.hash:
        return (e.seq, e.hash), "does not match its hash"
    return (e.seq, e.hash), ""


def _prev_of(line: bytes) -> str | None:
    d = orjson.loads(line)
    return d.get("prev") if isinstance(d, dict) else None


def _holds_complete_entry(frag: bytes) -> bool:
    """True when ``frag`` begins with a whole JSON entry: an interrupted append only ever
    leaves a *prefix* of one line, so this is damage, not a crash."""
    end = frag.rfind(b"}")
    while end > 0:
        try:
            d = orjson.loads(frag[: end + 1])
        except orjson.JSONDecodeError:
            end = frag.rfind(b"}", 0, end)
            continue
        return isinstance(d, dict) and "hash" in d
    return False


def _need_sha(value: str) -> None:
    if not is_sha256(value):
        raise ValueError(f"not a SHA-256 hex digest: {value!r}")


def _need_text(**fields: object) -> None:
    for name, value in fields.items():
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            raise ValueError(f"{name} must be non-empty text (custody records who and why)")
