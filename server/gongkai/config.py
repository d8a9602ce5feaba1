"""All configuration in one place: defaults, overridden by GONGKAI_* environment variables
and then by command-line options."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


def default_rules_dir() -> Path:
    """The packs shipped with the package (``rules/`` at the top of the repository)."""
    return Path(str(resources.files("gongkai.law")))


class Settings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=50051, ge=0, le=65535)
    rules_dir: Path = Field(default_factory=default_rules_dir)
    max_message_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    max_batch: int = Field(default=1000, ge=1)  # actions per CheckBatch
    thread_pool: int = Field(default=8, ge=1)
    grace_seconds: float = Field(default=10.0, ge=0)  # in-flight calls finish on SIGTERM
    # Processes serving the port (SO_REUSEPORT), each with its own engine: the engine never
    # releases the GIL, so throughput grows with processes, not threads. One per core.
    workers: int = Field(default=1, ge=1, le=64)
    # The decision log: an SQLite file (and its key) in data_dir, created on first start;
    # PostgreSQL instead when database_url is given (the key stays in data_dir).
    data_dir: Path = Path("var")
    database_url: str | None = None
    # "full": a decision is answered only once its entry is on disk (SQLite synchronous=FULL).
    # "normal": faster; a power cut (not a crash) may lose the last entries (synchronous=NORMAL).
    log_durability: Literal["full", "normal"] = "full"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {}
        for name in cls.model_fields:
            env = os.environ.get(f"GONGKAI_{name.upper()}")
            if env is not None:
                values[name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
