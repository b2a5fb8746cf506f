"""The review queue: open items, highest risk first, with filters and counts per level.

Opening an item is a POST (``/queue/{item_id}/open``) that claims it with the store's
``claim``, so two reviewers never work the same ad; an item someone else holds opens read-only
and says who holds it.  The language filter uses the language detected at ingest
(:mod:`redflags.language`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from redflags.errors import ConflictError, NotFoundError
from redflags.language import LANGUAGE_NAMES
from redflags.report.html import category
from redflags.review import CATEGORIES, CLAIM_TTL, LEVELS, QueueFilter
from redflags.store import Actor, Store
from redflags.store.webviews import filter_values, item_ad, level_counts
from redflags.web.auth import PageError, read_form, require_scope, safe_next
from redflags.web.render import render

__all__ = ["PAGE_SIZE", "router"]

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
#: counts and filter choices are shared by every reviewer and change slowly: recomputing them
#: on each page view would make the queue's cost grow with the whole store
COUNTS_TTL = 5.0
CHOICES_TTL = 60.0

T = TypeVar("T")
_cache: dict[tuple[int, str], tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def _cached(store: Store, key: str, ttl: float, compute: Callable[[], T]) -> T:
    now = time.monotonic()
    k = (id(store), key)
    hit = _cache.get(k)
    if hit is not None and hit[0] > now:
        value: T = hit[1]
        return value
    value = compute()
    with _cache_lock:
        if len(_cache) > 1000:
            _cache.clear()
        _cache[k] = (now + ttl, value)
    return value


def forget_counts() -> None:
    """Drop cached counts (after a decision, so the reviewer sees their own work counted)."""
    with _cache_lock:
        _cache.clear()


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.replace("\x00", "").strip()[:200]
    return value or None


@router.get("/queue")
def queue_page(
    request: Request,
    actor: Annotated[Actor, Depends(require_scope("queue"))],
    level: str | None = None,
    site: str | None = None,
    city: str | None = None,
    language: str | None = None,
    unclaimed: str | None = None,
    offset: str | None = None,
    done: str | None = None,
) -> Response:
    store: Store = request.app.state.store
    params = request.query_params
    cat = params.get("category")
    flt = QueueFilter(
        level=level if level in LEVELS else None,
        category=cat if cat in CATEGORIES else None,
        site=_text(site),
        city=_text(city),
        unclaimed=unclaimed in ("1", "on", "true"),
    )
    lang = language if language in LANGUAGE_NAMES else None
    start = int(offset) if offset and offset.isdigit() and len(offset) < 8 else 0
    items, total = store.queue(flt, limit=PAGE_SIZE, offset=start, language=lang)
    base = {k: v for k, v in (("category", flt.category), ("site", flt.site),
                              ("city", flt.city), ("language", lang)) if v}
    if flt.unclaimed:
        base["unclaimed"] = "1"
    counts = _cached(
        store, "counts:" + urlencode(sorted(base.items())), COUNTS_TTL,
        lambda: level_counts(store, flt, language=lang),
    )
    choices = _cached(store, "choices", CHOICES_TTL, lambda: filter_values(store))

    def url(**over: Any) -> str:
        q = {**base, **({"level": flt.level} if flt.level else {}), **over}
        q = {k: v for k, v in q.items() if v not in (None, "", 0)}
        return "/queue" + ("?" + urlencode(q) if q else "")

    here = url(offset=start or None)
    return render(
        request,
        "queue.html",
        items=items,
        total=total,
        flt=flt,
        counts=counts,
        level_links={lv: url(level=lv, offset=None) for lv in counts},
        all_levels_link=url(level=None, offset=None),
        choices=choices,
        language=lang,
        language_names=LANGUAGE_NAMES,
        categories=[category(c) for c in CATEGORIES],
        start=start,
        page_size=PAGE_SIZE,
        prev_link=url(offset=max(0, start - PAGE_SIZE)) if start > 0 else None,
        next_link=url(offset=start + PAGE_SIZE) if start + PAGE_SIZE < total else None,
        here=here,
        done=_text(done),
        me=actor.name,
        quote=lambda s: quote(str(s), safe=""),
    )


@router.post("/queue/{item_id}/open")
def open_item(
    request: Request,
    item_id: int,
    actor: Annotated[Actor, Depends(require_scope("claim"))],
    form: Annotated[dict[str, str], Depends(read_form)],
) -> Response:
    """Claim the item and go to its ad; if another reviewer holds it, open it read-only."""
    store: Store = request.app.state.store
    back = safe_next(form.get("back") or "/queue")
    if not (1 <= item_id <= 2_147_483_647):
        raise PageError(404, f"There is no review item {item_id}.")
    try:
        item = store.claim(item_id, actor=actor, ttl=CLAIM_TTL)
        ad_id = str(item["ad_id"])
    except NotFoundError:
        raise PageError(404, f"There is no review item {item_id}.") from None
    except ConflictError:
        found = item_ad(store, item_id)
        if found is None:
            raise PageError(404, f"There is no review item {item_id}.") from None
        ad_id = found
    forget_counts()
    return RedirectResponse(f"/ads/{quote(ad_id, safe='')}?{urlencode({'back': back})}", 303)
