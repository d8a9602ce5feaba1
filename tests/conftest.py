"""Shared fixtures: one compiled lawbook and engine for the whole session (as in the server)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gongkai.check.checker import Checker
from gongkai.check.runtime import build_checker
from gongkai.config import default_rules_dir
from gongkai.review.scenarios import KNOWN_DISAGREEMENT

ROOT = Path(__file__).resolve().parent.parent
QL_AGENCY = {"name": "清流县市场监督管理局", "division_code": "350423", "kind": "department"}


@pytest.fixture(scope="session")
def checker() -> Checker:
    return build_checker(default_rules_dir())


@pytest.fixture
def today() -> dt.date:
    return dt.date(2025, 10, 20)


def pytest_configure(config: pytest.Config) -> None:
    """Declare every clause id and document code as a marker (features tag scenarios with them)."""
    from gongkai.packs.pack import load_packs

    config.addinivalue_line(
        "markers",
        f"{KNOWN_DISAGREEMENT}: a real case whose ruling the service does not reach (skipped; features/real/README.md)",
    )
    config.addinivalue_line(
        "markers", "real: a case from a court judgment, a review decision or the calendar (features/real/)"
    )
    for pack in load_packs(default_rules_dir()):
        config.addinivalue_line("markers", f"{pack.code}: clauses of {pack.code}")
        for clause in pack.catalogue.clauses:
            config.addinivalue_line("markers", f"{clause.id}: {clause.path}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A real case whose ruling the service does not reach is shown as skipped, with why."""
    for item in items:
        if item.get_closest_marker(KNOWN_DISAGREEMENT):
            item.add_marker(
                pytest.mark.skip(
                    reason=f"{KNOWN_DISAGREEMENT}: the body's ruling, not yet reached (features/real/README.md)"
                )
            )
