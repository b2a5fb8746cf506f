"""The one exception tree of redflags, and the CLI exit codes each maps to.

::

    RedflagsError                  base class; exit code 1
    ├── ConfigError                bad configuration or rule pack (fails at start); exit 3
    │   └── CatalogError           an indicator catalog entry is invalid
    └── InputError                 an input file cannot be read at all; exit 4
        └── RecordError            one input record is malformed (reported, run goes on)

Exit code 2 means "some input records were malformed" (the run finished, see the errors file).
"""

from __future__ import annotations

__all__ = [
    "EXIT_BAD_RECORDS",
    "CatalogError",
    "ConfigError",
    "InputError",
    "RecordError",
    "RedflagsError",
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
