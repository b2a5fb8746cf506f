"""Legal process register, holds and disclosure log.

Platforms receive legal process about the ads they host; redflags keeps a register of it so
nothing in scope is deleted while it must be preserved, and so every hand-over is on record.

==========================  ===================================================================
kind                        meaning and deadline
==========================  ===================================================================
``preservation``            18 U.S.C. 2703(f): preserve records pending further process; 90
                            days from receipt, extended once by another 90 on a renewed request
``report_preservation``     18 U.S.C. 2258A(h) (REPORT Act, 2024): preserve the contents of a
                            CyberTipline report for 1 year from the report
``subpoena``                18 U.S.C. 2703(c)(2): basic subscriber records
``court_order``             18 U.S.C. 2703(d) order
``warrant``                 search warrant (contents)
==========================  ===================================================================

Deadlines are ``datetime.date`` arithmetic in pure functions (:func:`initial_expiry`,
:func:`renewed_expiry`): ``expires_on`` is the *last day* on which the item still holds.
Periods are counted the way legal deadlines are (the day of receipt is not counted, the last
day is), so a request received on 1 March holds through 30 May, day 90 after it.  A year from
29 February ends on 1 March (never a day short of a full year).  Subpoenas, orders and
warrants hold until closed, unless an expiry is given.

**Holds.** Every active item holds everything in its scope: ads named directly, the members of
networks and cases named (expanded when the item is recorded *and* read live), ads carrying a
named identifier (phone, email, handle, wallet, account), evidence objects named directly, and
the objects of held ads (each version as received, images captured for them).
:meth:`LegalRegister.hold_check` is what :class:`~redflags.evidence.log.EvidenceStore` calls
before a delete; :meth:`LegalRegister.holds` is the snapshot retention uses.  Holds end only by
expiry or by closing the item, and either is written to the audit log (``legal.expired``,
``legal.close``) and, when an evidence store is configured, to the evidence log
(``release``; a new item logs ``hold``).  An expiry is found by :meth:`LegalRegister.sweep`,
which every register read runs first.

>>> from datetime import date
>>> initial_expiry("preservation", date(2026, 3, 1))
datetime.date(2026, 5, 30)
>>> renewed_expiry("preservation", date(2026, 5, 30), renewals=0)
datetime.date(2026, 8, 28)
>>> initial_expiry("report_preservation", date(2024, 2, 29))
datetime.date(2025, 3, 1)
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, get_args

import orjson
import sqlalchemy as sa

from redflags.errors import ConflictError, NotFoundError
from redflags.store import SYSTEM, Actor, Store
from redflags.store.schema import (
    ENTITY_CHARS,
    ad_versions,
    case_ads,
    case_images,
    cases,
    entities,
    legal_disclosures,
    legal_items,
    legal_scope,
    network_members,
)

if TYPE_CHECKING:
    from redflags.evidence.log import EvidenceStore

__all__ = [
    "CLOSED_STATUSES",
    "DEFAULT_BASIS",
    "KINDS",
    "PRESERVATION_DAYS",
    "PRESERVATION_RENEWALS",
    "REPORT_ACT_YEARS",
    "Disclosure",
    "Holds",
    "Kind",
    "LegalItem",
    "LegalRegister",
    "LegalScope",
    "RenewalRefused",
    "Status",
    "add_years",
    "days_left",
    "initial_expiry",
    "is_live",
    "parse_identifier",
    "renewed_expiry",
    "today_utc",
]

Kind = Literal["preservation", "report_preservation", "subpoena", "court_order", "warrant"]
Status = Literal["active", "expired", "fulfilled", "withdrawn"]
KINDS: tuple[Kind, ...] = get_args(Kind)
#: statuses an operator closes an item with (``expired`` is set by the date, never by hand)
CLOSED_STATUSES: tuple[Status, ...] = ("fulfilled", "withdrawn")

#: 18 U.S.C. 2703(f)(2): records are retained 90 days ...
PRESERVATION_DAYS = 90
#: ... "extended for an additional 90-day period upon a renewed request": one renewal
PRESERVATION_RENEWALS = 1
#: 18 U.S.C. 2258A(h)(1) as amended by the REPORT Act (Pub. L. 118-59): 1 year
REPORT_ACT_YEARS = 1

DEFAULT_BASIS: dict[Kind, str] = {
    "preservation": "18 U.S.C. 2703(f)",
    "report_preservation": "18 U.S.C. 2258A(h)",
    "subpoena": "18 U.S.C. 2703(c)(2)",
    "court_order": "18 U.S.C. 2703(d)",
    "warrant": "18 U.S.C. 2703(a)-(b)",
}

#: how long :meth:`LegalRegister.hold_check` reuses its last look at the register: a retention
#: run deleting thousands of objects reads the register (and the custody log) every few seconds,
#: not once per object.  Changes made through the same register take effect at once.
HOLD_CACHE_SECONDS = 2.0
#: identifier kinds a scope may name, as the store's ``entities`` table keys them
IDENTIFIER_KINDS = ("phone", "email", "handle", "wallet", "account")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class RenewalRefused(ConflictError):
    """The item cannot be renewed (second 2703(f) renewal, expired or closed, not renewable)."""


# -- pure deadline functions --------------------------------------------------------------------


def today_utc() -> date:
    """Today's date in UTC (deadlines are whole UTC days)."""
    return datetime.now(UTC).date()


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February lands on 1 March (a full year, never less).

    >>> add_years(date(2024, 2, 29), 1), add_years(date(2025, 3, 1), 1)
    (datetime.date(2025, 3, 1), datetime.date(2026, 3, 1))
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return date(day.year + years, 3, 1)


def initial_expiry(kind: str, received_on: date, expires_on: date | None = None) -> date | None:
    """The last day an item received on ``received_on`` holds (None = until closed).

    Preservation holds 90 days after the day of receipt; REPORT Act preservation one year
    after the report.  Other process holds until closed unless ``expires_on`` is given.
    """
    k = check_kind(kind)
    if k == "preservation":
        fixed: date | None = received_on + timedelta(days=PRESERVATION_DAYS)
    elif k == "report_preservation":
        fixed = add_years(received_on, REPORT_ACT_YEARS)
    else:
        fixed = None
    if expires_on is not None:
        if expires_on < received_on:
            raise ValueError(f"expiry {expires_on} is before the date received {received_on}")
        # a later date asked for by the agency (or kept voluntarily) may extend, never shorten
        return max(expires_on, fixed) if fixed else expires_on
    return fixed


def renewed_expiry(
    kind: str, expires_on: date | None, renewals: int, today: date | None = None
) -> date:
    """The new last day after a renewed 2703(f) request: 90 more days from the current end.

    Raises :class:`RenewalRefused` for a second renewal, an item already past its end, or a
    kind that is not renewed this way.
    """
    k = check_kind(kind)
    if k != "preservation" or expires_on is None:
        raise RenewalRefused(
            f"only 2703(f) preservation requests are renewed; a {k} is kept until it is closed "
            "or replaced by new process (record it with `legal add`)"
        )
    if renewals >= PRESERVATION_RENEWALS:
        raise RenewalRefused(
            "18 U.S.C. 2703(f)(2) allows one 90-day extension and this request was already "
            "renewed; record the follow-up process (subpoena, 2703(d) order or warrant) or a "
            "new preservation request instead"
        )
    if today is not None and today > expires_on:
        raise RenewalRefused(
            f"this preservation request ended on {expires_on}; a renewal must arrive before "
            "then -- record a new preservation request instead"
        )
    return expires_on + timedelta(days=PRESERVATION_DAYS)


def is_live(status: str, expires_on: date | None, today: date) -> bool:
    """Does an item with this status and last day hold anything on ``today``?"""
    return status == "active" and (expires_on is None or today <= expires_on)


def days_left(expires_on: date, today: date) -> int:
    """Whole days from ``today`` to the last day (0 = ends today, negative = ended)."""
    return (expires_on - today).days


def check_kind(kind: str) -> Kind:
    for k in KINDS:
        if k == kind:
            return k
    raise ValueError(f"unknown kind of legal process {kind!r}; choose one of: {', '.join(KINDS)}")


def parse_identifier(text: str) -> tuple[str, str]:
    """An identifier as the store keys it: ``(kind, value)``.

    Bare E.164 numbers and email addresses are recognised; everything else names its kind.

    >>> parse_identifier("+1 305 555 0123"), parse_identifier("Ana@Example.com")
    (('phone', '+13055550123'), ('email', 'ana@example.com'))
    >>> parse_identifier("handle:Telegram:Someone")
    ('handle', 'telegram:someone')
    """
    raw = text.strip()
    kind, sep, value = raw.partition(":")
    if not sep or kind.lower() not in IDENTIFIER_KINDS:
        if raw.startswith("+"):
            kind, value = "phone", raw
        elif "@" in raw:
            kind, value = "email", raw
        else:
            raise ValueError(
                f"cannot tell what kind of identifier {raw!r} is; write phone:+1..., "
                "email:..., handle:PLATFORM:NAME, wallet:CHAIN:ADDRESS or account:SITE:ID"
            )
    kind = kind.lower()
    value = value.strip()
    if kind == "phone":
        import phonenumbers

        try:
            num = phonenumbers.parse(value, "US")
        except phonenumbers.NumberParseException:
            raise ValueError(f"{value!r} is not a phone number") from None
        value = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    elif kind in ("email", "handle"):
        value = value.lower()
    elif kind == "wallet":
        chain, _, address = value.partition(":")
        value = f"{chain.lower()}:{address}" if address else value
    if not value or len(value) > ENTITY_CHARS:
        raise ValueError(f"identifier {raw!r} is empty or too long")
    return kind, value


# -- values -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegalScope:
    """What an item covers.  ``identifiers`` are ``kind:value`` strings (see
    :func:`parse_identifier`); ``objects`` are evidence SHA-256s."""

    ads: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()

    def rows(self) -> list[tuple[str, str]]:
        """``(kind, value)`` rows for ``legal_scope``; raises ``ValueError`` on bad input."""
        out: dict[tuple[str, str], None] = {}
        for kind, values in (("ad", self.ads), ("network", self.networks), ("case", self.cases)):
            for v in values:
                if not v or len(v) > ENTITY_CHARS or "\x00" in v:
                    raise ValueError(f"bad {kind} id {v!r}")
                out[(kind, v)] = None
        for sha in self.objects:
            if not _SHA256.match(sha.lower()):
                raise ValueError(f"{sha!r} is not a SHA-256 (64 hex digits)")
            out[("object", sha.lower())] = None
        for ident in self.identifiers:
            out[parse_identifier(ident)] = None
        if not out:
            raise ValueError(
                "a legal item needs a scope: ads, networks, cases, identifiers or objects"
            )
        return list(out)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]]) -> LegalScope:
        got: dict[str, list[str]] = defaultdict(list)
        for kind, value in rows:
            key = kind if kind in ("ad", "network", "case", "object") else "identifier"
            got[key].append(value if key != "identifier" else f"{kind}:{value}")
        return cls(
            ads=tuple(got["ad"]),
            networks=tuple(got["network"]),
            cases=tuple(got["case"]),
            identifiers=tuple(got["identifier"]),
            objects=tuple(got["object"]),
        )

    def to_json(self) -> dict[str, list[str]]:
        return {
            "ads": list(self.ads),
            "networks": list(self.networks),
            "cases": list(self.cases),
            "identifiers": list(self.identifiers),
            "objects": list(self.objects),
        }


@dataclass(frozen=True, slots=True)
class LegalItem:
    """One entry of the register."""

    id: int
    kind: Kind
    agency: str
    agency_case: str | None
    legal_basis: str
    scope: LegalScope
    received_on: date
    expires_on: date | None
    renewals: int
    status: Status
    notes: str | None
    recorded_by: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = None
    #: ads that were added to the scope by expanding a network or case when recorded
    expanded_ads: tuple[str, ...] = ()

    def label(self) -> str:
        """A short reason, e.g. ``preservation #3 (FBI Miami, case 2026-77) until 2026-05-29``."""
        who = self.agency + (f", case {self.agency_case}" if self.agency_case else "")
        until = f"until {self.expires_on}" if self.expires_on else "until closed"
        return f"{self.kind} #{self.id} ({who}) {until}"

    def renewable(self) -> bool:
        return self.kind == "preservation" and self.renewals < PRESERVATION_RENEWALS

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "agency": self.agency,
            "agency_case": self.agency_case,
            "legal_basis": self.legal_basis,
            "scope": self.scope.to_json(),
            "expanded_ads": list(self.expanded_ads),
            "received_on": self.received_on.isoformat(),
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "renewals": self.renewals,
            "renewable": self.renewable(),
            "status": self.status,
            "notes": self.notes,
            "recorded_by": self.recorded_by,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "closed_at": _iso(self.closed_at),
            "closed_by": self.closed_by,
        }


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One hand-over: what went to whom, under which basis, recorded by whom."""

    id: int
    item_id: int | None
    agency: str
    recipient: str
    legal_basis: str
    objects: tuple[str, ...]
    package_sha256: str | None
    disclosed_at: datetime
    recorded_by: str
    notes: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "item_id": self.item_id,
            "agency": self.agency,
            "recipient": self.recipient,
            "legal_basis": self.legal_basis,
            "objects": list(self.objects),
            "package_sha256": self.package_sha256,
            "disclosed_at": _iso(self.disclosed_at),
            "recorded_by": self.recorded_by,
            "notes": self.notes,
        }


@dataclass(slots=True)
class Holds:
    """A snapshot of what the register holds on one day: ad ids and object SHA-256s, each
    with the items that hold it."""

    day: date
    ads: dict[str, list[str]] = field(default_factory=dict)
    objects: dict[str, list[str]] = field(default_factory=dict)
    items: list[LegalItem] = field(default_factory=list)

    def is_held(self, ad_id: str) -> str | None:
        """Why ``ad_id`` is held (``"; "``-joined item labels), or None."""
        why = self.ads.get(ad_id)
        return "; ".join(why) if why else None

    def hold_check(self, sha256: str) -> str | None:
        """Why the evidence object ``sha256`` is held, or None (the EvidenceStore hook)."""
        why = self.objects.get(sha256.lower())
        return "; ".join(why) if why else None


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat(timespec="seconds") + "Z"


def _need(text: str | None, limit: int, what: str) -> str:
    """A required text field, stripped and bounded (``ValueError`` naming it otherwise)."""
    out = _clip(text, limit, what, required=True)
    assert out is not None
    return out


def _clip(text: str | None, limit: int, what: str, *, required: bool = False) -> str | None:
    if text is None or not text.strip():
        if required:
            raise ValueError(f"{what} is required")
        return None
    if "\x00" in text:
        raise ValueError(f"{what} must not contain NUL characters")
    text = text.strip()
    if len(text) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return text


# -- cases (redflags.evidence.cases, migration 0003) ------------------------------------------


def _case_ads(conn: sa.Connection, case_ids: Sequence[str]) -> dict[str, set[str]]:
    """Ad ids of each named case: its ads and its networks' current members."""
    out: dict[str, set[str]] = defaultdict(set)
    if not case_ids:
        return out
    for cid, aid in conn.execute(
        sa.select(case_ads.c.case_id, case_ads.c.ad_id).where(case_ads.c.case_id.in_(case_ids))
    ):
        out[str(cid)].add(str(aid))
    for cid, nets in conn.execute(
        sa.select(cases.c.id, cases.c.network_ids).where(cases.c.id.in_(case_ids))
    ):
        ids = [str(n) for n in orjson.loads(nets or "[]")]
        if ids:
            out[str(cid)].update(
                conn.execute(
                    sa.select(network_members.c.ad_id).where(network_members.c.network_id.in_(ids))
                ).scalars()
            )
    return out


def _case_objects(conn: sa.Connection, ad_ids: Sequence[str]) -> dict[str, set[str]]:
    """Images captured into cases for ``ad_ids``: sha256 -> ad ids."""
    out: dict[str, set[str]] = defaultdict(set)
    for k in range(0, len(ad_ids), 500):
        for sha, aid in conn.execute(
            sa.select(case_images.c.sha256, case_images.c.ad_id).where(
                case_images.c.ad_id.in_(ad_ids[k : k + 500])
            )
        ):
            out[str(sha)].add(str(aid))
    return out


def capture_refs(entries: Iterable[Any]) -> dict[str, set[str]]:
    """Evidence objects captured for ads (``ref="ad:<id>"``): sha256 -> ad ids."""
    out: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        ref = (e.detail or {}).get("ref") if e.event == "capture" else None
        if isinstance(ref, str) and ref.startswith("ad:"):
            for sha in e.objects:
                out[sha].add(ref[3:])
    return out


# -- the register -------------------------------------------------------------------------------


class LegalRegister:
    """The register on a :class:`~redflags.store.Store` (SQLite or PostgreSQL).

    ``evidence`` (optional) receives ``hold``, ``release`` and ``disclosure`` events, and its
    ``capture`` entries (``ref="ad:<id>"``) tell which objects were captured for which ads, so
    those are held with their ads.

    >>> reg = LegalRegister(Store.open("sqlite://"))
    >>> item = reg.add("preservation", agency="FBI", received_on=date(2026, 3, 1),
    ...                scope=LegalScope(ads=("a-1",)), actor=SYSTEM)
    >>> item.expires_on, reg.is_held("a-1", today=date(2026, 5, 30)) is not None
    (datetime.date(2026, 5, 30), True)
    """

    def __init__(
        self,
        store: Store,
        *,
        evidence: EvidenceStore | None = None,
    ) -> None:
        self.store = store
        self.evidence = evidence
        self._refs: tuple[tuple[int, str], dict[str, set[str]]] | None = None
        self._cache: tuple[float, Holds] | None = None

    def object_refs(self) -> dict[str, set[str]]:
        """Evidence objects captured for ads (sha256 -> ad ids), re-read when the log grew."""
        if self.evidence is None:
            return {}
        head = self.evidence.head()
        if self._refs is None or self._refs[0] != head:
            self._refs = (head, capture_refs(self.evidence.entries()))
        return self._refs[1]

    # -- writing -------------------------------------------------------------------------------

    def add(
        self,
        kind: str,
        *,
        agency: str,
        received_on: date,
        scope: LegalScope,
        actor: Actor,
        agency_case: str | None = None,
        legal_basis: str | None = None,
        expires_on: date | None = None,
        notes: str | None = None,
    ) -> LegalItem:
        """Record legal process; its holds start at once.  ``ValueError`` on bad input."""
        k = check_kind(kind)
        agency_v = _need(agency, 200, "agency")
        basis = _clip(legal_basis, 200, "legal basis") or DEFAULT_BASIS[k]
        case_no = _clip(agency_case, 128, "agency case number")
        note = _clip(notes, 20_000, "notes")
        if received_on > today_utc() + timedelta(days=1):
            raise ValueError(f"the date received ({received_on}) is in the future")
        expiry = initial_expiry(k, received_on, expires_on)
        rows = scope.rows()
        now = _now()
        with self.store._write() as conn:
            item_id = conn.execute(
                legal_items.insert()
                .values(
                    kind=k,
                    agency=agency_v,
                    agency_case=case_no,
                    legal_basis=basis,
                    received_on=received_on,
                    expires_on=expiry,
                    renewals=0,
                    status="active",
                    notes=note,
                    recorded_by=actor.name[:128],
                    created_at=now,
                    updated_at=now,
                )
                .returning(legal_items.c.id)
            ).scalar_one()
            scope_rows = [
                {"item_id": item_id, "kind": kv, "value": v, "via": None} for kv, v in rows
            ]
            # networks are recomputed by every link run and cases change: what they held when
            # the request arrived is frozen here as plain ad rows (and still read live later)
            nets = [v for kv, v in rows if kv == "network"]
            direct = {v for kv, v in rows if kv == "ad"}
            seen: set[str] = set(direct)
            if nets:
                for nid, aid in conn.execute(
                    sa.select(network_members.c.network_id, network_members.c.ad_id).where(
                        network_members.c.network_id.in_(nets)
                    )
                ):
                    if aid not in seen:
                        seen.add(aid)
                        scope_rows.append(
                            {
                                "item_id": item_id,
                                "kind": "ad",
                                "value": aid,
                                "via": f"network:{nid}",
                            }
                        )
            for cid, aids in _case_ads(conn, [v for kv, v in rows if kv == "case"]).items():
                for aid in sorted(aids - seen):
                    seen.add(aid)
                    scope_rows.append(
                        {"item_id": item_id, "kind": "ad", "value": aid, "via": f"case:{cid}"}
                    )
            conn.execute(legal_scope.insert(), scope_rows)
            self.store._audit(
                conn,
                actor,
                "legal.add",
                f"legal:{item_id}",
                {
                    "kind": k,
                    "agency": agency_v,
                    "agency_case": case_no,
                    "expires_on": expiry.isoformat() if expiry else None,
                    "scope": len(scope_rows),
                },
                now,
            )
        self._cache = None  # after the commit: no reader can cache the state before it
        item = self.get(item_id)
        self._hold_event("hold", item, actor, f"{item.label()} recorded")
        return item

    def renew(
        self, item_id: int, *, actor: Actor, today: date | None = None, notes: str | None = None
    ) -> LegalItem:
        """Record a renewed 2703(f) request: 90 more days (once).  :class:`RenewalRefused`
        for a second renewal, an ended or closed item, or another kind."""
        day = today or today_utc()
        self.sweep(today=day, actor=actor)
        note = _clip(notes, 20_000, "notes")
        now = _now()
        with self.store._write() as conn:
            row = self._row(conn, item_id, lock=True)
            if row["status"] != "active":
                raise RenewalRefused(f"legal item {item_id} is {row['status']}; nothing to renew")
            new = renewed_expiry(row["kind"], row["expires_on"], row["renewals"], day)
            values: dict[str, Any] = {
                "expires_on": new,
                "renewals": row["renewals"] + 1,
                "updated_at": now,
            }
            if note:
                values["notes"] = "\n".join(x for x in (row["notes"], f"renewal: {note}") if x)
            conn.execute(legal_items.update().where(legal_items.c.id == item_id).values(**values))
            self.store._audit(
                conn,
                actor,
                "legal.renew",
                f"legal:{item_id}",
                {"from": row["expires_on"].isoformat(), "to": new.isoformat()},
                now,
            )
        self._cache = None
        return self.get(item_id)

    def close(self, item_id: int, status: str, *, actor: Actor, reason: str) -> LegalItem:
        """Close an item as ``fulfilled`` or ``withdrawn``; its holds end (logged)."""
        if status not in CLOSED_STATUSES:
            raise ValueError(f"close an item as one of: {', '.join(CLOSED_STATUSES)}")
        why = _need(reason, 2000, "reason")
        now = _now()
        with self.store._write() as conn:
            row = self._row(conn, item_id, lock=True)
            if row["status"] != "active":
                raise ConflictError(f"legal item {item_id} is already {row['status']}")
            conn.execute(
                legal_items.update()
                .where(legal_items.c.id == item_id)
                .values(status=status, closed_at=now, closed_by=actor.name[:128], updated_at=now)
            )
            self.store._audit(
                conn,
                actor,
                "legal.close",
                f"legal:{item_id}",
                {"status": status, "reason": why},
                now,
            )
        self._cache = None
        item = self.get(item_id)
        self._hold_event("release", item, actor, f"closed as {status}: {why}")
        return item

    def sweep(self, *, today: date | None = None, actor: Actor = SYSTEM) -> list[LegalItem]:
        """Mark active items past their last day ``expired``, logging each hold that ends."""
        day = today or today_utc()
        now = _now()
        with self.store._write() as conn:
            due = (
                conn.execute(
                    sa.select(legal_items.c.id, legal_items.c.expires_on)
                    .where(legal_items.c.status == "active", legal_items.c.expires_on < day)
                    .with_for_update()
                )
                .mappings()
                .all()
            )
            for r in due:
                conn.execute(
                    legal_items.update()
                    .where(legal_items.c.id == r["id"], legal_items.c.status == "active")
                    .values(status="expired", updated_at=now)
                )
                self.store._audit(
                    conn,
                    actor,
                    "legal.expired",
                    f"legal:{r['id']}",
                    {"expires_on": r["expires_on"].isoformat(), "noticed_on": day.isoformat()},
                    now,
                )
        ended = [self.get(int(r["id"])) for r in due]
        for item in ended:
            self._hold_event("release", item, actor, f"expired after {item.expires_on}")
        return ended

    def _hold_event(self, event: str, item: LegalItem, actor: Actor, why: str) -> None:
        """``hold`` / ``release`` in the evidence log (when one is configured)."""
        if self.evidence is None:
            return
        self.evidence.log_event(
            event,
            actor=actor.name,
            reason=why,
            objects=[o for o in item.scope.objects],
            detail={"legal_item": item.id, "kind": item.kind, "agency": item.agency},
        )

    def disclose(
        self,
        *,
        agency: str,
        recipient: str,
        legal_basis: str,
        actor: Actor,
        objects: Sequence[str] = (),
        package_sha256: str | None = None,
        item_id: int | None = None,
        notes: str | None = None,
        at: datetime | None = None,
    ) -> Disclosure:
        """Record what was handed to whom; also a ``disclosure`` event in the evidence log."""
        agency_v = _need(agency, 200, "agency")
        who = _need(recipient, 200, "recipient")
        basis = _need(legal_basis, 200, "legal basis or request id")
        note = _clip(notes, 20_000, "notes")
        shas = [s.lower() for s in objects]
        pkg = package_sha256.lower() if package_sha256 else None
        for s in [*shas, *([pkg] if pkg else [])]:
            if not _SHA256.match(s):
                raise ValueError(f"{s!r} is not a SHA-256 (64 hex digits)")
        if not shas and not pkg:
            raise ValueError("say what was disclosed: objects and/or the package hash")
        when = at or _now()
        with self.store._write() as conn:
            if item_id is not None:
                self._row(conn, item_id, lock=False)
            did = conn.execute(
                legal_disclosures.insert()
                .values(
                    item_id=item_id,
                    agency=agency_v,
                    recipient=who,
                    legal_basis=basis,
                    objects=orjson.dumps(shas).decode(),
                    package_sha256=pkg,
                    disclosed_at=when,
                    recorded_by=actor.name[:128],
                    notes=note,
                )
                .returning(legal_disclosures.c.id)
            ).scalar_one()
            self.store._audit(
                conn,
                actor,
                "legal.disclose",
                f"legal:{item_id}" if item_id is not None else f"disclosure:{did}",
                {"disclosure": did, "agency": agency_v, "objects": len(shas), "package": pkg},
            )
        if self.evidence is not None:
            self.evidence.log_event(
                "disclosure",
                actor=actor.name,
                reason=f"disclosed to {who} ({agency_v}) under {basis}",
                objects=[*shas, *([pkg] if pkg else [])],
                detail={"disclosure": did, "legal_item": item_id, "package_sha256": pkg},
            )
        return Disclosure(
            did, item_id, agency_v, who, basis, tuple(shas), pkg, when, actor.name[:128], note
        )

    # -- reading -------------------------------------------------------------------------------

    @staticmethod
    def _row(conn: sa.Connection, item_id: int, *, lock: bool) -> sa.RowMapping:
        q = sa.select(legal_items).where(legal_items.c.id == item_id)
        row = conn.execute(q.with_for_update() if lock else q).mappings().first()
        if row is None:
            raise NotFoundError(f"no legal item {item_id}")
        return row

    def get(self, item_id: int) -> LegalItem:
        with self.store._read() as conn:
            return self._to_items(conn, [self._row(conn, item_id, lock=False)])[0]

    def items(self, *, status: str | None = None, today: date | None = None) -> list[LegalItem]:
        """Every item (or those with ``status``), newest first, after a :meth:`sweep`."""
        self.sweep(today=today)
        q = sa.select(legal_items).order_by(legal_items.c.id.desc())
        if status is not None:
            q = q.where(legal_items.c.status == status)
        with self.store._read() as conn:
            return self._to_items(conn, conn.execute(q).mappings().all())

    def deadlines(
        self, *, within: int = 14, today: date | None = None
    ) -> list[tuple[LegalItem, int]]:
        """Active items whose last day is within ``within`` days: ``(item, days left)``,
        soonest first."""
        if within < 0:
            raise ValueError("--within must be 0 or more days")
        day = today or today_utc()
        self.sweep(today=day)
        q = (
            sa.select(legal_items)
            .where(
                legal_items.c.status == "active",
                legal_items.c.expires_on.is_not(None),
                legal_items.c.expires_on <= day + timedelta(days=within),
            )
            .order_by(legal_items.c.expires_on, legal_items.c.id)
        )
        with self.store._read() as conn:
            items = self._to_items(conn, conn.execute(q).mappings().all())
        return [(i, days_left(i.expires_on, day)) for i in items if i.expires_on is not None]

    def disclosures(self, *, item_id: int | None = None) -> list[Disclosure]:
        q = sa.select(legal_disclosures).order_by(legal_disclosures.c.id)
        if item_id is not None:
            q = q.where(legal_disclosures.c.item_id == item_id)
        with self.store._read() as conn:
            rows = conn.execute(q).mappings().all()
        return [
            Disclosure(
                r["id"],
                r["item_id"],
                r["agency"],
                r["recipient"],
                r["legal_basis"],
                tuple(orjson.loads(r["objects"])),
                r["package_sha256"],
                r["disclosed_at"],
                r["recorded_by"],
                r["notes"],
            )
            for r in rows
        ]

    @staticmethod
    def _to_items(conn: sa.Connection, rows: Sequence[sa.RowMapping]) -> list[LegalItem]:
        ids = [r["id"] for r in rows]
        given: dict[int, list[tuple[str, str]]] = defaultdict(list)
        expanded: dict[int, list[str]] = defaultdict(list)
        for k in range(0, len(ids), 500):
            for s in conn.execute(
                sa.select(legal_scope)
                .where(legal_scope.c.item_id.in_(ids[k : k + 500]))
                .order_by(legal_scope.c.id)
            ).mappings():
                if s["via"]:
                    expanded[s["item_id"]].append(s["value"])
                else:
                    given[s["item_id"]].append((s["kind"], s["value"]))
        return [
            LegalItem(
                id=r["id"],
                kind=check_kind(r["kind"]),
                agency=r["agency"],
                agency_case=r["agency_case"],
                legal_basis=r["legal_basis"],
                scope=LegalScope.from_rows(given[r["id"]]),
                received_on=r["received_on"],
                expires_on=r["expires_on"],
                renewals=r["renewals"],
                status=r["status"],
                notes=r["notes"],
                recorded_by=r["recorded_by"],
                created_at=r["created_at"],
                updated_at=r["updated_at"],
                closed_at=r["closed_at"],
                closed_by=r["closed_by"],
                expanded_ads=tuple(expanded[r["id"]]),
            )
            for r in rows
        ]

    # -- holds ---------------------------------------------------------------------------------

    def holds(self, *, today: date | None = None, sweep: bool = True) -> Holds:
        """What is held on ``today``; first a :meth:`sweep`, so ended holds are logged
        (``sweep=False`` for a read-only look: the result is the same, nothing is written)."""
        day = today or today_utc()
        if sweep:
            self.sweep(today=day)
        with self.store._read() as conn:
            return self._holds(conn, day)

    def _holds(self, conn: sa.Connection, day: date) -> Holds:
        q = sa.select(legal_items).where(
            legal_items.c.status == "active",
            sa.or_(legal_items.c.expires_on.is_(None), legal_items.c.expires_on >= day),
        )
        items = self._to_items(conn, conn.execute(q.order_by(legal_items.c.id)).mappings().all())
        out = Holds(day, items=items)
        ads: dict[str, list[str]] = defaultdict(list)
        objs: dict[str, list[str]] = defaultdict(list)
        for item in items:
            label = item.label()
            held: set[str] = set(item.scope.ads) | set(item.expanded_ads)
            if item.scope.networks:
                held.update(
                    conn.execute(
                        sa.select(network_members.c.ad_id).where(
                            network_members.c.network_id.in_(item.scope.networks)
                        )
                    ).scalars()
                )
            for aids in _case_ads(conn, item.scope.cases).values():
                held.update(aids)
            for ident in item.scope.identifiers:
                kind, _, value = ident.partition(":")
                cond = entities.c.value == value
                if kind == "wallet" and ":" not in value:  # an address given without its chain
                    cond = entities.c.value.endswith(":" + value, autoescape=True)
                held.update(
                    conn.execute(
                        sa.select(entities.c.ad_id).where(entities.c.kind == kind, cond).distinct()
                    ).scalars()
                )
            for aid in held:
                ads[aid].append(label)
            for sha in item.scope.objects:
                objs[sha].append(label)
        held_ids = list(ads)
        for k in range(0, len(held_ids), 500):
            for aid, sha in conn.execute(
                sa.select(ad_versions.c.ad_id, ad_versions.c.sha256).where(
                    ad_versions.c.ad_id.in_(held_ids[k : k + 500])
                )
            ):
                objs[sha].extend(x for x in ads[aid] if x not in objs[sha])
        refs: dict[str, set[str]] = defaultdict(set)
        for sha, aids in _case_objects(conn, held_ids).items():
            refs[sha].update(aids)
        for sha, aids in self.object_refs().items():
            refs[sha].update(aids)
        for sha, aids in refs.items():
            for aid in aids:
                for x in ads.get(aid, ()):
                    if x not in objs[sha]:
                        objs[sha].append(x)
        out.ads = dict(ads)
        out.objects = dict(objs)
        return out

    def is_held(self, ad_id: str, *, today: date | None = None) -> str | None:
        """Why ``ad_id`` is held today, or None."""
        return self.holds(today=today).is_held(ad_id)

    def hold_check(self, sha256: str) -> str | None:
        """Why evidence object ``sha256`` is held today, or None.  Pass this as
        ``EvidenceStore.open(root, hold_check=register.hold_check)``.  It reads the register
        afresh after any change made through this register, and otherwise at most
        :data:`HOLD_CACHE_SECONDS` after its last look (holds recorded by another process
        apply within that time)."""
        cached = self._cache
        if cached is None or time.monotonic() - cached[0] > HOLD_CACHE_SECONDS:
            holds = self.holds()
            cached = self._cache = (time.monotonic(), holds)
        return cached[1].hold_check(sha256)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def iter_labels(holds: Holds) -> Iterator[tuple[str, str]]:
    """``(ad id, reason)`` of every held ad, sorted (for reports)."""
    for aid in sorted(holds.ads):
        yield aid, "; ".join(holds.ads[aid])
