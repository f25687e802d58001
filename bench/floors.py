"""The bare floor of each format: the cheapest read of the same files, no extraction, no database.

- PDF: pypdfium2, `get_textpage().get_text_range()` of every page;
- DOCX: python-docx, the text of every paragraph;
- text: read and decode the file, then tokenise its lines with `spacy.blank("en")` (`nlp.pipe`).

All in this process, one file after another (single process, like the pipeline's workers=1).
Set-up that a long run pays once (imports, building the blank pipeline) is done before the clock.

One pass, as a run sees each file once: every timed pass of the text floor tokenises with a blank
pipeline built afresh (outside the clock). spaCy's tokenizer caches every whitespace-separated chunk
it has split; a pipeline reused across passes over the same files finds every chunk cached and was
measured ~4x faster on the second pass than on the first (2.1-3.7 vs 9.4-12.3 ms a document here),
a state no real run is in. The pipeline's parser is a fresh process each run, as cold. The warm
figure is still reported (`floor_seconds(..., fresh=False)`, "warm-cache floor" in the tables).
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


def fresh_pipeline() -> None:
    """A new blank pipeline for the text floor, its tokenizer cache empty (built outside any clock)."""
    global _NLP
    _NLP = None
    _blank()("warm up")


def floor_seconds(fmt: str, paths: Sequence[Path], fresh: bool = True) -> float:
    """Seconds to read every file of one format with the floor reader, in one pass.

    `fresh` (text only): tokenise with a new blank pipeline, as a run sees each file once; without
    it, the pipeline (and its tokenizer cache) of earlier passes is reused.
    """
    if fresh and fmt == "txt":
        fresh_pipeline()
    read = READERS[fmt]
    started = time.perf_counter()
    for path in paths:
        read(path)
    return time.perf_counter() - started
