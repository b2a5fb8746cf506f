"""What the ``redflags`` command groups share: the ``--db`` option, the operator actor, and
opening the store (and the evidence store) with the project's errors turned into exit codes.

Exit codes follow :mod:`redflags.errors`: a :class:`~redflags.errors.RedflagsError` exits with
its ``exit_code``, a ``ValueError`` (bad input) with 3.  Messages go to stderr.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from redflags.errors import ConflictError, NotFoundError, RedflagsError

if TYPE_CHECKING:
    from redflags.evidence.legal import LegalRegister
    from redflags.evidence.log import EvidenceStore
    from redflags.store import Actor, Store

__all__ = ["DbOption", "Opened", "errors_to_exit", "fail", "open_store", "opened", "operator"]

#: exit code of a ``ValueError`` (bad input)
EXIT_BAD_INPUT = 3

err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="database URL or SQLite path (default: $REDFLAGS_DB or ./redflags.db)"
    ),
]


def operator() -> Actor:
    """The command line's actor: ``cli:<login>`` with the operator role."""
    import getpass

    from redflags.store import Actor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(None, f"cli:{who}"[:128], "operator")


def fail(exc: BaseException | str, code: int) -> NoReturn:
    """Print ``error: <exc>`` on stderr and exit with ``code``."""
    err.print(f"[red]error:[/red] {exc}", highlight=False)
    raise typer.Exit(code) from None


@contextmanager
def errors_to_exit(*, refused: int | None = None) -> Iterator[None]:
    """Turn the project's errors raised in the block into a message and an exit code.

    ``refused``, when given, is the code of a :class:`ConflictError` or :class:`NotFoundError`
    (a refusal or an unknown id rather than a database fault).
    """
    try:
        yield
    except RedflagsError as exc:
        if refused is not None and isinstance(exc, ConflictError | NotFoundError):
            fail(exc, refused)
        fail(exc, exc.exit_code)
    except ValueError as exc:
        fail(exc, EXIT_BAD_INPUT)


def open_store(db: str | None) -> Store:
    """The store at ``db`` (``--db``), or exit with the error's code."""
    from redflags.store import Store

    try:
        return Store.open(db)
    except RedflagsError as exc:
        fail(exc, exc.exit_code)


@dataclass
class Opened:
    """The store, its legal register, and the evidence store when one was opened."""

    store: Store
    register: LegalRegister
    evidence: EvidenceStore | None


@contextmanager
def opened(
    db: str | None,
    evidence_dir: Path | None = None,
    *,
    evidence: bool | None = True,
    refused: int | None = None,
) -> Iterator[Opened]:
    """Open the store and, for ``evidence=True``, the evidence store (created if missing) whose
    deletions the register's holds refuse; ``evidence=None`` opens it only when
    ``evidence_dir`` is given or the default store exists.  Errors in the block exit as
    :func:`errors_to_exit` says; both stores are closed after."""
    from redflags.evidence.cli import store_dir
    from redflags.evidence.legal import LegalRegister
    from redflags.evidence.log import LOG_NAME
    from redflags.evidence.service import open_evidence

    store = open_store(db)
    ev: EvidenceStore | None = None
    try:
        with errors_to_exit(refused=refused):
            if evidence is None:
                evidence = evidence_dir is not None or (store_dir(None) / LOG_NAME).is_file()
            if evidence:
                ev, register = open_evidence(store, evidence_dir)
            else:
                register = LegalRegister(store)
            yield Opened(store, register, ev)
    finally:
        if ev is not None:
            ev.close()
        store.close()
