"""Request and response shapes of the HTTP API (pydantic), and the input-ad JSON Schema.

Ads are not parsed by pydantic: they are read by :func:`redflags.io.parse_ad` (the same rules as
``redflags scan``) from the exact JSON text received, which the store keeps.  ``AD_SCHEMA``
documents that input in the OpenAPI description.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from redflags.io import MAX_FIELD_CHARS
from redflags.review import MAX_NOTE_CHARS
from redflags.store.schema import ID_CHARS

__all__ = [
    "AD_SCHEMA",
    "AdOut",
    "AuditOut",
    "DecisionIn",
    "DecisionOut",
    "IngestOut",
    "KeyOut",
    "LinkOut",
    "NetworkListOut",
    "QueueItem",
    "QueueOut",
    "ScreenOut",
    "UserIn",
    "UserKeyOut",
]

#: ids and versions are 32-bit integer columns on both backends
MAX_INT = 2_147_483_647
_TEXT = {"type": "string", "maxLength": MAX_FIELD_CHARS}
_SHORT = {"type": "string", "maxLength": 200}

#: JSON Schema of one input ad (DESIGN.md section 3); unknown fields are kept and passed on
AD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "minLength": 1, "maxLength": ID_CHARS, "pattern": r"\S"},
        "site": _SHORT,
        "posted_at": {"type": "string", "maxLength": 64, "example": "2026-05-01T21:14:00Z"},
        "title": _TEXT,
        "body": _TEXT,
        "city": _SHORT,
        "region": _SHORT,
        "country": {"type": "string", "maxLength": 64},
        "category": _SHORT,
        "phone": {"type": "string", "maxLength": 200},
        "email": {"type": "string", "maxLength": 320},
        "images": {"type": "array", "items": {"type": "string", "maxLength": 2048}, "maxItems": 50},
        "poster": {"type": "object"},
    },
    "additionalProperties": True,
}


class ScreenOut(BaseModel):
    """What the platform gets back.  Never show risk, level or indicators to the poster."""

    id: str
    version: int
    status: Literal["created", "updated", "rescreened", "unchanged"]
    action: Literal["allow", "review", "block"]
    risk: float
    level: Literal["low", "medium", "high", "critical"]
    indicators: list[str] = Field(description="indicator ids only; reasons stay internal")


class IngestOut(BaseModel):
    results: list[ScreenOut]
    counts: dict[str, int]


class Assessed(BaseModel):
    id: int
    ad_version: int
    model: str
    catalog_version: int
    created_at: str | None
    risk: float
    level: str
    action: str
    result: dict[str, Any]


class VersionOut(BaseModel):
    version: int
    sha256: str
    source: str
    received_at: str | None


class QueueItem(BaseModel):
    id: int
    ad_id: str
    ad_version: int
    risk: float
    level: str
    action: str
    categories: list[str]
    indicators: list[str]
    site: str | None
    city: str | None
    #: detected language of the ad (en, es, ru, other; None = unknown; redflags.language)
    language: str | None = None
    status: str
    version: int
    etag: str
    claimed_by: str | None
    claim_expires_at: str | None
    created_at: str | None


class DecisionOut(BaseModel):
    id: int
    ad_id: str
    ad_version: int
    item_id: int
    verdict: str
    note: str | None
    by: str
    at: str | None


class PastDecision(BaseModel):
    verdict: str
    note: str | None
    by: str
    ad_version: int
    at: str | None


class AdOut(BaseModel):
    id: str
    version: int
    sha256: str = Field(description="SHA-256 of the content exactly as received")
    received_at: str | None
    content: dict[str, Any]
    versions: list[VersionOut]
    assessments: list[Assessed] = Field(description="newest first")
    review: QueueItem | None
    decisions: list[PastDecision]
    network: str | None


class QueueOut(BaseModel):
    items: list[QueueItem]
    total: int
    limit: int
    offset: int


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["confirmed-risk", "not-risk", "escalate"]
    note: str | None = Field(
        default=None, max_length=MAX_NOTE_CHARS, description="required for escalate"
    )
    version: int | None = Field(
        default=None,
        ge=0,
        le=MAX_INT,
        description="review item version seen (alternative to the If-Match header)",
    )
    item_id: int | None = Field(default=None, ge=1, le=MAX_INT)


class NetworkRow(BaseModel):
    id: str
    size: int
    top_risk: float
    levels: dict[str, int]
    cities: int
    first_seen: str | None
    last_seen: str | None
    computed_at: str | None


class NetworkListOut(BaseModel):
    networks: list[NetworkRow]
    total: int
    limit: int
    offset: int


class LinkOut(BaseModel):
    ads: int
    networks: int
    linked_ads: int
    hubs: int


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._@-]+$")
    role: Literal["platform", "reviewer", "analyst", "liaison", "admin"]


class UserKeyOut(BaseModel):
    id: int
    name: str
    role: str
    key_id: str
    token: str = Field(description="shown once; only its salted HMAC is stored")


class KeyOut(BaseModel):
    key_id: str
    token: str = Field(description="shown once; only its salted HMAC is stored")


class KeyRow(BaseModel):
    id: str
    revoked: bool


class UserOut(BaseModel):
    id: int
    name: str
    role: str
    disabled: bool
    created_at: str | None
    keys: list[KeyRow]


class AuditRow(BaseModel):
    id: int
    at: str | None
    user_id: int | None
    actor: str
    role: str
    action: str
    target: str
    detail: dict[str, Any] | None


class AuditOut(BaseModel):
    entries: list[AuditRow]
    total: int
    limit: int
    offset: int


class ErrorOut(BaseModel):
    detail: Any
