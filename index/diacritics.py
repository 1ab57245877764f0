"""Restoring Vietnamese diacritics in a query from the indexed documents' own words.

Officials type on phones without diacritics ("kinh te so lai chau") or with some tone
marks wrong or missing ("Kinh tê sô cua Lai Châu"). e5 embeds such text poorly and
word matching misses it. Every accent-less syllable in the index maps to the toned
syllables it stands for; a Viterbi pass over the query picks, for each word, the toned
form that best fits its neighbours (syllable bigram counts of the indexed text), with a
bonus for the form as typed, so a correctly typed word is changed only when its
context clearly says otherwise. Words the index has never seen are left as typed.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ingest.normalize import match_key, strip_accents

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = "0"            # every figure is one word to the bigrams: "năm 2030" ~ "năm 2045"
LEXICON = Path(__file__).with_name("data") / "vi_question_words.txt"
LEXICON_WEIGHT = 20      # a lexicon phrase counts as this many occurrences
MAX_OPTIONS = 6          # toned forms considered per syllable (most frequent first)
UNSEEN_COUNT = 1.0       # the count a typed word the documents never use is credited with
TYPED_BONUS = 2.0        # log-odds kept for the form the user typed, when the index knows it
BIGRAM_WEIGHT = 1.0


class DiacriticRestorer:
    """Learned from texts (the indexed chunks); `restore(query)` returns the query with
    each word in its most likely toned form, capitalisation kept."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._unigrams: Counter[str] = Counter()
        self._bigrams: Counter[tuple[str, str]] = Counter()
        for text in texts:
            self._count(text, 1)
        for phrase in _lexicon():
            self._count(phrase, LEXICON_WEIGHT)
        options: dict[str, Counter[str]] = defaultdict(Counter)
        for word, count in self._unigrams.items():
            options[strip_accents(word)][word] += count
        self._options = {key: [w for w, _ in forms.most_common(MAX_OPTIONS)] for key, forms in options.items()}
        self._total = sum(self._unigrams.values()) or 1

    def _count(self, text: str, weight: int) -> None:
        words = [_NUMBER if w.isdigit() else w for w in _WORD.findall(match_key(text))]
        for word in words:
            self._unigrams[word] += weight
        for pair in zip(words, words[1:]):
            self._bigrams[pair] += weight

    def restore(self, query: str) -> str:
        matches = list(_WORD.finditer(query))
        words = [_NUMBER if m.group().isdigit() else match_key(m.group()) for m in matches]
        lattice = [self._choices(w) for w in words]
        if not any(len(c) > 1 or c[0][0] != w for c, w in zip(lattice, words)):
            return query
        best = self._viterbi(lattice)
        out, cursor = [], 0
        for match, chosen in zip(matches, best):
            out.append(query[cursor:match.start()])
            keep = chosen == _NUMBER or chosen == match.group().lower()
            out.append(match.group() if keep else _same_case(match.group(), chosen))
            cursor = match.end()
        out.append(query[cursor:])
        return "".join(out)

    def _choices(self, typed: str) -> list[tuple[str, float]]:
        """(form, log prior) for one typed word. A word typed with tone marks stays an
        option even when the documents never use it ("chợ" is not "cho"): only its
        neighbours in the documents can outweigh the bonus of having been typed."""
        forms = self._options.get(strip_accents(typed))
        if not forms:
            return [(typed, 0.0)]
        choices = [(f, math.log(self._unigrams[f] / self._total)) for f in forms]
        if typed in self._unigrams:
            return [(f, p + (TYPED_BONUS if f == typed else 0.0)) for f, p in choices]
        if typed != strip_accents(typed):
            choices.append((typed, math.log(UNSEEN_COUNT / self._total) + TYPED_BONUS))
        return choices

    def _viterbi(self, lattice: list[list[tuple[str, float]]]) -> list[str]:
        scores = [{form: prior for form, prior in lattice[0]}]
        back: list[dict[str, str]] = [{}]
        for choices in lattice[1:]:
            current, pointers = {}, {}
            for form, prior in choices:
                prev_form, prev_score = max(
                    ((p, s + BIGRAM_WEIGHT * self._bigram(p, form)) for p, s in scores[-1].items()),
                    key=lambda pair: pair[1])
                current[form], pointers[form] = prev_score + prior, prev_form
            scores.append(current)
            back.append(pointers)
        last = scores[-1]
        form = max(last, key=lambda f: last[f])
        path = [form]
        for pointers in reversed(back[1:]):
            form = pointers[form]
            path.append(form)
        return path[::-1]

    def _bigram(self, left: str, right: str) -> float:
        """log P(right | left), add-one smoothed; unseen pairs cost the same everywhere."""
        return math.log((self._bigrams[(left, right)] + 0.1) / (self._unigrams[left] + 1.0))


def _same_case(typed: str, restored: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return restored.upper()
    if typed[:1].isupper():
        return restored[:1].upper() + restored[1:]
    return restored


@lru_cache(maxsize=1)
def _lexicon() -> tuple[str, ...]:
    lines = LEXICON.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))
