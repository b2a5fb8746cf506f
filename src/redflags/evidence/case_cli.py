"""``redflags case``: open cases, add ads and notes, close them, export and verify packages.

The command line acts as the operator (``cli:<login>``); every action is written to the store's
audit log and every capture, access and export to the evidence log.  Ad text is never printed.

Exit codes: 0 ok; 1 a package failed verification; 3 bad input (title, note, reason); otherwise the
code of the error (see :mod:`redflags.errors`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from redflags.cliutil import DbOption, errors_to_exit, opened, operator

__all__ = ["case_app", "demo_case"]

case_app = typer.Typer(
    help="Cases for law enforcement: open, add ads and notes, export and verify packages.",
    no_args_is_help=True,
)
err = Console(stderr=True)

EvidenceOption = Annotated[
    Path | None,
    typer.Option(
        "--evidence",
        help="evidence store directory (default: $REDFLAGS_EVIDENCE_DIR or ./redflags-evidence)",
    ),
]
ImageRoot = Annotated[
    Path | None,
    typer.Option("--image-root", help="folder the ads' local image paths are relative to"),
]


@contextmanager
def _opened(db: str | None, evidence: Path | None, *, need_evidence: bool = True) -> Iterator[Any]:
    """``(store, evidence store or None)``; errors in the block exit with their code."""
    with opened(db, evidence, evidence=need_evidence) as ctx:
        yield ctx.store, ctx.evidence


def _show(case: dict[str, Any]) -> None:
    err.print(
        f"[bold]{case['id']}[/bold] {case['title']} ({case['status']}), opened "
        f"{case['opened_at']} by {case['opened_by']}; networks: "
        f"{', '.join(case['network_ids']) or 'none'}; {case.get('images', 0)} images"
    )
    t = Table(header_style="bold")
    for col in ("ad", "version", "level", "risk", "sha256"):
        t.add_column(col)
    for a in case["ads"]:
        risk = "" if a["risk"] is None else f"{a['risk']:.3f}"
        t.add_row(a["id"], str(a["version"]), a["level"] or "", risk, a["sha256"][:16] + "…")
    err.print(t)
    for n in case["notes"]:
        err.print(f"note {n['at']} {n['by']}: {n['text']}")


@case_app.command("open")
def open_cmd(
    title: Annotated[str, typer.Option("--title", "-t", help="what the case is about")],
    ads: Annotated[
        list[str] | None, typer.Option("--ads", help="ad ids (repeat, or comma-separated)")
    ] = None,
    network: Annotated[
        str | None, typer.Option("--network", help="open from every ad of this network")
    ] = None,
    image_root: ImageRoot = None,
    db: DbOption = None,
    evidence: EvidenceOption = None,
) -> None:
    """Open a case from ads or a network; their content and local images are captured."""
    from redflags.evidence.cases import open_case

    ids = [i for part in ads or [] for i in part.split(",") if i.strip()]
    with _opened(db, evidence) as (store, ev):
        case = open_case(
            store,
            ev,
            title=title,
            ad_ids=ids,
            network_id=network,
            actor=operator(),
            image_root=image_root,
        )
    err.print(f"opened {case['id']} with {len(case['ads'])} ads ({case['images']} images)")
    typer.echo(case["id"])


@case_app.command("add")
def add_cmd(
    case_id: Annotated[str, typer.Argument(help="the case id (case-...)")],
    ads: Annotated[list[str], typer.Argument(help="ad ids to add")],
    image_root: ImageRoot = None,
    db: DbOption = None,
    evidence: EvidenceOption = None,
) -> None:
    """Add ads to a case (an ad already in it moves to its newest version)."""
    from redflags.evidence.cases import add_ads

    ids = [i for part in ads for i in part.split(",") if i.strip()]
    with _opened(db, evidence) as (store, ev):
        res = add_ads(store, ev, case_id, ids, actor=operator(), image_root=image_root)
    err.print(
        f"{case_id}: {len(res.added)} added, {len(res.updated)} moved to a newer version, "
        f"{len(res.unchanged)} already in the case; {res.captured} objects captured"
        + (f"; {res.missing_images} local images not found" if res.missing_images else "")
    )


@case_app.command("note")
def note_cmd(
    case_id: Annotated[str, typer.Argument(help="the case id")],
    text: Annotated[str, typer.Argument(help="the note")],
    db: DbOption = None,
) -> None:
    """Add a note to a case."""
    from redflags.evidence.cases import add_note

    with _opened(db, None, need_evidence=False) as (store, _):
        note = add_note(store, case_id, text, actor=operator())
    err.print(f"note {note['id']} added to {case_id}")


@case_app.command("close")
def close_cmd(
    case_id: Annotated[str, typer.Argument(help="the case id")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="why the case is closed")],
    db: DbOption = None,
) -> None:
    """Close a case (it takes no more ads or notes; retention counts its age from now)."""
    from redflags.evidence.cases import close_case

    with _opened(db, None, need_evidence=False) as (store, _):
        close_case(store, case_id, actor=operator(), reason=reason)
    err.print(f"{case_id} closed")


@case_app.command("list")
def list_cmd(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
) -> None:
    """List cases, most recently changed first."""
    from redflags.evidence.cases import list_cases

    with _opened(db, None, need_evidence=False) as (store, _):
        rows, total = list_cases(store, actor=operator(), limit=limit)
    t = Table(title=f"cases ({total})", header_style="bold")
    for col in ("id", "title", "status", "ads", "opened", "by"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["id"], r["title"], r["status"], str(r["ads"]), r["opened_at"], r["opened_by"])
    err.print(t)


@case_app.command("show")
def show_cmd(
    case_id: Annotated[str, typer.Argument(help="the case id")],
    as_json: Annotated[bool, typer.Option("--json", help="print the case as JSON")] = False,
    db: DbOption = None,
) -> None:
    """Show a case: its ads (ids, versions, hashes, levels) and notes (audited)."""
    from redflags.evidence.cases import get_case

    with _opened(db, None, need_evidence=False) as (store, _):
        case = get_case(store, case_id, actor=operator())
    if as_json:
        typer.echo(orjson.dumps(case, option=orjson.OPT_INDENT_2).decode())
    else:
        _show(case)


@case_app.command("export")
def export_cmd(
    case_id: Annotated[str, typer.Argument(help="the case id")],
    output: Annotated[Path, typer.Option("--output", "-o", help="the package to write (.zip)")],
    db: DbOption = None,
    evidence: EvidenceOption = None,
) -> None:
    """Export the case package (manifest, ads as received, images, assessments, network,
    custody, hotline report, HTML and PDF report); logged as an 'export' event."""
    from redflags.evidence.package import export_case

    with _opened(db, evidence) as (store, ev):
        res = export_case(store, ev, case_id, output, actor=operator())
    err.print(
        f"{case_id}: {res.files} files, {res.size:,} bytes, manifest SHA-256 "
        f"{res.manifest_sha256}; evidence log head at export: seq {res.head[0]}"
    )
    typer.echo(str(output))


@case_app.command("verify")
def verify_cmd(
    package: Annotated[Path, typer.Argument(help="a case package (.zip)")],
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence",
            help="also check the package against this evidence store's log (the exporting "
            "platform's check: the log must record the export of exactly this package)",
        ),
    ] = None,
) -> None:
    """Check a package offline: every file against the manifest, custody entries' hashes.
    With --evidence, also against the evidence log that recorded its export.
    Exits 1 naming the first bad file."""
    from redflags.evidence.log import EvidenceStore
    from redflags.evidence.package import verify_package

    if evidence is None:
        res = verify_package(package)
    else:
        with errors_to_exit():
            log = EvidenceStore.open(evidence, create=False)
            try:
                res = verify_package(package, log=log)
            finally:
                log.close()
    if not res.ok:
        err.print(f"[red]{res.summary()}[/red]")
        raise typer.Exit(1)
    err.print(f"[green]{res.summary()}[/green]")


def demo_case(out_dir: Path) -> Path | None:
    """After ``redflags demo``: store the demo corpus, open a case on its highest-risk network
    and export it to ``out_dir/case.zip`` (database and evidence store in ``out_dir``)."""
    from redflags.cli import _demo_corpus
    from redflags.evidence.cases import open_case
    from redflags.evidence.log import EvidenceStore
    from redflags.evidence.package import export_case
    from redflags.store import LocalScreener, Store, prepare

    ads_path, _ = _demo_corpus()
    db = out_dir / "demo.db"
    db.unlink(missing_ok=True)
    store = Store.open(f"sqlite:///{db}")
    try:
        actor = operator()
        lines = ads_path.read_text(encoding="utf-8").splitlines()
        store.ingest(
            [prepare(x) for x in lines if x.strip()], LocalScreener(), actor=actor, source="cli"
        )
        store.link(actor=actor)
        nets, _ = store.networks(limit=1)
        if not nets:
            return None
        with EvidenceStore.open(out_dir / "evidence") as ev:
            case = open_case(
                store,
                ev,
                title=f"Demo: highest-risk network {nets[0]['id']}",
                network_id=nets[0]["id"],
                actor=actor,
            )
            out = out_dir / "case.zip"
            export_case(store, ev, case["id"], out, actor=actor)
        return out
    finally:
        store.close()
