"""Numeric faithfulness: every number, percentage and date in an answer must occur in a
passage that the answer cites. Citation markers themselves ("[2]") are not numbers; a
bracketed number inside a quote ("trong thế kỷ [21]", a web page's footnote) is the
passage's own text, not a marker."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ingest.normalize import numbers_in

from .records import Citation

_MARKER = re.compile(r"\[(\d+)\]")
_QUOTED_LEAD = 24   # characters before a bracket that place it inside a quoted passage


def _markers(answer: str, citations: Sequence[Citation]) -> list[re.Match]:
    """The citation markers of an answer: "[n]" that is not, with the words before it,
    part of a cited passage's own text (a chunk may be quoted twice under one marker)."""
    passages = [c.text for c in citations if _MARKER.search(c.text)]
    return [m for m in _MARKER.finditer(answer)
            if not any(answer[max(0, m.start() - _QUOTED_LEAD):m.end()] in text for text in passages)]


def cited_numbers(answer: str, citations: Sequence[Citation] = ()) -> list[int]:
    """The passages an answer cites, by marker (given its citations, quotes' own brackets
    are left out)."""
    return [int(m.group(1)) for m in _markers(answer, citations)]


def unsupported_numbers(answer: str, citations: list[Citation]) -> list[str]:
    """Numbers of the answer not found in any cited passage (its text, section lead and
    publication date, which answers print as "Theo bài ngày 12/01/2026")."""
    markers = _markers(answer, citations)
    cited = {int(m.group(1)) for m in markers}
    source = " ".join(f"{c.date_label} {c.context} {c.text}" for c in citations if c.n in cited)
    available = Counter(numbers_in(source))
    unmarked = answer
    for m in reversed(markers):
        unmarked = unmarked[:m.start()] + " " + unmarked[m.end():]
    return [n for n in numbers_in(unmarked) if n not in available]


def holds(answer: str, citations: list[Citation]) -> bool:
    """True when the answer cites only given passages and invents no number."""
    markers = cited_numbers(answer, citations)
    known = {c.n for c in citations}
    if any(n not in known for n in markers):
        return False
    return not unsupported_numbers(answer, citations)
