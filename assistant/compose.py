"""Turning chosen candidates into a short Vietnamese answer with [n] citations.

The fact is quoted in the document's own words. A clause of a long list is prefixed by
the opening words of its sentence, and a list item by its section lead, when those carry
the year or subject the quote lacks ("Các mục tiêu cụ thể đến năm 2030 được xác định: …
Kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh [1].").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .evidence import Candidate
from .records import Citation

FRAME_WORDS = 12          # words of a lead kept in front of a quote
_RELATIVE_TIME = re.compile(r"đến nay|hiện nay|tính đến nay|thời gian qua|năm nay|vừa qua|gần đây",
                            re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class Statement:
    candidate: Candidate
    label: str = ""           # "Lai Châu" in a per-province answer
    show_date: bool = False   # "Theo bài ngày 12/01/2026, ..."


def compose(statements: list[Statement]) -> tuple[str, list[Citation]]:
    citations: dict[str, Citation] = {}
    sentences = []
    for statement in statements:
        candidate = statement.candidate
        citation = citations.get(candidate.hit.chunk.chunk_id) or \
            Citation.for_span(len(citations) + 1, candidate.hit, candidate.start, candidate.end)
        citations[candidate.hit.chunk.chunk_id] = citation
        sentences.append(_render(statement, citation))
    return " ".join(sentences), list(citations.values())


def _render(statement: Statement, citation: Citation) -> str:
    candidate = statement.candidate
    quote = candidate.text.strip().rstrip(";,:").rstrip()
    frame = _frame_for(candidate, quote)
    body = f"{frame} … {quote}" if frame else quote
    body = body.rstrip(" ./;,:")  # "quốc gia./." → "quốc gia"; the marker ends the sentence
    prefix = []
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
    context = candidate.hit.chunk.context
    if context and not _YEAR.search(quote) and _YEAR.search(context):
        lead = context
    if candidate.kind == "clause":
        sentence_start = candidate.frame[len(context):].strip() if context else candidate.frame.strip()
        if sentence_start and (not lead or _YEAR.search(sentence_start)):
            lead = sentence_start
    if not lead:
        return ""
    return " ".join(lead.split()[:FRAME_WORDS]).rstrip(":;, ")


def _lower_first_word(text: str) -> str:
    """"Tính đến nay, ..." reads "tính đến nay" after "Theo bài ngày ...,", but names
    ("Lào Cai", "UBND") and acronyms keep their capitals."""
    words = text.split(" ", 2)
    if len(words) < 2 or words[0].isupper() or not words[1][:1].islower():
        return text
    return text[:1].lower() + text[1:]
