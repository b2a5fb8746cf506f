"""Case endpoints: open a case, add ads and notes, close it (analyst, admin), read it (analyst,
liaison, admin) and export its package (liaison, admin).  Included by
:func:`redflags.api.create_app`.

The evidence store is ``app.state.evidence`` when the app's owner set one, else the directory in
``ApiSettings.evidence_dir``, ``$REDFLAGS_EVIDENCE_DIR`` or ``./redflags-evidence``, opened on
first use with the legal register's holds enforced
(:func:`redflags.evidence.service.open_evidence`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, Field, model_validator

from redflags.api.app import _errors, require
from redflags.store import Actor, Store

__all__ = ["checked", "evidence_store", "router"]

router = APIRouter(tags=["cases"])
T = TypeVar("T")
_open_lock = threading.Lock()
_NO_NUL = r"^[^\x00]*$"
#: text with something in it besides white space, and no NUL
_TEXT = r"^[^\x00]*[^\x00\s][^\x00]*$"
CaseId = Annotated[str, Path(pattern=r"^case-[0-9a-f]{8}$")]
AdIds = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=256, pattern=_NO_NUL)]],
    Field(max_length=5000),
]


class CaseIn(BaseModel):
    title: str = Field(min_length=1, max_length=200, pattern=_TEXT)
    ad_ids: AdIds = []
    network_id: str | None = Field(None, min_length=1, max_length=64, pattern=_NO_NUL)

    @model_validator(mode="after")
    def _something(self) -> CaseIn:
        if not self.ad_ids and self.network_id is None:
            raise ValueError("give ad_ids or network_id")
        return self


class AdsIn(BaseModel):
    ad_ids: Annotated[AdIds, Field(min_length=1)]


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000, pattern=_TEXT)


class CloseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, pattern=_TEXT)


def evidence_store(request: Request) -> Any:
    """The app's evidence store (opened once, legal holds enforced); shared by the UI pages."""
    ev = getattr(request.app.state, "evidence", None)
    if ev is None:
        from redflags.evidence.service import open_evidence

        with _open_lock:
            ev = getattr(request.app.state, "evidence", None)
            if ev is None:
                root = getattr(request.app.state, "evidence_dir", None)
                ev, _ = open_evidence(request.app.state.store, root)
                request.app.state.evidence = ev
    return ev


def checked(fn: Callable[[], T]) -> T:
    """Input the case functions refuse (ValueError) is the caller's mistake: 422."""
    try:
        return fn()
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


@router.post(
    "/v1/cases",
    status_code=201,
    summary="Open a case from ads and/or a network (captures their content; audited)",
    responses=_errors(401, 403, 404, 422, 429),
)
def open_case(
    body: CaseIn, request: Request, actor: Annotated[Actor, Depends(require("case.write"))]
) -> dict[str, Any]:
    from redflags.evidence.cases import open_case as open_

    return checked(
        lambda: open_(_store(request), evidence_store(request), title=body.title,
                      ad_ids=body.ad_ids, network_id=body.network_id, actor=actor)
    )


@router.get(
    "/v1/cases",
    summary="Cases, most recently changed first (titles and counts)",
    responses=_errors(401, 403, 429),
)
def list_cases(
    request: Request, actor: Annotated[Actor, Depends(require("case.read"))],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    from redflags.evidence.cases import list_cases as list_

    rows, total = list_(_store(request), actor=actor, limit=limit, offset=offset)
    return {"cases": rows, "total": total, "limit": limit, "offset": offset}


@router.get(
    "/v1/cases/{case_id}",
    summary="A case: its ads (ids, versions, hashes, levels) and notes (audited)",
    responses=_errors(401, 403, 404, 429),
)
def get_case(
    case_id: CaseId, request: Request, actor: Annotated[Actor, Depends(require("case.read"))]
) -> dict[str, Any]:
    from redflags.evidence.cases import get_case as get_

    return get_(_store(request), case_id, actor=actor)


@router.post(
    "/v1/cases/{case_id}/ads",
    summary="Add ads to a case (captures their content and local images; audited)",
    responses=_errors(401, 403, 404, 409, 422, 429),
)
def add_ads(
    case_id: CaseId,
    body: AdsIn,
    request: Request,
    actor: Annotated[Actor, Depends(require("case.write"))],
) -> dict[str, Any]:
    from redflags.evidence.cases import add_ads as add

    return checked(
        lambda: add(_store(request), evidence_store(request), case_id, body.ad_ids, actor=actor)
    ).to_json()


@router.post(
    "/v1/cases/{case_id}/notes",
    status_code=201,
    summary="Add a note to a case (audited)",
    responses=_errors(401, 403, 404, 409, 422, 429),
)
def add_note(
    case_id: CaseId,
    body: NoteIn,
    request: Request,
    actor: Annotated[Actor, Depends(require("case.write"))],
) -> dict[str, Any]:
    from redflags.evidence.cases import add_note as note

    return checked(lambda: note(_store(request), case_id, body.text, actor=actor))


@router.post(
    "/v1/cases/{case_id}/close",
    summary="Close a case with a reason (it takes no more ads or notes; audited)",
    responses=_errors(401, 403, 404, 409, 422, 429),
)
def close_case(
    case_id: CaseId,
    body: CloseIn,
    request: Request,
    actor: Annotated[Actor, Depends(require("case.write"))],
) -> dict[str, Any]:
    from redflags.evidence.cases import close_case as close

    return checked(lambda: close(_store(request), case_id, actor=actor, reason=body.reason))


@router.post(
    "/v1/cases/{case_id}/export",
    summary="Export the case package (zip); logged in the evidence and audit logs",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}, **_errors(401, 403, 404, 429)},
)
def export_case(
    case_id: CaseId, request: Request, actor: Annotated[Actor, Depends(require("case.export"))]
) -> Response:
    from redflags.evidence.package import export_case as export

    res = export(_store(request), evidence_store(request), case_id, None, actor=actor)
    return Response(
        res.data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{case_id}.zip"',
            "X-Manifest-SHA256": res.manifest_sha256,
        },
    )
