"""Flat (exact) vs HNSW dense search on this machine: latency and recall@10 by index size.
The numbers behind IndexConfig.ann_threshold and dense.HNSW_*.

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_ann.py [--sizes 10000,50000,100000,300000]

Vectors: the stand-in embedder of bench_scale.py (token hashes of recombined XQuAD
sentences), so the neighbourhood structure is that of text, not of random noise.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import StandInEmbeddings, _xquad_sentences  # noqa: E402

from index.dense import DenseIndex  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000,100000,300000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    embedder = StandInEmbeddings()
    sentences = _xquad_sentences()
    rng = random.Random(0)
    texts = [" ".join(rng.sample(sentences, 2)) for _ in range(max(sizes))]
    vectors = embedder.embed_passages_array(texts)
    queries = embedder.embed_passages_array([" ".join(rng.choice(sentences).split()[:10])
                                             for _ in range(args.queries)])
    print(f"{'vectors':>9} {'flat ms':>8} {'hnsw ms':>8} {'build s':>8} {'recall@10':>9}")
    for size in sizes:
        flat = DenseIndex.build(vectors[:size], ann_threshold=size + 1)
        started = time.perf_counter()
        hnsw = DenseIndex.build(vectors[:size], ann_threshold=0)
        build_s = time.perf_counter() - started
        timings = {"flat": [], "hnsw": []}
        recalls = []
        for q in queries:
            for name, index in (("flat", flat), ("hnsw", hnsw)):
                started = time.perf_counter()
                rows, _ = index.search(q, 10)
                timings[name].append((time.perf_counter() - started) * 1000)
                if name == "flat":
                    truth = set(map(int, rows))
                else:
                    recalls.append(len(truth & set(map(int, rows))) / 10)
        print(f"{size:>9,} {statistics.median(timings['flat']):>8.2f} {statistics.median(timings['hnsw']):>8.2f} "
              f"{build_s:>8.1f} {statistics.mean(recalls):>9.3f}", flush=True)


if __name__ == "__main__":
    main()
