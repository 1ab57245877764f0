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

from ingest.normalize import YEAR, ascii_key, has_tone_mark, match_key, token_words

# Question words and fillers, never subject terms. Written with their tones and compared
# toned: folded, "năm nào" stopped "nằm", "cơ quan nào" stopped "quận" and "quân", "đạt"
# stopped "đất", "khi nào" stopped "khí", "đang" stopped "đảng". A word typed without a tone
# mark ("nhieu", "đươc", "nam") cannot be told apart and compares accent-less. A "số" of its
# own counts ("số doanh nghiệp", "Còn số sản phẩm?"): what is counted is the subject.
_STOP_WORDS = """
bao nhiêu phần trăm tỷ lệ tỉ trọng khi nào ngày năm tháng giờ lúc ai người cơ quan đơn vị gì những
nhưng các là thế như ra sao vậy còn thì à nhé hay hãy cho biết xin hỏi về của ở đâu này đó do được
trong tại với và đến vào theo tỉnh mục tiêu đạt có không mấy số so sánh mỗi mọi hai lần thứ chiếm
hơn cao thấp nhiều ít phải đúng hiện nay đang gồm làm xong chưa để ạ ư đã sẽ bị
"""
_STOP_PHRASES = ("bao nhiêu", "phần trăm", "tỷ lệ", "tỉ lệ", "tỷ trọng", "tỉ trọng", "khi nào", "như thế nào",
                 "ra sao", "là gì", "cho biết", "thế nào", "mục tiêu", "thì sao", "so sánh", "cao hơn", "thấp hơn",
                 "nhiều hơn", "ít hơn", "tỉnh nào", "hiện nay", "hiện tại", "phải không", "đúng không", "có phải",
                 "có đúng", "làm gì", "bao gồm", "gồm những", "những gì", "đã chưa", "xong chưa", "bao lâu",
                 "tại sao", "vì sao", "lúc nào", "ở đâu", "nơi nào", "bao xa", "ngày nào", "năm nào", "tháng nào",
                 "bao giờ", "người nào", "cơ quan nào", "đơn vị nào", "như thế", "bao nhiêu lần", "thứ mấy",
                 "đạt được", "hiện đang")
STOP_TERMS = frozenset(match_key(t) for t in (*_STOP_WORDS.split(), *_STOP_PHRASES))
_STOP_ACCENTLESS = frozenset(ascii_key(t) for t in STOP_TERMS)
# "Mất bao lâu", "mất bao nhiêu tiền": the verb asks the cost, it names no subject.
_ASKS_COST = {"bao lâu", "bao nhiêu"}


def is_stop_term(term: str, accentless: bool) -> bool:
    """Whether a question's segment is a question word or filler: by its tones, unless it
    has none (the question, or this word, typed without them)."""
    if accentless or not has_tone_mark(term):
        return ascii_key(term) in _STOP_ACCENTLESS
    return match_key(term) in STOP_TERMS


def _form(text: str, accentless: bool) -> str:
    """A question's word as terms are matched: accent-less for a question typed without tones."""
    return ascii_key(text) if accentless else match_key(text)


# Greetings and thanks (accent-less): words of a chat, not of a question's subject.
COURTESY_TERMS = {"xin chao", "chao", "chao ban", "cam on", "xin cam on", "cam on nhieu", "ok", "oke", "okay",
                  "vang", "da", "hello", "hi", "thanks", "thank you", "test", "alo"}


def key_terms(question: str, provinces: tuple[str, ...], accentless: bool) -> tuple[str, ...]:
    from ingest.vietnamese import word_tokenize
    province_words = {w for p in provinces for w in ascii_key(p).split()}
    terms = []
    segments = word_tokenize(match_key(question))
    asks_cost = {_form(phrase, accentless) for phrase in _ASKS_COST}
    for i, segment in enumerate(segments):
        if (_form(segment, accentless) == _form("mất", accentless) and i + 1 < len(segments)
                and _form(segments[i + 1], accentless) in asks_cost):
            continue
        term = _form(segment, accentless).strip(" ?.,!:;\"'()")
        words = [w for w in term.split() if ascii_key(w) not in province_words]  # "tỉnh_lai_châu"
        if len(words) < len(term.split()):
            words = [w for w in words if not is_stop_term(w, accentless)]
        term = " ".join(words)
        if term and any(c.isalnum() for c in term) and not YEAR.fullmatch(term) \
                and not is_stop_term(term, accentless):
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
