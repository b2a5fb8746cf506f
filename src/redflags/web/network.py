"""The network page, ``/networks/{network_id}``: the ads of one network and what links them.

What the page shows (from the latest link run, :meth:`Store.network`, audited as
``network.read``):

* a graph of member ads and the identifiers they share (cytoscape, vendored, drawn by
  ``static/network.js`` from a JSON data block), with the same links as a table for screen
  readers and keyboard users;
* the shared text template with its varying slots (:func:`redflags.link.templates.template`
  over up to ``MAX_ALIGN`` member texts of each template cluster);
* the circuit (cities in order of first appearance with first/last seen and ad counts), the
  names used, phones whose area code belongs to another state than the city advertised;
* the shared identifiers with the number of ads carrying each, and the member ads, highest risk
  first, each linking to ``/ads/{id}``.

Big networks are bounded: the graph draws the :data:`GRAPH_MAX_ADS` riskiest ads, the list shows
:data:`LIST_MAX_ADS`; the page says so when it leaves ads out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from redflags.errors import NotFoundError
from redflags.link import templates as tpl
from redflags.store import Actor, Store, stats
from redflags.web.auth import PageError, require_role
from redflags.web.render import NETWORK_ROLES, render

__all__ = [
    "GRAPH_MAX_ADS",
    "LIST_MAX_ADS",
    "NETWORK_ROLES",
    "VIEW_ROLES",
    "graph_data",
    "json_block",
    "router",
]

#: roles that may open the dashboard (aggregates only: no ad text); the platform role may not
VIEW_ROLES = ("reviewer", "analyst", "liaison", "admin")

#: ads drawn in the graph (the riskiest); a force layout of more is unreadable and slow
GRAPH_MAX_ADS = 300
#: member ads listed on the page
LIST_MAX_ADS = 500
#: template clusters of one network whose shared text is shown
MAX_TEMPLATES = 3
#: identifier kinds as people say them
KIND_LABELS = {
    "phone": "Phone", "email": "E-mail", "handle": "Messaging handle", "wallet": "Crypto wallet",
    "account": "Poster account", "template": "Shared ad text", "photo": "Reused photo",
}

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Actor, Depends(require_role(*NETWORK_ROLES))]
NetworkId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]*$")]


def json_block(data: Any) -> Markup:
    """``data`` as JSON safe inside ``<script type="application/json">``: ``<``, ``>`` and
    ``&`` are written as ``\\u003c`` ``\\u003e`` ``\\u0026``, so no ad text can close the
    element or open a comment; ``JSON.parse`` reads them back unchanged.

    >>> str(json_block({"t": "</script><b>&"}))
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = orjson.dumps(data).decode()
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above; JSON data blocks are never HTML-parsed


def _label(key: str) -> tuple[str, str]:
    """``("phone", "+1305...")`` from ``"phone:+1305..."``."""
    kind, _, value = key.partition(":")
    return kind, value


def graph_data(
    members: Sequence[Mapping[str, Any]], ads: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Nodes (ads, then identifiers) and edges (ad → identifier) for the graph.

    ``members`` are the network's ``{"ad_id", "via"}`` rows; ``ads`` the member ads to draw
    (with ``risk`` and ``level``).  An identifier is drawn when at least one drawn ad has it.

    >>> g = graph_data([{"ad_id": "a", "via": ["phone:+1"]}, {"ad_id": "b", "via": ["phone:+1"]}],
    ...                [{"id": "a", "risk": 0.9, "level": "high"}, {"id": "b", "risk": 0.1,
    ...                  "level": "low"}])
    >>> [n["id"] for n in g["nodes"]], len(g["edges"])
    (['ad:a', 'ad:b', 'id:phone:+1'], 2)
    """
    via = {str(m["ad_id"]): [str(k) for k in m.get("via") or ()] for m in members}
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    keys: dict[str, int] = {}
    for ad in ads:
        ad_id = str(ad["id"])
        nodes.append({"id": f"ad:{ad_id}", "type": "ad", "label": ad_id, "level": ad["level"],
                      "risk": round(float(ad["risk"]), 3), "href": f"/ads/{ad_id}"})
        for key in via.get(ad_id, ()):
            keys[key] = keys.get(key, 0) + 1
            edges.append({"id": f"e{len(edges)}", "source": f"ad:{ad_id}", "target": f"id:{key}"})
    for key in sorted(keys):
        kind, value = _label(key)
        short = value if len(value) <= 24 else value[:23] + "…"
        nodes.append({"id": f"id:{key}", "type": "identifier", "kind": kind,
                      "label": f"{KIND_LABELS.get(kind, kind)}: {short}"})
    return {"nodes": nodes, "edges": edges, "ads": len(ads), "identifiers": len(keys)}


@lru_cache(maxsize=64)
def _template(texts: tuple[str, ...]) -> tpl.Template:
    """Aligning up to 50 texts takes tens of milliseconds: remember recent networks' templates."""
    return tpl.template(texts)


def _templates(store: Store, summary: Mapping[str, Any],
               members: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The shared text of the network's largest template clusters, split into literal text and
    slots (so the page escapes every part and marks slots without any markup in the data)."""
    out = []
    for t in (summary.get("templates") or [])[:MAX_TEMPLATES]:
        key = f"template:{t['id']}"
        ids = sorted(str(m["ad_id"]) for m in members if key in (m.get("via") or ()))
        texts = stats.member_texts(store, ids[: tpl.MAX_ALIGN])
        if len(texts) < 2:
            continue
        t_obj = _template(tuple(texts))
        slots = {f"{{{s.name}}}": s for s in t_obj.slots}
        parts = []
        for word in t_obj.surface:
            slot = slots.get(word)
            parts.append({"text": slot.name if slot else word, "slot": slot is not None,
                          "kind": slot.kind if slot else None})
        out.append({
            "id": t["id"],
            "ads": int(t.get("ads") or len(ids)),
            "aligned": t_obj.size,
            "parts": parts,
            "slots": [{"name": s.name, "kind": s.kind, "values": list(s.values)}
                      for s in t_obj.slots],
        })
    return out


@router.get("/networks/{network_id}", response_class=HTMLResponse)
def network_page(request: Request, network_id: NetworkId, actor: Viewer) -> HTMLResponse:
    store: Store = request.app.state.store
    try:
        summary = store.network(network_id, actor=actor)
    except NotFoundError:
        raise PageError(404, "There is no such network in the latest link run.") from None
    members: list[dict[str, Any]] = summary.get("members") or []
    listed = stats.member_ads(store, network_id, limit=LIST_MAX_ADS)
    graph = graph_data(members, listed[:GRAPH_MAX_ADS])
    counts: Counter[str] = Counter(k for m in members for k in m.get("via") or ())
    shared = [
        {"kind": KIND_LABELS.get(kind, kind), "value": value, "ads": n}
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        for kind, value in [_label(key)]
    ]
    via_of = {str(m["ad_id"]): m.get("via") or () for m in members}
    links = [  # the graph's edges as rows: the accessible equivalent of the drawing
        {"ad": ad["id"], "kind": KIND_LABELS.get(kind, kind), "value": value}
        for ad in listed[:GRAPH_MAX_ADS]
        for kind, value in map(_label, via_of.get(str(ad["id"]), ()))
    ]
    circuit = sorted(summary.get("cities") or [],
                     key=lambda c: (str(c.get("first_seen") or ""), str(c.get("city") or "")))
    return render(
        request,
        "network.html",
        net=summary,
        size=int(summary.get("size") or len(members)),
        graph_json=json_block(graph),
        graph=graph,
        shared=shared,
        links=links,
        ads=listed,
        circuit=circuit,
        names=summary.get("names") or [],
        mismatches=summary.get("area_code_mismatch") or [],
        templates=_templates(store, summary, members),
        graph_max=GRAPH_MAX_ADS,
    )
