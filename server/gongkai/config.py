"""All configuration in one place: defaults, overridden by GONGKAI_* environment variables
and then by command-line options."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationInfo, field_validator


def default_rules_dir() -> Path:
    """The packs shipped with the package (``rules/`` at the top of the repository)."""
    return Path(str(resources.files("gongkai.law")))


class Settings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=50051, ge=0, le=65535)
    rules_dir: Path = Field(default_factory=default_rules_dir)
    # Sealed packs (gongkai pack seal): with this Ed25519 public key (PEM), only rules whose
    # SEAL.sig it verifies are loaded, at start and on reload. None: sealed, unsigned is enough.
    pack_public_key: Path | None = None
    # JSON over HTTP (service/http.py) on this port of ``host``, beside gRPC, in the same
    # process(es): the same rules, log, tokens and limits. None: off; 0: any free port.
    http_port: int | None = Field(default=None, ge=0, le=65535)
    # Prometheus metrics alone on this port (with --workers N, worker i on metrics_port + i).
    # None: off. With http_port they are also at GET /metrics there.
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    max_message_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    # Actions per CheckBatch. The largest decision the shipped packs give over the scenario
    # corpus is 16.5 KB (bench/reply_size.py), so 100 of them fill 1.65 MB of the 4 MiB reply:
    # 2.5 times to spare (tests/test_edges.py checks the defaults still fit). A reply that
    # would not fit anyway is refused, whole and before anything is logged.
    max_batch: int = Field(default=64, ge=1)
    thread_pool: int = Field(default=8, ge=1)
    grace_seconds: float = Field(default=10.0, ge=0)  # in-flight calls finish on SIGTERM
    # Processes serving the port (SO_REUSEPORT), each with its own engine: the engine never
    # releases the GIL, so throughput grows with processes, not threads. One per core.
    workers: int = Field(default=1, ge=1, le=64)
    # The decision log: an SQLite file in data_dir, created on first start; PostgreSQL
    # instead when database_url is given.
    data_dir: Path = Path("var")
    database_url: str | None = None
    # The log's key (base64, 32 bytes), kept apart from the data: whoever holds it can rewrite
    # the chain. A file (mode 0600, refused if others may read it) or the text itself; neither:
    # data_dir/log.key. Created only by ``serve`` on an empty log or ``gongkai log init-key``.
    log_key_file: Path | None = None
    log_key: SecretStr | None = None
    # "full": a decision is answered only once its entry is on disk (SQLite synchronous=FULL).
    # "normal": faster; a power cut (not a crash) may lose the last entries (synchronous=NORMAL).
    log_durability: Literal["full", "normal"] = "full"
    # While the log cannot be written, health is NOT_SERVING and a write that adds no entry
    # is tried this often; the first that succeeds (or a call's) turns it SERVING again.
    log_probe_seconds: float = Field(default=5.0, gt=0)
    # Hot reload: every reload_seconds the rules directory's files are compared (names, sizes,
    # mtimes) with the last look and reloaded on a change; 0 turns the watch off. SIGHUP always
    # reloads. A pack that fails to load is refused with its reason logged; the last good
    # rules keep serving.
    reload_seconds: float = Field(default=0.0, ge=0)
    # A call without a deadline of its own gets this one (checked before each action is
    # checked); 0: none.
    default_deadline_seconds: float = Field(default=60.0, ge=0)
    # Calls in progress at once (queued for a thread or running); beyond it a call is refused
    # at once with RESOURCE_EXHAUSTED rather than queued. Health checks count too.
    max_concurrent_rpcs: int = Field(default=100, ge=1)
    # TLS: the server's certificate chain and key (PEM). With tls_client_ca_file too, every
    # client must present a certificate signed by that CA (mutual TLS).
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = Field(default=None, validate_default=True)
    tls_client_ca_file: Path | None = None
    # Bearer tokens (``authorization: Bearer <token>``): a YAML file of token SHA-256 digests
    # and the RPCs each may call (gongkai/service/auth.py). None: no authentication. Health is open.
    tokens_file: Path | None = None
    # Refused calls (no token, an unknown one, an RPC the token may not call) are logged one
    # WARNING each up to this many per interval; beyond it, counted and summed up in one line.
    refusal_log_lines: int = Field(default=10, ge=1)
    refusal_log_seconds: float = Field(default=60.0, gt=0)
    reflection: bool = True  # server reflection, for grpcurl and similar tools

    @field_validator("tls_key_file")
    @classmethod
    def _key_with_cert(cls, key: Path | None, info: ValidationInfo) -> Path | None:
        if (key is None) != (info.data.get("tls_cert_file") is None):
            raise ValueError("tls_cert_file and tls_key_file go together")
        return key

    @field_validator("log_key")
    @classmethod
    def _one_key(cls, key: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if key is not None and info.data.get("log_key_file") is not None:
            raise ValueError("log_key and log_key_file: give one, not both")
        return key

    @field_validator("tls_client_ca_file")
    @classmethod
    def _client_ca_with_cert(cls, ca: Path | None, info: ValidationInfo) -> Path | None:
        if ca is not None and info.data.get("tls_cert_file") is None:
            raise ValueError("mutual TLS needs tls_cert_file and tls_key_file too")
        return ca

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {}
        for name in cls.model_fields:
            env = os.environ.get(f"GONGKAI_{name.upper()}")
            if env is not None:
                values[name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
