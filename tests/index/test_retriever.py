import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from index import HoidapRetriever, HybridIndex


class TestHoidapRetriever(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _index(self, corpus_index: HybridIndex):
        self._opened = corpus_index

    @property
    def retriever_constructor(self):
        return HoidapRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"index": self._opened}

    @property
    def retriever_query_example(self) -> str:
        return "Mục tiêu kinh tế số của Lào Cai đến năm 2030"


def test_documents_carry_provenance(corpus_index):
    docs = HoidapRetriever(index=corpus_index, k=2).invoke("Bình dân học vụ số")
    meta = docs[0].metadata
    assert meta["doc_id"] == "000_cea71f7cbe1ebe5a" and meta["chunk_id"].startswith("000_")
    assert meta["provinces"] == ["Lai Châu"] and meta["date"] == "2025-05-19"
