"""The answer policy train_ranker fits is the one the assistant applies: a second quote
joins the first when it scores nearly as well, or when the two together are short."""

import math

import numpy as np
import pytest

from assistant.ranker import FEATURES, LinearRanker
from eval.train_ranker import MAX_MEDIAN_WORDS, WHOLE_SENTENCE, answer_policy, fit_policy, fit_refusal, refused_share

WORDS = FEATURES.index("log_words")


def _row(scores, words, gold):
    """One question's candidates: the first feature column carries the score (weights
    pick it), log_words their length, y whether each holds the gold answer."""
    x = np.zeros((len(scores), len(FEATURES)))
    x[:, 0] = scores
    x[:, WORDS] = [math.log1p(w) for w in words]
    spans = [("d", 100 * i, 100 * i + 50) for i in range(len(scores))]
    return {"x": x, "y": np.array(gold, dtype=bool), "spans": spans}


def _score(x):
    return x[:, 0]


def test_a_second_quote_joins_when_close_or_when_the_pair_is_short():
    close = _row([3.0, 2.5], [20, 20], [False, True])
    far_short = _row([3.0, 0.0], [10, 12], [False, True])
    far_long = _row([3.0, 0.0], [25, 30], [False, True])
    rows = [close, far_short, far_long]
    accuracy, _ = answer_policy(rows, _score, 0.0, 0.0, margin=1.0)
    assert accuracy == 1 / 3                      # only the close second quote joins
    accuracy, words = answer_policy(rows, _score, 0.0, 0.0, margin=1.0, pair_words=30)
    assert accuracy == 2 / 3                      # and the short pair: 22 words
    assert words == pytest.approx(25.0)           # median of 40, 22 and 25 words


def test_the_stored_policy_reads_the_short_pair_rule():
    ranker = LinearRanker.from_json({"features": list(FEATURES), "weights": [0.0] * len(FEATURES), "bias": 0.0,
                                     "second_quote_margin": 1.0, "short_pair_words": 30.0})
    assert ranker.short_pair_words == 30.0
    older = LinearRanker.from_json({"features": list(FEATURES), "weights": [0.0] * len(FEATURES), "bias": 0.0})
    assert older.short_pair_words == 0.0          # a file fitted before the rule: no pairs
    assert older.whole_sentence_words == 0.0      # ... and every quote kept as chosen
    window = tuple(1.0 if f in ("window", "restated") else 0.0 for f in FEATURES)
    assert not older.reads_whole_sentence(window, 20)


def test_a_short_second_quote_about_another_year_does_not_join():
    other_year = _row([3.0, 0.0], [10, 12], [False, True])
    other_year["x"][1, FEATURES.index("year_mismatch")] = 1.0
    accuracy, _ = answer_policy([other_year], _score, 0.0, 0.0, margin=1.0, pair_words=30)
    assert accuracy == 0.0


def _question(best, near_miss, rarest_in_best=0.0):
    """A question's best quote with its own article and, without it, a near-miss's."""
    row = _row([best], [20], [True])
    row["x"][0, FEATURES.index("rarest_term")] = rarest_in_best
    missing = _row([near_miss], [20], [False])
    row.update(fit=np.array([True]), fit_missing=np.array([True]), x_missing=missing["x"])
    return row


def test_the_refusal_threshold_refuses_the_asked_share_and_credits_the_rarest_term():
    # Answerable questions score 0..9 and hold their rarest term; near-misses score 5 without it.
    rows = [_question(float(s), 5.0, rarest_in_best=1.0) for s in range(10)]
    gate, threshold, _ = fit_refusal(rows, _score, quantile=0.1)
    assert gate == 6.0                       # the term's credit lifts answerable questions above near-misses
    assert threshold == pytest.approx(6.9)   # 10% of the answerable (0 + 6) fall below 6.9
    ranker = LinearRanker(weights=(1.0,) + (0.0,) * (len(FEATURES) - 1), refuse_below=threshold, gate_term=gate)
    assert refused_share(rows, ranker, missing=True) == 1.0
    assert refused_share(rows, ranker, missing=False) == 0.1


def test_a_part_of_a_long_sentence_restating_the_question_gives_way_to_its_sentence():
    # Candidate 0: a window (part of sentence 1) restating most of the question, scored best;
    # candidate 1: its whole sentence of 35 words, which holds the answer.
    row = _row([3.0, 1.0], [12, 35], [False, True])
    row["spans"] = [("d", 40, 120), ("d", 0, 200)]
    row["x"][0, FEATURES.index("window")] = 1.0
    row["x"][0, FEATURES.index("restated")] = 0.6
    assert answer_policy([row], _score, 0.0, 0.0, margin=0.0) == (0.0, 12.0)   # never
    assert answer_policy([row], _score, 0.0, 0.0, 0.0, 0.0, restated=0.5, sentence_words=40) == (1.0, 35.0)
    assert answer_policy([row], _score, 0.0, 0.0, 0.0, 0.0, restated=0.7, sentence_words=40)[0] == 0.0
    assert answer_policy([row], _score, 0.0, 0.0, 0.0, 0.0, restated=0.5, sentence_words=30)[0] == 0.0


def test_with_no_policy_short_enough_the_shortest_is_kept_not_one_outside_the_grid():
    """Quotes longer than the word budget under every policy (as after a change to how parts
    of sentences are cut): --whole-sentence-only keeps the stored quote policy."""
    long_rows = [_row([3.0, 2.9], [MAX_MEDIAN_WORDS + 10, MAX_MEDIAN_WORDS + 20], [False, True])] * 3
    stored = (1.0, 1.0, 2.0, 30.0)
    policy, _, words = fit_policy(long_rows, long_rows, _score, base=stored)
    assert policy[:4] == stored and policy[4:] in WHOLE_SENTENCE and words > MAX_MEDIAN_WORDS
