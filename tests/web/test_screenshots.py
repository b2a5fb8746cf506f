"""Screenshots of each page at 1280x800 for the README (``python docs/screenshots.py``).

Skipped in the normal suite; ``$REDFLAGS_SCREENSHOTS`` names the folder to write into.  Data is
the synthetic demo corpus; images stay blurred.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import Site, login

ENV = "REDFLAGS_SCREENSHOTS"
pytestmark = pytest.mark.skipif(not os.environ.get(ENV), reason=f"set {ENV} to take screenshots")


def _shot(page: Any, name: str) -> None:
    out = Path(os.environ[ENV])
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=False)


def test_screenshots(page: Any, site: Site) -> None:
    page.goto("/login")
    _shot(page, "login")
    login(page, "rita", "/queue")
    _shot(page, "queue")
    # the ad with images, opened from the queue as a reviewer (claimed: the decision form shows)
    item = site.store.get_ad(site.ids["images"], actor=_system())["review"]["id"]
    page.goto("/queue?city=Miami")
    page.click(f"tr[data-item='{item}'] button")
    page.wait_for_url("**/ads/**")
    _shot(page, "ad")
    page.click("text=Sign out")
    login(page, "ana", "/dashboard")
    _shot(page, "dashboard")
    net = site.store.networks(limit=1)[0]
    if net:
        page.goto(f"/networks/{net[0]['id']}")
        page.wait_for_load_state("networkidle")
        _shot(page, "network")
        # an analyst opens a case from the network and notes why
        page.fill("#case-title", "Circuit across three cities")
        page.click("#open-case")
        page.wait_for_url("**/cases/**")
        page.fill("#note-text", "Same phone and template in every city; refer to the task force.")
        page.click("form[action$='/notes'] button")
        page.wait_for_load_state("networkidle")
        _shot(page, "case")
    page.click("text=Sign out")
    _legal_requests(site)
    login(page, "lia", "/legal")
    _shot(page, "legal")


def _legal_requests(site: Site) -> None:
    from datetime import timedelta

    from redflags.evidence.legal import LegalRegister, LegalScope, today_utc
    from redflags.web.render import forget_deadlines

    ads = [row["ad_id"] for row in site.store.queue(limit=2)[0]]
    register = LegalRegister(site.store)
    for kind, days_ago, case_no in (("preservation", 85, "SO-2026-0141"), ("subpoena", 3, "GJ-77")):
        register.add(
            kind,
            agency="Synthetic County Sheriff",
            agency_case=case_no,
            received_on=today_utc() - timedelta(days=days_ago),
            scope=LegalScope(ads=tuple(ads)),
            actor=_system(),
        )
    forget_deadlines()


def _system() -> Any:
    from redflags.store import SYSTEM

    return SYSTEM
