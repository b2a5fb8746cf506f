"""Turn received ads into :class:`Incoming` values and screen them for the store.

An ad is kept **exactly as received**: the JSON text of its line (JSONL), of its element in a
``POST /v1/ads`` array, or of the whole ``POST /v1/screen`` body; CSV and Parquet rows, which
have no JSON text, are kept as compact JSON.  ``sha256`` is the SHA-256 of that text (anyone can
check it), ``fingerprint`` the SHA-256 of the ad's canonical JSON (sorted keys, compact).  The
fingerprint decides idempotency: the same ad sent again with other whitespace or key order is
the same ad, not a new version.

>>> inc = prepare('{"id": "a-1", "body": "hi"}')
>>> inc.ad.id, inc.raw, inc.fingerprint == prepare('{"body":"hi","id":"a-1"}').fingerprint
('a-1', '{"id": "a-1", "body": "hi"}', True)
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing as mp
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from redflags.config import ScreenConfig
from redflags.errors import RecordError
from redflags.io import MAX_FIELD_CHARS, parse_ad
from redflags.model import Ad, Assessment
from redflags.store.schema import ID_CHARS

__all__ = ["Incoming", "LocalScreener", "PoolScreener", "Screener", "prepare", "screened"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Incoming:
    """One received ad: parsed, its text as received, and the two hashes."""

    ad: Ad
    raw: str
    sha256: str
    fingerprint: str
    line: int = 0


def _canonical(obj: Any) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


def prepare(
    raw: str | bytes | Mapping[str, Any],
    line: int = 0,
    source: str = "",
    *,
    obj: Any = None,
    max_chars: int = MAX_FIELD_CHARS,
) -> Incoming:
    """Validate one received ad (JSON text, bytes or an already decoded row).

    ``obj`` may carry the already decoded value of ``raw`` text.  Raises
    :class:`~redflags.errors.RecordError` naming the field on bad input.
    """
    if isinstance(raw, Mapping):
        value: Any = dict(raw)
        try:
            text = orjson.dumps(value).decode()
        except TypeError as exc:
            raise RecordError(f"cannot store this row as JSON: {exc}", line, source) from None
    else:
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                raise RecordError("invalid JSON: not UTF-8", line, source) from None
        else:
            text = raw
        if obj is None:
            try:
                value = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                raise RecordError(f"invalid JSON: {exc}", line, source) from None
        else:
            value = obj
    ad = parse_ad(value, line, source, max_chars)
    if len(ad.id) > ID_CHARS:
        raise RecordError(
            f"field 'id' is {len(ad.id)} characters; the limit is {ID_CHARS}", line, source
        )
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in ad.id):
        raise RecordError("field 'id' contains control characters", line, source)
    encoded = text.encode("utf-8", "surrogatepass")
    return Incoming(
        ad=ad,
        raw=text,
        sha256=hashlib.sha256(encoded).hexdigest(),
        fingerprint=hashlib.sha256(_canonical(value)).hexdigest(),
        line=line,
    )


class Screener(Protocol):
    """Screens ads for the store; ``model``/``catalog_version`` are recorded per assessment."""

    model: str
    catalog_version: int

    def __call__(self, ads: Sequence[Ad]) -> list[dict[str, Any]]: ...


def _catalog_version() -> int:
    from redflags.indicators.catalog import default_catalog

    return default_catalog().version


class LocalScreener:
    """Screens in this process (the API; small batches)."""

    def __init__(self, config: ScreenConfig | None = None) -> None:
        self.config = config or ScreenConfig()
        self.model = self.config.model_name
        self.catalog_version = _catalog_version()

    def __call__(self, ads: Sequence[Ad]) -> list[dict[str, Any]]:
        from redflags.screen import screen

        return [screened(screen, ad, self.config) for ad in ads]


def screened(screen: Callable[..., Assessment], ad: Ad, cfg: ScreenConfig) -> dict[str, Any]:
    """``screen(ad).to_json()``, failing closed: an ad whose screening hits an internal error
    (a bug) is held for a person to review, with that said in its explanation, never stored or
    published as if it had been screened and found harmless.  The rest of the batch goes on.
    """
    try:
        return screen(ad, config=cfg).to_json()
    except Exception as exc:
        # the exception's text may quote the ad: its type only, above debug
        log.warning("screening failed with an internal error (%s); ad held for review",
                    type(exc).__name__)
        log.debug("screening %s failed", ad.id, exc_info=True)
        risk = cfg.scoring.review_at
        return Assessment(
            id=ad.id,
            risk=risk,
            level=cfg.scoring.level(risk),
            action=cfg.scoring.action(risk),
            commerce=0.0,
            findings=(),
            entities=(),
            model=cfg.model_name,
            explanation=(
                f"Not screened: screening failed with an internal error ({type(exc).__name__}). "
                "Held for a person to review; please report it.",
            ),
        ).to_json()


def _screen_many(args: tuple[list[Ad], ScreenConfig]) -> list[bytes]:
    from redflags.screen import screen

    ads, cfg = args
    return [orjson.dumps(screened(screen, ad, cfg)) for ad in ads]


class PoolScreener(LocalScreener):
    """Screens on ``workers`` forked processes (``redflags ingest``); use as a context manager."""

    #: ads per task: amortises pickling without making one task a long tail
    CHUNK = 64

    def __init__(self, workers: int, config: ScreenConfig | None = None) -> None:
        super().__init__(config)
        self.workers = workers
        self._pool: Any = None
        #: screenings started ahead of time, by the identity of the Ad object
        self._ahead: dict[int, tuple[Ad, Any, int]] = {}
        if workers > 1:
            self._pool = mp.get_context("fork").Pool(workers)

    def prefetch(self, ads: Sequence[Ad]) -> None:
        """Start screening ``ads`` in the background; a later call with the same Ad objects
        collects the results (so the next batch is screened while this one is written)."""
        if self._pool is None or not ads:
            return
        for i in range(0, len(ads), self.CHUNK):
            chunk = list(ads[i : i + self.CHUNK])
            job = self._pool.apply_async(_screen_many, ((chunk, self.config),))
            for k, ad in enumerate(chunk):
                self._ahead[id(ad)] = (ad, job, k)

    def __call__(self, ads: Sequence[Ad]) -> list[dict[str, Any]]:
        out: list[dict[str, Any] | None] = [None] * len(ads)
        rest: list[int] = []
        parts: dict[int, list[bytes]] = {}
        for n, ad in enumerate(ads):
            hit = self._ahead.pop(id(ad), None)
            if hit is None or hit[0] is not ad:
                rest.append(n)
                continue
            _ad, job, k = hit
            part = parts.get(id(job))
            if part is None:
                part = parts[id(job)] = job.get()
            out[n] = orjson.loads(part[k])
        if rest:
            for n, a in zip(rest, self._screen_now([ads[n] for n in rest]), strict=True):
                out[n] = a
        return [a for a in out if a is not None]

    def _screen_now(self, ads: Sequence[Ad]) -> list[dict[str, Any]]:
        if self._pool is None or len(ads) <= self.CHUNK:
            return super().__call__(ads)
        chunks = [
            (list(ads[i : i + self.CHUNK]), self.config) for i in range(0, len(ads), self.CHUNK)
        ]
        out: list[dict[str, Any]] = []
        for part in self._pool.map(_screen_many, chunks):
            out.extend(orjson.loads(b) for b in part)
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> PoolScreener:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None
