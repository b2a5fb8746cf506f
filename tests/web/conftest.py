"""Browser tests of the reviewer UI: a real uvicorn server and Debian's Chromium via Playwright.

The session-scoped :func:`site` fixture starts the whole app (API + UI) on a free port over a
temporary SQLite store seeded with the bundled synthetic ads, a link run, a few special ads
(attacker-controlled markup, images) and one user per role with a known password (``PASSWORDS``).
Tests skip only when ``/usr/bin/chromium`` is absent (``make test`` installs it).

Helpers for page tests: :func:`login` and :func:`assert_accessible` (axe-core, vendored).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DEMO = Path(__file__).resolve().parents[2] / "src" / "redflags" / "data" / "demo.jsonl"
#: a few hundred ads make a realistic queue and networks; more only slows the session start
SEED_ADS = 300
VIEWPORT = {"width": 1280, "height": 800}

PASSWORDS = {
    "rita": "rita-reviews-carefully",
    "rob": "rob-reviews-as-well",
    "ana": "ana-analyses-networks",
    "lia": "lia-talks-to-police",
    "adm": "adm-keeps-the-keys",
    "pat": "pat-is-the-platform",
}
ROLES = {
    "rita": "reviewer",
    "rob": "reviewer",
    "ana": "analyst",
    "lia": "liaison",
    "adm": "admin",
    "pat": "platform",
}

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'
#: an ad whose every text field is markup meant to run; it still reads as risky, so it is queued
XSS_AD: dict[str, Any] = {
    "id": "ad-xss-1",
    "site": 'example-classifieds"><script>window.__xss=1</script>',
    "posted_at": "2026-01-05T20:00:00Z",
    "title": XSS + " new in town <svg onload=window.__xss=1>",
    "body": (
        XSS + " Sweet young girl, new to this, just turned 18. "
        '<a href="javascript:window.__xss=1">click</a> <iframe src="javascript:window.__xss=1">'
        "</iframe> '\"><body onload=window.__xss=1> "
        "Daddy takes the money, no talking. Text 305-555-0142 {{7*7}} ${7*7}"
    ),
    "city": "<b onmouseover=window.__xss=1>Miami</b>",
    "region": "FL",
    "country": "US",
    "category": "escorts",
    "images": ['"><img src=x onerror=window.__xss=1>.png', "javascript:window.__xss=1"],
}
#: an ad with local images (blurred until revealed), a remote one and a traversal attempt
IMAGE_AD: dict[str, Any] = {
    "id": "ad-img-1",
    "site": "example-classifieds",
    "posted_at": "2026-01-06T21:00:00Z",
    "title": "New in town, young and sweet",
    "body": "New in town this week only. Young, fresh, new to this. "
    "Roses only, incall. Text 305-555-0177",
    "city": "Miami",
    "region": "FL",
    "country": "US",
    "category": "escorts",
    "images": [
        "shots/one.png",
        "shots/two.png",
        "https://images.example.com/remote.jpg",
        "../secret.txt",
    ],
}


@dataclass
class Site:
    """The running server: where it listens and the store behind it."""

    url: str
    store: Any
    image_root: Path
    ids: dict[str, str] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _write_images(root: Path) -> None:
    from PIL import Image, ImageDraw

    (root / "shots").mkdir(parents=True)
    for name, colour in (("one", (170, 60, 60)), ("two", (60, 110, 170))):
        img = Image.new("RGB", (320, 240), colour)
        ImageDraw.Draw(img).ellipse((90, 50, 230, 190), fill=(240, 220, 120))
        img.save(root / "shots" / f"{name}.png")
    (root.parent / "secret.txt").write_text("not for the browser")


#: only what the input contract requires: an id (and a body); no site, city, region or date
MINIMAL_AD = {"id": "ad-min-1", "body": "Oak dining table, $80"}


def _seed(store: Any) -> None:
    import orjson

    from redflags.store import SYSTEM, LocalScreener, prepare
    from redflags.store.sessions import set_password

    lines = DEMO.read_bytes().splitlines()[:SEED_ADS]
    incs = [prepare(line) for line in lines] + [
        prepare(orjson.dumps(XSS_AD)),
        prepare(orjson.dumps(IMAGE_AD)),
        prepare(orjson.dumps(MINIMAL_AD)),
    ]
    store.ingest(incs, LocalScreener(), actor=SYSTEM, source="cli")
    store.link(actor=SYSTEM)
    for name, role in ROLES.items():
        store.add_user(name, role, actor=SYSTEM)
        set_password(store, name, PASSWORDS[name], actor=SYSTEM)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app (API + UI) served by uvicorn in a thread over a seeded SQLite store."""
    import uvicorn

    from redflags.api.app import create_app
    from redflags.store import Store
    from redflags.web import ENV_IMAGE_ROOT

    tmp = tmp_path_factory.mktemp("web")
    image_root = tmp / "images"
    _write_images(image_root)
    store = Store.open(f"sqlite:///{tmp / 'ui.db'}")
    _seed(store)
    old = os.environ.get(ENV_IMAGE_ROOT)
    os.environ[ENV_IMAGE_ROOT] = str(image_root)
    try:
        app = create_app(store)
    finally:
        if old is None:
            os.environ.pop(ENV_IMAGE_ROOT, None)
        else:
            os.environ[ENV_IMAGE_ROOT] = old
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="ui-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Site(
            f"http://127.0.0.1:{port}",
            store,
            image_root,
            {"xss": XSS_AD["id"], "images": IMAGE_AD["id"]},
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        why = f"{CHROMIUM} is absent (make test installs Debian's chromium with apt)"
        if os.environ.get("REDFLAGS_REQUIRE_BROWSER"):  # CI: a missing browser is a failure
            pytest.fail(why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def context(browser: Any, site: Site) -> Iterator[Any]:
    """A fresh browser profile (no cookies) at 1280x800.  ``bypass_csp`` lets
    :func:`assert_accessible` inject axe-core; ``test_csp_enforced`` checks the real policy."""
    ctx = browser.new_context(viewport=VIEWPORT, base_url=site.url, bypass_csp=True)
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    """A page in a fresh profile; dialogs are recorded in ``page.dialogs`` and dismissed."""
    p = context.new_page()
    dialogs: list[str] = []

    def on_dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    p.on("dialog", on_dialog)
    p.dialogs = dialogs
    return p


def login(page: Any, name: str, next_url: str = "/") -> None:
    """Sign in through the real form as ``name`` (one of ``PASSWORDS``)."""
    page.goto(f"/login?next={next_url}")
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    with page.expect_navigation():  # read nothing before the signed-in page has replaced this one
        page.click("button[type=submit]")


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page; fail on any violation of impact serious or critical."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, f"accessibility violations on {page.url}:\n" + "\n".join(
        f"  {v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in bad
    )
