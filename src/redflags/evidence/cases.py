"""Cases: ads or whole networks gathered by an analyst, with notes, for a law-enforcement referral.

An ``analyst`` (or ``admin``) opens a case from ad ids or a network, adds ads and notes; a
``liaison`` (or ``admin``) exports it (:mod:`redflags.evidence.package`); an analyst or admin
closes it with a reason (:func:`close_case`; a closed case takes no more ads or notes, and
retention counts its age from the closing).  Every action writes a row to the store's audit log
in the same transaction as the change.

When an ad joins a case, every stored version of it (the JSON text exactly as received) and each
of its local images are *captured* into the evidence store, the reason naming the case.  A case
package is then built only from captured objects, so it holds exactly what was preserved, and
the chain of custody covers every byte in it.

:func:`build_bundle` gives the case bundle (Contract 2 in :mod:`redflags.evidence`), the one
dict that the package and the hotline report are made from.

>>> from redflags.store import SYSTEM, LocalScreener, Store, prepare
>>> import tempfile; from pathlib import Path
>>> from redflags.evidence.log import EvidenceStore
>>> store, ev = Store.open("sqlite://"), EvidenceStore.open(Path(tempfile.mkdtemp()))
>>> _ = store.ingest([prepare('{"id": "a-1", "body": "hi"}')], LocalScreener(),
...                  actor=SYSTEM, source="cli")
>>> case = open_case(store, ev, title="Example", ad_ids=["a-1"], actor=SYSTEM)
>>> [a["id"] for a in build_bundle(store, ev, case["id"])["ads"]]
['a-1']
"""

from __future__ import annotations

import mimetypes
import os
import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from redflags.errors import AccessError, ConflictError, NotFoundError
from redflags.store.access import Scope, allowed
from redflags.store.repo import SYSTEM, Actor, Store, iso, utcnow
from redflags.store.schema import (
    ad_versions,
    ads,
    assessments,
    case_ads,
    case_images,
    case_notes,
    cases,
    network_members,
    networks,
)

if TYPE_CHECKING:
    from redflags.evidence.log import EvidenceStore

__all__ = [
    "ENV_PLATFORM",
    "AddResult",
    "add_ads",
    "add_note",
    "build_bundle",
    "close_case",
    "collect",
    "get_case",
    "list_cases",
    "open_case",
    "victims",
]

#: longest case title and note (a note is an analyst's paragraph, not a document)
TITLE_CHARS = 200
NOTE_CHARS = 10_000
#: longest reason for closing a case
REASON_CHARS = 2_000
#: most ads one call may add (a network larger than this is split by the analyst)
MAX_ADS = 5_000
#: a stated age below this makes the person advertised a possible minor
ADULT_AGE = 18
#: environment variables naming the platform in packages and hotline reports
ENV_PLATFORM = {
    "name": "REDFLAGS_PLATFORM_NAME",
    "url": "REDFLAGS_PLATFORM_URL",
    "contact_email": "REDFLAGS_PLATFORM_EMAIL",
}
_CASE_ID = re.compile(r"case-[0-9a-f]{8}")


@dataclass(slots=True)
class AddResult:
    """What one ``add`` did: ads newly in the case, ads moved to a newer version, unchanged,
    objects captured, and local images named by ads but not found."""

    case_id: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    captured: int = 0
    images: int = 0
    missing_images: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "captured": self.captured,
            "images": self.images,
            "missing_images": self.missing_images,
        }


def _require(actor: Actor, scope: Scope) -> None:
    """The command-line operator may do anything; API users only what their role grants."""
    if actor.role != "operator" and not allowed(actor.role, scope):
        raise AccessError(f"the {actor.role} role may not do this ({scope})", 403)


def _text(value: str, what: str, limit: int) -> str:
    text = value.strip()
    if not text or len(text) > limit or "\x00" in text:
        raise ValueError(f"{what} must be 1-{limit} characters of text without NUL")
    return text


def _check_id(case_id: str) -> str:
    if not _CASE_ID.fullmatch(case_id):
        raise NotFoundError(f"no case {case_id!r} (case ids look like case-1a2b3c4d)")
    return case_id


def _case_row(conn: sa.Connection, case_id: str) -> sa.RowMapping:
    row = conn.execute(sa.select(cases).where(cases.c.id == _check_id(case_id))).mappings().first()
    if row is None:
        raise NotFoundError(f"no case {case_id!r}")
    return row


def _open_row(conn: sa.Connection, case_id: str) -> sa.RowMapping:
    """The case's row, if it is still open (a closed case takes no more ads or notes)."""
    row = _case_row(conn, case_id)
    if row["status"] != "open":
        raise ConflictError(f"case {case_id} is {row['status']}; it takes no more ads or notes")
    return row


def _network_ads(conn: sa.Connection, network_id: str) -> list[str]:
    found = conn.execute(sa.select(networks.c.id).where(networks.c.id == network_id)).first()
    if found is None:
        raise NotFoundError(f"no network {network_id!r} (run `redflags link` or POST /v1/link)")
    return list(
        conn.execute(
            sa.select(network_members.c.ad_id)
            .where(network_members.c.network_id == network_id)
            .order_by(network_members.c.ad_id)
        ).scalars()
    )


def open_case(
    store: Store,
    evidence: EvidenceStore,
    *,
    title: str,
    actor: Actor,
    ad_ids: Sequence[str] = (),
    network_id: str | None = None,
    image_root: str | Path | None = None,
) -> dict[str, Any]:
    """Open a case from ``ad_ids`` and/or every ad of ``network_id``; returns :func:`get_case`.

    The ads' versions and local images are captured into ``evidence`` (see :func:`add_ads`).
    """
    _require(actor, "case.write")
    title = _text(title, "a case title", TITLE_CHARS)
    with store._read() as conn:
        ids = list(ad_ids)
        if network_id is not None:
            ids += _network_ads(conn, network_id)
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValueError("a case is opened from at least one ad (--ads) or a network (--network)")
    case_id = f"case-{secrets.token_hex(4)}"
    now = utcnow()
    with store._write() as conn:
        conn.execute(
            cases.insert().values(
                id=case_id,
                title=title,
                status="open",
                opened_by=actor.user_id,
                opened_by_name=actor.name[:128],
                opened_at=now,
                updated_at=now,
                network_ids=orjson.dumps([network_id] if network_id else []).decode(),
            )
        )
        store._audit(
            conn, actor, "case.open", f"case:{case_id}", {"ads": len(ids), "network": network_id}
        )
    add_ads(store, evidence, case_id, ids, actor=actor, image_root=image_root)
    return get_case(store, case_id, actor=actor, audit=False)


def _local_images(content: Mapping[str, Any], root: Path | None) -> list[Path | None]:
    """The ad's image paths that are local files (URLs are not fetched); None = not found.
    With a ``root``, a path leading outside it (``../x``, absolute) counts as not found: ad
    text is the poster's, and must not make the server capture its own files."""
    imgs = content.get("images") or []
    if isinstance(imgs, str):
        imgs = [imgs]
    base = root.resolve() if root is not None else None
    out: list[Path | None] = []
    for p in imgs:
        if not isinstance(p, str) or "://" in p or not p or "\x00" in p:
            continue
        path = Path(p) if base is None else (base / p).resolve()
        inside = base is None or path.is_relative_to(base)
        out.append(path if inside and path.is_file() else None)
    return out


def _media_type(path: Path, data: bytes) -> str:
    from PIL import Image, UnidentifiedImageError

    try:
        import io

        with Image.open(io.BytesIO(data)) as im:
            mime = Image.MIME.get(im.format or "")
            if mime:
                return mime
    except (UnidentifiedImageError, OSError, ValueError):
        pass
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def add_ads(
    store: Store,
    evidence: EvidenceStore,
    case_id: str,
    ad_ids: Iterable[str],
    *,
    actor: Actor,
    image_root: str | Path | None = None,
) -> AddResult:
    """Add ads to a case, capturing every version's content (as received) and local images.

    An ad already in the case whose content changed since is moved to its newest version
    (the new versions are captured).  Unknown ad ids raise :class:`NotFoundError` and add
    nothing.
    """
    _require(actor, "case.write")
    ids = list(dict.fromkeys(ad_ids))
    if len(ids) > MAX_ADS:
        raise ValueError(f"at most {MAX_ADS} ads per call; add them in parts")
    root = Path(image_root) if image_root is not None else None
    res = AddResult(case_id)
    with store._read() as conn:
        _open_row(conn, case_id)
        have = {
            r.ad_id: r.version
            for r in conn.execute(
                sa.select(case_ads.c.ad_id, case_ads.c.version).where(case_ads.c.case_id == case_id)
            )
        }
        heads: dict[str, int] = {}
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            rows = conn.execute(sa.select(ads.c.id, ads.c.version).where(ads.c.id.in_(part)))
            heads.update({r.id: r.version for r in rows})
        missing = [i for i in ids if i not in heads]
        if missing:
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            raise NotFoundError(f"no ad {', '.join(map(repr, missing[:3]))}{more}")
        todo = [i for i in ids if have.get(i) != heads[i]]
        versions: dict[str, list[sa.RowMapping]] = {i: [] for i in todo}
        for k in range(0, len(todo), 500):
            for r in conn.execute(
                sa.select(
                    ad_versions.c.ad_id,
                    ad_versions.c.version,
                    ad_versions.c.sha256,
                    ad_versions.c.content,
                )
                .where(ad_versions.c.ad_id.in_(todo[k : k + 500]))
                .order_by(ad_versions.c.ad_id, ad_versions.c.version)
            ).mappings():
                versions[r["ad_id"]].append(r)
    # capture first: objects are content-addressed, so a capture that is not followed by the
    # database write (a crash) is harmless, and the case never names an uncaptured object
    images: list[dict[str, Any]] = []
    latest_sha: dict[str, str] = {}
    with evidence.batch():  # one fsync of the log for all captures
        for ad_id in todo:
            for v in versions[ad_id]:
                if v["version"] > heads[ad_id]:
                    continue
                data = str(v["content"]).encode("utf-8", "surrogatepass")
                sha = evidence.capture(
                    data,
                    media_type="application/json",
                    actor=actor.name,
                    reason=f"{case_id}: ad {ad_id} version {v['version']} as received",
                    ref=f"ad:{ad_id}@{v['version']}",
                )
                res.captured += 1
                if v["version"] == heads[ad_id]:
                    latest_sha[ad_id] = sha
                    images += _capture_images(
                        evidence, case_id, ad_id, v["content"], root, actor, res
                    )
    now = utcnow()
    with store._write() as conn:
        _open_row(conn, case_id)
        for ad_id in todo:
            values = {
                "version": heads[ad_id],
                "sha256": latest_sha[ad_id],
                "added_by_name": actor.name[:128],
                "added_at": now,
            }
            if ad_id in have:
                conn.execute(
                    case_ads.update()
                    .where(case_ads.c.case_id == case_id, case_ads.c.ad_id == ad_id)
                    .values(**values)
                )
                res.updated.append(ad_id)
            else:
                conn.execute(case_ads.insert().values(case_id=case_id, ad_id=ad_id, **values))
                res.added.append(ad_id)
        known = {
            (r.sha256, r.ad_id)
            for r in conn.execute(
                sa.select(case_images.c.sha256, case_images.c.ad_id).where(
                    case_images.c.case_id == case_id
                )
            )
        }
        for img in images:
            if (img["sha256"], img["ad_id"]) not in known:
                known.add((img["sha256"], img["ad_id"]))
                conn.execute(case_images.insert().values(case_id=case_id, **img))
        conn.execute(cases.update().where(cases.c.id == case_id).values(updated_at=now))
        res.unchanged = [i for i in ids if i not in versions]
        store._audit(
            conn,
            actor,
            "case.add",
            f"case:{case_id}",
            {
                "added": len(res.added),
                "updated": len(res.updated),
                "unchanged": len(res.unchanged),
                "captured": res.captured,
                "images": res.images,
                "missing_images": res.missing_images,
            },
            now,
        )
    return res


def _capture_images(
    evidence: EvidenceStore,
    case_id: str,
    ad_id: str,
    raw: str,
    root: Path | None,
    actor: Actor,
    res: AddResult,
) -> list[dict[str, Any]]:
    from redflags.link.pdq import hash_bytes

    try:
        content = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return []
    if not isinstance(content, Mapping):
        return []
    out = []
    for path in _local_images(content, root):
        if path is None:
            res.missing_images += 1
            continue
        data = path.read_bytes()
        media = _media_type(path, data)
        sha = evidence.capture(
            data,
            media_type=media,
            actor=actor.name,
            reason=f"{case_id}: image {path.name} of ad {ad_id}",
            ref=f"ad:{ad_id}/image:{path.name}",
        )
        pdq = hash_bytes(data)
        res.captured += 1
        res.images += 1
        out.append(
            {
                "sha256": sha,
                "ad_id": ad_id,
                "filename": path.name[:300],
                "media_type": media[:64],
                "pdq": pdq.hex if pdq is not None else None,
            }
        )
    return out


def add_note(store: Store, case_id: str, text: str, *, actor: Actor) -> dict[str, Any]:
    """Add an analyst's note to a case (audited; the note's text is not copied to the audit)."""
    _require(actor, "case.write")
    body = _text(text, "a note", NOTE_CHARS)
    now = utcnow()
    with store._write() as conn:
        _open_row(conn, case_id)
        nid = conn.execute(
            case_notes.insert()
            .values(
                case_id=case_id, user_id=actor.user_id, by_name=actor.name[:128], at=now, text=body
            )
            .returning(case_notes.c.id)
        ).scalar_one()
        conn.execute(cases.update().where(cases.c.id == case_id).values(updated_at=now))
        store._audit(conn, actor, "case.note", f"case:{case_id}", {"note": nid}, now)
    return {"id": nid, "case_id": case_id, "by": actor.name, "at": iso(now), "text": body}


def close_case(store: Store, case_id: str, *, actor: Actor, reason: str) -> dict[str, Any]:
    """Close a case (status ``closed``; retention counts its age from now).  The reason is
    kept in the audit log and as a closing note on the case; returns :func:`get_case`.
    A case already closed raises :class:`ConflictError`."""
    _require(actor, "case.write")
    why = _text(reason, "a reason for closing the case", REASON_CHARS)
    now = utcnow()
    with store._write() as conn:
        _open_row(conn, case_id)
        done = conn.execute(
            cases.update()
            .where(cases.c.id == case_id, cases.c.status == "open")
            .values(status="closed", updated_at=now)
        )
        if done.rowcount != 1:  # closed by someone else since the read
            raise ConflictError(f"case {case_id} is already closed")
        conn.execute(
            case_notes.insert().values(
                case_id=case_id, user_id=actor.user_id, by_name=actor.name[:128], at=now,
                text=f"Case closed: {why}",
            )
        )
        store._audit(conn, actor, "case.close", f"case:{case_id}", {"reason": why}, now)
    return get_case(store, case_id, actor=actor, audit=False)


def list_cases(
    store: Store, *, actor: Actor, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Cases, most recently changed first: titles and counts (no ad content)."""
    _require(actor, "case.read")
    n_ads = (
        sa.select(sa.func.count())
        .where(case_ads.c.case_id == cases.c.id)
        .correlate(cases)
        .scalar_subquery()
    )
    with store._read() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one()
        rows = conn.execute(
            sa.select(cases, n_ads.label("n_ads"))
            .order_by(cases.c.updated_at.desc(), cases.c.id)
            .limit(limit)
            .offset(offset)
        ).mappings()
        out = [
            {
                "id": r["id"],
                "title": r["title"],
                "status": r["status"],
                "opened_by": r["opened_by_name"],
                "opened_at": iso(r["opened_at"]),
                "updated_at": iso(r["updated_at"]),
                "ads": int(r["n_ads"]),
                "network_ids": orjson.loads(r["network_ids"]),
            }
            for r in rows
        ]
    return out, int(total)


def open_cases(
    store: Store, *, actor: Actor, ad_id: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Open cases an ad can be added to, most recently changed first (``id``, ``title``), and,
    given ``ad_id``, whether it is already in each (``has_ad``).  For the ad page's form."""
    _require(actor, "case.read")
    query = sa.select(cases.c.id, cases.c.title).where(cases.c.status == "open")
    if ad_id is not None:
        has_ad = (
            sa.select(sa.func.count())
            .where(case_ads.c.case_id == cases.c.id, case_ads.c.ad_id == ad_id)
            .correlate(cases)
            .scalar_subquery()
        )
        query = query.add_columns(has_ad.label("has_ad"))
    query = query.order_by(cases.c.updated_at.desc(), cases.c.id).limit(limit)
    with store._read() as conn:
        return [
            {"id": r["id"], "title": r["title"], "has_ad": bool(r.get("has_ad"))}
            for r in conn.execute(query).mappings()
        ]


def _case_json(conn: sa.Connection, row: sa.RowMapping) -> dict[str, Any]:
    notes = conn.execute(
        sa.select(case_notes).where(case_notes.c.case_id == row["id"]).order_by(case_notes.c.id)
    ).mappings()
    return {
        "id": row["id"],
        "title": row["title"],
        "status": row["status"],
        "opened_by": row["opened_by_name"],
        "opened_at": iso(row["opened_at"]),
        "network_ids": orjson.loads(row["network_ids"]),
        "notes": [{"by": n["by_name"], "at": iso(n["at"]), "text": n["text"]} for n in notes],
    }


def get_case(store: Store, case_id: str, *, actor: Actor, audit: bool = True) -> dict[str, Any]:
    """A case with its notes and ads (id, version, SHA-256, risk, level); audited."""
    _require(actor, "case.read")
    with store._write() as conn:
        row = _case_row(conn, case_id)
        out = _case_json(conn, row)
        members = conn.execute(
            sa.select(case_ads, assessments.c.risk, assessments.c.level, assessments.c.action)
            .select_from(
                case_ads.join(ads, ads.c.id == case_ads.c.ad_id).outerjoin(
                    assessments, assessments.c.id == ads.c.assessment_id
                )
            )
            .where(case_ads.c.case_id == case_id)
            .order_by(case_ads.c.ad_id)
        ).mappings()
        out["updated_at"] = iso(row["updated_at"])
        out["ads"] = [
            {
                "id": m["ad_id"],
                "version": m["version"],
                "sha256": m["sha256"],
                "added_by": m["added_by_name"],
                "added_at": iso(m["added_at"]),
                "risk": m["risk"],
                "level": m["level"],
                "action": m["action"],
            }
            for m in members
        ]
        out["images"] = int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(case_images)
                .where(case_images.c.case_id == case_id)
            ).scalar_one()
        )
        if audit:
            store._audit(conn, actor, "case.read", f"case:{case_id}", {"ads": len(out["ads"])})
    return out


# -- the bundle ---------------------------------------------------------------------------------


def _platform(contents: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    sites = Counter(str(c["site"]) for c in contents if c.get("site"))
    name = os.environ.get(ENV_PLATFORM["name"]) or (sites.most_common(1)[0][0] if sites else "")
    return {
        "name": name,
        "url": os.environ.get(ENV_PLATFORM["url"], ""),
        "contact_email": os.environ.get(ENV_PLATFORM["contact_email"], ""),
    }


def victims(bundle_ads: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """People advertised, as far as the ads say: ads sharing a name used are one person; an
    ad with a stated age and no name is a person of its own.  ``minor`` when any stated age
    is under 18 (ages as advertised, never verified; a lead for investigators).

    >>> ads = [{"id": "a", "content": {"body": "I'm Amber, 16", "city": "Reno"},
    ...         "assessment": {"entities": {"ages": [16]}}},
    ...        {"id": "b", "content": {"body": "Ask for Amber"}, "assessment": {}}]
    >>> [(v["label"], v["stated_age"], v["minor"], v["ad_ids"]) for v in victims(ads)]
    [('Person 1', 16, True, ['a', 'b'])]
    """
    from redflags.link.names import names_in
    from redflags.link.unionfind import UnionFind

    facts = []
    for a in bundle_ads:
        c = a.get("content") or {}
        text = "\n".join(str(c.get(k) or "") for k in ("title", "body"))
        ages = [
            int(x)
            for x in ((a.get("assessment") or {}).get("entities") or {}).get("ages", [])
            if isinstance(x, int | float)
        ]
        facts.append((str(a["id"]), names_in(text), ages, str(c.get("city") or "")))
    uf = UnionFind(len(facts))
    first: dict[str, int] = {}
    for i, (_, names, _, _) in enumerate(facts):
        for n in names:
            j = first.setdefault(n.casefold(), i)
            uf.union(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(len(facts)):
        groups.setdefault(uf.find(i), []).append(i)
    out: list[dict[str, Any]] = []
    for members in groups.values():
        names = list(dict.fromkeys(n for i in members for n in facts[i][1]))
        ages = sorted({age for i in members for age in facts[i][2]})
        if not names and not ages:
            continue
        out.append(
            {
                "label": f"Person {len(out) + 1}",
                "stated_age": ages[0] if ages else None,
                "stated_ages": ages,
                "minor": any(age < ADULT_AGE for age in ages),
                "names_used": names,
                "ad_ids": [facts[i][0] for i in members],
                "cities": sorted({facts[i][3] for i in members if facts[i][3]}),
            }
        )
    # minors first: they are what a referral must not bury
    out.sort(key=lambda v: (not v["minor"], v["label"]))
    for k, v in enumerate(out, 1):
        v["label"] = f"Person {k}"
    return out


def collect(
    store: Store,
    evidence: EvidenceStore,
    case_id: str,
    *,
    actor: Actor = SYSTEM,
    reason: str | None = None,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The bundle and the captured bytes it names (``sha256 -> bytes``), for packaging.

    Every object is read back from the evidence store (an ``access`` event each), so what is
    packaged is what was preserved; the custody extract is taken after those reads.
    """
    why = reason or f"{case_id}: building the case bundle"
    with store._read() as conn:
        row = _case_row(conn, case_id)
        case = _case_json(conn, row)
        members = list(
            conn.execute(
                sa.select(case_ads).where(case_ads.c.case_id == case_id).order_by(case_ads.c.ad_id)
            ).mappings()
        )
        ids = [m["ad_id"] for m in members]
        vers: dict[str, list[sa.RowMapping]] = {i: [] for i in ids}
        found: dict[tuple[str, int], dict[str, Any]] = {}
        nets: set[str] = set(case["network_ids"])
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            for r in conn.execute(
                sa.select(
                    ad_versions.c.ad_id,
                    ad_versions.c.version,
                    ad_versions.c.sha256,
                    ad_versions.c.received_at,
                )
                .where(ad_versions.c.ad_id.in_(part))
                .order_by(ad_versions.c.ad_id, ad_versions.c.version)
            ).mappings():
                vers[r["ad_id"]].append(r)
            for a in conn.execute(
                sa.select(assessments.c.ad_id, assessments.c.ad_version, assessments.c.result)
                .where(assessments.c.ad_id.in_(part))
                .order_by(assessments.c.id)
            ):
                found[(a.ad_id, a.ad_version)] = orjson.loads(a.result)  # latest wins
            nets.update(
                conn.execute(
                    sa.select(network_members.c.network_id).where(network_members.c.ad_id.in_(part))
                ).scalars()
            )
        net_rows = conn.execute(
            sa.select(networks.c.summary)
            .where(networks.c.id.in_(sorted(nets)))
            .order_by(networks.c.id)
        ).scalars()
        nets_json = [orjson.loads(s) for s in net_rows]
        imgs = list(
            conn.execute(
                sa.select(case_images)
                .where(case_images.c.case_id == case_id)
                .order_by(case_images.c.ad_id, case_images.c.sha256)
            ).mappings()
        )
    blobs: dict[str, bytes] = {}

    def read(sha: str) -> bytes:
        if sha not in blobs:
            blobs[sha] = evidence.read(sha, actor=actor.name, reason=why)
        return blobs[sha]

    with evidence.batch():
        bundle_ads, images = _read_back(members, vers, found, imgs, read)
    custody = [e.to_json() for e in evidence.entries(objects=sorted(blobs))]
    bundle = {
        "case": case,
        "platform": _platform([a["content"] for a in bundle_ads if isinstance(a["content"], dict)]),
        "ads": bundle_ads,
        "images": images,
        "networks": nets_json,
        "victims": victims(bundle_ads),
        "custody": custody,
    }
    return bundle, blobs


def _read_back(
    members: Sequence[sa.RowMapping],
    vers: Mapping[str, Sequence[sa.RowMapping]],
    found: Mapping[tuple[str, int], dict[str, Any]],
    imgs: Sequence[sa.RowMapping],
    read: Callable[[str], bytes],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    bundle_ads = []
    for m in members:
        captured = [v for v in vers[m["ad_id"]] if v["version"] <= m["version"]]
        for v in captured:
            read(v["sha256"])
        head = next(v for v in captured if v["version"] == m["version"])
        bundle_ads.append(
            {
                "id": m["ad_id"],
                "version": m["version"],
                "sha256": m["sha256"],
                "received_at": iso(head["received_at"]),
                "content": orjson.loads(read(m["sha256"])),
                "assessment": found.get((m["ad_id"], m["version"]), {}),
                "versions": [
                    {
                        "version": v["version"],
                        "sha256": v["sha256"],
                        "received_at": iso(v["received_at"]),
                    }
                    for v in captured
                ],
                "added_by": m["added_by_name"],
                "added_at": iso(m["added_at"]),
            }
        )
    images = []
    for img in imgs:
        read(img["sha256"])
        images.append({k: img[k] for k in ("sha256", "ad_id", "filename", "media_type", "pdq")})
    return bundle_ads, images


def build_bundle(
    store: Store, evidence: EvidenceStore, case_id: str, *, actor: Actor = SYSTEM
) -> dict[str, Any]:
    """The case bundle (Contract 2 in :mod:`redflags.evidence`): the case and its notes, the
    platform, each ad as captured with its assessment, images, networks (with circuits),
    the people advertised (``victims``) and the custody extract of every object named."""
    return collect(store, evidence, case_id, actor=actor)[0]
