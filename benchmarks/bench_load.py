"""Many users at once against a real `hoidap web` server on loopback.

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_load.py [--users 10,25,50] [--asks 4]
        [--threads 2] [--index-dir data/index] [--memory-requests 1000] [--chat-turns 200]

Each user is a thread with its own connection; all start together and ask `--asks`
questions one after another. `--client http` (default) calls Gradio's REST API (POST
/gradio_api/call/ask, then its event stream: the endpoints gradio_client uses, ~4 ms of CPU
per question); `--client gradio_client` uses gradio_client.Client, which polls and costs
~100 ms of CPU per question in the load generator itself: on a 2-core machine the simulated
users then take more CPU than the server, and the latencies measure them. Questions are
(questions from eval/questions/*.jsonl, so answers are real
work; the server's query-vector cache is warm after the first pass, as it is in a class
where trainers repeat questions). Prints per user count: p50/p95/max latency, errors,
answers per second and the server's RSS. Then:
  - four 100 KB questions in flight and one normal question: the normal one's latency;
  - memory over `--memory-requests` requests (RSS before/after);
  - one session of `--chat-turns` turns: latency of the first vs the last ten turns.
An error is an exception, an empty answer or the server's error message.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import httpx
from gradio_client import Client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from webui.render import ERROR_MESSAGE  # noqa: E402

QUESTION_FILES = [ROOT / "eval" / "questions" / "public.jsonl", ROOT / "eval" / "questions" / "hard.jsonl"]


def questions() -> list[str]:
    found = []
    for path in QUESTION_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["question"])
    return found


def rss_mib(pid: int) -> float:
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status") if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024


def cpu_s(pid: int | None = None) -> float:
    """CPU seconds (user + system) used so far by a process (None: this one, with threads)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def text_of(message) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(p.get("text", "") for p in content)


def start_server(index_dir: Path, threads: int, workdir: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HOIDAP_PORT": str(port), "OMP_NUM_THREADS": str(threads), "HOIDAP_THREADS": str(threads),
           "GRADIO_ANALYTICS_ENABLED": "False", "HOIDAP_INDEX_DIR": str(index_dir),
           "HOIDAP_FEEDBACK_PATH": str(workdir / "feedback.jsonl"), "HOIDAP_UPLOAD_DIR": str(workdir / "uploads")}
    proc = subprocess.Popen([sys.executable, "-m", "hoidap", "web"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=open(workdir / "server.log", "w"))
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited: " + (workdir / "server.log").read_text())
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not start")


class HttpUser:
    """One user through Gradio's REST API: POST the inputs, read the event stream. The
    user keeps one session, as a browser tab does (a new session per question would make
    Gradio build every component's config each time: a cost no real user causes)."""

    def __init__(self, url: str):
        self.url = url
        self.http = httpx.Client(timeout=600)
        self.session = uuid.uuid4().hex[:12]

    def predict(self, *inputs, api_name: str):
        name = api_name.strip("/")
        body = {"data": list(inputs), "session_hash": self.session}
        event_id = self.http.post(f"{self.url}gradio_api/call/{name}", json=body).json()["event_id"]
        event, data = None, None
        with self.http.stream("GET", f"{self.url}gradio_api/call/{name}/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "complete":
                    data = json.loads(line[5:])
                elif line.startswith("data:") and event == "error":
                    raise RuntimeError(line[5:])
        if data is None:
            raise RuntimeError(f"no result (last event {event})")
        return data


def make_user(url: str, kind: str):
    return Client(url, verbose=False) if kind == "gradio_client" else HttpUser(url)


def ask(client, question: str, history=None) -> tuple[float, bool, list]:
    started = time.perf_counter()
    try:
        chat = client.predict(question, history or [], "Tất cả", api_name="/ask")[0]
        reply = text_of(chat[-1])
        ok = bool(reply.strip()) and ERROR_MESSAGE not in reply
    except Exception:  # noqa: BLE001 - every failure counts as an error
        chat, ok = history or [], False
    return time.perf_counter() - started, ok, chat


def crowd(url: str, users: int, asks: int, pool: list[str], kind: str) -> dict:
    latencies, errors, lock = [], [0], threading.Lock()
    clients = [make_user(url, kind) for _ in range(users)]
    barrier = threading.Barrier(users)

    def user(i: int) -> None:
        barrier.wait()
        for j in range(asks):
            seconds, ok, _ = ask(clients[i], pool[(i * asks + j) % len(pool)])
            with lock:
                latencies.append(seconds)
                errors[0] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {"users": users, "requests": len(latencies), "errors": errors[0],
            "p50_s": statistics.median(ordered), "p95_s": ordered[int(0.95 * (len(ordered) - 1))],
            "max_s": ordered[-1], "answers_per_s": len(latencies) / wall}


def long_questions(url: str, pool: list[str], kind: str) -> dict:
    long_text = ("Kế hoạch chuyển đổi số của tỉnh gồm những mục tiêu nào? " * 2000)[:100_000]
    results = {}

    def send_long(i: int) -> None:
        seconds, ok, chat = ask(make_user(url, kind), long_text)
        results[f"long_{i}"] = (seconds, text_of(chat[-1])[:60] if chat else "")

    normal_client = make_user(url, kind)
    threads = [threading.Thread(target=send_long, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    seconds, ok, _ = ask(normal_client, pool[0])
    for t in threads:
        t.join()
    return {"normal_s": seconds, "normal_ok": ok, "long": results}


def long_chat(url: str, pool: list[str], turns: int) -> dict:
    # gradio_client keeps one session (the server-side state of the conversation).
    client, history, latencies = Client(url, verbose=False), [], []
    for i in range(turns):
        seconds, ok, history = ask(client, pool[i % len(pool)], history)
        latencies.append(seconds)
    return {"turns": turns, "messages": len(history), "first10_median_s": statistics.median(latencies[:10]),
            "last10_median_s": statistics.median(latencies[-10:])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="10,25,50")
    parser.add_argument("--asks", type=int, default=4, help="questions each user asks")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--client", choices=["http", "gradio_client"], default="http")
    parser.add_argument("--index-dir", default=str(ROOT / "data" / "index"))
    parser.add_argument("--memory-requests", type=int, default=1000)
    parser.add_argument("--chat-turns", type=int, default=200)
    args = parser.parse_args()
    pool = questions()
    workdir = Path(tempfile.mkdtemp(prefix="hoidap-load-"))
    index_dir = workdir / "index"
    shutil.copytree(args.index_dir, index_dir)   # the server under test never touches the real one
    proc, url = start_server(index_dir, args.threads, workdir)
    try:
        print(f"server up, RSS {rss_mib(proc.pid):.0f} MiB; {len(pool)} distinct questions; "
              f"OMP_NUM_THREADS={args.threads}, {os.cpu_count()} CPUs; users: {args.client}")
        crowd(url, 4, 10, pool, args.client)   # warm-up: word segmenter, query vectors
        for users in map(int, args.users.split(",")):
            server_cpu, client_cpu = cpu_s(proc.pid), cpu_s()
            r = crowd(url, users, args.asks, pool, args.client)
            server_cpu, client_cpu = cpu_s(proc.pid) - server_cpu, cpu_s() - client_cpu
            print(f"{users:3d} users × {args.asks}: p50 {r['p50_s']:.2f} s, p95 {r['p95_s']:.2f} s, "
                  f"max {r['max_s']:.2f} s, errors {r['errors']}/{r['requests']}, "
                  f"{r['answers_per_s']:.1f} answers/s, RSS {rss_mib(proc.pid):.0f} MiB; CPU per answer: "
                  f"server {1000 * server_cpu / r['requests']:.0f} ms, "
                  f"these simulated users {1000 * client_cpu / r['requests']:.0f} ms")
        r = long_questions(url, pool, args.client)
        print(f"normal question while four 100 KB questions are in flight: {r['normal_s']:.2f} s "
              f"(ok={r['normal_ok']}); the long ones: "
              + "; ".join(f"{s:.2f} s «{t}»" for s, t in r["long"].values()))
        if args.memory_requests:
            before = rss_mib(proc.pid)
            users = 10
            crowd(url, users, args.memory_requests // users, pool, args.client)
            print(f"memory over {args.memory_requests} requests: RSS {before:.0f} → {rss_mib(proc.pid):.0f} MiB")
        if args.chat_turns:
            r = long_chat(url, pool, args.chat_turns)
            print(f"one chat of {r['turns']} turns ({r['messages']} messages): median of the first ten "
                  f"{r['first10_median_s']:.2f} s, of the last ten {r['last10_median_s']:.2f} s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
