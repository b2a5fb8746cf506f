"""parse_ad, entities_json and the JSONL loop against the plain forms they replace.

All run for every ad of a scan and were rewritten to do less work per record (no scratch
dict of values, no per-key filter for ``extra`` when every key is known; duplicate entities
found by comparison, not a set of tuples).  The plain forms are kept here (``parse_ad``) or
in the model (``_entities_json_by_set``), and hypothesis checks that the two agree: same
``Ad`` or same error message, same JSON with the same key order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags.errors import RecordError
from redflags.model import ENTITY_KEYS, Ad, Assessment, Entity, _entity_slot
from redflags.records import MAX_FIELD_CHARS, is_blank, jsonl_records, parse_ad

_STR_FIELDS = ("title", "body", "phone", "email")
_OPT_FIELDS = ("site", "posted_at", "city", "region", "country", "category")
_KNOWN = frozenset(("id", "images", "poster", *_STR_FIELDS, *_OPT_FIELDS))
_ALL_FIELDS = (*_STR_FIELDS, *_OPT_FIELDS)


def plain_parse_ad(obj: Any, line: int, source: str = "", max_chars: int = MAX_FIELD_CHARS) -> Ad:
    """``parse_ad`` as it was written before: a dict of checked values, a filter for extra."""
    if type(obj) is not dict and not isinstance(obj, Mapping):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}", line, source)
    rec: dict[str, Any] = obj if type(obj) is dict else dict(obj)
    ad_id = rec.get("id")
    if isinstance(ad_id, bool) or not isinstance(ad_id, (str, int)):
        what = "missing" if ad_id is None else f"must be a string, got {type(ad_id).__name__}"
        raise RecordError(f"field 'id' {what}", line, source)
    ad_id = str(ad_id).strip()
    if not ad_id:
        raise RecordError("field 'id' is empty", line, source)
    values: dict[str, Any] = {}
    for name in _ALL_FIELDS:
        v = rec.get(name)
        if v is None:
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool) and name in ("phone",):
            v = str(v)
        if not isinstance(v, str):
            raise RecordError(
                f"field {name!r} must be a string, got {type(v).__name__}", line, source
            )
        if len(v) > max_chars:
            raise RecordError(
                f"field {name!r} is {len(v)} characters; the limit is {max_chars}", line, source
            )
        values[name] = v
    images = rec.get("images") or ()
    if isinstance(images, str):
        images = (images,)
    if not isinstance(images, (list, tuple)) or not all(isinstance(i, str) for i in images):
        raise RecordError("field 'images' must be a list of strings", line, source)
    poster = rec.get("poster")
    if poster is not None and not isinstance(poster, Mapping):
        raise RecordError("field 'poster' must be an object", line, source)
    extra = {k: v for k, v in rec.items() if k not in _KNOWN}
    return Ad(
        id=ad_id,
        title=values.get("title", ""),
        body=values.get("body", ""),
        site=values.get("site"),
        posted_at=values.get("posted_at"),
        city=values.get("city"),
        region=values.get("region"),
        country=values.get("country"),
        phone=values.get("phone", ""),
        email=values.get("email", ""),
        category=values.get("category"),
        images=tuple(images),
        poster=poster,
        extra=extra,
    )


def _outcome(fn: Any, obj: Any, max_chars: int) -> Any:
    try:
        ad = fn(obj, 3, "src", max_chars)
    except RecordError as exc:
        return ("error", str(exc), exc.line, exc.source)
    # the fields, with their types (an Ad compares 0 == 0.0 and "" == "" alike)
    return [(type(v), v) for v in (getattr(ad, f.name) for f in dataclasses.fields(ad))]


values = (
    st.none()
    | st.text(max_size=12)
    | st.sampled_from(["", " ", "x" * 9, "x" * 10, "555 0123"])
    | st.integers(-5, 10**12)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.lists(st.text(max_size=3), max_size=3)
    | st.lists(st.integers(), max_size=2)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)
keys = st.sampled_from(sorted(_KNOWN)) | st.sampled_from(["colour", "_extra_columns", "Title"])
records = st.dictionaries(keys, values, max_size=16).map(
    lambda d: d if "id" in d and d.get("id") is not None else {**d, "id": "ad-1"}
) | st.dictionaries(keys, values, max_size=16)


@settings(max_examples=1500, deadline=None)
@given(records, st.sampled_from([10, MAX_FIELD_CHARS]))
def test_parse_ad_is_the_plain_parse_ad(obj: dict[str, Any], max_chars: int) -> None:
    assert _outcome(parse_ad, obj, max_chars) == _outcome(plain_parse_ad, obj, max_chars)
    # a mapping that is not a dict takes the same path after a copy
    proxy = MappingProxyType(obj)
    assert _outcome(parse_ad, proxy, max_chars) == _outcome(plain_parse_ad, proxy, max_chars)


@pytest.mark.parametrize("obj", [[1], "ad", None, 3])
def test_parse_ad_refuses_what_is_not_an_object(obj: Any) -> None:
    assert _outcome(parse_ad, obj, 10) == _outcome(plain_parse_ad, obj, 10)


# ------------------------------------------------------------------ Assessment.entities_json


def test_entity_slots_follow_the_entity_keys() -> None:
    for i, kind in enumerate(ENTITY_KEYS):
        assert _entity_slot(kind) == i
    with pytest.raises(KeyError):
        _entity_slot("colour")
    empty = Assessment("a", 0.0, "low", "allow", 0.0, (), (), "m").entities_json()
    assert list(empty) == list(ENTITY_KEYS.values())


entities = st.builds(
    Entity,
    kind=st.sampled_from(sorted(ENTITY_KEYS)),
    value=st.sampled_from(["a", "b", "+15555550123", "1", 1, 2, 19, True]),
    data=st.integers(0, 9) | st.text(max_size=2),
    span=st.none(),
    disguised=st.booleans(),
)


@settings(max_examples=800, deadline=None)
@given(st.lists(entities, max_size=40))
def test_entities_json_is_the_set_form(ents: list[Entity]) -> None:
    a = Assessment("a", 0.5, "medium", "review", 0.1, (), tuple(ents), "m")
    fast, plain = a.entities_json(), a._entities_json_by_set()
    assert list(fast.items()) == list(plain.items())
    assert [type(x) for v in fast.values() for x in v] == [
        type(x) for v in plain.values() for x in v
    ]


# ------------------------------------------------------------------------- the JSONL loop

blank_bytes = st.lists(st.sampled_from([b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"\x00",
                                        b"\x1f", b"\xa0", b"{", b"x", b"\x85"]), max_size=6)


@settings(max_examples=600, deadline=None)
@given(blank_bytes.map(b"".join) | st.binary(max_size=8))
def test_is_blank_is_strip(line: bytes) -> None:
    assert is_blank(line) == (not line.strip())


def test_jsonl_records_number_every_line_and_skip_blank_ones() -> None:
    lines = [b'{"id": 1}\n', b"\n", b"  \t\r\n", b'{"id": 2}', b"\x00\n"]
    got = [(r.source, r.line, r.raw) for r in jsonl_records(iter(lines), "f")]
    assert got == [("f", 1, lines[0]), ("f", 4, lines[3]), ("f", 5, lines[4])]
