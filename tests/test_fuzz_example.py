"""``examples/fuzz``: its pytest proof passes on the example, fails (listing the
findings) on a copy with a planted bug, and the CI recipe of ``docs/fuzz.rst``
(``sio-spec fuzz ... --format junit``) writes a report CI can show."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "fuzz"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


def test_the_example_proof_passes() -> None:
    done = run("-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_the_example_proof_fails_on_a_planted_bug(tmp_path: Path) -> None:
    copy = tmp_path / "fuzz"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    source = (copy / "app.py").read_text()
    planted = source.replace(
        "    return Cancelled(freed=bookings.pop(booking_id, 0))",
        "    return Cancelled(freed=bookings[booking_id])  # KeyError for unknown ids",
    )
    assert planted != source
    (copy / "app.py").write_text(planted)
    done = run("-m", "pytest", "-q", "-p", "no:cacheprovider", str(copy), cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "cancel: no_answer: the handler raised KeyError" in done.stdout
    assert "replay:" in done.stdout


def test_the_ci_recipe_writes_junit(tmp_path: Path) -> None:
    report = tmp_path / "fuzz-report.xml"
    done = run(
        "-m",
        "sio_spec",
        "fuzz",
        "examples/fuzz/app.py:sio",
        "--examples",
        "20",
        "--seed",
        "1",
        "--format",
        "junit",
        "-o",
        str(report),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "0" and int(suite.get("tests", "0")) >= 5
    names = {case.get("name") for case in suite.iter("testcase")}
    assert {"book (valid)", "book (invalid)", "cancel (valid)", "connect (auth)"} <= names
