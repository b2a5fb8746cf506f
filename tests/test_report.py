"""The HTML report: evidence highlighting, escaping, self-containment, summary counts."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags.report import (
    Highlight,
    Segment,
    render_report,
    render_segments,
    segment,
    summarize,
    write_report,
)

TAG = re.compile(r"<[^>]*>")


def visible_text(fragment: str) -> str:
    """What a reader sees: tags stripped, entities decoded."""
    return html.unescape(TAG.sub("", fragment))


def span(text: str, part: str, field: str = "body", nth: int = 0) -> dict[str, Any]:
    """Evidence for the ``nth`` occurrence of ``part`` in ``text`` (Python string offsets)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(part, at + 1)
    return {"field": field, "start": at, "end": at + len(part), "text": part}


def finding(ind: str, evidence: list[dict[str, Any]], contribution: float = 0.1) -> dict[str, Any]:
    return {
        "id": ind, "category": ind.split(".")[0], "weight": 0.5, "version": 1,
        "source": "Test source 2024", "explanation": f"Explanation of {ind}.",
        "contribution": contribution, "evidence": evidence,
    }


def assessment(
    ad_id: str,
    risk: float,
    level: str,
    action: str,
    indicators: list[dict[str, Any]] | None = None,
    **entities: list[Any],
) -> dict[str, Any]:
    ents: dict[str, list[Any]] = {k: [] for k in
                                  ("phones", "emails", "handles", "crypto", "ages", "prices",
                                   "places")}
    ents.update(entities)
    return {"id": ad_id, "risk": risk, "level": level, "action": action, "commerce": 0.5,
            "indicators": indicators or [], "entities": ents, "explanation": [],
            "model": "redflags-test-1"}


def body_html(page: str, anchor: str, field: str = "Body") -> str:
    """The rendered (highlighted) field text of the ad with the given anchor."""
    article = page[page.index(f'id="{anchor}"'):]
    article = article[: article.index("</article>")]
    label = f'<div class="field-label">{field}</div>'
    rest = article[article.index(label) + len(label):]
    match = re.match(r'\s*<div class="adtext[^"]*">(.*?)</div>', rest, re.S)
    assert match, rest[:200]
    return match.group(1)


# --------------------------------------------------------------------------- segment()

H = Highlight

SEGMENT_CASES: list[tuple[str, str, list[Highlight], list[tuple[str, tuple[str, ...]]]]] = [
    ("no spans", "hello", [], [("hello", ())]),
    ("middle", "say new to this ok", [H(4, 15, "youth.a", "youth")],
     [("say ", ()), ("new to this", ("youth.a",)), (" ok", ())]),
    ("start and end", "fresh and sweet", [H(0, 5, "youth.a", "youth"),
                                          H(10, 15, "youth.b", "youth")],
     [("fresh", ("youth.a",)), (" and ", ()), ("sweet", ("youth.b",))]),
    ("whole text", "abc", [H(0, 3, "price.p", "price")], [("abc", ("price.p",))]),
    ("adjacent", "abcdef", [H(0, 3, "youth.a", "youth"), H(3, 6, "payment.b", "payment")],
     [("abc", ("youth.a",)), ("def", ("payment.b",))]),
    ("overlapping", "abcdef", [H(1, 4, "youth.a", "youth"), H(3, 5, "price.b", "price")],
     [("a", ()), ("bc", ("youth.a",)), ("d", ("youth.a", "price.b")), ("e", ("price.b",)),
      ("f", ())]),
    ("nested", "abcdef", [H(0, 6, "price.b", "price"), H(2, 4, "youth.a", "youth")],
     [("ab", ("price.b",)), ("cd", ("youth.a", "price.b")), ("ef", ("price.b",))]),
    ("identical spans", "abc", [H(0, 3, "price.b", "price"), H(0, 3, "youth.a", "youth")],
     [("abc", ("youth.a", "price.b"))]),
    ("same indicator twice, overlapping", "abcdef",
     [H(0, 4, "youth.a", "youth"), H(2, 6, "youth.a", "youth")], [("abcdef", ("youth.a",))]),
    ("clamped and empty spans", "abc", [H(-5, 1, "youth.a", "youth"), H(2, 99, "price.b", "price"),
                                        H(1, 1, "network.c", "network")],
     [("a", ("youth.a",)), ("b", ()), ("c", ("price.b",))]),
    ("zwj emoji", "hi 👩‍👧 x", [H(3, 6, "youth.e", "youth")],
     [("hi ", ()), ("👩‍👧", ("youth.e",)), (" x", ())]),
    ("flag emoji at end", "from 🇺🇸", [H(5, 7, "movement.f", "movement")],
     [("from ", ()), ("🇺🇸", ("movement.f",))]),
    ("empty text", "", [H(0, 3, "youth.a", "youth")], []),
]


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [pytest.param(t, s, e, id=name) for name, t, s, e in SEGMENT_CASES],
)
def test_segment(
    text: str, spans: list[Highlight], expected: list[tuple[str, tuple[str, ...]]]
) -> None:
    segs = segment(text, spans)
    assert [(s.text, s.indicators) for s in segs] == expected
    assert "".join(s.text for s in segs) == text


def test_segment_colour_is_most_urgent_category_and_overlaps_are_flagged() -> None:
    (seg,) = segment("abc", [H(0, 3, "price.b", "price"), H(0, 3, "youth.a", "youth")])
    assert seg.css_class == "cat-youth multi"
    assert seg.tooltip == "youth.a; price.b"


def test_unknown_category_gets_the_neutral_class() -> None:
    (seg,) = segment("abc", [H(0, 3, "x.y", 'evil" onmouseover="alert(1)')])
    assert seg.css_class == "cat-other"


def test_render_segments_escapes_and_marks() -> None:
    out = str(render_segments(segment("a<b>&c", [H(1, 4, "youth.t", "youth")])))
    assert out == 'a<mark class="cat-youth" title="youth.t">&lt;b&gt;</mark>&amp;c'


# hypothesis: any text, any valid spans -> the rendered HTML shows exactly the original text

CATS = st.sampled_from(["youth", "payment", "price", "network", "weird<\"'>&cat"])
IDS = st.sampled_from(["youth.a", "payment.b", "price.c", "x.<b>&\"'"])


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[Highlight]]:
    text = draw(st.text(max_size=60))
    n = len(text)
    bounds = st.integers(min_value=0, max_value=n)
    spans = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        a, b = sorted((draw(bounds), draw(bounds)))
        spans.append(Highlight(a, b, draw(IDS), draw(CATS)))
    return text, spans


@settings(max_examples=300, deadline=None)
@given(text_and_spans())
def test_highlighting_never_loses_or_duplicates_text(case: tuple[str, list[Highlight]]) -> None:
    text, spans = case
    segs = segment(text, spans)
    rendered = str(render_segments(segs))
    assert visible_text(rendered) == text
    assert "".join(s.text for s in segs) == text
    # every character covered by a span sits in a segment that names that span's indicator
    pos = 0
    covering: list[Segment] = []
    for s in segs:
        covering.extend([s] * len(s.text))
        pos += len(s.text)
    for h in spans:
        for i in range(h.start, h.end):
            assert h.indicator in covering[i].indicators
    # and uncovered characters are not marked
    marked_positions = {i for h in spans for i in range(h.start, h.end)}
    for i, s in enumerate(covering):
        assert s.marked == (i in marked_positions)


# --------------------------------------------------------------------------- full report


TITLE = "🌸 fresh 💗 new to this"
BODY = "new in town!! ask for Candy 👑 incall only, 80 roses/hr. family 👩‍👧 pic. gift card"


def sample() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ads = [
        {"id": "a-1", "site": "example-classifieds", "city": "Miami",
         "posted_at": "2026-05-01T21:14:00Z", "title": TITLE, "body": BODY},
        {"id": "a-2", "site": "example-board", "city": "Tampa", "posted_at": "2026-05-02",
         "title": "Selling couch", "body": "Grey couch, barely used."},
        {"id": "a-3", "title": "new to this", "body": "call me"},
    ]
    assessments = [
        assessment("a-1", 0.94, "critical", "block", [
            finding("youth.flower", [span(TITLE, "🌸", "title")]),
            finding("youth.fresh", [span(TITLE, "fresh", "title")], 0.3),
            finding("youth.heart", [span(TITLE, "💗", "title")]),
            finding("youth.new_to_this", [span(TITLE, "new to this", "title")]),
            finding("movement.new_in_town", [span(BODY, "new in town")]),
            finding("third_party.ask_for", [span(BODY, "ask for Candy")]),
            finding("third_party.crown", [span(BODY, "👑")]),
            finding("restriction.incall", [span(BODY, "incall only")]),
            finding("payment.roses", [span(BODY, "80 roses/hr")]),
            finding("price.low", [span(BODY, "80 roses")]),
            finding("youth.family_emoji", [span(BODY, "👩‍👧")]),
            finding("payment.gift_card", [span(BODY, "gift card")]),
        ], phones=["+13055550123"], handles=[{"platform": "telegram", "handle": "candy"}],
            crypto=[{"chain": "bitcoin", "address": "bc1qexample"}], ages=[19],
            prices=[{"amount": 80, "currency": "USD", "per": "hour"}],
            places=[{"city": "Miami", "region": "FL", "country": "US"}],
            emails=["x@example.com"]),
        assessment("a-2", 0.0, "low", "allow"),
        assessment("a-3", 0.55, "medium", "review",
                   [finding("youth.new_to_this", [span("new to this", "new to this", "title")])]),
    ]
    return ads, assessments


@pytest.fixture(scope="module")
def page() -> str:
    ads, assessments = sample()
    return render_report(ads, assessments, generated_at="2026-05-06T12:00:00Z",
                         networks=[{"id": "n-1", "size": 2, "top_risk": 0.94,
                                    "cities": [{"city": "Miami", "first_seen": "2026-05-01",
                                                "last_seen": "2026-05-03"}, "Tampa"],
                                    "identifiers": ["phone:+13055550123"]}])


@pytest.mark.parametrize(
    ("category", "indicator", "text"),
    [
        ("youth", "youth.flower", "🌸"),  # at the very start of the title
        ("youth", "youth.fresh", "fresh"),
        ("youth", "youth.heart", "💗"),
        ("youth", "youth.new_to_this", "new to this"),  # at the very end of the title
        ("movement", "movement.new_in_town", "new in town"),  # start of the body
        ("third_party", "third_party.ask_for", "ask for Candy"),
        ("third_party", "third_party.crown", "👑"),
        ("restriction", "restriction.incall", "incall only"),
        ("youth", "youth.family_emoji", "👩‍👧"),  # multi-codepoint (ZWJ) emoji
        ("payment", "payment.gift_card", "gift card"),  # end of the body
    ],
)
def test_mark_wraps_exactly_the_evidence(
    page: str, category: str, indicator: str, text: str
) -> None:
    assert f'<mark class="cat-{category}" title="{indicator}">{html.escape(text)}</mark>' in page


def test_adjacent_title_spans_are_separate_marks(page: str) -> None:
    title = body_html(page, "ad-1", "Title")
    assert title.startswith('<mark class="cat-youth" title="youth.flower">🌸</mark> ')
    assert title.endswith('<mark class="cat-youth" title="youth.new_to_this">new to this</mark>')


def test_overlapping_spans_are_split_without_losing_or_duplicating_text(page: str) -> None:
    body = body_html(page, "ad-1")
    # "80 roses" is covered by payment.roses and price.low; "/hr" by payment.roses only
    assert ('<mark class="cat-payment multi" title="payment.roses; price.low">80 roses</mark>'
            '<mark class="cat-payment" title="payment.roses">/hr</mark>') in body
    assert visible_text(body) == BODY
    assert visible_text(body_html(page, "ad-1", "Title")) == TITLE


def test_ads_are_ordered_by_risk_and_limited_to_top() -> None:
    ads, assessments = sample()
    out = render_report(ads, assessments, top=2)
    assert out.index("<code>a-1</code>") < out.index("<code>a-3</code>")
    assert "<code>a-2</code>" not in out
    assert "The 2 highest-risk ads" in out


def test_findings_and_entities_are_listed(page: str) -> None:
    for expected in ("Explanation of youth.fresh.", "Test source 2024", "+13055550123",
                     "telegram: candy", "bitcoin: bc1qexample", "80 USD per hour",
                     "Miami, FL, US", "x@example.com", "<li>19</li>"):
        assert expected in page


def test_page_has_reading_guide_and_victim_centred_wording(page: str) -> None:
    assert '<html lang="en">' in page
    assert "How to read this report" in page
    assert "reviewers only" in page
    assert "not verdicts" in page
    assert "synthetic" in page
    assert "child sex trafficking victim" in page
    assert "prostitute" not in page.lower()


def test_charts_are_accessible_svg(page: str) -> None:
    assert page.count('role="img"') == 2
    assert '<title id="hist-title">' in page
    assert '<title id="ind-title">' in page
    assert '<th scope="col">' in page


def test_networks_section(page: str) -> None:
    assert 'id="networks"' in page
    assert "Miami (2026-05-01 – 2026-05-03)" in page
    assert "<li>Tampa</li>" in page
    assert "phone:+13055550123" in page


def test_no_networks_section_without_networks() -> None:
    ads, assessments = sample()
    assert 'id="networks"' not in render_report(ads, assessments)
    assert "No networks were found" in render_report(ads, assessments, networks=[])


# --------------------------------------------------------------------------- safety

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def hostile_page() -> str:
    title = '"><svg onload=alert(1)><a href="https://evil.example/x">'
    ad = {"id": '<b id="x">', "title": title, "body": HOSTILE,
          "site": "<iframe src=//evil>", "city": "<style>@import url(//evil)</style>",
          "posted_at": "<link rel=stylesheet href=//evil>"}
    found = finding("youth.x", [span(HOSTILE, "<script>"), span(HOSTILE, "onerror=alert(1)>")])
    found["explanation"] = "<script>alert('explanation')</script>"
    found["source"] = "<img src=x>"
    found["category"] = '" onmouseover="alert(1)'
    weird = finding('<img src=x onerror="alert(2)">', [span(title, "<svg", "title")])
    a = assessment('<b id="x">', 0.9, '" onclick="alert(1)', "<script>", [found, weird],
                   phones=["<script>alert(3)</script>"],
                   handles=[{"platform": "<img src=x>", "handle": "<script>"}])
    a["explanation"] = ["<script>alert(4)</script>"]
    a["model"] = "<script>alert(5)</script>"
    return render_report([ad], [a], title="<script>alert('title')</script>",
                         networks=[{"id": "<script>", "identifiers": ["<img src=x>"],
                                    "cities": ["<script>"], "size": "<b>", "top_risk": 1}])


def test_hostile_ad_text_is_escaped() -> None:
    out = hostile_page()
    low = out.lower()
    for tag in ("<script", "<img", "<svg onload", "<iframe", "<link", "<b id", "<a href=\"https"):
        assert tag not in low, tag
    assert "@import" not in low.replace("&lt;style&gt;@import", "")
    assert "alert(1)&lt;/script&gt;&lt;img src=x " in out
    # the evidence inside the payload is still highlighted, as escaped text
    assert '<mark class="cat-other" title="youth.x">&lt;script&gt;</mark>' in out
    # hostile level and action values never become class names
    assert 'class="ad lv-unknown"' in out
    assert "ac-unknown" in out
    assert visible_text(body_html(out, "ad-1")) == HOSTILE


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


#: Every element the report template itself emits; anything else came from input data.
OUR_TAGS = {
    "html", "head", "meta", "title", "style", "body", "a", "header", "div", "h1", "h2", "h3",
    "h4", "p", "dl", "dt", "dd", "aside", "strong", "nav", "ol", "li", "main", "section", "ul",
    "span", "mark", "figure", "svg", "desc", "line", "text", "rect", "figcaption", "details",
    "summary", "table", "thead", "tbody", "tr", "th", "td", "code", "article", "br", "footer",
    "em",
}


def test_hostile_page_has_only_our_tags_and_no_active_attributes() -> None:
    parser = TagCollector()
    parser.feed(hostile_page())
    assert parser.tags
    for tag, attrs in parser.tags:
        assert tag in OUR_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in {"src", "srcset", "xlink:href", "action", "formaction"}, tag
            if name == "href":
                assert value is not None and value.startswith("#"), (tag, value)
            if name == "style":
                assert value is not None and re.fullmatch(r"width: \d+%", value), value
            if name == "class":
                assert value is not None and re.fullmatch(r"[a-z0-9 _-]*", value), value


def test_report_is_self_contained(page: str) -> None:
    assert "http://" not in page
    assert "https://" not in page
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "url(" not in page
    assert "@import" not in page
    assert "@font-face" not in page
    assert "Content-Security-Policy" in page


# --------------------------------------------------------------------------- summary, edges


def test_summarize_counts() -> None:
    ads, assessments = sample()
    assessments.append(assessment("a-4", 1.0, "high", "review",
                                  [finding("youth.fresh", [], 0.2),
                                   finding("youth.fresh", [], 0.2)]))
    s = summarize(assessments)
    assert s["total"] == 4
    assert s["by_level"] == {"low": 1, "medium": 1, "high": 1, "critical": 1}
    assert s["by_action"] == {"allow": 1, "review": 2, "block": 1}
    # counted once per ad, even when an ad fires the indicator twice
    assert s["indicators"]["youth.fresh"] == 2
    assert s["indicators"]["youth.new_to_this"] == 2
    assert s["indicators"]["payment.roses"] == 1
    assert list(s["indicators"])[:2] == ["youth.fresh", "youth.new_to_this"]
    assert s["categories"]["youth"] == 3
    assert s["categories"]["payment"] == 1
    assert s["indicator_categories"]["price.low"] == "price"
    assert s["risk_histogram"] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 2]
    assert s["risk_bins"][0] == 0.0 and s["risk_bins"][-1] == 1.0
    assert s["models"] == ["redflags-test-1"]


@pytest.mark.parametrize(
    ("risk", "bin_"),
    [(0.0, 0), (0.09999, 0), (0.1, 1), (0.3, 3), (0.7, 7), (0.9, 9), (1.0, 9), (1.7, 9),
     (-0.2, 0)],
)
def test_histogram_bins_are_half_open(risk: float, bin_: int) -> None:
    hist = summarize([assessment("a", risk, "low", "allow")])["risk_histogram"]
    assert hist[bin_] == 1


def test_summarize_keeps_unexpected_levels() -> None:
    s = summarize([assessment("a", 0.2, "weird", "allow")])
    assert s["by_level"]["weird"] == 1 and s["by_level"]["low"] == 0


def test_empty_report(tmp_path: Path) -> None:
    out = write_report(tmp_path / "empty.html", [], [], generated_at="2026-01-01T00:00:00Z")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert "No ads were screened" in text
    assert "No indicator fired" in text
    assert "<script" not in text
    assert summarize([])["total"] == 0


def test_mismatched_inputs_are_rejected() -> None:
    ads, assessments = sample()
    with pytest.raises(ValueError, match="same order"):
        render_report(list(reversed(ads)), assessments)
    with pytest.raises(ValueError, match="2 ads but 3 assessments"):
        render_report(ads[:2], assessments)


def test_evidence_with_stale_offsets_is_relocated_or_listed() -> None:
    ad = {"id": "a", "title": "", "body": "xx new to this xx"}
    moved = {"field": "body", "start": 0, "end": 11, "text": "new to this"}
    missing = {"field": "body", "start": 0, "end": 3, "text": "absent"}
    elsewhere = {"field": "images", "start": 0, "end": 1, "text": "img"}
    a = assessment("a", 0.5, "medium", "review",
                   [finding("youth.n", [moved, missing, elsewhere])])
    out = render_report([ad], [a])
    assert '<mark class="cat-youth" title="youth.n">new to this</mark>' in out
    assert "2 pieces of evidence could not be located" in out
    assert "absent" in out  # still quoted in the findings table


def test_evidence_in_other_text_fields_is_shown() -> None:
    ad = {"id": "a", "title": "t", "body": "b", "phone": "five five five 0123"}
    a = assessment("a", 0.5, "medium", "review",
                   [finding("obfuscation.phone", [span(ad["phone"], "five five five", "phone")])])
    out = render_report([ad], [a])
    assert '<div class="field-label">Phone field</div>' in out
    assert '<mark class="cat-obfuscation" title="obfuscation.phone">five five five</mark>' in out


def test_write_report_returns_path(tmp_path: Path) -> None:
    ads, assessments = sample()
    target = tmp_path / "r.html"
    assert write_report(target, ads, assessments) == target
    assert target.read_text(encoding="utf-8").count("<article") == 3
