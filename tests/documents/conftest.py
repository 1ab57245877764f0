"""The seven real official documents (tests/data/docs), ingested once per session with
real OCR; OCR'd pages are cached in the session's temporary folder."""

from pathlib import Path

import pytest

from ingest import IngestConfig, Ingestor
from ingest.ocr import OcrConfig, missing_tools

DOCS = Path(__file__).resolve().parent.parent / "data" / "docs"
needs_ocr = pytest.mark.skipif(bool(missing_tools()),
                               reason="Debian OCR tools missing (scripts/system-packages.sh ocr)")


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="session")
def official(ocr_cache):
    """IngestResult of all seven documents."""
    return Ingestor(IngestConfig(ocr=OcrConfig(cache_dir=ocr_cache))).run([str(DOCS)])


@pytest.fixture(scope="session")
def by_id(official):
    return {d.doc_id: d for d in official.documents}
