"""The assistant component: question (+ conversation) → retrieval → grounded Answer."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from index import Filters, HybridIndex, SearchHit
from ingest.normalize import ascii_key, numbers_in

from . import guard
from .compose import Statement, compose
from .evidence import Candidate, candidates, fits_required_type
from .question import Question, analyze, is_follow_up, resolve_follow_up
from .records import REFUSAL_MESSAGE, Answer
from .terms import TermWeights

REDIRECT_NOTICE = "Tôi chỉ trả lời câu hỏi về nội dung các tài liệu đã được lập chỉ mục."
NO_EVIDENCE_NOTICE = "Các đoạn văn tìm được không chứa thông tin trả lời câu hỏi này."


@dataclass(frozen=True)
class AssistantConfig:
    k: int = 6
    """Chunks retrieved per question; their sentences and clauses are the candidates."""
    min_overlap: float = 0.4
    """IDF-weighted share of the question's terms the best candidate must contain..."""
    weak_overlap: float = 0.25
    min_dense: float = 0.87
    """...or at least `weak_overlap` with a cosine similarity of `min_dense`. Chosen on
    eval/questions/public.jsonl, where answerable questions' best candidates overlap
    0.30-1.0 (all but one >= 0.46) and unanswerable ones 0-0.33, while similarity alone
    does not separate them (0.79-0.95 against 0.79-0.87)."""
    province_margin: float = 0.6
    """A second province is answered too when its best candidate scores within this of the best."""
    date_margin: float = 0.4
    """An older/newer document's differing figure is shown when it scores within this..."""
    date_similarity: float = 0.35
    """...and shares this much of its wording (Jaccard of words): the same fact, restated."""
    related: int = 3
    """Passages offered as "có thể liên quan" with a refusal."""


class Assistant:
    """Answers Vietnamese questions from the index, extractively, with citations.

    `ask()` returns an `Answer`; `stream()` yields text pieces, then the `Answer`.
    An optional `llm` (see assistant/llm.py) writes the answer instead, under the same
    numeric guard, falling back to the extractive answer on any failure.
    """

    def __init__(self, index: HybridIndex, config: AssistantConfig = AssistantConfig(), llm=None):
        self.index = index
        self.config = config
        self.llm = llm
        self.refresh()

    def refresh(self) -> None:
        """Recompute term statistics after documents were added to or removed from the index."""
        self.term_weights = TermWeights(list(self.index.chunk_tokens().values()))

    def ask(self, question: str, history: Sequence[str | Answer] | None = None,
            province: str | None = None) -> Answer:
        answer = None
        for event in self.stream(question, history, province):
            if isinstance(event, Answer):
                answer = event
        return answer

    def stream(self, question: str, history: Sequence[str | Answer] | None = None,
               province: str | None = None) -> Iterator[str | Answer]:
        """Yields pieces of answer text as they are ready, then the final `Answer`.

        With an LLM the pieces are the model's tokens; if its text then fails the guard
        the final Answer is the extractive one (with a notice), so callers always show
        the final Answer's text once it arrives.
        """
        started = time.perf_counter()
        parsed = self._understand(question, history)
        if not parsed.text:
            raise ValueError("Câu hỏi trống: hãy nhập câu hỏi.")
        streamed = False
        if parsed.redirect:
            answer = self._refusal(question, parsed, [], REDIRECT_NOTICE)
            answer.timings_ms["retrieve"] = 0.0
        else:
            hits = self._retrieve(parsed, province)
            retrieve_ms = (time.perf_counter() - started) * 1000
            answer = self._extractive(question, parsed, hits)
            answer.timings_ms["retrieve"] = retrieve_ms
            if self.llm is not None and hits:
                for event in self.llm.answer(question, parsed, hits, answer):
                    if isinstance(event, Answer):
                        answer = event
                    else:
                        streamed = True
                        yield event
        answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
        answer.timings_ms["answer"] = answer.timings_ms["total"] - answer.timings_ms["retrieve"]
        if not streamed:
            yield from _pieces(answer.answer)
        yield answer

    def retrieve(self, question: str, history: Sequence[str | Answer] | None = None,
                 province: str | None = None, k: int | None = None) -> list[SearchHit]:
        """The chunks `ask` would draw on (resolved follow-up, province filter), top k."""
        return self._retrieve(self._understand(question, history), province, k)

    # ---- steps -----------------------------------------------------------------------
    def _understand(self, question: str, history) -> Question:
        parsed = analyze(question)
        previous = _previous_question(history)
        if previous and not parsed.redirect and is_follow_up(parsed):
            return resolve_follow_up(parsed, analyze(previous))
        return parsed

    def _retrieve(self, question: Question, province: str | None, k: int | None = None) -> list[SearchHit]:
        # A single province named in the question (or chosen in the UI) filters retrieval;
        # with two named, both stay and the answer is given per province.
        chosen = province or (question.provinces[0] if len(question.provinces) == 1 else None)
        return self.index.search(question.text, k=k or self.config.k, filters=Filters(province=chosen))

    def _extractive(self, asked: str, question: Question, hits: list[SearchHit]) -> Answer:
        scored = candidates(question, hits, self.term_weights)
        viable = [c for c in scored if fits_required_type(question, c)]
        if not viable or not self._relevant(viable[0]):
            return self._refusal(asked, question, hits, NO_EVIDENCE_NOTICE)
        statements = self._select(question, viable)
        text, citations = compose(statements)
        return Answer(question=asked, answer=text, refused=False,
                      grounded=guard.holds(text, citations), backend="extractive",
                      citations=citations, retrieved=hits, resolved_question=question.text)

    def _relevant(self, best: Candidate) -> bool:
        config = self.config
        return best.overlap >= config.min_overlap or (
            best.overlap >= config.weak_overlap and best.dense >= config.min_dense)

    def _select(self, question: Question, viable: list[Candidate]) -> list[Statement]:
        best = viable[0]
        if not question.provinces or len(question.provinces) > 1:
            per_province = self._per_province(question, viable)
            if len(per_province) > 1:
                return per_province
        other = self._differing_date(best, viable)
        if other is not None:
            newest_first = sorted([best, other], key=lambda c: c.hit.document.date or "", reverse=True)
            return [Statement(c, show_date=True) for c in newest_first]
        return [Statement(best)]

    def _per_province(self, question: Question, viable: list[Candidate]) -> list[Statement]:
        best_by_province: dict[str, Candidate] = {}
        for candidate in viable:
            provinces = candidate.hit.document.provinces
            if len(provinces) != 1 or candidate.score < viable[0].score - self.config.province_margin:
                continue
            if question.provinces and provinces[0] not in question.provinces:
                continue
            if self._relevant(candidate):
                best_by_province.setdefault(provinces[0], candidate)
        return [Statement(c, label=p) for p, c in best_by_province.items()]

    def _differing_date(self, best: Candidate, viable: list[Candidate]) -> Candidate | None:
        """A candidate from a document of another date, same province, other figures."""
        document = best.hit.document
        best_numbers = set(numbers_in(best.text))
        for candidate in viable[1:]:
            other = candidate.hit.document
            if candidate.score < best.score - self.config.date_margin:
                return None
            if other.doc_id != document.doc_id and other.date and document.date \
                    and other.date != document.date and other.provinces == document.provinces \
                    and best_numbers and set(numbers_in(candidate.text)) not in (set(), best_numbers) \
                    and _word_jaccard(best.text, candidate.text) >= self.config.date_similarity \
                    and self._relevant(candidate):
                return candidate
        return None

    def _refusal(self, asked: str, question: Question, hits: list[SearchHit], notice: str) -> Answer:
        return Answer(question=asked, answer=REFUSAL_MESSAGE, refused=True, grounded=True,
                      backend="extractive", retrieved=hits, resolved_question=question.text,
                      notice=notice, related=hits[:self.config.related])


def _pieces(text: str, words_per_piece: int = 4) -> Iterator[str]:
    words = text.split(" ")
    for i in range(0, len(words), words_per_piece):
        yield " ".join(words[i:i + words_per_piece]) + (" " if i + words_per_piece < len(words) else "")


def _word_jaccard(a: str, b: str) -> float:
    left, right = set(ascii_key(a).split()), set(ascii_key(b).split())
    return len(left & right) / len(left | right) if left | right else 0.0


def _previous_question(history) -> str | None:
    for turn in reversed(list(history or [])):
        if isinstance(turn, Answer):
            return turn.resolved_question or turn.question
        if isinstance(turn, str) and turn.strip():
            return turn
    return None
