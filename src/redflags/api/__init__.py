"""The redflags HTTP API; ``create_app(store)`` builds it, ``redflags serve`` runs it."""

from __future__ import annotations

from redflags.api.app import DESCRIPTION, create_app
from redflags.api.settings import ApiSettings

__all__ = ["DESCRIPTION", "ApiSettings", "create_app"]
