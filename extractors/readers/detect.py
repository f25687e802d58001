"""Detect a file's real format from its bytes, never its extension."""

from __future__ import annotations

import io
import zipfile

from extractors.errors import CorruptFile, EmptyFile, LegacyDoc, UnsupportedFormat
from schemas.document import Format

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Control bytes that mark binary content: below 32, except tab, newline, form feed and carriage return.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_BINARY_MAGICS = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\x1f\x8b": "gzip archive",
    b"Rar!": "RAR archive",
    b"7z\xbc\xaf": "7-Zip archive",
    b"{\\rtf": "RTF document",
}


def detect_format(data: bytes) -> Format:
    """Return the format of `data` or raise a ReadError naming what it is instead."""
    fmt, zf = sniff(data)
    if zf is not None:
        zf.close()
    return fmt


def sniff(data: bytes) -> tuple[Format, zipfile.ZipFile | None]:
    """`detect_format`, also handing over a DOCX's open ZIP (the caller closes it): readers need not open it again."""
    if not data.strip():
        raise EmptyFile("the file has no content" if not data else "the file holds only whitespace")
    head = data[:1024]
    if b"%PDF-" in head:
        return Format.PDF, None
    if data.startswith(_OLE_MAGIC):
        raise LegacyDoc("an OLE2 compound file (Word 97-2003 or similar)")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_format(data)
    for magic, what in _BINARY_MAGICS.items():
        if data.startswith(magic):
            raise UnsupportedFormat(f"this is a {what}")
    if _looks_like_text(data):
        return Format.TXT, None
    raise UnsupportedFormat("binary content that is not PDF, DOCX or text")


def _zip_format(data: bytes) -> tuple[Format, zipfile.ZipFile]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CorruptFile(f"a damaged ZIP container ({exc})") from exc
    names = set(zf.namelist())
    if "word/document.xml" in names:
        return Format.DOCX, zf
    zf.close()
    if "[Content_Types].xml" in names:
        raise UnsupportedFormat("an Office file that is not a Word document (spreadsheet or slides?)")
    raise UnsupportedFormat("a ZIP archive, not a document")


def _looks_like_text(data: bytes) -> bool:
    """True when the bytes read as text: no NULs and few control characters."""
    sample = data[:65536]
    if b"\x00" in sample:
        # UTF-16 text carries NULs; accept it only with a byte-order mark.
        return sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls <= max(2, len(sample) // 200)
