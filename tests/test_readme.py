"""Every command the README shows runs, as a user would type it, from a fresh working folder.

The commands are read from the README's ```sh blocks, so a command edited there is a command tested
here. Those on the real archive (../shared/real) run where it is present and are skipped, saying
so, where it is not; `make demo` and `make test` themselves are what CI runs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.real import REAL

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXE = Path(sys.executable).with_name("inspections")


def readme_commands() -> list[str]:
    """The `.venv/bin/inspections ...` lines of the README's sh blocks, in order."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    return [line.strip() for b in blocks for line in b.splitlines() if line.strip().startswith(".venv/bin/inspections")]


def test_the_readme_is_short_and_shows_commands():
    assert len(README.read_bytes()) <= 15_000
    commands = readme_commands()
    assert len(commands) >= 8
    assert {shlex.split(c)[1] for c in commands} >= {"query", "extract", "review", "report", "ingest", "eval"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, real_db_if_present) -> Path:
    """A user's working folder: the project's corpus and gold beside outputs/, the real archive at ../shared/real
    (where present), and the demo database `make demo` makes."""
    base = tmp_path_factory.mktemp("readme")
    work = base / "work"
    work.mkdir()
    (work / "corpus").symlink_to(ROOT / "corpus")
    (work / "tests").symlink_to(ROOT / "tests")
    if REAL.is_dir():
        (base / "shared").symlink_to(REAL.parent)
    (work / "outputs").mkdir()
    if real_db_if_present is not None:
        shutil.copy(real_db_if_present, work / "outputs" / "real.duckdb")  # the long first ingest, done once
    demo = subprocess.run(
        [str(EXE), "ingest", "corpus", "--db", "outputs/inspections.duckdb", "--no-prefect", "--no-progress"],
        cwd=work, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr[-2000:]
    return work


@pytest.fixture(scope="module")
def real_db_if_present(request):
    return request.getfixturevalue("real_db") if REAL.is_dir() else None


@pytest.mark.parametrize("command", readme_commands())
def test_every_readme_command_runs(workspace, command):
    args = shlex.split(command)
    if any("shared/real" in a for a in args) and not REAL.is_dir():
        pytest.skip("needs ../shared/real (the real Ofsted archive), which a fresh clone does not have")
    result = subprocess.run(
        [str(EXE), *args[1:]], cwd=workspace, capture_output=True, text=True, timeout=900,
        env={**os.environ, "COLUMNS": "120"},
    )  # fmt: skip
    assert result.returncode == 0, (command, result.stderr[-3000:])
    assert "Traceback" not in result.stderr, (command, result.stderr[-3000:])
