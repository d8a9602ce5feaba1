"""``gongkai calendar add NOTICE.txt`` and ``gongkai calendar show YEAR``: the holiday
calendar kept beside the rule packs (``periods/holidays.py``), for the clerk who adds a year
the day the State Council's notice is published. Output is Chinese; a refused notice exits 3
(bad input, as for every gongkai command) with the reason on one line.
"""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import click

from gongkai.config import Settings
from gongkai.periods.holidays import CALENDAR_DIR, PACKAGE, CalendarError, YearFile, add_notice, load_holidays
from gongkai.periods.notices import WEEKDAY_NAMES, NoticeError, NoticeKind
from gongkai.periods.workdays import package_festivals

EXIT_BAD_INPUT = 3
Row = tuple[str, list[dt.date], list[dt.date]]  # festival, holidays, make-up working days


def _refuse(message: str) -> NoReturn:
    click.echo(f"gongkai: {' '.join(message.split())}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _rules_dir(rules_dir: Path | None) -> Path:
    return Settings.from_env(rules_dir=rules_dir).rules_dir


rules_dir_option = click.option(
    "--rules-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="rule packs directory; the calendar is its calendar/ (env GONGKAI_RULES_DIR; default: the shipped packs)",
)


@click.group("calendar")
def calendar_group() -> None:
    """The holiday calendar: add a year from the State Council's notice, show a year."""


@calendar_group.command("add")
@click.argument("notice", metavar="NOTICE.txt", type=click.Path(path_type=Path, dir_okay=False))
@rules_dir_option
@click.option("--replace", is_flag=True, help="replace the year's notice (or an amendment already added)")
@click.option("--year", type=int, default=None, help="the notice's year, when its text does not say (a body only)")
@click.option("--title", default=None, help="the notice's title, when its text has none")
@click.option("--number", default=None, help="文号, e.g. 国办发明电〔2026〕12号, when its text has none")
@click.option("--signed-on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="the date it was signed, YYYY-MM-DD")
@click.option("--published", default=None, help="where it was published (URL), kept as its source")
def add_command(
    notice: Path,
    rules_dir: Path | None,
    replace: bool,
    year: int | None,
    title: str | None,
    number: str | None,
    signed_on: dt.datetime | None,
    published: str | None,
) -> None:
    """Read NOTICE.txt (「国务院办公厅关于YYYY年部分节假日安排的通知」 or a notice adjusting
    one year), check every date and weekday it states, and write the year's calendar data."""
    text = _read_text(notice)
    directory = _rules_dir(rules_dir)
    try:
        added = add_notice(
            directory,
            text,
            year=year,
            replace=replace,
            title=title,
            number=number,
            signed_on=signed_on.date() if signed_on else None,
            published=published,
        )
    except (NoticeError, CalendarError) as exc:
        _refuse(f"通知未收录：{exc}")
    kind = "年度通知" if added.notice.kind is NoticeKind.yearly else "调整通知"
    verb = "已替换" if added.replaced else "已收录"
    click.echo(f"{verb}{kind}：《{added.source.title}》")
    click.echo(f"写入 {added.path}（原文在同一目录）；服务在重新加载规则时采用（SIGHUP，或 GONGKAI_RELOAD_SECONDS）。")
    click.echo("")
    click.echo("\n".join(year_lines(added.data)))


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        _refuse(f"无法读取 {path}：{exc.strerror}")
    for encoding in ("utf-8-sig", "gb18030"):  # pages saved on Windows are often GB18030
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    _refuse(f"{path} 既不是 UTF-8 也不是 GB18030 文本")


@calendar_group.command("show")
@click.argument("year", type=int)
@rules_dir_option
def show_command(year: int, rules_dir: Path | None) -> None:
    """The holidays and make-up working days of YEAR, and where they come from."""
    directory = _rules_dir(rules_dir)
    try:
        data = load_holidays(directory)
    except CalendarError as exc:
        _refuse(str(exc))
    if year in data.years:
        click.echo("\n".join(year_lines(data.years[year])))
        return
    rows = package_festivals(year)
    if rows is None:
        _refuse(
            f"{year} 年没有收录：{directory / CALENDAR_DIR} 中没有这一年的通知，{PACKAGE} 也不覆盖；"
            f"通知发布后用 gongkai calendar add 收录"
        )
    lines = [f"{year} 年法定节假日和调休", f"来源：{PACKAGE}（软件包自带的数据，未收录通知原文）", ""]
    click.echo("\n".join(lines + table_lines(rows, year)))


def year_lines(data: YearFile) -> list[str]:
    lines = [f"{data.year} 年法定节假日和调休", "来源："]
    for n in data.notices:
        lines.append(f"  《{n.title}》")
        signed = n.signed_on.isoformat() if n.signed_on else "未注明"
        lines.append(
            f"    文号：{n.number or '未注明'}  签发：{signed}  发布：{n.published or '未注明'}  原文：{n.text}"
        )
    rows = [(f.name + ("（已调整）" if f.amended_by else ""), f.holidays, f.working_days) for f in data.festivals]
    return [*lines, "", *table_lines(rows, data.year)]


def table_lines(rows: Iterable[Row], year: int) -> list[str]:
    rows = list(rows)
    cells = [("节日", "放假", "天数", "调休上班")] + [
        (name, _runs(holidays, year) or "—", str(len(holidays)), _runs(working, year, ranges=False) or "—")
        for name, holidays, working in rows
    ]
    widths = [max(_width(row[i]) for row in cells) for i in range(3)]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3] for row in cells]
    holidays = sum(len(h) for _, h, _ in rows)
    working = sum(len(w) for _, _, w in rows)
    return [*lines, "", f"共放假 {holidays} 天（含其间的周末），调休上班 {working} 天。"]


def _runs(days: list[dt.date], year: int, ranges: bool = True) -> str:
    """「2月15日（周日）至2月23日（周一）」: consecutive days as one range."""
    runs: list[list[dt.date]] = []
    for day in sorted(days):
        if ranges and runs and day - runs[-1][-1] == dt.timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return "、".join(_day(r[0], year) + (f"至{_day(r[-1], year)}" if len(r) > 1 else "") for r in runs)


def _day(day: dt.date, year: int) -> str:
    prefix = f"{day.year}年" if day.year != year else ""
    return f"{prefix}{day.month}月{day.day}日（{WEEKDAY_NAMES[day.weekday()]}）"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
