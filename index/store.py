"""On-disk index: plain files, no pickle, atomic replacement.

    <index_dir>/CURRENT           name of the live generation
    <index_dir>/gen-000007/       manifest.json, documents.jsonl, chunks.jsonl,
                                  units.jsonl, dense.faiss

A write builds a new generation in a temporary folder, renames it into place and only
then swaps CURRENT (os.replace is atomic), so a crash at any moment leaves the previous
generation live and loadable. Superseded generations are deleted after the swap.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest import Chunk, Document

from .dense import DenseIndex
from .records import RetrievalUnit

FORMAT_VERSION = 3  # 2: sentence units; 3: heading/body token split
CURRENT = "CURRENT"


class IndexStoreError(Exception):
    """Raised with a Vietnamese message for the user."""


@dataclass
class StoredIndex:
    manifest: dict
    documents: list[Document]
    chunks: list[Chunk]
    units: list[RetrievalUnit]
    dense: DenseIndex


def current_generation(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        return None
    generation = index_dir / pointer.read_text(encoding="utf-8").strip()
    return generation if generation.is_dir() else None


def load(index_dir: Path) -> StoredIndex | None:
    generation = current_generation(index_dir)
    if generation is None:
        return None
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexStoreError(f"Chỉ mục ở {index_dir} có định dạng phiên bản "
                              f"{manifest.get('format_version')}, cần {FORMAT_VERSION}: hãy xây lại chỉ mục.")
        return StoredIndex(
            manifest=manifest,
            documents=[Document.from_dict(d) for d in _read_jsonl(generation / "documents.jsonl")],
            chunks=[Chunk.from_dict(c) for c in _read_jsonl(generation / "chunks.jsonl")],
            units=[RetrievalUnit(**u) for u in _read_jsonl(generation / "units.jsonl")],
            dense=DenseIndex.load(generation / "dense.faiss"))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as err:
        raise IndexStoreError(f"Chỉ mục ở {index_dir} bị hỏng ({err}); hãy xây lại bằng 'hoidap ingest'.") from err


def save(index_dir: Path, stored: StoredIndex) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(index_dir)
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
