"""Case packages: export, offline verify, tamper detection, text-only cases, the CLI."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import orjson
import pytest
from PIL import Image
from typer.testing import CliRunner

from redflags.cli import app
from redflags.evidence.cases import open_case
from redflags.evidence.log import EvidenceStore
from redflags.evidence.package import export_case, verify_package
from redflags.store import SYSTEM, LocalScreener, Store, prepare

ADS = [
    {"id": "p-1", "site": "example-classifieds", "city": "Reno", "region": "NV", "country": "US",
     "posted_at": "2025-03-01T10:00:00Z", "title": "Amber <b>new</b> in town",
     "category": "escorts", "images": ["p1.png"],
     "body": "Hi gentlemen, I'm Amber, 16, new to this. Incall only, $200/hr. "
             "Text 775-555-0101 <script>alert(1)</script>"},
    {"id": "p-2", "site": "example-classifieds", "city": "Sparks", "region": "NV",
     "country": "US", "posted_at": "2025-03-04T10:00:00Z", "title": "Ask for Amber",
     "category": "escorts", "body": "Ask for Amber. Incall, $150 roses. Text 775-555-0101"},
]


def _setup(tmp: Path, *, images: bool) -> tuple[Store, EvidenceStore, str]:
    root = tmp / "photos"
    root.mkdir(exist_ok=True)
    if images:
        img = Image.new("RGB", (48, 48))
        for x in range(48):
            for y in range(48):
                img.putpixel((x, y), (x * 5, y * 5, (x * y) % 256))
        img.save(root / "p1.png")
    store = Store.open(f"sqlite:///{tmp / 'db.sqlite'}")
    store.ingest([prepare(orjson.dumps(a).decode()) for a in ADS], LocalScreener(),
                 actor=SYSTEM, source="cli")
    store.link(actor=SYSTEM)
    ev = EvidenceStore.open(tmp / "evidence")
    [net] = store.networks()[0]
    cid = open_case(store, ev, title="Reno", network_id=net["id"], actor=SYSTEM,
                    image_root=root)["id"]
    return store, ev, cid


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    tmp = tmp_path_factory.mktemp("pkg")
    store, ev, cid = _setup(tmp, images=True)
    try:
        res = export_case(store, ev, cid, tmp / "case.zip")
        assert res.path is not None
        return res.path.read_bytes()
    finally:
        ev.close()
        store.close()


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rezip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_export_then_verify(package: bytes) -> None:
    check = verify_package(package)
    assert check.ok, check.summary()
    files = _files(package)
    names = list(files)
    assert names[0] == "manifest.json" and names[1:] == sorted(names[1:])
    kinds = {n.split("/")[0] for n in names}
    assert kinds == {"manifest.json", "SHA256SUMS", "case.json", "ads", "images", "assessments",
                     "network", "custody.jsonl", "hotline", "report.html", "report.pdf"}
    assert {"hotline/report.json", "hotline/report.xml"} <= set(names)
    manifest = orjson.loads(files["manifest.json"])
    assert manifest["case_id"].startswith("case-") and manifest["tool"].startswith("redflags")
    assert manifest["evidence_log_head"]["seq"] > 0
    for f in manifest["files"]:
        assert hashlib.sha256(files[f["path"]]).hexdigest() == f["sha256"]
        assert len(files[f["path"]]) == f["size"]
    assert check.files == len(names) - 1 and check.custody_entries > 0
    # the original ads, byte for byte, and the image
    ad = orjson.loads(files["ads/p-1/v1.json"])
    assert ad == ADS[0]
    [img] = [n for n in names if n.startswith("images/")]
    assert img == f"images/{hashlib.sha256(files[img]).hexdigest()}.png"
    assessment = orjson.loads(files["assessments/p-1.json"])["assessment"]
    assert all(i["source"] and i["evidence"] for i in assessment["indicators"]
               if i["category"] == "youth")
    case = orjson.loads(files["case.json"])
    assert case["victims"][0]["minor"] is True
    # sha256sum -c format for investigators without redflags
    line = next(x for x in files["SHA256SUMS"].decode().splitlines() if x.endswith("report.pdf"))
    assert line == f"{hashlib.sha256(files['report.pdf']).hexdigest()}  report.pdf"


def test_report_is_readable_and_safe(package: bytes) -> None:
    files = _files(package)
    html = files["report.html"].decode()
    assert "<script" not in html and "&lt;script&gt;" in html  # ad text is escaped
    assert "<mark" in html and "youth.minor_age" in html  # evidence highlighted, named
    assert "possible child" in html.lower() and "How to verify this package" in html
    assert "Chain of custody" in html and "Reno" in html
    assert "http://" not in html and "https://" not in html  # self-contained
    assert files["report.pdf"].startswith(b"%PDF-")


KINDS = ["manifest.json", "SHA256SUMS", "case.json", "ads/", "images/", "assessments/",
         "network/", "custody.jsonl", "hotline/report.json", "hotline/report.xml", "report.html",
         "report.pdf"]


@pytest.mark.parametrize("kind", KINDS)
def test_flipped_byte_in_any_file_fails_naming_it(package: bytes, kind: str) -> None:
    files = _files(package)
    name = next(n for n in files if n.startswith(kind))
    data = bytearray(files[name])
    pos = len(data) // 2
    data[pos] ^= 0x01
    files[name] = bytes(data)
    check = verify_package(_rezip(files))
    assert not check.ok and check.bad == name, check.summary()


def test_flipped_byte_in_the_archive_fails(package: bytes) -> None:
    data = bytearray(package)
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        info = zf.getinfo("report.html")
    data[info.header_offset + 30 + len(info.filename) + 20] ^= 0xFF
    check = verify_package(bytes(data))
    assert not check.ok and check.bad == "report.html", check.summary()


def test_extra_or_missing_file_fails(package: bytes) -> None:
    files = _files(package)
    check = verify_package(_rezip({**files, "ads/p-9/v1.json": b"{}"}))
    assert not check.ok and check.bad == "ads/p-9/v1.json" and "added" in check.problem
    del files["network/" + next(n for n in _files(package) if n.startswith("network/"))[8:]]
    check = verify_package(_rezip(files))
    assert not check.ok and check.bad.startswith("network/") and "missing" in check.problem
    files = _files(package)
    del files["manifest.json"]
    assert verify_package(_rezip(files)).bad == "manifest.json"
    assert verify_package(b"PK not really").bad == "(package)"


def test_text_only_case_exports_completely(tmp_path: Path) -> None:
    store, ev, cid = _setup(tmp_path, images=False)
    try:
        res = export_case(store, ev, cid, None)
    finally:
        store.close()
    check = verify_package(res.data)
    assert check.ok, check.summary()
    files = _files(res.data)
    assert not any(n.startswith("images/") for n in files)
    for name in ("hotline/report.json", "hotline/report.xml", "report.html", "report.pdf",
                 "custody.jsonl", "ads/p-1/v1.json", "ads/p-2/v1.json", "assessments/p-2.json"):
        assert files[name], name
    hotline = orjson.loads(files["hotline/report.json"])
    assert "Child Sex Trafficking" in orjson.dumps(hotline).decode()
    # the export is in the evidence log, with the manifest's hash
    [export] = [e for e in ev.entries() if e.event == "export"]
    assert export.detail is not None
    assert export.detail["manifest_sha256"] == hashlib.sha256(files["manifest.json"]).hexdigest()
    assert (export.seq - 1, ) == (orjson.loads(files["manifest.json"])
                                   ["evidence_log_head"]["seq"], )
    ev.close()


def test_cli_case_commands(tmp_path: Path) -> None:
    store, ev, _ = _setup(tmp_path, images=False)
    store.close()
    ev.close()
    runner = CliRunner()
    common = ["--db", str(tmp_path / "db.sqlite")]
    evd = ["--evidence", str(tmp_path / "evidence")]
    r = runner.invoke(app, ["case", "open", "--ads", "p-1", "--title", "CLI case", *common, *evd])
    assert r.exit_code == 0, r.output
    cid = r.stdout.strip().splitlines()[-1]
    assert runner.invoke(app, ["case", "add", cid, "p-2", *common, *evd]).exit_code == 0
    assert runner.invoke(app, ["case", "note", cid, "seen twice", *common]).exit_code == 0
    r = runner.invoke(app, ["case", "show", cid, "--json", *common])
    shown = orjson.loads(r.stdout)
    assert [a["id"] for a in shown["ads"]] == ["p-1", "p-2"] and shown["notes"]
    assert runner.invoke(app, ["case", "list", *common]).exit_code == 0
    out = tmp_path / "case.zip"
    r = runner.invoke(app, ["case", "export", cid, "-o", str(out), *common, *evd])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["case", "verify", str(out)]).exit_code == 0
    files = _files(out.read_bytes())
    files["report.html"] += b"<!-- edited -->"
    bad = tmp_path / "bad.zip"
    bad.write_bytes(_rezip(files))
    r = runner.invoke(app, ["case", "verify", str(bad)])
    assert r.exit_code == 1 and "report.html" in r.output
    r = runner.invoke(app, ["case", "open", "--title", "x", "--ads", "nope", *common, *evd])
    assert r.exit_code == 5 and "no ad 'nope'" in r.output
    r = runner.invoke(app, ["case", "note", cid, "   ", *common])
    assert r.exit_code == 3


def _forge(data: bytes, name: str, new: bytes) -> bytes:
    """A careful forgery: replace one file, then rewrite SHA256SUMS and the manifest and reseal
    it, as anyone with the package (and this source code) could."""
    from redflags.evidence.package import MANIFEST, SUMS, _dump, _seal

    files = _files(data)
    files[name] = new
    files[SUMS] = "".join(
        f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n"
        for p in sorted(files) if p not in (MANIFEST, SUMS)
    ).encode()
    manifest = orjson.loads(files[MANIFEST])
    manifest["files"] = [
        {"path": p, "sha256": hashlib.sha256(files[p]).hexdigest(), "size": len(files[p])}
        for p in sorted(files) if p != MANIFEST
    ]
    manifest["self_sha256"] = _seal(manifest)
    files[MANIFEST] = _dump(manifest)
    return _rezip(files)


def test_a_resealed_forgery_passes_offline_but_not_against_the_evidence_log(
    tmp_path: Path,
) -> None:
    store, ev, cid = _setup(tmp_path, images=False)
    try:
        genuine = export_case(store, ev, cid, None).data
    finally:
        store.close()
    try:
        [export] = [e for e in ev.entries() if e.event == "export"]
        check = verify_package(genuine, log=ev)
        assert check.ok and check.export_seq == export.seq, check.summary()
        assert f"exported as evidence log entry {export.seq}" in check.summary()

        forged = _forge(genuine, "report.html", b"<p>nothing to see</p>")
        assert verify_package(forged).ok  # the seal alone cannot tell
        check = verify_package(forged, log=ev)
        assert not check.ok and check.bad == "manifest.json"
        assert "no export of this manifest" in check.problem
    finally:
        ev.close()


def test_a_package_from_another_evidence_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    store, ev, cid = _setup(tmp_path / "a", images=False)
    try:
        data = export_case(store, ev, cid, None).data
    finally:
        store.close()
        ev.close()
    other = EvidenceStore.open(tmp_path / "other")
    try:
        for k in range(3):
            other.log_event("note", actor="t", reason=f"unrelated {k}")
        check = verify_package(data, log=other)
        assert not check.ok and check.bad == "manifest.json"
        assert "evidence log head" in check.problem, check.problem
    finally:
        other.close()


def test_cli_verify_against_the_evidence_log(tmp_path: Path) -> None:
    store, ev, cid = _setup(tmp_path, images=False)
    try:
        data = export_case(store, ev, cid, None).data
    finally:
        store.close()
        ev.close()
    good, forged = tmp_path / "good.zip", tmp_path / "forged.zip"
    good.write_bytes(data)
    forged.write_bytes(_forge(data, "case.json", b"{}"))
    runner = CliRunner()
    evd = ["--evidence", str(tmp_path / "evidence")]
    r = runner.invoke(app, ["case", "verify", str(good), *evd])
    assert r.exit_code == 0 and "exported as evidence log entry" in r.output, r.output
    assert runner.invoke(app, ["case", "verify", str(forged)]).exit_code == 0
    r = runner.invoke(app, ["case", "verify", str(forged), *evd])
    assert r.exit_code == 1 and "no export of this manifest" in r.output, r.output
    r = runner.invoke(app, ["case", "verify", str(good), "--evidence", str(tmp_path / "none")])
    assert r.exit_code == 5 and "no evidence store" in r.output, r.output
