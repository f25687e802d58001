"""Shared fixtures: two small Ofsted-style letters in a temp folder, the real corpus, a Prefect home."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent.parent / "corpus"

LETTER_A = """Ofsted
Piccadilly Gate
Manchester M1 2WD

12 March 2010

Mr J Smith
Director of Children's Services
Northtown Borough Council

Dear Mr Smith

Post inspection monitoring Ofsted inspection of Northtown safeguarding services 2010

This letter contains the findings of the recent monitoring visit carried out by Ofsted.

The inspection identified the following areas for improvement:

Immediately:

- Ensure that all child protection referrals are assessed by a qualified social worker within one working day.
- Ensure that case records are up to date and show the child's views.

Within three months:

- Ensure that supervision of frontline staff is regular and recorded.

Yours sincerely

Jane Doe HMI
"""

LETTER_B = """Ofsted
Aviation House
London WC2B 6SE

3 June 2011

Ms A Brown
Chief Executive
Southville Council

Dear Ms Brown

Inspection of Southville adoption services

Overall effectiveness: good

Recommendations

1. The council should ensure that adopters receive written feedback after each panel.
2. The council should review the timeliness of matching for older children.

Yours sincerely

John Roe HMI
"""

_PREFECT_HOME: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Give Prefect a throw-away home before anything imports it (pipeline.run.prefect_env reads this)."""
    global _PREFECT_HOME
    _PREFECT_HOME = tempfile.mkdtemp(prefix="inspections-prefect-")
    os.environ["INSPECTIONS_PREFECT_HOME"] = _PREFECT_HOME
    os.environ.pop("PREFECT_HOME", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _PREFECT_HOME:
        shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


@pytest.fixture
def letters(tmp_path: Path) -> Path:
    """A folder with two small letters (a monitoring letter with areas, a report with recommendations)."""
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "letter_a.txt").write_text(LETTER_A, encoding="utf-8")
    (folder / "letter_b.txt").write_text(LETTER_B, encoding="utf-8")
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "out" / "test.duckdb"


@pytest.fixture
def corpus_texts() -> list[Path]:
    """The real corpus's plain-text documents (skips the test when there are none)."""
    texts = sorted(CORPUS.glob("*.txt"))
    if not texts:
        pytest.skip("no corpus/*.txt")
    return texts


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    """A database of the whole real archive (../shared/real), ingested once per test session without
    Prefect (~35-60 s on 2 cores); tests that use it skip where the archive is absent."""
    from tests.real import REAL, needs_real

    if not REAL.is_dir():
        pytest.skip(needs_real.kwargs["reason"])
    from pipeline.run.ingest import run_ingest

    db = tmp_path_factory.mktemp("real-archive") / "real.duckdb"
    run_ingest([REAL], db)
    return db


@pytest.fixture
def unlistable(monkeypatch):
    """`unlistable(folder)` makes the folder fail to list as it does for a user without read
    permission (tests run as root, whom chmod does not stop; os.walk lists with os.scandir).
    Returns a function that lifts it again."""
    real = os.scandir

    def make(folder: Path):
        def scandir(path="."):
            if os.path.abspath(path) == str(folder):
                raise PermissionError(13, "Permission denied", str(folder))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
        return lambda: monkeypatch.setattr(os, "scandir", real)

    return make
