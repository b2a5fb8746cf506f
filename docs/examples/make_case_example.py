"""Build docs/examples/case-example.zip (synthetic data only) and PNG renders of its PDF report.

    .venv/bin/python docs/examples/make_case_example.py

Three invented ads (fictional 555-01xx numbers, example.* domains) and one abstract generated
picture are stored, linked, opened as a case and exported; ``pdftoppm`` (Debian poppler-utils)
renders the report's first pages to ``case-example-report-1.png`` / ``-2.png``.
"""

from __future__ import annotations

import subprocess
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import orjson
from PIL import Image, ImageDraw

from redflags.evidence.cases import add_note, open_case
from redflags.evidence.log import EvidenceStore
from redflags.evidence.package import export_case, verify_package
from redflags.store import Actor, LocalScreener, Store, prepare

HERE = Path(__file__).resolve().parent
ADS = [
    {"id": "ex-101", "site": "example-classifieds", "url": "https://example-classifieds.example/ex-101",
     "posted_at": "2025-02-03T21:10:00Z", "city": "Reno", "region": "NV", "country": "US",
     "category": "escorts", "title": "Lily, sweet and new",
     "body": "Hi gentlemen, I'm Lily, 16, new to this. Incall only, $200/hr. "
             "Text 775-555-0142", "images": ["lily.png"],
     "poster": {"account_id": "u-ex-7", "age_verified": False}},
    {"id": "ex-102", "site": "example-classifieds", "url": "https://example-classifieds.example/ex-102",
     "posted_at": "2025-02-10T20:45:00Z", "city": "Sacramento", "region": "CA", "country": "US",
     "category": "escorts", "title": "Ask for Lily",
     "body": "New in town. Ask for Lily. Incall, $150 roses. My manager books, text 775-555-0142",
     "poster": {"account_id": "u-ex-7", "age_verified": False}},
    {"id": "ex-103", "site": "example-classifieds", "url": "https://example-classifieds.example/ex-103",
     "posted_at": "2025-02-18T22:05:00Z", "city": "Fresno", "region": "CA", "country": "US",
     "category": "escorts", "title": "Lily visiting this week",
     "body": "Lily here, visiting until Sunday. Incall only. Gift cards ok. Text 775-555-0142",
     "poster": {"account_id": "u-ex-7", "age_verified": False}},
]


def _picture(path: Path) -> None:
    """An abstract, generated picture (no person): concentric shapes in muted colours."""
    img = Image.new("RGB", (160, 160), (230, 226, 218))
    draw = ImageDraw.Draw(img)
    for k in range(8):
        box = (10 + 9 * k, 10 + 9 * k, 150 - 9 * k, 150 - 9 * k)
        draw.ellipse(box, outline=(40 + 25 * k, 90, 160 - 15 * k), width=4)
    img.save(path)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rf-example-"))
    _picture(tmp / "lily.png")
    analyst = Actor(None, "analyst:example", "operator")
    store = Store.open(f"sqlite:///{tmp / 'db.sqlite'}")
    store.ingest([prepare(orjson.dumps(a).decode()) for a in ADS], LocalScreener(),
                 actor=analyst, source="cli")
    store.link(actor=analyst)
    [net], _ = store.networks()
    with EvidenceStore.open(tmp / "evidence") as ev:
        case = open_case(store, ev, title="Example: one person advertised in three cities",
                         network_id=net["id"], actor=analyst, image_root=tmp)
        add_note(store, case["id"], "Same phone and poster account in Reno, Sacramento and "
                 "Fresno within 15 days; stated age 16 in the first ad. Synthetic example.",
                 actor=analyst)
        out = HERE / "case-example.zip"
        export_case(store, ev, case["id"], out, actor=Actor(None, "liaison:example", "operator"),
                    created_at=datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    store.close()
    print(verify_package(out).summary())
    with zipfile.ZipFile(out) as zf:
        (tmp / "report.pdf").write_bytes(zf.read("report.pdf"))
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(tmp / "report.pdf"),
                    str(HERE / "case-example-report")], check=True)


if __name__ == "__main__":
    main()
