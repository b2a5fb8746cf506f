"""Synthetic ad corpus with ground truth, for demos, tests and benchmarks.

Everything it writes is invented and non-explicit: phone numbers only from fictional ranges
(NANP ``555-0100..0199``, London ``020 7946 0xxx``), emails only at example.com/.org/.net,
invented names and handles, random wallets with valid checksums.

>>> from redflags.synth import generate
>>> ad, truth = next(generate(10, seed=3))
>>> sorted(truth)[:4]
['actor', 'categories', 'commercial', 'disguised']
"""

from __future__ import annotations

from redflags.synth.generator import (
    HUB_EMAILS,
    HUB_PHONES,
    INDICATOR_IDS,
    RISK_INDICATORS,
    SITES,
    Mix,
    generate,
    truth_path,
    write_corpus,
)

__all__ = [
    "HUB_EMAILS",
    "HUB_PHONES",
    "INDICATOR_IDS",
    "RISK_INDICATORS",
    "SITES",
    "Mix",
    "generate",
    "truth_path",
    "write_corpus",
]
