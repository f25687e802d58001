"""Golden tests: every corpus document's record against tests/golden/, in every format.

Regenerate with `UPDATE_GOLDEN=1 pytest tests/test_golden.py` after a deliberate change, and
review the diff: the golden files started as the hand-checked answer key of the seed documents.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extractors.extract import extract_record
from extractors.readers import read_document
from tests import golden_util as g

CORPUS = Path(__file__).parent.parent / "corpus"
TEXTS = sorted(CORPUS.glob("*.txt"))
RENDITIONS = sorted((CORPUS / "renditions").glob("*.pdf")) + sorted((CORPUS / "renditions").glob("*.docx"))


def _record(path: Path) -> dict:
    return extract_record(read_document(path)).model_dump(mode="json")


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_text_document_matches_golden(path):
    rec = _record(path)
    if g.UPDATE:
        g.save(path.stem, rec)
    assert g.contract(rec) == g.load(path.stem)


@pytest.mark.parametrize("path", RENDITIONS, ids=lambda p: p.name)
def test_rendition_gives_the_same_findings_as_the_text(path):
    rec = _record(path)
    golden = g.load(path.stem)
    assert g.findings(rec) == g.findings(golden)


def test_every_rendition_has_a_text_original():
    assert TEXTS, "corpus/ holds no text documents"
    assert {p.stem for p in RENDITIONS} == {p.stem for p in TEXTS}


def test_update_flag_is_off_in_ci():
    assert not (os.environ.get("CI") and g.UPDATE), "UPDATE_GOLDEN=1 must never be set in CI"
