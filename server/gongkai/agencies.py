"""Who is acting: the agency named by a check, and which packs bind it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from gongkai.packs import Binding, Pack


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, title="机关名称")
    division_code: str = Field(pattern=r"^\d{6}$", title="行政区划代码 (GB/T 2260)")
    kind: str | None = Field(default=None, max_length=50, title="机关类型")


def binds(binding: Binding, agency: Agency) -> bool:
    if agency.division_code not in binding.division_codes:
        return False
    if binding.agency_kinds is not None and agency.kind not in binding.agency_kinds:
        return False
    return binding.agency_names is None or agency.name in binding.agency_names


def binding_packs(packs: list[Pack], agency: Agency) -> list[Pack]:
    return [p for p in packs if any(binds(b, agency) for b in p.meta.binds)]


def known_agencies(packs: list[Pack]) -> str:
    """What is known, for an error message: division codes with the names bound there."""
    parts = []
    for pack in packs:
        for b in pack.meta.binds:
            names = "/".join(b.agency_names) if b.agency_names else "any agency"
            parts.append(f"{', '.join(b.division_codes)} ({names}) → {pack.code}")
    return "; ".join(parts)
