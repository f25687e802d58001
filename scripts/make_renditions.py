"""Render every corpus/*.txt as a realistic PDF and DOCX under corpus/renditions/.

The renditions exercise the PDF and DOCX readers and the normaliser on the same words as
the text seeds: wrapped paragraphs, real bullet lists, real tables, a running header and a
"Page N of M" footer on every PDF page. Output is deterministic (reportlab invariant mode,
fixed DOCX core properties and ZIP timestamps) so reruns do not churn git.

How a .txt line is read (see `parse`):
- blank lines separate paragraphs; every other line is its own paragraph (the seeds are not
  hard-wrapped, so a line is a paragraph or a fragment of one left by conversion);
- "- ", "• " or "· " at the start (after optional indentation) is a bullet; indented
  bullets are level 1;
- a line with a tab inside its text (not only leading) is a table row; consecutive rows
  make one table;
- a short standalone line that looks like a title is a heading;
- "**" is conversion debris: between a non-space and a letter or digit it marked a lost
  paragraph break ("SERVICES**Report of ...") and becomes one; elsewhere (bold markers
  like "as **appendix 3**.") it is dropped;
- a FORMCHECKBOX field becomes a real check box (a ZapfDingbats box in the PDF, a Word
  FORMCHECKBOX field in the DOCX), as in the Word originals.

Run: .venv/bin/python scripts/make_renditions.py [corpus_dir]
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FIXED_DATE = datetime(2026, 1, 1, 0, 0, 0)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
BULLET_RE = re.compile(r"^(\s*)(?:- |• |· |\u2022\t|\u00b7\t)(.*)$")
CHECKBOX = "FORMCHECKBOX"
PAGE_W, PAGE_H = A4
MARGIN = 20 * mm


@dataclass
class Block:
    """One rendered unit: a heading, paragraph, bullet or table (rows of cells)."""

    kind: str  # "heading" | "para" | "bullet" | "table"
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


def _split_debris(line: str) -> list[str]:
    """Split a line at "**" between non-space characters (lost breaks); drop other "**"."""
    parts = re.split(r"(?<=\S)\*\*(?=[^\W_])", line)
    parts = [p.replace("**", "") for p in parts]
    # "Services****1." leaves an empty piece between the two markers.
    return [p for p in parts if p.strip()]


def _is_heading(text: str, standalone: bool) -> bool:
    words = text.split()
    return (
        standalone
        and 0 < len(words) <= 10
        and len(text) <= 80
        and text[-1] not in ".,;:"
        and (text[0].isupper() or text[0].isdigit())
        and CHECKBOX not in text
        and not re.fullmatch(r"\d{1,2} \w+ \d{4}", text)
    )


def parse(text: str) -> list[Block]:
    """Turn a seed text into blocks (the rules are in the module docstring)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    blocks: list[Block] = []
    for i, raw in enumerate(lines):
        if not raw.strip():
            continue
        stripped = raw.strip()
        if "\t" in stripped:
            cells = [c.replace("**", "").strip() for c in raw.split("\t")]
            if not cells[0] and raw.startswith("\t"):
                cells = cells[1:]
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) > 1:
                if blocks and blocks[-1].kind == "table":
                    blocks[-1].rows.append(cells)
                else:
                    blocks.append(Block("table", rows=[cells]))
                continue
            stripped = " ".join(c for c in cells if c)
        m = BULLET_RE.match(raw)
        if m:
            level = 1 if m.group(1) else 0
            for k, piece in enumerate(_split_debris(m.group(2).strip())):
                blocks.append(Block("bullet" if k == 0 else "para", piece, level=level))
            continue
        before = i == 0 or not lines[i - 1].strip()
        after = i + 1 >= len(lines) or not lines[i + 1].strip()
        for piece in _split_debris(stripped):
            piece = piece.strip()
            kind = "heading" if _is_heading(piece, before and after) else "para"
            blocks.append(Block(kind, piece))
    return blocks


def running_header(text: str, limit: int = 60) -> str:
    """The document's first line, cut at a word boundary: the running header of every page."""
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "Ofsted")
    first = _split_debris(first)[0].strip()
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0]


# ---------------------------------------------------------------- PDF


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=13.5, spaceAfter=7, alignment=TA_LEFT)
    return {
        "body": body,
        "heading": ParagraphStyle(
            "heading", parent=body, fontName="Helvetica-Bold", fontSize=12.5, leading=16, spaceBefore=4
        ),
        "bullet0": ParagraphStyle(
            "bullet0", parent=body, leftIndent=18, bulletIndent=6, bulletFontName="Symbol", spaceAfter=3
        ),
        "bullet1": ParagraphStyle(
            "bullet1", parent=body, leftIndent=36, bulletIndent=24, bulletFontName="Symbol", spaceAfter=3
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11, spaceAfter=0),
    }


def _markup(text: str) -> str:
    """Escape text for a reportlab Paragraph; a FORMCHECKBOX becomes a drawn box glyph."""
    out = escape(text)
    return out.replace(CHECKBOX, '<font name="ZapfDingbats">o</font>')


def _col_widths(rows: list[list[str]], total: float) -> list[float]:
    ncols = max(len(r) for r in rows)
    weights = []
    for c in range(ncols):
        longest = max((len(r[c]) for r in rows if c < len(r)), default=1)
        weights.append(min(max(longest, 22), 90))
    s = sum(weights)
    return [total * w / s for w in weights]


def _flowables(blocks: list[Block]) -> list:
    st = _styles()
    width = PAGE_W - 2 * MARGIN
    out: list = []
    for b in blocks:
        if b.kind == "table":
            ncols = max(len(r) for r in b.rows)
            data = [[Paragraph(_markup(c), st["cell"]) for c in r + [""] * (ncols - len(r))] for r in b.rows]
            table = Table(data, colWidths=_col_widths(b.rows, width), hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 3),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ]
                )
            )
            out += [table, Spacer(1, 8)]
        elif b.kind == "bullet":
            out.append(Paragraph(_markup(b.text), st[f"bullet{b.level}"], bulletText="\u2022"))
        else:
            out.append(Paragraph(_markup(b.text), st["heading" if b.kind == "heading" else "body"]))
    return out


def _numbered_canvas(header: str):
    """A canvas class that draws the running header and "Page N of M" once M is known."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab API)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self.setFont("Helvetica", 8.5)
                self.setFillColor(colors.grey)
                self.drawString(MARGIN, PAGE_H - 12 * mm, header)
                self.drawRightString(PAGE_W - MARGIN, PAGE_H - 12 * mm, "Ofsted")
                self.drawCentredString(PAGE_W / 2, 10 * mm, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(text: str, title: str) -> bytes:
    """The seed text as an A4 PDF with wrapped paragraphs, bullets, tables, header and footer."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="inspections corpus",
        creator="scripts/make_renditions.py",
        invariant=1,
    )
    doc.build(_flowables(parse(text)), canvasmaker=_numbered_canvas(running_header(text)))
    return buf.getvalue()


# ---------------------------------------------------------------- DOCX


def _add_runs(paragraph, text: str) -> None:
    """Add `text` to a paragraph; each FORMCHECKBOX becomes a real Word check-box field."""
    pieces = text.split(CHECKBOX)
    for k, piece in enumerate(pieces):
        if k:
            _add_checkbox_field(paragraph)
        if piece:
            paragraph.add_run(piece)


def _add_checkbox_field(paragraph) -> None:
    def fld(kind: str):
        run = OxmlElement("w:r")
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            ff = OxmlElement("w:ffData")
            cb = OxmlElement("w:checkBox")
            size = OxmlElement("w:sizeAuto")
            cb.append(size)
            ff.append(cb)
            el.append(ff)
        run.append(el)
        return run

    p = paragraph._p
    p.append(fld("begin"))
    instr_run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {CHECKBOX} "
    instr_run.append(instr)
    p.append(instr_run)
    p.append(fld("end"))


def render_docx(text: str, title: str) -> bytes:
    """The seed text as a DOCX: styled paragraphs, List Bullet items, Word tables, headings."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10.5)
    header = document.sections[0].header.paragraphs[0]
    header.text = running_header(text)
    for b in parse(text):
        if b.kind == "table":
            ncols = max(len(r) for r in b.rows)
            table = document.add_table(rows=0, cols=ncols)
            table.style = "Table Grid"
            for r in b.rows:
                cells = table.add_row().cells
                for c, value in enumerate(r):
                    _add_runs(cells[c].paragraphs[0], value)
        elif b.kind == "bullet":
            style = "List Bullet" if b.level == 0 else "List Bullet 2"
            _add_runs(document.add_paragraph(style=style), b.text)
        elif b.kind == "heading":
            document.add_heading(level=2).add_run(b.text)
        else:
            _add_runs(document.add_paragraph(), b.text)
    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = "inspections corpus"
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1
    buf = io.BytesIO()
    document.save(buf)
    return _fix_zip_dates(buf.getvalue())


def _fix_zip_dates(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed member timestamps and order (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main(corpus: Path) -> int:
    outdir = corpus / "renditions"
    outdir.mkdir(parents=True, exist_ok=True)
    sources = sorted(corpus.glob("*.txt"))
    for src in sources:
        text = src.read_text(encoding="utf-8")
        title = running_header(text)
        (outdir / f"{src.stem}.pdf").write_bytes(render_pdf(text, title))
        (outdir / f"{src.stem}.docx").write_bytes(render_docx(text, title))
        print(f"{src.name}: {src.stem}.pdf, {src.stem}.docx")
    return 0 if sources else 1


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "corpus"))
