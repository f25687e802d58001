"""PDF and DOCX readers on the corpus renditions and on small hostile files built here."""

from __future__ import annotations

import importlib.util
import io
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extractors.errors import CorruptFile, EncryptedPDF, NoTextLayer, ReadError, UnsafeContent
from extractors.readers import read_raw
from extractors.readers.base import Hint, RawDocument
from schemas.document import Format

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
RENDITIONS = CORPUS / "renditions"
STEMS = sorted(p.stem for p in CORPUS.glob("*.txt"))


def _load_script():
    spec = importlib.util.spec_from_file_location("make_renditions", ROOT / "scripts" / "make_renditions.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_renditions"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


renditions = _load_script()
_CACHE: dict[str, RawDocument] = {}


def read(name: str) -> RawDocument:
    if name not in _CACHE:
        _CACHE[name] = read_raw((RENDITIONS / name).read_bytes())
    return _CACHE[name]


def blocks(stem: str):
    return renditions.parse((CORPUS / f"{stem}.txt").read_text(encoding="utf-8"))


def words(text: str) -> list[str]:
    return text.replace(renditions.CHECKBOX, " ").split()


def squash(text: str) -> str:
    return " ".join(text.split())


def assert_offsets(doc: RawDocument) -> None:
    for line in doc.lines:
        assert doc.raw_text[line.raw_start : line.raw_start + len(line.text)] == line.text
        for cell, start in line.cells:
            assert doc.raw_text[start : start + len(cell)] == cell


def test_corpus_has_both_renditions_of_every_seed():
    assert len(STEMS) >= 5
    for stem in STEMS:
        assert (RENDITIONS / f"{stem}.pdf").is_file()
        assert (RENDITIONS / f"{stem}.docx").is_file()


def test_renditions_are_current_and_deterministic(tmp_path):
    for stem in STEMS:
        shutil.copy(CORPUS / f"{stem}.txt", tmp_path)
    assert renditions.main(tmp_path) == 0
    for stem in STEMS:
        for ext in ("pdf", "docx"):
            fresh = (tmp_path / "renditions" / f"{stem}.{ext}").read_bytes()
            assert fresh == (RENDITIONS / f"{stem}.{ext}").read_bytes(), f"rerun make_renditions: {stem}.{ext}"


# ---------------------------------------------------------------- PDF renditions


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_keeps_every_word_in_order(stem):
    doc = read(f"{stem}.pdf")
    assert doc.format is Format.PDF
    assert_offsets(doc)
    pdf_words = set(doc.raw_text.split())
    flat = squash(doc.raw_text)
    text_blocks = [b for b in blocks(stem) if b.kind != "table"]
    in_order = 0
    for b in text_blocks:
        # Helvetica has no U+FFFD; the seeds' replacement characters do not survive rendering.
        expected = [w for w in words(b.text) if "\ufffd" not in w]
        missing = [w for w in expected if w not in pdf_words]
        assert not missing, f"{stem}: {missing[:5]} from {b.text[:60]!r}"
        in_order += squash(" ".join(expected)) in flat
    # Paragraphs split by a page break have a header and footer inside them; the rest are verbatim.
    assert in_order >= 0.85 * len(text_blocks)


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_pages_keep_running_header_and_page_numbers(stem):
    doc = read(f"{stem}.pdf")
    header = renditions.running_header((CORPUS / f"{stem}.txt").read_text(encoding="utf-8"))
    assert doc.page_count and doc.page_count >= 1
    assert doc.raw_text.count("\f") == doc.page_count - 1
    for page in range(1, doc.page_count + 1):
        texts = [ln.text for ln in doc.lines if ln.page == page]
        assert texts[0].startswith(header), (page, texts[0])
        assert texts[-1] == f"Page {page} of {doc.page_count}"
        assert next(ln for ln in doc.lines if ln.page == page).para_start


def test_pdf_table_rows_carry_cells():
    doc = read("004_f0749543a7284e51.pdf")
    rows = [tuple(c for c, _ in ln.cells) for ln in doc.lines if ln.hint is Hint.TABLE_ROW]
    assert ("Overall Effectiveness", "Good") in rows
    assert ("Quality of service", "Outstanding") in rows
    assert ("Judgement", "Safeguarding services", "Services for looked after children") in rows
    assert ("Formal area for improvement", "RAG rating", "Plan ref no", "Progress summary") in rows
    # A row whose cells wrap over several lines is still one row with whole cells.
    wrapped = next(r for r in rows if r[0].startswith("Ensure that all assessments clearly identify risk"))
    assert wrapped[0].endswith("who are involved with the family")
    assert wrapped[1:3] == ("Amber", "A1 & A2")
    for ln in doc.lines:
        if ln.hint is Hint.TABLE_ROW:
            assert ln.text == "\t".join(c for c, _ in ln.cells)


def test_pdf_bullets_keep_glyph_paragraphs_and_indent():
    doc = read("000_c9dc9a16fd74069d.pdf")
    bullet = next(i for i, ln in enumerate(doc.lines) if "analysed the post-inspection monitoring" in ln.text)
    line = doc.lines[bullet]
    assert line.text.startswith("\u2022") and line.para_start and line.indent == 0
    wrapped = next(ln for ln in doc.lines[bullet:] if ln.text.startswith("and held an 'at desk' conversation"))
    assert not wrapped.para_start and wrapped.indent == 1
    heading = next(ln for ln in doc.lines if ln.text == "Outcome of the inspection")
    assert heading.para_start


# ---------------------------------------------------------------- DOCX renditions


@pytest.mark.parametrize("stem", STEMS)
def test_docx_paragraphs_bullets_and_headings_follow_the_source(stem):
    doc = read(f"{stem}.docx")
    assert doc.format is Format.DOCX and doc.page_count is None
    assert_offsets(doc)
    assert all(ln.page is None and ln.para_start for ln in doc.lines if ln.hint is not Hint.TABLE_ROW)
    assert renditions.CHECKBOX not in doc.raw_text
    expected = []
    for b in blocks(stem):
        if b.kind == "table":
            continue
        text = squash(b.text.replace(renditions.CHECKBOX, " "))
        if text:
            expected.append((text, {"bullet": Hint.BULLET, "heading": Hint.HEADING}.get(b.kind, Hint.NONE), b.level))
    got = [(squash(ln.text), ln.hint, ln.indent) for ln in doc.lines if ln.hint is not Hint.TABLE_ROW]
    assert got == expected


def test_docx_tables_are_rows_with_cells():
    doc = read("004_f0749543a7284e51.docx")
    rows = [ln for ln in doc.lines if ln.hint is Hint.TABLE_ROW]
    source = [r for b in blocks("004_f0749543a7284e51") if b.kind == "table" for r in b.rows if len(r) > 1]
    assert [[c for c, _ in ln.cells] for ln in rows] == source
    assert rows[0].para_start and not rows[1].para_start
    assert rows[0].text == "Overall Effectiveness\tGood"


def test_docx_numbering_levels_merged_cells_and_fields():
    """A hand-built body: numbered list with w:ilvl, a merged cell, a FORMCHECKBOX field."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = (
        "<w:p><w:pPr><w:numPr><w:ilvl w:val='2'/><w:numId w:val='1'/></w:numPr></w:pPr>"
        "<w:r><w:t>third level</w:t></w:r></w:p>"
        "<w:p><w:r><w:fldChar w:fldCharType='begin'/></w:r>"
        "<w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType='end'/></w:r>"
        "<w:r><w:t xml:space='preserve'> Agree</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val='2'/></w:tcPr>"
        "<w:p><w:r><w:t>wide</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:t>a2</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    )
    doc = read_raw(_docx_with_body(f"<w:document {w}><w:body>{body}</w:body></w:document>"))
    assert [(ln.text, ln.hint, ln.indent) for ln in doc.lines] == [
        ("third level", Hint.BULLET, 2),
        (" Agree", Hint.NONE, 0),
        ("wide\tc", Hint.TABLE_ROW, 0),
        ("a\na2\tb", Hint.TABLE_ROW, 0),
    ]
    assert_offsets(doc)


# ---------------------------------------------------------------- synthetic PDFs


def _pdf(draw, **kwargs) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, **kwargs)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_two_column_page_reads_left_column_then_right():
    def draw(c):
        c.setFont("Helvetica", 10)
        c.drawString(60, 800, "A full width title above both columns")
        for i in range(12):  # interleaved in the content stream, as some generators write it
            y = 760 - 14 * i
            c.drawString(60, y, f"left column line {i} alpha beta")
            c.drawString(320, y, f"right column line {i} gamma delta")

    doc = read_raw(_pdf(draw))
    texts = [ln.text for ln in doc.lines]
    assert texts[0] == "A full width title above both columns"
    assert texts[1:13] == [f"left column line {i} alpha beta" for i in range(12)]
    assert texts[13:] == [f"right column line {i} gamma delta" for i in range(12)]
    assert doc.lines[13].para_start and not doc.lines[14].para_start
    assert_offsets(doc)


def test_encrypted_pdf_raises_encrypted():
    def draw(c):
        c.drawString(72, 720, "secret findings")

    with pytest.raises(EncryptedPDF, match="(?i)password"):
        read_raw(_pdf(draw, encrypt="pw"))


def test_truncated_pdf_raises_a_read_error():
    data = (RENDITIONS / "000_c9dc9a16fd74069d.pdf").read_bytes()
    for cut in (len(data) // 3, 400):
        with pytest.raises(ReadError):
            read_raw(data[:cut])


def test_garbage_after_header_is_corrupt():
    with pytest.raises(CorruptFile):
        read_raw(b"%PDF-1.4\n" + b"\x00garbage" * 200)


def test_image_only_pdf_has_no_text_layer():
    def draw(c):
        c.setFillColorRGB(0.2, 0.2, 0.2)
        c.rect(72, 400, 300, 200, fill=1)

    with pytest.raises(NoTextLayer, match="1 page, no extractable text"):
        read_raw(_pdf(draw))


# ---------------------------------------------------------------- hostile DOCX


def _docx_with_body(document_xml: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A valid DOCX (python-docx's default package) with word/document.xml replaced."""
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = document_xml.encode("utf-8")
            dst.writestr(info.filename, body)
        for name, blob in (extra or {}).items():
            dst.writestr(name, blob)
    return out.getvalue()


def test_docx_zip_bomb_is_refused():
    bomb = b"\0" * (11 * 1024 * 1024)  # deflates ~1000x
    data = _docx_with_body(_minimal_document("hello"), {"word/media/bomb.bin": bomb})
    with pytest.raises(UnsafeContent, match="expands"):
        read_raw(data)


def test_docx_entity_declaration_is_refused():
    xml = (
        '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        + _minimal_document("&lol2;").split("?>", 1)[1]
    )
    with pytest.raises(UnsafeContent, match="ENTITY"):
        read_raw(_docx_with_body(xml))


def test_docx_with_broken_xml_is_corrupt():
    with pytest.raises(CorruptFile):
        read_raw(_docx_with_body("<w:document><w:body><w:p>"))


def _minimal_document(text: str) -> str:
    return (
        '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )


def test_minimal_docx_reads():
    doc = read_raw(_docx_with_body(_minimal_document("hello world")))
    assert [ln.text for ln in doc.lines] == ["hello world"]
    assert doc.raw_text == "hello world" and doc.lines[0].para_start


def test_pdf_without_table_finder_stays_on_pdfium_and_keeps_rows():
    from extractors.readers.pdf import read_pdf

    doc = read_pdf((RENDITIONS / "004_f0749543a7284e51.pdf").read_bytes(), table_finder=False)
    assert_offsets(doc)
    rows = [tuple(c for c, _ in ln.cells) for ln in doc.lines if ln.hint is Hint.TABLE_ROW]
    assert ("Overall Effectiveness", "Good") in rows
    assert ("Capacity for improvement", "Good", "Good") in rows


def test_pdf_reads_are_safe_from_threads():
    """PDFium is not thread-safe; read_pdf serialises it, so threads get correct, identical results."""
    from concurrent.futures import ThreadPoolExecutor

    data = (RENDITIONS / "000_c9dc9a16fd74069d.pdf").read_bytes()
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda _: read_raw(data).raw_text, range(8)))
    assert len(set(texts)) == 1 and "Area for improvement 1" in texts[0]


@pytest.mark.parametrize(
    "old, new",
    [
        ('w:type="paragraph"', 'w:type="nonsense"'),  # a style of a type no reader knows
        ("<w:styles ", "<w:notstyles "),  # a styles part whose root is not <w:styles>
    ],
)
def test_docx_with_damaged_styles_is_corrupt_not_a_crash(old, new):
    """A damaged styles part is a read error (E103), never an exception that escapes the reader."""
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("Areas for improvement")
    d.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/styles.xml":
                text = data.decode("utf-8")
                assert old in text
                data = (
                    text.replace(old, new, 1)
                    .replace("</w:styles>", "</w:notstyles>" if "notstyles" in new else "</w:styles>")
                    .encode()
                )
            zout.writestr(item, data)
    with pytest.raises(CorruptFile):
        read_raw(out.getvalue())
