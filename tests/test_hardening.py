"""Hardening: default deadline, a bound on calls in progress, TLS and mutual TLS, bearer
tokens with per-RPC permissions, reflection that can be switched off. (The message size
limit: tests/test_service.py.)"""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from gongkai.check.checker import Checker, CheckRequest
from gongkai.config import Settings
from gongkai.service.auth import TokensError, digest, load_tokens
from gongkai.service.convert import check_request_to_proto
from gongkai.service.server import SERVICE, create_server
from gongkai.service.servicer import ComplianceService
from gongkai.service.tls import TlsError
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.examples import LATE, ON_TIME

SERVING = health_pb2.HealthCheckResponse.SERVING


def settings(**overrides: Any) -> Settings:
    return Settings(**{"host": "127.0.0.1", "port": 0, **overrides})


@contextmanager
def running(settings: Settings, checker: Any) -> Iterator[int]:
    server, port = create_server(settings, checker)
    server.start()
    try:
        yield port
    finally:
        server.stop(None)


def code_of(call: Any, request: Any, **kwargs: Any) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as info:
        call(request, timeout=30, **kwargs)
    return info.value.code()


# --- a default deadline for calls without one ----------------------------------------


class NoDeadline:
    """A call whose client set no deadline (gRPC reports about 9.2e18 s left)."""

    def time_remaining(self) -> float:
        return 9.2e18

    def abort(self, code: grpc.StatusCode, details: str) -> None:
        raise grpc.RpcError(code, details)


class SlowChecker:
    """Each check takes 11 s on the servicer's clock (a fake one: no waiting)."""

    def __init__(self, checker: Checker, clock: list[float]) -> None:
        self.lawbook = checker.lawbook
        self._checker = checker
        self._clock = clock
        self.checked = 0

    def check(self, request: CheckRequest) -> Any:
        self._clock[0] += 11
        self.checked += 1
        return self._checker.check(request)


def test_a_batch_without_a_deadline_stops_at_the_servers_default(checker: Checker) -> None:
    now = [1000.0]
    slow = SlowChecker(checker, now)
    servicer = ComplianceService(settings(default_deadline_seconds=30), slow, clock=lambda: now[0])  # type: ignore[arg-type]
    batch = pb.CheckBatchRequest(requests=[check_request_to_proto(ON_TIME)] * 5)
    with pytest.raises(grpc.RpcError) as info:
        servicer.CheckBatch(batch, NoDeadline())  # type: ignore[arg-type]
    code, details = info.value.args
    assert code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert "default deadline (30 s)" in details
    assert slow.checked == 3  # 0, 11, 22 s: checked; at 33 s the fourth is not


def test_no_default_deadline_when_it_is_zero(checker: Checker) -> None:
    now = [1000.0]
    slow = SlowChecker(checker, now)
    servicer = ComplianceService(settings(default_deadline_seconds=0), slow, clock=lambda: now[0])  # type: ignore[arg-type]
    batch = pb.CheckBatchRequest(requests=[check_request_to_proto(ON_TIME)] * 5)
    reply = servicer.CheckBatch(batch, NoDeadline())  # type: ignore[arg-type]
    assert [r.WhichOneof("result") for r in reply.results] == ["decision"] * 5
    assert slow.checked == 5


# --- a bound on calls in progress ----------------------------------------------------


class BlockingChecker:
    """Holds every check until released: calls stay in progress as long as the test wants."""

    def __init__(self, checker: Checker, holding: int) -> None:
        self.lawbook = checker.lawbook
        self._checker = checker
        self._holding = holding
        self._entered = 0
        self._lock = threading.Lock()
        self.all_in = threading.Event()
        self.release = threading.Event()

    def check(self, request: CheckRequest) -> Any:
        with self._lock:
            self._entered += 1
            if self._entered == self._holding:
                self.all_in.set()
        self.release.wait(60)  # a safety bound, not a timing
        return self._checker.check(request)


def test_calls_beyond_the_limit_are_refused_at_once_with_resource_exhausted(checker: Checker) -> None:
    blocking = BlockingChecker(checker, holding=2)
    limited = settings(max_concurrent_rpcs=2, thread_pool=4)
    with running(limited, blocking) as port, grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = pb_grpc.ComplianceStub(channel)
        held = [stub.Check.future(check_request_to_proto(LATE), timeout=60) for _ in range(2)]
        assert blocking.all_in.wait(30), "the two calls never reached the checker"
        assert code_of(stub.Check, check_request_to_proto(ON_TIME)) == grpc.StatusCode.RESOURCE_EXHAUSTED
        blocking.release.set()
        assert [f.result().outcome for f in held] == [pb.NON_COMPLIANT] * 2
        assert stub.Check(check_request_to_proto(LATE), timeout=30).outcome == pb.NON_COMPLIANT  # room again


# --- TLS and mutual TLS --------------------------------------------------------------


class Pki:
    """A throwaway CA, a server certificate for 127.0.0.1 and localhost, and client certificates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ca_key, self.ca_cert = self._issue("gongkai test CA", None, ca=True)
        self.ca_pem = self._write("ca.pem", self.ca_cert)
        key, cert = self._issue("127.0.0.1", self.ca_key, server=True)
        self.server_key, self.server_cert = self._write("server.key", key), self._write("server.pem", cert)
        key, cert = self._issue("oa-client", self.ca_key)
        self.client_key, self.client_cert = self._write("client.key", key), self._write("client.pem", cert)
        other_ca_key, _ = self._issue("another CA", None, ca=True)
        key, cert = self._issue("stranger", other_ca_key, issuer="another CA")
        self.stranger_key, self.stranger_cert = self._write("stranger.key", key), self._write("stranger.pem", cert)

    def _issue(
        self, name: str, signer: Any, *, ca: bool = False, server: bool = False, issuer: str = "gongkai test CA"
    ) -> tuple[Any, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject if signer is None else x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if server:
            names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        return key, builder.sign(signer or key, hashes.SHA256())

    def _write(self, name: str, item: Any) -> Path:
        path = self.root / name
        if isinstance(item, x509.Certificate):
            path.write_bytes(item.public_bytes(serialization.Encoding.PEM))
        else:
            path.write_bytes(
                item.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
        return path

    def credentials(self, key: Path | None = None, cert: Path | None = None) -> grpc.ChannelCredentials:
        return grpc.ssl_channel_credentials(
            root_certificates=self.ca_pem.read_bytes(),
            private_key=key.read_bytes() if key else None,
            certificate_chain=cert.read_bytes() if cert else None,
        )


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


def check_over(channel: grpc.Channel) -> int:
    return pb_grpc.ComplianceStub(channel).Check(check_request_to_proto(LATE), timeout=30).outcome


def test_tls_serves_a_client_that_trusts_the_ca_and_refuses_plaintext(pki: Pki, checker: Checker) -> None:
    with running(settings(tls_cert_file=pki.server_cert, tls_key_file=pki.server_key), checker) as port:
        with grpc.secure_channel(f"127.0.0.1:{port}", pki.credentials()) as channel:
            assert check_over(channel) == pb.NON_COMPLIANT
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            assert code_of(pb_grpc.ComplianceStub(channel).Check, check_request_to_proto(LATE)) == (
                grpc.StatusCode.UNAVAILABLE
            )


def test_mutual_tls_refuses_a_client_without_a_certificate_or_with_a_stranger_one(pki: Pki, checker: Checker) -> None:
    mutual = settings(tls_cert_file=pki.server_cert, tls_key_file=pki.server_key, tls_client_ca_file=pki.ca_pem)
    with running(mutual, checker) as port:
        address = f"127.0.0.1:{port}"
        with grpc.secure_channel(address, pki.credentials(pki.client_key, pki.client_cert)) as channel:
            assert check_over(channel) == pb.NON_COMPLIANT
        for refused in (pki.credentials(), pki.credentials(pki.stranger_key, pki.stranger_cert)):
            with grpc.secure_channel(address, refused) as channel:
                stub = pb_grpc.ComplianceStub(channel)
                assert code_of(stub.Check, check_request_to_proto(LATE)) == grpc.StatusCode.UNAVAILABLE


def test_unusable_tls_files_are_refused_naming_the_file(pki: Pki, tmp_path: Path) -> None:
    with pytest.raises(TlsError, match="cannot read"):
        create_server(settings(tls_cert_file=tmp_path / "absent.pem", tls_key_file=pki.server_key))
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(TlsError, match=r"junk\.pem.* holds no PEM certificate"):
        create_server(settings(tls_cert_file=tmp_path / "junk.pem", tls_key_file=pki.server_key))


def test_a_key_without_its_certificate_is_a_bad_setting(pki: Pki) -> None:
    with pytest.raises(ValueError, match="tls_cert_file and tls_key_file go together"):
        settings(tls_key_file=pki.server_key)
    with pytest.raises(ValueError, match="mutual TLS needs"):
        settings(tls_client_ca_file=pki.ca_pem)


# --- bearer tokens -------------------------------------------------------------------

CHECKER_TOKEN = "oa-drafting-3f9a1c"
AUDITOR_TOKEN = "auditor-77b2e0"


@pytest.fixture(scope="module")
def tokens_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tokens") / "tokens.yaml"
    path.write_text(
        "tokens:\n"
        f"  - {{name: oa-drafting, sha256: {digest(CHECKER_TOKEN)}, rpcs: [Check, CheckBatch]}}\n"
        f"  - {{name: auditor, sha256: {digest(AUDITOR_TOKEN)}, rpcs: ['*']}}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def guarded(tokens_file: Path, checker: Checker) -> Iterator[str]:
    with running(settings(tokens_file=tokens_file), checker) as port:
        yield f"127.0.0.1:{port}"


def bearer(token: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {token}")]


@pytest.mark.parametrize(
    "metadata",
    [None, bearer("not-a-token"), [("authorization", f"Basic {CHECKER_TOKEN}")], bearer("")],
    ids=["none", "unknown", "another scheme", "empty"],
)
def test_a_call_without_a_known_token_is_unauthenticated(guarded: str, metadata: Any) -> None:
    with grpc.insecure_channel(guarded) as channel:
        stub = pb_grpc.ComplianceStub(channel)
        with pytest.raises(grpc.RpcError) as info:
            stub.Check(check_request_to_proto(LATE), timeout=30, metadata=metadata)
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "bearer token" in info.value.details()


def test_a_known_token_calls_what_it_may_and_nothing_else(guarded: str) -> None:
    with grpc.insecure_channel(guarded) as channel:
        stub = pb_grpc.ComplianceStub(channel)
        reply = stub.Check(check_request_to_proto(LATE), timeout=30, metadata=bearer(CHECKER_TOKEN))
        assert reply.outcome == pb.NON_COMPLIANT
        with pytest.raises(grpc.RpcError) as info:
            stub.ListRules(pb.ListRulesRequest(pack="QL"), timeout=30, metadata=bearer(CHECKER_TOKEN))
        assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert info.value.details() == "this token may not call ListRules"
        everything = stub.ListRules(pb.ListRulesRequest(pack="QL"), timeout=30, metadata=bearer(AUDITOR_TOKEN))
        assert everything.rules


def test_health_stays_open_and_reflection_needs_a_token(guarded: str) -> None:
    with grpc.insecure_channel(guarded) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        assert health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=30).status == SERVING
        with pytest.raises(grpc.RpcError) as info:
            ProtoReflectionDescriptorDatabase(channel).get_services()
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("tokens:\n  - {name: x, sha256: " + "a" * 64 + ", rpcs: [Chek]}\n", "unknown RPC 'Chek'"),
        (
            "tokens:\n  - {name: x, sha256: my-secret-token, rpcs: [Check]}\n",
            "tokens.0.sha256: should be the token's SHA-256",
        ),
        ("tokens: [\n", "not valid YAML"),
    ],
    ids=["a misspelt RPC", "a token instead of its digest", "bad YAML"],
)
def test_a_bad_tokens_file_is_refused_in_one_line(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "tokens.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TokensError, match=problem) as info:
        load_tokens(path)
    assert "\n" not in str(info.value)


# --- reflection ----------------------------------------------------------------------


def test_reflection_can_be_switched_off(checker: Checker) -> None:
    with running(settings(reflection=False), checker) as port, grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        with pytest.raises(grpc.RpcError) as info:
            ProtoReflectionDescriptorDatabase(channel).get_services()
        assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert check_over(channel) == pb.NON_COMPLIANT
