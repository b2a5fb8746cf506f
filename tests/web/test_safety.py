"""Safety of the page itself: attacker-controlled ad text renders inert, the real CSP holds.

The XSS checks run with the CSP bypassed (the ``page`` fixture), so they prove that escaping
alone keeps the payloads inert; ``test_pages_break_no_csp_rule`` runs under the real policy.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.web.conftest import VIEWPORT, XSS_AD, Site, assert_accessible, login

_NO_SCRIPT_RAN = "() => typeof window.__xss === 'undefined'"


def _hover_everything(page: Any) -> None:
    for el in page.locator("main *:visible").all()[:200]:
        el.hover(force=True, timeout=2_000)


def test_xss_ad_renders_inert(page: Any, site: Site) -> None:
    login(page, "rob", "/queue?city=" + quote(XSS_AD["city"]))
    assert page.evaluate(_NO_SCRIPT_RAN)
    row = page.locator("tr[data-item]")
    assert row.count() == 1
    assert row.locator("td").nth(4).inner_text() == XSS_AD["city"]  # shown as text
    row.locator("button").click()  # claim it: the decision form renders too
    page.wait_for_url("**/ads/**")
    assert page.locator("form.decide").count() == 1
    _hover_everything(page)
    assert page.evaluate(_NO_SCRIPT_RAN)
    assert page.dialogs == []
    title = page.locator(".posted[data-field=title]").text_content()
    body = page.locator(".posted[data-field=body]").text_content()
    assert title == XSS_AD["title"] and body == XSS_AD["body"]  # every byte shown, as text
    # the only script elements are ours; nothing from the ad became an element
    assert page.evaluate("() => [...document.scripts].map(s => new URL(s.src).pathname)") == [
        "/static/app.js"
    ]
    assert page.locator("main iframe, main svg, main a[href^=javascript]").count() == 0
    assert page.locator("main img:not(.shielded)").count() == 0
    assert_accessible(page)
    page.keyboard.press("?")
    page.keyboard.press("Escape")
    assert page.evaluate(_NO_SCRIPT_RAN) and page.dialogs == []


_CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_pages_break_no_csp_rule(browser: Any, site: Site) -> None:
    ctx = browser.new_context(viewport=VIEWPORT, base_url=site.url)  # CSP enforced
    try:
        page = ctx.new_page()
        page.add_init_script(_CSP_WATCH)
        failed: list[str] = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto("/login")
        assert page.evaluate("window.__csp") == []
        login(page, "rita", "/queue")
        for path in ("/queue", f"/ads/{site.ids['images']}", f"/ads/{site.ids['xss']}"):
            resp = page.goto(path)
            assert resp is not None and resp.status == 200, path
            assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
            page.locator("button.reveal").first.click() if page.locator(
                "button.reveal"
            ).count() else None
            assert page.evaluate("window.__csp") == [], path
            assert page.evaluate(_NO_SCRIPT_RAN)
        # no third-party request, ever
        assert all(u.startswith(site.url) for u in requested), requested
    finally:
        ctx.close()
