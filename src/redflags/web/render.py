"""Rendering pages: one Jinja2 environment, autoescape always on.

``render(request, "queue.html", **ctx)`` adds what every page needs: ``user`` (the signed-in
:class:`~redflags.store.Actor` or None), ``csrf_field`` (the hidden input for forms), ``csrf``
(the bare token), ``nav`` (links the user's role may open) and ``static`` (URL of a static file
with a cache-busting version).  Nothing derived from an ad is ever marked safe.

>>> env.from_string("{{ x }}").render(x="<script>")
'&lt;script&gt;'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from redflags.store.access import allowed

__all__ = ["NavLink", "env", "nav_links", "render", "static_url"]

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
    return links


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
        **ctx,
    )
    return HTMLResponse(page, status_code=status)
