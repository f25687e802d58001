"""Export every table and view to Parquet or CSV files for pandas, R, Excel or a BI tool.

One file per relation, named <relation>.<format>, plus manifest.json (relation, kind, rows, file).
Every target path is checked to lie directly inside the output folder before DuckDB writes it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from pipeline.errors import BadArguments
from pipeline.store import db as D


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


_RELATION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Exported:
    relation: str
    kind: str  # table | view
    rows: int
    file: str  # name inside the output folder


def target_path(out_dir: Path, relation: str, fmt: ExportFormat) -> Path:
    """OUT_DIR/<relation>.<fmt>, refused unless it resolves to a file directly inside OUT_DIR."""
    if not _RELATION.match(relation):
        raise BadArguments(f"refusing to export {relation!r}: not a plain relation name")
    root = out_dir.resolve()
    target = (root / f"{relation}.{fmt.value}").resolve()
    if target.parent != root:
        raise BadArguments(f"refusing to write {target}: outside {root}")
    return target


def export(db_path: Path | str, out_dir: Path, fmt: ExportFormat = ExportFormat.parquet) -> list[Exported]:
    """Write every table and view of the database to OUT_DIR (created if missing); returns what was written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rels = D.relations(db_path)
    targets = [(name, target_path(out_dir, name, fmt)) for name, _ in rels]
    counts = D.copy_relations(db_path, targets, fmt.value)
    done = [Exported(name, kind, counts[name], f"{name}.{fmt.value}") for name, kind in rels]
    manifest = {"format": fmt.value, "database": str(Path(db_path).resolve()), "relations": [asdict(e) for e in done]}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return done
