"""Vietnamese text normalisation: display text, matching keys and search tokens.

Display text is only NFC-normalised, so passages are shown as written. Matching uses
two keys derived from it:
- `match_key`: lower-cased, with one tone-mark placement ("uỷ" → "ủy", "hoà" → "hòa");
- `ascii_key`: `match_key` without diacritics ("tỉnh ủy" → "tinh uy"), for accent-less typing.
Both keys keep the length of the NFC text, so an offset in a key is an offset in the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .vietnamese import token_normalize

_WORD = re.compile(r"\w+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORD_TOKEN = re.compile(r"\w+(?:[.,]\d+)*%?|[^\w\s]", re.UNICODE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def valid_text(text: str) -> str:
    """Text safe to process and print: lone surrogates (undecodable bytes smuggled in by
    the OS as U+DC80..U+DCFF, or sent by a browser) become U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8") if _SURROGATE.search(text) else text


@lru_cache(maxsize=65536)
def _normalize_word(word: str) -> str:
    # underthesea's token_normalize unifies tone placement but is defeated by attached
    # punctuation ("uỷ,"), so it is applied to bare words only.
    normalized = token_normalize(word)
    return normalized if len(normalized) == len(word) else word


def match_key(text: str) -> str:
    """Lower-case, NFC, unified tone-mark placement; same length as `nfc(text)`."""
    return _WORD.sub(lambda m: _normalize_word(m.group()), nfc(text).lower())


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics; "đ" becomes "d". Keeps the length of NFC text."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0]
        out.append("d" if base == "đ" else "D" if base == "Đ" else base)
    return "".join(out)


def ascii_key(text: str) -> str:
    return strip_accents(match_key(text))


def has_diacritics(text: str) -> bool:
    return strip_accents(nfc(text)) != nfc(text)


# The five tone marks (huyền, sắc, ngã, hỏi, nặng) as combining characters; "ư", "ơ", "â"
# and "đ" carry letter marks, not tones.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def has_tone_mark(text: str) -> bool:
    """Whether the text carries a tone mark: "đươc" (typed without its tone) has none."""
    return any(char in _TONE_MARKS for char in unicodedata.normalize("NFD", text))


# Function words that mark a question typed in English rather than Vietnamese without
# diacritics ("what", "how many" never occur in accent-less Vietnamese).
_ENGLISH_WORDS = frozenset("""
the what which who whom whose when where why how many much does did do is are was were of for by
to in on with from into and or its their this that these those has have had will would can could
percentage share target year years people number first
""".split())


def looks_english(text: str) -> bool:
    """A question written in English: most of its words are English function words or
    at least a quarter are, with no Vietnamese diacritics anywhere."""
    if has_diacritics(text):
        return False
    words = re.findall(r"[a-z]+", text.lower())
    return bool(words) and sum(w in _ENGLISH_WORDS for w in words) >= max(2, len(words) / 4)


def looks_accentless(text: str) -> bool:
    """Vietnamese typed without diacritics (not English, not digits only)."""
    return not has_diacritics(text) and bool(re.search(r"[a-zA-Z]", text)) and not looks_english(text)


def collapse_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def _word_segmenter():
    from .vietnamese import word_tokenize  # loads a CRF model: ~0.5 s, done once
    return word_tokenize


# ---- the search-token encoding ------------------------------------------------------------
# What search_tokens writes and BM25, the answer's term matching and the frame split read:
# a segmented word is its syllables joined by WORD_JOINER ("chuyển_đổi"); each syllable is
# also written once without diacritics after ACCENTLESS ("a:chuyen", "a:doi"). A unit's
# tokens are its heading's (title, section lead) then its body's (index/units.py).
ACCENTLESS = "a:"
WORD_JOINER = "_"


def is_accentless_token(token: str) -> bool:
    return token.startswith(ACCENTLESS)


def token_text(token: str) -> str:
    """The words a token stands for: "chuyển_đổi" → "chuyển đổi", "a:doi" → "doi"."""
    return token[len(ACCENTLESS):] if is_accentless_token(token) else token.replace(WORD_JOINER, " ")


def token_words(tokens, accentless: bool) -> list[str]:
    """The accent-less syllables of a token list (accentless) or its segmented words."""
    return [token_text(t) for t in tokens if is_accentless_token(t) == accentless]


def search_tokens(text: str) -> list[str]:
    """Tokens for BM25: segmented words plus accent-less syllables.

    Words come from underthesea's segmenter on the tone-normalised text ("chuyển_đổi").
    Accent-less syllables ("a:chuyen", "a:doi") let a query typed without diacritics
    match, since segmentation of accent-less text is unreliable. Punctuation is dropped,
    but one-character tokens and figures such as "9-10%" are kept.
    """
    key = match_key(text)
    words = _word_segmenter()(key)
    tokens = []
    for word in words:
        word = word.strip()
        if not word or not any(c.isalnum() for c in word):
            continue
        tokens.append(word.replace(" ", WORD_JOINER))
        tokens.extend(ACCENTLESS + s for s in strip_accents(word).split() if any(c.isalnum() for c in s))
    return tokens


# ---- numbers and years ------------------------------------------------------------------------
# Numbers as Vietnamese documents write them: "2.191" (thousands dot), "56,7" (decimal comma),
# "9-10%", "128/182", "5/5/2025". English-style "2,191" also occurs in questions.
NUMBER = re.compile(r"(?<![\w])\d+(?:[.,]\d+)*(?![\w])")
# A number as the answer checks it: fractions and dates ("128/182", "5/5/2025") are one
# figure, and a document code's number ("12-KH") is none.
FIGURE_NUMBER = re.compile(r"(?<![\w])\d+(?:[.,/]\d+)*(?![\w]|-[A-ZĐ])")
YEAR_DIGITS = r"(?:19|20)\d{2}"             # for patterns that put a year in context
YEAR = re.compile(rf"(?<!\d)({YEAR_DIGITS})(?!\d)")   # a year alone: group 1 is the year
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})+")


def canonical_number(token: str) -> str:
    """One spelling per value: "2.191", "2,191", "2191" → "2191"; "56,7" → "56.7"."""
    m = _THOUSANDS.fullmatch(token)
    if m and len(set(re.findall(r"[.,]", token))) == 1:
        return re.sub(r"[.,]", "", token)
    return token.replace(",", ".")


def numbers_in(text: str) -> list[str]:
    """Canonical numbers in a text; parts of ranges and fractions count separately."""
    return [canonical_number(t) for t in NUMBER.findall(nfc(text))]
