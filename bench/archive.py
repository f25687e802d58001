"""A synthetic archive for the benchmark: N documents in each of txt, docx and pdf, none byte-identical.

Every document is a variant of one corpus text (corpus/*.txt, corpus/genres/*.txt,
corpus/heldout/*.txt, in turn): its council / service-area names and its dates are replaced with
seeded random ones, and a unique reference line is appended, so the structure stays that of a
real letter or report while every content hash differs. Variant i is written as txt, and rendered
as DOCX and PDF with scripts/make_renditions.py, so the three formats carry the same words.

The archive is cached in a folder keyed by N and a hash of the sources (and of the generators):
a rerun with the same N and unchanged sources reuses it.

Layout of an archive folder:
    manifest.json        key, N, and per format the files with their source and page count
    txt/ docx/ pdf/      the N documents of each format
    x10/txt|docx|pdf/    (on demand) 10 x N copies, each with a unique trailer so hashes differ
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import re
import shutil
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE_GLOBS = ("corpus/*.txt", "corpus/genres/*.txt", "corpus/heldout/*.txt")
RENDITIONS = ROOT / "scripts" / "make_renditions.py"
FORMATS = ("txt", "docx", "pdf")
GENERATOR_VERSION = "1"

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
DATE_RE = re.compile(r"\b(\d{1,2})(st|nd|rd|th)? (" + "|".join(MONTHS) + r") (\d{4})\b")
# "<Name> [Metropolitan Borough|Borough|City|County] Council": the name is the words before the kind.
COUNCIL_RE = re.compile(r"\b((?:[A-Z][a-z]+ )(?:(?:and |upon )?[A-Z][a-z]+ ){0,2})Council\b")
# "[Cafcass] <Name> service area", "<Name> Primary School": service areas and schools.
AREA_RE = re.compile(r"\b((?:[A-Z][a-z]+ ){1,3})(?:service area|(?:Primary|Secondary|Junior|Infant|High) School)\b")
KIND_WORDS = {"Cafcass", "Metropolitan", "Borough", "City", "County", "District", "and", "upon"}
NOT_PLACES = {
    "Care", "Family", "Justice", "Children", "Childrens", "Safeguarding", "Local", "The", "Social",
    "General", "Medical", "Research", "Arts", "Sports", "Health", "Our", "Your", "This", "A", "Cabinet",
    "Full", "Education", "Scrutiny",
}  # fmt: skip
# Places named outside a "... Council" phrase in the sources (Cafcass service areas and the like).
EXTRA_PLACES = ("East Midlands", "Durham and Tees Valley", "Tees Valley", "Durham", "Sunderland", "Kelmouth",
                "Westbury")  # fmt: skip
PLACE_POOL = (
    "Ambridge", "Bramford", "Castlebury", "Dunham Vale", "Elmsworth", "Fenwick", "Glenmoor",
    "Hollowfield", "Ironvale", "Juniper Bay", "Kestrel Down", "Longmead", "Millbrook", "Norbury",
    "Oakhurst", "Pennington", "Queensford", "Ravensby", "Stonebridge", "Thornbury", "Upwell",
    "Valebridge", "Whitcombe", "Yarrow", "Ashbourne Fields", "Brackenridge", "Coldwater",
    "Deepdale", "Eastmarch", "Foxley", "Greystone", "Harrowgate", "Ivybridge Vale", "Kingsholm",
    "Lindenford", "Marshfield", "Newhaven Cross", "Oldcastle", "Primrose Hill", "Redmarsh",
)  # fmt: skip


def sources() -> list[Path]:
    """The corpus texts the archive varies, in a fixed order."""
    return [p for pattern in SOURCE_GLOBS for p in sorted(ROOT.glob(pattern))]


def archive_key(n: int) -> str:
    """Hash of N, the sources' names and bytes, and the code that turns them into the archive."""
    h = hashlib.sha256(f"v{GENERATOR_VERSION} n={n}\n".encode())
    for p in [*sources(), RENDITIONS, Path(__file__)]:
        h.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def load_renditions() -> ModuleType:
    """scripts/make_renditions.py, imported by path (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_renditions", RENDITIONS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def places_in(text: str) -> list[str]:
    """Place names in a text: the names before '... Council', and the known service areas; longest first."""
    found: set[str] = set()
    for m in [*COUNCIL_RE.finditer(text), *AREA_RE.finditer(text)]:
        words = m.group(1).split()
        while words and words[-1] in KIND_WORDS:
            words.pop()
        while words and words[0] in KIND_WORDS:
            words.pop(0)
        if words and not any(w.strip("'s") in NOT_PLACES for w in words):
            found.add(" ".join(words))
    found.update(p for p in EXTRA_PLACES if re.search(rf"\b{re.escape(p)}\b", text))
    return sorted(found, key=lambda p: (-len(p), p))


def vary(text: str, index: int, source_name: str, seed: int = 0) -> str:
    """Variant `index` of a text: new place names and dates (seeded) and a unique reference line."""
    rng = random.Random(f"{seed}:{index}:{source_name}")
    places = places_in(text)
    pool = list(PLACE_POOL)
    rng.shuffle(pool)
    mapping = dict(zip(places, pool, strict=False))
    if mapping:
        pattern = re.compile(r"\b(" + "|".join(re.escape(p) for p in mapping) + r")\b")
        text = pattern.sub(lambda m: mapping[m.group(1)], text)
    # Dates move within their year (day and month), so "before / after" reads the same way.
    shift = {}

    def new_date(m: re.Match[str]) -> str:
        key = m.group(0)
        if key not in shift:
            shift[key] = f"{rng.randint(1, 28)}{m.group(2) or ''} {rng.choice(MONTHS)} {m.group(4)}"
        return shift[key]

    text = DATE_RE.sub(new_date, text).rstrip("\n")
    ref = f"{rng.getrandbits(48):012x}"
    return f"{text}\n\nArchive reference: BENCH-{index:05d}-{ref} ({source_name})\n"


def _pdf_pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def build(folder: Path, n: int) -> dict[str, Any]:
    """Write N variants in each format under `folder` (which must not exist) and its manifest."""
    rend = load_renditions()
    srcs = sources()
    for fmt in FORMATS:
        (folder / fmt).mkdir(parents=True)
    files: dict[str, list[dict[str, Any]]] = {fmt: [] for fmt in FORMATS}
    for i in range(n):
        src = srcs[i % len(srcs)]
        text = vary(src.read_text(encoding="utf-8"), i, src.name)
        title = rend.running_header(text)
        stem = f"{i:05d}_{src.stem}"
        pdf = rend.render_pdf(text, title)
        pages = _pdf_pages(pdf)
        blobs = {"txt": text.encode("utf-8"), "docx": rend.render_docx(text, title), "pdf": pdf}
        for fmt, data in blobs.items():
            name = f"{fmt}/{stem}.{fmt}"
            (folder / name).write_bytes(data)
            # Pages are those of the PDF rendering for every format (DOCX and text have no pages).
            files[fmt].append({"file": name, "source": src.name, "pages": pages, "bytes": len(data)})
    manifest = {"key": archive_key(n), "n": n, "formats": files}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def ensure(folder: Path, n: int) -> tuple[dict[str, Any], bool]:
    """The archive of N in `folder`, generated unless a matching one is there; (manifest, reused)."""
    key = archive_key(n)
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        try:
            manifest = json.loads(manifest_path.read_text())
        except ValueError:
            manifest = {}
        present = manifest.get("key") == key and all(
            (folder / f["file"]).exists() for fs in manifest["formats"].values() for f in fs
        )
        if present:
            return manifest, True
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    manifest = build(tmp, n)
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp.rename(folder)
    return manifest, False


def _with_trailer(fmt: str, data: bytes, tag: str) -> bytes:
    """The same document with a unique trailer: a text line, a PDF comment after %%EOF, a ZIP comment."""
    if fmt == "txt":
        return data + f"Copy reference: {tag}\n".encode()
    if fmt == "pdf":
        return data + f"%copy {tag}\n".encode()
    import io

    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as z:
        z.comment = f"copy {tag}".encode()
    return buf.getvalue()


def ensure_copies(folder: Path, manifest: dict[str, Any], factor: int = 10) -> Path:
    """`factor` x N documents per format under folder/x<factor>/: the N archive's files, each copy unique."""
    out = folder / f"x{factor}"
    stamp = out / "key.txt"
    want = f"{manifest['key']} x{factor}"
    if stamp.exists() and stamp.read_text() == want:
        return out
    tmp = folder / f"x{factor}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for fmt, entries in manifest["formats"].items():
        (tmp / fmt).mkdir(parents=True)
        for entry in entries:
            data = (folder / entry["file"]).read_bytes()
            stem = Path(entry["file"]).stem
            for k in range(factor):
                (tmp / fmt / f"{stem}_c{k:02d}.{fmt}").write_bytes(_with_trailer(fmt, data, f"{stem}-{k:02d}"))
    (tmp / "key.txt").write_text(want)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out
