"""Format detection from bytes: the extension never decides."""

from __future__ import annotations

import io
import zipfile

import pytest

from extractors.errors import CorruptFile, EmptyFile, LegacyDoc, UnsupportedFormat
from extractors.readers.detect import detect_format
from schemas.document import Format


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, fmt",
    [
        (b"Dear Ms Smith,\nThe visit found good progress.\n", Format.TXT),
        ("Caf\u00e9 report".encode("cp1252"), Format.TXT),
        ("\ufeffBOM text".encode("utf-16"), Format.TXT),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", Format.PDF),
        (b"\r\n  %PDF-1.4 junk before the header is allowed", Format.PDF),
        (_zip(["[Content_Types].xml", "word/document.xml"]), Format.DOCX),
    ],
)
def test_formats(data, fmt):
    assert detect_format(data) is fmt


@pytest.mark.parametrize(
    "data, error, words",
    [
        (b"", EmptyFile, "no content"),
        (b"  \n\t\n", EmptyFile, "whitespace"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, LegacyDoc, "Word 97-2003"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, UnsupportedFormat, "PNG"),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), UnsupportedFormat, "spreadsheet"),
        (_zip(["a.txt"]), UnsupportedFormat, "ZIP archive"),
        (b"PK\x03\x04 truncated zip", CorruptFile, "damaged ZIP"),
        (bytes(range(256)) * 40, UnsupportedFormat, "binary"),
    ],
)
def test_refusals_say_what_the_file_is(data, error, words):
    with pytest.raises(error) as info:
        detect_format(data)
    assert words in str(info.value)
    assert info.value.code.startswith("E1")


def test_error_messages_carry_advice():
    msg = str(LegacyDoc("an OLE2 compound file"))
    assert msg.startswith("Old binary Word .doc: an OLE2 compound file")
    assert "convert it to .docx" in msg
