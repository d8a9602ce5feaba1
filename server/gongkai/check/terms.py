"""Chinese in: a request may name action kinds, facts and enum values by the Chinese terms the
schemas and feature files carry (依申请公开的答复, 收到申请之日, 属于依申请公开范围的, 是/否),
beside their English names. Names are rewritten to the English ones before validation, and an
enum value given by its term is read by ``Choice`` itself, so a Chinese request and its English
twin get the same decision.

Booleans coerce the same way in both languages: true/false (JSON), "true"/"false"/"yes"/"no"
(pydantic's lax mode) and "是"/"否". Numbers: JSON numbers and numerals as text, in Arabic
digits ("15") or Chinese ("十五").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from gongkai.facts import ACTIONS
from gongkai.packs.vocabulary import FactInfo, FactType, model_vocabulary
from gongkai.reader.numerals import chinese_number

YES, NO = ("是", "真", "对"), ("否", "假", "不是")


@lru_cache(maxsize=1)
def action_names() -> dict[str, str]:
    """Chinese term → action kind."""
    return {model.term: kind for kind, model in ACTIONS.items()}


@lru_cache(maxsize=64)
def _facts(action: str) -> tuple[dict[str, FactInfo], dict[str, str], frozenset[str]]:
    """The vocabulary, Chinese term → name, and the facts whose text values are read (``_value``)."""
    vocabulary = model_vocabulary(ACTIONS[action])
    read = frozenset(name for name, info in vocabulary.items() if info.type in (FactType.boolean, FactType.number))
    return vocabulary, {info.term: name for name, info in vocabulary.items()}, read


def action_kind(action: str) -> str:
    return action_names().get(action, action)


def english_facts(action: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The facts with Chinese names and values rewritten to English; anything unknown is left
    as it is, for validation to refuse with its own name."""
    if action not in ACTIONS:
        return facts
    vocabulary, by_term, read = _facts(action)
    if all(key in vocabulary and (key not in read or type(value) is not str) for key, value in facts.items()):
        return facts  # English names and no text to read as 是/否 or a numeral: nothing to rewrite
    english: dict[str, Any] = {}
    for key, value in facts.items():
        name = by_term.get(key, key) if key not in vocabulary else key
        if name in english:  # the same fact under both names: keep both so validation can say so
            english[key] = value
            continue
        info = vocabulary.get(name)
        english[name] = _value(info, value) if info else value
    return english


def _value(info: FactInfo, value: Any) -> Any:
    if info.type is FactType.boolean and isinstance(value, str):
        text = value.strip()
        return True if text in YES else False if text in NO else value
    if info.type is FactType.number and isinstance(value, str) and value.strip() and not _arabic(value):
        try:
            return chinese_number(value)
        except ValueError:
            return value  # not a numeral in any script: validation refuses it
    return value  # enum values named by their Chinese term: Choice._missing_ (packs/vocabulary.py)


def _arabic(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
