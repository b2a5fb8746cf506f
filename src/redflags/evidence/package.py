"""Case packages: one zip an investigator can read and check without redflags.

::

    manifest.json          case id, created_at, tool version, evidence log head at export,
                           every other file's path, SHA-256 and size; ``self_sha256`` seals it
    SHA256SUMS             the same hashes in ``sha256sum -c`` format (standard tools)
    case.json              the case, its notes, the platform and the people advertised
    ads/<id>/v<n>.json     each captured version of each ad, byte for byte as received
    images/<sha256>.<ext>  captured images
    assessments/<id>.json  why each ad was flagged: indicators, evidence spans, sources
    network/<id>.json      network summaries with their circuits
    custody.jsonl          the evidence log entries naming the packaged objects
    hotline/report.json|.xml  CyberTipline-shaped report (when redflags.evidence.hotline exists)
    report.html, report.pdf   the human-readable report

Files are written in sorted order with fixed timestamps, so the same case exported at the same
``created_at`` gives the same zip.  The export is logged as an ``export`` event (with the
manifest's SHA-256) in the evidence log and in the store's audit log.

:func:`verify_package` checks a package offline: the manifest's own seal, every file's size and
hash, no file missing or extra, and each custody entry's hash (``verify_entries``).  The seal
catches accidental change, not a careful forger, who can rewrite files and reseal; so the
exporting platform can also check a package against its evidence log (``log=``, the CLI's
``case verify --evidence DIR``): the log must hold an ``export`` event for exactly this
manifest and case, and the log head the manifest records must be an entry of the log.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from redflags.evidence.cases import _require, collect
from redflags.store.repo import SYSTEM, Actor, Store

if TYPE_CHECKING:
    from redflags.evidence.log import EvidenceStore

__all__ = [
    "FORMAT",
    "ExportResult",
    "PackageCheck",
    "export_case",
    "package_files",
    "verify_package",
]

#: manifest ``format``: bumped when the layout changes incompatibly
FORMAT = "redflags-case-package/1"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
_JSON = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
_EXT = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/tiff": ".tif",
}
_SUM_LINE = re.compile(r"([0-9a-f]{64})  (\S.*)")


def _safe(name: str) -> str:
    """A file name for an id: readable when the id is plain, unique when it is not."""
    clean = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:80].lstrip(".") or "_"
    if clean != name:
        clean += "-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return clean


def _dump(obj: Any) -> bytes:
    return orjson.dumps(obj, option=_JSON) + b"\n"


def _seal(manifest: Mapping[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "self_sha256"}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path | None
    case_id: str
    files: int
    size: int
    manifest_sha256: str
    head: tuple[int, str]
    data: bytes = b""


def package_files(
    bundle: Mapping[str, Any],
    blobs: Mapping[str, bytes],
    *,
    created_at: str,
    head: tuple[int, str],
    exported_by: str,
    tool: str,
) -> dict[str, bytes]:
    """Every file of the package but the manifest and SHA256SUMS, by path."""
    from redflags.evidence.case_report import render_html, render_pdf

    files: dict[str, bytes] = {}
    for ad in bundle["ads"]:
        name = _safe(str(ad["id"]))
        for v in ad.get("versions") or [{"version": ad["version"], "sha256": ad["sha256"]}]:
            files[f"ads/{name}/v{v['version']}.json"] = blobs[v["sha256"]]
        files[f"assessments/{name}.json"] = _dump(
            {
                "ad_id": ad["id"],
                "version": ad["version"],
                "sha256": ad["sha256"],
                "assessment": ad["assessment"],
            }
        )
    for img in bundle["images"]:
        files[f"images/{img['sha256']}{_EXT.get(img['media_type'], '')}"] = blobs[img["sha256"]]
    for net in bundle["networks"]:
        files[f"network/{_safe(str(net['id']))}.json"] = _dump(net)
    files["case.json"] = _dump(
        {k: bundle[k] for k in ("case", "platform", "victims")} | {"images": bundle["images"]}
    )
    files["custody.jsonl"] = b"".join(
        orjson.dumps(e, option=orjson.OPT_SORT_KEYS) + b"\n" for e in bundle["custody"]
    )
    try:
        from redflags.evidence.hotline import build_report
    except ImportError:  # the hotline module is optional
        build_report = None  # type: ignore[assignment]
    if build_report is not None:
        rep = build_report(bundle)
        as_json = rep.to_json()
        files["hotline/report.json"] = (
            as_json.encode() if isinstance(as_json, str) else _dump(as_json)
        )
        as_xml = rep.to_xml()
        files["hotline/report.xml"] = as_xml.encode() if isinstance(as_xml, str) else as_xml
    meta = {
        "created_at": created_at,
        "head": head,
        "exported_by": exported_by,
        "tool": tool,
        "files": sorted(files),
    }
    files["report.html"] = render_html(bundle, meta).encode()
    files["report.pdf"] = render_pdf(bundle, meta)
    return files


def _zip(files: Mapping[str, bytes], when: datetime) -> bytes:
    buf = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files, key=lambda n: (n != MANIFEST, n)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name])
    return buf.getvalue()


def export_case(
    store: Store,
    evidence: EvidenceStore,
    case_id: str,
    out: Path | None,
    *,
    actor: Actor = SYSTEM,
    created_at: datetime | None = None,
) -> ExportResult:
    """Build the package of ``case_id``; write it to ``out`` (or return its bytes when None).

    Needs the ``case.export`` scope (liaison, admin; the CLI operator).
    """
    from redflags.evidence.log import tool_version

    _require(actor, "case.export")
    when = (created_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    bundle, blobs = collect(
        store, evidence, case_id, actor=actor, reason=f"{case_id}: export of the case package"
    )
    head = evidence.head()
    tool = tool_version()
    files = package_files(
        bundle, blobs, created_at=stamp, head=head, exported_by=actor.name, tool=tool
    )
    files[SUMS] = "".join(
        f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n" for p in sorted(files)
    ).encode()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "case_id": case_id,
        "title": bundle["case"]["title"],
        "created_at": stamp,
        "exported_by": actor.name,
        "tool": tool,
        "evidence_log_head": {"seq": head[0], "hash": head[1]},
        "files": [
            {"path": p, "sha256": hashlib.sha256(files[p]).hexdigest(), "size": len(files[p])}
            for p in sorted(files)
        ],
    }
    manifest["self_sha256"] = _seal(manifest)
    files[MANIFEST] = _dump(manifest)
    data = _zip(files, when)
    msha = hashlib.sha256(files[MANIFEST]).hexdigest()
    objects = sorted(blobs)
    evidence.log_event(
        "export",
        actor=actor.name,
        reason=f"{case_id}: case package for law enforcement",
        objects=objects,
        detail={
            "case": case_id,
            "manifest_sha256": msha,
            "package_sha256": hashlib.sha256(data).hexdigest(),
            "files": len(files),
        },
    )
    store.audit(
        actor,
        "case.export",
        f"case:{case_id}",
        {"files": len(files), "objects": len(objects), "manifest_sha256": msha},
    )
    if out is not None:
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(out)
    return ExportResult(
        out, case_id, len(files), len(data), msha, head, b"" if out is not None else data
    )


# -- verification --------------------------------------------------------------------------------


@dataclass(slots=True)
class PackageCheck:
    """Outcome of :func:`verify_package`: ``bad`` names the first bad file (None when ok)."""

    ok: bool = True
    bad: str | None = None
    problem: str = ""
    files: int = 0
    custody_entries: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)
    #: seq of the evidence log's ``export`` event for this package (checked against a log)
    export_seq: int | None = None

    def fail(self, name: str, problem: str) -> PackageCheck:
        self.ok, self.bad, self.problem = False, name, problem
        return self

    def summary(self) -> str:
        if self.ok:
            logged = (
                f"; exported as evidence log entry {self.export_seq}"
                if self.export_seq is not None
                else ""
            )
            return (
                f"intact: {self.files} files match the manifest of "
                f"{self.manifest.get('case_id')}; {self.custody_entries} custody entries "
                f"valid{logged}"
            )
        return f"BROKEN: {self.bad}: {self.problem}"


def _read(zf: zipfile.ZipFile, name: str) -> bytes:
    return zf.read(name)


def verify_package(path: Path | str | bytes, log: EvidenceStore | None = None) -> PackageCheck:
    """Check a package offline; the first problem found names its file.

    With ``log`` (the exporting platform's evidence store), also check that the log recorded
    the export of exactly this manifest (see the module docstring).

    >>> verify_package(b"not a zip").summary()
    'BROKEN: (package): not a zip file'
    """
    from redflags.evidence.log import verify_entries

    res = PackageCheck()
    src: Any = io.BytesIO(path) if isinstance(path, bytes) else path
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as exc:
        problem = "not a zip file" if isinstance(exc, zipfile.BadZipFile) else str(exc)
        return res.fail("(package)", problem)
    with zf:
        names = [i.filename for i in zf.infolist()]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            return res.fail(dupes[0], "appears twice in the zip")
        contents: dict[str, bytes] = {}
        for name in names:
            try:
                contents[name] = _read(zf, name)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
                return res.fail(name, f"cannot be read from the zip ({exc})")
    raw = contents.get(MANIFEST)
    if raw is None:
        return res.fail(MANIFEST, "missing")
    try:
        manifest = orjson.loads(raw)
        files = manifest["files"]
        listed = {str(f["path"]): f for f in files}
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        return res.fail(MANIFEST, f"is not a readable manifest ({exc})")
    if _dump(manifest) != raw or manifest.get("self_sha256") != _seal(manifest):
        return res.fail(MANIFEST, "was modified after export (its seal does not match)")
    res.manifest = manifest
    if manifest.get("format") != FORMAT:
        return res.fail(MANIFEST, f"unknown package format {manifest.get('format')!r}")
    for f in files:
        name = str(f["path"])
        data = contents.get(name)
        if data is None:
            return res.fail(name, "listed in the manifest but missing from the package")
        if len(data) != f["size"]:
            return res.fail(name, f"is {len(data)} bytes; the manifest says {f['size']}")
        if hashlib.sha256(data).hexdigest() != f["sha256"]:
            return res.fail(name, "SHA-256 does not match the manifest (modified)")
        res.files += 1
    extra = sorted(set(contents) - set(listed) - {MANIFEST})
    if extra:
        return res.fail(extra[0], "is in the package but not in the manifest (added)")
    sums = contents.get(SUMS, b"").decode("utf-8", "replace").splitlines()
    for line in sums:
        m = _SUM_LINE.fullmatch(line)
        if m is None or m.group(2) not in listed or listed[m.group(2)]["sha256"] != m.group(1):
            return res.fail(SUMS, f"line does not match the manifest: {line[:100]!r}")
    custody_raw = contents.get("custody.jsonl")
    if custody_raw is not None:
        try:
            entries = [orjson.loads(x) for x in custody_raw.splitlines() if x.strip()]
        except orjson.JSONDecodeError as exc:
            return res.fail("custody.jsonl", f"unreadable entry ({exc})")
        report = verify_entries(entries)
        res.custody_entries = len(entries)
        if not report.ok:
            return res.fail("custody.jsonl", f"custody entry invalid: {report.first}")
    if log is not None:
        return _check_against_log(res, hashlib.sha256(raw).hexdigest(), log)
    return res


def _check_against_log(res: PackageCheck, manifest_sha: str, log: EvidenceStore) -> PackageCheck:
    """The export event of this manifest, and the head it recorded, must be in ``log``."""
    manifest = res.manifest
    head = manifest.get("evidence_log_head") or {}
    head_seq, head_hash = head.get("seq"), head.get("hash")
    head_seen = head_seq == 0  # an empty log at export has no entry to find
    for e in log.entries():
        if e.seq == head_seq:
            if e.hash != head_hash:
                return res.fail(
                    MANIFEST,
                    f"records evidence log head seq {head_seq} with another hash than the log's "
                    "entry (the package or the log was rewritten)",
                )
            head_seen = True
        detail = e.detail or {}
        if e.event == "export" and detail.get("manifest_sha256") == manifest_sha:
            if detail.get("case") != manifest.get("case_id"):
                return res.fail(MANIFEST, f"was exported for case {detail.get('case')!r}")
            if not head_seen:
                break
            res.export_seq = e.seq
            return res
    if not head_seen:
        return res.fail(
            MANIFEST, f"records evidence log head seq {head_seq}, which this log does not hold"
        )
    return res.fail(
        MANIFEST,
        "no export of this manifest in the evidence log (rewritten after export, or exported "
        "from another store)",
    )
