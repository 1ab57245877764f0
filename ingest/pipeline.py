"""The ingest component: read → clean → describe → chunk, one file at a time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import partial

from .chunking import ChunkingConfig, chunk_text, document_outline
from .clean_html import clean_html
from .clean_text import clean_scrape
from .legacy import convert
from .metadata import derive_title, detect_provinces, headline, provinces_named_in
from .normalize import nfc
from .ocr import OcrConfig, PageReader
from .official import Header, read_header
from .pdf import MAX_PAGES
from .quality import LETTER_WORD
from .readers import MAX_FILE_BYTES, ReadError, discover, read
from .records import Chunk, Document, IngestResult, Problem
from .targets import extract_targets

PIPELINE_VERSION = 2  # bump when cleaning or chunking rules change: forces re-indexing


@dataclass(frozen=True)
class IngestConfig:
    chunking: ChunkingConfig = field(default_factory=ChunkingConfig)
    max_file_bytes: int = MAX_FILE_BYTES   # larger files are reported, not read
    max_pdf_pages: int = MAX_PAGES         # longer PDFs are reported, not read
    ocr: OcrConfig = field(default_factory=OcrConfig)


class Ingestor:
    """Turns files, folders (recursively) and URLs into documents and chunks.

    A file that cannot be read or is empty after cleaning becomes a `Problem` with a
    Vietnamese message; it never stops the other files.
    """

    def __init__(self, config: IngestConfig = IngestConfig(),
                 on_page: Callable[[str, int, int], None] | None = None):
        """on_page(source, pages OCR'd, pages to OCR) reports OCR progress."""
        self.config = config
        self.on_page = on_page
        self.pages = PageReader(config.ocr)

    def run(self, paths: list[str],
            on_file: Callable[[str], None] | None = None) -> IngestResult:
        result = IngestResult()
        for batch, _, _ in self.run_batches(paths, batch_files=0, on_file=on_file):
            result.absorb(batch)
        return result

    def run_batches(self, paths: list[str], batch_files: int,
                    on_file: Callable[[str], None] | None = None
                    ) -> Iterator[tuple[IngestResult, int, int]]:
        """(result, files done, files in all) for each run of `batch_files` files (0: all
        in one), so a long ingest can be saved as it goes. Document ids stay unique across
        batches."""
        sources, problems = discover(paths)
        size = batch_files or max(1, len(sources))
        seen: dict[str, str] = {}
        for offset in range(0, max(1, len(sources)), size):
            result = IngestResult(problems=problems if offset == 0 else [])
            for source in sources[offset:offset + size]:
                if on_file:
                    on_file(source)
                try:
                    document, chunks, dropped, notes = self.ingest_one(source)
                except ReadError as err:
                    result.problems.append(Problem(source, str(err)))
                    continue
                if document.doc_id in seen:
                    result.problems.append(Problem(
                        source, f"Trùng mã tài liệu '{document.doc_id}' với {seen[document.doc_id]}; bỏ qua."))
                    continue
                seen[document.doc_id] = source
                result.documents.append(document)
                result.chunks.extend(chunks)
                result.dropped[document.doc_id] = dropped
                if notes:
                    result.notes[document.doc_id] = notes
            yield result, min(offset + size, len(sources)), len(sources)

    def ingest_one(self, source: str):
        """(document, chunks, dropped lines, report notes) of one file or URL."""
        on_page = partial(self.on_page, source) if self.on_page else None
        raw = read(source, self.config.max_file_bytes, self.pages, self.config.max_pdf_pages, on_page)
        cleaned = raw.cleaned or (clean_html(raw.text) if raw.is_html else clean_scrape(raw.text))
        if not cleaned.text.strip():
            raise ReadError("Không còn nội dung bài viết sau khi làm sạch.")
        if not LETTER_WORD.search(cleaned.text):
            raise ReadError("Tệp không có chữ nào đọc được (chỉ có ký hiệu, ký tự điều khiển hoặc một chữ cái).")
        text, legacy = convert(cleaned.text)   # a Word or web file typed in a .VnTime/VNI font
        notes = list(cleaned.notes) + ([f"đã chuyển bảng mã {legacy} sang Unicode"] if legacy else [])
        header = read_header(text)
        official = header if header.number or (header.doc_type and header.issuer) else Header()
        document, chunks = self.describe_and_chunk(
            raw.doc_id, source, text, title=official.title or cleaned.title or headline(text),
            date=official.date or cleaned.date, author=cleaned.author, header=official)
        return document, chunks, sorted(cleaned.dropped, key=lambda d: d.line_no), notes

    def describe_and_chunk(self, doc_id: str, source: str, text: str, title: str | None = None,
                           date: str | None = None, author: str | None = None, header: Header = Header()
                           ) -> tuple[Document, list[Chunk]]:
        """Metadata, chunks and fingerprint of text that is already clean (paragraphs
        separated by blank lines): the step every reader ends in."""
        text = nfc(text)
        outline = document_outline(text)
        chunks = chunk_text(doc_id, text, self.config.chunking, outline)
        document = Document(
            doc_id=doc_id, source=source, title=derive_title(text, title),
            text=text, date=date, author=author,
            # An official document is about the place its issuer or title names (a decree
            # of the Government is about none); a body's addresses and examples are not.
            provinces=(provinces_named_in(f"{header.issuer or ''} {title or ''}") if header.doc_type
                       else detect_provinces(text)),
            doc_type=header.doc_type, number=header.number, issuer=header.issuer, outline=tuple(outline))
        document = replace(document, targets=tuple(extract_targets(document)))
        document = replace(document, fingerprint=_fingerprint(document, chunks, self.config))
        return document, chunks


def _fingerprint(document: Document, chunks: list[Chunk], config: IngestConfig) -> str:
    payload = json.dumps({"version": PIPELINE_VERSION, "config": {"chunking": asdict(config.chunking)},
                          # limits, OCR settings do not change a document
                          "document": {k: v for k, v in document.to_dict().items()
                                       if k not in ("fingerprint", "source")},
                          "chunks": [c.to_dict() for c in chunks]},
                         ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
