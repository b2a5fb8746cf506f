"""Entry point for ``redflags serve --workers N``: each uvicorn worker process builds its app
from the environment the parent set (the parent has already migrated the database)."""

from __future__ import annotations

import os
import socket

import uvicorn
from fastapi import FastAPI

from redflags.api.app import create_app
from redflags.api.settings import ApiSettings
from redflags.store import ENV_URL, Store

__all__ = ["ENV_BURST", "ENV_RATE", "app_from_env", "prepare_process", "run_workers"]

ENV_RATE = "REDFLAGS_RATE_LIMIT"
ENV_BURST = "REDFLAGS_BURST"


def prepare_process() -> None:
    """Warm up and freeze the heap before serving.

    The first screening loads the catalog and extractor tables, and the link engine (whose
    identifier keys the store writes) pulls in numpy: left to the first request, those imports
    stall the writer for ~0.4 s.  ``gc.freeze`` then moves
    everything loaded so far out of the collector's reach, so full collections no longer walk
    it (measured: 70-110 ms pauses on the request path without this, a few ms with it).
    """
    import gc

    import redflags.link.engine  # noqa: F401 - entity keys on the write path; numpy, PDQ
    from redflags.model import Ad
    from redflags.screen import screen

    screen(Ad(id="warm-up", body="Warm up: new in town, incall only, text 305-555-0100"))
    gc.collect()
    gc.freeze()


def app_from_env() -> FastAPI:
    """The API on ``$REDFLAGS_DB`` with the rate limit in ``$REDFLAGS_RATE_LIMIT``/``_BURST``."""
    defaults = ApiSettings()
    settings = ApiSettings(
        rate_per_second=float(os.environ.get(ENV_RATE, defaults.rate_per_second)),
        burst=int(os.environ.get(ENV_BURST, defaults.burst)),
    )
    app = create_app(Store.open(os.environ.get(ENV_URL), migrate=False), settings)
    prepare_process()
    return app


class _TcpConfig(uvicorn.Config):
    """Binds the shared listening socket as an explicit TCP socket.

    uvicorn's own ``bind_socket`` leaves the protocol number 0, and asyncio then does not set
    TCP_NODELAY on accepted connections: every keep-alive response waits ~40 ms for a delayed
    ACK (measured: 44 ms per request instead of 2 ms).
    """

    def bind_socket(self) -> socket.socket:
        family, kind, proto, _, address = socket.getaddrinfo(
            self.host, self.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.set_inheritable(True)
        return sock


def run_workers(host: str, port: int, workers: int, log_level: str, access_log: bool) -> None:
    """Serve :func:`app_from_env` on ``workers`` processes sharing one listening socket."""
    from uvicorn.supervisors import Multiprocess

    config = _TcpConfig(
        "redflags.api.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=access_log,
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()
