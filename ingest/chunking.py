"""Sentence-aware chunking with offsets into the cleaned text.

A chunk is a run of whole sentences of roughly `min_words`–`max_words` words; a new
paragraph starts a new chunk once the current one is big enough. A sentence longer than
`max_words` stays whole in a chunk of its own. Target lists in these documents are long
semicolon-separated sentences, so their clauses are recorded as spans that the index makes
retrievable on their own.

Official documents are cut along their structure too: a new Phần / Chương / Mục / Điều
always starts a new chunk, each chunk records its structural path ("Điều 5, khoản 2"),
and a chunk inside an article carries the article's heading as its context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .normalize import YEAR_DIGITS
from .official import MAJOR_LEVEL, Heading, ends_as_heading, heading_of, heading_stacks, outline
from .records import Chunk, Span

_CLOSERS = "”\"’')]»"
# A section lead introduces a list that can run over many paragraphs: "Các mục tiêu cụ thể
# đến năm 2030 được xác định: ...", "Tầm nhìn đến năm 2045, ... với các đặc điểm nổi bật sau:".
# Its items ("Kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh.") never repeat the year.
_LEAD_SUBJECT = re.compile(rf"\b{YEAR_DIGITS}\b|mục tiêu|tầm nhìn", re.IGNORECASE)
LEAD_MAX_WORDS = 40
LEAD_REACH = 12           # paragraphs a lead can govern
# Narration of an event resumes: the list a lead introduced is over.
_LEAD_BREAK = re.compile(r"^(Dịp này|Nhân dịp|Tại hội nghị|Tại hội thảo|Phát biểu|Kết thúc|Trước đó)")
# "Nhãn: nội dung" inside a numbered line: the line states its content, it heads nothing.
_SAYS_SOMETHING = re.compile(r":\s*\w")


@dataclass(frozen=True)
class ChunkingConfig:
    min_words: int = 60
    max_words: int = 180
    min_clauses: int = 3   # a sentence with this many ";" clauses is a list worth splitting


@lru_cache(maxsize=1)
def _sentence_splitter():
    from .vietnamese import sent_tokenize
    return sent_tokenize


def paragraph_spans(text: str) -> list[Span]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text)]


def sentence_spans(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside text[start:end], found by underthesea and re-anchored by search."""
    segment = text[start:end]
    spans, cursor = [], 0
    for sentence in _sentence_splitter()(segment):
        sentence = sentence.strip()
        at = segment.find(sentence, cursor)
        if not sentence or at == -1:
            continue
        spans.append([at, at + len(sentence)])
        cursor = at + len(sentence)
    _reattach_closers(segment, spans)
    spans = _merge_stubs(segment, _merge_punctuation_only(segment, spans))
    if not spans:
        return [(start, end)]
    spans[0][0], spans[-1][1] = 0, len(segment.rstrip())  # never lose text at the edges
    for prev, nxt in zip(spans, spans[1:]):               # nor between sentences
        prev[1] = len(segment[:nxt[0]].rstrip())
    return [(start + a, start + b) for a, b in spans if segment[a:b].strip()]


def _merge_punctuation_only(segment: str, spans: list[list[int]]) -> list[list[int]]:
    # "... quốc gia./." ends with a "/." that the splitter returns as a sentence of its own.
    merged: list[list[int]] = []
    for span in spans:
        if merged and not any(c.isalnum() for c in segment[span[0]:span[1]]):
            merged[-1][1] = span[1]
        else:
            merged.append(span)
    return merged


def _merge_stubs(segment: str, spans: list[list[int]]) -> list[list[int]]:
    # The splitter ends a sentence at any word followed by a full stop, so a list label
    # ("1.", "II."), a title ("4.1. Ông. Hoàng Văn Thuân") or an abbreviation ("KT.", "gov.vn")
    # becomes a "sentence" of its own: one quoted alone answers nothing. It opens the next one.
    merged: list[list[int]] = []
    pending: int | None = None
    for span in spans:
        if pending is not None:
            span = [pending, span[1]]
            pending = None
        if len(_WORD.findall(LIST_LABELS.sub("", segment[span[0]:span[1]]))) <= 1:
            pending = span[0]
            continue
        merged.append(span)
    if pending is not None:   # a stub at the end stays with the sentence before it
        if merged:
            merged[-1][1] = spans[-1][1]
        else:
            merged.append([pending, spans[-1][1]])
    return merged


# The labels opening a part or a list item, as official texts number them: "Điều 5.",
# "Chương II", "1.", "5.1.", "II.", "a)", "8. c)" (a PDF's own numbering before the text's),
# "-". A label is followed by a space ("1.000 người" is a number).
LIST_LABELS = re.compile(r"^\s*(?:(?:(?:Điều|Chương|Mục|Phần) (?:\d{1,3}|[IVX]{1,4})[.:]?|(?:\d{1,3}|[IVXivx]{1,4})"
                         r"(?:\.\d{1,2})*[.)]|[a-zđ][.)]|[-–+•])(?:\s+|$))+")
_WORD = re.compile(r"\w+")


def _reattach_closers(segment: str, spans: list[list[int]]) -> None:
    # underthesea puts the closing quote of `“Đi tắt, đón đầu.”` at the start of the next sentence.
    for prev, nxt in zip(spans, spans[1:]):
        while nxt[0] < nxt[1] and segment[nxt[0]] in _CLOSERS:
            prev[1] = nxt[0] + 1
            nxt[0] += 1
            while nxt[0] < nxt[1] and segment[nxt[0]].isspace():
                nxt[0] += 1


def clause_spans(text: str, span: Span, min_clauses: int) -> list[Span]:
    start, end = span
    parts, cursor = [], start
    for m in re.finditer(";", text[start:end]):
        parts.append((cursor, start + m.start()))
        cursor = start + m.end()
    parts.append((cursor, end))
    if len(parts) < min_clauses:
        return []
    return [_trim(text, a, b) for a, b in parts if text[a:b].strip()]


def _trim(text: str, a: int, b: int) -> Span:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _words(text: str, span: Span) -> int:
    return len(text[span[0]:span[1]].split())


def document_outline(text: str) -> list[tuple[int, str]]:
    """(offset, structural path) where the path changes, over the text's paragraphs."""
    return outline([(start, text[start:end]) for start, end in paragraph_spans(text)])


def chunk_text(doc_id: str, text: str, config: ChunkingConfig = ChunkingConfig(),
               paths: list[tuple[int, str]] | None = None) -> list[Chunk]:
    groups: list[list[Span]] = []
    current: list[Span] = []
    size = 0
    body = False        # the current group holds more than headings
    headings = governing_headings(text)
    named_at = dict(headings)
    in_force: tuple[tuple[int, str], ...] = ()
    for para in paragraph_spans(text):
        paragraph = text[para[0]:para[1]]
        heading = heading_of(paragraph)
        # The lines of a chunk share the heading its frame names: a heading starts a chunk
        # ("3. Thủ tục gia hạn giấy phép" over "Phí: 150.000 đồng"), and so does a line
        # that ends its reach ("3.3. Thời gian kiểm tra: …" after "3.2. Nội dung kiểm tra").
        # A Phần/Chương/Mục/Điều always starts a chunk.
        major = heading is not None and heading.level <= MAJOR_LEVEL
        if (major or named_at.get(para[0], in_force) != in_force) and current and body:
            groups.append(current)
            current, size, body = [], 0, False
        in_force = named_at.get(para[0], in_force)
        for i, sentence in enumerate(sentence_spans(text, *para)):
            n = _words(text, sentence)
            starts_paragraph = i == 0
            if current and (size + n > config.max_words or
                            (starts_paragraph and size >= config.min_words)):
                groups.append(current)
                current, size, body = [], 0, False
            current.append(sentence)
            size += n
        body = body or heading is None or len(paragraph.split()) > 12
    if current:
        groups.append(current)
    leads = section_leads(text)
    paths = document_outline(text) if paths is None else paths
    return [_make_chunk(doc_id, position, text, sentences, config, leads, paths, headings)
            for position, sentences in enumerate(groups)]


def _is_heading_paragraph(paragraph: str, heading: Heading | None) -> bool:
    """A labelled line that names what follows: a big division's ("Điều 5. Trách nhiệm thi
    hành", "II. NHIỆM VỤ"), or a numbered one that does not end as a sentence ("3. Thủ tục
    gia hạn giấy phép kinh doanh"; "3. Hồ sơ được nộp trực tiếp." says something itself, and
    so does "4.2. Ông A - Phó Trưởng đoàn: Chủ trì việc kiểm", a line a scan broke)."""
    return heading is not None and len(paragraph.split()) <= LEAD_MAX_WORDS and (
        heading.level <= MAJOR_LEVEL + 1 or (ends_as_heading(paragraph) and not _SAYS_SOMETHING.search(paragraph)))


def governing_headings(text: str) -> list[tuple[int, tuple[tuple[int, str], ...]]]:
    """(offset, headings in force after it) at each labelled paragraph, outermost first as
    (offset, first words): the divisions it sits in (official.heading_stacks) whose line
    reads as a heading ("3. Thủ tục gia hạn giấy phép", not "3. Hồ sơ được nộp …")."""
    return [(offset, tuple((at, " ".join(paragraph.split()[:LEAD_MAX_WORDS])) for heading, at, paragraph in stack
                           if _is_heading_paragraph(paragraph, heading)))
            for offset, stack in heading_stacks([(a, text[a:b]) for a, b in paragraph_spans(text)])]


def section_leads(text: str) -> list[tuple[int, str]]:
    """(offset, lead) for each paragraph opening with a list-introducing sentence; an
    empty lead marks where the previous one stops governing."""
    leads: list[tuple[int, str, int]] = []   # (offset, lead, paragraph number)
    for number, (start, end) in enumerate(paragraph_spans(text)):
        paragraph = text[start:end].strip()
        if leads and (_LEAD_BREAK.match(paragraph) or number - leads[-1][2] > LEAD_REACH):
            leads.append((start, "", number))  # ends the previous lead's reach
        if paragraph.endswith(":") and len(paragraph.split()) <= 2 * LEAD_MAX_WORDS \
                and _LEAD_SUBJECT.search(paragraph):
            leads.append((start, paragraph, number))  # "..., với các đặc điểm nổi bật sau:"
            continue
        head = paragraph.split(":", 1)
        if len(head) == 2 and len(head[0].split()) <= LEAD_MAX_WORDS and _LEAD_SUBJECT.search(head[0]) \
                and not re.search(r"[.!?]\s", head[0]):
            leads.append((start, head[0].strip() + ":", number))
    return [(offset, lead) for offset, lead, _ in leads]


def _make_chunk(doc_id: str, position: int, text: str, sentences: list[Span],
                config: ChunkingConfig, leads: list[tuple[int, str]], paths: list[tuple[int, str]],
                headings: list[tuple[int, tuple[tuple[int, str], ...]]]) -> Chunk:
    start, end = sentences[0][0], sentences[-1][1]
    clauses = [c for s in sentences for c in clause_spans(text, s, config.min_clauses)]
    governing = [lead for offset, lead in leads if offset < start or (offset == start and not lead)]
    path = next((p for offset, p in reversed(paths) if offset <= start), "")
    # The innermost heading in force ("Điều 13. Ký ban hành văn bản", "3. Thủ tục gia hạn
    # giấy phép") says what the chunk's lines are about, unless the chunk opens with it;
    # a list lead, when one governs, says more.
    in_force = next((stack for offset, stack in reversed(headings) if offset <= start), ())
    heading = next((words for offset, words in reversed(in_force) if offset < start), "")
    return Chunk(chunk_id=f"{doc_id}#{position:03d}", doc_id=doc_id, position=position,
                 start=start, end=end, text=text[start:end],
                 sentences=tuple(sentences), clauses=tuple(clauses),
                 context=(governing[-1] if governing and governing[-1] else heading), path=path)
