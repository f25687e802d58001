"""Build extractors/rules/local_authorities.json, the local-authority reference table, from la_lookup.csv.

Input: `la_lookup.csv` (default ../shared/real/reference/la_lookup.csv), one row per English local
authority with children's services, as compiled by JT-39/ofsted-ilacs-scrape-tool
(`import_data/la_lookup/Provider_data_lookup.csv`) from DfE and ONS public reference data: Ofsted
URN, DfE LA number, ONS code, names and aliases, region, type and DfE statistical neighbours.

Added here, by hand (the CURATED_* tables below; public facts, each checkable):
- the names councils are printed under in Ofsted's documents, beyond the ONS name: official
  council names ("Oldham Metropolitan Borough Council", "London Borough of Enfield", "Royal Borough
  of Greenwich", "City of Bradford Metropolitan District Council") and short forms ("Hull");
- predecessors of reorganised councils, each mapped to its successor(s) with its own name and
  codes kept: Bournemouth, Poole and Christchurch (-> Bournemouth, Christchurch and Poole, 2019),
  Dorset County Council (-> Dorset, 2019), Buckinghamshire County Council (2020), Northamptonshire
  (-> North and West Northamptonshire, 2021), Cumbria (-> Cumberland, Westmorland and Furness,
  2023), North Yorkshire County Council and Somerset County Council (2023). A predecessor with
  two successors (Northamptonshire, Cumbria) is its own provider: its documents cannot be given
  to either successor;
- children's services trusts and companies that run a council's children's services and are
  named in report titles ("Inspection of Bradford Children and Families Trust"), each mapped to
  its council(s).

Output rows are sorted by canonical name; the file is deterministic (reruns do not churn git).
Run: .venv/bin/python scripts/build_la_table.py [path/to/la_lookup.csv] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "real" / "reference" / "la_lookup.csv"
DEFAULT_OUTPUT = ROOT / "extractors" / "rules" / "local_authorities.json"
ORIGIN = (
    "JT-39/ofsted-ilacs-scrape-tool, import_data/la_lookup/Provider_data_lookup.csv: DfE and ONS public "
    "reference data (Ofsted URN, DfE LA number, ONS code, region, type, DfE statistical neighbours)"
)

# The ONS name cleaned into the canonical short name (the name a council is known by).
CANONICAL = {
    "Bristol, City of": "Bristol",
    "Kingston Upon Hull, City of": "Kingston upon Hull",
    "Bedford Borough": "Bedford",
    "St. Helens": "St Helens",
}

# la_lookup's type is blank or stale for a few rows.
LA_TYPE = {
    "Poole": "Unitary Authority",
    "Northamptonshire": "County",
    "Cumberland": "Unitary Authority",
    "Westmorland and Furness": "Unitary Authority",
    "North Yorkshire": "Unitary Authority",
}

# How councils of each type name themselves; CURATED_NAMES adds the exceptions (city councils,
# royal boroughs, "City of ..." names) and forms seen in print.
TYPE_TEMPLATES = {
    "London Borough": ["London Borough of {n}", "{n} London Borough Council", "{n} Council"],
    "Metropolitan District": [
        "{n} Metropolitan Borough Council",
        "Metropolitan Borough of {n}",
        "{n} Borough Council",
        "{n} Council",
    ],
    "County": ["{n} County Council"],
    "Unitary Authority": ["{n} Council"],
}

CURATED_NAMES: dict[str, list[str]] = {
    "Barking and Dagenham": ["Barking & Dagenham"],
    "Bath and North East Somerset": ["Bath & North East Somerset Council", "BANES"],
    "Bedford": ["Bedford Borough Council", "Bedford Borough"],
    "Birmingham": ["Birmingham City Council"],
    "Blackburn with Darwen": ["Blackburn with Darwen Borough Council"],
    "Bournemouth, Christchurch and Poole": ["BCP Council"],
    "Bradford": [
        "City of Bradford Metropolitan District Council",
        "Bradford Metropolitan District Council",
        "City of Bradford",
    ],
    "Brighton and Hove": ["Brighton & Hove City Council", "Brighton and Hove City Council"],
    "Bristol": ["Bristol City Council", "City of Bristol"],
    "Buckinghamshire": ["Buckinghamshire Council"],
    "City of London": ["City of London Corporation", "Corporation of London"],
    "Coventry": ["Coventry City Council"],
    "Cumberland": ["Cumberland Council"],
    "Darlington": ["Darlington Borough Council"],
    "Derby": ["Derby City Council"],
    "Doncaster": ["City of Doncaster Council"],
    "Dorset": ["Dorset Council"],
    "Durham": ["Durham County Council", "County Durham"],
    "Greenwich": ["Royal Borough of Greenwich"],
    "Halton": ["Halton Borough Council"],
    "Hammersmith and Fulham": ["London Borough of Hammersmith & Fulham"],
    "Hartlepool": ["Hartlepool Borough Council"],
    "Herefordshire": ["County of Herefordshire", "Herefordshire, County of"],
    "Isles of Scilly": ["Council of the Isles of Scilly"],
    "Kensington and Chelsea": ["Royal Borough of Kensington and Chelsea"],
    "Kingston upon Hull": [
        "Hull City Council",
        "Kingston upon Hull City Council",
        "City of Kingston upon Hull",
        "Hull",
    ],
    "Kingston upon Thames": ["Royal Borough of Kingston upon Thames", "Kingston Council"],
    "Kirklees": ["Kirklees Metropolitan Council"],
    "Leeds": ["Leeds City Council"],
    "Leicester": ["Leicester City Council"],
    "Liverpool": ["Liverpool City Council"],
    "Luton": ["Luton Borough Council"],
    "Manchester": ["Manchester City Council"],
    "Milton Keynes": ["Milton Keynes City Council"],
    "Newcastle upon Tyne": ["Newcastle City Council", "Newcastle upon Tyne City Council", "Newcastle"],
    "North Northamptonshire": ["North Northamptonshire Council"],
    "North Yorkshire": ["North Yorkshire Council"],
    "Northumberland": ["Northumberland County Council"],
    "Nottingham": ["Nottingham City Council"],
    "Peterborough": ["Peterborough City Council"],
    "Plymouth": ["Plymouth City Council"],
    "Portsmouth": ["Portsmouth City Council", "Portsmouth City"],
    "Reading": ["Reading Borough Council"],
    "Redcar and Cleveland": ["Redcar and Cleveland Borough Council", "Borough of Redcar and Cleveland"],
    "Richmond upon Thames": ["Richmond Council", "Richmond"],
    "Rutland": ["Rutland County Council"],
    "Salford": ["Salford City Council"],
    "Sheffield": ["Sheffield City Council"],
    "Slough": ["Slough Borough Council"],
    "Somerset": ["Somerset Council"],
    "Southampton": ["Southampton City Council"],
    "Southend-on-Sea": ["Southend-on-Sea City Council", "Southend-on-Sea Borough Council", "Southend"],
    "St Helens": ["St. Helens"],
    "Stockton-on-Tees": ["Stockton-on-Tees Borough Council"],
    "Stoke-on-Trent": ["Stoke-on-Trent City Council"],
    "Sunderland": ["Sunderland City Council"],
    "Swindon": ["Swindon Borough Council"],
    "Telford and Wrekin": ["Telford & Wrekin Council"],
    "Wakefield": ["City of Wakefield Metropolitan District Council", "Wakefield Metropolitan District Council"],
    "Warrington": ["Warrington Borough Council"],
    "West Northamptonshire": ["West Northamptonshire Council"],
    "Westminster": ["Westminster City Council", "City of Westminster"],
    "Westmorland and Furness": ["Westmorland and Furness Council"],
    "Windsor and Maidenhead": ["Royal Borough of Windsor and Maidenhead"],
    "Wokingham": ["Wokingham Borough Council"],
    "Wolverhampton": ["City of Wolverhampton Council", "Wolverhampton City Council"],
    "York": ["City of York Council", "City of York"],
}

# Names that templates would give a council but that belong to someone else (a predecessor).
NOT_NAMES = {
    "Buckinghamshire": {"Buckinghamshire County Council"},
    "North Yorkshire": {"North Yorkshire County Council"},
    "Somerset": {"Somerset County Council"},
    "Dorset": {"Dorset County Council"},
    "City of London": {"London Borough of City of London", "City of London London Borough Council"},
}

# Predecessors not in la_lookup (those that are, Cumbria, Northamptonshire and Poole, get their
# successors from PREDECESSOR_OF). ONS codes and DfE numbers are the predecessors' own.
CURATED_PREDECESSORS = [
    {
        "name": "Bournemouth",
        "names": ["Bournemouth Borough Council", "Borough of Bournemouth", "Bournemouth Council"],
        "la_code": "837",
        "ons_code": "E06000028",
        "la_type": "Unitary Authority",
        "successors": ["Bournemouth, Christchurch and Poole"],
        "until": "2019-03-31",
    },
    {
        "name": "Christchurch",
        "names": ["Christchurch Borough Council", "Borough of Christchurch"],
        "la_code": None,  # a district of Dorset: Dorset County Council ran its children's services
        "ons_code": "E07000048",
        "la_type": "Non-metropolitan District",
        "successors": ["Bournemouth, Christchurch and Poole"],
        "until": "2019-03-31",
    },
    {
        "name": "Dorset County Council",
        "names": ["Dorset County Council"],
        "la_code": "835",
        "ons_code": "E10000009",
        "la_type": "County",
        "successors": ["Dorset"],
        "until": "2019-03-31",
    },
    {
        "name": "Buckinghamshire County Council",
        "names": ["Buckinghamshire County Council"],
        "la_code": "825",
        "ons_code": "E10000002",
        "la_type": "County",
        "successors": ["Buckinghamshire"],
        "until": "2020-03-31",
    },
    {
        "name": "North Yorkshire County Council",
        "names": ["North Yorkshire County Council"],
        "la_code": "815",
        "ons_code": "E10000023",
        "la_type": "County",
        "successors": ["North Yorkshire"],
        "until": "2023-03-31",
    },
    {
        "name": "Somerset County Council",
        "names": ["Somerset County Council"],
        "la_code": "933",
        "ons_code": "E10000027",
        "la_type": "County",
        "successors": ["Somerset"],
        "until": "2023-03-31",
    },
]
PREDECESSOR_OF = {
    "Poole": (["Bournemouth, Christchurch and Poole"], "2019-03-31", ["Borough of Poole", "Poole Borough Council"]),
    "Northamptonshire": (["North Northamptonshire", "West Northamptonshire"], "2021-03-31", []),
    "Cumbria": (["Cumberland", "Westmorland and Furness"], "2023-03-31", []),
}

# ONS codes retired by boundary changes, as la_lookup's statistical neighbours still give them
# (Barnsley and Sheffield were recoded in 2020): neighbours are recorded under the current code.
RECODED = {"E08000016": "E08000038", "E08000019": "E08000039"}

# Children's services trusts and companies that run a council's children's services.
CURATED_OPERATORS = [
    {"name": "Achieving for Children", "names": ["Achieving for Children", "AfC"],
     "councils": ["Kingston upon Thames", "Richmond upon Thames", "Windsor and Maidenhead"]},
    {"name": "Birmingham Children's Trust", "names": ["Birmingham Children's Trust"], "councils": ["Birmingham"]},
    {"name": "Bradford Children and Families Trust", "names": ["Bradford Children and Families Trust"],
     "councils": ["Bradford"]},
    {"name": "Brighter Futures for Children", "names": ["Brighter Futures for Children"], "councils": ["Reading"]},
    {"name": "Doncaster Children's Services Trust", "names": ["Doncaster Children's Services Trust"],
     "councils": ["Doncaster"]},
    {"name": "Northamptonshire Children's Trust", "names": ["Northamptonshire Children's Trust"],
     "councils": ["North Northamptonshire", "West Northamptonshire"]},
    {"name": "Sandwell Children's Trust", "names": ["Sandwell Children's Trust"], "councils": ["Sandwell"]},
    {"name": "Slough Children First", "names": ["Slough Children First", "Slough Children's Services Trust"],
     "councils": ["Slough"]},
    {"name": "Together for Children", "names": ["Together for Children", "Together for Children Sunderland"],
     "councils": ["Sunderland"]},
    {"name": "Worcestershire Children First", "names": ["Worcestershire Children First"],
     "councils": ["Worcestershire"]},
]  # fmt: skip


def _split(cell: str) -> list[str]:
    """'a, b, c' (or '[a, b]') as a list; empty cells give []."""
    cell = cell.strip().strip("[]")
    return [p.strip() for p in cell.split(",") if p.strip()]


def _dedup(names: list[str]) -> list[str]:
    """Names in order, each once (compared ignoring case)."""
    out: list[str] = []
    for n in names:
        if n and n.lower() not in {o.lower() for o in out}:
            out.append(n)
    return out


def build(rows: list[dict[str, str]]) -> dict:
    """The table (as JSON-ready data) from la_lookup's rows."""
    authorities: list[dict] = []
    region_of: dict[str, str] = {}
    for r in rows:
        ons_name = r["local_authority_ons_name"].strip()
        name = CANONICAL.get(ons_name, ons_name)
        la_type = LA_TYPE.get(name) or r["ons_la_type"].strip() or "Unitary Authority"
        aliases = _split(r["also_known_as"])
        # "Bournemouth, Christchurch and Poole" holds a comma: la_lookup's alias cell is a list of one.
        if name == "Bournemouth, Christchurch and Poole":
            aliases = ["BCP", "Bournemouth, Christchurch & Poole"]
        names = [name, ons_name, r["ltla23nm"].strip(), r["utla23nm"].strip(), *aliases]
        names += [t.format(n=name) for t in TYPE_TEMPLATES.get(la_type, [])]
        names += CURATED_NAMES.get(name, [])
        status, successors, until = "current", [], None
        if name in PREDECESSOR_OF:
            successors, until, extra = PREDECESSOR_OF[name]
            status = "predecessor"
            names += extra
        names = [n for n in _dedup(names) if n not in NOT_NAMES.get(name, set())]
        region_of[name] = r["region_name"].strip()
        authorities.append(
            {
                "name": name,
                "names": names,
                "la_code": r["la_code"].strip() or None,
                "ons_code": r["la_code_new"].strip(),
                "region": r["region_name"].strip(),
                "la_type": la_type,
                "urn": r["urn"].strip() or None,
                "stat_neighbours": [RECODED.get(c, c) for c in _split(r["stat_neighbours_la_code"])],
                "status": status,
                "successors": successors,
                "until": until,
            }
        )
    for p in CURATED_PREDECESSORS:
        authorities.append(
            {
                "name": p["name"],
                "names": _dedup([p["name"], *p["names"]]),
                "la_code": p["la_code"],
                "ons_code": p["ons_code"],
                "region": region_of[p["successors"][0]],
                "la_type": p["la_type"],
                "urn": None,
                "stat_neighbours": [],
                "status": "predecessor",
                "successors": p["successors"],
                "until": p["until"],
            }
        )
    authorities.sort(key=lambda a: a["name"].lower())
    operators = sorted(CURATED_OPERATORS, key=lambda o: o["name"].lower())
    return {"authorities": authorities, "operators": operators}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lookup", nargs="?", type=Path, default=DEFAULT_INPUT, help="la_lookup.csv")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUTPUT)
    args = ap.parse_args(argv)
    raw = args.lookup.read_bytes()
    # utf-8-sig: the file starts with a byte-order mark; csv: names hold commas ("Bristol, City of").
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    table = build(rows)
    out = {
        "source": {
            "built_by": "scripts/build_la_table.py",
            "input": "shared/real/reference/la_lookup.csv",
            "input_sha256": hashlib.sha256(raw).hexdigest(),
            "origin": ORIGIN,
            "curated": (
                "official and printed council names, predecessors of reorganised councils (2019-2023) and "
                "children's services trusts: CURATED_* in scripts/build_la_table.py"
            ),
            "licence": "public sector information, Open Government Licence v3.0 (DfE, ONS)",
        },
        **table,
    }
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    n_pred = sum(a["status"] == "predecessor" for a in table["authorities"])
    print(f"wrote {args.out}: {len(table['authorities'])} authorities ({n_pred} predecessors), "
          f"{len(table['operators'])} operators", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
