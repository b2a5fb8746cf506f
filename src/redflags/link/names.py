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
# "<name> here" is anchored at a word start: unanchored, the engine tried it from every letter
# of every word (the matches are the same for names of up to 15 letters)
_SOURCE = (
    r"(?:\b(?:i'?m|i am|my name is|name:|meet|ask for|call|this is|it's|its|"
    r"me llamo|soy|mi nombre es|pregunta por|я|меня зовут|зовут)\s+" + _NAME + r")"
    r"|(?:(?<![^\W\d_])" + _NAME + r"\s+(?:here|aqui|aquí|здесь)\b)"
    r"|(?:(?:^|[\n.!•|~])\s*" + _NAME + r"\s*(?:,\s*\d\d\b|\(\d\d\)))"
)
_PATTERNS = re.compile(_SOURCE, re.IGNORECASE)
#: the same over lower-cased text: case-insensitive matching costs ~40 % of the scan, and
#: names are read back from the original at the same offsets (when lower-casing keeps them)
_LOWER_PATTERNS = re.compile(_SOURCE)
_NOT_NAMES = frozenset(
    "new here back available the a an your you not so very just only in on at to from "
    "me him her them us sweet hot fun real ready waiting gentlemen guys baby babe "
    "nueva aqui disponible una un la el".split()
)


def names_in(text: str) -> list[str]:
    """Capitalised names found in introducing patterns, in order, without repeats."""
    out: list[str] = []
    low = text.lower()
    same = len(low) == len(text)
    for m in (_LOWER_PATTERNS.finditer(low) if same else _PATTERNS.finditer(text)):
        g = next((g for g in range(1, 4) if m.start(g) >= 0), 0)
        name = text[m.start(g) : m.end(g)] if g else None
        if name is None or not name[0].isupper() or name.isupper() and len(name) > 2:
            continue
        if name.lower() in _NOT_NAMES or name in out:
            continue
        out.append(name)
    return out
