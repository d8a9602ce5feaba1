"""``gongkai log``: read and verify the decision log."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from gongkai.config import Settings
from gongkai.journal.decisionlog import DecisionLog, Filters, open_log
from gongkai.journal.store import OUTCOMES

OPTIONS = [
    click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None),
    click.option("--database-url", default=None, help="PostgreSQL URL (default: the SQLite log in --data-dir)"),
]


def _with_log_options(fn):  # type: ignore[no-untyped-def]
    for option in reversed(OPTIONS):
        fn = option(fn)
    return fn


def _open(data_dir: Path | None, database_url: str | None) -> DecisionLog:
    settings = Settings.from_env(data_dir=data_dir, database_url=database_url)
    if not settings.database_url and not (settings.data_dir / "decisions.sqlite3").exists():
        raise click.UsageError(f"no decision log in {settings.data_dir}")
    return open_log(settings.data_dir, settings.database_url)


@click.group("log")
def log_group() -> None:
    """Read and verify the decision log."""


@log_group.command("verify")
@_with_log_options
def verify(data_dir: Path | None, database_url: str | None) -> None:
    """Check the chain of entries: exit 1 on any edited, deleted, reordered or truncated entry."""
    log = _open(data_dir, database_url)
    problems = log.verify()
    log.close()
    for problem in problems:
        click.echo(problem)
    click.echo("the log is intact" if not problems else f"{len(problems)} problems", err=bool(problems))
    if problems:
        sys.exit(1)


@log_group.command("show")
@click.argument("request_id")
@_with_log_options
def show(request_id: str, data_dir: Path | None, database_url: str | None) -> None:
    """One logged decision (the latest with that request id), as JSON."""
    log = _open(data_dir, database_url)
    entry = log.get(request_id)
    log.close()
    if entry is None:
        raise click.UsageError(f"no decision logged as {request_id!r}")
    click.echo(json.dumps(entry.model_dump(), ensure_ascii=False, indent=2))


@log_group.command("list")
@click.option("--agency")
@click.option("--outcome", type=click.Choice(OUTCOMES))
@click.option("--action")
@click.option("--since", help="ISO time, UTC")
@click.option("--until", help="ISO time, UTC")
@click.option("--limit", type=click.IntRange(1, 100_000), default=100)
@_with_log_options
def list_entries(data_dir: Path | None, database_url: str | None, limit: int, **filters: str | None) -> None:
    """Logged decisions, oldest first, one line each."""
    log = _open(data_dir, database_url)
    for e in log.page(Filters(**filters), 0, limit):
        click.echo(f"{e.seq:>6} {e.recorded_at} {e.outcome:<13} {e.action:<22} {e.agency} {e.request_id}")
    log.close()


@log_group.command("export")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None, help="default: stdout")
@click.option("--agency")
@click.option("--outcome", type=click.Choice(OUTCOMES))
@click.option("--action")
@click.option("--since", help="ISO time, UTC")
@click.option("--until", help="ISO time, UTC")
@_with_log_options
def export(data_dir: Path | None, database_url: str | None, output: Path | None, **filters: str | None) -> None:
    """Logged entries as JSON lines, oldest first: a corpus for ``gongkai diff --corpus``."""
    log = _open(data_dir, database_url)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    count, after = 0, 0
    try:
        while batch := log.page(Filters(**filters), after, 500):
            for entry in batch:
                out.write(json.dumps(entry.model_dump(), ensure_ascii=False) + "\n")
            count, after = count + len(batch), batch[-1].seq
    finally:
        log.close()
        if output:
            out.close()
    click.echo(f"{count} entries exported", err=True)
