"""A single, self-contained HTML screening report for people who are not programmers.

The page has no JavaScript, no external fonts, images or style sheets, and makes no network
requests: CSS is inlined and the charts are SVG drawn here, in Python, as plain geometry that the
Jinja template turns into ``<rect>`` and ``<text>`` elements.

Ad text is attacker-controlled.  It only ever reaches the page through Jinja's autoescaping:
evidence highlighting is computed as *data* (:class:`Segment` runs of plain text, each with the
indicators that cover it) and the template wraps each marked run in ``<mark>``.  Nothing derived
from an ad or an assessment is marked safe.

>>> segs = segment("new to this, call me", [Highlight(0, 11, "youth.new_to_this", "youth")])
>>> [(s.text, s.indicators) for s in segs]
[('new to this', ('youth.new_to_this',)), (', call me', ())]
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

__all__ = [
    "ACTIONS",
    "CATEGORIES",
    "ENTITY_LABELS",
    "LEVELS",
    "Category",
    "Highlight",
    "Segment",
    "render_report",
    "render_segments",
    "segment",
    "summarize",
    "write_report",
]

LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
ACTIONS: tuple[str, ...] = ("allow", "review", "block")

#: Number of equal-width bins of the risk histogram over [0, 1].
RISK_BINS = 10

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Category:
    """How an indicator category is named, explained and drawn.

    ``colour`` is used for chart bars and the underline of highlights (>= 3:1 against white,
    the WCAG minimum for graphics); ``tint`` is the highlight background, chosen so that
    near-black text on it stays far above 4.5:1.  ``underline`` gives every category a second,
    non-colour cue for readers who cannot tell the colours apart.
    """

    key: str
    label: str
    description: str
    colour: str
    tint: str
    underline: str


#: Categories in DESIGN.md section 3, most urgent first.  The order decides which colour a piece of
#: text gets when indicators of several categories cover it.
CATEGORIES: tuple[Category, ...] = (
    Category(
        "youth", "Youth", "language suggesting the person advertised may be a minor",
        "#B0124E", "#F9C9DA", "solid",
    ),
    Category(
        "third_party", "Third party", "someone else appears to control or advertise the person",
        "#6A3D9A", "#DDD0EE", "double",
    ),
    Category(
        "movement", "Movement", "the person is moved between cities (circuits, 'new in town')",
        "#1F62A8", "#C9DEF5", "dashed",
    ),
    Category(
        "restriction", "Restriction", "limited freedom of movement or communication",
        "#8A4A12", "#EAD7C3", "dotted",
    ),
    Category(
        "payment", "Payment", "code words for money, prepaid or gift cards, crypto",
        "#2B7A30", "#CDEBCB", "solid",
    ),
    Category(
        "obfuscation", "Obfuscation", "disguised contact details or banned words",
        "#B34700", "#FFDDB8", "dashed",
    ),
    Category(
        "price", "Price", "unusual prices or price euphemisms",
        "#00767F", "#BFEBEE", "dotted",
    ),
    Category(
        "network", "Network", "identifiers or text shared across many ads, names or cities",
        "#3F5260", "#D5DDE3", "double",
    ),
)
_OTHER = Category(
    "other", "Other", "indicators from a rule pack outside the standard categories",
    "#666666", "#E6E6E6", "solid",
)
_CATEGORY_BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}
_CATEGORY_RANK: dict[str, int] = {c.key: i for i, c in enumerate(CATEGORIES)}

_LEVEL_HELP: dict[str, str] = {
    "low": "no or only weak indicators",
    "medium": "some indicators worth a look",
    "high": "strong indicators: needs human review",
    "critical": "strongest indicators: review first",
}
_ACTION_HELP: dict[str, str] = {
    "allow": "no action needed; may be published",
    "review": "hold for a trained reviewer before anything else happens",
    "block": "keep unpublished and escalate under your policy",
}
#: entity keys of an Assessment with their reader-facing labels (the report, the UI, case reports)
ENTITY_LABELS: tuple[tuple[str, str], ...] = (
    ("phones", "Phones"),
    ("emails", "Emails"),
    ("handles", "Handles"),
    ("crypto", "Crypto wallets"),
    ("ages", "Stated ages"),
    ("prices", "Prices"),
    ("places", "Places"),
)
_FIELD_LABELS: dict[str, str] = {"title": "Title", "body": "Body", "phone": "Phone field",
                                 "email": "Email field"}
#: Fields always shown for an ad, even without evidence; other text fields appear only when
#: evidence points into them.
_SHOWN_FIELDS: tuple[str, ...] = ("title", "body")
_FIELD_ORDER: tuple[str, ...] = ("title", "body", "phone", "email")
#: Evidence quoted in the findings table is cut to this many characters (the full text is
#: highlighted in the ad itself).
_QUOTE_CHARS = 80


def category(key: str) -> Category:
    """The :class:`Category` for a catalog category key; unknown keys share one neutral style."""
    return _CATEGORY_BY_KEY.get(key, _OTHER)


def _category_sort_key(key: str) -> tuple[int, str]:
    return (_CATEGORY_RANK.get(key, len(CATEGORIES)), key)


# --------------------------------------------------------------------------- highlighting


@dataclass(frozen=True, slots=True)
class Highlight:
    """One evidence span placed in a field: ``text[start:end]`` triggered ``indicator``."""

    start: int
    end: int
    indicator: str
    category: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A maximal run of field text covered by the same set of indicators (empty = unmarked)."""

    text: str
    indicators: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def marked(self) -> bool:
        return bool(self.indicators)

    @property
    def css_class(self) -> str:
        """``cat-<key>`` of the most urgent covering category, plus ``multi`` on overlaps."""
        if not self.categories:
            return ""
        css = f"cat-{category(self.categories[0]).key}"
        return css + " multi" if len(self.indicators) > 1 else css

    @property
    def tooltip(self) -> str:
        return "; ".join(self.indicators)


def segment(text: str, highlights: Iterable[Highlight]) -> list[Segment]:
    """Cut ``text`` into runs at every span boundary, so overlaps never duplicate or lose text.

    Spans are clamped to the text; empty spans are ignored.  Where spans overlap or nest, the
    shared piece lists every covering indicator (ordered by category urgency, then id) and
    takes the colour of the most urgent category.  Adjacent pieces with the same covering set
    are merged, so ``"".join(s.text for s in segment(t, hs)) == t`` always holds.

    >>> [s.text for s in segment("abcdef", [Highlight(1, 4, "a.x", "youth"),
    ...                                     Highlight(3, 5, "b.y", "price")])]
    ['a', 'bc', 'd', 'e', 'f']
    """
    n = len(text)
    spans: list[Highlight] = []
    for h in highlights:
        start = max(0, min(h.start, n))
        end = max(start, min(h.end, n))
        if end > start:
            spans.append(Highlight(start, end, h.indicator, h.category))
    if not text:
        return []
    if not spans:
        return [Segment(text)]
    bounds = sorted({0, n, *(h.start for h in spans), *(h.end for h in spans)})
    out: list[Segment] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        covering = [h for h in spans if h.start <= a and h.end >= b]
        pairs = sorted({(h.category, h.indicator) for h in covering},
                       key=lambda p: (_category_sort_key(p[0]), p[1]))
        ids = tuple(dict.fromkeys(p[1] for p in pairs))
        cats = tuple(dict.fromkeys(p[0] for p in pairs))
        if out and out[-1].indicators == ids and out[-1].categories == cats:
            out[-1] = Segment(out[-1].text + text[a:b], ids, cats)
        else:
            out.append(Segment(text[a:b], ids, cats))
    return out


# --------------------------------------------------------------------------- summary


def _as_float(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    f = float(value)
    return default if math.isnan(f) else f


def _risk(assessment: Mapping[str, Any]) -> float:
    return min(1.0, max(0.0, _as_float(assessment.get("risk"))))


def _risk_bin(risk: float) -> int:
    # round() first so that 0.3 (stored as 0.2999...) lands in the 0.3-0.4 bin
    return min(RISK_BINS - 1, math.floor(round(risk * RISK_BINS, 6)))


def _indicators(assessment: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = assessment.get("indicators") or []
    return [f for f in found if isinstance(f, Mapping)]


def summarize(assessments: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts over Assessment dicts (DESIGN.md section 3), JSON-ready, for report and CLI.

    Indicator and category counts are numbers of *ads* in which the indicator (category)
    fired, not numbers of hits.  ``risk_histogram[i]`` counts ads with risk in
    ``[risk_bins[i], risk_bins[i+1])``; risk 1.0 falls in the last bin.

    >>> s = summarize([{"id": "a", "risk": 0.85, "level": "high", "action": "review",
    ...                 "indicators": [{"id": "youth.fresh", "category": "youth"}]}])
    >>> s["by_level"]["high"], s["by_action"]["review"], s["indicators"], s["risk_histogram"][8]
    (1, 1, {'youth.fresh': 1}, 1)
    """
    by_level: dict[str, int] = {lv: 0 for lv in LEVELS}
    by_action: dict[str, int] = {ac: 0 for ac in ACTIONS}
    indicator_ads: Counter[str] = Counter()
    category_ads: Counter[str] = Counter()
    indicator_category: dict[str, str] = {}
    histogram = [0] * RISK_BINS
    risk_range: dict[str, list[float]] = {}
    models: set[str] = set()
    for a in assessments:
        level = str(a.get("level", "unknown"))
        action = str(a.get("action", "unknown"))
        by_level[level] = by_level.get(level, 0) + 1
        by_action[action] = by_action.get(action, 0) + 1
        risk = _risk(a)
        histogram[_risk_bin(risk)] += 1
        lo_hi = risk_range.setdefault(level, [risk, risk])
        lo_hi[0], lo_hi[1] = min(lo_hi[0], risk), max(lo_hi[1], risk)
        if a.get("model"):
            models.add(str(a["model"]))
        ids: set[str] = set()
        cats: set[str] = set()
        for f in _indicators(a):
            ind = str(f.get("id", "?"))
            cat = str(f.get("category", "other"))
            ids.add(ind)
            cats.add(cat)
            indicator_category.setdefault(ind, cat)
        indicator_ads.update(ids)
        category_ads.update(cats)
    ordered_ids = sorted(indicator_ads, key=lambda i: (-indicator_ads[i], i))
    ordered_cats = sorted(category_ads, key=lambda c: (-category_ads[c], _category_sort_key(c)))
    return {
        "total": len(assessments),
        "by_level": by_level,
        "by_action": by_action,
        "indicators": {i: indicator_ads[i] for i in ordered_ids},
        "categories": {c: category_ads[c] for c in ordered_cats},
        "indicator_categories": {i: indicator_category[i] for i in ordered_ids},
        "risk_bins": [round(i / RISK_BINS, 2) for i in range(RISK_BINS + 1)],
        "risk_histogram": histogram,
        "risk_range_by_level": {k: [round(v[0], 4), round(v[1], 4)] for k, v in risk_range.items()},
        "models": sorted(models),
    }


# --------------------------------------------------------------------------- charts


@dataclass(frozen=True, slots=True)
class _Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_label: str
    value_x: float
    value_y: float
    tooltip: str
    colour: str = "#35608F"


@dataclass(frozen=True, slots=True)
class _Tick:
    pos: float
    label: str


@dataclass(frozen=True, slots=True)
class _Chart:
    width: float
    height: float
    title: str
    description: str
    bars: list[_Bar]
    ticks: list[_Tick] = field(default_factory=list)
    plot: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # left, top, right, bottom
    x_title: str = ""
    y_title: str = ""
    label_x: float = 0.0


def _nice_step(value: float) -> int:
    """The smallest 1/2/5 x 10^k that is >= value, so axis ticks land on round numbers."""
    if value <= 1:
        return 1
    magnitude = int(10 ** math.floor(math.log10(value)))
    for step in (1, 2, 5):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _histogram_chart(summary: Mapping[str, Any]) -> _Chart:
    counts: list[int] = list(summary["risk_histogram"])
    edges: list[float] = list(summary["risk_bins"])
    total = max(1, sum(counts))
    width, height = 760.0, 280.0
    left, top, right, bottom = 56.0, 24.0, width - 12.0, height - 56.0
    # about four gridlines on whole, round numbers
    tick_step = _nice_step(max(counts, default=0) / 4)
    top_value = max(1, math.ceil(max(counts, default=0) / tick_step)) * tick_step
    scale = (bottom - top) / top_value
    slot = (right - left) / len(counts)
    bars = []
    for i, count in enumerate(counts):
        h = count * scale
        x = left + i * slot + 4
        lo, hi = edges[i], edges[i + 1]
        bars.append(_Bar(
            x=x, y=bottom - h, width=slot - 8, height=h,
            label=f"{lo:.1f}–{hi:.1f}", value_label=str(count),
            value_x=x + (slot - 8) / 2, value_y=bottom - h - 5,
            tooltip=f"risk {lo:.1f} to {hi:.1f}: {count} ads ({100 * count / total:.0f}%)",
        ))
    ticks = [_Tick(bottom - v * scale, str(v)) for v in range(0, top_value + 1, tick_step)]
    described = ", ".join(f"{b.label}: {b.value_label}" for b in bars)
    return _Chart(
        width=width, height=height,
        title="Risk distribution: number of ads in each risk band",
        description=f"Bar chart of ads per risk band. {described}.",
        bars=bars, ticks=ticks, plot=(left, top, right, bottom),
        x_title="risk score (0 = nothing found, 1 = strongest indicators)",
        y_title="ads",
    )


def _indicator_chart(summary: Mapping[str, Any]) -> _Chart:
    counts: dict[str, int] = dict(summary["indicators"])
    cats: dict[str, str] = dict(summary["indicator_categories"])
    total = max(1, int(summary["total"]))
    # ids are shown in a monospace face, so their width is predictable (~7.3 px at 12 px)
    longest = max((len(i) for i in counts), default=10)
    label_w = min(330.0, 7.3 * longest + 16)
    width = 760.0
    row, bar_h, top = 24.0, 16.0, 8.0
    height = top + row * len(counts) + 8
    plot_left, plot_right = label_w, width - 110.0
    top_value = max(counts.values(), default=1)
    bars = []
    for i, (ind, count) in enumerate(counts.items()):
        y = top + i * row + (row - bar_h) / 2
        w = max(2.0, (plot_right - plot_left) * count / top_value)
        cat = category(cats.get(ind, "other"))
        bars.append(_Bar(
            x=plot_left, y=y, width=w, height=bar_h, label=ind,
            value_label=f"{count} ({100 * count / total:.0f}%)",
            value_x=plot_left + w + 6, value_y=y + bar_h - 3,
            tooltip=f"{ind} ({cat.label}): in {count} of {total} ads",
            colour=cat.colour,
        ))
    described = ", ".join(f"{b.label}: {b.value_label}" for b in bars)
    return _Chart(
        width=width, height=height,
        title="Indicator frequencies: number of ads in which each indicator fired",
        description=f"Horizontal bar chart, coloured by category. {described}.",
        bars=bars, plot=(plot_left, top, plot_right, height - 8), label_x=plot_left - 8,
    )


# --------------------------------------------------------------------------- per-ad views


@dataclass(frozen=True, slots=True)
class _FieldView:
    name: str
    label: str
    segments: list[Segment]


@dataclass(frozen=True, slots=True)
class _FindingView:
    id: str
    category: Category
    version: str
    explanation: str
    weight: str
    contribution: str
    source: str
    quotes: list[str]


@dataclass(frozen=True, slots=True)
class _AdView:
    anchor: str
    rank: int
    id: str
    risk: str
    risk_value: float
    level: str
    action: str
    commerce: str
    meta: list[tuple[str, str]]
    fields: list[_FieldView]
    findings: list[_FindingView]
    explanation: list[str]
    entities: list[tuple[str, list[str]]]
    unplaced: int


def _fmt_num(value: Any, digits: int = 2) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—"
    return f"{value:.{digits}f}"


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _place_evidence(
    ad: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, list[Highlight]], int]:
    """Map evidence onto the ad's text fields; count evidence that could not be placed.

    Offsets index the original text (DESIGN.md section 3).  If they do not match the quoted
    ``text`` (e.g. the ad was edited after screening) the first occurrence of the quote is used;
    if the quote is absent the evidence stays listed in the findings but is not highlighted.
    """
    placed: dict[str, list[Highlight]] = {}
    unplaced = 0
    for f in findings:
        ind, cat = str(f.get("id", "?")), str(f.get("category", "other"))
        for ev in f.get("evidence") or []:
            if not isinstance(ev, Mapping):
                continue
            name = str(ev.get("field", ""))
            value = ad.get(name)
            quote = ev.get("text")
            quote = quote if isinstance(quote, str) else None
            start, end = _int_or_none(ev.get("start")), _int_or_none(ev.get("end"))
            if not isinstance(value, str):
                unplaced += 1
                continue
            if (start is not None and end is not None and 0 <= start < end <= len(value)
                    and (quote is None or value[start:end] == quote)):
                placed.setdefault(name, []).append(Highlight(start, end, ind, cat))
            elif quote and quote in value:
                at = value.index(quote)
                placed.setdefault(name, []).append(Highlight(at, at + len(quote), ind, cat))
            else:
                unplaced += 1
    return placed, unplaced


def _entity_text(kind: str, value: Any) -> str:
    if isinstance(value, Mapping):
        if kind == "handles":
            return f"{value.get('platform', '?')}: {value.get('handle', '?')}"
        if kind == "crypto":
            return f"{value.get('chain', '?')}: {value.get('address', '?')}"
        if kind == "prices":
            per = value.get("per")
            text = f"{value.get('amount', '?')} {value.get('currency') or ''}".strip()
            return f"{text} per {per}" if per else text
        if kind == "places":
            parts = [str(value[k]) for k in ("city", "region", "country") if value.get(k)]
            return ", ".join(parts) or "—"
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _quote(text: str) -> str:
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1] + "…"


def _ad_view(rank: int, ad: Mapping[str, Any], a: Mapping[str, Any]) -> _AdView:
    findings = _indicators(a)
    placed, unplaced = _place_evidence(ad, findings)
    names = list(_SHOWN_FIELDS) + sorted(
        (n for n in placed if n not in _SHOWN_FIELDS),
        key=lambda n: (_FIELD_ORDER.index(n) if n in _FIELD_ORDER else len(_FIELD_ORDER), n),
    )
    fields = []
    for name in names:
        raw = ad.get(name)
        text = raw if isinstance(raw, str) else ""
        fields.append(_FieldView(name, _FIELD_LABELS.get(name, name),
                                 segment(text, placed.get(name, []))))
    finding_views = []
    for f in sorted(findings, key=lambda f: -_as_float(f.get("contribution"))):
        quotes = [
            _quote(str(ev.get("text")))
            for ev in f.get("evidence") or []
            if isinstance(ev, Mapping) and ev.get("text")
        ]
        finding_views.append(_FindingView(
            id=str(f.get("id", "?")),
            category=category(str(f.get("category", "other"))),
            version=str(f.get("version", "")),
            explanation=str(f.get("explanation") or "No explanation in the rule pack."),
            weight=_fmt_num(f.get("weight")),
            contribution=_fmt_num(f.get("contribution"), 3),
            source=str(f.get("source") or "—"),
            quotes=list(dict.fromkeys(quotes)),
        ))
    entities_raw = a.get("entities") or {}
    entities = []
    if isinstance(entities_raw, Mapping):
        for key, label in ENTITY_LABELS:
            values = entities_raw.get(key) or []
            if isinstance(values, list) and values:
                entities.append((label, [_entity_text(key, v) for v in values]))
    meta = [(k, str(ad[k])) for k in ("site", "city", "region", "country", "posted_at")
            if ad.get(k) not in (None, "")]
    explanation = a.get("explanation") or []
    return _AdView(
        anchor=f"ad-{rank}",
        rank=rank,
        id=str(a.get("id", "?")),
        risk=f"{_risk(a):.2f}",
        risk_value=_risk(a),
        level=str(a.get("level", "unknown")),
        action=str(a.get("action", "unknown")),
        commerce=_fmt_num(a.get("commerce")),
        meta=meta,
        fields=fields,
        findings=finding_views,
        explanation=[str(x) for x in explanation] if isinstance(explanation, list) else [],
        entities=entities,
        unplaced=unplaced,
    )


_LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS)}


def _top(
    ads: Sequence[Mapping[str, Any]], assessments: Sequence[Mapping[str, Any]], top: int
) -> list[_AdView]:
    order = sorted(
        range(len(assessments)),
        key=lambda i: (-_risk(assessments[i]),
                       -_LEVEL_RANK.get(str(assessments[i].get("level")), -1),
                       str(assessments[i].get("id", "")), i),
    )
    return [_ad_view(r + 1, ads[i], assessments[i]) for r, i in enumerate(order[: max(0, top)])]


# --------------------------------------------------------------------------- networks


@dataclass(frozen=True, slots=True)
class _NetworkView:
    id: str
    size: str
    cities: list[str]
    identifiers: list[str]
    top_risk: str


def _identifier_list(idents: Any, limit: int = 12) -> list[str]:
    """``["phone:+1..."]`` as given, or flattened from ``{"phone": ["+1..."], ...}``."""
    if isinstance(idents, Mapping):
        flat = [f"{kind}:{v}" for kind, values in idents.items() for v in (values or [])]
    else:
        flat = [str(i) for i in idents or []]
    return flat[:limit] + ([f"… {len(flat) - limit} more"] if len(flat) > limit else [])


def _network_view(n: Mapping[str, Any]) -> _NetworkView:
    cities = []
    for c in n.get("cities") or []:
        if isinstance(c, Mapping):
            name = str(c.get("city") or "?")
            first, last = str(c.get("first_seen") or "")[:10], str(c.get("last_seen") or "")[:10]
            if first and last and first != last:
                name += f" ({first} – {last})"
            elif first or last:
                name += f" ({first or last})"
            cities.append(name)
        else:
            cities.append(str(c))
    size = n.get("size")
    return _NetworkView(
        id=str(n.get("id", "?")),
        size=str(size) if size is not None else "—",
        cities=cities,
        identifiers=_identifier_list(n.get("identifiers")),
        top_risk=_fmt_num(n.get("top_risk")),
    )


# --------------------------------------------------------------------------- rendering


def _environment() -> Environment:
    # autoescape=True for every template, whatever its file name: ad text is hostile
    env = Environment(
        loader=FileSystemLoader(str(_HERE)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["category"] = category
    return env


_ENV: Environment | None = None


def _env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = _environment()
    return _ENV


def render_segments(segments: Sequence[Segment]) -> Markup:
    """The HTML for highlighted field text, exactly as it appears in the report.

    >>> str(render_segments(segment("a<b", [Highlight(1, 2, "x.y", "youth")])))
    'a<mark class="cat-youth" title="x.y">&lt;</mark>b'
    """
    module = _env().get_template("_highlight.html").module
    out: Markup = module.highlight(segments)  # type: ignore[attr-defined]
    return out


def _version() -> str:
    try:
        return metadata.version("redflags")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def render_report(
    ads: Sequence[Mapping[str, Any]],
    assessments: Sequence[Mapping[str, Any]],
    *,
    title: str = "redflags screening report",
    generated_at: str | None = None,
    top: int = 25,
    errors: int = 0,
    networks: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """The report as an HTML string; see :func:`write_report`."""
    if len(ads) != len(assessments):
        raise ValueError(
            f"got {len(ads)} ads but {len(assessments)} assessments; pass the input ads and the "
            "assessments `redflags scan` wrote for them, in the same order"
        )
    for i, (ad, a) in enumerate(zip(ads, assessments, strict=True)):
        if str(ad.get("id")) != str(a.get("id")):
            raise ValueError(
                f"ads[{i}] has id {ad.get('id')!r} but assessments[{i}] has id {a.get('id')!r}; "
                "the two lists must be in the same order"
            )
    summary = summarize(assessments)
    total = summary["total"]
    when = generated_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    level_cards = [
        {"key": lv, "count": summary["by_level"].get(lv, 0), "help": _LEVEL_HELP.get(lv, ""),
         "range": summary["risk_range_by_level"].get(lv)}
        for lv in summary["by_level"]
    ]
    action_cards = [
        {"key": ac, "count": summary["by_action"].get(ac, 0), "help": _ACTION_HELP.get(ac, "")}
        for ac in summary["by_action"]
    ]
    used_categories = {summary["indicator_categories"][i] for i in summary["indicators"]}
    legend = list(CATEGORIES) + (
        [_OTHER] if any(c not in _CATEGORY_BY_KEY for c in used_categories) else []
    )
    explanations: dict[str, str] = {}
    for a in assessments:
        for f in _indicators(a):
            if f.get("explanation"):
                explanations.setdefault(str(f.get("id")), str(f["explanation"]))
    indicator_rows = [
        {"id": i, "count": c, "share": f"{100 * c / max(1, total):.0f}%",
         "category": category(summary["indicator_categories"][i]),
         "explanation": explanations.get(i, "")}
        for i, c in summary["indicators"].items()
    ]
    css = Markup((_HERE / "report.css").read_text(encoding="utf-8"))  # our file, not ad data
    template = _env().get_template("report.html")
    return template.render(
        title=title,
        generated_at=when,
        version=_version(),
        summary=summary,
        total=total,
        errors=errors,
        models=summary["models"],
        level_cards=level_cards,
        action_cards=action_cards,
        histogram=_histogram_chart(summary),
        indicator_chart=_indicator_chart(summary) if summary["indicators"] else None,
        indicator_rows=indicator_rows,
        legend=legend,
        style_categories=(*CATEGORIES, _OTHER),
        top_ads=_top(ads, assessments, top),
        top=top,
        networks=[_network_view(n) for n in networks] if networks is not None else None,
        css=css,
    )


def write_report(
    path: Path,
    ads: Sequence[Mapping[str, Any]],
    assessments: Sequence[Mapping[str, Any]],
    *,
    title: str = "redflags screening report",
    generated_at: str | None = None,
    top: int = 25,
    errors: int = 0,
    networks: Sequence[Mapping[str, Any]] | None = None,
) -> Path:
    """Write a self-contained HTML report (no JavaScript, no network requests) and return path.

    ``ads[i]`` is the input ad whose Assessment dict is ``assessments[i]`` (same order, same
    id).  ``top`` ads with the highest risk are shown in full with evidence highlighted;
    ``errors`` is the number of ads that could not be screened; ``networks`` are the optional
    per-network summary lines of ``redflags link --summary``.

    >>> import tempfile
    >>> out = write_report(Path(tempfile.mkdtemp()) / "r.html", [], [])
    >>> out.read_text(encoding="utf-8").startswith("<!doctype html>")
    True
    """
    html = render_report(
        ads, assessments, title=title, generated_at=generated_at, top=top, errors=errors,
        networks=networks,
    )
    path = Path(path)
    path.write_text(html, encoding="utf-8")
    return path
