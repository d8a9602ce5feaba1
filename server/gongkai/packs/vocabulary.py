"""The facts a condition may name, per action kind: the fact models plus derived facts.

The compiler checks every condition against this vocabulary (unknown names, wrong types,
enum values that do not exist), and the engine adapter uses it to lay out a fact for
durable-rules (lists of enum values become one boolean per value).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel, GetJsonSchemaHandler


class Choice(StrEnum):
    """An enum whose members carry their Chinese term (``term``) for schemas and reports."""

    term: str

    def __new__(cls, value: str, term: str = "") -> Choice:
        member = str.__new__(cls, value)
        member._value_ = value
        member.term = term
        return member

    @classmethod
    def _missing_(cls, value: object) -> Choice | None:
        """A member named by its Chinese term (属于依申请公开范围的 for on_request): Chinese in."""
        return next((member for member in cls if member.term and member.term == value), None)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        schema = handler(core_schema)
        schema = handler.resolve_ref_schema(schema)
        schema["x-terms"] = {m.value: m.term for m in cls}  # the Chinese term of each value
        return schema


class FactType(StrEnum):
    boolean = "boolean"
    number = "number"
    text = "text"
    choice = "choice"  # one enum value
    choices = "choices"  # a list of enum values
    date = "date"
    datetime = "datetime"


@dataclass(frozen=True)
class FactInfo:
    name: str
    term: str  # Chinese term
    type: FactType
    values: tuple[str, ...] = ()  # enum values, for choice/choices
    value_terms: tuple[str, ...] = ()  # their Chinese terms, in the same order
    derived_from: tuple[str, ...] = ()  # required inputs, for derived facts
    shows: tuple[str, ...] = ()  # facts a finding shows beside this one, to explain it

    @property
    def in_engine(self) -> bool:
        """Dates and free text never reach the engine: conditions use derived numbers."""
        return self.type not in (FactType.date, FactType.datetime, FactType.text)


def _unwrap(annotation: object) -> object:
    if typing.get_origin(annotation) is typing.Annotated:  # a type with its own validation (facts.base.Day)
        return _unwrap(typing.get_args(annotation)[0])
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def _members(enum: type[Enum]) -> dict[str, tuple[str, ...]]:
    return {
        "values": tuple(str(m.value) for m in enum),
        "value_terms": tuple(getattr(m, "term", "") for m in enum),
    }


SCALARS = {
    bool: FactType.boolean,
    int: FactType.number,
    float: FactType.number,
    dt.datetime: FactType.datetime,
    dt.date: FactType.date,
    str: FactType.text,
}


def fact_info(name: str, term: str, annotation: object) -> FactInfo:
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, Enum):
            return FactInfo(name, term, FactType.choices, **_members(item))
        raise TypeError(f"{name}: list facts hold enum values, not {item}")
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return FactInfo(name, term, FactType.choice, **_members(annotation))
    if annotation in SCALARS:
        return FactInfo(name, term, SCALARS[annotation])  # type: ignore[index]
    raise TypeError(f"{name}: unsupported fact type {annotation}")


def model_vocabulary(model: type[BaseModel]) -> dict[str, FactInfo]:
    return {name: fact_info(name, field.title or name, field.annotation) for name, field in model.model_fields.items()}
