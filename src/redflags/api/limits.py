"""Request limits: body size (413), per-key rate (429), and reading ads from raw bodies (422).

The rate limiter is a token bucket per API key **in this process's memory**: simple and fast,
but several server processes each keep their own buckets, and a restart refills them.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException

from redflags.errors import RecordError
from redflags.store.ingest import Incoming, prepare

__all__ = ["BodyLimit", "BodyTooLarge", "RateLimiter", "read_ad", "read_ads"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body reader passes it through as a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than {limit} bytes")


class BodyLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` (by Content-Length, or while reading
    a chunked body)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.max_bytes:
                    await _send_json(
                        send, 413, {"detail": f"request body is larger than {self.max_bytes} bytes"}
                    )
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, limited, send)


async def _send_json(send: Send, status: int, payload: Any) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token bucket per key: ``rate`` tokens a second, at most ``burst`` saved up.

    >>> rl = RateLimiter(rate=1.0, burst=2)
    >>> [rl.take("k", now=0.0), rl.take("k", now=0.0), rl.take("k", now=0.0)]
    [0.0, 0.0, 1.0]
    """

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(max(burst, 1))
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one token; 0.0 if allowed, else the seconds until one is available."""
        t = time.monotonic() if now is None else now
        with self._lock:
            b = self._buckets.get(key)
            if b is None:
                b = self._buckets[key] = _Bucket(self.burst, t)
            b.tokens = min(self.burst, b.tokens + (t - b.at) * self.rate)
            b.at = t
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return 0.0
            return (1.0 - b.tokens) / self.rate if self.rate > 0 else math.inf


_FIELD = re.compile(r"field '([^']{1,64})'")


class AdInputError(Exception):
    """Bad ads in a request body: ``status`` 413 (a field over its limit) or 422."""

    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} invalid ads")
        self.status = status
        self.errors = errors


def _error(exc: RecordError, where: list[Any]) -> tuple[int, dict[str, Any]]:
    msg = str(exc)
    m = _FIELD.search(msg)
    loc = ["body", *where] + ([m.group(1)] if m else [])
    too_long = "; the limit is" in msg
    kind = (
        "too_long"
        if too_long
        else ("json_invalid" if msg.startswith("invalid JSON") else "value_error")
    )
    return (413 if too_long else 422), {"loc": loc, "msg": msg, "type": kind}


def read_ad(body: bytes) -> Incoming:
    """The one ad of a ``POST /v1/screen`` body, kept exactly as received."""
    try:
        return prepare(body.strip())
    except RecordError as exc:
        status, err = _error(exc, [])
        raise AdInputError(status, [err]) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_WS = re.compile(r"[ \t\n\r]*")


def read_ads(body: bytes, max_items: int) -> list[Incoming]:
    """The ads of a ``POST /v1/ads`` body (a JSON array), each kept as its exact JSON text.

    All-or-nothing: any bad element rejects the batch, naming every bad element and field.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise AdInputError(
            422, [{"loc": ["body"], "msg": "body is not UTF-8", "type": "json_invalid"}]
        ) from None
    slices = _split_array(text, max_items)
    out: list[Incoming] = []
    errors: list[dict[str, Any]] = []
    status = 422
    for n, piece in enumerate(slices):
        try:
            out.append(prepare(piece, n + 1))
        except RecordError as exc:
            st, err = _error(exc, [n])
            status = 413 if st == 413 else status
            errors.append(err)
    if errors:
        raise AdInputError(status, errors[:50])
    return out


def _split_array(text: str, max_items: int) -> list[str]:
    def bad(msg: str, pos: int) -> AdInputError:
        return AdInputError(
            422, [{"loc": ["body"], "msg": f"{msg} at character {pos}", "type": "json_invalid"}]
        )

    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if pos >= len(text) or text[pos] != "[":
        raise bad("expected a JSON array of ads", pos)
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    pieces: list[str] = []
    if pos < len(text) and text[pos] == "]":
        end = pos + 1
    else:
        while True:
            try:
                _obj, end = _DECODER.raw_decode(text, pos)
            except (ValueError, RecursionError) as exc:
                raise bad(f"invalid JSON ({type(exc).__name__})", pos) from None
            pieces.append(text[pos:end])
            if len(pieces) > max_items:
                raise AdInputError(
                    413,
                    [
                        {
                            "loc": ["body"],
                            "msg": f"more than {max_items} ads in one batch; split it",
                            "type": "too_long",
                        }
                    ],
                )
            pos = _WS.match(text, end).end()  # type: ignore[union-attr]
            if pos < len(text) and text[pos] == ",":
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
                continue
            if pos < len(text) and text[pos] == "]":
                end = pos + 1
                break
            raise bad("expected ',' or ']'", pos)
    if text[end:].strip(" \t\n\r"):
        raise bad("extra data after the array", end)
    return pieces
