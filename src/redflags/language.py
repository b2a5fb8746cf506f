"""The language an ad is written in, for filtering the review queue (issue 5).

:func:`detect` names the language of an ad among those the indicator catalog covers (``en``,
``es``, ``ru``), says ``"other"`` when the ad is clearly in some other language, and ``None``
when it cannot tell.  It looks at two things only:

* the **script** of the words: mostly Cyrillic is Russian (unless it has letters Russian lacks,
  such as Ukrainian ``і ї є ґ``); mostly another non-Latin script (CJK, Arabic, Thai...) is
  ``"other"``;
* for Latin script, **function words** ("the", "and", "con", "para"...): a few dozen per
  language (plus a handful of everyday words of ads: "hour", "hola", "años"), counted once
  each (a set intersection), with small lists for neighbouring languages (Portuguese,
  French, German, Italian) so that their ads read ``"other"`` instead of the
  catalog language they most resemble.  The best language needs :data:`MIN_HITS` distinct
  words and a lead of :data:`MARGIN` over the runner-up.

Why not a library: on 3,000 synthetic ads ``py3langid`` (offline, numpy) was as accurate on
whole ads (100 %) but took ~100 µs per ad, ``lingua`` ~1.3 ms (and missed 1 % of Russian
ads); this takes ~10 µs (1.5 µs for a title) on a busy 2-core machine, which matters at ingest
of millions of ads, never names a wrong language there, and explains itself in one sentence.
``python bench/language.py --compare`` measures all three.  On whole ads it labels 99.7 % of
English and 100 % of Spanish and Russian ads right (the rest ``None``).

What it cannot do:

* **mixed-language ads** get one label, the language with more function words (a Spanish ad
  with English slang is ``es``; an ad half English, half Spanish may be ``None``);
* **short ads** ("Call 555-0142", a title of two words) have too few function words: ``None``;
* ads with **no letters** (numbers, emoji, contacts only): ``None``;
* one-letter words ("y", "a") are ignored in ads that spell a word out letter by letter
  ("y.o.u.n.g"), so such short ads may read ``None``;
* it tells apart only the languages above; Cyrillic ads in Bulgarian or Serbian without the
  letters Russian lacks read as ``ru``, Catalan or Galician may read as ``es``.

>>> detect("New in town", "Sweet and discreet, call me for the best time in the city")
'en'
>>> detect("Hola", "Soy nueva en la ciudad, llama para una cita con la mejor compañía")
'es'
>>> detect("Проездом", "Я Лиза, мне 24, звоните")
'ru'
>>> detect("", "555-0142") is None
True
"""

from __future__ import annotations

import re
import string

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "MARGIN", "MIN_HITS", "OTHER", "detect"]

#: the languages the indicator catalog has patterns in (and so the queue can filter by)
LANGUAGES: tuple[str, ...] = ("en", "es", "ru")
#: label of an ad confidently in a language outside :data:`LANGUAGES`
OTHER = "other"
#: how the reviewer UI names each label :func:`detect` returns
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English", "es": "Spanish", "ru": "Russian", OTHER: "other language",
}
#: distinct function words the best language needs: one ("a", "de") is too often a name or a
#: borrowed word; two are rare by chance in an ad of another language
MIN_HITS = 2
#: how many more distinct function words the best language needs than the runner-up
MARGIN = 1
#: share of script-words in Cyrillic (or another non-Latin script) for that script to decide;
#: ads in Russian still carry Latin city names, personal names and contacts
SCRIPT_SHARE = 0.5
#: letters of Cyrillic languages that Russian does not use (Ukrainian, Belarusian, Serbian,
#: Macedonian): their presence means "other"
_NOT_RUSSIAN = frozenset("іїєґўђјљњћџѓќѕ")

# Words are runs of letters; digits and "_" split them (handles, prices, "27yo").
_WORD = re.compile(r"[^\W\d_]+")
# The fast path splits the UTF-8 bytes on ASCII spaces, punctuation and digits (one C-level
# ``bytes.translate`` + ``split``: about half the cost of the regex) after blanking the few
# non-ASCII marks that stick to words ("¡hola", "bien…", "i’m", "“hi”").
_SPLIT = bytes.maketrans(
    (string.punctuation + string.digits).encode(), b" " * len(string.punctuation + string.digits)
)
_MARKS = tuple((m, m.encode()) for m in "¡¿…’“”")
# A letter outside the Latin blocks: only then are scripts counted (Cyrillic, CJK, Arabic...).
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024f]")

#: function words (articles, pronouns, prepositions, conjunctions, auxiliaries, a few common
#: adverbs; for en/es also a few everyday words of ads), lower-case; words shared by two lists
#: count for both and so cancel in the margin
_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "a an the and to of in for on at with from by near per after up out off no is are am "
        "be was will can must you your my me i im it this that these or not only all just here "
        "now please we our us she her he his they them there have has do don any every if "
        "so very who when what than then more some "
        # the commonest everyday words of ads, for ads with few function words
        "hi hello thanks hour years"
        .split()
    ),
    "es": frozenset(
        "a el la los las un una unos y o de del en con por para que es soy estoy eres no mi mis "
        "tu tus su sus muy pero sin al lo se te yo hay está esta este estos todos todas más "
        "también cada aquí ahora ya donde cuando quien nosotros usted ustedes "
        "hola gracias favor tengo hora horas años"
        .split()
    ),
    "ru": frozenset(
        "и в во не на я с со что как а но по к у за из от до для без мне меня ты вы мы "
        "она он это все только или уже очень тебя вас"
        .split()
    ),
    # neighbours of the catalog languages: recognised only to answer "other"
    "pt": frozenset(
        "o os as um uma e do da dos das em no na nos com para por que não eu você muito "
        "mais meu minha sou estou aqui agora também é são".split()
    ),
    "fr": frozenset(
        "le les un une et des du est je vous avec pour dans sur pas mais très ici mon ma "
        "suis qui au aux ce cette nous".split()
    ),
    "de": frozenset(
        "der die das und ist ich du nicht mit für auf ein eine bin sie zu im bei sehr "
        "hier nur oder auch wir dich".split()
    ),
    "it": frozenset(
        "il lo gli di che è sono per con non una mi ti sei sono della nel molto anche "
        "qui ora io tu".split()
    ),
}
_LATIN = ("en", "es", "pt", "fr", "de", "it")
#: every Latin-script function word, as UTF-8 bytes like the tokens of the fast path; one set
#: intersection per ad finds the few present, then each language counts its own among those
_ALL = frozenset().union(*(_WORDS[lang] for lang in _LATIN))
_LATIN_BYTES = tuple((lang, frozenset(w.encode() for w in _WORDS[lang])) for lang in _LATIN)
_ALL_BYTES = frozenset(w.encode() for w in _ALL)
#: one-letter function words ("a", "y", "o", "e", "i"): also the letters of a spelled-out word
_ONE_LETTER = frozenset(w.encode() for w in _ALL if len(w) == 1)
#: a word spelled out letter by letter ("y o u n g", "y.o.u.n.g"), a common filter evasion
_SPELLED = re.compile(r"(?<!\w)(?:[^\W\d_][\s.\-*]{1,2}){3,}[^\W\d_](?!\w)")


def detect(title: str | None, body: str | None) -> str | None:
    """The language of an ad: ``"en"``, ``"es"``, ``"ru"``, ``"other"``, or ``None`` if unsure.

    ``title`` and ``body`` are read together, as received (no normalisation needed; case is
    folded here).  Pure and fast: one ``lower()``, a byte-level split and one set
    intersection with the function words of all languages; ads with letters of another
    script are also tokenised by a regex to count scripts.

    >>> detect("Nueva en la ciudad", "Hola, soy Ana y estoy disponible para ti")
    'es'
    >>> detect("Massage", None) is None
    True
    """
    text = f"{title or ''}\n{body or ''}".lower()
    raw = text.encode()
    if not text.isascii():
        if _NON_LATIN.search(text):  # another script may decide; else it is all Latin
            script = _script(text)
            if script != "latin":
                return script if script != "?" else None
        for mark, encoded in _MARKS:
            if mark in text:
                raw = raw.replace(encoded, b" ")
    found = set(raw.translate(_SPLIT).split()) & _ALL_BYTES
    if not _ONE_LETTER.isdisjoint(found) and _SPELLED.search(text):
        found -= _ONE_LETTER
    if len(found) < MIN_HITS:
        return None
    best = second = 0
    lang = OTHER
    for name, words in _LATIN_BYTES:
        n = len(found & words)
        if n > best:
            best, second, lang = n, best, name
        elif n > second:
            second = n
    if best < MIN_HITS or best - second < MARGIN:
        return None
    return lang if lang in LANGUAGES else OTHER


def _script(text: str) -> str:
    """``"ru"``, ``"other"`` or ``"?"`` (too few words) when a non-Latin script has most of
    the words of ``text``; ``"latin"`` when it does not."""
    tokens = set(_WORD.findall(text))
    n = len(tokens)
    cyrillic = sum(1 for t in tokens if "\u0400" <= t[0] <= "\u04ff")
    if cyrillic >= SCRIPT_SHARE * n:
        if not _NOT_RUSSIAN.isdisjoint(text):
            return OTHER
        return "ru" if cyrillic >= MIN_HITS or tokens & _WORDS["ru"] else "?"
    other = sum(1 for t in tokens if t[0] > "\u024f") - cyrillic
    if other >= SCRIPT_SHARE * n:
        return OTHER if other >= MIN_HITS else "?"
    return "latin"
