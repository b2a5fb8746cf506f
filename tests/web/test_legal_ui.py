"""The legal process page and the nav deadline badge in the browser (real server, Chromium):
a preservation request ending in 5 days shows in the badge and first in the register; liaison
officers renew and close items through the page; analysts read only; reviewers and the
platform role get 403; axe finds nothing serious."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from tests.web.conftest import Site, assert_accessible, login

from redflags.evidence.legal import LegalItem, LegalRegister, LegalScope, today_utc
from redflags.store import SYSTEM
from redflags.web.render import forget_deadlines


def _add(site: Site, kind: str, days_ago: int, case_no: str, **scope: Any) -> LegalItem:
    item = LegalRegister(site.store).add(
        kind, agency="Synthetic County Sheriff", agency_case=case_no,
        received_on=today_utc() - timedelta(days=days_ago),
        scope=LegalScope(**scope), actor=SYSTEM,
    )
    forget_deadlines()  # the badge count is cached up to a minute; the server is in-process
    return item


def _due(site: Site) -> int:
    return len(LegalRegister(site.store).deadlines(within=14))


def test_badge_and_register_list_a_request_ending_in_5_days(page: Any, site: Site) -> None:
    soon = _add(site, "preservation", 85, "UI-5D", ads=(site.ids["images"],))
    later = _add(site, "report_preservation", 1, "UI-1Y", identifiers=("phone:+13055550177",))
    assert soon.expires_on == today_utc() + timedelta(days=5)
    login(page, "lia", "/dashboard")
    badge = page.locator("#deadline-badge")
    assert badge.inner_text().split()[0] == str(_due(site)) and _due(site) >= 1
    page.click("nav a[href='/legal']")
    page.wait_for_url("**/legal")
    rows = page.locator("table.register tbody tr")
    ids = [rows.nth(i).get_attribute("id") for i in range(rows.count())]
    assert ids.index(f"legal-{soon.id}") < ids.index(f"legal-{later.id}")  # soonest first
    row = page.locator(f"#legal-{soon.id}")
    text = row.inner_text()
    for want in ("Preservation request", "Synthetic County Sheriff", "UI-5D", "1 ad",
                 str(soon.received_on), str(soon.expires_on), "5 days left", "active"):
        assert want in text, want
    assert row.locator(".due-soon").count() == 1
    assert page.locator(f"#legal-{later.id} .due-soon").count() == 0
    assert row.locator("form[action$='/renew']").count() == 1
    assert_accessible(page)

    # analysts read the register (and see the badge) but get no forms
    page.context.clear_cookies()
    login(page, "ana", "/legal")
    assert page.locator("#deadline-badge").count() == 1
    assert page.locator(f"#legal-{soon.id}").count() == 1
    assert page.locator("table.register form").count() == 0


def test_renew_and_close_through_the_page(page: Any, site: Site) -> None:
    item = _add(site, "preservation", 80, "UI-RENEW", ads=(site.ids["xss"],))
    sub = _add(site, "subpoena", 3, "UI-SUB", identifiers=("phone:+13055550142",))
    login(page, "lia", "/legal")
    before = _due(site)
    page.locator(f"#legal-{item.id} form[action$='/renew'] button").click()
    page.wait_for_url(re.compile(r".*/legal\?done=renewed$"))
    renewed = LegalRegister(site.store).get(item.id)
    assert renewed.expires_on == item.expires_on + timedelta(days=90)  # type: ignore[operator]
    assert f"{renewed.expires_on}" in page.locator(f"#legal-{item.id}").inner_text()
    assert page.locator(f"#legal-{item.id} form[action$='/renew']").count() == 0  # once only
    badge = page.locator("#deadline-badge")
    now = int(badge.inner_text().split()[0]) if badge.count() else 0
    assert now == before - 1 == _due(site)  # the badge was refreshed at once

    # closing needs a reason; the status changes and the forms go
    row = page.locator(f"#legal-{sub.id}")
    row.locator("select").select_option("fulfilled")
    row.locator("input[name=reason]").fill("Records produced to the agency.")
    row.locator("form[action$='/close'] button").click()
    page.wait_for_url(re.compile(r".*/legal\?done=closed$"))
    assert LegalRegister(site.store).get(sub.id).status == "fulfilled"
    assert page.locator(f"#legal-{sub.id}").get_attribute("data-status") == "fulfilled"
    assert page.locator(f"#legal-{sub.id} form").count() == 0
    rows, _ = site.store.audit_entries(actor=SYSTEM, target=f"legal:{sub.id}",
                                       action="legal.close")
    assert [r["actor"] for r in rows] == ["lia"]


def test_roles_that_may_not_read_the_register(page: Any, site: Site) -> None:
    for name in ("rita", "pat"):
        page.context.clear_cookies()
        login(page, name, "/dashboard")
        resp = page.goto("/legal")
        assert resp is not None and resp.status == 403
        assert page.locator("#deadline-badge").count() == 0
