"""Every rule file of the shipped packs, emptied and then cut in the middle (at a line start):
does the rule set still load, unsealed and sealed? Not a timing: the figure issue 12 asked
for (an emptied or cut file used to load as "no rules"). tests/test_seal.py tests each kind.

    python bench/gutted_packs.py [RULES_DIR]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from gongkai.config import default_rules_dir
from gongkai.packs.seal import read_law
from gongkai.packs.snapshot import PackError


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else default_rules_dir()
    files = sorted(p.relative_to(source) for p in source.glob("*/rules/*.yaml"))
    loads = {(kind, sealed): 0 for kind in ("emptied", "cut") for sealed in (False, True)}
    with tempfile.TemporaryDirectory() as tmp:
        for rel in files:
            for kind in ("emptied", "cut"):
                root = Path(tmp) / "rules"
                shutil.rmtree(root, ignore_errors=True)
                shutil.copytree(source, root)
                text = (root / rel).read_text(encoding="utf-8")
                kept = text[: text.index("\n", len(text) // 2) + 1] if kind == "cut" else ""
                (root / rel).write_text(kept, encoding="utf-8")
                for sealed in (False, True):
                    try:
                        read_law(root, sealed=sealed)
                    except PackError:
                        continue
                    loads[(kind, sealed)] += 1
    print(f"{len(files)} rule files under {source}")
    for (kind, sealed), count in loads.items():
        print(f"  {kind:7} {'sealed' if sealed else 'unsealed':8}: {count} of {len(files)} still load")


if __name__ == "__main__":
    main()
