"""The State Council's holiday notices read from their own text (periods/notices.py), compared
day by day with the chinesecalendar package, and the notices that must be refused.

The texts are in tests/calendar_notices/ (SOURCES.md says where each comes from): whole web
copies with ASCII punctuation, bodies with the original full-width punctuation, traditional
script (clean and pinyin-glossed), a forum copy with junk between the lines, partial copies.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import chinese_calendar
import pytest

from gongkai.periods.notices import (
    Arrangement,
    NoticeError,
    NoticeKind,
    amend,
    chinese_number,
    normalise,
    read_notice,
)

NOTICES = Path(__file__).parent / "calendar_notices"
D = dt.date

# Partial copies (SOURCES.md): cut off inside an item, or missing items. Refused, never read as
# far as they go: a year with an arrangement missing would count a holiday as a working day.
PARTIAL = {
    "2008-partial.txt": "第六项（中秋节）在句中中断",
    "2009-partial.txt": "第六项（国庆节、中秋节）在句中中断",
    "2025-traditional.txt": "第六项（国庆节）没有可读的日期",
}
AMENDMENTS = {  # year → its supplementary notices, applied in this order
    2019: ["2019-labour-day-adjustment.txt"],
    2020: ["2020-spring-festival-extension-fullwidth-partial.txt"],
}
YEARLY = sorted(
    p.name
    for p in NOTICES.glob("*.txt")
    if p.name not in PARTIAL and "adjustment" not in p.name and "extension" not in p.name
)

# Where the notices and the package differ, each difference cited. Only one: the package
# also holds the one-off notice 《国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休
# 放假的通知》（国发明电〔2015〕1号, 2015-05-13: 「9月3日至5日调休放假，共3天。其中9月3日（星期四）
# 放假，9月4日（星期五）调休，9月6日（星期日）上班。」, e.g. https://wanbao.xyxww.com.cn/html/
# 2015-05/14/content_199427.htm), which is outside the yearly series this reader takes.
DOCUMENTED = {
    2015: {
        D(2015, 9, 3): ("ordinary", "holiday"),
        D(2015, 9, 4): ("ordinary", "holiday"),
        D(2015, 9, 6): ("ordinary", "make-up"),
    },
}


def text(name: str) -> str:
    return (NOTICES / name).read_text(encoding="utf-8")


def year_of(name: str) -> int:
    return int(name[:4])


def days(arrangements: tuple[Arrangement, ...]) -> tuple[set[dt.date], set[dt.date]]:
    holidays = {d for a in arrangements for d in a.holidays}
    working = {d for a in arrangements for d in a.working_days}
    return holidays, working


def arrangements_of(name: str) -> tuple[Arrangement, ...]:
    """The year's arrangements from this copy, with the year's amendments applied."""
    year = year_of(name)
    notice = read_notice(text(name), year=year)
    return amend(notice, *(read_notice(text(a)) for a in AMENDMENTS.get(year, [])))


def next_years_days(year: int) -> tuple[set[dt.date], set[dt.date]]:
    """Days of ``year`` the next year's notice names (the 2012 notice names 2011-12-31)."""
    for name in YEARLY:
        if year_of(name) == year + 1:
            holidays, working = days(arrangements_of(name))
            return {d for d in holidays if d.year == year}, {d for d in working if d.year == year}
    return set(), set()


def kind_of_day(day: dt.date, working: bool) -> str:
    """What a day is for counting: a weekday off, a weekend worked, or neither.

    A weekend day inside or beside a holiday is off either way: the package names the
    weekend of 「与周末连休」 a holiday in some years (2019-04-06) and not in others
    (2014-05-31), and leaves one weekend day inside a range unnamed (2011-06-05); the
    notices name the days they name. Only what changes a count is compared."""
    if day.weekday() < 5:
        return "ordinary" if working else "holiday"
    return "make-up" if working else "ordinary"


@pytest.mark.parametrize("name", YEARLY)
def test_every_notice_agrees_with_chinesecalendar_day_by_day(name: str) -> None:
    year = year_of(name)
    assert year in range(2007, 2027)  # every file here is a year the package covers
    holidays, working = days(arrangements_of(name))
    spill_holidays, spill_working = next_years_days(year)
    holidays |= spill_holidays
    working |= spill_working
    differences = {}
    day = D(year, 1, 1)
    while day.year == year:
        ours = kind_of_day(day, day in working or (day.weekday() < 5 and day not in holidays))
        theirs = kind_of_day(day, chinese_calendar.is_workday(day))
        if ours != theirs:
            differences[day] = (ours, theirs)
        day += dt.timedelta(days=1)
    assert differences == DOCUMENTED.get(year, {})


@pytest.mark.parametrize("name", YEARLY)
def test_every_make_up_day_and_weekday_holiday_is_one_the_package_names(name: str) -> None:
    """The labels too, where they matter: each make-up day is the package's, and each holiday
    on a weekday (the days that change a count) is one of the package's holidays."""
    holidays, working = days(arrangements_of(name))
    assert working <= set(chinese_calendar.workdays)
    assert {d for d in holidays if d.weekday() < 5} <= set(chinese_calendar.holidays)


def test_the_notices_cover_every_year_from_2007_to_2026() -> None:
    assert {year_of(n) for n in YEARLY} == set(range(2007, 2027))


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        ("2011.txt", "2011-traditional.txt"),
        ("2023.txt", "2023-traditional.txt"),
        ("2017.txt", "2017-traditional-pinyin-glossed.txt"),
    ],
)
def test_traditional_script_reads_as_the_simplified_text(simplified: str, traditional: str) -> None:
    assert re.search("[國辦節勞動]", text(traditional))  # really traditional script
    ours, theirs = read_notice(text(simplified)), read_notice(text(traditional))
    assert theirs.arrangements == ours.arrangements
    assert (theirs.year, theirs.title) == (ours.year, ours.title)
    if theirs.number is not None:
        assert theirs.number == ours.number


@pytest.mark.parametrize("year", range(2007, 2027))
def test_the_full_width_body_reads_as_the_web_copy(year: int) -> None:
    """The body with the original punctuation (，：（）) and a copy with ASCII punctuation agree."""
    body = NOTICES / f"{year}-fullwidth-body.txt"
    assert "：" in body.read_text(encoding="utf-8")
    web = [n for n in YEARLY if year_of(n) == year and "fullwidth" not in n]
    if not web:
        pytest.skip(f"no whole copy of {year} that can be read (SOURCES.md)")
    assert read_notice(body.read_text(encoding="utf-8"), year=year).arrangements == arrangements_of_notice(web[0])


def arrangements_of_notice(name: str) -> tuple[Arrangement, ...]:
    return read_notice(text(name), year=year_of(name)).arrangements


def test_a_whole_notice_gives_its_title_number_and_signature_date() -> None:
    notice = read_notice(text("2024.txt"))
    assert (notice.year, notice.kind) == (2024, NoticeKind.yearly)
    assert notice.title == "国务院办公厅关于2024年部分节假日安排的通知"  # printed on two lines
    assert notice.number == "国办发明电〔2023〕7号"
    assert notice.signed_on == D(2023, 10, 25)
    old = read_notice(text("2007.txt"))  # 「二〇〇六年十二月十四日」
    assert (old.number, old.signed_on) == ("国办发明电〔2006〕49号", D(2006, 12, 14))
    noisy = read_notice(text("2013-noisy-forum-repost.txt"))  # 「国 办 发明电〔2012〕33号」 amid junk
    assert (noisy.number, noisy.signed_on) == ("国办发明电〔2012〕33号", D(2012, 12, 8))


def test_holidays_across_the_new_year_and_make_up_days_of_the_year_before() -> None:
    jan = read_notice(text("2019-fullwidth-body.txt"), year=2019).arrangements[0]  # 「12月30日至1月1日」
    assert (jan.festivals, jan.holidays, jan.working_days) == (
        ("元旦",),
        (D(2018, 12, 30), D(2018, 12, 31), D(2019, 1, 1)),
        (D(2018, 12, 29),),
    )
    assert read_notice(text("2012.txt")).arrangements[0].working_days == (D(2011, 12, 31),)


def test_the_phrasings_of_each_period() -> None:
    by_festival = {a.name: a for a in read_notice(text("2014.txt")).arrangements}
    assert by_festival["清明节"].holidays == (D(2014, 4, 5), D(2014, 4, 7))  # 「4月5日放假，4月7日（星期一）补休」
    assert by_festival["端午节"].holidays == (D(2014, 6, 2),)  # 「6月2日放假，与周末连休」
    national_day = read_notice(text("2008-fullwidth-body.txt"), year=2008).arrangements[-1]
    # 2008: 「9月27日（星期六）、9月28日（星期日）两个公休日调至9月29日（星期一）、30日（星期二）」 and
    # no 「…上班」 sentence: a weekend moved into the holiday is worked.
    assert national_day.working_days == (D(2008, 9, 27), D(2008, 9, 28))
    may = read_notice(text("2007.txt")).arrangements[2]  # 「三、“五一”：5月1日—7日放假」
    assert (may.festivals, may.holidays[0], may.holidays[-1]) == (("劳动节",), D(2007, 5, 1), D(2007, 5, 7))


def test_a_notice_collapsed_onto_one_line_reads_the_same() -> None:
    assert read_notice(text("2026.txt").replace("\n", "")).arrangements == read_notice(text("2026.txt")).arrangements


# --- amendments -------------------------------------------------------------------------


def test_the_2019_labour_day_adjustment_replaces_that_festival_only() -> None:
    year = read_notice(text("2019.txt"))
    adjustment = read_notice(text("2019-labour-day-adjustment.txt"))
    assert (adjustment.kind, adjustment.year) == (NoticeKind.amendment, 2019)
    amended = {a.name: a for a in amend(year, adjustment)}
    labour = amended["劳动节"]
    assert labour.holidays == (D(2019, 5, 1), D(2019, 5, 2), D(2019, 5, 3), D(2019, 5, 4))
    assert labour.working_days == (D(2019, 4, 28), D(2019, 5, 5))
    assert labour.amended_by == "国务院办公厅关于调整2019年劳动节假期安排的通知"
    assert {n: a for n, a in amended.items() if n != "劳动节"} == {
        a.name: a for a in year.arrangements if a.name != "劳动节"
    }
    body_only = read_notice(text("2019-labour-day-adjustment-fullwidth-partial.txt"))
    assert body_only.arrangements[0].holidays == labour.holidays  # the same item, without its number


def test_the_2020_extension_turns_the_make_up_saturday_into_a_holiday() -> None:
    year = read_notice(text("2020.txt"))
    spring = {a.name: a for a in year.arrangements}["春节"]
    assert D(2020, 2, 1) in spring.working_days
    extension = read_notice(text("2020-spring-festival-extension-fullwidth-partial.txt"))
    (extended,) = [a for a in amend(year, extension) if a.name == "春节"]
    assert extended.holidays == tuple(D(2020, 1, 24) + dt.timedelta(days=k) for k in range(10))  # to 2月2日
    assert extended.working_days == (D(2020, 1, 19),)  # 2月1日 is a holiday now; 2月3日 (Monday) is no make-up day


def test_an_amendment_that_does_not_fit_the_year_is_refused() -> None:
    with pytest.raises(NoticeError, match="不是对 2020 年安排的调整"):
        amend(read_notice(text("2020.txt")), read_notice(text("2019-labour-day-adjustment.txt")))
    shorter = read_notice("延长2019年春节假期至2月9日（农历正月初五，星期六），2月11日（星期一）起正常上班。")
    with pytest.raises(NoticeError, match="延长至2019年2月9日，但原安排已到2019年2月10日"):
        amend(read_notice(text("2019.txt")), shorter)


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PARTIAL))
def test_a_partial_copy_is_refused_with_the_reason(name: str) -> None:
    with pytest.raises(NoticeError, match=re.escape(PARTIAL[name])):
        read_notice(text(name), year=year_of(name))


@pytest.mark.parametrize(
    ("name", "stated", "wrong", "reason"),
    [
        ("2026.txt", "2月14日(周六)", "2月14日(周日)", "「2月14日(周日)」与日历不符：2026年2月14日是周六"),
        ("2024-fullwidth-body.txt", "9月29日（星期日）", "9月29日（星期一）", "2024年9月29日是周日"),
        ("2011-traditional.txt", "4月2日(星期六)", "4月2日(星期五)", "2011年4月2日是周六"),
        ("2026.txt", "至23日(农历正月初七、周一)", "至23日(农历正月初七、周二)", "2026年2月23日是周一"),
    ],
)
def test_a_notice_with_a_wrong_weekday_is_refused(name: str, stated: str, wrong: str, reason: str) -> None:
    original = text(name)
    assert stated in original
    read_notice(original, year=year_of(name))  # the text as published is read
    with pytest.raises(NoticeError, match=re.escape(reason)):
        read_notice(original.replace(stated, wrong), year=year_of(name))


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (("五、端午节:6月19日(周五)至21日(周日)放假,共3天。", ""), "通知的序号不连续：第四项之后是第六项"),
        (
            ("七、国庆节:10月1日(周四)至7日(周三)放假调休,共7天。9月20日(周日)、10月10日(周六)上班。", ""),
            "缺少国庆节的安排",
        ),
        (("共9天", "共8天"), "第二项（春节）写明共8天，但读出的放假日期有9天"),
        (("5月9日(周六)上班", "5月11日(周一)上班"), "上班日2026年5月11日是周一，不是周末"),
        (("5月9日(周六)上班", "5月2日(周六)上班"), "2026年5月2日既是劳动节的放假日，又是劳动节的上班日"),
        (("六、中秋节:9月25日(周五)至27日(周日)放假", "六、中秋节:放假"), "第六项（中秋节）没有可读的日期"),
        (("至23日(农历正月初七、周一)", "至2月13日(农历正月初七)"), "日期范围「2月15日(农历腊月二十八、周日)至2月13日"),
        (("2月14日(周六)", "2月14日(周六"), "括号不配对"),
        (("2026年元旦", "2027年元旦"), "通知写的是 2027 年，不是指定的 2026 年"),
    ],
)
def test_a_notice_that_cannot_be_read_completely_is_refused(edit: tuple[str, str], reason: str) -> None:
    original = text("2026.txt")
    assert edit[0] in original
    with pytest.raises(NoticeError, match=re.escape(reason)):
        read_notice(original.replace(*edit), year=2026)


def test_a_body_without_its_year_needs_one() -> None:
    with pytest.raises(NoticeError, match="无法确定通知所属年份"):
        read_notice(text("2013-fullwidth-body.txt"))
    assert read_notice(text("2013-fullwidth-body.txt"), year=2013).year == 2013


@pytest.mark.parametrize("garbage", ["", "  \n ", "国务院办公厅关于2026年部分节假日安排的通知\n各省、自治区："])
def test_a_text_with_no_arrangement_is_refused(garbage: str) -> None:
    with pytest.raises(NoticeError):
        read_notice(garbage, year=2026)


def test_normalising_folds_punctuation_script_and_glosses() -> None:
    assert normalise("  春節(jié)：1月1日（週四）放假，共３天。 ") == "春节:1月1日(周四)放假,共3天。"


@pytest.mark.parametrize(
    ("text", "number"),
    [("3", 3), ("三", 3), ("两", 2), ("十", 10), ("十四", 14), ("二十", 20), ("三十一", 31), ("二〇〇六", 2006)],
)
def test_chinese_numbers_as_notices_write_them(text: str, number: int) -> None:
    assert chinese_number(text) == number


@pytest.mark.parametrize("text", ["十十", "百", "一百二十三十"])
def test_a_number_that_cannot_be_read_is_refused(text: str) -> None:
    with pytest.raises(NoticeError, match="不是可读的数"):
        chinese_number(text)
