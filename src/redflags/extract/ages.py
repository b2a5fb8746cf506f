"""Stated ages of the person advertised ("22yo", "I'm 19", "tengo 17 añitos", "мне 17 лет").

An age is reported only when the text *states* somebody's age: a number (10-99, in digits or in
English, Spanish or Russian words) tied to a person by

* an age marker after it: ``yo``, ``y/o``, ``yrs old``, ``years old``, ``years of age``,
  ``años de edad``, ``añitos``, ``primaveras``, ``годиков``, ``-летняя``; or
* a first-person or age cue before it: ``I'm``, ``I am``, ``age:``, ``aged``, ``just turned``,
  ``edad``, ``tengo``, ``tenho``, ``acabo de cumplir``, ``мне``, ``возраст``, ``исполнилось``;
* a third-person cue (``she's``, ``he is``) -- or ``tiene``/``ей``/a person noun (``chica de``,
  ``девушка``) followed by a year word -- unless a family member or a thing is the subject
  ("my son is 12", "la casa tiene 20 años").

Bare year words (``years``, ``años``, ``лет``) need such a cue, or a list-like position
("Sofía, 19 años, latina").  A number on its own is never an age.

Rejected on purpose, because they are admission rules, ranges or other quantities:
"18+", "must be 18 years old", "18 and over", "18 or older", "ages 18-25", "over 21",
"18 years of experience", "5 years in business", "mayores de 18 años", "старше 18 лет",
"a 12 year old car", "my 15 year old son", "I'm 5'6", "I'm 36DD", "I'm 20 min away",
"I'm a 10", "since I turned 15".  Number words must be in the language of their cue or marker
("I'm once again" is not Spanish eleven).  Split digits ("1 9") need an age marker.

``disguised`` is true when the number was not written as plain ASCII digits (number words, "1 9",
fullwidth or keycap digits).  The span covers the whole expression, from cue to marker.

>>> from redflags.normalize import Normalized, Views
>>> from redflags.extract import Context
>>> [(e.value, e.span.text, e.disguised)
...  for e in extract(Views("Hi I'm nineteen :)"), "body", Context())]
[(19, "I'm nineteen", True)]
>>> extract(Views("Must be 18 years old. 18+ only"), "body", Context())
[]
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Final

import ahocorasick

from redflags.extract import Context
from redflags.model import Entity, Span
from redflags.normalize import COMPILED, Normalized, Views

if TYPE_CHECKING:  # native 64-bit ints in the compiled loops; plain ints from Python
    from mypy_extensions import i64

__all__ = ["MAX_AGE", "MIN_AGE", "extract", "word_number"]

#: Youngest and oldest stated age reported: below 10 the "ages" are children mentioned by an
#: adult poster or ratings ("a 10"), above 99 they are prices, years or lengths.
MIN_AGE: Final = 10
MAX_AGE: Final = 99

#: Characters looked back from a number for cues, requirement words and subjects.
_WINDOW: Final = 64

# --------------------------------------------------------------------------- number words

_EN_UNITS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}
_EN_TEENS: Final = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    # misspellings seen in ads
    "ninteen": 19, "eightteen": 18, "fourten": 14, "sixten": 16, "seventen": 17,
    "eighten": 18, "nineten": 19,
}
_EN_TENS: Final = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
# Spanish as folded: accents are stripped ("dieciséis" -> "dieciseis", "veintidós" -> ...)
_ES_UNITS: Final = {
    "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9,
}
_ES_TEENS: Final = {
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20,
    "veintiuno": 21, "veintiuna": 21, "veintiun": 21, "veintidos": 22, "veintitres": 23,
    "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27,
    "veintiocho": 28, "veintinueve": 29,
}
_ES_TENS: Final = {
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
    "ochenta": 80, "noventa": 90,
}
_RU_UNITS: Final = {
    "один": 1, "одна": 1, "одно": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
    "шесть": 6, "семь": 7, "восемь": 8, "девять": 9,
}
_RU_TEENS: Final = {
    "десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
    "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18,
    "девятнадцать": 19,
}
_RU_TENS: Final = {
    "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60,
    "семьдесят": 70, "восемьдесят": 80, "девяносто": 90,
}
_WORD_VALUES: Final[dict[str, int]] = {
    **_EN_UNITS, **_EN_TEENS, **_EN_TENS, **_ES_UNITS, **_ES_TEENS, **_ES_TENS,
    **_RU_UNITS, **_RU_TEENS, **_RU_TENS,
}


def _alt(words: dict[str, int]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_L: Final = r"[^\W\d_]"  # one letter, any script
_NL: Final = rf"(?!{_L})"  # not followed by a letter

#: After a tens word: its unit ("twenty two", "twenty-2", "treinta y dos", "двадцать два").
_TENS_TAIL: Final = {
    "en": re.compile(rf"[ \-]?(?:{_alt(_EN_UNITS)}|[1-9](?!\d)){_NL}"),
    "es": re.compile(rf" y (?:{_alt(_ES_UNITS)}|[1-9](?!\d)){_NL}"),
    "ru": re.compile(rf" (?:{_alt(_RU_UNITS)}|[1-9](?!\d)){_NL}"),
}
_DIEZ_TAIL: Final = re.compile(rf" y (?:seis|siete|ocho|nueve){_NL}")
#: After a unit word: a second unit or digit ("one nine", "uno 9") -- a spelled split number.
_UNIT_TAIL: Final = re.compile(
    rf"[ \-](?:{_alt({**_EN_UNITS, **_ES_UNITS, **_RU_UNITS})}|[0-9](?!\d)){_NL}"
)

# word -> (value, language, class) where class is "teen" (a complete number), "tens" or "unit"
_WORD_INFO: Final[dict[str, tuple[int, str, str]]] = {}
for _lang, _teens, _tens, _units in (
    ("en", _EN_TEENS, _EN_TENS, _EN_UNITS),
    ("es", _ES_TEENS, _ES_TENS, _ES_UNITS),
    ("ru", _RU_TEENS, _RU_TENS, _RU_UNITS),
):
    for _w, _n in _units.items():
        if _w not in ("un", "una"):  # too common inside other words to be worth a hit
            _WORD_INFO[_w] = (_n, _lang, "unit")
    for _w, _n in _teens.items():
        _WORD_INFO[_w] = (_n, _lang, "teen")
    for _w, _n in _tens.items():
        _WORD_INFO[_w] = (_n, _lang, "tens")

_WORD_AC: Final = ahocorasick.Automaton()
for _w, _info in _WORD_INFO.items():
    _WORD_AC.add_word(_w, (_w, *_info))
_WORD_AC.make_automaton()


_PARTS_RE: Final = re.compile(r"[^\W\d_]+|\d+")


def word_number(text: str) -> int | None:
    """Value of a number written in words or split digits; ``None`` when unreadable.

    >>> word_number("twenty-two"), word_number("treinta y dos"), word_number("1 9")
    (22, 32, 19)
    """
    parts = [p for p in _PARTS_RE.findall(text.lower()) if p != "y"]
    if not parts or len(parts) > 2:
        return None
    vals: list[int] = []
    for p in parts:
        if p.isdigit() and len(p) <= 2:
            vals.append(int(p))
        elif p in _WORD_VALUES:
            vals.append(_WORD_VALUES[p])
        else:
            return None
    if len(vals) == 1:
        return vals[0]
    a, b = vals
    if a >= 20 and a % 10 == 0 and 1 <= b <= 9:
        return a + b
    if a == 10 and 6 <= b <= 9:  # "diez y siete"
        return a + b
    if a <= 9 and b <= 9:  # "one nine", "1 9"
        return a * 10 + b
    return None


#: A candidate number: ``(start, end, value, lang, split)`` -- ``lang`` is "" for digits and
#: ``split`` is true for "1 9", "one nine" (it needs an age marker).  (A plain tuple: a
#: NamedTuple is built through a Python-level call, which cost more than all the checks.)
_Num = tuple[int, int, int, str, bool]


#: Runs of one or two digits (folded text has only ASCII digits): longer runs are never ages,
#: and neither are runs right after a currency sign, "#" or "+" ("$19", "#27", "+18").  The
#: reference definition of what :func:`_numbers` finds with :data:`_SCAN_TABLE`.
_RUN_RE: Final = re.compile(
    r"[0-9](?<![0-9][0-9])(?<![$€£¥₽#+][0-9])[0-9]?(?![0-9])"
)
_RUN_NOT_AFTER: Final = "$€£¥₽#+"

#: ``low.encode("ascii", "replace")`` (one byte per character, every non-ASCII one a "?")
#: translated: ASCII digits become "\t", ASCII letters stay, anything else becomes a space.
#: Decoded again (a str: mypyc calls ``str.find`` directly, ``bytes.find`` through Python),
#: ``find("\t")`` jumps to the next digit at C speed (a regex scan for ``[0-9]`` costs tens
#: of instructions per character), and ``split()`` gives the runs of ASCII letters.
_SCAN_TABLE: Final = bytes(
    9 if 48 <= c <= 57 else c if 65 <= c <= 90 or 97 <= c <= 122 else 32 for c in range(256)
)
#: The number words that are ASCII (English and Spanish).
_ASCII_WORDS: Final = frozenset(w for w in _WORD_INFO if w.isascii())
assert all(w.isalpha() for w in _WORD_INFO)  # (what the word prefilter in _numbers relies on)
#: Every non-ASCII (Russian) number word holds "д", "т" or "с" (:func:`_numbers` tests them).
assert all(w.isascii() or "д" in w or "т" in w or "с" in w for w in _WORD_INFO)
#: ``(first letter, last letter, length)`` of every ASCII number word, as a byte table
#: (:func:`_word_key`): a run of letters whose entry is 0 is no number word, found without
#: slicing it out of the text.
_WORD_LEN_MIN: Final = min(len(w) for w in _ASCII_WORDS)
_WORD_LEN_MAX: Final = max(len(w) for w in _ASCII_WORDS)
assert _WORD_LEN_MAX < 16 and all(w.isalpha() and w.islower() for w in _ASCII_WORDS)


def _word_key(first: int, last: int, size: int) -> int:
    """Index in :data:`_WORD_KEYS` of a run of ``size`` letters (code points of "a"-"z" at
    its ends)."""
    return ((first - 97) * 26 + last - 97) * 16 + size


def _word_keys() -> bytes:
    table = bytearray(26 * 26 * 16)
    for w in _ASCII_WORDS:
        table[_word_key(ord(w[0]), ord(w[-1]), len(w))] = 1
    return bytes(table)


_WORD_KEYS: Final = _word_keys()


def _has_ascii_word(scan: str) -> bool:
    """Whether a run of letters of ``scan`` (:data:`_SCAN_TABLE`'s copy: ASCII letters, spaces
    and tabs) is an English or Spanish number word: ``not _ASCII_WORDS.isdisjoint(scan.split())``.

    Compiled, one pass over the code points (which slices out only a run whose ends and length
    are a number word's) costs a fraction of splitting the text and hashing every word; in
    pure Python the split is the fastest.  Tests pin both forms to the split.
    """
    return _has_word_by_code_point(scan) if COMPILED else not _ASCII_WORDS.isdisjoint(scan.split())


def _has_word_by_code_point(scan: str) -> bool:
    n: i64 = len(scan)
    i: i64 = 0
    s: i64
    f: i64
    la: i64
    while i < n:
        if ord(scan[i]) <= 32:  # a space or a tab
            i += 1
            continue
        s = i
        i += 1
        while i < n and ord(scan[i]) > 32:
            i += 1
        size = i - s
        if _WORD_LEN_MIN <= size <= _WORD_LEN_MAX:
            f = ord(scan[s])
            la = ord(scan[i - 1])
            if (
                97 <= f <= 122
                and 97 <= la <= 122
                and _WORD_KEYS[_word_key(f, la, size)]
                and scan[s:i] in _ASCII_WORDS
            ):
                return True
    return False


def _numbers(low: str) -> list[_Num]:
    """Candidate numbers: two digits, possibly split by one separator ("19", "1 9", "1-9"),
    and number words.  Phone groups, decimals, times and prices are cut off here."""
    nums: list[_Num] = []
    n = len(low)
    scan = low.encode("ascii", "replace").translate(_SCAN_TABLE).decode("ascii")
    skip = -1
    s = scan.find("\t")
    while s >= 0:
        # the digit runs :data:`_RUN_RE` matches, without a regex: from each run's start
        e = s + 1
        while e < n and scan[e] == "\t":
            e += 1
        size = e - s
        nxt = scan.find("\t", e)
        if size > 2 or s < skip or (s and low[s - 1] in _RUN_NOT_AFTER):
            s = nxt
            continue
        if s and low[s - 1] in ".,:/" and s >= 2 and low[s - 2].isdigit():
            s = nxt
            continue  # "1.19", "10:15", "3/14"
        if size == 1:
            # "1 9": one separator, then exactly one digit
            if e + 1 < n and low[e] in " .-_" and low[e + 1].isdigit() and (
                e + 2 == n or not low[e + 2].isdigit()
            ):
                skip = e + 2
                if not (e + 3 < n and low[e + 2] in ".,:" and low[e + 3].isdigit()):
                    nums.append((s, e + 2, int(low[s] + low[e + 1]), "", True))
        elif not (e + 1 < n and low[e] in ".,:" and low[e + 1].isdigit()):
            nums.append((s, e, int(low[s:e]), "", False))  # (not "19.5", "10:30")
        s = nxt
    # number words: a word counts only as a whole run of letters, so none is there when no
    # run of ASCII letters is an English or Spanish number word and no Russian one may be
    if not (low.isascii() or ("д" not in low and "т" not in low and "с" not in low)) or (
        _has_ascii_word(scan)
    ):
        nums.extend(_number_words(low))
        if len(nums) > 1:
            nums.sort()
    return nums


def _number_words(low: str) -> list[_Num]:
    """The number words of :func:`_numbers` (found by the automaton)."""
    nums: list[_Num] = []
    n = len(low)
    taken = -1
    for last, (word, value, lang, cls) in _WORD_AC.iter(low):
        s, e = last - len(word) + 1, last + 1
        if s < taken or (s and low[s - 1].isalpha()) or (e < n and low[e].isalpha()):
            continue
        split = False
        tail = None
        if cls == "tens":
            tail = _TENS_TAIL[lang].match(low, e)
        elif cls == "teen" and value == 10 and lang == "es":
            tail = _DIEZ_TAIL.match(low, e)
        if tail:
            compound = word_number(low[s : tail.end()])
            if compound is not None:
                value, e = compound, tail.end()
        elif cls == "unit":
            tm = _UNIT_TAIL.match(low, e)
            if not tm:
                continue
            pair = word_number(low[s : tm.end()])
            if pair is None:
                continue
            value, e, split = pair, tm.end(), True
        taken = e
        nums.append((s, e, value, lang, split))
    return nums


# --------------------------------------------------------------------------- markers

#: Markers that make a number an age by themselves (language in the group name).
_STRONG_SUFFIX: Final = re.compile(
    r"\s?[-\s]?\s?(?:"
    r"(?P<en>y\s?/\s?o|y\.\s?o\b\.?|y-o|yoa|yo"
    r"|(?:years?|yrs?|yr|y)\.?[\s-]*(?:old|young)|(?:years?|yrs?)\s+of\s+age)"
    r"|(?P<es>a[nñ]itos|a[nñ]ito|primaveras|a[nñ]os de edad|a[nñ]o de edad)"
    r"|(?P<ru>годиков|годика|годочков|(?:лет|года?) от роду"
    r"|-?\s?летн(?:яя|ий|ая|его|ей|юю|ие|их|им))"
    r")" + _NL
)
#: Bare year words: need a cue or a list-like position ("tengo 18 años", "мне 17 лет").
_WEAK_SUFFIX: Final = re.compile(
    r"\s?(?:(?P<en>years?|yrs?)|(?P<es>a[nñ]os?)|(?P<ru>лет|года?))" + _NL
)

#: Every match of :data:`_STRONG_SUFFIX` or :data:`_WEAK_SUFFIX` starts with a space, "-" or
#: one of these letters: after any other character neither regex is run.
_MARKER_FIRST: Final = frozenset("-yapгл")

#: What may follow a number that has only a cue before it: a letter glued to the number
#: ("36dd", "19th", "20min") or a unit/noun after it means it is not an age.
_AFTER_CUE_BAD: Final = re.compile(
    r"(?:[a-zа-я]|\s?['’\"″′%°/+]|[-–]\d|[.,:x]\d|\s?[$€£₽])"
    r"|\s+(?:min|mins|minutes?|minutos?|минут\w*|hours?|hrs?|h|horas?|час\w*|secs?|seconds?"
    r"|miles?|mi|km|kms|kilomet\w*|blocks?|cuadras|lbs?|pounds?|kgs?|kilos?|кг|ft|feet|foot"
    r"|inch(?:es)?|cm|см|dollars?|bucks|usd|roses?|pesos|euros?|dolares|руб\w*|percent"
    r"|por\s+ciento|процент\w*|times|veces|раз\w*|dd+|[b-h]|cups?|days?|dias|дн\w*|weeks?"
    r"|semanas?|недел\w*|months?|meses|mes|месяц\w*|girls?|guys?|men|chicas|fotos|photos|pics"
    r"|videos|reviews|followers|people|personas|seguidores|hijos|kids|children|ninos|st|nd|rd"
    r"|th|am|pm|o'?clock|of|out|toes|something|ish|in\s+(?:the|this)\s+(?:business|industry))"
    + _NL
)
#: After a bare year word, what may *not* follow ("de experiencia", "назад").
_AFTER_WEAK_BAD: Final = {
    "es": re.compile(
        r"\s+(?:de(?!\s+edad)|en|con|trabajando|haciendo|atras|garantia|mas|o\s+mas|y\s+mas|ya"
        r"|seguidos|juntos|casad[oa]s?|sin|desde)" + _NL
    ),
    "ru": re.compile(
        r"\s+(?:назад|опыта?|стажа?|работы|в|на|с|со|за|гаранти\w*|и\s+старше|и\s+более|уже"
        r"|вместе|подряд|как|работаю|занимаюсь)" + _NL
    ),
}
#: English bare "years" counts only at a clause end ("I'm 19 years, new in town").
_EN_WEAK_OK: Final = re.compile(r"\s*(?:$|[^\w\s'’]|(?:and|&|n)" + _NL + ")")
#: After the expression: "+", "and up", "or older", "- 25", "to 25", "y más" ...
_REQ_AFTER: Final = re.compile(
    r"\s*(?:\+|plus\b|&\s*(?:up|over|older)\b"
    r"|(?:and|or|n|y|o|и|или)\s+(?:up(?!\s+(?:for|to))|over|older|above|under|younger|below"
    r"|more|mas|mayor(?:es)?|menor(?:es)?|старше|младше|более|менее)" + _NL
    + r"|(?:-|–|—|to|a|hasta|al|до|through|thru)\s*(?P<hi>\d\d)(?!\d|[a-zа-я'’\"])"
    r"|(?:older|younger)" + _NL + r")"
)
#: After a list-like "19 años": the item ends.
_LIST_AFTER: Final = re.compile(r"\s*(?:$|[,;.!|•·)—–]|\s-|[^\w\s])")

# --------------------------------------------------------------------------- word lists

#: Cue phrases (tokens joined by one space) by kind and language.
_CUE_PHRASES: Final[dict[str, dict[str, list[str]]]] = {
    "first": {
        "en": [
            "i'm", "i’m", "i`m", "i´m", "iʼm", "im", "i m", "i am",
            "age", "my age", "age is", "my age is",
            "turned", "just turned", "i turned", "i just turned", "recently turned",
            "i recently turned", "only just turned",
        ],
        "es": [
            "edad", "mi edad", "edad es", "mi edad es", "tengo", "yo tengo", "tenho", "cumpli",
            "acabo de cumplir", "recien cumpli", "ya cumpli",
        ],
        "ru": [
            "мне", "возраст", "мои возраст", "мой возраст", "исполнилось", "мне исполнилось",
            "недавно исполнилось", "мне недавно исполнилось", "только исполнилось",
            "мне только исполнилось",
        ],
    },
    "aged": {"en": ["aged"]},
    "she": {"en": ["she's", "she’s", "sheʼs", "shes", "she is", "he's", "he’s", "heʼs", "he is"]},
    # "еи": "ей" as older fold tables spelt it (breve of "й" stripped); both are listed
    "third": {"es": ["tiene"], "ru": ["ей", "еи"]},
    "person": {
        "es": [
            w + d
            for w in (
                "chica chiquita chamaca chava nena nenita nina ninera joven jovencita colegiala "
                "muchacha muchachita mujer senorita chico morena morenita rubia rubiecita latina "
                "triguena "
                "flaquita gordita hermosa bonita linda preciosa princesa venezolana colombiana "
                "mexicana dominicana cubana peruana argentina paraguaya brasilena estudiante "
                "universitaria virgen modelo putita zorrita escort scort trans travesti dama "
                "gatita bebe mami mamacita"
            ).split()
            for d in ("", " de")
        ],
        "ru": (
            "девушка девочка девочки студентка школьница малышка красотка блондинка брюнетка "
            "шатенка мулатка азиатка стройняшка милашка красавица молоденькая молодая "
            "девственница нимфетка куколка принцесса студенточка девчонка"
        ).split(),
    },
}
_CUES: Final[dict[str, tuple[str, str]]] = {}
for _kind, _by_lang in _CUE_PHRASES.items():
    for _lang, _phrases in _by_lang.items():
        for _p in _phrases:
            _CUES[_p] = (_kind, _lang)

#: Words allowed between a cue and the number ("I'm only 16", "мне уже 18").
_MODS: Final = frozenset(
    "just only barely now already solo apenas ya уже только всего лишь".split()
)
#: The word right before a number that may end a cue, or come between a cue and the number:
#: the last words of the cue phrases, "a"/"an" and the modifiers (:func:`_find_cue` stops at
#: any other word without looking further back).
_CUE_LEAD: Final = frozenset(p.rsplit(" ", 1)[-1] for p in _CUES) | {"a", "an"} | _MODS
#: Requirement/comparison words before the expression: an admission rule, not an age.
_REQ_WORDS: Final = frozenset(
    (
        "must should gotta will to be are were least atleast minimum min over under above below "
        "than between from ages legal almost nearly about around approx til till until by "
        "since when once if ago limit "
        "mayor mayores menor menores mas minimo minima entre desde partir hace casi hasta "
        "durante cada cuando si "
        "старше младше от до более менее больше меньше свыше после через почти около за каждые "
        "когда если"
    ).split()
)
#: "18 to 25", "18 y 25", "18 или 20": the number is the top of a range.
_RANGE_WORDS: Final = frozenset("to a y and or o hasta до или и".split())
_FAMILY: Final = frozenset(
    (
        "son sons daughter daughters kid kids child children brother brothers sister sisters "
        "mom mother dad father grandson granddaughter grandkid grandkids nephew niece husband "
        "wife boyfriend cousin "
        "hijo hija hijos hijas nino ninos hermano hermana sobrino sobrina nieto nieta esposo "
        "esposa marido novio primo prima "
        "сын сына сыну дочь дочка дочке дочери ребенок ребенку дети детям брат брату сестра "
        "сестре муж мужу внук внучка"
    ).split()
)
_OBJECTS: Final = frozenset(
    (
        "car cars truck vehicle van suv bike motorcycle boat house home roof building business "
        "company shop store dog dogs cat cats puppy horse tree trees wine whisky whiskey scotch "
        "bottle cheese tire tires laptop computer phone tv sofa couch mattress fridge piano "
        "husky beagle terrier labrador lab poodle retriever shepherd bulldog chihuahua pitbull "
        "corgi dachshund boxer collie rottweiler spaniel pug tabby siamese persian parakeet "
        "guitar account warranty experience mortgage loan lease plan bond program mission "
        "battery batteries engine motor transmission heater furnace ac unit appliance washer "
        "dryer crib stroller carseat seat table desk chair bed frame printer camera watch ring "
        "rug tank aquarium fish bird parrot lizard snake goat cow pig pony kitten "
        "carro coche auto camioneta moto casa perro perra gato negocio empresa garantia "
        "experiencia trayectoria antiguedad servicio trabajo "
        "машина машине машину авто дом дому собака собаке кошка кошке опыт стаж бизнес компания "
        "гарантия работа работаю"
    ).split()
)
_POSSESSIVES: Final = frozenset(
    "my our his her their your mi mis su sus tu tus nuestro nuestra мой мои моя мое моего моей "
    "моеи моему наш наша его ее".split()
)
#: "yo" is also the Spanish "I": "50 yo hago todo", "a las 10 yo te espero".
_YO_ES_AFTER: Final = re.compile(
    r"\s+(?:soy|te|me|lo|la|le|les|tengo|estoy|hago|puedo|quiero|voy|vivo|trabajo|cobro"
    r"|atiendo|doy|ofrezco|busco|no|si|tambien|solo|se|misma|mismo|personalmente|estare|recibo"
    r"|acepto|hablo|salgo|mando|envio|contesto|respondo|espero|invito|llevo|hare|prefiero"
    r"|cumplo|trato)" + _NL
)
_YO_ES_BEFORE: Final = frozenset(
    "precio precios por dolares pesos euros cobro las son minutos horas mil desde hasta de en "
    "con solo cuesta vale tarifa".split()
)

_SENTENCE_END: Final = frozenset(".!?\n")



# --------------------------------------------------------------------------- extraction


def extract(v: Views, field: str, ctx: Context) -> list[Entity]:
    """Stated ages in one field's text; see the module docstring for what counts.

    >>> from redflags.normalize import Normalized, Views
    >>> [e.value for e in extract(Views("tengo diecisiete añitos, 17 лет"), "body", Context())]
    [17, 17]
    """
    del ctx  # ages do not depend on the ad's country
    folded = v.folded
    text = folded.text
    original = folded.original
    identity = text is original  # folded character i is posted character i
    low = v.lower
    out: list[Entity] = []
    for num in _numbers(low):
        start, end, value, lang, split = num
        if not MIN_AGE <= value <= MAX_AGE:
            continue
        found = _check(text, low, num, folded)
        if found is not None:
            a, b = found if identity else folded.original_span(*found)
            span = Span(field, a, b, original[a:b])  # (what span_of() builds, minus a call)
            # (two plain digits of an unmapped view are the number as posted: 10 <= value)
            disguised = not (identity and not lang and not split) and (
                folded.original_text(start, end) != str(value)
            )
            out.append(Entity("age", value, value, span, disguised))
    return out


def _check(
    text: str, low: str, num: _Num, folded: Normalized | None = None
) -> tuple[int, int] | None:
    """The folded ``(start, end)`` of the age expression around ``num``, or ``None``."""
    start, end, value, lang, split = num
    # ---- the marker after the number
    suffix_end = end
    strength = ""  # "strong" | "weak" | "" ; lang of the marker in marker_lang
    marker_lang = ""
    after = low[end : end + 1]
    if after and (after in _MARKER_FIRST or after.isspace()):
        sm = _STRONG_SUFFIX.match(low, end)
        if sm and sm.lastgroup and not _spanish_yo(low, start, sm.end()):
            strength, marker_lang, suffix_end = "strong", sm.lastgroup, sm.end()
        else:
            wm = _WEAK_SUFFIX.match(low, end)
            if wm and wm.lastgroup:
                strength, marker_lang, suffix_end = "weak", wm.lastgroup, wm.end()
    if split and strength != "strong":
        return None  # "I'm 5 4" is a height; split digits need an unmistakable marker
    # ---- the cue before it
    cue = _find_cue(low, start)
    kind, cue_lang, cue_start = cue if cue else ("", "", start)
    if kind == "article":
        if strength != "strong":
            return None  # "I'm a 10" is a rating; "I'm a 19 year old girl" is an age
        kind = "first"
    if lang and lang not in (cue_lang, marker_lang):
        return None  # "I'm once again": a number word must share its cue's language
    if not kind and not strength:
        named = _name_cue(text, low, start, end, value, folded)
        if named is None:
            return None
        return named, end + (1 if named < start and text[named:start].rstrip().endswith("(")
                             and low.startswith(")", end) else 0)
    if not kind:
        if strength == "weak" and not (
            (_list_before(low, start) and _LIST_AFTER.match(low, suffix_end))
            or (marker_lang != "en" and _name_before(text, low, start))
            or _name_cue(text, low, start, end, value, folded, item_end=False) is not None
        ):
            return None
    elif kind in ("third", "person") and not strength:
        return None  # "tiene 20", "chica 18": only with a year word
    if strength == "weak":
        if marker_lang == "en" and not (
            _EN_WEAK_OK.match(low, suffix_end) or _line_break_at(folded, suffix_end)
        ):
            return None  # "19 years in business", "12 years of experience"
        if marker_lang != "en" and _AFTER_WEAK_BAD[marker_lang].match(low, suffix_end):
            return None
        if kind == "aged" and marker_lang == "en":
            return None  # "scotch aged 12 years"
    elif not strength:
        if value == 10 and lang:
            return None  # "I'm ten toes down"
        if _AFTER_CUE_BAD.match(low, end):
            return None
    # ---- admission rules, ranges, and ages of other people or of things
    if _requirement_before(low, cue_start):
        return None
    ra = _REQ_AFTER.match(low, suffix_end)
    if ra and (ra.group("hi") is None or int(ra.group("hi")) > value):
        return None  # "18 and up", "18+", "18-25"; not "19 - 34c"
    if kind != "first" and _other_subject(low, cue_start):
        return None
    if strength == "strong" and kind != "first" and _other_after(low, suffix_end):
        return None
    return cue_start, suffix_end


def _gap_is(low: str, a: int, b: int, allowed: str) -> bool:
    return all(c in allowed for c in low[a:b])


_APOS: Final = "'’`´"


def _word_start(low: str, end: int) -> int:
    """Start of the word (letters and apostrophes) that ends at ``end``; ``end`` if none."""
    p = low.rfind(" ", 0, end) + 1
    if low[p:end].isalpha():
        return p  # the usual case, at C speed: all letters back to a space or the start
    i = end
    while i > 0 and (low[i - 1].isalpha() or low[i - 1] in _APOS):
        i -= 1
    return i


def _find_cue(low: str, start: int) -> tuple[str, str, int] | None:
    """``(kind, language, start)`` of the cue phrase right before ``start``; kind "article" for
    "I'm a" (valid only before an age marker).  Phrase words are one space apart."""
    j = start
    while j > 0 and start - j < 4 and low[j - 1] in " :=-–":
        j -= 1
    if not j or not (low[j - 1].isalpha() or low[j - 1] in _APOS):
        return None  # no word ends here (what :func:`_word_start` would find, without a call)
    i = _word_start(low, j)
    if low[i:j] not in _CUE_LEAD:
        return None  # no cue phrase ends with this word, and it is no "a" or modifier either
    article = False
    if low[i:j] in ("a", "an") and i > 1 and low[i - 1] == " ":
        j = i - 1
        i = _word_start(low, j)
        article = True
    if low[i:j] in _MODS and i > 1 and low[i - 1] == " ":
        j = i - 1
        i = _word_start(low, j)
    found: tuple[str, str, int] | None = None
    for _ in range(3):
        if i == j:
            break
        hit = _CUES.get(low[i:j])
        if hit is not None:
            found = ("article" if article else hit[0]), hit[1], i
        if i < 2 or low[i - 1] != " ":
            break
        i = _word_start(low, i - 1)
    return found


#: "Nina, 17" / "Meet Olga (22)" / "Ruby here, 27" / "I'm Yuna, 32,": a capitalised name, then
#: a comma or an opening parenthesis, then the number, then the end of the item.  The commonest
#: way ads state an age; a missed minor here is a child sex trafficking victim left online.
#: (The reference definition of what :func:`_name_gap` finds.)
_NAME_GAP: Final = re.compile(
    r"(?P<name>[^\W\d_]{3,15})(?P<here> here| aqui| здесь)?(?P<sep>, ?| ?\( ?)$"
)
#: ``" here"``-like words between a name and its comma (:data:`_NAME_GAP`'s ``here`` group).
_NAME_HERE: Final = (" here", " aqui", " здесь")


def _is_letter(c: str) -> bool:
    """``c`` is in ``[^\\W\\d_]`` (sre's letter: alphanumeric and no decimal digit)."""
    o = ord(c)  # (compiled, comparing code points is native; comparing strings is not)
    if o < 128:
        return 97 <= o <= 122 or 65 <= o <= 90
    return c.isalnum() and not (c.isdigit() and c.isdecimal())


def _name_gap(text: str, start: int) -> tuple[int, int, bool] | None:
    """``_NAME_GAP.search(text, max(0, start - 28), start)`` read backwards from ``start``:
    ``(name start, name end, whether the separator has a "(")``, or None.

    The search tried every position of the window (~23k instructions a call); but its match
    ends where ``$`` does (``start``, or before a line break there) and everything between
    the name and that end is fixed, right to left: one optional space, "," or "(" (a "(" with
    maybe a space before it), maybe " here".  The leftmost match is the one with " here"
    when its name is long enough, and its name starts as far left as 15 letters, the window
    and the run of letters allow.  Pinned to the regex in tests/test_extract_ages.py.
    """
    lo = start - 28 if start > 28 else 0
    k = start - 1 if start and text[start - 1] == "\n" else start
    if k and text[k - 1] == " ":
        k -= 1
    if not k:
        return None
    c = text[k - 1]
    if c == ",":
        h = k - 1
    elif c == "(":
        h = k - 2 if k >= 2 and text[k - 2] == " " else k - 1
    else:
        return None
    paren = c == "("
    for w in _NAME_HERE:
        ne = h - len(w)
        if ne - 3 >= lo and text[ne:h] == w:
            p = _name_start(text, ne, lo)
            if p >= 0:
                return p, ne, paren
    p = _name_start(text, h, lo)
    return (p, h, paren) if p >= 0 else None


def _name_start(text: str, ne: int, lo: int) -> int:
    """Leftmost start (not before ``lo``) of 3-15 letters ending at ``ne``, else -1."""
    p = ne
    floor = max(lo, ne - 15)
    while p > floor and _is_letter(text[p - 1]):
        p -= 1
    return p if ne - p >= 3 else -1


_NAME_ITEM_END: Final = re.compile(r" ?(?:$|[,.!;|•·~\n)—–]|(?:and|y|и) )")
_NAME_AGE_RANGE: Final = (12, 69)
_NOT_NAMES: Final = frozenset(
    (
        "january february march april may june july august september october november december "
        "monday tuesday wednesday thursday friday saturday sunday today tonight tomorrow "
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
        "diciembre lunes martes miercoles jueves viernes sabado domingo hoy "
        "room suite apt apartment unit floor building street st avenue ave road rd exit "
        "route hwy highway number size sizes page step day week year chapter item lot pack "
        "rates rate price prices specials special hours hour gifts gift roses donation "
        "deposit from only just call text whatsapp"
    ).split()
)


def _name_cue(
    text: str,
    low: str,
    start: int,
    end: int,
    value: int,
    folded: Normalized | None,
    item_end: bool = True,
) -> int | None:
    """Folded start of "Name, NN" / "Name (NN)" ending right before ``start``, else None."""
    if not _NAME_AGE_RANGE[0] <= value <= _NAME_AGE_RANGE[1]:
        return None
    # what :data:`_NAME_GAP` ends with, tested first: "," or "(", maybe one space after it
    # (and maybe a line break: its "$" also matches before a final "\n")
    k = start - 1 if start and text[start - 1] == "\n" else start
    if k and text[k - 1] == " ":
        k -= 1
    if not k or (text[k - 1] != "," and text[k - 1] != "("):
        return None
    gap = _name_gap(text, start)  # (what _NAME_GAP.search(text, start - 28, start) finds)
    if gap is None:
        return None
    ns, ne, paren = gap
    name = text[ns:ne]
    if not (name[0].isupper() and name[1:].islower()):
        return None
    w = name.lower()
    if w in _NOT_NAMES or w in _OBJECTS or w in _FAMILY or w in _REQ_WORDS:
        return None
    if ns and (text[ns - 1].isalnum()):
        return None
    if item_end:
        if paren:
            if not low.startswith(")", end):
                return None
        elif not (_NAME_ITEM_END.match(low, end) or _line_break_at(folded, end)):
            return None
        if _AFTER_CUE_BAD.match(low, end) and not low.startswith(")", end):
            return None
    if _is_place(name):
        return None  # "Miami, 33" is not a person
    return ns


def _line_break_at(folded: Normalized | None, pos: int) -> bool:
    """The folded space at ``pos`` stands for a line break in the posted text."""
    if folded is None or pos >= len(folded.text) or folded.text[pos] != " ":
        return False
    a, b = folded.original_span(pos, pos + 1)
    return "\n" in folded.original[a:b]


@lru_cache(maxsize=4096)
def _is_place(name: str) -> bool:
    """Whether a capitalised word is a known city name (cached: names repeat across ads, and
    each gazetteer lookup folds its argument; the gazetteer is imported on first use)."""
    from redflags.extract.places import lookup

    return lookup(name) is not None


def _name_before(text: str, low: str, start: int) -> bool:
    """A capitalised word (a name) opening an item right before the number: "Catalina 19 años",
    "Hola! Катя 19 лет" -- not "Vendo Toyota 10 años"."""
    j = start
    if j and low[j - 1] == " ":
        j -= 1
    i = _word_start(low, j)
    if j - i < 3 or not text[i].isupper() or not text[i + 1 : j].islower():
        return False
    if not _list_before(low, i):
        return False
    w = low[i:j]
    return not (w in _OBJECTS or w in _FAMILY or w in _REQ_WORDS or w in _CUES)


def _prev_char(low: str, pos: int) -> tuple[int, str]:
    """Index and character of the last non-space character before ``pos`` (``-1, ""``)."""
    k = pos - 1
    while k >= 0 and low[k] == " ":
        k -= 1
    return k, (low[k] if k >= 0 else "")


def _list_before(low: str, start: int) -> bool:
    """True when ``start`` opens a list item: text start or after , ; . ! | • ( or " - "."""
    k, c = _prev_char(low, start)
    if not c:
        return True
    if c in ",;.!|•·(—–\n":  # c is one character here
        return True
    return c == "-" and k > 0 and low[k - 1] == " "


def _requirement_before(low: str, pos: int) -> bool:
    """An admission rule or range ends right before ``pos``: "must be", "over", "18-", "+"."""
    k, c = _prev_char(low, pos)
    if not c:
        return False
    if c in "+<>≥≤":
        return True
    if c in "-–—/&":
        return _prev_char(low, k)[1].isdigit()
    j = pos
    while j > 0 and low[j - 1] in " :-":
        j -= 1
    i = _word_start(low, j)
    w = low[i:j]
    if w in _REQ_WORDS:
        return True
    if w in _RANGE_WORDS:
        return _prev_char(low, i)[1].isdigit()
    return False


def _other_subject(low: str, pos: int) -> bool:
    """A family member or a thing is the subject ("my son is 12", "la casa tiene 20 años"),
    or a possessive sits right before the number ("my 15 year old").  Looks at most three
    words back and not past the end of a sentence."""
    j = pos
    for n in range(3):
        while j > 0 and not (low[j - 1].isalpha() or low[j - 1] in _APOS):
            if low[j - 1] in _SENTENCE_END or pos - j > _WINDOW:
                return False
            j -= 1
        i = _word_start(low, j)
        if i == j:
            return False
        w = low[i:j]
        if w in _FAMILY or w in _OBJECTS:
            return True
        if n == 0 and w in _POSSESSIVES and _gap_is(low, j, pos, " "):
            return True
        j = i
    return False


_NEXT_WORD: Final = re.compile(rf"\s*(?:[-–]\s*)?({_L}+)")


def _other_after(low: str, pos: int) -> bool:
    """"15 year old car", "12 y/o son", "10-летний опыт": the age belongs to what follows."""
    m = _NEXT_WORD.match(low, pos)
    return m is not None and (m.group(1) in _FAMILY or m.group(1) in _OBJECTS)


def _spanish_yo(low: str, start: int, suffix_end: int) -> bool:
    """True when a matched "yo" marker reads as the Spanish pronoun, not "years old"."""
    if low[suffix_end - 2 : suffix_end] != "yo":
        return False
    if _YO_ES_AFTER.match(low, suffix_end):
        return True
    j = start
    while j > 0 and start - j < 4 and low[j - 1] in " :-":
        j -= 1
    return low[_word_start(low, j) : j] in _YO_ES_BEFORE
