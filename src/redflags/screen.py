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
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Final

from redflags.config import ScreenConfig
from redflags.extract import Context
from redflags.extract import ages as ages_x
from redflags.extract import crypto as crypto_x
from redflags.extract import emails as emails_x
from redflags.extract import handles as handles_x
from redflags.extract import phones as phones_x
from redflags.extract import places as places_x
from redflags.extract import prices as prices_x
from redflags.indicators.catalog import Catalog, TermHit, default_catalog
from redflags.model import TEXT_FIELDS, Ad, Assessment, Entity, Finding, Span
from redflags.normalize import Views
from redflags.score import contributions, score

__all__ = ["screen"]

_DEFAULT_CONFIG: Final = ScreenConfig()

#: extractors run on every free-text field; the ``phone``/``email`` fields get only their own

_NOT_INDICATORS: Final = frozenset({"commerce", "commerce_rate", "benign"})
_TIME_RATES: Final = frozenset({"hour", "half_hour", "session", "night"})
_P2P_PLATFORMS: Final = frozenset({"cashapp", "venmo", "paypal", "zelle"})
#: categories whose hits hint at commerce even without sales words (someone else sells)
_COMMERCE_HINT_CATEGORIES: Final = frozenset({"third_party", "restriction", "price"})
_COMMERCE_HINT_WEIGHT: Final = 0.4
#: cap on the summed lexicon evidence so one long ad cannot run away either way
_COMMERCE_TERM_CAP: Final = 6.0


def screen(
    ad: Ad, catalog: Catalog | None = None, config: ScreenConfig | None = None
) -> Assessment:
    """Screen one ad. Pure: no I/O, deterministic for a given catalog and config."""
    cat = catalog or default_catalog()
    cfg = config or _DEFAULT_CONFIG
    ctx = _context(ad.country, ad.city, ad.region)

    entities: list[Entity] = []
    hits: list[tuple[str, Views, TermHit]] = []
    for name in TEXT_FIELDS:
        text = ad.text(name)
        if not text:
            continue
        views = Views(text)
        _extract(views, name, ctx, entities)
        if name in ("title", "body"):
            for h in cat.match(views.keys):  # (a loop: compiled, a generator is generic code)
                hits.append((name, views, h))
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


def _extract(views: Views, name: str, ctx: Context, out: list[Entity]) -> None:
    """Run the extractors for field ``name`` into ``out``: the "phone" field is read for phones
    only, "email" for e-mail addresses and handles, title and body for everything.  Written
    as direct calls (not a loop over modules), which the compiled build makes native calls.
    """
    if name != "email":
        out.extend(phones_x.extract(views, name, ctx))
    if name == "phone":
        return
    out.extend(emails_x.extract(views, name, ctx))
    out.extend(handles_x.extract(views, name, ctx))
    if name == "email":
        return
    out.extend(crypto_x.extract(views, name, ctx))
    out.extend(ages_x.extract(views, name, ctx))
    out.extend(prices_x.extract(views, name, ctx))
    out.extend(places_x.extract(views, name, ctx))


@lru_cache(maxsize=4096)
def _context(country: str | None, city: str | None, region: str | None) -> Context:
    """The extractors' :class:`Context` (immutable, so one per location is shared)."""
    return Context(country=(country or "US").upper(), city=city, region=region)


@lru_cache(maxsize=1024)
def _category(target: str) -> str:
    return target.split(".", 1)[0]


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
    timed = False
    for e in entities:
        if e.kind == "price" and isinstance(e.data, dict) and e.data.get("per") in _TIME_RATES:
            timed = True
            break
    pos: dict[str, float] = {}
    neg: dict[str, float] = {}
    hinted: set[str] = set()
    for _field, _views, h in hits:
        target = h.target
        if target == "commerce" or (target == "commerce_rate" and timed):
            pos[h.key] = h.weight
        elif target == "benign":
            neg[h.key] = h.weight
        elif _category(target) in _COMMERCE_HINT_CATEGORIES:
            hinted.add(target)
    z += min(sum(pos.values()) + _COMMERCE_HINT_WEIGHT * len(hinted), _COMMERCE_TERM_CAP)
    z -= min(sum(neg.values()), _COMMERCE_TERM_CAP)
    if timed:
        z += model.hourly_price
    return 1.0 / (1.0 + math.exp(-z))


#: an indicator computed from entities: its id, the entity pool its function reads (see
#: ``_FUNCTION_KINDS``) and the number (:data:`_CODES`) of the test an entity must pass
_Functional = tuple[str, str, int]


@lru_cache(maxsize=8)
def _catalog_tables(cat: Catalog) -> tuple[tuple[_Functional, ...], dict[str, int]]:
    """Per catalog: the indicators computed from entities, and each indicator's position."""
    functional = tuple(
        (ind.id, _FUNCTION_KINDS[ind.function], _CODES[ind.function])
        for ind in cat.indicators
        if ind.function is not None and ind.function in _PREDICATES
    )
    return functional, {ind.id: k for k, ind in enumerate(cat.indicators)}


def _span_order(s: Span) -> tuple[int, int, int]:
    return (_FIELD_ORDER.get(s.field, 99), s.start, s.end)


_FIELD_ORDER: Final = {name: k for k, name in enumerate(TEXT_FIELDS)}

#: pool key of the entities with ``disguised`` set (every kind, in entity order)
_DISGUISED: Final = "disguised"


def _findings(
    cat: Catalog,
    cfg: ScreenConfig,
    hits: Sequence[tuple[str, Views, TermHit]],
    entities: Sequence[Entity],
) -> list[Finding]:
    """Findings in catalog order, each built once with its risk contribution already set.

    ``score`` recomputes the same contributions and keeps these objects as they are.
    """
    functional, position = _catalog_tables(cat)
    # indicator id -> (evidence spans without duplicates, matched keys), in discovery order
    found: dict[str, tuple[list[Span], list[str]]] = {}

    for field, views, h in hits:
        target = h.target
        if target in _NOT_INDICATORS:
            continue
        a, b = h.original_start, h.original_end
        span = Span(field, a, b, views.original[a:b])
        _add(found, position, target, span, h.key)
        if h.disguised and cat.get(target).obfuscation_sensitive:
            _add(found, position, "obfuscation.keyword", span, h.key)

    if entities:
        # each function reads only its pool (same order: entity order within the pool); most
        # ads have no crypto, handle, age or disguised entity at all
        pools: dict[str, list[Entity]] = {}
        for ent in entities:
            pool = pools.get(ent.kind)
            if pool is None:
                pools[ent.kind] = [ent]
            else:
                pool.append(ent)
            if ent.disguised:
                pools.setdefault(_DISGUISED, []).append(ent)
        for ind_id, pool_key, code in functional:
            pool = pools.get(pool_key)
            if pool is not None:
                for ent in pool:
                    if _raises(code, ent, cfg):
                        _add(found, position, ind_id, ent.span, str(ent.value))

    if not found:
        return []
    # catalog order keeps output deterministic
    indicators = cat.indicators
    inds = [indicators[k] for k in sorted(map(position.__getitem__, found))]
    _risk, contribs = contributions([ind.weight for ind in inds])
    out: list[Finding] = []
    for ind, contribution in zip(inds, contribs, strict=True):
        spans, matched = found[ind.id]
        out.append(
            Finding(
                ind.id,
                ind.category,
                ind.weight,
                ind.version,
                ind.source,
                ind.explanation,
                tuple(sorted(spans, key=_span_order) if len(spans) > 1 else spans),
                tuple(dict.fromkeys(matched)) if len(matched) > 1 else tuple(matched),
                contribution,
            )
        )
    return out


def _add(
    found: dict[str, tuple[list[Span], list[str]]],
    position: dict[str, int],
    ind_id: str,
    span: Span | None,
    norm: str,
) -> None:
    """Record ``span`` (once) and matched key ``norm`` for catalog indicator ``ind_id``.

    A module function, not a closure in :func:`_findings`: compiled, it is a native call.
    """
    entry = found.get(ind_id)
    if entry is None:
        if ind_id not in position:
            return
        entry = found[ind_id] = ([], [])
    if span is not None and span not in entry[0]:
        entry[0].append(span)
    entry[1].append(norm)


#: the entities each function reads: one kind, or every disguised entity (a function reading
#: several kinds); the predicate still checks everything, a pool only skips entities early
_FUNCTION_KINDS: Final[dict[str, str]] = {
    "minor_age": "age",
    "age_18_19": "age",
    "crypto_wallet": "crypto",
    "p2p_handle": "handle",
    "disguised_phone": "phone",
    "disguised_contact": _DISGUISED,
    "low_price": "price",
}


def _minor_age(e: Entity, cfg: ScreenConfig) -> bool:
    return e.kind == "age" and isinstance(e.value, int) and e.value < 18


def _age_18_19(e: Entity, cfg: ScreenConfig) -> bool:
    return e.kind == "age" and e.value in (18, 19)


def _crypto_wallet(e: Entity, cfg: ScreenConfig) -> bool:
    return e.kind == "crypto" and _mainnet(e)


def _p2p_handle(e: Entity, cfg: ScreenConfig) -> bool:
    return e.kind == "handle" and _platform(e) in _P2P_PLATFORMS


def _disguised_phone(e: Entity, cfg: ScreenConfig) -> bool:
    return e.kind == "phone" and e.disguised


def _disguised_contact(e: Entity, cfg: ScreenConfig) -> bool:
    return e.disguised and e.kind in ("email", "handle", "crypto")


def _low_price(e: Entity, cfg: ScreenConfig) -> bool:
    return e.kind == "price" and _is_low_price(e, cfg)


#: function -> whether an entity raises it (one test per entity, no chain of comparisons)
_PREDICATES: Final[dict[str, Callable[[Entity, ScreenConfig], bool]]] = {
    "minor_age": _minor_age,
    "age_18_19": _age_18_19,
    "crypto_wallet": _crypto_wallet,
    "p2p_handle": _p2p_handle,
    "disguised_phone": _disguised_phone,
    "disguised_contact": _disguised_contact,
    "low_price": _low_price,
}
#: each function's number for :func:`_raises`
_CODES: Final[dict[str, int]] = {name: k for k, name in enumerate(_PREDICATES)}


def _raises(code: int, e: Entity, cfg: ScreenConfig) -> bool:
    """``_PREDICATES[name](e, cfg)`` for the function numbered ``code`` (:data:`_CODES`).

    Direct calls, which the compiled build makes native; a call through the dict is a generic
    call, and ``_findings`` makes one per entity and function.  A test pins each code to its
    function.
    """
    if code == 0:
        return _minor_age(e, cfg)
    if code == 1:
        return _age_18_19(e, cfg)
    if code == 2:
        return _crypto_wallet(e, cfg)
    if code == 3:
        return _p2p_handle(e, cfg)
    if code == 4:
        return _disguised_phone(e, cfg)
    if code == 5:
        return _disguised_contact(e, cfg)
    return _low_price(e, cfg)


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
