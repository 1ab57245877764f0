"""Understanding a Vietnamese question: what kind of fact it asks for, and about what.

Cues are matched on the accent-less key, so "bao nhieu phan tram" and "bao nhiêu phần
trăm" are read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from ingest.metadata import provinces_named_in
from ingest.normalize import YEAR, YEAR_DIGITS, ascii_key, looks_accentless, looks_english, nfc, numbers_in
from ingest.official import named_reference

from .terms import key_terms as extract_key_terms


class QuestionType(str, Enum):
    PERCENT = "percent"        # bao nhiêu phần trăm, tỷ lệ, tỷ trọng
    QUANTITY = "quantity"      # bao nhiêu, mấy, số lượng
    DATE = "date"              # khi nào, ngày nào, năm nào
    PERSON = "person"          # ai, người nào, cơ quan nào
    LIST = "list"              # những gì, gồm những, các ... nào
    PLACE = "place"            # ở đâu, nơi nào, tại đâu
    ENTITY = "entity"          # "thiết bị nào", "nhà nghiên cứu nào": a named thing
    DESCRIBE = "describe"      # là gì, như thế nào, mục tiêu ...


# Order matters: the first matching cue decides ("tỷ lệ bao nhiêu" is a percent question).
# English cues too: the embedder is multilingual, so English questions are answered.
_TYPE_CUES: list[tuple[QuestionType, str]] = [
    (QuestionType.PERCENT, r"phan tram|ty le|ti le|ty trong|ti trong|%|chiem bao nhieu|bao nhieu grdp|"
                           r"percent|what share|what proportion"),
    (QuestionType.DATE, r"khi nao|ngay nao|nam nao|thang nao|bao gio|luc nao|thoi diem nao|"
                        r"(?:vao|trong|tu|den) thoi gian nao|ngay bao nhieu|vao ngay|^when\b|what year|which year|"
                        r"what date"),
    # "một số người", "những số …" mean "some people", "some …": no count is asked.
    (QuestionType.QUANTITY, r"bao nhieu|so luong|(?<!mot )(?<!nhung )so (?:nguoi|hoc vien)|tong so|how many|how much"),
    (QuestionType.PERSON,
     r"(^|\s)ai(\s|\?|$)|nguoi nao|nha(?: \w+){1,2} nao|co quan nao|don vi nao|chu tri|la ai|^who\b"),
    (QuestionType.PLACE, r"o dau|tai dau|noi nao|dia diem nao|nuoc nao|quoc gia nao|thanh pho nao|^where\b"),
    # "những năm 1980 là gì" names a decade, "kể tên một …" asks for one: not lists.
    (QuestionType.LIST, r"nhung gi\b|nhung nhiem vu|nhung giai phap|gom nhung|gom cac|cac nhom|"
                        r"nhung linh vuc|dia phuong nao|xa nao|phuong nao|ke ten(?! mot\b)|liet ke|"
                        r"nhung kho khan|nhung han che|nhung thach thuc|nhom nhiem vu|nhung noi dung|"
                        r"nhung(?: (?!la\b)\w+){1,3} (gi|nao)\b|cac(?: (?!la\b)\w+){1,3} nao\b"),
    (QuestionType.ENTITY, r"\b(?!the\b|khi\b|ra\b|luc\b)\w+ nao\b|^which\b|^what \w+ (is|was|did|does)\b"),
]
# Where a request to the assistant starts: the question's start, or "hãy", "bạn", "giúp tôi",
# "và" ("bỏ qua … và viết …").
_ADDRESSED = r"(?:^|\b(?:hay|ban|giup (?:toi|minh)|va) )"
_INJECTION = re.compile("|".join([
    r"bo qua .{0,30}(huong dan|chi dan|quy tac|yeu cau)", r"quen .{0,20}(huong dan|chi dan|quy tac)",
    r"ignore .{0,30}(instruction|prompt|rule)", r"system prompt", r"prompt he thong",
    r"tu (gio|bay gio|nay) ban la", r"gia vo la", r"jailbreak", r"tiet lo .{0,20}(huong dan|cau hinh)",
    # Asked of the assistant ("Hãy đóng vai …", "Viết một bài thơ …"); "đóng vai trò" (plays a
    # role), "Ai đóng vai …" and "Ai đã viết bài thơ …" are questions about the documents.
    rf"{_ADDRESSED}dong vai\b(?! tro)",
    rf"{_ADDRESSED}(viet|sang tac|lam) (cho (toi|minh) )?(mot )?(bai tho|bai hat|truyen|code|ma nguon|chuong trinh)"]))
_FOLLOW_UP = re.compile(r"^(con|the con|vay con|the|vay|con voi)\b|thi sao\W*$|the nao\W*$|ra sao\W*$")
# Words of a follow-up that only say "and what about": never its new subject.
_FOLLOW_UP_WORDS = re.compile(r"^(the con|vay con|con voi|con|the|vay)\s+|\s*(thi sao|the nao|ra sao)\W*$|\?$")
# "Có phải ... không?", "... phải không?", "... đúng không?": a claim to check.
_YES_NO = re.compile(r"^(co phai (la )?|phai chang |co dung (la |rang )?|co that (la |rang )?|is it true that |"
                     r"^(is|are|was|were|did|does|do) )|(,? (phai|dung|co dung|dung vay) (khong|ko|chu)|"
                     r",? (right|correct))\W*$")
# A comparison asks which of two or more things is higher, or how they differ.
_COMPARE = re.compile(r"so sanh|chenh lech|\bcompare")
# "nhiều bác sĩ hơn" puts the noun inside; "nhiều hơn 300", "lớn hơn 2" are "more than N",
# not a comparison.
_COMPARATIVE = re.compile(r"\b(?:cao|thap|lon|nho|tham vong) hon\b(?! \d)|\b(nhieu|it)(?: \w+){0,4} hon\b(?! \d)|"
                          r"\bhigher\b|\blower\b")
# ... and a comparative compares only against alternatives: "Lai Châu hay Lào Cai", "tỉnh
# nào", "so với", "giữa". "Một chiếc xe lớn hơn", "sự quan tâm lớn hơn" describe one thing.
_ALTERNATIVES = re.compile(r"\bhay\b|\bhoac\b|so voi|\bgiua\b|\b\w+ nao\b|\bwhich\b|\bor\b")
# How things differ: "khác nhau thế nào", "có khác nhau không", "khác biệt giữa"; "nhiều
# bệnh khác nhau" (various) is not asked.
_DIFFERENCE = re.compile(r"khac (?:nhau|biet)(?: \w+)? giua|(?:khac nhau|khac biet)(?: (?:nhu )?the nao| ra sao| khong|"
                         r" o (?:diem|cho) nao|\W*$)|\bdiffer(?:ence|ent)?\b")
# "… là gì?", "mức độ gì cao hơn?": a thing is asked for, "higher" only describes it.
_ASKS_WHAT = re.compile(r"\bgi\b")
# "mấy" (how many) and "máy" (machine) share their accent-less form.
_HOW_MANY_TONED = re.compile(r"\bmấy\b", re.IGNORECASE)
# ... as do "khí" (gas, air) and "khi" (when): "Loại khí nào …?" asks which gas.
_GAS_TONED = re.compile(r"\bkhí\b", re.IGNORECASE)
_HOW_MANY_ACCENTLESS = re.compile(r"\bmay\b")
# "tỉnh nào cao nhất": every province with the figure is ranked, not two named ones.
# ("ít nhất" is left out: it also means "at least".)
_SUPERLATIVE = re.compile(r"\b(cao|thap|nhieu|lon|nho|tham vong) nhat\b|dan dau|\b(highest|lowest|most|least)\b")
# Which end a comparison or ranking asks for: "thấp hơn", "nhỏ nhất" ask for the smaller.
_SMALLER = re.compile(r"\b(thap|nho) (hon|nhat)\b|\bit hon\b|\b(lower|lowest|least|fewer)\b")
# Who holds a post ("Ai là …", "… là ai") asks for a name; "Ai đã …" may be answered by
# "các sinh viên".
_ASKS_IDENTITY = re.compile(r"\bai la\b|\bla ai\b|\bnguoi nao la\b|\bwho (is|was)\b")
_EACH_PLACE = re.compile(r"\b(cac|hai|moi|tung) (tinh|dia phuong)\b|\beach province\b")
_CURRENT = re.compile(r"hien nay|hien tai|hien gio|bay gio|dang la|dang giu|hien dang|\bnow\b|\bcurrent(ly)?\b")
# Years that bound one period ("2021-2025", "từ năm 2000 đến năm 2005", "from 2000 to 2005"):
# the period is asked about, not each year in turn.
_PERIOD = re.compile(rf"(?<!\d)({YEAR_DIGITS})\s*[-–]\s*({YEAR_DIGITS})(?!\d)|"
                     rf"(?<!\d)({YEAR_DIGITS}) (?:den|toi|to|until) (?:nam |year )?({YEAR_DIGITS})(?!\d)")
# "Khi nào", "bao giờ" ask when: an event can say it ("khi Đức bắt đầu …", "vào cuối Thế chiến
# I"); "ngày nào", "năm nào" ask for the date itself.
_WHEN = re.compile(r"khi nao|bao gio|luc nao|thoi diem nao|thoi gian nao|^when\b")
# "Kéo dài bao lâu": XQuAD's answers are as often "cho đến thế kỷ 19" or "hiếm khi" as "sáu năm".
_DURATION = re.compile(r"\bbao lau\b|\bhow long\b")
# "Từ mấy giờ", "lúc mấy giờ", "mấy giờ sáng": a time of day, not a number of hours.
_CLOCK_TIME = re.compile(r"\b(?:luc|tu|den|toi|vao) may gio\b|\bmay gio (?:sang|chieu|toi)\b|\bwhat time\b")
# Who signed a document, and whom it is sent to: the closing block answers (ingest.official.closing).
_SIGNER = re.compile(r"\bai (?:da )?ky\b|\bnguoi ky\b|\bky boi ai\b|\bwho signed\b|\bsigned by\b")
_RECIPIENTS = re.compile(r"\bnoi nhan\b|\bgui (?:den|toi|cho) (?:ai|nhung|cac|co quan nao|dau)\b|\brecipients?\b")
_DATE_ITSELF = re.compile(r"ngay nao|nam nao|thang nao|ngay bao nhieu|vao ngay|what year|which year|what date")
# The noun phrase a "bao nhiêu X" question counts: what a follow-up's new subject replaces.
_COUNTED = re.compile(r"(bao nhiêu|mấy|bao nhieu|may)\s+([^?,.;]+?)\s*(\?|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    text: str                                   # as typed (NFC)
    qtype: QuestionType
    provinces: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    accentless: bool = False
    key_terms: tuple[str, ...] = ()             # accent-less subject terms (see terms.py)
    redirect: bool = False                      # tries to change the assistant's instructions
    follow_up_cue: bool = False                 # "Còn Lào Cai thì sao?"
    yes_no: bool = False                        # "Có phải ... không?": a claim to confirm or correct
    claimed: tuple[str, ...] = ()               # figures the claim states (canonical, see numbers_in)
    comparison: bool = False                    # "so sánh", "tỉnh nào cao hơn"
    superlative: bool = False                   # "tỉnh nào cao nhất"
    smaller: bool = False                       # the comparison asks which is lower
    current: bool = False                       # "hiện nay": the newest document decides
    asks_identity: bool = False                 # "Ai là Chủ tịch …?": a name, not "các đại biểu"
    each_place: bool = False                    # "các tỉnh", "mỗi tỉnh": every province answers
    period: bool = False                        # the years bound periods ("2021-2025"): not compared one by one
    when_by_event: bool = False                 # "khi nào": an event may answer, a date is not required
    asks_duration: bool = False                 # "trong bao lâu": a length of time fits best, none is required
    asks_clock_time: bool = False               # "từ mấy giờ": a time of day ("7h30") answers
    asks_signer: bool = False                   # "Ai ký Quyết định 1629?": the closing block's name answers
    asks_recipients: bool = False               # "Văn bản gửi cho ai?": the list of recipients may answer
    crosslingual: bool = False                  # asked in English: no word of it is in the documents
    resolved_from: str | None = None            # the previous question it was merged with
    new_subject: str = ""                       # what that follow-up asks about instead ("sản phẩm")
    notes: list[str] = field(default_factory=list)

    @property
    def per_year(self) -> bool:
        """Two or more years asked about one by one ("năm 2026 và năm 2030"), not a period."""
        return len(self.years) > 1 and not self.period

    @cached_property
    def term_string(self) -> str:
        """The key terms in the token-string form of assistant/terms.py ("|kinh tế|số|")."""
        return "|" + "|".join(self.key_terms) + "|"


def analyze(text: str) -> Question:
    text = nfc(text).strip()
    key = ascii_key(text)
    yes_no = bool(_YES_NO.search(key))
    # The key keeps the text's length, so the cue's span can be cut from the text itself.
    claim_text = _YES_NO.sub(lambda m: " " * len(m.group()), key) if yes_no else key
    claim = "".join(c if k != " " or c.isspace() else " " for c, k in zip(text, claim_text)).strip()
    reference = named_reference(claim)
    if reference:
        # "Quyết định 12/QĐ-UBND" says which document, not what the answer says: its
        # words and number must not pull the quote towards the header that repeats them.
        start, end = reference.span
        claim = (claim[:start] + " " * (end - start) + claim[end:]).strip()
    claimed = tuple(dict.fromkeys(numbers_in(claim))) if yes_no else ()
    accentless = looks_accentless(text)
    qtype = _cued_type(claim, accentless) or QuestionType.DESCRIBE
    provinces = provinces_named_in(text)
    # Which is higher asks for figures; how two things differ ("sự khác nhau … là gì") does not.
    magnitude = bool(_COMPARE.search(key) or (_COMPARATIVE.search(key) and (
        _ALTERNATIVES.search(key) or len(provinces) > 1)))
    if magnitude and qtype in (QuestionType.DESCRIBE, QuestionType.ENTITY) and not _ASKS_WHAT.search(key):
        qtype = QuestionType.QUANTITY  # "cao hơn", "so sánh": what is compared is a figure
    if yes_no and qtype == QuestionType.DESCRIBE and claimed:
        # The figure claimed tells what kind of fact the evidence must hold.
        qtype = (QuestionType.PERCENT if "%" in claim else
                 QuestionType.DATE if all(YEAR.fullmatch(n) for n in claimed) else QuestionType.QUANTITY)
    crosslingual = looks_english(text)
    terms = extract_key_terms(claim, provinces, accentless)
    if yes_no:  # the claimed figure may be wrong: it must not decide which passage is read
        terms = tuple(t for t in terms if not any(c.isdigit() for c in t))
    years = tuple(dict.fromkeys(YEAR.findall(claim)))
    bounding = {year for m in _PERIOD.finditer(ascii_key(claim)) for year in m.groups() if year}
    return Question(text=text, qtype=qtype, provinces=provinces, years=years, accentless=accentless,
                    key_terms=terms, redirect=bool(_INJECTION.search(key)),
                    follow_up_cue=bool(_FOLLOW_UP.search(key)), yes_no=yes_no, claimed=claimed,
                    comparison=magnitude or bool(_DIFFERENCE.search(key)), superlative=bool(_SUPERLATIVE.search(key)),
                    smaller=bool(_SMALLER.search(key)), current=bool(_CURRENT.search(key)),
                    asks_identity=bool(_ASKS_IDENTITY.search(key)),
                    each_place=bool(_EACH_PLACE.search(key)),
                    period=len(years) > 1 and set(years) <= bounding,
                    asks_duration=bool(_DURATION.search(key)), asks_clock_time=bool(_CLOCK_TIME.search(key)),
                    asks_signer=bool(_SIGNER.search(key)),
                    asks_recipients=bool(_RECIPIENTS.search(key)),
                    when_by_event=qtype == QuestionType.DATE and bool(_WHEN.search(key))
                    and not _DATE_ITSELF.search(key),
                    crosslingual=crosslingual)


def is_follow_up(question: Question) -> bool:
    """A question that leans on the previous one: "Còn Lào Cai thì sao?", "Năm 2045?",
    "Còn số sản phẩm?" — a follow-up cue and no question word of its own, or no subject."""
    own_type = _cued_type(question.text, question.accentless) is not None
    return (question.follow_up_cue and not own_type) or not question.key_terms


def _cued_type(text: str, accentless: bool) -> QuestionType | None:
    """The type the question's first matching cue gives, None without a cue."""
    key = ascii_key(text if accentless else _GAS_TONED.sub("khi_", _HOW_MANY_TONED.sub("bao nhiêu", text)))
    if accentless:   # typed without tones, "may" is far more often "mấy" than "máy"
        key = _HOW_MANY_ACCENTLESS.sub("bao nhieu", key)
    return next((t for t, cue in _TYPE_CUES if re.search(cue, key)), None)


def resolve_follow_up(question: Question, previous: Question) -> Question:
    """Carry the previous question over, changing only what the new one changes.

    "Còn Lào Cai thì sao?" after "Mục tiêu kinh tế số của Lai Châu đến năm 2030?" becomes
    "Mục tiêu kinh tế số của Lào Cai đến năm 2030?"; "Năm 2045 thì sao?" swaps the year;
    "Còn cá nhân?" after "... tặng Bằng khen cho bao nhiêu tập thể?" swaps what is counted,
    and any other new subject is asked with the previous question's place, year and kind.
    """
    text = previous.text
    if question.provinces:
        if previous.provinces:
            for old in previous.provinces:
                text = re.sub(re.escape(old), question.provinces[0], text, count=1)
                text = re.sub(re.escape(ascii_key(old)), question.provinces[0], text, count=1, flags=re.IGNORECASE)
        else:
            text = f"{text.rstrip(' ?')} của {', '.join(question.provinces)}?"
    if question.years:
        if previous.years:
            text = text.replace(previous.years[0], question.years[0])
        else:
            text = f"{text.rstrip(' ?')} năm {question.years[0]}?"
    subject = _new_subject(question)
    if subject:
        counted = _COUNTED.search(text)
        if counted and counted.group(2).strip():
            text = text[:counted.start(2)] + subject + text[counted.end(2):]
        else:
            where = " ".join([f"của {p}" for p in (question.provinces or previous.provinces)[:1]]
                             + [f"năm {y}" for y in (question.years or previous.years)[:1]])
            asked = _TYPE_PHRASES.get(previous.qtype, "là gì")
            text = f"{subject[:1].upper()}{subject[1:]} {where} {asked}?".replace("  ", " ")
    return Question(**{**analyze(text).__dict__, "resolved_from": previous.text, "new_subject": subject})


# How a question of each kind is asked, for a follow-up that names only a new subject.
_TYPE_PHRASES = {QuestionType.PERCENT: "đạt bao nhiêu phần trăm", QuestionType.QUANTITY: "là bao nhiêu",
                 QuestionType.DATE: "vào khi nào", QuestionType.PERSON: "là ai", QuestionType.PLACE: "ở đâu",
                 QuestionType.LIST: "gồm những gì", QuestionType.ENTITY: "là gì", QuestionType.DESCRIBE: "là gì"}


def _new_subject(question: Question) -> str:
    """What a follow-up asks about besides the place and year: "số sản phẩm" → "sản phẩm"."""
    text = question.text
    for name in question.provinces:
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
        text = re.sub(re.escape(ascii_key(name)), " ", text, flags=re.IGNORECASE)
    text = re.sub(rf"(?<!\d)(?:(?:đến |vào |trong )?năm )?{YEAR_DIGITS}(?!\d)", " ", text, flags=re.IGNORECASE)
    words = text.strip(" ?.!").split()
    while words and ascii_key(" ".join(words[:2])) in ("the con", "vay con", "con voi"):
        words = words[2:]
    while words and ascii_key(words[0]) in ("con", "the", "vay", "con", "va"):
        words = words[1:]
    while words and ascii_key(" ".join(words[-2:])) in ("thi sao", "the nao", "ra sao"):
        words = words[:-2]
    if words and ascii_key(words[0]) == "so" and len(words) > 1:  # "số sản phẩm": the count is asked anyway
        words = words[1:]
    return " ".join(words).strip(" ,")
