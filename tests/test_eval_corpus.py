"""Accuracy on annotated documents, measured through `inspections eval` as a user would.

The seeds are the founding answer key; corpus/genres holds constructed documents in real genres
(see corpus/genres/SOURCES*.md) with independent hand-made gold; their PDF/DOCX renditions must
score like the text. Thresholds sit just under the measured figures so a regression fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).parent.parent
runner = CliRunner()


def _eval(tmp_path: Path, gold: Path, *paths: Path) -> dict:
    out = tmp_path / "result.json"
    res = runner.invoke(app, ["eval", *map(str, paths), "--gold", str(gold), "--json", str(out)])
    assert res.exit_code == 0, res.output
    print(res.output.split("\n\n")[0])  # the aggregate, for the log
    return json.loads(out.read_text())


def _f1s(result: dict) -> dict[str, float]:
    return {k: result[k]["f1"] for k in ("areas_for_improvement", "evidence", "recommendations", "judgements")}


def test_seed_documents(tmp_path):
    result = _eval(tmp_path, ROOT / "tests" / "golden", *sorted((ROOT / "corpus").glob("*.txt")))
    assert result["score"] >= 0.99
    assert min(_f1s(result).values()) >= 0.97
    assert result["metadata"] >= 0.97


def test_genre_documents(tmp_path):
    texts = sorted((ROOT / "corpus" / "genres").glob("*.txt"))
    assert len(texts) >= 10
    result = _eval(tmp_path, ROOT / "tests" / "gold" / "genres", *texts)
    assert result["score"] >= 0.95
    assert min(_f1s(result).values()) >= 0.9
    assert result["metadata"] >= 0.9
    assert result["afi.timescale"] >= 0.85 and result["evidence.source"] >= 0.95


def test_heldout_documents(tmp_path):
    """Written by an annotator who saw neither the rules nor the genre set; first scored at 0.68,
    then used to generalise the rules (so no longer an unbiased estimate: see docs/accuracy.md)."""
    texts = sorted((ROOT / "corpus" / "heldout").glob("*.txt"))
    assert len(texts) >= 8
    result = _eval(tmp_path, ROOT / "tests" / "gold" / "heldout", *texts)
    assert result["score"] >= 0.9
    assert min(_f1s(result).values()) >= 0.8


def test_second_heldout_documents_new_genres(tmp_path):
    """Six documents in genres the rules were never written for (children's home, JTAI, SEND
    revisit, minutes, FE college), by an annotator who saw no rules; measured once, not tuned on.
    The threshold guards against regressions; the figure itself is reported in docs/accuracy.md."""
    texts = sorted((ROOT / "corpus" / "heldout2").glob("*.txt"))
    assert len(texts) >= 6
    result = _eval(tmp_path, ROOT / "tests" / "gold" / "heldout2", *texts)
    assert result["score"] >= 0.42


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_genre_renditions_score_like_their_text(tmp_path, suffix):
    files = sorted((ROOT / "corpus" / "genres" / "renditions").glob(f"*{suffix}"))
    assert files
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    for f in files:
        (gold_dir / f"{f.stem}.json").write_text((ROOT / "tests" / "gold" / "genres" / f"{f.stem}.json").read_text())
    rendition = _eval(tmp_path, gold_dir, *files)
    text = _eval(tmp_path, gold_dir, *[ROOT / "corpus" / "genres" / f"{f.stem}.txt" for f in files])
    assert rendition["score"] >= text["score"] - 0.05, (rendition["score"], text["score"])


def test_eval_reports_misses_in_words(tmp_path):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    gold = json.loads((ROOT / "tests" / "golden" / "003_b29c2434e00e918d.json").read_text())
    gold["recommendations"].append({"id": "11", "text": "Cafcass should publish an annual account of its complaints."})
    (gold_dir / "003_b29c2434e00e918d.json").write_text(json.dumps(gold))
    res = runner.invoke(app, ["eval", str(ROOT / "corpus" / "003_b29c2434e00e918d.txt"), "--gold", str(gold_dir)])
    assert res.exit_code == 0
    assert "recommendation: expected, not found: 'Cafcass should publish an annual account" in res.output
    assert re.search(r"recommendations\s+P=1\.000 R=0\.909", res.output)


def test_eval_without_gold_is_a_clear_error(tmp_path):
    res = runner.invoke(app, ["eval", str(ROOT / "corpus"), "--gold", str(tmp_path)])
    assert res.exit_code == 2
    assert "no gold JSON records" in res.output
