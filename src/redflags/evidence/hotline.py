"""A case as a CyberTipline-shaped hotline report (JSON and XML), validated against our XSD.

``build_report(bundle)`` turns a case bundle (Contract 2 in :mod:`redflags.evidence`) into a
:class:`HotlineReport` that follows the public field structure of the CyberTipline Reporting
API: ``incidentSummary``, ``internetDetails`` (web pages, cell phones, emails, chat handles),
``reporter``, ``personOrUserReported``, ``victim`` blocks and ``additionalInfo``, plus one
``fileDetails`` document per file with its SHA-256.  Two gaps users report in other tools are
closed on purpose:

* **text-only cases** are complete: the ad text as posted is the reported content, attached as
  one text file per ad with its SHA-256 (and the SHA-256 of the ad as received, which the
  evidence log holds), so a case without images still has file details;
* a **victim block** is written for every victim in the bundle, and derived from the ads when
  an ad states a minor age but the bundle names no victim.

The JSON mirrors the XML element for element, in the convention ``xmlschema`` decodes to
(attributes as ``"@name"``, text of an element that has attributes as ``"$"``, repeatable
elements as lists), so ``schema().to_dict(report.to_xml()) == report.to_json()["report"]``.
Every string is made XML 1.0-safe once, when the report is built (characters XML forbids
become ``[U+0007]``; line ends become ``\\n``), so JSON and XML always carry the same text.

Only a vetted electronic service provider can *submit* (:mod:`redflags.evidence.hotline_client`).

>>> bundle = {"case": {"id": "c-1", "title": "t"}, "platform": {"name": "Example"},
...           "ads": [{"id": "a-1", "sha256": "0" * 64, "content": {"id": "a-1",
...                    "body": "hi", "posted_at": "2026-05-01T21:14:00Z"}, "assessment": {}}]}
>>> rep = build_report(bundle)
>>> rep.report["incidentSummary"]["incidentDateTime"], [f.name for f in rep.files]
('2026-05-01T21:14:00Z', ['ad-a-1.txt'])
>>> rep.to_xml().startswith(b"<?xml")
True
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import xmlschema

from redflags.errors import InputError

__all__ = [
    "CHILD_SEX_TRAFFICKING",
    "MINOR_AGE_INDICATORS",
    "NO_MINOR_INCIDENT_TYPE",
    "HotlineReport",
    "ReportFile",
    "build_report",
    "clean_text",
    "schema",
    "validate_xml",
    "write_report",
]

#: Incident type for a case with a minor victim or a stated minor age (18 U.S.C. 1591).
CHILD_SEX_TRAFFICKING = "Child Sex Trafficking"
#: The public enumeration covers offences against children only; with no minor identified we do
#: not claim one.  This is the closest remaining value (the ads use disguised, misleading wording
#: to get past filters) and ``additionalInfo`` says so in plain words.  Change it here if NCMEC
#: advises otherwise.
NO_MINOR_INCIDENT_TYPE = "Misleading Words or Digital Images on the Internet"
#: Catalog indicators that mean "the ad states an age under 18" (critical findings).
MINOR_AGE_INDICATORS = frozenset({"youth.minor_age"})
#: Under this age a person is a child (18 U.S.C. 1591(a): "has not attained the age of 18").
ADULT_AGE = 18
#: Evidence quotes listed in additionalInfo; the case package holds every span.
MAX_EVIDENCE_QUOTES = 60
#: Hash names as the API's ``hashType`` attribute spells them.
SHA256 = "SHA256"

_SCHEMA_FILE = "cybertipline.xsd"
# Characters XML 1.0 forbids (C0 controls except tab/LF/CR, surrogates, U+FFFE/U+FFFF).
_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_COUNTRY = re.compile(r"[A-Z][A-Z0-9]")


@functools.cache
def schema() -> xmlschema.XMLSchema:
    """The CyberTipline-shaped XSD shipped with redflags (loaded once)."""
    ref = resources.files("redflags.evidence").joinpath("schemas", _SCHEMA_FILE)
    with resources.as_file(ref) as path:
        return xmlschema.XMLSchema(str(path))


def validate_xml(data: bytes) -> None:
    """Raise :class:`InputError` naming the first problem if ``data`` does not validate.

    >>> validate_xml(b"<reportResponse><responseCode>0</responseCode></reportResponse>")
    """
    try:
        error = next(schema().iter_errors(io.BytesIO(data)), None)
    except ET.ParseError as exc:
        raise InputError(f"not well-formed XML: {exc}") from None
    if error is not None:
        where = error.path or "document"
        raise InputError(f"XML does not validate against {_SCHEMA_FILE} at {where}: {error.reason}")


def clean_text(value: object) -> str:
    """Text made safe for XML 1.0: forbidden characters become ``[U+XXXX]``, line ends ``\\n``.

    >>> clean_text("a\\x07b\\r\\nc <&>")
    'a[U+0007]b\\nc <&>'
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _FORBIDDEN.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


@dataclass(frozen=True, slots=True)
class ReportFile:
    """One file of the report: the ad text redflags renders (``data`` set) or an image (bytes
    in the evidence store, fetched by ``sha256`` when submitting)."""

    name: str
    media_type: str
    sha256: str
    ad_id: str
    kind: str  # "ad-text" | "image"
    data: bytes | None = None


@dataclass(frozen=True, slots=True)
class HotlineReport:
    """A CyberTipline-shaped report: the ``report`` tree, one ``fileDetails`` tree per file."""

    report: dict[str, Any]
    file_details: tuple[dict[str, Any], ...]
    files: tuple[ReportFile, ...]
    incident_type: str
    minor_involved: bool
    warnings: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """``{"report": ..., "fileDetails": [...]}`` with the XML element names."""
        return {
            "report": copy.deepcopy(self.report),
            "fileDetails": [copy.deepcopy(d) for d in self.file_details],
        }

    def to_xml(self) -> bytes:
        """The ``<report>`` document as sent to ``/submit``, validated against the XSD."""
        return _document("report", self.report)

    def file_details_xml(
        self, index: int, report_id: int | None = None, file_id: str | None = None
    ) -> bytes:
        """The ``<fileDetails>`` document of file ``index`` (ids from the server, if known)."""
        head: dict[str, Any] = {}
        if report_id is not None:
            head["reportId"] = report_id
        if file_id is not None:
            head["fileId"] = clean_text(file_id)
        return _document("fileDetails", {**head, **self.file_details[index]})


# ----------------------------------------------------------------------------- XML writing


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(elem: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, sub in value.items():
            if key == "$":
                elem.text = _text(sub)
            elif key.startswith("@"):
                elem.set(key[1:], _text(sub))
            else:
                for item in sub if isinstance(sub, list) else [sub]:
                    _fill(ET.SubElement(elem, key), item)
    else:
        elem.text = _text(value)


def _document(root: str, tree: Mapping[str, Any]) -> bytes:
    elem = ET.Element(root)
    _fill(elem, tree)
    ET.indent(elem)
    data: bytes = ET.tostring(elem, encoding="UTF-8", xml_declaration=True)
    validate_xml(data)
    return data


# ----------------------------------------------------------------------------- reading a bundle


def _s(value: object) -> str:
    """A bundle value as clean text ('' for None)."""
    return "" if value is None else clean_text(value).strip()


def _put(tree: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` unless the value is empty (optional elements are left out, never empty)."""
    if value is None or value == "" or value == [] or value == {}:
        return
    tree[key] = value


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _parse_time(value: object) -> tuple[datetime, bool] | None:
    """(aware UTC time, whether the zone was assumed) or None when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    assumed = dt.tzinfo is None
    if assumed:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC), assumed


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _findings(assessment: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = assessment.get("indicators", assessment.get("findings", []))
    return [f for f in found if isinstance(f, Mapping)] if isinstance(found, list) else []


def _entities(assessment: Mapping[str, Any], key: str) -> list[Any]:
    ents = assessment.get("entities")
    vals = ents.get(key, []) if isinstance(ents, Mapping) else []
    return vals if isinstance(vals, list) else []


def _place(c: Mapping[str, Any]) -> tuple[str, str, str]:
    return (_s(c.get("city")), _s(c.get("region")), _s(c.get("country")))


def _place_text(p: tuple[str, str, str]) -> str:
    return ", ".join(x for x in p if x)


def _location(p: tuple[str, str, str]) -> dict[str, Any]:
    loc: dict[str, Any] = {}
    _put(loc, "city", p[0])
    _put(loc, "region", p[1])
    if _COUNTRY.fullmatch(p[2].upper()):
        loc["countryCode"] = p[2].upper()
    return loc


def _phone(e164: str) -> dict[str, Any] | str:
    """``{"@countryCallingCode": "+1", "$": "3055550123"}`` for an E.164 number."""
    import phonenumbers

    try:
        num = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return {
        "@countryCallingCode": f"+{num.country_code}",
        "$": phonenumbers.national_significant_number(num),
    }


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("redflags")
    except PackageNotFoundError:  # a source tree without metadata
        return "(development)"


def _safe_name(ad_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", ad_id)[:80] or "ad"


@dataclass
class _Ad:
    id: str
    sha256: str
    content: Mapping[str, Any]
    assessment: Mapping[str, Any]
    version: Any = None
    received_at: str = ""

    @property
    def minor_ages(self) -> list[int]:
        ages = [_int(a) for a in _entities(self.assessment, "ages")]
        return sorted({a for a in ages if a is not None and a < ADULT_AGE})

    @property
    def has_minor_finding(self) -> bool:
        return any(f.get("id") in MINOR_AGE_INDICATORS for f in _findings(self.assessment))

    @property
    def place(self) -> tuple[str, str, str]:
        return _place(self.content)

    @property
    def poster_ids(self) -> list[str]:
        poster = self.content.get("poster")
        ids = [_s(self.content.get("poster_id"))]
        if isinstance(poster, Mapping):
            ids.append(_s(poster.get("account_id")))
        return _unique(ids)


def _read_ads(bundle: Mapping[str, Any]) -> list[_Ad]:
    raw = bundle.get("ads")
    if not isinstance(raw, list) or not raw:
        raise InputError("case bundle has no ads: a hotline report needs at least one ad")
    ads: list[_Ad] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise InputError(f"case bundle: ads[{i}] is not an object")
        content = item.get("content") or {}
        assessment = item.get("assessment") or {}
        if not isinstance(content, Mapping) or not isinstance(assessment, Mapping):
            raise InputError(f"case bundle: ads[{i}] content/assessment must be objects")
        ad_id = _s(item.get("id") or content.get("id"))
        if not ad_id:
            raise InputError(f"case bundle: ads[{i}] has no id")
        ads.append(
            _Ad(
                ad_id,
                _s(item.get("sha256")),
                content,
                assessment,
                item.get("version"),
                _s(item.get("received_at")),
            )
        )
    return ads


# ----------------------------------------------------------------------------- the sections


def _ad_text_file(ad: _Ad, platform: str) -> ReportFile:
    """The ad as posted, as a small UTF-8 text file (title and body verbatim)."""
    c = ad.content
    lines = [
        f"Ad {ad.id} as received by {platform or 'the platform'}"
        + (f" on {ad.received_at}" if ad.received_at else "")
    ]
    for label, value in (
        ("Site", c.get("site")),
        ("URL", c.get("url")),
        ("Posted at", c.get("posted_at")),
        ("Place", _place_text(ad.place)),
        ("Poster account", ", ".join(ad.poster_ids)),
    ):
        if value:
            lines.append(f"{label}: {value}")
    lines += ["", "Title:", str(c.get("title") or ""), "", "Body:", str(c.get("body") or ""), ""]
    data = "\n".join(lines).encode("utf-8", "backslashreplace")
    return ReportFile(
        f"ad-{_safe_name(ad.id)}.txt",
        "text/plain; charset=utf-8",
        hashlib.sha256(data).hexdigest(),
        ad.id,
        "ad-text",
        data,
    )


def _file_details(
    f: ReportFile, ad: _Ad | None, image: Mapping[str, Any] | None, text_only: bool
) -> dict[str, Any]:
    fd: dict[str, Any] = {"fileName": clean_text(f.name)}
    hashes: list[dict[str, Any]] = []
    info: list[str] = []
    if f.kind == "ad-text":
        assert ad is not None
        _put(fd, "locationOfFile", _s(ad.content.get("url")))
        fd["fileViewedByEsp"] = True
        if ad.sha256:
            hashes.append(
                {
                    "@type": "HASH",
                    "nameValuePair": [
                        {
                            "name": "SHA-256 of the ad as received (evidence log object)",
                            "value": ad.sha256,
                        }
                    ],
                }
            )
        info.append(
            f"Text of ad {_s(ad.id)} exactly as posted (title and body), as a UTF-8 text file."
            + (
                " This case has no images: the ad text is the reported content."
                if text_only
                else ""
            )
        )
    else:
        assert image is not None
        _put(fd, "originalFileName", _s(image.get("filename")))
        pdq = _s(image.get("pdq"))
        if pdq:
            hashes.append({"@type": "HASH", "nameValuePair": [{"name": "PDQ", "value": pdq}]})
        info.append(f"Image posted with ad {_s(f.ad_id)}.")
    fd["fileRelevance"] = "Reported"
    fd["originalFileHash"] = [{"@hashType": SHA256, "$": f.sha256}]
    _put(fd, "details", hashes)
    fd["additionalInfo"] = [clean_text(i) for i in info]
    return fd


def _victims(bundle: Mapping[str, Any], ads: list[_Ad], platform: str) -> list[dict[str, Any]]:
    raw = bundle.get("victims")
    victims: list[Mapping[str, Any]] = (
        [v for v in raw if isinstance(v, Mapping)] if isinstance(raw, list) else []
    )
    if not victims:  # derive one per ad that states a minor age, so a child is never left out
        victims = [
            {
                "label": f"person advertised in ad {a.id}",
                "stated_age": a.minor_ages[0] if a.minor_ages else None,
                "minor": True,
                "ad_ids": [a.id],
                "cities": [dict(zip(("city", "region", "country"), a.place, strict=True))],
                "derived": True,
            }
            for a in ads
            if a.has_minor_finding
        ]
    out: list[dict[str, Any]] = []
    for v in victims:
        age = _int(v.get("stated_age"))
        minor = bool(v.get("minor")) or (age is not None and age < ADULT_AGE)
        names = _unique(_s(n) for n in v.get("names_used") or [] if n)
        ad_ids = _unique(_s(a) for a in v.get("ad_ids") or [] if a)
        places: list[tuple[str, str, str]] = []
        for c in v.get("cities") or []:
            p = _place(c) if isinstance(c, Mapping) else (_s(c), "", "")
            if any(p) and p not in places:
                places.append(p)
        block: dict[str, Any] = {}
        if age is not None:
            block["victimPerson"] = {"age": age}
        _put(block, "displayName", names)
        if places:
            _put(block, "estimatedLocation", _location(places[0]))
        label = _s(v.get("label")) or "person advertised"
        who = (
            "possible child sex trafficking victim"
            if minor
            else "possible victim of trafficking (no minor age stated)"
        )
        parts = [f"{label}: {who}."]
        if age is not None:
            parts.append(f"Age {age} as stated in the ad(s), not verified.")
        if ad_ids:
            parts.append("Advertised in ad(s) " + ", ".join(ad_ids) + f" on {platform}.")
        if names:
            parts.append(
                "Names used in the ads (may be aliases chosen by whoever posted): "
                + ", ".join(names)
                + "."
            )
        if places:
            parts.append("Cities advertised: " + "; ".join(_place_text(p) for p in places) + ".")
        if v.get("derived"):
            parts.append("Derived by redflags from the stated age; no analyst has confirmed it.")
        parts.append("No image of this person is attached or needed for this report.")
        block["additionalInfo"] = clean_text(" ".join(parts))
        out.append(block)
    return out


def _evidence_lines(ads: list[_Ad]) -> list[str]:
    by_indicator: dict[str, dict[str, Any]] = {}
    for ad in ads:
        for f in _findings(ad.assessment):
            fid = _s(f.get("id"))
            entry = by_indicator.setdefault(
                fid,
                {
                    "explanation": _s(f.get("explanation")),
                    "source": _s(f.get("source")),
                    "weight": f.get("weight"),
                    "quotes": [],
                },
            )
            for e in f.get("evidence") or []:
                if isinstance(e, Mapping):
                    entry["quotes"].append(
                        f'ad {ad.id}, {_s(e.get("field"))}: "{_s(e.get("text"))}"'
                    )
    lines: list[str] = []
    budget = MAX_EVIDENCE_QUOTES
    for fid, entry in by_indicator.items():
        quotes = _unique(entry["quotes"])
        context = " (context only; adds no risk)" if entry["weight"] == 0 else ""
        lines.append(
            f"- {fid}{context}: {entry['explanation']}"
            + (f" Source: {entry['source']}." if entry["source"] else "")
        )
        shown, budget = quotes[: max(budget, 0)], budget - len(quotes)
        lines += [f"    {q}" for q in shown]
        if len(quotes) > len(shown):
            lines.append(f"    ... and {len(quotes) - len(shown)} more in the case package")
    return lines


def _network_lines(bundle: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for net in bundle.get("networks") or []:
        if not isinstance(net, Mapping):
            continue
        size = net.get("size") or len(net.get("ads") or [])
        idents = net.get("identifiers") or net.get("keys") or {}
        kinds = ", ".join(sorted(idents)) if isinstance(idents, Mapping) else ""
        stops: list[str] = []
        for c in net.get("circuit") or net.get("cities") or []:
            if isinstance(c, Mapping):
                span = " to ".join(
                    _unique([_s(c.get("first_seen"))[:10], _s(c.get("last_seen"))[:10]])
                )
                stops.append(_place_text(_place(c)) + (f" ({span})" if span else ""))
            else:
                stops.append(_s(c))
        lines.append(
            f"- Network {_s(net.get('id'))}: {size} ads linked"
            + (f" by shared {kinds}" if kinds else "")
            + "."
            + (" Circuit: " + " -> ".join(stops) + "." if stops else "")
        )
    if lines:
        lines.append(
            "  A link is a lead for an investigator, not a finding: phones and photos "
            "can be reused or misappropriated by others."
        )
    return lines


# ----------------------------------------------------------------------------- the report


def build_report(bundle: Mapping[str, Any]) -> HotlineReport:
    """Build the CyberTipline-shaped report of a case bundle (Contract 2).

    Raises :class:`InputError` when the bundle has no ads or a malformed ad entry.
    """
    if not isinstance(bundle, Mapping):
        raise InputError("case bundle must be a JSON object")
    case = bundle.get("case") if isinstance(bundle.get("case"), Mapping) else {}
    assert isinstance(case, Mapping)
    plat = bundle.get("platform") if isinstance(bundle.get("platform"), Mapping) else {}
    assert isinstance(plat, Mapping)
    platform, plat_url, plat_email = (
        _s(plat.get("name")),
        _s(plat.get("url")),
        _s(plat.get("contact_email")),
    )
    ads = _read_ads(bundle)
    warnings: list[str] = []

    # --- who: a minor?
    raw_victims = bundle.get("victims") if isinstance(bundle.get("victims"), list) else []
    assert isinstance(raw_victims, list)
    minor_victims = [
        v
        for v in raw_victims
        if isinstance(v, Mapping)
        and (
            v.get("minor")
            or (
                _int(v.get("stated_age")) is not None
                and (_int(v.get("stated_age")) or 0) < ADULT_AGE
            )
        )
    ]
    minor_ads = [a for a in ads if a.has_minor_finding]
    minor = bool(minor_victims or minor_ads)
    incident_type = CHILD_SEX_TRAFFICKING if minor else NO_MINOR_INCIDENT_TYPE

    # --- when
    times = [(t, a) for a in ads if (t := _parse_time(a.content.get("posted_at")))]
    basis = "posted"
    if not times:
        times = [(t, a) for a in ads if (t := _parse_time(a.received_at))]
        basis = "received by the platform"
    if not times and (t := _parse_time(case.get("opened_at"))):
        times, basis = [(t, ads[0])], "case opened (no ad time recorded)"
    if not times:
        raise InputError(
            "case bundle has no usable time: no ad posted_at or received_at, "
            "and no case opened_at (ISO 8601 expected)"
        )
    times.sort(key=lambda ta: ta[0][0])
    (first, assumed), first_ad = times[0]
    last = times[-1][0][0]
    when = (
        f"Earliest time an ad in this case was {basis} (ad {first_ad.id}); "
        f"the ads in this case run until {_iso(last)}."
    )
    if assumed:
        when += " The site gave no time zone; UTC was assumed."

    summary: dict[str, Any] = {"incidentType": incident_type}
    sites = Counter(_s(a.content.get("site")) for a in ads if a.content.get("site"))
    _put(summary, "platform", sites.most_common(1)[0][0] if sites else platform)
    if minor:
        ages = sorted(
            {g for a in ads for g in a.minor_ages}
            | {
                g
                for v in minor_victims
                if (g := _int(v.get("stated_age"))) is not None and g < ADULT_AGE
            }
        )
        summary["escalateToHighPriority"] = clean_text(
            "A child is involved: "
            + (f"the ads state age {', '.join(map(str, ages))}; " if ages else "")
            + "a minor advertised for commercial sex is a child sex trafficking victim and may "
            "be at immediate risk."
        )
    summary["incidentDateTime"] = _iso(first)
    summary["incidentDateTimeDescription"] = clean_text(when)

    # --- where: internet details
    details: list[dict[str, Any]] = []
    urls = _unique(_s(a.content.get("url")) for a in ads)
    text_only = not bundle.get("images")
    web_info = [f"{len(ads)} ad(s) on {', '.join(sites) or platform or 'the platform'}."]
    for a in ads:
        web_info.append(
            f"Ad {a.id}"
            + (f" ({_s(a.content.get('url'))})" if a.content.get("url") else " (no URL recorded)")
            + (f": SHA-256 of the ad as received {a.sha256}" if a.sha256 else "")
        )
    if text_only:
        web_info.append(
            "Text-only case: the ads carry no images; the ad text as posted is the "
            "reported content and is attached as one text file per ad with its "
            "SHA-256."
        )
    web: dict[str, Any] = {}
    _put(web, "url", urls)
    web["additionalInfo"] = clean_text("\n".join(web_info))
    details.append({"webPageIncident": web})

    phones = _unique(_s(p) for a in ads for p in _entities(a.assessment, "phones"))
    emails = _unique(_s(e).lower() for a in ads for e in _entities(a.assessment, "emails"))
    handles: list[tuple[str, str]] = list(
        dict.fromkeys(
            (_s(h.get("platform")), _s(h.get("handle")))
            for a in ads
            for h in _entities(a.assessment, "handles")
            if isinstance(h, Mapping) and h.get("handle")
        )
    )
    for p in phones:
        n = sum(p in _entities(a.assessment, "phones") for a in ads)
        details.append(
            {
                "cellPhoneIncident": {
                    "phoneNumber": _phone(p),
                    "additionalInfo": f"Contact number advertised in {n} ad(s) of this case.",
                }
            }
        )
    if emails:
        details.append(
            {
                "emailIncident": {
                    "emailAddress": emails,
                    "additionalInfo": "Contact email address(es) advertised in the ads.",
                }
            }
        )
    for plat_name, handle in handles:
        details.append(
            {
                "chatImIncident": {
                    "chatClient": plat_name or "unknown messaging service",
                    "additionalInfo": clean_text(f"Contact handle advertised in the ads: {handle}"),
                }
            }
        )

    # --- reporter
    person: dict[str, Any] = {}
    _put(person, "email", [plat_email] if plat_email else [])
    if not plat_email:
        warnings.append(
            "platform.contact_email is missing (set REDFLAGS_PLATFORM_EMAIL): the "
            "CyberTipline needs the reporting person's email, so the report has no "
            "reportingPerson and the client will not submit it"
        )
    reporter: dict[str, Any] = {}
    _put(reporter, "reportingPerson", person)
    reporter["companyTemplate"] = clean_text(
        f"Report prepared by {platform or 'the platform'}"
        + (f" ({plat_url})" if plat_url else "")
        + f" with redflags {_version()} from case {_s(case.get('id'))}"
        + (f"; contact {plat_email}" if plat_email else "")
        + "."
    )
    _put(reporter, "legalURL", plat_url)

    # --- the person or user reported: the poster(s) and the contacts they advertise
    posters = Counter(pid for a in ads for pid in a.poster_ids)
    places = Counter(a.place for a in ads if any(a.place))
    reported: dict[str, Any] = {}
    rperson: dict[str, Any] = {}
    _put(rperson, "phone", [_phone(p) for p in phones])
    _put(rperson, "email", emails)
    _put(reported, "personOrUserReportedPerson", rperson)
    ranked = [pid for pid, _ in posters.most_common()]
    if ranked:
        reported["espIdentifier"] = ranked[0]
        _put(reported, "espService", platform)
    if places:
        reported["estimatedLocation"] = _location(places.most_common(1)[0][0])
    accounts: list[dict[str, Any]] = [
        {
            "@type": "Linked",
            "espService": platform,
            "espIdentifier": pid,
            "additionalInfo": "Another poster account on this platform whose ads are in this case.",
        }
        if platform
        else {"@type": "Linked", "espIdentifier": pid}
        for pid in ranked[1:]
    ]
    accounts += [
        {
            "@type": "Other",
            "platform": {"@thirdPartyUser": True, "$": plat_name or "unknown"},
            "screenName": handle,
            "additionalInfo": "Messaging handle advertised as a contact in the ads.",
        }
        for plat_name, handle in handles
    ]
    _put(reported, "associatedAccount", accounts)
    if reported:
        info = [
            f"Poster account(s): {', '.join(ranked)}."
            if ranked
            else "No poster account id was recorded; the identifiers below come from the ads."
        ]
        if len(places) > 1:
            info.append(
                "Cities advertised: "
                + "; ".join(
                    f"{_place_text(p)} ({n} ad{'s' if n > 1 else ''})"
                    for p, n in places.most_common()
                )
                + "."
            )
        reported["additionalInfo"] = clean_text(" ".join(info))

    # --- victims
    victims = _victims(bundle, ads, platform or "the platform")
    if minor and not victims:  # unreachable by construction; guard the promise anyway
        raise AssertionError("a minor case must carry a victim block")

    # --- why, in plain language
    why: list[str] = [
        f"Why this report: redflags case {_s(case.get('id'))}"
        + (f" ({_s(case.get('title'))})" if case.get("title") else "")
        + f", {len(ads)} ad(s), {len(bundle.get('images') or [])} image(s)."
    ]
    if minor:
        why.append(
            f"Incident type '{CHILD_SEX_TRAFFICKING}': "
            + (
                "the case names a minor victim"
                if minor_victims
                else "an ad states an age under 18 for the person advertised"
            )
            + (f" (ads {', '.join(a.id for a in minor_ads)})" if minor_ads else "")
            + ". In a commercial-sex ad a person under 18 is a child sex trafficking "
            "victim: no minor can consent."
        )
    else:
        why.append(
            f"Incident type '{NO_MINOR_INCIDENT_TYPE}': no minor is identified in this "
            "case, so 'Child Sex Trafficking' is not claimed. The CyberTipline's public "
            "incident types cover offences against children only and none describes "
            "trafficking of an adult; this is the closest value, because the ads use "
            "disguised wording to pass filters. If the person advertised may be a minor, "
            "say so in a new report; adult cases are usually better referred to the "
            "National Human Trafficking Hotline or local law enforcement."
        )
        warnings.append(
            "no minor identified: the CyberTipline is for offences against "
            "children; check that this is the right hotline"
        )
    ev = _evidence_lines(ads)
    if ev:
        why.append("Indicators found, with the words as posted:")
        why += ev
    nets = _network_lines(bundle)
    if nets:
        why.append("Network:")
        why += nets
    why.append(
        "Content: "
        + (
            "text only (no images); the text of each ad is attached as a file with its SHA-256."
            if text_only
            else "the ad texts and images are attached as files with their SHA-256."
        )
    )
    why.append(
        "These are leads from automated screening checked by trained reviewers, not verdicts."
    )

    report: dict[str, Any] = {
        "incidentSummary": summary,
        "internetDetails": details,
        "reporter": reporter,
    }
    _put(report, "personOrUserReported", reported)
    _put(report, "victim", victims)
    report["additionalInfo"] = clean_text("\n".join(why))

    # --- files: every ad's text; every image
    by_id = {a.id: a for a in ads}
    files: list[ReportFile] = [_ad_text_file(a, platform) for a in ads]
    fdetails = [_file_details(f, by_id[f.ad_id], None, text_only) for f in files]
    for img in bundle.get("images") or []:
        if not isinstance(img, Mapping) or not img.get("sha256"):
            raise InputError("case bundle: every image needs a sha256")
        f = ReportFile(
            _s(img.get("filename")) or f"{_s(img.get('sha256'))[:16]}.img",
            _s(img.get("media_type")) or "application/octet-stream",
            _s(img.get("sha256")).lower(),
            _s(img.get("ad_id")),
            "image",
        )
        files.append(f)
        fdetails.append(_file_details(f, None, img, text_only))

    rep = HotlineReport(
        report, tuple(fdetails), tuple(files), incident_type, minor, tuple(warnings)
    )
    rep.to_xml()  # fail here, with the reason, rather than at submission
    for i in range(len(fdetails)):
        rep.file_details_xml(i)
    return rep


def write_report(bundle: Mapping[str, Any], out_dir: Path | str) -> tuple[Path, Path]:
    """Write ``hotline-report.json`` and ``hotline-report.xml`` into ``out_dir``, plus
    ``hotline-files/``: each ad text file and each file's ``fileDetails`` XML.

    Returns ``(json_path, xml_path)``.  Images are not copied (they are in the case package
    and the evidence store, named by SHA-256).
    """
    rep = build_report(bundle)
    out = Path(out_dir)
    files_dir = out / "hotline-files"
    files_dir.mkdir(parents=True, exist_ok=True)
    json_path, xml_path = out / "hotline-report.json", out / "hotline-report.xml"
    doc = rep.to_json()
    doc["redflags"] = {
        "incidentType": rep.incident_type,
        "minorInvolved": rep.minor_involved,
        "warnings": list(rep.warnings),
        "files": [
            {
                "name": f.name,
                "mediaType": f.media_type,
                "sha256": f.sha256,
                "adId": f.ad_id,
                "kind": f.kind,
            }
            for f in rep.files
        ],
    }
    json_path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
    xml_path.write_bytes(rep.to_xml())
    for i, f in enumerate(rep.files):
        if f.data is not None:
            (files_dir / f.name).write_bytes(f.data)
        (files_dir / f"{i + 1:03d}-{f.name}.fileDetails.xml").write_bytes(rep.file_details_xml(i))
    return json_path, xml_path
