"""``gongkai conflicts``: every known conflict between packs, for legal staff."""

from __future__ import annotations

from pathlib import Path

import click

from gongkai.check.runtime import load_lawbook
from gongkai.config import Settings
from gongkai.packs.conflicts import conflicts_for


@click.command("conflicts")
@click.option("--rules-dir", type=click.Path(file_okay=False), default=None)
def conflicts_command(rules_dir: str | None) -> None:
    """Every known conflict between packs, with the clauses on each side."""
    settings = Settings.from_env(rules_dir=Path(rules_dir) if rules_dir else None)
    lawbook = load_lawbook(settings.rules_dir)
    found = conflicts_for(lawbook, lawbook.packs)
    for conflict in found:
        click.echo(f"{conflict.topic} — {conflict.title}")
        for p in conflict.provisions:
            mark = "  (stricter)" if conflict.stricter == p.clause_id else ""
            click.echo(f"  {p.clause_id:<12} {p.says}{mark}")
        if conflict.note:
            click.echo(f"  note: {conflict.note}")
    click.echo(f"{len(found)} conflicts")
