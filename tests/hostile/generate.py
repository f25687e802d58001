"""Generate a corpus of hostile and broken files, one per class the pipeline must survive.

Run `python -m tests.hostile.generate OUT_DIR` to write it; tests call `generate(out_dir)`.
Each entry says what the file is and which error code (or, for readable files, None) it must
produce. Nothing here is downloaded; every file is made from bytes or from the corpus.
"""

from __future__ import annotations

import io
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
GOOD_TXT = CORPUS / "000_c9dc9a16fd74069d.txt"
GOOD_PDF = CORPUS / "renditions" / "003_b29c2434e00e918d.pdf"
GOOD_DOCX = CORPUS / "renditions" / "004_f0749543a7284e51.docx"
HTML_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"


@dataclass(frozen=True)
class Case:
    name: str  # file name written
    what: str  # the class of hostile input
    code: str | None  # expected error code, None when the file must load as a document


def _pdf(draw) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, encrypt="secret")
    c.drawString(72, 720, "Area for improvement 1: a locked letter.")
    c.showPage()
    c.save()
    return buf.getvalue()


def _image_only_pdf() -> bytes:
    return _pdf(lambda c: (c.setFillGray(0.5), c.rect(72, 400, 300, 200, fill=1)))


def _docx_with(member: str, data: bytes, *, deflate: bool = True) -> bytes:
    src = zipfile.ZipFile(GOOD_DOCX)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, data if item.filename == member else src.read(item.filename))
    return out.getvalue()


def _docx_bomb() -> bytes:
    xml = zipfile.ZipFile(GOOD_DOCX).read("word/document.xml")
    filler = b"<!-- " + b"A" * (60 * 1024 * 1024) + b" -->"
    return _docx_with("word/document.xml", xml.replace(b"<w:body>", b"<w:body>" + filler, 1))


def _docx_entities() -> bytes:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
        )
        + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        b"<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return _docx_with("word/document.xml", lol)


def cases() -> list[tuple[Case, bytes]]:
    """Every hostile case with its bytes."""
    txt = GOOD_TXT.read_bytes()
    pdf = GOOD_PDF.read_bytes()
    docx = GOOD_DOCX.read_bytes()
    return [
        (Case("empty.txt", "empty file", "E101"), b""),
        (Case("blank.pdf", "whitespace only", "E101"), b" \n\t\n"),
        (Case("truncated.pdf", "truncated PDF", "E103"), pdf[: len(pdf) // 3]),
        (Case("truncated.docx", "truncated DOCX", "E103"), docx[: len(docx) // 2]),
        (Case("corrupt.pdf", "corrupt PDF", "E103"), b"%PDF-1.7\n" + bytes(range(256)) * 20),
        (Case("letter_really_pdf.docx", "extension lies: a PDF named .docx", None), pdf),
        (Case("letter_really_text.pdf", "extension lies: text named .pdf", None), txt),
        (Case("locked.pdf", "encrypted PDF", "E104"), _encrypted_pdf()),
        (Case("scanned.pdf", "image-only PDF, no text layer", "E105"), _image_only_pdf()),
        (Case("old_word.doc", "old binary .doc", "E106"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096),
        (Case("latin1_letter.txt", "non-UTF-8 text (cp1252)", None), txt.decode("utf-8").encode("cp1252", "replace")),
        (Case("junk.txt", "binary junk", "E102"), bytes(range(256)) * 64),
        (Case("bomb.docx", "decompression bomb inside DOCX", "E108"), _docx_bomb()),
        (Case("entities.docx", "XML entity expansion inside DOCX", "E108"), _docx_entities()),
        (Case("huge.txt", "very large file (over the size limit)", "E107"), b"x" * (3 * 1024 * 1024)),
        (
            Case("report_not_found.pdf", "a site's 'Report not found' page saved as .pdf", "E114"),
            (HTML_FIXTURES / "report_not_found.pdf").read_bytes(),
        ),
        (
            Case("blob_missing.pdf", "an XML error body saved as .pdf", "E114"),
            b'<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code>'
            b"<Message>The specified blob does not exist.</Message></Error>",
        ),
        (Case("api_error.pdf", "a JSON error body saved as .pdf", "E114"), b'{"error": "Not Found", "status": 404}'),
        (
            Case("nested.html", "HTML block elements nested 50,000 deep", "E108"),
            b"<!DOCTYPE html><body>" + b"<div>" * 50_000 + b"<p>x</p>",
        ),
        (
            Case("report_page.htm", "a report as a web page", None),
            (HTML_FIXTURES / "ilacs_report_page.html").read_bytes(),
        ),
        (Case("copy one.txt", "duplicate content under two names (1)", None), txt),
        (Case("copy two.txt", "duplicate content under two names (2)", None), txt),
        (
            Case('it\'s "quoted"; DROP TABLE documents;--.txt', "quotes and SQL in the file name", None),
            txt.replace(b"Durham", b"Robert'); DROP TABLE documents;--"),
        ),  # fmt: skip
        (Case("rapport café 📄 ünïcode.txt", "non-ASCII and emoji file name", None), txt),
        (
            Case("<img src=x onerror=alert(1)>.txt", "HTML in the file name and text", None),
            b"<script>alert('x')</script>\n\n" + txt,
        ),  # fmt: skip
    ]


MAX_BYTES = 2 * 1024 * 1024  # the size limit the hostile test runs with (huge.txt is above it)


def generate(out_dir: Path) -> list[Case]:
    """Write every case into out_dir; return the cases."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for case, data in cases():
        (out_dir / case.name).write_bytes(data)
        written.append(case)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "outputs/hostile")
    for c in generate(target):
        print(f"{c.name:50} {c.what:45} {c.code or 'loads'}")
