"""Answers read from the table of targets (assistant/targets.py): comparisons ("tỉnh nào
cao hơn", "so sánh mục tiêu năm 2026 và năm 2030"), rankings ("tỉnh nào cao nhất") and a
province's targets for a year ("mục tiêu năm 2030 của … gồm những gì").

Free text compares badly: the best sentence for one province is often not the same
measure as the best for another ("100% … dịch vụ công trực tuyến toàn trình" against
"trên 80% … dịch vụ công trực tuyến"). The table has already put each figure under one
indicator, year and province, so the cells compared measure the same thing. Every value
is still quoted from its clause and cited, and the comparison sentence uses only the
quoted values, so the numeric guard holds.

Which indicator a question is about: the canonical name its own words give (the rules
extraction uses), else the retrieval's choice, i.e. the indicator of the figures in the
best candidates, the one whose clause shares most words with the question.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ingest.normalize import ascii_key
from ingest.targets import canonical_indicator, indicator_rules, value_range, word_key

from .evidence import Candidate
from .question import Question, QuestionType
from .records import Citation
from .targets import TargetRow, TargetTable

_ASKS_TARGETS = re.compile(r"\b(muc tieu|chi tieu)\b")
_ASKS_RESULTS = re.compile(r"\b(ket qua|da dat|dat duoc|hien nay|den nay)\b")
# Words of "mục tiêu năm 2030 của X gồm những gì" that say nothing about which targets.
_LIST_QUESTION_WORDS = frozenset(
    "muc tieu chi tieu cu the dinh luong nam den cua tinh gom nhung gi la cac bao gom nao ra dat "
    "phan dau huong toi trong giai doan".split())


@dataclass(frozen=True)
class TableConfig:
    candidates_looked_at: int = 5
    """Best candidates whose figures may name the indicator a question is about."""
    max_items: int = 12
    """Targets listed at most for "mục tiêu năm … gồm những gì"."""


class TableAnswerer:
    """Comparison, ranking and target-list answers from a `TargetTable`; `answer()`
    returns (text, citations), or None when the table does not answer the question (the
    assistant then quotes passages as usual)."""

    def __init__(self, table: TargetTable, config: TableConfig = TableConfig()):
        self.table = table
        self.config = config

    def answer(self, question: Question, viable: list[Candidate]) -> tuple[str, list[Citation]] | None:
        if question.yes_no:
            return None
        if question.comparison or question.superlative or (
                question.per_year and question.qtype in (QuestionType.PERCENT, QuestionType.QUANTITY)):
            return self._compare(question, viable)
        if question.qtype == QuestionType.LIST and len(question.provinces) == 1 and len(question.years) == 1 \
                and _ASKS_TARGETS.search(ascii_key(question.text)):
            return self._targets_of(question)
        return None

    # ---- comparisons and rankings -------------------------------------------------------
    def _compare(self, question: Question, viable: list[Candidate]) -> tuple[str, list[Citation]] | None:
        rows = self.table.rows()
        indicator = self._indicator(question, viable, rows)
        if indicator is None:
            return None
        kind = _kind_asked(question)
        chosen = [r for r in rows if r.target.indicator == indicator and (not kind or r.target.kind == kind)
                  and (not question.provinces or r.target.province in question.provinces)
                  and (not question.years or str(r.target.year) in question.years)]
        cells = one_per_cell(chosen)
        if len(cells) < 2:
            return None
        citations = _Citations(self.table)
        sentences = [f"{_cell_label(row)}: {row.quote.rstrip(' .;,:')} [{citations.of(row)}]."
                     for row in cells]
        sentences += verdicts(question, cells)
        missing = [p for p in question.provinces if all(r.target.province != p for r in cells)]
        if missing:
            sentences.append(f"Không thấy chỉ tiêu này của {', '.join(missing)} trong các tài liệu.")
        return " ".join(sentences), citations.all()

    def _indicator(self, question: Question, viable: list[Candidate], rows: list[TargetRow]) -> str | None:
        """The indicator the question is about: named by its words, or else carried by the
        figures of the best candidates (the one sharing most words with the question)."""
        named = canonical_indicator(question.text)
        if named and any(r.target.indicator == named for r in rows):
            return named
        asked = _words(question.text)
        by_doc: dict[str, list[TargetRow]] = defaultdict(list)
        for row in rows:
            by_doc[row.target.doc_id].append(row)
        for candidate in viable[:self.config.candidates_looked_at]:
            inside = [r for r in by_doc.get(candidate.doc_id, [])
                      if r.target.start < candidate.end and candidate.start < r.target.end]
            if inside:
                best = max(inside, key=lambda r: len(asked & _words(f"{r.quote} {r.target.indicator}")))
                # Retrieval always returns something: the figure must speak of the question's
                # subject ("điện gió" is in no target), unless the question is in another language.
                if question.crosslingual or _speaks_of(best, question.key_terms):
                    return best.target.indicator
                return None
        return None

    # ---- a province's targets for a year -------------------------------------------------
    def _targets_of(self, question: Question) -> tuple[str, list[Citation]] | None:
        province, year = question.provinces[0], int(question.years[0])
        rows = [r for r in self.table.rows(province=province, year=year) if r.target.kind == "target"]
        subject = _words(question.text) - _LIST_QUESTION_WORDS - _words(province) - {question.years[0]}
        if subject:  # "mục tiêu về chuyển đổi số …": only the targets that speak of it
            rows = [r for r in rows if subject <= _words(f"{r.quote} {r.target.indicator}")]
        row_at = {(r.target.doc_id, r.target.start, r.target.end): r for r in rows}
        if len(row_at) < 2:
            return None
        # Past the limit, targets with a canonical indicator are kept first; shown in text order.
        canonical = {name for name, _ in indicator_rules()}
        kept = sorted(row_at, key=lambda key: row_at[key].target.indicator not in canonical)[:self.config.max_items]
        shown = sorted(kept)
        citations = _Citations(self.table)
        numbers = [citations.of(row_at[key]) for key in shown]
        # A chunk's marker follows the last of its clauses.
        items = [row_at[key].quote.rstrip(" .;,:") + (f" [{n}]" if numbers[i + 1:i + 2] != [n] else "")
                 for i, (key, n) in enumerate(zip(shown, numbers))]
        more = "; và các chỉ tiêu khác trong bảng chỉ tiêu" if len(row_at) > len(shown) else ""
        head = f"Các chỉ tiêu định lượng của {province} cho năm {year}"
        return f"{head}: " + "; ".join(items) + f"{more}.", citations.all()


def _words(text: str) -> set[str]:
    return set(word_key(text).split())


def _speaks_of(row: TargetRow, key_terms: tuple[str, ...]) -> bool:
    """Whether the row's clause or indicator holds one of the question's key terms."""
    said = word_key(f"{row.quote} {row.target.indicator}")
    return any(word_key(term) in said for term in key_terms)


def _kind_asked(question: Question) -> str | None:
    key = ascii_key(question.text)
    if _ASKS_RESULTS.search(key):
        return "result"
    return "target" if _ASKS_TARGETS.search(key) else None


def one_per_cell(rows: list[TargetRow]) -> list[TargetRow]:
    """One row per (province, year): a target before a result, the newest document, the
    first in its text; cells ordered by year, then province."""
    preferred = sorted(rows, key=lambda r: (r.target.doc_id, r.target.start))
    preferred.sort(key=lambda r: r.target.date or "", reverse=True)    # stable: keeps text order
    preferred.sort(key=lambda r: r.target.kind != "target")
    best: dict[tuple[str, int | None], TargetRow] = {}
    for row in preferred:
        best.setdefault((row.target.province, row.target.year), row)
    return sorted(best.values(), key=lambda r: (r.target.year or 0, r.target.province))


def _cell_label(row: TargetRow) -> str:
    year = row.target.year
    return f"{row.target.province}, năm {year}" if year else row.target.province


def _shown_value(row: TargetRow) -> str:
    """The value as the comparison sentence prints it: "tối thiểu 20%", "khoảng 9-10%"."""
    target = row.target
    comparator = "" if target.comparator in ("đạt", "gấp", "tăng", "giảm") else target.comparator
    return f"{comparator} {target.value}".strip()


def verdicts(question: Question, cells: list[TargetRow]) -> list[str]:
    """Which is higher (or lower, as asked) among cells of one year, or between the years
    of one province; only cells whose values are numbers in the same unit are compared."""
    groups: dict[object, list[TargetRow]] = defaultdict(list)
    provinces = {r.target.province for r in cells}
    for row in cells:
        groups[row.target.year if len(provinces) > 1 else row.target.province].append(row)
    out = []
    for group in groups.values():
        if len(group) < 2:
            continue
        if len(provinces) > 1:
            out.append(_verdict(group, lambda r: r.target.province, question.smaller))
        else:
            out.append(_over_the_years(group))
    return [s for s in out if s]


def _over_the_years(group: list[TargetRow]) -> str:
    """"Qua các năm: 7% (năm 2026), khoảng 9-10% (năm 2030), tối thiểu 20% (năm 2045) —
    tăng dần." for one province's cells, oldest year first."""
    shown = ", ".join(f"{_shown_value(r)} (năm {r.target.year})" for r in group)
    ranges = [bounds for r in group if (bounds := value_range(r.target)) is not None]
    trend = ""
    if len({r.target.unit for r in group}) == 1 and len(ranges) == len(group):
        if all(a[1] < b[0] for a, b in zip(ranges, ranges[1:])):
            trend = " — tăng dần"
        elif all(a[0] > b[1] for a, b in zip(ranges, ranges[1:])):
            trend = " — giảm dần"
    return f"Qua các năm: {shown}{trend}."


def _verdict(group: list[TargetRow], label, smaller: bool) -> str:
    units = {r.target.unit for r in group}
    ranges = [bounds for r in group if (bounds := value_range(r.target)) is not None]
    if len(units) > 1 or len(ranges) < len(group):
        return "Các giá trị đo bằng đơn vị khác nhau, không so sánh trực tiếp được."
    ranked = sorted(zip(group, ranges), key=lambda pair: pair[1][0] if smaller else -pair[1][1])
    (first, (low, high)), rest = ranked[0], ranked[1:]
    if all(r == (low, high) for _, r in rest):
        if len({_shown_value(r) for r in group}) == 1:
            return f"Các mức như nhau: {_shown_value(first)}."
        return "Các mức tương đương: " + ", ".join(f"{_shown_value(r)} ({label(r)})" for r in group) + "."
    runner_up = rest[0][1]
    if (high >= runner_up[0] if smaller else low <= runner_up[1]):
        return "Các khoảng giá trị chồng lên nhau, chưa phân định được mức nào cao hơn."
    word = ("thấp" if smaller else "cao") + (" nhất" if len(group) > 2 else " hơn")
    others = ", ".join(f"{_shown_value(r)} ({label(r)})" for r, _ in rest)
    return f"{label(first)[:1].upper()}{label(first)[1:]} {word}: {_shown_value(first)} so với {others}."


class _Citations:
    """One citation per chunk, quoting the rows' clauses it holds, numbered in order."""

    def __init__(self, table: TargetTable):
        self.table = table
        self._by_chunk: dict[str, list] = {}

    def of(self, row: TargetRow) -> int:
        chunk = next((c for c in self.table.index.chunks_of(row.target.doc_id)
                      if c.start <= row.target.start < c.end), None)
        key = chunk.chunk_id if chunk else row.target.doc_id
        if key not in self._by_chunk:
            self._by_chunk[key] = [len(self._by_chunk) + 1, chunk, row.document, row.target.start, row.target.end]
        entry = self._by_chunk[key]
        entry[3], entry[4] = min(entry[3], row.target.start), max(entry[4], row.target.end)
        return entry[0]

    def all(self) -> list[Citation]:
        return [Citation.for_chunk(n, chunk, document, start, end)
                for n, chunk, document, start, end in self._by_chunk.values() if chunk is not None]
