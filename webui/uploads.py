"""Uploaded files, kept under names of their own so that no upload ever replaces a
document it did not come from.

A browser-supplied name is not trusted: `../../etc/x.txt` and `/etc/cron.d/x.txt` are the
same "x.txt", "Báo cáo 1.txt" and "Báo_cáo_1.txt" are one slug, and a name may equal
another document's id. Each upload is therefore stored as
`<slug of its name>-<first 12 hex of its SHA-256><suffix>` (the stem is its doc_id), with a
sidecar `<stored name>.json` recording the original name and time. Identical bytes under
the same name are the same upload; anything else is a new document. Replacing the
earlier upload of the same original name is an explicit choice of the admin, and the
replaced file is kept (renamed `*.replaced`, which ingest ignores).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath, PureWindowsPath

SLUG_CHARS = 60
HASH_CHARS = 12


@dataclass(frozen=True)
class StoredUpload:
    path: Path            # the kept copy, inside the upload folder
    original_name: str    # the name the browser sent, without any folders
    doc_id: str           # the stem of `path`: the document's id in the index
    existed: bool         # the same bytes under the same name were uploaded before


class UploadFolder:
    def __init__(self, folder: Path, suffixes: tuple[str, ...]):
        self.folder = Path(folder)
        self.suffixes = suffixes

    def keep(self, source: Path, original_name: str) -> StoredUpload:
        """Copy an uploaded temporary file in under a unique safe name."""
        original = base_name(original_name)
        suffix = Path(original).suffix.lower()
        if suffix not in self.suffixes:
            raise ValueError(f"Định dạng {suffix or '(không có đuôi)'} không được nhận.")
        digest = _sha256(source)
        stem = f"{slug(Path(original).stem)}-{digest[:HASH_CHARS]}"
        target = self.folder / f"{stem}{suffix}"
        existed = target.is_file() and _sha256(target) == digest
        if not existed:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.part")
            shutil.copyfile(source, partial)
            os.replace(partial, target)   # never a half-copied document under the final name
            self._write_meta(target, {"original_name": original, "sha256": digest,
                                      "uploaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        return StoredUpload(path=target, original_name=original, doc_id=stem, existed=existed)

    def same_name(self, upload: StoredUpload) -> list[str]:
        """doc_ids of earlier, different uploads that came with the same original name."""
        found = []
        for meta_path in sorted(self.folder.glob("*.json")):
            document = meta_path.with_suffix("")
            if document.suffix not in self.suffixes or document == upload.path or not document.is_file():
                continue
            if self._read_meta(meta_path).get("original_name") == upload.original_name:
                found.append(document.stem)
        return found

    def retire(self, doc_id: str) -> None:
        """Set a replaced upload aside: kept on disk, no longer picked up by ingest."""
        for suffix in self.suffixes:
            document = self.folder / f"{doc_id}{suffix}"
            if document.is_file():
                os.replace(document, document.with_name(document.name + ".replaced"))
                meta = self.folder / f"{document.name}.json"
                if meta.is_file():
                    os.replace(meta, meta.with_name(document.name + ".replaced.json"))

    def original_name(self, doc_id: str) -> str | None:
        for suffix in self.suffixes:
            meta = self.folder / f"{doc_id}{suffix}.json"
            if meta.is_file():
                return self._read_meta(meta).get("original_name")
        return None

    @staticmethod
    def _write_meta(document: Path, meta: dict) -> None:
        path = document.with_name(document.name + ".json")
        path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    @staticmethod
    def _read_meta(path: Path) -> dict:
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return meta if isinstance(meta, dict) else {}


def base_name(name: str) -> str:
    """The last component of a name sent by any browser on any OS, never a folder."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    return unicodedata.normalize("NFC", name).strip() or "tai-lieu"


def slug(stem: str) -> str:
    """Letters (Vietnamese included) and digits joined by '_', at most SLUG_CHARS."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", stem))
    return "_".join(words)[:SLUG_CHARS].strip("_") or "tai_lieu"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
