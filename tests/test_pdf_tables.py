"""The PDF reader's ruled-table finder (a port of pdfplumber's, fed from PDFium) against pdfplumber."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from extractors.readers.base import Hint
from extractors.readers.pdf import read_pdf
from extractors.readers.pdf.lines import _pdfium_lines
from extractors.readers.pdf.table_edges import _page_edges
from extractors.readers.pdf.table_finder import _find_tables
from extractors.readers.pdf.tables import _Plumber, _Unsure

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# The corpus renditions whose pages draw ruled tables (pdfplumber finds tables on them).
RULED = ["genres/renditions/g12_scrutiny_action_plan_table.pdf", "renditions/002_e2d625217c69848e.pdf"]
RULED += ["renditions/004_f0749543a7284e51.pdf"]
SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
WRAPPED = "Improve the timeliness and quality of initial health assessments for children looked after"


def plumber_tables(data: bytes, index: int) -> list:
    """pdfplumber's tables on a page: (bbox, [(row bbox, [whitespace-collapsed cell texts])]).

    pdfminer has no Unicode for WinAnsi code 0x7F (reportlab's bullet) and emits "(cid:127)";
    PDFium, like viewers, reads it as U+2022. That one decoding difference is mapped here.
    """
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[index]
        return [
            (
                table.bbox,
                [
                    (row.bbox, [" ".join((t or "").replace("(cid:127)", "\u2022").split()) for t in texts])
                    for row, texts in zip(table.rows, table.extract(), strict=True)
                ],
            )
            for table in page.find_tables(SETTINGS)
        ]


def native_tables(data: bytes, index: int) -> list:
    """The reader's own finder on a page (raises its _Unsure where it would hand over to pdfplumber)."""
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[index]
        textpage = page.get_textpage()
        text, _, spans, boxes = _pdfium_lines(textpage)
        return _find_tables(page.raw, boxes, text, spans)
    finally:
        pdf.close()


def assert_same_tables(native: list, reference: list) -> None:
    """Same cell texts row by row; same table and row boxes (to float noise)."""
    assert [[cells for _, cells in rows] for _, rows in native] == [
        [cells for _, cells in rows] for _, rows in reference
    ]
    boxes = [c for box, rows in native for c in (*box, *(c for row_box, _ in rows for c in row_box))]
    ref_boxes = [c for box, rows in reference for c in (*box, *(c for row_box, _ in rows for c in row_box))]
    assert boxes == pytest.approx(ref_boxes, abs=1e-6)


@pytest.mark.parametrize("name", RULED)
def test_native_finder_gives_pdfplumbers_rows_and_cells(name):
    data = (CORPUS / name).read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        n_pages = len(pdf.pages)
    found = 0
    for index in range(n_pages):
        reference = plumber_tables(data, index)
        assert_same_tables(native_tables(data, index), reference)
        found += len(reference)
    assert found, f"{name} has no ruled table any more"


@pytest.mark.parametrize("name", RULED)
def test_edges_are_pdfplumbers(name):
    """The path objects rebuilt as pdfminer's lines, rects and curves give pdfplumber's page.edges."""
    data = (CORPUS / name).read_bytes()
    pdf = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for index, page in enumerate(plumber.pages):
            pdfium_page = pdf[index]  # kept: the page closes when its object goes
            _, edges, _ = _page_edges(pdfium_page.raw)
            keys = ("x0", "x1", "top", "bottom", "width", "height")
            reference = [(e["orientation"], tuple(e[k] for k in keys)) for e in page.edges if e["orientation"]]
            assert edges == reference


def _wrapped_table_pdf() -> bytes:
    """A letter page with a ruled table (reportlab, as scripts/make_renditions.py draws tables)
    whose middle cells wrap over two lines."""
    style = getSampleStyleSheet()["BodyText"]
    rows = [
        ["Ref", "Area for improvement", "Progress"],
        ["LAC1", Paragraph(WRAPPED, style), "Amber"],
        ["LAC2", Paragraph("Ensure that children's views are recorded in their care plans", style), "Green"],
    ]
    table = Table(rows, colWidths=[50, 220, 80], hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([Paragraph("Action plan progress", style), table])
    return out.getvalue()


def test_wrapped_cell_is_one_cell_of_one_row(monkeypatch):
    data = _wrapped_table_pdf()
    reference = plumber_tables(data, 0)
    assert reference and any(WRAPPED in cells for _, rows in reference for _, cells in rows)
    assert_same_tables(native_tables(data, 0), reference)

    def no_plumber(self, index, warnings):
        raise AssertionError("pdfplumber read a page the native finder should read")

    monkeypatch.setattr(_Plumber, "tables", no_plumber)
    rows = [ln for ln in read_pdf(data).lines if ln.hint is Hint.TABLE_ROW]
    assert [ln.text.split("\t") for ln in rows] == [
        ["Ref", "Area for improvement", "Progress"],
        ["LAC1", WRAPPED, "Amber"],
        ["LAC2", "Ensure that children's views are recorded in their care plans", "Green"],
    ]


def test_page_with_a_form_xobject_falls_back_to_pdfplumber(monkeypatch):
    """pdfminer reads a form XObject's paths with the form's matrix; the port does not model
    that, so such a page's tables come from pdfplumber, and come out the same."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.beginForm("logo")
    c.rect(0, 0, 40, 20)
    c.endForm()
    c.doForm("logo")
    c.setFont("Helvetica", 10)
    for i, y in enumerate((700, 680, 660)):
        c.drawString(80, y + 5, f"Row {i}")
        c.drawString(250, y + 5, f"Cell {i}")
    for y in (655, 675, 695, 715):
        c.line(72, y, 400, y)
    for x in (72, 200, 400):
        c.line(x, 655, x, 715)
    c.save()
    data = out.getvalue()
    with pytest.raises(_Unsure):
        native_tables(data, 0)
    calls = []
    original = _Plumber.tables
    monkeypatch.setattr(_Plumber, "tables", lambda self, *a: calls.append(a) or original(self, *a))
    rows = [ln.text for ln in read_pdf(data).lines if ln.hint is Hint.TABLE_ROW]
    assert calls and rows == ["Row 0\tCell 0", "Row 1\tCell 1", "Row 2\tCell 2"]


def test_pdfplumber_is_not_imported_when_the_port_reads_every_table():
    code = (
        "import sys; from extractors.readers.pdf import read_pdf; "
        f"read_pdf(open({str(CORPUS / RULED[0])!r}, 'rb').read()); "
        "print('pdfplumber' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
