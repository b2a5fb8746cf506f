"""Synthetic corpus: deterministic, streaming, safe data, and truth that matches the text."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redflags.extract.crypto import parse as parse_wallet
from redflags.synth import (
    HUB_EMAILS,
    HUB_PHONES,
    INDICATOR_IDS,
    RISK_INDICATORS,
    Mix,
    generate,
    truth_path,
    write_corpus,
)
from redflags.synth import generator as gen_mod
from redflags.synth.disguise import EMAIL_METHODS, KEYWORD_METHODS, PHONE_METHODS
from redflags.synth.places import CITIES, GEO_AREA_CODES

Pair = tuple[dict[str, Any], dict[str, Any]]


@pytest.fixture(scope="module")
def corpus() -> list[Pair]:
    return list(generate(4000, seed=11))


# --------------------------------------------------------------------------- helpers

_WORD_DIGITS = {
    # en (+ misspelt numerals)
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "zer0": "0", "0ne": "1", "tw0": "2", "f1ve": "5", "fiv3": "5", "s3ven": "7", "e1ght": "8",
    "n1ne": "9",
    # es
    "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
    "siete": "7", "ocho": "8", "nueve": "9",
    # ru
    "ноль": "0", "один": "1", "два": "2", "три": "3", "четыре": "4", "пять": "5", "шесть": "6",
    "семь": "7", "восемь": "8", "девять": "9",
}  # fmt: skip
_WORDS_LONGEST = sorted(_WORD_DIGITS, key=len, reverse=True)
_LETTER_DIGITS = {"o": "0", "l": "1", "i": "1", "z": "2", "s": "5", "b": "8"}


def decode_digits(text: str) -> str:
    """Undo a phone disguise independently of the generator: words, letters, emoji, widths."""
    t = unicodedata.normalize("NFKC", text).replace("\ufe0f", "").replace("\u20e3", "").lower()
    out: list[str] = []
    i = 0
    while i < len(t):
        for w in _WORDS_LONGEST:
            if t.startswith(w, i):
                out.append(_WORD_DIGITS[w])
                i += len(w)
                break
        else:
            if t[i].isdigit():
                out.append(t[i])
            elif t[i] in _LETTER_DIGITS:
                out.append(_LETTER_DIGITS[t[i]])
            i += 1
    return "".join(out)


def decode_email(text: str) -> str:
    t = re.sub(r"\s*[\[(]?\s*\bat\b\s*[\])]?\s*", "@", text, flags=re.I)
    t = re.sub(r"\s*[\[(]?\s*\bdot\b\s*[\])]?\s*", ".", t, flags=re.I)
    return re.sub(r"\s+", "", t).lower()


_LOOKALIKE = str.maketrans("аеорсухі", "aeopcyxi")


def skeleton(word: str) -> str:
    """Fold look-alikes to Latin, drop separators, squeeze repeated letters."""
    w = re.sub(r"[.\-\s]", "", word.lower().translate(_LOOKALIKE))
    return re.sub(r"(.)\1+", r"\1", w)


def nsn(e164: str) -> str:
    """National significant number (no country code, no trunk 0)."""
    return e164[2:] if e164.startswith("+1") else e164[3:]


def text_of(ad: dict[str, Any]) -> str:
    return "\n".join(str(ad.get(k, "")) for k in ("title", "body", "phone", "email"))


def plain_digit_runs(text: str) -> list[str]:
    return [re.sub(r"\D", "", m) for m in re.findall(r"[+(]?\d[\d()\-. ]{7,}\d", text)]


# --------------------------------------------------------------------------- determinism, API


def test_same_seed_same_corpus_different_seed_differs() -> None:
    a = list(generate(400, seed=5))
    assert a == list(generate(400, seed=5))
    assert a != list(generate(400, seed=6))


_DIGEST = (
    "import hashlib, json; from redflags.synth import generate; "
    "print(hashlib.sha256(json.dumps(list(generate(600, 5))).encode()).hexdigest())"
)


def test_deterministic_across_processes_and_hash_seeds() -> None:
    # str hashing is salted per process; nothing the generator draws may depend on set order
    digests = {
        subprocess.run(
            [sys.executable, "-c", _DIGEST],
            env={**os.environ, "PYTHONHASHSEED": salt},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for salt in ("1", "2", "3")
    }
    assert len(digests) == 1


def test_ids_sequential_and_truth_aligned(corpus: list[Pair]) -> None:
    for k, (ad, truth) in enumerate(corpus, start=1):
        assert ad["id"] == truth["id"] == f"ad-{k:07d}"


def test_generate_is_lazy_for_a_million() -> None:
    start = time.perf_counter()
    first = list(itertools.islice(generate(1_000_000, seed=1), 10))
    assert len(first) == 10
    assert time.perf_counter() - start < 5.0


def test_memory_does_not_grow_with_n() -> None:
    # Traced from the start so objects replaced later are not mistaken for growth; a leak of
    # even ~200 bytes per ad would add 1 MB over the second window.
    tracemalloc.start()
    try:
        it = generate(1_000_000, seed=3)
        for _ in itertools.islice(it, 2500):
            pass
        warm, _ = tracemalloc.get_traced_memory()
        for _ in itertools.islice(it, 5000):
            pass
        later, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert later - warm < 1_000_000


def test_negative_n_and_bad_mix_are_refused() -> None:
    with pytest.raises(ValueError):
        generate(-1, seed=1)
    with pytest.raises(ValueError, match="Mix"):
        Mix(network=0, independent=0, benign=0)
    with pytest.raises(ValueError, match="spanish"):
        Mix(spanish=1.5)


def test_write_corpus_jsonl(tmp_path: Path) -> None:
    seen: list[int] = []
    ads, truth = write_corpus(250, 9, tmp_path / "out" / "ads.jsonl", progress=seen.append)
    assert truth == tmp_path / "out" / "ads.truth.jsonl" == truth_path(ads)
    ad_lines = [json.loads(x) for x in ads.read_text(encoding="utf-8").splitlines()]
    truth_lines = [json.loads(x) for x in truth.read_text(encoding="utf-8").splitlines()]
    expected = list(generate(250, 9))
    assert ad_lines == [a for a, _ in expected]
    assert truth_lines == [t for _, t in expected]
    assert seen[-1] == 250


def test_write_corpus_parquet(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    ads, truth = write_corpus(120, 4, tmp_path / "ads.parquet")
    table = pq.read_table(ads)
    assert table.column("id").to_pylist() == [a["id"] for a, _ in generate(120, 4)]
    assert truth.name == "ads.truth.jsonl"
    assert len(truth.read_text(encoding="utf-8").splitlines()) == 120


# --------------------------------------------------------------------------- safe data


def _valid_fictional(e164: str) -> bool:
    num = phonenumbers.parse(e164)
    if not phonenumbers.is_valid_number(num):
        return False
    if phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164) != e164:
        return False
    if e164.startswith("+1"):
        return re.fullmatch(r"\+1\d{3}55501\d\d", e164) is not None
    return re.fullmatch(r"\+442079460\d{3}", e164) is not None


def test_area_code_tables_are_valid_with_phonenumbers() -> None:
    codes = set(GEO_AREA_CODES) | {c for city in CITIES if city.country == "US"
                                   for c in city.area_codes}  # fmt: skip
    for code in codes:
        for line in (100, 150, 199):
            assert _valid_fictional(f"+1{code}555{line:04d}"), code
    for line in (0, 500, 999):
        assert _valid_fictional(f"+44207946{line:04d}")


def test_every_phone_is_valid_and_fictional(corpus: list[Pair]) -> None:
    seen = 0
    for ad, truth in corpus:
        for e164 in truth["entities"]["phones"]:
            assert _valid_fictional(e164), (ad["id"], e164)
            seen += 1
        if "phone" in ad:
            digits = re.sub(r"\D", "", ad["phone"])
            assert any(digits.endswith(nsn(p)) for p in truth["entities"]["phones"])
    assert seen > 3000


_EXAMPLE_DOMAIN = re.compile(r"^[a-z0-9._%+-]+@([a-z0-9-]+\.)*example\.(com|org|net)$")


def test_every_email_is_at_an_example_domain(corpus: list[Pair]) -> None:
    for ad, truth in corpus:
        for email in truth["entities"]["emails"]:
            assert _EXAMPLE_DOMAIN.match(email), email
        if "email" in ad:
            assert _EXAMPLE_DOMAIN.match(ad["email"]), ad["email"]
        # no other address-like strings slip into the text
        for m in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text_of(ad)):
            assert _EXAMPLE_DOMAIN.match(m.lower()), m


_DENY = re.compile(
    r"\b(sex|sexy|nude|naked|oral|anal|bbbj|gfe|pse|fetish|porn|xxx|blowjob|fuck\w*|erotic\w*"
    r"|orgasm|nsfw|full service|happy ending|bareback|sexo|desnuda|секс\w*|интим\w*|минет)\b",
    re.IGNORECASE,
)


def test_no_explicit_words(corpus: list[Pair]) -> None:
    for ad, _ in corpus:
        assert not _DENY.search(text_of(ad)), ad


def test_victim_centred_language_in_the_package() -> None:
    src = Path(gen_mod.__file__).parent
    for path in src.glob("*.py"):
        text = path.read_text(encoding="utf-8").lower()
        assert "prostitut" not in text, path


# --------------------------------------------------------------------------- truth vs text


def test_truth_shape(corpus: list[Pair]) -> None:
    for ad, truth in corpus:
        assert set(truth) >= {
            "id", "kind", "commercial", "network", "lang", "indicators", "categories",
            "expect_flag", "minor", "entities", "disguised", "template",
        }  # fmt: skip
        inds = truth["indicators"]
        assert inds == sorted(set(inds)) and set(inds) <= INDICATOR_IDS
        assert truth["categories"] == sorted({i.split(".")[0] for i in inds})
        assert truth["lang"] in {"en", "es", "ru"}
        for price in truth["entities"]["prices"]:
            assert price["per"] in {"hour", "half_hour", "session", "night", "unit"}
            assert price["currency"] == ("GBP" if ad["country"] == "GB" else "USD")
        assert ad["country"] in {"US", "GB"}
        assert ad["poster"]["age_verified"] is False
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", ad["posted_at"])


def _check_entities_appear(ad: dict[str, Any], truth: dict[str, Any]) -> None:
    text = text_of(ad)
    forms = truth["disguised"]["forms"]
    for f in forms:
        assert f["text"] in text, (ad["id"], f)
        if f["kind"] == "phone":
            assert f["method"] in PHONE_METHODS
            assert decode_digits(f["text"]).endswith(nsn(f["value"])), (f, decode_digits(f["text"]))
        elif f["kind"] == "email":
            assert f["method"] in EMAIL_METHODS
            assert decode_email(f["text"]) == f["value"], f
        else:
            assert f["method"] in KEYWORD_METHODS
            assert skeleton(f["text"]) == skeleton(f["value"]), f
    disguised_phones = {f["value"] for f in forms if f["kind"] == "phone"}
    assert disguised_phones == set(truth["disguised"]["phones"])
    runs = plain_digit_runs(text)
    for e164 in truth["entities"]["phones"]:
        plain = any(r.endswith(nsn(e164)) for r in runs)
        assert plain or e164 in disguised_phones, (ad["id"], e164)
    disguised_emails = {f["value"] for f in forms if f["kind"] == "email"}
    for email in truth["entities"]["emails"]:
        assert email == email.lower()
        assert email in text or email in disguised_emails, (ad["id"], email)
    for h in truth["entities"]["handles"]:
        assert h["handle"] in text and h["platform"]
    for c in truth["entities"]["crypto"]:
        assert c["address"] in text
        wallet = parse_wallet(c["address"])
        assert wallet is not None and wallet.chain == c["chain"], c
        assert wallet.address == c["address"]  # canonical form
    for age in truth["entities"]["ages"]:
        assert re.search(rf"(?<!\d){age}(?!\d)", text), (ad["id"], age)
    for p in truth["entities"]["prices"]:
        amount = p["amount"]
        assert re.search(rf"(?<![\d,]){amount:,}(?!,?\d)", text) or re.search(
            rf"(?<!\d){amount}(?!\d)", text
        ), (ad["id"], p)


def test_every_truth_entity_appears_in_the_ad(corpus: list[Pair]) -> None:
    for ad, truth in corpus:
        _check_entities_appear(ad, truth)


def test_all_disguise_methods_are_used() -> None:
    used = Counter(
        (f["kind"], f["method"])
        for _, t in generate(15000, seed=12)
        for f in t["disguised"]["forms"]
    )
    for m in PHONE_METHODS:
        assert used[("phone", m)] > 0, m
    for m in EMAIL_METHODS:
        assert used[("email", m)] > 0, m
    for m in KEYWORD_METHODS:
        assert used[("keyword", m)] > 0, m


def test_disguises_plant_obfuscation_indicators(corpus: list[Pair]) -> None:
    kinds = {"phone": "obfuscation.phone", "email": "obfuscation.contact",
             "keyword": "obfuscation.keyword"}  # fmt: skip
    for _, truth in corpus:
        for f in truth["disguised"]["forms"]:
            assert kinds[f["kind"]] in truth["indicators"]


# --------------------------------------------------------------------------- kinds


def test_network_ads_plant_at_least_two_risk_indicators(corpus: list[Pair]) -> None:
    for ad, truth in corpus:
        if truth["kind"] == "network":
            risk = set(truth["indicators"]) & RISK_INDICATORS
            assert len(risk) >= 2, (ad, truth["indicators"])
            assert truth["expect_flag"] and truth["commercial"]
            assert truth["network"] == truth["actor"]
            assert re.fullmatch(r"net-\d{6}", truth["network"])
            assert truth["template"].startswith(truth["network"] + "/")


def test_independents_have_at_most_one_weak_risk_indicator(corpus: list[Pair]) -> None:
    weak = {"restriction.incall_only", "restriction.always_available", "price.short_session",
            "restriction.limited_communication"}  # fmt: skip
    for _, truth in corpus:
        if truth["kind"] == "independent":
            risk = set(truth["indicators"]) & RISK_INDICATORS
            assert len(risk) <= 1 and risk <= weak, truth["indicators"]
            assert truth["commercial"] and not truth["expect_flag"] and truth["network"] is None
            assert not truth["minor"]
            assert all(21 <= a <= 45 for a in truth["entities"]["ages"])


def test_benign_ads_plant_nothing_but_carry_traps(corpus: list[Pair]) -> None:
    benign = [t for _, t in corpus if t["kind"] == "benign"]
    for truth in benign:
        assert truth["indicators"] == [] and not truth["commercial"]
        assert not truth["expect_flag"] and not truth["minor"] and truth["network"] is None
    with_traps = sum(1 for t in benign if t["traps"])
    assert with_traps > len(benign) * 0.6


def test_minor_ads_are_network_ads_with_a_stated_minor_age(corpus: list[Pair]) -> None:
    minors = [(a, t) for a, t in corpus if t["minor"]]
    assert minors, "expected some child sex trafficking victim cases in 4,000 ads"
    for _, truth in minors:
        assert truth["kind"] == "network"
        assert "youth.minor_age" in truth["indicators"]
        assert any(age < 18 for age in truth["entities"]["ages"])
    for _, truth in corpus:
        if "youth.minor_age" in truth["indicators"]:
            assert truth["minor"]


def test_networks_move_along_a_circuit_and_rotate_burners(corpus: list[Pair]) -> None:
    hubs = {p for group in HUB_PHONES.values() for p, _ in group}
    by_net: dict[str, list[Pair]] = defaultdict(list)
    for ad, truth in corpus:
        if truth["network"]:
            by_net[truth["network"]].append((ad, truth))
    moved = rotated = 0
    for ads in by_net.values():
        cities = {a["city"] for a, _ in ads}
        moved += len(cities) > 1
        uses: Counter[str] = Counter()
        for _, t in ads:
            uses.update(p for p in t["entities"]["phones"] if p not in hubs)
        assert max(uses.values(), default=0) <= 24
        rotated += len(uses) > 1
    big = sum(1 for ads in by_net.values() if len(ads) >= 20)
    assert big >= 5
    assert moved >= big // 2 and rotated >= big // 2


def test_no_number_is_shared_by_unrelated_posters_before_the_pool_is_used_up(
    corpus: list[Pair],
) -> None:
    hubs = {p for group in HUB_PHONES.values() for p, _ in group}
    owners: dict[str, set[str]] = defaultdict(set)
    for _, t in corpus:
        for p in t["entities"]["phones"]:
            if p not in hubs:
                owners[p].add(t["actor"])
    assert all(len(a) == 1 for a in owners.values())


def test_hub_identifiers_are_shared_across_actors(corpus: list[Pair]) -> None:
    hubs = {p for group in HUB_PHONES.values() for p, _ in group} | set(HUB_EMAILS)
    actors: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, set[str]] = defaultdict(set)
    for _, t in corpus:
        for ident in t["entities"]["phones"] + t["entities"]["emails"]:
            if ident in hubs:
                actors[ident].add(t["actor"])
                kinds[ident].add(t["kind"])
    assert any(len(a) >= 5 for a in actors.values())
    assert any({"network", "benign"} <= k for k in kinds.values())


def test_proportions_roughly_as_configured(corpus: list[Pair]) -> None:
    n = len(corpus)
    kinds = Counter(t["kind"] for _, t in corpus)
    assert abs(kinds["network"] / n - 0.35) < 0.03
    assert abs(kinds["independent"] / n - 0.30) < 0.03
    assert abs(kinds["benign"] / n - 0.35) < 0.03
    langs = Counter(t["lang"] for _, t in corpus)
    assert 0.05 < langs["es"] / n < 0.16
    assert 0.02 < langs["ru"] / n < 0.09
    assert 0.02 < sum(1 for a, _ in corpus if a["country"] == "GB") / n < 0.12


def test_custom_mix_is_honoured() -> None:
    pairs = list(generate(1500, seed=2, mix=Mix(network=0.6, independent=0.0, benign=0.4,
                                                 spanish=0.0, russian=0.0)))  # fmt: skip
    kinds = Counter(t["kind"] for _, t in pairs)
    assert kinds["independent"] == 0
    assert abs(kinds["network"] / 1500 - 0.6) < 0.05
    assert {t["lang"] for _, t in pairs} == {"en"}


def test_some_ads_carry_contact_only_in_the_body(corpus: list[Pair]) -> None:
    no_field = [t for a, t in corpus if "phone" not in a and t["entities"]["phones"]]
    assert len(no_field) > 100


# --------------------------------------------------------------------------- properties


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), n=st.integers(0, 120))
def test_invariants_hold_for_any_seed(seed: int, n: int) -> None:
    pairs = list(generate(n, seed))
    assert len(pairs) == n
    for ad, truth in pairs:
        _check_entities_appear(ad, truth)
        for e164 in truth["entities"]["phones"]:
            assert _valid_fictional(e164)
        if truth["kind"] == "network":
            assert len(set(truth["indicators"]) & RISK_INDICATORS) >= 2
        assert not _DENY.search(text_of(ad))
