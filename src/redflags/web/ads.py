"""The ad page: the ad as posted with its evidence highlighted in place, the findings, entities,
history, identifiers shared with other ads, images (blurred), and the decision form.

Highlighting is built here from the evidence's original-text offsets as *data*: each field is cut
into plain-text segments (:func:`redflags.report.html.segment`, overlaps included) and the
template wraps covered segments in ``<mark>``; Jinja escapes every segment.  Evidence whose
offsets do not point at its quoted text is listed, never placed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from redflags.errors import ConflictError, NotFoundError, StaleVersionError
from redflags.evidence import cases as casework
from redflags.report.html import (
    CATEGORIES,
    ENTITY_LABELS,
    Highlight,
    Segment,
    category,
    segment,
)
from redflags.review import MAX_NOTE_CHARS, VERDICTS, check_decision
from redflags.store import Actor, Store
from redflags.store.access import allowed
from redflags.store.repo import utcnow
from redflags.store.webviews import shared_identifiers
from redflags.web.auth import PageError, read_form, require_scope, safe_next
from redflags.web.images import resolve_image
from redflags.web.queue import forget_counts
from redflags.web.render import render

__all__ = ["Field", "field_segments", "router"]

router = APIRouter(include_in_schema=False)

#: fields shown as posted even without evidence; other text fields appear when evidence is in them
SHOWN_FIELDS = ("title", "body")
#: images shown per ad (an ad with hundreds is not a reviewer's to scroll through)
MAX_IMAGES = 24
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:|^//")
VERDICT_LABELS = {
    "confirmed-risk": "Confirmed risk",
    "not-risk": "Not a risk",
    "escalate": "Escalate",
}


@dataclass(frozen=True, slots=True)
class Field:
    """One text field of the ad, cut into segments for highlighting."""

    name: str
    label: str
    segments: list[Segment]


def field_segments(
    content: dict[str, Any], indicators: list[dict[str, Any]]
) -> tuple[list[Field], list[dict[str, Any]]]:
    """The ad's text fields as segments, and the evidence that could not be placed.

    >>> fs, bad = field_segments({"title": "new to this"}, [{"id": "youth.new", "category":
    ...     "youth", "evidence": [{"field": "title", "start": 0, "end": 3, "text": "new"}]}])
    >>> [(s.text, s.indicators) for s in fs[0].segments], bad
    ([('new', ('youth.new',)), (' to this', ())], [])
    """
    spans: dict[str, list[Highlight]] = {}
    misplaced: list[dict[str, Any]] = []
    for ind in indicators:
        for ev in ind.get("evidence") or ():
            name = ev.get("field")
            text = content.get(name) if isinstance(name, str) else None
            start, end = ev.get("start"), ev.get("end")
            ok = (
                isinstance(text, str)
                and isinstance(start, int)
                and isinstance(end, int)
                and 0 <= start < end <= len(text)
                and text[start:end] == ev.get("text")
            )
            if ok:
                spans.setdefault(str(name), []).append(
                    Highlight(start, end, str(ind.get("id")), str(ind.get("category")))
                )
            else:
                misplaced.append({"indicator": ind.get("id"), **ev})
    names = [n for n in SHOWN_FIELDS if isinstance(content.get(n), str)]
    names += sorted(n for n in spans if n not in names)
    fields = [
        Field(n, n.replace("_", " ").capitalize(), segment(str(content[n]), spans.get(n, [])))
        for n in names
    ]
    return fields, misplaced


def _current_assessment(ad: dict[str, Any]) -> dict[str, Any] | None:
    hist = ad.get("assessments") or []
    for a in hist:  # newest first
        if a.get("ad_version") == ad.get("version"):
            return dict(a)
    return dict(hist[0]) if hist else None


def _claim_state(review: dict[str, Any] | None, actor: Actor) -> str:
    """none | decided | unclaimed | mine | held | expired (for this actor)."""
    if review is None:
        return "none"
    if review.get("status") != "open":
        return "decided"
    holder = review.get("claimed_by")
    if holder is None:
        return "unclaimed"
    expires = review.get("claim_expires_at")
    lapsed = bool(expires) and datetime.fromisoformat(str(expires).rstrip("Z")) <= utcnow()
    if holder == actor.name:
        return "expired" if lapsed else "mine"
    return "expired" if lapsed else "held"


def _images(ad_id: str, content: dict[str, Any], root: Path | None) -> list[dict[str, Any]]:
    """Each image of the ad: a local one we can serve, or why it shows as a placeholder."""
    raw = content.get("images")
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    out = []
    for i, path in enumerate(items[:MAX_IMAGES]):
        name = path if isinstance(path, str) else ""
        if _SCHEME.match(name):
            why, src = "Remote image, not loaded", None
        elif resolve_image(root, name) is None:
            why, src = "Image not available on this server", None
        else:
            why, src = "", f"/ads/{quote(ad_id, safe='')}/images/{i}"
        out.append({"n": i, "name": name[:200], "src": src, "why": why})
    return out


def _ad_page(
    request: Request,
    actor: Actor,
    ad_id: str,
    *,
    back: str,
    status: int = 200,
    error: str | None = None,
    note: str = "",
) -> Response:
    store: Store = request.app.state.store
    try:
        ad = store.get_ad(ad_id, actor=actor)
    except NotFoundError:
        raise PageError(404, "There is no ad with that id.") from None
    content = ad.get("content") or {}
    current = _current_assessment(ad)
    result = (current or {}).get("result") or {}
    indicators = [i for i in result.get("indicators") or [] if isinstance(i, dict)]
    indicators.sort(key=lambda i: (-float(i.get("contribution") or 0), str(i.get("id"))))
    fields, misplaced = field_segments(content, indicators)
    present = {str(i.get("category")) for i in indicators}
    review = ad.get("review")
    state = _claim_state(review, actor)
    may_decide = allowed(actor.role, "decide")
    return render(
        request,
        "ad.html",
        status=status,
        ad=ad,
        content=content,
        assessment=current,
        result=result,
        indicators=indicators,
        fields=fields,
        misplaced=misplaced,
        legend=[c for c in CATEGORIES if c.key in present],
        category=category,
        entities=result.get("entities") or {},
        entity_labels=ENTITY_LABELS,
        identifiers=shared_identifiers(store, ad_id),
        images=_images(ad_id, content, request.app.state.web_image_root),
        review=review,
        state=state,
        show_decide=may_decide and state == "mine",
        show_claim=allowed(actor.role, "claim") and state in ("unclaimed", "expired"),
        # the network page applies its own role rule (it lets reviewers see the network too)
        network_link=True,
        open_cases=(
            casework.open_cases(store, actor=actor, ad_id=ad_id)
            if allowed(actor.role, "case.write")
            else []
        ),
        verdicts=[(v, VERDICT_LABELS[v]) for v in VERDICTS],
        max_note=MAX_NOTE_CHARS,
        back=back,
        error=error,
        note=note,
        quote=lambda s: quote(str(s), safe=""),
    )


@router.post("/ads/{ad_id:path}/decision")
def decide(
    request: Request,
    ad_id: str,
    actor: Annotated[Actor, Depends(require_scope("decide"))],
    form: Annotated[dict[str, str], Depends(read_form)],
) -> Response:
    """Record the verdict with the item version the reviewer saw (the API's If-Match rule)."""
    store: Store = request.app.state.store
    back = safe_next(form.get("back") or "/queue")
    verdict = form.get("verdict", "")
    note = form.get("note", "").replace("\x00", "").strip() or None
    item, version = form.get("item_id", ""), form.get("version", "")
    if not (item.isdigit() and version.isdigit() and len(item) < 11 and len(version) < 11):
        raise PageError(400, "The form is missing the review item's version; reload the ad.")
    problem = check_decision(verdict, note)
    if problem:
        return _ad_page(
            request, actor, ad_id, back=back, status=422, error=problem, note=note or ""
        )
    try:
        store.decide(
            ad_id,
            actor=actor,
            verdict=verdict,
            note=note,
            expected_version=int(version),
            item_id=int(item),
        )
    except NotFoundError:
        raise PageError(404, "There is no ad with that id.") from None
    except StaleVersionError:
        return _ad_page(
            request,
            actor,
            ad_id,
            back=back,
            status=412,
            note=note or "",
            error="This item changed since you opened it (a new version or another "
            "reviewer's action). Read it again before deciding.",
        )
    except ConflictError as exc:
        return _ad_page(
            request, actor, ad_id, back=back, status=409, error=str(exc), note=note or ""
        )
    forget_counts()
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}{urlencode({'done': ad_id})}", 303)


@router.get("/ads/{ad_id:path}")
def ad_page(
    request: Request,
    ad_id: str,
    actor: Annotated[Actor, Depends(require_scope("ad.read"))],
    back: str | None = None,
) -> Response:
    if not ad_id or len(ad_id) > 256 or "\x00" in ad_id:
        raise PageError(404, "There is no ad with that id.")
    default = "/queue" if allowed(actor.role, "queue") else "/dashboard"
    return _ad_page(request, actor, ad_id, back=safe_next(back or default))
