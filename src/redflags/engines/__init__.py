"""Execution engines for batch screening and linking: local processes, or a Dask cluster
(:mod:`redflags.engines.dask`); both run the same per-chunk functions."""

from __future__ import annotations

from redflags.engines.local import Outcome, screen_records

__all__ = ["Outcome", "screen_records"]
