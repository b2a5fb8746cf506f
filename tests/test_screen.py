"""screen(): context gating, critical minors, evidence in posted offsets, determinism."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags.model import Ad, Assessment
from redflags.screen import screen


def _ids(a: Assessment) -> set[str]:
    return {f.indicator for f in a.findings}


# Ordinary classifieds full of trap words: none may be flagged (issue 2, point 5).
BENIGN = [
    Ad(id="florist", category="for sale", title="Fresh roses for Valentine's",
       body="Our florist shop sells fresh roses, 12 roses bouquet $40. Delivery 24/7 in Miami. "
            "Call 305-555-0142."),
    Ad(id="church", category="community", title="Church bake sale",
       body="St. Mary's church is collecting donations for the food bank. Every donation helps. "
            "Young volunteers welcome! Gifts accepted at the door."),
    Ad(id="babysitter", category="services", title="Babysitter available",
       body="Hi, I am 19, reliable and professional babysitter, first time posting here. "
            "$15/hr, evenings and weekends. Text only please: 212-555-0111."),
    Ad(id="cafe", category="jobs", title="Hiring young energetic baristas",
       body="Busy café hiring young, energetic staff. Must be 18+. Apply with resume, "
            "new girls and guys welcome, training provided."),
    Ad(id="candy", category="for sale", title="Candy shop 🍭🍒",
       body="Sweet treats 🍭🍒🌸 for kids and teens! Fresh fudge daily, gift cards available."),
    Ad(id="handyman", category="services", title="New in town handyman",
       body="Just arrived from Houston, reliable handyman, available 24/7. Ask for Mike."),
    Ad(id="spanish-cafe", category="jobs", title="Se busca mesera joven",
       body="Cafetería busca mesera joven y responsable, mayor de 18 años. Empleo fijo."),
    Ad(id="russian-flowers", category="for sale", title="Продам цветы",
       body="Продам розы и цветы, доставка круглосуточно. Подарки к празднику."),
]


@pytest.mark.parametrize("ad", BENIGN, ids=lambda a: a.id)
def test_ordinary_classifieds_are_not_flagged(ad: Ad) -> None:
    a = screen(ad)
    assert a.action == "allow", a.explanation
    assert a.findings == ()
    assert a.commerce < 0.5


def test_stated_minor_age_in_commercial_ad_is_critical() -> None:
    a = screen(Ad(id="m", category="escorts", title="Sweet and new",
                  body="Hi gentlemen, I am 16 years old, incall only, 100 roses/hr. "
                       "Call 702-555-0190"))
    assert a.level == "critical"
    assert a.action == "block"
    assert "youth.minor_age" in _ids(a)
    minor = next(f for f in a.findings if f.indicator == "youth.minor_age")
    assert [s.text for s in minor.evidence] == ["16 years old"] or "16" in minor.evidence[0].text


@pytest.mark.parametrize(
    "body",
    [
        "Escort, tengo 17 añitos, nueva en esto. Donación 100 la hora.",
        "Эскорт досуг, мне 17 лет, впервые. Выезд, 3000 руб за час.",
        "Escort here, im seventeen, gfe incall, donation 150/hr",
    ],
)
def test_minor_age_in_other_languages(body: str) -> None:
    a = screen(Ad(id="x", body=body))
    assert a.level == "critical", a.explanation


def test_babysitter_age_is_extracted_but_not_flagged() -> None:
    a = screen(BENIGN[2])
    assert 19 in a.entities_json()["ages"]
    assert a.findings == ()


def test_movement_is_context_only() -> None:
    a = screen(Ad(id="mv", category="escorts",
                  body="New in town, visiting for the weekend. Upscale companionship, "
                       "donation 300 per hour."))
    assert "movement.new_in_town" in _ids(a)
    mv = next(f for f in a.findings if f.indicator == "movement.new_in_town")
    assert mv.weight == 0.0 and mv.contribution == 0.0
    assert a.action == "allow"


def test_disguised_youth_word_raises_keyword_obfuscation() -> None:
    a = screen(Ad(id="ob", category="escorts", body="So y.o.u.n.g and sweet, incall gfe 200/hr"))
    ids = _ids(a)
    assert {"youth.young_terms", "obfuscation.keyword"} <= ids
    young = next(f for f in a.findings if f.indicator == "youth.young_terms")
    assert young.evidence[0].text == "y.o.u.n.g"


def test_evidence_spans_are_offsets_into_the_posted_text() -> None:
    ad = Ad(id="ev", category="escorts", title="Ｙｏｕｎｇ 👑",
            body="Тееn latina, ask for Candy. Call three oh five 555 o1two3, incall only")
    a = screen(ad)
    assert a.findings
    for f in a.findings:
        for s in f.evidence:
            assert s.text == ad.text(s.field)[s.start : s.end]
    assert "obfuscation.phone" in _ids(a)


def test_screen_is_deterministic() -> None:
    ad = Ad(id="d", category="escorts", body="young new girls, ask for Mia, 305 555 0123, 80/hr")
    assert screen(ad).to_json() == screen(ad).to_json()


def test_explanation_lists_what_moved_the_score() -> None:
    a = screen(Ad(id="e", category="escorts",
                  body="Young and new to this, call thr33 0h five 5 5 5 0 1 2 3, incall"))
    moved = [line for line in a.explanation if line.startswith("+")]
    assert moved and any("youth.young_terms" in line for line in moved)


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(max_size=80),
    body=st.text(max_size=300),
    category=st.sampled_from([None, "escorts", "jobs", "for sale"]),
    country=st.sampled_from([None, "US", "GB", "ES", "XX"]),
)
def test_screen_never_crashes_and_spans_hold(
    title: str, body: str, category: str | None, country: str | None
) -> None:
    ad = Ad(id="h", title=title, body=body, category=category, country=country)
    a = screen(ad)
    assert 0.0 <= a.risk <= 1.0
    for f in a.findings:
        for s in f.evidence:
            assert s.text == ad.text(s.field)[s.start : s.end]
    for e in a.entities:
        if e.span is not None:
            assert e.span.text == ad.text(e.span.field)[e.span.start : e.span.end]


@pytest.mark.parametrize(
    ("body", "phones"),
    [("call sıx 3o5 555 0123", ["+13055550123"]), ("Sıx five 5 five", []), ("SİX three 0ne", [])],
)
def test_case_fold_traps_in_number_words_do_not_stop_screening(
    body: str, phones: list[str]
) -> None:
    """Once a KeyError: a dotless or dotted i in a number word stopped the whole screening."""
    a = screen(Ad(id="t", body=body))
    assert [e.value for e in a.entities if e.kind == "phone"] == phones
