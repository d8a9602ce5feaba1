"""What every action's facts have in common.

Every fact is optional: an absent fact is *unknown*, never false. A rule that needs an
unknown fact cannot be decided, and the decision names the fact (INCOMPLETE), so a caller
is never told "compliant" on a guess. Each field carries its Chinese term as ``title``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator


def fact(
    term: str,
    description: str | None = None,
    *,
    personal: bool = False,
    ge: float | None = None,
    le: float | None = None,
) -> Any:
    """A fact field: optional, titled with its Chinese term; ``personal`` never stored in clear;
    ``ge``/``le`` bound a number (a count is never negative)."""
    extra = {"personal": True} if personal else None
    return Field(default=None, title=term, description=description, json_schema_extra=extra, ge=ge, le=le)


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


class ActionFacts(BaseModel):
    """Base of every action kind's facts."""

    # allow_inf_nan: NaN and ±inf arrive as "nan"/"inf" (convert.py) and are no fact's value.
    model_config = ConfigDict(extra="forbid", str_max_length=10_000, validate_default=False, allow_inf_nan=False)

    kind: ClassVar[str]
    term: ClassVar[str]  # Chinese name of the action kind
    # The fact whose date is "the date of the action" (default as-of date), if any.
    date_fact: ClassVar[str | None] = None

    @field_validator("*", mode="after")
    @classmethod
    def _dates_in_range(cls, value: Any) -> Any:
        """A date outside these years is a typo, and would overflow the working-day arithmetic."""
        day = value.date() if isinstance(value, dt.datetime) else value
        if isinstance(day, dt.date) and not EARLIEST <= day <= LATEST:
            raise ValueError(f"a date between {EARLIEST} and {LATEST} is expected")
        return value

    def action_date(self) -> dt.date | None:
        value = getattr(self, self.date_fact, None) if self.date_fact else None
        if isinstance(value, dt.datetime):  # a time of day: the date it falls on
            return value.date()
        return value if isinstance(value, dt.date) else None
