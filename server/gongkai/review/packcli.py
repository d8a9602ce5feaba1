"""``gongkai pack seal`` and ``gongkai pack verify``: the seal of the rule packs (``packs/seal.py``).

Exit status: 0 sealed (or verified), 1 refused: the rules do not load or compile, or they do
not match their seal; one line on stderr says which file and why.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from gongkai.config import Settings
from gongkai.engine.compiler import CompileError, compile_packs
from gongkai.packs.seal import MANIFEST, SIGNATURE, KeyNeedsPassword, Law, load_private_key, read_law, seal_rules
from gongkai.packs.snapshot import PackError

EXIT_REFUSED = 1

rules_dir_option = click.option(
    "--rules-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="rule packs directory (env GONGKAI_RULES_DIR; default: the packs shipped with gongkai)",
)


def _refuse(message: str) -> NoReturn:
    click.echo(f"gongkai: {' '.join(message.split())}", err=True)  # one line, always
    sys.exit(EXIT_REFUSED)


def _settings(**overrides: object) -> Settings:
    try:
        return Settings.from_env(**overrides)
    except ValueError as exc:
        raise click.UsageError(" ".join(str(exc).split())) from exc


def _compiled(law: Law) -> None:
    """Compile as the service would, so a seal never vouches for rules that cannot serve."""
    try:
        compile_packs(list(law.packs.values()), law.differences)
    except CompileError as exc:
        _refuse(f"规则无法编译 (the rules do not compile): {exc}")


def _summary(law: Law) -> list[str]:
    lines = [
        f"  {directory:<8} {pack.code:<4} {len(pack.rules):>4} rules {len(pack.catalogue.clauses):>4} clauses "
        f"{len(pack.deadlines):>3} deadlines"
        for directory, pack in law.packs.items()
    ]
    rules = sum(len(p.rules) for p in law.packs.values())
    lines.append(
        f"{len(law.packs)} 个规则包, {rules} 条规则, {len(law.differences)} 处差异, {law.sealed_files} 个文件 "
        f"({len(law.packs)} packs, {rules} rules, {len(law.differences)} differences, {law.sealed_files} files)"
    )
    return lines


@click.group("pack")
def pack_group() -> None:
    """Seal the rule packs (SHA-256 of every file, counts, optional Ed25519 signature) and verify a seal."""


@pack_group.command("seal")
@rules_dir_option
@click.option(
    "--key",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Ed25519 private key (PEM): sign the seal too (SEAL.sig); asks for the passphrase of an encrypted key",
)
def seal_command(rules_dir: Path | None, key: Path | None) -> None:
    """Write SEAL.yaml (and each pack's <CODE>/SEAL.yaml) from the rule files as they are.

    Run it after changing any file under the rules directory, and commit the manifests with
    the change; rules that do not load or compile are not sealed.
    """
    settings = _settings(rules_dir=rules_dir)
    try:
        private = None
        if key is not None:
            try:
                private = load_private_key(key)
            except KeyNeedsPassword:
                password = click.prompt("私钥口令 (passphrase)", hide_input=True, err=True)
                private = load_private_key(key, password.encode())
        _compiled(read_law(settings.rules_dir, sealed=False))
        law = seal_rules(settings.rules_dir, private)
    except PackError as exc:
        _refuse(f"未封存 (not sealed): {exc}")
    click.echo("\n".join(_summary(law)))
    click.echo(f"已封存 (sealed): {settings.rules_dir / MANIFEST}")
    if law.signed_by:
        click.echo(f"已签名 (signed) with key {law.signed_by}: {settings.rules_dir / SIGNATURE}")


@pack_group.command("verify")
@rules_dir_option
@click.option(
    "--public-key",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Ed25519 public key (PEM): require a signature it verifies (env GONGKAI_PACK_PUBLIC_KEY)",
)
def verify_command(rules_dir: Path | None, public_key: Path | None) -> None:
    """Check the rules against their seal as the service does at start: exit 0 if they match."""
    settings = _settings(rules_dir=rules_dir, pack_public_key=public_key)
    try:
        law = read_law(settings.rules_dir, sealed=True, public_key=settings.pack_public_key)
    except PackError as exc:
        _refuse(f"封存校验失败 (seal check failed) in {settings.rules_dir}: {exc}")
    _compiled(law)
    click.echo("\n".join(_summary(law)))
    if law.signed_by:
        signed = f", signed by key {law.signed_by}"
    elif (settings.rules_dir / SIGNATURE).exists():
        signed = f", {SIGNATURE} not checked (no public key given)"
    else:
        signed = ", not signed"
    click.echo(f"封存校验通过 (the seal verifies){signed}: {settings.rules_dir}")
