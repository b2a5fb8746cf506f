"""Content-addressed object directory: ``objects/ab/cdef…`` named by the SHA-256 of the bytes.

Writes are atomic (temp file in the same directory, fsync, ``os.replace``, fsync the directory),
so a crash leaves either no object or the whole object, never a torn one.  Stored files are made
read-only; the name *is* the checksum, so :meth:`ObjectDir.check` can re-hash any of them.

Example::

    >>> import tempfile; from pathlib import Path
    >>> d = ObjectDir(Path(tempfile.mkdtemp()))
    >>> h, new = d.put(b"ad text as posted")
    >>> new, d.get(h) == b"ad text as posted", d.put(b"ad text as posted")[1]
    (True, True, False)
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from redflags.errors import NotFoundError, StoreError

__all__ = ["ObjectDir", "is_sha256", "sha256_hex"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
#: prefix of in-flight temp files; a crash may leave one behind, verify skips (and counts) them
TMP_PREFIX = ".tmp-"
#: stored objects are read-only: accidental edits fail loudly instead of altering evidence
_MODE = 0o444


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def is_sha256(value: object) -> bool:
    """True for a 64-character lower-case hex string (the form every object name takes)."""
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def fsync_dir(path: Path) -> None:
    """fsync a directory so a rename or new entry in it survives a crash."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ObjectDir:
    """The ``objects/`` directory of an evidence store (no logging here; see ``log.py``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        if not root.is_dir():
            root.mkdir(parents=True, exist_ok=True)
            fsync_dir(root.parent)

    def path(self, sha256: str) -> Path:
        """Where the object named ``sha256`` lives (whether or not it exists)."""
        if not is_sha256(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        return is_sha256(sha256) and self.path(sha256).is_file()

    def put(self, data: bytes, *, durable: bool = True) -> tuple[str, bool]:
        """Store ``data``; return ``(sha256, newly_written)``.

        Bytes already present are not rewritten, unless the stored copy no longer matches its
        name (damaged): then the good bytes are written back over it.  ``durable=False`` skips
        the fsyncs: the caller promises an ``os.sync()`` before anything refers to the object
        (the log's batch mode does, once per batch).
        """
        digest = sha256_hex(data)
        final = self.path(digest)
        if final.is_file() and self._digest_of(final) == digest:
            return digest, False
        sub = final.parent
        if not sub.is_dir():
            sub.mkdir(exist_ok=True)
            if durable:
                fsync_dir(self.root)
        fd, tmp = tempfile.mkstemp(dir=sub, prefix=TMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                if durable:
                    os.fsync(fh.fileno())
            os.chmod(tmp, _MODE)
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if durable:
            fsync_dir(sub)
        return digest, True

    def get(self, sha256: str) -> bytes:
        """The object's bytes, re-hashed: raises :class:`StoreError` if they no longer match."""
        try:
            data = self.path(sha256).read_bytes()
        except (FileNotFoundError, ValueError):
            raise NotFoundError(f"no evidence object {sha256}") from None
        if sha256_hex(data) != sha256:
            raise StoreError(f"evidence object {sha256} is damaged: its bytes no longer match")
        return data

    def remove(self, sha256: str) -> bool:
        """Delete the bytes (durably); False if they were already gone."""
        p = self.path(sha256)
        try:
            p.unlink()
        except FileNotFoundError:
            return False
        fsync_dir(p.parent)
        return True

    def walk(self) -> Iterator[tuple[str, Path]]:
        """Every file under ``objects/`` as ``(name it claims, path)``, in name order.

        ``name`` is ``dir + file`` (what the SHA-256 should be; anything else is a stray file);
        temp files left by an interrupted write are yielded with the name ``""``.
        """
        for sub in sorted(self.root.iterdir()):
            if not sub.is_dir():
                yield sub.name, sub
                continue
            for f in sorted(sub.iterdir()):
                yield ("" if f.name.startswith(TMP_PREFIX) else sub.name + f.name), f

    @staticmethod
    def _digest_of(path: Path) -> str:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()

    def digest_of(self, path: Path) -> str:
        """Stream-hash the file at ``path`` (memory stays flat for large images)."""
        return self._digest_of(path)
