"""On-disk index: plain files, no pickle, atomic replacement, one writer at a time.

    <index_dir>/CURRENT           name of the live generation
    <index_dir>/LOCK              held (flock) by the one process writing
    <index_dir>/gen-000007/       manifest.json (segments, their deleted documents)
    <index_dir>/gen-000007/seg-*/ one folder per segment (see segment.py)

A write builds a new generation in a temporary folder, renames it into place and only
then swaps CURRENT (os.replace is atomic), so a crash at any moment leaves the previous
generation live and loadable. Superseded generations are deleted after the swap.
Segments never change once written: a new generation hard-links the segments it keeps
from the live one (copies them where the file system has no hard links) and writes only
its new segment, so adding a document costs what that document costs, not the index.

Writers hold `writer_lock` from reading the live generation to swapping CURRENT, so two
writers (two CLI runs, a CLI run and the web admin) never build on the same generation
and drop each other's documents. The lock is an OS file lock: a killed writer releases
it, there is no stale lock to clear. Readers never take it and never write.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from ingest import Chunk, Document

from .segment import Segment, SegmentInvalid, load_segment
from .units import UNIT_VECTORS, stored_recipe

FORMAT_VERSION = 4  # 2: sentence units; 3: heading/body token split; 4: segments, vectors mixed from pieces
CURRENT = "CURRENT"
LOCK = "LOCK"
WRITER = "WRITER"   # who holds LOCK (pid, since when), for the "busy" message
REBUILD_HINT = "hoidap ingest --rebuild"
SEGMENT_NAME = re.compile(r"seg-\d{6}-[0-9a-f]{8}")


class IndexStoreError(Exception):
    """Raised with a Vietnamese message for the user."""


class IndexDamagedError(IndexStoreError):
    """The index directory exists but cannot be read: it must be rebuilt."""

    def __init__(self, index_dir: Path, reason: str):
        self.index_dir, self.reason = Path(index_dir), reason
        super().__init__(f"Chỉ mục ở {index_dir} bị hỏng ({reason}); hãy xây lại bằng '{REBUILD_HINT}'.")


class IndexFormatError(IndexStoreError):
    """A readable index of another format version; `stored_documents` can re-index it."""

    def __init__(self, index_dir: Path, version: str):
        self.version = version
        super().__init__(f"Chỉ mục ở {index_dir} có định dạng phiên bản {version}, cần {FORMAT_VERSION}: "
                         f"hãy xây lại bằng '{REBUILD_HINT}'.")


class IndexBusyError(IndexStoreError):
    """Another process kept the writer lock longer than this writer would wait."""


@dataclass
class StoredIndex:
    manifest: dict
    segments: list[Segment]
    dead: dict[str, set[str]]    # segment name -> ids of its documents replaced or removed since
    generation: str = ""         # the generation folder it was read from


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


def load(index_dir: Path, loaded: dict[str, Segment] | None = None) -> StoredIndex | None:
    """The live generation, validated, or None when there is no index yet.

    loaded: segments this process has already read, by name; segments never change, so
    they are reused instead of read again (a reload after an append reads one segment)."""
    index_dir = Path(index_dir)
    generation = current_generation(index_dir)
    if generation is None:
        return None
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
        _check_manifest(manifest)
        segments = [(loaded or {}).get(entry["name"]) or load_segment(generation / entry["name"],
                                                                       manifest["embedder"]["dimension"])
                    for entry in manifest["segments"]]
        dead = {entry["name"]: set(entry["dead"]) for entry in manifest["segments"]}
        _check_consistency(manifest, segments, dead)
    except _Unsupported as err:
        raise IndexFormatError(index_dir, str(err)) from None
    except IndexDamagedError:
        raise
    except (_Invalid, SegmentInvalid, OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError) as err:
        raise IndexDamagedError(index_dir, str(err) or type(err).__name__) from err
    return StoredIndex(manifest, segments, dead, generation.name)


def stored_documents(index_dir: Path) -> tuple[list[Document], list[Chunk]]:
    """The documents and chunks of the live generation of an older format (2 and 3 kept
    them in documents.jsonl and chunks.jsonl beside manifest.json), to index them again
    without their source files."""
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexDamagedError(index_dir, "không có thế hệ chỉ mục nào đang dùng")
    try:
        documents = [Document.from_dict(row) for row in _read_jsonl(generation / "documents.jsonl")]
        chunks = [Chunk.from_dict(row) for row in _read_jsonl(generation / "chunks.jsonl")]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise IndexDamagedError(index_dir, str(err) or type(err).__name__) from err
    return documents, chunks


def _read_jsonl(path: Path) -> list:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class _Invalid(ValueError):
    """One inconsistency found while validating a generation (Vietnamese reason)."""


class _Unsupported(ValueError):
    """A readable index of another format version."""


def _check_manifest(manifest) -> None:
    if not isinstance(manifest, dict):
        raise _Invalid("manifest.json không phải đối tượng JSON")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _Unsupported(str(manifest.get("format_version")))
    embedder = manifest.get("embedder")
    if (not isinstance(embedder, dict) or not isinstance(embedder.get("id"), str)
            or not isinstance(embedder.get("dimension"), int) or embedder["dimension"] < 1):
        raise _Invalid("manifest.json thiếu hoặc sai mục 'embedder'")
    if stored_recipe(embedder) not in UNIT_VECTORS:
        raise _Invalid(f"manifest.json: cách nhúng '{embedder.get('unit_vectors')}' không thuộc {UNIT_VECTORS}")
    segments = manifest.get("segments")
    if not isinstance(segments, list) or not all(
            isinstance(e, dict) and isinstance(e.get("name"), str) and SEGMENT_NAME.fullmatch(e["name"])
            and isinstance(e.get("dead"), list) and all(isinstance(d, str) for d in e["dead"]) for e in segments):
        raise _Invalid("manifest.json thiếu hoặc sai mục 'segments'")
    if not isinstance(manifest.get("documents"), dict):
        raise _Invalid("manifest.json thiếu mục 'documents'")


def _check_consistency(manifest: dict, segments: list[Segment], dead: dict[str, set[str]]) -> None:
    live: set[str] = set()
    for segment in segments:
        ids = {d.doc_id for d in segment.documents}
        if not dead[segment.name] <= ids:
            raise _Invalid(f"manifest.json xóa tài liệu không có trong phân đoạn {segment.name}")
        alive = ids - dead[segment.name]
        if alive & live:
            raise _Invalid(f"tài liệu '{sorted(alive & live)[0]}' có ở hai phân đoạn")
        live |= alive
    if live != set(manifest["documents"]):
        raise _Invalid("danh sách tài liệu trong manifest.json không khớp với các phân đoạn")


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


def save(index_dir: Path, manifest: dict, new_segments: dict[str, Callable[[Path], None]],
         live: Path | None) -> Path:
    """Write a new live generation. Call under `writer_lock`.

    manifest: lists every segment of the new generation; new_segments: name -> writer of
    the segments that are new; the others are taken from the live generation folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
    for entry in manifest["segments"]:
        name = entry["name"]
        if name in new_segments:
            new_segments[name](tmp / name)
        else:
            _link_tree(live / name, tmp / name)
        _fsync_dir(tmp / name)
    _write_text(tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
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


def _link_tree(source: Path, target: Path) -> None:
    # Segment files are never modified in place, so a hard link is a safe O(1) copy.
    target.mkdir()
    for path in source.iterdir():
        try:
            os.link(path, target / path.name)
        except OSError:   # no hard links on this file system
            shutil.copyfile(path, target / path.name)


def _next_generation_name(index_dir: Path) -> str:
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def _remove_stale_temporaries(index_dir: Path) -> None:
    for leftover in index_dir.glob(".tmp-*"):  # from an interrupted earlier write
        shutil.rmtree(leftover, ignore_errors=True)


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
