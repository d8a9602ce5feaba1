"""The holiday calendar kept as data beside the rule packs: ``<rules>/calendar/YYYY.yaml``.

One file per year, written by ``gongkai calendar add`` from the State Council's notice
(``notices.read_notice``), with the notice texts beside it exactly as given::

    year: 2026
    notices:                      # the yearly notice first, then its 调整/延长 amendments
    - title: 国务院办公厅关于2026年部分节假日安排的通知
      number: null                # 文号, when known
      signed_on: 2025-11-04
      published: https://…        # where it was published, when known
      text: 2026.txt              # the text it was read from, in this directory
    festivals:                    # what the notices say, amendments applied
    - name: 春节
      holidays: [2026-02-15, …]
      working_days: [2026-02-14, 2026-02-28]   # make-up working days (调休上班)

Loading reads every notice text again and refuses a file whose days differ from what the
texts say (a hand edit, a truncated copy): the data is the notices, the YAML shows them.
The digest of the files joins the ruleset version, so a new year is hot-reloaded like a pack.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gongkai.packs.snapshot import PackError, Snapshot
from gongkai.periods.notices import Arrangement, Notice, NoticeError, NoticeKind, amend, read_notice

CALENDAR_DIR = "calendar"  # under the rules directory
PACKAGE = f"chinesecalendar {version('chinesecalendar')}"  # the fallback, named in decisions


class CalendarError(ValueError):
    """Calendar data that cannot be used or written; the message is one line naming the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoticeSource(_Strict):
    title: str = Field(min_length=1)
    number: str | None = None  # 文号
    signed_on: dt.date | None = None
    published: str | None = None  # URL or the name of where it was published
    text: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*\.txt$")  # file beside the YAML


class FestivalDays(_Strict):
    name: str
    holidays: list[dt.date] = Field(min_length=1)
    working_days: list[dt.date] = Field(default_factory=list)
    amended_by: str | None = None  # the title of the amendment that set these days


class YearFile(_Strict):
    year: int = Field(ge=1950, le=9999)
    notices: list[NoticeSource] = Field(min_length=1)
    festivals: list[FestivalDays] = Field(min_length=1)

    @property
    def label(self) -> str:
        """How decisions name this year's source: each notice with its 文号."""
        return "、".join(f"《{n.title}》" + (f"（{n.number}）" if n.number else "") for n in self.notices)


@dataclass(frozen=True)
class HolidayData:
    """Every year the calendar directory holds, and each day a notice names."""

    years: dict[int, YearFile] = field(default_factory=dict)
    digest: str = ""  # of the files read; "" when there are none
    listed: dict[dt.date, tuple[bool, str]] = field(default_factory=dict)  # day → (working?, label)

    def decide(self, day: dt.date) -> tuple[bool, str] | None:
        """(is a working day, source) when the data knows the day, else None.

        A day a notice names is that notice's (the 2012 notice names 2011-12-31); any other day
        of a year the data holds is a working day from Monday to Friday."""
        known = self.listed.get(day)
        if known is not None:
            return known
        year = self.years.get(day.year)
        return (day.weekday() < 5, year.label) if year is not None else None

    @cached_property
    def listed_years(self) -> frozenset[int]:
        """The years with a day a notice names (the 2012 notice names a day of 2011)."""
        return frozenset(day.year for day in self.listed)

    @cached_property
    def tables(self) -> dict[int, Any]:
        """A cache for ``periods.workdays``: each year's days decided once, on first use, so
        counting working days is a lookup (kept with the data: a reload brings new tables)."""
        return {}


NO_DATA = HolidayData()


def festivals_of(arrangements: tuple[Arrangement, ...]) -> list[FestivalDays]:
    return [
        FestivalDays(name=a.name, holidays=list(a.holidays), working_days=list(a.working_days), amended_by=a.amended_by)
        for a in arrangements
    ]


def load_holidays(rules_dir: Path, files: Snapshot | None = None) -> HolidayData:
    """The calendar under ``rules_dir`` (none: NO_DATA). Raises CalendarError naming the file.
    ``files``: the rules directory as read once and checked against its seal (packs/seal.py),
    so the calendar served is the one the seal covers; without it, read from disk."""
    directory = rules_dir / CALENDAR_DIR
    if files is not None:
        names = files.listing(CALENDAR_DIR, ".yaml")
        read = lambda path: files.bytes(path.relative_to(rules_dir).as_posix())  # noqa: E731
        paths = [rules_dir / name for name in names]
    else:
        if not directory.is_dir():
            return NO_DATA
        read, paths = Path.read_bytes, sorted(directory.glob("*.yaml"))
    digest = hashlib.sha256()
    years: dict[int, YearFile] = {}
    for path in paths:
        data, texts = _read_year(path, read)
        years[data.year] = data
        for name, raw in ((path.name, read(path)), *texts):
            digest.update(f"{name}\0{len(raw)}\0".encode() + raw)
    listed: dict[dt.date, tuple[bool, str]] = {}
    for year in sorted(years):
        data = years[year]
        for f in data.festivals:
            for day, working in [*((d, False) for d in f.holidays), *((d, True) for d in f.working_days)]:
                before = listed.get(day)
                if before is not None and before[0] != working:
                    raise CalendarError(f"{directory}: {day} 在两年的通知中安排不同（{before[1]}；{data.label}）")
                if before is None or day.year == year:
                    listed[day] = (working, data.label)
    return HolidayData(years, digest.hexdigest()[:16] if years else "", listed)


def _read_year(path: Path, read: Callable[[Path], bytes] = Path.read_bytes) -> tuple[YearFile, list[tuple[str, bytes]]]:
    """The year's file, checked against the notice texts it names; and those texts' bytes."""
    try:
        raw = yaml.safe_load(read(path).decode("utf-8"))
        data = YearFile.model_validate(raw)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CalendarError(f"{path}: 无法读取：{' '.join(str(exc).split())}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise CalendarError(f"{path}: {problems}") from exc
    if path.stem != str(data.year):
        raise CalendarError(f"{path}: 文件名应为 {data.year}.yaml")
    texts = []
    notices = []
    for source in data.notices:
        text_path = path.parent / source.text
        try:
            raw_text = read(text_path)
            notices.append(read_notice(raw_text.decode("utf-8"), year=data.year))
        except (OSError, PackError) as exc:
            raise CalendarError(
                f"{path}: 通知原文 {source.text} 无法读取：{getattr(exc, 'strerror', None) or exc}"
            ) from exc
        except UnicodeDecodeError as exc:
            raise CalendarError(f"{path}: 通知原文 {source.text} 不是 UTF-8 文本") from exc
        except NoticeError as exc:
            raise CalendarError(f"{path}: 通知原文 {source.text} 不能读取：{exc}") from exc
        texts.append((source.text, raw_text))
    try:
        arrangements = arranged(notices, data.year)
    except NoticeError as exc:
        raise CalendarError(f"{path}: {exc}") from exc
    if festivals_of(arrangements) != data.festivals:
        raise CalendarError(f"{path}: 所列日期与通知原文不符（请用 gongkai calendar add --replace 重新生成）")
    return data, texts


def arranged(notices: list[Notice], year: int) -> tuple[Arrangement, ...]:
    """The year's days: its yearly notice with the amendments applied, in order."""
    first, *amendments = notices
    if first.kind is not NoticeKind.yearly or first.year != year:
        raise NoticeError(f"第一份通知应是 {year} 年的部分节假日安排通知")
    return amend(first, *amendments)


# --- adding a notice ---------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    path: Path  # the year's YAML
    data: YearFile
    notice: Notice
    source: NoticeSource  # how the data names the notice added
    replaced: bool  # a yearly notice replaced the year's (amendments re-applied)


def add_notice(
    rules_dir: Path,
    text: str,
    *,
    year: int | None = None,
    replace: bool = False,
    title: str | None = None,
    number: str | None = None,
    signed_on: dt.date | None = None,
    published: str | None = None,
) -> Added:
    """Read a notice and write it into the calendar: a yearly notice makes the year's file
    (refused when the year is there, unless ``replace``); an amendment joins its year's.
    The texts are written before the YAML that names them, each by an atomic rename, so the
    reloader never sees a file naming a text that is not there yet."""
    notice = read_notice(text, year=year)
    directory = rules_dir / CALENDAR_DIR
    path = directory / f"{notice.year}.yaml"
    existing = _read_year(path)[0] if path.exists() else None
    source_title = title or notice.standard_title()
    if source_title is None:
        raise NoticeError("原文没有通知标题，请指明（--title）")
    if notice.kind is NoticeKind.yearly:
        if existing is not None and not replace:
            raise NoticeError(f"{notice.year} 年的日历已有（{path}），要替换请加 --replace")
        kept = existing.notices[1:] if existing is not None else []
        text_name = f"{notice.year}.txt"
    else:
        if existing is None:
            raise NoticeError(f"{notice.year} 年还没有收录部分节假日安排通知，先收录它，再收录调整通知")
        if any(n.title == source_title for n in existing.notices[1:]) and not replace:
            raise NoticeError(f"「{source_title}」已收录，要替换请加 --replace")
        kept = [n for n in existing.notices[1:] if n.title != source_title]
        used = {n.text for n in kept}
        same = [n.text for n in existing.notices[1:] if n.title == source_title]
        text_name = (
            same[0]
            if same
            else next(name for i in range(1, len(used) + 2) if (name := f"{notice.year}-amendment-{i}.txt") not in used)
        )
    source = NoticeSource(
        title=source_title,
        number=number or notice.number,
        signed_on=signed_on or notice.signed_on,
        published=published or notice.published,
        text=text_name,
    )
    if notice.kind is NoticeKind.yearly:
        sources = [source, *kept]
        notices = [notice, *(read_notice((directory / n.text).read_text(encoding="utf-8"), notice.year) for n in kept)]
    else:
        assert existing is not None
        sources = [existing.notices[0], *kept, source]
        earlier = [read_notice((directory / n.text).read_text(encoding="utf-8"), notice.year) for n in sources[:-1]]
        notices = [*earlier, notice]
    data = YearFile(year=notice.year, notices=sources, festivals=festivals_of(arranged(notices, notice.year)))
    directory.mkdir(parents=True, exist_ok=True)
    _write_atomically(directory / text_name, text)
    _write_atomically(path, dump_year(data))
    return Added(path, data, notice, source, replaced=existing is not None and notice.kind is NoticeKind.yearly)


class _Days(list[dt.date]):
    """A list of days, written on one line: [2026-02-14, 2026-02-28]."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Days, lambda d, days: d.represent_sequence("tag:yaml.org,2002:seq", days, flow_style=True))


def dump_year(data: YearFile) -> str:
    body = data.model_dump(exclude_none=True)
    for f in body["festivals"]:
        f["holidays"], f["working_days"] = _Days(f["holidays"]), _Days(f["working_days"])
    header = "# Written by `gongkai calendar add` from the notice texts beside it; checked against them at load.\n"
    return header + yaml.dump(body, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")  # dot files: the watch skips them
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
