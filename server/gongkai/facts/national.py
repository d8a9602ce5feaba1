"""What the 条例 (2019, 国务院令第711号) adds to the facts of existing actions.

Mixins of fields for publishing (第十一条、第十九条至第二十四条、第四十四条第二款),
answering a request (第十条、第二十九条、第三十一条、第三十二条、第三十五条、第三十七条、
第三十九条、第四十条、第四十二条、第四十三条), responding to public opinion (第六条第二款),
handling a complaint (第四十七条第二款、第五十五条第二款), accountability (第四十七条、第五十三条),
the catalogue (第十二条) and the agency's year (第十八条、第二十四条、第四十六条、第四十八条).
A date that is absent means the event has not happened; any other absent fact is unknown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from gongkai.facts.base import COUNT, Day, fact
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation
from gongkai.periods.workdays import current_calendar

PUBLISH = ("publish_information",)
REQUEST = ("answer_request",)

# --- publishing -------------------------------------------------------------------------


class ProactiveCategory(Choice):
    """第二十条 (一)–(十五) and 第二十一条: information to be disclosed proactively."""

    regulations = "regulations", "行政法规、规章和规范性文件"
    organisation = "organisation", "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名"
    plans = "plans", "国民经济和社会发展规划、专项规划、区域规划及相关政策"
    statistics = "statistics", "国民经济和社会发展统计信息"
    licensing = "licensing", "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果"
    penalties = "penalties", "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定"
    budgets = "budgets", "财政预算、决算信息"
    fees = "fees", "行政事业性收费项目及其依据、标准"
    procurement = "procurement", "政府集中采购项目的目录、标准及实施情况"
    major_projects = "major_projects", "重大建设项目的批准和实施情况"
    welfare = "welfare", "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况"
    emergencies = "emergencies", "突发公共事件的应急预案、预警信息及应对情况"
    inspections = "inspections", "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况"
    civil_service = "civil_service", "公务员招考的职位、名额、报考条件等事项以及录用结果"
    required_by_rules = "required_by_rules", "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息"
    # 第二十一条: 设区的市级、县级人民政府及其部门
    municipal_construction = "municipal_construction", "市政建设"
    public_services = "public_services", "公共服务"
    public_welfare = "public_welfare", "公益事业"
    land_expropriation = "land_expropriation", "土地征收"
    housing_expropriation = "housing_expropriation", "房屋征收"
    public_order = "public_order", "治安管理"
    social_assistance = "social_assistance", "社会救助"
    # 第二十一条: 乡(镇)人民政府 (also 土地征收、房屋征收、社会救助 above)
    rural_policies = "rural_policies", "贯彻落实农业农村政策"
    irrigation = "irrigation", "农田水利工程建设运营"
    land_contract_transfer = "land_contract_transfer", "农村土地承包经营权流转"
    homestead_review = "homestead_review", "宅基地使用情况审核"
    fundraising_labour = "fundraising_labour", "筹资筹劳"


ARTICLE_20 = {
    ProactiveCategory.regulations,
    ProactiveCategory.organisation,
    ProactiveCategory.plans,
    ProactiveCategory.statistics,
    ProactiveCategory.licensing,
    ProactiveCategory.penalties,
    ProactiveCategory.budgets,
    ProactiveCategory.fees,
    ProactiveCategory.procurement,
    ProactiveCategory.major_projects,
    ProactiveCategory.welfare,
    ProactiveCategory.emergencies,
    ProactiveCategory.inspections,
    ProactiveCategory.civil_service,
    ProactiveCategory.required_by_rules,
}
ARTICLE_21_CITY_COUNTY = {
    ProactiveCategory.municipal_construction,
    ProactiveCategory.public_services,
    ProactiveCategory.public_welfare,
    ProactiveCategory.land_expropriation,
    ProactiveCategory.housing_expropriation,
    ProactiveCategory.public_order,
    ProactiveCategory.social_assistance,
}
ARTICLE_21_TOWNSHIP = {
    ProactiveCategory.rural_policies,
    ProactiveCategory.irrigation,
    ProactiveCategory.land_contract_transfer,
    ProactiveCategory.homestead_review,
    ProactiveCategory.land_expropriation,
    ProactiveCategory.housing_expropriation,
    ProactiveCategory.fundraising_labour,
    ProactiveCategory.social_assistance,
}


class AgencyLevel(Choice):
    """Whom 第二十一条 binds: 设区的市级、县级人民政府及其部门, and 乡(镇)人民政府."""

    city_or_county = "city_or_county", "设区的市级、县级人民政府及其部门"
    township = "township", "乡(镇)人民政府"
    other = "other", "其他行政机关(国务院部门、省级人民政府及其部门等)"


class ReleaseChannel(Choice):
    """第二十三条 (… 等途径) and 第二十四条 (统一的政府信息公开平台)."""

    gazette = "gazette", "政府公报"
    government_website = "government_website", "政府网站"
    internet_media = "internet_media", "其他互联网政务媒体"
    press_conference = "press_conference", "新闻发布会"
    newspaper = "newspaper", "报刊"
    broadcast = "broadcast", "广播"
    television = "television", "电视"
    unified_platform = "unified_platform", "统一的政府信息公开平台"
    other_public = "other_public", "其他便于公众获取的途径(公开查阅室、信息公告栏、电子信息屏等)"
    internal_only = "internal_only", "仅在机关内部传阅或者送达特定对象"


class NationalPublishingFacts(BaseModel):
    """Fields PublishInformation takes from the 条例."""

    approval_required: bool | None = fact("依照法律、行政法规和国家有关规定公开需要批准", "条例第十一条第二款")
    disclosure_approved: bool | None = fact("公开已经批准")
    public_concern: bool | None = fact(
        "涉及公众利益调整、需要公众广泛知晓或者需要公众参与决策", "条例第十九条:应当主动公开的政府信息"
    )
    proactive_categories: list[ProactiveCategory] | None = fact(
        "属于条例第二十条、第二十一条所列的政府信息", "均不属于则为空列表"
    )
    agency_level: AgencyLevel | None = fact("本机关的层级", "条例第二十一条按层级列出应当主动公开的内容")
    release_channels: list[ReleaseChannel] | None = fact("发布途径", "条例第二十三条、第二十四条;已公开时所用的途径")
    # the suggestion concerns information the applicant asked for: it exists already
    suggestion_found_proactive_on: dt.date | None = fact(
        "经审核认为申请人建议纳入主动公开的信息属于主动公开范围之日",
        "条例第四十四条第二款;没有则不填",
        not_before=("generated_on",),
    )


PUBLIC_CHANNELS = set(ReleaseChannel) - {ReleaseChannel.internal_only}
COUNTY_PORTAL = "county_portal"  # QL's 清流县人民政府门户网 (publication.py Channel): every QL channel is public


@derivation(
    "public_release_channels",
    "面向公众的发布途径数",
    PUBLISH,
    ("release_channels", "channels"),
    int,
    partial=True,
)
def _public_channels(channels: list[ReleaseChannel] | None, local: list[str] | None) -> int | None:
    """第二十三条: channels through which the public can obtain the information, the 条例's
    and those a local system names (公开渠道: a county portal, the gazette, the press …)."""
    if channels is None and local is None:
        return None
    return len(set(channels or ()) & PUBLIC_CHANNELS) + len(set(local or ()))


@derivation(
    "on_unified_platform",
    "在统一的政府信息公开平台集中发布",
    PUBLISH,
    ("release_channels", "channels"),
    bool,
    partial=True,
)
def _on_platform(channels: list[ReleaseChannel] | None, local: list[str] | None) -> bool | None:
    """第二十四条: the unified platform sits on the people's government's portal, so publishing
    on the county government's portal (a local system's 公开渠道) is publishing on it."""
    if ReleaseChannel.unified_platform in (channels or ()) or COUNTY_PORTAL in (local or ()):
        return True
    return None if channels is None else False


@derivation("article_20_categories", "属于条例第二十条所列的类别数", PUBLISH, ("proactive_categories",), int)
def _article_20(categories: list[ProactiveCategory]) -> int:
    return len(set(categories) & ARTICLE_20)


@derivation(
    "article_21_city_county_categories",
    "属于条例第二十一条所列设区的市级、县级应当主动公开的类别数",
    PUBLISH,
    ("proactive_categories",),
    int,
)
def _article_21_city_county(categories: list[ProactiveCategory]) -> int:
    return len(set(categories) & ARTICLE_21_CITY_COUNTY)


@derivation(
    "article_21_township_categories",
    "属于条例第二十一条所列乡(镇)应当主动公开的类别数",
    PUBLISH,
    ("proactive_categories",),
    int,
)
def _article_21_township(categories: list[ProactiveCategory]) -> int:
    return len(set(categories) & ARTICLE_21_TOWNSHIP)


@derivation(
    "suggestion_found_proactive",
    "经审核认为申请人建议的信息属于主动公开范围",
    PUBLISH,
    ("suggestion_found_proactive_on",),
    bool,
    partial=True,
)
def _suggestion_found(found_on: dt.date | None) -> bool:
    """A finding date that is absent means no such finding was made on this item."""
    return found_on is not None


@derivation(
    "changed_after_suggestion_finding",
    "政府信息在经审核认定属于主动公开范围之后发生变更",
    PUBLISH,
    ("changed_on", "suggestion_found_proactive_on"),
    bool,
    partial=True,
)
def _changed_after_finding(changed_on: dt.date | None, found_on: dt.date | None) -> bool:
    """第二十六条 times a change from the change; 第四十四条第二款 times the first proactive
    release from the finding. A change after the finding is a change of proactive information."""
    return changed_on is not None and found_on is not None and changed_on > found_on


# --- answering a request ----------------------------------------------------------------


class InformationOrigin(Choice):
    """第十条: how the agency came to hold the information, which fixes who discloses it."""

    made_here = "made_here", "本机关制作"
    obtained_from_public = "obtained_from_public", "本机关从公民、法人和其他组织获取并保存"
    obtained_from_agency = "obtained_from_agency", "本机关从其他行政机关获取"
    jointly_made_lead = "jointly_made_lead", "两个以上行政机关共同制作,本机关牵头制作"
    jointly_made_other = "jointly_made_other", "两个以上行政机关共同制作,本机关不是牵头制作的机关"
    not_held = "not_held", "本机关没有制作也没有获取"


class RequestCircumstance(Choice):
    """The request's special cases under the 条例 (list every one that applies)."""

    oral = "oral", "采用书面形式确有困难,申请人口头提出(第二十九条)"
    excessive = "excessive", "申请公开政府信息的数量、频次明显超过合理范围(第三十五条、第四十二条)"
    separable = "separable", "含有不应当公开或者不属于政府信息的内容,但是能够作区分处理(第三十七条)"
    petition = "petition", "以政府信息公开申请的形式进行信访、投诉、举报等活动(第三十九条)"
    reading_difficulty = "reading_difficulty", "申请人存在阅读困难或者视听障碍(第四十三条)"


class NationalRequestFacts(BaseModel):
    """Fields AnswerRequest takes from the 条例."""

    information_origin: InformationOrigin | None = fact("本机关与所申请信息的关系", "条例第十条")
    disclosure_authority_otherwise_provided: bool | None = fact(
        "法律、法规对该信息的公开权限另有规定", "条例第十条第一款末句"
    )
    request_circumstances: list[RequestCircumstance] | None = fact("申请的特殊情形", "均不属于则为空列表")
    form_filled_by_office: bool | None = fact("口头申请已由政府信息公开工作机构代为填写")
    form_requirement_stated: bool | None = fact("申请已写明政府信息的形式要求(获取信息的方式、途径)")
    # 第三十一条: when the request counts as received
    submitted_in_person_on: Day | None = fact("申请人当面提交申请之日", "不是当面提交的不填")
    post_signed_for_on: Day | None = fact("行政机关签收邮寄的申请之日", "不是以需签收的方式邮寄的不填")
    ordinary_letter_received_on: Day | None = fact(
        "收到以平常信函等无需签收的邮寄方式提交的申请之日", "不是以这种方式提交的不填"
    )
    online_or_fax_submitted_on: Day | None = fact(
        "申请人通过互联网渠道或者政府信息公开工作机构的传真提交申请之日", "不是以这种方式提交的不填"
    )
    confirmed_with_applicant_on: Day | None = fact(
        "与申请人确认收到申请之日",
        "平常信函、互联网渠道、传真提交的;尚未确认则不填",
        not_before=("ordinary_letter_received_on", "online_or_fax_submitted_on"),
    )
    # 第三十二条: the third party's opinion
    third_party_notice_received_on: dt.date | None = fact(
        "第三方收到书面征求意见书之日", "未书面征求则不填", not_before=("received_on",)
    )
    # the third party answers the notice it received (第三十二条)
    third_party_replied_on: dt.date | None = fact(
        "第三方提出意见之日", "未提出则不填", not_before=("third_party_notice_received_on",)
    )
    third_party_objected: bool | None = fact("第三方不同意公开")
    objection_reasonable: bool | None = fact("第三方不同意公开有合理理由")
    third_party_told_of_disclosure: bool | None = fact("已将决定公开的政府信息内容和理由书面告知第三方")
    silence_taken_as_objection: bool | None = fact("以第三方逾期未提出意见视为不同意公开而不予公开", "未以此为由的填否")
    # 第三十五条: requests beyond a reasonable number or frequency
    reasons_requested: bool | None = fact("已要求申请人说明理由")
    reasons_found_unreasonable: bool | None = fact("行政机关认为申请理由不合理")
    declined_on: dt.date | None = fact(
        "以申请理由不合理为由告知申请人不予处理之日", "未告知则不填", not_before=("received_on",)
    )
    delay_set_on: dt.date | None = fact("确定延迟答复的合理期限之日", "未确定则不填", not_before=("received_on",))
    delayed_until: dt.date | None = fact("延迟答复的期限届满之日", not_before=("delay_set_on",))
    delay_told: bool | None = fact("已将延迟答复的期限告知申请人")
    # 第三十七条、第三十九条、第四十条、第四十二条、第四十三条
    petition_told_on: dt.date | None = fact(
        "告知申请人不作为政府信息公开申请处理之日", "未告知则不填", not_before=("received_on",)
    )
    requested_form_followed: bool | None = fact("已按照申请人要求的形式提供")
    form_exception: bool | None = fact(
        "按申请人要求的形式提供不符合保存政府信息的实际情况,或者可能危及政府信息载体安全、公开成本过高",
        "条例第四十条",
    )
    fee_charged_on: dt.date | None = fact("收取信息处理费之日", "未收取则不填", not_before=("received_on",))
    assistance_provided: bool | None = fact("已为申请人提供必要的帮助")


MAX_WAIT = dt.timedelta(days=3660)
RESPONSIBLE_ORIGINS = {InformationOrigin.made_here, InformationOrigin.obtained_from_public}
NATIONAL_ELEMENTS = {"applicant_name", "identity_proof", "contact", "description"}  # 第二十九条第二款 (一)(二)


@derivation(
    "national_request_elements_missing",
    "申请缺少条例第二十九条第二款所列内容的项数",
    REQUEST,
    ("request_elements", "form_requirement_stated"),
    int,
)
def _national_elements_missing(elements: list[Choice], form_stated: bool) -> int:
    """(一) 姓名或者名称、身份证明、联系方式 (no address), (二) the description, (三) the form."""
    return len(NATIONAL_ELEMENTS - {str(e) for e in elements}) + (0 if form_stated else 1)


@derivation(
    "submitted_in_person",
    "申请人当面提交申请",
    REQUEST,
    ("submitted_in_person_on",),
    bool,
    partial=True,
)
def _in_person(day: dt.date | None) -> bool:
    return day is not None


@derivation("submitted_by_post", "申请以需签收的方式邮寄", REQUEST, ("post_signed_for_on",), bool, partial=True)
def _by_post(day: dt.date | None) -> bool:
    return day is not None


@derivation(
    "submitted_by_ordinary_letter",
    "申请以平常信函等无需签收的方式邮寄",
    REQUEST,
    ("ordinary_letter_received_on",),
    bool,
    partial=True,
)
def _by_letter(day: dt.date | None) -> bool:
    return day is not None


@derivation(
    "submitted_online_or_by_fax",
    "申请通过互联网渠道或者传真提交",
    REQUEST,
    ("online_or_fax_submitted_on",),
    bool,
    partial=True,
)
def _online(day: dt.date | None) -> bool:
    return day is not None


CHANNELS = ("submitted_in_person_on", "post_signed_for_on", "ordinary_letter_received_on", "online_or_fax_submitted_on")


def _confirmation_awaited(facts: dict[str, Any]) -> bool:
    """A letter or an online or fax submission counts as received only once confirmed."""
    by_hand_or_post = facts.get("submitted_in_person_on") or facts.get("post_signed_for_on")
    awaiting = facts.get("ordinary_letter_received_on") or facts.get("online_or_fax_submitted_on")
    return not by_hand_or_post and bool(awaiting) and not facts.get("confirmed_with_applicant_on")


def _lawful_asks(facts: dict[str, Any]) -> tuple[str, ...]:
    """An unconfirmed letter or online submission: the confirmation; no channel: the channel."""
    return ("confirmed_with_applicant_on",) if _confirmation_awaited(facts) else CHANNELS


@derivation(
    "lawful_received_on",
    "依条例第三十一条确定的收到申请之日",
    REQUEST,
    (*CHANNELS, "confirmed_with_applicant_on"),
    dt.date,
    partial=True,
    asks=_lawful_asks,
)
def _lawful_received(
    in_person: dt.date | None,
    signed: dt.date | None,
    letter: dt.date | None,
    online: dt.date | None,
    confirmed: dt.date | None,
) -> dt.date | None:
    """第三十一条: 提交之日 (一), 签收之日 or, for an ordinary letter, 确认之日 (二), 双方确认之日 (三).

    签收之日 is the day anyone at the agency signed for the item (a mailroom or a guard, on a
    Saturday too), not the day it reached the disclosure office (see CN-31-2's rule note).
    """
    if in_person is not None:
        return in_person
    if signed is not None:
        return signed
    if letter is not None or online is not None:
        return confirmed
    return None


def _receipt_asks(facts: dict[str, Any]) -> tuple[str, ...]:
    """An unconfirmed letter or online submission: the confirmation; otherwise 收到申请之日
    (a caller who gives no channel facts gives that date)."""
    return ("confirmed_with_applicant_on",) if _confirmation_awaited(facts) else ("received_on",)


@derivation(
    "request_received_on",
    "计算期限的收到申请之日(按条例第三十一条依提交方式确定;未给出提交方式的,为所填收到申请之日)",
    REQUEST,
    ("received_on", "lawful_received_on"),
    dt.date,
    partial=True,
    asks=_receipt_asks,
)
def _request_received(received_on: dt.date | None, lawful: dt.date | None) -> dt.date | None:
    """The day every request period starts from: the law's (第三十一条) whenever the channel
    facts fix it, even against a different 收到申请之日 given (that difference is a finding
    of its own: CN-31-n); otherwise the 收到申请之日 given."""
    return lawful if lawful is not None else received_on


@derivation(
    "receipt_date_as_article_31",
    "收到申请之日按条例第三十一条确定",
    REQUEST,
    ("received_on", "lawful_received_on"),
    bool,
    partial=True,
)
def _receipt_as_31(received_on: dt.date | None, lawful: dt.date | None) -> bool | None:
    """No 收到申请之日 given: nothing contradicts the law (the periods run from its date)."""
    if received_on is None:
        return True
    return None if lawful is None else received_on == lawful


@derivation(
    "responsible_origin",
    "本机关制作或者从公民、法人和其他组织获取并保存该信息(条例第十条第一款)",
    REQUEST,
    ("information_origin",),
    bool,
)
def _responsible_origin(origin: InformationOrigin) -> bool:
    return origin in RESPONSIBLE_ORIGINS


@derivation(
    "third_party_consulted",
    "已书面征求第三方意见",
    REQUEST,
    ("third_party_notice_received_on",),
    bool,
    partial=True,
)
def _third_party_consulted(received_on: dt.date | None) -> bool:
    """A receipt date that is absent means the third party was not consulted in writing."""
    return received_on is not None


@derivation("third_party_replied", "第三方已提出意见", REQUEST, ("third_party_replied_on",), bool, partial=True)
def _third_party_replied(replied_on: dt.date | None) -> bool:
    return replied_on is not None


@derivation(
    "third_party_wait_working_days",
    "第三方收到征求意见书至答复申请人的工作日数",
    REQUEST,
    ("third_party_notice_received_on", "answered_on"),
    int,
)
def _third_party_wait(received_on: dt.date, answered_on: dt.date) -> int:
    """Working days from the third party's receipt (not counted) to the answer (counted).

    Compared with the pack's 15 working days (第三十二条): a decision made without the third
    party's opinion while its period still runs pre-empts the opinion. Counted by the check's
    calendar; years no calendar covers are counted Monday to Friday (the decision warns of that). Waits
    longer than ten years are counted over their first ten years only (thousands of working
    days: far beyond any period), so an absurd date costs no more than that.
    """
    end = answered_on if answered_on - received_on <= MAX_WAIT else received_on + MAX_WAIT
    end = min(end, dt.date.max - dt.timedelta(days=1))  # workdays.count steps past its last day
    return current_calendar().count(received_on, end)


@derivation("declined_as_unreasonable", "已告知申请人不予处理", REQUEST, ("declined_on",), bool, partial=True)
def _declined(declined_on: dt.date | None) -> bool:
    return declined_on is not None


@derivation("answer_delayed", "已确定延迟答复的期限", REQUEST, ("delay_set_on",), bool, partial=True)
def _delayed(delay_set_on: dt.date | None) -> bool:
    return delay_set_on is not None


@derivation(
    "answer_lawfully_delayed",
    "依条例第三十五条延迟答复",
    REQUEST,
    ("delay_set_on", "request_circumstances", "reasons_requested", "reasons_found_unreasonable", "delay_told"),
    bool,
    partial=True,
)
def _lawfully_delayed(
    delay_set_on: dt.date | None,
    circumstances: list[RequestCircumstance] | None,
    asked: bool | None,
    unreasonable: bool | None,
    told: bool | None,
) -> bool | None:
    """第三十五条: excessive requests, reasons asked and found reasonable, the delay told.

    No delay set: False (the 20 working days of 第三十三条 run as usual). A delay lacking
    one condition is no lawful delay; unknown only while a condition is unknown.
    """
    if delay_set_on is None:
        return False
    conditions = [
        None if circumstances is None else RequestCircumstance.excessive in circumstances,
        asked,
        None if unreasonable is None else not unreasonable,
        told,
    ]
    if False in conditions:
        return False
    return None if None in conditions else True


@derivation(
    "answered_after_delay",
    "答复晚于延迟答复的期限",
    REQUEST,
    ("answered_on", "delayed_until"),
    bool,
)
def _after_delay(answered_on: dt.date, delayed_until: dt.date) -> bool:
    return answered_on > delayed_until


@derivation(
    "petition_told", "已告知申请人不作为政府信息公开申请处理", REQUEST, ("petition_told_on",), bool, partial=True
)
def _petition_told(told_on: dt.date | None) -> bool:
    return told_on is not None


@derivation(
    "request_closed_on",
    "答复、告知不作为申请处理或者告知不予处理之日",
    REQUEST,
    ("answered_on", "petition_told_on", "declined_on"),
    dt.date,
    partial=True,
)
def _closed_on(answered_on: dt.date | None, told_on: dt.date | None, declined_on: dt.date | None) -> dt.date | None:
    """The day the agency disposed of the request: an answer of 第三十六条, or the notices of
    第三十九条 (not handled as a request) and 第三十五条 (不予处理), which are not answers but end
    the request all the same. The answer period of 第三十三条 runs to this day."""
    days = [d for d in (answered_on, told_on, declined_on) if d is not None]
    return min(days) if days else None


@derivation("fee_charged", "已收取信息处理费", REQUEST, ("fee_charged_on", "fee_amount"), bool, partial=True)
def _fee_charged(charged_on: dt.date | None, amount: float | None) -> bool:
    """The amount decides when given (0: nothing charged); else a charge date that is absent
    means no fee was charged."""
    return amount > 0 if amount is not None else charged_on is not None


# --- responding to public opinion -------------------------------------------------------


class NationalOpinionFacts(BaseModel):
    """第六条第二款: false or incomplete information that affects stability or order."""

    false_information_found_at: dt.datetime | None = fact(
        "发现影响或者可能影响社会稳定、扰乱社会和经济管理秩序的虚假或者不完整信息之时", "没有发现则不填"
    )


@derivation(
    "false_information_found",
    "发现影响社会稳定、扰乱社会和经济管理秩序的虚假或者不完整信息",
    ("public_opinion_response",),
    ("false_information_found_at",),
    bool,
    partial=True,
)
def _false_found(found_at: dt.datetime | None) -> bool:
    return found_at is not None


# --- complaints and supervision ----------------------------------------------------------


class ComplaintSubject(Choice):
    """What a complaint to a 主管部门 is about."""

    agency_disclosure = (
        "agency_disclosure",
        "行政机关未按照要求主动公开政府信息或者对政府信息公开申请不依法答复处理(条例第四十七条第二款)",
    )
    public_enterprise = (
        "public_enterprise",
        "公共企事业单位未依照规定公开在提供社会公共服务过程中制作、获取的信息(条例第五十五条第二款)",
    )
    other = "other", "其他事项"


class NationalComplaintFacts(BaseModel):
    """Fields HandleComplaint takes from the 条例."""

    complaint_subject: ComplaintSubject | None = fact("所反映的事项")
    verified_on: dt.date | None = fact("查证属实之日", "查证不属实或者尚未查证则不填", not_before=("received_on",))
    urged_or_criticised: bool | None = fact("已予以督促整改或者通报批评")


@derivation("complaint_verified", "反映的问题已查证属实", ("handle_complaint",), ("verified_on",), bool, partial=True)
def _verified(verified_on: dt.date | None) -> bool:
    return verified_on is not None


class NationalViolation(Choice):
    """条例第五十三条 (一)–(三)."""

    duty_unperformed = "duty_unperformed", "不依法履行政府信息公开职能"
    not_updated = "not_updated", "不及时更新公开的政府信息内容、政府信息公开指南和政府信息公开目录"
    other_violation = "other_violation", "违反本条例规定的其他情形"


class NationalAccountabilityFacts(BaseModel):
    """Fields Accountability takes from the 条例: the 主管部门's supervision (第四十七条) and
    the grounds of 第五十三条."""

    inspection_found_on: dt.date | None = fact(
        "在日常指导和监督检查中发现行政机关未按照要求开展政府信息公开工作之日", "没有发现则不填"
    )
    urged_or_criticised: bool | None = fact("已予以督促整改或者通报批评")
    accountability_needed: bool | None = fact("需要对负有责任的领导人员和直接责任人员追究责任")
    handling_proposal_made: bool | None = fact("已依法向有权机关提出处理建议")
    national_violations: list[NationalViolation] | None = fact("违反条例的情形", "均不属于则为空列表")


@derivation(
    "inspection_found_noncompliance",
    "监督检查发现行政机关未按照要求开展政府信息公开工作",
    ("accountability",),
    ("inspection_found_on",),
    bool,
    partial=True,
)
def _inspection_found(found_on: dt.date | None) -> bool:
    return found_on is not None


# --- the catalogue and the agency's year -------------------------------------------------


class InformationCatalogueElement(Choice):
    """第十二条第三款: 政府信息的索引、名称、内容概述、生成日期等."""

    index = "index", "索引"
    name = "name", "名称"
    summary = "summary", "内容概述"
    generated_on = "generated_on", "生成日期"


class NationalCatalogueFacts(BaseModel):
    """第十二条第三款: what the 政府信息公开目录 gives for each piece of information."""

    information_catalogue_elements: list[InformationCatalogueElement] | None = fact("政府信息公开目录包括的内容")


@derivation(
    "information_catalogue_elements_missing",
    "政府信息公开目录缺少条例第十二条第三款所列内容的项数",
    ("catalogue_maintenance",),
    ("information_catalogue_elements",),
    int,
)
def _catalogue_missing(elements: list[InformationCatalogueElement]) -> int:
    return len(set(InformationCatalogueElement) - set(elements))


class PlatformFunction(Choice):
    """第二十四条: 信息检索、查阅、下载等功能."""

    search = "search", "信息检索"
    view = "view", "查阅"
    download = "download", "下载"


class NationalYearFacts(BaseModel):
    """Yearly duties of the 条例 (periodic clauses), on the agency's year."""

    withheld_information_reviewed: bool | None = fact("本年度已对本机关不予公开的政府信息进行评估审查")
    reviewed_disclosable_unpublished: int | None = fact("评估审查认为因情势变化可以公开而仍未公开的信息条数", **COUNT)
    is_people_government: bool | None = fact("本机关为人民政府")
    disclosure_work_assessed: bool | None = fact("本年度已对政府信息公开工作进行考核")
    disclosure_work_evaluated: bool | None = fact("本年度已对政府信息公开工作进行社会评议")
    platform_functions: list[PlatformFunction] | None = fact("政府信息公开平台具备的功能")


@derivation(
    "platform_functions_missing",
    "政府信息公开平台缺少的功能数",
    ("annual_programme",),
    ("platform_functions",),
    int,
)
def _platform_missing(functions: list[PlatformFunction]) -> int:
    return len(set(PlatformFunction) - set(functions))
