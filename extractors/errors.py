"""The project's typed errors, each with a code and a message a user can act on.

Readers raise only `ReadError` subclasses; anything else escaping a reader is a bug.
The pipeline records `code`, `str(error)` and the exception type in `ingest_errors`.
"""

from __future__ import annotations


class InspectionsError(Exception):
    """Base of every error the project raises on purpose."""

    code = "E000"
    advice = ""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [self.__doc__.strip().splitlines()[0].rstrip(".") if self.__doc__ else self.code]
        if self.detail:
            parts.append(self.detail)
        if self.advice:
            parts.append(self.advice)
        return ": ".join(parts[:2]) + (f" ({parts[2]})" if len(parts) > 2 else "")


class ReadError(InspectionsError):
    """The file could not be read."""

    code = "E100"


class EmptyFile(ReadError):
    """Empty file."""

    code = "E101"
    advice = "nothing to extract; remove it or replace it with the real document"


class UnsupportedFormat(ReadError):
    """Unsupported format."""

    code = "E102"
    advice = "supply the document as PDF, DOCX, HTML or plain text"


class CorruptFile(ReadError):
    """Corrupt or truncated file."""

    code = "E103"
    advice = "download or export the document again"


class EncryptedPDF(ReadError):
    """Encrypted PDF."""

    code = "E104"
    advice = "supply a password or a decrypted copy"


class NoTextLayer(ReadError):
    """No text layer."""

    code = "E105"
    advice = "the PDF is scanned images: it needs OCR before extraction"


class LegacyDoc(ReadError):
    """Old binary Word .doc."""

    code = "E106"
    advice = "convert it to .docx or PDF (e.g. libreoffice --headless --convert-to docx)"


class TooLarge(ReadError):
    """File exceeds the size limit."""

    code = "E107"
    advice = "raise --max-bytes if the file is genuine"


class UnsafeContent(ReadError):
    """Unsafe content refused."""

    code = "E108"
    advice = "the file looks like a decompression bomb, entity expansion or parser bomb; check its origin"


class UnreadableFolder(ReadError):
    """Folder could not be read."""

    code = "E109"
    advice = "check its permissions: none of the files under it were ingested"


class ExtractionError(InspectionsError):
    """Extraction failed on a readable document."""

    code = "E200"
    advice = "please report it with the file attached"


class LimitExceeded(ReadError):
    """A resource limit stopped the parser."""

    code = "E110"


class TimeLimit(LimitExceeded):
    """Time limit exceeded."""

    code = "E111"
    advice = "the file may be damaged or pathological; raise --time-limit if it is genuine"


class MemoryLimit(LimitExceeded):
    """Memory limit exceeded."""

    code = "E112"
    advice = "the file may be damaged or pathological; raise --memory-limit if it is genuine"


class ParserCrashed(LimitExceeded):
    """The parser process died."""

    code = "E113"
    advice = "the file crashed a PDF/DOCX library; check it opens elsewhere and report it"


class DownloadFailed(ReadError):
    """Download failed.

    The file stands in for a document it is not: a site's error, login or search page, an
    almost empty page, or a JSON/XML error body, saved under the document's name (often `.pdf`).
    """

    code = "E114"
    advice = "fetch it again from its source"


class BadModel(InspectionsError):
    """The shipped classifier model is missing or does not match the rules."""

    code = "E210"
    advice = "rebuild it: python scripts/train_national_framework.py"
