"""The State Council's holiday notices read from their own text.

Each year the General Office publishes 「国务院办公厅关于YYYY年部分节假日安排的通知」: one
numbered item per festival, e.g. 「二、春节：2月15日至22日放假调休，共8天。2月14日（星期日）、
2月28日（星期六）上班。」. ``read_notice`` turns such a text into the holidays (放假, 补休) and
the make-up working days (上班) of each item, and refuses — ``NoticeError``, one Chinese line —
any text it cannot read completely:

- every weekday the text states (「（星期日）」「（周六）」) must be the date's real weekday;
- every festival the notice must arrange (those its preamble lists, else those of the
  《全国年节及纪念日放假办法》 in force) needs an item with a readable holiday date;
- an item cut off mid-sentence (a date after its last 「。」) is not read as far as it goes:
  a partial arrangement would make a wrong calendar, so the notice is refused;
- a stated count (「共8天」「放假3天」) must be the number of holidays read; a make-up day must
  fall on a weekend and not on a holiday.

Traditional script is converted with OpenCC, full-width punctuation folded (NFKC), pinyin
glosses that reposting tools insert (「節(jié)」) dropped. The few Chinese numerals notices use
(「共三天」, 「二〇〇六年十二月十四日」) are read by cn2an (``reader.numerals``), imported only when a
notice has one.
Older notices (2007–2009) state make-up days as weekends moved into the holiday
(「将9月27日（星期六）、9月28日（星期日）两个公休日调至9月29日、30日」): a weekend moved
from outside the holiday is a working day, whether or not a 「…上班」 sentence repeats it.

Supplementary notices amend one year: 「关于调整2019年劳动节假期安排的通知」 replaces the
named festival's arrangement, 「延长2020年春节假期至2月2日」 extends it (make-up days inside
the extension become holidays). ``amend`` applies them to the year's notice.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache

import opencc

from gongkai.reader import numerals

ONE_DAY = dt.timedelta(days=1)

# Canonical festival names, and how notices have written them.
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
_SPELLINGS = (  # longest first: 「国际劳动节」 before 「劳动节」
    ("国际劳动节", "劳动节"),
    ("劳动节", "劳动节"),
    ("五一", "劳动节"),
    ("国庆节", "国庆节"),
    ("十一", "国庆节"),
    ("元旦", "元旦"),
    ("春节", "春节"),
    ("清明", "清明节"),
    ("端午", "端午节"),
    ("中秋", "中秋节"),
    ("国庆", "国庆节"),
)
# 《全国年节及纪念日放假办法》: the 1999 text had four holidays; the 2007 amendment (in force
# 2008-01-01) added 清明、端午、中秋. A yearly notice arranges every one of them.
_FESTIVALS_FROM_2008 = FESTIVALS
_FESTIVALS_BEFORE_2008 = ("元旦", "春节", "劳动节", "国庆节")

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_ITEM_NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


class NoticeError(ValueError):
    """A notice text that cannot be read completely; the message is one Chinese line."""


class NoticeKind(StrEnum):
    yearly = "yearly"  # 关于YYYY年部分节假日安排的通知
    amendment = "amendment"  # 关于调整/延长YYYY年…假期(安排)的通知


@dataclass(frozen=True)
class Arrangement:
    """One item: the festivals it arranges, its holidays and its make-up working days.

    An extension (「延长…假期至2月2日」) carries ``extends_to`` and no days of its own.
    """

    festivals: tuple[str, ...]
    holidays: tuple[dt.date, ...] = ()
    working_days: tuple[dt.date, ...] = ()
    extends_to: dt.date | None = None
    amended_by: str | None = None  # the title of the supplementary notice that set these days

    @property
    def name(self) -> str:
        return "、".join(self.festivals)


@dataclass(frozen=True)
class Notice:
    year: int
    kind: NoticeKind
    title: str | None  # as the text prints it; None when the text has no title
    number: str | None  # 文号, e.g. 国办发明电〔2018〕15号
    signed_on: dt.date | None  # the date under the signature
    published: str | None  # a URL the text starts with (copies from web pages often do)
    arrangements: tuple[Arrangement, ...]

    def standard_title(self) -> str | None:
        """The title, or for a yearly notice without one the title every yearly notice has."""
        if self.title is None and self.kind is NoticeKind.yearly:
            return f"国务院办公厅关于{self.year}年部分节假日安排的通知"
        return self.title


# --- normalising the text ------------------------------------------------------------

_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)")  # 「節(jié)」: a gloss, not text


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified script, ASCII punctuation and digits, no pinyin glosses, lines stripped."""
    text = unicodedata.normalize("NFKC", text.replace("\ufeff", ""))  # full-width ，：（）０-９ → ASCII
    text = _t2s().convert(text)
    text = _PINYIN.sub("", text)
    text = text.replace("○", "〇").replace("－", "-").replace("〜", "~")
    return "\n".join(line.strip() for line in text.splitlines())


# --- the notice as a whole -----------------------------------------------------------

_TITLE = re.compile(r"国务院办公厅关于((?:调整|延长)?(\d{4})年[^。:,]{1,24}?)的通知")
_NUMBER = re.compile(r"国办发明?电[\[〔(](\d{4})[\]〕)](\d+)号")
_CN_DATE = r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
_SIGNATURE = re.compile(rf"国务院办公厅(\d{{4}}年\d{{1,2}}月\d{{1,2}}日|{_CN_DATE})")
_URL = re.compile(r"^(https?://\S+)")
_YEARLY = re.compile(r"(\d{4})年部分节假日")
_PREAMBLE = re.compile(r"现将(\d{4})年(.{2,60}?)放假调休日期")
_PREAMBLE_WIRE = re.compile(r"批准,(\d{4})年,(.{2,60}?)放假调休日期")  # 2008: 「经国务院批准，2008年，元旦、…」
_AMEND_TITLE = re.compile(r"关于(调整|延长)(\d{4})年(.{2,12}?)(?:假期|放假)")
_AMEND_PREAMBLE = re.compile(r"现将(调整)(\d{4})年(.{2,12}?)(?:假期|放假)安排")
_EXTEND = re.compile(r"延长(\d{4})年(.{2,12}?)假期至")


def read_notice(text: str, year: int | None = None) -> Notice:
    """Read a notice; ``year`` is needed only when the text does not name its year (a body
    copied without title or preamble). Raises NoticeError with the reason."""
    norm = normalise(text)
    if not norm.strip():
        raise NoticeError("通知原文是空的")
    flat = re.sub(r"\s+", "", norm)
    title_match = _TITLE.search(flat)
    title = f"国务院办公厅关于{title_match.group(1)}的通知" if title_match else None
    kind, named_year, festivals = _kind_year_festivals(flat)
    if named_year is not None and year is not None and named_year != year:
        raise NoticeError(f"通知写的是 {named_year} 年，不是指定的 {year} 年")
    year = named_year if named_year is not None else year
    if year is None:
        raise NoticeError("无法确定通知所属年份：原文没有标题，也没有「现将YYYY年……」，请指明年份")
    if not 1949 < year < 10000:
        raise NoticeError(f"年份 {year} 不可能是放假通知的年份")
    number = _NUMBER.search(flat)
    url = _URL.match(norm.lstrip())
    arrangements = _read_items(norm, year, kind, festivals)
    notice = Notice(
        year=year,
        kind=kind,
        title=title,
        number=f"国办发明电〔{number.group(1)}〕{number.group(2)}号" if number else None,
        signed_on=_signature_date(flat),
        published=url.group(1) if url else None,
        arrangements=arrangements,
    )
    _check_whole(notice, festivals)
    return notice


def _kind_year_festivals(flat: str) -> tuple[NoticeKind, int | None, tuple[str, ...] | None]:
    """Yearly or amendment, the year the text names, and the festivals it must arrange (None:
    those of the 放假办法 in force)."""
    for pattern in (_AMEND_TITLE, _AMEND_PREAMBLE):
        found = pattern.search(flat)
        if found:
            names = festival_names(found.group(3))
            if not names:
                raise NoticeError(f"看不出「{found.group(0)}」调整的是哪个节日")
            return NoticeKind.amendment, int(found.group(2)), names
    extend = _EXTEND.search(flat)
    if extend and not _YEARLY.search(flat):
        return NoticeKind.amendment, int(extend.group(1)), festival_names(extend.group(2)) or None
    for pattern in (_PREAMBLE, _PREAMBLE_WIRE):
        found = pattern.search(flat)
        if found:
            return NoticeKind.yearly, int(found.group(1)), festival_names(found.group(2)) or None
    found = _YEARLY.search(flat)
    return NoticeKind.yearly, int(found.group(1)) if found else None, None


def festival_names(text: str) -> tuple[str, ...]:
    """The canonical festivals named in ``text``, in order, each once."""
    names: list[str] = []
    rest = text
    while rest:
        for spelling, name in _SPELLINGS:
            if rest.startswith(spelling):
                if name not in names:
                    names.append(name)
                rest = rest[len(spelling) :]
                break
        else:
            rest = rest[1:]
    return tuple(names)


def _signature_date(flat: str) -> dt.date | None:
    found = list(_SIGNATURE.finditer(flat))
    if not found:
        return None
    y, m, d = (chinese_number(n) for n in re.split("[年月日]", found[-1].group(1))[:3])
    try:
        return dt.date(y, m, d)
    except ValueError as exc:
        raise NoticeError(f"落款日期「{found[-1].group(1)}」不是有效日期") from exc


def chinese_number(text: str) -> int:
    """「14」, 「十四」, 「三十一」, 「两」, 「二〇〇六」 (digit by digit, as years are written) → int."""
    try:
        return numerals.chinese_number(text)
    except ValueError as exc:
        raise NoticeError(f"「{text}」不是可读的数") from exc


def _check_whole(notice: Notice, named: tuple[str, ...] | None) -> None:
    if notice.kind is NoticeKind.yearly:
        required = named or (_FESTIVALS_FROM_2008 if notice.year >= 2008 else _FESTIVALS_BEFORE_2008)
    else:
        required = named or ()
    arranged = [f for a in notice.arrangements for f in a.festivals]
    missing = [f for f in required if f not in arranged]
    if missing:
        raise NoticeError(f"通知缺少{'、'.join(missing)}的安排（应有{'、'.join(required)}），原文不完整")
    if not notice.arrangements:
        raise NoticeError("通知中没有读到任何放假安排")
    twice = sorted({f for f in arranged if arranged.count(f) > 1}, key=FESTIVALS.index)
    if twice:
        raise NoticeError(f"{'、'.join(twice)}在通知中安排了两次")
    _check_days(notice.arrangements)


def _check_days(arrangements: Iterable[Arrangement]) -> None:
    holidays: dict[dt.date, str] = {}
    for a in arrangements:
        for day in a.holidays:
            if day in holidays:
                raise NoticeError(f"{_cn(day)}在{holidays[day]}和{a.name}中都是放假日")
            holidays[day] = a.name
    for a in arrangements:
        for day in a.working_days:
            if day in holidays:
                raise NoticeError(f"{_cn(day)}既是{holidays[day]}的放假日，又是{a.name}的上班日")


# --- items -----------------------------------------------------------------------------


def _read_items(norm: str, year: int, kind: NoticeKind, named: tuple[str, ...] | None) -> tuple[Arrangement, ...]:
    items = list(_items(norm))
    if not items and kind is NoticeKind.amendment:  # a body copied without its item number
        items = [(1, line) for line in norm.splitlines() if _DATE.search(line)]
    arrangements = []
    for number, item in items:
        arrangement = _read_item(number, item, year, kind, named)
        if arrangement is not None:
            arrangements.append(arrangement)
    return tuple(arrangements)


_MARKER = re.compile(r"(?:^|(?<=。))\s*(十[一二]|[一二三四五六七八九十])、", re.MULTILINE)


def _items(norm: str) -> Iterator[tuple[int, str]]:
    """(number, text) of each numbered item, in order: from 「一、」 to the next number, to the
    signature (「国务院办公厅」) or to the end. A number skipped is an item missing; a number
    already seen (a list inside a sentence) is text.
    Lines are joined without a space: copies wrap lines inside dates (「2月2\\n日」)."""
    starts: list[tuple[int, int, int]] = []  # (number, start of the marker, start of the text)
    for m in _MARKER.finditer(norm):
        number = _ITEM_NUMBERS.index(m.group(1)) + 1
        if number == len(starts) + 1:
            starts.append((number, m.start(), m.end()))
        elif number > len(starts) + 1 and starts:
            raise NoticeError(f"通知的序号不连续：第{_ITEM_NUMBERS[len(starts) - 1]}项之后是第{m.group(1)}项")
    for i, (number, _, text_start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(norm)
        text = norm[text_start:end]
        signature = re.search(r"(?:^|(?<=。))\s*国务院办公厅", text, re.MULTILINE)
        if signature:
            text = text[: signature.start()]
        yield number, re.sub(r"\s*\n\s*", "", text).strip()


_DATE = re.compile(r"(?<!\d)(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日")
_RANGE = re.compile(r"^\s*(?:至|到|-|—|–|~)\s*$")
_COUNT = re.compile(r"(?:共|放假)([0-9一二两三四五六七八九十]+)天")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WEEKDAY = re.compile(r"(?:星期|周|礼拜)([一二三四五六日天])")


@dataclass
class _Date:
    day: dt.date
    text: str  # as written, with its parenthesis
    start: int
    end: int  # after its parenthesis, if any


@dataclass
class _Reading:
    """What one item says, gathered clause by clause."""

    holidays: list[dt.date] = field(default_factory=list)
    working_days: list[dt.date] = field(default_factory=list)
    moved: list[tuple[_Date, list[_Date]]] = field(default_factory=list)  # 公休日 → 调至 days
    counts: list[int] = field(default_factory=list)
    extends_to: dt.date | None = None


def _read_item(
    number: int, item: str, year: int, kind: NoticeKind, named: tuple[str, ...] | None
) -> Arrangement | None:
    where = f"第{_ITEM_NUMBERS[number - 1]}项"
    first_date = _DATE.search(item)
    head = item[: first_date.start()] if first_date else item
    festivals = festival_names(head.split(":")[0])
    if first_date is None:
        if kind is NoticeKind.amendment:
            return None  # 「二、各地区、各部门要抓紧做好……」: not an arrangement
        raise NoticeError(f"{where}（{'、'.join(festivals) or head[:20]}）没有可读的日期")
    if not festivals:
        if kind is NoticeKind.yearly or not named:
            raise NoticeError(f"{where}（{item[:20]}）没有写明是哪个节日")
        festivals = named
    where = f"{where}（{'、'.join(festivals)}）"
    # After the item's last 「。」 there may only be noise a web page added (ASCII junk): any
    # word or date there is a sentence cut off.
    body, tail = item[: item.rfind("。") + 1], item[item.rfind("。") + 1 :]
    if _DATE.search(tail) or _CJK.search(tail):
        raise NoticeError(f"{where}在句中中断（「…{item[-24:]}」），原文不完整")
    sentences = re.split(r"[。;]", body)[:-1]  # never inside parentheses: a bracket left open is an error
    context = _Context(year, december_is_last_year=any(m.group(2) == "1" for m in _DATE.finditer(item)))
    reading = _Reading()
    for sentence in sentences:
        if "(" in _unbracketed(sentence) or ")" in _unbracketed(sentence):
            raise NoticeError(f"{where}的括号不配对：「{sentence[:40]}」")
        for clause in _split_top(sentence, ","):
            _read_clause(where, clause, context, reading)
    return _arrangement(where, festivals, reading, year)


def _split_top(text: str, separators: str) -> list[str]:
    """Split at separators outside parentheses; the last part is what follows the last one."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch in separators and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _unbracketed(sentence: str) -> str:
    """The sentence with every balanced (…) removed: any bracket left is unbalanced."""
    previous = None
    while previous != sentence:
        previous, sentence = sentence, re.sub(r"\([^()]*\)", "", sentence)
    return sentence


class _Context:
    """Fills in what a date leaves out. 「24日」 takes the year and month of the date before it;
    「12月30日」 without a year is in the notice's year, except in an item that also names
    January (元旦 across the new year), where December is the year before; a range's end in
    an earlier month than its start is in the next year."""

    def __init__(self, year: int, december_is_last_year: bool) -> None:
        self.year = year
        self.december_is_last_year = december_is_last_year
        self.last: dt.date | None = None

    def date(self, m: re.Match[str], after: dt.date | None = None) -> dt.date:
        y, mo, d = m.group(1), m.group(2), int(m.group(3))
        if mo is None:
            if self.last is None:
                raise NoticeError(f"「{m.group(0)}」没有写月份，前文也没有")
            year, month = self.last.year, self.last.month
        else:
            month = int(mo)
            if y is not None:
                year = int(y)
            elif after is not None:
                year = after.year + (1 if month < after.month else 0)
            else:
                year = self.year - 1 if month == 12 and self.december_is_last_year else self.year
        try:
            day = dt.date(year, month, d)
        except ValueError as exc:
            raise NoticeError(f"「{m.group(0)}」不是有效日期") from exc
        self.last = day
        return day


def _dates(clause: str, context: _Context, where: str) -> list[list[_Date]]:
    """The dates of a clause as runs: a single date, or a range's two ends. Each stated
    weekday is checked against the calendar."""
    found: list[_Date] = []
    pos = 0
    runs: list[list[_Date]] = []
    while True:
        m = _DATE.search(clause, pos)
        if m is None:
            break
        end = m.end()
        if clause.startswith("(", end):
            close = _closing(clause, end)
            end = close + 1
        is_range_end = bool(found) and _RANGE.match(clause[found[-1].end : m.start()]) is not None
        day = context.date(m, after=found[-1].day if is_range_end else None)
        date = _Date(day, clause[m.start() : end], m.start(), end)
        _check_weekday(date, where)
        if is_range_end:
            if day < runs[-1][0].day:
                raise NoticeError(f"{where}的日期范围「{runs[-1][0].text}至{date.text}」倒置")
            runs[-1].append(date)
        else:
            runs.append([date])
        found.append(date)
        pos = end
    return runs


def _closing(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text) - 1  # unbalanced: the sentence check reports it


def _check_weekday(date: _Date, where: str) -> None:
    stated = _WEEKDAY.findall(date.text[date.text.index("日") + 1 :])
    for name in stated:
        if _WEEKDAYS[name] != date.day.weekday():
            raise NoticeError(f"{where}「{date.text}」与日历不符：{_cn(date.day)}是{WEEKDAY_NAMES[date.day.weekday()]}")


def _days(runs: list[list[_Date]]) -> list[dt.date]:
    days = []
    for run in runs:
        day, last = run[0].day, run[-1].day
        while day <= last:
            days.append(day)
            day += ONE_DAY
    return days


def _read_clause(where: str, clause: str, context: _Context, reading: _Reading) -> None:
    runs = _dates(clause, context, where)
    bare = _unbracketed(clause)
    for count in _COUNT.findall(bare):
        reading.counts.append(chinese_number(count))
    if not runs:
        return
    if "延长" in bare and "假期至" in bare:
        reading.extends_to = runs[-1][-1].day
    elif "调至" in bare:
        split = clause.index("调至")
        sources = [d for run in runs for d in run if d.end <= split]
        targets = [d for run in runs for d in run if d.start > split]
        reading.moved += [(s, targets) for s in sources]
    elif "放假" in bare or "补休" in bare:
        reading.holidays += _days(runs)
    elif "上班" in bare and "正常上班" not in bare and "起上班" not in bare:
        reading.working_days += _days(runs)
    # else: 为法定节假日、照常公休、与周末连休、起正常上班 …: explanations; weekdays checked above


def _arrangement(where: str, festivals: tuple[str, ...], reading: _Reading, year: int) -> Arrangement:
    holidays = sorted(set(reading.holidays))
    working = set(reading.working_days)
    if reading.extends_to is not None:
        if holidays or working:
            raise NoticeError(f"{where}既延长假期又另列日期，无法读出")
        return Arrangement(festivals, extends_to=reading.extends_to)
    if not holidays:
        raise NoticeError(f"{where}没有可读的放假日期")
    for source, targets in reading.moved:
        for target in targets:
            if target.day not in holidays:
                raise NoticeError(f"{where}把公休日调至「{target.text}」，但这一天不在放假日期内")
        if source.day not in holidays:  # a weekend moved into the holiday is worked
            working.add(source.day)
    stated = [c for c in reading.counts if c != len(holidays)]
    if stated:
        raise NoticeError(f"{where}写明共{stated[0]}天，但读出的放假日期有{len(holidays)}天")
    for day in sorted(working):
        if day.weekday() < 5:
            raise NoticeError(f"{where}的上班日{_cn(day)}是{WEEKDAY_NAMES[day.weekday()]}，不是周末，不是调休")
    for day in (*holidays, *working):
        if not dt.date(year - 1, 12, 1) <= day <= dt.date(year, 12, 31):
            raise NoticeError(f"{where}的日期{_cn(day)}不在 {year} 年的安排范围内")
    return Arrangement(festivals, tuple(holidays), tuple(sorted(working)))


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- amendments ------------------------------------------------------------------------


def amend(year_notice: Notice, *amendments: Notice) -> tuple[Arrangement, ...]:
    """The year's arrangements with the supplementary notices applied in order."""
    arrangements = list(year_notice.arrangements)
    for amendment in amendments:
        if amendment.kind is not NoticeKind.amendment or amendment.year != year_notice.year:
            raise NoticeError(f"「{amendment.standard_title()}」不是对 {year_notice.year} 年安排的调整")
        title = amendment.standard_title()
        for change in amendment.arrangements:
            index = next((i for i, a in enumerate(arrangements) if set(change.festivals) & set(a.festivals)), None)
            if index is None:
                raise NoticeError(f"「{title}」调整的{change.name}在 {year_notice.year} 年的通知中没有安排")
            arrangements[index] = _changed(arrangements[index], change, title)
    _check_days(arrangements)
    return tuple(arrangements)


def _changed(base: Arrangement, change: Arrangement, title: str | None) -> Arrangement:
    if change.extends_to is None:
        return replace(base, holidays=change.holidays, working_days=change.working_days, amended_by=title)
    first, last = base.holidays[0], change.extends_to
    if last <= base.holidays[-1]:
        raise NoticeError(f"「{title}」把{base.name}延长至{_cn(last)}，但原安排已到{_cn(base.holidays[-1])}")
    holidays, day = set(base.holidays), first
    while day <= last:
        holidays.add(day)
        day += ONE_DAY
    working = tuple(d for d in base.working_days if not first <= d <= last)
    return replace(base, holidays=tuple(sorted(holidays)), working_days=working, amended_by=title)
