"""SQuAD 1.1 / 2.0 files as an evaluation corpus and question set.

Evaluators bring their own reading-comprehension sets in SQuAD's JSON format
(`data[].title`, `paragraphs[].context`, `qas[].question`, `qas[].answers[].text`,
SQuAD 2.0's `is_impossible`). Each article becomes one document (its paragraphs
separated by blank lines, so chunking sees paragraph breaks), each question an
`EvalQuestion` whose facts are the gold answers (any one of them counts) and whose
source is its article; an impossible question must be refused.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from ingest import Chunk, Document, Ingestor
from ingest.normalize import ascii_key, nfc

from .questions import EvalQuestion


class SquadFormatError(ValueError):
    """The file is not SQuAD JSON; the message is Vietnamese and names what is wrong."""


@dataclass(frozen=True)
class SquadSet:
    documents: list[Document]
    chunks: list[Chunk]
    questions: list[EvalQuestion]      # sampled (all when no sample size was given)
    total_questions: int               # before sampling
    fingerprint: str                   # of the file's bytes: names the index built from it


def load_squad(path: Path, sample: int | None = None, seed: int = 0,
               ingestor: Ingestor | None = None) -> SquadSet:
    """Documents (one per article, all of them: unsampled articles are the distractors a
    real collection has) and the questions, `sample` of them drawn with `seed`."""
    raw = Path(path).read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
        articles = data["data"]
        if not isinstance(articles, list):
            raise TypeError
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise SquadFormatError(f"{path} không phải tệp SQuAD JSON (cần khóa 'data' là danh sách bài): {err}") from err
    ingestor = ingestor or Ingestor()
    documents: list[Document] = []
    chunks: list[Chunk] = []
    questions: list[EvalQuestion] = []
    used_ids: set[str] = set()
    for number, article in enumerate(articles):
        paragraphs = [nfc(p["context"]).strip() for p in article.get("paragraphs", [])
                      if str(p.get("context", "")).strip()]
        if not paragraphs:
            continue
        title = nfc(str(article.get("title") or f"Bài {number + 1}")).replace("_", " ")
        doc_id = _unique_id(title, number, used_ids)
        document, doc_chunks = ingestor.describe_and_chunk(
            doc_id, f"{Path(path).name}#{number}", "\n\n".join(paragraphs), title=title)
        documents.append(document)
        chunks.extend(doc_chunks)
        for paragraph in article["paragraphs"]:
            for qa in paragraph.get("qas", []):
                questions.append(_question(qa, doc_id))
    total = len(questions)
    if sample is not None and sample < total:
        chosen = set(random.Random(seed).sample(range(total), sample))
        questions = [q for i, q in enumerate(questions) if i in chosen]
    return SquadSet(documents, chunks, questions, total, hashlib.sha256(raw).hexdigest()[:12])


def _question(qa: dict, doc_id: str) -> EvalQuestion:
    impossible = bool(qa.get("is_impossible", False))
    answers = list(dict.fromkeys(nfc(a["text"]).strip() for a in qa.get("answers", [])
                                 if str(a.get("text", "")).strip()))
    if not impossible and not answers:
        raise SquadFormatError(f"câu hỏi '{qa.get('id')}' không có đáp án và không đánh dấu is_impossible.")
    return EvalQuestion(id=str(qa["id"]), question=nfc(qa["question"]).strip(),
                        facts=[] if impossible else [answers], sources=[] if impossible else [doc_id],
                        answerable=not impossible, tags=["squad", "impossible" if impossible else "answerable"])


def _unique_id(title: str, number: int, used: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_key(title)).strip("_")[:40] or "bai"
    doc_id = f"{number:03d}_{slug}"
    used.add(doc_id)
    return doc_id


def split_by_article(questions: list[EvalQuestion], test_share: float = 0.5,
                     seed: int = 0) -> tuple[list[EvalQuestion], list[EvalQuestion]]:
    """(train, test) with no article in both, for fitting weights on one part and
    reporting on the other."""
    articles = sorted({s for q in questions for s in q.sources})
    random.Random(seed).shuffle(articles)
    test_articles = set(articles[:round(len(articles) * test_share)])
    train = [q for q in questions if not set(q.sources) & test_articles]
    test = [q for q in questions if set(q.sources) & test_articles]
    return train, test
