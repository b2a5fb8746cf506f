"""``redflags users add --password`` and ``redflags users passwd``: asked twice, never echoed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from redflags.cli import app
from redflags.store import Store
from redflags.store.sessions import check_login


def test_users_passwd_sets_a_password_that_signs_in(tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    runner = CliRunner()
    added = runner.invoke(
        app, ["users", "add", "rita", "--role", "reviewer", "--password", "--db", db],
        input="first long password\nfirst long password\n",
    )
    assert added.exit_code == 0, added.output
    assert "first long password" not in added.output  # not echoed
    store = Store.open(db)
    try:
        assert check_login(store, "rita", "first long password") is not None
    finally:
        store.close()
    changed = runner.invoke(
        app, ["users", "passwd", "rita", "--db", db],
        input="second long password\nsecond long password\n",
    )
    assert changed.exit_code == 0, changed.output
    mismatch = runner.invoke(
        app, ["users", "passwd", "rita", "--db", db], input="aaaaaaaaaaaa\nbbbbbbbbbbbb\n"
    )
    assert mismatch.exit_code != 0  # typed differently twice
    short = runner.invoke(app, ["users", "passwd", "rita", "--db", db], input="short\nshort\n")
    assert short.exit_code == 3
    unknown = runner.invoke(
        app, ["users", "passwd", "nobody", "--db", db],
        input="third long password\nthird long password\n",
    )
    assert unknown.exit_code != 0
    store = Store.open(db)
    try:
        assert check_login(store, "rita", "first long password") is None
        actor = check_login(store, "rita", "second long password")
        assert actor is not None and actor.role == "reviewer"
    finally:
        store.close()
