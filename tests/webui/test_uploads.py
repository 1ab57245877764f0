"""Uploads never replace a document they did not come from (issue 14.2)."""

import json

from webui.uploads import UploadFolder, base_name, slug

SUFFIXES = (".txt", ".html", ".htm")


def _temp(tmp_path, name, text):
    path = tmp_path / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_names_with_folders_or_the_same_slug_do_not_collide(tmp_path):
    folder = UploadFolder(tmp_path / "uploads", SUFFIXES)
    kept = [folder.keep(_temp(tmp_path, f"t{i}.txt", f"Nội dung {i}"), name)
            for i, name in enumerate(["../../etc/x.txt", "/etc/cron.d/x.txt", "C:\\\\Windows\\\\x.txt",
                                      "Báo cáo 1.txt", "Báo_cáo_1.txt"])]
    paths = {k.path for k in kept}
    assert len(paths) == 5 and all(p.parent == tmp_path / "uploads" for p in paths)
    assert all(p.is_file() for p in paths)
    assert [k.original_name for k in kept] == ["x.txt", "x.txt", "x.txt", "Báo cáo 1.txt", "Báo_cáo_1.txt"]
    meta = json.loads(kept[3].path.with_name(kept[3].path.name + ".json").read_text(encoding="utf-8"))
    assert meta["original_name"] == "Báo cáo 1.txt" and len(meta["sha256"]) == 64


def test_an_upload_named_like_an_indexed_document_gets_another_id(tmp_path):
    folder = UploadFolder(tmp_path / "uploads", SUFFIXES)
    upload = folder.keep(_temp(tmp_path, "a.txt", "Bài khác"), "000_cea71f7cbe1ebe5a.txt")
    assert upload.doc_id != "000_cea71f7cbe1ebe5a" and upload.doc_id.startswith("000_cea71f7cbe1ebe5a-")


def test_same_bytes_same_name_is_the_same_upload_and_a_new_version_is_a_new_document(tmp_path):
    folder = UploadFolder(tmp_path / "uploads", SUFFIXES)
    first = folder.keep(_temp(tmp_path, "a.txt", "Phiên bản 1"), "ke_hoach.txt")
    again = folder.keep(_temp(tmp_path, "b.txt", "Phiên bản 1"), "ke_hoach.txt")
    assert again.existed and again.path == first.path
    newer = folder.keep(_temp(tmp_path, "c.txt", "Phiên bản 2"), "ke_hoach.txt")
    assert newer.path != first.path and first.path.is_file()
    assert folder.same_name(newer) == [first.doc_id]
    folder.retire(first.doc_id)   # the admin confirmed the replacement
    assert not first.path.exists() and first.path.with_name(first.path.name + ".replaced").is_file()
    assert folder.same_name(newer) == []
    assert folder.original_name(newer.doc_id) == "ke_hoach.txt"


def test_wrong_suffix_is_refused(tmp_path):
    import pytest
    folder = UploadFolder(tmp_path / "uploads", SUFFIXES)
    with pytest.raises(ValueError, match="không được nhận"):
        folder.keep(_temp(tmp_path, "a.exe", "MZ"), "a.exe")
    assert not (tmp_path / "uploads").exists() or not list((tmp_path / "uploads").iterdir())


def test_slug_and_base_name():
    assert slug("Báo cáo số 1 (bản chính)") == "Báo_cáo_số_1_bản_chính"
    assert slug("...") == "tai_lieu" and len(slug("a" * 500)) == 60
    assert base_name("..\\\\..\\\\x.txt") == "x.txt" and base_name("") == "tai-lieu"
