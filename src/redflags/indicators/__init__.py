"""Indicator catalog (data) and its matcher; see :mod:`redflags.indicators.catalog`."""

from __future__ import annotations

from redflags.indicators.catalog import (
    CATEGORIES,
    Catalog,
    Indicator,
    TermHit,
    default_catalog,
    load_catalog,
)

__all__ = ["CATEGORIES", "Catalog", "Indicator", "TermHit", "default_catalog", "load_catalog"]
