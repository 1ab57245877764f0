"""Retrieval units and their piece mixes, built by hand: no model, no index."""

import re

import numpy as np

from index.units import plan_units
from ingest import Ingestor

TEXT = ("Tỉnh đề ra các mục tiêu cụ thể đến năm 2030 như sau: kinh tế số chiếm khoảng 9-10% GRDP; "
        "tỷ lệ dịch vụ công trực tuyến toàn trình đạt 80%; 100% thôn bản có sóng di động băng rộng. "
        "Ngân sách dành cho khoa học công nghệ tăng dần qua từng năm.\n\n"
        "Tầm nhìn đến năm 2045, tỉnh trở thành trung tâm đổi mới sáng tạo của vùng.")


def _plan():
    document, chunks = Ingestor().describe_and_chunk("t", "t.txt", TEXT, title="Chương trình chuyển đổi số")
    return plan_units(chunks, {"t": document}, frame_weight=2.0, recipe="pieces"), document, chunks


def _clause_with_lead(plan, document):
    return [(u, m) for u, m in zip(plan.units, plan.mixes)
            if u.kind == "clause" and not document.text[u.start:u.end].startswith("Tỉnh đề ra")]


def test_each_word_is_embedded_once_except_list_items_read_with_their_lead():
    plan, document, _ = _plan()
    clauses = _clause_with_lead(plan, document)
    assert len(clauses) == 2   # "tỷ lệ dịch vụ công …", "100% thôn bản …"
    whole = {p for _, m in clauses for p, _ in m}
    pieces = [p for i, p in enumerate(plan.pieces) if i not in whole]
    # Apart from those, every word is in exactly one piece: the title once, the text once.
    assert sorted(re.findall(r"\w+", " ".join(pieces))) == sorted(
        re.findall(r"\w+", document.title + " " + document.text))
    assert len(plan.pieces) == len(set(plan.pieces))


def test_units_mix_the_title_with_their_own_text():
    plan, document, _ = _plan()
    title = plan.pieces.index(document.title)
    whole = {id(m) for _, m in _clause_with_lead(plan, document)}
    for unit, mix in zip(plan.units, plan.mixes):
        if id(mix) in whole:
            continue
        assert mix[0] == (title, 2.0 * len(document.title.split()))   # frame words count double
        body = " ".join(plan.pieces[p] for p, _ in mix[1:])
        # The unit's own words, each once and in order (punctuation between pieces aside),
        # each piece weighted by its word count.
        assert re.findall(r"\w+", body) == re.findall(r"\w+", document.text[unit.start:unit.end])
        assert all(w == len(plan.pieces[p].split()) for p, w in mix[1:])


def test_a_list_item_is_embedded_with_its_sentence_opening_and_the_title():
    plan, document, _ = _plan()
    for unit, mix in _clause_with_lead(plan, document):
        (piece, weight), = mix
        text = plan.pieces[piece]
        assert text.startswith(document.title) and "Tỉnh đề ra các mục tiêu cụ thể đến năm 2030" in text
        assert text.endswith(document.text[unit.start:unit.end].strip())
        assert "2030" in unit.tokens[:unit.heading_tokens]   # BM25 sees the lead's year too


def test_unit_vectors_are_the_normalised_weighted_mean():
    plan, _, _ = _plan()
    rng = np.random.default_rng(0)
    pieces = rng.standard_normal((len(plan.pieces), 8)).astype(np.float32)
    vectors = plan.vectors(pieces)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    expected = sum(w * pieces[p] for p, w in plan.mixes[0])
    assert np.allclose(vectors[0], expected / np.linalg.norm(expected), atol=1e-5)


def test_joint_vectors_embed_each_unit_whole_with_its_frame():
    document, chunks = Ingestor().describe_and_chunk("t", "t.txt", TEXT, title="Chương trình chuyển đổi số")
    plan = plan_units(chunks, {"t": document})
    assert all(len(mix) == 1 for mix in plan.mixes)
    assert len(plan.pieces) == len({mix[0][0] for mix in plan.mixes})   # nothing embedded for nothing
    for unit, mix, heading in zip(plan.units, plan.mixes, plan.headings):
        assert plan.pieces[mix[0][0]] == f"{heading}\n{document.text[unit.start:unit.end]}"
        assert heading.startswith(document.title)


def test_sentence_vectors_embed_each_sentence_as_joint_does_and_mix_the_chunk_from_them():
    document, chunks = Ingestor().describe_and_chunk("t", "t.txt", TEXT, title="Chương trình chuyển đổi số")
    joint, sentences = plan_units(chunks, {"t": document}), plan_units(chunks, {"t": document}, recipe="sentences")
    assert [u.tokens for u in sentences.units] == [u.tokens for u in joint.units]
    for unit, mix, joint_mix in zip(sentences.units, sentences.mixes, joint.mixes):
        chunk = next(c for c in chunks if c.chunk_id == unit.chunk_id)
        if unit.kind != "chunk" or len(chunk.sentences) == 1:   # read whole with its frame, as joint reads it
            assert [sentences.pieces[p] for p, _ in mix] == [joint.pieces[p] for p, _ in joint_mix]
            continue
        # A chunk of several sentences: its sentences' own pieces, weighted by their words.
        heading = chunk.frame_at(document, chunk.start).heading
        assert [(sentences.pieces[p], w) for p, w in mix] == \
               [(f"{heading}\n{document.text[a:b]}", len(document.text[a:b].split())) for a, b in chunk.sentences]
    assert set(sentences.pieces) < set(joint.pieces)   # nothing read that joint does not read too
    assert sentences.embedded_words < joint.embedded_words * 0.75


def test_a_list_item_after_a_short_opening_is_embedded_with_that_opening_only():
    """The words in front of a clause are its sentence up to the clause (ingest.Frame),
    never the clause's own words again."""
    text = "Mục tiêu năm 2030: kinh tế số chiếm 20% GRDP; 90% hồ sơ trực tuyến; 100% xã có cáp quang."
    document, chunks = Ingestor().describe_and_chunk("s", "s.txt", text, title="Kế hoạch")
    plan = plan_units(chunks, {"s": document}, recipe="pieces")
    item = next(u for u in plan.units if u.kind == "clause" and text[u.start:u.end].startswith("90%"))
    heading = plan.headings[plan.units.index(item)]
    assert heading == "Kế hoạch\nMục tiêu năm 2030: kinh tế số chiếm 20% GRDP; …"


def test_late_chunking_reads_each_chunk_once_and_keeps_every_units_search_tokens():
    document, chunks = Ingestor().describe_and_chunk("t", "t.txt", TEXT, title="Chương trình chuyển đổi số")
    late, joint = plan_units(chunks, {"t": document}, recipe="late"), plan_units(chunks, {"t": document})
    # The same units with the same BM25 tokens: only how their vectors are made differs.
    assert [(u.kind, u.start, u.end, u.tokens, u.heading_tokens) for u in late.units] == \
           [(u.kind, u.start, u.end, u.tokens, u.heading_tokens) for u in joint.units]
    assert late.mixes == [] and late.model_inputs == len(chunks) == len(late.passages)
    for chunk, passage in zip(chunks, late.passages):
        frame, *body = (late.pieces[p] for p in passage)
        assert frame == chunk.frame_at(document, chunk.start).heading
        # Every word of the chunk read exactly once, in order, after the frame.
        assert re.findall(r"\w+", " ".join(body)) == re.findall(r"\w+", chunk.text)
    for unit, (passage, parts) in zip(late.units, late.pools):
        assert parts[0] == 0 and chunks[passage].chunk_id == unit.chunk_id
        pooled = " ".join(late.pieces[late.passages[passage][i]] for i in parts[1:])
        own = re.findall(r"\w+", document.text[unit.start:unit.end])
        assert re.findall(r"\w+", pooled)[-len(own):] == own
    # A list item also pools its sentence's opening, where its year stands.
    item = next(i for i, u in enumerate(late.units) if u.kind == "clause" and TEXT[u.start:u.end].startswith("tỷ lệ"))
    passage, parts = late.pools[item]
    assert late.pieces[late.passages[passage][parts[1]]].startswith("Tỉnh đề ra các mục tiêu cụ thể đến năm 2030")
    assert late.embedded_words < joint.embedded_words / 2


def test_scoped_reading_pools_a_sentence_from_its_own_words_and_a_list_item_reads_its_opening():
    document, chunks = Ingestor().describe_and_chunk("t", "t.txt", TEXT, title="Chương trình chuyển đổi số")
    scoped = plan_units(chunks, {"t": document}, recipe="scoped")
    late = plan_units(chunks, {"t": document}, recipe="late")
    # The same passages as late chunking (every word read once); attention and pooling differ.
    assert scoped.passages == late.passages
    assert len(scoped.leads) == len(scoped.passages)
    for unit, (passage, parts), (_, late_parts) in zip(scoped.units, scoped.pools, late.pools):
        # The chunk pools its frame too; a sentence or clause only its own words (and a list
        # item its sentence's opening), whose states already read the frame.
        assert parts == (late_parts if unit.kind == "chunk" else late_parts[1:])
    item = next(i for i, u in enumerate(scoped.units) if u.kind == "clause" and TEXT[u.start:u.end].startswith("tỷ lệ"))
    passage, (opening, *own) = scoped.pools[item]
    assert all(scoped.leads[passage][part - 1] == opening for part in own)
    assert scoped.pieces[scoped.passages[passage][opening]].startswith("Tỉnh đề ra các mục tiêu cụ thể đến năm 2030")
    assert scoped.leads[passage][opening - 1] == 0   # the opening reads only the frame and itself


def test_sentence_recipe_gives_joints_sentence_vectors_and_a_chunk_vector_near_joints(embedder, tmp_path):
    """Real embeddings: the sentences recipe reads each sentence as joint does (the same
    vectors), and a chunk's mixed vector stays close to joint's reading of the whole chunk;
    an index built that way finds the sentence asked about."""
    from index import HybridIndex, IndexConfig
    from index.units import embed_plan

    document, chunks = Ingestor().describe_and_chunk("t", "t.txt", TEXT, title="Chương trình chuyển đổi số")
    joint, sentences = plan_units(chunks, {"t": document}), plan_units(chunks, {"t": document}, recipe="sentences")
    joint_vectors, sentence_vectors = embed_plan(joint, embedder, 16), embed_plan(sentences, embedder, 16)
    for unit, a, b in zip(joint.units, joint_vectors, sentence_vectors):
        chunk = next(c for c in chunks if c.chunk_id == unit.chunk_id)
        if unit.kind == "chunk" and len(chunk.sentences) > 1:
            assert float(a @ b) > 0.9
        else:
            assert float(a @ b) > 0.999
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "t.txt").write_text(TEXT, encoding="utf-8")
    loaded = Ingestor().run([str(tmp_path / "docs")])
    index = HybridIndex.open(tmp_path / "index", embedder, IndexConfig(unit_vectors="sentences"))
    index.sync(loaded.documents, loaded.chunks)
    hit = index.search("Ngân sách cho khoa học công nghệ thay đổi thế nào?", k=1)[0]
    closest = max((u for u in hit.units if u.kind != "chunk"), key=lambda u: u.dense)
    assert hit.document.text[closest.start:closest.end].startswith("Ngân sách")
