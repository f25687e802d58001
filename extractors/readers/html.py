"""HTML reader: a web page's content as lines, parsed as a browser parses it (Lexbor, via selectolax).

The bytes are decoded (byte-order mark, else a `<meta>` charset in the first 1024 bytes, else UTF-8,
else cp1252 as the text reader does, with a warning) and parsed by Lexbor, an implementation of the
WHATWG HTML parsing algorithm: unclosed, misnested and stray tags, tables and entities come out as in
a browser. One walk over the content then yields lines:

- the content is `<main>` (or role=main), else a page's only `<article>`, else `<body>`;
- h1-h6 and role=heading are HEADING lines; p, div, blockquote and the other blocks start a
  paragraph (`para_start`); `<br>` starts a new line in it (`para_start` False; a space in a
  heading or a table cell); `<pre>` keeps its line breaks;
- a list item is a BULLET line that starts with the marker a browser shows: "3." in an `<ol>`
  (its start, type and reversed, an item's value) or "•", `indent` its nesting depth; a list's
  later items are not `para_start` (as in a text file), so the normaliser never takes a short
  numbered item for a heading;
- a table row is a TABLE_ROW line with its th/td cells; a cell's blocks are joined with "\\n",
  list items in it marked "• "; a row with one non-empty cell is a plain line, rowspans leave
  empty cells below them (all as the DOCX reader does). A table that holds a table is layout:
  its cells are read as blocks;
- dropped: script, style, template, noscript, form controls, media, `<nav>`, hidden elements
  (hidden, aria-hidden, display:none), header/footer/aside outside any article, section or main,
  and the site furniture rules/web_pages.json names (landmark roles; cookie banners, skip links,
  visually hidden text by class or id; site headers and footers by a container's class or id),
  unless the element holds the page's h1 or main content.

Whitespace is collapsed as a browser renders it (every run of spaces, tabs, newlines and no-break
spaces is one space) and entities are decoded by the parser, so the raw text (lines joined by
newlines, cells by tabs) is plain text: the normaliser has no markup, field codes or entities left
to clean. `page=None` and `page_count=None`, as for DOCX.

A page that is not the document it stands for (an error, login, search or redirect page, one with
almost no content) raises DownloadFailed (`web_pages.check_page`); block elements nested deeper than
MAX_NESTING raise UnsafeContent before parsing (Lexbor's tree building is quadratic in that depth:
40,000 nested divs took 12-23 s).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from extractors.errors import UnsafeContent
from extractors.readers.base import Hint, Line, RawDocument
from extractors.readers.text import decode
from extractors.readers.web_pages import PageSummary, check_page, chrome_names, web_page_rules
from schemas.document import Format

MAX_NESTING = 4096  # block elements open at once; Lexbor took ~0.1 s at 5,000, 0.5 s at 10,000
META_SCAN = 1024  # bytes searched for a <meta> charset (the HTML standard's pre-scan)
_H_NONE, _H_HEADING, _H_BULLET, _H_ROW = Hint.NONE, Hint.HEADING, Hint.BULLET, Hint.TABLE_ROW
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
# Labels a browser reads as another encoding (WHATWG Encoding): Latin-1 and ASCII as windows-1252,
# a UTF-16 label in a page that was readable as ASCII as UTF-8.
_READ_AS = {"iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": "utf-8", "utf-16-le": "utf-8", "utf-16-be": "utf-8"}
# Block containers, counted for MAX_NESTING: the start tags whose tree building checks the open elements.
_BLOCK_TAG = re.compile(
    r"<(/?)(?:div|section|article|aside|blockquote|main|nav|header|footer|fieldset|figure|figcaption|form|"
    r"table|ul|ol|dl|details|summary|center|address|menu|dir|hgroup|search|dialog)[\s>/]",
    re.IGNORECASE,
)

# What the walk does with each element (any other tag is inline: its text joins the current line).
_SKIP = frozenset((
    "script", "style", "noscript", "template", "title", "meta", "link", "base", "head", "svg", "math", "iframe",
    "frame", "object", "embed", "param", "canvas", "audio", "video", "picture", "source", "track", "img", "map",
    "area", "button", "input", "select", "option", "optgroup", "textarea", "datalist", "output", "progress",
    "meter", "label", "dialog", "nav", "search",
))  # fmt: skip
_BLOCKS = frozenset((
    "p", "div", "address", "article", "aside", "blockquote", "center", "dd", "details", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "header", "hgroup", "legend", "main", "section", "summary", "body",
    "html", "listing", "plaintext", "xmp", "frameset", "noframes",
))  # fmt: skip
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_LISTS = frozenset(("ul", "ol", "menu", "dir"))
_SECTIONING = frozenset(("article", "section", "main"))
_PAGE_CHROME = frozenset(("header", "footer", "aside"))  # dropped outside any sectioning element
_CELLS = frozenset(("td", "th"))
# Elements a furniture name never drops (tables, their parts, list items) and the plain containers a
# container name drops (a "section-header" heading stays; a "site-header" div goes).
_NAMES_IGNORED = frozenset(("table", "thead", "tbody", "tfoot", "caption", "tr", "td", "th", "li"))
_CONTAINERS = frozenset(("div", "span", "section", "aside", "header", "footer", "nav", "form", "ul", "ol"))
_TABLE_PARTS = frozenset(("thead", "tbody", "tfoot", "colgroup", "col"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_KEEP_IF_HOLDS = "h1, main, article, [role=main]"  # a furniture name never drops the page's content
BULLET = "•"

# Walk actions: descend into the element, or not.
_DESCEND, _PASS = True, False


def read_html(data: bytes) -> RawDocument:
    """Read an HTML page into lines; raise DownloadFailed if it is not a document."""
    text, encoding, warnings = decode_html(data)
    _check_nesting(text)
    tree = LexborHTMLParser(text)
    root = _content_root(tree)
    walk = _Walk(chrome_names(), frozenset(web_page_rules().chrome.roles))
    if root is not None:
        walk.run(root)
    raw_text = "\n".join(walk.texts)
    check_page(_summary(tree, root, walk, raw_text))
    return RawDocument(Format.HTML, raw_text, walk.lines, page_count=None, encoding=encoding, warnings=warnings)


def decode_html(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings): a byte-order mark, else the page's <meta> charset, else as text files are."""
    if not data.startswith(_BOMS):
        m = _META_CHARSET.search(data[:META_SCAN])
        declared = _codec(m.group(1).decode("ascii")) if m else None
        if declared and declared != "utf-8":
            try:
                return data.decode(declared), declared, []
            except UnicodeDecodeError as exc:
                text, encoding, warnings = decode(data)
                return text, encoding, [f"not valid {declared} as declared (byte {exc.start}); decoded as {encoding}"]
    return decode(data)


def _codec(label: str) -> str | None:
    """Python's codec for an encoding label, read as a browser reads it; None for unknown or non-text codecs."""
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # base64, rot13 and the like: no page chooses its own undoing
    return _READ_AS.get(info.name, info.name)


def _check_nesting(text: str) -> None:
    """Refuse block elements nested deeper than MAX_NESTING (counted only when there are that many at all)."""
    tags = _BLOCK_TAG.findall(text)
    if len(tags) <= MAX_NESTING:
        return
    depth = deepest = 0
    for close in tags:
        depth = depth - 1 if close else depth + 1
        if depth < 0:
            depth = 0  # a stray end tag closes nothing
        elif depth > deepest:
            deepest = depth
    if deepest > MAX_NESTING:
        raise UnsafeContent(f"HTML block elements nested {deepest:,} deep, limit {MAX_NESTING:,}")


def _content_root(tree: LexborHTMLParser) -> LexborNode | None:
    """The page's main content: <main> or role=main, else its only <article>, else <body>."""
    for main in tree.css("main, [role=main]"):
        attrs = main.attributes
        if "hidden" not in attrs and not _HIDDEN_STYLE.search(attrs.get("style") or ""):
            return main
    articles = tree.css("article")
    if len(articles) == 1:
        return articles[0]
    return tree.body


def _summary(tree: LexborHTMLParser, root: LexborNode | None, walk: _Walk, raw_text: str) -> PageSummary:
    title = tree.css_first("title")
    heading_text = walk.h1 or next((ln.text for ln in walk.lines if ln.hint is _H_HEADING), "")
    refresh = None
    for meta in tree.css("meta[http-equiv]"):
        attrs = meta.attributes
        if (attrs.get("http-equiv") or "").lower() == "refresh":
            content = attrs.get("content") or ""
            refresh = content.split("=", 1)[1].strip(" '\"") if "=" in content else ""
            break
    return PageSummary(
        title=" ".join((title.text(deep=True) if title is not None else "").split()),
        heading=" ".join(heading_text.split()),
        text=raw_text,
        words=len(raw_text.split()),
        link_words=walk.link_words,
        password_field=root is not None and root.css_first("input[type=password i]") is not None,
        refresh_to=refresh,
    )


# -- the walk -----------------------------------------------------------------------------------------


@dataclass
class _List:
    ordered: bool
    next: int = 1
    step: int = 1
    style: str = "1"
    first: bool = True  # the next item is the list's first


@dataclass
class _Table:
    """A data table being read: the current row's cells, and rowspans still covering columns below."""

    rows_started: bool = False
    row: list[str] | None = None
    col: int = 0
    cell: list[str] | None = None  # the current cell's blocks
    cell_span: tuple[int, int] = (1, 1)  # (colspan, rowspan) of the current cell
    covered: dict[int, int] = field(default_factory=dict)  # column -> rows still covered by a rowspan
    first_row: bool = True  # the next row line starts a paragraph


class _Walk:
    """Walks the content's elements once (iteratively: no recursion limit), appending lines and their texts.

    The line being built is `buf` (text pieces) with the attributes it will get: `hint`, `indent`,
    `para` (para_start) and `prefix` (a list marker). A block boundary flushes it.
    """

    def __init__(self, chrome: tuple[re.Pattern[str], re.Pattern[str]], chrome_roles: frozenset[str]) -> None:
        self.chrome = chrome  # furniture names: (of any element, of a plain container)
        self.chrome_roles = chrome_roles
        self.chrome_seen: dict[tuple[str, bool], bool] = {}  # (class and id names, container?) -> furniture?
        self.lines: list[Line] = []
        self.texts: list[str] = []
        self.offset = 0
        self.buf: list[str] = []
        self.hint = _H_NONE
        self.indent = 0
        self.para = True
        self.prefix = ""
        self.lists: list[_List] = []
        self.tables: list[_Table | None] = []  # None: a layout table
        self.pre = 0
        self.heading = 0
        self.sectioning = 0
        self.link = 0
        self.link_words = 0
        self.h1_from: int | None = None  # the line the content's first h1 starts at
        self.h1: str | None = None  # its text

    # -- traversal --------------------------------------------------------------------------------

    def run(self, root: LexborNode) -> None:
        if root.tag in _SECTIONING:
            self.sectioning += 1
        self._block()
        stack: list[tuple[LexborNode, object]] = []
        node = root.child
        while True:
            while node is None:
                if not stack:
                    self._block()
                    return
                parent, leave = stack.pop()
                if leave is not None:
                    leave()
                node = parent.next
            tag = node.tag
            if tag == "-text":
                self._text(node.text_content or "")
                node = node.next
                continue
            if tag[0] == "-" or tag[0] == "!":  # comments, the doctype
                node = node.next
                continue
            descend, leave = self._enter(node, tag)
            if descend and node.child is not None:
                stack.append((node, leave))
                node = node.child
            else:
                if leave is not None:
                    leave()
                node = node.next

    def _enter(self, node: LexborNode, tag: str):
        """Start an element: (descend?, what to do on leaving it or None)."""
        if tag in _SKIP:
            return _PASS, None
        if tag == "br":
            self._break()
            return _PASS, None
        if tag == "hr":
            self._block()
            return _PASS, None
        attrs = node.attributes
        if attrs and self._hidden(node, tag, attrs):
            return _PASS, None
        if tag == "a" and "href" in attrs:
            self.link += 1
            return _DESCEND, self._leave_link
        if tag in _HEADINGS or attrs.get("role") == "heading":
            return self._start_heading(tag)
        if tag == "li":
            return self._start_item(attrs)
        if tag in _LISTS:
            return self._start_list(node, tag, attrs)
        if tag == "table":
            return self._start_table(node, attrs)
        table = self.tables[-1] if self.tables else None
        if table is not None:
            if tag == "tr":
                return self._start_row(table)
            if tag in _CELLS:
                return self._start_cell(table, attrs)
        if tag == "pre":
            self._block()
            self.pre += 1
            return _DESCEND, self._leave_pre
        if tag in _PAGE_CHROME and not self.sectioning:
            return _PASS, None
        if tag in _SECTIONING:
            self.sectioning += 1
            self._block()
            return _DESCEND, self._leave_sectioning
        if tag in _BLOCKS or tag in _TABLE_PARTS or tag == "caption" or tag == "tr" or tag in _CELLS:
            self._block()
            return _DESCEND, self._block
        return _DESCEND, None  # inline

    def _hidden(self, node: LexborNode, tag: str, attrs: dict) -> bool:
        """Hidden, or site furniture by role, class or id (which never drops the page's h1 or main content)."""
        if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
            return True
        style = attrs.get("style")
        if style and _HIDDEN_STYLE.search(style):
            return True
        role = attrs.get("role")
        if role and role.lower() in self.chrome_roles:
            return True
        names = " ".join(filter(None, (attrs.get("class"), attrs.get("id"))))
        if not names or tag in _NAMES_IGNORED:
            return False
        key = (names, tag in _CONTAINERS)
        furniture = self.chrome_seen.get(key)
        if furniture is None:  # a page repeats its class names: each is searched once
            furniture = self.chrome_seen[key] = self.chrome[key[1]].search(names) is not None
        return furniture and node.css_first(_KEEP_IF_HOLDS) is None

    # -- lines ------------------------------------------------------------------------------------

    def _text(self, text: str) -> None:
        self.buf.append(text)
        if self.link and not self.pre:
            self.link_words += len(text.split())

    def _flush(self) -> None:
        """End the line being built: a line (or a block of the current table cell) if it holds any text."""
        if not self.buf:
            return
        joined = "".join(self.buf)
        self.buf.clear()
        table = self.tables[-1] if self.tables else None
        if self.pre and (table is None or table.cell is None):
            self._pre_lines(joined)
            return
        text = " ".join(joined.split())
        if not text:
            return
        if table is not None and table.cell is not None:
            table.cell.append(self.prefix + text)
            self.prefix = ""
            return
        self._add(self.prefix + text, self.para, self.hint, self.indent)
        # What follows in the same block is a paragraph of its own, inside any list item.
        self.prefix = ""
        self.hint = _H_HEADING if self.heading else _H_NONE
        self.para = True
        self.indent = len(self.lists)

    def _add(self, text: str, para: bool, hint: Hint, indent: int, cells=()) -> None:
        self.lines.append(Line(text, None, self.offset, para, hint, indent, cells))
        self.texts.append(text)
        self.offset += len(text) + 1

    def _pre_lines(self, text: str) -> None:
        para = self.para
        for piece in text.split("\n"):
            stripped = piece.strip()
            if not stripped:
                para = True
                continue
            lead = len(piece) - len(piece.lstrip(" \t"))
            self._add(stripped, para, _H_NONE, min(3, lead // 2))
            para = False
        self.para = False

    def _block(self) -> None:
        """A block boundary: end the line; the next starts a paragraph (a pending list item keeps its marker)."""
        self._flush()
        if not self.prefix:
            self.para = True

    def _break(self) -> None:
        """<br>: a new line in the same paragraph (a space in a heading or a table cell)."""
        table = self.tables[-1] if self.tables else None
        if self.heading or (table is not None and table.cell is not None):
            self.buf.append(" ")
            return
        before = len(self.lines)
        self._flush()
        if len(self.lines) > before:
            self.para = False

    # -- headings, lists, pre, sections, links ----------------------------------------------------------

    def _start_heading(self, tag: str):
        self._block()
        self.heading += 1
        if not self.prefix:  # a heading inside a list item is still the item
            self.hint = _H_HEADING
        if tag == "h1" and self.h1_from is None:
            self.h1_from = len(self.lines)
        return _DESCEND, self._leave_heading

    def _leave_heading(self) -> None:
        self._flush()
        if self.h1_from is not None and self.h1 is None and len(self.lines) > self.h1_from:
            self.h1 = " ".join(self.texts[self.h1_from :])
        self.heading -= 1
        if not self.heading:
            self.hint = _H_NONE
            self.para = True

    def _start_list(self, node: LexborNode, tag: str, attrs: dict):
        self._block()
        ordered = tag == "ol"
        lst = _List(ordered)
        if ordered:
            lst.style = attrs.get("type") or "1"
            lst.step = -1 if "reversed" in attrs else 1
            start = _int(attrs.get("start"))
            if start is not None:
                lst.next = start
            elif lst.step < 0:  # a reversed list counts down from its number of items
                lst.next = sum(1 for child in node.iter() if child.tag == "li")
        self.lists.append(lst)
        return _DESCEND, self._leave_list

    def _leave_list(self) -> None:
        self._block()
        self.lists.pop()
        self.indent = len(self.lists)
        self.hint = _H_NONE
        self.para = True

    def _start_item(self, attrs: dict):
        self._block()
        lst = self.lists[-1] if self.lists else None
        marker = BULLET
        if lst is not None and lst.ordered:
            number = _int(attrs.get("value"))
            if number is None:
                number = lst.next
            lst.next = number + lst.step
            marker = _ordinal(number, lst.style) + "."
        self.prefix = marker + " "
        self.hint = _H_BULLET
        self.indent = max(0, len(self.lists) - 1)
        self.para = lst.first if lst is not None else True
        if lst is not None:
            lst.first = False
        return _DESCEND, self._leave_item

    def _leave_item(self) -> None:
        self._flush()
        self.prefix = ""
        self.hint = _H_NONE
        self.indent = len(self.lists)
        self.para = True

    def _leave_pre(self) -> None:
        self._flush()
        self.pre -= 1
        self.para = True

    def _leave_sectioning(self) -> None:
        self._block()
        self.sectioning -= 1

    def _leave_link(self) -> None:
        self.link -= 1

    # -- tables -----------------------------------------------------------------------------------------

    def _start_table(self, node: LexborNode, attrs: dict):
        self._block()
        role = (attrs.get("role") or "").lower()
        layout = role in ("presentation", "none") or len(node.css("table")) > 1  # css() counts the table itself
        self.tables.append(None if layout else _Table())
        return _DESCEND, self._leave_table

    def _leave_table(self) -> None:
        table = self.tables[-1]
        if table is not None and table.row is not None:
            self._end_row(table)
        self._block()
        self.tables.pop()
        self.para = True

    def _start_row(self, table: _Table):
        if table.row is not None:
            self._end_row(table)
        self._block()
        table.row, table.col = [], 0
        return _DESCEND, lambda: self._end_row(table)

    def _start_cell(self, table: _Table, attrs: dict):
        if table.row is None:  # a cell outside a row: the parser gives every cell a row, but be safe
            table.row, table.col = [], 0
        self._flush()
        self._cover(table)
        table.cell = []
        table.cell_span = (max(1, _int(attrs.get("colspan")) or 1), max(1, _int(attrs.get("rowspan")) or 1))
        return _DESCEND, lambda: self._end_cell(table)

    def _cover(self, table: _Table) -> None:
        """Empty cells where rowspans from rows above cover the next columns."""
        while table.covered.get(table.col):
            table.covered[table.col] -= 1
            table.row.append("")
            table.col += 1

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None:
            return
        self._flush()
        table.row.append("\n".join(table.cell))
        table.cell = None
        colspan, rowspan = table.cell_span
        if rowspan > 1:
            for c in range(table.col, table.col + colspan):
                table.covered[c] = rowspan - 1
        table.col += colspan

    def _end_row(self, table: _Table) -> None:
        if table.row is None:
            return
        self._end_cell(table)
        texts = table.row
        table.row = None
        # Columns a rowspan covers past this row's last cell pass a row too.
        for c in [c for c, n in table.covered.items() if c >= table.col and n]:
            table.covered[c] -= 1
        while texts and not texts[-1].strip():
            texts.pop()
        if not texts:
            return
        if len(texts) == 1:  # one cell is not a row: a line of text
            self._add(" ".join(texts[0].split()), True, _H_NONE, 0)
            table.first_row = True
            return
        cells, pos = [], self.offset
        for t in texts:
            cells.append((t, pos))
            pos += len(t) + 1
        self._add("\t".join(texts), table.first_row, _H_ROW, 0, tuple(cells))
        table.first_row = False


def _int(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value else None
    except ValueError:
        return None


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


def _ordinal(n: int, style: str) -> str:
    """An ordered list's number as a browser shows it for type 1, a, A, i or I (decimal below 1 or past z)."""
    if style in ("i", "I") and 0 < n < 4000:
        out = []
        for value, numeral in _ROMAN:
            while n >= value:
                out.append(numeral)
                n -= value
        roman = "".join(out)
        return roman.upper() if style == "I" else roman
    if style in ("a", "A") and 0 < n <= 26:
        letter = chr(ord("a") + n - 1)
        return letter.upper() if style == "A" else letter
    return str(n)
