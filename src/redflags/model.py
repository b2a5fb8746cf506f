"""Typed, immutable values that flow through redflags.

``Ad`` (input) -> ``Entity``/``Finding`` (what screening found, each with evidence in
*original* text offsets) -> ``Assessment`` (risk, level, action).  The JSON shapes written by
``Assessment.to_json`` are the stable contract in DESIGN.md section 3.

This module is compiled with mypyc by ``make`` (see :mod:`redflags._native`).  Each class
defines ``__reduce__``, so it pickles (to worker processes) the same way compiled or not:
mypyc's frozen dataclasses cannot be restored attribute by attribute.  The classes built per
ad or hit (``Ad``, ``Span``, ``Entity``, ``Finding``, ``Assessment``) spell out ``__init__``:
the one ``dataclasses`` generates is interpreted even in a compiled module and costs ~15x more;
they stay frozen dataclasses (``dataclasses.fields``, ``replace``, equality and hashing).

>>> span = Span(field="body", start=0, end=3, text="hey")
>>> span.to_json()
{'field': 'body', 'start': 0, 'end': 3, 'text': 'hey'}
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final, Literal

__all__ = [
    "TEXT_FIELDS",
    "Ad",
    "Assessment",
    "Entity",
    "EntityKind",
    "Finding",
    "Level",
    "Action",
    "Span",
]

def _probe() -> None:
    """Nothing: :data:`_COMPILED` looks at what kind of function this is."""


#: Whether this module runs compiled by mypyc (as :data:`redflags.normalize.COMPILED`).
_COMPILED: Final = not isinstance(_probe, types.FunctionType)


def round4(x: float) -> float:
    """``round(x, 4)``: the float nearest to ``x`` rounded half-even to 4 decimal places.

    Every score in an Assessment is written rounded this way.  ``round`` with digits goes
    through a decimal string (correctly rounded, then parsed back); compiled, this takes the
    arithmetic path (:func:`_round4_arith`) instead.  From Python the builtin call is the
    cheaper one.  ``tests/test_fast_paths.py`` pins the two to each other.
    """
    return _round4_arith(x) if _COMPILED else round(x, 4)


def _round4_arith(x: float) -> float:
    """``round(x, 4)`` by scaling: exact whenever the answer is clear, else the builtin.

    ``y = x * 1e4`` is within half an ulp (< 6e-8 while ``|y| < 1e9``) of the exact product,
    so when its fraction is not within 1e-6 of one half, the exact product rounds to the same
    integer ``r``.  ``r / 1e4`` is then the correctly rounded quotient of two exact values,
    the float nearest ``r / 10**4``, which is what ``round`` returns.  Zero (signed), ties,
    large, infinite and NaN values are left to ``round``.
    """
    if x == 0.0:
        return x
    y = x * 10000.0
    if not -1e9 < y < 1e9:
        return round(x, 4)
    n = float(int(y))  # truncated toward zero, exactly
    if n > y:
        n -= 1.0  # floor
    frac = y - n  # exact when |y| >= 1 (Sterbenz), off by at most 2**-53 below
    if frac < 0.499999:
        r = n
    elif frac > 0.500001:
        r = n + 1.0
    else:
        return round(x, 4)
    if r == 0.0:
        return round(x, 4)  # the sign of a zero result follows x
    return r / 10000.0


def _reduce(value: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickle a frozen dataclass by its constructor and field values (see the module doc)."""
    return (type(value), tuple(getattr(value, f.name) for f in fields(value)))


Level = Literal["low", "medium", "high", "critical"]
Action = Literal["allow", "review", "block"]
EntityKind = Literal["phone", "email", "handle", "crypto", "age", "price", "place"]

#: Free-text fields of an ad that are screened, in the order they are read.
TEXT_FIELDS: Final[tuple[str, ...]] = ("title", "body", "phone", "email")

#: JSON key of each entity kind inside ``Assessment.entities``.
ENTITY_KEYS: Final[dict[str, str]] = {
    "phone": "phones",
    "email": "emails",
    "handle": "handles",
    "crypto": "crypto",
    "age": "ages",
    "price": "prices",
    "place": "places",
}


#: up to this many entities, :meth:`Assessment.entities_json` finds duplicates by comparison
_FEW_ENTITIES: Final = 24


def _entity_slot(kind: str) -> int:
    """Position of an entity kind's key in :data:`ENTITY_KEYS` (KeyError if it has none)."""
    if kind == "phone":
        return 0
    if kind == "email":
        return 1
    if kind == "handle":
        return 2
    if kind == "crypto":
        return 3
    if kind == "age":
        return 4
    if kind == "price":
        return 5
    if kind == "place":
        return 6
    raise KeyError(kind)


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of evidence: ``text == ad[field][start:end]`` in the text *as posted*."""

    field: str
    start: int
    end: int
    text: str

    def __init__(self, field: str, start: int, end: int, text: str) -> None:
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "text", text)

    # what dataclasses would generate, spelt out so that compiled they are native too
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Span)
        return (
            self.field == other.field
            and self.start == other.start
            and self.end == other.end
            and self.text == other.text
        )

    def __hash__(self) -> int:
        return hash((self.field, self.start, self.end, self.text))

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "start": self.start, "end": self.end, "text": self.text}

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _reduce(self)


@dataclass(frozen=True, slots=True)
class Entity:
    """One extracted identifier or fact.

    ``value`` is the canonical, hashable form used for de-duplication and linking
    (E.164 phone, lower-case email, ``"telegram:name"``, a checksummed address, an int age ...).
    ``data`` is the JSON value written into the Assessment (a string, an int or a dict, per
    DESIGN.md).  ``disguised`` is true when the posted text hid the value from a plain scraper
    (number words, letters for digits, look-alike characters, "at"/"dot" spelled out ...).
    """

    kind: EntityKind
    value: str | int
    data: Any
    span: Span | None
    disguised: bool = False

    def __init__(
        self,
        kind: EntityKind,
        value: str | int,
        data: Any,
        span: Span | None,
        disguised: bool = False,
    ) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "span", span)
        object.__setattr__(self, "disguised", disguised)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _reduce(self)


@dataclass(frozen=True, slots=True)
class Finding:
    """A matched indicator with its evidence and provenance."""

    indicator: str
    category: str
    weight: float
    version: int
    source: str
    explanation: str
    evidence: tuple[Span, ...]
    matched: tuple[str, ...] = ()
    #: contribution of this finding to the final risk, filled by the scorer
    contribution: float = 0.0

    def __init__(
        self,
        indicator: str,
        category: str,
        weight: float,
        version: int,
        source: str,
        explanation: str,
        evidence: tuple[Span, ...],
        matched: tuple[str, ...] = (),
        contribution: float = 0.0,
    ) -> None:
        object.__setattr__(self, "indicator", indicator)
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "version", version)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "explanation", explanation)
        object.__setattr__(self, "evidence", evidence)
        object.__setattr__(self, "matched", matched)
        object.__setattr__(self, "contribution", contribution)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _reduce(self)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.indicator,
            "category": self.category,
            "weight": self.weight,
            "version": self.version,
            "source": self.source,
            "explanation": self.explanation,
            "contribution": round4(self.contribution),
            "evidence": [s.to_json() for s in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Ad:
    """An input ad.  Only ``id`` is required; unknown fields are kept in ``extra``."""

    id: str
    title: str = ""
    body: str = ""
    site: str | None = None
    posted_at: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    phone: str = ""
    email: str = ""
    category: str | None = None
    images: tuple[str, ...] = ()
    poster: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        id: str,
        title: str = "",
        body: str = "",
        site: str | None = None,
        posted_at: str | None = None,
        city: str | None = None,
        region: str | None = None,
        country: str | None = None,
        phone: str = "",
        email: str = "",
        category: str | None = None,
        images: tuple[str, ...] = (),
        poster: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "site", site)
        object.__setattr__(self, "posted_at", posted_at)
        object.__setattr__(self, "city", city)
        object.__setattr__(self, "region", region)
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "phone", phone)
        object.__setattr__(self, "email", email)
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "poster", poster)
        object.__setattr__(self, "extra", {} if extra is None else extra)

    def text(self, name: str) -> str:
        """A text field by name ("" when unset or not text); the screened ones read directly."""
        if name == "title":
            return self.title
        if name == "body":
            return self.body
        if name == "phone":
            return self.phone
        if name == "email":
            return self.email
        value = getattr(self, name, "")
        return value if isinstance(value, str) else ""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _reduce(self)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result of screening one ad.  ``to_json`` gives the stable contract shape."""

    id: str
    risk: float
    level: Level
    action: Action
    commerce: float
    findings: tuple[Finding, ...]
    entities: tuple[Entity, ...]
    model: str
    explanation: tuple[str, ...] = ()

    def __init__(
        self,
        id: str,
        risk: float,
        level: Level,
        action: Action,
        commerce: float,
        findings: tuple[Finding, ...],
        entities: tuple[Entity, ...],
        model: str,
        explanation: tuple[str, ...] = (),
    ) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "risk", risk)
        object.__setattr__(self, "level", level)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "commerce", commerce)
        object.__setattr__(self, "findings", findings)
        object.__setattr__(self, "entities", entities)
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "explanation", explanation)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _reduce(self)

    def entities_json(self) -> dict[str, list[Any]]:
        """Entity data by JSON key (:data:`ENTITY_KEYS` order), each ``(kind, value)`` once.

        An ad has a handful of entities, so duplicates are found by comparing values within
        each kind's list; past :data:`_FEW_ENTITIES` a set of ``(kind, value)`` does it
        (:meth:`_entities_json_by_set`, which ``tests/test_model_fast.py`` pins this to).
        """
        if len(self.entities) > _FEW_ENTITIES:
            return self._entities_json_by_set()
        data: list[list[Any]] = [[], [], [], [], [], [], []]
        values: list[list[str | int]] = [[], [], [], [], [], [], []]
        for ent in self.entities:
            slot = _entity_slot(ent.kind)
            seen = values[slot]
            if ent.value in seen:  # str or int: == as in the set, where hashes agree
                continue
            seen.append(ent.value)
            data[slot].append(ent.data)
        return {
            "phones": data[0],
            "emails": data[1],
            "handles": data[2],
            "crypto": data[3],
            "ages": data[4],
            "prices": data[5],
            "places": data[6],
        }

    def _entities_json_by_set(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {key: [] for key in ENTITY_KEYS.values()}
        seen: set[tuple[str, str | int]] = set()
        for ent in self.entities:
            key = (ent.kind, ent.value)
            if key in seen:
                continue
            seen.add(key)
            out[ENTITY_KEYS[ent.kind]].append(ent.data)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "risk": round4(self.risk),
            "level": self.level,
            "action": self.action,
            "commerce": round4(self.commerce),
            "indicators": [f.to_json() for f in self.findings],
            "entities": self.entities_json(),
            "explanation": list(self.explanation),
            "model": self.model,
        }
