"""Errors as data: every violation in a request, each with its field path, a Chinese message
for the clerk at the form and pydantic's English one for the developer, and its kind (the
pydantic error type, or one of ours such as ``unknown_action``).

No message repeats the value sent: a fact may be personal, and a message travels further
(status details, logs) than the request did. Locations may hold a caller's key (an unknown
fact's name): each part is cut to ``ECHO_LIMIT`` characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gongkai.facts.base import DATE_ORDER, DATE_RANGE

MAX_VIOLATIONS = 50  # per request: enough for any form, bounded for anything sent
ECHO_LIMIT = 60  # characters of a caller's value that an error message or a log line repeats


def cut(text: str, limit: int = ECHO_LIMIT) -> str:
    """At most ``limit`` characters of a caller's text, "…" marking the cut: a status message
    or a log line never carries more of the input than that (nor outgrows gRPC's trailers)."""
    return text if len(text) <= limit else text[:limit] + "…"


def echo(value: object) -> str:
    """A caller's value, cut and quoted, for a message."""
    return repr(cut(value if isinstance(value, str) else str(value)))


@dataclass(frozen=True)
class Violation:
    field: str  # dotted path into the request, e.g. facts.received_on; "" for the request as a whole
    message: str  # Chinese
    message_en: str
    kind: str  # pydantic's error type (missing, bool_parsing …) or ours (unknown_action …)


# Chinese for pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/),
# filled from the error's context; a type not listed falls back to INVALID.
CHINESE: dict[str, str] = {
    "missing": "缺少此项",
    "extra_forbidden": "不认识此项:名称不在允许的字段之中",
    "bool_type": "应为是或否(true/false、是/否)",
    "bool_parsing": "应为是或否(true/false、是/否)",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_parsing_size": "整数太大",
    "int_from_float": "应为整数,不能有小数部分",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "string_type": "应为文本",
    "string_too_short": "至少应有 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符合要求(应匹配 {pattern})",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "too_short": "至少应有 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "dict_type": "应为对象(键值对)",
    "model_type": "应为对象(键值对)",
    "model_attributes_type": "应为对象(键值对)",
    "date_type": "应为日期(YYYY-MM-DD)",
    "date_parsing": "应为日期(YYYY-MM-DD)",
    "date_from_datetime_parsing": "应为日期(YYYY-MM-DD)",
    "date_from_datetime_inexact": "应为日期(YYYY-MM-DD),不带时刻",
    "datetime_type": "应为日期时间(YYYY-MM-DDTHH:MM:SS)",
    "datetime_parsing": "应为日期时间(YYYY-MM-DDTHH:MM:SS)",
    "datetime_from_date_parsing": "应为日期时间(YYYY-MM-DDTHH:MM:SS)",
    "datetime_object_invalid": "应为日期时间(YYYY-MM-DDTHH:MM:SS)",
    "enum": "应为以下取值之一:{expected}",
    "literal_error": "应为以下取值之一:{expected}",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    DATE_RANGE: "应为 {earliest} 至 {latest} 之间的日期",
    DATE_ORDER: "{later}({later_term})不能早于 {earlier}({earlier_term})",  # the dates sent: not repeated
    "value_error": "取值不符合要求",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
}
INVALID = "取值无效"
# English for our own kinds whose pydantic message would repeat the input.
ENGLISH = {DATE_ORDER: "cannot be before {earlier}"}


def violations(prefix: str, errors: Iterable[Mapping[str, Any]]) -> tuple[list[Violation], int]:
    """The first MAX_VIOLATIONS of pydantic's errors (``ValidationError.errors()``, or
    FastAPI's for query parameters) as violations under ``prefix``, and how many there were."""
    found: list[Violation] = []
    total = 0
    for err in errors:
        total += 1
        if len(found) < MAX_VIOLATIONS:
            found.append(violation(prefix, err))
    return found, total


def violation(prefix: str, err: Mapping[str, Any]) -> Violation:
    kind = str(err.get("type", "value_error"))
    ctx = _context(err.get("ctx") or {})
    english = ENGLISH.get(kind, "").format_map(ctx) or str(err.get("msg", ""))
    return Violation(field_path(prefix, err.get("loc", ())), chinese(kind, ctx), english, kind)


def field_path(prefix: str, loc: Iterable[Any]) -> str:
    return ".".join([prefix, *(cut(str(p)) for p in loc)]).strip(".")


def chinese(kind: str, ctx: Mapping[str, str]) -> str:
    template = CHINESE.get(kind)
    if template is None:
        return INVALID
    try:
        return template.format_map(ctx)
    except (KeyError, ValueError):  # a context without the value the template names
        return template.split("{")[0].rstrip(":, ") or INVALID


def _context(ctx: Mapping[str, Any]) -> dict[str, str]:
    """The error's context as text: limits and expected values are the schema's, never the
    caller's; enum alternatives listed in Chinese style."""
    text = {k: cut(str(v)) for k, v in ctx.items() if k != "error"}
    if "expected" in text:
        text["expected"] = str(ctx["expected"]).replace(" or ", "、").replace(", ", "、")
    return text
