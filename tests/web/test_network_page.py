"""The network page in the browser: reached from an ad, graph drawn by the vendored cytoscape
under the real CSP, circuit in time order, accessible tables, roles; plus its data helpers."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from tests.web.conftest import CHROMIUM_ARGS, VIEWPORT, Site, assert_accessible, login

from redflags.store import stats
from redflags.store.schema import networks
from redflags.web.network import graph_data, json_block


def _network(site: Site, *, min_cities: int = 1) -> dict[str, Any]:
    """The largest network of the seeded store with at least ``min_cities`` cities."""
    for n in stats.top_networks(site.store, by="size", limit=50):
        if n["cities"] >= min_cities:
            return n
    pytest.skip(f"the seeded store has no network with {min_cities} cities")


def _graph(page: Any) -> dict[str, Any]:
    page.wait_for_selector("#graph[data-rendered=true]")
    data: dict[str, Any] = json.loads(page.locator("#graph-data").text_content())
    return data


def test_open_a_network_from_an_ad_and_the_graph_renders(page: Any, site: Site) -> None:
    net = _network(site)
    first = stats.member_ads(site.store, net["id"], limit=1)[0]["id"]
    login(page, "ana", f"/ads/{first}")
    page.click(f"a[href='/networks/{net['id']}']")
    page.wait_for_url(f"**/networks/{net['id']}")
    assert page.locator("h1").inner_text() == f"Network {net['id']}"
    data = _graph(page)
    box = page.locator("#graph")
    assert box.locator("canvas").count() >= 1  # cytoscape drew on its canvases
    assert data["ads"] == net["size"] and data["identifiers"] >= 1
    assert len(data["nodes"]) == data["ads"] + data["identifiers"]
    assert int(box.get_attribute("data-nodes")) == len(data["nodes"])
    assert int(box.get_attribute("data-edges")) == len(data["edges"])
    # member list: every ad of the network, each linking to its page
    links = page.locator("table.members a")
    assert links.count() == net["size"]
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == {
        f"/ads/{m['id']}" for m in stats.member_ads(site.store, net["id"])
    }
    # the accessible equivalent of the drawing: one table row per edge
    assert page.locator("table.links tbody tr").count() == len(data["edges"])
    assert page.locator("table.members a").first.get_attribute("href") == f"/ads/{first}"


def test_circuit_lists_cities_in_time_order(page: Any, site: Site) -> None:
    net = _network(site, min_cities=2)
    with site.store.engine.connect() as conn:  # the stored summary, read without an audit row
        summary = json.loads(conn.execute(
            sa.select(networks.c.summary).where(networks.c.id == net["id"])).scalar_one())
    login(page, "lia", f"/networks/{net['id']}")
    rows = page.locator("table.circuit tbody tr")
    assert rows.count() == net["cities"] >= 2
    firsts = [rows.nth(i).locator("time").first.get_attribute("datetime")
              for i in range(rows.count())]
    assert firsts == sorted(firsts) == [c["first_seen"] for c in summary["cities"]]
    cities = [rows.nth(i).locator("td.city").inner_text() for i in range(rows.count())]
    assert [c.split(",")[0] for c in cities] == [c["city"] for c in summary["cities"]]
    ads = [int(rows.nth(i).locator("td").last.inner_text()) for i in range(rows.count())]
    assert ads == [c["ads"] for c in summary["cities"]]


def test_network_page_is_accessible_and_shows_the_template(page: Any, site: Site) -> None:
    net = _network(site)
    login(page, "rita", f"/networks/{net['id']}")  # reviewers may open networks too
    _graph(page)
    with site.store.engine.connect() as conn:
        summary = json.loads(conn.execute(
            sa.select(networks.c.summary).where(networks.c.id == net["id"])).scalar_one())
    assert page.locator("ul.names li").all_inner_texts() == summary["names"]
    if summary["templates"]:  # the shared text, with its varying places marked as slots
        template = page.locator(".template-text").first
        assert template.locator("mark.slot").count() == page.locator("dl.slots dt").first.locator(
            "xpath=..").locator("dt").count()
    assert_accessible(page)


def test_graph_draws_under_the_real_csp(browser: Any, site: Site) -> None:
    """No bypass here: cytoscape must draw with script-src/style-src 'self' and no violation."""
    net = _network(site)
    ctx = browser.new_context(viewport=VIEWPORT, base_url=site.url)
    try:
        page = ctx.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        external: list[str] = []
        page.on("request", lambda r: external.append(r.url)
                if not r.url.startswith(site.url) and not r.url.startswith("data:") else None)
        login(page, "ana", f"/networks/{net['id']}")
        data = _graph(page)
        assert int(page.locator("#graph").get_attribute("data-nodes")) == len(data["nodes"])
        assert not problems, problems
        assert not external, external
        assert page.locator("style").count() == 0  # cytoscape did not inject a <style>
    finally:
        ctx.close()
    assert CHROMIUM_ARGS  # the shared launch arguments are the ones used


def test_roles_and_unknown_networks(page: Any, site: Site) -> None:
    net = _network(site)
    login(page, "pat", "/dashboard")
    resp = page.goto(f"/networks/{net['id']}")
    assert resp is not None and resp.status == 403
    page.context.clear_cookies()
    login(page, "adm", "/dashboard")  # admins manage keys and users; they do not read ad text
    assert page.locator("a[href^='/networks/']").count() == 0  # so no links to network pages
    resp = page.goto(f"/networks/{net['id']}")
    assert resp is not None and resp.status == 403
    page.context.clear_cookies()
    login(page, "rita", f"/networks/{net['id']}")
    assert page.locator("h1").inner_text() == f"Network {net['id']}"
    resp = page.goto("/networks/n-does-not-exist")
    assert resp is not None and resp.status == 404


# -- data helpers (no browser) ------------------------------------------------------------------

HOSTILE = "</script><script>alert(1)</script><!--&amp;"


def test_json_block_cannot_close_its_script_element() -> None:
    block = str(json_block({"label": HOSTILE, "n": [1, 2]}))
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block) == {"label": HOSTILE, "n": [1, 2]}


def test_graph_data_counts_nodes_and_edges() -> None:
    members = [
        {"ad_id": "a", "via": ["phone:+13055550123", "template:t-1"]},
        {"ad_id": "b", "via": ["phone:+13055550123"]},
        {"ad_id": "c", "via": ["email:x@example.com"]},  # not drawn: not in ``ads``
    ]
    ads = [{"id": "a", "risk": 0.91, "level": "critical"},
           {"id": HOSTILE, "risk": 0, "level": "low"},
           {"id": "b", "risk": 0.5, "level": "medium"}]
    g = graph_data(members, ads)
    assert (g["ads"], g["identifiers"], len(g["edges"])) == (3, 2, 3)
    assert len(g["nodes"]) == g["ads"] + g["identifiers"]
    assert {n["kind"] for n in g["nodes"] if n["type"] == "identifier"} == {"phone", "template"}
    assert g["nodes"][0]["href"] == "/ads/a" and g["nodes"][0]["risk"] == 0.91
