"""The legal process page, ``/legal``: the register with its deadlines, soonest first.

Roles that read the register (``legal.read``: analyst, liaison, admin) see every item: kind,
agency and its case number, what it covers, when it arrived, its last day and days left,
renewals left and status.  Roles that keep it (``legal.write``: liaison, admin) also get a
*renew* form (a renewed 18 U.S.C. 2703(f) request: 90 more days, once) and a *close* form
(fulfilled or withdrawn, with a reason) on each active item.  Both go through
:class:`~redflags.evidence.legal.LegalRegister` (audited; holds and releases in the evidence
log), with the evidence store the API uses (:func:`redflags.api.cases.evidence_store`).

The nav badge (:func:`redflags.web.render.deadline_count`) counts the same items this page
marks as due within 14 days.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from redflags.api.legal import legal_register
from redflags.errors import ConflictError, NotFoundError
from redflags.evidence.legal import (
    CLOSED_STATUSES,
    PRESERVATION_RENEWALS,
    LegalItem,
    today_utc,
)
from redflags.store import Actor
from redflags.store.access import allowed
from redflags.web.auth import PageError, read_form, require_scope
from redflags.web.render import BADGE_DAYS, forget_deadlines, render

__all__ = ["router", "row", "scope_summary"]

router = APIRouter(include_in_schema=False)
ItemId = Annotated[int, Path(ge=1, le=2_147_483_647)]
KIND_LABELS = {
    "preservation": "Preservation request (2703(f))",
    "report_preservation": "Report preservation (2258A(h))",
    "subpoena": "Subpoena",
    "court_order": "Court order (2703(d))",
    "warrant": "Search warrant",
}
DONE = {"renewed": "Renewal recorded.", "closed": "Item closed; its holds have ended."}


def scope_summary(item: LegalItem) -> str:
    """``"3 ads, 1 network, 2 identifiers"``: what the item names (not the ads it expands to).

    >>> from redflags.evidence.legal import LegalScope
    >>> scope_summary(LegalItem(1, "subpoena", "FBI", None, "b", LegalScope(ads=("a", "b"),
    ...     identifiers=("phone:+13055550101",)), date(2026, 1, 1), None, 0, "active", None,
    ...     "x", None, None))
    '2 ads, 1 identifier'
    """
    parts = []
    for label, values in (
        ("ad", item.scope.ads),
        ("network", item.scope.networks),
        ("case", item.scope.cases),
        ("identifier", item.scope.identifiers),
        ("evidence object", item.scope.objects),
    ):
        if values:
            parts.append(f"{len(values)} {label}{'s' if len(values) != 1 else ''}")
    return ", ".join(parts) or "nothing named"


def row(item: LegalItem, today: date) -> dict[str, Any]:
    """One line of the register as the template shows it."""
    left = None if item.expires_on is None else (item.expires_on - today).days
    return {
        "id": item.id,
        "kind": KIND_LABELS.get(item.kind, item.kind),
        "agency": item.agency,
        "agency_case": item.agency_case or "",
        "basis": item.legal_basis,
        "scope": scope_summary(item),
        "cases": list(item.scope.cases),
        "networks": list(item.scope.networks),
        "received": item.received_on.isoformat(),
        "expires": item.expires_on.isoformat() if item.expires_on else None,
        "days_left": left,
        "due": item.status == "active" and left is not None and left <= BADGE_DAYS,
        "renewals_left": (
            max(PRESERVATION_RENEWALS - item.renewals, 0) if item.kind == "preservation" else None
        ),
        "renewable": item.status == "active" and item.renewable(),
        "status": item.status,
        "active": item.status == "active",
    }


def _order(item: LegalItem) -> tuple[bool, bool, date, int]:
    """Active items first, soonest last day first; items held until closed after them."""
    return (item.status != "active", item.expires_on is None, item.expires_on or date.max,
            -item.id)


def _page(request: Request, actor: Actor, *, status: int = 200, error: str | None = None,
          done: str | None = None) -> Response:
    today = today_utc()
    items = sorted(legal_register(request).items(today=today), key=_order)
    return render(
        request,
        "legal.html",
        status=status,
        items=[row(i, today) for i in items],
        today=today.isoformat(),
        due_days=BADGE_DAYS,
        may_write=allowed(actor.role, "legal.write"),
        closed_statuses=CLOSED_STATUSES,
        error=error,
        done=DONE.get(done or ""),
    )


@router.get("/legal")
def legal_page(
    request: Request,
    actor: Annotated[Actor, Depends(require_scope("legal.read"))],
    done: str | None = None,
) -> Response:
    return _page(request, actor, done=done)


def _changed(request: Request, actor: Actor, fn: Any, done: str) -> Response:
    """Run a register change; its refusal is shown on the page, success redirects."""
    try:
        fn()
    except NotFoundError:
        raise PageError(404, "There is no such legal item.") from None
    except ConflictError as exc:
        return _page(request, actor, status=409, error=str(exc))
    except ValueError as exc:
        return _page(request, actor, status=422, error=str(exc))
    forget_deadlines()
    return RedirectResponse("/legal?" + urlencode({"done": done}), 303)


@router.post("/legal/{item_id}/renew")
def renew(
    request: Request,
    item_id: ItemId,
    actor: Annotated[Actor, Depends(require_scope("legal.write"))],
    form: Annotated[dict[str, str], Depends(read_form)],
) -> Response:
    note = form.get("notes", "").replace("\x00", "").strip() or None
    return _changed(
        request, actor, lambda: legal_register(request).renew(item_id, actor=actor, notes=note),
        "renewed",
    )


@router.post("/legal/{item_id}/close")
def close(
    request: Request,
    item_id: ItemId,
    actor: Annotated[Actor, Depends(require_scope("legal.write"))],
    form: Annotated[dict[str, str], Depends(read_form)],
) -> Response:
    status = form.get("status", "")
    reason = form.get("reason", "").replace("\x00", "")
    return _changed(
        request, actor,
        lambda: legal_register(request).close(item_id, status, actor=actor, reason=reason),
        "closed",
    )
