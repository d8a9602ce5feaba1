"""The condition language of rule packs: parsed safely (a Lark grammar, never eval).

A condition is a readable expression over fact names, for example
``answer_deadline_overdue > 0 and not extension_approved`` or
``"county_portal" in channels``. Parsing yields a small immutable AST that the compiler
turns into durable-rules JSON and the reference evaluator walks directly. Right-hand names
are pack parameters (dated thresholds), substituted at compile time; ``breached(RULE)``
inlines another rule's condition so a sanction never copies the breach it follows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr ("or" and_expr)*
?and_expr: not_expr ("and" not_expr)*
?not_expr: "not" not_expr -> negation
         | atom
?atom: comparison
     | membership
     | non_membership
     | contains
     | breached
     | NAME -> truth
     | "(" or_expr ")"
comparison: NAME OP value
membership: NAME "in" "[" value ("," value)* "]"
non_membership: NAME "not" "in" "[" value ("," value)* "]"
contains: STRING "in" NAME
breached: "breached" "(" RULE_ID ")"
?value: NUMBER -> number
      | STRING -> string
      | "true" -> true
      | "false" -> false
      | NAME -> parameter
OP: "<=" | ">=" | "==" | "!=" | "<" | ">"
NAME: /[a-z][a-z0-9_]*/
RULE_ID: /[A-Z][A-Za-z0-9_.\-]*/
NUMBER: /-?\d+(\.\d+)?/
STRING: /"[^"]*"|'[^']*'/
%import common.WS
%ignore WS
"""

Scalar = int | float | str | bool


class ConditionError(ValueError):
    """A condition that does not parse or does not fit the facts it names."""


@dataclass(frozen=True)
class Param:
    """A named pack parameter on the right of a comparison, resolved at compile time."""

    name: str


@dataclass(frozen=True)
class Compare:
    fact: str
    op: str
    value: Scalar | Param


@dataclass(frozen=True)
class OneOf:
    fact: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Contains:
    """``"item" in list_fact``: membership of an enum value in a list-valued fact."""

    item: str
    fact: str


@dataclass(frozen=True)
class Truth:
    fact: str


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Breached:
    rule_id: str


Node = Compare | OneOf | Contains | Truth | Not | And | Or | Breached

NEGATED_OP = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


@v_args(inline=True)
class _ToAst(Transformer):
    def number(self, token: Token) -> int | float:
        text = str(token)
        return float(text) if "." in text else int(text)

    def string(self, token: Token) -> str:
        return str(token)[1:-1]

    def true(self) -> bool:
        return True

    def false(self) -> bool:
        return False

    def parameter(self, token: Token) -> Param:
        return Param(str(token))

    def comparison(self, fact: Token, op: Token, value: Scalar | Param) -> Compare:
        return Compare(str(fact), str(op), value)

    def membership(self, fact: Token, *values: Scalar | Param) -> OneOf:
        if any(isinstance(v, Param) for v in values):
            raise ConditionError(f"a list after 'in' holds literals only, in {fact!s}")
        return OneOf(str(fact), tuple(values))  # type: ignore[arg-type]

    def non_membership(self, fact: Token, *values: Scalar | Param) -> Not:
        return Not(self.membership(fact, *values))

    def contains(self, item: Token, fact: Token) -> Contains:
        return Contains(str(item)[1:-1], str(fact))

    def breached(self, rule_id: Token) -> Breached:
        return Breached(str(rule_id))

    def truth(self, fact: Token) -> Truth:
        return Truth(str(fact))

    def negation(self, operand: Node) -> Not:
        return Not(operand)

    def and_expr(self, *operands: Node) -> And:
        return And(tuple(operands))

    def or_expr(self, *operands: Node) -> Or:
        return Or(tuple(operands))


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr")


def parse(text: str) -> Node:
    """Parse a condition; raise ConditionError with the position of the first problem."""
    try:
        tree = _parser().parse(text)
        return _ToAst().transform(tree)
    except ConditionError:
        raise
    except LarkError as exc:
        raise ConditionError(f"cannot parse condition {text!r}: {str(exc).splitlines()[0]}") from exc


def walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Not):
        yield from walk(node.operand)
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from walk(operand)


def facts_read(node: Node) -> tuple[str, ...]:
    """Fact names the condition reads, in order of first appearance."""
    names: dict[str, None] = {}
    for sub in walk(node):
        if isinstance(sub, Compare | OneOf | Contains | Truth):
            names.setdefault(sub.fact)
    return tuple(names)


def render(node: Node) -> str:
    """The condition as text again (canonical spacing), for listings and reports."""
    if isinstance(node, Compare):
        value = node.value.name if isinstance(node.value, Param) else _literal(node.value)
        return f"{node.fact} {node.op} {value}"
    if isinstance(node, OneOf):
        return f"{node.fact} in [{', '.join(_literal(v) for v in node.values)}]"
    if isinstance(node, Contains):
        return f'"{node.item}" in {node.fact}'
    if isinstance(node, Truth):
        return node.fact
    if isinstance(node, Breached):
        return f"breached({node.rule_id})"
    if isinstance(node, Not) and isinstance(node.operand, OneOf):
        return render(node.operand).replace(" in [", " not in [", 1)
    if isinstance(node, Not):
        inner = render(node.operand)
        return f"not ({inner})" if isinstance(node.operand, And | Or) else f"not {inner}"
    joiner = " and " if isinstance(node, And) else " or "
    return joiner.join(f"({render(o)})" if isinstance(o, And | Or) else render(o) for o in node.operands)


def _literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
