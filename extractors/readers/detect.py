"""Detect a file's real format from its bytes, never its extension."""

from __future__ import annotations

import io
import re
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
HTML_SCAN = 8192  # bytes of a file's start searched for the opening of an HTML page
# An HTML page opens (after a byte-order mark, whitespace, an XML declaration or other processing
# instructions, and comments such as a browser's "saved from url") with a doctype or an <html>,
# <head> or <body> tag; XHTML included. Nothing looser: a letter that begins with "<p>" stays text.
_HTML_START = re.compile(
    rb"\s*(?:(?:<\?[^>]*>|<!--.*?-->)\s*)*(?:<!doctype\s+html\b|<(?:html|head|body)[\s>/])",
    re.IGNORECASE | re.DOTALL,
)
# What JSON or an XML document starts with (after a byte-order mark and whitespace): checked by web_pages.
_DATA_START = re.compile(rb"\s*(?:[{\[]|<\?xml\b)")


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
    if looks_like_html(data):
        return Format.HTML, None
    if _looks_like_text(data):
        if _DATA_START.match(_utf8_head(data, 64)):
            _check_data_body(data)
        return Format.TXT, None
    raise UnsupportedFormat("binary content that is not PDF, DOCX, HTML or text")


def looks_like_html(data: bytes) -> bool:
    """True when the bytes open as an HTML page (see `_HTML_START`), in UTF-8/ASCII or UTF-16 with a byte-order mark."""
    return _HTML_START.match(_utf8_head(data, HTML_SCAN)) is not None


def _utf8_head(data: bytes, n: int) -> bytes:
    """The first bytes of `data` without a byte-order mark, as UTF-8 if the mark says UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data[: 2 * n].decode("utf-16", errors="ignore").encode("utf-8")
    return data[3 : n + 3] if data.startswith(b"\xef\xbb\xbf") else data[:n]


def _check_data_body(data: bytes) -> None:
    """JSON or an XML document is no letter: an error response (DownloadFailed) or data (UnsupportedFormat)."""
    from extractors.readers.text import decode
    from extractors.readers.web_pages import check_data_body

    check_data_body(decode(data)[0])


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
