"""The table of targets (Bảng chỉ tiêu): every quantitative target and result of the
indexed documents, filtered and compared side by side.

Rows come from each document's extracted targets (ingest/targets.py); the table is
rebuilt when the index serves another generation. The CLI (`hoidap targets`), the web
tab and the assistant's comparison answers read it.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from index import SearchBackend
from ingest import Document, Target
from ingest.normalize import ascii_key
from ingest.targets import targets_of

FIELDS = ("province", "indicator", "comparator", "value", "unit", "year", "kind", "doc_id", "date", "quote")
KIND_NAMES = {"target": "mục tiêu", "result": "kết quả"}


@dataclass(frozen=True)
class TargetRow:
    target: Target
    quote: str          # the clause it was read from, as written
    document: Document  # the document it was read from

    @property
    def title(self) -> str:
        return self.document.title

    def to_json(self) -> dict:
        t = self.target
        return {"province": t.province, "indicator": t.indicator, "comparator": t.comparator, "value": t.value,
                "unit": t.unit, "year": t.year, "kind": t.kind, "doc_id": t.doc_id, "date": t.date,
                "quote": self.quote}


def rows_of(documents: Iterable[Document]) -> list[TargetRow]:
    """Every target of these documents, by province, indicator, year, document."""
    rows = [TargetRow(t, d.text[t.start:t.end].strip(), d) for d in documents for t in targets_of(d)]
    return sorted(rows, key=lambda r: (r.target.province, r.target.indicator, r.target.year or 0,
                                       r.target.doc_id, r.target.start))


class TargetTable:
    """The targets of what an index serves, kept until it serves another generation."""

    def __init__(self, index: SearchBackend):
        self.index = index
        self._rows: list[TargetRow] = []
        self._of: str | None = None
        self._built = False

    def rows(self, province: str | None = None, year: int | None = None, indicator: str | None = None,
             kind: str | None = None) -> list[TargetRow]:
        """Rows matching every filter given: province (accents optional), year, words of
        the indicator or of the quote, kind ("target" / "result")."""
        if not self._built or self._of != self.index.generation:
            self._of, self._rows, self._built = self.index.generation, rows_of(self.index.documents), True
        wanted = ascii_key(indicator or "")
        return [r for r in self._rows
                if (not province or ascii_key(province) == ascii_key(r.target.province))
                and (year is None or r.target.year == year)
                and (not kind or r.target.kind == kind)
                and (not wanted or wanted in ascii_key(r.target.indicator) or wanted in ascii_key(r.quote))]


def comparison(rows: Iterable[TargetRow]) -> tuple[list[tuple[str, int | None]], dict[str, dict]]:
    """Indicators as rows, (province, year) as columns: (columns, {indicator: {column:
    [rows]}}), columns sorted by province then year."""
    cells: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        cells[row.target.indicator][(row.target.province, row.target.year)].append(row)
    columns = sorted({c for by_column in cells.values() for c in by_column}, key=lambda c: (c[0], c[1] or 0))
    return columns, {name: dict(by_column) for name, by_column in sorted(cells.items())}


def to_csv(rows: Iterable[TargetRow]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row.to_json())
    return out.getvalue()
