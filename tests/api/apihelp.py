"""A TestClient on a fresh store with one key per role (shared by the API tests)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from redflags.api import ApiSettings, create_app
from redflags.store import SYSTEM, Store
from redflags.store.access import ROLES


class Api:
    """A TestClient on a fresh store, with one key per role."""

    def __init__(self, store: Store, settings: ApiSettings | None = None) -> None:
        self.store = store
        self.app = create_app(store, settings)
        if self.app.state.evidence_dir is None:  # never the working directory's evidence store
            self.app.state.evidence_dir = Path(tempfile.mkdtemp(prefix="redflags-evidence-"))
        self.client = TestClient(self.app)
        self.tokens: dict[str, str] = {}
        for role in ROLES:
            _, self.tokens[role] = store.add_user(f"{role}-1", role, actor=SYSTEM)

    def new_client(self) -> TestClient:
        return TestClient(self.app)

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def add_reviewer(self, name: str) -> dict[str, str]:
        _, token = self.store.add_user(name, "reviewer", actor=SYSTEM)
        return {"Authorization": f"Bearer {token}"}
