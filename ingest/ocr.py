"""Reading PDF pages as images: Poppler renders, Tesseract's Vietnamese model reads.

Both are Debian packages (`poppler-utils`, `tesseract-ocr tesseract-ocr-vie`) run as
subprocesses, so the Python install stays free of AGPL and native-build dependencies. One
Tesseract process per page with OpenMP limited to one thread, pages spread over the CPU
cores: on two cores this reads ~2× faster than one multi-threaded Tesseract per page.
Results are cached per page (file hash, page number, settings) so re-ingesting a document
never reads a page twice.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

OCR_MISSING = ("Chưa cài OCR (tesseract-ocr, tesseract-ocr-vie, poppler-utils) nên không đọc được "
               "trang ảnh/scan; chạy lại bash scripts/setup.sh với quyền root để cài.")
PAGE_TIMEOUT_S = 180   # a page Tesseract cannot read in 3 minutes is reported, not waited on


class OcrError(Exception):
    """OCR cannot run here or failed on a page (Vietnamese message)."""


@dataclass(frozen=True)
class OcrConfig:
    language: str = "vie"
    dpi: int = 300              # Tesseract's accuracy drops below ~300 dpi on 12-13 pt text
    workers: int = 0            # pages read at once (0: one per CPU core)
    cache_dir: Path | None = None


def missing_tools(language: str = "vie") -> list[str]:
    """The Debian packages OCR still needs on this machine (empty: ready)."""
    missing = [package for tool, package in (("pdftoppm", "poppler-utils"), ("tesseract", "tesseract-ocr"))
               if shutil.which(tool) is None]
    if "tesseract-ocr" not in missing and language not in _languages():
        missing.append(f"tesseract-ocr-{language}")
    return missing


def _languages() -> set[str]:
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip() for line in listed.stdout.splitlines()[1:] if line.strip()}


class PageReader:
    """Reads chosen pages of a PDF file as text. `run(path, pages)` → {page index: text}."""

    def __init__(self, config: OcrConfig = OcrConfig()):
        self.config = config
        self._ready: bool | None = None

    def ready(self) -> bool:
        if self._ready is None:
            self._ready = not missing_tools(self.config.language)
        return self._ready

    def run(self, pdf_path: Path, pages: list[int], file_hash: str,
            on_page: Callable[[int], None] | None = None) -> dict[int, str]:
        if not self.ready():
            raise OcrError(OCR_MISSING)
        workers = self.config.workers or os.cpu_count() or 1
        texts: dict[int, str] = {}
        todo = []
        for page in pages:
            cached = self._cached(file_hash, page)
            if cached is None:
                todo.append(page)
            else:
                texts[page] = cached
                if on_page:
                    on_page(page)
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(todo) or 1))) as pool:
            for page, text in zip(todo, pool.map(lambda p: self._read_page(pdf_path, p), todo)):
                texts[page] = text
                self._store(file_hash, page, text)
                if on_page:
                    on_page(page)
        return texts

    def _read_page(self, pdf_path: Path, page: int) -> str:
        number = str(page + 1)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        with tempfile.TemporaryDirectory(prefix="hoidap-ocr-") as tmp:
            image = Path(tmp) / "page"
            try:
                subprocess.run(["pdftoppm", "-r", str(self.config.dpi), "-gray", "-png", "-singlefile",
                                "-f", number, "-l", number, str(pdf_path), str(image)],
                               check=True, capture_output=True, timeout=PAGE_TIMEOUT_S)
                done = subprocess.run(["tesseract", str(image.with_suffix(".png")), "-", "-l",
                                       self.config.language], check=True, capture_output=True,
                                      timeout=PAGE_TIMEOUT_S, env=env)
            except subprocess.TimeoutExpired:
                raise OcrError(f"Trang {number}: OCR quá {PAGE_TIMEOUT_S} giây, đã dừng.") from None
            except subprocess.CalledProcessError as err:
                reason = err.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
                raise OcrError(f"Trang {number}: không đọc được ảnh trang ({reason[0][:120]}).") from None
        return done.stdout.decode("utf-8", "replace")

    def _cache_path(self, file_hash: str, page: int) -> Path | None:
        if self.config.cache_dir is None:
            return None
        key = hashlib.sha256(f"{file_hash}:{page}:{self.config.dpi}:{self.config.language}".encode()).hexdigest()
        return self.config.cache_dir / key[:2] / f"{key}.txt"

    def _cached(self, file_hash: str, page: int) -> str | None:
        path = self._cache_path(file_hash, page)
        try:
            return path.read_text(encoding="utf-8") if path else None
        except (OSError, UnicodeDecodeError):
            return None

    def _store(self, file_hash: str, page: int, text: str) -> None:
        path = self._cache_path(file_hash, page)
        if path is None:
            return
        try:   # written whole then renamed: a killed ingest never leaves half a page cached
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp-{os.getpid()}")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass   # a read-only cache only costs time
