"""Run every benchmark in turn: ``python benchmarks/run.py [--quick]``.

``--quick`` uses small counts (a smoke run); without it the counts reported in
the README are used.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

FULL = [
    ["compare.py", "--rounds", "21", "--n", "2000"],
    ["bench_packet.py", "--rounds", "21", "--n", "3000"],
    ["bench_loopback.py", "--rounds", "9", "--calls", "3000"],
    ["bench_document.py"],
    ["bench_diff.py"],
    ["bench_client.py", "--rounds", "15", "--n", "3000"],
    ["bench_typescript.py"],
    ["bench_memory.py", "--events", "1000000"],
    ["bench_testclient.py", "--rounds", "7", "--calls", "1000"],
    ["bench_docs_page.py"],
    ["bench_errors.py", "--rounds", "7"],
    ["bench_telemetry.py", "--rounds", "15", "--n", "2000"],
    ["bench_telemetry.py", "--loopback", "--rounds", "9", "--n", "3000"],
    ["bench_read.py"],
    ["bench_fuzz.py"],
    ["bench_mock.py"],
]
QUICK = [
    ["compare.py", "--rounds", "3", "--n", "200"],
    ["bench_packet.py", "--rounds", "3", "--n", "300"],
    ["bench_loopback.py", "--rounds", "2", "--calls", "200"],
    ["bench_document.py"],
    ["bench_diff.py", "--events", "200", "--rounds", "2"],
    ["bench_client.py", "--rounds", "3", "--n", "300"],
    ["bench_typescript.py", "--events", "100", "--rounds", "2"],
    ["bench_memory.py", "--events", "20000"],
    ["bench_testclient.py", "--rounds", "2", "--calls", "200"],
    ["bench_docs_page.py", "--events", "200", "--rounds", "2"],
    ["bench_errors.py", "--rounds", "1"],
    ["bench_telemetry.py", "--rounds", "2", "--n", "200"],
    ["bench_telemetry.py", "--loopback", "--rounds", "1", "--n", "200"],
    ["bench_read.py", "--models", "50", "--rounds", "1"],
    ["bench_fuzz.py", "--rounds", "1", "--examples", "5"],
    ["bench_mock.py", "--events", "100", "--starts", "1", "--rounds", "1", "--n", "50"],
]


def main() -> int:
    plan = QUICK if "--quick" in sys.argv else FULL
    for script, *args in plan:
        print(f"== {script} {' '.join(args)}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / script), *args])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
