"""Input records, and how one is decoded and validated into an :class:`~redflags.model.Ad`.

Compiled with the screening modules (every record of every run passes through here); the
readers in :mod:`redflags.io` build :class:`Record` values and re-export what is defined here.

>>> parse_ad({"id": "a-1", "body": "hi", "colour": "blue"}, 1).extra
{'colour': 'blue'}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import orjson

from redflags.errors import RecordError
from redflags.model import Ad

__all__ = ["MAX_FIELD_CHARS", "Record", "decode_record", "is_blank", "jsonl_records", "parse_ad"]

#: Largest text field accepted (characters).  Longer fields are reported as malformed rather
#: than truncated, so no ad is ever half-screened without anyone knowing.
MAX_FIELD_CHARS: Final = 20_000

_STR_FIELDS: Final = ("title", "body", "phone", "email")
_OPT_FIELDS: Final = ("site", "posted_at", "city", "region", "country", "category")
_KNOWN: Final = frozenset(("id", "images", "poster", *_STR_FIELDS, *_OPT_FIELDS))
#: bound once: compiled, a ``Final`` is a C static, where ``orjson.loads`` is two lookups a call
_loads: Final = orjson.loads


@dataclass(frozen=True, slots=True)
class Record:
    """One input record: its source name, line number and raw value (bytes line or dict).

    ``__init__`` is spelt out (the generated one runs interpreted, even compiled) and
    ``__reduce__`` pickles it by its fields, as :mod:`redflags.model` does for its classes:
    records travel to worker processes in chunks."""

    source: str
    line: int
    raw: bytes | Mapping[str, Any]

    def __init__(self, source: str, line: int, raw: bytes | Mapping[str, Any]) -> None:
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "raw", raw)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (Record, (self.source, self.line, self.raw))


def jsonl_records(lines: Iterable[bytes], source: str) -> Iterator[Record]:
    """A :class:`Record` for each non-blank line, numbered from 1 (blank lines are counted,
    not yielded): the JSONL reader's loop, here to be compiled as it runs once per record."""
    n = 0
    for line in lines:
        n += 1
        if is_blank(line):
            continue
        yield Record(source, n, line)


def is_blank(line: bytes) -> bool:
    """``not line.strip()``: true when the line is only ASCII whitespace.

    A line that starts with a byte above the space (the usual ``{``) is answered from that
    byte, without the stripped copy; ``tests/test_records_fast.py`` pins it to ``strip``."""
    if len(line) > 0 and line[0] > 32:
        return False
    return not line.strip()


def decode_record(rec: Record, max_chars: int = MAX_FIELD_CHARS) -> Ad:
    """Decode (if bytes) and validate one record; raises :class:`RecordError`."""
    raw = rec.raw
    if isinstance(raw, bytes):
        try:
            obj = _loads(raw)
        except orjson.JSONDecodeError as exc:
            raise RecordError(f"invalid JSON: {exc}", rec.line, rec.source) from None
    else:
        obj = raw
    return parse_ad(obj, rec.line, rec.source, max_chars)


def parse_ad(obj: Any, line: int, source: str = "", max_chars: int = MAX_FIELD_CHARS) -> Ad:
    """Validate one decoded record into an :class:`Ad`, or raise :class:`RecordError`."""
    if type(obj) is not dict and not isinstance(obj, Mapping):  # ABC check only when needed
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}", line, source)
    # a plain dict (as JSON decoding gives) is read with the compiled build's dict operations
    rec: dict[str, Any] = obj if type(obj) is dict else dict(obj)
    ad_id = rec.get("id")
    if isinstance(ad_id, bool) or not isinstance(ad_id, (str, int)):
        what = "missing" if ad_id is None else f"must be a string, got {type(ad_id).__name__}"
        raise RecordError(f"field 'id' {what}", line, source)
    ad_id = str(ad_id).strip()
    if not ad_id:
        raise RecordError("field 'id' is empty", line, source)
    # one call per field of _ALL_FIELDS, in its order (the first bad field is the one reported)
    title = _text(rec, "title", line, source, max_chars)
    body = _text(rec, "body", line, source, max_chars)
    phone = _text(rec, "phone", line, source, max_chars)
    email = _text(rec, "email", line, source, max_chars)
    site = _text(rec, "site", line, source, max_chars)
    posted_at = _text(rec, "posted_at", line, source, max_chars)
    city = _text(rec, "city", line, source, max_chars)
    region = _text(rec, "region", line, source, max_chars)
    country = _text(rec, "country", line, source, max_chars)
    category = _text(rec, "category", line, source, max_chars)
    given = rec.get("images")
    images = given or ()
    if isinstance(images, str):
        images = (images,)
    if not isinstance(images, (list, tuple)) or not all(isinstance(i, str) for i in images):
        raise RecordError("field 'images' must be a list of strings", line, source)
    poster = rec.get("poster")
    if poster is not None and type(poster) is not dict and not isinstance(poster, Mapping):
        raise RecordError("field 'poster' must be an object", line, source)
    # How many known keys hold a value: when that is every key, nothing is left for ``extra``
    # (the usual record) and the per-key filter below can be skipped; it gives {} then.
    known = (
        1  # id
        + (title is not None)
        + (body is not None)
        + (phone is not None)
        + (email is not None)
        + (site is not None)
        + (posted_at is not None)
        + (city is not None)
        + (region is not None)
        + (country is not None)
        + (category is not None)
        + (given is not None)
        + (poster is not None)
    )
    extra = {} if known == len(rec) else {k: v for k, v in rec.items() if k not in _KNOWN}
    return Ad(
        id=ad_id,
        title=title or "",
        body=body or "",
        site=site,
        posted_at=posted_at,
        city=city,
        region=region,
        country=country,
        phone=phone or "",
        email=email or "",
        category=category,
        images=tuple(images),
        poster=poster,
        extra=extra,
    )


def _text(rec: dict[str, Any], name: str, line: int, source: str, max_chars: int) -> str | None:
    """Field ``name`` of a record as a string, None when absent or null; else RecordError."""
    v = rec.get(name)
    if v is None:
        return None
    if type(v) is str:  # the usual case: skip the type checks below
        if len(v) > max_chars:
            raise RecordError(
                f"field {name!r} is {len(v)} characters; the limit is {max_chars}", line, source
            )
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool) and name in ("phone",):
        v = str(v)
    if not isinstance(v, str):
        raise RecordError(f"field {name!r} must be a string, got {type(v).__name__}", line, source)
    if len(v) > max_chars:
        raise RecordError(
            f"field {name!r} is {len(v)} characters; the limit is {max_chars}", line, source
        )
    return v
