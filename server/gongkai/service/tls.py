"""TLS and mutual TLS for the server port, from PEM files named in the settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc

from gongkai.config import Settings


class TlsError(ValueError):
    """A certificate or key that cannot be used; the message is one line and names the file."""


@dataclass(frozen=True)
class TlsFiles:
    cert_chain: bytes
    key: bytes
    client_ca: bytes | None  # given: every client must present a certificate it signed


def read_tls(settings: Settings) -> TlsFiles | None:
    """The PEM files, read and roughly checked (no gRPC object: the supervisor calls this
    before forking its workers); None when TLS is not configured."""
    if settings.tls_cert_file is None or settings.tls_key_file is None:
        return None
    ca = settings.tls_client_ca_file
    return TlsFiles(
        cert_chain=_pem(settings.tls_cert_file, b"CERTIFICATE"),
        key=_pem(settings.tls_key_file, b"PRIVATE KEY"),
        client_ca=_pem(ca, b"CERTIFICATE") if ca is not None else None,
    )


def _pem(path: Path, kind: bytes) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TlsError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from exc
    if b"-----BEGIN " not in data or kind not in data:
        raise TlsError(f"{str(path)!r} holds no PEM {kind.decode().lower()}")
    return data


def server_credentials(files: TlsFiles) -> grpc.ServerCredentials:
    return grpc.ssl_server_credentials(
        [(files.key, files.cert_chain)],
        root_certificates=files.client_ca,
        require_client_auth=files.client_ca is not None,
    )
