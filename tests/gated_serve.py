"""``gongkai serve`` (serve_process) with a checker that holds a check until told to go on:
the in-flight call of tests/test_serve.py. A check whose request_id starts with "hold-"
prints "holding <id>" on stdout and waits for a line on stdin.

Run: python tests/gated_serve.py PORT (settings otherwise from GONGKAI_* variables)
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.decision import Decision
from gongkai.check.runtime import open_rules
from gongkai.config import Settings
from gongkai.service.server import serve_process


class Gate:
    def __init__(self, checker: Checker) -> None:
        self.lawbook = checker.lawbook
        self._checker = checker

    def check(self, request: CheckRequest) -> Decision:
        if (request.request_id or "").startswith("hold-"):
            print(f"holding {request.request_id}", flush=True)
            sys.stdin.readline()
        return self._checker.check(request)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(process)d] %(name)s: %(message)s")
    settings = Settings.from_env(host="127.0.0.1", port=int(sys.argv[1]))
    gate: Any = Gate(open_rules(settings.rules_dir, settings.pack_public_key))
    return serve_process(settings, gate)


if __name__ == "__main__":
    raise SystemExit(main())
