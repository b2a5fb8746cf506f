"""The human-readable report of a case package: HTML (self-contained) and PDF (fpdf2).

Written for an investigator who has never seen redflags: what the case is, why each ad was
flagged (evidence highlighted in the text as posted, with each indicator's published source),
the identifiers, the network's circuit, the people advertised, the chain of custody and how to
check the package.  Ad text reaches the HTML only through Jinja's autoescaping (evidence is cut
into :class:`~redflags.report.html.Segment` runs as data, as in the screening report).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from redflags.report.html import (
    CATEGORIES,
    ENTITY_LABELS,
    Highlight,
    Segment,
    category,
    segment,
)

__all__ = ["render_html", "render_pdf", "view"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_FIELDS = ("title", "body")
_LEVEL_WORDS = {
    "critical": "critical: strongest indicators (a stated age under 18 in a commercial-sex ad "
    "is always critical)",
    "high": "high: strong indicators, needs human review",
    "medium": "medium: some indicators",
    "low": "low: no or weak indicators",
}
#: DejaVu ships with most Linux systems and covers far more than Latin-1; without it the PDF
#: falls back to a core font and replaces what it cannot draw with "?"
_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
)


def _entities(a: Mapping[str, Any]) -> list[tuple[str, str]]:
    e = a.get("entities") or {}
    out = []
    for key, label in ENTITY_LABELS:
        vals = e.get(key) or []
        shown = []
        for v in vals:
            if isinstance(v, Mapping):
                if key == "handles":
                    shown.append(f"{v.get('platform')}: {v.get('handle')}")
                elif key == "crypto":
                    shown.append(f"{v.get('chain')}: {v.get('address')}")
                elif key == "prices":
                    per = f"/{v['per']}" if v.get("per") else ""
                    shown.append(f"{v.get('amount')} {v.get('currency') or ''}{per}".strip())
                else:
                    shown.append(
                        ", ".join(str(v[k]) for k in ("city", "region", "country") if v.get(k))
                    )
            else:
                shown.append(str(v))
        if shown:
            out.append((label, "; ".join(shown)))
    return out


def _ad_view(ad: Mapping[str, Any], images: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    content = ad.get("content") if isinstance(ad.get("content"), Mapping) else {}
    assert isinstance(content, Mapping)
    a = ad.get("assessment") or {}
    inds = [i for i in a.get("indicators") or [] if isinstance(i, Mapping)]
    spans: dict[str, list[Highlight]] = {}
    findings = []
    for i in inds:
        cat = str(i.get("category") or "")
        quotes = []
        for ev in i.get("evidence") or []:
            if not isinstance(ev, Mapping):
                continue
            fld = str(ev.get("field") or "body")
            try:
                spans.setdefault(fld, []).append(
                    Highlight(int(ev["start"]), int(ev["end"]), str(i.get("id")), cat)
                )
            except (KeyError, TypeError, ValueError):
                pass
            quotes.append(f"{fld}: \u201c{str(ev.get('text', ''))[:80]}\u201d")
        findings.append(
            {
                "id": str(i.get("id")),
                "category": category(cat).label,
                "css": f"cat-{category(cat).key}",
                "explanation": str(i.get("explanation") or category(cat).description),
                "source": str(i.get("source") or ""),
                "contribution": i.get("contribution", i.get("weight")),
                "quotes": quotes,
            }
        )
    fields = []
    for fld in (*_FIELDS, *sorted(k for k in spans if k not in _FIELDS)):
        text = content.get(fld)
        if isinstance(text, str) and text:
            fields.append({"name": fld, "segments": segment(text, spans.get(fld, []))})
    place = ", ".join(str(content[k]) for k in ("city", "region", "country") if content.get(k))
    return {
        "id": ad["id"],
        "version": ad["version"],
        "sha256": ad["sha256"],
        "received_at": ad.get("received_at"),
        "site": content.get("site") or "",
        "url": content.get("url") or "",
        "posted_at": content.get("posted_at") or "",
        "place": place,
        "risk": a.get("risk"),
        "level": a.get("level") or "",
        "level_words": _LEVEL_WORDS.get(str(a.get("level")), ""),
        "action": a.get("action") or "",
        "fields": fields,
        "findings": findings,
        "entities": _entities(a),
        "versions": ad.get("versions") or [],
        "images": [i for i in images if i["ad_id"] == ad["id"]],
    }


def view(bundle: Mapping[str, Any], meta: Mapping[str, Any]) -> dict[str, Any]:
    """What both renderings show, as plain data."""
    ads = [_ad_view(a, bundle["images"]) for a in bundle["ads"]]
    ads.sort(key=lambda a: (-(a["risk"] or 0), str(a["id"])))
    posted = sorted(a["posted_at"] for a in ads if a["posted_at"])
    minors = [v for v in bundle["victims"] if v["minor"]]
    levels: dict[str, int] = {}
    for a in ads:
        levels[a["level"]] = levels.get(a["level"], 0) + 1
    return {
        "case": bundle["case"],
        "platform": bundle["platform"],
        "meta": meta,
        "ads": ads,
        "levels": levels,
        "first_posted": posted[0] if posted else "",
        "last_posted": posted[-1] if posted else "",
        "cities": sorted({a["place"] for a in ads if a["place"]}),
        "victims": bundle["victims"],
        "minors": minors,
        "networks": bundle["networks"],
        "images": bundle["images"],
        "custody": bundle["custody"],
        "categories": CATEGORIES,
    }


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader([str(_TEMPLATES), str(_TEMPLATES.parent.parent / "report")]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(bundle: Mapping[str, Any], meta: Mapping[str, Any]) -> str:
    """The self-contained HTML report (no scripts, no external requests)."""
    return _env().get_template("case_report.html").render(**view(bundle, meta))


# -- PDF ----------------------------------------------------------------------------------------


def _font_file(name: str) -> Path | None:
    for d in _FONT_DIRS:
        p = Path(d, name)
        if p.is_file():
            return p
    return None


@cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def render_pdf(bundle: Mapping[str, Any], meta: Mapping[str, Any]) -> bytes:
    """The same report as a PDF (A4), drawn with fpdf2."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    v = view(bundle, meta)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    regular, bold = _font_file("DejaVuSans.ttf"), _font_file("DejaVuSans-Bold.ttf")
    family = "Helvetica"
    drawable: frozenset[int] = frozenset(range(256))
    if regular is not None and bold is not None:
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        family = "DejaVu"
        drawable = _cmap(str(regular)) & _cmap(str(bold))

    def txt(s: Any) -> str:
        # characters the font cannot draw (emoji, some fullwidth forms) become their NFKC
        # equivalent or "?"; the HTML report and ads/*.json keep every character as posted
        out = []
        for c in "" if s is None else str(s):
            if ord(c) in drawable or c in "\n\t":
                out.append(c)
            else:
                alt = unicodedata.normalize("NFKC", c)
                out.append(alt if alt and all(ord(x) in drawable for x in alt) else "?")
        return "".join(out)

    created = str(meta.get("created_at") or "")
    try:
        pdf.set_creation_date(datetime.fromisoformat(created.replace("Z", "+00:00")))
    except ValueError:
        pass
    case = v["case"]
    pdf.set_title(txt(f"Case package {case['id']}: {case['title']}"))
    pdf.set_creator(txt(meta.get("tool")))
    pdf.set_author(txt(meta.get("exported_by")))
    pdf.add_page()
    width = pdf.epw

    def heading(s: str, size: int = 13) -> None:
        pdf.ln(2)
        pdf.set_font(family, "B", size)
        pdf.multi_cell(width, 7, txt(s), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(family, "", 9)

    def para(s: str, h: float = 4.6) -> None:
        pdf.set_font(family, "", 9)
        pdf.multi_cell(width, h, txt(s), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pair(label: str, value: Any) -> None:
        pdf.set_font(family, "B", 9)
        pdf.cell(42, 4.8, txt(label))
        pdf.set_font(family, "", 9)
        pdf.multi_cell(width - 42, 4.8, txt(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    heading(f"Case package: {case['title']}", 16)
    para(
        "Prepared with redflags, a tool that screens online classified ads for signs of human "
        "trafficking, above all of children, and links ads into networks. Every flag below is "
        "a lead for a trained investigator, not a finding: it names the words in the ad that "
        "triggered it and the published research behind the indicator."
    )
    pair("Case", case["id"])
    pair("Opened", f"{case['opened_at']} by {case['opened_by']}")
    pair("Exported", f"{created} by {meta.get('exported_by')}")
    pair("Platform", " ".join(x for x in (v["platform"]["name"], v["platform"]["url"]) if x))
    pair("Ads", f"{len(v['ads'])} (posted {v['first_posted'] or '?'} to {v['last_posted'] or '?'})")
    pair("Levels", ", ".join(f"{n} {lv}" for lv, n in sorted(v["levels"].items())))
    pair("Cities", ", ".join(v["cities"]) or "none stated")
    if v["minors"]:
        pdf.set_text_color(150, 0, 40)
        heading(f"Possible child sex trafficking victim(s): {len(v['minors'])}", 12)
        pdf.set_text_color(0, 0, 0)
        para("At least one ad states an age under 18. Ages are as advertised, not verified.")

    if v["victims"]:
        heading("People advertised (as stated in the ads)")
        for p in v["victims"]:
            age = p["stated_age"] if p["stated_age"] is not None else "not stated"
            flag = " - POSSIBLE MINOR" if p["minor"] else ""
            para(
                f"{p['label']}{flag}: stated age {age}; names used: "
                f"{', '.join(p['names_used']) or 'none'}; cities: "
                f"{', '.join(p['cities']) or 'none'}; ads: {', '.join(p['ad_ids'])}"
            )

    for net in v["networks"]:
        heading(f"Network {net.get('id')} ({net.get('size')} ads)")
        circuit = " -> ".join(
            f"{c.get('city')}, {c.get('region') or c.get('country')} "
            f"({str(c.get('first_seen'))[:10]}..{str(c.get('last_seen'))[:10]}, {c.get('ads')} ads)"
            for c in net.get("cities") or []
        )
        pair("Circuit", circuit or "no cities")
        for kind, vals in (net.get("identifiers") or {}).items():
            pair(f"Shared {kind}", ", ".join(map(str, vals[:12])))
        if net.get("names"):
            pair("Names used", ", ".join(net["names"][:20]))
        for m in net.get("area_code_mismatch") or []:
            pair(
                "Area code",
                f"{m.get('phone')} ({m.get('phone_state')}) advertised in "
                f"{m.get('advertised')}, {m.get('ads')} ads",
            )

    heading("The ads, and why each was flagged")
    for ad in v["ads"]:
        pdf.set_font(family, "B", 11)
        pdf.multi_cell(
            width,
            6,
            txt(
                f"Ad {ad['id']} (version {ad['version']}): "
                f"{ad['level']}, risk {ad['risk']}, action {ad['action']}"
            ),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pair("Posted", f"{ad['posted_at']} on {ad['site']} {ad['url']} - {ad['place']}")
        pair("SHA-256", ad["sha256"])
        for f in ad["fields"]:
            pdf.set_font(family, "B", 9)
            pdf.write(4.8, txt(f"{f['name'].capitalize()}: "))
            for s in f["segments"]:
                assert isinstance(s, Segment)
                if s.marked:
                    pdf.set_font(family, "B", 9)
                    pdf.set_text_color(150, 0, 40)
                    pdf.write(4.8, txt(f"[{s.text}]"))
                    pdf.set_text_color(0, 0, 0)
                else:
                    pdf.set_font(family, "", 9)
                    pdf.write(4.8, txt(s.text))
            pdf.ln(6)
        for fd in ad["findings"]:
            para(
                f"- {fd['id']} ({fd['category']}): {fd['explanation']} Evidence: "
                f"{'; '.join(fd['quotes']) or 'structural'}. Source: {fd['source']}"
            )
        for label, value in ad["entities"]:
            pair(label, value)
        pdf.ln(2)

    if case.get("notes"):
        heading("Analyst notes")
        for n in case["notes"]:
            para(f"{n['at']} {n['by']}: {n['text']}")

    heading("Chain of custody")
    para(
        f"{len(v['custody'])} evidence log entries name the objects in this package "
        "(custody.jsonl). Each entry holds the SHA-256 of the previous one."
    )
    for e in v["custody"][:200]:
        para(
            f"#{e['seq']} {e['at']} {e['event']} by {e['actor']}: {e['reason']} [{e['hash'][:16]}]",
            4.2,
        )
    heading("How to verify this package")
    head = meta.get("head") or (0, "")
    para(
        "1. With redflags: `redflags case verify case.zip` re-hashes every file against "
        "manifest.json and checks every custody entry's hash.\n"
        "2. Without redflags: unzip, then `sha256sum -c SHA256SUMS` in the folder; compare "
        "manifest.json's entries.\n"
        f"3. Ask the platform to confirm its evidence log head at export: seq {head[0]}, hash "
        f"{head[1]}, and the export entry that follows it, which records this manifest's "
        "SHA-256."
    )
    return bytes(pdf.output())
