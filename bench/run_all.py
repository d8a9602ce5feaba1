"""Every benchmark, one after the other, as BENCHMARKS.md reports them; output also to a file.

Run: python bench/run_all.py [--out bench-results.txt] [--quick] [--recheck]
--quick shortens every step (for a smoke run; the figures are then rough). --recheck adds
section 8's re-check of 1,000,000 logged decisions (15-45 minutes more on 2 cores).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

STEPS = [
    ("hot path and profile", ["hot_path.py", "--profile"], ["hot_path.py", "--rounds", "3"]),
    ("the time layer", ["periods_cost.py"], ["periods_cost.py", "--rounds", "1"]),
    ("proto conversion", ["convert_cost.py"], ["convert_cost.py", "--rounds", "1", "--passes", "1"]),
    ("engine cost", ["engine_cost.py"], ["engine_cost.py", "--rounds", "2", "--pass-ms", "10"]),
    ("unary service, 1 worker", ["service.py"], ["service.py", "--seconds", "1"]),
    ("unary service, 2 workers", ["service.py", "--workers", "2"], ["service.py", "--workers", "2", "--seconds", "1"]),
    ("server CPU per unary call", ["server_cpu.py"], ["server_cpu.py", "--seconds", "1"]),
    ("grpc.aio vs the thread pool", ["aio.py"], ["aio.py", "--seconds", "1", "--rounds", "1", "--skip-check"]),
    ("HTTP front beside echo apps", ["http_front.py"], ["http_front.py", "--quick"]),
    ("decision log entry CPU", ["log_entry.py"], ["log_entry.py", "--rounds", "2"]),
    ("group commit under unary load", ["log_groups.py"], ["log_groups.py", "--seconds", "1"]),
    ("CheckBatch and workers", ["batch.py"], ["batch.py", "--seconds", "2"]),
    (
        "CheckBatch and workers, decision log without fsync",
        ["batch.py", "--log-durability", "normal"],
        ["batch.py", "--log-durability", "normal", "--seconds", "2"],
    ),
    ("memory and cold start", ["memory_startup.py"], ["memory_startup.py", "--checks", "20000", "--starts", "2"]),
    ("memory per reload", ["reload.py"], ["reload.py", "--reloads", "5"]),
    ("reading a 公文", ["read.py"], ["read.py"]),
]
# BENCHMARKS.md section 8: one round over 1,000,000 logged decisions takes 15-45 minutes here
RECHECK = ("re-checking the decision log", ["recheck.py"], ["recheck.py", "--decisions", "20000"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results.txt"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--recheck", action="store_true", help="also section 8's re-check of 1,000,000 decisions")
    args = parser.parse_args()
    failed = []
    with args.out.open("w", encoding="utf-8") as out:
        for title, full, quick in [*STEPS, *([RECHECK] if args.recheck else [])]:
            command = [
                sys.executable,
                str(HERE / (quick if args.quick else full)[0]),
                *(quick if args.quick else full)[1:],
            ]
            header = f"\n## {title}: {' '.join(command[1:])}  ({time.strftime('%Y-%m-%d %H:%M:%S')})\n"
            print(header, flush=True)
            out.write(header)
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            assert process.stdout is not None
            for line in process.stdout:
                print(line, end="", flush=True)
                out.write(line)
            if process.wait() != 0:
                failed.append(title)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
