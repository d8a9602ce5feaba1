"""The elements of a 公文 (GB/T 9704-2012 党政机关公文格式) found in its text.

The layout decides what a string is, not the string alone: a 发文字号 is the document's own
when it stands on its own line above the title or in the portal's 文号 field, and a cited
document's when it follows a 《title》 in the body; a 成文日期 is a date alone on its line
under the signature, never a page's 发布日期 or a date in a sentence. When the layout leaves
two readings, the field lists both with the reason instead of choosing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from gongkai.reader.numerals import chinese_number
from gongkai.reader.text import Normalised

# 发文字号: 机关代字 + 〔年份〕 + 序号 + 号, brackets of every style printed
_OPEN, _CLOSE = r"[〔\[(【„]", r"[〕\])】‟]"  # „‟: a page's mangled 〔〕
NUMBER = re.compile(rf"([\u4e00-\u9fff]{{1,12}}?)\s*{_OPEN}\s*((?:19|20)\d\d)\s*{_CLOSE}\s*(\d{{1,4}})\s*号")
_CN_DIGIT = "〇○OoОｏ零一二三四五六七八九"
_YEAR = rf"(?:(?:19|20)\d\d|[{_CN_DIGIT}]{{4}})"
_MD = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
DATE = re.compile(rf"({_YEAR})\s*年\s*({_MD})\s*月\s*({_MD})\s*日")
LABEL = re.compile(r"[(]?\s*此件\s*(公开发布|主动公开|依申请公开|不予公开)\s*[)]?")
LABELS = {
    "公开发布": "此件公开发布",
    "主动公开": "此件公开发布",
    "依申请公开": "此件依申请公开",
    "不予公开": "此件不予公开",
}
SECRECY = re.compile(r"^(绝密|机密|秘密)(?:\s*★\s*(\d+|[一二三四五六七八九十]+)\s*(年|个月|月))?$")
URGENCY = re.compile(r"^(特急|加急|特提|平急)$")
SIGNER = re.compile(r"签发人[ \t]*:[ \t]*([\u4e00-\u9fff]{2,4}(?:[ \t]+[\u4e00-\u9fff]{2,4})*)")
# The portal's own field for the number, e.g. 「文号 | …」, 「发文字号:…」, 「备注/文号:…」
NUMBER_FIELD = re.compile(r"(?:文\s*号|发文字号)\s*[:|]\s*$")
KINDS = (
    "决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复",
    "议案", "函", "纪要", "方案", "办法", "规定", "细则", "规划", "计划", "制度", "要点", "规则", "预案",
    "措施", "条例", "章程", "指南", "指引", "清单",
)  # fmt: skip
AGENCY_END = re.compile(
    r"(政府|办公室|办公厅|委员会|人大常委会|管委会|办事处|局|厅|部|部门|委|院|署|会|处|所|中心|办|单位|机构)$"
)
METADATA_LABEL = re.compile(
    r"^(发文机构|发布机构|信息来源|来源|主题分类|索引号|发文日期|发布日期|成文日期|文号|主题词|时效)$"
)
CITED = re.compile(rf"《([^《》]{{2,150}})》\s*[(]\s*({NUMBER.pattern})\s*[)]")


@dataclass(frozen=True)
class Hit:
    """One reading of a field: its value and where it is printed (normalised offsets)."""

    value: object
    start: int
    end: int


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str  # stripped

    @property
    def compact(self) -> str:
        return re.sub(r"\s+", "", self.text)


def lines(doc: Normalised) -> list[Line]:
    found, offset = [], 0
    for raw in doc.text.split("\n"):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        found.append(Line(offset + lead, offset + lead + len(stripped), stripped))
        offset += len(raw) + 1
    return found


def document_number(text: str) -> str:
    """A 发文字号 in its normal form: 〔〕, simplified script, no spaces."""
    m = NUMBER.search(text)
    if m is None:
        return text
    return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"


def parse_date(text: str) -> dt.date | None:
    m = DATE.search(text)
    if m is None:
        return None
    try:
        return dt.date(*(chinese_number(part) for part in m.groups()))
    except ValueError:  # 2月30日 and the like: not a date
        return None


class Layout:
    """Where the parts of the document are: the header (title, number, addressees) and the body."""

    HEADER_LINES = 60  # a portal page's furniture and metadata come first; the header is near the top

    def __init__(self, doc: Normalised) -> None:
        self.doc = doc
        self.lines = lines(doc)
        self.addressee_index = self._addressees()
        self.title = self._title_lines()
        if self.addressee_index is not None:
            self.body_start = self.lines[self.addressee_index].end
        elif self.title:
            self.body_start = self.lines[self.title[-1]].end
        else:
            self.body_start = 0

    def header(self) -> list[tuple[int, Line]]:
        """The lines where the document's own number may stand: above the addressees, or, when the
        text has no addressee line, the first lines of the page."""
        limit = self.addressee_index if self.addressee_index is not None else self.HEADER_LINES // 2
        return list(enumerate(self.lines[:limit]))

    def _addressees(self) -> int | None:
        for i, line in enumerate(self.lines[: self.HEADER_LINES]):
            text = line.compact
            if not text.endswith(":") or not 2 < len(text) <= 200 or NUMBER_FIELD.search(text):
                continue
            names = re.split(r"[,、]", text[:-1])
            if text[0] in "•-·*" or (len(names) == 1 and METADATA_LABEL.search(names[0])):
                continue  # a portal's metadata label (「• 发文机构:」), not a 主送机关
            if any(n.startswith("各") for n in names) or AGENCY_END.search(names[-1]):
                return i
        return None

    def addressee_lines(self) -> list[int]:
        """The addressee line, and the line before it when the names run over two lines."""
        if self.addressee_index is None:
            return []
        previous = _previous_text_line(self.lines, self.addressee_index)
        line = self.lines[self.addressee_index].compact
        if previous is not None and not line.startswith("各"):
            text = self.lines[previous].compact
            if text.startswith("各") and not re.search(r"[:。;]", text) and len(text) <= 120:
                return [previous, self.addressee_index]
        return [self.addressee_index]

    def _title_lines(self) -> list[int]:
        """The lines printing the title: the last line naming a document kind above the
        addressees (the first such line when there are none), with the lines above it that
        belong to it: up to the one saying 关于, and the issuer's name above that."""
        if self.addressee_index is not None:
            limit = self.addressee_index
        else:  # no addressee line: the title is above the signature's date and the 附注, if any
            closing = [
                i for i, line in enumerate(self.lines[:40]) if DATE.fullmatch(line.text) or LABEL.fullmatch(line.text)
            ]
            limit = closing[0] if closing else min(len(self.lines), 40)
        candidates = [i for i in range(limit) if _titleish(self.lines[i].compact)]
        if not candidates:
            return []
        end = candidates[-1] if self.addressee_index is not None else candidates[0]
        block = [end]
        if not _opens_title(self.lines[end].compact):
            i = end - 1
            while i >= 0 and len(block) < 4:
                text = self.lines[i].compact
                if not text:
                    i -= 1
                    continue
                if not _title_part(text):
                    break
                block.insert(0, i)
                i -= 1
                if _opens_title(text):
                    break
            if not _opens_title("".join(self.lines[j].compact for j in block)):
                block = [end]
        above = _previous_text_line(self.lines, block[0])
        if above is not None and _agency(self.lines[above].compact) and "关于" in self.lines[block[0]].compact[:4]:
            block.insert(0, above)
        return block


def _previous_text_line(all_lines: list[Line], index: int) -> int | None:
    i = index - 1
    while i >= 0 and not all_lines[i].text:
        i -= 1
    return i if i >= 0 else None


def _bare_title(text: str) -> str:
    return text[1:-1] if text.startswith("《") and text.endswith("》") else text


def _titleish(text: str) -> bool:
    text = _bare_title(text)
    return 4 <= len(text) <= 120 and bool(_KIND_END.search(text)) and not re.search(r"[|:;]", text)


def _opens_title(text: str) -> bool:
    return "关于" in text or _bare_title(text).startswith(("印发", "转发")) or "印发《" in text


def _title_part(text: str) -> bool:
    return (
        len(text) <= 60
        and not NUMBER.search(text)
        and not text.endswith("文件")
        and not re.search(r"[|:;>]|日期|时间", text)
        and not _KIND_END.search(text)
    )


def _agency(text: str) -> bool:
    return len(text) <= 30 and bool(AGENCY_END.search(text)) and not NUMBER.search(text)


_KIND_END = re.compile("(" + "|".join(sorted(KINDS, key=len, reverse=True)) + r")(?:\([^()]*\))?$")


def find_numbers(layout: Layout) -> Iterator[tuple[Hit, str]]:
    """Every reading of the document's own number, with where it was found."""
    doc = layout.doc
    seen = set()
    for i, line in layout.header():
        for m in NUMBER.finditer(doc.text, line.start, line.end):
            before = doc.text[line.start : m.start()]
            after = doc.text[m.end() : line.end].strip()
            if not before.strip() and (not after or after.startswith("签发人")):
                previous = _previous_text_line(layout.lines, i)
                labelled = previous is not None and NUMBER_FIELD.search(layout.lines[previous].text + ":")
                why = "网页的文号栏" if labelled else "单独成行"
            elif NUMBER_FIELD.search(before.rstrip() or ":"):
                why = "网页的文号栏"
            elif i in layout.title and before.rstrip().endswith("("):
                why = "标题后的括号"
            else:
                continue
            seen.add(m.start())
            yield Hit(document_number(m.group(0)), m.start(), m.end()), why
    # A portal's 文号 field may stand below the title, beside the other metadata.
    for i, line in enumerate(layout.lines[: Layout.HEADER_LINES]):
        for m in NUMBER.finditer(doc.text, line.start, line.end):
            if m.start() in seen:
                continue
            before = doc.text[line.start : m.start()]
            previous = _previous_text_line(layout.lines, i)
            bare = not before.strip() and not doc.text[m.end() : line.end].strip()
            if NUMBER_FIELD.search(before.rstrip() or "-") or (
                bare and previous is not None and NUMBER_FIELD.search(layout.lines[previous].compact)
            ):
                yield Hit(document_number(m.group(0)), m.start(), m.end()), "网页的文号栏"


def cited_documents(layout: Layout) -> list[Hit]:
    """Documents the body cites: every number after the header (a decree's 令第N号 too), with
    the 《title》 printed just before it when there is one."""
    doc = layout.doc
    found = []
    own = {hit.start for hit, _ in find_numbers(layout)}
    for m in _CITED_NUMBER.finditer(doc.text, layout.body_start):
        if any(m.start() <= s < m.end() for s in own):
            continue
        number = document_number(_trim_context(m.group(0)))
        before = doc.text[max(layout.body_start, m.start() - 160) : m.start()]
        title = re.search(r"《([^《》]{2,150})》\s*[(]?\s*(?:[^()《》]{0,20}、)?$", before)
        start = m.start() + len(m.group(0)) - len(_trim_context(m.group(0)))
        found.append(Hit({"title": title.group(1) if title else None, "number": number}, start, m.end()))
    return found


# The 机关代字 before a cited number runs into the sentence (按照县委浮字〔2018〕30号): words that
# introduce a citation are not part of it.
_LEADING = re.compile(
    r"^(?:根据|按照|依据|依照|参照|对照|结合|落实|执行|贯彻|以及|和|及|与|按|据|经|见|即|并|或|的|将|对|由|在|为|是|以|如)+"
)
_DECREE = r"[\u4e00-\u9fff]{1,12}?令第\s*\d{1,4}\s*号"
_CITED_NUMBER = re.compile(rf"{NUMBER.pattern}|{_DECREE}")


def _trim_context(text: str) -> str:
    trimmed = _LEADING.sub("", text)
    return trimmed if trimmed else text


def written_on(layout: Layout, label: Hit | None) -> list[Hit]:
    """Dates alone on their line after the title (the 成文日期 sits under the signature)."""
    dated = []
    start = layout.body_start if layout.addressee_index is not None else 0
    for line in layout.lines:
        if line.start < start or not line.text:
            continue
        m = DATE.fullmatch(line.text)
        if m and (day := parse_date(m.group(0))):
            dated.append(Hit(day, line.start, line.end))
    if label is not None and dated:
        near = [h for h in dated if abs(h.end - label.start) <= 80 or abs(label.end - h.start) <= 80]
        if near:
            return [min(near, key=lambda h: min(abs(h.end - label.start), abs(label.end - h.start)))]
    return dated[:1] if len(dated) <= 1 else dated


def signature(layout: Layout, date: Hit | None) -> list[Hit]:
    """The 发文机关署名: agency names on the lines just above the 成文日期 (several: joint issuance)."""
    if date is None:
        return []
    index = next(i for i, line in enumerate(layout.lines) if line.start == date.start)
    names: list[Hit] = []
    i = _previous_text_line(layout.lines, index)
    while i is not None and len(names) < 3:
        line = layout.lines[i]
        parts = [p for p in re.split(r"\s{2,}", line.text) if p]
        if not all(_agency(p) for p in parts):
            break
        offset, on_line = line.start, []
        for p in parts:
            at = layout.doc.text.index(p, offset)
            on_line.append(Hit(p, at, at + len(p)))
            offset = at + len(p)
        names[:0] = on_line
        i = _previous_text_line(layout.lines, i)
    return names
