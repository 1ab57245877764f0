"""Per-question scores and the run summary. Retrieval metrics count a retrieved chunk
as relevant when it comes from one of the question's `sources` documents."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

from .matching import matches_facts
from .questions import EvalQuestion


@dataclass(frozen=True)
class QuestionResult:
    id: str
    question: str
    answer: str
    refused: bool
    grounded: bool
    retrieved_doc_ids: list[str]
    retrieved_texts: list[str]
    cited_doc_ids: list[str]
    fact_recall: bool
    hit_at_1: bool
    hit_at_5: bool
    reciprocal_rank: float
    fact_chunk_at_5: bool
    citation_precision: float | None   # None when nothing was cited
    refusal_correct: bool
    answer_words: int
    latency_ms: float
    answerable: bool
    tags: list[str]

    def to_json(self) -> dict:
        keys = ("id", "question", "answer", "refused", "grounded", "retrieved_doc_ids", "cited_doc_ids",
                "fact_recall", "hit_at_1", "hit_at_5", "fact_chunk_at_5", "citation_precision",
                "refusal_correct", "answer_words", "latency_ms")
        return {k: getattr(self, k) for k in keys}


def score(question: EvalQuestion, answer, retrieved: list[tuple[str, str]], latency_ms: float) -> QuestionResult:
    """`retrieved`: (doc_id, chunk text) best first, up to 10."""
    sources = set(question.sources)
    doc_ids = [doc_id for doc_id, _ in retrieved]
    first_relevant = next((i for i, d in enumerate(doc_ids[:10]) if d in sources), None)
    cited = [c.doc_id for c in answer.citations]
    return QuestionResult(
        id=question.id, question=question.question, answer=answer.answer, refused=answer.refused,
        grounded=answer.grounded, retrieved_doc_ids=doc_ids, retrieved_texts=[t for _, t in retrieved],
        cited_doc_ids=cited,
        fact_recall=question.answerable and not answer.refused and matches_facts(answer.answer, question.facts),
        hit_at_1=bool(doc_ids[:1]) and doc_ids[0] in sources,
        hit_at_5=any(d in sources for d in doc_ids[:5]),
        reciprocal_rank=0.0 if first_relevant is None else 1.0 / (first_relevant + 1),
        fact_chunk_at_5=question.answerable and any(matches_facts(t, question.facts) for _, t in retrieved[:5]),
        citation_precision=(sum(d in sources for d in cited) / len(cited)) if cited else None,
        refusal_correct=answer.refused == (not question.answerable),
        answer_words=count_words(answer.answer), latency_ms=latency_ms,
        answerable=question.answerable, tags=question.tags)


def count_words(text: str) -> int:
    """Words of an answer; citation markers and lone punctuation are not words."""
    return sum(1 for w in re.sub(r"\[\d+\]", " ", text).split() if any(c.isalnum() for c in w))


def summarize(results: list[QuestionResult]) -> dict:
    answerable = [r for r in results if r.answerable]
    precisions = [r.citation_precision for r in answerable if r.citation_precision is not None]
    latencies = sorted(r.latency_ms for r in results)
    words = [r.answer_words for r in results if not r.refused]
    return {
        "n_questions": len(results), "n_answerable": len(answerable),
        "hit_at_1": _share(r.hit_at_1 for r in answerable),
        "hit_at_5": _share(r.hit_at_5 for r in answerable),
        "mrr_at_10": _mean(r.reciprocal_rank for r in answerable),
        "fact_chunk_at_5": _share(r.fact_chunk_at_5 for r in answerable),
        "fact_recall": _share(r.fact_recall for r in answerable),
        "citation_precision": _mean(precisions),
        "refusal_accuracy": _share(r.refusal_correct for r in results),
        "false_refusal_rate": _share(r.refused for r in answerable),
        "numeric_faithfulness": _share(r.grounded for r in results),
        "median_answer_words": statistics.median(words) if words else 0,
        "latency_p50_ms": _percentile(latencies, 50), "latency_p95_ms": _percentile(latencies, 95),
    }


def _share(flags) -> float:
    flags = list(flags)
    return round(sum(map(bool, flags)) / len(flags), 4) if flags else 0.0


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 4) if values else 0.0


def _percentile(sorted_values: list[float], pct: int) -> float:
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, math.ceil(pct / 100 * len(sorted_values)) - 1))  # nearest rank
    return round(sorted_values[rank], 1)
