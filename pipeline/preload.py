"""Imported once by the worker pool's fork server: pay for spaCy and the readers before forking."""

from extractors.extract import extract_record  # noqa: F401
from extractors.nlp import build_nlp
from extractors.readers import read_document  # noqa: F401
from extractors.readers.docx import read_docx  # noqa: F401
from extractors.readers.pdf import read_pdf  # noqa: F401
from pipeline import rows  # noqa: F401

build_nlp()
