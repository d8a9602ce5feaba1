"""Sealed rule packs (packs/seal.py): a gutted rule set is refused at start and on reload.

Each kind of gutting — an emptied, truncated, deleted, extra or altered file, counts that
differ from what loaded, a bad signature, a signature by another key, no signature when a key
is required, no seal at all — is refused by ``open_rules`` with one line naming the file,
stops ``gongkai serve`` with exit 2, and on a reload under load leaves the last good rules
answering: not one decision from a gutted set. The shipped packs match their committed seal.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gongkai.check.checker import CheckRequest
from gongkai.check.decision import Outcome
from gongkai.check.runtime import RulesError, open_rules
from gongkai.cli import cli
from gongkai.config import Settings
from gongkai.journal.decisionlog import Filters, open_log
from gongkai.packs.pack import PackError, load_differences, load_pack
from gongkai.packs.seal import MANIFEST, SIGNATURE, SealError, load_private_key, read_law, seal_rules
from gongkai.service.convert import check_request_to_proto
from gongkai.service.reload import Reloader
from gongkai.service.server import Endpoint, assemble
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.conftest import QL_AGENCY, ROOT
from tests.packcopy import break_condition, copy_ql, mark
from tests.test_reload import wait_for
from tests.test_serve import free_port

FEEDBACK = "QL/rules/3-反馈.yaml"  # holds QL-3-3: a complaint must be registered
NOT_REGISTERED = "QL-3-3.not-registered"
COMPLAINT = {  # never registered: breaches QL-3-3 under the good rules
    "agency": QL_AGENCY,
    "action": "handle_complaint",
    "facts": {"received_on": "2025-10-09", "channel": "letter", "registered_and_archived": False},
}


# --- keys ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    private: Path  # the legal office's: signs the good sets
    public: Path  # what the deployment is configured with
    other_private: Path  # someone else's key


def write_key(directory: Path, name: str) -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    private, public = directory / f"{name}.pem", directory / f"{name}.pub.pem"
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private, public


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    directory = tmp_path_factory.mktemp("keys")
    private, public = write_key(directory, "office")
    other, _ = write_key(directory, "other")
    return Keys(private, public, other)


# --- the ways to gut a sealed set ----------------------------------------------------


def empty(root: Path, keys: Keys) -> None:
    (root / FEEDBACK).write_bytes(b"")


def truncate(root: Path, keys: Keys) -> None:
    """Cut at a rule's start: still valid YAML, one rule fewer (the file loads unsealed)."""
    text = (root / FEEDBACK).read_text(encoding="utf-8")
    (root / FEEDBACK).write_text(text[: text.rindex("\n  - id:") + 1], encoding="utf-8")


def delete(root: Path, keys: Keys) -> None:
    (root / FEEDBACK).unlink()


def extra(root: Path, keys: Keys) -> None:
    shutil.copy(root / "QL" / "pack.yaml", root / "QL" / "rules" / "zz-extra.yaml")


def alter(root: Path, keys: Keys) -> None:
    """The same size, still a valid rule, its sense flipped: an unregistered complaint would pass."""
    path = root / FEEDBACK
    text = path.read_text(encoding="utf-8")
    assert " and not registered_and_archived\n" in text
    path.write_text(
        text.replace(" and not registered_and_archived\n", " and     registered_and_archived\n"), encoding="utf-8"
    )


def forge_count(root: Path, keys: Keys) -> None:
    """The pack's manifest claims one rule more, and the set's manifest its new digest: every
    file matches, but the pack does not load to what the seal says."""
    pack_manifest = root / "QL" / MANIFEST
    old = pack_manifest.read_bytes()
    assert b"rules: 110," in old
    new = old.replace(b"rules: 110,", b"rules: 111,")
    pack_manifest.write_bytes(new)
    top = root / MANIFEST
    lines = top.read_text(encoding="utf-8").splitlines(keepends=True)
    (line,) = [n for n, text in enumerate(lines) if text.startswith("  QL: ")]
    lines[line] = f"  QL: {{sha256: {hashlib.sha256(new).hexdigest()}, size: {len(new)}}}\n"
    top.write_text("".join(lines), encoding="utf-8")


def unseal(root: Path, keys: Keys) -> None:
    (root / MANIFEST).unlink()


def reseal_unsigned(root: Path, keys: Keys) -> None:
    """An altered file, resealed by someone without the key; the old signature put back."""
    signature = (root / SIGNATURE).read_bytes()
    alter(root, keys)
    seal_rules(root)
    (root / SIGNATURE).write_bytes(signature)


def sign_with_other_key(root: Path, keys: Keys) -> None:
    alter(root, keys)
    seal_rules(root, load_private_key(keys.other_private))


def drop_signature(root: Path, keys: Keys) -> None:
    (root / SIGNATURE).unlink()


@dataclass(frozen=True)
class Gutting:
    name: str
    apply: Callable[[Path, Keys], None]
    reason: str  # what the one line says
    signed: bool = False  # the good set is signed and the key is required


GUTTINGS = [
    Gutting("empty file", empty, f"{FEEDBACK}: 文件为空 (empty: sealed with"),
    Gutting("truncated file", truncate, f"{FEEDBACK}: 文件被截短 (truncated:"),
    Gutting("deleted file", delete, f"{FEEDBACK}: 文件缺失 (missing"),
    Gutting("extra file", extra, "QL/rules/zz-extra.yaml: 未封存的文件 (extra: not in the seal"),
    Gutting("altered file", alter, f"{FEEDBACK}: 内容与封存不符 (altered"),
    Gutting("count mismatch", forge_count, "QL/SEAL.yaml: 加载的数目与封存不符 (count mismatch: 110 rules loaded"),
    Gutting("no seal", unseal, "SEAL.yaml: 规则未封存 (not sealed"),
    Gutting("bad signature", reseal_unsigned, "SEAL.sig: 签名无效 (bad signature", signed=True),
    Gutting("signed by another key", sign_with_other_key, "SEAL.sig: 签名密钥不符 (signed by key", signed=True),
    Gutting("unsigned, a key required", drop_signature, "SEAL.sig: 规则未签名 (unsigned", signed=True),
]
IDS = [g.name for g in GUTTINGS]


def good_set(root: Path, keys: Keys, signed: bool) -> Path:
    copy_ql(root)
    if signed:
        seal_rules(root, load_private_key(keys.private))
    return root


# --- at start ------------------------------------------------------------------------


@pytest.mark.parametrize("gutting", GUTTINGS, ids=IDS)
def test_open_rules_refuses_a_gutted_set_with_one_line_naming_the_file(
    gutting: Gutting, keys: Keys, tmp_path: Path
) -> None:
    rules = good_set(tmp_path / "rules", keys, gutting.signed)
    public = keys.public if gutting.signed else None
    read_law(rules, public_key=public)  # the good set is accepted
    gutting.apply(rules, keys)
    with pytest.raises(RulesError) as refused:
        open_rules(rules, public)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"cannot load rules from {str(rules)!r}: {gutting.reason}"), message


@pytest.mark.parametrize("gutting", GUTTINGS, ids=IDS)
def test_serve_exits_2_on_a_gutted_set(gutting: Gutting, keys: Keys, tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "gongkai"
    if not command.exists():
        pytest.skip("the gongkai entry point is not installed next to this Python")
    rules = good_set(tmp_path / "rules", keys, gutting.signed)
    gutting.apply(rules, keys)
    env = {**os.environ, "GONGKAI_DATA_DIR": str(tmp_path / "log")}
    env.pop("GONGKAI_PACK_PUBLIC_KEY", None)
    if gutting.signed:
        env["GONGKAI_PACK_PUBLIC_KEY"] = str(keys.public)
    result = subprocess.run(
        [str(command), "serve", "--port", str(free_port()), "--rules-dir", str(rules)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("gongkai: ")]
    assert len(errors) == 1 and gutting.reason in errors[0], result.stderr
    assert not (tmp_path / "log").exists() or not any((tmp_path / "log").iterdir())  # nothing served, nothing logged


# --- on reload, under load -----------------------------------------------------------


@pytest.fixture
def served(keys: Keys, tmp_path: Path) -> Iterator[tuple[Endpoint, Path, Path]]:
    """A signed good set, served with the key required; the rules directory and a pristine copy."""
    pristine = good_set(tmp_path / "pristine", keys, signed=True)
    rules = tmp_path / "rules"
    shutil.copytree(pristine, rules)
    endpoint = assemble(Settings(host="127.0.0.1", port=0, pack_public_key=keys.public))
    endpoint.compliance.journal = open_log(tmp_path / "log")
    endpoint.ready(open_rules(rules, keys.public))
    endpoint.server.start()
    yield endpoint, rules, pristine
    endpoint.server.stop(None)
    endpoint.compliance.journal.close()


def test_every_gutted_set_is_refused_on_reload_under_load_and_the_good_rules_answer(
    served: tuple[Endpoint, Path, Path], keys: Keys
) -> None:
    endpoint, rules, pristine = served
    reloader = Reloader(rules, endpoint.current, endpoint.swap, load=lambda d: open_rules(d, keys.public))
    good = endpoint.current().lawbook.version  # type: ignore[union-attr]
    answers: list[tuple[str, int, tuple[str, ...]]] = []
    failures: list[str] = []
    done = threading.Event()
    lock = threading.Lock()

    def client() -> None:
        with grpc.insecure_channel(f"127.0.0.1:{endpoint.port}") as channel:
            stub = pb_grpc.ComplianceStub(channel)
            while not done.is_set():
                try:
                    reply = stub.Check(check_request_to_proto(COMPLAINT), timeout=60)
                except grpc.RpcError as exc:
                    with lock:
                        failures.append(f"{exc.code()}: {exc.details()}")
                    continue
                with lock:
                    answers.append((reply.ruleset_version, reply.outcome, tuple(f.rule_id for f in reply.findings)))

    threads = [threading.Thread(target=client) for _ in range(3)]
    for t in threads:
        t.start()
    refused = []
    try:
        for gutting in GUTTINGS:  # the rules directory swapped for a gutted one, then reloaded
            shutil.rmtree(rules)
            shutil.copytree(pristine, rules)
            gutting.apply(rules, keys)
            if reloader.reload() is False:
                refused.append(gutting.name)
            assert endpoint.current().lawbook.version == good, gutting.name  # type: ignore[union-attr]
            answered = len(answers)
            assert wait_for(lambda n=answered: len(answers) > n), "no call answered while the gutted set lay there"
        shutil.rmtree(rules)
        shutil.copytree(pristine, rules)
        mark(rules, "after")  # a good edit, sealed but not signed: refused too, the key is required
        assert reloader.reload() is False
        seal_rules(rules, load_private_key(keys.private))  # signed by the office: it serves
        assert reloader.reload() is True
        after = endpoint.current().lawbook.version  # type: ignore[union-attr]
        assert after != good
        with grpc.insecure_channel(f"127.0.0.1:{endpoint.port}") as channel:
            assert pb_grpc.ComplianceStub(channel).Check(check_request_to_proto(COMPLAINT)).ruleset_version == after
    finally:
        done.set()
        for t in threads:
            t.join(timeout=120)

    assert refused == IDS  # every gutted set refused
    assert failures == []
    assert answers, "no call was answered"
    from_gutted = [a for a in answers if a[0] not in (good, after)]
    assert from_gutted == []  # not one decision from a gutted set
    assert all(outcome == pb.NON_COMPLIANT and NOT_REGISTERED in rules_ for _, outcome, rules_ in answers)
    logged = endpoint.compliance.journal.page(Filters(), 0, 1_000_000)  # type: ignore[union-attr]
    assert {e.ruleset_version for e in logged} <= {good, after}


# --- why the seal: what the loaders alone let through -------------------------------


def test_a_file_cut_at_a_rule_loads_unsealed_with_a_rule_lost_and_the_seal_refuses_it(
    keys: Keys, tmp_path: Path
) -> None:
    rules = copy_ql(tmp_path / "rules")
    before = read_law(rules).packs["QL"]
    truncate(rules, keys)
    loose = read_law(rules, sealed=False).packs["QL"]
    assert len(loose.rules) == len(before.rules) - 1  # silently one rule fewer
    with pytest.raises(SealError, match="truncated"):
        read_law(rules)


@pytest.mark.parametrize(
    "content", ["", "# nothing but a comment\n", "rules: []\n", "rules: []\ndeadlines: []\n"], ids=repr
)
def test_load_pack_refuses_an_empty_rule_file_outright(content: str, tmp_path: Path) -> None:
    rules = copy_ql(tmp_path / "rules", seal=False)
    (rules / FEEDBACK).write_text(content, encoding="utf-8")
    with pytest.raises(PackError, match=r"3-反馈\.yaml: (文件为空 \(empty|没有规则也没有期限 \(holds no rule)"):
        load_pack(rules / "QL", rules / "sources")


def test_an_empty_differences_file_is_refused_not_read_as_none(tmp_path: Path) -> None:
    (tmp_path / "differences.yaml").write_text("# emptied\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"differences\.yaml: 文件为空"):
        load_differences(tmp_path)


# --- the shipped packs, and the commands ---------------------------------------------


def test_the_shipped_packs_match_their_committed_seal() -> None:
    """CI's gate: a rule file changed without a new seal fails here."""
    try:
        law = read_law(ROOT / "rules")
    except PackError as exc:
        pytest.fail(
            f"rules/ does not match its seal: {exc}. After changing rule files, run `gongkai pack seal` "
            "and commit the SEAL.yaml files with the change.",
            pytrace=False,
        )
    assert law.seal is not None and set(law.packs) == set(read_law(ROOT / "rules", sealed=False).packs)


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_pack_seal_then_verify_and_verify_refuses_an_edit_with_one_line(tmp_path: Path) -> None:
    rules = copy_ql(tmp_path / "rules", seal=False)
    assert not (rules / MANIFEST).exists()
    code, out, _ = run("pack", "seal", "--rules-dir", str(rules))
    assert code == 0 and "110 rules" in out and (rules / MANIFEST).is_file() and (rules / "QL" / MANIFEST).is_file()
    code, out, _ = run("pack", "verify", "--rules-dir", str(rules))
    assert code == 0 and "封存校验通过 (the seal verifies), not signed" in out
    empty(rules, None)  # type: ignore[arg-type]
    code, _, err = run("pack", "verify", "--rules-dir", str(rules))
    assert code == 1
    assert err.count("\n") == 1 and f"{FEEDBACK}: 文件为空 (empty" in err


def test_pack_seal_refuses_rules_that_do_not_compile_and_writes_nothing(tmp_path: Path) -> None:
    rules = copy_ql(tmp_path / "rules")
    sealed = (rules / MANIFEST).read_bytes()
    break_condition(rules)  # seals through the library; the command compiles first
    (rules / MANIFEST).write_bytes(sealed)
    manifest = (rules / "QL" / MANIFEST).read_bytes()
    code, _, err = run("pack", "seal", "--rules-dir", str(rules))
    assert code == 1 and "规则无法编译 (the rules do not compile)" in err and "answer_deadline_overdew" in err
    assert (rules / MANIFEST).read_bytes() == sealed and (rules / "QL" / MANIFEST).read_bytes() == manifest


def test_pack_seal_with_a_key_signs_and_verify_requires_that_key(keys: Keys, tmp_path: Path) -> None:
    rules = copy_ql(tmp_path / "rules")
    code, out, _ = run("pack", "seal", "--rules-dir", str(rules), "--key", str(keys.private))
    assert code == 0 and "已签名 (signed)" in out and (rules / SIGNATURE).is_file()
    code, out, _ = run("pack", "verify", "--rules-dir", str(rules), "--public-key", str(keys.public))
    assert code == 0 and "signed by key" in out
    code, out, _ = run("pack", "verify", "--rules-dir", str(rules))
    assert code == 0 and "SEAL.sig not checked (no public key given)" in out
    other_public = keys.other_private.with_name("other.pub.pem")
    code, _, err = run("pack", "verify", "--rules-dir", str(rules), "--public-key", str(other_public))
    assert code == 1 and "SEAL.sig: 签名密钥不符" in err
    # resealing without the key removes the signature it no longer matches
    code, _, _ = run("pack", "seal", "--rules-dir", str(rules))
    assert code == 0 and not (rules / SIGNATURE).exists()
    code, _, err = run("pack", "verify", "--rules-dir", str(rules), "--public-key", str(keys.public))
    assert code == 1 and "SEAL.sig: 规则未签名 (unsigned" in err


def test_an_encrypted_key_is_used_with_its_passphrase(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "office.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"s3cret"),
        )
    )
    public = tmp_path / "office.pub.pem"
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    rules = copy_ql(tmp_path / "rules", seal=False)
    code, _, err = run("pack", "seal", "--rules-dir", str(rules), "--key", str(path), stdin="wrong\n")
    assert code == 1 and "wrong password" in err and not (rules / MANIFEST).exists()
    code, _, _ = run("pack", "seal", "--rules-dir", str(rules), "--key", str(path), stdin="s3cret\n")
    assert code == 0
    assert read_law(rules, public_key=public).signed_by is not None


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "无法读取公钥 (cannot read the public key"), (b"not a key", "不是PEM格式的公钥 (not a PEM public key")],
)
def test_an_unusable_public_key_is_refused_with_one_line(content: bytes | None, reason: str, tmp_path: Path) -> None:
    rules = copy_ql(tmp_path / "rules")
    key = tmp_path / "key.pub.pem"
    if content is not None:
        key.write_bytes(content)
    with pytest.raises(RulesError, match=reason.replace("(", r"\(")):
        open_rules(rules, key)


def test_the_sealed_rules_decide_as_before(tmp_path: Path) -> None:
    """Loading through the seal changes nothing of what loads: same version, same decision."""
    rules = copy_ql(tmp_path / "rules")
    sealed = open_rules(rules)
    loose = open_rules(rules, sealed=False)
    assert sealed.lawbook.version == loose.lawbook.version
    decision = sealed.check(CheckRequest.model_validate(COMPLAINT))
    assert decision.outcome is Outcome.non_compliant
    assert [f.rule_id for f in decision.findings] == [NOT_REGISTERED]
