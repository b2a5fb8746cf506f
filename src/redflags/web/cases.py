"""Case pages: ``/cases`` (the list) and ``/cases/{case_id}`` (one case), with their forms.

* ``GET /cases`` — cases, most recently changed first (``case.read``: analyst, liaison, admin).
* ``POST /cases`` — open a case from a network (``network_id``) or an ad (``ad_id``) with a
  title (``case.write``: analyst, admin); the forms are on the network and ad pages.  The ads'
  versions and local images are captured into the evidence store; then to the new case.
* ``GET /cases/{case_id}`` — the case (audited ``case.read``): its ads (linking to the ad
  pages), networks, notes, the people advertised (:func:`redflags.evidence.cases.victims`, from
  the ads' stored text at the version the case holds: reading the page does not access the
  evidence store), and a custody summary from the evidence log.
* ``POST /cases/ads`` — add the ad ``ad_id`` to the open case ``case_id`` (``case.write``); the
  form is on the ad page.  The ad's versions and local images are captured as when opening.
* ``POST /cases/{case_id}/notes`` and ``/close`` (``case.write``; closing needs a reason);
  ``POST /cases/{case_id}/export`` (``case.export``: liaison, admin) downloads the package zip,
  built, logged (evidence log ``export``) and audited (``case.export``) by
  :func:`redflags.evidence.package.export_case`, exactly as ``POST /v1/cases/{id}/export``.

The evidence store is the API's (:func:`redflags.api.cases.evidence_store`): opened once per app,
with the legal register's holds enforced.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import orjson
import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from redflags.api.cases import evidence_store
from redflags.errors import ConflictError, NotFoundError
from redflags.evidence import cases as casework
from redflags.store import Actor, Store
from redflags.store.schema import ad_versions, assessments
from redflags.web.auth import PageError, read_form, require_scope
from redflags.web.render import render

__all__ = ["custody_summary", "router", "victims_of"]

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
T = TypeVar("T")
#: cases per page of the list
PAGE_SIZE = 50
Form = Annotated[dict[str, str], Depends(read_form)]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store



def _case_url(case_id: str) -> str:
    return f"/cases/{quote(case_id, safe='')}"


def victims_of(store: Store, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The people advertised in the case's ads (see :func:`redflags.evidence.cases.victims`),
    from the stored text of the version each ad is in the case with."""
    wanted = {(str(m["id"]), int(m["version"])) for m in members}
    ids = sorted({a for a, _ in wanted})
    content: dict[str, Any] = {}
    found: dict[str, dict[str, Any]] = {}
    with store._read() as conn:
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            for r in conn.execute(
                sa.select(ad_versions.c.ad_id, ad_versions.c.version, ad_versions.c.content)
                .where(ad_versions.c.ad_id.in_(part))
            ):
                if (r.ad_id, r.version) in wanted:
                    content[r.ad_id] = orjson.loads(r.content)
            for r in conn.execute(
                sa.select(assessments.c.ad_id, assessments.c.ad_version, assessments.c.result)
                .where(assessments.c.ad_id.in_(part))
                .order_by(assessments.c.id)
            ):
                if (r.ad_id, r.ad_version) in wanted:
                    found[r.ad_id] = orjson.loads(r.result)  # latest wins
    bundle = [
        {"id": a, "content": content[a] if isinstance(content.get(a), dict) else {},
         "assessment": found.get(a, {})}
        for a in ids
        if a in content
    ]
    return casework.victims(bundle)


def custody_summary(evidence: Any, case_id: str) -> dict[str, Any]:
    """What the evidence log says about the case: objects captured for it, events by kind,
    its exports (when, by whom, manifest hash) and the log's head."""
    prefix = f"{case_id}:"
    events: Counter[str] = Counter()
    objects: set[str] = set()
    exports = []
    for e in evidence.entries():
        if not (e.reason.startswith(prefix) or (e.detail or {}).get("case") == case_id):
            continue
        events[e.event] += 1
        if e.event == "capture":
            objects.update(e.objects)
        elif e.event == "export":
            exports.append({"at": e.at, "by": e.actor,
                            "manifest": str((e.detail or {}).get("manifest_sha256", ""))})
    seq, head = evidence.head()
    return {"objects": len(objects), "events": sorted(events.items()), "exports": exports,
            "head_seq": seq, "head": head}


def _checked(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except NotFoundError as exc:
        raise PageError(404, str(exc)) from None
    except ValueError as exc:
        raise PageError(422, str(exc), "Check the form") from None


@router.get("/cases")
def cases_page(
    request: Request,
    actor: Annotated[Actor, Depends(require_scope("case.read"))],
    page: int = 1,
) -> Response:
    page = min(max(page, 1), 100_000)
    rows, total = casework.list_cases(
        _store(request), actor=actor, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return render(request, "cases.html", cases=rows, total=total, page=page,
                  more=page * PAGE_SIZE < total)


@router.post("/cases")
def open_case(
    request: Request, actor: Annotated[Actor, Depends(require_scope("case.write"))], form: Form
) -> Response:
    network_id = form.get("network_id", "").strip() or None
    ad_id = form.get("ad_id", "").strip()
    if not network_id and not ad_id:
        raise PageError(422, "Open a case from a network page or an ad page.", "Check the form")
    case = _checked(
        lambda: casework.open_case(
            _store(request), evidence_store(request), title=form.get("title", ""), actor=actor,
            ad_ids=[ad_id] if ad_id else [], network_id=network_id,
            image_root=request.app.state.web_image_root,
        )
    )
    return RedirectResponse(_case_url(case["id"]) + "?done=opened", 303)


@router.post("/cases/ads")
def add_ad(
    request: Request, actor: Annotated[Actor, Depends(require_scope("case.write"))], form: Form
) -> Response:
    case_id = form.get("case_id", "").strip()
    ad_id = form.get("ad_id", "").strip()
    if not case_id or not ad_id:
        raise PageError(422, "Choose a case on the ad page.", "Check the form")
    return _change(
        request, actor, case_id,
        lambda: casework.add_ads(
            _store(request), evidence_store(request), case_id, [ad_id], actor=actor,
            image_root=request.app.state.web_image_root,
        ),
        "added",
    )


DONE = {
    "opened": "Case opened; its ads and images were captured into the evidence store.",
    "added": "Ad added; its versions and images were captured into the evidence store.",
    "note": "Note added.",
    "closed": "Case closed.",
}


def _case_page(request: Request, actor: Actor, case_id: str, *, status: int = 200,
               error: str | None = None, note: str = "", done: str | None = None) -> Response:
    store = _store(request)
    case = _checked(lambda: casework.get_case(store, case_id, actor=actor))
    return render(
        request,
        "case.html",
        status=status,
        case=case,
        victims=victims_of(store, case["ads"]),
        custody=custody_summary(evidence_store(request), case["id"]),
        error=error,
        note=note,
        max_note=casework.NOTE_CHARS,
        done=DONE.get(done or ""),
        url=_case_url(case["id"]),
        quote=lambda s: quote(str(s), safe=""),
    )


@router.get("/cases/{case_id}")
def case_page(
    request: Request,
    case_id: str,
    actor: Annotated[Actor, Depends(require_scope("case.read"))],
    done: str | None = None,
) -> Response:
    return _case_page(request, actor, case_id, done=done)


def _change(request: Request, actor: Actor, case_id: str, fn: Callable[[], Any], done: str,
            note: str = "") -> Response:
    """Run a change to the case: refusals are shown on the case page, success redirects."""
    try:
        fn()
    except NotFoundError:
        raise PageError(404, f"There is no case {case_id!r}.") from None
    except ConflictError as exc:
        return _case_page(request, actor, case_id, status=409, error=str(exc), note=note)
    except ValueError as exc:
        return _case_page(request, actor, case_id, status=422, error=str(exc), note=note)
    return RedirectResponse(f"{_case_url(case_id)}?done={done}", 303)


@router.post("/cases/{case_id}/notes")
def add_note(
    request: Request,
    case_id: str,
    actor: Annotated[Actor, Depends(require_scope("case.write"))],
    form: Form,
) -> Response:
    text = form.get("text", "").replace("\x00", "")
    return _change(
        request, actor, case_id,
        lambda: casework.add_note(_store(request), case_id, text, actor=actor), "note", text,
    )


@router.post("/cases/{case_id}/close")
def close_case(
    request: Request,
    case_id: str,
    actor: Annotated[Actor, Depends(require_scope("case.write"))],
    form: Form,
) -> Response:
    reason = form.get("reason", "").replace("\x00", "")
    return _change(
        request, actor, case_id,
        lambda: casework.close_case(_store(request), case_id, actor=actor, reason=reason),
        "closed",
    )


@router.post("/cases/{case_id}/export")
def export_case(
    request: Request,
    case_id: str,
    actor: Annotated[Actor, Depends(require_scope("case.export"))],
) -> Response:
    from redflags.evidence.package import export_case as export

    res = _checked(lambda: export(_store(request), evidence_store(request), case_id, None,
                                  actor=actor))
    log.info("case %s exported by %s from the web UI: %d files, manifest %s",
             case_id, actor.name, res.files, res.manifest_sha256)
    return Response(
        res.data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{res.case_id}.zip"',
            "X-Manifest-SHA256": res.manifest_sha256,
        },
    )
