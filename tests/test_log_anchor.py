"""An anchored chain (issue 12, item 5): the head has a MAC of its own, a checkpoint kept
outside the database catches what no MAC can (a restored or wiped log), the key lives apart
from the data, is never made by a command that reads, and a log with a missing or wrong key
is not appended to."""

from __future__ import annotations

import base64
import dataclasses
import os
import secrets
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gongkai.check.checker import Checker, CheckRequest
from gongkai.cli import cli
from gongkai.config import Settings
from gongkai.journal.decisionlog import (
    KEY_MISMATCH,
    Checkpoint,
    DecisionLog,
    Keys,
    LogKeyError,
    open_for_writing,
    open_log,
)
from gongkai.journal.sqlite import SqliteStore
from gongkai.journal.store import GENESIS
from tests.examples import LATE, ON_TIME
from tests.test_serve import free_port, gongkai

__all__ = ["gongkai"]  # the fixture

DB = "decisions.sqlite3"


@pytest.fixture(autouse=True)
def no_key_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GONGKAI_LOG_KEY", "GONGKAI_LOG_KEY_FILE", "GONGKAI_DATA_DIR", "GONGKAI_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def logged(directory: Path, checker: Checker, n: int = 5) -> DecisionLog:
    log = open_log(directory)
    for i in range(n):
        request = CheckRequest.model_validate({**(LATE if i % 2 else ON_TIME), "request_id": f"a-{i + 1}"})
        log.record_decision(request, checker.check(request))
    return log


def sql(directory: Path, statements: str) -> None:
    db = sqlite3.connect(directory / DB)
    db.executescript(statements)
    db.commit()
    db.close()


def head_row(directory: Path) -> tuple[Any, ...]:
    db = sqlite3.connect(directory / DB)
    try:
        return db.execute("SELECT seq, mac, head_mac FROM log_head").fetchone()
    finally:
        db.close()


def log_command(directory: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["log", *args, "--data-dir", str(directory)], env=env)


def remac(directory: Path, keys: Keys, edit_seq: int | None = None) -> None:
    """What whoever holds ``keys`` can do: change an entry's outcome and recompute every MAC
    and the head's."""
    store = SqliteStore(directory / DB)
    signer = DecisionLog(store, keys)
    db = sqlite3.connect(directory / DB)
    prev = GENESIS
    for entry in list(store.all()):
        outcome = "COMPLIANT" if entry.seq == edit_seq else entry.outcome
        changed = entry.model_copy(update={"prev_mac": prev, "outcome": outcome})
        prev = signer._mac(changed)
        db.execute(
            "UPDATE decisions SET outcome = ?, prev_mac = ?, mac = ? WHERE seq = ?",
            (outcome, changed.prev_mac, prev, entry.seq),
        )
    seq = db.execute("SELECT max(seq) FROM decisions").fetchone()[0]
    db.execute("UPDATE log_head SET seq = ?, mac = ?, head_mac = ?", (seq, prev, signer._seal(seq, prev)))
    db.commit()
    db.close()
    store.close()


# --- the head's MAC and checkpoints ------------------------------------------------------


def test_a_cut_tail_with_a_rewritten_head_fails_the_head_mac(tmp_path: Path, checker: Checker) -> None:
    logged(tmp_path, checker).close()
    db = sqlite3.connect(tmp_path / DB)
    mac3 = db.execute("SELECT mac FROM decisions WHERE seq = 3").fetchone()[0]
    db.close()
    sql(tmp_path, f"DELETE FROM decisions WHERE seq > 3; UPDATE log_head SET seq = 3, mac = '{mac3}';")
    log = open_log(tmp_path)
    assert log.verify() == ["the head's MAC does not verify: the head was rewritten (entries cut or altered)"]
    log.close()
    result = log_command(tmp_path, "verify")
    assert result.exit_code == 1 and "head's MAC does not verify" in result.output
    with pytest.raises(LogKeyError, match=r"head \(entry 3\) does not verify"):  # and serve will not append to it
        open_for_writing(Settings(data_dir=tmp_path))


def test_a_restored_older_head_is_caught_by_a_checkpoint_only(tmp_path: Path, checker: Checker) -> None:
    log = logged(tmp_path, checker, 3)
    older = head_row(tmp_path)  # a copy of the head taken by someone with access to the database
    for i in (4, 5):
        request = CheckRequest.model_validate({**LATE, "request_id": f"a-{i}"})
        log.record_decision(request, checker.check(request))
    checkpoint = log.checkpoint()
    log.close()
    sql(
        tmp_path,
        "DELETE FROM decisions WHERE seq > 3;"
        f" UPDATE log_head SET seq = {older[0]}, mac = '{older[1]}', head_mac = '{older[2]}';",
    )
    log = open_log(tmp_path)
    assert log.verify() == []  # every MAC is genuine: only the record kept outside can tell
    assert log.verify(checkpoint) == [
        f"the log ends at entry 3, before entry 5 of the checkpoint of {checkpoint.time}: truncated or wiped since"
    ]


def test_a_wiped_and_reset_log_is_caught_by_a_checkpoint(tmp_path: Path, checker: Checker) -> None:
    logged(tmp_path, checker).close()
    made = log_command(tmp_path, "checkpoint", "-o", str(tmp_path / "anchor.json"))
    assert made.exit_code == 0, made.output
    assert Checkpoint.from_json((tmp_path / "anchor.json").read_text()).seq == 5
    assert log_command(tmp_path, "verify", "--checkpoint", str(tmp_path / "anchor.json")).exit_code == 0
    sql(tmp_path, f"DELETE FROM decisions; UPDATE log_head SET seq = 0, mac = '{GENESIS}', head_mac = NULL;")
    assert log_command(tmp_path, "verify").exit_code == 0  # an empty log is a valid log
    result = log_command(tmp_path, "verify", "--checkpoint", str(tmp_path / "anchor.json"))
    assert result.exit_code == 1
    assert "the log ends at entry 0, before entry 5 of the checkpoint" in result.output


def test_entries_rewritten_with_the_key_are_caught_by_a_checkpoint(tmp_path: Path, checker: Checker) -> None:
    log = logged(tmp_path, checker)
    checkpoint = log.checkpoint()
    keys = log._keys
    log.close()
    remac(tmp_path, keys, edit_seq=2)  # the key's holder turns entry 2 COMPLIANT
    log = open_log(tmp_path)
    assert log.get("a-2").outcome == "COMPLIANT"
    assert log.verify() == []
    assert log.verify(checkpoint) == [
        f"entry 5 is not the one checkpointed at {checkpoint.time}: the log was rewritten"
    ]


def test_a_checkpoint_edited_or_made_with_another_key_does_not_verify(tmp_path: Path, checker: Checker) -> None:
    log = logged(tmp_path, checker)
    checkpoint = log.checkpoint()
    forged = Checkpoint(3, checkpoint.mac, checkpoint.time, checkpoint.signature)
    assert log.verify(forged)[0].startswith("the checkpoint does not verify with this key")
    other = logged(tmp_path / "other", checker)
    assert other.verify(checkpoint)[0].startswith("the checkpoint does not verify with this key")


def test_checkpoint_prints_the_signed_head_and_refuses_a_head_that_does_not_verify(
    tmp_path: Path, checker: Checker
) -> None:
    logged(tmp_path, checker).close()
    printed = log_command(tmp_path, "checkpoint")
    assert printed.exit_code == 0
    checkpoint = Checkpoint.from_json(printed.stdout)
    assert (checkpoint.seq, checkpoint.mac) == head_row(tmp_path)[:2]
    sql(tmp_path, "UPDATE log_head SET head_mac = 'x'")
    refused = log_command(tmp_path, "checkpoint")
    assert refused.exit_code != 0 and "head does not verify" in refused.output


# --- the key -----------------------------------------------------------------------------


def test_a_log_re_maced_with_another_key_is_a_key_mismatch(tmp_path: Path, checker: Checker) -> None:
    logged(tmp_path, checker).close()
    remac(tmp_path, Keys.derive(secrets.token_bytes(32)), edit_seq=2)
    log = open_log(tmp_path)
    assert log.verify() == [KEY_MISMATCH]  # one line, not "every entry was altered"
    log.close()
    result = log_command(tmp_path, "verify")
    assert result.exit_code == 1
    assert "日志密钥不匹配 / the key does not match" in result.output
    with pytest.raises(LogKeyError) as refused:
        open_for_writing(Settings(data_dir=tmp_path))
    assert str(refused.value) == KEY_MISMATCH


def test_the_wrong_key_is_named_as_such(tmp_path: Path, checker: Checker) -> None:
    logged(tmp_path, checker).close()
    wrong = tmp_path / "wrong.key"
    wrong.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    wrong.chmod(0o600)
    result = log_command(tmp_path, "verify", env={"GONGKAI_LOG_KEY_FILE": str(wrong)})
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == KEY_MISMATCH


@pytest.mark.parametrize("command", [["verify"], ["list"], ["show", "a-1"], ["export"], ["checkpoint"]])
@pytest.mark.parametrize("entries", [5, 0], ids=["a log with entries", "an empty log"])
def test_no_reading_command_creates_a_key(tmp_path: Path, checker: Checker, command: list[str], entries: int) -> None:
    logged(tmp_path, checker, entries).close()
    (tmp_path / "log.key").unlink()
    result = log_command(tmp_path, *command)
    assert result.exit_code != 0
    assert "日志密钥缺失 / the log key is missing" in result.output
    assert not (tmp_path / "log.key").exists()


def test_a_key_file_others_may_read_is_refused(tmp_path: Path, checker: Checker) -> None:
    logged(tmp_path, checker).close()
    (tmp_path / "log.key").chmod(0o640)
    with pytest.raises(LogKeyError, match="chmod 600"):
        open_log(tmp_path)
    result = log_command(tmp_path, "verify")
    assert result.exit_code != 0 and "open to others (mode 0640)" in result.output


def test_the_key_file_is_created_0600_and_once(tmp_path: Path) -> None:
    open_log(tmp_path).close()
    key = (tmp_path / "log.key").read_text()
    open_log(tmp_path).close()
    assert (tmp_path / "log.key").read_text() == key
    assert (tmp_path / "log.key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".log.key")] == []  # no temporary left


def test_the_key_may_live_apart_from_the_data(tmp_path: Path, checker: Checker) -> None:
    data, secret = tmp_path / "data", tmp_path / "secret" / "gongkai.key"
    made = CliRunner().invoke(
        cli, ["log", "init-key", "--data-dir", str(data)], env={"GONGKAI_LOG_KEY_FILE": str(secret)}
    )
    assert made.exit_code == 0, made.output
    assert secret.stat().st_mode & 0o777 == 0o600
    log = open_for_writing(Settings(data_dir=data, log_key_file=secret))
    request = CheckRequest.model_validate({**LATE, "request_id": "apart-1"})
    log.record_decision(request, checker.check(request))
    log.close()
    assert not (data / "log.key").exists()
    assert log_command(data, "verify", env={"GONGKAI_LOG_KEY_FILE": str(secret)}).exit_code == 0
    missing = log_command(data, "verify")  # the default place beside the data has no key
    assert missing.exit_code != 0 and not (data / "log.key").exists()


def test_the_key_may_come_from_the_environment(tmp_path: Path, checker: Checker) -> None:
    key = CliRunner().invoke(cli, ["log", "init-key", "--stdout"]).stdout.strip()
    assert len(base64.b64decode(key)) == 32
    log = open_for_writing(Settings(data_dir=tmp_path, log_key=key))
    request = CheckRequest.model_validate({**LATE, "request_id": "env-1"})
    log.record_decision(request, checker.check(request))
    log.close()
    assert not (tmp_path / "log.key").exists()
    assert log_command(tmp_path, "verify", env={"GONGKAI_LOG_KEY": key}).exit_code == 0
    other = base64.b64encode(secrets.token_bytes(32)).decode()
    assert log_command(tmp_path, "verify", env={"GONGKAI_LOG_KEY": other}).output.splitlines()[0] == KEY_MISMATCH
    short = log_command(tmp_path, "verify", env={"GONGKAI_LOG_KEY": "c2hvcnQ="})
    assert short.exit_code != 0 and "32 are needed" in short.output
    with pytest.raises(ValueError, match="give one, not both"):
        Settings(log_key=key, log_key_file=tmp_path / "k")


def test_init_key_never_replaces_a_key_nor_keys_a_log_with_entries(tmp_path: Path, checker: Checker) -> None:
    logged(tmp_path, checker).close()
    again = log_command(tmp_path, "init-key")
    assert again.exit_code != 0 and "never replaced" in again.output
    (tmp_path / "log.key").unlink()
    refused = log_command(tmp_path, "init-key")
    assert refused.exit_code != 0 and "the log has entries" in refused.output
    assert not (tmp_path / "log.key").exists()
    with pytest.raises(LogKeyError, match="the log has entries"):  # nor does serve make one
        open_for_writing(Settings(data_dir=tmp_path))
    assert not (tmp_path / "log.key").exists()


@pytest.mark.parametrize("fault", ["missing", "wrong", "open to others"])
def test_serve_refuses_a_log_whose_key_is_missing_or_wrong(
    gongkai: str, tmp_path: Path, checker: Checker, fault: str
) -> None:
    logged(tmp_path, checker).close()
    key = tmp_path / "log.key"
    if fault == "missing":
        key.unlink()
    elif fault == "wrong":
        key.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    else:
        key.chmod(0o644)
    served = subprocess.run(
        [gongkai, "serve", "--host", "127.0.0.1", "--port", str(free_port())],
        env={**os.environ, "GONGKAI_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    errors = [line for line in served.stderr.splitlines() if line.startswith("gongkai:")]
    assert served.returncode == 2, served.stderr
    assert len(errors) == 1 and "cannot open the decision log: 日志密钥" in errors[0], served.stderr
    assert (fault == "missing") == (not key.exists())  # serve made no key for a log with entries


# --- a log from before head MACs and request digests -------------------------------------


def test_an_older_log_is_migrated_verified_and_sealed_by_serve(tmp_path: Path, checker: Checker) -> None:
    log = open_log(tmp_path)
    for i in range(3):  # entries as the earlier release made them: no digest under the MAC
        request = CheckRequest.model_validate({**LATE, "request_id": f"old-{i}"})
        record = log.decision_record(request, checker.check(request))
        log.record_many([dataclasses.replace(record, request_digest="")])
    log.close()
    sql(
        tmp_path,
        "UPDATE decisions SET request_digest = NULL; ALTER TABLE decisions DROP COLUMN request_digest;"
        " ALTER TABLE log_head DROP COLUMN head_mac;",
    )
    log = open_log(tmp_path)  # migrated: the columns added
    assert log.verify() == [
        "the head is not sealed (a log from before head MACs: serve seals it; or its MAC was removed)"
    ]
    log.close()
    log = open_for_writing(Settings(data_dir=tmp_path))  # seals the head its last entry vouches for
    assert log.verify() == []
    again = CheckRequest.model_validate({**LATE, "request_id": "old-1"})
    refused = log.record_decision(again, checker.check(again))  # an old decision holds its id
    assert refused.error.holder == 2
    assert log.get("old-1").seq == 2 and log.verify() == []
