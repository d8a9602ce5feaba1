"""A rules directory read into memory once: what the seal verifies is what loads.

Reading each file once and loading from those bytes leaves no moment at which a file could
be swapped between the check of its digest and its parsing (an editor saving, a deploy
copying files in).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class PackError(ValueError):
    """A pack that cannot be loaded; the message names the file and the problem."""


def ignored(name: str) -> bool:
    """Not part of the law: editors' and the OS's dot files, Python's byte-code caches."""
    return name.startswith(".") or name == "__pycache__"


# gongkai.law's package marker (rules/ is shipped as a Python package): packaging, not law.
PACKAGE_MARKER = "__init__.py"


@dataclass(frozen=True)
class Snapshot:
    """The files under ``root``: relative POSIX path → content."""

    root: Path
    files: dict[str, bytes]

    @classmethod
    def read(cls, root: Path) -> Snapshot:
        if not root.is_dir():
            raise PackError(f"{root}: 不是目录 (not a directory)")
        files: dict[str, bytes] = {}
        for top, dirs, names in os.walk(root, followlinks=True):
            dirs[:] = sorted(d for d in dirs if not ignored(d))
            for name in sorted(names):
                path = Path(top, name)
                rel = path.relative_to(root).as_posix()
                if ignored(name) or rel == PACKAGE_MARKER:
                    continue
                try:
                    files[rel] = path.read_bytes()
                except OSError as exc:
                    raise PackError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        return cls(root, files)

    def path(self, rel: str) -> Path:
        return self.root / rel

    def has(self, rel: str) -> bool:
        return rel in self.files

    def bytes(self, rel: str) -> bytes:
        try:
            return self.files[rel]
        except KeyError:
            raise PackError(f"{self.path(rel)}: missing") from None

    def text(self, rel: str) -> str:
        try:
            return self.bytes(rel).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PackError(f"{self.path(rel)}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc

    def under(self, directory: str) -> Snapshot:
        """The files below ``directory`` (relative), as a snapshot rooted there."""
        prefix = f"{directory.strip('/')}/"
        return Snapshot(
            self.root / directory,
            {rel.removeprefix(prefix): data for rel, data in self.files.items() if rel.startswith(prefix)},
        )

    def listing(self, directory: str, suffix: str) -> list[str]:
        """Files directly in ``directory`` ("" for the root) whose names end with ``suffix``, sorted."""
        prefix = f"{directory.strip('/')}/" if directory else ""
        return sorted(
            rel
            for rel in self.files
            if rel.startswith(prefix) and "/" not in rel[len(prefix) :] and rel.endswith(suffix)
        )
