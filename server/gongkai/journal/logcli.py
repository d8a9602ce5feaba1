"""``gongkai log``: read, verify and checkpoint the decision log; make its key.

No command here but ``init-key`` ever creates a key: a reader with no key (or the wrong one)
is told so, and the log is left as it was.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from gongkai.config import Settings
from gongkai.journal.decisionlog import (
    Checkpoint,
    DecisionLog,
    Filters,
    KeySource,
    LogError,
    new_key_text,
    open_log,
)
from gongkai.journal.postgres import PostgresStore
from gongkai.journal.sqlite import SqliteStore
from gongkai.journal.store import OUTCOMES

OPTIONS = [
    click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None),
    click.option("--database-url", default=None, help="PostgreSQL URL (default: the SQLite log in --data-dir)"),
]


def _with_log_options(fn):  # type: ignore[no-untyped-def]
    for option in reversed(OPTIONS):
        fn = option(fn)
    return fn


def _settings(data_dir: Path | None, database_url: str | None) -> Settings:
    try:
        return Settings.from_env(data_dir=data_dir, database_url=database_url)
    except ValidationError as exc:
        raise click.ClickException(" ".join(str(exc).split())) from exc


def _open(data_dir: Path | None, database_url: str | None) -> DecisionLog:
    settings = _settings(data_dir, database_url)
    if not settings.database_url and not (settings.data_dir / "decisions.sqlite3").exists():
        raise click.UsageError(f"no decision log in {settings.data_dir}")
    try:  # a reader never makes a key: a new one would verify nothing
        return open_log(settings.data_dir, settings.database_url, key=KeySource.of(settings), create_key=False)
    except LogError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group("log")
def log_group() -> None:
    """Read, verify and checkpoint the decision log; create its key."""


@log_group.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="a file from `gongkai log checkpoint`: the entries up to it must still be there, unchanged",
)
@_with_log_options
def verify(data_dir: Path | None, database_url: str | None, checkpoint_file: Path | None) -> None:
    """Check the chain of entries and the head's MAC: exit 1 on any edited, deleted,
    reordered or truncated entry, a wrong key, or entries lost below the checkpoint."""
    checkpoint = None
    if checkpoint_file is not None:
        try:
            checkpoint = Checkpoint.from_json(checkpoint_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise click.ClickException(f"{checkpoint_file}: {exc}") from exc
    log = _open(data_dir, database_url)
    problems = log.verify(checkpoint)
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
    """The decision logged under a request id (the first: it holds the id), else the latest
    rejected request with that id, as JSON."""
    log = _open(data_dir, database_url)
    entry = log.get(request_id)
    log.close()
    if entry is None:
        raise click.UsageError(f"no decision logged as {request_id!r}")
    click.echo(json.dumps(entry.model_dump(), ensure_ascii=False, indent=2))


def _filters(given: dict[str, str | None]) -> Filters:
    """The filters, or a usage error naming the option (a bad time would filter silently wrong)."""
    try:
        return Filters(**given)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise click.BadParameter(str(error["msg"]), param_hint=f"--{error['loc'][0]}") from None


@log_group.command("list")
@click.option("--agency")
@click.option("--outcome", type=click.Choice(OUTCOMES))
@click.option("--action")
@click.option("--since", help="ISO time, UTC")
@click.option("--until", help="ISO time, UTC")
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True, help="at most this many")
@click.option("--offset", type=click.IntRange(0), default=0, help="skip this many matching entries first")
@_with_log_options
def list_entries(
    data_dir: Path | None, database_url: str | None, limit: int, offset: int, **filters: str | None
) -> None:
    """Logged decisions, oldest first, one line each, then how many matched in all."""
    chosen = _filters(filters)
    log = _open(data_dir, database_url)
    entries = log.page(chosen, 0, limit, offset)
    for e in entries:
        click.echo(f"{e.seq:>6} {e.recorded_at} {e.outcome:<13} {e.action:<22} {e.agency} {e.request_id}")
    total = log.count(chosen)
    log.close()
    shown = f"第 {offset + 1}–{offset + len(entries)} 条" if entries else "没有列出的条目"
    click.echo(f"{shown},共 {total} 条 (entries {offset + 1}–{offset + len(entries)} of {total})", err=True)


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
    chosen = _filters(filters)
    log = _open(data_dir, database_url)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    count, after = 0, 0
    try:
        while batch := log.page(chosen, after, 500):
            for entry in batch:
                out.write(json.dumps(entry.model_dump(), ensure_ascii=False) + "\n")
            count, after = count + len(batch), batch[-1].seq
    finally:
        log.close()
        if output:
            out.close()
    click.echo(f"{count} entries exported", err=True)


@log_group.command("checkpoint")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None, help="default: stdout")
@_with_log_options
def checkpoint(data_dir: Path | None, database_url: str | None, output: Path | None) -> None:
    """Write the signed head (sequence, MAC, time) for a system outside the database to keep;
    `gongkai log verify --checkpoint FILE` then proves nothing up to it was cut or rewritten."""
    log = _open(data_dir, database_url)
    try:
        signed = log.checkpoint()
    except LogError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        log.close()
    if output is None:
        click.echo(signed.to_json())
    else:
        output.write_text(signed.to_json() + "\n", encoding="utf-8")
        click.echo(f"checkpoint of entry {signed.seq} written to {output}", err=True)


@log_group.command("init-key")
@click.option(
    "--stdout", "to_stdout", is_flag=True, help="print a new key for GONGKAI_LOG_KEY instead of writing a file"
)
@_with_log_options
def init_key(data_dir: Path | None, database_url: str | None, to_stdout: bool) -> None:
    """Create the log key (GONGKAI_LOG_KEY_FILE, default DATA_DIR/log.key, mode 0600) before
    the first `serve`, e.g. to keep it apart from the data. Never replaces a key, and refuses
    a log that has entries already (they were made with another key)."""
    if to_stdout:
        click.echo(new_key_text(), nl=False)
        return
    settings = _settings(data_dir, database_url)
    source = KeySource.of(settings)
    if source.value is not None:
        raise click.ClickException("GONGKAI_LOG_KEY is set: the key comes from the environment")
    if source.file.exists():
        raise click.ClickException(f"a log key exists already at {source.file}: it is never replaced")
    sqlite = settings.data_dir / "decisions.sqlite3"
    if settings.database_url or sqlite.exists():
        store = PostgresStore(settings.database_url) if settings.database_url else SqliteStore(sqlite)
        try:
            if not store.empty() or store.head().seq:
                raise click.ClickException("the log has entries: they were made with another key; restore that key")
        finally:
            store.close()
    try:
        source.create()
    except (FileExistsError, OSError) as exc:
        raise click.ClickException(f"cannot create {source.file}: {exc}") from exc
    click.echo(f"log key created at {source.file} (mode 0600): back it up apart from the data", err=True)
