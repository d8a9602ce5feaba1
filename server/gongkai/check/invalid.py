"""Why input is refused: every fault found (``violations``: field, a Chinese and an English
message, the kind), bounded, and a one-line message for the status — none of which repeats
the input.

A refused request is answered and logged with its reason, and whatever the caller sent —
an applicant's name in a misspelt fact, a phone number where a date belongs — must not come
back through the message into the decision log (issue 12). So a message says what was
expected, from pydantic's error kind and the schema's limits (check/violations.py), never
what was given.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from gongkai.check.violations import ECHO_LIMIT, MAX_VIOLATIONS, Violation, cut, echo, violations
from gongkai.packs.jurisdiction import UnknownDivision


class BadInput(ValueError):
    """Input that cannot be checked: ``violations`` lists every fault found (at most
    MAX_VIOLATIONS of ``total``), each with a Chinese and an English message; ``field``,
    ``message`` and ``kind`` are the first's, for the status message of INVALID_ARGUMENT and
    the log. No message contains the input."""

    def __init__(
        self,
        field: str,
        message: str,
        *,
        zh: str | None = None,
        kind: str = "invalid",
        violations: Sequence[Violation] = (),
        total: int = 0,
    ) -> None:
        self.violations = list(violations) or [Violation(field, zh or message, message, kind)]
        if zh and zh != message:  # the status message, in both languages as the log keeps it
            message = f"{zh} / {message}"
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.kind = self.violations[0].kind
        self.total = max(total, len(self.violations))


def joined(errors: Sequence[BadInput]) -> BadInput:
    """One BadInput with the violations of all, the first's field and message leading."""
    first = errors[0]
    found = [v for e in errors for v in e.violations][:MAX_VIOLATIONS]
    return BadInput(first.field, first.message, violations=found, total=sum(e.total for e in errors))


def validation_error(prefix: str, exc: ValidationError) -> BadInput:
    """Every one of pydantic's errors as violations (bounded); the first leads, as 「中文 / english」."""
    listed, total = violations(prefix, exc.errors(include_url=False, include_input=False))
    first = listed[0]
    english = first.message_en[:1].lower() + first.message_en[1:]
    return BadInput(first.field, f"{first.message} / {english}", violations=listed, total=total)


def unknown_division(exc: UnknownDivision) -> BadInput:
    return BadInput(
        "agency.division_code",
        "not a GB/T 2260 division code (e.g. 350423 for 清流县)",
        zh="不是 GB/T 2260 行政区划代码(县级及以上,例如清流县为 350423)",
        kind="unknown_division",
    )


__all__ = ["ECHO_LIMIT", "BadInput", "Violation", "cut", "echo", "joined", "unknown_division", "validation_error"]
