"""Stated ages of the person advertised ("22yo", "I'm 19", "tengo 17 añitos", "мне 17 лет").

An age is reported only when the text *states* somebody's age: a number (10-99, digits or
number words in English, Spanish or Russian) tied to the person by

* an age marker after it: ``yo``, ``y/o``, ``yrs old``, ``years old``, ``years of age``,
  ``añitos``, ``primaveras``, ``годиков``, ``-летняя``; or
* a first-person or age cue before it: ``I'm``, ``I am``, ``age:``, ``aged``, ``just turned``,
  ``edad``, ``tengo``, ``tenho``, ``acabo de cumplir``, ``мне``, ``возраст``, ``исполнилось``;
* a third-person cue (``she's``, ``he is``, ``tiene``, ``ей``) or a person noun (``chica de``,
  ``девушка``) plus a year word -- unless a family member or an object is the subject
  ("my son is 12", "la casa tiene 20 años").

Weak year words (``años``, ``лет``, bare ``years``) need a cue, or for Spanish/Russian a
list-like position ("Sofía, 19 años, latina").  A number alone is never an age.

Rejected on purpose, because they are admission rules or other quantities, not somebody's age:
"18+", "must be 18 years old", "18 and over", "18 or older", "ages 18-25", "over 21",
"18 years of experience", "5 years in business", "mayores de 18 años", "старше 18 лет",
"2 year old car", "my 15 year old son", "I'm 5'6", "I'm 36DD", "I'm 20 min away".

``disguised`` is true when the number was not written as two plain ASCII digits (number words,
"1 9", fullwidth or keycap digits).  The span covers the whole expression, cue to marker.

>>> from redflags.normalize import Views
>>> from redflags.extract import Context
>>> [(e.value, e.span.text, e.disguised) for e in extract(Views("Hi I'm nineteen :)"), "body",
...                                                        Context())]
[(19, "I'm nineteen", True)]
>>> extract(Views("Must be 18 years old. 18+ only"), "body", Context())
[]
"""

from __future__ import annotations

import re

from redflags.extract import Context, span_of
from redflags.model import Entity
from redflags.normalize import Views

__all__ = ["MAX_AGE", "MIN_AGE", "extract", "word_number"]

#: Youngest and oldest stated age reported; below 10 the "ages" are nearly always children
#: mentioned by an adult poster, above 99 they are prices, years or lengths.
MIN_AGE = 10
MAX_AGE = 99

#: How far back (characters) to look for a cue or for requirement words such as "must be".
_WINDOW = 48

# --------------------------------------------------------------------------- number words

_EN_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}
_EN_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    # common misspellings
    "ninteen": 19, "eightteen": 18, "fourten": 14, "sixten": 16, "seventen": 17,
    "eighten": 18, "nineten": 19,
}
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
# Spanish, as folded (accents stripped: "dieciséis" -> "dieciseis", "veintidós" -> "veintidos")
_ES_UNITS = {
    "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9,
}
_ES_TEENS = {
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20,
    "veintiuno": 21, "veintiuna": 21, "veintiun": 21, "veintidos": 22, "veintitres": 23,
    "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27,
    "veintiocho": 28, "veintinueve": 29,
}
_ES_TENS = {
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
    "ochenta": 80, "noventa": 90,
}
# Russian, as folded ("й" loses its breve; none of these words contain it)
_RU_UNITS = {
    "один": 1, "одна": 1, "одно": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
    "шесть": 6, "семь": 7, "восемь": 8, "девять": 9,
}
_RU_TEENS = {
    "десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
    "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18,
    "девятнадцать": 19,
}
_RU_TENS = {
    "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60,
    "семьдесят": 70, "восемьдесят": 80, "девяносто": 90,
}

_WORD_VALUES: dict[str, int] = {
    **_EN_UNITS, **_EN_TEENS, **_EN_TENS, **_ES_UNITS, **_ES_TEENS, **_ES_TENS,
    **_RU_UNITS, **_RU_TEENS, **_RU_TENS,
}


def _alt(words: dict[str, int] | list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_UNIT_ALL = _alt({**_EN_UNITS, **_ES_UNITS, **_RU_UNITS})
_L = r"[^\W\d_]"  # one letter, any script
#: A tens/teens number written in words, optionally with its unit ("twenty two", "twenty-2",
#: "treinta y dos", "двадцать два").  Units alone are not ages.
_WORDS = (
    rf"(?:{_alt(_EN_TENS)})(?:[ \-]?(?:{_alt(_EN_UNITS)}|[1-9](?!\d)))?"
    rf"|(?:{_alt(_ES_TENS)})(?: y (?:{_alt(_ES_UNITS)}|[1-9](?!\d)))?"
    rf"|diez y (?:seis|siete|ocho|nueve)"
    rf"|(?:{_alt(_RU_TENS)})(?: (?:{_alt(_RU_UNITS)}|[1-9](?!\d)))?"
    rf"|{_alt({**_EN_TEENS, **_ES_TEENS, **_RU_TEENS})}"
)

#: Candidate numbers: two plain digits; a tens/teens word; or a split/spelled pair of single
#: digits ("1 9", "1-9", "one nine") that only counts before a strong age marker.
_NUM_RE = re.compile(
    rf"(?P<d>(?<![\d$€£¥₽#+])(?<!\d[.,:/])\d\d(?![\d]|[.,:]\d))"
    rf"|(?P<s>(?<![\d$€£¥₽#+.,:/*])\d[ .\-_]\d(?!\d|[.,:]\d))"
    rf"|(?<!{_L})(?:(?P<w>{_WORDS})|(?P<sw>(?:{_UNIT_ALL})[ \-](?:{_UNIT_ALL})))(?!{_L})"
)


def word_number(text: str) -> int | None:
    """Value of a number written in words or split digits; ``None`` when unreadable.

    >>> word_number("twenty-two"), word_number("treinta y dos"), word_number("1 9")
    (22, 32, 19)
    """
    parts = [p for p in re.split(r"[\s\-._]+| y ", text.strip().lower()) if p]
    if not parts or len(parts) > 2:
        return None
    vals: list[int] = []
    for p in parts:
        if p.isdigit() and len(p) == 1:
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


# --------------------------------------------------------------------------- markers and cues

_NL = rf"(?!{_L})"  # end of a word

#: Markers that make a number an age by themselves.
_STRONG_SUFFIX = re.compile(
    r"\s?[-\s]?\s?(?:"
    r"y\s?/\s?o|y\.\s?o\b\.?|y-o|yoa|yo"
    r"|(?:years?|yrs?|yr|y)\.?[\s-]*(?:old|young)"
    r"|(?:years?|yrs?)\s+of\s+age"
    r"|anitos|anito|primaveras|anos de edad|ano de edad"
    r"|годиков|годика|годочков|(?:лет|года?) от роду"
    r")" + _NL
)
#: Year words that need a cue or context ("tengo 18 años", "мне 17 лет", "I'm 19 years").
_WEAK_SUFFIX = re.compile(r"\s?(?:(?P<en>years?|yrs?)|(?P<es>anos|ano)|(?P<ru>лет|года?))" + _NL)
#: "17-летняя" (adjective); checked against objects ("10-летний опыт").
_RU_ADJ_SUFFIX = re.compile(r"\s?-?\s?летн(?:яя|ий|ая|его|ей|юю|ие|их|им)" + _NL)

_PERSON_ES = (
    "chica|chiquita|chamaca|chava|nena|nenita|nina|ninas|joven|jovencita|jovencitas|colegiala"
    "|muchacha|muchachita|mujer|senorita|chico|morena|morenita|rubia|rubiecita|latina|triguena"
    "|flaquita|gordita|hermosa|bonita|linda|preciosa|princesa|venezolana|colombiana|mexicana"
    "|dominicana|cubana|peruana|argentina|paraguaya|brasilena|estudiante|universitaria|virgen"
    "|modelo|putita|zorrita|escort|scort|trans|travesti|dama|gatita|bebe|mami|mamacita"
)
_PERSON_RU = (
    "девушка|девочка|девочки|студентка|школьница|малышка|красотка|блондинка|брюнетка|шатенка"
    "|мулатка|азиатка|стройняшка|милашка|красавица|молоденькая|молодая|девственница|нимфетка"
    "|куколка|принцесса|студенточка|девчонка"
)
_MOD = r"(?:just|only|barely|now|already|solo|apenas|ya|уже|только|всего|лишь)\s+"

#: A cue ending right before the number (searched in a window that ends at the number).
_CUE_RE = re.compile(
    rf"(?<!{_L})(?:"
    r"(?P<first>i\s?['’`´]?\s?m|i\s+am|im|(?:my\s+)?age(?:\s+is)?"
    r"|(?:i\s+)?(?:just\s+|recently\s+|only\s+just\s+)?turned"
    r"|(?:mi\s+)?edad(?:\s+es)?|tengo|tenho|(?:acabo\s+de\s+|recien\s+)?cumpli(?:r|dos|das)?"
    r"|(?:мне\s+)?(?:уже\s+|только\s+|недавно\s+)?исполнилось|мне|возраст)"
    r"|(?P<aged>aged)"
    r"|(?P<she>she\s?['’]?\s?s|she\s+is|he\s?['’]\s?s|he\s+is)"
    r"|(?P<third>tiene|ей)"
    rf"|(?P<person>(?:{_PERSON_ES})(?:\s+de)?|(?:{_PERSON_RU}))"
    rf")\s?[:=\-–]?\s*(?:{_MOD})?(?P<art>an?\s+)?$"
)
_CUE_KINDS = ("first", "aged", "she", "third", "person")

#: Requirement/comparison words just before the expression: an admission rule, not an age.
_REQ_BEFORE = re.compile(
    rf"(?<!{_L})(?:must|should|gotta|needs?\s+to|ha(?:ve|s)\s+to|got\s+to|will|to|be|are|were"
    r"|at\s*least|minimum|min\.?|over|under|above|below|than|between|from|ages|legal"
    r"|almost|nearly|about|around|approx\.?|till?|until|by|age\s+limit|min\s+age"
    r"|mayor(?:es)?(?:\s+de)?|menor(?:es)?(?:\s+de)?|mas\s+de|menos\s+de|minim[oa]|entre"
    r"|since|when|once|if|ago|desde|a\s+partir\s+de|hace|casi|hasta|durante|cada|cuando|si"
    r"|старше|младше|от|до|более|менее|больше|меньше|свыше|после|через|почти|около|за"
    r"|каждые|уже\s+более|когда|если)\s*[:\-]?\s*$"
    r"|\d\s*(?:-|–|—|to|a|y|and|or|o|hasta|до|или|и|&|/)\s*$"
    r"|[+<>≥≤]\s*$"
)

#: Right after the expression: "+", "and up", "or older", "- 25", "to 25", "y más" ...
_REQ_AFTER = re.compile(
    r"\s*(?:\+|plus\b|&\s*(?:up|over|older)\b"
    r"|(?:and|or|n|y|o|и|или)\s+(?:up(?!\s+(?:for|to))|over|older|above|under|younger|below|more|mas|mayor(?:es)?"
    r"|menor(?:es)?|старше|младше|более|менее)\b"
    r"|(?:-|–|—|to|a|hasta|al|до|through|thru)\s*(?P<hi>\d\d)(?!\d|[a-zа-я'’\"])"
    rf"|(?:-|–|—|to|hasta|до)\s*(?:{_WORDS})(?!{_L})"
    r"|(?:older|younger|or\s+older|and\s+older)\b"
    r")"
)

#: What may follow a number that only has a cue before it.  A letter glued to the number
#: ("36dd", "19th", "20min") or a unit/noun after it means it is not an age.
_AFTER_CUE_BAD = re.compile(
    r"(?:[a-zа-я]|\s?['’\"″′%°/+]|[-–]\d|[.,:x]\d|\s?[$€£₽])"
    r"|\s+(?:min|mins|minutes?|minutos?|минут\w*|hours?|hrs?|h|horas?|час\w*|secs?|seconds?"
    r"|miles?|mi|km|kms|kilomet\w*|blocks?|cuadras|lbs?|pounds?|kgs?|kilos?|кг|ft|feet|foot"
    r"|inch(?:es)?|cm|см|dollars?|bucks|usd|roses?|pesos|euros?|dolares|руб\w*|percent|%"
    r"|por\s+ciento|процент\w*|times|veces|раз\w*|dd+|[b-h]|cups?|days?|dias|дн\w*|weeks?"
    r"|semanas?|недел\w*|months?|meses|mes|месяц\w*|girls?|guys?|men|chicas|fotos|photos|pics"
    r"|videos|reviews|followers|people|personas|seguidores|hijos|kids|children|ninos|st|nd|rd"
    r"|th|am|pm|o'?clock|of|out|in\s+(?:the|this)\s+(?:business|industry)|something|ish"
    r"|años\s+de\s+exp\w*|mins?)(?![^\W\d_])"
)

#: After a weak year word: what may *not* follow ("de experiencia", "in business", "назад").
_AFTER_WEAK_BAD = {
    "es": re.compile(
        r"\s+(?:de(?!\s+edad)|en|con|trabajando|haciendo|atras|de\s+exp\w*|garantia|mas|o\s+mas"
        r"|y\s+mas|ya|seguidos|juntos|casad[oa]s?|sin|desde)(?![^\W\d_])"
    ),
    "ru": re.compile(
        r"\s+(?:назад|опыта?|стажа?|работы|в|на|с|со|за|гаранти\w*|и\s+старше|и\s+более|уже"
        r"|вместе|подряд|как|работаю|занимаюсь)(?![^\W\d_])"
    ),
}
#: English bare "years" counts only at a clause end ("I'm 19 years, new in town").
_EN_WEAK_OK = re.compile(r"\s*(?:$|[^\w\s'’]|(?:and|&|n)(?![^\W\d_]))")

#: A list-like position: the number sits after a start/separator and the year word before
#: one ("Sofía, 19 años, latina").  A colon does not count ("Experiencia: 20 años").
_LIST_BEFORE = re.compile(r"(?:^|[,;.!|•·\n(—–]|\s-)\s*$")
_LIST_AFTER = re.compile(r"\s*(?:$|[,;.!|•·\n)—–]|\s-|[^\w\s])")

_FAMILY = (
    "son|sons|daughters?|kids?|child|children|brothers?|sisters?|mom|mother|dad"
    "|father|grandson|granddaughter|grandkids?|nephew|niece|husband|wife|boyfriend|cousin"
    "|hijo|hija|hijos|hijas|nino|ninos|hermano|hermana|sobrin[oa]|niet[oa]|esposo|esposa"
    "|marido|novio|primo|prima"
    "|сын|сына|сыну|дочь|дочка|дочке|дочери|ребенок|ребенку|дети|детям|брат|брату|сестра"
    "|сестре|муж|мужу|внук|внучка"
)
_OBJECT = (
    "car|cars|truck|vehicle|van|suv|bike|motorcycle|boat|house|home|roof|building|business"
    "|company|shop|store|dog|dogs|cat|cats|puppy|horse|tree|trees|wine|whisky|whiskey|scotch"
    "|bottle|cheese|tires?|laptop|computer|phone|tv|sofa|couch|mattress|fridge|piano|guitar"
    "|account|warranty|experience|mortgage|loan|lease|plan|bond|program|mission"
    "|carro|coche|auto|camioneta|moto|casa|perro|perra|gato|negocio|empresa|garantia"
    "|машина|машине|машину|авто|дом|дому|собака|собаке|кошка|кошке|опыт|стаж|бизнес|компания"
)
_POSS = (
    r"my|our|his|her|their|your|mi|mis|su|sus|tu|tus|nuestr[oa]s?|мо[иея]|моего|моей|моему"
    r"|наш\w*|его|ее"
)
#: Someone or something else is the subject: "my son is 12", "la casa tiene 20", "my 15 y/o".
_OTHER_BEFORE = re.compile(
    rf"(?<!{_L})(?:(?:{_POSS})\s+(?:{_L}+\s+){{0,2}}?(?:{_FAMILY}|{_OBJECT})"
    rf"|(?:{_FAMILY}|{_OBJECT}))\W{{0,3}}(?:is\s+|was\s+|es\s+|tiene\s+|turned\s+|aged\s+)?"
    rf"(?:{_L}+\s+)?$"
    rf"|(?<!{_L})(?:{_POSS})\s*$"
)
#: "15 year old car", "10-летний опыт", "12 y/o son".
_OTHER_AFTER = re.compile(rf"\s*(?:{_L}+\s+)?(?:{_FAMILY}|{_OBJECT})(?!{_L})")

#: Prefilter: some cue, marker or year word must be present for any age to exist.
_PREFILTER = re.compile(
    r"\d\d|\d[ .\-_]\d|teen|twent|thirt|fort|fift|sixt|sevent|eight|ninet|eleven|twelve"
    r"|ce\b|dieci|diez|veint|nta|дцат|сорок|десят|девяност"
)


def _lower(text: str) -> str:
    """``text.lower()`` with one output character per input character (keeps offsets)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def extract(v: Views, field: str, ctx: Context) -> list[Entity]:
    """Stated ages in one field's text; see the module docstring for what counts.

    >>> from redflags.normalize import Views
    >>> [e.value for e in extract(Views("tengo diecisiete añitos, 17 лет"), "body", Context())]
    [17, 17]
    """
    del ctx  # ages do not depend on the ad's country
    folded = v.folded
    text = folded.text
    if not _PREFILTER.search(text):
        return []
    low = _lower(text)
    out: list[Entity] = []
    for m in _NUM_RE.finditer(low):
        ent = _check(v, field, low, m)
        if ent is not None:
            out.append(ent)
    return out


def _check(v: Views, field: str, low: str, m: re.Match[str]) -> Entity | None:
    kind = m.lastgroup
    raw = m.group()
    value = int(raw) if kind == "d" else word_number(raw)
    if value is None or not MIN_AGE <= value <= MAX_AGE:
        return None
    start, end = m.span()
    # ---- what follows the number
    suffix_end = end
    strength = ""  # "strong" | "adj" | "en" | "es" | "ru" | "" (weak: a bare year word)
    sm = _STRONG_SUFFIX.match(low, end)
    if sm and not _spanish_yo(low, start, sm.end()):
        strength, suffix_end = "strong", sm.end()
    elif am := _RU_ADJ_SUFFIX.match(low, end):
        strength, suffix_end = "adj", am.end()
    elif (wm := _WEAK_SUFFIX.match(low, end)) and wm.lastgroup:
        strength, suffix_end = wm.lastgroup, wm.end()
    if kind in ("s", "sw") and strength not in ("strong", "adj"):
        return None  # "I'm 5 4" is a height; split digits need an unmistakable marker
    # ---- what precedes it
    w0 = max(0, start - _WINDOW)
    cm = _CUE_RE.search(low, w0, start)
    cue = next((k for k in _CUE_KINDS if cm.group(k)), None) if cm else None
    if cm and cm.group("art") and strength != "strong":
        cue = None  # "I'm a 10" is a rating; "I'm a 19 year old girl" is an age
    if cue is None:
        if not strength:
            return None
        # a bare year word without a cue needs a list-like position ("Sofía, 19 años, ...")
        if strength in ("en", "es", "ru") and not (
            _LIST_BEFORE.search(low, w0, start) and _LIST_AFTER.match(low, suffix_end)
        ):
            return None
    elif cue in ("third", "person") and not strength:
        return None  # "tiene 20", "chica 18": only with a year word
    if strength == "en" and not _EN_WEAK_OK.match(low, suffix_end):
        return None  # "19 years in business", "12 years of experience"
    if strength in ("es", "ru") and _AFTER_WEAK_BAD[strength].match(low, suffix_end):
        return None
    if cue == "aged" and strength == "en":
        return None  # "scotch aged 12 years"
    if not strength and _AFTER_CUE_BAD.match(low, end):
        return None
    expr_start = cm.start() if cm and cue else start
    # ---- admission rules, ranges and other people's/things' ages
    wb = max(0, expr_start - _WINDOW)
    if _REQ_BEFORE.search(low, wb, expr_start):
        return None
    ra = _REQ_AFTER.match(low, suffix_end)
    if ra and (ra.group("hi") is None or int(ra.group("hi")) > value):
        return None  # "18 and up", "18+", "18-25" (a range); not "19 - 34c"
    if cue != "first":
        if _OTHER_BEFORE.search(low, wb, expr_start):
            return None
        if strength in ("strong", "adj") and _OTHER_AFTER.match(low, suffix_end):
            return None
    folded = v.folded
    span = span_of(v, folded, expr_start, suffix_end, field)
    num_text = folded.original_text(start, end)
    disguised = num_text != str(value)
    return Entity(kind="age", value=value, data=value, span=span, disguised=disguised)


#: "yo" is also the Spanish "I": "50 yo hago todo", "a las 10 yo te espero".
_YO_ES_AFTER = re.compile(
    r"\s+(?:soy|te|me|lo|la|le|les|tengo|estoy|hago|puedo|quiero|voy|vivo|trabajo|cobro"
    r"|atiendo|doy|ofrezco|busco|no|si|tambien|solo|se|misma|mismo|personalmente|estare|recibo"
    r"|acepto|hablo|salgo|mando|envio|contesto|respondo|espero|invito|llevo|puedo|hare|hago"
    r"|prefiero|cumplo|trato|soy)(?![^\W\d_])"
)
_YO_ES_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:precio|precios|por|dolares|pesos|euros|cobro|las|son|minutos|horas|mil"
    r"|desde|hasta|de|en|con|solo|cuesta|vale|tarifa)\s*[:\-]?\s*$"
)


def _spanish_yo(low: str, start: int, suffix_end: int) -> bool:
    """True when a matched "yo" marker reads as the Spanish pronoun, not "years old"."""
    if low[suffix_end - 2 : suffix_end] != "yo":
        return False
    if _YO_ES_AFTER.match(low, suffix_end):
        return True
    return _YO_ES_BEFORE.search(low, max(0, start - 20), start) is not None
