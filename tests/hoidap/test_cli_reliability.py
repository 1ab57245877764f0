"""The CLI under the misuse an operator meets: two writers, damaged or dangling indexes,
undecodable arguments, logs that are not terminals (issue 14: 1, 3, 8, 9)."""

import os
import shutil
import subprocess
import sys

import pytest

from index.store import CURRENT

pytestmark = pytest.mark.slow   # every test runs the CLI in a subprocess (loads the model)


def run(args, timeout=600, **kwargs):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "hoidap", *args], capture_output=True, env=env,
                          timeout=timeout, **kwargs)


def _docs(tmp_path, names):
    paths = []
    for name in names:
        path = tmp_path / f"{name}.txt"
        path.write_text(f"Văn bản {name}\n\nXã {name} có 12 tổ công nghệ số cộng đồng hoạt động.\n",
                        encoding="utf-8")
        paths.append(str(path))
    return paths


def test_two_cli_writers_at_once_both_keep_their_document(tmp_path):
    index_dir = str(tmp_path / "index")
    a, b = _docs(tmp_path, ["alpha", "beta"])
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, "-m", "hoidap", "ingest", path, "--index-dir", index_dir],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for path in (a, b)]
    for proc in procs:
        proc.communicate(timeout=600)
        assert proc.returncode == 0
    listing = run(["search", "tổ công nghệ số", "--json", "--index-dir", index_dir], text=True)
    assert listing.returncode == 0, listing.stderr
    listed = {line.strip().rstrip(",") for line in listing.stdout.splitlines()}
    assert {'"doc_id": "alpha"', '"doc_id": "beta"'} <= listed


def test_a_read_never_rebuilds_over_a_dangling_index(tmp_path, corpus_index_dir):
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index_dir, index_dir)
    live = (index_dir / CURRENT).read_text(encoding="utf-8")
    (index_dir / CURRENT).write_text("gen-999999", encoding="utf-8")
    proc = run(["search", "kinh tế số", "--index-dir", str(index_dir)], text=True)
    assert proc.returncode == 2
    assert "bị hỏng" in proc.stderr and "hãy xây lại" in proc.stderr and "Traceback" not in proc.stderr
    assert (index_dir / live).is_dir(), "the existing generation must not be deleted"
    assert (index_dir / CURRENT).read_text(encoding="utf-8") == "gen-999999"


def test_damaged_index_exits_2_with_a_message(tmp_path):
    not_a_folder = tmp_path / "index-file"
    not_a_folder.write_text("x", encoding="utf-8")
    proc = run(["ask", "Mục tiêu năm 2030?", "--index-dir", str(not_a_folder)], text=True)
    assert proc.returncode == 2 and "bị hỏng" in proc.stderr and "Traceback" not in proc.stderr


def test_undecodable_question_bytes_are_answered_not_a_traceback(corpus_index_dir, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index_dir, index_dir)
    proc = run([b"ask", b"\xff\xfe kinh t\xe1 s\xf4", b"--index-dir", str(index_dir).encode()])
    assert proc.returncode in (0, 1), proc.stderr
    assert b"Traceback" not in proc.stderr
    too_long = run(["ask", "kinh tế số " * 200, "--index-dir", str(index_dir)], text=True)
    assert too_long.returncode == 1 and "quá dài" in too_long.stderr and "Traceback" not in too_long.stderr


def test_ingest_prints_progress_when_stderr_is_not_a_terminal(tmp_path):
    from hoidap.progress import Progress
    log = tmp_path / "log.txt"
    with (log.open("w", encoding="utf-8") as stream,
          Progress("Nhúng đoạn văn", "đoạn", interval_s=0, stream=stream) as progress):
        for done in range(1, 5):
            progress(done, 4)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Nhúng đoạn văn: 1/4 đoạn (25%), còn khoảng")
    assert lines[-1].startswith("Nhúng đoạn văn: 4/4 đoạn (100%)")


@pytest.mark.parametrize("flag", ["--rebuild"])
def test_rebuild_recovers_a_damaged_index(tmp_path, flag):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / CURRENT).write_bytes(b"\xff")
    paths = _docs(tmp_path, ["gamma"])
    assert run(["ingest", *paths, "--index-dir", str(index_dir)], text=True).returncode == 2
    proc = run(["ingest", *paths, flag, "--index-dir", str(index_dir)], text=True)
    assert proc.returncode == 0, proc.stderr
    assert run(["search", "tổ công nghệ", "--index-dir", str(index_dir)], text=True).returncode == 0
