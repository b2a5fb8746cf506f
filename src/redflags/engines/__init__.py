"""Execution engines for batch screening: local processes now, Dask later (same screen())."""

from __future__ import annotations

from redflags.engines.local import Outcome, screen_records

__all__ = ["Outcome", "screen_records"]
