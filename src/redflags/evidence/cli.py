"""``redflags evidence``: check and read the evidence store's custody log.

The store directory is ``--dir``, else ``$REDFLAGS_EVIDENCE_DIR``, else ``./redflags-evidence``;
these commands never create one.  Exit codes: 0 intact / done; 5 the store cannot be opened;
6 ``verify`` found a problem (the first one is printed on one line, with its location).
The log holds hashes, actors and reasons, never ad text or contacts.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from redflags.errors import RedflagsError
from redflags.evidence.log import EvidenceStore
from redflags.evidence.objects import is_sha256

__all__ = ["ENV_DIR", "EXIT_BROKEN", "evidence_app", "store_dir"]

#: ``redflags evidence verify`` exit status when the store fails verification
EXIT_BROKEN = 6
ENV_DIR = "REDFLAGS_EVIDENCE_DIR"
DEFAULT_DIR = "redflags-evidence"

evidence_app = typer.Typer(
    help="Tamper-evident evidence store: verify it, read its custody log.", no_args_is_help=True
)
err = Console(stderr=True)

DirOption = Annotated[
    Path | None,
    typer.Option(
        "--dir", help=f"evidence store directory (default: ${ENV_DIR} or ./{DEFAULT_DIR})"
    ),
]


def store_dir(given: Path | None) -> Path:
    """The evidence directory the CLI uses: ``--dir``, ``$REDFLAGS_EVIDENCE_DIR`` or default."""
    return given or Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)


def _open(given: Path | None) -> EvidenceStore:
    try:
        return EvidenceStore.open(store_dir(given), create=False)
    except RedflagsError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(exc.exit_code) from None


def _parse_anchor(value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    seq, _, digest = value.partition(":")
    if not seq.isdigit() or not is_sha256(digest):
        err.print("[red]error:[/red] --expect-head takes SEQ:SHA256, as printed by `head`")
        raise typer.Exit(2)
    return int(seq), digest


@evidence_app.command("verify")
def verify(
    dir: DirOption = None,
    expect_head: Annotated[
        str | None,
        typer.Option("--expect-head", help="anchor SEQ:SHA256 recorded earlier (from `head`)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the full report as JSON")] = False,
) -> None:
    """Re-hash every object and the whole log chain; exit 6 at the first broken link."""
    anchor = _parse_anchor(expect_head)
    with _open(dir) as store:
        report = store.verify(expect_head=anchor)
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
    else:
        typer.echo(report.summary())
    if report.warnings and not as_json:
        more = report.counts.get("warnings", 0) - len(report.warnings)
        for w in report.warnings[:5]:
            err.print(f"[yellow]warning:[/yellow] {w}", highlight=False)
        if more + len(report.warnings) > 5:
            err.print(f"… {report.counts.get('warnings', 0) - 5} more warnings (see --json)")
    if not report.ok:
        raise typer.Exit(EXIT_BROKEN)


@evidence_app.command("log")
def log(
    dir: DirOption = None,
    object: Annotated[
        list[str] | None,
        typer.Option("--object", help="only entries naming this object (SHA-256; repeatable)"),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="the last N entries; 0 = all")
    ] = 20,
) -> None:
    """Print custody entries (oldest first) as JSON lines."""
    for o in object or ():
        if not is_sha256(o):
            err.print(f"[red]error:[/red] --object takes a SHA-256 hex digest, not {o!r}")
            raise typer.Exit(2)
    with _open(dir) as store:
        try:
            found = store.entries(objects=object or None)
            rows = deque(found, maxlen=limit) if limit else found
            out = sys.stdout.buffer
            for e in rows:
                out.write(orjson.dumps(e.to_json()) + b"\n")
        except RedflagsError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(exc.exit_code) from None


@evidence_app.command("head")
def head(dir: DirOption = None) -> None:
    """Print the log's head as SEQ:SHA256: an anchor to record elsewhere for `--expect-head`."""
    with _open(dir) as store:
        seq, digest = store.head()
    typer.echo(f"{seq}:{digest}")
