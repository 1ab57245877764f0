"""Key terms of a question and how informative each is in the indexed documents.

Terms are underthesea's word segments of the question in matching form: tone-normalised
("dân số"), or accent-less ("dan so") when the question was typed without diacritics —
folding accents otherwise would let "lương" match "lượng". Question words, province names and years (provinces
and years are matched separately). A term's weight is its inverse document frequency
over the indexed chunks, so "dân số" (in no chunk) outweighs "số" (in all of them).
Matching is on the index's word segmentation, so "dân số" is not found in "công dân số".
"""

from __future__ import annotations

import math
import re
from array import array
from functools import lru_cache

from ingest.normalize import YEAR, ascii_key, match_key, token_words

# Question words and fillers (accent-less), never subject terms.
STOP_TERMS = set("""
bao nhieu phan tram ty le ti le ty trong ti trong khi nao ngay nao nam nao thang nao bao gio luc nao
ai nguoi nao co quan nao don vi nao gi nhung cac la the nao nhu the nao ra sao vay con thi a nhe
hay cho biet xin hoi ve cua o dau nay do duoc trong tai voi va den vao theo tinh muc tieu dat
co khong may so sanh moi hai tinh nhu the bao nhieu lan thu may dat duoc chiem la gi
hon cao thap nhieu it hay phai dung hien nay tai hien dang
gom lam xong chua de nhu ra sao nao nhe a u da se dang bi
""".split()) | {"bao nhieu", "phan tram", "ty le", "ti le", "ty trong", "khi nao", "nhu the nao",
                 "ra sao", "la gi", "cho biet", "the nao", "muc tieu", "thi sao", "so sanh",
                 "cao hon", "thap hon", "nhieu hon", "it hon", "tinh nao", "hien nay", "hien tai", "phai khong",
                 "dung khong", "co phai", "co dung", "lam gi", "bao gom", "gom nhung",
                 "nhung gi", "da chua", "chua", "xong chua", "bao lau", "tai sao", "vi sao", "luc nao",
                 "o dau", "noi nao", "bao xa", "khi nao"}
# "Mất bao lâu", "mất bao nhiêu tiền": the verb asks the cost, it names no subject.
_ASKS_COST = {"bao lau", "bao nhieu"}
# Greetings and thanks (accent-less): words of a chat, not of a question's subject.
COURTESY_TERMS = {"xin chao", "chao", "chao ban", "cam on", "xin cam on", "cam on nhieu", "ok", "oke", "okay",
                  "vang", "da", "hello", "hi", "thanks", "thank you", "test", "alo"}


def key_terms(question: str, provinces: tuple[str, ...], accentless: bool) -> tuple[str, ...]:
    from ingest.vietnamese import word_tokenize
    province_words = {w for p in provinces for w in ascii_key(p).split()}
    terms = []
    segments = word_tokenize(match_key(question))
    for i, segment in enumerate(segments):
        if ascii_key(segment) == "mat" and i + 1 < len(segments) and ascii_key(segments[i + 1]) in _ASKS_COST:
            continue
        term = (ascii_key(segment) if accentless else match_key(segment)).strip(" ?.,!:;\"'()")
        words = [w for w in term.split() if ascii_key(w) not in province_words]  # "tỉnh_lai_châu"
        if len(words) < len(term.split()):
            words = [w for w in words if ascii_key(w) not in STOP_TERMS]
        term = " ".join(words)
        if term and any(c.isalnum() for c in term) and not YEAR.fullmatch(term) \
                and ascii_key(term) not in STOP_TERMS:
            terms.append(term)
    return tuple(dict.fromkeys(terms))


def token_string(tokens, accentless: bool) -> str:
    """"|kinh tế|số|chiếm|" from the index's segmented tokens ("kinh_tế"); accent-less
    questions match the accent-less syllables ("a:kinh") instead."""
    return _token_string(tuple(tokens), accentless)


@lru_cache(maxsize=16384)
def _token_string(tokens: tuple[str, ...], accentless: bool) -> str:
    # A unit's tokens never change, and every question scores the same units again.
    return "|" + "|".join(token_words(tokens, accentless)) + "|"


@lru_cache(maxsize=8192)
def _term_pattern(term: str) -> re.Pattern:
    # A term must cover whole words: "dân số" matches "|dân số|" or "|dân|số|",
    # never "|công dân|số|".
    return re.compile(r"\|" + r"[ |]".join(map(re.escape, term.split())) + r"\|")


@lru_cache(maxsize=65536)
def contains_term(tokens: str, term: str) -> bool:
    """Whether a token string (see token_string) holds the term on word boundaries."""
    # Cached: a question tests the same few terms against the same chunk, frame and
    # sentence strings many times over (≈40% of answer time before; strings hash once).
    # The substring test rejects most strings at C speed; the pattern checks boundaries.
    return term.split(" ", 1)[0] in tokens and _term_pattern(term).search(tokens) is not None


class TermWeights:
    """Inverse document frequency of terms over the indexed chunks' token strings.

    Each syllable keeps the chunks it occurs in, so a term is looked for only in the
    chunks holding all of its syllables (benchmarks/bench_terms.py: scanning every chunk
    cost ~84 ms per new term at 66k chunks, now ~10 ms)."""

    def __init__(self, chunk_tokens: list[list[str]]):
        self._strings = {flag: [token_string(t, flag) for t in chunk_tokens] for flag in (False, True)}
        self._postings = {flag: _syllable_postings(strings) for flag, strings in self._strings.items()}
        self.weight = lru_cache(maxsize=8192)(self._weight)

    def known(self, term: str, accentless: bool) -> bool:
        """Whether every syllable of the term occurs somewhere in the indexed text (the
        documents may segment it differently: "friedrich ratzel" vs "ratzel sinh")."""
        return all(s in self._postings[accentless] for s in term.split())

    def _weight(self, term: str, accentless: bool) -> float:
        return math.log((len(self._strings[accentless]) + 1) / (self.frequency(term, accentless) + 0.5))

    def frequency(self, term: str, accentless: bool) -> int:
        """In how many indexed chunks the term occurs (0: the documents never mention it)."""
        postings = self._postings[accentless]
        lists = sorted((postings.get(s, _NONE) for s in set(term.split())), key=len)
        if not lists or not lists[0]:
            return 0
        chunks = set(lists[0]).intersection(*lists[1:])
        strings, pattern = self._strings[accentless], _term_pattern(term)
        return sum(1 for i in chunks if pattern.search(strings[i]))


_NONE = array("i")


def _syllable_postings(strings: list[str]) -> dict[str, array]:
    """Syllable → the (sorted) numbers of the token strings holding it."""
    postings: dict[str, array] = {}
    for number, text in enumerate(strings):
        for syllable in set(text.replace("|", " ").split()):
            found = postings.get(syllable)
            if found is None:
                found = postings[syllable] = array("i")
            found.append(number)
    return postings
