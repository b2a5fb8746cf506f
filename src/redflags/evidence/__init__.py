"""Evidence and law-enforcement cooperation.

Modules (each owned by one piece of work; the contracts below are what they share):

``log.py`` / ``objects.py``  -- content-addressed objects + append-only hash-chained event log
``cases.py``, ``package.py`` -- cases (ads or whole networks, notes) and signed case packages
``hotline.py``               -- CyberTipline-shaped report (JSON and XML + XSD) and its client
``legal.py``, ``retention.py`` -- legal process register, holds, disclosure log, retention purge

Contract 1: ``EvidenceStore`` (``redflags.evidence.log``)
    EvidenceStore.open(root: Path, *, hold_check=None)    directory store, created if missing
    .capture(data: bytes, *, media_type, actor, reason, ref=None) -> sha256 hex   ('capture')
    .read(sha256, *, actor, reason) -> bytes                                      ('access')
    .has(sha256) -> bool
    .log_event(event, *, actor, reason, objects=(), detail=None) -> LogEntry
    .delete(sha256, *, actor, reason) -> LogEntry   ('deletion'; raises HeldError when
                                                     hold_check(sha256) returns a reason)
    .entries(objects=None) -> Iterator[LogEntry]   (all, or those naming any of ``objects``)
    .verify() -> VerifyReport  (ok, first problem with its location, counts)
    LogEntry: seq, at (ISO-8601 UTC), event, actor, reason, objects, detail, tool, prev, hash;
    .to_json() -> dict.  ``verify_entries(list_of_entry_dicts)`` checks each entry's own hash
    (and the chain where entries are consecutive) so a custody extract is checkable offline.
    Also (log.py): ``open(..., create=False)`` raises NotFoundError for a missing store;
    ``.head() -> (seq, hash)`` anchor and ``.verify(expect_head=(seq, hash))`` (truncation or
    rewrite); ``with store.batch():`` one fsync for many appends; ``VerifyReport.first`` is a
    ``Problem(kind, message, line, seq, object)``; ``HeldError`` is in ``redflags.errors``;
    argument errors (empty actor/reason, bad SHA-256, reserved event) raise ValueError.
    ``evidence/cli.py``: ``store_dir(path|None)``: --dir, $REDFLAGS_EVIDENCE_DIR, else
    ./redflags-evidence.

Contract 2: the case bundle (a plain dict; ``cases.py`` builds it, ``package.py`` and
``hotline.py`` read it)::

    {
      "case": {"id", "title", "status", "opened_by", "opened_at", "network_ids": [...],
               "notes": [{"by", "at", "text"}]},
      "platform": {"name", "url", "contact_email"},
      "ads": [{"id", "version", "sha256", "received_at",
               "content": {...the ad exactly as received: title, body, site, url,
                           posted_at, city, region, country, poster_id, images...},
               "assessment": {...Assessment JSON: risk, level, action, findings with spans
                              and sources, entities...}}],
      "images": [{"sha256", "ad_id", "filename", "media_type", "pdq"}],
      "networks": [{...network summary as stored: id, size, ads, keys, circuit, names...}],
      "victims": [{"label", "stated_age", "minor", "names_used", "ad_ids", "cities"}],
      "custody": [LogEntry.to_json(), ...]
    }
"""
