"""Reference data the database and the report are built with, read from the files shipped with the package.

- the local-authority table (extractors/rules/local_authorities.json, the extractor's own table)
  as rows of table `local_authorities` (pipeline/store/sql/schema/020_local_authorities.sql);
- the map of England's upper-tier authorities (pipeline/store/reference/england_utla_map.json): each
  authority's outline as SVG path data, made by scripts/build_england_map.py from the ONS district
  boundaries and the district -> authority roll-up (pipeline/store/reference/lad23_utla.csv).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from extractors.rules import RULES_DIR, load_la_table

REFERENCE_DIR = Path(__file__).parent / "reference"
LA_TABLE = RULES_DIR / "local_authorities.json"
MAP_FILE = REFERENCE_DIR / "england_utla_map.json"
ROLLUP_FILE = REFERENCE_DIR / "lad23_utla.csv"


def la_rows(path: Path = LA_TABLE) -> list[dict[str, Any]]:
    """Rows of table local_authorities from the LA table file (validated strictly on load)."""
    table = load_la_table(path)
    code_of = {a.name: a.ons_code for a in table.authorities}
    operators: dict[str, list[str]] = {}
    for o in table.operators:
        for council in o.councils:
            operators.setdefault(council, []).append(o.name)
    return [
        {
            "ons_code": a.ons_code,
            "name": a.name,
            "la_code": a.la_code,
            "region": a.region,
            "la_type": a.la_type,
            "urn": a.urn,
            "status": a.status,
            "successors": [code_of[s] for s in a.successors],
            "until": a.until,
            "stat_neighbours": list(a.stat_neighbours),
            "names": list(a.names),
            "operators": sorted(operators.get(a.name, [])),
        }
        for a in table.authorities
    ]


@cache
def la_text() -> str:
    """The LA table file's text, for the schema digest (read once per process)."""
    return LA_TABLE.read_text(encoding="utf-8")


@cache
def england_map() -> dict[str, Any]:
    """The map of England's upper-tier authorities: {"viewbox": ..., "areas": {ons_code: {name, d}}, "source": ...}."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))
