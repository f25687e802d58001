"""Readers and rule-based extractors: files in, `Document`s and `ExtractionRecord`s out.

`EXTRACTOR_VERSION` is recorded with every document and run; `ingest --reprocess` re-extracts the
documents stored under any other version. It is the release number plus a digest of everything that
decides what a record holds (`version_sources`): the extractor and reader code, the rule files and
the schemas. A hand-kept number was never bumped through months of rule changes, so `--reprocess`
after an upgrade found nothing to do; a digest changes with any such edit, and only then.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

RELEASE = "0.1.0"
_PACKAGE = Path(__file__).resolve().parent
# What a record depends on, relative to the project root: code and rule files, read as bytes.
# The trained classifier's files are rules too (extractors/models/**: its weights decide a record's themes).
_VERSION_GLOBS = (
    "extractors/**/*.py",
    "extractors/rules/*.json",
    "extractors/rules/*.jsonl",
    "extractors/models/**/*",
    "schemas/*.py",
)


def version_sources(root: Path = _PACKAGE.parent) -> list[Path]:
    """The files whose bytes make up the extractor version, in a fixed order."""
    return sorted({p for pattern in _VERSION_GLOBS for p in root.glob(pattern) if p.is_file()})


def extractor_version(root: Path = _PACKAGE.parent) -> str:
    """`RELEASE+<12 hex digits>`: the digest of the version sources' names and bytes (~1 ms)."""
    h = hashlib.sha256()
    for path in version_sources(root):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{RELEASE}+{h.hexdigest()[:12]}"


EXTRACTOR_VERSION = extractor_version()
