"""E-mail addresses, plain and spelt out ("name at example dot com", "name [at] example (dot) com").

The extractor anchors on an "at" (``@``, `` @ ``, ``[at]``, ``(at)``, `` at ``, Spanish
``arroba``, Russian ``собака``), reads the local part to its left and a dotted domain to its
right (``.``, `` . ``, ``[dot]``, ``(dot)``, `` dot ``, ``punto``, ``точка``).  A spelt-out or
spaced address must end in a known top-level domain and its local part must not be an ordinary
word ("email me at gmail dot com"), which keeps "meet at the mall dot" and "available at 9" out.

>>> from redflags.extract import Context
>>> from redflags.normalize import Views
>>> [(e.value, e.span.text, e.disguised) for e in extract(
...     Views("write jenny22 [at] example (dot) com"), "body", Context()) if e.span]
[('jenny22@example.com', 'jenny22 [at] example (dot) com', True)]
"""

from __future__ import annotations

import re
from typing import Final

from redflags.extract import Context, span_of
from redflags.model import Entity
from redflags.normalize import Views

__all__ = ["extract"]

_AT_WORDS: Final = r"at|arroba|собака|собачка"
_DOT_WORDS: Final = r"dot|punto|точка"
_OPEN: Final = r"[\[({<]"
_CLOSE: Final = r"[\])}>]"

#: the "at" between local part and domain:
#:     @ | " @ " | \s?OPEN\s?(?:AT|@)\s?CLOSE\s? | \s(?:AT)\s | [-_*]at[-_*]
#: written so that every match starts with one consumed character from a fixed class and the
#: alternatives (same order, same matches) check that character with a look-behind: the regex
#: engine then skips ahead to candidate characters at C speed instead of trying every position.
_AT: Final = re.compile(
    rf"(?i)[@\s\[({{<\-_*](?:(?<=@)|(?<= )@ "
    rf"|(?<=\s){_OPEN}\s?(?:{_AT_WORDS}|@)\s?{_CLOSE}\s?"
    rf"|(?<={_OPEN})\s?(?:{_AT_WORDS}|@)\s?{_CLOSE}\s?"
    rf"|(?<=\s)(?:{_AT_WORDS})\s|(?<=[-_*])(?:at)[-_*])"
)
_DOT: Final = rf"(?:\.| \. |\s?{_OPEN}\s?(?:{_DOT_WORDS}|\.)\s?{_CLOSE}\s?|\s(?:{_DOT_WORDS})\s)"
_LABEL: Final = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_DOMAIN: Final = re.compile(rf"(?i){_LABEL}(?:{_DOT}{_LABEL}){{1,5}}(?![a-z0-9])")
_DOT_SPLIT: Final = re.compile(rf"(?i){_DOT}")
#: a local part: the characters that may end one (read backwards) and its first character.
#: Reading the run back from the "at" replaces ``[a-z0-9][a-z0-9._%+\-]{0,63}$`` searched over
#: the 64 characters before it, which tried every start position (see _local_part).  The
#: regexes define the classes; _local_part loops over their characters (the sets below, pinned
#: to them by a test: ``(?i)[a-z]`` also takes "İ", "ı", "ſ" and the Kelvin sign "K")
_LOCAL_RUN: Final = re.compile(r"(?i)[a-z0-9._%+\-]*")
_LOCAL_FIRST: Final = re.compile(r"(?i)[a-z0-9]")
_LOCAL_FIRST_CHARS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\u0130\u0131\u017f\u212a"
)
_LOCAL_CHARS: Final = _LOCAL_FIRST_CHARS | frozenset("._%+-")
#: a domain written with plain dots only (no spaces, brackets or dot words)
_SPELT: Final = re.compile(r"[\s\[({<]")
_TLD: Final = re.compile(r"[a-z]{2,24}")
_PREFILTER: Final = re.compile(rf"(?i)@|{_OPEN}\s?(?:at|@)|(?<![^\W\d_])(?:at|arroba|соба[кч])")
#: :data:`_PREFILTER` without "@" on lower-cased text: a bracketed "at" is a word-initial "at"
#: too.  Starting with a literal lets the regex engine jump between the a's (~6x faster).
#: "ᲃ" and "ᲂ" (rare Cyrillic letter forms) are what ``(?i)`` equates with "с" and "о" though
#: they lower-case to themselves: ``_AT`` takes "ᲃобака", so the prefilter must too.
_AT_WORD: Final = re.compile(r"a(?<![^\W\d_]a)(?:t|rroba)|[сᲃ](?<![^\W\d_][сᲃ])[оᲂ]ба[кч]")
#: the characters an ``_AT`` match starts with, besides white space (``\s`` is str.isspace)
_AT_FIRST: Final = "@[({<-_*"

#: top-level domains accepted when the address is spelt out or spaced
_KNOWN_TLDS: Final = frozenset(
    """com net org edu gov mil info biz io co me tv us uk ca au nz ie de fr es it nl be ch at
    se dk fi pl cz sk hu ro bg gr pt ru ua by kz mx ar br cl pe ve ec uy py bo cu gt hn sv ni
    cr pa pr do jp cn kr tw hk in ph vn th id my sg za ng ke eg ma tr il ae sa xyz app dev site
    online club live life email mail pro top store shop fun love xxx porn sexy adult cc ws ly
    gg la eu asia mobi name""".split()
)
#: ordinary words that are not the local part of a spelt-out address
_NOT_LOCAL: Final = frozenset(
    """me us you him her them i we it is am are be was were email e-mail mail correo text txt
    call contact reach write find meet meeting available here home located stay stop look see
    arrive arrived work working live lives living dinner lunch party hotel best only also
    escribeme escribe contactame llamame mi tu su пиши почта the a an and or now""".split()
)


_WEAK_AT: Final = re.compile(r"\s(?:at)\s")
_USERNAME_LIKE: Final = re.compile(r"[0-9._]")
#: mail providers: "jenny at gmail.com" is an address even with a plain local part
_MAIL_HOSTS: Final = frozenset(
    """gmail googlemail yahoo ymail hotmail outlook live msn icloud me mac aol proton
    protonmail pm tutanota tuta yandex mail gmx zoho""".split()
)


def _plain(span_text: str, value: str) -> bool:
    return span_text.lower() == value


def _may_have_at(text: str) -> bool:
    """``_PREFILTER.search(text) is not None``, mostly at C speed."""
    if "@" in text:
        return True
    low = text.lower()
    if len(low) != len(text):  # pragma: no cover - folded text keeps its length when lowered
        return _PREFILTER.search(text) is not None
    return _AT_WORD.search(low) is not None


def _is_letter(c: str) -> bool:
    """``[^\\W\\d_]``, the regex class of letters, for one character."""
    return c.isalnum() and not c.isdecimal()


def _word_initial(low: str, i: int) -> bool:
    return i == 0 or not _is_letter(low[i - 1])


def _at_anchors(low: str) -> tuple[list[int], bool]:
    """Where an ``_AT`` match may have its "@" or at-word in lower-cased text (ascending), and
    whether :func:`_may_have_at` holds (an "@", or a match of :data:`_AT_WORD`).

    The at-words are found with ``str.find`` (C speed) rather than a regex, which costs
    some 50 instructions a character: "@"; word-initial "at", "arroba", "собак" and "собач",
    with "ᲃ"/"ᲂ" for "с"/"о" as ``(?i)`` takes them (the matches of ``_AT_WORD``).
    """
    found: list[int] = []
    gate = False
    i = low.find("@")
    while i >= 0:
        found.append(i)
        gate = True
        i = low.find("@", i + 1)
    for word in ("at", "arroba"):
        i = low.find(word)
        while i >= 0:
            if _word_initial(low, i):
                found.append(i)
                gate = True
            i = low.find(word, i + 1)
    if "ба" in low:
        j = low.find("ба")
        while j >= 0:
            i = j - 2
            if (
                i >= 0
                and low[i] in "сᲃ"
                and low[i + 1] in "оᲂ"
                and low.startswith(("к", "ч"), j + 2)
                and _word_initial(low, i)
            ):
                found.append(i)
                gate = True
            j = low.find("ба", j + 1)
    found.sort()
    return found, gate


def _at_matches(text: str, low: str) -> list[re.Match[str]]:
    """``list(_AT.finditer(text)) if _may_have_at(text) else []``, without the finditer.

    ``low`` is ``text.lower()``.  ``_AT`` begins with a class that contains ``\\s``, so its
    finditer tries every space of the text (" at " passes the prefilter in most ads).  Yet
    every ``_AT`` match has its anchor, an "@" or an at-word, within its first four
    characters (``" [ at ] "``: the anchor is 3 after the start), and an at-word there never
    follows a letter.  :func:`_at_anchors` finds a superset of those anchors; trying
    ``_AT.match`` at the 4 positions up to each anchor, left to right and never before the end
    of the previous match, gives finditer's leftmost, non-overlapping matches.
    """
    if "\u0130" in text:  # the one character whose lower case is longer ("İ" -> "i̇")
        return list(_AT.finditer(text)) if _may_have_at(text) else []
    anchors, gate = _at_anchors(low)
    if not gate:
        return []
    out: list[re.Match[str]] = []
    nxt = 0  # finditer's next search position
    for a in anchors:
        q = max(nxt, a - 3)
        while q <= a:
            c = text[q]  # ``_AT`` fails at once on any other first character: skip the call
            m = _AT.match(text, q) if c in _AT_FIRST or c.isspace() else None
            if m is None:
                q += 1
            else:
                out.append(m)
                q = m.end()
        nxt = q
    return out


def extract(v: Views, field: str, ctx: Context) -> list[Entity]:
    """E-mail addresses in one field, lower-cased, with their original spans."""
    folded = v.folded
    text = folded.text
    out: list[Entity] = []
    pos = 0
    for at in _at_matches(text, v.lower):
        if at.start() < pos:
            continue
        # the anchored domain match is cheap and fails for most " at "s: try it first
        dom = _DOMAIN.match(text, at.end())
        if dom is None:
            continue
        local = _local_part(text, at.start()).lstrip(".-+%")
        if not local or ".." in local or local.endswith("."):
            continue
        start = at.start() - len(local)
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_'’"):
            continue
        found = _best_domain(text, start, at, dom.group(), local)
        if found is None:
            continue
        value, end = found
        span = span_of(v, folded, start, end, field)
        out.append(
            Entity(
                kind="email",
                value=value,
                data=value,
                span=span,
                disguised=not _plain(span.text, value),
            )
        )
        pos = end
    return out


def _local_part(text: str, at: int) -> str:
    """The local part ending at ``at``: the longest run of local-part characters within the 64
    before it, from its first letter or digit ("" when there is none).

    The same as ``re.search(r"(?i)[a-z0-9][a-z0-9._%+-]{0,63}$", text[at - 64 : at])`` (its
    leftmost match starts at the first letter or digit of that run), but linear.  One
    difference cannot show: that ``$`` also matches before a final newline, yet a local part
    read that way is always refused in :func:`extract`, as it follows a letter or digit.
    """
    # the loops stand for ``_LOCAL_RUN`` matched on the reversed window and ``_LOCAL_FIRST``
    # searched in the run, without the slicing, reversing and two regex calls
    run, first = _LOCAL_CHARS, _LOCAL_FIRST_CHARS  # (locals: no global look-up per character)
    lo = max(0, at - 64)
    i = at
    while i > lo and text[i - 1] in run:
        i -= 1
    while i < at and text[i] not in first:
        i += 1
    return text[i:at]


def _best_domain(
    text: str, start: int, at: re.Match[str], domain: str, local: str
) -> tuple[str, int] | None:
    """Longest acceptable ``local@domain`` reading: (value, end offset in ``text``)."""
    if at.group() == "@" and _SPELT.search(domain) is None:
        # the common "name@host.tld": the whole domain is accepted when its last label is a TLD
        # (what the first round of the loop below decides for plain dots)
        if _TLD.fullmatch(domain[domain.rindex(".") + 1 :].lower()):
            return f"{local.lower()}@{domain.lower()}", at.end() + len(domain)
    labels = _DOT_SPLIT.split(domain)
    seps = [m.group() for m in _DOT_SPLIT.finditer(domain)]
    while len(labels) >= 2:
        tld = labels[-1].lower()
        dotted = ".".join(labels).lower()
        value = f"{local.lower()}@{dotted}"
        end = at.end() + sum(len(x) for x in labels) + sum(len(s) for s in seps)
        plain_dots = all(s == "." for s in seps)
        if _TLD.fullmatch(tld) and not any(lb.startswith("-") for lb in labels):
            if at.group() == "@" and plain_dots:
                return value, end
            if tld in _KNOWN_TLDS and local.lower() not in _NOT_LOCAL:
                # "staying at hotel.com": a bare " at " before a plain domain needs more proof
                weak = _WEAK_AT.fullmatch(at.group()) is not None and plain_dots
                if not weak or _USERNAME_LIKE.search(local) or labels[0].lower() in _MAIL_HOSTS:
                    return value, end
        labels.pop()
        seps.pop()
    return None
