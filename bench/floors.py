"""The bare floor of each format: the cheapest read of the same files, no extraction, no database.

- PDF: pypdfium2, `get_textpage().get_text_range()` of every page;
- DOCX: python-docx, the text of every paragraph;
- text: read and decode the file, then tokenise its lines with `spacy.blank("en")` (`nlp.pipe`).

All in this process, one file after another (single process, like the pipeline's workers=1).
Set-up that a long run pays once (imports, building the blank pipeline) is done before the clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path


def _pdf(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    n = 0
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            n += len(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return n


def _docx(path: Path) -> int:
    import docx

    return sum(len(p.text) for p in docx.Document(str(path)).paragraphs)


_NLP = None


def _blank():
    global _NLP
    if _NLP is None:
        import spacy

        _NLP = spacy.blank("en")
    return _NLP


def _txt(path: Path) -> int:
    nlp = _blank()
    text = path.read_bytes().decode("utf-8")
    return sum(len(doc) for doc in nlp.pipe(text.splitlines()))


READERS: dict[str, Callable[[Path], int]] = {"pdf": _pdf, "docx": _docx, "txt": _txt}


def warm_up(fmt: str, sample: Path) -> None:
    """Import the reader's library (and build the blank pipeline) outside the timed loop."""
    READERS[fmt](sample)


def floor_seconds(fmt: str, paths: Sequence[Path]) -> float:
    """Seconds to read every file of one format with the floor reader."""
    read = READERS[fmt]
    started = time.perf_counter()
    for path in paths:
        read(path)
    return time.perf_counter() - started
