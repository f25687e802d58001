"""The one document model every reader produces: normalised text, blocks with provenance, raw text."""

from __future__ import annotations

from bisect import bisect_right
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DOCUMENT_SCHEMA_VERSION = "1.0.0"


class Format(StrEnum):
    """The real format of a file, detected from its bytes."""

    TXT = "txt"
    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"


class BlockKind(StrEnum):
    """What a block is; table rows carry their cells. A footnote is kept out of the text flow around it."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET = "bullet"
    TABLE_ROW = "table_row"
    FOOTNOTE = "footnote"


class Cell(BaseModel):
    """One table cell: its text and character span in the normalised text."""

    model_config = ConfigDict(extra="forbid")

    text: str
    start: int
    end: int


class Block(BaseModel):
    """A heading, paragraph, bullet or table row, located in the normalised text.

    `page` is 1-based for paged formats (PDF, text with form feeds) and None for DOCX and HTML,
    where `index` (the block's position in reading order) is the stable locator. Bullets keep
    their printed `marker` ("-", "3.", "(b)"; None where conversion lost it) apart from `text`.
    """

    model_config = ConfigDict(extra="forbid")

    kind: BlockKind
    text: str
    page: int | None
    start: int
    end: int
    index: int
    level: int = 0
    marker: str | None = None
    cells: list[Cell] = Field(default_factory=list)


class Document(BaseModel):
    """A parsed file: metadata, ordered blocks and the text they index into.

    `text` is the normalised text (blocks joined by newlines; each block's span points
    into it). `raw_text` is what the reader got from the file before normalisation, and
    `offset_map` holds sorted anchor pairs (normalised offset, raw offset): from each
    anchor on, characters were copied verbatim until the next anchor.
    """

    model_config = ConfigDict(extra="forbid")

    schema_name: Literal["InspectionsDocument"] = "InspectionsDocument"
    schema_version: str = DOCUMENT_SCHEMA_VERSION
    source_path: str
    name: str
    sha256: str
    size_bytes: int
    format: Format
    encoding: str | None = None
    page_count: int | None
    text: str
    raw_text: str
    offset_map: list[tuple[int, int]] = Field(default_factory=list)
    blocks: list[Block]
    warnings: list[str] = Field(default_factory=list)

    def raw_offset(self, offset: int) -> int:
        """Map an offset in the normalised text to the raw text it came from."""
        if not self.offset_map:
            return offset
        keys = [a for a, _ in self.offset_map]
        i = bisect_right(keys, offset) - 1
        if i < 0:
            return 0
        norm_at, raw_at = self.offset_map[i]
        return raw_at + (offset - norm_at)

    def page_at(self, offset: int) -> int | None:
        """The page of the block containing `offset` (None for unpaged formats)."""
        starts = [b.start for b in self.blocks]
        i = bisect_right(starts, offset) - 1
        return self.blocks[i].page if i >= 0 else None
