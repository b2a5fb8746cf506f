"""Names a person is advertised under ("I'm Amber", "ask for Kira", "Meet Olga (22)").

Networks post the same person under rotating names; the names used are part of a network's
summary.  Only names in an introducing pattern are taken, never every capitalised word.

>>> names_in("Hi gentlemen, I'm Amber, 22. Ask for Kira! Me llamo Sofía")
['Amber', 'Kira', 'Sofía']
"""

from __future__ import annotations

import re

__all__ = ["names_in"]

_NAME = r"([^\W\d_][^\W\d_'’]{1,14})"
_PATTERNS = re.compile(
    r"(?:\b(?:i'?m|i am|my name is|name:|meet|ask for|call|this is|it's|its|"
    r"me llamo|soy|mi nombre es|pregunta por|я|меня зовут|зовут)\s+" + _NAME + r")"
    r"|(?:" + _NAME + r"\s+(?:here|aqui|aquí|здесь)\b)"
    r"|(?:(?:^|[\n.!•|~])\s*" + _NAME + r"\s*(?:,\s*\d\d\b|\(\d\d\)))",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset(
    "new here back available the a an your you not so very just only in on at to from "
    "me him her them us sweet hot fun real ready waiting gentlemen guys baby babe "
    "nueva aqui disponible una un la el".split()
)


def names_in(text: str) -> list[str]:
    """Capitalised names found in introducing patterns, in order, without repeats."""
    out: list[str] = []
    for m in _PATTERNS.finditer(text):
        name = next((g for g in m.groups() if g), None)
        if name is None or not name[0].isupper() or name.isupper() and len(name) > 2:
            continue
        if name.lower() in _NOT_NAMES or name in out:
            continue
        out.append(name)
    return out
