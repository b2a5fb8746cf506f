"""Retention: purge what is kept longer than the policy allows -- except what is held.

A policy has three clocks (each optional; ``None`` = keep forever):

==================  ===========================================================================
``ads_days``        an ad's content is purged N days after it was last updated (new version)
``not_risk_days``   an ad whose latest review verdict is ``not-risk`` is purged M days after
                    that decision (shorter: an ad cleared by a reviewer should not linger)
``evidence_days``   evidence objects captured for a case are deleted K days after the case
                    closed (status no longer ``open``; its last update is the closing time)
==================  ===========================================================================

Nothing under a legal hold (:mod:`redflags.evidence.legal`) is purged, and neither is an ad in
an open case; both are reported with the reason.  Evidence objects still belonging to another
case that is open or not yet past its own clock stay too.

**What purging an ad does.**  The ad keeps a *tombstone*: its rows in ``ads``, ``ad_versions``
(id, version, SHA-256 of the text as received, dates), ``assessments`` (risk, level, action,
model), review items and decisions stay, so counts, verdict statistics and the audit trail
remain consistent and anyone holding a copy can still prove what it was by its hash.  What
goes: the text as received (``ad_versions.content`` becomes ``{"id": ..., "purged": true}``),
the assessment's evidence spans and entities (``assessments.result`` keeps only the verdict),
the ``entities`` rows (identifier lookups), network membership, and the city/region/country
filter columns.  ``retention_purges`` records each tombstone; the audit log gets one
``retention.purge`` row per ad, and the evidence log one ``deletion`` entry per deleted object
(written by :meth:`EvidenceStore.delete`, which also refuses held objects).

Configuration, ``retention.toml``::

    [retention]
    ads_days = 365
    not_risk_days = 90
    evidence_days = 730
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import orjson
import sqlalchemy as sa

from redflags.errors import ConfigError, RedflagsError
from redflags.evidence.legal import Holds, LegalRegister
from redflags.store import Actor, Store
from redflags.store.repo import utcnow
from redflags.store.schema import (
    ad_versions,
    ads,
    assessments,
    case_ads,
    case_images,
    cases,
    decisions,
    entities,
    network_members,
    retention_purges,
    review_items,
)

__all__ = ["PurgeResult", "RetentionPlan", "RetentionPolicy", "plan", "run"]

#: ads purged per transaction (short transactions keep SQLite writers moving)
BATCH = 200


class Deleter(Protocol):
    """What retention needs of :class:`redflags.evidence.log.EvidenceStore`."""

    def has(self, sha256: str) -> bool: ...

    def delete(self, sha256: str, *, actor: str, reason: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long things are kept (days; ``None`` = forever)."""

    ads_days: int | None = None
    not_risk_days: int | None = None
    evidence_days: int | None = None

    def __post_init__(self) -> None:
        for name in ("ads_days", "not_risk_days", "evidence_days"):
            v = getattr(self, name)
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
                raise ConfigError(
                    f"retention {name} must be a whole number of days >= 1, not {v!r}"
                )

    @classmethod
    def load(cls, path: Path | str) -> RetentionPolicy:
        """Read the ``[retention]`` table of a TOML file; unknown keys are an error."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read retention policy {path}: {exc}") from None
        table = data.get("retention", data)
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [retention] must be a table")
        known = {"ads_days", "not_risk_days", "evidence_days"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(f"{path}: unknown retention keys {unknown}; known: {sorted(known)}")
        return cls(**table)

    def merged(self, **overrides: int | None) -> RetentionPolicy:
        """This policy with the non-None ``overrides`` (command-line flags) applied."""
        vals = {k: getattr(self, k) for k in ("ads_days", "not_risk_days", "evidence_days")}
        vals.update({k: v for k, v in overrides.items() if v is not None})
        return RetentionPolicy(**vals)

    def empty(self) -> bool:
        return self.ads_days is None and self.not_risk_days is None and self.evidence_days is None


@dataclass(slots=True)
class RetentionPlan:
    """What a run would do: ``(id, rule)`` to purge, ``(id, rule, reason)`` kept."""

    at: datetime
    policy: RetentionPolicy
    purge_ads: list[tuple[str, str]] = field(default_factory=list)
    held_ads: list[tuple[str, str, str]] = field(default_factory=list)
    kept_ads: list[tuple[str, str, str]] = field(default_factory=list)
    purge_objects: list[tuple[str, str]] = field(default_factory=list)
    held_objects: list[tuple[str, str, str]] = field(default_factory=list)
    kept_objects: list[tuple[str, str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(timespec="seconds") + "Z",
            "purge_ads": [{"id": i, "rule": r} for i, r in self.purge_ads],
            "held_ads": [{"id": i, "rule": r, "held_by": w} for i, r, w in self.held_ads],
            "kept_ads": [{"id": i, "rule": r, "why": w} for i, r, w in self.kept_ads],
            "purge_objects": [{"sha256": s, "rule": r} for s, r in self.purge_objects],
            "held_objects": [
                {"sha256": s, "rule": r, "held_by": w} for s, r, w in self.held_objects
            ],
            "kept_objects": [{"sha256": s, "rule": r, "why": w} for s, r, w in self.kept_objects],
        }


@dataclass(slots=True)
class PurgeResult:
    """What a run did."""

    plan: RetentionPlan
    purged_ads: list[str] = field(default_factory=list)
    deleted_objects: list[str] = field(default_factory=list)
    #: objects the evidence store refused (held meanwhile) or could not find
    skipped_objects: list[tuple[str, str]] = field(default_factory=list)


def _expired_ads(conn: sa.Connection, policy: RetentionPolicy, now: datetime) -> dict[str, str]:
    """Ad id -> the rule that expired it (``not-risk`` wins: it is the more specific)."""
    out: dict[str, str] = {}
    done = sa.select(retention_purges.c.ad_id)
    if policy.ads_days is not None:
        cutoff = now - timedelta(days=policy.ads_days)
        for (aid,) in conn.execute(
            sa.select(ads.c.id).where(ads.c.updated_at < cutoff, ads.c.id.not_in(done))
        ):
            out[aid] = "ads"
    if policy.not_risk_days is not None:
        cutoff = now - timedelta(days=policy.not_risk_days)
        latest = (
            sa.select(decisions.c.ad_id, sa.func.max(decisions.c.id).label("id"))
            .group_by(decisions.c.ad_id)
            .subquery()
        )
        q = (
            sa.select(decisions.c.ad_id)
            .join(latest, latest.c.id == decisions.c.id)
            .join(ads, ads.c.id == decisions.c.ad_id)
            .where(
                decisions.c.verdict == "not-risk",
                decisions.c.created_at < cutoff,
                # a newer version arrived after the verdict: it has not been cleared yet
                ads.c.version == decisions.c.ad_version,
                decisions.c.ad_id.not_in(done),
            )
        )
        for (aid,) in conn.execute(q):
            out[aid] = "not-risk"
    return out


def _open_case_ads(conn: sa.Connection) -> dict[str, str]:
    q = (
        sa.select(case_ads.c.ad_id, case_ads.c.case_id)
        .join(cases, cases.c.id == case_ads.c.case_id)
        .where(cases.c.status == "open")
    )
    return {aid: cid for aid, cid in conn.execute(q)}


def _case_shas(conn: sa.Connection, case_ids: Sequence[str]) -> dict[str, set[str]]:
    """sha256 -> case ids for every object captured into the cases: each version of each ad
    (the text as received) and the images."""
    out: dict[str, set[str]] = defaultdict(set)
    for k in range(0, len(case_ids), 500):
        chunk = case_ids[k : k + 500]
        for cid, sha in conn.execute(
            sa.select(case_ads.c.case_id, ad_versions.c.sha256)
            .join(ad_versions, ad_versions.c.ad_id == case_ads.c.ad_id)
            .where(case_ads.c.case_id.in_(chunk))
        ):
            out[sha].add(cid)
        for cid, sha in conn.execute(
            sa.select(case_images.c.case_id, case_images.c.sha256).where(
                case_images.c.case_id.in_(chunk)
            )
        ):
            out[sha].add(cid)
    return out


def plan(
    store: Store,
    policy: RetentionPolicy,
    holds: Holds,
    *,
    evidence: Deleter | None = None,
    now: datetime | None = None,
) -> RetentionPlan:
    """What a run under ``policy`` would purge, and what it keeps (held / in an open case).

    Reads only; ``holds`` is the register's snapshot (:meth:`LegalRegister.holds`).
    """
    at = now or utcnow()
    out = RetentionPlan(at, policy)
    with store._read() as conn:
        expired = _expired_ads(conn, policy, at)
        open_cases = _open_case_ads(conn) if expired else {}
        for aid in sorted(expired):
            rule = expired[aid]
            why = holds.is_held(aid)
            if why:
                out.held_ads.append((aid, rule, why))
            elif aid in open_cases:
                out.kept_ads.append((aid, rule, f"in open case {open_cases[aid]}"))
            else:
                out.purge_ads.append((aid, rule))
        if policy.evidence_days is not None and evidence is not None:
            cutoff = at - timedelta(days=policy.evidence_days)
            rows = conn.execute(sa.select(cases.c.id, cases.c.status, cases.c.updated_at)).all()
            due = [r.id for r in rows if r.status != "open" and r.updated_at < cutoff]
            live = {r.id for r in rows} - set(due)
            shas = _case_shas(conn, [r.id for r in rows]) if due else {}
            for sha in sorted(shas):
                owners = shas[sha]
                if not owners & set(due) or not evidence.has(sha):
                    continue
                rule = "evidence"
                why = holds.hold_check(sha)
                if why:
                    out.held_objects.append((sha, rule, why))
                elif owners & live:
                    out.kept_objects.append(
                        (sha, rule, f"also in case {', '.join(sorted(owners & live))}")
                    )
                else:
                    out.purge_objects.append((sha, rule))
    return out


def _tombstone(conn: sa.Connection, ad_ids: Sequence[str]) -> None:
    """Remove the content of ``ad_ids``, keeping their rows (see the module docstring)."""
    conn.execute(
        ad_versions.update()
        .where(ad_versions.c.ad_id == sa.bindparam("b_id"))
        .values(content=sa.bindparam("b_content")),
        [
            {"b_id": a, "b_content": orjson.dumps({"id": a, "purged": True}).decode()}
            for a in ad_ids
        ],
    )
    kept = [
        {
            "b_id": a.id,
            "b_result": orjson.dumps(
                {
                    "id": a.ad_id,
                    "purged": True,
                    "risk": a.risk,
                    "level": a.level,
                    "action": a.action,
                    "model": a.model,
                    "indicators": [],
                    "entities": {},
                }
            ).decode(),
        }  # fmt: skip
        for a in conn.execute(
            sa.select(
                assessments.c.id,
                assessments.c.ad_id,
                assessments.c.risk,
                assessments.c.level,
                assessments.c.action,
                assessments.c.model,
            ).where(assessments.c.ad_id.in_(ad_ids))
        ).all()
    ]
    if kept:
        conn.execute(
            assessments.update()
            .where(assessments.c.id == sa.bindparam("b_id"))
            .values(result=sa.bindparam("b_result")),
            kept,
        )
    conn.execute(entities.delete().where(entities.c.ad_id.in_(ad_ids)))
    conn.execute(network_members.delete().where(network_members.c.ad_id.in_(ad_ids)))
    conn.execute(
        ads.update().where(ads.c.id.in_(ad_ids)).values(city=None, region=None, country=None)
    )
    conn.execute(review_items.update().where(review_items.c.ad_id.in_(ad_ids)).values(city=None))


def run(
    store: Store,
    policy: RetentionPolicy,
    register: LegalRegister,
    *,
    actor: Actor,
    evidence: Deleter | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeResult:
    """Plan, and (unless ``dry_run``) purge: ads in batches, then evidence objects one by one.

    A dry run reads only (holds are computed without recording expiries).  A real run first
    sweeps the register (so a hold that ended is logged before anything it held goes).
    """
    at = now or utcnow()
    holds = register.holds(today=at.date(), sweep=not dry_run)
    p = plan(store, policy, holds, evidence=evidence, now=at)
    result = PurgeResult(p)
    if dry_run:
        return result
    rules = dict(p.purge_ads)
    ids = [i for i, _ in p.purge_ads]
    for k in range(0, len(ids), BATCH):
        chunk = ids[k : k + BATCH]
        with store._write() as conn:
            # the hold snapshot may be seconds old: re-check against holds recorded since
            fresh = register._holds(conn, at.date())
            chunk = [i for i in chunk if not fresh.is_held(i)]
            if not chunk:
                continue
            _tombstone(conn, chunk)
            conn.execute(
                retention_purges.insert(),
                [{"ad_id": i, "purged_at": at, "rule": rules[i], "actor": actor.name[:128]}
                 for i in chunk],
            )  # fmt: skip
            for i in chunk:
                store._audit(conn, actor, "retention.purge", f"ad:{i}", {"rule": rules[i]}, at)
        result.purged_ads.extend(chunk)
    if evidence is not None:
        for sha, rule in p.purge_objects:
            try:
                evidence.delete(
                    sha, actor=actor.name, reason=f"retention policy: {rule} clock expired"
                )
            except RedflagsError as exc:  # HeldError (held meanwhile), NotFoundError
                result.skipped_objects.append((sha, str(exc)))
                continue
            result.deleted_objects.append(sha)
    return result
