"""The holiday calendar kept beside the rule packs (periods/holidays.py): the shipped years,
the working-day calendar that prefers it, `gongkai calendar add|show`, a check whose deadline
crosses a year only the data covers, and the hot reload of a new year.

The 2027 notice had not been published when this was written; ``INVENTED_2027`` is a made-up
text in the notices' form, for the tests only, and never shipped.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest
from click.testing import CliRunner, Result

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.decision import CalendarSource, ObligationStatus, Outcome
from gongkai.check.runtime import RulesError, open_rules
from gongkai.cli import cli
from gongkai.config import default_rules_dir
from gongkai.packs.seal import seal_rules
from gongkai.periods.holidays import (
    CALENDAR_DIR,
    NO_DATA,
    PACKAGE,
    CalendarError,
    add_notice,
    load_holidays,
)
from gongkai.periods.notices import NoticeError, read_notice
from gongkai.periods.workdays import WorkingDayCalendar, calendar_version, current_calendar
from gongkai.service.reload import Reloader
from tests.examples import answer_request
from tests.packcopy import copy_ql

NOTICES = Path(__file__).parent / "calendar_notices"
D = dt.date
TITLE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"
LABEL_2027 = f"《{TITLE_2027}》"
INVENTED_2027 = f"""{TITLE_2027}
（测试用的虚构文本，不是真实的2027年安排）
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至13日（周六）放假调休，共9天。2月14日（周日）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假1天。
六、中秋节：9月15日（周三）放假1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """QL alone, no calendar data: 2026 from the package, 2027 from nothing."""
    return copy_ql(tmp_path / "rules")


# --- the shipped data ---------------------------------------------------------------------


def test_the_shipped_years_are_read_from_their_notices_and_agree_with_the_package() -> None:
    shipped = load_holidays(default_rules_dir())
    assert {2025, 2026} <= set(shipped.years)
    for year, data in shipped.years.items():
        assert data.notices[0].title == f"国务院办公厅关于{year}年部分节假日安排的通知"
        assert "gov.cn" in (data.notices[0].published or "")
        calendar = WorkingDayCalendar(shipped)
        day = D(year, 1, 1)
        while day.year == year:
            if year in range(2004, 2027):  # the package's years
                assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
            day += dt.timedelta(days=1)
        assert calendar.sources == {year: {data.label}}


def test_the_shipped_notice_texts_are_the_cited_copies() -> None:
    for name in ("2025.txt", "2026.txt"):
        assert (default_rules_dir() / CALENDAR_DIR / name).read_bytes() == (NOTICES / name).read_bytes()


# --- the working-day calendar ---------------------------------------------------------------


def test_the_data_decides_its_years_and_the_package_the_rest(rules: Path) -> None:
    add_notice(rules, INVENTED_2027)
    data = load_holidays(rules)
    calendar = WorkingDayCalendar(data)
    assert not calendar.is_working_day(D(2027, 1, 1))  # a Friday, 元旦
    assert calendar.is_working_day(D(2027, 2, 14))  # a Sunday, 调休上班
    assert calendar.is_working_day(D(2027, 2, 15))  # an ordinary Monday
    assert not calendar.is_working_day(D(2026, 10, 1))  # the package's 2026
    assert not calendar.is_working_day(D(2028, 1, 1)) and calendar.is_working_day(D(2028, 1, 3))  # neither: guessed
    assert calendar.sources == {2027: {LABEL_2027}, 2026: {PACKAGE}}
    assert calendar.uncovered_years == {2028}
    without = WorkingDayCalendar(NO_DATA)
    assert without.is_working_day(D(2027, 1, 1)) and without.uncovered_years == {2027}


def test_a_day_named_by_next_years_notice_is_that_notices(tmp_path: Path) -> None:
    """The 2012 notice makes 2011-12-31 (a Saturday) a working day; with only 2012 in the data,
    that day is the notice's and the rest of 2011 the package's."""
    add_notice(tmp_path, (NOTICES / "2012.txt").read_text(encoding="utf-8"))
    calendar = WorkingDayCalendar(load_holidays(tmp_path))
    assert calendar.is_working_day(D(2011, 12, 31))
    label = "《国务院办公厅关于2012年部分节假日安排的通知》（国办发明电〔2011〕45号）"
    assert calendar.sources == {2011: {label}}
    assert not calendar.is_working_day(D(2011, 12, 25))
    assert calendar.sources == {2011: {label, PACKAGE}}


def test_a_calendar_in_use_is_the_one_derivations_count_with(rules: Path) -> None:
    add_notice(rules, INVENTED_2027)
    calendar = WorkingDayCalendar(load_holidays(rules))
    assert current_calendar() is not calendar
    with calendar.in_use():
        assert current_calendar() is calendar
        assert WorkingDayCalendar().holidays is calendar.holidays  # a derivation's own calendar too
    assert current_calendar() is not calendar and WorkingDayCalendar().holidays is NO_DATA


# --- a check across the new year ----------------------------------------------------------

# Received Thursday 2026-12-24; 15 working days. With the 2027 notice, 1月1日 (a Friday) is a
# holiday and the 15th working day is 2027-01-15; counted Monday to Friday it is 2027-01-14.
ACROSS = answer_request(received_on="2026-12-24", answered_on="2027-01-15")


def test_a_check_across_a_year_only_the_data_covers_names_that_notice(rules: Path) -> None:
    guessed = open_rules(rules).check(CheckRequest.model_validate(ACROSS))
    assert guessed.outcome is Outcome.non_compliant  # the timely answer reported late
    assert guessed.obligations[0].due_on == D(2027, 1, 14)
    assert any(w.startswith("2027 年的法定节假日和调休安排尚未收录") for w in guessed.warnings)
    assert guessed.calendars == [CalendarSource(year=2026, source=PACKAGE)]

    add_notice(rules, INVENTED_2027)
    seal_rules(rules)  # a new year is new law: sealed like a pack before it serves
    decision = open_rules(rules).check(CheckRequest.model_validate(ACROSS))
    assert decision.outcome is Outcome.compliant
    (obligation,) = decision.obligations
    assert (obligation.due_on, obligation.status) == (D(2027, 1, 15), ObligationStatus.met)
    assert not any("2027 年" in w for w in decision.warnings)
    assert decision.calendars == [
        CalendarSource(year=2026, source=PACKAGE),
        CalendarSource(year=2027, source=LABEL_2027),
    ]


def test_the_shipped_checker_names_the_shipped_notice(checker: Checker) -> None:
    decision = checker.check(CheckRequest.model_validate(answer_request()))
    label = load_holidays(default_rules_dir()).years[2025].label
    assert decision.calendars == [CalendarSource(year=2025, source=label)]


# --- hot reload -----------------------------------------------------------------------------


def test_a_new_year_is_hot_reloaded_and_a_broken_one_refused(rules: Path) -> None:
    serving = [open_rules(rules)]
    reloader = Reloader(rules, lambda: serving[-1], serving.append)
    before = serving[-1].lawbook.version
    add_notice(rules, INVENTED_2027)
    assert reloader.reload(force=False) is False  # not sealed yet: refused, the last good rules serve on
    seal_rules(rules)
    assert reloader.reload(force=False) is True
    assert serving[-1].lawbook.version != before  # the calendar is part of the ruleset
    assert serving[-1].check(CheckRequest.model_validate(ACROSS)).outcome is Outcome.compliant

    path = rules / CALENDAR_DIR / "2027.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2027-02-14", "2027-02-15"), encoding="utf-8")
    assert reloader.reload(force=False) is False  # refused: the last good calendar serves on
    assert len(serving) == 2
    with pytest.raises(RulesError, match=r"calendar/2027\.yaml"):  # the seal names the file …
        open_rules(rules)
    seal_rules(rules)  # … and a sealed copy of a wrong calendar is refused by the notice itself
    with pytest.raises(RulesError, match=r"2027\.yaml: 所列日期与通知原文不符"):
        open_rules(rules)


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda d: (d / "2027.txt").unlink(), "通知原文 2027.txt 无法读取"),
        (lambda d: (d / "2027.yaml").rename(d / "2028.yaml"), "文件名应为 2027.yaml"),
        (lambda d: (d / "2027.yaml").write_text("year: 2027\nnotices: []\n", encoding="utf-8"), "notices"),
        (lambda d: (d / "2027.txt").write_text(INVENTED_2027[:-40], encoding="utf-8"), "在句中中断"),
    ],
)
def test_calendar_data_that_cannot_be_used_is_refused_naming_the_file(rules: Path, edit: object, reason: str) -> None:
    add_notice(rules, INVENTED_2027)
    edit(rules / CALENDAR_DIR)  # type: ignore[operator]
    with pytest.raises(CalendarError, match=reason):
        load_holidays(rules)


# --- gongkai calendar add | show -----------------------------------------------------------


def test_calendar_add_writes_the_year_and_show_prints_it(rules: Path, tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text(INVENTED_2027, encoding="utf-8")
    result = run("calendar", "add", str(notice), "--rules-dir", str(rules), "--published", "https://www.gov.cn/x")
    assert result.exit_code == 0, result.output
    assert f"已收录年度通知：{LABEL_2027}" in result.output
    assert (rules / CALENDAR_DIR / "2027.txt").read_bytes() == notice.read_bytes()  # kept as given
    data = load_holidays(rules).years[2027]
    assert (data.notices[0].published, data.notices[0].text) == ("https://www.gov.cn/x", "2027.txt")

    shown = run("calendar", "show", "2027", "--rules-dir", str(rules))
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "2027 年法定节假日和调休"
    assert f"  {LABEL_2027}" in lines
    spring = next(line for line in lines if line.startswith("春节"))
    assert spring.split() == ["春节", "2月5日（周五）至2月13日（周六）", "9", "2月14日（周日）"]
    assert "共放假 29 天（含其间的周末），调休上班 5 天。" in lines


def test_calendar_add_refuses_a_year_already_there_unless_replace(rules: Path, tmp_path: Path) -> None:
    notice = tmp_path / "2027.txt"
    notice.write_text(INVENTED_2027, encoding="utf-8")
    assert run("calendar", "add", str(notice), "--rules-dir", str(rules)).exit_code == 0
    again = run("calendar", "add", str(notice), "--rules-dir", str(rules))
    assert again.exit_code == 3
    assert "2027 年的日历已有" in again.output and "--replace" in again.output
    moved = INVENTED_2027.replace("五、端午节：6月9日（周三）", "五、端午节：6月10日（周四）")
    notice.write_text(moved, encoding="utf-8")
    replaced = run("calendar", "add", str(notice), "--rules-dir", str(rules), "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "已替换年度通知" in replaced.output
    assert not WorkingDayCalendar(load_holidays(rules)).is_working_day(D(2027, 6, 10))


@pytest.mark.parametrize(
    ("name", "args", "reason"),
    [
        ("2009-partial.txt", (), "通知未收录：第六项（国庆节、中秋节）在句中中断"),
        ("2013-fullwidth-body.txt", (), "无法确定通知所属年份"),
        ("2019-labour-day-adjustment.txt", (), "2019 年还没有收录部分节假日安排通知"),
    ],
)
def test_calendar_add_refuses_what_it_cannot_take_and_writes_nothing(
    rules: Path, name: str, args: tuple[str, ...], reason: str
) -> None:
    result = run("calendar", "add", str(NOTICES / name), "--rules-dir", str(rules), *args)
    assert result.exit_code == 3
    assert reason in result.output
    assert len(result.output.strip().splitlines()) == 1  # one line, no trace
    assert not (rules / CALENDAR_DIR).exists() or not any((rules / CALENDAR_DIR).iterdir())


def test_calendar_add_takes_a_body_with_its_year_and_an_amendment_after_its_year(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    body = run("calendar", "add", str(NOTICES / "2019-fullwidth-body.txt"), "--year", "2019", "--rules-dir", str(rules))
    assert body.exit_code == 0, body.output
    data = load_holidays(rules).years[2019]
    assert data.notices[0].title == "国务院办公厅关于2019年部分节假日安排的通知"  # the standard title
    assert data.notices[0].published == "http://www.gov.cn/xinwen/2018-12/06/content_5346287.htm"  # its URL line
    adjustment = NOTICES / "2019-labour-day-adjustment.txt"
    added = run("calendar", "add", str(adjustment), "--rules-dir", str(rules))
    assert added.exit_code == 0, added.output
    assert "已收录调整通知：《国务院办公厅关于调整2019年劳动节假期安排的通知》" in added.output
    assert "劳动节（已调整）" in added.output
    calendar = WorkingDayCalendar(load_holidays(rules))
    assert not calendar.is_working_day(D(2019, 5, 2)) and calendar.is_working_day(D(2019, 5, 5))
    for day in (D(2019, 4, 28), D(2019, 5, 2), D(2019, 5, 5)):
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day)
    twice = run("calendar", "add", str(adjustment), "--rules-dir", str(rules))
    assert twice.exit_code == 3 and "已收录" in twice.output


def test_calendar_add_reads_a_gb18030_file(rules: Path, tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_bytes(INVENTED_2027.encode("gb18030"))
    assert run("calendar", "add", str(notice), "--rules-dir", str(rules)).exit_code == 0
    assert (rules / CALENDAR_DIR / "2027.txt").read_text(encoding="utf-8") == INVENTED_2027


def test_calendar_show_falls_back_to_the_package_and_refuses_a_year_none_covers(rules: Path) -> None:
    shown = run("calendar", "show", "2024", "--rules-dir", str(rules))
    assert shown.exit_code == 0, shown.output
    assert f"来源：{PACKAGE}" in shown.output
    assert next(line for line in shown.output.splitlines() if line.startswith("春节")).split()[1:3] == [
        "2月10日（周六）至2月17日（周六）",
        "8",
    ]
    missing = run("calendar", "show", "2031", "--rules-dir", str(rules))
    assert missing.exit_code == 3
    assert "2031 年没有收录" in missing.output and "gongkai calendar add" in missing.output


def test_an_invented_notice_is_read_like_a_real_one() -> None:
    """The fixture itself: every weekday it states is right (else the tests above test nothing)."""
    notice = read_notice(INVENTED_2027)
    assert notice.year == 2027 and len(notice.arrangements) == 7
    with pytest.raises(NoticeError, match="2027年2月14日是周日"):
        read_notice(INVENTED_2027.replace("2月14日（周日）", "2月14日（周一）"))


def test_the_shipped_calendar_directory_holds_only_what_it_names() -> None:
    directory = default_rules_dir() / CALENDAR_DIR
    years = load_holidays(default_rules_dir()).years
    named = {n.text for y in years.values() for n in y.notices} | {f"{year}.yaml" for year in years}
    assert {p.name for p in directory.iterdir()} == named  # no stray text to mistake for a source


def test_the_startup_line_names_the_notices_kept_as_data_before_the_package() -> None:
    shipped = calendar_version(load_holidays(default_rules_dir()))
    assert shipped.startswith("the State Council's notices for 2025, 2026 (rules/calendar, ")
    assert "then chinesecalendar" in shipped
    assert calendar_version().startswith("chinesecalendar ")  # no data: the package alone
