"""Places: the ad's fields, gazetteer matches in text, hard negatives, spans, a property test."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags.extract import Context
from redflags.extract.places import extract, from_fields, lookup
from redflags.extract.places_data import CITY_TABLE
from redflags.normalize import Views


def places(text: str, country: str = "US", region: str | None = None) -> list[str]:
    ctx = Context(country=country, region=region)
    return [str(e.value) for e in extract(Views(text), "body", ctx)]


# text, ad country, expected values
MATCH: list[tuple[str, str, list[str]]] = [
    ("New in Miami, FL!", "US", ["miami|fl|us"]),
    ("in miami", "US", ["miami|fl|us"]),
    ("Miami FL", "US", ["miami|fl|us"]),
    ("miami fl", "US", ["miami|fl|us"]),
    ("HOUSTON TX", "US", ["houston|tx|us"]),
    ("visiting LA and Vegas", "US", ["los angeles|ca|us", "las vegas|nv|us"]),
    ("LA, CA", "US", ["los angeles|ca|us"]),
    ("la, CA", "US", []),  # an alias that must be upper case
    ("Baton Rouge, LA", "US", ["baton rouge|la|us"]),
    ("NYC", "US", ["new york|ny|us"]),
    ("nyc baby", "US", ["new york|ny|us"]),
    ("new york city", "US", ["new york|ny|us"]),
    ("Philly girl", "US", ["philadelphia|pa|us"]),
    ("NOLA", "US", ["new orleans|la|us"]),
    ("ATL", "US", ["atlanta|ga|us"]),
    ("in DC", "US", ["washington|dc|us"]),
    ("Washington, DC", "US", ["washington|dc|us"]),
    ("St. Louis", "US", ["st. louis|mo|us"]),
    ("St Petersburg", "US", ["st. petersburg|fl|us"]),
    ("Kansas City", "US", ["kansas city|mo|us"]),
    ("Las Vegas strip", "US", ["las vegas|nv|us"]),
    ("Winston-Salem", "US", ["winston-salem|nc|us"]),
    ("Ft. Lauderdale", "US", ["fort lauderdale|fl|us"]),
    # a key inside a longer word hides nothing that is whole words
    ("alas vegas tonight", "US", ["las vegas|nv|us"]),
    ("salas vegas", "US", ["las vegas|nv|us"]),
    ("atlas vegas", "US", ["las vegas|nv|us"]),
    # common words / first names with context
    ("in Buffalo", "US", ["buffalo|ny|us"]),
    ("Buffalo, NY", "US", ["buffalo|ny|us"]),
    ("Mobile, AL", "US", ["mobile|al|us"]),
    ("Mobile area", "US", ["mobile|al|us"]),
    ("Reading, UK", "GB", ["reading|eng|gb"]),
    ("near Bath", "GB", ["bath|eng|gb"]),
    ("Charlotte NC", "US", ["charlotte|nc|us"]),
    ("Austin TX", "US", ["austin|tx|us"]),
    ("in Phoenix", "US", ["phoenix|az|us"]),
    # same-named cities: state code, then the ad's country, then the table order
    ("Portland ME", "US", ["portland|me|us"]),
    ("Portland, OR", "US", ["portland|or|us"]),
    ("Portland", "US", ["portland|or|us"]),
    ("Birmingham", "US", ["birmingham|al|us"]),
    ("Birmingham", "GB", ["birmingham|eng|gb"]),
    ("Birmingham", "FR", ["birmingham|eng|gb"]),
    ("London", "GB", ["london|eng|gb"]),
    ("London", "CA", ["london|on|ca"]),
    ("London, Ontario", "GB", ["london|on|ca"]),
    ("Toronto, CA", "US", ["toronto|on|ca"]),
    ("Miami, OK", "US", ["miami|ok|us"]),
    ("Columbus, GA", "US", ["columbus|ga|us"]),
    ("Salem, OR", "US", ["salem|or|us"]),
    ("Dallas, Texas", "US", ["dallas|tx|us"]),
    # UK, Canada, Spain and Latin America, Russia
    ("Manchester", "GB", ["manchester|eng|gb"]),
    ("Glasgow lass", "GB", ["glasgow|sct|gb"]),
    ("Montréal", "CA", ["montreal|qc|ca"]),
    ("Madrid", "ES", ["madrid|md|es"]),
    ("chica en Medellín", "CO", ["medellin|ant|co"]),
    ("en Bogotá", "CO", ["bogota|dc|co"]),
    ("CDMX", "MX", ["mexico city|cmx|mx"]),
    ("Ciudad de México", "MX", ["mexico city|cmx|mx"]),
    ("São Paulo", "BR", ["sao paulo|sp|br"]),
    ("новенькая в Москве", "RU", ["moscow|mow|ru"]),
    ("из Питера", "RU", ["saint petersburg|spe|ru"]),
    ("СПб", "RU", ["saint petersburg|spe|ru"]),
    ("Санкт-Петербург", "RU", ["saint petersburg|spe|ru"]),
    ("Saint Petersburg", "RU", ["saint petersburg|spe|ru"]),
    ("Казань", "RU", ["kazan|ta|ru"]),
    # several
    ("Miami -> Tampa -> Orlando, FL", "US",
     ["miami|fl|us", "tampa|fl|us", "orlando|fl|us"]),
]

NO_MATCH: list[tuple[str, str]] = [
    ("buffalo wings special", "US"),
    ("Buffalo wings", "US"),
    ("mobile service available", "US"),
    ("Mobile service", "US"),
    ("Reading a book in bed", "GB"),
    ("Bath time", "GB"),
    ("Orange county", "US"),
    ("Surprise!", "US"),
    ("I'm Charlotte, new in town", "US"),
    ("Hi I'm Austin", "US"),
    ("I am Phoenix", "US"),
    ("Savannah here", "US"),
    ("phoenix", "US"),
    ("austin", "US"),
    ("Jerusalem", "US"),
    ("salem witch", "US"),
    ("LA MEJOR CHICA", "US"),
    ("la mejor chica", "MX"),
    ("LA chica", "MX"),
    ("la hora", "US"),
    ("latina", "US"),
    ("Dallas", "US"),
    ("flint stone", "US"),
    ("provocative", "US"),
    ("new yorker magazine", "US"),
    ("the Bay", "US"),
    ("", "US"),
]

SPANS: list[tuple[str, list[tuple[int, int, str]]]] = [
    ("New in Miami, FL!", [(7, 16, "Miami, FL")]),
    ("hey  ＮＹＣ 💋 then L.A.", [(5, 8, "ＮＹＣ"), (16, 20, "L.A.")]),
    ("Baton Rouge,  LA", [(0, 16, "Baton Rouge,  LA")]),
    ("в Москве", [(2, 8, "Москве")]),
]


@pytest.mark.parametrize(("text", "country", "expected"), MATCH)
def test_match(text: str, country: str, expected: list[str]) -> None:
    assert places(text, country) == expected


@pytest.mark.parametrize(("text", "country"), NO_MATCH)
def test_no_match(text: str, country: str) -> None:
    assert places(text, country) == []


@pytest.mark.parametrize(("text", "expected"), SPANS)
def test_original_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    got = []
    for e in extract(Views(text), "title", Context()):
        assert e.span is not None and e.span.field == "title"
        got.append((e.span.start, e.span.end, e.span.text))
    assert got == expected


def test_entity_shape() -> None:
    (e,) = extract(Views("in Miami, FL"), "body", Context())
    assert e.kind == "place" and not e.disguised
    assert e.data == {"city": "Miami", "region": "FL", "country": "US"}


def test_ad_region_breaks_ties() -> None:
    assert places("Springfield", "US") == ["springfield|mo|us"]
    assert places("Springfield", "US", region="IL") == ["springfield|il|us"]
    assert places("Springfield, MA", "US", region="IL") == ["springfield|ma|us"]
    assert places("Columbus", "US") == ["columbus|oh|us"]
    assert places("Columbus", "US", region="GA") == ["columbus|ga|us"]
    assert places("Kansas City", "US", region="KS") == ["kansas city|ks|us"]


@pytest.mark.parametrize(
    ("city", "region", "country", "value", "data"),
    [
        ("Miami", "FL", "US", "miami|fl|us", {"city": "Miami", "region": "FL", "country": "US"}),
        ("miami", "florida", "USA", "miami|fl|us",
         {"city": "Miami", "region": "FL", "country": "US"}),
        ("Miami", None, None, "miami|fl|us", {"city": "Miami", "region": "FL", "country": "US"}),
        ("Toronto", None, None, "toronto|on|ca",
         {"city": "Toronto", "region": "ON", "country": "CA"}),
        ("London", None, "UK", "london|eng|gb",
         {"city": "London", "region": "ENG", "country": "GB"}),
        ("London", "Ontario", "Canada", "london|on|ca",
         {"city": "London", "region": "ON", "country": "CA"}),
        ("  Smallville ", "KS", None, "smallville|ks|us",
         {"city": "Smallville", "region": "KS", "country": "US"}),
        (None, "TX", None, "|tx|us", {"city": None, "region": "TX", "country": "US"}),
        (None, None, "Россия", "||ru", {"city": None, "region": None, "country": "RU"}),
        ("Москва", None, "RU", "moscow|mow|ru",
         {"city": "Moscow", "region": "MOW", "country": "RU"}),
    ],
)
def test_from_fields(
    city: str | None, region: str | None, country: str | None, value: str, data: dict[str, str]
) -> None:
    e = from_fields(city, region, country)
    assert e is not None
    assert e.kind == "place" and e.span is None and not e.disguised
    assert e.value == value
    assert e.data == data


@pytest.mark.parametrize("blank", [(None, None, None), ("", " ", "")])
def test_from_fields_empty(blank: tuple[str | None, str | None, str | None]) -> None:
    assert from_fields(*blank) is None


def test_lookup() -> None:
    found = lookup("Birmingham", country="US")
    assert found is not None and found.region == "AL"
    assert lookup("Atlantis") is None


def test_gazetteer_size_and_shape() -> None:
    rows = [line.split("|") for line in CITY_TABLE.strip().splitlines()]
    assert all(len(r) == 5 for r in rows)
    by_country: dict[str, int] = {}
    for r in rows:
        by_country[r[2]] = by_country.get(r[2], 0) + 1
    assert by_country["US"] >= 150
    assert by_country["GB"] >= 30 and by_country["CA"] >= 18 and by_country["RU"] >= 5
    assert sum(by_country[c] for c in ("ES", "MX", "CO", "AR", "CL", "PE", "VE", "EC")) >= 20


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_never_crashes_and_spans_are_original(text: str) -> None:
    for e in extract(Views(text), "body", Context()):
        assert e.span is not None
        assert e.span.text == text[e.span.start : e.span.end]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Miami", "LA", "la", ",", " ", "FL", "CA", "in", "Buffalo", "NY", "Москве", "в",
             "new york", "Portland", "ME", "💋", "\n", "St.", "Louis", "Toronto", "ON"]
        ),
        max_size=12,
    ).map("".join)
)
def test_place_like_fragments(text: str) -> None:
    for e in extract(Views(text), "body", Context(country="US")):
        assert e.span is not None and e.span.text == text[e.span.start : e.span.end]


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=12), st.text(alphabet=", \t\n\u00a0\u2003FLfl.Ontario", max_size=12))
def test_after_fast_exit_is_no_match(head: str, tail: str) -> None:
    """_after returns at once unless a "," or white space follows: neither pattern can match."""
    from redflags.extract import places as mod

    text, e = head + tail, len(head)
    if e >= len(text) or (text[e] != "," and not text[e].isspace()):
        assert mod._AFTER_CODE.match(text, e) is None and mod._AFTER_NAME.match(text, e) is None
        assert mod._after(text, e) == (None, None, e)
