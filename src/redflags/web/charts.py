"""Small server-side SVG charts for the dashboard: no JavaScript, no dependencies.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>``; each bar or point
carries a ``<title>`` with its label and value (read by screen readers, shown as a tooltip), and
labels are drawn as text, not only as colour.  Labels may come from ad data (city names, reviewer
names, indicator ids), so every piece of text is escaped; the result is :class:`Markup` that
Jinja2 inserts as is.

>>> svg = bar_chart([("<b>", 3), ("ok", 1)], title="Demo", chart_id="demo")
>>> "<b>" in svg, "&lt;b&gt;" in svg, svg.count("<rect")
(False, True, 3)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

__all__ = ["PALETTE", "bar_chart", "line_chart"]

#: series colours (Okabe–Ito, distinguishable with common colour-vision deficiencies), all with
#: at least 3:1 contrast against white for graphical objects (WCAG 1.4.11)
PALETTE = ("#0b5fa5", "#b34700", "#007a5a", "#a0307a", "#5f5f00", "#4b4b9b", "#8a3b12")
#: text colour on the white chart background (contrast ~12:1)
INK = "#222222"
#: axis and grid lines
RULE = "#767676"
_ID = re.compile(r"[^A-Za-z0-9_-]+")


def _check(values: Sequence[float]) -> None:
    for v in values:
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"chart values must be finite and not negative, got {v!r}")


def _num(v: float) -> str:
    """A value as shown to people: integers without decimals, others with up to two."""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def _fmt(v: float) -> str:
    """A coordinate: one decimal is plenty on screen and keeps the markup small."""
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _nice_max(v: float) -> float:
    """The smallest 1/2/5 × 10^k at or above ``v`` (so the axis ends on a round number)."""
    if v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 5, 10):
        if m * exp >= v:
            return float(m * exp)
    return float(10 * exp)  # pragma: no cover - the loop always returns


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> tuple[str, list[str]]:
    cid = _ID.sub("-", chart_id).strip("-") or "chart"
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    return cid, head


def bar_chart(
    data: Sequence[tuple[str, float]],
    *,
    title: str,
    chart_id: str,
    unit: str = "",
    width: int = 520,
    bar_height: int = 22,
    label_width: int = 190,
    colors: Mapping[str, str] | None = None,
) -> Markup:
    """Horizontal bars, one per ``(label, value)``, in the order given, value written at the end.

    ``colors`` maps a label to its bar colour (e.g. risk levels); others use the first colour.

    >>> print(bar_chart([], title="Nothing", chart_id="x"))  # doctest: +ELLIPSIS
    <svg ...<text ...>No data in this period.</text></svg>
    """
    values = [float(v) for _, v in data]
    _check(values)
    top, gap = 8, 6
    height = max(40, top * 2 + len(data) * (bar_height + gap))
    names = [label for label, _ in data]
    desc = "; ".join(f"{n}: {_num(v)}{unit}" for n, v in zip(names, values, strict=True))
    cid, out = _open(chart_id, title, desc or "No data in this period.", width, height)
    if not data:
        out.append(f'<text x="8" y="24" fill="{INK}">No data in this period.</text></svg>')
        return Markup("".join(out))
    scale = (width - label_width - 70) / _nice_max(max(values))
    for k, (label, v) in enumerate(zip(names, values, strict=True)):
        y = top + k * (bar_height + gap)
        w = max(v * scale, 1.0 if v > 0 else 0.0)
        fill = (colors or {}).get(label, PALETTE[0])
        text = escape(label)
        shown = escape(label if len(label) <= 28 else label[:27] + "…")
        mid = _fmt(y + bar_height / 2 + 4)
        out.append(
            f'<g class="bar"><title>{text}: {_num(v)}{escape(unit)}</title>'
            f'<text x="{label_width - 6}" y="{mid}" text-anchor="end" fill="{INK}">{shown}</text>'
            f'<rect x="{label_width}" y="{y}" width="{_fmt(w)}" height="{bar_height}" '
            f'fill="{escape(fill)}"/>'
            f'<text x="{_fmt(label_width + w + 6)}" y="{mid}" fill="{INK}">'
            f"{_num(v)}{escape(unit)}</text></g>"
        )
    out.append(
        f'<line x1="{label_width}" y1="{top - 2}" x2="{label_width}" y2="{height - top + 2}" '
        f'stroke="{RULE}"/></svg>'
    )
    return Markup("".join(out))


def line_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    chart_id: str,
    width: int = 640,
    height: int = 240,
    max_ticks: int = 8,
) -> Markup:
    """One line per series over the x ``labels`` (e.g. days), with a legend and a y axis.

    Every series must have one value per label.  At most ``max_ticks`` x labels are written
    (evenly spaced); every point still has its own ``<title>``.
    """
    for name, vals in series.items():
        if len(vals) != len(labels):
            raise ValueError(
                f"series {name!r} has {len(vals)} values for {len(labels)} labels; "
                "give one value per label"
            )
        _check([float(v) for v in vals])
    totals = ", ".join(f"{name}: {_num(sum(vals))} in all" for name, vals in series.items())
    span = f" from {labels[0]} to {labels[-1]}" if labels else ""
    cid, out = _open(chart_id, title, f"{len(labels)} points{span}. {totals}", width, height)
    if not labels or not series:
        out.append(f'<text x="8" y="24" fill="{INK}">No data in this period.</text></svg>')
        return Markup("".join(out))
    per_row = 4  # legend entries per row (150 px each)
    left, right, bottom = 48, 12, 36
    top = 28 + 16 * ((len(series) - 1) // per_row)
    pw, ph = width - left - right, height - top - bottom
    ymax = _nice_max(max((float(v) for vals in series.values() for v in vals), default=0.0))
    step = pw / max(len(labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[str, str]:
        return _fmt(left + i * step), _fmt(top + ph - v / ymax * ph)

    for frac in (0.0, 0.5, 1.0):  # y axis: 0, half, max
        y = _fmt(top + ph - frac * ph)
        out.append(
            f'<line x1="{left}" y1="{y}" x2="{left + pw}" y2="{y}" stroke="{RULE}" '
            f'stroke-width="{1 if frac == 0 else 0.5}"/>'
            f'<text x="{left - 6}" y="{_fmt(float(y) + 4)}" text-anchor="end" fill="{INK}">'
            f"{_num(frac * ymax)}</text>"
        )
    every = max(1, math.ceil(len(labels) / max_ticks))
    for i in range(0, len(labels), every):
        x, _ = xy(i, 0)
        anchor = "start" if i == 0 else "end" if i == len(labels) - 1 else "middle"
        out.append(
            f'<text x="{x}" y="{height - bottom + 18}" text-anchor="{anchor}" fill="{INK}">'
            f"{escape(labels[i])}</text>"
        )
    for k, (name, vals) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        pts = [xy(i, float(v)) for i, v in enumerate(vals)]
        out.append(f'<g class="series"><title>{escape(name)}</title>')
        out.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2" '
            f'points="{" ".join(f"{x},{y}" for x, y in pts)}"/>'
        )
        for i, ((x, y), v) in enumerate(zip(pts, vals, strict=True)):
            out.append(
                f'<circle cx="{x}" cy="{y}" r="3" fill="{color}"><title>{escape(name)}, '
                f"{escape(labels[i])}: {_num(float(v))}</title></circle>"
            )
        lx, ly = left + (k % per_row) * 150, 6 + (k // per_row) * 16
        out.append(
            f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{color}"/>'
            f'<text x="{lx + 16}" y="{ly + 10}" fill="{INK}">{escape(name[:20])}</text></g>'
        )
    out.append("</svg>")
    return Markup("".join(out))
