"""The dashboard in the browser (counts match the store, charts are accessible SVG, roles) and
the chart functions on their own (escaping of hostile labels, bad values)."""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from markupsafe import escape
from tests.web.conftest import Site, assert_accessible, login

from redflags.store import stats
from redflags.store.schema import ads, assessments, decisions, networks, review_items
from redflags.web import charts


def _count(site: Site, query: Any) -> int:
    with site.store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _n(page: Any, tile: str) -> int:
    return int(page.locator(f"#total-{tile}").inner_text().replace(",", ""))


def test_dashboard_counts_match_the_store(page: Any, site: Site) -> None:
    login(page, "ana", "/dashboard")
    # other tests change the store; figures up to 30 s old are the page's design, so recompute
    page.click("#as-of a")
    page.wait_for_url(re.compile(r".*refresh=1$"))
    assert page.locator("h1").inner_text() == "Dashboard"
    count = sa.func.count()
    assert _n(page, "ads") == _count(site, sa.select(count).select_from(ads))
    assert _n(page, "open") == _count(
        site, sa.select(count).select_from(review_items).where(review_items.c.status == "open"))
    assert _n(page, "flagged") == _count(site, sa.select(count).select_from(review_items))
    assert _n(page, "received") == _n(page, "ads")  # the store was seeded just now
    assert _n(page, "decisions") == _count(site, sa.select(count).select_from(decisions))
    assert _n(page, "networks") == _count(site, sa.select(count).select_from(networks))
    with site.store.engine.connect() as conn:
        levels = Counter(conn.execute(sa.select(assessments.c.level)).scalars())
        inds = Counter(i for row in conn.execute(sa.select(review_items.c.indicators)).scalars()
                       for i in row.split(",") if i)
    shown = {c.get_attribute("data-level"): int(c.inner_text())
             for c in page.locator("table.levels td[data-level]").all()}
    assert shown == dict(levels)
    # the top indicator and its count, in the chart's accessible name and as a drawn label
    top, n = inds.most_common(1)[0]
    desc = page.locator("#chart-indicators-desc").text_content()
    assert desc.startswith(f"{top}: {n}")
    # top networks: the same order as the store's, each linking to its page
    for key in ("risk", "size"):
        want = [f"/networks/{x['id']}" for x in stats.top_networks(site.store, by=key)]
        got = page.locator(f"#networks-{key} a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))")
        assert got == want and got


def test_dashboard_charts_are_accessible_svg(page: Any, site: Site) -> None:
    login(page, "lia", "/dashboard")
    svgs = page.locator("svg.chart[role=img]")
    assert svgs.count() == 4
    for i in range(svgs.count()):
        svg = svgs.nth(i)
        labelled = svg.get_attribute("aria-labelledby").split()
        assert all(page.locator(f"[id='{x}']").count() == 1 for x in labelled)
        assert svg.locator("title").first.text_content()
    # the volume chart has a point per day of the window, each with its own title
    assert page.locator("#chart-volume circle").count() == 2 * 30
    assert page.locator("script:not([src])").count() == 0  # no inline script on the page
    assert_accessible(page)
    page.click("a[href='/dashboard?days=7']")
    assert page.locator("#chart-volume circle").count() == 2 * 7
    assert page.locator("a[aria-current=page][href='/dashboard?days=7']").count() == 1


def test_dashboard_follows_to_a_network(page: Any, site: Site) -> None:
    login(page, "rita", "/dashboard")
    link = page.locator("#networks-risk a").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{target}")
    page.wait_for_selector("#graph[data-rendered=true]")


def test_platform_role_may_not_see_the_dashboard(page: Any, site: Site) -> None:
    login(page, "pat", "/dashboard")
    assert page.locator("h1").inner_text() == "Not allowed"
    resp = page.goto("/dashboard")
    assert resp is not None and resp.status == 403


# -- chart functions (no browser) ---------------------------------------------------------------

HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "a & b", "it's"]


@pytest.mark.parametrize("label", HOSTILE)
def test_bar_chart_escapes_hostile_labels(label: str) -> None:
    svg = str(charts.bar_chart([(label, 3), ("ok", 1)], title=label, chart_id=label))
    assert "<script" not in svg and "<img" not in svg and str(escape(label)) in svg
    # the element id is reduced to safe characters (it is also used in aria-labelledby)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in re.findall(r' id="([^"]*)"', svg))
    assert svg.count("<rect") == 3 and svg.count("<title") == 3  # background + 2 bars
    assert svg.count("<svg") == 1 and svg.endswith("</svg>")


@pytest.mark.parametrize("label", HOSTILE)
def test_line_chart_escapes_hostile_labels_and_series(label: str) -> None:
    svg = str(charts.line_chart(["d1", label], {label: [1, 2], "other": [0, 5]},
                                title=label, chart_id="c"))
    assert "<script" not in svg and "<img" not in svg and str(escape(label)) in svg
    assert svg.count("<circle") == 4 and svg.count("<polyline") == 2


def test_chart_text_and_values() -> None:
    svg = str(charts.bar_chart([("high", 1234), ("low", 0.5)], title="Levels", chart_id="lv",
                               colors={"high": "#a14a00"}))
    assert '<title id="lv-title">Levels</title>' in svg
    assert ">1,234</text>" in svg and ">0.5</text>" in svg and 'fill="#a14a00"' in svg
    assert "high: 1,234; low: 0.5" in svg  # the desc reads out every value
    empty = str(charts.line_chart([], {}, title="Nothing", chart_id="e"))
    assert "No data in this period." in empty


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
def test_charts_refuse_values_they_cannot_draw(bad: float) -> None:
    with pytest.raises(ValueError, match="finite and not negative"):
        charts.bar_chart([("x", bad)], title="t", chart_id="t")
    with pytest.raises(ValueError, match="finite and not negative"):
        charts.line_chart(["a"], {"s": [bad]}, title="t", chart_id="t")
    with pytest.raises(ValueError, match="one value per label"):
        charts.line_chart(["a", "b"], {"s": [1]}, title="t", chart_id="t")


def test_dashboard_figures_are_reused_within_the_interval_and_recomputed_on_demand(
    page: Any, site: Site
) -> None:
    login(page, "lia", "/dashboard?days=90")
    first = page.locator("#as-of").inner_text()
    time.sleep(1.1)  # the stamp has one-second resolution: a recomputation would differ
    page.reload()
    assert page.locator("#as-of").inner_text() == first
    page.click("#as-of a")
    page.wait_for_url(re.compile(r".*days=90&refresh=1$"))
    assert page.locator("#as-of").inner_text() > first
    assert_accessible(page)


def test_figure_cache_ttl_refresh_and_one_computation_per_window() -> None:
    import threading

    from redflags.web.dashboard import FigureCache

    clock = [100.0]
    calls: list[int] = []
    gate = threading.Event()

    def compute(days: int) -> Any:
        calls.append(days)
        gate.wait(5)
        return f"figures {days} #{len(calls)}"

    cache = FigureCache(30.0, clock=lambda: clock[0])
    gate.set()
    assert cache.get(7, lambda: compute(7)) == "figures 7 #1"
    clock[0] += 29.9
    assert cache.get(7, lambda: compute(7)) == "figures 7 #1"  # still fresh
    assert cache.get(30, lambda: compute(30)) == "figures 30 #2"  # windows are separate
    clock[0] += 0.2
    assert cache.get(7, lambda: compute(7)) == "figures 7 #3"  # expired
    assert cache.get(7, lambda: compute(7), fresh=True) == "figures 7 #4"
    # a burst on a cold window: one computation, every viewer gets its result
    gate.clear()
    clock[0] += 100
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get(90, lambda: compute(90))))
        for _ in range(5)
    ]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join(5)
    assert calls.count(90) == 1 and results == ["figures 90 #5"] * 5
    assert FigureCache(0, clock=lambda: clock[0]).get(7, lambda: compute(7)) == "figures 7 #6"
    assert calls.count(7) == 4
