"""A real HTTP server that speaks the CyberTipline Reporting API's protocol shape, for tests.

It runs in a thread on 127.0.0.1 (a free port), checks HTTP Basic auth, parses and validates
every XML document against ``cybertipline.xsd``, keeps reports and files in memory, answers
with ``reportResponse`` / ``reportDoneResponse`` documents and the public response codes, and
records every call.  ``fail_next["/fileinfo"] = 1000`` makes the next call to that path fail.

    with HotlineDouble() as server:
        client = HotlineClient(server.url, server.username, server.password)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from redflags.errors import InputError
from redflags.evidence.hotline import validate_xml

SUCCESS = 0
SERVER_ERROR = 1000
AUTHENTICATION_REQUIRED = 2000
VALIDATION_FAILED = 4100
MALFORMED_XML = 4110
MALFORMED_FILE = 4200
REPORT_DOES_NOT_EXIST = 5001
FILE_DOES_NOT_EXIST = 5002
REPORT_ALREADY_RETRACTED = 5101
REPORT_ALREADY_FINISHED = 5102
PREFIX = "/ispws"


@dataclass
class StoredFile:
    name: str
    data: bytes
    details: bytes | None = None


@dataclass
class StoredReport:
    xml: bytes
    status: str = "open"  # open | finished | retracted
    files: dict[str, StoredFile] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    path: str
    status: int
    code: int


class _Error(Exception):
    def __init__(self, code: int, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code, self.description, self.status = code, description, status


def _answer(root: str, **fields: Any) -> bytes:
    elem = ET.Element(root)
    for name, value in fields.items():
        if value is None:
            continue
        if name == "files":
            files = ET.SubElement(elem, "files")
            for fid in value:
                ET.SubElement(files, "fileId").text = fid
        else:
            ET.SubElement(elem, name).text = str(value)
    data: bytes = ET.tostring(elem, encoding="UTF-8", xml_declaration=True)
    return data


class HotlineDouble:
    """The server; use as a context manager.  ``url`` is the API base (``.../ispws``)."""

    def __init__(self, username: str = "esp-test", password: str = "correct horse") -> None:
        self.username, self.password = username, password
        self.reports: dict[int, StoredReport] = {}
        self.calls: list[Call] = []
        self.fail_next: dict[str, int] = {}
        self._lock = threading.Lock()
        self._next_id = 1000
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.double = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{PREFIX}"

    def __enter__(self) -> HotlineDouble:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # -- protocol

    def authorised(self, header: str | None) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return header is not None and hmac.compare_digest(header, expected)

    def handle(self, path: str, ctype: str, body: bytes) -> bytes:
        with self._lock:
            if path in self.fail_next:
                raise _Error(self.fail_next.pop(path), "injected failure", 500)
            if path == "/submit":
                root = self._xml(body, "report")
                del root
                self._next_id += 1
                self.reports[self._next_id] = StoredReport(body)
                return _answer("reportResponse", responseCode=SUCCESS, reportId=self._next_id)
            if path == "/upload":
                form = self._multipart(ctype, body)
                report = self._open(form.get("id", (b"", ""))[0].decode())
                data, name = form.get("file", (b"", ""))
                if not name:
                    raise _Error(MALFORMED_FILE, "no file part")
                file_id = hashlib.sha1(data + name.encode(), usedforsecurity=False).hexdigest()
                report.files[file_id] = StoredFile(name, data)
                return _answer(
                    "reportResponse",
                    responseCode=SUCCESS,
                    reportId=self._report_id(report),
                    fileId=file_id,
                    hash=hashlib.md5(data, usedforsecurity=False).hexdigest(),
                )
            if path == "/fileinfo":
                root = self._xml(body, "fileDetails")
                report = self._open(root.findtext("reportId") or "")
                stored = report.files.get(root.findtext("fileId") or "")
                if stored is None:
                    raise _Error(FILE_DOES_NOT_EXIST, "File does not exist")
                stored.details = body
                return _answer(
                    "reportResponse", responseCode=SUCCESS, reportId=self._report_id(report)
                )
            if path in ("/finish", "/retract"):
                form_id = parse_qs(body.decode()).get("id", [""])[0]
                report = self._open(form_id)
                if path == "/finish":
                    report.status = "finished"
                    return _answer(
                        "reportDoneResponse",
                        responseCode=SUCCESS,
                        reportId=int(form_id),
                        files=list(report.files),
                    )
                report.status = "retracted"
                return _answer("reportResponse", responseCode=SUCCESS, reportId=int(form_id))
            raise _Error(4000, "Invalid request", 404)

    def _xml(self, body: bytes, root: str) -> ET.Element:
        try:
            validate_xml(body)
        except InputError as exc:
            code = MALFORMED_XML if "well-formed" in str(exc) else VALIDATION_FAILED
            raise _Error(code, str(exc)) from None
        elem = ET.fromstring(body)
        if elem.tag != root:
            raise _Error(VALIDATION_FAILED, f"expected <{root}>, got <{elem.tag}>")
        return elem

    def _open(self, report_id: str) -> StoredReport:
        report = self.reports.get(int(report_id)) if report_id.isdigit() else None
        if report is None:
            raise _Error(REPORT_DOES_NOT_EXIST, "Report does not exist")
        if report.status == "retracted":
            raise _Error(REPORT_ALREADY_RETRACTED, "Report already retracted")
        if report.status == "finished":
            raise _Error(REPORT_ALREADY_FINISHED, "Report already finished")
        return report

    def _report_id(self, report: StoredReport) -> int:
        return next(k for k, v in self.reports.items() if v is report)

    @staticmethod
    def _multipart(ctype: str, body: bytes) -> dict[str, tuple[bytes, str]]:
        if not ctype.startswith("multipart/form-data"):
            raise _Error(MALFORMED_FILE, "expected multipart/form-data")
        msg = BytesParser(policy=policy.HTTP).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + body
        )
        out: dict[str, tuple[bytes, str]] = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            out[str(name)] = (data, part.get_filename() or "")
        return out


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        double: HotlineDouble = self.server.double  # type: ignore[attr-defined]
        path = self.path[len(PREFIX) :] if self.path.startswith(PREFIX) else self.path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not double.authorised(self.headers.get("Authorization")):
            self._send(
                401,
                _answer(
                    "reportResponse",
                    responseCode=AUTHENTICATION_REQUIRED,
                    responseDescription="Authentication required",
                ),
                {"WWW-Authenticate": 'Basic realm="ispws"'},
            )
            double.calls.append(Call(path, 401, AUTHENTICATION_REQUIRED))
            return
        try:
            answer, status, code = (
                double.handle(path, self.headers.get("Content-Type", ""), body),
                200,
                SUCCESS,
            )
        except _Error as err:
            answer = _answer(
                "reportResponse", responseCode=err.code, responseDescription=err.description
            )
            status, code = err.status, err.code
        double.calls.append(Call(path, status, code))
        self._send(status, answer)

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet in test output
        pass
