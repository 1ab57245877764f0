"""A real hoidap web server on a free loopback port, over a copy of the corpus index."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ADMIN_PASSWORD = "mat-khau-thu"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp_path, index_dir, admin_password=""):
    port = free_port()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "HOIDAP_INDEX_DIR": str(index_dir), "HOIDAP_PORT": str(port),
           "HOIDAP_ADMIN_PASSWORD": admin_password,
           "HOIDAP_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl"),
           "HOIDAP_UPLOAD_DIR": str(tmp_path / "uploads"), "HOIDAP_MAX_UPLOAD_MB": "1",
           "HOIDAP_OCR_CACHE": str(tmp_path / "ocr-cache")}
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "hoidap", "web"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((tmp_path / "server.log").read_text())
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server did not start: " + (tmp_path / "server.log").read_text())


@pytest.fixture(scope="module")
def server(tmp_path_factory, corpus_index_dir):
    tmp = tmp_path_factory.mktemp("web")
    index_dir = tmp / "index"
    shutil.copytree(corpus_index_dir, index_dir)
    proc, url = start_server(tmp, index_dir, ADMIN_PASSWORD)
    yield url, tmp
    proc.terminate()
    proc.wait(timeout=30)
