"""Grounds for withholding information, as QL and the 条例 (2019) count them.

Shared by publishing, drafting and requests; its own module so that the modules that use it
import it from below instead of from one another."""

from __future__ import annotations

from gongkai.packs.vocabulary import Choice


class Exemption(Choice):
    """Grounds for withholding information: list every one that applies.

    Each pack counts the grounds it recognises. QL (五 第一条) counts its six: state_secret
    … legally_barred, a ban by 法律 or 行政法规 (barred_by_law) being a case of its (六).
    The 条例 (2019) counts 第十四条 (state_secret, barred_by_law, endangers_security, never
    disclosed), 第十五条 (commercial_secret, personal_privacy, third_party_harm: lifted by
    the third party's consent or an overriding public interest) and 第十六条 (internal_affairs;
    process_information and enforcement_case_file, lifted where 法律、法规、规章 require
    disclosure). in_process, law_enforcement and legally_barred are QL's only: a 规章 ban or
    a matter still being handled is no ground under the 条例 unless one of its own applies.
    """

    state_secret = "state_secret", "属于国家秘密"
    commercial_secret = "commercial_secret", "属于商业秘密或者公开后可能导致商业秘密被泄露"
    personal_privacy = "personal_privacy", "属于个人隐私或者公开后可能导致对个人隐私造成不当侵害"
    in_process = "in_process", "正在调查、讨论、处理过程中"
    law_enforcement = "law_enforcement", "与执法有关,公开后可能直接影响案件查处或者危及个人生命安全"
    legally_barred = "legally_barred", "法律、法规、规章规定不予公开的其他情形"
    # 条例 (2019) 第十四条 to 第十六条
    barred_by_law = "barred_by_law", "法律、行政法规禁止公开"
    endangers_security = "endangers_security", "公开后可能危及国家安全、公共安全、经济安全、社会稳定"
    third_party_harm = "third_party_harm", "公开会对第三方合法权益造成损害的其他情形"
    internal_affairs = "internal_affairs", "行政机关的内部事务信息(人事管理、后勤管理、内部工作流程等)"
    process_information = "process_information", "讨论记录、过程稿、磋商信函、请示报告等过程性信息"
    enforcement_case_file = "enforcement_case_file", "行政执法案卷信息"


# QL's six grounds (五 第一条 (一)–(六)); a ban by 法律、行政法规 is a case of its (六).
QL_GROUNDS = {
    Exemption.state_secret,
    Exemption.commercial_secret,
    Exemption.personal_privacy,
    Exemption.in_process,
    Exemption.law_enforcement,
    Exemption.legally_barred,
}
QL_GROUND_OF = {Exemption.barred_by_law: Exemption.legally_barred}

# The 条例's grounds by article.
NEVER_DISCLOSED = {Exemption.state_secret, Exemption.barred_by_law, Exemption.endangers_security}  # 第十四条
THIRD_PARTY = {Exemption.commercial_secret, Exemption.personal_privacy, Exemption.third_party_harm}  # 第十五条
INTERNAL = {Exemption.internal_affairs}  # 第十六条第一款
PROCESS = {Exemption.process_information, Exemption.enforcement_case_file}  # 第十六条第二款
