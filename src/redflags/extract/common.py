"""What every extractor shares: the :class:`Context` it may read and :func:`span_of`.

Kept out of ``redflags/extract/__init__.py`` (which re-exports both) so the compiled build can
compile them with the extractors: they run for every entity of every ad.

>>> from redflags.normalize import Views
>>> v = Views("call me")
>>> span_of(v, v.folded, 0, 4, "body")
Span(field='body', start=0, end=4, text='call')
"""

from __future__ import annotations

from dataclasses import dataclass

from redflags.model import Span
from redflags.normalize import Normalized, Views

__all__ = ["Context", "span_of"]


@dataclass(frozen=True, slots=True)
class Context:
    """What an extractor may know about the ad besides the text it reads."""

    #: ISO 3166-1 alpha-2 region used as the default when parsing phone numbers
    country: str = "US"
    city: str | None = None
    region: str | None = None


def span_of(v: Views, view: Normalized, start: int, end: int, field: str) -> Span:
    """The original-text :class:`Span` of ``view.text[start:end]``."""
    a, b = view.original_span(start, end)
    return Span(field=field, start=a, end=b, text=v.original[a:b])
