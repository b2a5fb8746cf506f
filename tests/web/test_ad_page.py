"""The ad page in the browser: highlights on the right words, images, identifiers, roles."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
from tests.web.conftest import PASSWORDS, Site, assert_accessible, login

#: for each field shown, its text and every mark's offset, length and indicators
_MARKS_JS = """() => [...document.querySelectorAll('.posted[data-field]')].map(div => {
    let pos = 0; const marks = [];
    for (const node of div.childNodes) {
        const text = node.textContent;
        if (node.nodeName === 'MARK') marks.push({start: pos, end: pos + text.length, text,
            ids: node.dataset.indicator.split(' '), cls: node.className, title: node.title});
        pos += text.length;
    }
    return {field: div.dataset.field, text: div.textContent, marks};
})"""


def _system() -> Any:
    from redflags.store import SYSTEM

    return SYSTEM


def _assessment(site: Site, ad_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    ad = site.store.get_ad(ad_id, actor=_system())
    return ad["content"], ad["assessments"][0]["result"]


def test_highlights_land_on_the_evidence(page: Any, site: Site) -> None:
    ad_id = site.ids["images"]
    content, result = _assessment(site, ad_id)
    evidence = [
        (ind["id"], ev) for ind in result["indicators"] for ev in ind["evidence"]
    ]
    assert evidence, "the image ad is flagged with evidence"
    login(page, "ana", f"/ads/{ad_id}")
    shown = {f["field"]: f for f in page.evaluate(_MARKS_JS)}
    for name, f in shown.items():
        assert f["text"] == content[name], "the ad is shown exactly as posted"
    # each evidence character sits in a mark naming its indicator, and each marked character
    # is evidence of every indicator the mark names: highlights cover exactly the evidence
    want: dict[tuple[str, int], set[str]] = {}
    for ind_id, ev in evidence:
        assert shown[ev["field"]]["text"][ev["start"] : ev["end"]] == ev["text"]
        for k in range(ev["start"], ev["end"]):
            want.setdefault((ev["field"], k), set()).add(ind_id)
    got: dict[tuple[str, int], set[str]] = {}
    for name, f in shown.items():
        for m in f["marks"]:
            assert m["cls"].startswith("cat-") and m["title"], m
            assert f["text"][m["start"] : m["end"]] == m["text"]
            for k in range(m["start"], m["end"]):
                got[(name, k)] = set(m["ids"])
    assert got == want
    assert page.locator(".legend li").count() >= 1
    assert_accessible(page)


def test_overlapping_evidence_is_split_not_duplicated() -> None:
    from redflags.web.ads import field_segments

    content = {"title": "", "body": "new to this town"}
    inds = [
        {"id": "youth.new", "category": "youth",
         "evidence": [{"field": "body", "start": 0, "end": 11, "text": "new to this"}]},
        {"id": "movement.town", "category": "movement",
         "evidence": [{"field": "body", "start": 7, "end": 16, "text": "this town"}]},
        {"id": "bad.offsets", "category": "price",
         "evidence": [{"field": "body", "start": 0, "end": 3, "text": "old"}]},
    ]
    fields, misplaced = field_segments(content, inds)
    body = fields[1].segments
    assert [(s.text, s.indicators) for s in body] == [
        ("new to ", ("youth.new",)),
        ("this", ("youth.new", "movement.town")),
        (" town", ("movement.town",)),
    ]
    assert [m["indicator"] for m in misplaced] == ["bad.offsets"]


def test_images_are_blurred_and_revealed_one_at_a_time(page: Any, site: Site) -> None:
    login(page, "lia", f"/ads/{site.ids['images']}")
    imgs = page.locator("img.shielded")
    assert imgs.count() == 2
    assert "blur" in imgs.first.evaluate("i => getComputedStyle(i).filter")
    assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator(".placeholder").all_inner_texts() == [
        "Remote image, not loaded", "Image not available on this server"]
    buttons = page.locator("button.reveal")
    buttons.nth(0).focus()
    page.keyboard.press("Enter")  # a real button: works from the keyboard
    assert page.locator("#img-0").get_attribute("class") == ""
    assert buttons.nth(0).get_attribute("aria-pressed") == "true"
    buttons.nth(1).click()
    assert "shielded" in page.locator("#img-0").get_attribute("class")
    assert page.locator("#img-1").get_attribute("class") == ""
    assert_accessible(page)


def test_image_route_refuses_traversal_and_remote(site: Site) -> None:
    with httpx.Client(base_url=site.url) as c:
        c.get("/login")
        token = c.cookies["rf_login_csrf"]
        c.post("/login", data={"name": "ana", "password": PASSWORDS["ana"], "csrf": token})
        ad = site.ids["images"]
        ok = c.get(f"/ads/{ad}/images/0")
        assert ok.status_code == 200 and ok.headers["content-type"] == "image/png"
        assert ok.headers["x-content-type-options"] == "nosniff"
        for path in (f"/ads/{ad}/images/2", f"/ads/{ad}/images/3", f"/ads/{ad}/images/9",
                     "/ads/..%2F..%2Fetc%2Fpasswd/images/0", f"/ads/{ad}/images/-1"):
            resp = c.get(path)
            assert resp.status_code in (404, 422), path
            assert b"not for the browser" not in resp.content


def test_identifiers_link_to_other_ads(page: Any, site: Site) -> None:
    from redflags.store.webviews import shared_identifiers

    shared = next(
        (ad_id, rows)
        for ad_id in (r["ad_id"] for r in site.store.queue(limit=200)[0])
        if (rows := shared_identifiers(site.store, ad_id)) and rows[0]["others"] > 0
    )
    ad_id, rows = shared
    login(page, "ana", f"/ads/{ad_id}")
    first = page.locator("section[aria-labelledby=links-h] tbody tr").first
    assert first.locator("td").nth(1).inner_text().startswith(str(rows[0]["others"]))
    first.locator("a").first.click()
    assert page.locator("h1").inner_text() == f"Ad {rows[0]['ads'][0]}"


def test_role_decides_what_is_shown(page: Any, site: Site) -> None:
    ad = site.ids["images"]
    login(page, "ana", f"/ads/{ad}")
    assert page.locator("form.decide").count() == 0  # analysts read, reviewers decide
    assert page.locator("nav[aria-label=Main] a", has_text="Queue").count() == 0
    assert page.goto("/queue").status == 403
    page.click("text=Sign out")
    login(page, "adm", f"/ads/{ad}")  # admins manage keys; they do not read ads
    assert page.locator("h1").inner_text() == "Not allowed"
    page.click("text=Sign out")
    login(page, "pat", "/")
    assert page.locator("h1").inner_text() == "Not allowed"
    assert_accessible(page)


def test_escalation_needs_a_note(page: Any, site: Site) -> None:
    login(page, "rob", "/queue?category=youth")
    page.locator("tr[data-item] button").nth(2).click()
    page.wait_for_url("**/ads/**")
    page.click("button[value=escalate]")  # no JS check on a click: the server refuses
    assert "needs a note" in page.locator("[role=alert]").inner_text()
    assert page.locator("form.decide").count() == 1


def test_an_ad_with_only_an_id_and_body_renders(page: Any, site: Site) -> None:
    """Site, city, region and posting date are optional in the input contract."""
    login(page, "rita", "/ads/ad-min-1")
    assert page.locator("h1").inner_text() == "Ad ad-min-1"
    assert "unknown site" in page.locator(".ad-head").inner_text()
    assert "Oak dining table" in page.locator("body").inner_text()
