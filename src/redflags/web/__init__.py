"""The reviewer web UI: server-rendered pages on the same FastAPI app as the API.

Pages: ``/login``, ``/logout``, ``/`` (redirect), ``/queue``, ``/ads/{ad_id}``,
``/networks/{network_id}``, ``/dashboard``, ``/cases``, ``/cases/{case_id}``, ``/legal``;
static files under ``/static/``.  Each page module (``auth``, ``queue``, ``ads``, ``network``,
``dashboard``, ``cases``, ``legal`` ...) defines its own ``router``;
:func:`mount` includes every one of them with the CSRF check on POST, the static files, the
HTML error pages and the security headers.  ``api/app.py`` calls ``mount(app)`` once.

Ad text is attacker-controlled: templates autoescape, nothing from an ad is marked safe, the
Content-Security-Policy allows no inline script or style, and the page makes no third-party
requests.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

__all__ = ["ENV_IMAGE_ROOT", "PAGE_MODULES", "SECURITY_HEADERS", "mount", "router"]

#: folder that ads' relative image paths are resolved in (``redflags serve --image-root``)
ENV_IMAGE_ROOT = "REDFLAGS_IMAGE_ROOT"
#: page modules of this package, each with a ``router``; a missing one is skipped, so pages
#: can be added without editing this file
PAGE_MODULES = ("auth", "queue", "images", "ads", "network", "dashboard", "cases", "legal")

STATIC_DIR = Path(__file__).resolve().parent / "static"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
#: the interactive API docs load Swagger UI with inline script: they keep their own headers
_EXEMPT = ("/docs", "/openapi.json")

#: every page route, gathered from the page modules by :func:`mount`
router = APIRouter(include_in_schema=False)


def _page_routers() -> list[APIRouter]:
    out = []
    for name in PAGE_MODULES:
        full = f"{__name__}.{name}"
        if importlib.util.find_spec(full) is None:
            continue
        module = importlib.import_module(full)
        page_router = getattr(module, "router", None)
        if isinstance(page_router, APIRouter):
            out.append(page_router)
    return out


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTML and static response, ``nosniff`` on
    every response, and ``no-store`` on HTML (pages show ad content that must not linger in
    caches)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(_EXEMPT):
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                static = path.startswith("/static/")
                if b"x-content-type-options" not in {k.lower() for k, _ in headers}:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if ctype.startswith(b"text/html") or static:
                    have = {k.lower() for k, _ in headers}
                    for name, value in SECURITY_HEADERS.items():
                        if name.lower().encode() not in have:
                            headers.append((name.lower().encode(), value.encode()))
                    if not static and b"cache-control" not in have:
                        headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)


def mount(app: FastAPI, *, image_root: str | os.PathLike[str] | None = None) -> None:
    """Add the UI to ``app``: pages, ``/static``, error pages and security headers.

    ``image_root`` (default ``$REDFLAGS_IMAGE_ROOT``) is where ads' relative image paths
    live; without it every image shows as a placeholder.
    """
    from redflags.web.auth import csrf_guard, install_handlers

    root = image_root if image_root is not None else os.environ.get(ENV_IMAGE_ROOT)
    app.state.web_image_root = Path(root).resolve() if root else None
    for page_router in [router, *_page_routers()]:
        app.include_router(page_router, dependencies=[Depends(csrf_guard)])
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_handlers(app)
    app.add_middleware(SecurityHeaders)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon(request: Request) -> Response:
        return Response(status_code=204)
