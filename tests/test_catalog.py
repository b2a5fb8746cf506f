"""The indicator catalog is data, validated at load; a bad pack fails at start."""

from __future__ import annotations

import copy
import importlib.util
import json
from dataclasses import astuple
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags.errors import CatalogError
from redflags.indicators import CATEGORIES, default_catalog, load_catalog
from redflags.normalize import Views


def _bundled() -> dict[str, Any]:
    text = resources.files("redflags.indicators").joinpath("catalog.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_every_entry_is_explainable_and_sourced() -> None:
    cat = default_catalog()
    assert len(cat.indicators) >= 20
    for ind in cat.indicators:
        assert ind.category in CATEGORIES
        assert ind.id.startswith(ind.category + ".")
        assert len(ind.explanation) > 40 and ind.source
        assert {"en", "es", "ru"} <= set(ind.languages)
    # the validated JRSA predictors outweigh practitioner-only indicators
    assert cat.get("youth.young_terms").weight > cat.get("restriction.incall_only").weight
    assert cat.get("movement.new_in_town").weight == 0.0


def test_victim_centred_language() -> None:
    text = json.dumps(_bundled()).lower()
    for word in ("child prostitute", "prostitute", "whore"):
        assert word not in text


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["indicators"][0].update(weight=1.5), "weight must be in"),
        (lambda d: d["indicators"][0].update(category="vibes"), "unknown category"),
        (lambda d: d["indicators"][0].update(source="nobody"), "not in the catalog's sources"),
        (lambda d: d["indicators"].append(copy.deepcopy(d["indicators"][0])), "duplicate id"),
        (lambda d: d["indicators"][0].update(function="magic"), "unknown function"),
        (lambda d: d["indicators"][2].update(languages=["en"]), "languages must include"),
        (lambda d: d["indicators"][2]["terms"]["en"].append(" padded"), "padded term"),
        (lambda d: d.pop("commerce"), "missing 'commerce'"),
    ],
)
def test_bad_pack_fails_at_load(tmp_path: Path, mutate: Any, message: str) -> None:
    data = _bundled()
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)


def test_terms_match_disguised_spellings_but_not_shorter_words() -> None:
    cat = default_catalog()
    hits = {h.target: h for h in cat.match(Views("so y.o.u.n.g, t e e n").keys)}
    assert hits["youth.young_terms"].disguised
    assert not [h for h in cat.match(Views("ten dollars").keys) if h.target.startswith("youth")]


def test_indicator_reference_doc_is_current() -> None:
    gen = Path(__file__).resolve().parents[1] / "docs" / "gen_indicators.py"
    spec = importlib.util.spec_from_file_location("gen_indicators", gen)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.render() == (gen.parent / "indicators.md").read_text(encoding="utf-8"), (
        "docs/indicators.md is stale: run python docs/gen_indicators.py")


def _reference_match(keys: Any) -> list[tuple[Any, ...]]:
    """Catalog.match as first written: every term of a key checked and located on its own."""
    from redflags.indicators.catalog import _plain

    cat = default_catalog()
    text, runs, out = keys.text, keys.runs, []
    for end_idx, group in cat._automaton.iter(text):
        end = end_idx + 1
        for term in group:
            start = end - len(term.key)
            if term.word_start and start > 0 and text[start - 1].isalnum():
                continue
            if term.word_end and end < len(text) and text[end].isalnum():
                continue
            if term.repeats and runs is not None and any(
                runs[start + k] < r for k, r in term.repeats
            ):
                continue
            a, b = keys.original_span(start, end)
            disguised = _plain(keys.original[a:b]) != term.plain
            out.append((term.target, start, end, term.weight, disguised, text[start:end], a, b))
    return out


_WORDS = sorted(
    {t for ind in default_catalog().indicators for ts in ind.terms.values() for t in ts}
)[:200]
_NOISE = ["", " ", ".", "-", "!!", "ee", "OO", "x", "Y.O.U.N.G", "tеen", "ｎｅｗ", "é", "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS + _NOISE), max_size=12), st.booleans())
def test_match_equals_the_reference(pieces: list[str], upper: bool) -> None:
    """One check per key, the posted text located once, _plain cached: the same hits."""
    text = " ".join(pieces)
    keys = Views(text.upper() if upper else text).keys
    assert [astuple(h) for h in default_catalog().match(keys)] == _reference_match(keys)
