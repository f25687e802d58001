"""Imported once by the worker pool's fork server: pay for spaCy, the readers and the rules before forking.

Everything a worker runs must be imported here: a module first imported in a worker is imported
again by every worker of every run (pipeline.run.workers pulls in pyarrow: ~70 ms; python-docx another
~70 ms at a run's first DOCX). pdfplumber is the exception: only a ruled table PDFium cannot
read with confidence needs it, and importing it would add ~0.2 s to every run's start.

Importing is not all of it: the first extraction in a process builds the spaCy pipeline, compiles
the rules' regular expressions, fills the lexicon caches (measured ~60 ms a worker) and loads the
national framework classifier (~0.1 s). One small letter extracted here, once, leaves all of that
in the fork server, and every worker it forks starts warm.

Last, everything the server holds is frozen out of the garbage collector (`gc.freeze`, which
Python's documentation recommends right before forking without exec). Otherwise each full
collection in a worker walks spaCy's, the rules' and pydantic's objects, writing to their headers,
so every page of them is copied into the worker again: measured in a worker, the Document
validation in `_materialise` took 0.78 ms a letter with those collections and 0.17 without, and a
worker's whole parse ~5% less (7.40 -> 7.03 ms a letter, medians of 10 runs of 100 letters).
"""

import gc

import docx  # noqa: F401 (python-docx, which the DOCX reader imports on first use: ~70 ms a worker)
import docx.styles  # noqa: F401 (its BabelFish maps UI style names)

from extractors.extract import extract_record
from extractors.national_framework import classifier
from extractors.nlp import build_nlp
from extractors.readers import read_bytes, read_document  # noqa: F401
from extractors.readers.docx import read_docx  # noqa: F401
from extractors.readers.html import read_html  # noqa: F401
from extractors.readers.pdf import read_pdf  # noqa: F401
from pipeline.run import workers  # noqa: F401 (the worker's own code, and through it pyarrow)
from pipeline.store import rows

WARM_UP_LETTER = """\
Ofsted
Piccadilly Gate
Store Street
Manchester M1 2WD

4 March 2024

Mrs A Person
Director of Children's Services
Example Borough Council

Monitoring visit to Example Borough Council children's services

This letter summarises the findings of the monitoring visit. The local authority was judged
inadequate overall. The experiences and progress of children in care were judged to be
'requires improvement to be good'.

Areas for improvement

Area for improvement 1: The quality of supervision. Timescale: within six months.
Evidence provided by the council included:
- an audit of case files
Evidence gathered by inspectors included:
- conversations with social workers

Judgement\tGrade
Leadership\tGood

Recommendations
1. Leaders should improve the timeliness of assessments.
"""


def warm_up() -> None:
    build_nlp()
    classifier()  # the national framework model (~0.1 s), whether or not the letter has an item
    doc = read_bytes(WARM_UP_LETTER.encode("utf-8"), "warm-up.txt")
    rows.flatten(extract_record(doc), doc)


warm_up()
gc.freeze()
