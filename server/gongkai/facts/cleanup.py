"""Cleaning up normative documents (规范性文件清理).

One check is one normative document in a cleanup round: what the cleanup found (the
criteria of 兰山 二(二)3), what it concluded, the material sent to the legal office, and
the publication of the round's results (继续有效、废止和失效的文件目录) and what they mean
for this document.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from gongkai.facts.base import ActionFacts, fact
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation


class AbolitionGround(Choice):
    """兰山 二(二)3(1): grounds on which a normative document is to be abolished."""

    conflicts_with_higher_law = "conflicts_with_higher_law", "主要内容与法律、法规、规章相抵触"
    superseded = "superseded", "已经被其后发布的文件所替代"
    period_ended = "period_ended", "适用期已过"
    object_gone = "object_gone", "适用对象已经不存在"


# The grounds that leave nothing to declare expired: only abolition answers them.
ABOLISH_ONLY = {AbolitionGround.conflicts_with_higher_law, AbolitionGround.superseded}


class ValidityCondition(Choice):
    """兰山 二(二)3(3): every condition a document must meet to be confirmed valid."""

    lawful_issuer = "lawful_issuer", "制定主体合法"
    lawful_authority = "lawful_authority", "制定权限合法"
    lawful_content = "lawful_content", "规定内容合法"
    sound_procedure = "sound_procedure", "程序科学合理"
    balanced = "balanced", "能够体现权责一致、公平效率原则"
    fits_locality = "fits_locality", "符合地方实际"
    still_needed = "still_needed", "需要继续执行"


class CleanupResult(Choice):
    """What the cleanup concluded for the document (for 修改、废止: the unit's proposal)."""

    abolish = "abolish", "予以废止"
    declare_expired = "declare_expired", "宣布失效"
    amend = "amend", "予以修改"
    confirm_valid = "confirm_valid", "确认有效"


class ProposalMaterial(Choice):
    """兰山 二(二)4: the material sent to the 区政府法制办 with a proposal."""

    document_text = "document_text", "规范性文件文本"
    proposal_letter = "proposal_letter", "修改废止建议书"


class ResultList(Choice):
    """兰山 二(二)5: the lists the published results include."""

    valid = "valid", "继续有效的规范性文件目录"
    abolished = "abolished", "废止的规范性文件目录"
    expired = "expired", "失效的规范性文件目录"


class NormativeDocumentCleanup(ActionFacts):
    """One normative document in a cleanup round, and the publication of the round's results."""

    kind: ClassVar[str] = "normative_document_cleanup"
    term: ClassVar[str] = "规范性文件清理"
    date_fact: ClassVar[str | None] = "cleanup_completed_on"

    abolition_grounds: list[AbolitionGround] | None = fact("文件存在的应当废止情形", "均不存在则为空列表")
    partly_inconsistent: bool | None = fact(
        "主要内容可以继续适用,部分条款与上位法不一致,影响实际操作", "应当修改的情形"
    )
    validity_conditions: list[ValidityCondition] | None = fact("文件具备的确认有效条件")
    result: CleanupResult | None = fact("清理结论", "废止、修改为清理单位提出的建议")
    legality_report_issued: bool | None = fact("部门法制机构已按规定出具合法性审查报告")
    materials_reported: bool | None = fact("有关材料已报区政府法制办", "提出修改或者废止建议时")
    materials: list[ProposalMaterial] | None = fact("报送法制办的材料")
    change_made: bool | None = fact("文件已予以修改或者废止")
    executive_meeting_deliberated: bool | None = fact("修改或者废止已经区政府常务会议审议")
    cleanup_completed_on: dt.date | None = fact("本轮清理工作完成之日", "尚未完成则不填")
    results_published_on: dt.date | None = fact("清理结果向社会公布之日", "尚未公布则不填")
    published_lists: list[ResultList] | None = fact("公布的清理结果包括的目录")
    on_valid_list: bool | None = fact("文件列入继续有效的文件目录")
    used_as_basis: bool | None = fact("文件仍作为行政管理的依据")


@derivation(
    "abolition_grounds_found",
    "文件存在的应当废止情形数",
    ("normative_document_cleanup",),
    ("abolition_grounds",),
    int,
)
def _abolition_grounds(grounds: list[AbolitionGround]) -> int:
    return len(set(grounds))


@derivation(
    "abolish_only_grounds_found",
    "相抵触或者已被替代的情形数",
    ("normative_document_cleanup",),
    ("abolition_grounds",),
    int,
)
def _abolish_only_grounds(grounds: list[AbolitionGround]) -> int:
    """A document in conflict with higher law or superseded is abolished, not left to lapse."""
    return len(set(grounds) & ABOLISH_ONLY)


@derivation(
    "validity_conditions_missing",
    "文件不具备的确认有效条件数",
    ("normative_document_cleanup",),
    ("validity_conditions",),
    int,
)
def _missing_validity_conditions(conditions: list[ValidityCondition]) -> int:
    return len(set(ValidityCondition) - set(conditions))


@derivation(
    "proposal_materials_missing",
    "报送法制办缺少的材料项数",
    ("normative_document_cleanup",),
    ("materials",),
    int,
)
def _missing_materials(materials: list[ProposalMaterial]) -> int:
    return len(set(ProposalMaterial) - set(materials))


@derivation(
    "result_lists_missing",
    "公布的清理结果缺少的目录项数",
    ("normative_document_cleanup",),
    ("published_lists",),
    int,
)
def _missing_lists(lists: list[ResultList]) -> int:
    return len(set(ResultList) - set(lists))


@derivation(
    "cleanup_round_completed",
    "本轮清理工作已完成",
    ("normative_document_cleanup",),
    ("cleanup_completed_on",),
    bool,
    partial=True,
)
def _completed(completed_on: dt.date | None) -> bool:
    """A completion date that is absent means the round is still under way."""
    return completed_on is not None


@derivation(
    "cleanup_results_published",
    "清理结果已向社会公布",
    ("normative_document_cleanup",),
    ("results_published_on",),
    bool,
    partial=True,
)
def _results_published(published_on: dt.date | None) -> bool:
    """A publication date that is absent means the results have not been published yet."""
    return published_on is not None
