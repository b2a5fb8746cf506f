"""Read ads (JSONL, CSV, Parquet, stdin) and write Assessments (JSONL, Parquet).

Bad input never stops a run and never loses good input: every record is yielded either as an
``Ad`` or as a :class:`~redflags.errors.RecordError` carrying its 1-based line (row) number.

>>> parse_ad({"id": "a-1", "body": "hi", "colour": "blue"}, 1).extra
{'colour': 'blue'}
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from redflags.errors import InputError
from redflags.records import MAX_FIELD_CHARS, Record, decode_record, jsonl_records, parse_ad

__all__ = [
    "MAX_FIELD_CHARS",
    "Record",
    "AssessmentWriter",
    "decode_record",
    "detect_format",
    "iter_records",
    "parse_ad",
]


def detect_format(path: str, explicit: str | None = None) -> str:
    if explicit:
        return explicit
    low = path.lower()
    if low.endswith((".parquet", ".pq")):
        return "parquet"
    if low.endswith(".csv"):
        return "csv"
    return "jsonl"


def iter_records(
    path: str, fmt: str | None = None, stdin: IO[bytes] | None = None
) -> Iterator[Record]:
    """Yield raw records with line numbers; blank lines are skipped, not counted as errors."""
    kind = detect_format(path, fmt)
    source = "<stdin>" if path == "-" else path
    if kind == "parquet":
        yield from _iter_parquet(path, source)
        return
    try:
        fh: IO[bytes] = (stdin or sys.stdin.buffer) if path == "-" else open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc.strerror}") from exc
    try:
        if kind == "csv":
            yield from _iter_csv(fh, source)
        else:
            yield from jsonl_records(fh, source)
    finally:
        if path != "-":
            fh.close()


def _iter_csv(fh: IO[bytes], source: str) -> Iterator[Record]:
    text = io.TextIOWrapper(fh, encoding="utf-8", errors="replace", newline="")
    reader = csv.DictReader(text)
    for row in reader:
        obj: dict[str, Any] = {k: v for k, v in row.items() if k is not None and v != ""}
        if None in row:
            obj["_extra_columns"] = row[None]
        images = obj.get("images")
        if isinstance(images, str):
            obj["images"] = [p for p in images.split(";") if p]
        poster = {k.split(".", 1)[1]: obj.pop(k) for k in list(obj) if k.startswith("poster.")}
        if poster:
            obj["poster"] = poster
        yield Record(source, reader.line_num, obj)


def _iter_parquet(path: str, source: str) -> Iterator[Record]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot open {path} as Parquet: {exc}") from exc
    row = 0
    for batch in pf.iter_batches(batch_size=4096):
        for obj in batch.to_pylist():
            row += 1
            clean = {k: v for k, v in obj.items() if v is not None}
            yield Record(source, row, clean)


class AssessmentWriter:
    """Write assessment dicts as JSONL (default) or Parquet (by extension), in order.

    Parquet keeps scalar columns typed and stores ``indicators``, ``entities`` and
    ``explanation`` as JSON text columns, since their shapes vary per row.
    """

    def __init__(self, path: str, stdout: IO[bytes] | None = None) -> None:
        self.path = path
        self.kind = "parquet" if detect_format(path) == "parquet" else "jsonl"
        self._rows: list[dict[str, Any]] = []
        self._pq_writer: Any = None
        if self.kind == "jsonl":
            self._fh: IO[bytes] = (stdout or sys.stdout.buffer) if path == "-" else open(path, "wb")

    def write(self, line: bytes) -> None:
        """Write one assessment already serialised as a JSON line (without newline)."""
        if self.kind == "jsonl":
            self._fh.write(line)
            self._fh.write(b"\n")
        else:
            self._rows.append(orjson.loads(line))
            if len(self._rows) >= 8192:
                self._flush_parquet()

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._rows:
            return
        cols: dict[str, list[Any]] = {
            "id": [],
            "risk": [],
            "level": [],
            "action": [],
            "commerce": [],
            "model": [],
            "indicators": [],
            "entities": [],
            "explanation": [],
        }
        for r in self._rows:
            for k in ("id", "risk", "level", "action", "commerce", "model"):
                cols[k].append(r.get(k))
            for k in ("indicators", "entities", "explanation"):
                cols[k].append(orjson.dumps(r.get(k)).decode())
        table = pa.table(cols)
        if self._pq_writer is None:
            self._pq_writer = pq.ParquetWriter(self.path, table.schema)
        self._pq_writer.write_table(table)
        self._rows.clear()

    def close(self) -> None:
        if self.kind == "jsonl":
            self._fh.flush()
            if self.path != "-":
                self._fh.close()
        else:
            self._flush_parquet()
            if self._pq_writer is None:  # no rows: still write a valid, empty file
                import pyarrow as pa
                import pyarrow.parquet as pq

                pq.write_table(pa.table({"id": pa.array([], pa.string())}), self.path)
            else:
                self._pq_writer.close()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a whole JSONL file of objects (small files: demo corpus, ground truth)."""
    with open(path, "rb") as fh:
        return [orjson.loads(line) for line in fh if line.strip()]
