"""Why input is refused: the field at fault, the kind of error and a message in Chinese and
English that never repeats the input.

A refused request is answered and logged with its reason, and whatever the caller sent —
an applicant's name in a misspelt fact, a phone number where a date belongs — must not come
back through the message into the decision log (issue 12). So the message says what was
expected, from pydantic's error kind and the schema's limits, never what was given.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from gongkai.facts.base import DATE_ORDER


class BadInput(ValueError):
    """Input that cannot be checked; ``field`` names where, for INVALID_ARGUMENT; ``kind``
    is the error kind (pydantic's error type, or one of ours such as ``unknown_action``).
    The message never contains the input."""

    def __init__(self, field: str, message: str, kind: str = "invalid") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.kind = kind


# Chinese for pydantic's error kinds (https://docs.pydantic.dev/latest/errors/validation_errors/):
# the kinds these models can raise, by prefix where a family shares one reading.
CHINESE = {
    "missing": "缺少必填项",
    "extra_forbidden": "不接受未定义的字段",
    "string_too_long": "文本过长",
    "string_too_short": "文本过短",
    "string_pattern_mismatch": "格式不符",
    "string": "应为文本",
    "bool": "应为布尔值(true 或 false)",
    "int": "应为整数",
    "float": "应为数字",
    "finite_number": "应为有限的数",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "date": "应为有效日期(YYYY-MM-DD)",
    "datetime": "应为有效的日期时间(YYYY-MM-DDTHH:MM)",
    "time": "应为有效时间",
    "enum": "不是可选值之一",
    "literal_error": "不是可选值之一",
    "list_type": "应为列表",
    "too_long": "项数过多",
    "too_short": "项数过少",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "value_error": "取值无效",
}
# Kinds whose English message may quote the input (a union's tag, a parser's complaint about
# the text it read): only the kind is said. value_error is raised by our own validators,
# whose messages state the expected range and never the value.
QUOTES_INPUT = frozenset({"union_tag_invalid", "json_invalid", "assertion_error", "get_attribute_error"})


def chinese(kind: str) -> str:
    found = CHINESE.get(kind) or next((text for k, text in CHINESE.items() if kind.startswith(k + "_")), None)
    return found or "输入无效"


ECHO_LIMIT = 60  # characters of a caller's value that an error message or a log line repeats


def cut(text: str, limit: int = ECHO_LIMIT) -> str:
    """At most ``limit`` characters of a caller's text, "…" marking the cut: a status message
    or a log line never carries more of the input than that (nor outgrows gRPC's trailers)."""
    return text if len(text) <= limit else text[:limit] + "…"


def echo(value: object) -> str:
    """A caller's value, cut and quoted, for a message."""
    return repr(cut(value if isinstance(value, str) else str(value)))


def explain(error: dict[str, Any]) -> str:
    """One of pydantic's errors as 「中文 / english」, without the input."""
    kind = error["type"]
    if kind == DATE_ORDER:  # ours, already in Chinese; it names the two dates of the action, not free input
        return str(error["msg"]).removeprefix("Value error, ")
    english = "invalid input" if kind in QUOTES_INPUT else str(error["msg"]).removeprefix("Value error, ")
    return f"{chinese(kind)} / {english[:1].lower()}{english[1:]}"


def validation_error(prefix: str, exc: ValidationError) -> BadInput:
    """The first of pydantic's errors as BadInput: the field path, the kind, no input."""
    err = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join([prefix, *(cut(str(p)) for p in err["loc"])]).strip(".")  # a key may be the caller's
    return BadInput(where, explain(err), err["type"])


__all__ = ["ECHO_LIMIT", "BadInput", "cut", "echo", "explain", "validation_error"]
