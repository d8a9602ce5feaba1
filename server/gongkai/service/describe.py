"""What the service tells about its law: rules with their clauses quoted, and action kinds."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from pydantic import BaseModel

from gongkai.check.applicability import Applicability
from gongkai.check.invalid import ECHO_LIMIT, BadInput, echo
from gongkai.engine.compiler import CompiledRule, Lawbook
from gongkai.facts import ACTIONS
from gongkai.packs.conditions import render
from gongkai.packs.pack import Severity


class RuleNotFound(LookupError):
    """No rule has the id asked for."""


class ClauseView(BaseModel):
    id: str
    document: str  # title of the source document
    document_number: str | None  # 文号
    section: str  # as printed
    text: str  # verbatim


class RuleView(BaseModel):
    id: str
    pack: str
    actions: list[str]
    severity: Severity
    condition: str  # the breach as written in the pack
    resolved_condition: str  # parameters substituted: what is checked
    reads: list[str]  # every fact that decides it, through breached(...) too
    depends_on: list[str]  # rules whose breach it reads
    message: str
    remedy: str
    effective_from: dt.date
    effective_to: dt.date | None
    clauses: list[ClauseView]  # the one quoted in findings first
    note: str | None


class ActionView(BaseModel):
    kind: str
    term: str  # Chinese name
    description: str
    facts_schema: dict[str, Any]  # JSON Schema
    rule_count: int
    facts: list[str]  # the facts the schema lists


def rule_view(lawbook: Lawbook, rule_id: str) -> RuleView:
    """The rule by id; of a rule with dated versions (keys ``id@date``), the latest version."""
    versions = [r for r in lawbook.rules.values() if r.id == rule_id]
    compiled = lawbook.rules.get(rule_id) or max(
        versions, key=lambda r: r.rule.effective_from or r.pack.meta.effective_from, default=None
    )
    if compiled is None:
        # an id longer than a message would echo is no typo of a rule id (and costly to compare)
        near = (
            difflib.get_close_matches(rule_id, lawbook.rule_ids, n=3, cutoff=0.8) if len(rule_id) <= ECHO_LIMIT else []
        )
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise RuleNotFound(f"no rule {echo(rule_id)}{hint}")
    return _view(lawbook, compiled)


def rule_views(lawbook: Lawbook, pack: str | None = None, action: str | None = None) -> list[RuleView]:
    """Rules in pack order, filtered; an unknown pack or action kind is BadInput (a typo, not "none")."""
    codes = [p.code for p in lawbook.packs]
    if pack and pack not in codes:
        raise BadInput(
            "pack",
            f"unknown pack {echo(pack)}; known: {', '.join(codes)}",
            zh=f"没有规则包 {echo(pack)}",
            kind="unknown_pack",
        )
    if action and action not in ACTIONS:
        raise BadInput(
            "action",
            f"unknown action kind {echo(action)}; known: {', '.join(ACTIONS)}",
            zh=f"不认识的行为类型 {echo(action)}",
            kind="unknown_action",
        )
    return [
        _view(lawbook, r)
        for r in lawbook.rules.values()
        if (not pack or r.pack.code == pack) and (not action or action in r.rule.actions)
    ]


def action_views(lawbook: Lawbook, scope: Applicability | None = None) -> list[ActionView]:
    """Every action kind; with a scope (an agency on a date), only those its rules cover, each
    schema narrowed to the facts they read."""
    scoped = {s.kind: s for s in scope.actions} if scope else None
    views = []
    for kind, model in ACTIONS.items():
        if scoped is not None and kind not in scoped:
            continue
        schema = model.model_json_schema()
        facts = list(model.model_fields)
        rule_count = len(lawbook.by_action.get(kind, []))
        if scoped is not None:
            facts, rule_count = scoped[kind].facts, len(scoped[kind].rules)
            schema["properties"] = {k: v for k, v in schema.get("properties", {}).items() if k in facts}
        views.append(
            ActionView(
                kind=kind,
                term=model.term,
                description=(model.__doc__ or "").strip().split("\n")[0],
                facts_schema=schema,
                rule_count=rule_count,
                facts=facts,
            )
        )
    return views


def _view(lawbook: Lawbook, compiled: CompiledRule) -> RuleView:
    rule, meta = compiled.rule, compiled.pack.meta
    clauses = []
    for clause_id in rule.clauses:
        pack, clause = lawbook.clause(clause_id)
        document = pack.catalogue.document
        clauses.append(
            ClauseView(
                id=clause.id,
                document=document.title,
                document_number=document.number,
                section=clause.path,
                text=clause.text,
            )
        )
    return RuleView(
        id=rule.id,
        pack=compiled.pack.code,
        actions=list(rule.actions),
        severity=rule.severity,
        condition=rule.breach,
        resolved_condition=render(compiled.condition),
        reads=list(compiled.all_reads),
        depends_on=list(compiled.refs),
        message=rule.message,
        remedy=rule.remedy,
        effective_from=rule.effective_from or meta.effective_from,
        effective_to=rule.effective_to or meta.effective_to,
        clauses=clauses,
        note=rule.note,
    )
