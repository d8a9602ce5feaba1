"""What every action's facts have in common.

Every fact is optional: an absent fact is *unknown*, never false. A rule that needs an
unknown fact cannot be decided, and the decision names the fact (INCOMPLETE), so a caller
is never told "compliant" on a guess. Each field carries its Chinese term as ``title``.

A date fact may declare the facts of the same action it cannot precede (``not_before``):
an answer cannot come before the request was received. Facts in an impossible order are
refused, naming the later fact, whatever the action kind (``ActionFacts``).
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Annotated, Any, ClassVar, Self
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))  # a time of day given without a zone
DATE_ORDER = "date_order"  # the error type of facts in an impossible order
DATE_RANGE = "date_range"  # the error type of a date outside EARLIEST..LATEST


def fact(
    term: str,
    description: str | None = None,
    *,
    personal: bool = False,
    ge: float | None = None,
    le: float | None = None,
    not_before: tuple[str, ...] = (),
) -> Any:
    """A fact field: optional, titled with its Chinese term; ``personal`` never stored in clear;
    ``ge``/``le`` bound a number (a count is never negative); ``not_before`` names the date
    facts of the same action this one cannot precede (the same day is allowed). Both are
    in the served JSON Schema (``personal``, ``not_before``)."""
    extra: dict[str, Any] = {}
    if personal:
        extra["personal"] = True
    if not_before:
        extra["not_before"] = list(not_before)
    return Field(default=None, title=term, description=description, json_schema_extra=extra or None, ge=ge, le=le)


COUNT = {"ge": 0}  # how many times, how many items
YEAR = {"ge": 1949, "le": 2199}  # the years dates may fall in (EARLIEST, LATEST)


EARLIEST, LATEST = dt.date(1949, 10, 1), dt.date(2199, 12, 31)

# China Standard Time, from the tzdata package where the system has no zone database.
BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_day(value: Any) -> Any:
    """A timestamp → the day it falls on in Beijing; anything else is left to the date parser.

    Online and fax submissions and confirmations are logged with a time of day, often in UTC:
    ``2025-01-26T18:10:00Z`` is already 27 January in Beijing, and that is the day the
    条例 counts. A timestamp without an offset is read as Beijing time (the time of a Chinese
    agency's own system); a bare date is a Beijing date as before.
    """
    if isinstance(value, str) and len(value) > 10 and value[10:11] in ("T", "t", " "):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value  # not a timestamp: the date parser says what is wrong with it
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            try:
                value = value.astimezone(BEIJING)
            except OverflowError:  # the first or last day representable, moved past it
                raise ValueError(f"a date between {EARLIEST} and {LATEST} is expected") from None
        return value.date()
    return value


# A date fact that also takes a timestamp (with or without an offset) and keeps its Beijing day.
Day = Annotated[
    dt.date,
    BeforeValidator(beijing_day),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}],
            "description": "日期,或带时刻的时间戳(无时区的按北京时间;有时区的换算为北京时间所在之日)",
        }
    ),
]


def out_of_range() -> PydanticCustomError:
    return PydanticCustomError(
        DATE_RANGE,
        "a date between {earliest} and {latest} is expected",
        {"earliest": str(EARLIEST), "latest": str(LATEST)},
    )


class ActionFacts(BaseModel):
    """Base of every action kind's facts."""

    # allow_inf_nan: NaN and ±inf arrive as "nan"/"inf" (convert.py) and are no fact's value.
    model_config = ConfigDict(extra="forbid", str_max_length=10_000, validate_default=False, allow_inf_nan=False)

    kind: ClassVar[str]
    term: ClassVar[str]  # Chinese name of the action kind
    # The fact whose date is "the date of the action" (default as-of date), if any.
    date_fact: ClassVar[str | None] = None
    # (later, earlier) for every not_before its fields declare, in field order: set per subclass.
    date_orders: ClassVar[tuple[tuple[str, str], ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        orders = []
        for name, field in cls.model_fields.items():
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            for earlier in extra.get("not_before", ()):
                other = cls.model_fields.get(earlier)
                # a misspelt or mistyped order would never be checked: fail at import instead
                kind = _moment_type(field.annotation)
                if other is None or kind is None or _moment_type(other.annotation) is not kind:
                    raise TypeError(f"{cls.__name__}.{name}: not_before {earlier!r} is no date fact of the same type")
                orders.append((name, earlier))
        cls.date_orders = tuple(orders)

    @field_validator("*", mode="after")
    @classmethod
    def _dates_in_range(cls, value: Any) -> Any:
        """A date outside these years is a typo, and would overflow the working-day arithmetic."""
        day = value.date() if isinstance(value, dt.datetime) else value
        if isinstance(day, dt.date) and not EARLIEST <= day <= LATEST:
            raise out_of_range()
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        """Refuse dates in an order that cannot be, naming the later fact (INVALID_ARGUMENT)."""
        for later, earlier in self.date_orders:
            late, early = getattr(self, later), getattr(self, earlier)
            if late is not None and early is not None and _moment(late) < _moment(early):
                fields = type(self).model_fields
                message = (
                    f"{later}({fields[later].title})不能早于 {earlier}({fields[earlier].title}):"
                    f"{late.isoformat()} 早于 {early.isoformat()}"
                )
                terms = {"later_term": fields[later].title or later, "earlier_term": fields[earlier].title or earlier}
                error = PydanticCustomError(DATE_ORDER, message, {"later": later, "earlier": earlier, **terms})
                # raised as a ValidationError so that the error's location is the later fact
                raise ValidationError.from_exception_data(
                    type(self).__name__, [{"type": error, "loc": (later,), "input": late.isoformat()}]
                )
        return self

    def action_date(self) -> dt.date | None:
        value = getattr(self, self.date_fact, None) if self.date_fact else None
        if isinstance(value, dt.datetime):  # a time of day: the date it falls on
            return value.date()
        return value if isinstance(value, dt.date) else None


def _moment_type(annotation: Any) -> type | None:
    """dt.datetime or dt.date for a date fact's annotation (``X | None``; a ``Day`` is a date,
    whatever the timestamp it was given as), else None."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if len(args) != 1:
        return None
    (inner,) = args
    if typing.get_origin(inner) is Annotated:
        inner = typing.get_args(inner)[0]
    return inner if inner in (dt.datetime, dt.date) else None


def aware(moment: dt.datetime) -> dt.datetime:
    """A time of day given without a zone is China Standard Time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA_STANDARD_TIME)


def _moment(value: dt.date) -> dt.date:
    """Comparable with another fact of its type (times with and without a zone alike)."""
    return aware(value) if isinstance(value, dt.datetime) else value
