"""Sign-in, sessions, roles and CSRF for the reviewer UI.

* ``current_user`` — dependency: the signed-in :class:`~redflags.store.Actor`, or a redirect to
  ``/login?next=...``.  ``require_role(*roles)`` / ``require_scope(scope)`` add a role check
  (403 page otherwise).
* Every POST to a page route passes :func:`csrf_guard` (installed by :func:`redflags.web.mount`
  on every page router): the form's ``csrf`` field must equal the session's token (or, on the
  sign-in form, the pre-session cookie), and a cross-site ``Origin`` is refused.
* The session cookie is HttpOnly, SameSite=Strict, and Secure when the request came over https
  (uvicorn applies ``X-Forwarded-Proto`` from the proxies in ``--forwarded-allow-ips``).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Annotated
from urllib.parse import parse_qsl, quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from redflags.store import Actor, Store
from redflags.store.access import Scope, allowed
from redflags.store.sessions import (
    SESSION_TTL,
    Session,
    check_login,
    create_session,
    end_session,
    session_actor,
)

__all__ = [
    "COOKIE",
    "LoginRequired",
    "PageError",
    "csrf_field",
    "csrf_guard",
    "current_user",
    "install_handlers",
    "read_form",
    "require_role",
    "require_scope",
    "router",
]

COOKIE = "rf_session"
#: the sign-in form's CSRF token lives in this cookie until there is a session
LOGIN_COOKIE = "rf_login_csrf"
#: a form body bigger than this is not a reviewer's form (notes are at most 4,000 characters)
MAX_FORM_BYTES = 64 * 1024

router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """Not signed in: the handler redirects to ``/login?next=<path>``."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageError(Exception):
    """An error shown as a page (403 role, 404 not found, 409 claimed ...)."""

    def __init__(self, status: int, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.title = title or {403: "Not allowed", 404: "Not found", 409: "In use"}.get(
            status, "Something went wrong"
        )


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _session(request: Request) -> Session | None:
    """The request's session, looked up once per request."""
    if hasattr(request.state, "web_session"):
        cached: Session | None = request.state.web_session
        return cached
    token = request.cookies.get(COOKIE)
    sess = session_actor(_store(request), token) if token else None
    request.state.web_session = sess
    if sess is not None:
        request.state.actor = sess.actor
    return sess


async def read_form(request: Request) -> dict[str, str]:
    """The urlencoded form of a POST (last value wins), read once; 413 page when too big."""
    cached = getattr(request.state, "web_form", None)
    if cached is not None:
        form: dict[str, str] = cached
        return form
    body = await request.body() if request.method == "POST" else b""
    if len(body) > MAX_FORM_BYTES:
        raise PageError(413, "That form is too large.", "Too large")
    text = body.decode("utf-8", "replace").replace("\x00", "")
    form = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=50))
    request.state.web_form = form
    return form


async def csrf_guard(request: Request) -> None:
    """Refuse a POST whose ``csrf`` field does not match (403), or from another origin."""
    if request.method != "POST":
        return
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise PageError(403, "This form was sent from another site and was refused.")
    form = await read_form(request)
    sent = form.get("csrf", "")
    sess = await run_in_threadpool(_session, request)
    if request.url.path == "/login":  # the sign-in form predates any session
        want = request.cookies.get(LOGIN_COOKIE, "")
    else:
        want = sess.csrf if sess is not None else ""
    if not (sent and want and hmac.compare_digest(sent.encode(), want.encode())):
        raise PageError(
            403,
            "The form's security token is missing or out of date. Go back, reload the page "
            "and try again.",
            "Form expired",
        )


def current_user(request: Request) -> Actor:
    """Dependency: the signed-in user, or a redirect to the sign-in page."""
    sess = _session(request)
    if sess is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return sess.actor


User = Annotated[Actor, Depends(current_user)]


def require_role(*roles: str) -> Callable[[Actor], Actor]:
    """Dependency: the signed-in user if their role is one of ``roles`` (else a 403 page)."""

    def dependency(actor: User) -> Actor:
        if actor.role not in roles:
            raise PageError(403, f"The {actor.role} role cannot open this page.")
        return actor

    return dependency


def require_scope(scope: Scope) -> Callable[[Actor], Actor]:
    """Dependency: the signed-in user if their role may do ``scope`` (see store.access)."""

    def dependency(actor: User) -> Actor:
        if not allowed(actor.role, scope):
            raise PageError(403, f"The {actor.role} role cannot open this page.")
        return actor

    return dependency


def csrf_token(request: Request) -> str:
    sess = getattr(request.state, "web_session", None)
    if sess is not None:
        token: str = sess.csrf
        return token
    return str(getattr(request.state, "login_csrf", ""))


def csrf_field(request: Request) -> Markup:
    """The hidden ``csrf`` input every form of the page carries."""
    return Markup('<input type="hidden" name="csrf" value="{}">').format(
        escape(csrf_token(request))
    )


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def safe_next(value: str | None) -> str:
    """A local path to go to after sign-in (never another site: ``//x`` and ``\\x`` refused)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(c in value for c in "\r\n\x00\\"):
        return "/"
    return value


def install_handlers(app: FastAPI) -> None:
    """Redirect to sign-in and render :class:`PageError` as a page."""
    from redflags.web.render import render

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login?next=" + quote(exc.next_url, safe="/"), 303)

    @app.exception_handler(PageError)
    async def _page(request: Request, exc: PageError) -> Response:
        if not hasattr(request.state, "web_session"):
            await run_in_threadpool(_session, request)
        return render(
            request, "error.html", status=exc.status, title=exc.title, message=exc.message
        )


# -- routes -----------------------------------------------------------------------------------


def _login_page(request: Request, next_url: str, error: str | None, status: int) -> Response:
    from redflags.web.render import render

    token = secrets.token_urlsafe(32)
    request.state.login_csrf = token
    resp = render(request, "login.html", status=status, next_url=next_url, error=error)
    resp.set_cookie(
        LOGIN_COOKIE, token, max_age=3600, path="/login", httponly=True, samesite="strict",
        secure=_secure(request),
    )
    return resp


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
    request.state.web_session = None  # the page is the same signed in or not
    return _login_page(request, safe_next(next), None, 200)


@router.post("/login")
def login(request: Request, form: Annotated[dict[str, str], Depends(read_form)]) -> Response:
    next_url = safe_next(form.get("next"))
    actor = check_login(_store(request), form.get("name", "").strip(), form.get("password", ""))
    if actor is None:
        request.state.web_session = None
        return _login_page(request, next_url, "That name and password do not match.", 401)
    token, _ = create_session(_store(request), actor)
    resp = RedirectResponse(next_url, 303)
    resp.set_cookie(
        COOKIE, token, max_age=int(SESSION_TTL.total_seconds()), path="/", httponly=True,
        samesite="strict", secure=_secure(request),
    )
    resp.delete_cookie(LOGIN_COOKIE, path="/login")
    return resp


@router.post("/logout")
def logout(request: Request, actor: User) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        end_session(_store(request), token, actor=actor)
    resp = RedirectResponse("/login", 303)
    resp.delete_cookie(COOKIE, path="/")
    return resp


@router.get("/")
def home(actor: User) -> Response:
    return RedirectResponse("/queue" if allowed(actor.role, "queue") else "/dashboard", 303)
