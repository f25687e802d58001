"""Metadata on real Ofsted documents (../shared/real): every genre's title, dates, lead inspector and authority.

The archive files each council's documents under `<kind>/<urn>_<la>/`; the folder's URN is used
here to check the provider, never by the extractor. Expected values were read from the documents.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from extractors.authorities import default_index
from extractors.extract import extract_record
from extractors.readers import read_bytes, read_document
from extractors.rules import RULES_DIR
from tests.real import GOLD, REAL, needs_real, real_record

ROOT = Path(__file__).parent.parent
pytestmark = needs_real
_record = real_record


FV = "focused_visits"


@pytest.mark.parametrize(
    "rel, provider, printed, rule",
    [
        # ILACS reports: "Inspection of <LA> local authority children's services"
        ("ilacs/2532283_dorset/children's services inspection - 09 may 2025.pdf", "Dorset", "Dorset",
         "provider.report_title"),
        ("ilacs/80419_isle of wight/children's services inspection - 15 december 2023.pdf", "Isle of Wight",
         "Isle of Wight", "provider.report_title"),
        ("ilacs/80449_bradford/children's services inspection - 31 january 2023.pdf", "Bradford",
         "City of Bradford Metropolitan Borough Council", "provider.report_title"),
        ("ilacs/2532287_bournemouth, christchurch & poole/children's services inspection - 29 january 2025.pdf",
         "Bournemouth, Christchurch and Poole", "Bournemouth, Christchurch and Poole", "provider.report_title"),
        # a trust named in the title: its council
        ("ilacs/80449_bradford/children's services inspection - 21 may 2026.pdf", "Bradford",
         "Bradford Children and Families Trust", "provider.report_title"),
        # SIF and 2018-19 ILACS reports: the council's name heads the first page
        ("ilacs/80454_cornwall/children's services inspection - 27 june 2016.pdf", "Cornwall", "Cornwall Council",
         "provider.report_heading"),
        ("ilacs/80426_barnsley/children's services inspection - 08 august 2014.pdf", "Barnsley",
         "Metropolitan Borough of Barnsley Council", "provider.report_heading"),
        ("ilacs/80569_tameside/children's services inspection - 01 july 2019.pdf", "Tameside",
         "Tameside metropolitan borough", "provider.report_heading"),
        ("ilacs/80513_richmond upon thames/children's services inspection - 08 december 2017.pdf",
         "Richmond upon Thames", "London Borough of Richmond upon Thames", "provider.report_heading"),
        # LSCB review
        ("ilacs/80567_surrey/children's services inspection - 03 august 2015.pdf", "Surrey", "Surrey",
         "provider.report_heading"),
        # area SEND
        ("send/80567_surrey/area send full inspection - 24 november 2023.pdf", "Surrey", "Surrey",
         "provider.report_title"),
        ("send/80495_greenwich/area send full inspection - 11 july 2023.pdf", "Greenwich", "Greenwich",
         "provider.report_title"),
        # focused visits: the subject line
        (f"{FV}/80535_oldham/children's services focused visit - 21 august 2025.pdf", "Oldham", "Oldham",
         "provider.letter_subject"),
        (f"{FV}/80472_hampshire/children's services focused visit - 05 november 2018.pdf", "Hampshire",
         "Hampshire County Council", "provider.letter_subject"),
        (f"{FV}/80495_greenwich/children's services focused visit - 23 august 2021.pdf", "Greenwich",
         "Royal Borough of Greenwich", "provider.letter_subject"),
    ],
)  # fmt: skip
def test_the_provider_of_each_genre_is_read_from_its_title(rel, provider, printed, rule):
    rec = _record(rel)
    assert (rec.provider, rec.provider_as_printed, rec.metadata_provenance["provider"].rule) == (
        provider,
        printed,
        rule,
    )
    assert rec.la_name == provider and rec.ons_code and rec.region


def test_a_predecessor_named_in_a_real_letter_is_kept_beside_its_successor():
    rec = _record(f"{FV}/80530_north yorkshire/children's services focused visit - 26 july 2021.pdf")
    assert (rec.provider, rec.predecessor, rec.provider_as_printed) == (
        "North Yorkshire",
        "North Yorkshire County Council",
        "North Yorkshire County Council",
    )
    assert (rec.ons_code, rec.la_code) == ("E06000065", "815")  # the successor's codes: one group over time


def test_a_trust_named_in_a_real_report_is_kept_beside_its_council():
    rec = _record("ilacs/80449_bradford/children's services inspection - 21 may 2026.pdf")
    assert (rec.provider, rec.operator, rec.la_code) == ("Bradford", "Bradford Children and Families Trust", "380")


@pytest.mark.parametrize(
    "rel, expected",
    [
        (f"{FV}/2532283_dorset/children's services focused visit - 22 june 2023.pdf",
         dict(title="Focused visit to Dorset children’s services", date="2023-06-22", inspection_start="2023-05-17",
              inspection_end="2023-05-18", lead_inspector="Tracey Ledder", framework="focused_visit",
              inspection_kind="focused_visit", visit_topics=["care leavers"])),
        # the date glued to the addressee
        (f"{FV}/80535_oldham/children's services focused visit - 11 april 2018.pdf",
         dict(title="Focused visit to Oldham children’s services", date="2018-04-11", inspection_start="2018-03-13",
              inspection_end="2018-03-14", lead_inspector="Shabana Abasi", visit_topics=["front door"])),
        # "Dear Julie" and a subject line ending in a full stop; "on 22 to 23 July 2025"
        (f"{FV}/80535_oldham/children's services focused visit - 21 august 2025.pdf",
         dict(title="Focused visit to Oldham children’s services", date="2025-08-21", inspection_start="2025-07-22",
              inspection_end="2025-07-23", lead_inspector="Rachel Fairhurst")),
        # a COVID-era visit over three days: "between 13 October and 15 October 2020"
        (f"{FV}/80535_oldham/children's services focused visit - 27 november 2020.pdf",
         dict(date="2020-11-27", inspection_start="2020-10-13", inspection_end="2020-10-15",
              lead_inspector="Lorna Schlechte", inspection_kind="focused_visit")),
        # the salutation glued to the address
        (f"{FV}/80562_stockport/children's services focused visit - 28 february 2024.pdf",
         dict(title="Focused visit to Stockport children’s services", date="2024-02-28")),
        # "carried out by Her Majesty's Inspectors, Lisa Summers and Jan Edwards"
        (f"{FV}/80525_newcastle upon tyne/children's services focused visit - 16 august 2018.pdf",
         dict(date="2018-08-16", lead_inspector="Lisa Summers", inspection_start="2018-07-24")),
        (f"{FV}/80578_west sussex/children's services focused visit - 09 may 2018.pdf",
         dict(date="2018-05-09", inspection_start="2018-03-20", inspection_end="2018-03-21",
              lead_inspector="Donna Marriott", visit_topics=["front door", "early help", "children in need"])),
        # ILACS: no issue date printed; a short inspection (one week)
        ("ilacs/2532283_dorset/children's services inspection - 09 may 2025.pdf",
         dict(title="Inspection of Dorset local authority children’s services", date=None,
              inspection_start="2025-03-17", inspection_end="2025-03-21", lead_inspector="Sarah Canto",
              framework="ilacs", inspection_kind="short", doc_type="inspection_report")),
        ("ilacs/80530_north yorkshire/children's services inspection - 06 august 2018.pdf",
         dict(date=None, inspection_start="2018-07-02", inspection_end="2018-07-06", lead_inspector="Matt Reed",
              framework="ilacs", inspection_kind="short")),
        ("ilacs/80554_solihull/children's services inspection - 13 january 2023.pdf",
         dict(inspection_start="2022-10-31", inspection_end="2022-11-11", lead_inspector="Victoria Horsefield",
              framework="ilacs", inspection_kind="standard")),
        # the 2026 framework: no overall effectiveness judgement
        ("ilacs/80480_lancashire/children's services inspection - 20 august 2026.pdf",
         dict(inspection_start="2026-05-11", inspection_end="2026-05-22", lead_inspector="Rachel Fairhurst",
              framework="ilacs_2026", inspection_kind="standard")),
        # SIF: "Report published", "Inspection date: 2 June 2014 – 25 June 2014"
        ("ilacs/80426_barnsley/children's services inspection - 08 august 2014.pdf",
         dict(date="2014-08-08", inspection_start="2014-06-02", inspection_end="2014-06-25",
              lead_inspector="Jansy Kelly",
              framework="sif", inspection_kind="standard")),
        ("ilacs/80527_north lincolnshire/children's services inspection - 04 september 2017.pdf",
         dict(date="2017-09-04", inspection_start="2017-06-20", inspection_end="2017-07-13")),
        ("ilacs/80521_manchester/children's services inspection - 21 december 2017.pdf",
         dict(framework="sif", inspection_kind="re-inspection", inspection_start="2017-10-09")),
        ("ilacs/80567_surrey/children's services inspection - 03 august 2015.pdf",
         dict(date="2015-08-03", framework="lscb_review", inspection_kind="review", lead_inspector="Dominic Stevens",
              inspection_start="2015-06-15", inspection_end="2015-06-17")),
        # "19 November–30 November 2018"
        ("ilacs/80490_bromley/children's services inspection - 07 january 2019.pdf",
         dict(inspection_start="2018-11-19", inspection_end="2018-11-30", lead_inspector="Dawn Godfrey")),
        # area SEND: the Ofsted lead of the team table, the outcome sentence
        ("send/80535_oldham/area send full inspection - 29 august 2023.pdf",
         dict(title="Area SEND inspection of Oldham Local Area Partnership", date=None, inspection_start="2023-06-26",
              inspection_end="2023-06-30", lead_inspector="Sue Eastwood", framework="area_send",
              send_outcome="widespread_failings", doc_type="inspection_report",
                inspectorate="Ofsted and CQC")),
        ("send/80508_lewisham/area send full inspection - 20 november 2024.pdf",
         dict(lead_inspector="Kieran Bird", send_outcome="inconsistent")),
        ("send/2532283_dorset/area send full inspection - 15 may 2024.pdf",
         dict(lead_inspector="Leanne Thirlby", send_outcome="positive", inspection_start="2024-03-11")),
    ],
)  # fmt: skip
def test_dates_lead_inspector_and_framework_of_real_documents(rel, expected):
    rec = _record(rel).model_dump(mode="json")
    assert {k: rec[k] for k in expected} == expected


def _expected_by_urn() -> dict[str, str]:
    table = json.loads((RULES_DIR / "local_authorities.json").read_text(encoding="utf-8"))
    out = {}
    for a in table["authorities"]:
        if a["urn"]:
            one = a["status"] == "predecessor" and len(a["successors"]) == 1
            out[a["urn"]] = a["successors"][0] if one else a["name"]
    return out


def _pdfs() -> list[Path]:
    with (REAL / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return [REAL / r["file"] for r in csv.DictReader(f, delimiter="\t") if r["is_pdf"] == "True"]


def test_every_real_document_names_its_folders_council_and_prints_its_dates():
    """The whole archive: provider is the folder's council, the inspection dates and lead inspector are found."""
    expected = _expected_by_urn()
    wrong, undated, no_lead = [], [], []
    pdfs = _pdfs()
    for path in pdfs:
        rec = extract_record(read_document(path))
        if rec.provider != expected[path.parent.name.split("_", 1)[0]]:
            wrong.append((path.name, rec.provider))
        if not (rec.inspection_start and rec.inspection_end):
            undated.append(path.name)
        if not rec.lead_inspector:
            no_lead.append(path.name)
    assert len(pdfs) > 200
    assert wrong == [] and undated == [] and no_lead == []


def test_the_letterhead_and_subject_line_are_not_needed_to_find_a_letters_council():
    """Without Ofsted's address and without the subject line and first paragraph, a letter's council is still
    found (its address block, then the body), as the reader's layout of the first page may change."""
    doc = read_document(REAL / FV / "80483_leicestershire" / "children's services focused visit - 16 june 2023.pdf")
    keep = [
        b.text
        for b in doc.blocks
        if not any(w in b.text for w in ("Piccadilly", "Store Street", "ofsted.gov.uk", "M1 2WD"))
        and not b.text.startswith(("Focused visit to", "This letter summarises"))
    ]
    rec = extract_record(read_bytes("\n\n".join(keep).encode(), "letter.txt"))
    assert rec.provider == "Leicestershire"  # not Leicester, the town of its County Hall
    assert rec.metadata_provenance["provider"].rule in ("provider.address", "provider.council_name", "provider.body")


def test_the_committed_table_is_what_the_script_builds_from_la_lookup():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_la_table as B
    finally:
        sys.path.pop(0)
    raw = (REAL / "reference" / "la_lookup.csv").read_bytes()
    built = B.build(list(csv.DictReader(raw.decode("utf-8-sig").splitlines())))
    committed = json.loads((RULES_DIR / "local_authorities.json").read_text(encoding="utf-8"))
    assert built == {k: committed[k] for k in ("authorities", "operators")}
    assert {a["name"] for a in committed["authorities"]} >= {"Bristol", "Kingston upon Hull", "Bedford", "St Helens"}


def test_every_la_lookup_name_and_alias_finds_its_authority():
    index, expected = default_index(), _expected_by_urn()
    with (REAL / "reference" / "la_lookup.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        names = [row["local_authority_ons_name"], row["ltla23nm"], *row["also_known_as"].strip("[]").split(", ")]
        for name in filter(None, names):
            hits = index.find(name)
            assert hits, name
            assert index.resolve(hits[0]).authority.name == expected[row["urn"]], name
    assert len(rows) == 156


# Extra metadata keys of the gold records (docs/annotation.md), compared as written.
_GOLD_KEYS = (
    "doc_type", "title", "date", "inspectorate", "provider", "service_area", "la_name", "ons_code", "la_code",
    "region", "inspection_start", "inspection_end", "lead_inspector", "framework", "inspection_kind", "visit_focus",
    "send_outcome",
)  # fmt: skip


def _same(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.replace("\u2019", "'").split()).rstrip(".") == " ".join(
            b.replace("\u2019", "'").split()
        ).rstrip(".")
    return a == b


def test_the_metadata_of_the_real_gold_records():
    """Every metadata key of the 49 hand-made gold records of real documents (tests/gold/real), dev and held out."""
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.rglob("*.json"))]
    wrong = []
    for gold in golds:
        rec = _record(gold["source"]).model_dump(mode="json")
        for key in _GOLD_KEYS:
            if key not in gold or _same(gold[key], rec[key]):
                continue
            wrong.append((gold["source"], key, gold[key], rec[key]))
    assert len(golds) >= 40
    assert wrong == []
