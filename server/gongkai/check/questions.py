"""Questions instead of riddles: the facts an INCOMPLETE decision misses, asked in Chinese.

Each question names the undecided rules its answer would help decide and is ranked by how
many of them are `must` rules (the ones that keep the outcome INCOMPLETE), then by how many
rules in all, then by the order the rules asked for it.
"""

from __future__ import annotations

from functools import lru_cache

from gongkai.check.decision import Option, Question, Undecided
from gongkai.packs.pack import Severity
from gongkai.packs.vocabulary import FactInfo, FactType


def questions(undecided: list[Undecided], vocabulary: dict[str, FactInfo]) -> list[Question]:
    asked: dict[str, Question] = {}
    for entry in undecided:
        if entry.severity is Severity.info:
            continue
        for name in entry.missing_facts:
            info = vocabulary.get(name)
            question = asked.get(name) or asked.setdefault(name, ask(name, info))
            question.rules.append(entry.rule_id)
            question.must_rules += entry.severity is Severity.must
    order = {name: i for i, name in enumerate(asked)}
    return sorted(asked.values(), key=lambda q: (-q.must_rules, -len(q.rules), order[q.fact]))


def ask(name: str, info: FactInfo | None) -> Question:
    """A fresh question (the caller adds the rules it helps decide); its options are shared."""
    template = _ask(name, info)
    return template.model_copy(update={"rules": [], "options": list(template.options)})


@lru_cache(maxsize=4096)
def _ask(name: str, info: FactInfo | None) -> Question:
    if info is None:  # a derived fact with no inputs of its own to ask for
        return Question(fact=name, term=name, question=f"请提供「{name}」。", type="text")
    term = info.term
    text = {
        FactType.boolean: (f"{term}?" if term.startswith(("是否", "有无", "是不是")) else f"是否{term}?"),
        FactType.date: f"{term}是哪一天?",
        FactType.datetime: f"{term}是什么时间(精确到时分)?",
        FactType.number: f"{term}是多少?",
        FactType.text: f"请提供{term}。",
        FactType.choice: f"{term}是哪一种?",
        FactType.choices: f"{term}包括哪些?(可多选,没有则为空)",
    }[info.type]
    options = [Option(value=v, term=t) for v, t in zip(info.values, info.value_terms, strict=True)]
    return Question(fact=name, term=term, question=text, type=info.type.value, options=options)


def fact_terms(names: set[str], vocabulary: dict[str, FactInfo]) -> dict[str, str]:
    return {name: vocabulary[name].term for name in sorted(names) if name in vocabulary}
