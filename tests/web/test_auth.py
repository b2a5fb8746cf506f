"""Sign-in, sign-out, CSRF and the security headers, in the browser and over plain HTTP."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest
from tests.web.conftest import PASSWORDS, Site, assert_accessible, login


def test_sign_in_page_is_accessible_and_guarded(page: Any, site: Site) -> None:
    resp = page.goto("/queue")
    assert "/login?next=/queue" in page.url
    assert resp is not None
    headers = resp.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert_accessible(page)


def test_bad_password_is_rejected(page: Any, site: Site) -> None:
    page.goto("/login")
    page.fill("#name", "rita")
    page.fill("#password", "not-her-password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "That name and password do not match."
    assert "/login" in page.url
    assert not [c for c in page.context.cookies() if c["name"] == "rf_session"]


def test_sign_in_sets_a_strict_cookie_and_sign_out_ends_it(page: Any, site: Site) -> None:
    login(page, "rita", "/queue")
    assert page.url.endswith("/queue")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "rf_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert not cookie["secure"]  # plain http here; https requests get Secure
    page.click("text=Sign out")
    assert "/login" in page.url
    page.goto("/queue")
    assert "/login" in page.url


def test_form_without_csrf_token_is_refused(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        client.get("/login")  # sets the pre-session token cookie
        resp = client.post("/login", data={"name": "rita", "password": PASSWORDS["rita"]})
        assert resp.status_code == 403
        assert "security token" in resp.text


@pytest.mark.parametrize("name", ["pat"])
def test_platform_role_cannot_open_pages(page: Any, site: Site, name: str) -> None:
    login(page, name, "/queue")
    assert page.locator("h1").inner_text() == "Not allowed"
    resp = page.goto("/ads/ad-img-1")
    assert resp is not None and resp.status == 403


def test_cookie_is_secure_behind_a_tls_proxy(site: Site) -> None:
    # uvicorn trusts X-Forwarded-Proto from --forwarded-allow-ips (127.0.0.1 by default)
    tls = {"X-Forwarded-Proto": "https"}
    with httpx.Client(base_url=site.url, headers=tls) as client:
        token = client.get("/login").cookies["rf_login_csrf"]
        client.cookies.set("rf_login_csrf", token)  # a Secure cookie: not resent over http
        resp = client.post(
            "/login", data={"name": "lia", "password": PASSWORDS["lia"], "csrf": token}
        )
        assert resp.status_code == 303
        cookie = resp.headers["set-cookie"].lower()
        assert "rf_session=" in cookie and "secure" in cookie and "httponly" in cookie


def test_cross_site_post_is_refused_even_with_a_token(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        token = client.get("/login").cookies["rf_login_csrf"]
        resp = client.post(
            "/login",
            data={"name": "lia", "password": PASSWORDS["lia"], "csrf": token},
            headers={"Origin": "https://evil.example"},
        )
        assert resp.status_code == 403
