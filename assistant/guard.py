"""Numeric faithfulness: every number, percentage and date in an answer must occur in a
passage that the answer cites. Citation markers themselves ("[2]") are not numbers."""

from __future__ import annotations

import re
from collections import Counter

from ingest.normalize import numbers_in

from .records import Citation

_MARKER = re.compile(r"\[(\d+)\]")


def cited_numbers(answer: str) -> list[int]:
    return [int(n) for n in _MARKER.findall(answer)]


def unsupported_numbers(answer: str, citations: list[Citation]) -> list[str]:
    """Numbers of the answer not found in any cited passage (its text, section lead and
    publication date, which answers print as "Theo bài ngày 12/01/2026")."""
    cited = set(cited_numbers(answer))
    source = " ".join(f"{c.date_label} {c.context} {c.text}" for c in citations if c.n in cited)
    available = Counter(numbers_in(source))
    return [n for n in numbers_in(_MARKER.sub(" ", answer)) if n not in available]


def holds(answer: str, citations: list[Citation]) -> bool:
    """True when the answer cites only given passages and invents no number."""
    markers = cited_numbers(answer)
    known = {c.n for c in citations}
    if any(n not in known for n in markers):
        return False
    return not unsupported_numbers(answer, citations)
