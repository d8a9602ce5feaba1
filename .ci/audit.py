"""CI: known vulnerabilities in the packages installed for gongkai, by pip-audit.

Run with a Python that has pip-audit: python audit.py REQUIREMENTS (pinned, as pip freeze).
Exit 1 when a vulnerability is found. When the vulnerability service cannot be asked (no
network, or it cannot look the packages up), print a warning and exit 0: an unreachable
service must not fail CI, a found vulnerability must.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    requirements = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "audit.json"
        command = [
            sys.executable, "-m", "pip_audit", "--requirement", requirements, "--no-deps", "--disable-pip",
            "--progress-spinner", "off", "--timeout", "30", "--format", "json", "--output", str(report_path),
        ]  # fmt: skip
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return warn("pip-audit did not finish in 15 minutes")
        try:
            report = json.loads(report_path.read_text())
        except (OSError, ValueError):
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            return warn(f"pip-audit could not ask the vulnerability service (exit {run.returncode}): {last}")
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
            print(f"pip-audit: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {audited} of {len(dependencies)} packages audited, {len(vulnerable)} vulnerable")
    if vulnerable:
        return 1
    if skipped:
        warn(f"{len(skipped)} packages could not be audited, e.g. {skipped[0]['skip_reason']}")
    return 0


def warn(message: str) -> int:
    print(f"warning: {message}; known vulnerabilities were not (all) checked", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
