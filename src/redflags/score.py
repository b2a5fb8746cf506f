"""Combine findings into a risk in [0, 1], with the contribution of each finding.

Risk is a noisy-OR of the findings' weights (each weight read as "how likely this one signal
alone marks a trafficking ad"), so independent signals add up without ever exceeding 1, and a
critical finding (a stated minor age in a commercial-sex ad) puts the ad at least at its own
weight.  Each finding's ``contribution`` is how much the risk would drop without it, which is
what the explanation lists.  Deterministic.

>>> from redflags.config import ScoringConfig
>>> f = Finding("youth.young_terms", "youth", 0.45, 1, "src", "why", ())
>>> g = Finding("obfuscation.phone", "obfuscation", 0.35, 1, "src", "why", ())
>>> risk, scored, _ = score([f, g], 0.9, ScoringConfig())
>>> round(risk, 4), [round(s.contribution, 4) for s in scored]
(0.6425, [0.2925, 0.1925])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from redflags.config import ScoringConfig
from redflags.model import Finding

__all__ = ["score"]

#: ``f"{x:.2f}"`` and ``str(x)`` of the positive scores seen so far.  Formatting a float costs
#: thousands of instructions, and an ad's commerce score, the threshold and the contributions
#: are drawn from a small set (a handful of catalog weights combined), so they repeat across
#: ads.  Bounded: emptied when full.
_TWO_PLACES: Final[dict[float, str]] = {}
_SHORTEST: Final[dict[float, str]] = {}
_MEMO_MAX: Final = 4096


def _two_places(x: float) -> str:
    """``f"{x:.2f}"``, remembered for positive ``x`` (so no -0.0 or NaN key)."""
    if not x > 0.0:
        return f"{x:.2f}"
    s = _TWO_PLACES.get(x)
    if s is None:
        if len(_TWO_PLACES) >= _MEMO_MAX:
            _TWO_PLACES.clear()
        s = _TWO_PLACES[x] = f"{x:.2f}"
    return s


def _shortest(x: float) -> str:
    """``str(x)`` (what ``f"{x}"`` gives a float), remembered for positive ``x``."""
    if not x > 0.0:
        return str(x)
    s = _SHORTEST.get(x)
    if s is None:
        if len(_SHORTEST) >= _MEMO_MAX:
            _SHORTEST.clear()
        s = _SHORTEST[x] = str(x)
    return s


def _noisy_or(weights: Sequence[float]) -> float:
    keep = 1.0
    for w in weights:
        keep *= 1.0 - w
    return 1.0 - keep


def contributions(weights: Sequence[float]) -> tuple[float, list[float]]:
    """Noisy-OR risk of ``weights`` and each weight's contribution (risk minus risk without it).

    Bit-identical to ``risk - _noisy_or(weights[:i] + weights[i + 1:])``: the product without
    weight ``i`` is the running product of the weights before it (kept from one pass), then
    multiplied on by the weights after it, so the same factors are multiplied in the same order.
    """
    factors = [1.0 - w for w in weights]
    before = [1.0]
    for f in factors:
        before.append(before[-1] * f)
    risk = 1.0 - before[-1]
    out: list[float] = []
    for i in range(len(factors)):
        keep = before[i]
        for f in factors[i + 1 :]:
            keep *= f
        out.append(max(0.0, risk - (1.0 - keep)))
    return risk, out


def score(
    findings: Sequence[Finding], commerce: float, cfg: ScoringConfig
) -> tuple[float, tuple[Finding, ...], tuple[str, ...]]:
    """Return ``(risk, findings with contributions, explanation lines)``.

    A finding whose ``contribution`` already holds the computed value (``screen`` builds them
    that way, see :func:`contributions`) is returned as is instead of being rebuilt.
    """
    risk, contribs = contributions([f.weight for f in findings])
    scored: list[Finding] = []
    for f, c in zip(findings, contribs, strict=True):
        if f.contribution == c:
            scored.append(f)
            continue
        # what dataclasses.replace(f, contribution=c) builds, without its per-call reflection
        scored.append(
            Finding(
                f.indicator,
                f.category,
                f.weight,
                f.version,
                f.source,
                f.explanation,
                f.evidence,
                f.matched,
                c,
            )
        )
    explanation: list[str] = []
    if commerce < cfg.commerce_threshold:
        explanation.append(
            f"Not a commercial-sex ad (commerce {_two_places(commerce)} < "
            f"{_shortest(cfg.commerce_threshold)}): trafficking indicators are not applied."
        )
    else:
        explanation.append(f"Commercial-sex ad (commerce {_two_places(commerce)}).")
    ranked = sorted(scored, key=_rank) if len(scored) > 1 else scored
    for f in ranked:
        if f.contribution <= 0.0:
            continue
        where = ", ".join(f"{s.field}[{s.start}:{s.end}]" for s in f.evidence[:3])
        explanation.append(
            f"+{_two_places(f.contribution)} {f.indicator} ({where or 'structural'})"
        )
    context = [f.indicator for f in ranked if f.contribution <= 0.0]
    if context:
        explanation.append("Context only (no risk weight): " + ", ".join(context))
    return min(max(risk, 0.0), 1.0), tuple(scored), tuple(explanation)


def _rank(f: Finding) -> tuple[float, str]:
    """Explanation order: biggest contribution first, ties by indicator id."""
    return (-f.contribution, f.indicator)
