"""Sealed rule packs: a rules directory serves only what its manifests say it holds.

``gongkai pack seal`` writes, from the files as they are and the packs they load to:

- ``<DIR>/SEAL.yaml`` for each pack directory (one holding ``pack.yaml``): every file of the
  directory with its SHA-256 and size, the pack's code, and the number of rules, clauses and
  deadlines it loads to;
- ``SEAL.yaml`` at the top for the set: every other file (``differences.yaml``,
  ``sources/``, any directory that is not a pack), each pack manifest's SHA-256, and the
  number of differences;
- ``SEAL.sig`` with ``--key``: an Ed25519 signature over the top ``SEAL.yaml``, which names
  every pack manifest's digest and so covers every file (Open Policy Agent's signed bundles
  are the model: the signature covers a list of file digests, checked before anything loads).

Loading sealed (the service, ``gongkai check``) reads the directory into memory once, checks
the signature when a public key is configured, compares every file with the manifests, loads
the packs from the bytes it checked, then compares the counts with what loaded. A missing,
extra, empty, truncated or altered file, a count that differs, a missing or bad signature:
refused, with one line naming the file. Dot files, ``__pycache__`` and the top
``__init__.py`` (Python packaging) are not part of the law and are neither sealed nor refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gongkai.packs.catalogue import safe_load
from gongkai.packs.pack import Difference, Pack, read_differences, read_packs
from gongkai.packs.snapshot import PackError, Snapshot

MANIFEST = "SEAL.yaml"
SIGNATURE = "SEAL.sig"
FORMAT = 1
# Signed is this label followed by the manifest's bytes: a signature the key made for
# anything else never verifies as a seal.
SIGNED_LABEL = b"gongkai-seal-v1\0"
RESEAL = "run `gongkai pack seal` after changing rule files"

PACK_HEADER = """\
# 规则包封存清单 (the seal of one rule pack), written by `gongkai pack seal`: do not edit.
# Every file of the pack with its SHA-256 and size, and what the pack loads to.
"""
SET_HEADER = """\
# 规则封存清单 (the seal of the rules directory), written by `gongkai pack seal`: do not edit.
# Every pack's manifest and every shared file with its SHA-256 and size. After changing any
# file under this directory, run `gongkai pack seal` and commit the manifests with the change.
"""

M = TypeVar("M", bound=BaseModel)


class SealError(PackError):
    """A rules directory that does not match its seal; the message is one line naming the file."""


class KeyNeedsPassword(SealError):
    """The private key is encrypted and no password was given."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileSeal(Strict):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class PackCounts(Strict):
    rules: int = Field(ge=0)
    clauses: int = Field(ge=0)
    deadlines: int = Field(ge=0)


class PackManifest(Strict):
    format: Literal[1]
    pack: str  # the pack's code, from its pack.yaml
    counts: PackCounts
    files: dict[str, FileSeal] = Field(min_length=1)  # relative to the pack directory


class SetCounts(Strict):
    differences: int = Field(ge=0)


class SetManifest(Strict):
    format: Literal[1]
    counts: SetCounts
    packs: dict[str, FileSeal] = Field(min_length=1)  # pack directory → its SEAL.yaml
    files: dict[str, FileSeal] = {}  # shared files, relative to the rules directory


class SignatureFile(Strict):
    algorithm: Literal["ed25519"]
    key: str  # key_id() of the public key that verifies it
    signature: str  # base64


@dataclass(frozen=True)
class Law:
    """What a rules directory loads to, and the seal it was checked against (None: unsealed)."""

    packs: dict[str, Pack]  # by directory
    differences: list[Difference]
    seal: SetManifest | None = None
    signed_by: str | None = None  # the key id that verified the signature
    sealed_files: int = 0  # how many files the seal lists, manifests aside
    files: Snapshot | None = None  # the directory as read (and checked): other data loads from these bytes


# --- keys ----------------------------------------------------------------------------


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a public key: the start of the SHA-256 of its 32 raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file (``openssl pkey -pubout``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SealError(f"{path}: 无法读取公钥 (cannot read the public key: {exc.strerror or exc})") from exc
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise SealError(f"{path}: 不是PEM格式的公钥 (not a PEM public key)") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SealError(f"{path}: 不是Ed25519公钥 (not an Ed25519 public key: {type(key).__name__})")
    return key


def load_private_key(path: Path, password: bytes | None = None) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file (``openssl genpkey -algorithm ed25519``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SealError(f"{path}: 无法读取私钥 (cannot read the private key: {exc.strerror or exc})") from exc
    try:
        key = serialization.load_pem_private_key(data, password)
    except TypeError as exc:  # encrypted and no password, or a password for a plain key
        if password is None:
            raise KeyNeedsPassword(f"{path}: 私钥已加密,需要口令 (the private key is encrypted)") from exc
        raise SealError(f"{path}: 私钥未加密,不需要口令 (the private key is not encrypted)") from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise SealError(f"{path}: 无法读取私钥 (not a PEM private key, or a wrong password)") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SealError(f"{path}: 不是Ed25519私钥 (not an Ed25519 private key: {type(key).__name__})")
    return key


# --- sealing -------------------------------------------------------------------------


def file_seal(data: bytes) -> FileSeal:
    return FileSeal(sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def _dump(header: str, manifest: BaseModel) -> bytes:
    body = yaml.safe_dump(
        manifest.model_dump(), allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000
    )
    return (header + body).encode("utf-8")


def pack_counts(pack: Pack) -> PackCounts:
    return PackCounts(rules=len(pack.rules), clauses=len(pack.catalogue.clauses), deadlines=len(pack.deadlines))


def seal_rules(root: Path, private_key: Ed25519PrivateKey | None = None) -> Law:
    """Write the manifests of ``root`` (and ``SEAL.sig`` with a key) from its files as they
    are; refuse (PackError) a directory whose packs do not load."""
    files = Snapshot.read(root)
    packs = read_packs(files)
    if not packs:
        raise SealError(f"{root}: 没有可封存的规则包 (no rule pack, <CODE>/pack.yaml, to seal)")
    differences = read_differences(files)
    writes: dict[str, bytes] = {}
    pack_seals: dict[str, FileSeal] = {}
    manifests: list[PackManifest] = []
    for directory, pack in packs.items():
        own = files.under(directory).files
        manifest = PackManifest(
            format=FORMAT,
            pack=pack.code,
            counts=pack_counts(pack),
            files={rel: file_seal(data) for rel, data in sorted(own.items()) if rel != MANIFEST},
        )
        manifests.append(manifest)
        writes[f"{directory}/{MANIFEST}"] = _dump(PACK_HEADER, manifest)
        pack_seals[directory] = file_seal(writes[f"{directory}/{MANIFEST}"])
    shared = {
        rel: file_seal(data)
        for rel, data in sorted(files.files.items())
        if rel.split("/")[0] not in packs and rel not in (MANIFEST, SIGNATURE)
    }
    top = SetManifest(format=FORMAT, counts=SetCounts(differences=len(differences)), packs=pack_seals, files=shared)
    writes[MANIFEST] = _dump(SET_HEADER, top)
    signed_by = None
    if private_key is not None:
        signed_by = key_id(private_key.public_key())
        signature = base64.b64encode(private_key.sign(SIGNED_LABEL + writes[MANIFEST])).decode()
        text = yaml.safe_dump({"algorithm": "ed25519", "key": signed_by, "signature": signature}, sort_keys=False)
        writes[SIGNATURE] = f"# Ed25519 signature of {MANIFEST}, written by `gongkai pack seal --key`\n{text}".encode()
    for rel, data in writes.items():  # the pack manifests, the set's, then its signature
        _write(root / rel, data)
    if private_key is None:
        (root / SIGNATURE).unlink(missing_ok=True)  # it signed the manifest just replaced
    return Law(packs, differences, top, signed_by, len(shared) + sum(len(m.files) for m in manifests))


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a reload never reads a manifest half written."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- checking ------------------------------------------------------------------------


def read_law(root: Path, *, sealed: bool = True, public_key: Path | None = None) -> Law:
    """The packs and differences of ``root``. Sealed: only if every file matches the seal,
    the signature verifies (when ``public_key`` is given) and the counts match what loaded;
    otherwise SealError. Unsealed (the review tools, which read rules being edited): as they are.
    """
    key = load_public_key(public_key) if public_key is not None else None
    files = Snapshot.read(root)
    if not sealed:
        return Law(read_packs(files), read_differences(files), files=files)
    if not files.has(MANIFEST):
        raise SealError(f"{MANIFEST}: 规则未封存 (not sealed: no {MANIFEST}; run `gongkai pack seal`)")
    signed_by = _check_signature(files, key) if key is not None else None
    top, manifests = _check_files(files)
    sealed_files = len(top.files) + sum(len(m.files) for m in manifests.values())
    law = Law(read_packs(files), read_differences(files), top, signed_by, sealed_files, files)
    _check_counts(law, top, manifests)
    return law


def _check_signature(files: Snapshot, key: Ed25519PublicKey) -> str:
    expected = key_id(key)
    if not files.has(SIGNATURE):
        raise SealError(f"{SIGNATURE}: 规则未签名 (unsigned: packs signed by key {expected} are required)")
    try:
        signature = SignatureFile.model_validate(safe_load(files.text(SIGNATURE)))
        raw = base64.b64decode(signature.signature, validate=True)
    except (yaml.YAMLError, ValidationError, binascii.Error, PackError) as exc:
        raise SealError(f"{SIGNATURE}: 签名文件无法读取 (not a signature: {_brief(exc)})") from exc
    if signature.key != expected:
        raise SealError(f"{SIGNATURE}: 签名密钥不符 (signed by key {signature.key}, the key required is {expected})")
    try:
        key.verify(raw, SIGNED_LABEL + files.bytes(MANIFEST))
    except InvalidSignature:
        bad = f"bad signature: {MANIFEST} is not what key {expected} signed"
        raise SealError(f"{SIGNATURE}: 签名无效 ({bad})") from None
    return expected


def _manifest(model: type[M], files: Snapshot, rel: str) -> M:
    try:
        return model.model_validate(safe_load(files.text(rel)))
    except (yaml.YAMLError, ValidationError, PackError) as exc:
        raise SealError(f"{rel}: 封存清单无法读取 (not a seal manifest: {_brief(exc)}; {RESEAL})") from exc


def _brief(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return " ".join(str(exc).split())[:120]


def _compare(rel: str, data: bytes | None, seal: FileSeal) -> str | None:
    """Why ``data`` is not the file sealed, or None."""
    if data is None:
        return f"{rel}: 文件缺失 (missing: sealed, not found)"
    if not data and seal.size:
        return f"{rel}: 文件为空 (empty: sealed with {seal.size} bytes)"
    if hashlib.sha256(data).hexdigest() == seal.sha256:
        return None
    if len(data) < seal.size:
        return f"{rel}: 文件被截短 (truncated: {len(data)} of the {seal.size} bytes sealed)"
    return f"{rel}: 内容与封存不符 (altered: its SHA-256 differs from the seal's)"


def _check_files(files: Snapshot) -> tuple[SetManifest, dict[str, PackManifest]]:
    top = _manifest(SetManifest, files, MANIFEST)
    expected = dict(top.files)
    known = {MANIFEST, SIGNATURE}  # neither sealed nor extra
    unchecked: list[str] = []  # pack directories whose manifest is itself wrong
    manifests: dict[str, PackManifest] = {}
    problems: list[tuple[str, str]] = []
    for directory, seal in top.packs.items():
        rel = f"{directory}/{MANIFEST}"
        known.add(rel)
        problem = _compare(rel, files.files.get(rel), seal)
        if problem:
            problems.append((rel, problem))
            unchecked.append(f"{directory}/")
            continue
        manifests[directory] = _manifest(PackManifest, files, rel)
        expected.update({f"{directory}/{name}": s for name, s in manifests[directory].files.items()})
    for rel, seal in expected.items():
        problem = _compare(rel, files.files.get(rel), seal)
        if problem:
            problems.append((rel, problem))
    for rel in files.files.keys() - expected.keys() - known:
        if not rel.startswith(tuple(unchecked)):
            problems.append((rel, f"{rel}: 未封存的文件 (extra: not in the seal; {RESEAL})"))
    if problems:
        problems.sort()
        more = f" (另有{len(problems) - 1}处不符 / and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SealError(problems[0][1] + more)
    return top, manifests


def _check_counts(law: Law, top: SetManifest, manifests: dict[str, PackManifest]) -> None:
    if set(law.packs) != set(manifests):
        unsealed = sorted(set(law.packs) ^ set(manifests))
        raise SealError(f"{unsealed[0]}: 加载的规则包与封存不符 (the packs loaded are not the packs sealed)")
    for directory, manifest in manifests.items():
        pack = law.packs[directory]
        if pack.code != manifest.pack:
            differs = f"pack {pack.code} loaded, the seal says {manifest.pack}"
            raise SealError(f"{directory}/{MANIFEST}: 规则包代码与封存不符 ({differs})")
        loaded = pack_counts(pack)
        for name, count in loaded.model_dump().items():
            sealed = getattr(manifest.counts, name)
            if count != sealed:
                raise SealError(
                    f"{directory}/{MANIFEST}: 加载的数目与封存不符 "
                    f"(count mismatch: {count} {name} loaded, the seal says {sealed})"
                )
    if len(law.differences) != top.counts.differences:
        raise SealError(
            f"{MANIFEST}: 加载的数目与封存不符 (count mismatch: {len(law.differences)} differences loaded, "
            f"the seal says {top.counts.differences})"
        )


def seal_state(root: Path) -> str:
    """One line saying whether ``root`` matches its seal: for the review tools, which load
    rules unsealed (a change is reviewed before it is sealed) but say what they loaded."""
    try:
        read_law(root)
    except PackError as exc:
        return f"未封存 (not sealed: {' '.join(str(exc).split())})"
    return "已封存 (sealed)"
