"""DOCX reader: the body's paragraphs and tables in document order, with style-based hints.

Before anything parses the bytes, the ZIP is checked for decompression bombs and
word/document.xml for DTD/entity declarations (entity expansion): both raise UnsafeContent.

One `Line` per non-empty paragraph (`para_start=True`, `page=None`). Headings come from
Heading/Title styles; bullets from List styles or numbering properties (w:numPr), with
`indent` from the numbering level (w:ilvl) or the style name ("List Bullet 2" -> 1).
A table becomes one TABLE_ROW line per row: cells are read from the row's own w:tc elements,
so a horizontally merged cell appears once and a vertically merged continuation is empty.
A cell's paragraphs are joined with "\n"; list paragraphs inside a cell get a "• " prefix so
the normaliser still sees them as bullets. Field instructions (w:instrText, e.g. FORMCHECKBOX)
are not text and never appear; soft line breaks inside a paragraph become spaces.

python-docx defines what a readable DOCX is, but its object model costs most of a read (its
element classes, and parsing every XML part: styles.xml alone is ~350 KB in the template
python-docx writes documents from). So the package is loaded here the way python-docx loads it (`_FastPackage`: the same
relationship walk, content types and part classes, every part read and CRC-checked, every XML
part parsed with python-docx's parser options) and the body read with plain lxml. Wherever that
load meets anything python-docx might treat differently (a damaged part, a missing styles part,
odd relationships, a style that would make python-docx raise), it gives up and python-docx reads
the file as before, so both routes give the same document or the same error. Parts identical to
ones already checked (same compressed bytes and CRC: a template's styles, theme, settings) are
not inflated or parsed again (`_KNOWN_PARTS`).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from lxml import etree

from extractors.errors import CorruptFile, UnsafeContent
from extractors.readers.base import Hint, Line, RawDocument
from schemas.document import Format

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_MIN_SIZE = 10 * 1024 * 1024
CELL_BULLET = "• "
KNOWN_PARTS_CACHE = 64  # parts (by compressed bytes) already found readable; a style table each for styles
STYLE_MEMO_LIMIT = 4096  # style ids a shared style table remembers
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_STYLE_LEVEL = re.compile(r"(\d+)\s*$")
# Enum members looked up once (a lookup on the enum class costs ~150 ns in Python 3.11).
_H_NONE, _H_HEADING, _H_BULLET, _H_ROW = Hint.NONE, Hint.HEADING, Hint.BULLET, Hint.TABLE_ROW
_P, _TBL, _SDT, _SDT_CONTENT, _TR, _TC, _R = (f"{_W}{t}" for t in ("p", "tbl", "sdt", "sdtContent", "tr", "tc", "r"))
_T, _TAB, _BR, _CR, _NO_BREAK_HYPHEN = (f"{_W}{t}" for t in ("t", "tab", "br", "cr", "noBreakHyphen"))
_PPR, _PSTYLE, _NUMPR, _ILVL, _VAL = (f"{_W}{t}" for t in ("pPr", "pStyle", "numPr", "ilvl", "val"))
_DEL = f"{_W}del"
# Text inside a deletion or in a paragraph nested in another (a text box) is not the outer paragraph's.
_HAS_NESTED_TEXT = etree.XPath(
    "boolean(.//w:del | .//w:p//w:p)", namespaces={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
)


def read_docx(data: bytes, zf: zipfile.ZipFile | None = None) -> RawDocument:
    """Read DOCX bytes into paragraph and table-row lines in document order.

    `zf`: the bytes' ZIP, if format detection already opened it (read_docx closes it).
    """
    zf, document_xml = _check_container(data, zf)
    with zf:
        try:
            return _read_fast(zf, data, document_xml)
        except Exception:  # noqa: BLE001 - _Unusual, or anything else: python-docx has the last word
            pass
    return _read_with_python_docx(data)


def _check_container(data: bytes, zf: zipfile.ZipFile | None = None) -> tuple[zipfile.ZipFile, bytes]:
    """Refuse decompression bombs and DTDs before parsing; damaged ZIPs are CorruptFile.

    Returns the open ZIP (`zf` if given) and word/document.xml for the reader to go on with.
    """
    try:
        if zf is None:
            zf = zipfile.ZipFile(io.BytesIO(data))
        try:
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
        except BaseException:
            zf.close()
            raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise CorruptFile(f"a damaged ZIP container ({exc})") from exc
    if _DTD.search(xml[:65536]) or _DTD.search(xml):
        zf.close()
        raise UnsafeContent("word/document.xml declares a DOCTYPE or ENTITY (entity expansion)")
    return zf, xml


# -- the python-docx route: the reference, and the fallback for anything unusual ------------------


def _read_with_python_docx(data: bytes) -> RawDocument:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # python-docx raises KeyError, lxml errors, etc.: all mean damage.
        raise CorruptFile(f"python-docx could not open it ({type(exc).__name__}: {exc})") from exc
    try:
        # A style with no or an unknown type, a styles part that is not <w:styles>: damage too.
        reader = _BodyReader(_DocxStyles(document).kind)
        reader.read(body)
    except Exception as exc:
        raise CorruptFile(f"malformed document body ({type(exc).__name__}: {exc})") from exc
    return RawDocument(Format.DOCX, "\n".join(reader.texts), reader.lines, page_count=None)


class _DocxStyles:
    """Paragraph kinds from python-docx's style objects."""

    def __init__(self, document) -> None:
        self.styles = {s.style_id: s for s in document.styles}

    def kind(self, p) -> tuple[Hint, int]:
        """(hint, indent level) from the paragraph's style and numbering properties."""
        ppr = p.find(_PPR)
        style_id = None
        num_pr = None
        if ppr is not None:
            ps = ppr.find(_PSTYLE)
            style_id = ps.get(_VAL) if ps is not None else None
            num_pr = ppr.find(_NUMPR)
        style = self.styles.get(style_id) if style_id else None
        name = (style.name or "") if style is not None else ""
        if name.startswith(("Heading", "Title")):
            return _H_HEADING, 0
        if num_pr is None and style is not None:
            num_pr = _style_numpr(style)
        if num_pr is not None or name.startswith("List"):
            ilvl = num_pr.find(_ILVL) if num_pr is not None else None
            return _H_BULLET, _list_level(ilvl.get(_VAL) if ilvl is not None else None, name)
        return _H_NONE, 0


def _style_numpr(style):
    """The numbering properties a paragraph inherits from its style chain, if any."""
    seen = 0
    while style is not None and seen < 10:
        ppr = style.element.find(_PPR)
        if ppr is not None and ppr.find(_NUMPR) is not None:
            return ppr.find(_NUMPR)
        style = style.base_style
        seen += 1
    return None


def _list_level(ilvl: str | None, style_name: str) -> int:
    """A list paragraph's level: its numbering level (w:ilvl) if numeric, else the style name's number less one."""
    if (ilvl or "").isdigit():
        level = int(ilvl)
    else:
        m = _STYLE_LEVEL.search(style_name)
        level = int(m.group(1)) - 1 if m else 0
    return max(level, 0)


# -- the body, whichever route loaded it ------------------------------------------------------------


class _BodyReader:
    """Walks the body element, appending lines and their texts (raw text = texts joined by newlines).

    `kind(p)` gives a paragraph's (hint, indent level). `nested_text` False says no paragraph
    holds a deletion or another paragraph, so no text needs the ancestor check.
    """

    def __init__(self, kind: Callable[[etree._Element], tuple[Hint, int]], nested_text: bool = True) -> None:
        self.kind = kind
        self.nested_text = nested_text
        self.lines: list[Line] = []
        self.texts: list[str] = []
        self.offset = 0

    def read(self, body) -> None:
        for child in body.iterchildren():
            tag = child.tag
            if tag == _P:
                self._paragraph(child)
            elif tag == _TBL:
                self._table(child)
            elif tag == _SDT:  # content control: read what it wraps
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.read(content)

    def _add(self, text: str, para: bool, hint: Hint = _H_NONE, indent: int = 0, cells=()) -> None:
        self.lines.append(Line(text, None, self.offset, para, hint, indent, cells))
        self.texts.append(text)
        self.offset += len(text) + 1

    def _paragraph(self, p) -> None:
        text = _text(p, self.nested_text)
        if not text.strip():
            return
        hint, indent = self.kind(p)
        self._add(text, True, hint, indent)

    def _table(self, tbl) -> None:
        first = True
        for tr in tbl.iterchildren(_TR):
            texts = [self._cell_text(tc) for tc in tr.iterchildren(_TC)]
            while texts and not texts[-1].strip():
                texts.pop()
            if not texts:
                continue
            if len(texts) == 1:
                # As in the text reader, one non-empty cell is not a row: it is a line of text.
                self._add(texts[0], True)
                first = True
                continue
            cells, pos = [], self.offset
            for t in texts:
                cells.append((t, pos))
                pos += len(t) + 1
            self._add("\t".join(texts), first, _H_ROW, 0, tuple(cells))
            first = False

    def _cell_text(self, tc) -> str:
        parts = []
        for child in tc.iter(_P):
            text = _text(child, self.nested_text).strip()
            if text:
                parts.append(CELL_BULLET + text if self.kind(child)[0] is _H_BULLET else text)
        return "\n".join(parts)


def _text(p, nested_text: bool = True) -> str:
    """A paragraph's visible text: runs (also inside hyperlinks, fields, smart tags), no field codes."""
    out: list[str] = []
    for el in p.iter(_T, _TAB, _BR, _CR, _NO_BREAK_HYPHEN):
        if nested_text and _in_nested_paragraph(el, p):
            continue
        tag = el.tag
        if tag == _T:
            out.append(el.text or "")
        elif tag == _TAB:
            # w:tab is also a tab-stop definition inside w:pPr/w:tabs: only run tabs are text.
            if el.getparent().tag == _R:
                out.append("\t")
        elif tag in (_BR, _CR):
            out.append(" ")
        else:
            out.append("-")
    return "".join(out)


def _in_nested_paragraph(el, p) -> bool:
    """True for text in a text box or other paragraph nested inside `p` (read separately, if at all)."""
    parent = el.getparent()
    while parent is not None and parent is not p:
        if parent.tag in (_P, _DEL):
            return True
        parent = parent.getparent()
    return False


# -- the fast route: python-docx's package load, without its object model --------------------------


class _Unusual(Exception):
    """The fast route met something python-docx might treat differently: python-docx reads the file."""


def _read_fast(zf: zipfile.ZipFile, data: bytes, document_xml: bytes) -> RawDocument:
    package = _FastPackage(zf, data, document_xml)
    body = package.body
    reader = _BodyReader(package.styles.kind, nested_text=_HAS_NESTED_TEXT(body))
    reader.read(body)
    return RawDocument(Format.DOCX, "\n".join(reader.texts), reader.lines, page_count=None)


_local = threading.local()


def _parse(xml: bytes) -> etree._Element:
    """Parse as python-docx does (its parser's options; lxml parsers are not shared between threads)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
    return etree.fromstring(xml, parser)


# Parts already read (and parsed, if XML) without fault, by compressed content: the value is the
# style table for a styles part, else True. Bounded, least recently used first out.
_KNOWN_PARTS: OrderedDict[tuple, object] = OrderedDict()
_KNOWN_LOCK = threading.Lock()
os.register_at_fork(after_in_child=lambda: globals().update(_KNOWN_LOCK=threading.Lock()))  # never inherit it held
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


class _Members:
    """Reads members straight from the ZIP bytes, exactly where ZipFile.read would succeed, else _Unusual."""

    def __init__(self, zf: zipfile.ZipFile, data: bytes) -> None:
        self.zf = zf
        self.data = data

    def raw(self, name: str) -> tuple[zipfile.ZipInfo, bytes]:
        """The member's entry and compressed bytes, after ZipFile.open's header checks (KeyError if absent)."""
        info = self.zf.getinfo(name)
        off = info.header_offset
        header = self.data[off : off + _LOCAL_HEADER.size]
        if len(header) != _LOCAL_HEADER.size:
            raise _Unusual
        fields = _LOCAL_HEADER.unpack(header)
        if fields[0] != b"PK\x03\x04" or info.flag_bits & 0x61 or info.compress_type not in (0, 8):
            raise _Unusual  # bad header, encrypted or patched data, or an unusual compression
        start = off + _LOCAL_HEADER.size
        fname = self.data[start : start + fields[10]]
        if fname.decode("utf-8" if fields[3] & 0x800 else "cp437") != info.orig_filename:
            raise _Unusual
        start += fields[10] + fields[11]
        raw = self.data[start : start + info.compress_size]
        if len(raw) != info.compress_size:
            raise _Unusual
        return info, raw

    @staticmethod
    def inflate(info: zipfile.ZipInfo, raw: bytes) -> bytes:
        """The member's bytes, if they inflate to exactly its size and CRC."""
        try:
            blob = zlib.decompress(raw, -15) if info.compress_type == 8 else raw
        except zlib.error as exc:
            raise _Unusual from exc
        if len(blob) != info.file_size or zlib.crc32(blob) != info.CRC:
            raise _Unusual
        return blob

    def read(self, name: str) -> bytes:
        return self.inflate(*self.raw(name))


class _FastPackage:
    """python-docx's package load (PackageReader, Unmarshaller, docx.Document) without its object model.

    Walks the relationships with python-docx's own serialised-package classes, checks every part as
    python-docx would read it, and keeps the body and a style table. Raises _Unusual wherever
    python-docx could fail or read the file differently.
    """

    def __init__(self, zf: zipfile.ZipFile, data: bytes, document_xml: bytes) -> None:
        import docx  # noqa: F401 - registers python-docx's part classes with PartFactory
        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
        from docx.opc.part import Part, PartFactory, XmlPart
        from docx.opc.pkgreader import _ContentTypeMap, _SerializedRelationships
        from docx.parts.document import DocumentPart
        from docx.parts.image import ImagePart
        from docx.parts.styles import StylesPart

        self.members = _Members(zf, data)
        self._srels_class = _SerializedRelationships
        self._checked: dict[str, object] = {}  # membername: True, or the style table of a styles part
        self._styles_roots: dict[str, etree._Element] = {}
        content_types = _ContentTypeMap.from_xml(self.members.read(CONTENT_TYPES_URI.membername))
        pkg_srels = self._srels_for(PACKAGE_URI)
        xml_load, blob_loads = XmlPart.load.__func__, (Part.load.__func__, ImagePart.load.__func__)
        part_class, srels_of = {}, {}
        for partname, reltype, srels in self._walk(pkg_srels, []):
            content_type = content_types[partname]
            cls = PartFactory.part_class_selector(content_type, reltype) if PartFactory.part_class_selector else None
            cls = cls or PartFactory._part_cls_for(content_type)
            part_class[partname], srels_of[partname] = cls, srels
            if cls.load.__func__ is xml_load:
                if partname == "/word/document.xml":
                    self.root = _parse(document_xml)  # the container check read it
                else:
                    self._check(partname.membername, styles=cls is StylesPart)
            elif cls.load.__func__ in blob_loads:
                self._check(partname.membername, xml=False)
            else:
                raise _Unusual
        # docx.Document: the one main document part, a Word document; its one styles part.
        document = self._only(pkg_srels, RT.OFFICE_DOCUMENT)
        if document != "/word/document.xml" or part_class[document] is not DocumentPart:
            raise _Unusual
        if content_types[document] != CT.WML_DOCUMENT_MAIN or self.root.tag != f"{_W}document":
            raise _Unusual
        self.body = self.root.find(f"{_W}body")
        if self.body is None:
            raise _Unusual
        styles = self._only(srels_of[document], RT.STYLES)  # none: python-docx adds its default styles
        if part_class[styles] is not StylesPart:
            raise _Unusual
        self.styles = _DocumentStyles(self._checked[styles.membername], lambda: self._styles_root(styles.membername))

    def _srels_for(self, source_uri):
        """A part's relationships, as python-docx's PhysPkgReader.rels_xml_for reads them."""
        try:
            xml = self.members.read(source_uri.rels_uri.membername)
        except KeyError:
            xml = None
        return self._srels_class.load_from_xml(source_uri.baseURI, xml)

    def _walk(self, srels, visited: list):
        """PackageReader._walk_phys_parts: (partname, reltype, srels) for every part reachable, depth first."""
        for srel in srels:
            if srel.is_external:
                continue
            partname = srel.target_partname
            if partname in visited:
                continue
            visited.append(partname)
            part_srels = self._srels_for(partname)
            yield partname, srel.reltype, part_srels
            yield from self._walk(part_srels, visited)

    @staticmethod
    def _only(srels, reltype: str):
        """The partname of the one relationship of `reltype` (by rId, later ones replacing earlier)."""
        matching = [r for r in {r.rId: r for r in srels}.values() if r.reltype == reltype]
        if len(matching) != 1 or matching[0].is_external:
            raise _Unusual
        return matching[0].target_partname

    def _check(self, name: str, *, xml: bool = True, styles: bool = False) -> None:
        """Read (and parse) a part as python-docx would, unless the same compressed part was read before."""
        info, raw = self.members.raw(name)
        key = (info.compress_type, info.CRC, info.file_size, xml, styles, hashlib.blake2b(raw, digest_size=16).digest())
        with _KNOWN_LOCK:
            known = _KNOWN_PARTS.get(key)
            if known is not None:
                _KNOWN_PARTS.move_to_end(key)
        if known is None:
            blob = self.members.inflate(info, raw)
            known = True
            if xml:
                root = _parse(blob)
                if styles:
                    known = _StyleTable(root)
                    self._styles_roots[name] = root
            with _KNOWN_LOCK:
                _KNOWN_PARTS[key] = known
                while len(_KNOWN_PARTS) > KNOWN_PARTS_CACHE:
                    _KNOWN_PARTS.popitem(last=False)
        self._checked[name] = known

    def _styles_root(self, name: str):
        """The styles part's tree: parsed by `_check` unless its table came from the cache."""
        root = self._styles_roots.get(name)
        if root is None:
            root = self._styles_roots[name] = _parse(self.members.read(name))
        return root


class _Style(NamedTuple):
    """What a paragraph needs from its style: the UI name, and the numbering its style chain gives it.

    `name_ok` False, or `chain` _BROKEN, mark what python-docx would raise on (a w:name or w:basedOn
    without w:val; a basedOn id XPath cannot quote). `chain` is None (no numbering) or the chain's
    first w:numPr's (w:ilvl/@w:val or None,).
    """

    name: str | None
    name_ok: bool
    chain: tuple[str | None] | None | object


_BROKEN = object()
_STYLE, _STYLE_ID, _NAME, _BASED_ON = (f"{_W}{t}" for t in ("style", "styleId", "name", "basedOn"))
# A style python-docx's StyleFactory cannot build (no type, or an unknown one): it raises on every read.
_UNTYPED_STYLE = etree.XPath(
    "w:style[not(@w:type='paragraph' or @w:type='character' or @w:type='table' or @w:type='numbering')]",
    namespaces={"w": _W[1:-1]},
)


class _StyleTable:
    """A styles part as `_DocxStyles` sees it through python-docx, one style id at a time.

    Built once per distinct styles part (`_KNOWN_PARTS`) and shared by the documents that carry it:
    `styles` remembers each id documents have asked for (a `_Style`, or None for no such style), so
    a template's styles.xml is parsed again only when a document uses a style the table has not met.
    """

    def __init__(self, root) -> None:
        if root.tag != f"{_W}styles" or _UNTYPED_STYLE(root):
            raise _Unusual  # python-docx has no style list for it, or its StyleFactory raises
        self.styles: dict[str, _Style | None] = {}

    @staticmethod
    def index(root) -> tuple[dict, dict]:
        """(first, last) w:style child per id: CT_Styles.get_by_id finds the first; {s.style_id: s} keeps the last."""
        first: dict[str | None, etree._Element] = {}
        last: dict[str | None, etree._Element] = {}
        for el in root.iterchildren(_STYLE):
            sid = el.get(_STYLE_ID)
            first.setdefault(sid, el)
            last[sid] = el
        return first, last

    @staticmethod
    def style(el, first: dict) -> _Style:
        """The `_Style` of a w:style element (BabelFish turns "heading 1" into "Heading 1", as python-docx does)."""
        from docx.styles import BabelFish

        name_el = el.find(_NAME)
        val = name_el.get(_VAL) if name_el is not None else None
        name = BabelFish.internal2ui(val) if val is not None else None
        return _Style(name, name_el is None or val is not None, _StyleTable._chain(el, first))

    @staticmethod
    def _chain(style, first: dict):
        """_style_numpr on elements: the first w:numPr up the w:basedOn chain (ten styles at most)."""
        seen = 0
        while style is not None and seen < 10:
            ppr = style.find(_PPR)
            if ppr is not None and ppr.find(_NUMPR) is not None:
                ilvl = ppr.find(_NUMPR).find(_ILVL)
                return (ilvl.get(_VAL) if ilvl is not None else None,)
            based_on = style.find(_BASED_ON)
            if based_on is None:
                return None
            val = based_on.get(_VAL)
            if val is None or '"' in val:
                return _BROKEN
            style = first.get(val)
            seen += 1
        return None


class _DocumentStyles:
    """One document's paragraph kinds from a shared `_StyleTable`; `load_root` parses the styles part if needed."""

    def __init__(self, table: _StyleTable, load_root: Callable[[], etree._Element]) -> None:
        self.table = table
        self.load_root = load_root
        self.index: tuple[dict, dict] | None = None

    def get(self, style_id: str) -> _Style | None:
        styles = self.table.styles
        if style_id in styles:
            return styles[style_id]
        if self.index is None:
            self.index = _StyleTable.index(self.load_root())
        first, last = self.index
        el = last.get(style_id)
        style = _StyleTable.style(el, first) if el is not None else None
        if len(styles) < STYLE_MEMO_LIMIT:  # ids that name no style could otherwise grow it without end
            styles[style_id] = style
        return style

    def kind(self, p) -> tuple[Hint, int]:
        """`_DocxStyles.kind` from the table (first matching child by iterchildren: find() is slower)."""
        ppr = next(p.iterchildren(_PPR), None)
        style_id = None
        num_pr = None
        if ppr is not None:
            ps = next(ppr.iterchildren(_PSTYLE), None)
            style_id = ps.get(_VAL) if ps is not None else None
            num_pr = next(ppr.iterchildren(_NUMPR), None)
        style = self.get(style_id) if style_id else None
        name = ""
        if style is not None:
            if not style.name_ok:
                raise _Unusual
            name = style.name or ""
        if name.startswith(("Heading", "Title")):
            return _H_HEADING, 0
        if num_pr is not None:
            ilvl = next(num_pr.iterchildren(_ILVL), None)
            return _H_BULLET, _list_level(ilvl.get(_VAL) if ilvl is not None else None, name)
        if style is not None and style.chain is not None:
            if style.chain is _BROKEN:
                raise _Unusual
            return _H_BULLET, _list_level(style.chain[0], name)
        if name.startswith("List"):
            return _H_BULLET, _list_level(None, name)
        return _H_NONE, 0
