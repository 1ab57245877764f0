"""On-disk index: plain files, no pickle, atomic replacement, one writer at a time.

    <index_dir>/CURRENT           name of the live generation
    <index_dir>/LOCK              held (flock) by the one process writing
    <index_dir>/gen-000007/       manifest.json, documents.jsonl, chunks.jsonl,
                                  units.jsonl, dense.faiss

A write builds a new generation in a temporary folder, renames it into place and only
then swaps CURRENT (os.replace is atomic), so a crash at any moment leaves the previous
generation live and loadable. Superseded generations are deleted after the swap.

Writers hold `writer_lock` from reading the live generation to swapping CURRENT, so two
writers (two CLI runs, a CLI run and the web admin) never build on the same generation
and drop each other's documents. The lock is an OS file lock: a killed writer releases
it, there is no stale lock to clear. Readers never take it and never write.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from ingest import Chunk, Document

from .dense import DenseIndex
from .records import RetrievalUnit

FORMAT_VERSION = 3  # 2: sentence units; 3: heading/body token split
CURRENT = "CURRENT"
LOCK = "LOCK"
WRITER = "WRITER"   # who holds LOCK (pid, since when), for the "busy" message
REBUILD_HINT = "hoidap ingest --rebuild"


class IndexStoreError(Exception):
    """Raised with a Vietnamese message for the user."""


class IndexDamagedError(IndexStoreError):
    """The index directory exists but cannot be read: it must be rebuilt."""

    def __init__(self, index_dir: Path, reason: str):
        self.reason = reason
        super().__init__(f"Chỉ mục ở {index_dir} bị hỏng ({reason}); hãy xây lại bằng '{REBUILD_HINT}'.")


class IndexBusyError(IndexStoreError):
    """Another process kept the writer lock longer than this writer would wait."""


@dataclass
class StoredIndex:
    manifest: dict
    documents: list[Document]
    chunks: list[Chunk]
    units: list[RetrievalUnit]
    dense: DenseIndex
    generation: str = ""    # the generation folder it was read from / written to


def live_generation(index_dir: Path) -> str | None:
    """Name of the live generation, or None when the directory holds no index yet.

    Raises IndexDamagedError when there is something there that is not a usable index
    (a file instead of a folder, an unreadable or dangling CURRENT)."""
    index_dir = _folder(index_dir)
    pointer = index_dir / CURRENT
    if not pointer.exists():
        return None
    try:
        name = pointer.read_bytes().decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as err:
        raise IndexDamagedError(index_dir, f"không đọc được tệp {CURRENT}: {err}") from err
    if not name.startswith("gen-") or "/" in name or "\\" in name or not (index_dir / name).is_dir():
        raise IndexDamagedError(index_dir, f"{CURRENT} trỏ tới thế hệ '{name[:60]}' không tồn tại")
    return name


def _folder(index_dir: Path) -> Path:
    index_dir = Path(index_dir)
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexDamagedError(index_dir, "đường dẫn chỉ mục là một tệp, không phải thư mục")
    return index_dir


def current_generation(index_dir: Path) -> Path | None:
    name = live_generation(index_dir)
    return None if name is None else Path(index_dir) / name


def load(index_dir: Path) -> StoredIndex | None:
    """The live generation, validated, or None when there is no index yet."""
    index_dir = Path(index_dir)
    generation = current_generation(index_dir)
    if generation is None:
        return None
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
        _check_manifest(manifest)
        documents = [Document.from_dict(_mapping(d, "documents.jsonl"))
                     for d in _read_jsonl(generation / "documents.jsonl")]
        chunks = [Chunk.from_dict(_mapping(c, "chunks.jsonl")) for c in _read_jsonl(generation / "chunks.jsonl")]
        units = [RetrievalUnit(**_mapping(u, "units.jsonl")) for u in _read_jsonl(generation / "units.jsonl")]
        dense = DenseIndex.load(generation / "dense.faiss")
        _check_consistency(manifest, documents, chunks, units, dense)
    except _Unsupported as err:
        raise IndexStoreError(f"Chỉ mục ở {index_dir} có định dạng phiên bản {err}, cần {FORMAT_VERSION}: "
                              f"hãy xây lại bằng '{REBUILD_HINT}'.") from None
    except IndexDamagedError:
        raise
    except (_Invalid, OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError) as err:
        raise IndexDamagedError(index_dir, str(err) or type(err).__name__) from err
    return StoredIndex(manifest, documents, chunks, units, dense, generation.name)


class _Invalid(ValueError):
    """One inconsistency found while validating a generation (Vietnamese reason)."""


class _Unsupported(ValueError):
    """A readable index of another format version."""


def _mapping(row, file: str) -> dict:
    if not isinstance(row, dict):
        raise _Invalid(f"{file} có dòng không phải đối tượng JSON")
    return row


def _check_manifest(manifest) -> None:
    if not isinstance(manifest, dict):
        raise _Invalid("manifest.json không phải đối tượng JSON")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _Unsupported(str(manifest.get("format_version")))
    embedder = manifest.get("embedder")
    if (not isinstance(embedder, dict) or not isinstance(embedder.get("id"), str)
            or not isinstance(embedder.get("dimension"), int) or embedder["dimension"] < 1):
        raise _Invalid("manifest.json thiếu hoặc sai mục 'embedder'")


def _check_consistency(manifest: dict, documents: list[Document], chunks: list[Chunk],
                       units: list[RetrievalUnit], dense: DenseIndex) -> None:
    doc_ids = {d.doc_id for d in documents}
    if len(doc_ids) != len(documents) or not all(isinstance(d.text, str) for d in documents):
        raise _Invalid("documents.jsonl có tài liệu trùng mã hoặc sai kiểu")
    chunk_ids = set()
    for chunk in chunks:
        if chunk.doc_id not in doc_ids:
            raise _Invalid(f"đoạn '{chunk.chunk_id}' thuộc tài liệu không có trong chỉ mục")
        chunk_ids.add(chunk.chunk_id)
    for row, unit in enumerate(units):
        if unit.row != row or unit.chunk_id not in chunk_ids or unit.doc_id not in doc_ids:
            raise _Invalid(f"units.jsonl dòng {row + 1} trỏ tới đoạn '{unit.chunk_id}' không có trong chỉ mục")
        if (not isinstance(unit.tokens, list) or not all(isinstance(t, str) for t in unit.tokens)
                or not isinstance(unit.heading_tokens, int)
                or not isinstance(unit.start, int) or not isinstance(unit.end, int)):
            raise _Invalid(f"units.jsonl dòng {row + 1} sai kiểu dữ liệu")
    if dense.dimension != manifest["embedder"]["dimension"]:
        raise _Invalid(f"dense.faiss có {dense.dimension} chiều, manifest ghi "
                       f"{manifest['embedder']['dimension']}")
    if dense.size != len(units):
        raise _Invalid(f"dense.faiss có {dense.size} véc-tơ cho {len(units)} mục")


@contextmanager
def writer_lock(index_dir: Path, timeout_s: float,
                on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index directory's writer lock; wait up to timeout_s for another writer.

    Raises IndexBusyError (with who holds it) when the wait runs out."""
    index_dir = _folder(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(index_dir / LOCK, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait:
            on_wait(f"Chỉ mục đang được ghi bởi {_holder(index_dir)}; đang chờ (tối đa {timeout_s:.0f} giây)…")
        try:
            lock.acquire(timeout=timeout_s)
        except Timeout:
            raise IndexBusyError(f"Chỉ mục ở {index_dir} đang được ghi bởi {_holder(index_dir)} quá "
                                 f"{timeout_s:.0f} giây; hãy thử lại sau.") from None
    try:
        (index_dir / WRITER).write_text(json.dumps({"pid": os.getpid(), "since": time.time()}), encoding="utf-8")
        _remove_stale_temporaries(index_dir)   # safe: no other writer can be mid-write
        yield
    finally:
        lock.release()


def _holder(index_dir: Path) -> str:
    try:
        info = json.loads((index_dir / WRITER).read_text(encoding="utf-8"))
        return f"tiến trình {int(info['pid'])} (từ {time.strftime('%H:%M:%S', time.localtime(info['since']))})"
    except (OSError, ValueError, KeyError, TypeError):
        return "một tiến trình khác"


def save(index_dir: Path, stored: StoredIndex) -> Path:
    """Write a new live generation. Call under `writer_lock`."""
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
    _write_jsonl(tmp / "documents.jsonl", (d.to_dict() for d in stored.documents))
    _write_jsonl(tmp / "chunks.jsonl", (c.to_dict() for c in stored.chunks))
    _write_jsonl(tmp / "units.jsonl", (u.to_dict() for u in stored.units))
    stored.dense.save(tmp / "dense.faiss")
    _write_text(tmp / "manifest.json", json.dumps(stored.manifest, ensure_ascii=False, indent=2))
    _fsync_dir(tmp)
    generation = index_dir / _next_generation_name(index_dir)
    os.rename(tmp, generation)
    _write_text(index_dir / (CURRENT + ".tmp"), generation.name)
    os.replace(index_dir / (CURRENT + ".tmp"), index_dir / CURRENT)
    _fsync_dir(index_dir)
    for old in index_dir.glob("gen-*"):
        if old != generation:
            shutil.rmtree(old, ignore_errors=True)
    return generation


def _next_generation_name(index_dir: Path) -> str:
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def _remove_stale_temporaries(index_dir: Path) -> None:
    for leftover in index_dir.glob(".tmp-*"):  # from an interrupted earlier write
        shutil.rmtree(leftover, ignore_errors=True)


def _read_jsonl(path: Path):
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _write_jsonl(path: Path, rows) -> None:
    _write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
