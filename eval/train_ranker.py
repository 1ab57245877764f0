"""Fit the answer ranker's weights on half of a SQuAD-format set's articles.

    python -m eval.train_ranker [--squad eval/bench/xquad.vi.json] [--seed 0] [--write]
                                [--policy-only | --whole-sentence-only | --refusal-only] [--false-refusals Q]

Every sentence and clause the assistant would consider for a question is a row (its
features from assistant/evidence.py); the label says whether it holds a gold answer.
A logistic regression is fitted on the questions of one half of the articles and
judged on the other half: top-1 accuracy (the best-scored quote holds the answer)
against the plain "most similar sentence" baseline. The refusal threshold is chosen on
the training half only, from the best candidate's score for the question with its own
article (answerable) and with its article taken away (unanswerable: a near-miss from
other documents). With --write, weights, threshold and held-out numbers go into
assistant/data/ranker.json, or ranker-<recipe>.json for an index whose unit vectors are
made another way (HOIDAP_UNIT_VECTORS, assistant/ranker.py); --policy-only keeps the
weights and fits only how quotes are chosen and joined; --refusal-only keeps the weights
and that policy and fits only when to refuse.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant import Assistant
from assistant.evidence import candidates, fits_required_type
from assistant.ranker import FEATURES, LEXICAL_COLUMNS, WINDOW_COLUMN, YEAR_MISMATCH_COLUMN, LinearRanker, weights_file
from hoidap.config import Settings
from hoidap.runtime import open_index

from .matching import matches_facts
from .squad import load_squad, split_by_article

# The refusal threshold's quantile of the training half's answerable best scores. The
# assistant refuses more than the rows show (type and year checks come first): at 0.01
# the scoped recipe's weights refuse 2.0% of all XQuAD questions, at 0.03 3.9%.
MAX_FALSE_REFUSALS = 0.01
MAX_MEDIAN_WORDS = 37    # quote words; composition adds a little framing: < 40 in all


def collect(assistant: Assistant, questions) -> list[dict]:
    """Per question: candidate features and labels, with and without its own article."""
    rows = []
    for q in questions:
        parsed = assistant.understand(q.question)
        # The chunks the assistant itself reads: a deeper search fuses deeper candidate
        # lists and can rank other chunks first (it did for 11 of 37 questions refused).
        own = assistant.retrieve(q.question)
        pool = assistant.config.k
        hits = assistant.index.search(parsed.text, k=3 * pool)
        others = [h for h in hits if h.chunk.doc_id not in q.sources][:pool]
        found = candidates(parsed, own, assistant.term_weights, assistant.ranker)
        missing = candidates(parsed, others, assistant.term_weights, assistant.ranker)
        found_fit = np.array([fits_required_type(parsed, c) for c in found], dtype=bool)
        missing_fit = np.array([fits_required_type(parsed, c) for c in missing], dtype=bool)
        rows.append({"id": q.id, "article": q.sources[0],
                     "x": np.array([c.features for c in found], dtype=np.float64).reshape(-1, len(FEATURES)),
                     "y": np.array([matches_facts(c.text, q.facts) for c in found], dtype=bool),
                     "spans": [(c.doc_id, c.start, c.end) for c in found],
                     "fit": found_fit, "fit_missing": missing_fit,
                     "x_missing": np.array([c.features for c in missing],
                                           dtype=np.float64).reshape(-1, len(FEATURES))})
    return rows


def best_scores(rows: list[dict], score, missing: bool, gate_term: float = 0.0) -> np.ndarray:
    """Each question's answerability value as the assistant computes it (LinearRanker.
    gate_value of its best quote of the asked type); -inf where none fits."""
    out = []
    term = FEATURES.index("rarest_term")
    for r in rows:
        x, fit = (r["x_missing"], r["fit_missing"]) if missing else (r["x"], r["fit"])
        if not len(x) or not fit.any():
            out.append(float("-inf"))
            continue
        scores = score(x)
        best = int(np.flatnonzero(fit)[np.argmax(scores[fit])])
        out.append(float(scores[best]) + gate_term * float(x[best, term]))
    return np.array(out)


def refused_share(rows: list[dict], ranker: LinearRanker, missing: bool) -> float:
    """Share of questions the assistant would refuse (ranker.answerable on the best
    type-fitting quote), with their own article or without it."""
    refused = []
    for r in rows:
        x, fit = (r["x_missing"], r["fit_missing"]) if missing else (r["x"], r["fit"])
        if not len(x) or not fit.any():
            refused.append(True)
            continue
        scores = x @ np.array(ranker.weights) + ranker.bias
        best = int(np.flatnonzero(fit)[np.argmax(scores[fit])])
        gate = ranker.gate_value(tuple(x[best]), float(scores[best]))
        refused.append(gate < ranker.refuse_below and not ranker.supported(tuple(x[best])))
    return float(np.mean(refused))


def _zeroed(features: np.ndarray, columns: tuple[int, ...]) -> np.ndarray:
    out = features.copy()
    out[:, columns] = 0.0
    return out


def top1(rows: list[dict], score) -> float:
    hits = [bool(r["y"][int(np.argmax(score(r["x"])))]) if len(r["y"]) else False for r in rows]
    return sum(hits) / len(hits)


# How a first quote that is part of a long sentence may give way to its sentence
# (LinearRanker.reads_whole_sentence): (least share of the question it restates, most
# words of the sentence). The first, (1.0, 0): never.
WHOLE_SENTENCE = ((1.0, 0.0),) + tuple((restated, words) for restated in (0.7, 0.5, 0.3)
                                      for words in (40.0, 50.0, 60.0, 80.0))
POLICY_NAMES = ("first_quote_length_penalty", "second_quote_length_penalty", "second_quote_margin", "short_pair_words",
                "whole_sentence_restated", "whole_sentence_words")


def answer_policy(rows: list[dict], score, first_penalty: float, second_penalty: float, margin: float,
                  pair_words: float = 0.0, restated: float = 1.0, sentence_words: float = 0.0) -> tuple[float, float]:
    """(accuracy, median words) when the first quote is chosen by score - first_penalty *
    log(1 + words) — replaced by the smallest sentence or clause holding it when it is part of
    a long sentence restating at least `restated` of the question and that has at most
    `sentence_words` words — and a second, non-overlapping one by score - second_penalty *
    log(1 + words) is added whenever its score comes within `margin` of the first's or the two
    together have at most `pair_words` words and it names no other year than the one asked
    (the assistant's composition, assistant/assistant.py)."""
    words_col = FEATURES.index("log_words")
    policy = LinearRanker(weights=(), second_quote_margin=margin, short_pair_words=pair_words,
                          whole_sentence_restated=restated, whole_sentence_words=sentence_words)
    correct, words = [], []
    for r in rows:
        if not len(r["y"]):
            correct.append(False)
            continue
        raw = score(r["x"])
        counts = np.rint(np.expm1(r["x"][:, words_col]))   # log1p(words) back to words
        first = int(np.argmax(raw - first_penalty * r["x"][:, words_col]))
        whole = _smallest_holding(r, first, counts)
        if whole is not None and policy.reads_whole_sentence(tuple(r["x"][first]), int(counts[whole])):
            first = whole
        doc, start, end = r["spans"][first]
        order = np.argsort(-(raw - second_penalty * r["x"][:, words_col]))
        second = next((int(i) for i in order if i != first and (r["spans"][i][0] != doc or r["spans"][i][2] <= start
                       or r["spans"][i][1] >= end)), None)
        n = int(counts[first])
        ok = bool(r["y"][first])
        if second is not None:
            second_words = int(counts[second])
            if policy.second_joins(raw[first] - raw[second], n + second_words,
                                   bool(r["x"][second, YEAR_MISMATCH_COLUMN])):
                ok = ok or bool(r["y"][second])
                n += second_words
        correct.append(ok)
        words.append(n)
    return float(np.mean(correct)), float(np.median(words))


def _smallest_holding(row: dict, part: int, counts: np.ndarray) -> int | None:
    """The shortest candidate other than a window whose span holds this window's (None for
    a candidate that is no window)."""
    if row["x"][part, WINDOW_COLUMN] != 1.0:
        return None
    doc, start, end = row["spans"][part]
    holding = [i for i, (d, a, b) in enumerate(row["spans"])
               if i != part and row["x"][i, WINDOW_COLUMN] != 1.0 and d == doc and a <= start and end <= b]
    return min(holding, key=lambda i: counts[i]) if holding else None


def fit_policy(train: list[dict], test: list[dict], score,
               base: tuple[float, ...] | None = None) -> tuple[tuple[float, ...], float, float]:
    """The answer policy (first and second quote length penalties, second-quote margin,
    short-pair words, when a first quote gives way to its whole sentence) most accurate on
    the training half with a median answer of at most MAX_MEDIAN_WORDS words, and its
    (accuracy, median words) on the held-out half. base: the first four kept, only when a
    quote gives way to its sentence fitted."""
    bases = [base] if base is not None else [
        (first, second, margin, pair) for first in (0.0, 0.5, 1.0, 1.5) for second in (0.0, 0.5, 1.0, 1.5, 2.0)
        for margin in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0) for pair in (0.0, 30.0, 40.0, 50.0)]
    grid = [(*kept, *whole) for kept in bases for whole in WHOLE_SENTENCE]
    train_policy = {choice: answer_policy(train, score, *choice) for choice in grid}
    affordable = [c for c, (_, words) in train_policy.items() if words <= MAX_MEDIAN_WORDS]
    # Ties go to the simpler policy (the grid's first): no pairs, smaller margins, quotes kept.
    # With none short enough, the shortest (the quotes may have grown longer since the budget
    # was met): falling back to a policy outside the grid would drop the stored one.
    policy = (max(affordable, key=lambda c: train_policy[c][0]) if affordable
              else min(grid, key=lambda c: (train_policy[c][1], -train_policy[c][0])))
    return (policy, *answer_policy(test, score, *policy))


def _stored(path: Path) -> tuple[dict, LinearRanker, Callable[[np.ndarray], np.ndarray]]:
    """A weights file's contents, its ranker, and the ranker's scoring of feature rows."""
    data = json.loads(path.read_text(encoding="utf-8"))
    stored = LinearRanker.from_json(data)
    weights = np.array(stored.weights)
    return data, stored, lambda features: features @ weights + stored.bias


def _write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {path}", file=sys.stderr)


def refit_policy(train: list[dict], test: list[dict], path: Path, write: bool,
                 whole_sentence_only: bool = False) -> int:
    """--policy-only: the stored weights and thresholds stay; the answer policy is fitted
    again for them (after a change to how quotes are chosen, without moving the weights).
    --whole-sentence-only: the stored quote policy stays too; only when a part of a long
    sentence gives way to its sentence is fitted. (On XQuAD's training half, policies one
    question apart differ by up to 0.02 on the held-out half: a new rule is fitted for the
    policy in use rather than letting that noise pick another.)"""
    data, stored, score = _stored(path)
    in_use: tuple[float, ...] = tuple(getattr(stored, name) for name in POLICY_NAMES)
    policy, held_accuracy, held_words = fit_policy(train, test, score, in_use[:4] if whole_sentence_only else None)
    before = answer_policy(test, score, *in_use)
    data.update(zip(POLICY_NAMES, policy))
    data["held_out"].update({"answer_holds_gold_with_policy": round(held_accuracy, 4),
                             "median_answer_quote_words": held_words})
    print(json.dumps({"policy": dict(zip(POLICY_NAMES, policy)),
                      "held_out": {"before": {"answer_holds_gold": round(before[0], 4), "median_words": before[1]},
                                   "after": {"answer_holds_gold": round(held_accuracy, 4),
                                             "median_words": held_words}}}, indent=2))
    if write:
        _write(path, data)
    return 0



def fit_refusal(train: list[dict], score, quantile: float) -> tuple[float, float, float]:
    """(gate term, refusal threshold, cross-lingual threshold) from the training half:
    answerable best scores against near-misses (each question without its own article).

    The gate adds to the best score whether the question's most specific term is in the
    quote, its frame or its chunk; its weight is chosen for the most near-misses refused
    with `quantile` of the answerable questions refused. (Adding the quote's cosine
    similarity scores better here, but absolute similarity does not transfer: XQuAD's
    near-misses come from other topics, a user's from the same documents; measured
    0.82-0.88 for off-topic questions over the bundled corpus, as high as XQuAD's
    answerable ones. How far the best quote stands out from the next ten was tried too:
    its fitted weight was 0.) A question in another language matches no Vietnamese words:
    its threshold is set on the same questions with the lexical features zeroed."""
    def refusals(gate):
        pos, neg = best_scores(train, score, False, gate), best_scores(train, score, True, gate)
        return float((neg < np.quantile(pos, quantile)).mean())
    gate = max((0.0, 1.0, 2.0, 3.0, 4.0, 6.0), key=refusals)
    threshold = float(np.quantile(best_scores(train, score, False, gate), quantile))
    crosslingual = lambda features: score(_zeroed(features, LEXICAL_COLUMNS))  # noqa: E731
    return gate, threshold, float(np.quantile(best_scores(train, crosslingual, False), quantile))


def refit_refusal(train: list[dict], test: list[dict], path: Path, quantile: float, write: bool) -> int:
    """--refusal-only: the stored weights and answer policy stay; the gate term and the
    refusal thresholds are fitted again at `quantile` (a recipe's weights compared with
    another's at the same share of answerable questions refused)."""
    data, stored, score = _stored(path)
    gate, threshold, cl_threshold = fit_refusal(train, score, quantile)
    fitted = replace(stored, refuse_below=threshold, refuse_below_crosslingual=cl_threshold, gate_term=gate)
    shares = lambda ranker: {half: {"false_refusals": round(refused_share(rows, ranker, False), 4),  # noqa: E731
                                    "near_miss_refusals": round(refused_share(rows, ranker, True), 4)}
                             for half, rows in (("training", train), ("held_out", test))}
    data.update({"refuse_below": round(threshold, 4), "refuse_below_crosslingual": round(cl_threshold, 4),
                 "gate_term": gate, "refusal_quantile": quantile})
    data["answerable_rule_held_out"] = shares(fitted)["held_out"]
    print(json.dumps({"gate_term": gate, "refuse_below": round(threshold, 4),
                      "refuse_below_crosslingual": round(cl_threshold, 4),
                      "before": shares(stored), "after": shares(fitted)}, indent=2))
    if write:
        _write(path, data)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--squad", default="eval/bench/xquad.vi.json")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="write weights to assistant/data/ranker[-<recipe>].json")
    parser.add_argument("--false-refusals", type=float, default=MAX_FALSE_REFUSALS,
                        help="share of the training half's answerable questions the threshold may refuse")
    parser.add_argument("--policy-only", action="store_true",
                        help="keep the stored weights and thresholds; fit only the answer policy again")
    parser.add_argument("--whole-sentence-only", action="store_true",
                        help="keep the stored weights, thresholds and quote policy; fit only when a part of a long "
                             "sentence gives way to its sentence")
    parser.add_argument("--refusal-only", action="store_true",
                        help="keep the stored weights and answer policy; fit only the refusal gate again")
    args = parser.parse_args(argv)
    from sklearn.linear_model import LogisticRegression

    squad = load_squad(Path(args.squad))
    settings = Settings.from_env()
    settings = settings.with_overrides(index_dir=settings.index_dir.with_name(
        f"{settings.index_dir.name}-squad-{squad.fingerprint}"))
    index = open_index(settings)
    index.sync(squad.documents, squad.chunks)
    # Features do not depend on the weights: a neutral ranker lets this run whatever the
    # weights file holds (or when it was fitted on other features).
    assistant = Assistant(index, ranker=LinearRanker(weights=(0.0,) * len(FEATURES)))
    train_q, test_q = split_by_article(squad.questions, seed=args.seed)
    print(f"{len(train_q)} training questions, {len(test_q)} held-out questions "
          f"(articles split by seed {args.seed})", file=sys.stderr)
    train, test = collect(assistant, train_q), collect(assistant, test_q)
    if args.policy_only or args.whole_sentence_only:
        return refit_policy(train, test, weights_file(index.recipe), args.write, args.whole_sentence_only)
    if args.refusal_only:
        return refit_refusal(train, test, weights_file(index.recipe), args.false_refusals, args.write)
    x = np.vstack([r["x"] for r in train])
    y = np.concatenate([r["y"] for r in train])
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    ranker = LinearRanker(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]))
    learned = lambda features: features @ np.array(ranker.weights) + ranker.bias  # noqa: E731
    dense_only = lambda features: features[:, FEATURES.index("dense")]  # noqa: E731
    gate, threshold, cl_threshold = fit_refusal(train, learned, args.false_refusals)
    answerable = best_scores(train, learned, False, gate)
    unanswerable = best_scores(train, learned, True, gate)
    held_answerable = best_scores(test, learned, False, gate)
    held_unanswerable = best_scores(test, learned, True, gate)
    policy, held_accuracy, held_words = fit_policy(train, test, learned)
    crosslingual = lambda features: learned(_zeroed(features, LEXICAL_COLUMNS))  # noqa: E731
    cl_near_miss = best_scores(test, crosslingual, True)
    final = LinearRanker(ranker.weights, ranker.bias, refuse_below=threshold, gate_term=gate)
    tradeoff = {f"{q:.2f}": [round(float((held_answerable < t).mean()), 4),
                             round(float((held_unanswerable < t).mean()), 4)]
                for q in (0.01, 0.02, 0.03, 0.04, 0.05) for t in [float(np.quantile(answerable, q))]}
    rarest = FEATURES.index("rarest_term")
    absent = lambda rows, key: float(np.mean([len(r[key]) == 0 or r[key][:, rarest].max() == 0 for r in rows]))  # noqa: E731
    report = {
        "trained_on": f"{Path(args.squad).name}: {len({r['article'] for r in train})} articles, "
                      f"{len(train)} questions (seed {args.seed})",
        "held_out": {"articles": len({r["article"] for r in test}), "questions": len(test),
                     "top1_learned": round(top1(test, learned), 4),
                     "top1_dense_only": round(top1(test, dense_only), 4),
                     "false_refusals_at_threshold": round(float((held_answerable < threshold).mean()), 4),
                     "near_miss_refusals_at_threshold": round(float((held_unanswerable < threshold).mean()), 4),
                     "answer_holds_gold_with_policy": round(held_accuracy, 4),
                     "median_answer_quote_words": held_words,
                     "top1_crosslingual": round(top1(test, crosslingual), 4),
                     "near_miss_refusals_crosslingual": round(float((cl_near_miss < cl_threshold).mean()), 4)},
        **dict(zip(POLICY_NAMES, policy)),
        "refusal_quantile": args.false_refusals,
        "refuse_below_crosslingual": round(cl_threshold, 4),
        "refuse_below": round(threshold, 4),
        "gate_term": gate,
        "rarest_term_absent_held_out": {"answerable": round(absent(test, "x"), 4),
                                        "near_miss": round(absent(test, "x_missing"), 4)},
        "threshold_tradeoff_held_out": {"quantile: [false refusals, near-miss refusals]": tradeoff},
        "answerable_rule_held_out": {"false_refusals": round(refused_share(test, final, False), 4),
                                     "near_miss_refusals": round(refused_share(test, final, True), 4)},
        "near_miss_refused_on_training_half": round(float((unanswerable < threshold).mean()), 4),
    }
    print(json.dumps({**report, "weights": dict(zip(FEATURES, map(lambda w: round(w, 3), ranker.weights))),
                      "bias": round(ranker.bias, 3)}, ensure_ascii=False, indent=2))
    if args.write:
        _write(weights_file(index.recipe), {**ranker.to_json(), "unit_vectors": index.recipe, **report})
    return 0


if __name__ == "__main__":
    sys.exit(main())
