"""Runs a question set through the same Assistant the chat uses."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from .metrics import QuestionResult, score, summarize
from .questions import EvalQuestion

RETRIEVAL_DEPTH = 10   # chunks ranked for hit@k / MRR@10 (untimed, besides the answer's own retrieval)


@dataclass
class EvalRun:
    summary: dict
    results: list[QuestionResult]
    answers: dict            # id -> Answer
    facts: dict              # id -> expected fact groups, for the failure listings

    def to_json(self) -> dict:
        return {"summary": self.summary, "questions": [r.to_json() for r in self.results]}


class Evaluator:
    """Asks every question (with its `history` for follow-ups), times the answer, scores it."""

    def __init__(self, assistant, embedder: str, backend: str, index_backend: str = "local"):
        """assistant: an `assistant.Assistant`; embedder, backend (the answer model) and
        index_backend (where the index is kept): recorded in the summary."""
        self.assistant = assistant
        self.embedder = embedder
        self.backend = backend
        self.index_backend = index_backend

    def run(self, questions: list[EvalQuestion],
            on_question: Callable[[EvalQuestion], None] | None = None) -> EvalRun:
        results, answers = [], {}
        # One untimed question first: loading the word segmenter and warming caches
        # would otherwise land on whichever question comes first.
        self.assistant.warm_up()
        for question in questions:
            if on_question:
                on_question(question)
            started = time.perf_counter()
            answer = self.assistant.ask(question.question, history=question.history)
            latency_ms = (time.perf_counter() - started) * 1000
            ranked = self.assistant.retrieve(question.question, history=question.history, k=RETRIEVAL_DEPTH)
            results.append(score(question, answer, [(h.chunk.doc_id, h.chunk.text) for h in ranked], latency_ms))
            answers[question.id] = answer
        summary = summarize(results) | {
            "embedder": self.embedder, "backend": self.backend, "index_backend": self.index_backend,
            "k": self.assistant.config.k,
            "corpus_hash": corpus_hash(self.assistant.index),
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        return EvalRun(summary=summary, results=results, answers=answers,
                       facts={q.id: q.facts for q in questions})


def corpus_hash(index) -> str:
    """Identifies the indexed documents: the same corpus (and cleaning) gives the same hash."""
    fingerprints = sorted(f"{d.doc_id}:{d.fingerprint}" for d in index.documents)
    return hashlib.sha256("\n".join(fingerprints).encode()).hexdigest()[:16]
