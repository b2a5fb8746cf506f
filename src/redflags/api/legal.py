"""Legal process endpoints: the register (liaison, admin; analysts read) and its deadlines.

``GET /v1/legal/deadlines`` is what a UI badge reads: active items whose preservation ends
within ``within`` days (default 14), soonest first.  Included by
:func:`redflags.api.create_app`.  A second 2703(f) renewal, or renewing an ended item, is 409.

When the app's owner set ``app.state.evidence`` (an evidence store), holds and releases are also
written to its custody log.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from redflags.api.app import _errors, require
from redflags.api.cases import checked, evidence_store
from redflags.evidence.legal import KINDS, LegalItem, LegalRegister, LegalScope, today_utc
from redflags.store import Actor

__all__ = ["legal_register", "router"]

router = APIRouter(tags=["legal"])

_TEXT = r"^[^\x00]*[^\x00\s][^\x00]*$"
_NO_NUL = r"^[^\x00]*$"
Ids = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=320, pattern=_NO_NUL)]],
    Field(max_length=5000),
]
ItemId = Annotated[int, Path(ge=1, le=2_147_483_647)]
Kind = Literal["preservation", "report_preservation", "subpoena", "court_order", "warrant"]
assert set(KINDS) == set(Kind.__args__)  # type: ignore[attr-defined]


class ScopeIn(BaseModel):
    ads: Ids = []
    networks: Ids = []
    cases: Ids = []
    identifiers: Ids = []
    objects: Ids = []


class LegalIn(BaseModel):
    kind: Kind
    agency: str = Field(min_length=1, max_length=200, pattern=_TEXT)
    agency_case: str | None = Field(None, max_length=128, pattern=_NO_NUL)
    legal_basis: str | None = Field(None, max_length=200, pattern=_NO_NUL)
    received_on: date | None = None
    expires_on: date | None = None
    scope: ScopeIn
    notes: str | None = Field(None, max_length=20_000, pattern=_NO_NUL)


class RenewIn(BaseModel):
    notes: str | None = Field(None, max_length=20_000, pattern=_NO_NUL)


class CloseIn(BaseModel):
    status: Literal["fulfilled", "withdrawn"]
    reason: str = Field(min_length=1, max_length=2000, pattern=_TEXT)


def legal_register(request: Request) -> LegalRegister:
    """The legal register over the app's store, logging to its evidence store."""
    return LegalRegister(request.app.state.store, evidence=evidence_store(request))


def _out(item: LegalItem, today: date) -> dict[str, Any]:
    d = item.to_json()
    d["days_left"] = None if item.expires_on is None else (item.expires_on - today).days
    return d


@router.get(
    "/v1/legal/deadlines",
    summary="Active legal process ending within `within` days, soonest first",
    responses=_errors(401, 403, 422, 429),
)
def deadlines(
    request: Request,
    actor: Annotated[Actor, Depends(require("legal.read"))],
    within: Annotated[int, Query(ge=0, le=3660)] = 14,
) -> dict[str, Any]:
    today = today_utc()
    due = legal_register(request).deadlines(within=within, today=today)
    return {
        "today": today.isoformat(),
        "within": within,
        "count": len(due),
        "items": [_out(i, today) for i, _ in due],
    }


@router.get(
    "/v1/legal",
    summary="The legal process register, newest first",
    responses=_errors(401, 403, 422, 429),
)
def list_items(
    request: Request,
    actor: Annotated[Actor, Depends(require("legal.read"))],
    status: Annotated[
        Literal["active", "expired", "fulfilled", "withdrawn"] | None, Query()
    ] = None,
) -> dict[str, Any]:
    today = today_utc()
    items = legal_register(request).items(status=status, today=today)
    return {"items": [_out(i, today) for i in items], "total": len(items)}


@router.post(
    "/v1/legal",
    status_code=201,
    summary="Record legal process; everything in its scope is held at once",
    responses=_errors(401, 403, 404, 422, 429),
)
def add_item(
    request: Request, body: LegalIn, actor: Annotated[Actor, Depends(require("legal.write"))]
) -> dict[str, Any]:
    s = body.scope
    register = legal_register(request)
    item = checked(
        lambda: register.add(
            body.kind,
            agency=body.agency,
            agency_case=body.agency_case,
            legal_basis=body.legal_basis,
            received_on=body.received_on or today_utc(),
            expires_on=body.expires_on,
            scope=LegalScope(
                tuple(s.ads),
                tuple(s.networks),
                tuple(s.cases),
                tuple(s.identifiers),
                tuple(s.objects),
            ),  # fmt: skip
            notes=body.notes,
            actor=actor,
        )
    )
    return _out(item, today_utc())


@router.get(
    "/v1/legal/{item_id}",
    summary="One register entry",
    responses=_errors(401, 403, 404, 429),
)
def get_item(
    request: Request, item_id: ItemId, actor: Annotated[Actor, Depends(require("legal.read"))]
) -> dict[str, Any]:
    return _out(legal_register(request).get(item_id), today_utc())


@router.post(
    "/v1/legal/{item_id}/renew",
    summary="Record a renewed 2703(f) request: 90 more days, once (409 after that)",
    responses=_errors(401, 403, 404, 409, 422, 429),
)
def renew_item(
    request: Request,
    item_id: ItemId,
    actor: Annotated[Actor, Depends(require("legal.write"))],
    body: RenewIn | None = None,
) -> dict[str, Any]:
    register = legal_register(request)
    item = checked(lambda: register.renew(item_id, actor=actor, notes=body.notes if body else None))
    return _out(item, today_utc())


@router.post(
    "/v1/legal/{item_id}/close",
    summary="Close an item as fulfilled or withdrawn; its holds end (logged)",
    responses=_errors(401, 403, 404, 409, 422, 429),
)
def close_item(
    request: Request,
    item_id: ItemId,
    body: CloseIn,
    actor: Annotated[Actor, Depends(require("legal.write"))],
) -> dict[str, Any]:
    register = legal_register(request)
    item = checked(lambda: register.close(item_id, body.status, actor=actor, reason=body.reason))
    return _out(item, today_utc())
