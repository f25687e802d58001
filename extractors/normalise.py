"""Turn a reader's lines into clean blocks: what real letters need before any rule can run.

Running headers, footers and page numbers go; form-field and HTML debris goes; bullet glyphs of
every kind become bullet blocks (markers kept apart); wrapped lines, hyphenated line ends and
sentences broken by a page are joined. Every character of the normalised text keeps a route back
to the raw text through `Document.offset_map`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from extractors.readers.base import Hint, Line, RawDocument
from schemas.document import Block, BlockKind, Cell, Document, Format

# Glyphs that start a bullet: ASCII dashes and stars, typographic bullets, Wingdings/Symbol
# private-use glyphs (U+F0B7 and friends) and arrows/ticks Word uses for list levels.
BULLET_GLYPHS = "-–—•·∙◦▪▫●○■□◆◇►▶➢➤✓✔*\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf02d"
_GLYPH = re.compile(r"^\s*([" + re.escape(BULLET_GLYPHS) + r"]|o(?=\s)|\(cid:\d{1,5}\))\s*(?=\S)")
_NUMBERED = re.compile(r"^\s*(\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+(?=\S)")
_SECTION_NO = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2}){1,3}\s")
_DEBRIS = re.compile(
    r"\bFORM(?:CHECKBOX|TEXT|DROPDOWN)\b|\bMERGEFORMAT\b|\\\*\s*MERGEFORMAT|"
    r"</?(?:ul|ol|li|p|br|span|div|b|i|u|em|strong|font|table|tr|td|th)\b[^>]*>|&nbsp;"
)
_CID = re.compile(r"\(cid:\d{1,5}\)")
# Anything _clean_pieces would change: whitespace runs, tabs, debris, bold markers, odd characters.
_NEEDS_CLEANING = re.compile(
    r"\s\s|[\t\r\f\v]|\*\*|\(cid:|FORM|MERGEFORMAT|<|&nbsp;|[\u00a0\u2009\u202f\ufb01\ufb02\u00ad\u200b-\u200d\ufeff]"
)
_BOLD_SPLIT = re.compile(r"(?<=[\w)])\*{2,}(?=[\w(])")
_BOLD = re.compile(r"\*{2,}")
_PAGE_NO = re.compile(r"^(?:page\s*)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s*(?:of|/)\s*\d{1,4})?$|^page\s+\d{1,4}\b.*$", re.I)
_PAGE_OF = re.compile(r"^page\s+\d{1,4}\s+of\s+\d{1,4}$", re.I)
_DIGITS = re.compile(r"\d+")
_TERMINAL = re.compile(r"[.!?:;]['’\"”]?$")
_CHAR_FIX = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\ufb01": "fi", "\ufb02": "fl"})
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\ufeff"))

# Prefixes whose hyphen is part of the word: "co-\noperate" stays "co-operate".
KEEP_HYPHEN_PREFIXES = frozenset(
    [
        "co",
        "post",
        "pre",
        "non",
        "re",
        "self",
        "well",
        "long",
        "short",
        "multi",
        "inter",
        "cross",
        "anti",
        "ex",
        "sub",
        "semi",
        "full",
        "part",
        "on",
        "off",
        "high",
        "low",
        "under",
        "over",
        "mid",
        "cost",
        "early",
        "after",
        "follow",
        "up",
        "sign",
        "in",
        "out",
        "day",
        "year",
        "age",
        "child",
        "family",
        "face",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "ten",
    ]
)

HEADER_FOOTER_ZONE = 3  # lines at the top and bottom of a page that may be running heads
HEADER_FOOTER_SHARE = 0.5  # a candidate must recur on at least this share of pages
MAX_HEADING_WORDS = 14


@dataclass
class _Piece:
    text: str
    raw: int
    space_before: bool = True


@dataclass
class _Block:
    kind: BlockKind
    page: int | None
    pieces: list[_Piece] = field(default_factory=list)
    level: int = 0
    marker: str | None = None
    cells: list[list[_Piece]] = field(default_factory=list)
    standalone: bool = False

    @property
    def text(self) -> str:
        return _join(self.pieces)


def normalise(raw: RawDocument, *, source_path: str, sha256: str, size_bytes: int) -> Document:
    """Build the Document for a reader's output (pure: no I/O)."""
    lines = _drop_running_heads(raw.lines, raw.page_count)
    lines = [ln for line in lines for ln in _split_bold_runs(line)]
    wrap_width = 0 if raw.format is Format.PDF else _wrap_width(lines)
    soft_wrapped = raw.format is Format.PDF or wrap_width > 0
    hyphenated = _hyphenated_words(raw.raw_text)
    blocks = _assemble(lines, soft_wrapped=soft_wrapped, hyphenated=hyphenated, wrap_width=wrap_width)
    blocks = _mark_headings(blocks)
    return _materialise(raw, blocks, source_path=source_path, sha256=sha256, size_bytes=size_bytes)


# -- line-level clean-up ---------------------------------------------------------------------------


def _clean_pieces(text: str, raw_start: int) -> list[_Piece]:
    """Split a line into words with raw offsets, dropping debris and fixing odd characters.

    Field codes and HTML tags become spaces; bold markers glued to a word ("1**,") are cut out
    of it, leaving the word's halves joined without a space.
    """
    stripped = text.strip()
    if stripped and not _NEEDS_CLEANING.search(stripped):  # the common case: one verbatim piece
        return [_Piece(stripped, raw_start + text.index(stripped[0]))]
    out: list[_Piece] = []
    text = _CID.sub(lambda m: "•" + " " * (len(m.group()) - 1), text)  # pdfminer's unmapped glyph: a bullet
    masked = _DEBRIS.sub(lambda m: " " * len(m.group()), text)
    masked = _BOLD.sub(lambda m: "\0" * len(m.group()), masked)
    for m in re.finditer(r"[^\s\0]+", masked):
        word = m.group().translate(_CHAR_FIX).translate(_INVISIBLE)
        if not word:
            continue
        glued = (
            m.start() > 0
            and masked[m.start() - 1] == "\0"
            and bool(out)
            and (out[-1].raw + len(out[-1].text) == raw_start + m.start() - len(_bold_run_before(masked, m.start())))
        )
        out.append(_Piece(word, raw_start + m.start(), space_before=not glued))
    return out


def _bold_run_before(masked: str, at: int) -> str:
    j = at
    while j > 0 and masked[j - 1] == "\0":
        j -= 1
    return masked[j:at]


def _split_bold_runs(line: Line) -> list[Line]:
    """Split "TITLE**Subtitle****1. PURPOSE**" (bold runs glued by conversion) into lines."""
    if line.hint is Hint.TABLE_ROW or not _BOLD_SPLIT.search(line.text):
        return [line]
    out, pos = [], 0
    for m in _BOLD_SPLIT.finditer(line.text):
        out.append((line.text[pos : m.start()], pos))
        pos = m.end()
    out.append((line.text[pos:], pos))
    return [
        Line(t, line.page, line.raw_start + p, para_start=True, hint=line.hint, indent=line.indent)
        for t, p in out
        if t.strip(" *")
    ]


def _head_key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _drop_running_heads(lines: list[Line], page_count: int | None) -> list[Line]:
    """Remove page numbers and lines repeated at the top or bottom of most pages."""
    pages: dict[int, list[int]] = {}
    for i, ln in enumerate(lines):
        if ln.page is not None:
            pages.setdefault(ln.page, []).append(i)
    if len(pages) < 2:
        return lines

    def edges(idxs: list[int]) -> list[int]:
        k = min(HEADER_FOOTER_ZONE, max(1, len(idxs) // 3))  # short pages: first and last lines only
        return sorted(set(idxs[:k] + idxs[len(idxs) - k :])) if k else []

    zone = [i for idxs in pages.values() for i in edges(idxs)]
    seen: Counter[str] = Counter()
    for idxs in pages.values():
        seen.update({k for k in (_head_key(lines[i].text) for i in edges(idxs)) if k})
    need = max(2, int(len(pages) * HEADER_FOOTER_SHARE + 0.5))
    drop = set()
    for i in zone:
        text = lines[i].text.strip()
        if _PAGE_NO.match(text) or seen[_head_key(text)] >= need:
            drop.add(i)
    # Running heads a converter left mid-page: "Page 2 of 5" anywhere, and title lines (not sentences,
    # not list intros) repeated verbatim on at least three pages and 40% of them.
    pages_of: dict[str, set[int]] = {}
    for ln in lines:
        if ln.hint is Hint.NONE and ln.page is not None and _running_head_candidate(ln.text):
            pages_of.setdefault(_head_key(ln.text), set()).add(ln.page)
    repeated = {k for k, ps in pages_of.items() if len(ps) >= max(3, int(len(pages) * 0.4 + 0.5))}
    for i, ln in enumerate(lines):
        text = ln.text.strip()
        if _PAGE_OF.match(text) or (ln.hint is Hint.NONE and _head_key(text) in repeated):
            drop.add(i)
    return [ln for i, ln in enumerate(lines) if i not in drop]


def _running_head_candidate(text: str) -> bool:
    text = text.strip()
    return len(text.split()) >= 4 and not _TERMINAL.search(text) and not _bullet_marker(text)


def _wrap_width(lines: list[Line]) -> int:
    """The width a text file's paragraphs were wrapped at (e.g. pdftotext output), or 0 if not wrapped.

    Wrapped prose shows as lines of similar length that stop mid-sentence and run straight on
    into the next line; a list of short complete lines (mastheads, judgement lists) does not.
    """
    if not _looks_hard_wrapped(lines):
        return 0
    lengths = sorted(len(ln.text.rstrip()) for ln in lines if ln.hint is Hint.NONE)
    return lengths[int(len(lengths) * 0.9)]


def _looks_hard_wrapped(lines: list[Line]) -> bool:
    """True when a text file's paragraphs were wrapped at a fixed width (e.g. pdftotext output).

    Wrapped prose shows as lines of similar length that stop mid-sentence and run straight on
    into the next line; a list of short complete lines (mastheads, judgement lists) does not.
    """
    body = [ln for ln in lines if ln.hint is Hint.NONE]
    lengths = sorted(len(ln.text.rstrip()) for ln in body)
    if len(lengths) < 20:
        return False
    p90 = lengths[int(len(lengths) * 0.9)]
    if p90 > 110:
        return False
    runs = [(a, b) for a, b in zip(body, body[1:], strict=False) if not b.para_start]
    wrapped = [a for a, _ in runs if len(a.text.rstrip()) >= 0.6 * p90 and not _TERMINAL.search(a.text.rstrip())]
    return len(runs) >= 10 and len(wrapped) >= 0.5 * len(runs)


def _hyphenated_words(raw_text: str) -> set[str]:
    """Words the document itself writes with a hyphen mid-line: evidence to keep one at a line end."""
    return {m.group().lower() for m in re.finditer(r"\b[A-Za-z]+-[a-z]+\b", raw_text)}


# -- block assembly --------------------------------------------------------------------------------


def _bullet_marker(text: str) -> tuple[str | None, int] | None:
    """The bullet marker at the start of a line and where the content starts, or None."""
    if _SECTION_NO.match(text):
        return None
    m = _GLYPH.match(text) or _NUMBERED.match(text)
    if not m:
        return None
    return m.group(1), m.end()


def _lost_marker(line: Line, prev: _Block | None) -> bool:
    """A line indented by conversion where a bullet marker was lost, inside or after a list."""
    if not prev or not line.text[:1].isspace():
        return False
    first = line.text.lstrip()[:1]
    if not first.isupper():
        return False
    return prev.kind is BlockKind.BULLET or prev.text.endswith(":")


def _continues(prev: _Block | None, line: Line, *, soft_wrapped: bool, short_prev: bool = False) -> bool:
    """Does this line carry on the previous block (wrapped line, page break mid-sentence)?

    `short_prev`: in hard-wrapped text, the previous line stopped well short of the wrap width,
    so it ended its paragraph or list line; only a lower-case start still continues it.
    """
    if prev is None or prev.kind not in (BlockKind.PARAGRAPH, BlockKind.BULLET) or not prev.pieces:
        return False
    if line.hint in (Hint.HEADING, Hint.BULLET, Hint.TABLE_ROW):
        return False
    last = prev.pieces[-1].text
    first = line.text.lstrip()
    if last.endswith("-") and len(last) > 1 and first[:1].islower():
        return True
    open_sentence = not _TERMINAL.search(last)
    lower_start = first[:1].islower()
    if not line.para_start and soft_wrapped:
        # Wrapped lines carry on, except where layout says otherwise: a line back at the bullet's
        # own indent (not its hanging indent), a capitalised line after a list intro's colon, or
        # one after a line that stopped short of the wrap width.
        layout_break = (
            (prev.kind is BlockKind.BULLET and line.indent <= prev.level) or last.endswith((":", "?")) or short_prev
        )
        return not ((first[:1].isupper() or first[:1] == "(") and layout_break)
    if not line.para_start:
        return open_sentence and lower_start
    # A new paragraph by layout; a page break or a conversion gap may still split a sentence.
    return open_sentence and lower_start


def _append(block: _Block, pieces: list[_Piece], hyphenated: set[str]) -> None:
    """Join a continuation line onto a block, mending a hyphenated line end."""
    if block.pieces and pieces:
        last = block.pieces[-1]
        if last.text.endswith("-") and len(last.text) > 1 and last.text[-2].isalpha():
            stem = re.split(r"[\s\W]", last.text[:-1])[-1]
            first_word = pieces[0].text.split()[0] if pieces[0].text.split() else ""
            joined_with = f"{stem}-{first_word}".lower().rstrip(".,;:")
            keep = stem.lower() in KEEP_HYPHEN_PREFIXES or joined_with in hyphenated
            if not keep:
                last.text = last.text[:-1]
            pieces[0].space_before = False
    block.pieces.extend(pieces)


def _assemble(lines: list[Line], *, soft_wrapped: bool, hyphenated: set[str], wrap_width: int = 0) -> list[_Block]:
    blocks: list[_Block] = []
    prev_len = 0  # length of the previous physical line (hard-wrapped text: short = line ended there)
    for line in lines:
        prev = blocks[-1] if blocks else None
        if line.hint is Hint.TABLE_ROW and line.cells:
            cells = [_clean_pieces(t, s) for t, s in line.cells]
            blocks.append(_Block(BlockKind.TABLE_ROW, line.page, cells=cells))
            continue
        bullet = _bullet_marker(line.text)
        short_prev = bool(wrap_width) and prev_len < 0.7 * wrap_width
        prev_len = len(line.text.strip())
        if (
            bullet is None
            and line.hint is not Hint.BULLET
            and _continues(prev, line, soft_wrapped=soft_wrapped, short_prev=short_prev)
        ):
            pieces = _clean_pieces(line.text, line.raw_start)
            if pieces:
                _append(prev, pieces, hyphenated)
            continue
        if bullet is not None:
            marker, content_at = bullet
            pieces = _clean_pieces(line.text[content_at:], line.raw_start + content_at)
            level = line.indent or (1 if marker in ("o", "◦", "○", "▪", "\uf0a7") else 0)
            block = _Block(BlockKind.BULLET, line.page, pieces, level=level, marker=marker)
        elif line.hint is Hint.BULLET or _lost_marker(line, prev):
            pieces = _clean_pieces(line.text, line.raw_start)
            block = _Block(BlockKind.BULLET, line.page, pieces, level=line.indent)
        else:
            pieces = _clean_pieces(line.text, line.raw_start)
            kind = BlockKind.HEADING if line.hint is Hint.HEADING else BlockKind.PARAGRAPH
            block = _Block(kind, line.page, pieces, level=line.indent)
        block.standalone = line.para_start
        if block.pieces:
            blocks.append(block)
    return blocks


def _long_prose(text: str) -> bool:
    """Three or more sentences and over 50 words: report prose, whatever its number."""
    return len(text.split()) > 50 and len(re.findall(r"[.!?](?:\s|$)", text)) >= 3


def _mark_headings(blocks: list[_Block]) -> list[_Block]:
    """Promote short standalone lines that read as titles to headings (form, not wording)."""
    for i, b in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        numbered = b.kind is BlockKind.BULLET and bool(b.marker) and b.marker[0].isdigit()
        short_title = (
            len(b.text.split()) <= 8 and not re.search(r"[.,;:]$", b.text) and b.standalone
            and (nxt is None or (nxt.standalone and not (nxt.marker or "")[:1].isdigit()))
        )  # fmt: skip
        if numbered and (b.text.isupper() or short_title):
            b.kind = BlockKind.HEADING
            continue
        if numbered and _long_prose(b.text):
            b.kind = BlockKind.PARAGRAPH  # a numbered paragraph of a report, not a list item
            continue
        if b.kind is not BlockKind.PARAGRAPH or not b.standalone:
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if nxt is not None and not nxt.standalone:
            continue
        words = b.text.split()
        if not words or len(words) > MAX_HEADING_WORDS:
            continue
        if re.search(r"[.,;:]$", b.text) or not (words[0][:1].isupper() or words[0][:1].isdigit()):
            continue
        b.kind = BlockKind.HEADING
    return blocks


# -- materialise -----------------------------------------------------------------------------------


def _join(pieces: list[_Piece]) -> str:
    out = []
    for i, p in enumerate(pieces):
        if i and p.space_before:
            out.append(" ")
        out.append(p.text)
    return "".join(out)


class _TextBuilder:
    """Accumulates the normalised text and the anchors that map it back to the raw text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.anchors: list[tuple[int, int]] = []

    def sep(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def add(self, pieces: list[_Piece]) -> tuple[int, int]:
        start = self.length
        for i, p in enumerate(pieces):
            if i and p.space_before:
                self.sep(" ")
            self._anchor(self.length, p.raw)
            self.parts.append(p.text)
            self.length += len(p.text)
        return start, self.length

    def _anchor(self, norm: int, raw: int) -> None:
        if self.anchors:
            n0, r0 = self.anchors[-1]
            if norm - n0 == raw - r0:
                return  # still copying verbatim: no new anchor needed
        self.anchors.append((norm, raw))

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _materialise(raw: RawDocument, blocks: list[_Block], *, source_path: str, sha256: str, size_bytes: int) -> Document:
    tb = _TextBuilder()
    out: list[Block] = []
    for index, b in enumerate(blocks):
        if index:
            tb.sep("\n")
        if b.kind is BlockKind.TABLE_ROW:
            start = tb.length
            cells = []
            for j, cell in enumerate(b.cells):
                if j:
                    tb.sep("\t")
                c0, c1 = tb.add(cell)
                cells.append(Cell(text=_join(cell), start=c0, end=c1))
            text = "\t".join(c.text for c in cells)
            out.append(Block(kind=b.kind, text=text, page=b.page, start=start, end=tb.length, index=index, cells=cells))
            continue
        start, end = tb.add(b.pieces)
        out.append(
            Block(
                kind=b.kind, text=b.text, page=b.page, start=start, end=end, index=index, level=b.level, marker=b.marker
            )
        )
    text = tb.text
    return Document(
        source_path=source_path,
        name=PurePath(source_path).name,
        sha256=sha256,
        size_bytes=size_bytes,
        format=raw.format,
        encoding=raw.encoding,
        page_count=raw.page_count,
        text=text,
        raw_text=raw.raw_text,
        offset_map=tb.anchors,
        blocks=out,
        warnings=list(raw.warnings),
    )
