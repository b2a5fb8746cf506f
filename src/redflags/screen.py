"""``screen(ad) -> Assessment``: the pure function the API, the batch CLI and Dask workers share.

Flow per ad: build normalised views of each text field, extract entities, match the catalog's
lexicons in one pass per field, decide whether this is a commercial-sex ad at all, turn hits and
entities into :class:`~redflags.model.Finding` values with original-text evidence, and score.

Context, not keyword matching: trafficking indicators count only when the ad is commercial-sex
(``commerce >= threshold``).  A florist's roses, a church's donations, a 19-year-old babysitter
and a café hiring "young" staff produce entities but no findings.

>>> a = screen(Ad(id="x", body="Sweet young girl, new to this. Incall only, 100 roses/hr"))
>>> a.level, a.action, sorted(f.indicator for f in a.findings)[:2]
('high', 'review', ['payment.code_words', 'restriction.incall_only'])
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from redflags.config import ScreenConfig
from redflags.extract import Context
from redflags.extract import ages as ages_x
from redflags.extract import crypto as crypto_x
from redflags.extract import emails as emails_x
from redflags.extract import handles as handles_x
from redflags.extract import phones as phones_x
from redflags.extract import places as places_x
from redflags.extract import prices as prices_x
from redflags.indicators.catalog import Catalog, Indicator, TermHit, default_catalog
from redflags.model import TEXT_FIELDS, Ad, Assessment, Entity, Finding, Span
from redflags.normalize import Views
from redflags.score import score

__all__ = ["screen"]

_DEFAULT_CONFIG = ScreenConfig()

#: extractors run on every free-text field; the ``phone``/``email`` fields get only their own
_TEXT_EXTRACTORS = (phones_x, emails_x, handles_x, crypto_x, ages_x, prices_x, places_x)
_FIELD_EXTRACTORS = {"phone": (phones_x,), "email": (emails_x, handles_x)}

_NOT_INDICATORS = frozenset({"commerce", "commerce_rate", "benign"})
_TIME_RATES = frozenset({"hour", "half_hour", "session", "night"})
_P2P_PLATFORMS = frozenset({"cashapp", "venmo", "paypal", "zelle"})
#: categories whose hits hint at commerce even without sales words (someone else sells)
_COMMERCE_HINT_CATEGORIES = frozenset({"third_party", "restriction", "price"})
_COMMERCE_HINT_WEIGHT = 0.4
#: cap on the summed lexicon evidence so one long ad cannot run away either way
_COMMERCE_TERM_CAP = 6.0


def screen(
    ad: Ad, catalog: Catalog | None = None, config: ScreenConfig | None = None
) -> Assessment:
    """Screen one ad. Pure: no I/O, deterministic for a given catalog and config."""
    cat = catalog or default_catalog()
    cfg = config or _DEFAULT_CONFIG
    ctx = Context(country=(ad.country or "US").upper(), city=ad.city, region=ad.region)

    entities: list[Entity] = []
    hits: list[tuple[str, Views, TermHit]] = []
    for name in TEXT_FIELDS:
        text = ad.text(name)
        if not text:
            continue
        views = Views(text)
        for module in _FIELD_EXTRACTORS.get(name, _TEXT_EXTRACTORS):
            entities.extend(module.extract(views, name, ctx))
        if name in ("title", "body"):
            hits.extend((name, views, h) for h in cat.match(views.keys))
    place = places_x.from_fields(ad.city, ad.region, ad.country)
    if place is not None:
        entities.insert(0, place)

    commerce = _commerce(ad, cat, hits, entities)
    findings: list[Finding] = []
    if commerce >= cfg.scoring.commerce_threshold:
        findings = _findings(cat, cfg, hits, entities)
    risk, scored, explanation = score(findings, commerce, cfg.scoring)
    return Assessment(
        id=ad.id,
        risk=risk,
        level=cfg.scoring.level(risk),
        action=cfg.scoring.action(risk),
        commerce=commerce,
        findings=scored,
        entities=tuple(entities),
        model=cfg.model_name,
        explanation=explanation,
    )


def _commerce(
    ad: Ad, cat: Catalog, hits: Sequence[tuple[str, Views, TermHit]], entities: Sequence[Entity]
) -> float:
    """Probability-like score that this is a commercial-sex ad (logistic over lexicon hits).

    Price euphemisms ("roses", "donation", "gifts") count only beside a time-rate price
    ("200 roses/hr", "donation $150 hh"): a florist's "roses $15 a dozen" and a church's
    "donation $20" stay what they are.
    """
    model = cat.commerce
    z = model.bias + model.categories.get((ad.category or "").strip().lower(), 0.0)
    timed = any(
        e.kind == "price" and isinstance(e.data, dict) and e.data.get("per") in _TIME_RATES
        for e in entities
    )
    pos: dict[str, float] = {}
    neg: dict[str, float] = {}
    hinted: set[str] = set()
    for _field, views, h in hits:
        key = views.keys.text[h.start : h.end]
        if h.target == "commerce" or (h.target == "commerce_rate" and timed):
            pos[key] = h.weight
        elif h.target == "benign":
            neg[key] = h.weight
        elif h.target.split(".", 1)[0] in _COMMERCE_HINT_CATEGORIES:
            hinted.add(h.target)
    z += min(sum(pos.values()) + _COMMERCE_HINT_WEIGHT * len(hinted), _COMMERCE_TERM_CAP)
    z -= min(sum(neg.values()), _COMMERCE_TERM_CAP)
    if timed:
        z += model.hourly_price
    return 1.0 / (1.0 + math.exp(-z))


def _findings(
    cat: Catalog,
    cfg: ScreenConfig,
    hits: Sequence[tuple[str, Views, TermHit]],
    entities: Sequence[Entity],
) -> list[Finding]:
    evidence: dict[str, list[Span]] = {}
    matched: dict[str, list[str]] = {}

    def add(ind_id: str, span: Span | None, norm: str) -> None:
        if ind_id not in cat:
            return
        spans = evidence.setdefault(ind_id, [])
        if span is not None and span not in spans:
            spans.append(span)
        matched.setdefault(ind_id, []).append(norm)

    for field, views, h in hits:
        if h.target in _NOT_INDICATORS:
            continue
        a, b = views.keys.original_span(h.start, h.end)
        span = Span(field, a, b, views.original[a:b])
        norm = views.keys.text[h.start : h.end]
        add(h.target, span, norm)
        if h.disguised and cat.get(h.target).obfuscation_sensitive:
            add("obfuscation.keyword", span, norm)

    for ind in cat.indicators:
        if ind.function is None or ind.function == "disguised_keyword":
            continue
        for ent in _function_entities(ind, cfg, entities):
            add(ind.id, ent.span, str(ent.value))

    out: list[Finding] = []
    for ind in cat.indicators:  # catalog order keeps output deterministic
        if ind.id not in matched:
            continue
        spans = sorted(
            evidence.get(ind.id, []),
            key=lambda s: (
                TEXT_FIELDS.index(s.field) if s.field in TEXT_FIELDS else 99,
                s.start,
                s.end,
            ),
        )
        out.append(
            Finding(
                indicator=ind.id,
                category=ind.category,
                weight=ind.weight,
                version=ind.version,
                source=ind.source,
                explanation=ind.explanation,
                evidence=tuple(spans),
                matched=tuple(dict.fromkeys(matched[ind.id])),
            )
        )
    return out


def _function_entities(
    ind: Indicator, cfg: ScreenConfig, entities: Iterable[Entity]
) -> Iterable[Entity]:
    fn = ind.function
    for e in entities:
        if fn == "minor_age" and e.kind == "age" and isinstance(e.value, int) and e.value < 18:
            yield e
        elif fn == "age_18_19" and e.kind == "age" and e.value in (18, 19):
            yield e
        elif fn == "crypto_wallet" and e.kind == "crypto" and _mainnet(e):
            yield e
        elif fn == "p2p_handle" and e.kind == "handle" and _platform(e) in _P2P_PLATFORMS:
            yield e
        elif fn == "disguised_phone" and e.kind == "phone" and e.disguised:
            yield e
        elif fn == "disguised_contact" and e.disguised and e.kind in ("email", "handle", "crypto"):
            yield e
        elif fn == "low_price" and e.kind == "price" and _is_low_price(e, cfg):
            yield e


def _mainnet(e: Entity) -> bool:
    """Test-network wallets are identifiers, not a way to pay anyone."""
    return not (isinstance(e.data, dict) and "network" in e.data)


def _platform(e: Entity) -> str:
    return str(e.data.get("platform", "")) if isinstance(e.data, dict) else ""


def _is_low_price(e: Entity, cfg: ScreenConfig) -> bool:
    if not isinstance(e.data, dict):
        return False
    amount, currency, per = e.data.get("amount"), e.data.get("currency"), e.data.get("per")
    if not isinstance(amount, int | float) or amount <= 0 or not isinstance(currency, str):
        return False
    if per == "hour":
        limit = cfg.prices.low_hourly.get(currency)
    elif per == "half_hour":
        limit = cfg.prices.low_half_hour.get(currency)
    else:
        return False
    return limit is not None and amount < limit
