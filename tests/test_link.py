"""Network linking end to end: real screening, real templates, union-find, hubs, circuits."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redflags.io import parse_ad
from redflags.link.engine import LinkParams, LinkResult, link_records
from redflags.screen import screen


def _link(ads: Sequence[dict[str, Any]], params: LinkParams | None = None) -> LinkResult:
    pairs = [(ad, screen(parse_ad(ad, i + 1)).to_json()) for i, ad in enumerate(ads)]
    return link_records(pairs, params)


def _net(res: LinkResult, ad_id: str) -> str | None:
    network: str | None = next(r["network"] for r in res.links if r["id"] == ad_id)
    return network


TEMPLATE_A = (
    "Hi gentlemen, I am {name}, sweet and classy companion visiting {city} this week. "
    "Upscale incall near the airport, {price} roses per hour, donation upfront. "
    "Serious gentlemen only, screening required. Call {phone}"
)
TEMPLATE_B = (
    "Good evening, {name} here. Independent provider with a warm smile and a calm voice. "
    "Outcall to hotels only, {price} per half hour hh, no rush. "
    "Text {phone} and mention this ad, gentlemen"
)


def _ad(i: str, template: str, name: str, city: str, price: int, phone: str,
        date: str = "2026-05-01T10:00:00Z", region: str = "FL") -> dict[str, Any]:
    body = template.format(name=name, city=city, price=price, phone=phone)
    return {"id": i, "category": "escorts", "body": body, "city": city, "region": region,
            "country": "US", "posted_at": date}


def test_infoshield_style_two_templates_and_a_loner() -> None:
    ads = [
        _ad("a1", TEMPLATE_A, "Amber", "Miami", 200, "305-555-0101"),
        _ad("a2", TEMPLATE_A, "Kira", "Tampa", 180, "813-555-0102"),
        # a word dropped and an emoji inserted
        _ad("a3", TEMPLATE_A.replace("sweet and ", "sweet 😘 "), "Lola", "Orlando", 220,
            "407-555-0103"),
        _ad("b1", TEMPLATE_B, "Nina", "Dallas", 120, "214-555-0104", region="TX"),
        _ad("b2", TEMPLATE_B, "Sasha", "Houston", 140, "713-555-0105", region="TX"),
        _ad("b3", TEMPLATE_B.replace("calm ", ""), "Yana", "Austin", 150, "512-555-0106",
            region="TX"),
        {"id": "loner", "category": "escorts", "city": "Boston", "region": "MA",
         "body": "Mature companion for dinner dates, 300 per hour, text 617-555-0107 to book"},
    ]
    res = _link(ads)
    a, b = _net(res, "a1"), _net(res, "b1")
    assert a is not None and b is not None and a != b
    assert {_net(res, x) for x in ("a1", "a2", "a3")} == {a}
    assert {_net(res, x) for x in ("b1", "b2", "b3")} == {b}
    assert _net(res, "loner") is None
    links = {r["id"]: r for r in res.links}
    assert any(v.startswith("template:") for v in links["a2"]["via"])
    assert links["loner"]["via"] == []


def test_burner_phone_rotation_is_joined_through_the_template() -> None:
    phones = ["305-555-0111"] * 3 + ["305-555-0122"] * 3 + ["305-555-0133"] * 2
    names = ["Amber", "Kira", "Lola", "Mia", "Zoe", "Ruby", "Jade", "Skye"]
    cities = ["Miami", "Tampa", "Orlando", "Miami", "Atlanta", "Atlanta", "Tampa", "Miami"]
    regions = ["FL", "FL", "FL", "FL", "GA", "GA", "FL", "FL"]
    ads = [
        _ad(f"r{i}", TEMPLATE_A, names[i], cities[i], 150 + 10 * i, phones[i],
            date=f"2026-05-{i + 1:02d}T10:00:00Z", region=regions[i])
        for i in range(8)
    ]
    res = _link(ads)
    nets = {_net(res, f"r{i}") for i in range(8)}
    assert len(nets) == 1 and None not in nets
    net = res.networks[0]
    assert set(net["identifiers"]["phone"]) == {"+13055550111", "+13055550122", "+13055550133"}
    # the circuit: cities in order of first appearance, with first/last seen dates
    assert [c["city"] for c in net["cities"]] == ["Miami", "Tampa", "Orlando", "Atlanta"]
    miami = net["cities"][0]
    assert miami["first_seen"].startswith("2026-05-01") and miami["last_seen"].startswith(
        "2026-05-08")
    # a Florida number advertised in Atlanta, GA
    assert any(m["advertised"] == "Atlanta, GA" and m["phone_state"] == "FL"
               for m in net["area_code_mismatch"])
    assert {"Amber", "Kira"} <= set(net["names"])


def test_hub_number_does_not_fuse_networks() -> None:
    hub = "212-555-0100"
    net_a = [_ad(f"a{i}", TEMPLATE_A, n, "Miami", 200, "305-555-0141")
             for i, n in enumerate(["Amber", "Kira", "Lola", "Mia"])]
    net_b = [_ad(f"b{i}", TEMPLATE_B, n, "Dallas", 120, "214-555-0142", region="TX")
             for i, n in enumerate(["Nina", "Sasha", "Yana", "Vika"])]
    # the hub number is pasted into one ad of each network ...
    net_a[0]["body"] += f" or the booking line {hub}"
    net_b[0]["body"] += f" or the booking line {hub}"
    # ... and into ordinary classifieds by unrelated posters
    shops = [{"id": f"s{i}", "category": "for sale", "body":
              f"{item} for sale, good condition, pick up only. Call {hub}"}
             for i, item in enumerate(["Sofa", "Bike", "Desk", "Lamp", "Crib", "Piano"])]
    res = _link(net_a + net_b + shops)
    assert _net(res, "a1") == _net(res, "a0") != _net(res, "b0") == _net(res, "b1")
    assert all(_net(res, f"s{i}") is None for i in range(6))
    assert [h["key"] for h in res.hubs] == ["phone:+12125550100"]


def test_stock_phrases_do_not_link_strangers() -> None:
    rng = random.Random(5)
    stock = ["New in town", "call or text", "available now", "100% real", "no law enforcement",
             "upscale incall", "gentlemen only", "donation 200 per hour"]
    names = ["Amber", "Kira", "Lola", "Mia", "Zoe", "Ruby", "Jade", "Skye", "Nina", "Tina",
             "Gina", "Rosa", "Vera", "Lana", "Dana", "Iris", "Cleo", "Nora", "Leah", "Maya"]
    ads = []
    for i, name in enumerate(names):
        phrases = rng.sample(stock, 6)
        ads.append({"id": f"p{i}", "category": "escorts",
                    "body": f"{name}. " + ". ".join(phrases) + f". 702-555-01{i + 10:02d}"})
    res = _link(ads)
    assert all(r["network"] is None for r in res.links), res.links


def test_network_ids_are_deterministic_and_order_independent() -> None:
    ads = [_ad(f"d{i}", TEMPLATE_A, n, "Miami", 200, "305-555-0151")
           for i, n in enumerate(["Amber", "Kira", "Lola"])]
    first = _link(ads)
    again = _link(ads)
    shuffled = _link(list(reversed(ads)))
    assert first.links == again.links
    assert {r["id"]: r["network"] for r in first.links} == {
        r["id"]: r["network"] for r in shuffled.links}
    assert first.networks == again.networks


def test_link_rows_read_like_a_list() -> None:
    ads = [_ad(f"r{i}", TEMPLATE_A, n, "Miami", 200, "305-555-0152")
           for i, n in enumerate(["Amber", "Kira"])]
    ads.append({"id": "alone", "category": "for sale", "body": "Oak desk, pick up only"})
    res = _link(ads)
    rows = list(res.links)
    assert len(res.links) == 3 and res.links == rows and rows == list(res.links)
    assert res.links[-1] == rows[2] == {"id": "alone", "network": None, "via": []}
    assert res.links[0:2] == rows[:2]
    assert rows[0]["network"] == rows[1]["network"] is not None
    assert rows[0]["via"] == sorted(rows[0]["via"]) and "phone:+13055550152" in rows[0]["via"]
    try:
        res.links[3]
    except IndexError:
        pass
    else:
        raise AssertionError("row 3 of 3 must not exist")


def test_union_find_roots_equal_find() -> None:
    from redflags.link.unionfind import UnionFind

    rng = random.Random(2)
    uf = UnionFind(500)
    for _ in range(400):
        uf.union(rng.randrange(500), rng.randrange(500))
    assert uf.roots().tolist() == [uf.find(i) for i in range(500)]


def test_ordinary_classifieds_with_shared_stock_text_stay_apart() -> None:
    text = ("Petite dresser ${p}, sofa ${q}. Pick up only. Still available as of this week. "
            "Questions? Call {phone}")
    ads = [{"id": f"f{i}", "category": "for sale",
            "body": text.format(p=40 + i, q=90 + i, phone=f"503-555-01{20 + i}")}
           for i in range(6)]
    res = _link(ads)
    assert all(r["network"] is None for r in res.links)


def test_link_cli_end_to_end(tmp_path: Path) -> None:
    ads = [_ad(f"c{i}", TEMPLATE_A, n, "Miami", 200, "305-555-0161")
           for i, n in enumerate(["Amber", "Kira", "Lola"])]
    ads.append({"id": "solo", "body": "Sofa for sale, call 503-555-0170", "category": "for sale"})
    src = tmp_path / "ads.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in ads) + "{broken\n", encoding="utf-8")
    exe = str(Path(sys.executable).with_name("redflags"))
    proc = subprocess.run([exe, "link", str(src), "-o", "links.jsonl", "--summary", "nets.jsonl",
                           "--workers", "2"], cwd=tmp_path, capture_output=True, timeout=300,
                          check=False)
    assert proc.returncode == 2, proc.stderr.decode()  # one malformed line, reported
    assert "line 5 of" in proc.stderr.decode()
    links = [json.loads(x) for x in (tmp_path / "links.jsonl").read_text().splitlines()]
    assert [r["id"] for r in links] == ["c0", "c1", "c2", "solo"]
    assert links[0]["network"] == links[1]["network"] == links[2]["network"] is not None
    assert links[3]["network"] is None
    nets = [json.loads(x) for x in (tmp_path / "nets.jsonl").read_text().splitlines()]
    assert len(nets) == 1 and nets[0]["size"] == 3
    # scan output can be linked too (identifiers only: no text in assessments)
    proc = subprocess.run([exe, "scan", str(src), "-o", "scan.jsonl"], cwd=tmp_path,
                          capture_output=True, timeout=300, check=False)
    proc = subprocess.run([exe, "link", "scan.jsonl", "-o", "l2.jsonl"], cwd=tmp_path,
                          capture_output=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    l2 = [json.loads(x) for x in (tmp_path / "l2.jsonl").read_text().splitlines()]
    assert l2[0]["network"] is not None and l2[0]["via"] == ["phone:+13055550161"]


def _photo(seed: int, size: tuple[int, int] = (320, 240)) -> Any:
    """A photo-like synthetic picture: gradient, shapes and noise (no people, nothing real)."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    w, h = size
    base = np.linspace(0, 255, w, dtype=np.float32)[None, :, None] * rng.uniform(0.3, 1, 3)
    arr = np.broadcast_to(base, (h, w, 3)).copy()
    arr += rng.normal(0, 12, arr.shape)
    img = Image.fromarray(np.clip(arr, 0, 255).astype("uint8"))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, w - 40)), int(rng.integers(0, h - 40))
        x1, y1 = x0 + int(rng.integers(20, 120)), y0 + int(rng.integers(20, 90))
        fill = tuple(int(v) for v in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=fill)
    return img


def test_reused_photos_link_ads_even_rotated_rescaled_and_recompressed(tmp_path: Path) -> None:
    from PIL import Image

    original = _photo(1)
    original.save(tmp_path / "a.png")
    original.rotate(90, expand=True).resize((180, 240)).save(tmp_path / "b.jpg", quality=35)
    original.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(tmp_path / "c.jpg", quality=60)
    _photo(2).save(tmp_path / "d.png")
    Image.new("RGB", (200, 200), (128, 128, 128)).save(tmp_path / "flat.png")  # low quality
    bodies = [
        "Sweet companion in Miami, incall 200 roses per hour, call 305-555-0171",
        "Classy lady visiting Tampa this week, outcall 250 per hour, text 813-555-0172",
        "Dinner dates in Orlando, discreet gentlemen only, 300/hr, 407-555-0173",
        "Upscale companionship in Dallas, 220 per hour incall, 214-555-0174",
        "Independent provider in Austin, 180 hourly, 512-555-0175",
        "Escort in Houston, gfe 260 per hour, 713-555-0176",
    ]
    images = ["a.png", "b.jpg", "c.jpg", "d.png", "flat.png", "flat.png"]
    ads = [{"id": f"p{i}", "category": "escorts", "body": b, "images": [images[i]]}
           for i, b in enumerate(bodies)]
    res = _link(ads, LinkParams(image_root=str(tmp_path)))
    assert _net(res, "p0") == _net(res, "p1") == _net(res, "p2") is not None
    assert _net(res, "p3") is None
    assert _net(res, "p4") is None and _net(res, "p5") is None  # flat images never match
    assert any(v.startswith("photo:") for v in
               next(r for r in res.links if r["id"] == "p1")["via"])


def test_link_cli_survives_a_malformed_first_line(tmp_path: Path) -> None:
    src = tmp_path / "ads.jsonl"
    ads = [_ad(f"m{i}", TEMPLATE_A, n, "Miami", 200, "305-555-0181")
           for i, n in enumerate(["Amber", "Kira"])]
    src.write_text("{broken\n" + "".join(json.dumps(a) + "\n" for a in ads), encoding="utf-8")
    exe = str(Path(sys.executable).with_name("redflags"))
    proc = subprocess.run([exe, "link", str(src), "-o", "links.jsonl", "--workers", "1"],
                          cwd=tmp_path, capture_output=True, timeout=300, check=False)
    assert proc.returncode == 2, proc.stderr.decode()
    assert "line 1 of" in proc.stderr.decode()
    links = [json.loads(x) for x in (tmp_path / "links.jsonl").read_text().splitlines()]
    assert [r["id"] for r in links] == ["m0", "m1"]
    assert links[0]["network"] == links[1]["network"] is not None


def test_big_bucket_verification_equals_the_pairwise_loop() -> None:
    import numpy as np

    from redflags.link import engine
    from redflags.link.unionfind import UnionFind

    rng = random.Random(7)
    base = [rng.sample(range(10_000), 40) for _ in range(6)]  # six "templates"
    store = engine._Shingles()
    n = 120
    for i in range(n):  # copies of a template with some shingles swapped, or strangers
        own = [*rng.sample(base[i % 6], 36), *rng.sample(range(10_000, 90_000), 4)]
        if i % 5 == 0:
            own = rng.sample(range(10_000, 90_000), 40)
        store.add(np.array([i]), np.array([len(set(own))]),
                  np.array(sorted(set(own)), dtype=np.uint64))
    store.freeze(n)
    members = list(range(n))
    loop, vec = UnionFind(n), UnionFind(n)
    engine._verify_bucket(members, [loop.find(m) for m in members], store, loop)
    engine._verify_bucket_np(members, [vec.find(m) for m in members], store, vec)
    clusters = {frozenset(i for i in range(n) if loop.find(i) == loop.find(j)) for j in range(n)}
    assert clusters == {frozenset(i for i in range(n) if vec.find(i) == vec.find(j))
                        for j in range(n)}
    assert len([c for c in clusters if len(c) > 1]) == 6
