"""Messaging and payment handles: "snap: name", "IG @name", "t.me/name", "$cashtag" ...

Three shapes are read from the folded view:

* profile links: ``t.me/NAME``, ``instagram.com/NAME``, ``onlyfans.com/NAME``,
  ``twitter.com/NAME``, ``x.com/NAME``, ``paypal.me/NAME``, ``cash.app/$NAME``,
  ``venmo.com/NAME``, ``snapchat.com/add/NAME``, ``kik.me/NAME`` (also "t . me", "t(.)me");
* a platform word, connectors, then the name: "snap: name", "add me on kik - name",
  "my telegram @name", "sc 👻 name", "line id name".  Platform words may carry inserted
  punctuation, repeated letters or digits for letters ("s.n.a.p", "snaaap", "k1k");
* Cash App ``$cashtag`` (a letter first, so "$40" stays a price).

A name after a strong connector (``:``, ``-``, ``=``, ``@``, an emoji, "id") is accepted when it
fits the platform's username rules; after only a space or "is"/"me"/"on" it must also look like
a username (a digit, ``_`` or ``.``, or camel case), so "snap peas", "kik off", "signal light"
and "my snap is down" are not handles.  A platform word followed by a phone number is left to
the phone extractor.

>>> from redflags.extract import Context
>>> from redflags.normalize import Views
>>> [(e.value, e.span.text) for e in extract(Views("add me on s.n.a.p: jenny_xo"), "b", Context())
...  if e.span]
[('snapchat:jenny_xo', 's.n.a.p: jenny_xo')]
"""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING, Final

from redflags.extract import Context, span_of
from redflags.model import Entity
from redflags.normalize import COMPILED, Normalized, Views

if TYPE_CHECKING:  # native 64-bit ints in the compiled scans; plain ints from Python
    from mypy_extensions import i64

__all__ = ["PLATFORMS", "extract"]

#: platform -> the words posters use for it (lower case; matched case-insensitively)
_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "telegram": ("telegram", "telegramm", "telega", "tg", "телеграм", "телеграмм", "телега", "тг"),
    "whatsapp": ("whatsapp", "whats app", "watsapp", "wapp", "wa", "wsp", "ватсап", "вотсап"),
    "snapchat": ("snapchat", "snap chat", "snap", "sc", "snp"),
    "kik": ("kik",),
    "instagram": ("instagram", "insta", "ig", "инстаграм", "инста"),
    "onlyfans": ("onlyfans", "only fans"),
    "twitter": ("twitter",),
    "signal": ("signal",),
    "wechat": ("wechat", "weixin"),
    "line": ("line",),
    "cashapp": ("cashapp", "cash app"),
    "venmo": ("venmo",),
}
#: words that are platform names only in capitals ("OF: name", "X: @name")
_CASED_WORDS: Final = {"OF": "onlyfans", "X": "twitter"}

#: all platforms that can be reported
PLATFORMS: Final[tuple[str, ...]] = (*_WORDS, "paypal")

#: (min, max) length and allowed characters of a username, roughly per platform
_RULES: Final[dict[str, tuple[int, int, str]]] = {
    "telegram": (5, 32, "._"),
    "whatsapp": (3, 35, "._-"),
    "snapchat": (3, 15, "._-"),
    "kik": (2, 20, "._"),
    "instagram": (1, 30, "._"),
    "onlyfans": (3, 30, "._-"),
    "twitter": (1, 15, "_"),
    "signal": (3, 32, "._"),
    "wechat": (6, 20, "_-"),
    "line": (4, 20, "._-"),
    "cashapp": (1, 20, "_"),
    "venmo": (5, 30, "_-"),
    "paypal": (1, 20, ""),
}
#: platforms whose usernames must start with a letter
_LETTER_FIRST: Final = frozenset({"telegram", "snapchat", "wechat", "cashapp"})

_TOKEN: Final = re.compile(r"[^\W_]+")
#: digits and symbols read as letters inside platform words ("k1k", "ca$happ", "sn@p")
_DELEET: Final = str.maketrans("140537$@!|", "iaosetsaii")
#: the prefilter's reading: digits as letters, "$@!|" as separators (see :func:`_glue_joins`)
_DELEET_DIGITS: Final = str.maketrans("140537$@!|", "iaoset    ")
_LEET_SYMBOLS: Final = frozenset("$@!|")
#: separators posters put inside platform words ("s.n.a.p", "k-i-k", "whats app")
_JOIN_GAP: Final = re.compile(r"[._\-*·•'/ ]{1,2}|[$@!|]")


_DOUBLE: Final = re.compile(r"(.)\1", re.DOTALL)


def _squeeze(word: str) -> str:
    """Repeated letters squeezed: "snaaap" -> "snap"."""
    if len(word) < 3 or _DOUBLE.search(word) is None:
        return word
    out = [word[0]]
    for c in word[1:]:
        if c != out[-1]:
            out.append(c)
    return "".join(out)


#: platform word (squeezed, no spaces) -> platform
_FULL: Final[dict[str, str]] = {
    _squeeze(w.replace(" ", "")): platform for platform, ws in _WORDS.items() for w in ws
}
#: every prefix of every platform word: tokens worth joining with the next one
_PREFIXES: Final = frozenset(w[:k] for w in _FULL for k in range(1, len(w) + 1))


#: first characters of platform words (and prefixes)
_FIRST: Final = frozenset(w[0] for w in _PREFIXES)
_STARTS_OK: Final[dict[str, bool]] = {}


def _may_start(c: str) -> bool:
    """Whether a token beginning with ``c`` can have a :func:`_start_form` (memoised per char).

    The form's first character is ``c`` lower-cased, possibly read as a letter ("1" -> "i"):
    tokens starting with anything else are skipped without the string work.
    """
    ok = _STARTS_OK.get(c)
    if ok is None:
        low = c.lower()[:1]
        ok = low in _FIRST or low.translate(_DELEET) in _FIRST
        if len(_STARTS_OK) < 10_000:
            _STARTS_OK[c] = ok
    return ok


def _start_form(token: str) -> str | None:
    """``token`` as the start of a platform word (lower case, leet read, squeezed), or None."""
    low = token.lower()
    if low in _PREFIXES:
        return low
    t = low.translate(_DELEET)
    if t[:2] not in _PREFIXES and not (len(t) > 1 and t[0] == t[1]):
        return None
    t = _squeeze(t)
    return t if t in _PREFIXES else None


_REPEAT: Final = re.compile(r"(.)\1+")
_CASED: Final = re.compile(r"(?<![^\W_])(?:OF|X)(?![^\W_])")


def _has_cased_word(text: str) -> bool:
    """Whether "OF" or "X" stands as a word (platform names only in capitals)."""
    return ("OF" in text or "X" in text) and _CASED.search(text) is not None


def _may_have_platform_word(text: str) -> bool:
    """Cheap test, mostly at C speed, before the token-by-token scan."""
    return _has_cased_word(text) or _may_have_word(text)


def _may_have_word(text: str) -> bool:
    """Whether ``text`` may hold a platform word other than "OF"/"X": never False when it does
    (a test pins this to the scan), often True when it does not.

    :func:`_may_have_str` reads "$@!|" as separators, as the scan's tokens do, so "kik!" and
    "$kik" pass; :func:`_glue_joins` catches the words spelt across one ("sn@p", "ca$h").
    The first is run the fastest way for how this module runs: compiled, one pass over the
    code points through the prefix tree; from Python, one regex search over translated bytes
    when the tokens are ASCII.  Tests pin all three together.
    """
    if COMPILED:
        return _may_have_by_code_point(text)  # _glue_joins included
    raw = _ascii_tokens_source(text)
    if raw is not None:
        return _may_have_ascii(raw) or _glue_joins(text)
    return _may_have_plain(text)


def _may_have_plain(text: str) -> bool:
    """:func:`_may_have_word` in its plain form, which the fast ones are pinned to."""
    return _may_have_str(text) or _glue_joins(text)


def _glue_pairs() -> frozenset[tuple[int, int]]:
    """(class, class) of each two letters side by side in a platform word."""
    return frozenset(
        (_LETTER_CLASS[a], _LETTER_CLASS[b]) for w in _FULL for a, b in zip(w, w[1:], strict=False)
    )


def _glue_joins(text: str) -> bool:
    """Whether a "$@!|" between two token characters may be a letter of a platform word.

    The scan joins a token that spells a prefix to the next one over a single such character,
    read as its letter ("sn@p", "ca$h app"), and only when the joined form is still a prefix.
    Then the letter before it and the glue's letter, and the glue's letter and the one after
    it, are each one letter (squeezed) or two letters side by side in a platform word.  This
    asks just that of each glue character, so it is True whenever such a join can happen.
    """
    n = len(text)
    for glue in _GLUE_CHARS:
        i = text.find(glue, 1)
        while 0 < i < n - 1:
            k = _LETTER_CLASS[glue.translate(_DELEET)]
            before = _class_of_posted(text[i - 1])
            after = _class_of_posted(text[i + 1])
            if (
                before >= 2
                and after >= 2
                and (before == k or (before, k) in _GLUE_PAIRS)
                and (after == k or (k, after) in _GLUE_PAIRS)
            ):  # :func:`_glue_join_at` asks this of tables
                return True
            i = text.find(glue, i + 1)
    return False


def _may_have_str(text: str) -> bool:
    """The prefilter for text whose tokens may be non-ASCII (no "OF"/"X" check, and no word
    spelt across "$@!|", which it reads as separators: see :func:`_may_have_word`)."""
    toks = _TOKEN.findall(_REPEAT.sub(r"\1", text.lower().translate(_DELEET_DIGITS)))
    for k, tok in enumerate(toks):
        if tok in _PREFIXES:
            if tok in _FULL:
                return True
            if k + 1 < len(toks) and _squeeze(tok + toks[k + 1]) in _PREFIXES:
                return True
    return False


#: letters of the platform words (ASCII and Cyrillic), each a class of its own below
_LETTERS: Final = sorted({c for p in _PREFIXES for c in p})
#: code points below this have their class in a table; the rest are looked up one by one
_TABLE_SIZE: Final = 0x500
assert all(ord(c) < _TABLE_SIZE for c in _LETTERS)
#: the classes of the compiled scans: 0 a separator, 1 a token character that no platform
#: word spells, 2 + k the letter _LETTERS[k]
_LETTER_CLASS: Final[dict[str, int]] = {c: 2 + k for k, c in enumerate(_LETTERS)}
_CLASSES: Final = 2 + len(_LETTERS)
_GLUE_PAIRS: Final = _glue_pairs()


def _class_of_lowered(c: str) -> int:
    """The class of ``c``, a character of ``text.lower()``, in the prefilter's tokens: digits
    read as letters, "$@!|" as separators (only ASCII is translated, so no other character
    pays for ``translate``: the scans call this for each character past the tables)."""
    if ord(c) < 128:
        c = c.translate(_DELEET_DIGITS)
    return _LETTER_CLASS.get(c, 1) if c.isalnum() else 0


def _class_of_text(c: str) -> int:
    """:func:`_class_of_lowered` of ``c.lower()``: the prefilter reads the text as posted, as
    ``text.lower()`` is one character for one (final sigma aside, a non-letter either way)
    except for "İ", whose texts it lower-cases first."""
    low = c.lower()
    return _class_of_lowered(low) if len(low) == 1 else 1


def _class_of_posted(c: str) -> int:
    """The class of ``c`` in ``_TOKEN`` tokens of the text as posted, as :func:`_start_form`
    reads it: ``c.lower()`` de-leeted (a character that lower-cases to two is no letter)."""
    if not c.isalnum():
        return 0
    low = c.lower()
    if len(low) != 1:
        return 1
    if ord(low) < 128:  # only ASCII is de-leeted
        low = low.translate(_DELEET)
    return _LETTER_CLASS.get(low, 1)


#: code point -> chr(class), for :func:`_may_have_by_code_point` and :func:`_words_by_code_point`
_CLASS_TEXT: Final = "".join(chr(_class_of_text(chr(c))) for c in range(_TABLE_SIZE))
_CLASS_POSTED: Final = "".join(chr(_class_of_posted(chr(c))) for c in range(_TABLE_SIZE))


def _prefix_tree() -> tuple[str, list[bool]]:
    """:data:`_PREFIXES` as a tree of states (0 is ""): ``ord(tree[state * _CLASSES + class])
    - 1`` is the next state (-1: none); ``full[state]``: the prefix is a whole platform word
    (in :data:`_FULL`).  A string, as the compiled build reads ``ord(s[i])`` natively."""
    ids = {"": 0}
    for p in sorted(_PREFIXES, key=len):
        ids[p] = len(ids)
    nxt = [0] * (_CLASSES * len(ids))
    full = [False] * len(ids)
    for p, k in ids.items():
        full[k] = p in _FULL
        if p:
            nxt[ids[p[:-1]] * _CLASSES + _LETTER_CLASS[p[-1]]] = k + 1
    return "".join(map(chr, nxt)), full


_TREE: Final = _prefix_tree()
# Final: the compiled build reads these as C statics, not from the module's dict
_TREE_NEXT: Final = _TREE[0]
_TREE_FULL: Final = _TREE[1]
#: squeezed platform words never hold a doubled character, so no "cc" is a prefix (used below)
assert not any(a == b for p in _PREFIXES for a, b in zip(p, p[1:], strict=False))


def _glue_table(glue: str, before: bool) -> str:
    """``ord(table[k])``: whether a character of class ``k`` before (or after) ``glue`` passes
    :func:`_glue_joins`' test on that side."""
    g = _LETTER_CLASS[glue.translate(_DELEET)]
    ok = [
        k >= 2 and (k == g or ((k, g) if before else (g, k)) in _GLUE_PAIRS)
        for k in range(_CLASSES)
    ]
    return "".join(map(chr, ok))


# "$" and "@" (read "s" and "a"), and "!" and "|" (both read "i")
_GLUE_S_BEFORE: Final = _glue_table("$", True)
_GLUE_S_AFTER: Final = _glue_table("$", False)
_GLUE_A_BEFORE: Final = _glue_table("@", True)
_GLUE_A_AFTER: Final = _glue_table("@", False)
_GLUE_I_BEFORE: Final = _glue_table("!", True)
_GLUE_I_AFTER: Final = _glue_table("!", False)


def _glue_join_at(text: str, i: i64, c: i64) -> bool:
    """:func:`_glue_joins`' test of the glue character ``c`` at ``text[i]``, by table."""
    if i <= 0 or i + 1 >= len(text):
        return False
    b: i64 = ord(text[i - 1])
    a: i64 = ord(text[i + 1])
    kb: i64 = ord(_CLASS_POSTED[b]) if b < _TABLE_SIZE else _class_of_posted(text[i - 1])
    ka: i64 = ord(_CLASS_POSTED[a]) if a < _TABLE_SIZE else _class_of_posted(text[i + 1])
    if c == 36:
        return ord(_GLUE_S_BEFORE[kb]) > 0 and ord(_GLUE_S_AFTER[ka]) > 0
    if c == 64:
        return ord(_GLUE_A_BEFORE[kb]) > 0 and ord(_GLUE_A_AFTER[ka]) > 0
    return ord(_GLUE_I_BEFORE[kb]) > 0 and ord(_GLUE_I_AFTER[ka]) > 0


def _may_have_by_code_point(text: str) -> bool:
    """:func:`_may_have_plain` in one pass over the code points of
    ``text`` (the class table lower-cases them; texts with an "İ" are lower-cased first),
    without building a token: each token walks the prefix tree class by class (de-leeted,
    repeats skipped as ``_REPEAT.sub`` squeezes them) until no prefix can follow; a token that
    ends on a prefix that is not a whole word walks the tree on with the next token (the pair
    ``_squeeze(tok + next)``); each "$@!|" asks :func:`_glue_join_at`.
    """
    if "\u0130" in text:  # lower-casing moves the offsets: glue is asked of the text as posted
        return _may_have_walk(text.lower(), False) or _glue_joins(text)
    return _may_have_walk(text, True)


def _may_have_walk(low: str, glue: bool) -> bool:
    """:func:`_may_have_by_code_point`'s pass over ``low``; ``glue``: ask each "$@!|" too."""
    p_state: i64 = -1  # previous token's prefix, when it is one but not a word
    p_last: i64 = -1  # previous token's last class
    p_size: i64 = 0  # previous token's squeezed length
    in_token = False
    live = False  # state or pair may still grow
    state: i64 = -1  # this token's walk from the root; -1: no prefix
    pair: i64 = -1  # walk of (previous token + this one); -1: none
    quirk = False  # the pair is "c" + "c...": squeezed only if this token is longer
    last: i64 = -1
    size: i64 = 0
    k: i64 = 0
    n: i64 = len(low)
    i: i64
    c: i64 = 0
    for i in range(n + 1):
        if i < n:
            c = ord(low[i])
            k = ord(_CLASS_TEXT[c]) if c < _TABLE_SIZE else _class_of_text(low[i])
        else:
            c = 0
            k = 0  # the end of the text ends the last token
        if k == 0:
            if glue and (c == 33 or c == 36 or c == 64 or c == 124) and _glue_join_at(low, i, c):
                return True
            if in_token:
                in_token = False
                if not live:
                    p_state = -1
                    continue
                if pair >= 0 and not (quirk and size == 1):
                    return True
                if state >= 0:
                    if _TREE_FULL[state]:
                        return True
                    p_state, p_last, p_size = state, last, size
                else:
                    p_state = -1
            continue
        if not in_token:
            in_token = True
            last = k
            size = 1
            quirk = False
            pair = -1
            if p_state >= 0:
                if k == p_last:
                    pair = p_state  # squeezed into the previous token's last letter ...
                    quirk = p_size == 1  # ... unless both tokens are one letter
                else:
                    pair = ord(_TREE_NEXT[p_state * _CLASSES + k]) - 1
            state = ord(_TREE_NEXT[k]) - 1
            live = state >= 0 or pair >= 0
        elif live and k != last:  # k == last: squeezed away
            last = k
            size += 1
            if pair >= 0:
                pair = ord(_TREE_NEXT[pair * _CLASSES + k]) - 1
            if state >= 0:
                state = ord(_TREE_NEXT[state * _CLASSES + k]) - 1
            live = state >= 0 or pair >= 0
    return False


#: the separators _NEXT joins over (one or two of them), and the leet symbols it reads as letters
_GAP_CHARS: Final = "._-*·•'/ "
_GLUE_CHARS: Final = "$@!|"


def _may_go_on(text: str, end: int, state: i64, last: i64) -> bool:
    """Whether :func:`_word_at` can go on from a token ending at ``end`` that spelt the prefix
    ``state`` (last class ``last``): ``_NEXT`` must match there, and the letter it adds first
    (the leet symbol's, or the next token's) must extend the prefix or repeat its last letter,
    as ``_squeeze(acc + glue + tail)`` can only be a prefix then."""
    n = len(text)
    if end >= n:
        return False
    c = text[end]
    if c in _GLUE_CHARS:
        if end + 1 >= n or _class_of_posted(text[end + 1]) == 0:
            return False
        k: i64 = _LETTER_CLASS[c.translate(_DELEET)]
    else:
        if c not in _GAP_CHARS:
            return False
        nxt = end + 1
        if nxt < n and text[nxt] in _GAP_CHARS:
            nxt += 1
        if nxt >= n:
            return False
        k = _class_of_posted(text[nxt])
        if k == 0:
            return False
    return k == last or ord(_TREE_NEXT[state * _CLASSES + k]) > 0


def _words_by_code_point(text: str) -> list[tuple[int, int, str]]:
    """:func:`_platform_words` of a text that passed the prefilter and has no "OF"/"X" word,
    in one pass over its code points: only the ``_TOKEN`` tokens whose :func:`_start_form` is
    a prefix (a walk down the tree, class by class, squeezing repeats) that is a platform word
    or may grow into one (:func:`_may_go_on`) are tried with :func:`_word_at`; the rest cannot
    start a word.  No token string is built for them.
    """
    out: list[tuple[int, int, str]] = []
    pos: i64 = 0  # tokens before pos belong to the last word found
    start: i64 = -1  # start of the token being read; -1: between tokens
    state: i64 = -1
    last: i64 = -1
    k: i64 = 0
    n: i64 = len(text)
    i: i64
    for i in range(n + 1):
        if i < n:
            c: i64 = ord(text[i])
            k = ord(_CLASS_POSTED[c]) if c < _TABLE_SIZE else _class_of_posted(text[i])
        else:
            k = 0
        if k == 0:
            if start >= 0:
                if (
                    state >= 0
                    and start >= pos
                    and (_TREE_FULL[state] or _may_go_on(text, i, state, last))
                ):
                    found = _word_at(text, text[start:i], i)
                    if found is not None:
                        pos = found[0]
                        out.append((start, pos, found[1]))
                start = -1
            continue
        if start < 0:
            start = i
            last = k
            state = ord(_TREE_NEXT[k]) - 1
        elif state >= 0 and k != last:
            last = k
            state = ord(_TREE_NEXT[state * _CLASSES + k]) - 1
    return out


# The same test on bytes, for the ~90% of fields whose tokens are all ASCII.  One
# bytes.translate does lower() + _DELEET_DIGITS + "non-token character -> space", so the tokens are
# the runs between spaces, as _TOKEN.findall finds them in the str version (_may_have_ascii).
_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]")


def _token_table() -> bytes:
    table = bytearray(b" " * 256)
    for i in range(128):
        c = chr(i)
        if c.isalnum():
            table[i] = ord(c.lower())
    for leet, letter in _DELEET_DIGITS.items():
        table[leet] = letter
    return bytes(table)


_TOKEN_TABLE: Final = _token_table()
_PREFIXES_B: Final = frozenset(w.encode() for w in _PREFIXES if w.isascii())


def _ascii_tokens_source(text: str) -> bytes | None:
    """``text`` as ASCII bytes when its non-ASCII characters (emoji, bullets ...) cannot be part
    of a token; they become "?" (a separator, like them).  None when a token could be non-ASCII.
    """
    if text.isascii():
        return text.encode("ascii")
    if any(c.isalnum() for c in set(_NON_ASCII.findall(text))):
        return None
    return text.encode("ascii", "replace")


# The bytes test as one regex search.  In the translated bytes every token is a run of
# [a-z0-9] between spaces, and a token squeezes to a word ``w`` exactly when it spells ``w``
# with each letter repeated (``s+n+a+p+``).  _prefilter_regex() writes the prefix tree of the
# platform words in that form, so one search (starting at a space, which the regex engine
# finds at C speed) answers "a token squeezes to a platform word, or two adjacent tokens
# squeeze to a prefix of one" without squeezing, splitting or hashing anything.
_END: Final = "(?![a-z0-9])"


def _children(prefix: str) -> list[str]:
    """Letters that extend ``prefix`` (squeezed, ASCII) to a longer prefix of a platform word."""
    return [c for c in string.ascii_lowercase if (prefix + c).encode() in _PREFIXES_B]


def _alt(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _prefilter_regex() -> re.Pattern[bytes]:
    """A search for " " + translated bytes equal to ``_may_have_ascii`` (pinned by a test).

    After the first token's letters reach prefix ``q`` the regex may end the token (when ``q``
    is a platform word) or cross the spaces to the second token, which may first repeat
    ``q``'s last letter (squeezed into it) and then continue down the tree; any prefix is
    accepted there.  :func:`_squeeze` leaves two-letter words alone, so "s s" -> "ss" is not the
    prefix "s": after a one-letter ``q`` the second token must reach a longer prefix.
    """

    def after(q: str) -> str:  # rest of the second token
        return _alt([_END] + [f"{c}++" + after(q + c) for c in _children(q)])

    def gap(q: str) -> str:  # spaces crossed after the first token spelt q
        last = q[-1]
        longer = [f"{c}++" + after(q + c) for c in _children(q)]
        if len(q) == 1:
            return f"{last}*+" + _alt(longer)
        return _alt([f"{last}++" + after(q), *longer])

    def first(q: str) -> str:  # rest of the first token after it spelt q
        parts = [_END] if q in _FULL else []
        parts += [f"{c}++" + first(q + c) for c in _children(q)]
        if _children(q) or len(q) > 1:
            parts.append(" ++" + gap(q))
        return _alt(parts)

    return re.compile((" " + _alt([f"{c}++" + first(c) for c in _children("")])).encode())


def _candidate_regex() -> re.Pattern[bytes]:
    """Tokens of " " + :data:`_TOKEN_TABLE` bytes ("$@!|" are separators there, so tokens are
    exactly ``_TOKEN``'s) that may start a platform word.

    A superset of the tokens whose :func:`_start_form` is not None (those spell a prefix with
    repeated letters), narrowed to tokens that are a whole platform word or are followed by a
    short gap and another token (the only way a prefix can grow into a word).
    """

    def rest(q: str) -> str:
        end = _END if q in _FULL else _END + "(?= {1,2}[a-z0-9])"
        return _alt([f"{c}++" + rest(q + c) for c in _children(q)] + [end])

    return re.compile((" " + _alt([f"{c}++" + rest(c) for c in _children("")])).encode())


#: the pure build's regexes, compiled on first use: the compiled build scans code points
#: instead, and compiling these two big patterns is a good part of importing this module
_BYTES_REGEX: Final[dict[str, re.Pattern[bytes]]] = {}


def _bytes_regex(name: str) -> re.Pattern[bytes]:
    """:func:`_prefilter_regex` ("prefilter") or :func:`_candidate_regex` ("candidate")."""
    pattern = _BYTES_REGEX.get(name)
    if pattern is None:
        pattern = _prefilter_regex() if name == "prefilter" else _candidate_regex()
        _BYTES_REGEX[name] = pattern
    return pattern


def _may_have_ascii(raw: bytes) -> bool:
    """:func:`_may_have_str` for ASCII-token text (a test pins it to the squeeze-and-split form)."""
    return _bytes_regex("prefilter").search(b" " + raw.translate(_TOKEN_TABLE)) is not None


#: the gap and the token after a token, when the two may be one disguised platform word
_NEXT: Final = re.compile(r"([._\-*·•'/ ]{1,2}|[$@!|])([^\W_]+)")


def _platform_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, platform) of the platform words in ``text``, disguised ones included."""
    cased = _has_cased_word(text)
    if not cased and not _may_have_word(text):  # _may_have_platform_word, cased kept
        return []
    if COMPILED and not cased:
        return _words_by_code_point(text)
    raw = None if cased else _ascii_tokens_source(text)
    if raw is None:  # the general path: every token of the text
        tokens = ((m.start(), m.end()) for m in _TOKEN.finditer(text))
    else:
        # only tokens that can start a word: positions in the bytes are those of ``text``
        scan = b" " + raw.translate(_TOKEN_TABLE)
        candidates = _bytes_regex("candidate").finditer(scan)
        tokens = ((m.start(), m.end() - 1) for m in candidates)
    out: list[tuple[int, int, str]] = []
    pos = 0  # tokens before pos belong to the last word found
    for start, end in tokens:
        if start < pos:
            continue
        tok = text[start:end]
        cased_word = _CASED_WORDS.get(tok)
        found = (end, cased_word) if cased_word else _word_at(text, tok, end)
        if found is not None:
            pos, platform = found
            out.append((start, pos, platform))
    return out


def _word_at(text: str, tok: str, end: int) -> tuple[int, str] | None:
    """(end, platform) of the longest platform word starting with token ``tok``, if any.

    The word may go on over following tokens ("s.n.a.p", "whats app", "ca$h app").
    """
    form = _start_form(tok) if _may_start(tok[0]) else None
    if form is None:
        return None
    acc = form
    best: tuple[int, str] | None = None
    spaced = False
    while True:
        if acc in _FULL and (len(acc) > 2 or (not spaced and tok.isalpha())):
            best = (end, acc)
        m = _NEXT.match(text, end)
        if m is None:
            break
        gap = m.group(1)
        glue = gap.translate(_DELEET) if gap in _LEET_SYMBOLS else ""
        nxt = _squeeze(acc + glue + m.group(2).lower().translate(_DELEET))
        if nxt not in _PREFIXES:
            break
        spaced = spaced or " " in gap
        acc = nxt
        end = m.end()
    return None if best is None else (best[0], _FULL[best[1]])


#: plain spellings of platform words (anything else posted is a disguise)
_PLAIN_WORDS: Final = frozenset(w.lower() for ws in _WORDS.values() for w in ws) | {"of", "x"}

_STRONG: Final = r"[:=>\-–—~|→➡👉👻📷📸💬#]+"
_CONNECTOR: Final = re.compile(
    rf"\s*(?:(?P<strong>{_STRONG}|id(?![^\W_]))"
    r"|(?P<weak>(?:is|es|me|at|on|name|username|user|handle|account|acct|tag)(?![^\W_])"
    r"|[(\[\"'])"
    r"|!+)",  # "telegram! @name": an exclamation mark connects nothing, but ends no handle
    re.IGNORECASE,
)
_NAME: Final = re.compile(r"\s*(?P<sigil>[@$])?\s?(?P<h>[A-Za-z0-9][A-Za-z0-9._\-]{0,39})")
_HANDLEISH: Final = re.compile(r"[0-9_.]|[a-z][A-Z]")
_PHONEISH: Final = re.compile(r"\s*\+?[0-9(][0-9\s().\-]{5,}")

#: words that follow platform names in ads but are not usernames
_STOP: Final = frozenset(
    """me is id on at and or the a an only ask pls please plz no yes here too also available
    down off now for to my your his her our their name add dm msg message text call with same
    below above info link bio in via premium free vip private public sale content page account
    upon request only just and then snap kik ig tg insta instagram telegram whatsapp snapchat
    signal wechat line twitter onlyfans venmo cashapp paypal app number num phone verified
    verification only girl girls boy cam video videos pics pic photos photo chat live story
    stories us them it if not up off out all more best new hot sexy ask""".split()
)

_URL_DOT: Final = r"(?:\.|\s\.\s|\s?[\[(]\s?(?:dot|\.)\s?[\])]\s?|\s(?:dot)\s)"
_URL: Final = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.)?"
    r"(?P<dom>telegram|t|instagram|onlyfans|twitter|x|paypal|cash|venmo|snapchat|kik)"
    rf"(?P<dot>{_URL_DOT})(?P<tld>me|com|app)\s?/\s?(?:add/|u/)?(?P<sigil>\$)?"
    r"(?P<h>[A-Za-z0-9][A-Za-z0-9._\-]{0,39})",
    re.IGNORECASE,
)
#: what every :data:`_URL` match contains: a "/" right after its top-level domain (and an
#: optional space); starts with the "/" so the regex engine jumps between slashes
_URL_HINT: Final = re.compile(
    r"(?i)/(?:(?<=me/)|(?<=com/)|(?<=app/)|(?<=me\s/)|(?<=com\s/)|(?<=app\s/))"
)
_URL_PLATFORM: Final[dict[tuple[str, str], str]] = {
    ("t", "me"): "telegram",
    ("telegram", "me"): "telegram",
    ("instagram", "com"): "instagram",
    ("onlyfans", "com"): "onlyfans",
    ("twitter", "com"): "twitter",
    ("x", "com"): "twitter",
    ("paypal", "me"): "paypal",
    ("cash", "app"): "cashapp",
    ("venmo", "com"): "venmo",
    ("snapchat", "com"): "snapchat",
    ("kik", "me"): "kik",
}
#: profile-link paths that are not usernames
_URL_STOP: Final = frozenset(
    "p reel reels stories explore share intent home search i joinchat s add u login".split()
)

#: "$name" not preceded by a word character or "$"; the look-behind comes after the "$" so the
#: regex engine can jump from "$" to "$" (prices put one in most ads)
_CASHTAG: Final = re.compile(r"\$(?<![\w$]\$)(?P<h>[A-Za-z][A-Za-z0-9_]{0,19})(?![\w$])")
#: "$" used for "s" in ordinary ad words, and currency codes, are not cashtags
_CASHTAG_STOP: Final = frozenset(
    """exy ex pecial pecials ale ome weet ensual tart pa how ession essions ervice ervices
    uper ugar ugardaddy ugardaddies afe ure ummer tay exxy usd us cad aud mxn eur
    gbp""".split()
)


def _valid_name(platform: str, name: str) -> bool:
    lo, hi, extra = _RULES[platform]
    if not lo <= len(name) <= hi:
        return False
    if any(not (c.isascii() and c.isalnum()) and c not in extra for c in name):
        return False
    if platform in _LETTER_FIRST and not name[0].isalpha():
        return False
    if not any(c.isalpha() for c in name):
        return False
    return name.lower() not in _STOP


def _entity(
    v: Views,
    view: Normalized,
    field: str,
    platform: str,
    name: str,
    start: int,
    end: int,
    disguised: bool,
) -> Entity:
    handle = name.lower()
    span = span_of(v, view, start, end, field)
    name_orig = view.original_text(end - len(name), end)
    return Entity(
        kind="handle",
        value=f"{platform}:{handle}",
        data={"platform": platform, "handle": handle},
        span=span,
        disguised=disguised or name_orig != name,
    )


def extract(v: Views, field: str, ctx: Context) -> list[Entity]:
    """Handles in one field as ``platform:name`` with their original spans."""
    view = v.folded
    text = view.text
    if not text:
        return []
    out: list[Entity] = []
    taken: list[tuple[int, int]] = []
    if "/" in text and _URL_HINT.search(text) is not None:
        _links(v, view, field, out, taken)
    _keywords(v, view, field, out, taken)
    if "$" in text:
        _cashtags(v, view, field, out, taken)
    out.sort(key=lambda e: e.span.start if e.span else 0)
    return out


def _overlaps(taken: list[tuple[int, int]], a: int, z: int) -> bool:
    return any(a < tz and ta < z for ta, tz in taken)


def _links(
    v: Views, view: Normalized, field: str, out: list[Entity], taken: list[tuple[int, int]]
) -> None:
    for m in _URL.finditer(view.text):
        platform = _URL_PLATFORM.get((m.group("dom").lower(), m.group("tld").lower()))
        name = m.group("h").rstrip("._-")
        if platform is None or name.lower() in _URL_STOP or not _valid_name(platform, name):
            continue
        start, end = m.start("dom"), m.start("h") + len(name)
        plain = m.group("dot") == "." and " " not in view.text[m.end("tld") : m.start("h")]
        out.append(_entity(v, view, field, platform, name, start, end, not plain))
        taken.append((m.start(), end))


def _keywords(
    v: Views, view: Normalized, field: str, out: list[Entity], taken: list[tuple[int, int]]
) -> None:
    text = view.text
    for start, end, platform in _platform_words(text):
        if _overlaps(taken, start, end):
            continue
        word = text[start:end]
        found = _after_keyword(text, end, platform, word)
        if found is None:
            continue
        name, name_end = found
        if _overlaps(taken, start, name_end):
            continue
        posted = view.original_text(start, end)
        disguised = posted.lower() not in _PLAIN_WORDS
        out.append(_entity(v, view, field, platform, name, start, name_end, disguised))
        taken.append((start, name_end))


def _after_keyword(text: str, pos: int, platform: str, word: str) -> tuple[str, int] | None:
    """(name, end) of the username after a platform word at ``pos``, if one is there."""
    strong = False
    for _ in range(4):
        c = _CONNECTOR.match(text, pos)
        if c is None or c.end() == pos:
            break
        if c.group("strong"):
            strong = True
        pos = c.end()
    if _PHONEISH.match(text, pos):
        return None  # "whatsapp: +1 305 555 0123" is a phone
    n = _NAME.match(text, pos)
    if n is None:
        return None
    sigil = n.group("sigil")
    if sigil == "$" and platform != "cashapp":
        return None
    name = n.group("h").rstrip("._-")
    if not name:
        return None
    after = n.start("h") + len(name)
    if text.startswith("@", after):
        return None  # "snap: jenny@example.com" is an e-mail address
    if word == "X" and sigil != "@":
        return None  # "X-rated" is not twitter
    strong = strong or sigil is not None
    if (platform == "line" or word == "OF") and not strong:
        return None
    if not strong and not _HANDLEISH.search(name):
        return None
    if not _valid_name(platform, name):
        return None
    return name, after


def _cashtags(
    v: Views, view: Normalized, field: str, out: list[Entity], taken: list[tuple[int, int]]
) -> None:
    for m in _CASHTAG.finditer(view.text):
        name = m.group("h")
        if name.lower() in _CASHTAG_STOP or _overlaps(taken, m.start(), m.end()):
            continue
        if not _valid_name("cashapp", name):
            continue
        out.append(_entity(v, view, field, "cashapp", name, m.start(), m.end(), False))
        taken.append((m.start(), m.end()))
