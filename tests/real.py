"""The real Ofsted archive beside the project (../shared/real), for tests that read real documents.

A user's fresh clone has no such folder: every test that needs it is marked `needs_real` and skips,
saying why, so the README's test command passes there.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real"
GOLD = Path(__file__).resolve().parent / "gold" / "real"

needs_real = pytest.mark.skipif(
    not REAL.is_dir(), reason="needs ../shared/real (the real Ofsted archive), which a fresh clone does not have"
)


@lru_cache(maxsize=64)
def real_doc(rel: str):
    """A real document read into a `Document` (cached: several tests read the same reports)."""
    from extractors.readers import read_document

    return read_document(REAL / rel)


@lru_cache(maxsize=64)
def real_record(rel: str):
    """The extraction record of a real document (cached)."""
    from extractors.extract import extract_record

    return extract_record(real_doc(rel))
