"""The 公文 corpus (tests/documents/) and how the reader is scored on it.

Shared by tests/test_reader.py (which fails on any regression) and bench/read.py (which
prints the per-field figures for BENCHMARKS.md). Each NN.txt is a real document's text as
published; NN.yaml gives its source, the expected fields (null: the text does not print
it) and distractors: strings in the text the reader must never return as the document's
own number, date or label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gongkai.reader.document import Ambiguous, Reading, Span, read
from gongkai.reader.fields import document_number, parse_date
from gongkai.reader.text import normalise

CORPUS = Path(__file__).parent / "documents"
FIELDS = (
    "issuer", "document_number", "signer", "title", "addressees", "written_on", "disclosure_label",
    "secrecy", "urgency", "attachments", "cited_numbers",
)  # fmt: skip
EXACT = ("document_number", "written_on", "disclosure_label")  # must be right on every document


@dataclass
class Document:
    name: str
    text: str
    expected: dict[str, Any]
    distractors: list[str]
    source: dict[str, Any]


def documents() -> list[Document]:
    found = []
    for path in sorted(CORPUS.glob("*.txt")):
        meta = yaml.safe_load(path.with_suffix(".yaml").read_text())
        text = path.read_text(encoding="utf-8")
        found.append(Document(path.stem, text, meta["expected"], meta.get("distractors", []), meta["source"]))
    return found


def value(reading: Reading, name: str) -> Any:
    """The reader's value for a field, None when absent; an ambiguous field counts as a wrong answer."""
    if name == "cited_numbers":
        return [s.value["number"] for s in reading.cited_documents]
    found = getattr(reading, name)
    if found is None:
        return None
    if isinstance(found, Ambiguous):
        return Ambiguous
    return found.value


def same(name: str, got: Any, want: Any) -> bool:
    if name == "cited_numbers":
        return sorted(set(got)) == sorted(set(want))
    if name in ("title", "addressees", "issuer") and isinstance(got, str) and isinstance(want, str):
        return _plain(got) == _plain(want)  # the oracle keeps a traditional text's script; the reader simplifies
    return got == want


def _plain(text: str) -> str:
    return "".join(normalise(text).text.split())


@dataclass
class Score:
    """Per field: true positives, answers given, answers expected."""

    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    given: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    expected: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    perfect: int = 0
    documents: int = 0
    failures: list[str] = field(default_factory=list)
    distractors_returned: list[str] = field(default_factory=list)

    def precision(self, name: str) -> float:
        return self.right[name] / self.given[name] if self.given[name] else 1.0

    def recall(self, name: str) -> float:
        return self.right[name] / self.expected[name] if self.expected[name] else 1.0


def score(corpus: list[Document]) -> Score:
    result = Score()
    for doc in corpus:
        reading = read(doc.text)
        result.documents += 1
        ok = True
        for name in FIELDS:
            want, got = doc.expected.get(name), value(reading, name)
            if name == "cited_numbers":
                want = want or []
                result.expected[name] += len(set(want))
                result.given[name] += len(set(got))
                result.right[name] += len(set(got) & set(want))
            else:
                result.expected[name] += want is not None
                result.given[name] += got is not None
                result.right[name] += want is not None and got is not None and same(name, got, want)
            if not same(name, got, want) and not (want is None and got is None):
                ok = False
                result.failures.append(f"{doc.name} {name}: expected {want!r}, got {got!r}")
        result.perfect += ok
        result.distractors_returned += [f"{doc.name}: {d!r}" for d in returned_distractors(doc, reading)]
    return result


def returned_distractors(doc: Document, reading: Reading) -> list[str]:
    """Distractors the reader gave as the document's own number, date or label."""
    own = {
        "document_number": reading.found("document_number"),
        "written_on": reading.found("written_on"),
        "disclosure_label": reading.found("disclosure_label"),
    }
    hits = []
    for distractor in doc.distractors:
        as_date = parse_date(distractor)
        for name, span in own.items():
            if not isinstance(span, Span):
                continue
            if (
                span.text == distractor
                or (name == "document_number" and span.value == document_number(distractor) != distractor)
                or (
                    name == "written_on"
                    and as_date
                    and span.value == as_date.isoformat() != doc.expected.get("written_on")
                )
            ):
                hits.append(distractor)
    return hits
