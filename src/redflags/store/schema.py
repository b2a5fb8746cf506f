"""The tables of the store (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

::

    ads              one row per ad id: current version, SHA-256s, filter columns
    ad_versions      every version of an ad exactly as received (JSON text) + SHA-256
    assessments      every screening of every version (model + catalog version kept)
    entities         identifiers of the latest assessment, for lookups (kind, value, ad)
    networks         the latest link run: one row per network with its summary JSON
    network_members  ad -> network, with the keys ("via") that linked it
    review_items     what reviewers work: one per screened version that needs a human
    decisions        reviewers' verdicts (confirmed-risk, not-risk, escalate) with notes
    users, api_keys  who may call the API; keys stored as salted HMAC-SHA256 only
    web_sessions     signed-in browser sessions of the reviewer UI (token stored hashed only)
    audit_log        who did what to which ad/network/key, and when (no ad content)
    settings         server-side values such as the key pepper
    cases            investigations: ads or whole networks gathered for law enforcement
    case_ads         ads in a case, with the version captured into the evidence store
    case_images      local images of those ads, captured (SHA-256, PDQ)
    case_notes       analysts' notes on a case
    legal_items      legal process register (preservation, subpoenas, orders, warrants)
    legal_scope      what each legal item covers (ads, networks, cases, identifiers, objects)
    legal_disclosures  what was handed to whom, under which legal basis
    retention_purges tombstones of ads whose content the retention policy purged

Times are naive UTC ``DateTime`` values on both backends, so comparisons (claim expiry) mean
the same thing everywhere.  Alembic migrations in ``redflags/store/migrations`` create exactly
these tables; a test checks that the two never drift apart.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "ID_CHARS",
    "FILTER_CHARS",
    "ad_versions",
    "ads",
    "api_keys",
    "assessments",
    "audit_log",
    "case_ads",
    "case_images",
    "case_notes",
    "cases",
    "decisions",
    "entities",
    "legal_disclosures",
    "legal_items",
    "legal_scope",
    "metadata",
    "network_members",
    "networks",
    "retention_purges",
    "review_items",
    "settings",
    "users",
    "web_sessions",
]

#: longest ad id accepted; ids are keys in URLs and indexes, never free text
ID_CHARS = 256
#: site/city/region/country/category are copied into indexed filter columns at this length
#: (the content itself is kept whole in ``ad_versions.content``)
FILTER_CHARS = 200
#: longest entity value kept for lookups (an email or handle longer than this is not real)
ENTITY_CHARS = 320
#: an ad's language: ISO 639-1 code or "other" (redflags.language; migration 0007)
LANGUAGE_CHARS = 8

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ads = sa.Table(
    "ads",
    metadata,
    sa.Column("id", sa.String(ID_CHARS), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("site", sa.String(FILTER_CHARS)),
    sa.Column("city", sa.String(FILTER_CHARS)),
    sa.Column("region", sa.String(FILTER_CHARS)),
    sa.Column("country", sa.String(FILTER_CHARS)),
    sa.Column("category", sa.String(FILTER_CHARS)),
    #: detected at ingest from the ad as received; NULL = unknown (migration 0007)
    sa.Column("language", sa.String(LANGUAGE_CHARS)),
    sa.Column("model", sa.String(64), nullable=False),
    sa.Column("catalog_version", sa.Integer, nullable=False),
    #: the latest assessment of the current version (no FK: assessments point at ads)
    sa.Column("assessment_id", sa.Integer),
    sa.Column("received_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    #: dashboard time windows (redflags.store.stats; migration 0005)
    sa.Index(None, "received_at"),
)

ad_versions = sa.Table(
    "ad_versions",
    metadata,
    sa.Column("ad_id", sa.String(ID_CHARS), sa.ForeignKey("ads.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("received_by", sa.Integer, sa.ForeignKey("users.id")),
    sa.Column("received_at", sa.DateTime, nullable=False),
)

assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ad_id", sa.String(ID_CHARS), sa.ForeignKey("ads.id"), nullable=False),
    sa.Column("ad_version", sa.Integer, nullable=False),
    sa.Column("model", sa.String(64), nullable=False),
    sa.Column("catalog_version", sa.Integer, nullable=False),
    sa.Column("risk", sa.Float, nullable=False),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index(None, "ad_id", "id"),
    #: dashboard levels per window, answered from the index alone (migration 0005)
    sa.Index(None, "created_at", "level"),
)

entities = sa.Table(
    "entities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ad_id", sa.String(ID_CHARS), sa.ForeignKey("ads.id"), nullable=False),
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("value", sa.String(ENTITY_CHARS), nullable=False),
    sa.Index(None, "kind", "value"),
    sa.Index(None, "ad_id"),
)

networks = sa.Table(
    "networks",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("top_risk", sa.Float, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("computed_at", sa.DateTime, nullable=False),
    sa.Index(None, "top_risk"),
    #: the dashboard's largest networks (migration 0005)
    sa.Index(None, "size"),
)

network_members = sa.Table(
    "network_members",
    metadata,
    sa.Column("network_id", sa.String(64), sa.ForeignKey("networks.id"), primary_key=True),
    sa.Column("ad_id", sa.String(ID_CHARS), primary_key=True),
    sa.Column("via", sa.Text, nullable=False),
    sa.Index(None, "ad_id"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(128), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    #: scrypt hash for signing in to the web UI ("scrypt$n$r$p$salt$hash"); NULL = API key only
    sa.Column("password_hash", sa.String(256)),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    #: SHA-256 of the session cookie's token: a database read never yields a usable cookie
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    #: the CSRF token every form of this session must carry
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Index(None, "user_id"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("salt", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime),
    sa.Index(None, "user_id"),
)

review_items = sa.Table(
    "review_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ad_id", sa.String(ID_CHARS), sa.ForeignKey("ads.id"), nullable=False),
    sa.Column("ad_version", sa.Integer, nullable=False),
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), nullable=False),
    sa.Column("risk", sa.Float, nullable=False),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    #: indicator categories of the assessment as ",youth,payment," (filterable with LIKE)
    sa.Column("categories", sa.String(256), nullable=False),
    #: indicator ids of the assessment, comma-separated (shown in the queue; no ad text)
    sa.Column("indicators", sa.Text, nullable=False),
    sa.Column("site", sa.String(FILTER_CHARS)),
    sa.Column("city", sa.String(FILTER_CHARS)),
    #: the ad's language, copied for the queue filter; NULL = unknown (migration 0007)
    sa.Column("language", sa.String(LANGUAGE_CHARS)),
    #: open | decided | superseded (a newer version of the ad replaced it)
    sa.Column("status", sa.String(16), nullable=False),
    #: bumped on every change (claim, decision, supersession): the ETag reviewers send back
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("claimed_by", sa.Integer, sa.ForeignKey("users.id")),
    sa.Column("claim_expires_at", sa.DateTime),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index(None, "ad_id"),
    #: dashboard time windows (migration 0005)
    sa.Index(None, "created_at"),
)
#: the review queue (migration 0006): ordered like the queue (risk DESC, then oldest) and
#: carrying every filter column, so its counts and pages, even deep ones, read this index alone
#: (language joined it in migration 0007)
sa.Index(
    "ix_review_items_queue",
    review_items.c.status,
    review_items.c.risk.desc(),
    review_items.c.id,
    review_items.c.level,
    review_items.c.site,
    review_items.c.city,
    review_items.c.claimed_by,
    review_items.c.claim_expires_at,
    review_items.c.categories,
    review_items.c.language,
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("review_items.id"), nullable=False),
    sa.Column("ad_id", sa.String(ID_CHARS), sa.ForeignKey("ads.id"), nullable=False),
    sa.Column("ad_version", sa.Integer, nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("verdict", sa.String(32), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index(None, "ad_id"),
    #: dashboard throughput and agreement per window, from the index alone (migration 0005)
    sa.Index(None, "created_at", "user_id", "verdict", "item_id"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("user_id", sa.Integer),
    #: the actor's name and role at the time, kept even if the user is disabled later
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(300), nullable=False),
    sa.Column("detail", sa.Text),
    sa.Index(None, "target"),
    sa.Index(None, "at"),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


# -- cases (redflags.evidence.cases; migration 0003) ------------------------------------------

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    #: open | closed
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("opened_by", sa.Integer, sa.ForeignKey("users.id")),
    #: the opener's name at the time (the CLI operator has no user row)
    sa.Column("opened_by_name", sa.String(128), nullable=False),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    #: networks the case was opened from or extended with, as a JSON list
    sa.Column("network_ids", sa.Text, nullable=False),
)

case_ads = sa.Table(
    "case_ads",
    metadata,
    sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("ad_id", sa.String(ID_CHARS), sa.ForeignKey("ads.id"), primary_key=True),
    #: the ad's version when it was (last) added: every version up to it was captured
    sa.Column("version", sa.Integer, nullable=False),
    #: SHA-256 of that version's content as received (= its evidence object)
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("added_by_name", sa.String(128), nullable=False),
    sa.Column("added_at", sa.DateTime, nullable=False),
    sa.Index(None, "ad_id"),
)

case_images = sa.Table(
    "case_images",
    metadata,
    sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("ad_id", sa.String(ID_CHARS), primary_key=True),
    sa.Column("filename", sa.String(300), nullable=False),
    sa.Column("media_type", sa.String(64), nullable=False),
    sa.Column("pdq", sa.String(64)),
)

case_notes = sa.Table(
    "case_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
    sa.Column("by_name", sa.String(128), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Index(None, "case_id"),
)


# -- legal process and retention (redflags.evidence.legal / .retention; migration 0004) -------

legal_items = sa.Table(
    "legal_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    #: preservation | report_preservation | subpoena | court_order | warrant
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("agency", sa.String(200), nullable=False),
    sa.Column("agency_case", sa.String(128)),
    sa.Column("legal_basis", sa.String(200), nullable=False),
    #: the day the request was received or served (deadlines count from it)
    sa.Column("received_on", sa.Date, nullable=False),
    #: last day of preservation (inclusive); NULL = until closed
    sa.Column("expires_on", sa.Date),
    sa.Column("renewals", sa.Integer, nullable=False),
    #: active | expired | fulfilled | withdrawn
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("notes", sa.Text),
    sa.Column("recorded_by", sa.String(128), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("closed_at", sa.DateTime),
    sa.Column("closed_by", sa.String(128)),
    sa.Index(None, "status", "expires_on"),
)

legal_scope = sa.Table(
    "legal_scope",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("legal_items.id"), nullable=False),
    #: ad | network | case | object | phone | email | handle | wallet | account
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("value", sa.String(ENTITY_CHARS), nullable=False),
    #: how a row got here when it was expanded from another ("network:n-3"); NULL = as given
    sa.Column("via", sa.String(300)),
    sa.Index(None, "kind", "value"),
    sa.Index(None, "item_id"),
)

legal_disclosures = sa.Table(
    "legal_disclosures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("legal_items.id")),
    sa.Column("agency", sa.String(200), nullable=False),
    sa.Column("recipient", sa.String(200), nullable=False),
    #: the legal basis or the agency's request id the disclosure answers
    sa.Column("legal_basis", sa.String(200), nullable=False),
    #: JSON list of the SHA-256s handed over
    sa.Column("objects", sa.Text, nullable=False),
    sa.Column("package_sha256", sa.String(64)),
    sa.Column("disclosed_at", sa.DateTime, nullable=False),
    sa.Column("recorded_by", sa.String(128), nullable=False),
    sa.Column("notes", sa.Text),
    sa.Index(None, "item_id"),
)

retention_purges = sa.Table(
    "retention_purges",
    metadata,
    #: one tombstone per purged ad: its rows stay (ids, hashes, verdicts), its content goes
    sa.Column("ad_id", sa.String(ID_CHARS), primary_key=True),
    sa.Column("purged_at", sa.DateTime, nullable=False),
    sa.Column("rule", sa.String(32), nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
)
