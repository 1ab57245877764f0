"""The hybrid index as a langchain retriever, for chains that bring their own LLM."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from .protocol import SearchBackend
from .records import Filters, SearchHit


class HoidapRetriever(BaseRetriever):
    """Returns chunks as langchain Documents with their provenance in metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: SearchBackend
    """An opened index (any backend)."""
    k: int = 5
    """Number of chunks returned; `invoke(query, k=...)` overrides it per call."""
    filters: Filters = Filters()
    """Province / date-range restriction applied to every query."""

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None, **kwargs: Any) -> list[LCDocument]:
        hits = self.index.search(query, k=k or self.k, filters=self.filters)
        return [to_langchain_document(hit) for hit in hits]


def to_langchain_document(hit: SearchHit) -> LCDocument:
    return LCDocument(page_content=hit.chunk.text, id=hit.chunk.chunk_id, metadata={
        "doc_id": hit.chunk.doc_id, "chunk_id": hit.chunk.chunk_id, "title": hit.document.title,
        "date": hit.document.date, "provinces": list(hit.document.provinces),
        "start": hit.chunk.start, "end": hit.chunk.end, "score": hit.score})
