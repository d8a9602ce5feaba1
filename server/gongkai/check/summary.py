"""A decision as a clerk reads it: a short summary in Chinese (``gongkai check --format text``)."""

from __future__ import annotations

from gongkai.check.decision import Decision, ObligationStatus
from gongkai.packs.pack import Severity

STATUS = {
    ObligationStatus.open: "未到期",
    ObligationStatus.suspended: "已中止",
    ObligationStatus.met: "已按期完成",
    ObligationStatus.missed: "已逾期",
}
SEVERITY = {Severity.must: "违反(应当)", Severity.should: "提醒(原则上)", Severity.info: "说明"}


def summary(decision: Decision) -> str:
    d = decision
    lines = [
        f"结论:{d.outcome.term}({d.outcome.value})——{d.outcome.meaning}",
        f"机关:{d.agency}({d.jurisdiction});行为:{d.action};适用日期:{d.as_of}",
    ]
    if d.packs:
        lines.append("适用的规则包:" + "、".join(f"{p.code}《{p.document}》" for p in d.packs))
    findings = [f for f in d.findings if f.severity is not Severity.info] + [
        f for f in d.findings if f.severity is Severity.info
    ]
    if findings:
        lines.append("违反的条款:")
        for f in findings:
            lines.append(f"  - [{SEVERITY[f.severity]}] {f.clause_id} {f.section}:{f.message}(规则 {f.rule_id})")
            lines.append(f"    条文:{f.clause_text}")
            if f.remedy:
                lines.append(f"    应当:{f.remedy}")
    if d.obligations:
        lines.append("期限:")
        for o in d.obligations:
            due = o.due_on.isoformat() if o.due_on else "(中止中,暂无到期日)"
            done = f",完成于 {o.done_on}" if o.done_on else ""
            lines.append(f"  - {o.title}:{o.period},自 {o.starts_on or '—'} 起,至 {due}{done}({STATUS[o.status]})")
    if d.questions:
        lines.append("还需要回答的问题:")
        lines += [f"  - {q.question}" for q in d.questions[:10]]
        if len(d.questions) > 10:
            lines.append(f"  ……另有 {len(d.questions) - 10} 个问题")
    if d.conflicts:
        lines.append("规则包之间的冲突:" + ";".join(c.title for c in d.conflicts))
    lines += [f"注意:{w}" for w in d.warnings]
    return "\n".join(lines)
