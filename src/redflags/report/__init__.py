"""Self-contained HTML screening reports and the corpus summary the CLI prints.

>>> summarize([])["total"]
0
"""

from __future__ import annotations

from redflags.report.html import (
    CATEGORIES,
    Category,
    Highlight,
    Segment,
    render_report,
    render_segments,
    segment,
    summarize,
    write_report,
)

__all__ = [
    "CATEGORIES",
    "Category",
    "Highlight",
    "Segment",
    "render_report",
    "render_segments",
    "segment",
    "summarize",
    "write_report",
]
