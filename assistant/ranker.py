"""A linear (logistic) ranker over a candidate quote's evidence features.

The weights live in `assistant/data/ranker.json` with the names of the features they
were fitted on; `python -m eval.train_ranker` refits them on one half of a SQuAD-format
set's articles and records the score on the other half in the same file. Scoring is a
dot product: no model library is needed at question time.

The similarity features depend on how the index made its unit vectors (index.units
UNIT_VECTORS: a sentence read alone behind its frame is more or less similar to a
question than one read in its chunk), so an index built another way than `joint` has
weights and thresholds of its own, `ranker-<recipe>.json`, fitted on an index built that way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# The order of `Candidate.features` (assistant/evidence.py builds them).
FEATURES = (
    "dense",               # cosine similarity of the quote to the question
    "dense_gap",           # ... minus the best candidate's (<= 0)
    "overlap",             # IDF-weighted share of key terms, heading and chunk partly credited
    "overlap_body",        # ... found in the quote itself
    "sparse",              # BM25 of the quote / best BM25 among candidates
    "type_fit",            # the quote holds what the question type asks for (0, 0.5, 1)
    "type_fit_name",       # type_fit, for questions asking for a person, place or named thing
    "type_fit_figure",     # type_fit, for questions asking for a number, percentage or date
    "type_missing",        # 1 when a required type (number, date, person) is absent
    "year_match",          # the quote or its frame names the year asked
    "year_mismatch",       # ... names only other years
    "wrong_province",      # the document is about another province than the one asked
    "rank_recip",          # 1 / rank of the chunk in retrieval
    "log_words",           # log(1 + words of the quote)
    "clause",              # a clause of a long list rather than a whole sentence
    "restated",            # share of the quote's words that the question already has
    "window",              # a run of a long sentence's comma-separated parts
    "neighbour_overlap",   # the best overlap_body of the sentences before and after
    "syllable_overlap",    # share of the question's content syllables in the quote
    "syllable_pairs",      # ... of its adjacent syllable pairs (phrases kept together)
    "dense_rank",          # 1 / rank of the quote's similarity among all candidates
    "sparse_rank",         # 1 / rank of its BM25
    "chunk_dense",         # similarity of the whole chunk holding it
    "anaphoric",           # opens on a pronoun or "Điều này": its subject is elsewhere
    "rarest_term",         # the question's most specific term: in the quote 1, frame .75, chunk .5, else 0
)
# What a question in another language cannot match (its words are not the documents').
LEXICAL_FEATURES = ("overlap", "overlap_body", "sparse", "restated", "neighbour_overlap", "syllable_overlap",
                    "syllable_pairs", "sparse_rank", "rarest_term")
LEXICAL_COLUMNS = tuple(FEATURES.index(f) for f in LEXICAL_FEATURES)
RAREST_COLUMN = FEATURES.index("rarest_term")
YEAR_MISMATCH_COLUMN = FEATURES.index("year_mismatch")
WINDOW_COLUMN = FEATURES.index("window")
RESTATED_COLUMN = FEATURES.index("restated")
DEFAULT_PATH = Path(__file__).with_name("data") / "ranker.json"


class RankerError(ValueError):
    """The weights file does not fit this code's features."""


@dataclass(frozen=True)
class LinearRanker:
    """Weights plus the answer policy fitted with them (see eval/train_ranker.py)."""
    weights: tuple[float, ...]
    bias: float = 0.0
    refuse_below: float = float("-inf")        # best score of a question worth answering
    refuse_below_crosslingual: float = float("-inf")
    first_quote_length_penalty: float = 0.0    # per log(1 + words) when choosing the quote
    second_quote_length_penalty: float = 0.0
    second_quote_margin: float = 0.0           # a second quote within this of the first joins it
    short_pair_words: float = 0.0              # ... as does one whose pair with the first is this short,
                                               # unless it names only years other than the one asked
    gate_term: float = 0.0                     # answerability: + this when the most specific term is in the quote
    whole_sentence_restated: float = float("inf")   # a first quote that is part of a long sentence and
    whole_sentence_words: float = 0.0               # restates at least this share of the question gives
                                                    # way to its sentence when that has at most this many words

    def score(self, features: tuple[float, ...], crosslingual: bool = False) -> float:
        """Log-odds that the quote holds the answer; a question in another language
        scores without the word-matching features it cannot have."""
        skip = LEXICAL_COLUMNS if crosslingual else ()
        return self.bias + sum(w * f for i, (w, f) in enumerate(zip(self.weights, features)) if i not in skip)

    def second_joins(self, score_gap: float, pair_words: int, names_other_years: bool) -> bool:
        """Whether a second quote joins the first: it scores within second_quote_margin of
        it, or the two together have at most short_pair_words words and it names no year
        other than the one asked."""
        return score_gap < self.second_quote_margin or (pair_words <= self.short_pair_words
                                                         and not names_other_years)

    def reads_whole_sentence(self, features: tuple[float, ...], sentence_words: int) -> bool:
        """Whether a first quote that is part of a long sentence (a window) is replaced by
        the whole sentence: the part mostly repeats the question, so what answers it is
        likely in the rest ("quán rượu văn học đầu tiên của Warsaw" when "Momus, …" opens
        the sentence), and the sentence is short enough to read."""
        return (bool(features) and features[WINDOW_COLUMN] == 1.0
                and features[RESTATED_COLUMN] >= self.whole_sentence_restated
                and sentence_words <= self.whole_sentence_words)

    def threshold(self, crosslingual: bool = False) -> float:
        return self.refuse_below_crosslingual if crosslingual else self.refuse_below

    def gate_value(self, features: tuple[float, ...], score: float, crosslingual: bool = False) -> float:
        """How well a quote supports answering at all: its score, plus credit when the
        question's most specific term is in the quote, its frame or its chunk (a near-miss
        quotes a figure about something else). A question in another language shares no
        words with the evidence: its score alone counts."""
        if crosslingual:
            return score
        return score + self.gate_term * features[RAREST_COLUMN]

    def supported(self, best: tuple[float, ...]) -> bool:
        """Retrieval supports the quote outright — the most similar unit of all, in the
        top-ranked chunk, holding the kind of fact asked — so a paraphrase with few shared
        words is still answered."""
        column = FEATURES.index
        return (best[column("dense_rank")] == 1.0 and best[column("rank_recip")] == 1.0
                and max(best[column("type_fit_name")], best[column("type_fit_figure")]) == 1.0)

    def to_json(self) -> dict:
        return {"features": list(FEATURES), "weights": list(self.weights), "bias": self.bias}

    @classmethod
    def from_json(cls, data: dict) -> LinearRanker:
        if tuple(data.get("features", ())) != FEATURES:
            raise RankerError("ranker weights were fitted on other features: run `python -m eval.train_ranker`")
        policy = {k: float(data[k]) for k in ("refuse_below", "refuse_below_crosslingual",
                                               "first_quote_length_penalty", "second_quote_length_penalty",
                                               "second_quote_margin", "short_pair_words", "gate_term",
                                               "whole_sentence_restated", "whole_sentence_words") if k in data}
        return cls(weights=tuple(float(w) for w in data["weights"]), bias=float(data["bias"]), **policy)


def weights_file(recipe: str = "joint") -> Path:
    """Where the weights fitted on an index of this unit-vector recipe are kept."""
    return DEFAULT_PATH if recipe == "joint" else DEFAULT_PATH.with_name(f"ranker-{recipe}.json")


def ranker_for(recipe: str) -> LinearRanker:
    """The weights fitted for this recipe; the joint recipe's where none were (their
    thresholds then fit less well: refit with `python -m eval.train_ranker --write`)."""
    own = weights_file(recipe)
    return load_ranker(own if own.exists() else DEFAULT_PATH)


@lru_cache(maxsize=4)
def load_ranker(path: Path = DEFAULT_PATH) -> LinearRanker:
    return LinearRanker.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

