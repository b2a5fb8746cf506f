"""The one exception tree of redflags, and the CLI exit codes each maps to.

::

    RedflagsError                  base class; exit code 1
    ├── ConfigError                bad configuration or rule pack (fails at start); exit 3
    │   └── CatalogError           an indicator catalog entry is invalid
    ├── InputError                 an input file cannot be read at all; exit 4
    │   └── RecordError            one input record is malformed (reported, run goes on)
    ├── EngineError                the Dask engine cannot start, or its workers differ; exit 6
    └── StoreError                 the database cannot be opened or migrated; exit 5
        ├── NotFoundError          no such ad, review item, network, user or key (HTTP 404)
        ├── AccessError            no valid key, or the key's role may not do this (401/403)
        └── ConflictError          the state changed under the caller (HTTP 409)
            ├── StaleVersionError  the caller's ETag/version is out of date (HTTP 412)
            └── HeldError          evidence under a legal hold cannot be deleted (HTTP 409)

Exit code 2 means "some input records were malformed" (the run finished, see the errors file).
"""

from __future__ import annotations

__all__ = [
    "EXIT_BAD_RECORDS",
    "CatalogError",
    "ConfigError",
    "InputError",
    "AccessError",
    "ConflictError",
    "EngineError",
    "HeldError",
    "NotFoundError",
    "RecordError",
    "RedflagsError",
    "StaleVersionError",
    "StoreError",
]

EXIT_BAD_RECORDS = 2


class RedflagsError(Exception):
    """Base class of every error redflags raises on purpose."""

    exit_code = 1


class ConfigError(RedflagsError):
    """Configuration or a rule pack is invalid; raised at start, never mid-scan."""

    exit_code = 3


class CatalogError(ConfigError):
    """An indicator catalog entry is invalid (names the entry and the field)."""


class InputError(RedflagsError):
    """An input file cannot be opened or decoded at all."""

    exit_code = 4


class RecordError(InputError):
    """One input record is malformed; carries its 1-based line number."""

    def __init__(self, message: str, line: int, source: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.source = source

    def to_json(self) -> dict[str, object]:
        return {"source": self.source, "line": self.line, "error": str(self)}


class EngineError(RedflagsError):
    """The execution engine cannot run: Dask missing, no scheduler at the address given, no
    workers, or workers that screen differently from the client (another redflags version)."""

    exit_code = 6


class StoreError(RedflagsError):
    """The store cannot be opened, migrated or written (bad URL, server down, locked file)."""

    exit_code = 5


class NotFoundError(StoreError):
    """The named ad, review item, network, user or key does not exist."""


class AccessError(StoreError):
    """No valid API key was given (``status`` 401), or its role may not do this (403)."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


class ConflictError(StoreError):
    """The state changed under the caller: an item claimed by someone else, no longer open."""


class StaleVersionError(ConflictError):
    """The caller's ETag / item version is out of date; re-read and try again."""


class HeldError(ConflictError):
    """Evidence is under a legal hold (preservation request, court order); it cannot be deleted."""
