"""Rendering pages: one Jinja2 environment, autoescape always on.

``render(request, "queue.html", **ctx)`` adds what every page needs: ``user`` (the signed-in
:class:`~redflags.store.Actor` or None), ``csrf_field`` (the hidden input for forms), ``csrf``
(the bare token), ``nav`` (links the user's role may open), ``deadlines`` (legal items due within
14 days, for roles that read the legal register; else None), ``can(scope)`` (may the user do
it) and ``static`` (URL of a static file with a cache-busting version).  Nothing derived from
an ad is ever marked safe.

>>> env.from_string("{{ x }}").render(x="<script>")
'&lt;script&gt;'
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from redflags.store.access import allowed

#: roles that may open a network page, which shows ad text (templates, names): not admins, who
#: manage keys and users and do not read ad content (``store/access.py``), nor the platform role
NETWORK_ROLES = ("reviewer", "analyst", "liaison")

__all__ = [
    "NavLink", "deadline_count", "env", "forget_deadlines", "nav_links", "render", "static_url"
]

_HERE = Path(__file__).resolve().parent
STATIC_DIR = _HERE / "static"

env = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    href: str
    active: bool


@cache
def _version(name: str) -> str:
    path = (STATIC_DIR / name).resolve()
    if not path.is_relative_to(STATIC_DIR) or not path.is_file():
        return "0"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def static_url(name: str) -> str:
    """``/static/<name>?v=<content hash>``: safe to cache forever, changes when the file does."""
    return f"/static/{name}?v={_version(name)}"


env.globals["static"] = static_url


def nav_links(request: Request, role: str | None) -> list[NavLink]:
    """The top navigation for ``role`` (pages it cannot open are not shown)."""
    if role is None or role == "platform":
        return []
    path = request.url.path
    links = []
    if allowed(role, "queue"):
        links.append(NavLink("Queue", "/queue", path.startswith(("/queue", "/ads/"))))
    links.append(NavLink("Dashboard", "/dashboard", path.startswith("/dashboard")))
    if allowed(role, "case.read"):
        links.append(NavLink("Cases", "/cases", path.startswith("/cases")))
    if allowed(role, "legal.read"):
        links.append(NavLink("Legal", "/legal", path.startswith("/legal")))
    return links


#: how long the nav badge's count of legal deadlines is reused (seconds)
BADGE_SECONDS = 60.0
#: a deadline this many days away (or fewer) counts in the badge
BADGE_DAYS = 14
_badge_cache: dict[int, tuple[float, int]] = {}
_badge_lock = threading.Lock()


def forget_deadlines() -> None:
    """Drop the cached badge count (after a legal item is renewed or closed here)."""
    with _badge_lock:
        _badge_cache.clear()


def deadline_count(request: Request) -> int:
    """Active legal items whose last day is within :data:`BADGE_DAYS` days (today included;
    an item past its last day is marked expired by the register's sweep), cached
    :data:`BADGE_SECONDS` per app."""
    from redflags.api.legal import legal_register

    key = id(request.app)
    now = time.monotonic()
    with _badge_lock:
        hit = _badge_cache.get(key)
    if hit is not None and now - hit[0] < BADGE_SECONDS:
        return hit[1]
    count = len(legal_register(request).deadlines(within=BADGE_DAYS))
    with _badge_lock:
        _badge_cache[key] = (now, count)
    return count


def render(request: Request, template: str, *, status: int = 200, **ctx: Any) -> HTMLResponse:
    """Render ``template`` with the page context (see the module docstring)."""
    from redflags.web.auth import csrf_field, csrf_token

    sess = getattr(request.state, "web_session", None)
    user = sess.actor if sess is not None else None
    page = env.get_template(template).render(
        request=request,
        user=user,
        csrf=csrf_token(request),
        csrf_field=csrf_field(request),
        nav=nav_links(request, user.role if user else None),
        deadlines=deadline_count(request) if user and allowed(user.role, "legal.read") else None,
        can=lambda scope: user is not None and allowed(user.role, scope),
        network_pages=user is not None and user.role in NETWORK_ROLES,
        **ctx,
    )
    return HTMLResponse(page, status_code=status)
