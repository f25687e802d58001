"""Read any supported file into one `Document`: detect the format, read, normalise."""

from __future__ import annotations

import hashlib
from pathlib import Path

from extractors.errors import TooLarge
from extractors.normalise import normalise
from extractors.paths import path_text
from extractors.readers.base import RawDocument
from extractors.readers.detect import sniff
from schemas.document import Document, Format

DEFAULT_MAX_BYTES = 200 * 1024 * 1024


def read_raw(data: bytes) -> RawDocument:
    """Dispatch bytes to the reader for their real format."""
    fmt, zf = sniff(data)
    if fmt is Format.PDF:
        from extractors.readers.pdf import read_pdf

        return read_pdf(data)
    if fmt is Format.DOCX:
        from extractors.readers.docx import read_docx

        return read_docx(data, zf)
    if fmt is Format.HTML:
        from extractors.readers.html import read_html

        return read_html(data)
    from extractors.readers.text import read_text

    return read_text(data)


def read_bytes(data: bytes, source_path: str) -> Document:
    """Parse bytes that came from `source_path` into a normalised Document."""
    raw = read_raw(data)
    return normalise(
        raw,
        source_path=source_path,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
    )


def read_document(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read the file at `path` into a Document, raising only ReadError subclasses for bad input."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise TooLarge(f"{size:,} bytes, limit {max_bytes:,}")
    return read_bytes(path.read_bytes(), path_text(str(path)))
