"""The review queue in the browser: order, filters, counts, claim-on-open, keyboard work."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Site, assert_accessible, login


def _rows(page: Any) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        "tr[data-item]",
        """rows => rows.map(r => ({item: +r.dataset.item, href: r.dataset.href,
            risk: +r.querySelector('td.risk').textContent,
            level: r.querySelector('.level').textContent,
            cats: [...r.querySelectorAll('.chip')].map(c => c.textContent),
            holder: r.querySelector('.claimed').textContent}))""",
    )


def test_queue_lists_open_items_highest_risk_first(page: Any, site: Site) -> None:
    login(page, "rita", "/queue")
    rows = _rows(page)
    assert rows, "the seeded store has open review items"
    risks = [r["risk"] for r in rows]
    assert risks == sorted(risks, reverse=True)
    counts = page.eval_on_selector_all(
        ".counts li a", "as => as.map(a => a.textContent.replace(/\\s+/g, ' ').trim())"
    )
    by_level = dict(site.store.queue_depth())
    assert counts[0] == f"{sum(by_level.values())}all levels"
    for level in ("critical", "high", "medium", "low"):
        assert f"{by_level.get(level, 0)}{level}" in counts
    assert_accessible(page)


def test_filters_narrow_the_queue(page: Any, site: Site) -> None:
    login(page, "rita", "/queue")
    page.select_option("select[name=level]", "high")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    rows = _rows(page)
    assert rows and all(r["level"] == "high" for r in rows)
    page.goto("/queue?category=youth")
    rows = _rows(page)
    assert rows and all("youth" in r["cats"] for r in rows)
    page.goto("/queue?city=Miami")
    cities = page.eval_on_selector_all(
        "tr[data-item] td:nth-child(5)", "t => t.map(x => x.textContent)"
    )
    assert cities and {c.lower() for c in cities} == {"miami"}


def test_help_overlay_opens_with_question_mark(page: Any, site: Site) -> None:
    login(page, "rita", "/queue")
    assert page.locator("#help").is_hidden()
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    assert page.locator("#help").is_hidden()


def test_work_three_items_by_keyboard(page: Any, site: Site) -> None:
    login(page, "rita", "/queue?unclaimed=1")  # other tests hold claims on some items
    worked: list[tuple[str, str]] = []
    for verdict_key, verdict in (("1", "confirmed-risk"), ("2", "not-risk"), ("e", "escalate")):
        page.wait_for_selector("tr.selected")
        first = _rows(page)[0]
        page.keyboard.press("j")
        page.keyboard.press("k")
        assert page.eval_on_selector("tr.selected", "r => +r.dataset.item") == first["item"]
        page.keyboard.press("Enter")
        page.wait_for_url("**/ads/**")
        ad_id = page.locator("h1").inner_text().removeprefix("Ad ")
        assert first["href"].endswith(ad_id.replace("/", "%2F"))
        assert page.locator("form.decide").count() == 1, "opening claimed the item"
        if verdict == "escalate":
            page.keyboard.press("e")  # empty note: focus goes to the note instead
            assert page.evaluate("document.activeElement.id") == "note"
            page.keyboard.type("Stated age and third-party control; pass to the liaison team.")
            page.keyboard.press("Escape")
            page.keyboard.press("e")
        else:
            page.keyboard.press(verdict_key)
        page.wait_for_url("**/queue?unclaimed=1&done=*")
        assert page.locator("[role=status]").inner_text().startswith("Decision recorded")
        worked.append((ad_id, verdict))
    for ad_id, verdict in worked:
        decisions = site.store.get_ad(ad_id, actor=_actor(site, "rita"))["decisions"]
        assert [(d["verdict"], d["by"]) for d in decisions] == [(verdict, "rita")]
    assert all(r["href"] not in {f"/ads/{a}" for a, _ in worked} for r in _rows(page))


def _actor(site: Site, name: str) -> Any:
    from tests.web.conftest import PASSWORDS

    from redflags.store.sessions import check_login

    actor = check_login(site.store, name, PASSWORDS[name])
    assert actor is not None
    return actor


def test_a_claimed_item_cannot_be_worked_by_a_second_reviewer(
    browser: Any, page: Any, site: Site
) -> None:
    login(page, "rob", "/queue")
    target = _rows(page)[-1]  # low in the queue: the keyboard test works the top
    page.click(f"tr[data-item='{target['item']}'] button")
    assert page.locator("form.decide").count() == 1
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=site.url)
    try:
        rita = ctx.new_page()
        login(rita, "rita", "/queue")
        row = rita.locator(f"tr[data-item='{target['item']}']")
        assert row.locator(".claimed").inner_text() == "held by rob"
        row.locator("button").click()
        assert rita.locator("form.decide").count() == 0
        assert "Being reviewed by rob" in rita.locator("[role=status]").inner_text()
    finally:
        ctx.close()


def test_language_filter_narrows_the_queue(page: Any, site: Site) -> None:
    login(page, "rita", "/queue")
    options = page.eval_on_selector_all(
        "select[name=language] option", "os => os.map(o => [o.value, o.textContent])"
    )
    assert ["ru", "Russian"] in options and ["en", "English"] in options
    page.select_option("select[name=language]", "ru")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "language=ru" in page.url
    want, total = site.store.queue(language="ru", limit=50)
    assert total > 0, "the seeded demo ads queue some in Russian"
    assert [r["item"] for r in _rows(page)] == [i["id"] for i in want]
    assert page.eval_on_selector("select[name=language]", "s => s.value") == "ru"
    all_levels = page.eval_on_selector(".counts li a .n", "n => +n.textContent")
    assert all_levels == total  # the counts per level follow the language filter
    assert_accessible(page)
