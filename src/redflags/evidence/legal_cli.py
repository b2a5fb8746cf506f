"""``redflags legal`` (register of legal process, holds, disclosures) and ``redflags retention``.

The database is ``--db`` (else ``$REDFLAGS_DB``, else ``./redflags.db``).  The evidence store is
``--evidence-dir`` (else ``$REDFLAGS_EVIDENCE_DIR``, else ``./redflags-evidence``) and is used
only when it exists: holds, releases and disclosures are then also written to its custody log,
and retention deletes its expired objects.  Exit codes: 0 done; 1 refused or not found (a
second renewal, an item already closed, an unknown id); 3 bad input or policy; 5 the database
or evidence store cannot be opened.  Nothing printed here contains ad text or contacts.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from redflags.cliutil import DbOption, Opened, fail, opened, operator
from redflags.errors import RedflagsError
from redflags.evidence.legal import (
    CLOSED_STATUSES,
    KINDS,
    LegalItem,
    LegalScope,
    today_utc,
)

__all__ = ["legal_app", "retention_app"]

legal_app = typer.Typer(
    help="Legal process: preservation requests, subpoenas, orders, warrants; holds; disclosures.",
    no_args_is_help=True,
)
retention_app = typer.Typer(
    help="Retention policy: purge expired content, except what is held.", no_args_is_help=True
)
err = Console(stderr=True)
out = Console()

EvidenceOption = Annotated[
    Path | None,
    typer.Option(
        "--evidence-dir",
        help="evidence store (default: $REDFLAGS_EVIDENCE_DIR or ./redflags-evidence; used if "
        "it exists)",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON lines on stdout")]


def _session(db: str | None, evidence_dir: Path | None) -> AbstractContextManager[Opened]:
    """The store and its register, with the evidence store when given or present; a refusal or
    an unknown id exits 1, other errors as :func:`redflags.cliutil.errors_to_exit` says."""
    return opened(db, evidence_dir, evidence=None, refused=1)


def _date(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]error:[/red] {what} must be a date like 2026-03-01, not {value!r}")
        raise typer.Exit(3) from None


def _items_table(items: list[tuple[LegalItem, int | None]], title: str, today: date) -> Table:
    t = Table(title=title, header_style="bold")
    for col in ("id", "kind", "agency", "case no.", "received", "last day", "left", "renewals"):
        t.add_column(col, justify="right" if col in ("id", "left", "renewals") else "left")
    t.add_column("status")
    t.add_column("scope")
    for item, left in items:
        s = item.scope
        scope = ", ".join(
            f"{n} {w}"
            for n, w in (
                (len(s.ads) + len(item.expanded_ads), "ads"),
                (len(s.networks), "networks"),
                (len(s.cases), "cases"),
                (len(s.identifiers), "identifiers"),
                (len(s.objects), "objects"),
            )
            if n
        )
        style = None
        if left is not None and item.status == "active":
            style = "red" if left <= 3 else "yellow" if left <= 14 else None
        t.add_row(
            str(item.id),
            item.kind,
            item.agency,
            item.agency_case or "",
            item.received_on.isoformat(),
            item.expires_on.isoformat() if item.expires_on else "until closed",
            "" if left is None else f"{left} d",
            f"{item.renewals}" + (" (may renew)" if item.renewable() else ""),
            item.status,
            scope,
            style=style,
        )
    return t


def _left(item: LegalItem, today: date) -> int | None:
    return None if item.expires_on is None else (item.expires_on - today).days


# -- legal ------------------------------------------------------------------------------------


@legal_app.command("add")
def legal_add(
    kind: Annotated[str, typer.Argument(help=" | ".join(KINDS))],
    agency: Annotated[str, typer.Option("--agency", help="the requesting agency")],
    received: Annotated[
        str | None, typer.Option("--received", help="date received/served (default: today, UTC)")
    ] = None,
    agency_case: Annotated[
        str | None, typer.Option("--case-number", help="the agency's case number")
    ] = None,
    basis: Annotated[
        str | None, typer.Option("--basis", help="legal basis (default: the statute for KIND)")
    ] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help="last day, when the process names one")
    ] = None,
    ads: Annotated[list[str] | None, typer.Option("--ad", help="an ad id (repeatable)")] = None,
    networks: Annotated[
        list[str] | None, typer.Option("--network", help="a network id (repeatable)")
    ] = None,
    cases: Annotated[
        list[str] | None, typer.Option("--case", help="a case id (repeatable)")
    ] = None,
    identifiers: Annotated[
        list[str] | None,
        typer.Option("--identifier", help="phone:+1..., email:..., wallet:CHAIN:ADDR ..."),
    ] = None,
    objects: Annotated[
        list[str] | None, typer.Option("--object", help="an evidence SHA-256 (repeatable)")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    db: DbOption = None,
    evidence_dir: EvidenceOption = None,
) -> None:
    """Record legal process; everything in its scope is held from now on."""
    day = _date(received, "--received") or today_utc()
    scope = LegalScope(
        ads=tuple(ads or ()),
        networks=tuple(networks or ()),
        cases=tuple(cases or ()),
        identifiers=tuple(identifiers or ()),
        objects=tuple(objects or ()),
    )
    with _session(db, evidence_dir) as ctx:
        item = ctx.register.add(
            kind,
            agency=agency,
            received_on=day,
            scope=scope,
            actor=operator(),
            agency_case=agency_case,
            legal_basis=basis,
            expires_on=_date(expires, "--expires"),
            notes=notes,
        )
    extra = f" (+{len(item.expanded_ads)} ads of its networks/cases)" if item.expanded_ads else ""
    err.print(f"recorded {item.label()}{extra}; its scope is held from now on")
    typer.echo(item.id)


@legal_app.command("list")
def legal_list(
    status: Annotated[
        str | None, typer.Option("--status", help="active | expired | fulfilled | withdrawn")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    evidence_dir: EvidenceOption = None,
) -> None:
    """The register, newest first (expired items are marked so first, and logged)."""
    today = today_utc()
    with _session(db, evidence_dir) as ctx:
        items = ctx.register.items(status=status)
    if as_json:
        for i in items:
            typer.echo(orjson.dumps(i.to_json()).decode())
        return
    err.print(_items_table([(i, _left(i, today)) for i in items], "legal process", today))


@legal_app.command("deadlines")
def legal_deadlines(
    within: Annotated[int, typer.Option("--within", help="days ahead", min=0)] = 14,
    as_json: JsonOption = False,
    db: DbOption = None,
    evidence_dir: EvidenceOption = None,
) -> None:
    """Active items whose preservation ends within --within days, soonest first."""
    today = today_utc()
    with _session(db, evidence_dir) as ctx:
        due = ctx.register.deadlines(within=within, today=today)
    if as_json:
        for item, left in due:
            typer.echo(orjson.dumps({**item.to_json(), "days_left": left}).decode())
        return
    if not due:
        err.print(f"no active legal process ends within {within} days")
        return
    items: list[tuple[LegalItem, int | None]] = [(i, n) for i, n in due]
    err.print(_items_table(items, f"ending within {within} days (today {today})", today))
    renewable = [str(i.id) for i, _ in due if i.renewable()]
    if renewable:
        err.print(
            "2703(f) requests that may still be renewed once (needs the agency's renewed "
            f"request): {', '.join(renewable)}"
        )


@legal_app.command("renew")
def legal_renew(
    item_id: Annotated[int, typer.Argument(help="the register id")],
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    db: DbOption = None,
    evidence_dir: EvidenceOption = None,
) -> None:
    """Record a renewed 2703(f) request: 90 more days, once."""
    with _session(db, evidence_dir) as ctx:
        item = ctx.register.renew(item_id, actor=operator(), notes=notes)
    err.print(f"renewed: {item.label()}")


@legal_app.command("close")
def legal_close(
    item_id: Annotated[int, typer.Argument(help="the register id")],
    status: Annotated[str, typer.Option("--status", help=" | ".join(CLOSED_STATUSES))],
    reason: Annotated[str, typer.Option("--reason", help="why (kept in the audit log)")],
    db: DbOption = None,
    evidence_dir: EvidenceOption = None,
) -> None:
    """Close an item (fulfilled or withdrawn); its holds end and the end is logged."""
    with _session(db, evidence_dir) as ctx:
        item = ctx.register.close(item_id, status, actor=operator(), reason=reason)
    err.print(f"closed {item.kind} #{item.id} as {item.status}; its holds have ended")


@legal_app.command("disclose")
def legal_disclose(
    agency: Annotated[str, typer.Option("--agency")],
    recipient: Annotated[str, typer.Option("--to", help="the person who received it")],
    basis: Annotated[str, typer.Option("--basis", help="legal basis or the agency's request id")],
    objects: Annotated[
        list[str] | None, typer.Option("--object", help="SHA-256 handed over (repeatable)")
    ] = None,
    package: Annotated[
        str | None, typer.Option("--package", help="SHA-256 of the case package handed over")
    ] = None,
    item_id: Annotated[
        int | None, typer.Option("--item", help="the register id it answers")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    db: DbOption = None,
    evidence_dir: EvidenceOption = None,
) -> None:
    """Record what was handed to whom (and a 'disclosure' event in the evidence log)."""
    with _session(db, evidence_dir) as ctx:
        d = ctx.register.disclose(
            agency=agency,
            recipient=recipient,
            legal_basis=basis,
            objects=objects or (),
            package_sha256=package,
            item_id=item_id,
            notes=notes,
            actor=operator(),
        )
        logged = ctx.evidence is not None
    err.print(
        f"disclosure {d.id} recorded ({len(d.objects)} objects"
        + (", package" if d.package_sha256 else "")
        + ("; evidence log updated)" if logged else "; no evidence store configured)")
    )
    typer.echo(d.id)


@legal_app.command("holds")
def legal_holds(
    as_json: JsonOption = False,
    db: DbOption = None,
    evidence_dir: EvidenceOption = None,
) -> None:
    """What is held today: ads and evidence objects, with the items holding them."""
    with _session(db, evidence_dir) as ctx:
        holds = ctx.register.holds()
    if as_json:
        typer.echo(orjson.dumps({"day": holds.day.isoformat(), "ads": holds.ads,
                                 "objects": holds.objects}).decode())  # fmt: skip
        return
    err.print(
        f"{len(holds.items)} active items hold {len(holds.ads)} ads and "
        f"{len(holds.objects)} evidence objects"
    )


# -- retention --------------------------------------------------------------------------------


@retention_app.command("run")
def retention_run(
    policy_file: Annotated[
        Path | None, typer.Option("--policy", help="retention.toml with a [retention] table")
    ] = None,
    ads_days: Annotated[
        int | None, typer.Option("--ads-days", help="keep ads N days after their last update")
    ] = None,
    not_risk_days: Annotated[
        int | None,
        typer.Option("--not-risk-days", help="keep ads decided not-risk M days after that"),
    ] = None,
    evidence_days: Annotated[
        int | None,
        typer.Option("--evidence-days", help="keep case evidence K days after the case closes"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print what would be purged and held; change nothing")
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
    evidence_dir: EvidenceOption = None,
) -> None:
    """Purge content the policy has expired, except what is held or in an open case."""
    from redflags.evidence.retention import RetentionPolicy, run

    try:
        base = RetentionPolicy.load(policy_file) if policy_file else RetentionPolicy()
        policy = base.merged(
            ads_days=ads_days, not_risk_days=not_risk_days, evidence_days=evidence_days
        )
    except RedflagsError as exc:
        fail(exc, exc.exit_code)
    if policy.empty():
        err.print("[red]error:[/red] no retention rule: give --policy or --ads-days, ...")
        raise typer.Exit(3)
    with _session(db, evidence_dir) as ctx:
        result = run(
            ctx.store,
            policy,
            ctx.register,
            actor=operator(),
            evidence=ctx.evidence,
            dry_run=dry_run,
        )
    p = result.plan
    if as_json:
        typer.echo(orjson.dumps({**p.to_json(), "dry_run": dry_run,
                                 "purged_ads": result.purged_ads,
                                 "deleted_objects": result.deleted_objects}).decode())  # fmt: skip
        return
    t = Table(title="retention" + (" (dry run: nothing changed)" if dry_run else ""))
    t.add_column("what")
    t.add_column("id")
    t.add_column("rule")
    t.add_column("why kept")
    for aid, rule in p.purge_ads:
        t.add_row("would purge ad" if dry_run else "purged ad", aid, rule, "")
    for aid, rule, why in p.held_ads:
        t.add_row("held ad", aid, rule, why, style="yellow")
    for aid, rule, why in p.kept_ads:
        t.add_row("kept ad", aid, rule, why)
    for sha, rule in p.purge_objects:
        t.add_row("would delete object" if dry_run else "deleted object", sha[:16] + "…", rule, "")
    for sha, rule, why in p.held_objects:
        t.add_row("held object", sha[:16] + "…", rule, why, style="yellow")
    for sha, rule, why in p.kept_objects:
        t.add_row("kept object", sha[:16] + "…", rule, why)
    err.print(t)
    verb = "would purge" if dry_run else "purged"
    n_obj = len(p.purge_objects) if dry_run else len(result.deleted_objects)
    err.print(
        f"{verb} {len(p.purge_ads) if dry_run else len(result.purged_ads)} ads and {n_obj} "
        f"evidence objects; {len(p.held_ads)} ads and {len(p.held_objects)} objects held"
        + (f"; {len(result.skipped_objects)} objects skipped" if result.skipped_objects else "")
    )
