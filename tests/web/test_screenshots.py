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


def _system() -> Any:
    from redflags.store import SYSTEM

    return SYSTEM
