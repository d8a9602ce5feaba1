"""Read a 公文: its text in, its elements out, each with the span it is printed at."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from gongkai.reader import fields as f
from gongkai.reader.text import Normalised, normalise


class Span(BaseModel):
    """A field found once: its value, the text as printed and its offsets in the text as given."""

    value: Any
    text: str
    start: int
    end: int


class Ambiguous(BaseModel):
    """A field the layout leaves open: every reading, and why none was chosen."""

    candidates: list[Span]
    reason: str


Field = Span | Ambiguous


class Reading(BaseModel):
    """What the reader found; a field not found is absent (None), never guessed."""

    issuer: Field | None = None
    document_number: Field | None = None
    signer: Field | None = None
    title: Field | None = None
    addressees: Field | None = None
    written_on: Field | None = None
    disclosure_label: Field | None = None
    secrecy: Field | None = None
    urgency: Field | None = None
    attachments: Field | None = None
    cited_documents: list[Span] = []

    def found(self, name: str) -> Span | None:
        value = getattr(self, name)
        return value if isinstance(value, Span) else None


def read(text: str) -> Reading:
    doc = normalise(text)
    layout = f.Layout(doc)
    span = _spanner(doc)
    reading = Reading()

    numbers = list(f.find_numbers(layout))
    reading.document_number = _one(
        [span(h) for h, _ in numbers], "多处单独成行或在文号栏的文号互不相同 / several differing own numbers"
    )
    labels = [  # the 附注 stands on its own line; a sentence quoting 「此件公开发布」 is not one
        f.Hit(f.LABELS[m.group(1)], m.start(), m.end())
        for line in layout.lines
        if (m := f.LABEL.fullmatch(doc.text, line.start, line.end))
    ]
    reading.disclosure_label = _one([span(h) for h in labels], "公开属性标注互相矛盾 / conflicting labels")
    label = labels[0] if len({h.value for h in labels}) == 1 else None
    dates = f.written_on(layout, label)
    reading.written_on = _one(
        [span(h) for h in dates], "署名下有多个单独成行的日期 / several dates alone on their lines"
    )
    date = dates[0] if len(dates) == 1 else None

    if layout.title:
        first, last = layout.lines[layout.title[0]], layout.lines[layout.title[-1]]
        value = "".join(layout.lines[i].compact for i in layout.title)
        end = last.end
        printed_number = re.search(r"\(" + f.NUMBER.pattern + r"\)$", value)
        if printed_number:  # 「…的通知(岳办发〔2017〕2号)」: the number is not part of the title
            value = value[: printed_number.start()]
            end = doc.text.rindex("(", last.start, last.end)
        if value.startswith("《") and value.endswith("》"):
            value = value[1:-1]
        reading.title = span(f.Hit(value, first.start, end))
    if layout.addressee_index is not None:
        parts = [layout.lines[i] for i in layout.addressee_lines()]
        value = "".join(p.compact for p in parts)[:-1]
        reading.addressees = span(f.Hit(value, parts[0].start, parts[-1].end - 1))
    reading.issuer = _issuer(layout, date, reading, span)
    reading.signer = _first(f.SIGNER, doc, span, group=1, limit=layout.body_start, clean=True)
    reading.secrecy = _header_line(layout, f.SECRECY, span)
    reading.urgency = _header_line(layout, f.URGENCY, span)
    reading.attachments = _attachments(layout, span)
    reading.cited_documents = [span(h) for h in f.cited_documents(layout)]
    return reading


def _spanner(doc: Normalised):
    def span(hit: f.Hit) -> Span:
        start, end = doc.span(hit.start, hit.end)
        value = hit.value.isoformat() if hasattr(hit.value, "isoformat") else hit.value
        return Span(value=value, text=doc.original[start:end], start=start, end=end)

    return span


def _one(spans: list[Span], reason: str) -> Field | None:
    if not spans:
        return None
    if len({repr(s.value) for s in spans}) == 1:
        return spans[0]
    return Ambiguous(candidates=spans, reason=reason)


def _issuer(layout: f.Layout, date: f.Hit | None, reading: Reading, span) -> Field | None:
    top = layout.title[0] if layout.title else len(layout.lines[:15])
    for line in reversed(layout.lines[max(0, top - 8) : top]):  # the 版头, just above the number and title
        text = line.compact
        if text.endswith("文件") and f.AGENCY_END.search(text[:-2]) and not re.search(r"[:>|]", text):
            at = layout.doc.text.index(text[:-2][0], line.start)
            return span(f.Hit(text[:-2], at, line.end - 2))
    names = f.signature(layout, date)
    if len(names) == 1:
        return span(names[0])
    if names:
        joint = [span(h) for h in names]
        return Span(
            value=[s.value for s in joint],
            text=layout.doc.original[joint[0].start : joint[-1].end],
            start=joint[0].start,
            end=joint[-1].end,
        )
    title = reading.title
    if isinstance(title, Span) and "关于" in title.value:
        prefix = title.value.split("关于", 1)[0]
        if prefix and f.AGENCY_END.search(prefix):
            at = layout.doc.text.index(prefix[0], layout.doc.origin.index(title.start))
            return span(f.Hit(prefix, at, at + len(prefix)))
    return None


def _first(pattern: re.Pattern[str], doc: Normalised, span, *, group: int, limit: int, clean: bool) -> Span | None:
    m = pattern.search(doc.text, 0, max(limit, 0) or len(doc.text))
    if m is None:
        return None
    value = re.sub(r"\s+", " ", m.group(group)).strip() if clean else m.group(group)
    return span(f.Hit(value, m.start(group), m.end(group)))


def _header_line(layout: f.Layout, pattern: re.Pattern[str], span) -> Span | None:
    for line in layout.lines[:12]:
        if line.start >= layout.body_start:
            break
        m = pattern.match(line.compact)
        if m:
            return span(f.Hit(line.compact, line.start, line.end))
    return None


def _attachments(layout: f.Layout, span) -> Span | None:
    for i, line in enumerate(layout.lines):
        if line.start < layout.body_start:
            continue
        m = re.match(r"附\s*件\s*:\s*(.*)$", line.text)
        if not m:
            continue
        items = [m.group(1)] if m.group(1) else []
        end = line.end
        for nxt in layout.lines[i + 1 : i + 20]:
            if re.match(r"^\d+\s*[.、]", nxt.text):
                items.append(nxt.text)
                end = nxt.end
            elif nxt.text:
                break
        names = [re.sub(r"^\d+\s*[.、]\s*", "", item).strip() for item in items if item.strip()]
        if names:
            return span(f.Hit(names, line.start, end))
    return None
