"""The command line: ``gongkai serve``, ``check``, ``read``, ``rules list|show``, ``calendar add|show``,
``pack seal|verify`` and the review tools.

Exit status of ``check``: 0 COMPLIANT, 1 NON_COMPLIANT, 2 INCOMPLETE, 3 bad input, 4 could
not check (rules unloadable, internal error), 5 NOT_COVERED (no rule in force applies to the
action: not a green light). Every usage error exits 3 too, so a script can never read a
mistyped option as INCOMPLETE. ``serve`` exits 2 when it cannot start.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from pydantic import ValidationError

from gongkai.check.checker import BadInput, Checker, CheckRequest, validation_error
from gongkai.check.decision import Outcome
from gongkai.check.document import DOCUMENT_ACTIONS, check_document
from gongkai.check.runtime import RulesError, open_rules
from gongkai.check.summary import summary
from gongkai.config import Settings
from gongkai.journal.logcli import log_group
from gongkai.packs.jurisdiction import Agency
from gongkai.reader.document import read as read_document
from gongkai.reader.text import UnreadableDocument, decode
from gongkai.review.calendar import calendar_group
from gongkai.review.conflicts import conflicts_command
from gongkai.review.diff import diff_command
from gongkai.review.mutate import mutate_command
from gongkai.review.packcli import pack_group
from gongkai.review.recheck import recheck_command
from gongkai.review.report import report_command
from gongkai.review.trace import trace_command
from gongkai.service.describe import RuleNotFound, RuleView, rule_view, rule_views

EXIT_OUTCOME = {Outcome.compliant: 0, Outcome.non_compliant: 1, Outcome.incomplete: 2, Outcome.not_covered: 5}
EXIT_BAD_INPUT = 3
EXIT_CANNOT_CHECK = 4
EXIT_CANNOT_START = 2  # serve

rules_dir_option = click.option(
    "--rules-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="rule packs directory (env GONGKAI_RULES_DIR; default: the packs shipped with gongkai)",
)


class Cli(click.Group):
    """A group whose usage errors exit 3 (click's own 2 means INCOMPLETE for ``check``)."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as exc:
            exc.show()
            sys.exit(EXIT_BAD_INPUT)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=Cli)
@click.version_option(package_name="gongkai", prog_name="gongkai", message="%(prog)s %(version)s")
def cli() -> None:
    """gongkai: rules-as-code compliance checks for 政务公开."""


def fail(code: int, message: str) -> NoReturn:
    click.echo(f"gongkai: {' '.join(message.split())}", err=True)  # one line, always
    sys.exit(code)


def settings_or_fail(code: int, **overrides: object) -> Settings:
    try:
        return Settings.from_env(**overrides)
    except ValidationError as exc:
        problem = validation_error("", exc)
        option = f"--{problem.field.replace('_', '-')} or " if problem.field in overrides else ""
        fail(code, f"bad setting {problem.field} ({option}GONGKAI_{problem.field.upper()}): {problem.message}")


def checker_or_fail(rules_dir: Path | None) -> Checker:
    settings = settings_or_fail(EXIT_CANNOT_CHECK, rules_dir=rules_dir)
    try:
        return open_rules(settings.rules_dir, settings.pack_public_key)
    except RulesError as exc:
        fail(EXIT_CANNOT_CHECK, str(exc))


# --- serve ---------------------------------------------------------------------------


@cli.command()
@click.option("--host", default=None, help="address to listen on (env GONGKAI_HOST; default 127.0.0.1)")
@click.option("--port", type=int, default=None, help="port to listen on (env GONGKAI_PORT; default 50051)")
@click.option(
    "--http-port",
    type=int,
    default=None,
    help="also serve JSON over HTTP on this port (env GONGKAI_HTTP_PORT; default: off)",
)
@click.option(
    "--metrics-port",
    type=int,
    default=None,
    help="serve Prometheus metrics alone on this port (env GONGKAI_METRICS_PORT; default: off)",
)
@click.option(
    "--workers",
    type=int,
    default=None,
    help="processes serving the port, each with its own engine (env GONGKAI_WORKERS; default 1; one per core)",
)
@rules_dir_option
def serve(
    host: str | None,
    port: int | None,
    http_port: int | None,
    metrics_port: int | None,
    workers: int | None,
    rules_dir: Path | None,
) -> None:
    """Serve the gRPC API (and, with --http-port, JSON over HTTP) until SIGTERM or SIGINT."""
    from gongkai.service.server import serve as run  # grpc is needed only here

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s")
    access = logging.getLogger("gongkai.access")  # one JSON object a line, nothing around it
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.propagate = False
    settings = settings_or_fail(
        EXIT_CANNOT_START,
        host=host,
        port=port,
        http_port=http_port,
        metrics_port=metrics_port,
        workers=workers,
        rules_dir=rules_dir,
    )
    sys.exit(run(settings))


# --- check ---------------------------------------------------------------------------


@cli.command()
@click.argument("file", metavar="FILE")
@rules_dir_option
@click.option(
    "--format",
    "output",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: the Decision; text: a summary in Chinese (结论, 违反的条款, 期限)",
)
def check(file: str, rules_dir: Path | None, output: str) -> None:
    """Check one action given as JSON in FILE (- for stdin) and print the Decision.

    FILE holds {"agency": {"name": …, "division_code": …}, "action": …, "facts": {…},
    "as_of": …}. Exit status: 0 COMPLIANT, 1 NON_COMPLIANT, 2 INCOMPLETE, 3 bad input,
    4 could not check, 5 NOT_COVERED (no rule in force applies: not compliant either).
    """
    try:
        request = read_request(file)
    except BadInput as exc:
        fail(EXIT_BAD_INPUT, str(exc))
    checker = checker_or_fail(rules_dir)
    try:
        decision = checker.check(request)
    except BadInput as exc:
        fail(EXIT_BAD_INPUT, str(exc))
    except Exception as exc:  # fail closed: no decision printed
        fail(EXIT_CANNOT_CHECK, f"internal error, the action was not checked: {type(exc).__name__}: {exc}")
    if output == "text":
        click.echo(summary(decision))
    else:
        click.echo(json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, indent=2))
    sys.exit(EXIT_OUTCOME[decision.outcome])


def read_request(file: str) -> CheckRequest:
    """The request in FILE; BadInput names the file or the field at fault."""
    name = "stdin" if file == "-" else file
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        text = raw.decode("utf-8")  # JSON is UTF-8, whatever the locale
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(name, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(name, f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BadInput(name, f"expected a JSON object, got {type(data).__name__}")
    try:
        return CheckRequest.model_validate(data)
    except ValidationError as exc:
        raise validation_error("", exc) from exc


@cli.command()
@click.argument("file", metavar="FILE")
def read(file: str) -> None:
    """Read a 公文 in FILE (- for stdin; UTF-8, GB18030/GBK or .docx) and print its elements as JSON.

    Each element found is {"value", "text" (as printed), "start", "end"} with character offsets
    into the text; an element printed twice with different readings lists its candidates and
    the reason; an element not found is left out. Exit status 3 when the file cannot be read.
    """
    reading = read_document(document_text(file))
    click.echo(json.dumps(reading.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=2))


def document_text(file: str) -> str:
    """The text of the document in FILE (- for stdin); exit 3 with one line when unreadable."""
    name = "stdin" if file == "-" else file
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        return decode(raw, "" if file == "-" else file)
    except OSError as exc:
        fail(EXIT_BAD_INPUT, f"{name}: 无法读取 / cannot read: {exc.strerror or exc}")
    except UnreadableDocument as exc:
        fail(EXIT_BAD_INPUT, f"{name}: {exc}")


@cli.command("check-document")
@click.argument("file", metavar="FILE")
@click.option("--agency-name", required=True, help="机关名称, e.g. 海城市人民政府办公室")
@click.option("--division-code", required=True, help="GB/T 2260 code, e.g. 210381")
@click.option("--agency-kind", required=True, help="e.g. government_office (or its Chinese term)")
@click.option(
    "--action", type=click.Choice(DOCUMENT_ACTIONS), default="draft_document", show_default=True, help="the check"
)
@click.option("--facts", "facts_file", type=click.Path(dir_okay=False), default=None, help="JSON: workflow facts")
@click.option("--as-of", default=None, help="YYYY-MM-DD (default: the date of the action)")
@click.option(
    "--continuing-valid",
    "continuing_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="a text file, one 文号 a line: the normative documents a cleanup kept in force (LS 继续有效目录)",
)
@click.option("--format", "output", type=click.Choice(["json", "text"]), default="json", show_default=True)
@rules_dir_option
def check_document_command(
    file: str,
    agency_name: str,
    division_code: str,
    agency_kind: str,
    action: str,
    facts_file: str | None,
    as_of: str | None,
    continuing_file: str | None,
    output: str,
    rules_dir: Path | None,
) -> None:
    """Check a 公文 in FILE from its own text (- for stdin): its 成文日期, 公开属性 label, title and
    密级 become facts of a draft_document or publish_information check, beside the workflow facts
    in --facts (which win where both give one). The decision lists the facts read from the text
    and their spans. Exit status as for `check`."""
    text = document_text(file)
    extra: dict[str, Any] = {}
    if facts_file is not None:
        try:
            extra = json.loads(Path(facts_file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            fail(EXIT_BAD_INPUT, f"{facts_file}: 无法读取事实 / cannot read the facts: {exc}")
        if not isinstance(extra, dict):
            fail(EXIT_BAD_INPUT, f"{facts_file}: 应为 JSON 对象 / expected a JSON object")
    continuing = None
    if continuing_file is not None:
        try:
            continuing = [
                ln.strip() for ln in Path(continuing_file).read_text(encoding="utf-8").splitlines() if ln.strip()
            ]
        except (OSError, UnicodeDecodeError) as exc:
            fail(EXIT_BAD_INPUT, f"{continuing_file}: 无法读取 / cannot read: {exc}")
    checker = checker_or_fail(rules_dir)
    try:
        agency = Agency.model_validate({"name": agency_name, "division_code": division_code, "kind": agency_kind})
        day = dt.date.fromisoformat(as_of) if as_of else None
        _, decision = check_document(
            checker, text=text, agency=agency, action=action, facts=extra, as_of=day, continuing_valid=continuing
        )
    except ValidationError as exc:
        fail(EXIT_BAD_INPUT, str(validation_error("agency", exc)))
    except ValueError as exc:  # BadInput, or an --as-of that is no date
        fail(EXIT_BAD_INPUT, str(exc))
    if output == "text":
        click.echo(summary(decision))
    else:
        click.echo(json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, indent=2))
    sys.exit(EXIT_OUTCOME[decision.outcome])


# --- rules ---------------------------------------------------------------------------


@cli.group()
def rules() -> None:
    """List and show the rules, with the clauses they encode."""


@rules.command("list")
@click.option("--pack", default=None, help="only this pack (document code, e.g. QL)")
@click.option("--action", default=None, help="only rules for this action kind, e.g. answer_request")
@rules_dir_option
def list_rules(pack: str | None, action: str | None, rules_dir: Path | None) -> None:
    """One line per rule: id, severity, clauses, action kinds."""
    lawbook = checker_or_fail(rules_dir).lawbook
    try:
        views = rule_views(lawbook, pack=pack, action=action)
    except BadInput as exc:
        fail(EXIT_BAD_INPUT, str(exc))
    rows = [(v.id, str(v.severity), ",".join(c.id for c in v.clauses), ",".join(v.actions)) for v in views]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, [*widths, 0], strict=True)).rstrip())


@rules.command("show")
@click.argument("rule_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="print the rule as JSON")
@rules_dir_option
def show_rule(rule_id: str, as_json: bool, rules_dir: Path | None) -> None:
    """One rule with the verbatim text of its clauses."""
    lawbook = checker_or_fail(rules_dir).lawbook
    try:
        view = rule_view(lawbook, rule_id)
    except RuleNotFound as exc:
        fail(EXIT_BAD_INPUT, str(exc))
    if as_json:
        click.echo(json.dumps(view.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(rule_lines(view)))


def rule_lines(v: RuleView) -> list[str]:
    until = v.effective_to.isoformat() if v.effective_to else ""
    lines = [
        v.id,
        f"  pack:       {v.pack}",
        f"  severity:   {v.severity}",
        f"  actions:    {', '.join(v.actions)}",
        f"  in force:   {v.effective_from.isoformat()} – {until}".rstrip(),
        f"  condition:  {v.condition}",
    ]
    if v.resolved_condition != v.condition:
        lines.append(f"  checked as: {v.resolved_condition}")
    if v.depends_on:
        lines.append(f"  depends on: {', '.join(v.depends_on)}")
    lines += [
        f"  reads:      {', '.join(v.reads)}",
        f"  message:    {v.message}",
        f"  remedy:     {v.remedy}",
    ]
    if v.note:
        lines.append(f"  note:       {v.note}")
    lines.append("clauses:")
    for c in v.clauses:
        number = f" {c.document_number}" if c.document_number else ""
        lines += [f"  {c.id}  《{c.document}》{number} {c.section}", f"    {c.text}"]
    return lines


cli.add_command(trace_command)
cli.add_command(conflicts_command)
cli.add_command(log_group)
cli.add_command(mutate_command)
cli.add_command(diff_command)
cli.add_command(report_command)
cli.add_command(pack_group)
cli.add_command(calendar_group)
cli.add_command(recheck_command)


def main() -> None:
    cli(prog_name="gongkai")
