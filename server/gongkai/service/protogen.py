"""Regenerate the Python code of the gRPC contract (proto/ → server/gongkai/v1/).

Run ``python -m gongkai.service.protogen`` from a source checkout after editing the .proto; a
test regenerates into a temporary directory and requires identical files.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the repository: server/gongkai/service/protogen.py
PROTO_DIR = ROOT / "proto"
PROTO = "gongkai/v1/gongkai.proto"
OUT_DIR = ROOT / "server"
GENERATED = ("gongkai_pb2.py", "gongkai_pb2.pyi", "gongkai_pb2_grpc.py")  # under gongkai/v1/


def generate(out_dir: Path = OUT_DIR, proto_dir: Path = PROTO_DIR) -> list[Path]:
    """Run protoc; return the files written (``<out_dir>/gongkai/v1/...``)."""
    from grpc_tools import protoc  # a development dependency, not needed to serve

    # protoc run from Python does not see grpc_tools' bundled google/protobuf/*.proto by itself
    bundled = resources.files("grpc_tools") / "_proto"
    args = [
        "protoc",
        f"-I{proto_dir}",
        f"-I{bundled}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        str(proto_dir / PROTO),
    ]
    if protoc.main(args) != 0:
        raise RuntimeError(f"protoc failed on {proto_dir / PROTO}")
    return [out_dir / "gongkai" / "v1" / name for name in GENERATED]


def main() -> int:
    for path in generate():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
