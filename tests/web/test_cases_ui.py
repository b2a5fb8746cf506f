"""Case pages in the browser (real server, Chromium): an analyst opens a case from a network and
from an ad, adds a note; a liaison officer exports the package (the download verifies); the
analyst closes the case; roles that may not see cases get 403; axe finds nothing serious."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import VIEWPORT, Site, assert_accessible, login

from redflags.evidence.package import verify_package
from redflags.store import SYSTEM, stats

CASE_URL = re.compile(r".*/cases/(case-[0-9a-f]{8})\?done=opened$")


@pytest.fixture
def second(browser: Any, site: Site) -> Iterator[Any]:
    """A page in a second, separate browser profile (another user signed in at once)."""
    ctx = browser.new_context(viewport=VIEWPORT, base_url=site.url, bypass_csp=True,
                              accept_downloads=True)
    ctx.set_default_timeout(15_000)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def _network_id(site: Site) -> str:
    nets = stats.top_networks(site.store, by="size", limit=20)
    small = [n for n in nets if 2 <= n["size"] <= 12] or nets
    if not small:
        pytest.skip("the seeded store has no network")
    return str(small[0]["id"])


def _open_from_network(page: Any, site: Site, title: str) -> str:
    net = _network_id(site)
    login(page, "ana", f"/networks/{net}")
    page.fill("#case-title", title)
    page.click("#open-case")
    page.wait_for_url(CASE_URL)
    match = CASE_URL.match(page.url)
    assert match
    return match.group(1)


def test_open_note_export_close(page: Any, second: Any, site: Site, tmp_path: Path) -> None:
    net = _network_id(site)
    cid = _open_from_network(page, site, "Circuit through three cities")
    assert page.locator("h1").inner_text() == f"Case {cid}: Circuit through three cities"
    assert page.locator("#case-status").inner_text() == "open"
    members = {m["id"] for m in stats.member_ads(site.store, net)}
    links = page.locator("table.case-ads a")
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == {
        f"/ads/{a}" for a in members
    }
    assert page.locator(f"a[href='/networks/{net}']").count() == 1
    assert "captured" in page.locator("p.notice").inner_text()
    assert page.locator("#export").count() == 0  # analysts do not export
    assert_accessible(page)

    # a note, shown on the page after the redirect; an empty one is refused with the form kept
    page.fill("#note-text", "Same phone in ads from Miami and Orlando; ask the task force.")
    page.click("form[action$='/notes'] button")
    page.wait_for_url(re.compile(r".*\?done=note$"))
    assert "ask the task force" in page.locator("ul.notes").inner_text()

    # the list shows it
    page.goto("/cases")
    row = page.locator("table.cases tr", has=page.locator(f"a[href='/cases/{cid}']"))
    assert "Circuit through three cities" in row.inner_text() and "open" in row.inner_text()
    assert_accessible(page)

    # a liaison officer exports it: the download is the package, and it verifies offline
    login(second, "lia", f"/cases/{cid}")
    assert second.locator("#close-case").count() == 0 and second.locator("#note-text").count() == 0
    with second.expect_download() as dl:
        second.click("#export")
    zip_path = tmp_path / "case.zip"
    dl.value.save_as(zip_path)
    assert dl.value.suggested_filename == f"{cid}.zip"
    check = verify_package(zip_path)
    assert check.ok, check.summary()
    rows, _ = site.store.audit_entries(actor=SYSTEM, target=f"case:{cid}", action="case.export")
    assert [r["actor"] for r in rows] == ["lia"]
    second.reload()
    assert "by lia" in second.locator("section[aria-labelledby=custody-h]").inner_text()

    # the analyst closes it with a reason; the forms go away and the status says so
    page.goto(f"/cases/{cid}")
    page.fill("#close-reason", "Referred to the regional task force.")
    page.click("#close-case")
    page.wait_for_url(re.compile(r".*\?done=closed$"))
    assert page.locator("#case-status").inner_text() == "closed"
    assert page.locator("#note-text").count() == 0 and page.locator("#close-case").count() == 0
    assert "Case closed: Referred to the regional task force." in page.locator(
        "ul.notes").inner_text()
    rows, _ = site.store.audit_entries(actor=SYSTEM, target=f"case:{cid}", action="case.close")
    assert [r["actor"] for r in rows] == ["ana"]


def test_open_from_an_ad_and_victim_wording(page: Any, site: Site) -> None:
    ad = site.ids["images"]
    login(page, "ana", f"/ads/{ad}")
    page.fill("#case-title", "One ad")
    page.click("#open-case")
    page.wait_for_url(CASE_URL)
    assert page.locator("table.case-ads a").get_attribute("href") == f"/ads/{ad}"
    text = page.locator("section[aria-labelledby=victims-h]").inner_text()
    assert "possible victim" in text and "prostitute" not in text.lower()
    custody = page.locator("section[aria-labelledby=custody-h]").inner_text()
    # the ad as received and its two local images; not the remote one, nor ../secret.txt
    assert "3 objects captured" in custody
    assert_accessible(page)


def test_minor_is_named_as_possible_victim(page: Any, site: Site) -> None:
    """An ad stating an age under 18 shows as a possible child sex trafficking victim."""
    import orjson

    from redflags.store import LocalScreener, prepare

    ad = {"id": "ad-minor-ui-1", "site": "example-classifieds", "city": "Reno", "region": "NV",
          "country": "US", "category": "escorts", "posted_at": "2026-01-07T20:00:00Z",
          "title": "Amber, new in town",
          "body": "Hi, I'm Amber, 16, new to this. Text 775-555-0101"}
    site.store.ingest([prepare(orjson.dumps(ad))], LocalScreener(), actor=SYSTEM, source="cli")
    login(page, "ana", f"/ads/{ad['id']}")
    page.fill("#case-title", "Stated age 16")
    page.click("#open-case")
    page.wait_for_url(CASE_URL)
    text = page.locator("ul.victims").inner_text()
    assert "possible child sex trafficking victim" in text and "16" in text


@pytest.mark.parametrize("name", ["rita", "pat"])
def test_roles_without_cases_get_403(page: Any, site: Site, name: str) -> None:
    login(page, name, "/dashboard")
    for url in ("/cases", "/cases/case-00000000", "/legal"):
        resp = page.goto(url)
        assert resp is not None and resp.status == 403, url
    if name == "rita":  # a reviewer sees no link to them and no form to open one
        page.goto(f"/networks/{_network_id(site)}")
        assert page.locator("nav a[href='/cases']").count() == 0
        assert page.locator("nav a[href='/legal']").count() == 0
        assert page.locator("#open-case").count() == 0


def test_bad_input_is_a_clear_page(page: Any, site: Site) -> None:
    login(page, "ana", "/cases")
    assert page.goto("/cases/case-00000000").status == 404  # type: ignore[union-attr]
    page.goto(f"/networks/{_network_id(site)}")
    page.fill("#case-title", "   ")
    page.click("#open-case")
    assert "title" in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "Check the form"


def test_add_an_ad_to_an_open_case_from_the_ad_page(page: Any, site: Site) -> None:
    """An analyst reading an ad adds it to a case opened earlier: the ad's page offers the open
    cases, the case then lists the ad with its captured versions, and the offer says so."""
    first, other = site.ids["images"], site.ids["xss"]
    login(page, "ana", f"/ads/{first}")
    page.fill("#case-title", "Two ads, added one by one")
    page.click("#open-case")
    page.wait_for_url(CASE_URL)
    match = CASE_URL.match(page.url)
    assert match
    cid = match.group(1)

    page.goto(f"/ads/{other}")
    option = page.locator(f"#add-case option[value='{cid}']")
    assert option.count() == 1 and "already in it" not in option.inner_text()
    page.select_option("#add-case", cid)
    page.click("#add-to-case")
    page.wait_for_url(re.compile(rf".*/cases/{cid}\?done=added$"))
    assert "Ad added" in page.locator("p.notice").inner_text()
    links = page.locator("table.case-ads a")
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == {
        f"/ads/{first}", f"/ads/{other}"
    }
    rows, _ = site.store.audit_entries(actor=SYSTEM, target=f"case:{cid}")
    assert "case.add" in {r["action"] for r in rows}, {r["action"] for r in rows}
    assert_accessible(page)

    page.goto(f"/ads/{other}")
    assert "already in it" in page.locator(f"#add-case option[value='{cid}']").inner_text()
    # a closed case is no longer offered
    page.goto(f"/cases/{cid}")
    page.fill("#close-reason", "Done.")
    page.click("#close-case")
    page.wait_for_url(re.compile(r".*\?done=closed$"))
    page.goto(f"/ads/{other}")
    assert page.locator(f"#add-case option[value='{cid}']").count() == 0


def _post_add(page: Any, site: Site) -> int:
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    assert token
    r = page.request.post("/cases/ads", form={"case_id": "case-00000000", "ad_id": "x",
                                              "csrf": token},
                          headers={"Origin": site.url}, max_redirects=0)
    return int(r.status)


def test_adding_to_a_case_needs_case_write(page: Any, second: Any, site: Site) -> None:
    """Reviewers see no case form on ad pages, and the same POST made by hand is refused;
    an analyst's identical POST gets through to the case lookup (no such case: 404)."""
    login(page, "ana", f"/ads/{site.ids['images']}")
    assert _post_add(page, site) == 404
    login(second, "rita", f"/ads/{site.ids['images']}")
    assert second.locator("#add-case").count() == 0 and second.locator("#open-case").count() == 0
    assert _post_add(second, site) == 403
