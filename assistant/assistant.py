"""The assistant component: question (+ conversation) → retrieval → grounded Answer."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from hoidap.messages import EMPTY_QUESTION, too_long, unreadable_signer
from index import Filters, SearchBackend, SearchHit
from ingest import Frame
from ingest.normalize import ascii_key, numbers_in, valid_text
from ingest.official import closing

from . import guard
from .compose import Statement, compose, compose_list
from .evidence import Candidate, candidates, fits_required_type
from .lists import ListAnswer, find_list, hit_for
from .question import Question, QuestionType, analyze, is_follow_up, resolve_follow_up
from .ranker import LinearRanker, ranker_for
from .records import REFUSAL_MESSAGE, Answer, QuestionError
from .tabular import TableAnswerer
from .targets import TargetTable
from .terms import COURTESY_TERMS, TermWeights

REDIRECT_NOTICE = "Tôi chỉ trả lời câu hỏi về nội dung các tài liệu đã được lập chỉ mục."
UNCLEAR_NOTICE = ("Câu hỏi chưa nêu điều cần tìm trong tài liệu. Hãy hỏi đầy đủ hơn, ví dụ: "
                  "«Mục tiêu kinh tế số đến năm 2030 là bao nhiêu?»")
NO_EVIDENCE_NOTICE = "Các đoạn văn tìm được không chứa thông tin trả lời câu hỏi này."


WARM_UP_QUESTION = "Chuyển đổi số là gì?"


@dataclass(frozen=True)
class AssistantConfig:
    k: int = 6
    """Chunks retrieved per question; their sentences and clauses are the candidates."""
    province_margin: float = 2.0
    """With no province named, a second province is answered too when its best candidate
    scores within this many log-odds of the best (naming two, or comparing, answers both)."""
    date_margin: float = 3.0
    """An older/newer document's differing figure is shown when it scores within this..."""
    date_similarity: float = 0.35
    """...and shares this much of its wording (Jaccard of words): the same fact, restated."""
    related: int = 3
    """Passages offered as "có thể liên quan" with a refusal."""
    max_question_chars: int = 1000
    """Longer questions are refused with a message: their cost grows with length (word
    segmentation, diacritic restoration, embedding) and one must not stall the others."""
    history_turns: int = 20
    """Previous answers a follow-up is resolved against; older turns are not looked at."""


class Assistant:
    """Answers Vietnamese questions from the index, extractively, with citations.

    `ask()` returns an `Answer`; `stream()` yields text pieces, then the `Answer`.
    An optional `llm` (see assistant/llm.py) writes the answer instead, under the same
    numeric guard, falling back to the extractive answer on any failure.
    """

    def __init__(self, index: SearchBackend, config: AssistantConfig = AssistantConfig(), llm=None,
                 ranker: LinearRanker | None = None):
        self.index = index
        self.config = config
        self.llm = llm
        self._given_ranker = ranker                 # else the weights fitted for the index's recipe
        self.targets = TargetTable(index)           # the table of targets (web tab, CLI)
        self.table_answers = TableAnswerer(self.targets)
        self.refresh()

    def warm_up(self) -> None:
        """Answer one question so that the first user does not wait for the word segmenter
        and the query path to load (the web server and the eval call this once)."""
        self.ask(WARM_UP_QUESTION)

    def refresh(self) -> None:
        """Recompute term statistics after documents were added to or removed from the index
        (done by itself when the index serves another generation)."""
        terms = self.index.corpus_terms()
        self._terms_of = terms.generation
        self.term_weights = TermWeights(list(terms.chunk_tokens.values()))
        # A rebuild may have made the vectors another way; the weights follow them.
        self.ranker = self._given_ranker or ranker_for(self.index.recipe)

    def ask(self, question: str, history: Sequence[str | Answer] | None = None,
            province: str | None = None, filters: Filters = Filters()) -> Answer:
        answer = None
        for event in self.stream(question, history, province, filters):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None   # stream() always ends with the Answer
        return answer

    def stream(self, question: str, history: Sequence[str | Answer] | None = None,
               province: str | None = None, filters: Filters = Filters()) -> Iterator[str | Answer]:
        """Yields pieces of answer text as they are ready, then the final `Answer`.

        With an LLM the pieces are the model's tokens; if its text then fails the guard
        the final Answer is the extractive one (with a notice), so callers always show
        the final Answer's text once it arrives.
        """
        started = time.perf_counter()
        if self._terms_of != self.index.generation:
            self.refresh()
        question = valid_text(question)
        if len(question) > self.config.max_question_chars:
            raise QuestionError(too_long("Câu hỏi", len(question), self.config.max_question_chars,
                                         "Hãy hỏi ngắn gọn hơn."))
        if history:
            history = list(history)[-self.config.history_turns:]
        parsed = self.understand(question, history)
        if not parsed.text:
            raise QuestionError(EMPTY_QUESTION)
        streamed = False
        if parsed.redirect or not self._has_subject(parsed):
            answer = self._refusal(question, parsed, [], REDIRECT_NOTICE if parsed.redirect else UNCLEAR_NOTICE)
            answer.timings_ms["retrieve"] = 0.0
        else:
            hits = self._retrieve(parsed, province, filters=filters)
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
            # An extractive answer is ready whole: one piece. Cutting it into words only
            # multiplied the events a web server sends per answer (measured: ~1/3 of its time).
            yield answer.answer
        yield answer

    def retrieve(self, question: str, history: Sequence[str | Answer] | None = None,
                 province: str | None = None, k: int | None = None, filters: Filters = Filters()) -> list[SearchHit]:
        """The chunks `ask` would draw on (resolved follow-up, province filter), top k."""
        return self._retrieve(self.understand(question, history), province, k, filters)

    def _has_subject(self, question: Question) -> bool:
        """Whether the question names anything the documents could be about: a year, a
        province, or a term whose words the indexed passages use. "1", "?", "abc", "ok" and
        "xin chào" do not, and quoting whatever passage ranks first for them misleads."""
        if question.years or question.provinces or question.crosslingual:
            return True
        return any(self.term_weights.known(term, question.accentless) for term in question.key_terms
                   if any(c.isalpha() for c in term) and ascii_key(term) not in COURTESY_TERMS)

    # ---- steps -----------------------------------------------------------------------
    def understand(self, question: str, history: Sequence[str | Answer] | None = None) -> Question:
        """The question as the answer will treat it: tone marks restored from the indexed
        vocabulary, analysed, and merged with the previous turn when it is a follow-up."""
        parsed = analyze(self.index.restore_diacritics(question))
        previous = _previous_question(history)
        if previous and not parsed.redirect and is_follow_up(parsed):
            return resolve_follow_up(parsed, analyze(self.index.restore_diacritics(previous)))
        return parsed

    def _retrieve(self, question: Question, province: str | None, k: int | None = None,
                  filters: Filters = Filters()) -> list[SearchHit]:
        # A single province named in the question (or chosen in the UI) filters retrieval;
        # with two named, both stay and the answer is given per province.
        chosen = province or filters.province or (question.provinces[0] if len(question.provinces) == 1 else None)
        return self.index.search(question.text, k=k or self.config.k, filters=replace(filters, province=chosen))

    def _extractive(self, asked: str, question: Question, hits: list[SearchHit]) -> Answer:
        if question.asks_signer and hits:
            signed = self._signer(asked, question, hits)
            if signed is not None:
                return signed
        scored = candidates(question, hits, self.term_weights, self.ranker)
        if not question.asks_recipients:
            # "- Như trên; - Bộ trưởng (để b/c); - Lưu: VT" says whom a document goes to; its
            # words ("kinh phí, phương tiện phục vụ Đoàn kiểm tra") answer nothing else.
            scored = [c for c in scored if not _among_recipients(c)]
        viable = [c for c in scored if fits_required_type(question, c)]
        if not viable or _year_absent(question, hits) or not (
                self._relevant(question, viable[0]) or self.ranker.supported(viable[0].features)):
            return self._refusal(asked, question, hits, NO_EVIDENCE_NOTICE)
        if question.yes_no or question.resolved_from is not None:
            # Where the year is what is asked about ("Còn năm 2030?" after a 2026 target; a
            # claim about 2030), a quote naming only other years answers another question,
            # however well it scores. Elsewhere the year asked may sit in a neighbouring
            # sentence ("hạn hán năm 2010 …" then "… so với năm 2005"): the ranker weighs it.
            viable = [c for c in viable if not c.names_other_years] or viable
        if question.new_subject:
            # Likewise "Còn số sản phẩm thì sao?" after a count of enterprises asks about the
            # products: the previous answer's quote, still closest in words, gives way.
            subject = ascii_key(question.new_subject)
            viable = [c for c in viable if subject in ascii_key(f"{c.frame.context} {c.text}")] or viable
        tabled = self.table_answers.answer(question, viable)
        if tabled is not None and guard.holds(*tabled):
            return self._answer(asked, question, hits, *tabled)
        if question.comparison and not question.crosslingual:
            # Side by side only what the question compares: quotes that never name it
            # ("mục tiêu điện gió" over passages on other targets) compare something else.
            # A comparison of one thing with itself ("thấp hơn bao nhiêu so với hiện nay?")
            # is not set side by side: its quote is judged like any other.
            naming = [c for c in viable if c.holds_rarest_term]
            if naming:
                viable = naming
            elif self._side_by_side(question, viable):
                return self._refusal(asked, question, hits, NO_EVIDENCE_NOTICE)
        if question.qtype == QuestionType.LIST and not question.yes_no:
            listed = self._list(question, viable)
            if isinstance(listed, ListAnswer):
                text, citations = compose_list(listed.lead, list(listed.items))
                return self._answer(asked, question, hits, text, citations)
            if listed is not None:  # a sentence that is a whole list by itself (after the best quote)
                text, citations = compose([Statement(c) for c in listed])
                return self._answer(asked, question, hits, text, citations)
        text, citations = compose(self._select(question, viable), compare=question.comparison)
        return self._answer(asked, question, hits, text, citations)

    def _answer(self, asked: str, question: Question, hits: list[SearchHit], text: str, citations) -> Answer:
        return Answer(question=asked, answer=text, refused=False,
                      grounded=guard.holds(text, citations), backend="extractive",
                      citations=citations, retrieved=hits, resolved_question=question.text)

    def _relevant(self, question: Question, candidate: Candidate) -> bool:
        """Worth quoting: its gate value clears the threshold fitted with the ranker's
        weights (eval/train_ranker.py: 3% of answerable XQuAD questions fall below it)."""
        return candidate.gate >= self.ranker.threshold(question.crosslingual)

    def _select(self, question: Question, viable: list[Candidate]) -> list[Statement]:
        best = viable[0]
        relevant = [c for c in viable if self._relevant(question, c)]
        if question.yes_no:   # judged on the quote an answer would lead with
            return [self._verdict(question, self._quotes(question, relevant or [best])[0].candidate)]
        if question.current and question.qtype == QuestionType.PERSON:
            # "Who is ... now": the newest dated document that names someone decides.
            named = [c for c in relevant if c.type_fit >= 1.0] or [best]
            newest = max(named, key=lambda c: (c.hit.document.date or "", c.score))
            return [Statement(newest, show_date=True)]
        if question.per_year:
            per_year = self._per_year(question, relevant)
            if len(per_year) > 1:
                return per_year
        if not question.provinces or len(question.provinces) > 1:
            per_province = self._per_province(question, viable)
            if len(per_province) > 1:
                return per_province
        other = self._differing_date(best, viable)
        if other is not None:
            newest_first = sorted([best, other], key=lambda c: c.hit.document.date or "", reverse=True)
            return [Statement(c, show_date=True) for c in newest_first]
        return self._quotes(question, relevant or [best])

    def _quotes(self, question: Question, relevant: list[Candidate]) -> list[Statement]:
        """The best quote, shorter ones preferred at equal evidence, and a second one when
        it scores nearly as well or the two together are still short: two short sentences
        read as fast as one long one (the policy fitted with the ranker's weights)."""
        ranker = self.ranker
        if question.qtype == QuestionType.LIST:  # a list is read whole, not in parts
            relevant = [c for c in relevant if c.kind != "window"] or relevant
        else:  # a heading restates the question; the lines under it answer
            relevant = [c for c in relevant if not c.is_heading] or relevant
        first = max(relevant, key=lambda c: c.score - ranker.first_quote_length_penalty * _log_words(c))
        # A part of a long sentence that mostly repeats the question may give way to the
        # smallest sentence or clause holding it (LinearRanker.reads_whole_sentence).
        sentence = None if first.kind != "window" else min(
            (c for c in relevant if c.kind != "window" and _within(first, c)), key=_words, default=None)
        if sentence is not None and ranker.reads_whole_sentence(first.features, _words(sentence)):
            first = sentence
        # The same words elsewhere (a form repeats "Địa điểm thực hiện: …" per procedure)
        # would show the reader one sentence twice.
        others = [c for c in relevant if c is not first and not _overlapping(c, first) and not _same_words(c, first)]
        second = max(others, key=lambda c: c.score - ranker.second_quote_length_penalty * _log_words(c),
                     default=None)
        if second is None or _another_section(question, first, second) or not ranker.second_joins(
                first.score - second.score, _words(first) + _words(second), second.names_other_years):
            return [Statement(first)]
        return [Statement(first), Statement(second)]

    def _verdict(self, question: Question, best: Candidate) -> Statement:
        """A claim with figures is "Đúng" when the evidence holds all of them, "Không đúng"
        when it holds other figures of the same kind; the quote shows what it says."""
        found = set(numbers_in(f"{best.frame.context} {best.text}"))
        claimed = set(question.claimed)
        if not claimed:
            return Statement(best)
        return Statement(best, verdict="Đúng" if claimed <= found else "Không đúng")

    def _side_by_side(self, question: Question, viable: list[Candidate]) -> bool:
        """Whether the question sets things side by side: two provinces or years named, or
        an answer that would quote one passage per province ("tỉnh nào cao hơn?")."""
        return (len(question.provinces) > 1 or question.per_year
                or (not question.provinces and len(self._per_province(question, viable)) > 1))

    def _per_year(self, question: Question, relevant: list[Candidate]) -> list[Statement]:
        """One quote per year asked ("so sánh năm 2026 và năm 2030"), each naming only its year."""
        chosen: dict[str, Candidate] = {}
        for year in question.years:
            others = [y for y in question.years if y != year]
            for candidate in relevant:
                context = f"{candidate.frame.context} {candidate.text}"
                if year in context and not any(o in context for o in others) and candidate not in chosen.values():
                    chosen[year] = candidate
                    break
        return [Statement(c, label=f"Năm {y}") for y, c in sorted(chosen.items())]

    def _list(self, question: Question, viable: list[Candidate]) -> ListAnswer | list[Candidate] | None:
        """The enumeration the best whole-sentence evidence belongs to or announces, or a
        sentence that lists the items itself ("với các nội dung trọng tâm như A, B, C").

        A list-shaped sentence that scores clearly less than the best (by more than the
        ranker's second-quote margin) joins the quote _quotes would give instead of
        replacing it: it may list what was asked, or something else (replacing lost 5
        XQuAD answers that the best quote held)."""
        whole = [c for c in viable if c.kind != "window"][:3]
        for candidate in whole:
            if not self._relevant(question, candidate):
                break
            near = whole[0].score - candidate.score < self.ranker.second_quote_margin
            if candidate.type_fit >= 1.0 and candidate.kind != "clause":
                if near:
                    return [candidate]
                best = self._quotes(question, [c for c in viable if self._relevant(question, c)])[0].candidate
                return [candidate] if _overlapping(best, candidate) else [best, candidate]
            found = find_list(candidate, self.index.chunks_of(candidate.doc_id)) if near else None
            if found is not None:
                return found
        return None

    def _per_province(self, question: Question, viable: list[Candidate]) -> list[Statement]:
        best_by_province: dict[str, Candidate] = {}
        penalty = self.ranker.first_quote_length_penalty  # shorter quotes at equal evidence, as _quotes
        for candidate in sorted(viable, key=lambda c: -(c.score - penalty * _log_words(c))):
            provinces = candidate.hit.document.provinces
            if len(provinces) != 1:
                continue
            if not (question.provinces or question.comparison or question.each_place) \
                    and candidate.score < viable[0].score - self.config.province_margin:
                continue
            if question.provinces and provinces[0] not in question.provinces:
                continue
            if self._relevant(question, candidate):
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
                    and _word_jaccard(best.text, candidate.text) >= self.config.date_similarity:
                return candidate
        return None

    def _signer(self, asked: str, question: Question, hits: list[SearchHit]) -> Answer | None:
        """"Ai ký …?": the name in the closing block of the document the question is about
        (the best hit: a question naming a document ranks it first). None for a text with no
        closing block; a refusal that says so when the name cannot be read (a scan's
        handwriting or stamp)."""
        document = hits[0].document
        block = closing(document.text)
        if block is None:
            return None
        if block.signer is None:
            return self._refusal(asked, question, hits, unreadable_signer(document.title))
        start, end = block.signer
        chunk = next((c for c in self.index.chunks_of(document.doc_id) if c.start <= start < c.end), None)
        if chunk is None:
            return None
        signer = Candidate(hit=hit_for(hits[0], chunk), start=start, end=end, kind="sentence",
                           text=document.text[start:end], frame=Frame(title=document.title), score=0.0, gate=0.0,
                           type_fit=1.0, overlap=0.0, dense=0.0)
        text, citations = compose([Statement(signer, label="Người ký")])
        return self._answer(asked, question, hits, text, citations)

    def _refusal(self, asked: str, question: Question, hits: list[SearchHit], notice: str) -> Answer:
        return Answer(question=asked, answer=REFUSAL_MESSAGE, refused=True, grounded=True,
                      backend="extractive", retrieved=hits, resolved_question=question.text,
                      notice=notice, related=hits[:self.config.related])


def _among_recipients(candidate: Candidate) -> bool:
    block = closing(candidate.hit.document.text)
    return block is not None and block.recipients[0] <= candidate.start < block.recipients[1]


def _words(candidate: Candidate) -> int:
    return len(candidate.text.split())


def _log_words(candidate: Candidate) -> float:
    return math.log1p(_words(candidate))


def _overlapping(a: Candidate, b: Candidate) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def _another_section(question: Question, first: Candidate, second: Candidate) -> bool:
    """The second quote sits under another heading that lacks a term of the question the
    first's heading has: "Phí, lệ phí: 200.000 đồng" under "1. Thủ tục cấp giấy phép" after
    the fee under "3. Thủ tục gia hạn giấy phép" answers about another procedure."""
    if not first.frame.lead or not second.frame.lead or first.frame.lead == second.frame.lead:
        return False
    first_lead, second_lead = f" {ascii_key(first.frame.lead)} ", f" {ascii_key(second.frame.lead)} "
    return any(f" {t} " in first_lead and f" {t} " not in second_lead for t in map(ascii_key, question.key_terms))


def _same_words(a: Candidate, b: Candidate) -> bool:
    return a.text.casefold().split() == b.text.casefold().split()


def _within(part: Candidate, whole: Candidate) -> bool:
    return part is not whole and part.doc_id == whole.doc_id and whole.start <= part.start and part.end <= whole.end


def _year_absent(question: Question, hits: list[SearchHit]) -> bool:
    """The question names a year that nothing retrieved mentions (its text, lead, title or
    date): "mục tiêu năm 2035" when the documents set targets for 2030 and 2045."""
    if not question.years:
        return False
    seen = " ".join(f"{h.document.title} {h.document.date or ''} {h.chunk.context} {h.chunk.text}" for h in hits)
    return not any(year in seen for year in question.years)


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
