"""CyberTipline-shaped reports from hand-made case bundles, and the client against a real
HTTP double of the server's protocol (``hotline_double.py``)."""

from __future__ import annotations

import hashlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from hotline_double import REPORT_ALREADY_RETRACTED, VALIDATION_FAILED, HotlineDouble

from redflags.errors import ConfigError, InputError
from redflags.evidence.hotline import (
    CHILD_SEX_TRAFFICKING,
    NO_MINOR_INCIDENT_TYPE,
    HotlineReport,
    build_report,
    clean_text,
    schema,
    validate_xml,
    write_report,
)
from redflags.evidence.hotline_client import (
    PASSWORD_ENV,
    TEST_URL,
    USERNAME_ENV,
    HotlineAuthError,
    HotlineClient,
    HotlineError,
)
from redflags.io import parse_ad
from redflags.screen import screen

PLATFORM = {
    "name": "Example Classifieds",
    "url": "https://classifieds.example",
    "contact_email": "safety@classifieds.example",
}
# images are named by the SHA-256 of their bytes, as the evidence store names them
IMAGES = {hashlib.sha256(v).hexdigest(): v for v in (b"\x89PNG synthetic 1", b"\x89PNG two")}


def _ad(content: dict[str, Any]) -> dict[str, Any]:
    """One bundle ad entry, screened for real."""
    raw = json.dumps(content)
    assessment = screen(parse_ad(content, 1, "test", 20_000)).to_json()
    return {
        "id": content["id"],
        "version": 1,
        "received_at": "2026-05-04T08:00:00Z",
        "sha256": hashlib.sha256(raw.encode()).hexdigest(),
        "content": content,
        "assessment": assessment,
    }


def _bundle(ads: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "case": {
            "id": "case-7",
            "title": "Synthetic case",
            "status": "open",
            "opened_by": "analyst",
            "opened_at": "2026-05-05T09:00:00Z",
            "network_ids": [],
            "notes": [],
        },
        "platform": PLATFORM,
        "ads": [_ad(a) for a in ads],
        "images": [],
        "networks": [],
        "victims": [],
        "custody": [],
        **extra,
    }


MINOR_AD = {
    "id": "a-1",
    "site": "classifieds.example",
    "url": "https://classifieds.example/a/1",
    "title": "sweet 16 yo new in town",
    "posted_at": "2026-05-01T21:14:00-04:00",
    "body": "young fresh girl 16 years old, roses 200/hr incall, call 305-555-0123 or "
    "telegram @sweetie",
    "city": "Miami",
    "region": "FL",
    "country": "US",
    "poster_id": "u-77",
}
SECOND_AD = {
    "id": "a-2",
    "site": "classifieds.example",
    "title": "new girl",
    "body": "call 305-555-0123, mail sweetie@example.com",
    "city": "Orlando",
    "region": "FL",
    "country": "US",
    "posted_at": "2026-05-03T10:00:00Z",
    "poster": {"account_id": "u-78"},
}
ADULT_AD = {
    "id": "b-1",
    "site": "classifieds.example",
    "url": "https://classifieds.example/b/1",
    "title": "Sexy 24 yo, new in town",
    "posted_at": "2026-04-20T12:00:00Z",
    "body": "24 years old, incall only, roses 200/hr, call 305-555-0188, my manager answers",
    "city": "Tampa",
    "region": "FL",
    "country": "US",
    "poster_id": "u-90",
}
NETWORK = {
    "id": "n-1",
    "size": 2,
    "ads": ["a-1", "a-2"],
    "identifiers": {"phone": ["+13055550123"]},
    "cities": [
        {
            "city": "Miami",
            "region": "FL",
            "country": "US",
            "ads": 1,
            "first_seen": "2026-05-01T21:14:00Z",
            "last_seen": "2026-05-01T21:14:00Z",
        },
        {
            "city": "Orlando",
            "region": "FL",
            "country": "US",
            "ads": 1,
            "first_seen": "2026-05-03T10:00:00Z",
            "last_seen": "2026-05-03T10:00:00Z",
        },
    ],
}


def text_only_minor() -> dict[str, Any]:
    return _bundle(
        [MINOR_AD, SECOND_AD],
        networks=[NETWORK],
        victims=[
            {
                "label": "Victim 1",
                "stated_age": 16,
                "minor": True,
                "names_used": ["Candy", "Lexi"],
                "ad_ids": ["a-1", "a-2"],
                "cities": [
                    {"city": "Miami", "region": "FL", "country": "US"},
                    {"city": "Orlando", "region": "FL", "country": "US"},
                ],
            }
        ],
    )


def with_images() -> dict[str, Any]:
    imgs = [
        {
            "sha256": h,
            "ad_id": "a-1",
            "filename": f"photo{i}.png",
            "media_type": "image/png",
            "pdq": "f" * 64,
        }
        for i, h in enumerate(IMAGES)
    ]
    return _bundle([{**MINOR_AD, "images": ["photo0.png", "photo1.png"]}], images=imgs)


def adult() -> dict[str, Any]:
    return _bundle(
        [ADULT_AD],
        victims=[
            {
                "label": "Person 1",
                "stated_age": 24,
                "minor": False,
                "names_used": ["Roxy"],
                "ad_ids": ["b-1"],
                "cities": ["Tampa, FL"],
            }
        ],
    )


BUNDLES = {"text_only_minor": text_only_minor, "with_images": with_images, "adult": adult}


def _decode(xml: bytes) -> Any:
    return schema().to_dict(io.BytesIO(xml))


# ----------------------------------------------------------------------------- building


def test_text_only_minor_case_is_complete() -> None:
    rep = build_report(text_only_minor())
    r = rep.report
    assert rep.minor_involved and rep.incident_type == CHILD_SEX_TRAFFICKING
    s = r["incidentSummary"]
    assert s["incidentType"] == "Child Sex Trafficking"
    assert s["platform"] == "classifieds.example"
    assert "age 16" in s["escalateToHighPriority"]
    assert s["incidentDateTime"] == "2026-05-02T01:14:00Z"  # earliest posted_at, in UTC
    kinds = [next(iter(d)) for d in r["internetDetails"]]
    assert kinds == ["webPageIncident", "cellPhoneIncident", "emailIncident", "chatImIncident"]
    web = r["internetDetails"][0]["webPageIncident"]
    assert web["url"] == ["https://classifieds.example/a/1"]
    assert "Text-only case" in web["additionalInfo"]
    phone = r["internetDetails"][1]["cellPhoneIncident"]["phoneNumber"]
    assert phone == {"@countryCallingCode": "+1", "$": "3055550123"}
    assert r["reporter"]["reportingPerson"]["email"] == ["safety@classifieds.example"]
    assert "Example Classifieds" in r["reporter"]["companyTemplate"]
    who = r["personOrUserReported"]
    assert who["espIdentifier"] in {"u-77", "u-78"}
    assert {a.get("espIdentifier") for a in who["associatedAccount"]} >= {"u-78"} - {
        who["espIdentifier"]
    }
    assert {"@thirdPartyUser": True, "$": "telegram"} in [
        a.get("platform") for a in who["associatedAccount"]
    ]
    assert who["personOrUserReportedPerson"]["email"] == ["sweetie@example.com"]
    assert who["estimatedLocation"]["countryCode"] == "US"
    # the victim block the bundle carries is there, with the stated age and the names used
    [victim] = r["victim"]
    assert victim["victimPerson"] == {"age": 16}
    assert victim["displayName"] == ["Candy", "Lexi"]
    assert victim["estimatedLocation"] == {"city": "Miami", "region": "FL", "countryCode": "US"}
    assert "possible child sex trafficking victim" in victim["additionalInfo"]
    why = r["additionalInfo"]
    assert "youth.minor_age" in why and '"16 years old"' in why
    assert "Network n-1: 2 ads" in why and "Miami, FL, US (2026-05-01) -> Orlando" in why
    # text-only: the ad text is the content, one file per ad, with its SHA-256
    assert [f.name for f in rep.files] == ["ad-a-1.txt", "ad-a-2.txt"]
    for f, fd in zip(rep.files, rep.file_details, strict=True):
        assert f.data is not None and b"16 years old" in f.data or f.ad_id == "a-2"
        assert fd["originalFileHash"] == [
            {"@hashType": "SHA256", "$": hashlib.sha256(f.data or b"").hexdigest()}
        ]
        assert "the ad text is the reported content" in fd["additionalInfo"][0]
    assert (
        rep.file_details[0]["details"][0]["nameValuePair"][0]["value"]
        == text_only_minor()["ads"][0]["sha256"]
    )


def test_case_with_images_has_file_details_per_image() -> None:
    rep = build_report(with_images())
    images = [
        (f, fd) for f, fd in zip(rep.files, rep.file_details, strict=True) if f.kind == "image"
    ]
    assert len(images) == 2
    for f, fd in images:
        assert f.data is None and f.sha256 in IMAGES
        assert fd["originalFileHash"] == [{"@hashType": "SHA256", "$": f.sha256}]
        assert fd["originalFileName"] in {"photo0.png", "photo1.png"}
        assert fd["details"] == [
            {"@type": "HASH", "nameValuePair": [{"name": "PDQ", "value": "f" * 64}]}
        ]
    assert "Text-only" not in rep.report["internetDetails"][0]["webPageIncident"]["additionalInfo"]
    # the bundle names no victim, but the ad states age 16: a victim block is derived
    [victim] = rep.report["victim"]
    assert victim["victimPerson"] == {"age": 16}
    assert "Derived by redflags" in victim["additionalInfo"]
    assert rep.incident_type == CHILD_SEX_TRAFFICKING


def test_adult_case_uses_closest_type_and_explains_it() -> None:
    rep = build_report(adult())
    s = rep.report["incidentSummary"]
    assert s["incidentType"] == NO_MINOR_INCIDENT_TYPE and not rep.minor_involved
    assert "escalateToHighPriority" not in s
    assert "no minor is identified" in rep.report["additionalInfo"]
    assert "'Child Sex Trafficking' is not claimed" in rep.report["additionalInfo"]
    assert any("no minor identified" in w for w in rep.warnings)
    [victim] = rep.report["victim"]  # the bundle's victim block is carried for adults too
    assert victim["victimPerson"] == {"age": 24}
    assert victim["estimatedLocation"] == {"city": "Tampa, FL"}
    assert "no minor age stated" in victim["additionalInfo"]


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_xml_validates_and_agrees_with_json(name: str) -> None:
    rep = build_report(BUNDLES[name]())
    doc = rep.to_json()
    xml = rep.to_xml()
    validate_xml(xml)
    assert ET.fromstring(xml).tag == "report"
    assert _decode(xml) == doc["report"]
    for i, fd in enumerate(doc["fileDetails"]):
        sent = rep.file_details_xml(i, report_id=42, file_id="f-9")
        assert _decode(sent) == {"reportId": 42, "fileId": "f-9", **fd}
    assert json.loads(json.dumps(doc)) == doc  # plain JSON


HOSTILE = "<b>&amp; ]]> \"q\" 'a'\x00\x07\x1b\x0b\x0c\ud800\ufffe bell\r\nline"


def test_hostile_text_is_escaped_and_made_xml_safe() -> None:
    ad = {
        **MINOR_AD,
        "url": "https://classifieds.example/a/1?x=<y>&z=" + HOSTILE,
        "poster_id": "u" + HOSTILE,
        "site": "site" + HOSTILE,
    }
    bundle = _bundle(
        [ad],
        victims=[
            {"label": HOSTILE, "stated_age": "16", "names_used": [HOSTILE], "ad_ids": ["a-1"]}
        ],
    )
    # an evidence quote carrying characters XML 1.0 forbids
    bundle["ads"][0]["assessment"]["indicators"][0]["evidence"][0]["text"] = HOSTILE
    rep = build_report(bundle)
    xml = rep.to_xml()
    validate_xml(xml)
    assert _decode(xml) == rep.to_json()["report"]
    names = rep.report["victim"][0]["displayName"]
    assert names[0].startswith("<b>&amp; ]]>") and "[U+0000][U+0007][U+001B]" in names[0]
    assert "[U+D800][U+FFFE]" in names[0] and "\r" not in names[0]
    assert rep.report["personOrUserReported"]["espIdentifier"].startswith("u<b>")
    assert "[U+0007]" in rep.report["additionalInfo"]
    text_file = rep.files[0].data or b""
    assert b"16 years old" in text_file  # the ad text file keeps the text as posted


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("a\x00b", "a[U+0000]b"),
        ("x\r\ny\rz", "x\ny\nz"),
        ("tab\tok", "tab\tok"),
        ("\U0001f600", "\U0001f600"),
        ("\uffff", "[U+FFFF]"),
    ],
)
def test_clean_text(value: str, expected: str) -> None:
    assert clean_text(value) == expected


def test_incident_time_falls_back_and_says_so() -> None:
    naive = {**ADULT_AD, "posted_at": "2026-04-20T12:00:00"}
    s = build_report(_bundle([naive])).report["incidentSummary"]
    assert s["incidentDateTime"] == "2026-04-20T12:00:00Z"
    assert "UTC was assumed" in s["incidentDateTimeDescription"]
    undated = {k: v for k, v in ADULT_AD.items() if k != "posted_at"}
    s = build_report(_bundle([undated])).report["incidentSummary"]
    assert s["incidentDateTime"] == "2026-05-04T08:00:00Z"
    assert "received by the platform" in s["incidentDateTimeDescription"]


def test_bad_bundles_get_clear_errors() -> None:
    with pytest.raises(InputError, match="no ads"):
        build_report({"case": {"id": "c"}, "ads": []})
    with pytest.raises(InputError, match=r"ads\[0\] has no id"):
        build_report({"ads": [{"content": {}, "assessment": {}}]})
    bundle = _bundle([ADULT_AD], images=[{"ad_id": "b-1"}])
    with pytest.raises(InputError, match="sha256"):
        build_report(bundle)


def test_schema_rejects_what_the_public_structure_does_not_allow() -> None:
    good = build_report(adult()).to_xml()
    bad = good.replace(NO_MINOR_INCIDENT_TYPE.encode(), b"Adult Trafficking")
    with pytest.raises(InputError, match="incidentType"):
        validate_xml(bad)
    with pytest.raises(InputError, match="well-formed"):
        validate_xml(b"<report>")


def test_write_report(tmp_path: Path) -> None:
    json_path, xml_path = write_report(text_only_minor(), tmp_path / "out")
    doc = json.loads(json_path.read_text())
    assert doc["report"]["incidentSummary"]["incidentType"] == CHILD_SEX_TRAFFICKING
    assert _decode(xml_path.read_bytes()) == doc["report"]
    for f in doc["redflags"]["files"]:
        data = (tmp_path / "out" / "hotline-files" / f["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"]
    details = sorted((tmp_path / "out" / "hotline-files").glob("*.fileDetails.xml"))
    assert len(details) == 2
    for p in details:
        validate_xml(p.read_bytes())


# ----------------------------------------------------------------------------- the client


@pytest.fixture
def server() -> Any:
    with HotlineDouble() as s:
        yield s


def _client(server: HotlineDouble, password: str | None = None) -> HotlineClient:
    return HotlineClient(server.url, server.username, password or server.password)


def test_full_flow_over_http(server: HotlineDouble) -> None:
    rep = build_report(with_images())
    loaded: list[str] = []

    def load(sha: str) -> bytes:
        loaded.append(sha)
        return IMAGES[sha]

    with _client(server) as client:
        sub = client.send(rep, load=load)
    stored = server.reports[sub.report_id]
    assert stored.status == "finished"
    assert stored.xml == rep.to_xml()
    assert sorted(loaded) == sorted(IMAGES)
    assert [c.path for c in server.calls] == (
        ["/submit"] + ["/upload", "/fileinfo"] * len(rep.files) + ["/finish"]
    )
    assert all(c.status == 200 for c in server.calls)
    assert list(stored.files) == list(sub.file_ids)
    for f, fid in zip(rep.files, sub.file_ids, strict=True):
        got = stored.files[fid]
        assert got.name == f.name and hashlib.sha256(got.data).hexdigest() == f.sha256
        details = ET.fromstring(got.details or b"")
        assert details.findtext("reportId") == str(sub.report_id)
        assert details.findtext("fileId") == fid
        assert details.findtext("originalFileHash") == f.sha256


def test_text_only_flow_needs_no_loader(server: HotlineDouble) -> None:
    with _client(server) as client:
        sub = client.send(build_report(text_only_minor()))
    assert len(sub.file_ids) == 2 and server.reports[sub.report_id].status == "finished"


def test_wrong_password_is_a_clear_error(server: HotlineDouble) -> None:
    with _client(server, password="wrong") as client:
        with pytest.raises(HotlineAuthError, match="refused.*REDFLAGS_CYBERTIPLINE_USERNAME"):
            client.send(build_report(adult()))
    assert server.reports == {}
    assert [(c.path, c.status) for c in server.calls] == [("/submit", 401)]


def test_no_reporting_email_is_refused_before_sending(server: HotlineDouble) -> None:
    bundle = adult()
    bundle["platform"] = {"name": "Example Classifieds"}
    rep = build_report(bundle)
    assert "reportingPerson" not in rep.report["reporter"]
    assert any("REDFLAGS_PLATFORM_EMAIL" in w for w in rep.warnings)
    validate_xml(rep.to_xml())  # still exportable
    with _client(server) as client:
        with pytest.raises(ConfigError, match="REDFLAGS_PLATFORM_EMAIL"):
            client.send(rep)
    assert server.calls == []


def test_retract(server: HotlineDouble) -> None:
    rep = build_report(adult())
    with _client(server) as client:
        report_id = client.submit(rep)
        client.retract(report_id)
        assert server.reports[report_id].status == "retracted"
        with pytest.raises(HotlineError, match="already retracted") as err:
            client.finish(report_id)
    assert err.value.code == REPORT_ALREADY_RETRACTED


def test_failure_mid_flow_retracts_the_report(server: HotlineDouble) -> None:
    server.fail_next["/fileinfo"] = 1000
    with _client(server) as client:
        with pytest.raises(HotlineError, match="error 1000"):
            client.send(build_report(text_only_minor()))
    [stored] = server.reports.values()
    assert stored.status == "retracted"
    assert server.calls[-1].path == "/retract"


def test_missing_image_loader_retracts(server: HotlineDouble) -> None:
    with _client(server) as client:
        with pytest.raises(InputError, match="pass load="):
            client.send(build_report(with_images()))
    assert [r.status for r in server.reports.values()] == ["retracted"]


def test_double_validates_what_it_receives(server: HotlineDouble) -> None:
    with httpx.Client(auth=(server.username, server.password)) as http:
        resp = http.post(
            server.url + "/submit",
            content=b"<report><additionalInfo>x</additionalInfo></report>",
            headers={"Content-Type": "text/xml"},
        )
    root = ET.fromstring(resp.content)
    assert resp.status_code == 400
    assert root.findtext("responseCode") == str(VALIDATION_FAILED)


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(USERNAME_ENV, raising=False)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    with pytest.raises(
        ConfigError,
        match="no CyberTipline credentials configured: only a "
        "vetted electronic service provider can submit",
    ):
        HotlineClient.from_env()
    with pytest.raises(ConfigError, match=PASSWORD_ENV):
        HotlineClient.from_env({USERNAME_ENV: "esp"})
    with HotlineClient.from_env({USERNAME_ENV: "esp", PASSWORD_ENV: "pw"}) as client:
        assert client.base_url == TEST_URL


def test_client_refuses_plain_http_off_loopback() -> None:
    with pytest.raises(ConfigError, match="https"):
        HotlineClient("http://report.example/ispws", "u", "p")


def test_report_is_a_value() -> None:
    rep = build_report(adult())
    doc = rep.to_json()
    doc["report"]["incidentSummary"]["incidentType"] = "changed"
    assert rep.report["incidentSummary"]["incidentType"] == NO_MINOR_INCIDENT_TYPE
    assert isinstance(rep, HotlineReport)


# ----------------------------------------------------------------------------- end to end


def test_bundle_from_the_store_submits_over_http(
    store: Any, tmp_path: Path, server: HotlineDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case opened in the real store, bundled by ``cases.build_bundle``, reported, sent."""
    monkeypatch.setenv("REDFLAGS_PLATFORM_EMAIL", "safety@classifieds.example")
    from PIL import Image

    from redflags.evidence.cases import build_bundle, open_case
    from redflags.evidence.log import EvidenceStore
    from redflags.store import SYSTEM, LocalScreener, prepare

    photos = tmp_path / "photos"
    photos.mkdir()
    Image.new("RGB", (32, 32), (200, 40, 90)).save(photos / "p1.png")
    ads = [
        {**MINOR_AD, "images": ["p1.png"]},
        {**SECOND_AD, "body": "Ask for Candy. roses 150/hr incall, call 305-555-0123"},
    ]
    store.ingest([prepare(json.dumps(a)) for a in ads], LocalScreener(), actor=SYSTEM, source="cli")
    ev = EvidenceStore.open(tmp_path / "evidence")
    case = open_case(
        store, ev, title="Miami", ad_ids=["a-1", "a-2"], actor=SYSTEM, image_root=photos
    )
    bundle = build_bundle(store, ev, case["id"])
    rep = build_report(bundle)
    assert rep.incident_type == CHILD_SEX_TRAFFICKING and rep.report["victim"]
    assert [f.kind for f in rep.files] == ["ad-text", "ad-text", "image"]
    assert _decode(rep.to_xml()) == rep.to_json()["report"]
    with _client(server) as client:
        sub = client.send(rep, load=lambda sha: ev.read(sha, actor="liaison", reason="report"))
    stored = server.reports[sub.report_id]
    assert stored.status == "finished" and len(stored.files) == 3
    image = next(f for f in stored.files.values() if f.name.endswith(".png"))
    assert hashlib.sha256(image.data).hexdigest() == bundle["images"][0]["sha256"]
