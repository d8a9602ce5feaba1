"""Feature files as data: the step phrases, and facts written the way legal staff write them.

The same module serves the pytest-bdd steps (tests/test_features.py), ``gongkai trace``
(which clause has which scenarios) and anything else that replays scenarios. A fact may
be named by its English name or its Chinese term, an enum value likewise; booleans are
是/否 (or true/false); lists are 、-separated or JSON; ``无`` is the empty list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from gongkai.check.decision import CoverageStatus, Outcome
from gongkai.facts import ACTIONS
from gongkai.packs.jurisdiction import AgencyKind
from gongkai.packs.vocabulary import FactInfo, FactType

# Step phrases (pytest-bdd `parse` formats). trace.py reads the same ones.
AGENCY = '机关为"{name}",行政区划代码"{code}",机关类型"{kind}"'
ACTION = '行为是"{action}"'
FACTS = "事实如下:"
AS_OF = '检查日期为"{date}"'
CHECK = "检查该行为"
OUTCOME = '结论为"{outcome}"'
BREACHED = '违反规则"{rule}"'
NOT_BREACHED = '未违反规则"{rule}"'
UNDECIDED = '规则"{rule}"无法判定,缺少事实"{facts}"'
DUE = '期限"{obligation}"到期日为"{date}",状态为"{status}"'
NO_OBLIGATION = '没有期限"{obligation}"'
NO_DUE_DATE = '期限"{obligation}"没有到期日,状态为"{status}"'
WARNING = '有提示"{text}"'
UNKNOWN_FACT = '事实"{fact}"未知'
PACKS = '适用的规则包为"{packs}"'
NO_PACKS = "没有适用的规则包"
COVERAGE = '规则包"{pack}"的覆盖情况为"{status}"'
CONFLICT = '存在冲突"{topic}",较严格的条款为"{clause}"'
CONFLICT_NO_STRICTER = '存在冲突"{topic}",没有较严格的一方'
NO_CONFLICT = '不存在冲突"{topic}"'

OUTCOMES = {o.term: o.value for o in Outcome}  # 合规, 不合规, 事实不全, 不在规则覆盖范围
COVERAGE_STATUSES = {c.term: c.value for c in CoverageStatus}  # 已适用, 规则包不在施行期间 …
STATUSES = {"未到期": "open", "按期": "met", "逾期": "missed", "中止": "suspended"}
# A real case (features/real/) whose ruling the service does not reach: kept as the body ruled, left out
# of every replay (tests, trace, mutate) until the service agrees; tests/conftest.py skips it with the reason.
KNOWN_DISAGREEMENT = "known-disagreement"
TRUE_WORDS, FALSE_WORDS = {"是", "true", "真"}, {"否", "false", "假"}


class ScenarioError(ValueError):
    """A fact table or step that does not fit the action's vocabulary."""


def agency_kind(label: str) -> str:
    for kind in AgencyKind:
        if label in (kind.value, kind.term):
            return kind.value
    raise ScenarioError(f"unknown agency kind {label!r}; known: {', '.join(k.term for k in AgencyKind)}")


def action_kind(label: str) -> str:
    for kind, model in ACTIONS.items():
        if label in (kind, model.term):
            return kind
    raise ScenarioError(f"unknown action {label!r}; known: {', '.join(ACTIONS)}")


def fact_name(label: str, vocab: dict[str, FactInfo]) -> str:
    if label in vocab:
        return label
    matches = [name for name, info in vocab.items() if info.term == label]
    if len(matches) != 1:
        raise ScenarioError(f"no single fact named {label!r}")
    return matches[0]


def _choice(text: str, info: FactInfo) -> str:
    value = dict(zip(info.value_terms, info.values, strict=True)).get(text, text)
    if value not in info.values:
        raise ScenarioError(f"{text!r} is not a value of {info.name} ({', '.join(info.values)})")
    return value


def parse_value(text: str, info: FactInfo) -> Any:
    text = text.strip()
    if info.type is FactType.boolean:
        if text in TRUE_WORDS | FALSE_WORDS:
            return text in TRUE_WORDS
        raise ScenarioError(f"{info.name}: {text!r} is not 是/否")
    if info.type is FactType.number:
        return float(text) if "." in text else int(text)
    if info.type is FactType.choice:
        return _choice(text, info)
    if info.type is FactType.choices:
        if text in ("无", "[]"):
            return []
        items = json.loads(text) if text.startswith("[") else re.split(r"[、,,]\s*", text)
        return [_choice(item, info) for item in items]
    return text  # dates and text: pydantic parses them


def facts_from_rows(rows: list[list[str]], vocab: dict[str, FactInfo]) -> dict[str, Any]:
    """A two-column table (header row first) → facts, named by name or Chinese term."""
    facts: dict[str, Any] = {}
    for label, text in (row[:2] for row in rows[1:]):
        name = fact_name(label.strip(), vocab)
        facts[name] = parse_value(text, vocab[name])
    return facts


# --- reading feature files (for trace and replay) -------------------------------------


@dataclass
class Scenario:
    file: Path
    feature: str
    name: str
    tags: list[str]
    steps: list[str]
    line: int
    tables: dict[int, list[list[str]]] = field(default_factory=dict)  # step index → rows

    def rules_asserted(self, phrase: str) -> list[str]:
        pattern = re.compile("^" + re.escape(phrase).replace(r"\{rule\}", '(?P<rule>[^"]+)') + "$")
        return [m["rule"] for s in self.steps if (m := pattern.match(s))]


def read_features(directory: Path, *, with_disagreements: bool = False) -> list[Scenario]:
    """Every scenario (one per example row); those tagged @known-disagreement only when asked."""
    scenarios: list[Scenario] = []
    for path in sorted(directory.rglob("*.feature")):
        document = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))
        feature = document["feature"]
        feature_tags = [t["name"][1:] for t in feature["tags"]]
        background: list[dict[str, Any]] = []
        for child in feature["children"]:
            if "background" in child:
                background = child["background"]["steps"]
            elif "scenario" in child:
                sc = child["scenario"]
                tags = feature_tags + [t["name"][1:] for t in sc["tags"]]
                if KNOWN_DISAGREEMENT in tags and not with_disagreements:
                    continue
                steps = [*background, *sc["steps"]]
                for name, values, line in _examples(sc):
                    scenarios.append(
                        Scenario(
                            file=path,
                            feature=feature["name"],
                            name=name,
                            tags=tags,
                            steps=[_fill(s["text"], values) for s in steps],
                            line=line,
                            tables={
                                i: [[_fill(c["value"], values) for c in r["cells"]] for r in s["dataTable"]["rows"]]
                                for i, s in enumerate(steps)
                                if "dataTable" in s
                            },
                        )
                    )
    return scenarios


def _examples(scenario: dict[str, Any]) -> list[tuple[str, dict[str, str], int]]:
    """One (name, placeholder values, line) per example row; a plain scenario is one row."""
    rows = []
    for block in scenario.get("examples", []):
        header = [c["value"] for c in block["tableHeader"]["cells"]]
        for row in block["tableBody"]:
            values = dict(zip(header, (c["value"] for c in row["cells"]), strict=True))
            rows.append((_fill(scenario["name"], values), values, row["location"]["line"]))
    return rows or [(scenario["name"], {}, scenario["location"]["line"])]


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"<{key}>", value)
    return text
