"""Turning chosen candidates into a short Vietnamese answer with [n] citations.

The fact is quoted in the document's own words. A clause of a long list is prefixed by
the opening words of its sentence, and a list item by its section lead, when those carry
the year or subject the quote lacks ("Các mục tiêu cụ thể đến năm 2030 được xác định: …
Kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh [1].").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.normalize import YEAR
from ingest.records import shorten_frame

from .evidence import Candidate
from .records import Citation

_RELATIVE_TIME = re.compile(r"đến nay|hiện nay|tính đến nay|thời gian qua|năm nay|vừa qua|gần đây",
                            re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    candidate: Candidate
    label: str = ""           # "Lai Châu" in a per-province answer
    show_date: bool = False   # "Theo bài ngày 12/01/2026, ..."
    verdict: str = ""         # "Đúng" / "Không đúng" for a claim the question asked to check


def compose(statements: list[Statement], compare: bool = False) -> tuple[str, list[Citation]]:
    """The answer text and its citations; with `compare`, two labelled statements are
    followed by which is higher, built only from the figures their quotes hold."""
    citations: dict[str, Citation] = {}
    sentences: list[str] = []
    shown_frames: set[str] = set()
    for statement in statements:
        citation = _cite(citations, statement.candidate)
        sentences.append(_render(statement, citation, shown_frames))
    if compare and len(statements) == 2 and all(s.label for s in statements):
        sentences.append(comparison_sentence(statements))
    return " ".join(s for s in sentences if s), list(citations.values())


def compose_list(lead: Candidate | None, items: list[Candidate]) -> tuple[str, list[Citation]]:
    """"<lead>: <item>; <item>; … [n]." — every item quoted as written (no numbering of
    our own: every figure in an answer comes from a passage), each chunk cited after the
    last item it holds."""
    citations: dict[str, Citation] = {}
    quoted = [c for c in [lead, *items] if c is not None]
    for candidate in quoted:  # one citation per chunk, quoting all of its part of the list
        chunk_id = candidate.hit.chunk.chunk_id
        spans = [c for c in quoted if c.hit.chunk.chunk_id == chunk_id]
        if chunk_id not in citations:
            citations[chunk_id] = Citation.for_span(len(citations) + 1, candidate.hit, spans[0].start, spans[-1].end)
    parts = []
    for i, item in enumerate(items):
        last_of_chunk = i + 1 == len(items) or items[i + 1].hit.chunk.chunk_id != item.hit.chunk.chunk_id
        marker = f" [{citations[item.hit.chunk.chunk_id].n}]" if last_of_chunk else ""
        parts.append(f"{item.text.strip()}{marker}")
    head = ""
    if lead is not None:
        lead_marker = "" if lead.hit.chunk.chunk_id == items[0].hit.chunk.chunk_id else \
            f" [{citations[lead.hit.chunk.chunk_id].n}]"
        head = f"{lead.text.strip().rstrip(' .:;,')}{lead_marker}: "
    return head + "; ".join(parts) + ".", list(citations.values())


def comparison_sentence(statements: list[Statement]) -> str:
    """"Lào Cai cao hơn: 20% so với 9-10%." from the first figure of each quote (a
    percentage when there is one); nothing when a figure is missing or the ranges overlap."""
    figures = [figure for s in statements if (figure := _main_figure(s.candidate.text)) is not None]
    if len(figures) < len(statements):
        return ""
    (label_a, (text_a, low_a, high_a)), (label_b, (text_b, low_b, high_b)) = zip((s.label for s in statements), figures)
    if (low_a, high_a) == (low_b, high_b):
        return f"Hai mức như nhau: {text_a}."
    if low_a > high_b:
        return f"{label_a} cao hơn: {text_a} so với {text_b}."
    if low_b > high_a:
        return f"{label_b} cao hơn: {text_b} so với {text_a}."
    return ""


_FIGURE = re.compile(r"(?<![\w.,/])(\d+(?:[.,]\d+)?)(?:\s*[-–]\s*(\d+(?:[.,]\d+)?))?(\s*%)?(?![\w/])")


def _main_figure(text: str) -> tuple[str, float, float] | None:
    """(as written, low, high) of the quote's first percentage, else its first figure
    that is not a year."""
    found = [m for m in _FIGURE.finditer(text) if not YEAR.fullmatch(m.group(1))]
    chosen = next((m for m in found if m.group(3)), found[0] if found else None)
    if chosen is None:
        return None
    low = float(chosen.group(1).replace(".", "").replace(",", "."))
    high = float(chosen.group(2).replace(".", "").replace(",", ".")) if chosen.group(2) else low
    return chosen.group(0).strip(), low, high


def _cite(citations: dict[str, Citation], candidate: Candidate) -> Citation:
    chunk_id = candidate.hit.chunk.chunk_id
    if chunk_id not in citations:
        citations[chunk_id] = Citation.for_span(len(citations) + 1, candidate.hit, candidate.start, candidate.end)
    return citations[chunk_id]


def _render(statement: Statement, citation: Citation, shown_frames: set[str]) -> str:
    """One cited sentence; a lead already printed for an earlier quote is not repeated."""
    candidate = statement.candidate
    quote = candidate.text.strip().rstrip(";,:").rstrip()
    frame = _frame_for(candidate, quote)
    if frame in shown_frames and not statement.label:
        frame = ""
    shown_frames.add(frame)
    body = f"{frame} … {quote}" if frame else quote
    body = body.rstrip(" ./;,:")  # "quốc gia./." → "quốc gia"; the marker ends the sentence
    prefix = []
    if statement.verdict:
        prefix.append(f"{statement.verdict}. Tài liệu ghi:")
    if statement.label:
        prefix.append(f"{statement.label}:")
    # The printed date is the citation's own label: the numeric guard accepts exactly that.
    if citation.date and (statement.show_date or _RELATIVE_TIME.search(quote)):
        prefix.append(f"Theo bài ngày {citation.date_label},")
        body = _lower_first_word(body)
    text = " ".join(prefix + [body])
    return f"{text} [{citation.n}]."


def _frame_for(candidate: Candidate, quote: str) -> str:
    """Lead words worth showing: only when they add a year or the quote is a bare clause."""
    lead = ""
    frame = candidate.frame
    if frame.lead and not YEAR.search(quote) and YEAR.search(frame.lead):
        lead = frame.lead
    opening = frame.opening.strip()
    if candidate.kind == "clause" and opening and (not lead or YEAR.search(opening)):
        lead = opening
    return shorten_frame(lead).rstrip(":;, ")


def _lower_first_word(text: str) -> str:
    """"Tính đến nay, ..." reads "tính đến nay" after "Theo bài ngày ...,", but names
    ("Lào Cai", "UBND") and acronyms keep their capitals."""
    words = text.split(" ", 2)
    if len(words) < 2 or words[0].isupper() or not words[1][:1].islower():
        return text
    return text[:1].lower() + text[1:]
