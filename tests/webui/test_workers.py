"""`hoidap web --workers 2`: two server processes on one index pick up an ingest made by
another process, with no failed request while the generation changes."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from gradio_client import Client

from index import HybridIndex
from ingest import Ingestor

from .conftest import free_port

NEW_DOC = ("Ghi chú Điện Biên\n\nTỉnh Điện Biên đặt mục tiêu 95% hồ sơ thủ tục hành chính "
           "được giải quyết trực tuyến toàn trình vào năm 2027.\n")
QUESTION = "Điện Biên đặt mục tiêu bao nhiêu phần trăm hồ sơ giải quyết trực tuyến toàn trình?"
KNOWN = "Tỉnh Lào Cai phấn đấu kinh tế số đạt bao nhiêu phần trăm GRDP?"


def answer_text(chat) -> str:
    content = chat[-1]["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


def two_free_ports() -> int:
    """A free port whose successor is free too (the workers take port and port+1)."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue
    raise RuntimeError("no two consecutive free ports")


def wait_until_up(url: str, proc, log_path, seconds: float = 240) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log_path.read_text())
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("workers did not start: " + log_path.read_text())


@pytest.mark.slow
def test_two_workers_serve_a_new_generation_without_failing(tmp_path, small_corpus, embedder):
    index_dir = tmp_path / "index"
    first = Ingestor().run([str(small_corpus)])
    HybridIndex.open(index_dir, embedder).sync(first.documents, first.chunks)
    port = two_free_ports()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "HOIDAP_INDEX_DIR": str(index_dir), "HOIDAP_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl"),
           "HOIDAP_UPLOAD_DIR": str(tmp_path / "uploads"), "HOIDAP_OCR_CACHE": str(tmp_path / "ocr")}
    log_path = tmp_path / "workers.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "hoidap", "web", "--workers", "2", "--port", str(port)],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        urls = [f"http://127.0.0.1:{port + i}/" for i in range(2)]
        for url in urls:
            wait_until_up(url, proc, log_path)
        clients = [Client(url, verbose=False) for url in urls]
        for client in clients:
            chat, _, _, _ = client.predict(QUESTION, [], "Tất cả", api_name="/ask")
            assert "95%" not in answer_text(chat)

        # Users keep asking on both workers while the new document is ingested.
        failures, answered, stop = [], [0, 0], threading.Event()

        def keep_asking(i: int) -> None:
            client = Client(urls[i], verbose=False)
            while not stop.is_set():
                try:
                    chat, _, _, _ = client.predict(KNOWN, [], "Tất cả", api_name="/ask")
                    if "20%" not in answer_text(chat):
                        failures.append((i, answer_text(chat)))
                    answered[i] += 1
                except Exception as err:   # any failed request fails the test
                    failures.append((i, repr(err)))

        askers = [threading.Thread(target=keep_asking, args=(i,)) for i in range(2)]
        for asker in askers:
            asker.start()
        (tmp_path / "new").mkdir()
        (tmp_path / "new" / "dien_bien_note.txt").write_text(NEW_DOC, encoding="utf-8")
        ingest = subprocess.run([sys.executable, "-m", "hoidap", "ingest", str(tmp_path / "new")], env=env,
                                capture_output=True, text=True, timeout=300)
        assert ingest.returncode == 0, ingest.stderr
        ingested_at = time.time()
        seen = [None, None]
        while time.time() - ingested_at < 15 and None in seen:
            for i, client in enumerate(clients):
                if seen[i] is None:
                    chat, _, _, _ = client.predict(QUESTION, [], "Tất cả", api_name="/ask")
                    if "95%" in answer_text(chat):
                        seen[i] = time.time() - ingested_at
            time.sleep(0.2)
        stop.set()
        for asker in askers:
            asker.join(timeout=60)
        assert None not in seen, (seen, log_path.read_text()[-2000:])
        assert failures == [] and min(answered) >= 1, (failures, answered)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert proc.returncode == 0, log_path.read_text()[-2000:]
