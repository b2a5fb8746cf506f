"""Fast paths of scoring and findings, pinned to the plain computation they replace.

* ``contributions`` must give bit-identical floats to the leave-one-out noisy-OR it replaces
  (the output JSON rounds them, but the explanation's order and "+0.xx" text depend on them).
* ``score`` keeps a Finding whose contribution is already right; the result must equal scoring
  the same findings with contribution 0 (the rebuild path).
* ``_findings`` reads each entity function's pool only; that must equal testing every entity.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from redflags import screen as S
from redflags.config import ScoringConfig, ScreenConfig
from redflags.indicators.catalog import default_catalog
from redflags.model import Ad, Entity, Span
from redflags.score import _noisy_or, contributions, score

weights = st.lists(st.floats(min_value=0.0, max_value=1.0, allow_nan=False), max_size=8)


@given(weights)
def test_contributions_equal_leave_one_out(ws: list[float]) -> None:
    risk, got = contributions(ws)
    assert risk == _noisy_or(ws)
    slow = [max(0.0, risk - _noisy_or(ws[:i] + ws[i + 1 :])) for i in range(len(ws))]
    assert got == slow


def test_score_keeps_prebuilt_findings_and_matches_rebuild() -> None:
    ad = Ad(id="x", body="Sweet young girl, new to this. Incall only, 100 roses/hr 555-0123")
    a = S.screen(ad)
    assert len(a.findings) >= 2
    cfg = ScoringConfig()
    fast = score(a.findings, a.commerce, cfg)
    slow = score([replace(f, contribution=0.0) for f in a.findings], a.commerce, cfg)
    assert fast == slow
    assert all(x is y for x, y in zip(fast[1], a.findings, strict=True))


_KINDS = ("phone", "email", "handle", "crypto", "age", "price", "place")


@st.composite
def entity(draw: st.DrawFn) -> Entity:
    kind = draw(st.sampled_from(_KINDS))
    value: str | int = draw(st.integers(0, 30)) if kind == "age" else draw(st.text(max_size=4))
    data = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "platform": st.sampled_from(["cashapp", "venmo", "telegram"]),
                    "amount": st.integers(1, 400),
                    "currency": st.sampled_from(["USD", "GBP"]),
                    "per": st.sampled_from(["hour", "half_hour", "night"]),
                }
            ),
        )
    )
    start = draw(st.integers(0, 50))
    return Entity(kind, value, data, Span("body", start, start + 1, "x"), draw(st.booleans()))  # type: ignore[arg-type]


@given(st.lists(entity(), max_size=12))
def test_function_pools_equal_testing_every_entity(entities: list[Entity]) -> None:
    cat, cfg = default_catalog(), ScreenConfig()
    got = {f.indicator: f.matched for f in S._findings(cat, cfg, [], entities)}
    want: dict[str, tuple[str, ...]] = {}
    for ind in cat.indicators:
        if ind.function in S._PREDICATES:
            pred = S._PREDICATES[ind.function]
            hit = [str(e.value) for e in entities if pred(e, cfg)]
            if hit:
                want[ind.id] = tuple(dict.fromkeys(hit))
    assert got == want


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 0.5])))
def test_remembered_float_formats_equal_formatting(xs: list[float]) -> None:
    """The explanation's number formats come from a bounded memo; each equals formatting anew,
    however the values repeat (a second round reads them back from the memo)."""
    from redflags import score as sc

    for _ in range(2):
        for x in xs:
            assert sc._two_places(x) == f"{x:.2f}"
            assert sc._shortest(x) == str(x)
    assert len(sc._TWO_PLACES) <= sc._MEMO_MAX and len(sc._SHORTEST) <= sc._MEMO_MAX


@given(entity())
def test_function_codes_call_their_predicates(e: Entity) -> None:
    """``_raises`` dispatches by number; each number must run the function it stands for."""
    cfg = ScreenConfig()
    assert sorted(S._CODES.values()) == list(range(len(S._PREDICATES)))
    for name, code in S._CODES.items():
        assert S._raises(code, e, cfg) == S._PREDICATES[name](e, cfg), name
