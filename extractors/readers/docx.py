"""DOCX reader: the body's paragraphs and tables in document order, with style-based hints.

Before python-docx sees the bytes, the ZIP is checked for decompression bombs and
word/document.xml for DTD/entity declarations (entity expansion): both raise UnsafeContent.

One `Line` per non-empty paragraph (`para_start=True`, `page=None`). Headings come from
Heading/Title styles; bullets from List styles or numbering properties (w:numPr), with
`indent` from the numbering level (w:ilvl) or the style name ("List Bullet 2" -> 1).
A table becomes one TABLE_ROW line per row: cells are read from the row's own w:tc elements,
so a horizontally merged cell appears once and a vertically merged continuation is empty.
A cell's paragraphs are joined with "\n"; list paragraphs inside a cell get a "• " prefix so
the normaliser still sees them as bullets. Field instructions (w:instrText, e.g. FORMCHECKBOX)
are not text and never appear; soft line breaks inside a paragraph become spaces.
"""

from __future__ import annotations

import io
import re
import zipfile

from extractors.errors import CorruptFile, UnsafeContent
from extractors.readers.base import Hint, Line, RawDocument
from schemas.document import Format

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_MIN_SIZE = 10 * 1024 * 1024
CELL_BULLET = "• "
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_STYLE_LEVEL = re.compile(r"(\d+)\s*$")


def read_docx(data: bytes) -> RawDocument:
    """Read DOCX bytes into paragraph and table-row lines in document order."""
    _check_container(data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # python-docx raises KeyError, lxml errors, etc.: all mean damage.
        raise CorruptFile(f"python-docx could not open it ({type(exc).__name__}: {exc})") from exc
    reader = _BodyReader(document)
    try:
        reader.read(body)
    except Exception as exc:
        raise CorruptFile(f"malformed document body ({type(exc).__name__}: {exc})") from exc
    return RawDocument(Format.DOCX, "\n".join(reader.texts), reader.lines, page_count=None)


def _check_container(data: bytes) -> None:
    """Refuse decompression bombs and DTDs before parsing; damaged ZIPs are CorruptFile."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > MAX_TOTAL_UNCOMPRESSED:
                raise UnsafeContent(f"{total:,} bytes uncompressed, limit {MAX_TOTAL_UNCOMPRESSED:,}")
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
                    raise UnsafeContent(
                        f"{info.filename} expands {ratio:,.0f}x to {info.file_size:,} bytes (limit {MAX_RATIO}x)"
                    )
            try:
                xml = zf.read("word/document.xml")
            except KeyError as exc:
                raise CorruptFile("no word/document.xml in the package") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise CorruptFile(f"a damaged ZIP container ({exc})") from exc
    if _DTD.search(xml[:65536]) or _DTD.search(xml):
        raise UnsafeContent("word/document.xml declares a DOCTYPE or ENTITY (entity expansion)")


class _BodyReader:
    """Walks the body element, appending lines and their texts (raw text = texts joined by newlines)."""

    def __init__(self, document) -> None:
        self.styles = {s.style_id: s for s in document.styles}
        self.lines: list[Line] = []
        self.texts: list[str] = []
        self.offset = 0

    def read(self, body) -> None:
        for child in body.iterchildren():
            if child.tag == f"{_W}p":
                self._paragraph(child)
            elif child.tag == f"{_W}tbl":
                self._table(child)
            elif child.tag == f"{_W}sdt":  # content control: read what it wraps
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    self.read(content)

    def _add(self, text: str, *, para: bool, hint: Hint = Hint.NONE, indent: int = 0, cells=()) -> None:
        line = Line(text, None, self.offset, para_start=para, hint=hint, indent=indent, cells=cells)
        self.lines.append(line)
        self.texts.append(text)
        self.offset += len(text) + 1

    def _paragraph(self, p) -> None:
        text = _text(p)
        if not text.strip():
            return
        hint, indent = self._kind(p)
        self._add(text, para=True, hint=hint, indent=indent)

    def _kind(self, p) -> tuple[Hint, int]:
        """(hint, indent level) from the paragraph's style and numbering properties."""
        ppr = p.find(f"{_W}pPr")
        style_id = None
        num_pr = None
        if ppr is not None:
            ps = ppr.find(f"{_W}pStyle")
            style_id = ps.get(f"{_W}val") if ps is not None else None
            num_pr = ppr.find(f"{_W}numPr")
        style = self.styles.get(style_id) if style_id else None
        name = (style.name or "") if style is not None else ""
        if name.startswith(("Heading", "Title")):
            return Hint.HEADING, 0
        if num_pr is None and style is not None:
            num_pr = _style_numpr(style)
        if num_pr is not None or name.startswith("List"):
            level = 0
            ilvl = num_pr.find(f"{_W}ilvl") if num_pr is not None else None
            if ilvl is not None and (ilvl.get(f"{_W}val") or "").isdigit():
                level = int(ilvl.get(f"{_W}val"))
            else:
                m = _STYLE_LEVEL.search(name)
                level = int(m.group(1)) - 1 if m else 0
            return Hint.BULLET, max(level, 0)
        return Hint.NONE, 0

    def _is_list(self, p) -> bool:
        return self._kind(p)[0] is Hint.BULLET

    def _table(self, tbl) -> None:
        first = True
        for tr in tbl.iterchildren(f"{_W}tr"):
            texts = [self._cell_text(tc) for tc in tr.iterchildren(f"{_W}tc")]
            while texts and not texts[-1].strip():
                texts.pop()
            if not texts:
                continue
            if len(texts) == 1:
                # As in the text reader, one non-empty cell is not a row: it is a line of text.
                self._add(texts[0], para=True)
                first = True
                continue
            cells, pos = [], self.offset
            for t in texts:
                cells.append((t, pos))
                pos += len(t) + 1
            self._add("\t".join(texts), para=first, hint=Hint.TABLE_ROW, cells=tuple(cells))
            first = False

    def _cell_text(self, tc) -> str:
        parts = []
        for child in tc.iter(f"{_W}p"):
            text = _text(child).strip()
            if text:
                parts.append(CELL_BULLET + text if self._is_list(child) else text)
        return "\n".join(parts)


def _style_numpr(style):
    """The numbering properties a paragraph inherits from its style chain, if any."""
    seen = 0
    while style is not None and seen < 10:
        ppr = style.element.find(f"{_W}pPr")
        if ppr is not None and ppr.find(f"{_W}numPr") is not None:
            return ppr.find(f"{_W}numPr")
        style = style.base_style
        seen += 1
    return None


def _text(p) -> str:
    """A paragraph's visible text: runs (also inside hyperlinks, fields, smart tags), no field codes."""
    out: list[str] = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        tag = el.tag[len(_W) :]
        if _in_nested_paragraph(el, p):
            continue
        if tag == "t":
            out.append(el.text or "")
        elif tag == "tab":
            # w:tab is also a tab-stop definition inside w:pPr/w:tabs: only run tabs are text.
            if el.getparent().tag == f"{_W}r":
                out.append("\t")
        elif tag in ("br", "cr"):
            out.append(" ")
        else:
            out.append("-")
    return "".join(out)


def _in_nested_paragraph(el, p) -> bool:
    """True for text in a text box or other paragraph nested inside `p` (read separately, if at all)."""
    parent = el.getparent()
    while parent is not None and parent is not p:
        if parent.tag == f"{_W}p" or parent.tag == f"{_W}del":
            return True
        parent = parent.getparent()
    return False
