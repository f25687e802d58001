"""Metadata rules, one short case each: local-authority names, dates, lead inspector, framework, storage.

Real Ofsted documents are tested in tests/test_metadata_real.py; these cases are written in their
style so that each shows the one rule it checks.
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from extractors.authorities import default_index, find_printed_authority
from extractors.extract import extract_record
from extractors.inspection_meta import (
    DATE_RANGE,
    find_framework,
    find_inspection_dates,
    find_lead_inspector,
    find_send_outcome,
    parse_date_range,
    visit_topics,
)
from extractors.readers import read_bytes
from extractors.rules import (
    RULES_DIR,
    LaTable,
    MetadataRules,
    la_table,
    metadata_rules,
    name_tokens,
)
from pipeline.store import rows as R

RULES = metadata_rules()


def record(text: str):
    return extract_record(read_bytes(text.encode("utf-8"), "case.txt"))


# -- names of the table ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("St. Helens", "St Helens"),
        ("Telford & Wrekin Council", "Telford and Wrekin Council"),
        ("Stoke-on-Trent", "Stoke on Trent"),
        ("Children’s Trust", "Children's Trust"),
        ("KINGSTON UPON HULL", "Kingston upon Hull"),
    ],
)
def test_name_tokens_ignore_case_punctuation_and_ampersands(a, b):
    assert name_tokens(a) == name_tokens(b)


@pytest.mark.parametrize(
    "text, entry, printed",
    [
        # the longest name wins, at word boundaries only
        ("services in North Northamptonshire", "North Northamptonshire", "North Northamptonshire"),
        (
            "Bath and North East Somerset Council",
            "Bath and North East Somerset",
            "Bath and North East Somerset Council",
        ),
        ("children in North Yorkshire", "North Yorkshire", "North Yorkshire"),
        ("Inspection of the Isle of Wight local", "Isle of Wight", "Isle of Wight"),
        ("Bournemouth, Christchurch and Poole Council", "Bournemouth, Christchurch and Poole", None),
        # official names and their printed variants, council words kept, nothing glued on
        ("Director of Children’s Services Sefton Metropolitan Borough Council Town Hall", "Sefton", None),
        ("London Borough of Enfield Civic Centre Silver Street London", "Enfield", "London Borough of Enfield"),
        ("City of Bradford Metropolitan District Council", "Bradford", None),
        ("Metropolitan Borough of Barnsley\nCouncil", "Barnsley", "Metropolitan Borough of Barnsley\nCouncil"),
        ("Tameside metropolitan borough", "Tameside", "Tameside metropolitan borough"),
        ("Royal Borough of Greenwich", "Greenwich", "Royal Borough of Greenwich"),
        ("Hull City Council", "Kingston upon Hull", "Hull City Council"),
        ("Telford & Wrekin Council", "Telford and Wrekin", "Telford & Wrekin Council"),
        ("St. Helens Council", "St Helens", "St. Helens Council"),
    ],
)
def test_a_name_is_found_whole_and_longest_first(text, entry, printed):
    (hit,) = default_index().find(text)
    assert hit.entry == entry
    assert hit.printed == (printed or hit.printed)
    if printed is None:
        assert hit.printed.endswith("Council") and not hit.printed.startswith(("Director", "Services"))


@pytest.mark.parametrize(
    "text",
    [
        "Inspectors were reading the records.",  # a place name in lower case is a word, not a council
        "the bury of a hole",
        "services in Yorkshire and Humber",  # York is not Yorkshire
        "NHS Greater Manchester Integrated Care Board",  # a region, not the city council
        "Newcastle-under-Lyme Borough Council",  # not Newcastle upon Tyne
        "Kingston Road",  # Kingston alone names two councils: neither
        "the Refugee Council and the Care Council",
    ],
)
def test_no_name_is_taken_from_words_that_are_not_an_authority(text):
    assert default_index().find(text) == []


@pytest.mark.parametrize(
    "name, provider, predecessor",
    [
        ("Borough of Poole", "Bournemouth, Christchurch and Poole", "Poole"),
        ("Bournemouth Borough Council", "Bournemouth, Christchurch and Poole", "Bournemouth"),
        ("Christchurch Borough Council", "Bournemouth, Christchurch and Poole", "Christchurch"),
        ("Dorset County Council", "Dorset", "Dorset County Council"),
        ("Dorset Council", "Dorset", None),
        ("Buckinghamshire County Council", "Buckinghamshire", "Buckinghamshire County Council"),
        ("North Yorkshire County Council", "North Yorkshire", "North Yorkshire County Council"),
        ("Somerset County Council", "Somerset", "Somerset County Council"),
        # two successors: the old county stays a provider of its own
        ("Northamptonshire County Council", "Northamptonshire", None),
        ("Cumbria County Council", "Cumbria", None),
    ],
)
def test_a_predecessor_is_reported_as_its_one_successor(name, provider, predecessor):
    index = default_index()
    (hit,) = index.find(name)
    resolved = index.resolve(hit)
    assert (resolved.authority.name, resolved.predecessor) == (provider, predecessor)
    assert resolved.printed == name


def test_predecessors_keep_their_codes_and_name_their_successors():
    by_name = {a.name: a for a in la_table().authorities}
    assert by_name["Northamptonshire"].successors == ["North Northamptonshire", "West Northamptonshire"]
    assert by_name["Cumbria"].successors == ["Cumberland", "Westmorland and Furness"]
    assert by_name["Poole"].ons_code == "E06000029" and by_name["Poole"].status == "predecessor"
    assert by_name["Dorset County Council"].ons_code == "E10000009"
    assert by_name["Dorset"].ons_code == "E06000059" and by_name["Dorset"].status == "current"
    assert by_name["Bristol"].la_code == "801" and "Bristol, City of" in by_name["Bristol"].names


@pytest.mark.parametrize(
    "text, provider, operator",
    [
        ("Inspection of Bradford Children and Families Trust\nInspection dates: 12 to 23 January 2026", "Bradford",
         "Bradford Children and Families Trust"),
        ("Inspection of Slough Children’s Services Trust\nInspection dates: 1 to 5 May 2023", "Slough",
         "Slough Children First"),
        ("Inspection of Together for Children\nInspection dates: 1 to 5 May 2023", "Sunderland",
         "Together for Children"),
        # a trust of three councils: the council the text names decides
        ("Inspection of Achieving for Children\nInspection dates: 1 to 5 May 2023\nChildren in Richmond upon "
         "Thames and in Richmond upon Thames schools", "Richmond upon Thames", "Achieving for Children"),
    ],
)  # fmt: skip
def test_a_trust_is_reported_as_the_council_whose_services_it_runs(text, provider, operator):
    found = find_printed_authority(text, RULES, default_index(), len(text))
    assert (found.resolved.authority.name, found.resolved.operator) == (provider, operator)


def test_a_trust_of_several_councils_names_none_on_its_own():
    text = "Inspection of Achieving for Children\nInspection dates: 1 to 5 May 2023"
    assert find_printed_authority(text, RULES, default_index(), len(text)) is None


@pytest.mark.parametrize(
    "text, provider, rule",
    [
        ("Inspection of Dorset local authority children’s services Inspection dates: 17 March to 21 March 2025",
         "Dorset", "provider.report_title"),
        ("Inspection of the Isle of Wight local authority children’s services", "Isle of Wight",
         "provider.report_title"),
        ("Cornwall Council Inspection of services for children in need of help and protection", "Cornwall",
         "provider.report_heading"),
        ("Metropolitan Borough of Barnsley\nCouncil\nInspection of services for children in need", "Barnsley",
         "provider.report_heading"),
        ("Tameside metropolitan borough\nInspection of local authority children’s social care services", "Tameside",
         "provider.report_heading"),
        ("Surrey Safeguarding Children Board Review of the effectiveness of the Local Safeguarding Children Board",
         "Surrey", "provider.report_heading"),
        ("Local area partnership report\nArea SEND inspection of Surrey Local Area Partnership", "Surrey",
         "provider.report_title"),
        ("Ofsted\nPiccadilly Gate\nManchester\n22 June 2023\nDear Ms Leavy\n"
         "Focused visit to Oldham children’s services",
         "Oldham", "provider.letter_subject"),
        ("Dear Steve,\nFocused visit to Hampshire County Council children’s services", "Hampshire",
         "provider.letter_subject"),
        ("This letter summarises the findings of a focused visit to Oldham’s Children’s Services on 22 to 23 "
         "July 2025.",
         "Oldham", "provider.letter_subject"),
        ("Dear Ms Smith\nJoint targeted area inspection of the multi-agency response to abuse in Sefton", "Sefton",
         "provider.joint_area_inspection"),
    ],
)  # fmt: skip
def test_the_provider_is_read_where_ofsted_prints_it(text, provider, rule):
    found = find_printed_authority(text, RULES, default_index(), len(text))
    assert (found.resolved.authority.name, found.rule) == (provider, rule)


@pytest.mark.parametrize(
    "text, provider, framework",
    [
        (
            "Inspection of safeguarding and looked after children services\nLondon Borough of Bromley\n"
            "Inspection dates: 30 July – 10 August 2012\nReporting inspector: Jane Smith HMI\n",
            "Bromley",
            "slac",
        ),
        (
            "Inspection of local authority arrangements for the protection of children\nDurham County Council\n"
            "Inspection dates: 3 – 14 September 2012\nLead inspector: Jane Smith HMI\n",
            "Durham",
            "child_protection_2012",
        ),
    ],
)
def test_a_2012_report_names_its_council_on_the_line_under_its_title(text, provider, framework):
    rec = record(text)
    assert (rec.provider, rec.metadata_provenance["provider"].rule) == (provider, "provider.line_after_title")
    assert (rec.framework, rec.inspection_kind, rec.lead_inspector) == (framework, "full", "Jane Smith")
    assert rec.title == text.split("\n")[0] and rec.inspection_start.startswith("2012-")


def test_a_letter_without_subject_line_falls_back_to_the_council_in_its_address():
    rec = record(
        "Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD\n\n14 November 2018\n\nMs A Person\n"
        "Director of Children's Services\nLeicestershire County Council\nCounty Hall\nGlenfield\nLeicester\nLE3 8RA\n\n"
        "Dear Ms Person\n\nIn Leicestershire, children are seen promptly.\n"
    )
    assert (rec.provider, rec.metadata_provenance["provider"].rule) == ("Leicestershire", "provider.address")
    assert rec.provider_as_printed == "Leicestershire County Council"


def test_a_town_in_an_address_is_not_taken_for_the_council():
    # County Hall is in Leicester: the city is not the county council the letter is written to.
    rec = record(
        "22 June 2023\n\nMs A Person\nCounty Hall\nGlenfield\nLeicester\nLE3 8RA\n\nDear Ms Person\n\n"
        "Children in Leicestershire are safe. Leicestershire leaders know their services.\n"
    )
    assert rec.provider == "Leicestershire"


def test_a_council_the_table_does_not_know_is_reported_as_printed():
    rec = record("Dear Mrs Carrow\n\nMonitoring visit to Northam County Council children's services\n\nText.\n")
    assert rec.provider == "Northam County Council" and rec.la_name is None and rec.ons_code is None


def test_ofsteds_closing_boilerplate_does_not_make_cafcass_the_provider():
    boiler = (
        "The Office for Standards in Education, Children's Services and Skills (Ofsted) regulates and inspects to "
        "achieve excellence. It inspects the Children and Family Court Advisory and Support Service (Cafcass), "
        "schools and colleges.\n"
    )
    rec = record("Children in Hampshire are safe.\nHampshire leaders know their services.\n" + boiler)
    assert rec.provider == "Hampshire"


# -- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("17 March to 21 March 2025", "2025-03-17", "2025-03-21"),
        ("2 June 2014 – 25 June 2014", "2014-06-02", "2014-06-25"),
        ("12 to 23 January 2026", "2026-01-12", "2026-01-23"),
        ("19 November–30 November 2018", "2018-11-19", "2018-11-30"),
        ("22 to 23 July 2025", "2025-07-22", "2025-07-23"),
        ("11 and 12 October 2018", "2018-10-11", "2018-10-12"),
        ("30 November and 1 December 2021", "2021-11-30", "2021-12-01"),
        ("28 December to 8 January 2026", "2025-12-28", "2026-01-08"),
        ("31 October 2022 to 11 November 2022", "2022-10-31", "2022-11-11"),
        ("18 Feb 2014 – 12 March 2014", "2014-02-18", "2014-03-12"),
        ("20 June 2017 ─ 13 July 2017", "2017-06-20", "2017-07-13"),
        ("15 December 2020", "2020-12-15", "2020-12-15"),
    ],
)
def test_a_range_of_inspection_dates_is_read_whole(text, start, end):
    first, last = parse_date_range(DATE_RANGE.search(text))
    assert (first.isoformat(), last.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["21 March to 17 March 2025", "1 January 2020 to 1 January 2021", "31 February 2020"])
def test_no_range_from_dates_that_are_not_one_inspections(text):
    m = DATE_RANGE.search(text)
    assert m is None or parse_date_range(m) is None


@pytest.mark.parametrize(
    "text, dates, rule",
    [
        ("Inspection dates: 17 March to 21 March 2025\nLead inspector: Sarah Canto", ("2025-03-17", "2025-03-21"),
         "inspection_dates.label"),
        ("Inspection date: 2 June 2014 – 25 June 2014\nReport published: 8 August 2014", ("2014-06-02", "2014-06-25"),
         "inspection_dates.label"),
        ("This letter summarises the findings of a focused visit to Oldham’s Children’s Services on 22 to 23 July "
         "2025. His Majesty’s Inspectors", ("2025-07-22", "2025-07-23"), "inspection_dates.visit"),
        ("This letter summarises the findings of a focused visit to Oldham local authority children’s services between "
         "13 October and 15 October 2020.", ("2020-10-13", "2020-10-15"), "inspection_dates.visit"),
        ("Dates of previous inspection: 2 to 6 October 2017", None, None),
    ],
)  # fmt: skip
def test_inspection_dates_come_from_the_label_or_the_letters_first_sentence(text, dates, rule):
    found = find_inspection_dates(text, RULES, len(text))
    assert (found.value, found.rule) == (dates, rule) if dates else found is None


@pytest.mark.parametrize(
    "letter, date, rule",
    [
        ("22 June 2023\n\nTheresa Leavy\nCounty Hall\n\nDear Ms Leavy\n", "2023-06-22", "date.line"),
        ("11 April 2018 Ms Merlin Joseph Director of Children’s Services Oldham Council Civic Centre\n\n"
         "Dear Ms Joseph\n",
         "2018-04-11", "date.letter_head"),
        ("Ofsted Piccadilly Gate Manchester M1 2WD www.gov.uk/ofsted 9 May 2018 Ms Annie MacIver\nDear Annie\n",
         "2018-05-09", "date.letter_head"),
        ("Cornwall Council Inspection of services\nInspection date: 11 April 2016 to 6 May 2016 Report published: "
         "27 June 2016\n", "2016-06-27", "date.published"),
        ("Inspection of Dorset local authority children’s services\nInspection dates: 17 March to 21 March 2025\n",
         None, None),
    ],
)  # fmt: skip
def test_the_issue_date_is_the_printed_letter_or_publication_date_never_an_inspection_date(letter, date, rule):
    rec = record(letter)
    assert rec.date == date
    assert (rec.metadata_provenance["date"].rule if date else "date" not in rec.metadata_provenance) == (rule or True)


def test_a_letters_title_is_its_subject_line_never_the_salutation():
    rec = record(
        "21 August 2025\n\nJulie Daniels\nOldham OL1 1UG\n\nDear Julie\n\nFocused visit to Oldham children’s "
        "services.\n\nThis letter summarises the findings.\n"
    )
    assert rec.title == "Focused visit to Oldham children’s services"
    rec = record(
        "28 February 2024\n\nChris McLoughlin\nStockport SK1 3XE\nCheshire Dear Ms McLoughlin\n\n"
        "Focused visit to Stockport children’s services\n\nThis letter summarises the findings.\n"
    )
    assert rec.title == "Focused visit to Stockport children’s services"


def test_a_reports_title_stops_where_a_label_is_glued_on():
    rec = record(
        "Inspection of Dorset local authority children’s services Inspection dates: 17 March to 21 March 2025\n"
    )
    assert rec.title == "Inspection of Dorset local authority children’s services"


# -- lead inspector ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name, rule",
    [
        ("Lead inspector: Sarah Canto, His Majesty’s Inspector", "Sarah Canto", "lead_inspector.label"),
        ("Lead inspector: Tracey Scott Her Majesty’s Inspector", "Tracey Scott", "lead_inspector.label"),
        ("Lead inspector: Linda Steele\nHer Majesty’s Inspector", "Linda Steele", "lead_inspector.label"),
        ("Lead inspector: Fiona J Millns", "Fiona J Millns", "lead_inspector.label"),
        ("Lead inspector: Karen Wareing (HMI)", "Karen Wareing", "lead_inspector.label"),
        ("Ofsted Care Quality Commission Sue Eastwood, Ofsted HMI Lead inspector Kaye Goodfellow, CQC Lead inspector",
         "Sue Eastwood", "lead_inspector.send_team"),
        ("Ofsted Care Quality Commission Mr Chris Ellison, Ofsted lead inspector Geraldine Bates, CQC lead inspector",
         "Chris Ellison", "lead_inspector.send_team"),
        ("Kieran Bird HMI, Ofsted Lead inspector Gerry Bates, CQC Lead inspector", "Kieran Bird",
         "lead_inspector.send_team"),
        ("His Majesty’s Inspectors for this visit were Rachel Fairhurst and Lisa Walsh.", "Rachel Fairhurst",
         "lead_inspector.visit_team"),
        ("The inspectors were Her Majesty’s Inspectors (HMIs) Jan Edwards, Brenda McLaughlin and Matt Reed.",
         "Jan Edwards", "lead_inspector.visit_team"),
        ("This visit was carried out by Her Majesty’s Inspectors, Lisa Summers and Jan Edwards.", "Lisa Summers",
         "lead_inspector.visit_team"),
        ("Her Majesty’s Inspectors were Paula Thomson\ufffeJones, Kathryn Grindrod.", "Paula Thomson-Jones",
         "lead_inspector.visit_team"),
        ("Inspectors were on site for the entire visit.\nYours sincerely\nTracey Ledder His Majesty’s Inspector",
         "Tracey Ledder", "lead_inspector.signatory"),
    ],
)  # fmt: skip
def test_the_lead_inspector_is_a_name_without_title_or_post(text, name, rule):
    found = find_lead_inspector(text, RULES, len(text))
    assert (found.value, found.rule) == (name, rule)


# -- framework and kind, visit focus, SEND outcome ----------------------------------------------------

_ILACS = "Inspection of Dorset local authority children’s services\nInspection dates: 17 to 28 March 2025\n"


@pytest.mark.parametrize(
    "head, subject, text, days, framework, kind",
    [
        (_ILACS, None, "Overall effectiveness Good", 12, "ilacs", "standard"),
        (_ILACS, None, "Overall effectiveness Good", 5, "ilacs", "short"),
        (_ILACS, None, "The timeliness of plans. (outcome 4, national framework)", 12, "ilacs_2026", "standard"),
        (_ILACS, None, "Overall effectiveness Good\nThe plans. (outcome 4, national framework)", 12, "ilacs",
         "standard"),
        ("Cornwall Council Inspection of services for children in need of help and protection, children looked after "
         "and care leavers\nInspection date: 11 April 2016 to 6 May 2016", None, "", 26, "sif", "standard"),
        ("Surrey County Council Re-inspection of services for children in need of help and protection\n"
         "Inspection date: 26 February 2018", None, "", 25, "sif", "re-inspection"),
        ("Surrey Safeguarding Children Board Review of the effectiveness of the Local Safeguarding Children\nBoard\n"
         "Inspection date: 15 June 2015 – 17 June 2015", None, "", 3, "lscb_review", "review"),
        ("Area SEND inspection of Dorset Local Area Partnership Inspection dates: 11 to 15 March 2024", None, "", 5,
         "area_send", "full"),
        ("", "Focused visit to Oldham children’s services", "", 2, "focused_visit", "focused_visit"),
        # a COVID-era visit adapted to the pandemic is still the focused visit its letter says it is
        ("", "Focused visit to Oldham children’s services", "the delivery model was adapted to reflect the COVID-19 "
         "context", 3, "focused_visit", "focused_visit"),
        ("", "Assurance visit to Oldham children’s services", "Assurance visit to Oldham children’s services", 3,
         "focused_visit", "assurance_visit"),
        # a council's committee paper quoting the inspection's name is not an inspection report
        ("OFSTED INSPECTION OF LOCAL AUTHORITY CHILDREN'S SERVICES (ILACS) – OUTCOME AND NEXT STEPS", None,
         "Overall effectiveness", None, None, None),
        ("Inspection of Local Authority Children's Services – action plan progress\nDate of meeting: 23 January 2024",
         None, "The impact of leaders on social work practice", None, None, None),
    ],
)  # fmt: skip
def test_framework_and_kind(head, subject, text, days, framework, kind):
    found = find_framework(head, subject, head + "\n" + text, RULES, days)
    assert ((found[0].framework, found[1]) if found else (None, None)) == (framework, kind)


@pytest.mark.parametrize(
    "sentence, outcome",
    [
        ("The local area partnership’s special educational needs and/or disabilities (SEND) arrangements typically "
         "lead to positive experiences and outcomes for children and young people with SEND.", "positive"),
        ("The local area partnership’s arrangements lead to inconsistent experiences and outcomes for children and "
         "young people with special educational needs and/or disabilities (SEND).", "inconsistent"),
        ("There are widespread and/or systemic failings leading to significant concerns about the experiences and "
         "outcomes of children and young people", "widespread_failings"),
        ("The next full area SEND inspection will be within approximately five years.", None),
    ],
)  # fmt: skip
def test_send_outcome_is_read_from_the_printed_outcome_sentence(sentence, outcome):
    found = find_send_outcome(sentence, RULES, len(sentence))
    assert (found.value if found else None) == outcome


@pytest.mark.parametrize(
    "focus, topics",
    [
        ("Inspectors looked at the local authority’s arrangements for 16- and 17-year-old care leavers.",
         ["care leavers"]),
        ("Inspectors looked at the local authority’s arrangements for the ‘front door’.", ["front door"]),
        ("Inspectors looked at the local authority’s arrangements for children in need and those subject to a child "
         "protection plan, including children receiving help and support from the disabled children’s service.",
         ["children in need", "child protection", "disabled children"]),
        ("Inspectors looked at the local authority’s arrangements for planning and achieving permanence for children "
         "in care.", ["children in care", "permanence"]),
    ],
)  # fmt: skip
def test_visit_topics_name_what_the_focus_sentence_names(focus, topics):
    assert visit_topics(focus, RULES) == topics


def test_a_focused_visit_letter_gets_its_focus_and_the_list_under_it():
    rec = record(
        "22 June 2023\n\nMs A Person\n\nDear Ms Person\n\nFocused visit to Portsmouth City Council local authority "
        "children’s services\n\nThis letter summarises the findings of the focused visit to Portsmouth City Council "
        "local authority children’s services on 25 and 26 February 2025. His Majesty’s Inspectors for this visit were "
        "Rodica Cobarzan and Amanda Maxwell.\n\nInspectors looked at the local authority’s arrangements for care "
        "leavers aged 18 to 25, with a particular focus on:\n\n◼\tthe quality and suitability of accommodation\n"
        "◼\tsupport into adulthood\n\nThis visit was carried out in line with the ILACS framework.\n"
    )
    assert (rec.framework, rec.inspection_kind, rec.doc_type.value) == ("focused_visit", "focused_visit",
                                                                      "focused_visit_letter")  # fmt: skip
    assert rec.visit_focus == (
        "Inspectors looked at the local authority’s arrangements for care leavers aged 18 to 25, with a particular "
        "focus on: the quality and suitability of accommodation support into adulthood"
    )
    assert rec.visit_topics == ["care leavers"]
    assert (rec.provider, rec.la_code, rec.region) == ("Portsmouth", "851", "South East")
    assert (rec.inspection_start, rec.inspection_end, rec.lead_inspector) == ("2025-02-25", "2025-02-26",
                                                                              "Rodica Cobarzan")  # fmt: skip
    assert rec.date == "2023-06-22" and rec.service_area is None
    prov = rec.metadata_provenance
    assert set(prov) >= {"title", "date", "provider", "inspection_dates", "lead_inspector", "framework", "visit_focus"}


def test_provenance_spans_point_at_what_was_read():
    letter = (
        "22 June 2023\n\nMs A Person\n\nDear Ms Person\n\nFocused visit to Dorset children’s services\n\n"
        "This letter summarises the findings of the focused visit to Dorset children’s services on 17 and 18 May 2023. "
        "His Majesty’s Inspectors for this visit were Tracey Ledder and Joy Howick.\n"
    )
    doc = read_bytes(letter.encode(), "case.txt")
    rec = extract_record(doc)
    span = {k: doc.text[p.start : p.end] for k, p in rec.metadata_provenance.items()}
    assert span["date"] == "22 June 2023"
    assert span["provider"] == "Dorset"
    assert span["inspection_dates"] == "17 and 18 May 2023"
    assert span["lead_inspector"] == "Tracey Ledder"
    assert span["title"] == "Focused visit to Dorset children’s services"
    assert all(p.page == 1 and p.rule for p in rec.metadata_provenance.values())


# -- strict rule files ----------------------------------------------------------------------------------


def _table() -> dict:
    return json.loads((RULES_DIR / "local_authorities.json").read_text(encoding="utf-8"))


def test_the_table_loads_with_every_council_and_trust():
    table = la_table()
    current = [a for a in table.authorities if a.status == "current"]
    assert len(current) == 153  # England's children's services authorities (la_lookup.csv)
    assert {"Bradford Children and Families Trust", "Achieving for Children"} <= {o.name for o in table.operators}
    assert all(re.fullmatch(r"E0[6-9]\d{6}|E10\d{6}", a.ons_code) for a in current)
    assert "JT-39/ofsted-ilacs-scrape-tool" in table.source.origin


def _break(mutate) -> dict:
    data = copy.deepcopy(_table())
    mutate(data)
    return data


def _by(data: dict, name: str) -> dict:
    return next(a for a in data["authorities"] if a["name"] == name)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: _by(d, "Oldham")["names"].append("Bury Council"), "claimed by both"),
        (lambda d: _by(d, "Oldham").update(region="North Westish"), "unknown region"),
        (lambda d: _by(d, "Oldham").update(ons_code="X08000004"), "ons_code"),
        (lambda d: _by(d, "Poole").update(successors=[]), "predecessor needs"),
        (lambda d: _by(d, "Poole").update(successors=["Cumbria"]), "not a current authority"),
        (lambda d: _by(d, "Oldham").update(stat_neighbours=["E08999999"]), "not in the table"),
        (lambda d: d["operators"][0].update(councils=["Atlantis"]), "not in the table"),
        (lambda d: _by(d, "Oldham").update(nickname="Oldham!"), "Extra inputs"),
        (lambda d: _by(d, "Oldham").update(names=["Oldham Council"]), "canonical name must be among"),
    ],
)
def test_the_table_loader_is_strict(mutate, message):
    with pytest.raises(ValueError, match=message):
        LaTable.model_validate(_break(mutate))


def _rules() -> dict:
    return json.loads((RULES_DIR / "metadata.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["frameworks"][0].update(framework="ofsted_2030"), "unknown framework"),
        (lambda d: d["frameworks"][0].update(kind="quick"), "unknown inspection kind"),
        (lambda d: d["provider_rules"].append({"id": "provider.any", "window": "head"}), "needs a prefix"),
        (lambda d: d["lead_inspector_patterns"][0].update(pattern="Lead inspector: (.*)"), "exactly once"),
        (lambda d: d["send_outcomes"][0].update(outcome="good"), "unknown SEND outcome"),
        (lambda d: d["visit_topics"][0]["patterns"].append("front ( door"), "bad regex"),
        (lambda d: d.update(extra_rules=[]), "Extra inputs"),
    ],
)
def test_the_metadata_rules_loader_is_strict(mutate, message):
    data = _rules()
    mutate(data)
    with pytest.raises(ValueError, match=message):
        MetadataRules.model_validate(data)


# -- storage ----------------------------------------------------------------------------------------------


def test_the_new_metadata_is_flattened_into_the_documents_row():
    letter = (
        "22 June 2023\n\nMs A Person\n\nDear Ms Person\n\nFocused visit to the Borough of Poole children’s services\n\n"
        "This letter summarises the findings of the focused visit to Poole children’s services on 17 and 18 May 2018. "
        "His Majesty’s Inspectors for this visit were Tracey Ledder and Joy Howick.\n"
    )
    doc = read_bytes(letter.encode(), "case.txt")
    row = R.flatten(extract_record(doc), doc)["documents"][0]
    assert (row["provider"], row["predecessor"], row["ons_code"]) == ("Bournemouth, Christchurch and Poole", "Poole",
                                                                      "E06000058")  # fmt: skip
    assert row["provider_as_printed"] == "Borough of Poole"
    assert str(row["inspection_start"]) == "2018-05-17" and str(row["inspection_end"]) == "2018-05-18"
    assert (row["framework"], row["inspection_kind"], row["lead_inspector"]) == ("focused_visit", "focused_visit",
                                                                                 "Tracey Ledder")  # fmt: skip
    fields = {p["field"]: p for p in row["metadata_provenance"]}
    assert fields["provider"]["rule"] == "provider.letter_subject"
    assert doc.text[fields["provider"]["char_start"] : fields["provider"]["char_end"]] == "Borough of Poole"


def test_a_kind_read_from_the_dates_points_at_the_dates():
    text = (
        "Inspection of Dorset local authority children’s services Inspection dates: 17 March to 21 March 2025\n"
        "Lead inspector: Sarah Canto, His Majesty’s Inspector\nJudgement\tGrade\nOverall effectiveness\tOutstanding\n"
    )
    doc = read_bytes(text.encode(), "case.txt")
    rec = extract_record(doc)
    assert (rec.framework, rec.inspection_kind, rec.doc_type.value) == ("ilacs", "short", "inspection_report")
    kind = rec.metadata_provenance["inspection_kind"]
    assert (kind.rule, doc.text[kind.start : kind.end]) == ("framework.ilacs.duration", "17 March to 21 March 2025")
    assert rec.metadata_provenance["framework"].rule == "framework.ilacs"
