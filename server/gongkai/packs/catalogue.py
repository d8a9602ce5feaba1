"""Clause catalogues: every provision of a source document, verbatim, classified.

A catalogue is ``rules/<CODE>/clauses.yaml``. Loading it proves two things against the
source text in ``rules/sources/``: every clause is quoted verbatim (a contiguous piece of
the source), and every non-empty line of the source is either inside some clause or
listed as omitted (a heading or page furniture), or in the transcriber's preamble above the
line ``preamble_until`` names. Nothing is left out silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

# A pack's code: two or three capitals, and the year of the text when one document has
# several encoded texts (CN08: the 2008 条例, replaced by the 2019 text, CN).
PACK_CODE = r"[A-Z]{2,3}(?:[0-9]{2})?"
CLAUSE_ID = re.compile(rf"^{PACK_CODE}-\d+(-(\d+|[ps]\d+))*$")


class ClauseClass(StrEnum):
    per_action = "per-action"  # checkable on one action's facts
    periodic = "periodic"  # checkable on an agency's record for a period (usually a year)
    not_checkable = "not-checkable"  # principle, purpose, definition, exhortation …


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Document(Strict):
    code: str = Field(pattern=rf"^{PACK_CODE}$")
    title: str
    number: str | None = None  # 文号, e.g. 海政办发〔2017〕37号
    issuer: str
    source: str  # file name under rules/sources/
    dated: dt.date | None = None
    notes: str | None = None


class Clause(Strict):
    id: str = Field(pattern=CLAUSE_ID.pattern)
    path: str  # section path as printed, e.g. "五、(二) 第十条"
    text: str  # verbatim from the source
    cls: ClauseClass = Field(alias="class")
    reason: str | None = None  # required for not-checkable
    reading: str | None = None  # how we read a typo or odd punctuation, text left as printed

    @model_validator(mode="after")
    def _reason_iff_not_checkable(self) -> Clause:
        if (self.cls is ClauseClass.not_checkable) != bool(self.reason):
            raise ValueError(f"clause {self.id!r}: a reason is required exactly when not-checkable")
        return self


class Omission(Strict):
    line: str  # verbatim line of the source
    kind: str = Field(pattern=r"^(heading|furniture)$")


class Catalogue(Strict):
    document: Document
    clauses: list[Clause]
    omitted: list[Omission] = []
    # A line of the source that ends its preamble: the transcriber's notes on where the text
    # comes from (sources, cross-checks), above the document itself. That line and every line
    # above it are furniture; no clause is looked for there.
    preamble_until: str | None = None

    def clause(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise KeyError(clause_id)


class CatalogueError(ValueError):
    """A catalogue that does not match its source."""


def check_against_source(catalogue: Catalogue, source_text: str) -> None:
    """Raise CatalogueError unless every clause is verbatim and every character of the
    source is in some clause, on an omitted line or in the preamble (a long printed line
    may hold several provisions, each its own clause)."""
    problems: list[str] = []
    seen: set[str] = set()
    covered = bytearray(len(source_text))
    body = _preamble_end(catalogue, source_text, problems)
    position = body
    for clause in catalogue.clauses:
        if clause.id in seen:
            problems.append(f"duplicate clause id {clause.id!r}")
        seen.add(clause.id)
        # clauses come in document order: look after the previous one first
        start = source_text.find(clause.text, position)
        if start < 0:
            start = source_text.find(clause.text, body)
        if start < 0:
            problems.append(f"clause {clause.id!r} is not verbatim in the source")
            continue
        end = start + len(clause.text)
        covered[start:end] = b"\x01" * (end - start)
        position = end
    lines = source_text.splitlines(keepends=True)
    omitted = {o.line.strip() for o in catalogue.omitted}
    problems += [f"omitted line {line!r} is not a line of the source" for line in omitted - {x.strip() for x in lines}]
    offset = 0
    for line in lines:
        if offset >= body and line.strip() and line.strip() not in omitted:
            left = "".join(ch for k, ch in enumerate(line) if not ch.isspace() and not covered[offset + k])
            if left:
                problems.append(f"source text in no clause nor omitted: {left[:40]!r}")
        offset += len(line)
    if problems:
        raise CatalogueError("; ".join(problems))


def _preamble_end(catalogue: Catalogue, source_text: str, problems: list[str]) -> int:
    """Where the document begins: after the line ``preamble_until``, or at the start."""
    if catalogue.preamble_until is None:
        return 0
    offset = 0
    for line in source_text.splitlines(keepends=True):
        offset += len(line)
        if line.strip() == catalogue.preamble_until.strip():
            return offset
    problems.append(f"preamble_until {catalogue.preamble_until!r} is not a line of the source")
    return 0


# libyaml's parser when PyYAML has it (the usual wheels do): start-up is mostly reading YAML,
# and the pure-Python parser took three times as long (BENCHMARKS.md). Same safe subset.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> object:
    return yaml.load(text, Loader=SafeLoader)  # a safe loader, C or Python


def parse_catalogue(text: str, source_text: Callable[[str], str]) -> Catalogue:
    """The catalogue in ``text``, checked against its source (``source_text(file name)``)."""
    catalogue = Catalogue.model_validate(safe_load(text))
    check_against_source(catalogue, source_text(catalogue.document.source))
    return catalogue


def load_catalogue(path: Path, sources_dir: Path) -> Catalogue:
    return parse_catalogue(
        path.read_text(encoding="utf-8"), lambda name: (sources_dir / name).read_text(encoding="utf-8")
    )
