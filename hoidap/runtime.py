"""Start-up wiring shared by the CLI commands: settings → embedder → index."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from index import IndexBackend, IndexConfig, SyncReport, make_embedder
from index.backends import open_backend
from index.store import IndexFormatError, IndexStoreError, stored_documents
from index.units import UNIT_VECTORS
from ingest import IngestConfig, Ingestor, IngestResult
from ingest.ocr import OcrConfig

from .config import Settings
from .messages import index_summary, one_of


def build_assistant(settings: Settings, index: IndexBackend, k: int | None = None):
    """The assistant the CLI, the web UI and the eval share, with the configured LLM;
    k: chunks retrieved per question (None: the assistant's default)."""
    from assistant import Assistant, AssistantConfig, LLMAnswerer, LLMConfig, make_chat_model
    llm_config = LLMConfig(backend=settings.llm, base_url=settings.llm_base_url, model=settings.llm_model,
                           api_key=settings.llm_api_key, timeout_s=settings.llm_timeout)
    chat_model = make_chat_model(llm_config)
    llm = LLMAnswerer(chat_model, settings.llm) if chat_model is not None else None
    config = AssistantConfig(max_question_chars=settings.max_question_chars)
    return Assistant(index, config if k is None else replace(config, k=k), llm=llm)


def make_ingestor(settings: Settings, on_page: Callable[[str, int, int], None] | None = None) -> Ingestor:
    """on_page(source, pages OCR'd, pages to OCR): progress of OCR on a scanned PDF."""
    return Ingestor(IngestConfig(max_file_bytes=settings.max_file_mb * 2**20, max_pdf_pages=settings.max_pdf_pages,
                                 ocr=OcrConfig(workers=settings.ocr_workers, cache_dir=settings.ocr_cache)),
                    on_page=on_page)


# Notices for whoever runs the process (a lock being waited on, an index being upgraded). Unconfigured,
# logging's last-resort handler writes WARNING and above to stderr, which is where they belong.
_to_stderr = logging.getLogger("hoidap").warning


def open_index(settings: Settings, notify: Callable[[str], None] = _to_stderr, read: bool = True) -> IndexBackend:
    """The live index of the configured backend (empty when there is none). Never writes.
    read=False: not even read (`ingest --rebuild` writes over a damaged one)."""
    embedder = make_embedder(settings.embedder, settings.threads, settings.e5_engine)
    return open_backend(settings.backend, embedder, index_config(settings),
                        index_dir=settings.index_dir, qdrant=qdrant_location(settings), read=read, notify=notify)


def index_location(settings: Settings) -> str:
    """Where the index is, for messages."""
    if settings.backend == "qdrant":
        where = settings.qdrant_url or settings.qdrant_path
        return f"bộ sưu tập Qdrant '{settings.qdrant_collection}' ({where})"
    return str(settings.index_dir)


def qdrant_location(settings: Settings):
    if settings.backend != "qdrant":
        return None
    from index.qdrant import QdrantLocation
    return QdrantLocation(url=settings.qdrant_url or None, api_key=settings.qdrant_api_key or None,
                          path=None if settings.qdrant_url else settings.qdrant_path, prefix=settings.qdrant_collection)


def index_config(settings: Settings) -> IndexConfig:
    if settings.unit_vectors not in UNIT_VECTORS:
        raise IndexStoreError(one_of("HOIDAP_UNIT_VECTORS", settings.unit_vectors, UNIT_VECTORS))
    return IndexConfig(unit_vectors=settings.unit_vectors)


def open_upgrading(settings: Settings, notify: Callable[[str], None] = _to_stderr) -> IndexBackend:
    """The live index; one of an older format is first indexed again from the documents
    it stores (no source file needed: uploads may exist nowhere else)."""
    try:
        return open_index(settings, notify)
    except IndexFormatError as old:
        documents, chunks = stored_documents(settings.index_dir)
        notify(f"Chỉ mục ở {settings.index_dir} có định dạng cũ (phiên bản {old.version}): đang chuyển sang "
               f"định dạng mới, nhúng lại {len(documents)} tài liệu…")
        index = empty_index(settings, notify)
        index.rebuild(documents, chunks)
        notify(f"Đã chuyển chỉ mục: {len(index.documents)} tài liệu.")
        return index


def empty_index(settings: Settings, notify: Callable[[str], None] = _to_stderr) -> IndexBackend:
    """An index that has not read what is stored: `ingest --rebuild` writes over a
    damaged one without reading it."""
    return open_index(settings, notify, read=False)


BATCH_FILES = 64   # a long ingest is saved every this many files


def ingest_into(index: IndexBackend, paths: list[str], ingestor: Ingestor | None = None, prune: bool = False,
                on_progress: Callable[[int, int], None] | None = None, rebuild: bool = False,
                batch_files: int = BATCH_FILES, on_batch: Callable[[int, int], None] | None = None
                ) -> tuple[IngestResult, SyncReport]:
    """Read the paths and add them to the index, saving after every `batch_files` files:
    an interrupted ingest keeps what it finished. on_batch(files done, files in all) is
    called after each save."""
    result, report = IngestResult(), SyncReport()
    for n, (batch, done, total) in enumerate((ingestor or Ingestor()).run_batches(paths, batch_files)):
        if rebuild and n == 0:
            part = index.rebuild(batch.documents, batch.chunks, on_progress=on_progress)
        else:
            part = index.sync(batch.documents, batch.chunks, on_progress=on_progress)
        result.absorb(batch)
        for name in ("added", "updated", "unchanged"):
            getattr(report, name).extend(getattr(part, name))
        report.embedded_units += part.embedded_units
        if on_batch and total > batch_files:
            on_batch(done, total)
    if prune:   # every source read above exists, so only documents of vanished files go
        report.removed = index.sync([], [], prune=True).removed
    report.chunks = index.chunk_count
    return result, report


def open_or_build_index(settings: Settings, log: Callable[[str], None] = _to_stderr) -> IndexBackend:
    """The index, built from the bundled corpus first if the directory holds no index at
    all. An existing index is only read, even when empty; a damaged one is an error
    (IndexDamagedError), never a reason to build over it."""
    index = open_upgrading(settings, notify=log)
    if index.generation is None:
        log(f"Chưa có chỉ mục ở {index_location(settings)}: đang xây từ kho tài liệu {settings.corpus} …")
        result, report = ingest_into(index, [str(settings.corpus)], make_ingestor(settings))
        for problem in result.problems:
            log(f"Cảnh báo: {problem.source}: {problem.message}")
        log(f"Đã xây chỉ mục: {index_summary(len(index.documents), report.chunks)}.")
    return index


def serve_web(settings: Settings, log: Callable[[str], None] = _to_stderr) -> None:
    """The web chat on settings.host:settings.port: index and assistant built once here and
    handed to the app (a worker process of `hoidap web --workers N` runs this too)."""
    from webui import serve
    index = open_or_build_index(settings, log=log)

    def ingest(paths: list[str], on_progress=None, on_page=None) -> tuple[IngestResult, SyncReport]:
        return ingest_into(index, paths, make_ingestor(settings, on_page=on_page), on_progress=on_progress)

    serve(build_assistant(settings, index), settings, ingest, index.remove, log=log)
