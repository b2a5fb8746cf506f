"""The phone-dense benchmark corpus (bench/scan.py --dense): safe numbers, and screening finds
every number the bare PhoneNumberMatcher finds, so the benchmark compares like with like."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import orjson
import phonenumbers
import pytest

from redflags.model import Ad
from redflags.screen import screen

BENCH = Path(__file__).resolve().parents[1] / "bench" / "scan.py"


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    spec = importlib.util.spec_from_file_location("bench_scan", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    path = tmp_path_factory.mktemp("dense") / "dense.jsonl"
    mod.write_dense(400, 11, path)
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def _fictional(n: phonenumbers.PhoneNumber) -> bool:
    national = str(n.national_number)
    if n.country_code == 1:  # NANP 555-0100..0199
        return national[3:6] == "555" and 100 <= int(national[6:]) <= 199
    if n.country_code == 44:  # UK 020 7946 0000..0999
        return national.startswith("2079460")
    return False


def test_dense_ads_hold_four_fictional_numbers_each(dense: list[dict[str, str]]) -> None:
    assert len(dense) == 400
    assert {ad["country"] for ad in dense} == {"US", "GB"}
    for ad in dense:
        found = list(phonenumbers.PhoneNumberMatcher(ad["body"], ad["country"]))
        assert len(found) == 4, ad["body"]
        assert all(_fictional(m.number) for m in found), ad["body"]


def test_screening_finds_what_the_matcher_finds(dense: list[dict[str, str]]) -> None:
    for ad in dense:
        want = {
            phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            for m in phonenumbers.PhoneNumberMatcher(ad["body"], ad["country"])
        }
        got = screen(Ad(id=ad["id"], body=ad["body"], country=ad["country"]))
        assert {e.value for e in got.entities if e.kind == "phone"} == want, ad["body"]
