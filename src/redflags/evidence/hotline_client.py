"""Client for the CyberTipline Reporting API: XML over HTTPS with HTTP Basic auth.

Only an electronic service provider vetted by NCMEC gets credentials (write to the ESP team
to apply), so redflags ships the client and tests it against a double of the server's protocol
(``tests/evidence/hotline_double.py``).  The public flow is::

    POST /submit    <report>               -> <reportResponse> with reportId
    POST /upload    multipart id + file    -> <reportResponse> with fileId (and the file's MD5)
    POST /fileinfo  <fileDetails>          -> <reportResponse>
    POST /finish    form id                -> <reportDoneResponse> with the files received
    POST /retract   form id                -> <reportResponse>      (instead of finish)

``responseCode`` 0 is success; any other code raises :class:`HotlineError` with the server's
code and description.  :meth:`HotlineClient.send` runs the whole flow and retracts the report
if a later step fails, so a half-sent report is never left open.

>>> HotlineClient.from_env({})
Traceback (most recent call last):
...
redflags.errors.ConfigError: no CyberTipline credentials configured: only a vetted electronic \
service provider can submit; set REDFLAGS_CYBERTIPLINE_USERNAME and \
REDFLAGS_CYBERTIPLINE_PASSWORD (and REDFLAGS_CYBERTIPLINE_URL for production), or export the \
report with `redflags case hotline CASE -o DIR` and submit it through your own channel
"""

from __future__ import annotations

import hashlib
import logging
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urlsplit

import httpx2 as httpx

from redflags.errors import ConfigError, InputError, RedflagsError
from redflags.evidence.hotline import HotlineReport, validate_xml

__all__ = [
    "PRODUCTION_URL",
    "TEST_URL",
    "HotlineAuthError",
    "HotlineClient",
    "HotlineError",
    "Submission",
]

log = logging.getLogger(__name__)

#: Public endpoints (research notes section 3.1).  The default is the test environment, so a
#: report reaches production only when someone sets the URL on purpose.
PRODUCTION_URL = "https://report.cybertip.org/ispws"
TEST_URL = "https://exttest.cybertip.org/ispws"
USERNAME_ENV = "REDFLAGS_CYBERTIPLINE_USERNAME"
PASSWORD_ENV = "REDFLAGS_CYBERTIPLINE_PASSWORD"
URL_ENV = "REDFLAGS_CYBERTIPLINE_URL"
#: Seconds per request; uploads of large images need more than the httpx default of 5.
TIMEOUT = 60.0
#: Response codes named in the public documentation that callers may want to test for.
AUTHENTICATION_REQUIRED = 2000
REPORT_ALREADY_RETRACTED = 5101
REPORT_ALREADY_FINISHED = 5102
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class HotlineError(RedflagsError):
    """The CyberTipline answered with an error (``code``: its responseCode, or the HTTP status
    when the answer was not XML)."""

    def __init__(self, message: str, code: int | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class HotlineAuthError(HotlineError):
    """The credentials were refused (HTTP 401 / responseCode 2000)."""


@dataclass(frozen=True, slots=True)
class Submission:
    """What the server acknowledged for one report."""

    report_id: int
    file_ids: tuple[str, ...]


class HotlineClient:
    """``HotlineClient(base_url, username, password)``; use as a context manager or ``close()``.

    ``base_url`` must be HTTPS (plain HTTP is accepted on loopback only, for test doubles):
    Basic auth sends the password with every request.
    """

    def __init__(
        self, base_url: str, username: str, password: str, *, timeout: float = TIMEOUT
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
            raise ConfigError(
                f"CyberTipline URL must use https (got {base_url!r}): Basic auth "
                "would send the password in clear text"
            )
        if not username or not password:
            raise ConfigError("CyberTipline username and password must both be set")
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url, auth=(username, password), timeout=timeout
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HotlineClient:
        """A client from ``REDFLAGS_CYBERTIPLINE_USERNAME`` / ``_PASSWORD`` / ``_URL``
        (URL defaults to the test environment).  Raises :class:`ConfigError` when unset."""
        env = os.environ if environ is None else environ
        user, password = env.get(USERNAME_ENV, ""), env.get(PASSWORD_ENV, "")
        if not user or not password:
            raise ConfigError(
                "no CyberTipline credentials configured: only a vetted electronic service "
                f"provider can submit; set {USERNAME_ENV} and {PASSWORD_ENV} (and {URL_ENV} for "
                "production), or export the report with `redflags case hotline CASE -o DIR` "
                "and submit it through your own channel"
            )
        return cls(env.get(URL_ENV) or TEST_URL, user, password)

    # -- plumbing

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HotlineClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _post(self, path: str, expect: str, **kwargs: object) -> ET.Element:
        try:
            resp = self._http.post(path, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise HotlineError(
                f"CyberTipline {path}: cannot reach {self.base_url}: {exc}"
            ) from None
        if resp.status_code == 401:
            raise HotlineAuthError(
                f"CyberTipline {path}: the username or password was refused (HTTP 401); check "
                f"{USERNAME_ENV} and {PASSWORD_ENV}",
                AUTHENTICATION_REQUIRED,
                401,
            )
        try:
            validate_xml(resp.content)
            root = ET.fromstring(resp.content)
        except (InputError, ET.ParseError) as exc:
            raise HotlineError(
                f"CyberTipline {path}: unexpected answer (HTTP {resp.status_code}): {exc}",
                status=resp.status_code,
            ) from None
        code = int(root.findtext("responseCode") or -1)
        if code != 0 or root.tag != expect or resp.status_code != 200:
            desc = root.findtext("responseDescription") or "no description"
            cls = HotlineAuthError if code == AUTHENTICATION_REQUIRED else HotlineError
            raise cls(f"CyberTipline {path}: error {code}: {desc}", code, resp.status_code)
        return root

    # -- the public flow, one call per step

    def submit(self, report: HotlineReport) -> int:
        """Send the ``<report>``; returns the server's report id.

        Raises :class:`ConfigError` when the report names no reporting person's email (the
        CyberTipline requires one): set ``REDFLAGS_PLATFORM_EMAIL`` and rebuild it.
        """
        if not report.report.get("reporter", {}).get("reportingPerson", {}).get("email"):
            raise ConfigError(
                "the report has no reporting person's email, which the CyberTipline requires: "
                "set REDFLAGS_PLATFORM_EMAIL (the platform's contact) and rebuild it"
            )
        root = self._post(
            "/submit",
            "reportResponse",
            content=report.to_xml(),
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )
        report_id = int(root.findtext("reportId") or 0)
        log.info("CyberTipline report %s opened", report_id)
        return report_id

    def upload(
        self,
        report_id: int,
        filename: str,
        data: bytes,
        media_type: str = "application/octet-stream",
    ) -> str:
        """Upload one file; returns its file id.  Checks the MD5 the server echoes back."""
        root = self._post(
            "/upload",
            "reportResponse",
            data={"id": str(report_id)},
            files={"file": (filename, data, media_type)},
        )
        echoed = (root.findtext("hash") or "").lower()
        if echoed and echoed != hashlib.md5(data, usedforsecurity=False).hexdigest():
            raise HotlineError(
                f"CyberTipline /upload: the server's hash of {filename!r} does "
                "not match the file sent (corrupted in transit)"
            )
        return root.findtext("fileId") or ""

    def file_info(self, details_xml: bytes) -> None:
        """Send one ``<fileDetails>`` document."""
        self._post(
            "/fileinfo",
            "reportResponse",
            content=details_xml,
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )

    def finish(self, report_id: int) -> tuple[str, ...]:
        """Close the report; returns the file ids the server holds for it."""
        root = self._post("/finish", "reportDoneResponse", data={"id": str(report_id)})
        return tuple(e.text or "" for e in root.iterfind("files/fileId"))

    def retract(self, report_id: int) -> None:
        """Withdraw an unfinished report."""
        self._post("/retract", "reportResponse", data={"id": str(report_id)})
        log.info("CyberTipline report %s retracted", report_id)

    def send(self, report: HotlineReport, load: Callable[[str], bytes] | None = None) -> Submission:
        """Submit, upload every file with its file details, and finish.

        ``load(sha256) -> bytes`` fetches images (for example
        ``lambda h: store.read(h, actor=..., reason="CyberTipline report")``); ad texts travel
        inside the report.  Any failure after the submit retracts the report, then re-raises.
        """
        report_id = self.submit(report)
        try:
            file_ids: list[str] = []
            for i, f in enumerate(report.files):
                data = f.data
                if data is None:
                    if load is None:
                        raise InputError(
                            f"file {f.name} ({f.sha256[:12]}...) is an image; pass "
                            "load= to read it from the evidence store"
                        )
                    data = load(f.sha256)
                    if hashlib.sha256(data).hexdigest() != f.sha256:
                        raise InputError(f"file {f.name}: bytes loaded do not match its SHA-256")
                file_id = self.upload(report_id, f.name, data, f.media_type)
                self.file_info(report.file_details_xml(i, report_id, file_id))
                file_ids.append(file_id)
            self.finish(report_id)
        except BaseException:
            try:
                self.retract(report_id)
            except HotlineError as exc:  # keep the original error; say the retract failed
                log.error("CyberTipline report %s could not be retracted: %s", report_id, exc)
            raise
        return Submission(report_id, tuple(file_ids))
