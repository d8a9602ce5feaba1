"""What every action's facts have in common.

Every fact is optional: an absent fact is *unknown*, never false. A rule that needs an
unknown fact cannot be decided, and the decision names the fact (INCOMPLETE), so a caller
is never told "compliant" on a guess. Each field carries its Chinese term as ``title``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
