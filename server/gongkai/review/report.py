"""``gongkai report``: law ↔ rule ↔ scenario as a static site, readable offline.

Per document, each clause verbatim beside the rules that encode it (the condition rendered
in Chinese, and as written with every fact name glossed), the scenarios of those rules with
their latest result (replayed now, by durable-rules), the mutants no scenario kills (from a
``gongkai mutate --json`` file), conflicts with other packs, and the reasons of the
not-checkable clauses. Plain HTML and CSS, a little JavaScript for the search box, no
request to anywhere: open ``index.html`` from the directory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from gongkai.check.checker import Checker
from gongkai.check.decision import Outcome
from gongkai.check.runtime import RulesError, open_rules
from gongkai.config import Settings
from gongkai.engine.compiler import CompiledRule, Lawbook
from gongkai.facts import ACTIONS
from gongkai.packs import conditions as c
from gongkai.packs.catalogue import ClauseClass
from gongkai.packs.conflicts import Conflict, conflicts_for, figure
from gongkai.packs.vocabulary import FactInfo, FactType
from gongkai.review import replay
from gongkai.review.scenarios import read_features

TEMPLATES = Path(__file__).parent / "templates" / "report"
OPS = {">": "大于", ">=": "不少于", "<": "少于", "<=": "不超过", "==": "为", "!=": "不为"}
SEVERITY = {"must": "应当(违反即不合规)", "should": "原则上(违反为提示)", "info": "提示(如问责)"}
CLASSES = {"per-action": "逐项可查", "periodic": "定期可查", "not-checkable": "不可自动检查"}


# --- conditions for people -----------------------------------------------------------


def _term(vocab: dict[str, FactInfo], name: str) -> str:
    info = vocab.get(name)
    return info.term if info and info.term else name


def _value(vocab: dict[str, FactInfo], fact: str, value: Any) -> str:
    info = vocab.get(fact)
    if isinstance(value, bool):
        return "是" if value else "否"
    if info and info.type in (FactType.choice, FactType.choices) and str(value) in info.values:
        term = info.value_terms[info.values.index(str(value))]
        return f"「{term or value}」"
    return str(value)


def readable(node: c.Node, vocab: dict[str, FactInfo]) -> str:
    """The condition in Chinese, fact names replaced by their terms."""
    if isinstance(node, c.Compare):
        if isinstance(node.value, bool):
            truth = node.value if node.op == "==" else not node.value
            return f"“{_term(vocab, node.fact)}”为{'是' if truth else '否'}"
        return f"“{_term(vocab, node.fact)}”{OPS[node.op]} {_value(vocab, node.fact, node.value)}"
    if isinstance(node, c.OneOf):
        values = "、".join(_value(vocab, node.fact, v) for v in node.values)
        return (
            f"“{_term(vocab, node.fact)}”为{values}之一"
            if len(node.values) > 1
            else f"“{_term(vocab, node.fact)}”为{values}"
        )
    if isinstance(node, c.Contains):
        return f"“{_term(vocab, node.fact)}”包含{_value(vocab, node.fact, node.item)}"
    if isinstance(node, c.Truth):
        return f"“{_term(vocab, node.fact)}”为是"
    if isinstance(node, c.Breached):
        return f"违反了规则 {node.rule_id}"
    if isinstance(node, c.Not):
        inner = node.operand
        if isinstance(inner, c.Truth):
            return f"“{_term(vocab, inner.fact)}”为否"
        if isinstance(inner, c.OneOf):
            values = "、".join(_value(vocab, inner.fact, v) for v in inner.values)
            return f"“{_term(vocab, inner.fact)}”不为{values}中的任何一个"
        if isinstance(inner, c.Contains):
            return f"“{_term(vocab, inner.fact)}”不包含{_value(vocab, inner.fact, inner.item)}"
        if isinstance(inner, c.Breached):
            return f"未违反规则 {inner.rule_id}"
        return f"并非({readable(inner, vocab)})"
    assert isinstance(node, c.And | c.Or)
    joiner = ",并且" if isinstance(node, c.And) else ",或者"
    return joiner.join(
        f"({readable(o, vocab)})" if isinstance(o, c.And | c.Or) else readable(o, vocab) for o in node.operands
    )


def glossed(text: str, vocab: dict[str, FactInfo], root: str) -> str:
    """The condition as written, as HTML: each fact name glossed with its Chinese term, each
    breached(RULE) a link to that rule."""
    from markupsafe import escape

    out = []
    for token in re.split(r'("[^"]*"|breached\([^)]*\)|[a-z][a-z0-9_]*)', text):
        if token in vocab:
            out.append(f'<abbr class="fact" title="{escape(_term(vocab, token))}">{escape(token)}</abbr>')
        elif m := re.fullmatch(r"breached\(([^)]*)\)", token):
            rule = m[1]
            out.append(f'breached(<a href="{root}rule/{escape(_file(rule))}.html">{escape(rule)}</a>)')
        else:
            out.append(str(escape(token)))
    return "".join(out)


def _file(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


# --- the data the pages show ---------------------------------------------------------


@dataclass
class ScenarioView:
    n: int
    file: str
    line: int
    name: str
    tags: list[str]
    steps: list[tuple[str, list[list[str]]]]
    passed: bool
    failure: str | None
    outcome: str | None
    findings: list[str]
    rules: list[str]

    @property
    def url(self) -> str:
        return f"scenario/{self.n}.html"


@dataclass
class RuleView:
    id: str
    pack: str
    severity: str
    actions: list[str]
    clauses: list[str]
    versions: list[dict[str, Any]]  # condition as written (glossed HTML), in Chinese, dates
    message: str
    remedy: str
    note: str | None
    scenarios: list[ScenarioView] = field(default_factory=list)
    survivors: list[dict[str, Any]] = field(default_factory=list)
    mutants: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"rule/{_file(self.id)}.html"


@dataclass
class ClauseView:
    id: str
    path: str
    text: str
    cls: str
    reason: str | None
    reading: str | None
    rules: list[RuleView]
    deadlines: list[dict[str, Any]]
    scenarios: list[ScenarioView]
    conflicts: list[Conflict]
    survivors: list[dict[str, Any]]


@dataclass
class DocumentView:
    code: str
    title: str
    number: str | None
    issuer: str
    clauses: list[ClauseView]
    encoded: bool

    @property
    def url(self) -> str:
        return f"doc/{self.code}.html"

    def count(self, cls: str) -> int:
        return sum(1 for x in self.clauses if x.cls == cls)

    @property
    def rules(self) -> int:
        return len({r.id for x in self.clauses for r in x.rules})

    @property
    def scenario_counts(self) -> tuple[int, int]:
        seen = {s.n: s for x in self.clauses for s in x.scenarios}
        return sum(1 for s in seen.values() if s.passed), sum(1 for s in seen.values() if not s.passed)

    @property
    def survivors(self) -> int:
        return len({m["id"] for x in self.clauses for m in x.survivors})


def build_views(
    lawbook: Lawbook, checker: Checker, features_dir: Path, mutation: dict[str, Any] | None
) -> tuple[list[DocumentView], dict[str, RuleView], list[ScenarioView]]:
    cases = [replay.prepare(s, lawbook.vocabulary) for s in read_features(features_dir)]
    scenarios = []
    for n, case in enumerate(cases, 1):
        result = replay.replay(case, checker)
        s = case.scenario
        scenarios.append(
            ScenarioView(
                n=n,
                file=f"{s.file.parent.name}/{s.file.name}",
                line=s.line,
                name=s.name,
                tags=s.tags,
                steps=[(text, s.tables.get(i, [])) for i, text in enumerate(s.steps)],
                passed=result.passed,
                failure=result.failure,
                outcome=result.decision.outcome.term if result.decision else None,
                findings=result.decision.breached_rules if result.decision else [],
                rules=sorted(case.rules_named()),
            )
        )
    by_rule: dict[str, list[ScenarioView]] = defaultdict(list)
    by_tag: dict[str, list[ScenarioView]] = defaultdict(list)
    for view in scenarios:
        for rule_id in view.rules:
            by_rule[rule_id].append(view)
        for tag in view.tags:
            by_tag[tag].append(view)
    results = mutation["results"] if mutation else []
    survivors_by_target: dict[str, list[dict[str, Any]]] = defaultdict(list)
    mutants_by_rule: dict[str, int] = defaultdict(int)
    for m in results:
        rule_id = m["target"].split("@")[0]
        mutants_by_rule[rule_id] += 1
        if m["status"] == "survived":
            survivors_by_target[rule_id].append(m)
    all_conflicts = conflicts_for(lawbook, lawbook.packs)
    conflicts_by_clause: dict[str, list[Conflict]] = defaultdict(list)
    for conflict in all_conflicts:
        for p in conflict.provisions:
            conflicts_by_clause[p.clause_id].append(conflict)
    rules: dict[str, RuleView] = {}
    versions: dict[str, list[CompiledRule]] = defaultdict(list)
    for compiled in lawbook.rules.values():
        versions[compiled.id].append(compiled)
    for rule_id, compiled_versions in versions.items():
        first = compiled_versions[0]
        vocab = lawbook.vocabulary[first.rule.actions[0]]
        view = RuleView(
            id=rule_id,
            pack=first.pack.code,
            severity=SEVERITY.get(first.rule.severity.value, first.rule.severity.value),
            actions=[f"{a}({_action_term(a)})" for a in first.rule.actions],
            clauses=list(first.rule.clauses),
            versions=[
                {
                    "written": glossed(v.rule.breach, vocab, "../"),
                    "checked": glossed(c.render(v.condition), vocab, "../"),
                    "same": c.render(c.parse(v.rule.breach)) == c.render(v.condition),
                    "readable": readable(v.condition, vocab),
                    "from": v.effective_from,
                    "to": v.effective_to,
                }
                for v in sorted(compiled_versions, key=lambda v: v.effective_from)
            ],
            message=first.rule.message,
            remedy=first.rule.remedy,
            note=first.rule.note,
            scenarios=by_rule.get(rule_id, []),
            survivors=survivors_by_target.get(rule_id, []),
            mutants=mutants_by_rule.get(rule_id, 0),
            conflicts=[x for cl in first.rule.clauses for x in conflicts_by_clause.get(cl, [])],
        )
        rules[rule_id] = view
    deadlines_by_clause: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen_deadlines = set()
    for compiled in (d for ds in lawbook.deadlines.values() for d in ds):
        if compiled.engine_id in seen_deadlines:
            continue
        seen_deadlines.add(compiled.engine_id)
        d = compiled.deadline
        period = figure(compiled.parameter.value, compiled.parameter.unit) if compiled.parameter else f"{d.due_date}前"
        entry = {"id": compiled.engine_id[1:], "title": d.title, "period": period}
        entry["survivors"] = survivors_by_target.get(entry["id"], []) + survivors_by_target.get(
            entry["id"] + " applies_if", []
        )
        for clause_id in d.clauses:
            deadlines_by_clause[clause_id].append(entry)
    documents = []
    encoded = {p.code for p in lawbook.packs}
    for pack in lawbook.packs:
        clauses = []
        for clause in pack.catalogue.clauses:
            clause_rules = [r for r in rules.values() if clause.id in r.clauses]
            clause_scenarios = {s.n: s for r in clause_rules for s in r.scenarios}
            clause_scenarios.update({s.n: s for s in by_tag.get(clause.id, [])})
            deadlines = deadlines_by_clause.get(clause.id, [])
            clauses.append(
                ClauseView(
                    id=clause.id,
                    path=clause.path,
                    text=clause.text,
                    cls=clause.cls.value,
                    reason=clause.reason,
                    reading=clause.reading,
                    rules=clause_rules,
                    deadlines=deadlines,
                    scenarios=sorted(clause_scenarios.values(), key=lambda s: s.n),
                    conflicts=conflicts_by_clause.get(clause.id, []),
                    survivors=[m for r in clause_rules for m in r.survivors]
                    + [m for d in deadlines for m in d["survivors"]],
                )
            )
        document = pack.catalogue.document
        documents.append(
            DocumentView(pack.code, document.title, document.number, document.issuer, clauses, pack.code in encoded)
        )
    return documents, rules, scenarios


def _action_term(action: str) -> str:
    return ACTIONS[action].term


# --- writing the site ----------------------------------------------------------------


def search_entries(
    documents: list[DocumentView], rules: dict[str, RuleView], scenarios: list[ScenarioView]
) -> list[dict[str, str]]:
    entries = []
    for d in documents:
        entries.append({"k": "文件", "t": f"{d.code} {d.title}", "s": d.number or "", "u": d.url})
        for x in d.clauses:
            entries.append({"k": "条款", "t": x.id, "s": f"{x.path} {x.text}", "u": f"{d.url}#{x.id}"})
    for r in rules.values():
        entries.append({"k": "规则", "t": r.id, "s": f"{r.message} {r.versions[-1]['readable']}", "u": r.url})
    for s in scenarios:
        entries.append({"k": "场景", "t": s.name, "s": f"{s.file}:{s.line}", "u": s.url})
    return entries


def environment() -> Any:
    """The report's templates (``templates/report``), HTML escaped, undefined names an error."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["file"] = _file
    return env


def write_assets(out: Path, entries: list[dict[str, str]]) -> None:
    """The style sheet, the search script and its index (``entries``) beside the pages in ``out``."""
    shutil.copy(TEMPLATES / "style.css", out / "style.css")
    shutil.copy(TEMPLATES / "search.js", out / "search.js")
    index = json.dumps(entries, ensure_ascii=False)
    (out / "search-index.js").write_text(f"window.GONGKAI_INDEX = {index};\n", encoding="utf-8")


def generated() -> str:
    """When a page was written, as its footer says it."""
    return dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")


def write_site(
    out: Path,
    lawbook: Lawbook,
    checker: Checker,
    features_dir: Path,
    mutation: dict[str, Any] | None = None,
) -> Path:
    """Write the site into ``out`` (emptied first); returns the path of index.html."""
    documents, rules, scenarios = build_views(lawbook, checker, features_dir, mutation)
    env = environment()
    if out.exists():
        shutil.rmtree(out)
    for sub in ("doc", "rule", "scenario"):
        (out / sub).mkdir(parents=True)
    write_assets(out, search_entries(documents, rules, scenarios))
    common = {
        "generated": generated(),
        "ruleset_version": lawbook.version,
        "classes": CLASSES,
        "mutation": mutation,
        "not_checkable": ClauseClass.not_checkable.value,
    }

    def page(template: str, path: str, root: str, **context: Any) -> None:
        html = env.get_template(template).render(root=root, **common, **context)
        (out / path).write_text(html, encoding="utf-8")

    passed = sum(1 for s in scenarios if s.passed)
    page(
        "index.html",
        "index.html",
        "",
        documents=documents,
        passed=passed,
        failed=len(scenarios) - passed,
        rules=rules,
        outcomes=list(Outcome),
    )
    for d in documents:
        page("document.html", d.url, "../", document=d, documents=documents)
    for r in rules.values():
        clause_views = {x.id: (d, x) for d in documents for x in d.clauses}
        page("rule.html", r.url, "../", rule=r, clauses=[clause_views[i] for i in r.clauses if i in clause_views])
    for s in scenarios:
        page("scenario.html", s.url, "../", scenario=s, rules=rules)
    return out / "index.html"


@click.command("report")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/report"),
    show_default=True,
)
@click.option("--features", "features_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("features"))
@click.option("--rules-dir", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option(
    "--mutants",
    "mutants_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="results of gongkai mutate --json (default: build/mutation.json when it exists)",
)
def report_command(out_dir: Path, features_dir: Path, rules_dir: Path | None, mutants_path: Path | None) -> None:
    """Write the law ↔ rule ↔ scenario report: a static site, readable offline."""
    settings = Settings.from_env(rules_dir=rules_dir)
    if not features_dir.is_dir():
        raise click.UsageError(f"no features directory at {features_dir}")
    try:
        checker = open_rules(settings.rules_dir, settings.pack_public_key)
    except RulesError as exc:
        raise click.ClickException(str(exc)) from exc
    path = mutants_path or Path("build/mutation.json")
    mutation = None
    if path.is_file():
        mutation = json.loads(path.read_text(encoding="utf-8"))
    elif mutants_path is not None:
        raise click.UsageError(f"no mutation results at {mutants_path}")
    index = write_site(out_dir, checker.lawbook, checker, features_dir, mutation)
    click.echo(f"report written: {index}")
