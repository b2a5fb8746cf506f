"""Ways posters write contacts and banned words so that scrapers and filters miss them.

Each function takes the generator's ``random.Random`` and returns the surface text plus the
name of the method used, which the ground truth records so evaluations can tell which disguise
an extractor missed.

Phone methods: ``words`` (number words in en/es/ru, "oh" for zero), ``letters`` (letters used as
digits: ``3O5 5S5 O1Z3``), ``spaced`` (every digit separated), ``keycap`` (emoji keycaps
``3️⃣0️⃣5️⃣``), ``fullwidth`` (``３０５``) and ``mixed`` (a different method per digit group,
including misspelt numerals like ``f1ve``).  Email methods: ``at_dot`` ("name at example dot
com"), ``brackets`` ("name [at] example [dot] com"), ``parens`` and ``spaced``.  Keyword
methods: ``dots`` ("y.o.u.n.g"), ``dashes``, ``spaces``, ``repeat`` ("yooung") and
``homoglyph`` (a Cyrillic letter inside a Latin word, or a Latin one inside a Cyrillic word).

>>> import random
>>> disguise_phone(["305", "555", "0123"], "letters", "en", random.Random(1))[0].isascii()
True
>>> disguise_email("mia", "example", "com", "brackets", random.Random(0))
'mia [at] example [dot] com'
"""

from __future__ import annotations

import random

__all__ = [
    "EMAIL_METHODS",
    "KEYWORD_METHODS",
    "PHONE_METHODS",
    "disguise_email",
    "disguise_keyword",
    "disguise_phone",
    "plain_phone",
]

PHONE_METHODS: tuple[str, ...] = ("words", "letters", "spaced", "keycap", "fullwidth", "mixed")
EMAIL_METHODS: tuple[str, ...] = ("at_dot", "brackets", "parens", "spaced")
KEYWORD_METHODS: tuple[str, ...] = ("dots", "dashes", "spaces", "repeat", "homoglyph")

_WORDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("zero", "oh", "oh", "zero"),
        ("one",),
        ("two",),
        ("three",),
        ("four",),
        ("five",),
        ("six",),
        ("seven",),
        ("eight",),
        ("nine",),
    ),
    "es": (
        ("cero",),
        ("uno",),
        ("dos",),
        ("tres",),
        ("cuatro",),
        ("cinco",),
        ("seis",),
        ("siete",),
        ("ocho",),
        ("nueve",),
    ),
    "ru": (
        ("ноль",),
        ("один",),
        ("два",),
        ("три",),
        ("четыре",),
        ("пять",),
        ("шесть",),
        ("семь",),
        ("восемь",),
        ("девять",),
    ),
}

#: Misspelt numerals seen in ads (DIG phone extractor's cleaner handles the same family).
_LEET: dict[str, tuple[str, ...]] = {
    "0": ("zer0",),
    "1": ("0ne",),
    "2": ("tw0",),
    "5": ("f1ve", "fiv3"),
    "7": ("s3ven",),
    "8": ("e1ght",),
    "9": ("n1ne",),
}

#: Letters that stand in for digits inside digit runs.
_LETTERS: dict[str, tuple[str, ...]] = {
    "0": ("O", "o", "O"),
    "1": ("l", "I"),
    "2": ("Z",),
    "5": ("S", "s"),
    "8": ("B",),
}

_KEYCAP = "\ufe0f\u20e3"
_FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}

_LATIN_TO_CYRILLIC = {
    "a": "а",
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "y": "у",
    "x": "х",
    "i": "і",
}
_CYRILLIC_TO_LATIN = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x"}
_VOWELS = frozenset("aeiouyаеёиоуыэюя")

_US_PLAIN = (
    "({a}) {b}-{c}",
    "{a}-{b}-{c}",
    "{a}.{b}.{c}",
    "{a}{b}{c}",
    "{a} {b} {c}",
    "+1 {a} {b} {c}",
    "1-{a}-{b}-{c}",
    "{a}-{b}-{c}",
)
_GB_PLAIN = (
    "020 7946 {c}",
    "+44 20 7946 {c}",
    "(020) 7946 {c}",
    "020-7946-{c}",
    "0207 946 {c}",
)


def plain_phone(groups: list[str], rng: random.Random) -> str:
    """An undisguised way of writing the number with ``groups`` (US 3-3-4, GB 3-4-4)."""
    if groups[0] == "020":
        return rng.choice(_GB_PLAIN).format(c=groups[2])
    return rng.choice(_US_PLAIN).format(a=groups[0], b=groups[1], c=groups[2])


def _words(group: str, lang: str, rng: random.Random, leet: bool = False) -> str:
    table = _WORDS[lang]
    out = []
    for ch in group:
        if leet and ch in _LEET and rng.random() < 0.5:
            out.append(rng.choice(_LEET[ch]))
        else:
            out.append(rng.choice(table[int(ch)]))
    return rng.choice((" ", " ", "-")).join(out)


def _letters(group: str, rng: random.Random, force: bool) -> str:
    chars = [rng.choice(_LETTERS[c]) if c in _LETTERS and rng.random() < 0.6 else c for c in group]
    if force and "".join(chars) == group:
        for i, c in enumerate(group):
            if c in _LETTERS:
                chars[i] = _LETTERS[c][0]
                break
    return "".join(chars)


def _group(group: str, method: str, lang: str, rng: random.Random) -> str:
    if method == "words":
        return _words(group, lang, rng)
    if method == "leetwords":
        return _words(group, "en", rng, leet=True)
    if method == "letters":
        return _letters(group, rng, force=True)
    if method == "keycap":
        return "".join(c + _KEYCAP for c in group)
    if method == "fullwidth":
        return "".join(_FULLWIDTH[c] for c in group)
    return group


def disguise_phone(
    groups: list[str], method: str, lang: str, rng: random.Random
) -> tuple[str, str]:
    """The number with digit ``groups`` written with ``method``; returns ``(text, method)``."""
    if method == "words":
        sep = rng.choice((" - ", ", ", " ", " / "))
        return sep.join(_group(g, "words", lang, rng) for g in groups), method
    if method == "letters":
        letters = [_letters(g, rng, force=False) for g in groups]
        if "".join(letters) == "".join(groups):
            letters[1] = _letters(groups[1], rng, force=True)
        return rng.choice((" ", "-", ".", " ")).join(letters), method
    if method == "spaced":
        sep = rng.choice((" ", " ", ".", "-", " . "))
        inner = [sep.join(g) for g in groups]
        return rng.choice(("  ", " ", sep, " | ")).join(inner), method
    if method == "keycap":
        sep = rng.choice(("", " ", " "))
        return sep.join(_group(g, "keycap", lang, rng) for g in groups), method
    if method == "fullwidth":
        sep = rng.choice((" ", "－", "-"))
        return sep.join(_group(g, "fullwidth", lang, rng) for g in groups), method
    # mixed: a different writing per group, at least one of them not plain digits
    options = ("digits", "words", "leetwords", "letters", "keycap", "fullwidth")
    picks = [rng.choice(options) for _ in groups]
    if all(p == "digits" for p in picks) or len(set(picks)) == 1:
        picks[rng.randrange(len(picks))] = "words" if picks[0] != "words" else "keycap"
    if lang != "en":
        picks = ["words" if p == "leetwords" else p for p in picks]
    return " ".join(_group(g, p, lang, rng) for g, p in zip(groups, picks, strict=True)), "mixed"


def disguise_email(local: str, domain: str, tld: str, method: str, rng: random.Random) -> str:
    """``local@domain.tld`` written with ``method`` (one of :data:`EMAIL_METHODS`)."""
    if method == "at_dot":
        return f"{local} {rng.choice(('at', 'AT'))} {domain} {rng.choice(('dot', 'DOT'))} {tld}"
    if method == "brackets":
        dot = rng.choice(("[dot]", "[dot]", "(dot)"))
        return f"{local} [at] {domain} {dot} {tld}"
    if method == "parens":
        return rng.choice(
            (f"{local} (at) {domain} (dot) {tld}", f"{local}(at){domain}(dot){tld}")
        )
    return f"{local} @ {domain} . {tld}"


def disguise_keyword(word: str, method: str, rng: random.Random) -> tuple[str, str]:
    """``word`` (one word, Latin or Cyrillic) written with ``method``; ``(text, method)``."""
    if method == "dots":
        return ".".join(word), method
    if method == "dashes":
        return "-".join(word), method
    if method == "spaces":
        return " ".join(word), method
    if method == "repeat":
        idx = [i for i, c in enumerate(word) if c.lower() in _VOWELS] or [len(word) - 1]
        i = rng.choice(idx)
        return word[: i + 1] + word[i] * rng.randint(1, 3) + word[i + 1 :], method
    # homoglyph: swap one or two letters for look-alikes from the other script
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in word)
    table = _CYRILLIC_TO_LATIN if cyrillic else _LATIN_TO_CYRILLIC
    idx = [i for i, c in enumerate(word) if c in table]
    if not idx:
        return ".".join(word), "dots"
    chars = list(word)
    for i in rng.sample(idx, min(len(idx), rng.randint(1, 2))):
        chars[i] = table[chars[i]]
    return "".join(chars), "homoglyph"
