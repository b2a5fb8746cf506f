"""Roles and what each may do: least privilege, one table.

========  ==========================================================================
role      may
========  ==========================================================================
platform  screen ads before publication and ingest batches (the ad site's systems)
reviewer  work the queue: list, claim, decide; read the ads it reviews
analyst   read ads and networks, recompute networks; open cases, add ads and notes
liaison   read ads, networks and cases; export case packages for law enforcement;
          keep the legal process register (preservation requests, holds, deadlines)
admin     manage users and keys, read the audit log (not ad content: an admin who needs
          to read ads gives themself a reviewer or analyst key, which is audited);
          open and export cases; keep the legal process register (analysts read it)
========  ==========================================================================

Every role may read ``/metrics``; ``/health`` needs no key at all.

>>> allowed("reviewer", "decide"), allowed("platform", "ad.read")
(True, False)
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["ROLES", "SCOPES", "Role", "Scope", "allowed", "check_role"]

Role = Literal["platform", "reviewer", "analyst", "liaison", "admin"]
Scope = Literal[
    "screen",
    "ingest",
    "queue",
    "claim",
    "decide",
    "ad.read",
    "network.read",
    "link",
    "users",
    "audit.read",
    "metrics",
    "case.read",
    "case.write",
    "case.export",
    "legal.read",
    "legal.write",
]

ROLES: tuple[Role, ...] = get_args(Role)
SCOPES: tuple[Scope, ...] = get_args(Scope)

_GRANTS: dict[Role, frozenset[Scope]] = {
    "platform": frozenset({"screen", "ingest", "metrics"}),
    "reviewer": frozenset({"queue", "claim", "decide", "ad.read", "metrics"}),
    "analyst": frozenset(
        {"ad.read", "network.read", "link", "metrics", "case.read", "case.write", "legal.read"}
    ),
    "liaison": frozenset(
        {
            "ad.read",
            "network.read",
            "metrics",
            "case.read",
            "case.export",
            "legal.read",
            "legal.write",
        }
    ),
    "admin": frozenset(
        {
            "users",
            "audit.read",
            "metrics",
            "case.read",
            "case.write",
            "case.export",
            "legal.read",
            "legal.write",
        }
    ),
}


def allowed(role: str, scope: Scope) -> bool:
    """May ``role`` do ``scope``?  Unknown roles may do nothing."""
    grants = _GRANTS.get(role)  # type: ignore[call-overload]
    return grants is not None and scope in grants


def check_role(role: str) -> Role:
    """``role`` as a :data:`Role`, or ``ValueError`` naming the valid roles."""
    for r in ROLES:
        if r == role:
            return r
    raise ValueError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
