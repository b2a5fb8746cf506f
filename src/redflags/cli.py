"""The ``redflags`` command line (Typer + Rich).

Progress bars and summaries go to stderr; data goes to files or stdout.  Ad text and contacts
are never printed by these commands (reviewers read them in reports, not in terminal logs).

Exit codes: 0 ok; 1 unexpected error; 2 some input records were malformed (the run finished and
wrote everything valid); 3 bad configuration or catalog; 4 an input file could not be read.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from redflags.cliutil import DbOption, opened
from redflags.cliutil import open_store as _open_store
from redflags.cliutil import operator as _operator
from redflags.engines.local import Outcome, screen_records
from redflags.errors import EXIT_BAD_RECORDS, ConfigError, RedflagsError
from redflags.evidence.case_cli import case_app
from redflags.evidence.cli import evidence_app
from redflags.evidence.legal_cli import legal_app, retention_app
from redflags.io import AssessmentWriter, Record, detect_format, iter_records

app = typer.Typer(
    name="redflags",
    help="Find ads connected to human trafficking, explain why, and turn them into action.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)

#: at most this many malformed lines are echoed on stderr; all go to the errors file
_ECHO_ERRORS = 20
_LEVELS = ("critical", "high", "medium", "low")


def _echo_bad(n_bad: int, source: str, line: int, message: str) -> None:
    """Echo the ``n_bad``-th malformed line on stderr, up to :data:`_ECHO_ERRORS` of them."""
    if n_bad <= _ECHO_ERRORS:
        err.print(f"[red]line {line} of {source}[/red]: {message}", highlight=False)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal and os.environ.get("REDFLAGS_PROGRESS") != "1",
    )


def _errors_path(output: str, errors: str | None) -> Path | None:
    if errors:
        return Path(errors)
    if output == "-":
        return None
    out = Path(output)
    return out.with_name(out.name.split(".")[0] + ".errors.jsonl")


class ScanStats:
    """Counts gathered while writing, for the end-of-run summary."""

    def __init__(self) -> None:
        self.ads = 0
        self.bad = 0
        self.levels: Counter[str] = Counter()
        self.actions: Counter[str] = Counter()
        self.indicators: Counter[str] = Counter()

    def add(self, o: Outcome) -> None:
        if o.ok:
            self.ads += 1
            self.levels[o.level] += 1
            self.actions[o.action] += 1
            self.indicators.update(o.indicators)
        else:
            self.bad += 1


def _summary_table(stats: ScanStats, title: str) -> Table:
    t = Table(title=title, show_header=True, header_style="bold")
    t.add_column("what")
    t.add_column("count", justify="right")
    t.add_row("ads screened", f"{stats.ads:,}")
    for lvl in _LEVELS:
        t.add_row(f"  level {lvl}", f"{stats.levels.get(lvl, 0):,}")
    for act in ("block", "review", "allow"):
        t.add_row(f"  action {act}", f"{stats.actions.get(act, 0):,}")
    t.add_row("malformed lines", f"{stats.bad:,}", style="red" if stats.bad else None)
    for ind, n in stats.indicators.most_common(10):
        t.add_row(f"  indicator {ind}", f"{n:,}")
    return t


def _all_records(inputs: list[str], fmt: str | None) -> Iterator[Record]:
    for path in inputs:
        yield from iter_records(path, fmt)


EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="local (processes on this machine) or dask (default: dask with --scheduler, "
        "else local)",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786; its workers do the work and "
        "--workers is not used (without it, --engine dask starts a local cluster of --workers "
        "processes)",
    ),
]


@contextmanager
def _engine(engine: str | None, scheduler: str | None, workers: int) -> Iterator[Any]:
    """The open Dask engine for ``--engine dask`` (or a ``--scheduler``), else None (the local
    processes)."""
    if engine is None:
        engine = "dask" if scheduler is not None else "local"
    if engine not in ("local", "dask"):
        raise ConfigError(f"--engine must be local or dask, not {engine!r}")
    if engine == "local":
        if scheduler is not None:
            raise ConfigError("--scheduler needs --engine dask")
        yield None
        return
    from redflags.engines.dask import DaskEngine

    with DaskEngine(scheduler, workers) as dask_engine:
        yield dask_engine


def _total_units(inputs: list[str], fmt: str | None) -> tuple[int | None, str]:
    """Progress total: bytes for line formats, rows for Parquet; None when unknown (stdin)."""
    if any(p == "-" for p in inputs):
        return None, "bytes"
    if all(detect_format(p, fmt) == "parquet" for p in inputs):
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(p).metadata.num_rows for p in inputs), "rows"
    try:
        return sum(os.path.getsize(p) for p in inputs), "bytes"
    except OSError:
        return None, "bytes"


def run_scan(
    inputs: list[str],
    output: str,
    *,
    errors: str | None = None,
    fmt: str | None = None,
    workers: int = 0,
    description: str = "screening",
    engine: str | None = None,
    scheduler: str | None = None,
) -> ScanStats:
    """Screen ``inputs`` into ``output``; returns counts.  Used by ``scan`` and ``demo``."""
    n_workers = workers if workers > 0 else (os.cpu_count() or 1)
    err_path = _errors_path(output, errors)
    stats = ScanStats()
    total, unit = _total_units(inputs, fmt)
    with _engine(engine, scheduler, workers) as dask_engine:
        writer = AssessmentWriter(output)
        _scan_into(
            screen_records(_all_records(inputs, fmt), n_workers, engine=dask_engine),
            writer, err_path, stats, description, total, unit,
        )  # fmt: skip
    if stats.bad > _ECHO_ERRORS:
        err.print(f"... {stats.bad - _ECHO_ERRORS} more malformed lines")
    if stats.bad and err_path is not None:
        err.print(f"malformed lines written to {err_path}")
    return stats


def _scan_into(
    outcomes: Iterator[Outcome],
    writer: AssessmentWriter,
    err_path: Path | None,
    stats: ScanStats,
    description: str,
    total: int | None,
    unit: str,
) -> None:
    """Write ``outcomes`` (assessments to ``writer``, malformed lines to ``err_path``)."""
    err_fh = None
    try:
        with _progress() as progress:
            task = progress.add_task(description, total=total)
            for o in outcomes:
                stats.add(o)
                if o.ok:
                    writer.write(o.payload)
                else:
                    msg = o.payload.decode()
                    _echo_bad(stats.bad, o.source, o.line, msg)
                    if err_path is not None:
                        if err_fh is None:
                            err_fh = open(err_path, "wb")  # noqa: SIM115 - closed below
                        err_fh.write(
                            orjson.dumps({"source": o.source, "line": o.line, "error": msg}) + b"\n"
                        )
                progress.advance(task, o.raw_size if unit == "bytes" else 1)
    finally:
        writer.close()
        if err_fh is not None:
            err_fh.close()


@app.command()
def scan(
    ads: Annotated[list[str], typer.Argument(help="ad files (JSONL, CSV, Parquet) or - for stdin")],
    output: Annotated[
        str, typer.Option("-o", "--output", help="assessments (.jsonl/.parquet, - = stdout)")
    ] = "-",
    errors: Annotated[
        str | None,
        typer.Option("--errors", help="where malformed lines go (default OUT.errors.jsonl)"),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="input format: jsonl, csv, parquet (default: by extension)"),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", help="processes; 0 = all cores")] = 0,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Screen ads and write one Assessment per ad, in input order."""
    try:
        stats = run_scan(
            ads, output, errors=errors, fmt=fmt, workers=workers, engine=engine,
            scheduler=scheduler,
        )  # fmt: skip
    except RedflagsError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(exc.exit_code) from None
    err.print(_summary_table(stats, "redflags scan"))
    if stats.bad:
        raise typer.Exit(EXIT_BAD_RECORDS)


@app.command()
def synth(
    ads: Annotated[int, typer.Option("--ads", "-n", help="number of ads")] = 1000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="random seed")] = 7,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="ads file (.jsonl); truth goes beside it")
    ] = Path("synthetic.jsonl"),
) -> None:
    """Generate a synthetic, non-explicit corpus with planted networks and ground truth."""
    from redflags.synth import write_corpus

    with _progress() as progress:
        task = progress.add_task("generating", total=ads)
        ads_path, truth_path = write_corpus(
            ads, seed, output, progress=lambda n: progress.advance(task, n)
        )
    err.print(f"ads written to {ads_path}\nground truth written to {truth_path}")


def _linkable(
    inputs: list[str], fmt: str | None, workers: int, stats: ScanStats, engine: Any = None
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(ad, assessment)`` pairs: raw ads are screened (in parallel), and lines that already
    are Assessments (``redflags scan`` output, optionally carrying ad fields) are used as is."""
    from itertools import chain, tee

    records = _all_records(inputs, fmt)
    first = next(records, None)
    if first is None:
        return
    records = chain([first], records)
    try:
        head = orjson.loads(first.raw) if isinstance(first.raw, bytes) else dict(first.raw)
    except orjson.JSONDecodeError:
        head = None  # a malformed first line: treat the input as raw ads, reported below
    if isinstance(head, dict) and "risk" in head and "entities" in head:
        for rec in records:
            stats.ads += 1
            try:
                obj = orjson.loads(rec.raw) if isinstance(rec.raw, bytes) else dict(rec.raw)
            except orjson.JSONDecodeError as exc:
                stats.bad += 1
                _echo_bad(stats.bad, rec.source, rec.line, f"invalid JSON: {exc}")
                continue
            yield obj, obj
        return
    mine, theirs = tee(records)
    n_workers = workers if workers > 0 else (os.cpu_count() or 1)
    for rec, o in zip(mine, screen_records(theirs, n_workers, engine=engine), strict=True):
        stats.add(o)
        if not o.ok:
            _echo_bad(stats.bad, o.source, o.line, o.payload.decode())
            continue
        ad = orjson.loads(rec.raw) if isinstance(rec.raw, bytes) else dict(rec.raw)
        yield ad, orjson.loads(o.payload)


def run_link(
    inputs: list[str],
    output: str,
    summary: str | None,
    *,
    fmt: str | None = None,
    workers: int = 0,
    image_root: str | None = None,
    photo_hashes: str | None = None,
    engine: str | None = None,
    scheduler: str | None = None,
) -> tuple[Any, ScanStats]:
    """Screen (when needed) and link ``inputs``; write links and network summaries."""
    from redflags.link.engine import LinkParams, link_records

    stats = ScanStats()
    with _engine(engine, scheduler, workers) as dask_engine, _progress() as progress:
        task = progress.add_task("screening + keys", total=None)
        phase_tasks: dict[str, Any] = {"map": task}

        def tick(phase: str, n: int) -> None:
            if phase not in phase_tasks:
                phase_tasks[phase] = progress.add_task(f"linking: {phase}", total=None)
            progress.advance(phase_tasks[phase], n)

        n_workers = workers if workers > 0 else (os.cpu_count() or 1)
        params = LinkParams(workers=n_workers, image_root=image_root)
        result = link_records(
            _linkable(inputs, fmt, workers, stats, dask_engine), params, tick, dask_engine
        )
    _write_link_outputs(result, output, summary)
    if photo_hashes:
        from redflags.link.pdq import export_hma

        export_hma(((ad_id, h) for ad_id, h in result.photos), photo_hashes)
    return result, stats


def _write_link_outputs(result: Any, output: str, summary: str | None) -> None:
    writer = AssessmentWriter(output)
    try:
        for row in result.links:
            writer.write(orjson.dumps(row))
    finally:
        writer.close()
    if summary:
        with open(summary, "wb") as fh:
            for net in result.networks:
                fh.write(orjson.dumps(net) + b"\n")


def _networks_table(result: Any, limit: int = 10) -> Table:
    t = Table(title="top networks (highest risk first)", header_style="bold")
    for col in ("network", "ads", "top risk", "circuit (first seen → last)", "names"):
        t.add_column(col, justify="right" if col in ("ads", "top risk") else "left")
    for net in result.networks[:limit]:
        cities = [c["city"] for c in net["cities"]]
        circuit = " → ".join(cities[:5]) + (" …" if len(cities) > 5 else "")
        t.add_row(
            net["id"],
            str(net["size"]),
            f"{net['top_risk']:.2f}",
            circuit,
            ", ".join(net["names"][:3]),
        )
    return t


def _link_summary(result: Any, stats: ScanStats) -> Table:
    t = Table(title="redflags link", header_style="bold")
    t.add_column("what")
    t.add_column("count", justify="right")
    s = result.stats
    t.add_row("ads", f"{s.get('ads', 0):,}")
    t.add_row("ads linked into networks", f"{s.get('linked_ads', 0):,}")
    t.add_row("networks", f"{s.get('networks', 0):,}")
    if result.networks:
        t.add_row("largest network (ads)", f"{max(n['size'] for n in result.networks):,}")
    t.add_row("text-template clusters", f"{s.get('template_clusters', 0):,}")
    for kind in ("phone", "email", "handle", "wallet", "account"):
        t.add_row(f"  links via {kind}", f"{s.get('links_' + kind, 0):,}")
    t.add_row(
        "hub identifiers not used", f"{len(result.hubs):,}", style="yellow" if result.hubs else None
    )
    t.add_row("malformed lines", f"{stats.bad:,}", style="red" if stats.bad else None)
    return t


@app.command()
def link(
    ads: Annotated[
        list[str], typer.Argument(help="ads (JSONL/CSV/Parquet) or scan output; - = stdin")
    ],
    output: Annotated[
        str, typer.Option("-o", "--output", help="one line per ad: its network and why")
    ] = "-",
    summary: Annotated[str | None, typer.Option("--summary", help="one line per network")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="input format (default: by extension)")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", help="processes; 0 = all cores")] = 0,
    image_root: Annotated[
        str | None, typer.Option("--image-root", help="folder that relative image paths are in")
    ] = None,
    photo_hashes: Annotated[
        str | None,
        typer.Option("--photo-hashes", help="write PDQ hashes in the HMA/ThreatExchange format"),
    ] = None,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Link ads into networks by shared identifiers, near-duplicate text and reused photos."""
    try:
        result, stats = run_link(
            ads,
            output,
            summary,
            fmt=fmt,
            workers=workers,
            image_root=image_root,
            photo_hashes=photo_hashes,
            engine=engine,
            scheduler=scheduler,
        )
    except RedflagsError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(exc.exit_code) from None
    err.print(_link_summary(result, stats))
    if result.networks:
        err.print(_networks_table(result))
    for hub in result.hubs[:5]:
        err.print(
            f"[yellow]hub not used:[/yellow] {hub['key'].split(':', 1)[0]} in {hub['ads']} "
            f"ads ({hub['reason']})"
        )
    if stats.bad:
        raise typer.Exit(EXIT_BAD_RECORDS)


def _demo_corpus() -> tuple[Path, Path]:
    from importlib import resources

    base = resources.files("redflags").joinpath("data")
    return Path(str(base.joinpath("demo.jsonl"))), Path(str(base.joinpath("demo.truth.jsonl")))


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="where to write the demo outputs")] = Path(
        "redflags-demo"
    ),
    workers: Annotated[int, typer.Option("--workers", "-w", help="processes; 0 = all cores")] = 0,
) -> None:
    """Screen the bundled synthetic corpus and write an HTML report."""
    from redflags.io import read_jsonl
    from redflags.report import write_report

    ads_path, truth_path = _demo_corpus()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "assessments.jsonl"
    err.print(
        "[bold]redflags demo[/bold]: screening the bundled synthetic corpus "
        "(invented ads, fictional phone numbers; no real person's data).\n"
    )
    stats = run_scan([str(ads_path)], str(out), workers=workers)
    ads = read_jsonl(ads_path)
    assessments = read_jsonl(out)
    truth = read_jsonl(truth_path) if truth_path.exists() else []
    from redflags.link.engine import link_records

    result = link_records(zip(ads, assessments, strict=True))
    _write_link_outputs(result, str(out_dir / "links.jsonl"), str(out_dir / "networks.jsonl"))
    report = write_report(
        out_dir / "report.html",
        ads,
        assessments,
        title="redflags demo: bundled synthetic corpus",
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        errors=stats.bad,
        networks=result.networks[:25],
    )
    err.print(_summary_table(stats, "what redflags found"))
    if result.networks:
        err.print(_networks_table(result))
    _explain_demo(stats, assessments, truth)
    flagged_nets = sum(1 for n in result.networks if n["top_risk"] >= 0.35)
    err.print(
        f"\n{result.stats.get('networks', 0):,} networks ({flagged_nets:,} with ads held for "
        f"review) link "
        f"{result.stats.get('linked_ads', 0):,} ads through shared contacts and near-duplicate "
        f"text; {len(result.hubs)} generic contacts (support lines, shared numbers) were not "
        "used to link."
    )
    err.print(
        f"\nassessments: {out}\nnetworks: {out_dir / 'networks.jsonl'}"
        f"\n[bold]report:[/bold] {report.resolve()}"
    )
    from redflags.evidence.case_cli import demo_case

    package = demo_case(out_dir)
    if package is not None:
        err.print(f"[bold]case package[/bold] (highest-risk network): {package.resolve()}")


def _explain_demo(
    stats: ScanStats, assessments: list[dict[str, Any]], truth: list[dict[str, Any]]
) -> None:
    flagged = {a["id"] for a in assessments if a["action"] != "allow"}
    critical = sum(1 for a in assessments if a["level"] == "critical")
    err.print(
        f"\n{stats.ads:,} ads screened. {len(flagged):,} held for human review or blocked "
        f"before publication; {critical:,} are critical (a stated age under 18 in a "
        "commercial-sex ad: a possible child sex trafficking victim, to escalate at once)."
    )
    if truth:
        planted = [t for t in truth if t.get("expect_flag")]
        benign = [t for t in truth if t.get("kind") == "benign"]
        indep = [t for t in truth if t.get("kind") == "independent"]
        caught = sum(1 for t in planted if t["id"] in flagged)
        fp_b = sum(1 for t in benign if t["id"] in flagged)
        fp_i = sum(1 for t in indep if t["id"] in flagged)
        err.print(
            f"Against the planted ground truth: {caught}/{len(planted)} ads from planted "
            f"trafficking-pattern networks were flagged; {fp_b}/{len(benign)} ordinary "
            f"classifieds and {fp_i}/{len(indep)} independent adults' ads were flagged "
            "(false alarms)."
        )
    err.print(
        "Flags are leads for trained reviewers, not verdicts. Reasons are for the platform's "
        "reviewers only and must never be shown to the poster."
    )


# -- store, service and access (issue 4) ------------------------------------------------------

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
users_app = typer.Typer(help="People and systems that may call the API.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys (shown once when made; stored hashed).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
app.add_typer(evidence_app, name="evidence")
app.add_typer(case_app, name="case")
app.add_typer(legal_app, name="legal")
app.add_typer(retention_app, name="retention")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create or migrate the database schema to the latest revision."""
    from redflags.store.db import current_revision

    store = _open_store(db)
    try:
        err.print(f"database at revision {current_revision(store.engine)}")
    finally:
        store.close()


@db_app.command("backfill-language")
def db_backfill_language(
    db: DbOption = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="ads per transaction")] = 2000,
) -> None:
    """Detect the language of ads stored before the language column existed (migration 0007),
    so the queue's language filter finds them; ads whose language is already set are left
    alone."""
    from redflags.store.backfill import backfill_language, missing_language

    store = _open_store(db)
    try:
        total = missing_language(store)
        with _progress() as bar:
            task = bar.add_task("ads without a language", total=total)
            res = backfill_language(
                store,
                actor=_operator(),
                batch=batch,
                progress=lambda n: bar.advance(task, n),
            )
    finally:
        store.close()
    err.print(
        f"checked {res.checked:,} ads: {res.updated:,} got a language "
        f"({res.items:,} review items); {res.checked - res.updated:,} could not be told"
    )


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="user name (letters, digits, . _ @ -)")],
    role: Annotated[
        str, typer.Option("--role", help="platform | reviewer | analyst | liaison | admin")
    ] = "reviewer",
    password: Annotated[
        bool, typer.Option("--password", help="also ask for a web UI sign-in password")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a user and print its API key once (only a salted hash is stored)."""
    secret = _ask_password() if password else None
    with opened(db, evidence=False) as ctx:
        user, token = ctx.store.add_user(name, role, actor=_operator())
        if secret is not None:
            from redflags.store.sessions import set_password

            set_password(ctx.store, name, secret, actor=_operator())
    err.print(
        f"user {user['name']} ({user['role']}), key {user['key_id']}; "
        "the key is shown once — keep it secret:"
    )
    typer.echo(token)


def _ask_password() -> str:
    """A new password, typed twice without echo; checked before anything is written."""
    from redflags.store.sessions import MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS

    pw: str = typer.prompt("web UI password", hide_input=True, confirmation_prompt=True)
    if not (MIN_PASSWORD_CHARS <= len(pw) <= MAX_PASSWORD_CHARS):
        err.print(
            f"[red]error:[/red] a password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} "
            "characters (a few words make a good one)"
        )
        raise typer.Exit(3)
    return pw


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="user whose web UI password to set")],
    db: DbOption = None,
) -> None:
    """Set a user's web UI sign-in password (asked twice, not echoed); ends their sessions."""
    from redflags.store.sessions import set_password

    secret = _ask_password()
    with opened(db, evidence=False) as ctx:
        set_password(ctx.store, name, secret, actor=_operator())
    err.print(f"password set for {name}; their open sessions were ended")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """List users, roles and key ids (never the keys)."""
    store = _open_store(db)
    try:
        rows = store.list_users()
    finally:
        store.close()
    t = Table(title="users", header_style="bold")
    for col in ("name", "role", "keys (active)", "keys (revoked)"):
        t.add_column(col)
    for u in rows:
        t.add_row(
            u["name"],
            u["role"],
            ", ".join(k["id"] for k in u["keys"] if not k["revoked"]),
            ", ".join(k["id"] for k in u["keys"] if k["revoked"]),
        )
    err.print(t)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="the user the key is for")],
    db: DbOption = None,
) -> None:
    """Make another key for a user and print it once."""
    store = _open_store(db)
    try:
        key_id, token = store.create_key(name, actor=_operator())
    except RedflagsError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(exc.exit_code) from None
    finally:
        store.close()
    err.print(f"key {key_id} for {name}; shown once — keep it secret:")
    typer.echo(token)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="the key id (the part after rfk_)")],
    db: DbOption = None,
) -> None:
    """Revoke a key at once."""
    store = _open_store(db)
    try:
        store.revoke_key(key_id, actor=_operator())
    except RedflagsError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(exc.exit_code) from None
    finally:
        store.close()
    err.print(f"key {key_id} revoked")


@app.command()
def ingest(
    ads: Annotated[list[str], typer.Argument(help="ad files (JSONL, CSV, Parquet) or - for stdin")],
    db: DbOption = None,
    batch: Annotated[int, typer.Option("--batch", help="ads per committed batch")] = 500,
    workers: Annotated[int, typer.Option("--workers", "-w", help="processes; 0 = all cores")] = 0,
    ack: Annotated[
        Path | None,
        typer.Option("--ack", help="append one JSON line per committed batch (its ad ids)"),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="input format: jsonl, csv, parquet (default: by extension)"),
    ] = None,
) -> None:
    """Store ads in the database, screened: idempotent, resumable, committed batch by batch.

    Same id + same content is skipped; same id + new content becomes a new version.  A batch
    is acknowledged (counted, and written to --ack) only after it is committed, so after a
    crash a rerun completes the rest without duplicates.
    """
    from redflags.errors import RecordError
    from redflags.store import PoolScreener, prepare

    store = _open_store(db)
    n_workers = workers if workers > 0 else (os.cpu_count() or 1)
    counts: Counter[str] = Counter()
    bad = 0
    ack_fh = open(ack, "a", encoding="utf-8") if ack else None  # noqa: SIM115 - closed below
    actor = _operator()
    total, unit = _total_units(ads, fmt)
    try:
        with PoolScreener(n_workers) as screener, _progress() as progress:
            task = progress.add_task("ingesting", total=total)
            n_batches = 0

            def batches() -> Iterator[list[Any]]:
                nonlocal bad
                pending: list[Any] = []
                for rec in _all_records(ads, fmt):
                    size = len(rec.raw) + 1 if isinstance(rec.raw, bytes) else 1
                    try:
                        pending.append(prepare(rec.raw, rec.line, rec.source))
                    except RecordError as exc:
                        bad += 1
                        _echo_bad(bad, rec.source, rec.line, str(exc))
                    progress.advance(task, size if unit == "bytes" else 1)
                    if len(pending) >= max(batch, 1):
                        yield pending
                        pending = []
                if pending:
                    yield pending

            def ahead(items: list[Any]) -> None:
                """Screen the ads of the next batch that are new or changed, in the
                background, while the current batch is written."""
                heads = store.heads([i.ad.id for i in items])
                screener.prefetch(
                    [
                        i.ad
                        for i in items
                        if (h := heads.get(i.ad.id)) is None or h.fingerprint != i.fingerprint
                    ]
                )

            stream = batches()
            current = next(stream, None)
            if current is not None:
                ahead(current)
            while current is not None:
                following = next(stream, None)
                if following is not None:
                    ahead(following)
                results = store.ingest(
                    current, screener, actor=actor, source="cli", results=False
                )
                counts.update(r.status for r in results)
                n_batches += 1
                if ack_fh is not None:
                    ack_fh.write(
                        orjson.dumps(
                            {"batch": n_batches, "ids": [i.ad.id for i in current]}
                        ).decode()
                    )
                    ack_fh.write("\n")
                    ack_fh.flush()
                current = following
    except RedflagsError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(exc.exit_code) from None
    finally:
        if ack_fh is not None:
            ack_fh.close()
        store.close()
    t = Table(title="redflags ingest", header_style="bold")
    t.add_column("what")
    t.add_column("count", justify="right")
    for k in ("created", "updated", "rescreened", "unchanged"):
        t.add_row(f"ads {k}", f"{counts.get(k, 0):,}")
    t.add_row("malformed lines", f"{bad:,}", style="red" if bad else None)
    err.print(t)
    if bad:
        raise typer.Exit(EXIT_BAD_RECORDS)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port")] = 8000,
    db: DbOption = None,
    rate_limit: Annotated[
        float, typer.Option("--rate-limit", help="requests/s per API key (in-memory bucket)")
    ] = 100.0,
    burst: Annotated[int, typer.Option("--burst", help="requests a key may burst")] = 200,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="log each request line")
    ] = True,
    log_level: Annotated[str, typer.Option("--log-level", help="debug, info, warning")] = "info",
    workers: Annotated[
        int,
        typer.Option("--workers", help="server processes (rate limits are per process)"),
    ] = 1,
    image_root: Annotated[
        Path | None,
        typer.Option("--image-root", help="folder of ads' relative image paths (reviewer UI)"),
    ] = None,
    evidence_dir: Annotated[
        Path | None,
        typer.Option(
            "--evidence-dir",
            help="evidence store for cases and legal holds "
            "(default: $REDFLAGS_EVIDENCE_DIR or ./redflags-evidence)",
        ),
    ] = None,
) -> None:
    """Run the HTTP API and the reviewer UI (migrates the database first)."""
    import logging

    import uvicorn

    from redflags.api import ApiSettings, create_app
    from redflags.api.server import ENV_BURST, ENV_RATE, prepare_process, run_workers
    from redflags.store import ENV_URL, resolve_url

    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if image_root is not None:
        from redflags.web import ENV_IMAGE_ROOT

        if not image_root.is_dir():
            err.print(f"[red]error:[/red] --image-root {image_root} is not a folder")
            raise typer.Exit(3)
        os.environ[ENV_IMAGE_ROOT] = str(image_root.resolve())  # read by every worker's app
    if evidence_dir is not None:
        from redflags.evidence.cli import ENV_DIR

        os.environ[ENV_DIR] = str(evidence_dir.resolve())  # read by every worker's app
    store = _open_store(db)
    err.print(
        f"redflags API on http://{host}:{port} ({store.backend}, {workers} process(es)); "
        "docs at /docs, reviewer UI at /login"
    )
    if workers > 1:
        store.close()
        os.environ.update(
            {ENV_URL: resolve_url(db), ENV_RATE: str(rate_limit), ENV_BURST: str(burst)}
        )
        run_workers(host, port, workers, log_level.lower(), access_log)
        return
    api = create_app(store, ApiSettings(rate_per_second=rate_limit, burst=burst))
    prepare_process()
    try:
        uvicorn.run(api, host=host, port=port, log_level=log_level.lower(), access_log=access_log)
    finally:
        store.close()


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
