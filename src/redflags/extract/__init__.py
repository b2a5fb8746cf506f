"""Extractors: one module per entity kind, all reading normalised views, reporting original spans.

Every extractor module exposes ``extract(v: Views, field: str, ctx: Context) -> list[Entity]``
(``places`` also reads the ad's own fields).  Extractors never raise on odd input: they return
what they could confirm.

>>> from redflags.normalize import Views
>>> v = Views("call me")
>>> span_of(v, v.folded, 0, 4, "body")
Span(field='body', start=0, end=4, text='call')
"""

from __future__ import annotations

from redflags.extract.common import Context, span_of

__all__ = ["Context", "span_of"]
