"""Typed configuration with annotated defaults (the one reference for every knob).

>>> cfg = ScreenConfig()
>>> cfg.scoring.level(0.95), cfg.scoring.action(0.95)
('critical', 'block')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redflags.model import Action, Level

__all__ = ["PriceConfig", "ScoringConfig", "ScreenConfig"]


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    #: risk at or above this is "critical"; a stated minor age in a commercial-sex ad lands here
    critical: float = 0.9
    #: two or more moderate indicators (e.g. youth language + obscured phone) reach "high"
    high: float = 0.6
    #: one moderate indicator with weak context reaches "medium"
    medium: float = 0.35
    #: hold the ad before publication (and escalate) at or above this risk
    block_at: float = 0.9
    #: send the ad to the human review queue at or above this risk
    review_at: float = 0.35
    #: commerce probability needed before trafficking indicators count at all; a florist's
    #: "roses" or a church's "donation" must never be read as a price code word
    commerce_threshold: float = 0.5

    def level(self, risk: float) -> Level:
        if risk >= self.critical:
            return "critical"
        if risk >= self.high:
            return "high"
        if risk >= self.medium:
            return "medium"
        return "low"

    def action(self, risk: float) -> Action:
        if risk >= self.block_at:
            return "block"
        if risk >= self.review_at:
            return "review"
        return "allow"


@dataclass(frozen=True, slots=True)
class PriceConfig:
    #: hourly rates below these (per currency) raise price.low_price; no validated threshold is
    #: published (research/indicators.md 1.6), so these are deliberately low and weak
    low_hourly: dict[str, float] = field(
        default_factory=lambda: {"USD": 60.0, "GBP": 50.0, "EUR": 55.0}
    )
    #: half-hour equivalents
    low_half_hour: dict[str, float] = field(
        default_factory=lambda: {"USD": 40.0, "GBP": 35.0, "EUR": 35.0}
    )


@dataclass(frozen=True, slots=True)
class ScreenConfig:
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    prices: PriceConfig = field(default_factory=PriceConfig)
    #: longest text field screened; longer fields are rejected as malformed input, not
    #: truncated, so nothing is silently half-screened
    max_field_chars: int = 20_000
    #: name written into every Assessment's ``model`` field
    model_name: str = "redflags-rules-1"
