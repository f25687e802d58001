"""Render the B-set genre document chosen for reader testing as PDF and DOCX.

g12_scrutiny_action_plan_table.txt (a scrutiny paper whose action-plan table is split by a page
break with its header row repeated, with "•"-separated points and <ul><li> tags inside cells) is
rendered with the same `render_pdf` / `render_docx` functions as the seed renditions, into
corpus/genres/renditions/<stem>.pdf and .docx. Output is deterministic (those functions fix the
PDF invariant mode, DOCX core properties and ZIP timestamps), so reruns do not churn git.

Run: .venv/bin/python scripts/make_genre_renditions_b.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_renditions import render_docx, render_pdf, running_header  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GENRES = ROOT / "corpus" / "genres"
STEMS = ["g12_scrutiny_action_plan_table"]


def main() -> int:
    outdir = GENRES / "renditions"
    outdir.mkdir(parents=True, exist_ok=True)
    for stem in STEMS:
        text = (GENRES / f"{stem}.txt").read_text(encoding="utf-8")
        title = running_header(text)
        (outdir / f"{stem}.pdf").write_bytes(render_pdf(text, title))
        (outdir / f"{stem}.docx").write_bytes(render_docx(text, title))
        print(f"{stem}.txt: {stem}.pdf, {stem}.docx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
