"""Start-up time of `hoidap web` to its first answer, and the running app's memory.

    .venv/bin/python benchmarks/bench_web.py [--threads 2]

Starts the real server on a free loopback port over the existing index (data/index),
asks through gradio_client, and reads VmRSS/VmHWM of the server process from /proc.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

from gradio_client import Client

QUESTIONS = ["Mục tiêu kinh tế số của Lào Cai đến năm 2030 là bao nhiêu?",
             "Lai Châu ban hành Kế hoạch Bình dân học vụ số vào ngày nào?",
             "Năm 2026, Lai Châu phấn đấu tỷ trọng kinh tế số trong GRDP đạt bao nhiêu?",
             "Dân số tỉnh Lai Châu năm 2024 là bao nhiêu người?"]


def rss_mib(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status") if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HOIDAP_PORT": str(port), "OMP_NUM_THREADS": str(args.threads),
           "HOIDAP_THREADS": str(args.threads), "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "hoidap", "web"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = None
        while client is None:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            except Exception:
                time.sleep(0.2)
        client.predict(QUESTIONS[0], [], "Tất cả", api_name="/ask")
        first = time.perf_counter() - started
        latencies = []
        for i in range(20):
            t = time.perf_counter()
            client.predict(QUESTIONS[i % len(QUESTIONS)] + " " * (i // len(QUESTIONS)), [], "Tất cả", api_name="/ask")
            latencies.append((time.perf_counter() - t) * 1000)
        rss, peak = rss_mib(proc.pid)
        print(f"start-up to first answer: {first:.1f} s (process start, imports, index load, warm-up, first /ask)")
        print(f"/ask round trip through gradio_client over 20 questions: median {statistics.median(latencies):.0f} ms, "
              f"max {max(latencies):.0f} ms")
        print(f"server RSS after 21 questions: {rss:.0f} MiB (peak {peak:.0f} MiB)")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
