"""``Server-Timing`` on every HTTP response: how long the app took, as the browser sees it.

Browsers' developer tools show the header next to the network timing, and ``bench/ui.py`` reads
it to tell server time from client and network time.  The value covers everything inside this
middleware up to the response's first byte (routing, dependencies, the store, rendering):

    Server-Timing: app;dur=12.3

>>> _header(0.0123)
(b'server-timing', b'app;dur=12.3')
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["ServerTimingMiddleware"]

Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[Message]],
        Callable[[Message], Awaitable[None]],
    ],
    Awaitable[None],
]


def _header(seconds: float) -> tuple[bytes, bytes]:
    return b"server-timing", f"app;dur={seconds * 1000:.1f}".encode()


class ServerTimingMiddleware:
    """ASGI middleware adding ``Server-Timing: app;dur=<ms>`` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def send_timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                headers.append(_header(time.perf_counter() - start))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_timed)
