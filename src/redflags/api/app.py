"""The HTTP API (FastAPI): pre-publication screening, ingest, review queue, networks, keys.

Build it with :func:`create_app` around an open :class:`~redflags.store.Store`; ``redflags
serve`` does that and runs it under uvicorn.  Every endpoint but ``/health`` needs
``Authorization: Bearer <key>``; what each role may call is in :mod:`redflags.store.access`.

Logging never includes ad text or contacts: errors are logged as their type, route and request
id only (tracebacks at DEBUG).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import field_validator
from starlette.concurrency import run_in_threadpool

from redflags.api.limits import AdInputError, BodyLimit, RateLimiter, read_ad, read_ads
from redflags.api.metrics import Metrics, MetricsMiddleware
from redflags.api.schemas import (
    AD_SCHEMA,
    AdOut,
    AuditOut,
    DecisionIn,
    DecisionOut,
    ErrorOut,
    IngestOut,
    KeyOut,
    LinkOut,
    NetworkListOut,
    QueueItem,
    QueueOut,
    ScreenOut,
    UserIn,
    UserKeyOut,
    UserOut,
)
from redflags.api.settings import ApiSettings
from redflags.api.timing import ServerTimingMiddleware
from redflags.errors import (
    AccessError,
    ConflictError,
    NotFoundError,
    RedflagsError,
    StaleVersionError,
)
from redflags.review import QueueFilter, check_decision, parse_etag
from redflags.store import Actor, IngestResult, LocalScreener, Screener, Store
from redflags.store.access import Scope, allowed
from redflags.store.repo import IngestTicket

__all__ = ["create_app"]

log = logging.getLogger("redflags.api")

DESCRIPTION = """\
redflags screens online ads for signs of human trafficking — above all of children — and helps
trained reviewers and analysts act on them.

**Pre-publication screening (`POST /v1/screen`).** The platform sends each ad before it is
published and gets back only `action` (`allow`, `review`, `block`), `risk`, `level` and
indicator ids. **The platform must never show the reasons, the indicators, the risk or the
level to the poster**: explaining what was detected teaches whoever controls a victim how to
word the next ad past the screen. Tell the poster only that the ad is held for review.

Every endpoint except `GET /health` needs `Authorization: Bearer <key>`. Roles: `platform`
(screen, ingest), `reviewer` (queue, claims, decisions, ad reads), `analyst` (networks, link,
ad reads), `liaison` (ad and network reads), `admin` (users, keys, audit log). Every read of ad
content and every decision is written to the audit log.

Errors are JSON `{"detail": ...}`: 401 no/unknown key, 403 role not allowed, 404 not found,
409 conflict (claimed by someone else, not open), 412 stale ETag/version, 413 body or a field
too large, 422 invalid input (with the field), 428 decision without If-Match/version,
429 rate limit (with Retry-After).
"""

_NO_NUL = r"^[^\x00]*$"
AdId = Annotated[str, Path(min_length=1, max_length=256, pattern=_NO_NUL)]
ItemId = Annotated[int, Path(ge=1, le=2_147_483_647)]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Filter = Annotated[str | None, Query(min_length=1, max_length=200, pattern=_NO_NUL)]

_bearer = HTTPBearer(auto_error=False, description="an API key: `Bearer rfk_...`")


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": ErrorOut} for c in codes}


def _ad_body(array: bool) -> dict[str, Any]:
    schema: dict[str, Any] = (
        {"type": "array", "items": AD_SCHEMA, "maxItems": 500} if array else AD_SCHEMA
    )
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _status(exc: RedflagsError) -> int:
    if isinstance(exc, AccessError):
        return exc.status
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, StaleVersionError):
        return 412
    if isinstance(exc, ConflictError):
        return 409
    return 503


class _DecisionBody(DecisionIn):
    @field_validator("note")
    @classmethod
    def _storable(cls, v: str | None) -> str | None:
        if v is not None and ("\x00" in v or not _utf8(v)):
            raise ValueError("note must be text without NUL characters")
        return v


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class KeyCache:
    """Recently verified keys, so a busy platform key is not looked up on every request.

    An entry lives ``ttl`` seconds: a key revoked through this server is dropped at once, one
    revoked elsewhere (the CLI, another server process) stops working within ``ttl``.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[bytes, tuple[Actor, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(token: str) -> bytes:
        return hashlib.sha256(token.encode("utf-8", "replace")).digest()

    def get(self, token: str) -> Actor | None:
        if self.ttl <= 0:
            return None
        hit = self._entries.get(self._digest(token))
        if hit is None or hit[1] < time.monotonic():
            return None
        return hit[0]

    def put(self, token: str, actor: Actor) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) > 10_000:  # bounded: drop everything rather than grow
                self._entries.clear()
            self._entries[self._digest(token)] = (actor, time.monotonic() + self.ttl)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def require(scope: Scope) -> Callable[..., Awaitable[Actor]]:
    """A dependency: the caller's :class:`Actor` if its key is valid, its role may do
    ``scope`` and its rate limit allows; else 401 / 403 / 429."""

    async def dependency(
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Actor:
        if creds is None:
            raise HTTPException(
                401,
                "an API key is required (Authorization: Bearer ...)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        token = creds.credentials
        cache: KeyCache = request.app.state.key_cache
        actor = cache.get(token)
        if actor is None:
            store: Store = request.app.state.store
            actor = await run_in_threadpool(store.authenticate, token)
            cache.put(token, actor)
        if not allowed(actor.role, scope):
            raise AccessError(f"the {actor.role} role may not do this ({scope})", 403)
        limiter: RateLimiter = request.app.state.limiter
        wait = limiter.take(actor.key_id or actor.name)
        if wait > 0:
            raise HTTPException(
                429,
                "rate limit reached for this key",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        request.state.actor = actor
        return actor

    return dependency


def _screen_out(r: IngestResult) -> ScreenOut:
    return ScreenOut(
        id=r.id,
        version=r.version,
        status=r.status,
        action=r.action,  # type: ignore[arg-type]
        risk=round(r.risk, 4),
        level=r.level,  # type: ignore[arg-type]
        indicators=list(r.indicators),
    )


def create_app(
    store: Store, settings: ApiSettings | None = None, screener: Screener | None = None
) -> FastAPI:
    """The API around ``store``; the caller owns (and closes) the store."""
    cfg = settings or ApiSettings()
    scr = screener or LocalScreener()
    metrics = Metrics()
    limiter = RateLimiter(cfg.rate_per_second, cfg.burst)
    link_lock = threading.Lock()
    # screening is CPU-bound under one GIL: a few threads working requests first come, first
    # served keep the tail short, where 40 threads time-slicing every request make all slow
    screeners = ThreadPoolExecutor(cfg.screen_threads, thread_name_prefix="redflags-screen")

    app = FastAPI(
        title="redflags",
        version="1",
        description=DESCRIPTION,
        docs_url="/docs" if cfg.docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if cfg.docs else None,
    )
    app.state.store = store
    app.state.evidence_dir = cfg.evidence_dir
    # the UI dashboard's figures per window, reused for this long (see redflags.web.dashboard)
    from redflags.web.dashboard import FigureCache

    app.state.dashboard_cache = FigureCache(cfg.dashboard_cache_seconds)
    app.state.metrics = metrics
    app.state.limiter = limiter
    app.state.key_cache = key_cache = KeyCache(cfg.key_cache_seconds)

    # -- errors ---------------------------------------------------------------------------------

    @app.exception_handler(RedflagsError)
    async def _redflags_error(request: Request, exc: RedflagsError) -> JSONResponse:
        status = _status(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status >= 500:
            log.error("store error %s on %s", type(exc).__name__, _route(request))
        return JSONResponse({"detail": str(exc)}, status, headers=headers)

    @app.exception_handler(AdInputError)
    async def _ad_input(request: Request, exc: AdInputError) -> JSONResponse:
        return JSONResponse({"detail": exc.errors}, exc.status)

    @app.exception_handler(sa.exc.DBAPIError)
    async def _db_error(request: Request, exc: sa.exc.DBAPIError) -> JSONResponse:
        log.error("database error %s on %s", type(exc.orig).__name__, _route(request))
        return JSONResponse(
            {"detail": "the database is busy or unavailable; retry"},
            503,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # the offending input is not echoed back: it may be a whole ad
        detail = [
            {
                "loc": list(e.get("loc", ())),
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        return JSONResponse({"detail": detail}, 422)

    # -- platform -------------------------------------------------------------------------------

    @app.post(
        "/v1/screen",
        response_model=ScreenOut,
        tags=["platform"],
        summary="Screen one ad before publication",
        description=(
            "Screens the ad, stores it exactly as received with its assessment, and returns "
            "the action, risk, level and indicator ids. **Never show the reasons (or the "
            "indicators, risk or level) to the poster**; say only that the ad is held for "
            "review. Same id + same content is idempotent."
        ),
        openapi_extra=_ad_body(array=False),
        responses=_errors(401, 403, 413, 422, 429),
    )
    async def screen_ad(
        request: Request, actor: Annotated[Actor, Depends(require("screen"))]
    ) -> ScreenOut:
        body = await request.body()

        def work() -> IngestTicket:
            return store.submit([read_ad(body)], scr, actor=actor, source="screen")

        # screen on the screening threads, then wait for the group commit without holding one
        ticket = await asyncio.get_running_loop().run_in_executor(screeners, work)
        await asyncio.shield(asyncio.wrap_future(ticket.committed))
        [r] = await run_in_threadpool(store.collect, ticket)
        metrics.count("screen", r.action)
        return _screen_out(r)

    @app.post(
        "/v1/ads",
        response_model=IngestOut,
        tags=["platform"],
        summary="Ingest a batch of ads",
        description=(
            "A JSON array of ads (at most the configured batch size). Idempotent: same id + "
            "same content is a no-op, same id + new content a new version (screened again). "
            "The batch is committed before the response. Any invalid ad rejects the batch."
        ),
        openapi_extra=_ad_body(array=True),
        responses=_errors(401, 403, 413, 422, 429),
    )
    async def ingest_ads(
        request: Request, actor: Annotated[Actor, Depends(require("ingest"))]
    ) -> IngestOut:
        body = await request.body()

        def work() -> IngestTicket | None:
            incs = read_ads(body, cfg.max_batch)
            return store.submit(incs, scr, actor=actor, source="api") if incs else None

        ticket = await asyncio.get_running_loop().run_in_executor(screeners, work)
        results: list[IngestResult] = []
        if ticket is not None:
            await asyncio.shield(asyncio.wrap_future(ticket.committed))
            results = await run_in_threadpool(store.collect, ticket)
        counts: dict[str, int] = {}
        for r in results:
            counts[r.status] = counts.get(r.status, 0) + 1
        for k, n in counts.items():
            metrics.count("ingest", k, n)
        return IngestOut(results=[_screen_out(r) for r in results], counts=counts)

    # -- ads and review -------------------------------------------------------------------------

    @app.get(
        "/v1/ads/{ad_id:path}",
        response_model=AdOut,
        tags=["review"],
        summary="An ad with its versions, assessment history and review state (audited)",
        responses=_errors(401, 403, 404, 429),
    )
    def get_ad(
        ad_id: AdId, response: Response, actor: Annotated[Actor, Depends(require("ad.read"))]
    ) -> dict[str, Any]:
        ad = store.get_ad(ad_id, actor=actor)
        review = ad.get("review")
        if review and review["status"] == "open":
            response.headers["ETag"] = review["etag"]
        return ad

    @app.get(
        "/v1/queue",
        response_model=QueueOut,
        tags=["review"],
        summary="Open review items, highest risk first",
        responses=_errors(401, 403, 422, 429),
    )
    def queue(
        actor: Annotated[Actor, Depends(require("queue"))],
        level: Annotated[str | None, Query(pattern="^(low|medium|high|critical)$")] = None,
        category: Annotated[
            str | None,
            Query(
                pattern="^(youth|third_party|movement|restriction|payment|obfuscation|price|"
                "network)$"
            ),
        ] = None,
        site: Filter = None,
        city: Filter = None,
        language: Annotated[
            str | None,
            Query(pattern="^(en|es|ru|other)$", description="the ad's detected language"),
        ] = None,
        unclaimed: bool = False,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> QueueOut:
        flt = QueueFilter(level=level, category=category, site=site, city=city, unclaimed=unclaimed)
        items, total = store.queue(flt, limit=limit, offset=offset, language=language)
        return QueueOut(
            items=[QueueItem(**i) for i in items], total=total, limit=limit, offset=offset
        )

    @app.post(
        "/v1/queue/{item_id}/claim",
        response_model=QueueItem,
        tags=["review"],
        summary="Claim a review item (expires); 409 if another reviewer holds it",
        responses=_errors(401, 403, 404, 409, 429),
    )
    def claim(
        item_id: ItemId, response: Response, actor: Annotated[Actor, Depends(require("claim"))]
    ) -> dict[str, Any]:
        item = store.claim(item_id, actor=actor, ttl=cfg.claim_ttl)
        response.headers["ETag"] = item["etag"]
        return item

    @app.post(
        "/v1/ads/{ad_id:path}/decision",
        response_model=DecisionOut,
        status_code=201,
        tags=["review"],
        summary="Record a verdict: confirmed-risk, not-risk or escalate (note required)",
        description=(
            "Needs the caller's claim on the ad's open review item (or a lapsed claim) "
            "and the item's current version: send its ETag in If-Match or `version` in "
            "the body. 412 when it changed since; 428 when neither is sent."
        ),
        responses=_errors(401, 403, 404, 409, 412, 422, 428, 429),
    )
    def decide(
        ad_id: AdId,
        body: _DecisionBody,
        actor: Annotated[Actor, Depends(require("decide"))],
        if_match: Annotated[str | None, Header(alias="If-Match", max_length=200)] = None,
    ) -> dict[str, Any]:
        version, item_id = body.version, body.item_id
        if if_match is not None:
            parsed = parse_etag(if_match)
            if parsed is None:
                raise HTTPException(412, "If-Match is not a review item ETag")
            item_id, version = parsed
            if body.version is not None and body.version != version:
                raise HTTPException(422, "If-Match and body version disagree")
        if version is None:
            raise HTTPException(428, "send the review item's ETag in If-Match (or version)")
        problem = check_decision(body.verdict, body.note)
        if problem:
            raise HTTPException(
                422, [{"loc": ["body", "note"], "msg": problem, "type": "value_error"}]
            )
        decision = store.decide(
            ad_id,
            actor=actor,
            verdict=body.verdict,
            note=body.note,
            expected_version=version,
            item_id=item_id,
        )
        metrics.count("decision", body.verdict)
        return decision

    # -- networks -------------------------------------------------------------------------------

    @app.get(
        "/v1/networks",
        response_model=NetworkListOut,
        tags=["analysis"],
        summary="Networks, highest risk first",
        responses=_errors(401, 403, 422, 429),
    )
    def list_networks(
        actor: Annotated[Actor, Depends(require("network.read"))],
        limit: Limit = 50,
        offset: Offset = 0,
        min_size: Annotated[int, Query(ge=2, le=1_000_000)] = 2,
    ) -> dict[str, Any]:
        rows, total = store.networks(limit=limit, offset=offset, min_size=min_size)
        return {"networks": rows, "total": total, "limit": limit, "offset": offset}

    @app.get(
        "/v1/networks/{network_id}",
        tags=["analysis"],
        summary="One network: members, shared identifiers, circuit (audited)",
        responses=_errors(401, 403, 404, 429),
    )
    def get_network(
        network_id: Annotated[str, Path(min_length=1, max_length=64, pattern=_NO_NUL)],
        actor: Annotated[Actor, Depends(require("network.read"))],
    ) -> dict[str, Any]:
        return store.network(network_id, actor=actor)

    @app.post(
        "/v1/link",
        response_model=LinkOut,
        tags=["analysis"],
        summary="Recompute networks from the stored ads and assessments",
        responses=_errors(401, 403, 409, 429),
    )
    def relink(actor: Annotated[Actor, Depends(require("link"))]) -> dict[str, int]:
        if not link_lock.acquire(blocking=False):
            raise HTTPException(409, "a link run is already in progress")
        try:
            return store.link(actor=actor)
        finally:
            link_lock.release()

    # -- administration -------------------------------------------------------------------------

    @app.post(
        "/v1/users",
        response_model=UserKeyOut,
        status_code=201,
        tags=["admin"],
        summary="Create a user and its first key (the token is shown once)",
        responses=_errors(401, 403, 409, 422, 429),
    )
    def add_user(
        body: UserIn, actor: Annotated[Actor, Depends(require("users"))]
    ) -> dict[str, Any]:
        user, token = store.add_user(body.name, body.role, actor=actor)
        return {**user, "token": token}

    @app.get(
        "/v1/users",
        response_model=list[UserOut],
        tags=["admin"],
        summary="Users and keys",
        responses=_errors(401, 403, 429),
    )
    def list_users(actor: Annotated[Actor, Depends(require("users"))]) -> list[dict[str, Any]]:
        return store.list_users()

    @app.post(
        "/v1/users/{name}/keys",
        response_model=KeyOut,
        status_code=201,
        tags=["admin"],
        summary="A new key for a user (the token is shown once)",
        responses=_errors(401, 403, 404, 429),
    )
    def new_key(
        name: Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._@-]+$")],
        actor: Annotated[Actor, Depends(require("users"))],
    ) -> dict[str, str]:
        key_id, token = store.create_key(name, actor=actor)
        return {"key_id": key_id, "token": token}

    @app.delete(
        "/v1/keys/{key_id}",
        status_code=204,
        tags=["admin"],
        summary="Revoke a key",
        responses=_errors(401, 403, 404, 429),
    )
    def revoke_key(
        key_id: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")],
        actor: Annotated[Actor, Depends(require("users"))],
    ) -> Response:
        store.revoke_key(key_id, actor=actor)
        key_cache.clear()
        return Response(status_code=204)

    @app.get(
        "/v1/audit",
        response_model=AuditOut,
        tags=["admin"],
        summary="The audit log, newest first",
        responses=_errors(401, 403, 422, 429),
    )
    def audit(
        actor: Annotated[Actor, Depends(require("audit.read"))],
        target: Filter = None,
        action: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z.]+$")] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        rows, total = store.audit_entries(
            actor=actor, target=target, action=action, limit=limit, offset=offset
        )
        return {"entries": rows, "total": total, "limit": limit, "offset": offset}

    from redflags.api.cases import router as cases_router

    app.include_router(cases_router)

    from redflags.api.legal import router as legal_router

    app.include_router(legal_router)

    # -- operations -----------------------------------------------------------------------------

    @app.get(
        "/health",
        tags=["operations"],
        summary="Liveness and database reachability",
        responses={503: {"model": ErrorOut}},
    )
    def health() -> JSONResponse:
        try:
            store.ping()
        except sa.exc.SQLAlchemyError:
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "database": store.backend})

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics (text format)",
        response_class=PlainTextResponse,
        responses=_errors(401, 403, 429),
    )
    def prometheus(actor: Annotated[Actor, Depends(require("metrics"))]) -> PlainTextResponse:
        gauges = {"queue_open": {k: float(v) for k, v in store.queue_depth().items()}}
        return PlainTextResponse(metrics.render(gauges), media_type="text/plain; version=0.0.4")

    # the reviewer UI: pages, /static, security headers (image root from $REDFLAGS_IMAGE_ROOT)
    from redflags.web import mount

    mount(app)

    # innermost first: the guard turns any escaped exception into a logged JSON 500
    app.add_middleware(_Guard)
    app.add_middleware(BodyLimit, max_bytes=cfg.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(ServerTimingMiddleware)  # outermost: times all of the above
    return app


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


class _Guard:
    """Last line: an exception no handler took becomes a JSON 500, logged without content."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_wrapper(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:  # noqa: BLE001 - the whole point
            ref = secrets.token_hex(6)
            route = getattr(scope.get("route"), "path", "unmatched")
            log.error(
                "unhandled %s on %s %s (ref %s)",
                type(exc).__name__,
                scope.get("method"),
                route,
                ref,
            )
            log.debug("traceback for ref %s", ref, exc_info=True)
            if not started:
                resp = JSONResponse({"detail": "internal error", "ref": ref}, 500)
                await resp(scope, receive, send)
