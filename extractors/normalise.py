"""Turn a reader's lines into clean blocks: what real letters need before any rule can run.

Running headers, footers and page numbers go; form-field and HTML debris goes (except from HTML
pages, whose reader leaves none: text there that looks like a tag is the page's own); bullet glyphs of
every kind become bullet blocks (markers kept apart); wrapped lines, hyphenated line ends and
sentences broken by a page are joined. Every character of the normalised text keeps a route back
to the raw text through `Document.offset_map`.

This runs once per document on every line, so the common cases take the cheap route: a document
is scanned once for what cleaning looks for, which settles most lines with substring tests (see
`_Cleaner`); bullet patterns run only on lines whose first character could start one; the
hyphenation evidence is gathered only if a line end needs it.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import PurePath

from extractors.readers.base import Hint, Line, RawDocument
from schemas.document import BlockKind, Document, Format

# Enum members as plain constants: looking a member up on its class costs ~150 ns in Python 3.11,
# and the assembly loop would do that a dozen times a line.
_H_NONE, _H_HEADING, _H_BULLET, _H_ROW, _H_NOTE = Hint.NONE, Hint.HEADING, Hint.BULLET, Hint.TABLE_ROW, Hint.FOOTNOTE
_K_PARAGRAPH, _K_HEADING, _K_BULLET, _K_ROW, _K_NOTE = (
    BlockKind.PARAGRAPH,
    BlockKind.HEADING,
    BlockKind.BULLET,
    BlockKind.TABLE_ROW,
    BlockKind.FOOTNOTE,
)
_FLOWING = (_K_PARAGRAPH, _K_BULLET)  # blocks a following line may continue
_BREAKING_HINTS = (_H_HEADING, _H_BULLET, _H_ROW)  # lines that never continue a block

# Glyphs that start a bullet: ASCII dashes and stars, typographic bullets, Wingdings/Symbol
# private-use glyphs (U+F0B7 and friends) and arrows/ticks Word uses for list levels.
BULLET_GLYPHS = "-–—•·∙◦▪▫●○■□◼◻◆◇►▶➢➤✓✔−*\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf02d\uf0be"
_GLYPH = r"([" + re.escape(BULLET_GLYPHS) + r"]|o(?=\s)|\(cid:\d{1,5}\))\s*(?=\S)"
_NUMBERED = r"(\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)])(?:\s+(?=\S)|(?=[A-Z][a-z]))"
_SECTION_NO = r"\d{1,2}(?:\.\d{1,2}){1,3}\s"
# One pass, tried in order: a section number ("3.2.1 ") is no bullet; then a glyph; then a number.
_BULLET = re.compile(r"\s*(?:" + _SECTION_NO + r"(?P<section>)|" + _GLYPH + r"|" + _NUMBERED + r")")
# A bullet's first non-space character is one of these or a decimal digit; other lines skip _BULLET.
_BULLET_FIRST = frozenset(BULLET_GLYPHS + "(" + string.ascii_lowercase)
_DEBRIS = re.compile(
    r"\bFORM(?:CHECKBOX|TEXT|DROPDOWN)\b|\bMERGEFORMAT\b|\\\*\s*MERGEFORMAT|"
    r"</?(?:ul|ol|li|p|br|span|div|b|i|u|em|strong|font|table|tr|td|th)\b[^>]*>|&nbsp;"
)
_CID = re.compile(r"\(cid:\d{1,5}\)")
# Anything _clean_pieces would change: whitespace runs, tabs, debris, bold markers, odd characters.
_NEEDS_CLEANING = re.compile(
    r"\s\s|[\t\r\f\v]|\*\*|\(cid:|FORM|MERGEFORMAT|<|&nbsp;|[\u00a0\u2009\u202f\ufb01\ufb02\u00ad\u200b-\u200d\ufeff]"
)
# What _NEEDS_CLEANING finds other than a run of two whitespace characters ("FORM" covers MERGEFORMAT).
_CLEANING_TRIGGERS = (
    "\t", "\r", "\f", "\v", "**", "(cid:", "FORM", "<", "&nbsp;",
    "\u00a0", "\u2009", "\u202f", "\ufb01", "\ufb02", "\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff",
)  # fmt: skip
_DEBRIS_TRIGGERS = ("FORM", "<", "&nbsp;")  # the triggers that only debris needs
# The rest of Python's whitespace (str.isspace, which is what \s matches) beyond the plain space, the
# newline and the whitespace triggers above. A raw text holding any of these is checked by the regex.
_ODD_SPACE = (
    "\x1c\x1d\x1e\x1f\x85\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u200a\u2028\u2029\u205f\u3000"
)
_WORD = re.compile(r"[^\s\0]+")
_BOLD_SPLIT = re.compile(r"(?<=[\w)])\*{2,}(?=[\w(])")
_BOLD = re.compile(r"\*{2,}")
_PAGE_NO = re.compile(r"^(?:page\s*)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s*(?:of|/)\s*\d{1,4})?$|^page\s+\d{1,4}\b.*$", re.I)
_NOTE_NUMBER = re.compile(r"\s*\d{1,2}\s?\S")
_PAGE_OF = re.compile(r"^page\s+\d{1,4}\s+of\s+\d{1,4}$", re.I)
_DIGITS = re.compile(r"\d+")
# Searched only in the last three (two) characters of a text: a match ends at its end or before a final newline.
_TERMINAL = re.compile(r"[.!?:;]['’\"”]?$")
_CLAUSE_END = re.compile(r"[.,;:]$")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_HYPHENATED = re.compile(r"\b[A-Za-z]+-[a-z]+\b")
_NON_WORD = re.compile(r"[\s\W]")
_CHAR_FIX = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\ufb01": "fi", "\ufb02": "fl"})
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\ufeff"))
_SUB_LEVEL_MARKERS = ("o", "◦", "○", "▪", "−", "\uf0a7")

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


class _Piece:
    """A word (or a verbatim run of words) and its raw offset; no space before it where bold markers glued it."""

    __slots__ = ("text", "raw", "space_before")

    def __init__(self, text: str, raw: int, space_before: bool = True) -> None:
        self.text = text
        self.raw = raw
        self.space_before = space_before


class _Block:
    """A block being assembled; `text` is filled in once assembly has finished changing its pieces."""

    __slots__ = ("kind", "page", "pieces", "level", "marker", "cells", "standalone", "text")

    def __init__(
        self,
        kind: BlockKind,
        page: int | None,
        pieces: list[_Piece] | None = None,
        level: int = 0,
        marker: str | None = None,
        cells: list[list[_Piece]] | None = None,
    ) -> None:
        self.kind = kind
        self.page = page
        self.pieces = pieces if pieces is not None else []
        self.level = level
        self.marker = marker
        self.cells = cells if cells is not None else []
        self.standalone = False
        self.text = ""


def normalise(raw: RawDocument, *, source_path: str, sha256: str, size_bytes: int) -> Document:
    """Build the Document for a reader's output (pure: no I/O)."""
    lines = _drop_running_heads(raw.lines, raw.page_count)
    lines = _split_all_bold_runs(lines)
    wrap_width = 0 if raw.format is Format.PDF else _wrap_width(lines)
    soft_wrapped = raw.format is Format.PDF or wrap_width > 0
    hyphenated = _LazyHyphenated(raw.raw_text)
    cleaner = _Cleaner(raw.raw_text, debris=raw.format is not Format.HTML)
    blocks = _assemble(lines, cleaner, soft_wrapped=soft_wrapped, hyphenated=hyphenated, wrap_width=wrap_width)
    blocks = _mark_headings(blocks)
    return _materialise(raw, blocks, source_path=source_path, sha256=sha256, size_bytes=size_bytes)


# -- line-level clean-up ---------------------------------------------------------------------------


class _Cleaner:
    """Splits lines of one document into pieces, telling verbatim lines from ones to clean cheaply.

    `_NEEDS_CLEANING` costs ~15 us on a long line. The raw text is checked once for what it looks
    for; a line cut from that raw text can only contain what the raw text does, so substring tests
    for the triggers present (usually none) and for a double space settle the line. Text that is
    not a slice of the raw text, or a raw text with unusual whitespace, falls back to the regex.
    """

    def __init__(self, raw_text: str, debris: bool = True) -> None:
        self.raw_text = raw_text
        self.debris = debris  # False: field codes and tags are text (an HTML page's reader removed the markup)
        odd_space = any(c in raw_text for c in (_ODD_SPACE[:4] if raw_text.isascii() else _ODD_SPACE))
        self.triggers: tuple[str, ...] | None = (
            None
            if odd_space
            else tuple(
                t
                for t in _CLEANING_TRIGGERS
                if t[0] in raw_text and t in raw_text and (debris or t not in _DEBRIS_TRIGGERS)
            )
        )

    def pieces(self, text: str, raw_start: int) -> list[_Piece]:
        """The line's pieces: one verbatim piece where `_NEEDS_CLEANING` finds nothing, else `_clean_pieces`."""
        stripped = text.strip()
        if not stripped:
            return []
        triggers = self.triggers
        if triggers is None or not self.raw_text.startswith(text, raw_start):
            needs_cleaning = _NEEDS_CLEANING.search(stripped) is not None
        else:
            needs_cleaning = "  " in stripped or (
                "\n" in stripped and (" \n" in stripped or "\n " in stripped or "\n\n" in stripped)
            )
            if not needs_cleaning:
                for t in triggers:  # a loop, not any(): this runs for every line
                    if t in stripped:
                        needs_cleaning = True
                        break
        if needs_cleaning:
            return _clean_pieces(text, raw_start, self.debris)
        return [_Piece(stripped, raw_start + text.index(stripped[0]))]  # the common case: one verbatim piece


def _clean_pieces(text: str, raw_start: int, debris: bool = True) -> list[_Piece]:
    """Split a line that needs cleaning into words with raw offsets, dropping debris and fixing odd characters.

    Field codes and HTML tags become spaces; bold markers glued to a word ("1**,") are cut out
    of it, leaving the word's halves joined without a space.
    """
    out: list[_Piece] = []
    # Each substitution runs only if what it looks for is there ("FORM" is in every field code).
    if "(cid:" in text:
        text = _CID.sub(lambda m: "•" + " " * (len(m.group()) - 1), text)  # pdfminer's unmapped glyph: a bullet
    masked = text
    if debris and ("FORM" in text or "<" in text or "&nbsp;" in text):
        masked = _DEBRIS.sub(lambda m: " " * len(m.group()), masked)
    if "**" in masked:
        masked = _BOLD.sub(lambda m: "\0" * len(m.group()), masked)
    for m in _WORD.finditer(masked):
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


def _split_all_bold_runs(lines: list[Line]) -> list[Line]:
    """Every line, with those holding glued bold runs split (`_split_bold_runs`)."""
    out: list[Line] = []
    for line in lines:
        if "**" in line.text:  # what _BOLD_SPLIT needs before it can match
            out.extend(_split_bold_runs(line))
        else:
            out.append(line)
    return out


def _split_bold_runs(line: Line) -> list[Line]:
    """Split "TITLE**Subtitle****1. PURPOSE**" (bold runs glued by conversion) into lines."""
    if line.hint is _H_ROW or not _BOLD_SPLIT.search(line.text):
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
    paged = {ln.page for ln in lines}
    paged.discard(None)
    if len(paged) < 2:
        return lines
    pages: dict[int, list[int]] = {}
    for i, ln in enumerate(lines):
        if ln.page is not None:
            pages.setdefault(ln.page, []).append(i)

    def edges(idxs: list[int]) -> list[int]:
        k = min(HEADER_FOOTER_ZONE, max(1, len(idxs) // 3))  # short pages: first and last lines only
        return sorted(set(idxs[:k] + idxs[len(idxs) - k :])) if k else []

    keys: list[str | None] = [None] * len(lines)  # each line's _head_key, computed once if needed

    def key(i: int) -> str:
        k = keys[i]
        if k is None:
            k = keys[i] = _head_key(lines[i].text)
        return k

    zone = [i for idxs in pages.values() for i in edges(idxs)]
    seen: Counter[str] = Counter()
    for idxs in pages.values():
        seen.update({k for k in (key(i) for i in edges(idxs)) if k})
    need = max(2, int(len(pages) * HEADER_FOOTER_SHARE + 0.5))
    drop = set()
    for i in zone:
        if _PAGE_NO.match(lines[i].text.strip()) or seen[key(i)] >= need:
            drop.add(i)
    # Running heads a converter left mid-page: "Page 2 of 5" anywhere, and title lines (not sentences,
    # not list intros) repeated verbatim on at least three pages and 40% of them.
    pages_of: dict[str, set[int]] = {}
    for i, ln in enumerate(lines):
        if ln.hint is _H_NONE and ln.page is not None and _running_head_candidate(ln.text):
            pages_of.setdefault(key(i), set()).add(ln.page)
    repeated = {k for k, ps in pages_of.items() if len(ps) >= max(3, int(len(pages) * 0.4 + 0.5))}
    for i, ln in enumerate(lines):
        if _PAGE_OF.match(ln.text.strip()) or (ln.hint is _H_NONE and repeated and key(i) in repeated):
            drop.add(i)
    return [ln for i, ln in enumerate(lines) if i not in drop]


def _ends_sentence(text: str) -> bool:
    """Sentence punctuation, maybe a closing quote, at the end: `_TERMINAL` on the tail that can hold it."""
    return _TERMINAL.search(text[-3:]) is not None


def _ends_clause(text: str) -> bool:
    """A full stop, comma, semicolon or colon at the end: `_CLAUSE_END` on the tail that can hold it."""
    return _CLAUSE_END.search(text[-2:]) is not None


def _running_head_candidate(text: str) -> bool:
    text = text.strip()
    return len(text.split(None, 3)) >= 4 and not _ends_sentence(text) and not _bullet_marker(text)


def _wrap_width(lines: list[Line]) -> int:
    """The width a text file's paragraphs were wrapped at (e.g. pdftotext output), or 0 if not wrapped.

    Wrapped prose shows as lines of similar length that stop mid-sentence and run straight on
    into the next line; a list of short complete lines (mastheads, judgement lists) does not.
    The width is the 90th percentile of the body lines' lengths.
    """
    body = [ln for ln in lines if ln.hint is _H_NONE]
    if len(body) < 20:
        return 0
    lengths = [len(ln.text.rstrip()) for ln in body]
    p90 = sorted(lengths)[int(len(lengths) * 0.9)]
    if p90 > 110:
        return 0
    runs = wrapped = 0
    for k in range(1, len(body)):
        if not body[k].para_start:
            runs += 1
            if lengths[k - 1] >= 0.6 * p90 and not _ends_sentence(body[k - 1].text.rstrip()):
                wrapped += 1
    return p90 if runs >= 10 and wrapped >= 0.5 * runs else 0


def _hyphenated_words(raw_text: str) -> set[str]:
    """Words the document itself writes with a hyphen mid-line: evidence to keep one at a line end."""
    return {m.group().lower() for m in _HYPHENATED.finditer(raw_text)}


class _LazyHyphenated:
    """`_hyphenated_words` of the raw text, gathered on the first question (most documents ask none)."""

    __slots__ = ("raw_text", "words")

    def __init__(self, raw_text: str) -> None:
        self.raw_text = raw_text
        self.words: set[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self.words is None:
            self.words = _hyphenated_words(self.raw_text)
        return word in self.words


# -- block assembly --------------------------------------------------------------------------------


def _bullet_marker(text: str, first: str | None = None) -> tuple[str | None, int] | None:
    """The bullet marker at the start of a line and where the content starts, or None.

    `first`, the line's first non-space character, if the caller has it.
    """
    if first is None:
        first = text.lstrip()[:1]
    if first not in _BULLET_FIRST and not first.isdecimal():
        return None
    m = _BULLET.match(text)
    if m is None or m.group("section") is not None:
        return None
    return (m.group(2) if m.group(2) is not None else m.group(3)), m.end()


def _lost_marker(prev: _Block | None, first: str) -> bool:
    """An indented line (`first`: its first non-space character) where conversion lost a bullet marker."""
    if prev is None or not first.isupper():
        return False
    # The block's text ends with its last piece's (pieces are never empty).
    return prev.kind is _K_BULLET or (bool(prev.pieces) and prev.pieces[-1].text.endswith(":"))


def _continues(prev: _Block | None, line: Line, first: str, soft_wrapped: bool, short_prev: bool = False) -> bool:
    """Does this line (`first`: its first non-space character) carry on the previous block?

    Wrapped lines and sentences broken by a page carry on. `short_prev`: in hard-wrapped text,
    the previous line stopped well short of the wrap width, so it ended its paragraph or list
    line; only a lower-case start still continues it.
    """
    if prev is None or prev.kind not in _FLOWING or not prev.pieces:
        return False
    if line.hint in _BREAKING_HINTS:
        return False
    last = prev.pieces[-1].text
    if last.endswith("-") and len(last) > 1 and first.islower():
        return True
    if not line.para_start and soft_wrapped:
        # Wrapped lines carry on, except where layout says otherwise: a line back at the bullet's
        # own indent (not its hanging indent), a capitalised line after a list intro's colon, or
        # one after a line that stopped short of the wrap width.
        layout_break = (prev.kind is _K_BULLET and line.indent <= prev.level) or last.endswith((":", "?")) or short_prev
        if (first.isupper() or first == "(") and layout_break:
            # ... unless the line closes a bracket the block left open ("(Outcome two:" / "National Framework)")
            return _closes_open_bracket(prev, line.text)
        return True
    # Otherwise (a new paragraph by layout, or unwrapped text) only an open sentence carried on in
    # lower case continues: a page break or a conversion gap may still split a sentence.
    return first.islower() and not _ends_sentence(last)


def _closes_open_bracket(prev: _Block, text: str) -> bool:
    """The block's last few words open a bracket that this line closes before opening another."""
    tail = " ".join(p.text for p in prev.pieces[-8:])
    close = text.find(")")
    return tail.count("(") > tail.count(")") and close >= 0 and "(" not in text[:close]


def _append(block: _Block, pieces: list[_Piece], hyphenated: _LazyHyphenated) -> None:
    """Join a continuation line onto a block, mending a hyphenated line end."""
    if block.pieces and pieces:
        last = block.pieces[-1]
        if last.text.endswith("-") and len(last.text) > 1 and last.text[-2].isalpha():
            stem = _NON_WORD.split(last.text[:-1])[-1]
            first_word = pieces[0].text.split()[0] if pieces[0].text.split() else ""
            joined_with = f"{stem}-{first_word}".lower().rstrip(".,;:")
            keep = stem.lower() in KEEP_HYPHEN_PREFIXES or joined_with in hyphenated
            if not keep:
                last.text = last.text[:-1]
            pieces[0].space_before = False
    block.pieces.extend(pieces)


def _assemble(
    lines: list[Line], cleaner: _Cleaner, *, soft_wrapped: bool, hyphenated: _LazyHyphenated, wrap_width: int = 0
) -> list[_Block]:
    """Group lines into table rows, bullets, headings and paragraphs, joining lines that carry a block on."""
    blocks: list[_Block] = []
    prev_len = 0  # length of the previous physical line (hard-wrapped text: short = line ended there)
    short_at = 0.7 * wrap_width
    pieces_of = cleaner.pieces
    prev = None  # the last block of the text flow
    note = None  # the footnote being read: footnotes stand apart, so a paragraph carries on over them
    for line in lines:
        text = line.text
        hint = line.hint
        if hint is _H_NOTE:
            pieces = pieces_of(text, line.raw_start)
            if not pieces:
                continue
            if note is not None and not (line.para_start and _NOTE_NUMBER.match(text)):
                _append(note, pieces, hyphenated)
            else:
                note = _Block(_K_NOTE, line.page, pieces)
                blocks.append(note)
            continue
        note = None
        if hint is _H_ROW and line.cells:
            prev = _Block(_K_ROW, line.page, cells=[pieces_of(t, s) for t, s in line.cells])
            blocks.append(prev)
            continue
        first = text[:1]  # the first non-space character
        indented = first.isspace()
        if indented:
            first = text.lstrip()[:1]
        bullet = _bullet_marker(text, first) if first in _BULLET_FIRST or first.isdecimal() else None
        short_prev = False
        if wrap_width:
            short_prev = prev_len < short_at
            prev_len = len(text.strip())
        if bullet is None and hint is not _H_BULLET and _continues(prev, line, first, soft_wrapped, short_prev):
            pieces = pieces_of(text, line.raw_start)
            if pieces:
                _append(prev, pieces, hyphenated)
            continue
        if bullet is not None:
            marker, content_at = bullet
            pieces = pieces_of(text[content_at:], line.raw_start + content_at)
            level = line.indent or (1 if marker in _SUB_LEVEL_MARKERS else 0)
            block = _Block(_K_BULLET, line.page, pieces, level, marker)
        elif hint is _H_BULLET or (indented and _lost_marker(prev, first)):
            block = _Block(_K_BULLET, line.page, pieces_of(text, line.raw_start), line.indent)
        else:
            kind = _K_HEADING if hint is _H_HEADING else _K_PARAGRAPH
            block = _Block(kind, line.page, pieces_of(text, line.raw_start), line.indent)
        block.standalone = line.para_start
        if block.pieces:
            blocks.append(block)
            prev = block
    for b in blocks:  # pieces are final now
        b.text = _join(b.pieces)
    return blocks


def _long_prose(text: str) -> bool:
    """Three or more sentences and over 50 words: report prose, whatever its number."""
    return len(text.split()) > 50 and len(_SENTENCE_END.findall(text)) >= 3


def _mark_headings(blocks: list[_Block]) -> list[_Block]:
    """Promote short standalone lines that read as titles to headings (form, not wording).

    A numbered bullet becomes a heading (upper case, or a short title before another standalone
    line) or, if it is long prose, a paragraph; a short standalone paragraph that reads as a
    title becomes a heading. Other blocks stay as they are.
    """
    last = len(blocks) - 1
    for i, b in enumerate(blocks):
        kind = b.kind
        if kind is _K_BULLET:
            if not (b.marker and b.marker[0].isdigit()):
                continue
            nxt = blocks[i + 1] if i < last else None
            text = b.text
            short_title = (
                len(text.split()) <= 8 and not _ends_clause(text) and b.standalone
                and (nxt is None or (nxt.standalone and not (nxt.marker or "")[:1].isdigit()))
            )  # fmt: skip
            if text.isupper() or short_title:
                b.kind = _K_HEADING
            elif _long_prose(text):
                b.kind = _K_PARAGRAPH  # a numbered paragraph of a report, not a list item
            continue
        if kind is not _K_PARAGRAPH or not b.standalone:
            continue
        if i < last and not blocks[i + 1].standalone:
            continue
        words = b.text.split()
        if not words or len(words) > MAX_HEADING_WORDS:
            continue
        if _ends_clause(b.text) or not (words[0][:1].isupper() or words[0][:1].isdigit()):
            continue
        b.kind = _K_HEADING
    return blocks


# -- materialise -----------------------------------------------------------------------------------


def _join(pieces: list[_Piece]) -> str:
    if len(pieces) == 1:
        return pieces[0].text
    out = []
    for i, p in enumerate(pieces):
        if i and p.space_before:
            out.append(" ")
        out.append(p.text)
    return "".join(out)


class _OffsetMap:
    """The anchors that map the normalised text back to the raw text, built piece by piece."""

    __slots__ = ("anchors", "delta")

    def __init__(self) -> None:
        self.anchors: list[tuple[int, int]] = []
        self.delta: int | None = None  # raw minus normalised offset since the last anchor

    def place(self, pieces: list[_Piece], pos: int) -> int:
        """Lay the pieces out from normalised offset `pos`, recording anchors; return where they end."""
        anchors = self.anchors
        for i, p in enumerate(pieces):
            if i and p.space_before:
                pos += 1
            if p.raw - pos != self.delta:  # not still copying verbatim: a new anchor
                self.delta = p.raw - pos
                anchors.append((pos, p.raw))
            pos += len(p.text)
        return pos


def _materialise(raw: RawDocument, blocks: list[_Block], *, source_path: str, sha256: str, size_bytes: int) -> Document:
    """The Document: blocks joined by newlines (table cells by tabs), each with its span and the offset map.

    Blocks and cells go to pydantic as plain dicts and are validated with the Document, once.
    """
    offsets = _OffsetMap()
    texts: list[str] = []
    out: list[dict] = []
    pos = 0
    for index, b in enumerate(blocks):
        if index:
            pos += 1  # the newline between blocks
        start = pos
        if b.kind is _K_ROW:
            cells = []
            for j, cell in enumerate(b.cells):
                if j:
                    pos += 1  # the tab between cells
                c0 = pos
                pos = offsets.place(cell, pos)
                cells.append({"text": _join(cell), "start": c0, "end": pos})
            text = "\t".join(c["text"] for c in cells)
            texts.append(text)
            out.append(
                {
                    "kind": b.kind,
                    "text": text,
                    "page": b.page,
                    "start": start,
                    "end": pos,
                    "index": index,
                    "cells": cells,
                }
            )
            continue
        pos = offsets.place(b.pieces, pos)
        texts.append(b.text)
        out.append(
            {
                "kind": b.kind,
                "text": b.text,
                "page": b.page,
                "start": start,
                "end": pos,
                "index": index,
                "level": b.level,
                "marker": b.marker,
            }
        )
    return Document(
        source_path=source_path,
        name=PurePath(source_path).name,
        sha256=sha256,
        size_bytes=size_bytes,
        format=raw.format,
        encoding=raw.encoding,
        page_count=raw.page_count,
        text="\n".join(texts),
        raw_text=raw.raw_text,
        offset_map=offsets.anchors,
        blocks=out,
        warnings=list(raw.warnings),
    )
