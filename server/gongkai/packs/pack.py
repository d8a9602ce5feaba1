"""Rule packs: the declarative encoding of one source document, validated by pydantic.

Layout of a pack, ``rules/<CODE>/``:
  clauses.yaml   the clause catalogue (see catalogue.py)
  pack.yaml      pack metadata: effective dates, whom it binds, parameters (dated thresholds)
  rules/*.yaml   rules and deadlines, any number of files (one per section reads best)

Unknown keys are rejected everywhere: a misspelt key is an error, never a silently
ignored condition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gongkai.packs.catalogue import PACK_CODE, Catalogue, CatalogueError, parse_catalogue, safe_load
from gongkai.packs.snapshot import PackError, Snapshot

RULE_ID = rf"^{PACK_CODE}-[0-9][A-Za-z0-9.\-]*$"
FACT_NAME = r"^[a-z][a-z0-9_]*$"
M = TypeVar("M", bound=BaseModel)


class Severity(StrEnum):
    must = "must"  # 应当/必须/不得: a breach is non-compliance
    should = "should"  # 原则上: a breach is a warning
    info = "info"  # e.g. the sanction a breach exposes one to


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(StrEnum):
    working_days = "working_days"  # 工作日, Chinese calendar with 调休
    days = "days"  # 日/天, calendar days
    months = "months"  # 个月
    hours = "hours"  # 小时
    count = "count"  # a plain number (times per year, percent …)


UNIT_TERMS = {
    Unit.working_days: "个工作日",
    Unit.days: "日",
    Unit.months: "个月",
    Unit.hours: "小时",
    Unit.count: "",
}


class Stricter(StrEnum):
    lower = "lower"  # a shorter period or a smaller cap is stricter
    higher = "higher"  # a longer minimum is stricter


class Parameter(Strict):
    """A threshold from the law, with the clause it comes from (OpenFisca style)."""

    value: int | float
    unit: Unit
    clause: str
    note: str | None = None
    # The duty this figure sets, named alike in every pack that sets it: where two packs
    # binding one agency set different figures for one duty, decisions show the conflict.
    duty: str | None = Field(default=None, pattern=FACT_NAME)
    term: str | None = None  # the duty's Chinese name, e.g. 答复期限
    stricter: Stricter | None = None


class Provision(Strict):
    clause: str
    says: str  # what this provision says on the point, in brief


class Difference(Strict):
    """Provisions of different packs that disagree on something no single figure captures."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    actions: list[str] = Field(min_length=1)
    provisions: list[Provision] = Field(min_length=2)
    stricter: str | None = None  # the clause id of the stricter provision, if one is
    note: str | None = None


class DifferenceFile(Strict):
    differences: list[Difference] = []


class Binding(Strict):
    """Whom a pack binds: agencies by division code, optionally by kind and name."""

    division_codes: list[str] = Field(min_length=1)
    agency_kinds: list[str] | None = None  # None: every kind
    agency_names: list[str] | None = None  # None: every name


class Deadline(Strict):
    """A period the action starts, or a fixed date (a milestone such as 2020年10月底前):
    yields derived facts ``<id>_due`` and ``<id>_overdue``, and an obligation."""

    id: str = Field(pattern=FACT_NAME)
    title: str  # e.g. 答复期限
    clauses: list[str] = Field(min_length=1)
    actions: list[str] = Field(min_length=1)
    start: str | None = Field(default=None, pattern=FACT_NAME)  # date fact; its day is not counted
    period: str | None = Field(default=None, pattern=FACT_NAME)  # a parameter of the pack
    due_date: dt.date | None = None  # a fixed due date instead of start + period
    end: str = Field(pattern=FACT_NAME)  # date fact; absent = not done yet
    extension: str | None = Field(default=None, pattern=FACT_NAME)  # fact: extra units
    suspension: tuple[str, str] | None = None  # date facts: suspended from, resumed on
    # Another deadline of the action (its id): the suspension ends, at the latest, the day that
    # period closes (done, or due if that comes first), e.g. a consultation ends with the
    # third party's opinion or with its 15 working days, whichever comes first.
    suspension_until: str | None = Field(default=None, pattern=FACT_NAME)
    applies_if: str | None = None  # condition; the obligation is listed only when true

    @model_validator(mode="after")
    def _period_or_fixed_date(self) -> Deadline:
        fixed, periodic = self.due_date is not None, self.start is not None and self.period is not None
        if self.suspension_until is not None and self.suspension is None:
            raise ValueError(f"deadline {self.id!r}: suspension_until needs a suspension")
        if fixed != periodic:
            return self
        raise ValueError(f"deadline {self.id!r}: give either start and period, or due_date")


class Rule(Strict):
    id: str = Field(pattern=RULE_ID)
    clauses: list[str] = Field(min_length=1)  # the first is the clause quoted in findings
    actions: list[str] = Field(min_length=1)
    severity: Severity
    breach: str  # condition under which the rule is breached (or, for info, applies)
    message: str
    remedy: str
    effective_from: dt.date | None = None  # default: the pack's
    effective_to: dt.date | None = None
    note: str | None = None  # why it is encoded this way


class RuleFile(Strict):
    rules: list[Rule] = []
    deadlines: list[Deadline] = []


class PackMeta(Strict):
    code: str = Field(pattern=rf"^{PACK_CODE}$")
    effective_from: dt.date
    effective_to: dt.date | None = None
    date_note: str  # where the effective date comes from, or the assumption made and why
    binds: list[Binding] = Field(min_length=1)
    parameters: dict[str, Parameter] = {}


class Pack(Strict):
    meta: PackMeta
    catalogue: Catalogue
    rules: list[Rule]
    deadlines: list[Deadline]
    version: str  # sha256 of the pack's files

    @property
    def code(self) -> str:
        return self.meta.code


def _read_yaml(files: Snapshot, rel: str) -> object:
    try:
        return safe_load(files.text(rel))
    except yaml.YAMLError as exc:
        raise PackError(f"{files.path(rel)}: not valid YAML: {exc}") from exc


def _read_part(files: Snapshot, rel: str) -> object:
    """A rule or differences file: never empty. An emptied file (or one holding only comments)
    is refused, never read as "no rules" (the seal catches a file cut short at a rule's end)."""
    data = _read_yaml(files, rel)
    if data is None:
        raise PackError(f"{files.path(rel)}: 文件为空 (empty: a rule file is never read as no rules)")
    return data


def _validate(model: type[M], data: object, path: Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise PackError(f"{path}: {problems}") from exc


def load_pack(directory: Path, sources: Path) -> Pack:
    """Load one pack directory from disk; raise PackError naming the file on any problem."""
    return read_pack(Snapshot.read(directory), Snapshot.read(sources))


def read_pack(files: Snapshot, sources: Snapshot) -> Pack:
    """One pack from a snapshot of its directory and of the sources its catalogue quotes."""
    names = ["clauses.yaml", "pack.yaml", *files.listing("rules", ".yaml")]
    digest = hashlib.sha256()
    for rel in names:
        digest.update(rel.rsplit("/", 1)[-1].encode() + b"\0" + files.bytes(rel))
    try:
        catalogue = parse_catalogue(files.text(names[0]), sources.text)
    except (CatalogueError, ValidationError) as exc:
        raise PackError(f"{files.path(names[0])}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise PackError(f"{files.path(names[0])}: not valid YAML: {exc}") from exc
    meta = _validate(PackMeta, _read_yaml(files, names[1]), files.path(names[1]))
    if meta.code != catalogue.document.code:
        raise PackError(f"{files.path(names[1])}: code {meta.code!r} differs from the catalogue's")
    rules: list[Rule] = []
    deadlines: list[Deadline] = []
    for rel in names[2:]:
        part = _validate(RuleFile, _read_part(files, rel), files.path(rel))
        if not part.rules and not part.deadlines:
            raise PackError(f"{files.path(rel)}: 没有规则也没有期限 (holds no rule and no deadline)")
        rules += part.rules
        deadlines += part.deadlines
    return Pack(
        meta=meta,
        catalogue=catalogue,
        rules=rules,
        deadlines=deadlines,
        version=digest.hexdigest()[:16],
    )


def pack_directories(files: Snapshot) -> list[str]:
    """The pack directories of a rules directory: those holding a ``pack.yaml``, sorted."""
    return [rel.split("/")[0] for rel in files.files if rel.count("/") == 1 and rel.endswith("/pack.yaml")]


def read_packs(files: Snapshot) -> dict[str, Pack]:
    """Every pack of a rules directory's snapshot, by directory, sorted."""
    sources = files.under("sources")
    return {d: read_pack(files.under(d), sources) for d in sorted(pack_directories(files))}


def load_packs(root: Path) -> list[Pack]:
    """Every pack under ``root`` (a directory holding ``<CODE>/pack.yaml``), sorted by directory."""
    return list(read_packs(Snapshot.read(root)).values())


DIFFERENCES = "differences.yaml"


def read_differences(files: Snapshot) -> list[Difference]:
    """The declared differences between packs (``differences.yaml``), if the file is there."""
    if not files.has(DIFFERENCES):
        return []
    return _validate(DifferenceFile, _read_part(files, DIFFERENCES), files.path(DIFFERENCES)).differences


def load_differences(root: Path) -> list[Difference]:
    return read_differences(Snapshot.read(root))
