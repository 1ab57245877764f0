"""Is this text Vietnamese? The share of its words that are well-formed Vietnamese syllables.

A PDF's text layer can be garbage even when it is not empty: a font whose glyphs carry no
usable Unicode map yields "6Ӣ CÔNG 7+ѬѪ1*" for "SỞ CÔNG THƯƠNG"; a legacy TCVN3 file read
as Latin-1 yields "Ch­¬ng tr×nh". Both are easy to tell from Vietnamese, whose written
syllables follow a strict shape: an optional initial consonant from a closed set, one to
three vowels, an optional final consonant from a closed set, at most one tone mark. The
share of words of that shape measures how readable a page's text is; numbers, document
codes ("33/2022/NQ-HĐND") and capitalised abbreviations ("UBND") are neither counted for
nor against it.
"""

from __future__ import annotations

import re
import unicodedata

# Tone marks, as combining characters after NFD; the vowel marks (breve, circumflex,
# horn) and đ stay, they are letters of the alphabet.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(ch|ng|nh|[cmnpt])?$")
_TOKEN_EDGES = "\"'“”‘’()[]{}«»<>.,;:!?…-–—/*•"
_CODE = re.compile(r"^[\dA-ZĐ]+(?:[./\-][\dA-ZĐa-z]+)*[./\-]?$")   # 2022, 33/2022/NQ-HĐND, UBND
_NUMBER = re.compile(r"^[\d.,%/\-:]+$")
LETTER_WORD = re.compile(r"[^\W\d_]{2,}")   # a word of two letters or more
# A Word file's footnote reference glued to its word: "ký hiệu4", "Thời điểm có hiệu lực5".
_FOOTNOTE_MARK = re.compile(r"(?<=[^\W\d_])\d{1,2}$")
MIN_COUNTED_WORDS = 20   # fewer words than this: too little text to judge


def is_syllable(word: str) -> bool:
    """True for one written Vietnamese syllable ("Nghị", "quyết", "Đảng"), any case."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(ch in _TONES for ch in decomposed)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return bool(_SYLLABLE.match(base))


def word_verdicts(text: str) -> tuple[int, int]:
    """(well-formed syllables, words that cannot be Vietnamese) in text."""
    good = bad = 0
    for token in text.split():
        token = _FOOTNOTE_MARK.sub("", token.strip(_TOKEN_EDGES))
        if not token or _NUMBER.match(token) or _CODE.match(token):
            continue
        if all(is_syllable(part) for part in token.split("-") if part):
            good += 1
        else:
            bad += 1
    return good, bad


def vietnamese_share(text: str) -> float | None:
    """Share of the counted words that are Vietnamese syllables; None when there are
    fewer than MIN_COUNTED_WORDS words to judge by."""
    good, bad = word_verdicts(text)
    if good + bad < MIN_COUNTED_WORDS:
        return None
    return good / (good + bad)


def line_share(line: str) -> float:
    """The same share for one short line (no minimum); 1.0 for a line of numbers only."""
    good, bad = word_verdicts(line)
    return good / (good + bad) if good + bad else 1.0
