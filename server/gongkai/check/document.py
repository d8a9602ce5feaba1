"""Check a 公文 from its own text: the reader's fields become facts of a ``draft_document`` or
``publish_information`` check, beside the workflow facts the caller gives.

The caller's facts win where both give one; the decision lists every fact that came from the
text with the span it was read from (``from_text``), and each finding that read such a fact
points to those spans. A label the text does not print is a fact too (未标注): its span is the
empty place where GB/T 9704 puts the 附注, under the 成文日期.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.decision import Decision, TextFact
from gongkai.check.invalid import BadInput
from gongkai.packs.jurisdiction import Agency
from gongkai.reader.document import Reading, Span, read
from gongkai.reader.fields import document_number

DOCUMENT_ACTIONS = ("draft_document", "publish_information")
# the label printed → (draft_document's issue_label, the disclosure attribute it states)
LABELS = {
    "此件公开发布": ("publish", "proactive"),
    "此件依申请公开": ("on_request", "on_request"),
    "此件不予公开": (None, "withheld"),
}


def facts_from_text(
    reading: Reading, action: str, text: str, continuing_valid: Sequence[str] | None = None
) -> dict[str, TextFact]:
    """The facts the text states for the action kind, each with where it is printed.
    ``continuing_valid``: the numbers of the normative documents a cleanup kept in force (LS
    二(二)5's 继续有效目录), when the caller has the list: a cited document whose 机关代字 the
    list uses but which it does not contain is a delisted one relied on."""
    if action not in DOCUMENT_ACTIONS:
        raise BadInput(
            "action", f"公文只能按 {' 或 '.join(DOCUMENT_ACTIONS)} 检查 / a document is checked as one of those"
        )
    found: dict[str, TextFact] = {}

    def put(name: str, value: Any, span: Span) -> None:
        found[name] = TextFact(fact=name, value=value, text=span.text, start=span.start, end=span.end)

    title, written, label, secrecy = (reading.found(n) for n in ("title", "written_on", "disclosure_label", "secrecy"))
    if title:
        put("title", title.value, title)
    if label:
        issue_label, attribute = LABELS[label.value]
        put("disclosure_attribute", attribute, label)
        if action == "draft_document" and issue_label:
            put("issue_label", issue_label, label)
    elif action == "draft_document" and reading.disclosure_label is None:
        at = written.end if written else len(text)  # where the 附注 would stand
        found["issue_label"] = TextFact(fact="issue_label", value="none", text="", start=at, end=at)
    if written:
        put("signed_on" if action == "draft_document" else "generated_on", written.value, written)
    if secrecy:
        put("secrecy_mark_applied" if action == "draft_document" else "bears_secrecy_mark", True, secrecy)
    if action == "draft_document" and continuing_valid is not None:
        listed = {document_number(n) for n in continuing_valid}
        codes = {n.split("〔", 1)[0] for n in listed}
        cited = [c for c in reading.cited_documents if c.value["number"].split("〔", 1)[0] in codes]
        delisted = [c for c in cited if c.value["number"] not in listed]
        if delisted:
            put("cites_delisted_normative_document", True, delisted[0])
        elif cited:  # every cited one of those codes is on the list
            put("cites_delisted_normative_document", False, cited[0])
    return found


def check_document(
    checker: Checker,
    *,
    text: str,
    agency: Agency,
    action: str,
    facts: dict[str, Any] | None = None,
    as_of: dt.date | None = None,
    request_id: str | None = None,
    reading: Reading | None = None,
    continuing_valid: Sequence[str] | None = None,
) -> tuple[CheckRequest, Decision]:
    """The check of the document: the request as checked (text facts merged under the caller's)
    and its decision, which names the facts taken from the text and their spans."""
    reading = reading or read(text)
    given = dict(facts or {})
    read_facts = facts_from_text(reading, action, text, continuing_valid)
    from_text = {k: v for k, v in read_facts.items() if k not in given}
    merged = {k: v.value for k, v in from_text.items()} | given
    request = CheckRequest(request_id=request_id, agency=agency, action=action, facts=merged, as_of=as_of)
    decision = checker.check(request)
    return request, with_spans(decision, from_text)


def with_spans(decision: Decision, from_text: dict[str, TextFact]) -> Decision:
    findings = [
        f.model_copy(update={"text_spans": [from_text[n] for n in f.facts if n in from_text]})
        for f in decision.findings
    ]
    return decision.model_copy(update={"findings": findings, "from_text": list(from_text.values())})
