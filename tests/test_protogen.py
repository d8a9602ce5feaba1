"""The generated gRPC code in server/gongkai/v1/ is what the .proto generates today."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.service import protogen


def test_regenerating_the_grpc_code_gives_the_committed_files(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools", reason="grpcio-tools is not installed")
    written = protogen.generate(out_dir=tmp_path)
    committed = protogen.OUT_DIR / "gongkai" / "v1"
    assert [p.name for p in written] == list(protogen.GENERATED)
    for path in written:
        assert path.read_bytes() == (committed / path.name).read_bytes(), (
            f"{path.name} is stale: run `python -m gongkai.service.protogen`"
        )
