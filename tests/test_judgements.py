"""Judgements by inspection framework (extractors/judgements.py, rules/judgements.json).

Short realistic texts per framework, as the readers hand them over (tab-separated table cells,
lines broken by the PDF layout, form feeds between pages); then real reports of each framework
from the archive (skipped where ../shared/real is absent); then scripts/devset_report.py's
comparison with the scraper on a few real reports.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from extractors.analysis import analyse
from extractors.extract import extract_record
from extractors.judgements import read_framework
from extractors.readers import read_bytes, read_document
from extractors.rules.judgement_rules import JudgementRules, judgement_rules

ROOT = Path(__file__).parent.parent
REAL = ROOT.parent / "shared" / "real"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="needs ../shared/real (the real Ofsted archive)")


def judged(text: str):
    rec = extract_record(read_bytes(text.encode("utf-8"), "case.txt"))
    overall = rec.overall_judgement.grade.value if rec.overall_judgement else None
    return [(j.subject, j.grade.value) for j in rec.judgements], overall, rec


ILACS_HEAD = "Inspection of Northtown local authority children's services\nInspection dates: 3 to 14 March 2025\n\n"
LEADERS = "The impact of leaders on social work practice with children and families"
HELP = "The experiences and progress of children who need help and protection"
IN_CARE = "The experiences and progress of children in care"
LEAVERS = "The experiences and progress of care leavers"
COMBINED = "The experiences and progress of children in care and care leavers"


def table(*rows: tuple[str, str]) -> str:
    return "Judgement\tGrade\n" + "".join(f"{s}\t{g}\n" for s, g in rows) + "\n"


ILACS_CASES = {
    "2018-2022: four rows, children in care and care leavers together": (
        table(
            (LEADERS, "Requires improvement to be good"),
            (HELP, "Inadequate"),
            (COMBINED, "Requires improvement to be good"),
            ("Overall effectiveness", "Inadequate"),
        ),
        [(LEADERS, "requires_improvement"), (HELP, "inadequate"), (COMBINED, "requires_improvement")],
        "inadequate",
    ),
    "2023-: five rows, care leavers graded apart": (
        table(
            (LEADERS, "Outstanding"),
            (HELP, "Good"),
            (IN_CARE, "Outstanding"),
            (LEAVERS, "Good"),
            ("Overall effectiveness", "Outstanding"),
        ),
        [(LEADERS, "outstanding"), (HELP, "good"), (IN_CARE, "outstanding"), (LEAVERS, "good")],
        "outstanding",
    ),
    "cells broken into lines by the PDF layout": (
        "Judgement Grade\nThe impact of leaders on social work practice with\nchildren and families\n"
        "Requires improvement to\nbe good\nThe experiences and progress of children who need\n"
        "help and protection\nGood\nThe experiences and progress of children in care and\ncare leavers\nGood\n"
        "Overall effectiveness Requires improvement to\nbe good\n\n",
        [(LEADERS, "requires_improvement"), (HELP, "good"), (COMBINED, "good")],
        "requires_improvement",
    ),
    "2026 framework: four rows and no Overall effectiveness": (
        table((LEADERS, "Outstanding"), (HELP, "Good"), (IN_CARE, "Good"), (LEAVERS, "Outstanding")),
        [(LEADERS, "outstanding"), (HELP, "good"), (IN_CARE, "good"), (LEAVERS, "outstanding")],
        None,
    ),
}

ILACS_PROSE = (
    "Since the last inspection in 2022, when services were judged to be good overall, leaders have "
    "strengthened practice. Overall effectiveness was judged inadequate in 2017.\n\n"
    "What needs to improve?\n\nThe quality of plans. (outcome 2, national framework)\n\n"
    f"{HELP}: good\n\nChildren are seen quickly.\n\f{LEAVERS}: outstanding\n\nThe previous inspection judged "
    "care leavers' services to be inadequate.\n"
)


@pytest.mark.parametrize("case", ILACS_CASES, ids=list(ILACS_CASES))
def test_ilacs_judgement_table(case):
    text, rows, overall = ILACS_CASES[case]
    got, got_overall, rec = judged(ILACS_HEAD + text + ILACS_PROSE)
    expected = rows + ([("Overall effectiveness", overall)] if overall else [])
    assert sorted(got) == sorted(expected)  # headings restating a row, and earlier grades, add nothing
    assert got_overall == overall  # the 2026 framework has none, and none is taken from the prose
    assert all(j.provenance.rule.startswith("judgement.ilacs.") and j.provenance.page == 1 for j in rec.judgements)
    framework = read_framework(analyse(read_bytes((ILACS_HEAD + text).encode("utf-8"), "case.txt"))).framework
    assert framework == ("ilacs" if overall else "ilacs_2026")


SIF_HEAD = (
    "Kelmouth Borough Council\nInspection of services for children in need of help and protection, children "
    "looked after and care leavers and\nReview of the effectiveness of the Local Safeguarding Children Board1\n"
    "Inspection date: 11 April 2016 – 5 May 2016\nReport published: 21 June 2016\n\n"
)
SIF_TABLE = (
    "1. Children who need help and protection\t\tRequires improvement\n"
    "2. Children looked after and achieving permanence\t\tGood\n"
    "\t2.1 Adoption performance\tOutstanding\n"
    "\t2.2 Experiences and progress of care leavers\tRequires improvement\n"
    "3. Leadership, management and governance\t\tGood\n\n"
)
SIF_SPLIT = (  # the layout prints a two-line grade beside its subject: "Requires" above, "improvement" on its line
    "Requires\nChildren who need help and protection improvement\n"
    "Children looked after and achieving permanence Good\n"
    "2.1 Adoption performance Outstanding\n"
    "Requires\n2.2 Experiences and progress of care leavers improvement\n"
    "Leadership, management and governance Good\n\n"
)
SIF_REST = (
    "\fSummary of findings\n\nThe local authority has the following strengths.\n\n"
    "Previous Ofsted inspections\n\nThe last inspection of the local authority's children's services was in 2012. "
    "The judgements for the local authority were:\n\nOverall effectiveness: inadequate\n\n"
    "Leadership, management and governance: inadequate\n\nThe local authority was judged to be adequate.\n\n"
    "The experiences and progress of children who need help and protection Requires improvement\n\n"
    "\fThe graded judgement for adoption performance is that it is outstanding\n\n"
    "The Local Safeguarding Children Board (LSCB)\n\nThe Local Safeguarding Children Board requires improvement\n\n"
    "The LSCB requires improvement because:\n\n"
    "\fWhat the inspection judgements mean: the LSCB\n\nAn LSCB that is good coordinates the activity of partners.\n\n"
    "An LSCB requires improvement if it does not yet demonstrate the characteristics of good.\n\n"
    "Local authority: inadequate\n"
)
SIF_EXPECTED = [
    ("Children who need help and protection", "requires_improvement"),
    ("Children looked after and achieving permanence", "good"),
    ("Adoption performance", "outstanding"),
    ("Experiences and progress of care leavers", "requires_improvement"),
    ("Leadership, management and governance", "good"),
    ("The effectiveness of the Local Safeguarding Children Board", "requires_improvement"),
]
SIF_CASES = {
    "table, 'Children's services in X are good'": ("Children's services in Kelmouth are good\n\n", SIF_TABLE, "good"),
    "split grades, 'The overall judgement is requires improvement'": (
        "The overall judgement is requires improvement\n\nThere are no widespread or serious failures.\n\n",
        SIF_SPLIT,
        "requires_improvement",
    ),
    "table, 'The overall judgement is that children's services are inadequate'": (
        "The overall judgement is that children's services are inadequate.2 The authority is not yet "
        "delivering good help.\n\n",
        SIF_TABLE,
        "inadequate",
    ),
}


@pytest.mark.parametrize("case", SIF_CASES, ids=list(SIF_CASES))
def test_sif_judgement_list_overall_sentence_and_lscb(case):
    sentence, listing, overall = SIF_CASES[case]
    got, got_overall, _ = judged(SIF_HEAD + sentence + listing + SIF_REST)
    assert sorted(got) == sorted([*SIF_EXPECTED, ("Overall effectiveness", overall)])
    assert got_overall == overall


def test_sif_reinspection_without_lscb_review():
    head = "Northtown City Council Re-inspection of services for children in need of help and protection\n\n"
    got, overall, _ = judged(head + "Children's services in Northtown require improvement to be good\n\n" + SIF_TABLE)
    assert len(got) == 6 and overall == "requires_improvement"
    assert not any("Safeguarding Children Board" in s for s, _ in got)


def test_lscb_review_published_alone():
    text = (
        "Northtown Safeguarding Children Board Review of the effectiveness of the Local Safeguarding Children\n"
        "Board\nInspection date: 15 June 2015 – 17 June 2015\n\n"
        "The Local Safeguarding Children Board requires improvement\n\nThe arrangements require improvement.\n"
    )
    got, overall, _ = judged(text)
    assert got == [("The effectiveness of the Local Safeguarding Children Board", "requires_improvement")]
    assert overall is None


SLAC = (
    "Inspection of safeguarding and looked after children services\nHartfield Borough Council\n\n"
    "The inspection judgements and what they mean\n\nOutstanding (Grade 1)\tA service that exceeds requirements\n\n"
    "Safeguarding services\n\nOverall effectiveness\tGrade 3 (adequate)\n\n"
    "7. The overall effectiveness of safeguarding services in Hartfield is adequate.\n\n"
    "Capacity for improvement\tGrade 2 (good)\n\n8. Capacity to improve is good.\n\n"
    "Ambition and prioritisation\tGrade 2\n\nPartnership working\tGood\n\n"
    "Services for looked after children\n\nOverall effectiveness\tGrade 2 (good)\n\n"
    "How good are outcomes for looked after children and care leavers?\n\n"
    "Being healthy\tGrade 1 (outstanding)\nStaying safe\tGrade 2 (good)\nEnjoying and achieving\tGrade 3 (adequate)\n"
    "Making a positive contribution, including user engagement\tGrade 2 (good)\n"
    "Economic well-being\tGrade 4 (inadequate)\n\n"
    "Equality and diversity is good.\n\nThe previous inspection in 2008 judged leadership and management inadequate.\n"
)
CP_2012 = (
    "Inspection of local authority arrangements for the protection of children\nNorthtown City Council\n\n"
    "The overall effectiveness of the arrangements to protect children in Northtown is adequate.\n\n"
    "1. The effectiveness of the help and protection provided to children, young people, families and carers "
    "is judged to be adequate.\n\n2. The quality of practice is good.\n\n3. Leadership and governance is adequate.\n\n"
    "At the last inspection overall effectiveness was judged to be inadequate.\n"
)
SLAC_RECORD = (  # a report whose grades are printed once in the body and again in its closing table
    "Announced inspection of safeguarding and looked after children services\nNorthtown City Council\n\n"
    "Safeguarding services\n\nOverall effectiveness\tGood\n\nCapacity for improvement\tGood\n\n"
    "Looked after children services\n\nOverall effectiveness\tAdequate\n\n"
    "Record of main findings\n\nSafeguarding services\t\n"
    "Overall effectiveness\tGood\nCapacity for improvement\tGood\n"
    "Children and young people are safe: effectiveness of services in taking reasonable steps to ensure that "
    "children and young people are safe\tAdequate\nChildren and young people feel safe\tGood\n"
    "Evaluation, including performance management, quality assurance and workforce planning\tAdequate\n"
    "Looked after children services\t\nOverall effectiveness\tAdequate\nValue for money\tAdequate\n"
)
LA_2009_CASES = {
    "SLAC 2009-12: sections, 'Grade N (x)' lines and 'X is good' paragraphs": (
        SLAC,
        [
            ("Safeguarding services: Overall effectiveness", "adequate"),
            ("Safeguarding services: Capacity for improvement", "good"),
            ("Safeguarding services: Ambition and prioritisation", "good"),
            ("Safeguarding services: Partnership working", "good"),
            ("Services for looked after children: Overall effectiveness", "good"),
            ("Services for looked after children: Being healthy", "outstanding"),
            ("Services for looked after children: Staying safe", "good"),
            ("Services for looked after children: Enjoying and achieving", "adequate"),
            ("Services for looked after children: Making a positive contribution, including user engagement", "good"),
            ("Services for looked after children: Economic well-being", "inadequate"),
            ("Services for looked after children: Equality and diversity", "good"),
        ],
        "adequate",
    ),
    "SLAC: grades restated in the record of main findings, sections as printed": (
        SLAC_RECORD,
        [
            ("Safeguarding services: Overall effectiveness", "good"),
            ("Safeguarding services: Capacity for improvement", "good"),
            (
                "Safeguarding services: Children and young people are safe: effectiveness of services in taking "
                "reasonable steps to ensure that children and young people are safe",
                "adequate",
            ),
            ("Safeguarding services: Children and young people feel safe", "good"),
            (
                "Safeguarding services: Evaluation, including performance management, quality assurance and "
                "workforce planning",
                "adequate",
            ),
            ("Looked after children services: Overall effectiveness", "adequate"),
            ("Looked after children services: Value for money", "adequate"),
        ],
        "good",
    ),
    "child protection 2012-13: 'X is adequate' paragraphs": (
        CP_2012,
        [
            ("Overall effectiveness", "adequate"),
            (
                "The effectiveness of the help and protection provided to children, young people, families and carers",
                "adequate",
            ),
            ("The quality of practice", "good"),
            ("Leadership and governance", "adequate"),
        ],
        "adequate",
    ),
}


@pytest.mark.parametrize("case", LA_2009_CASES, ids=list(LA_2009_CASES))
def test_2009_13_frameworks(case):
    text, expected, overall = LA_2009_CASES[case]
    got, got_overall, _ = judged(text)
    assert sorted(got) == sorted(expected)
    assert got_overall == overall


NO_JUDGEMENT_CASES = {
    "focused visit quoting the last inspection": (
        "Ofsted\nPiccadilly Gate\n\n21 August 2025\n\nDear Ms Smith\n\n"
        "Focused visit to Northtown children's services\n\n"
        "This letter summarises the findings of the focused visit. Since the last inspection in 2023, when "
        "services were judged to be good overall, leaders have sustained progress.\n\n"
        "The judgements at the last inspection were:\n\nOverall effectiveness: good\n\n"
        f"{table((LEADERS, 'Good'), (HELP, 'Good'), (COMBINED, 'Good'), ('Overall effectiveness', 'Good'))}"
        "What needs to improve in this area of social work practice?\n\nThe timeliness of assessments.\n"
    ),
    "area SEND report": (
        "Local area partnership report\nArea SEND inspection of Northtown Local Area Partnership\n"
        "Inspection dates: 6 to 10 February 2023\n\nInspection outcome\n\n"
        "The local area partnership's arrangements lead to inconsistent experiences and outcomes for children "
        "and young people with special educational needs and/or disabilities (SEND).\n\n"
        "At the last inspection, overall effectiveness was judged to be good. The quality of provision is good.\n"
    ),
}


@pytest.mark.parametrize("case", NO_JUDGEMENT_CASES, ids=list(NO_JUDGEMENT_CASES))
def test_focused_visits_and_area_send_grade_nothing(case):
    got, overall, _ = judged(NO_JUDGEMENT_CASES[case])
    assert got == [] and overall is None


def test_committee_paper_quoting_a_2009_13_inspection_is_not_read_as_one():
    text = (
        "OFSTED INSPECTIONS OF SAFEGUARDING AND LOOKED AFTER CHILDREN SERVICES\n\nReport of the Director\n\n"
        "The inspection judged the service's 'Overall Effectiveness' to be 'Good'.\n"
    )
    got, _, rec = judged(text)
    assert ("Overall Effectiveness", "good") in got
    assert not any(j.provenance.rule.startswith("judgement.la_2009_13") for j in rec.judgements)


def test_judgement_rules_are_strict():
    raw = judgement_rules().model_dump(by_alias=True)
    with pytest.raises(ValueError):
        JudgementRules.model_validate({**raw, "unknown": 1})
    bad = {**raw, "overall_sentences": ["^the overall judgement is (GRADE)"]}  # no (?P<grade>...) group
    with pytest.raises(ValueError, match="grade"):
        JudgementRules.model_validate(bad)


# -- real reports ----------------------------------------------------------------------------------

REAL_CASES = {
    "SIF 2014, grades split round their subjects, LSCB on page 1": (
        "ilacs/80426_barnsley/children's services inspection - 08 august 2014.pdf",
        [
            ("Overall effectiveness", "requires_improvement"),
            ("Children who need help and protection", "requires_improvement"),
            ("Children looked after and achieving permanence", "requires_improvement"),
            ("Adoption performance", "requires_improvement"),
            ("Experiences and progress of care leavers", "good"),
            ("Leadership, management and governance", "requires_improvement"),
            ("The effectiveness of the Local Safeguarding Children Board", "requires_improvement"),
        ],
        "requires_improvement",
    ),
    "LSCB review published alone": (
        "ilacs/80567_surrey/children's services inspection - 03 august 2015.pdf",
        [("The effectiveness of the Local Safeguarding Children Board", "requires_improvement")],
        None,
    ),
    "ILACS standard 2018": (
        "ilacs/80449_bradford/children's services inspection - 29 october 2018.pdf",
        [
            (LEADERS, "requires_improvement"),
            (HELP, "inadequate"),
            (COMBINED, "requires_improvement"),
            ("Overall effectiveness", "inadequate"),
        ],
        "inadequate",
    ),
    "ILACS short 2025": (
        "ilacs/2532283_dorset/children's services inspection - 09 may 2025.pdf",
        [
            (LEADERS, "outstanding"),
            (HELP, "outstanding"),
            (IN_CARE, "outstanding"),
            (LEAVERS, "good"),
            ("Overall effectiveness", "outstanding"),
        ],
        "outstanding",
    ),
    "2026 framework: no overall effectiveness": (
        "ilacs/80480_lancashire/children's services inspection - 20 august 2026.pdf",
        [(LEADERS, "outstanding"), (HELP, "good"), (IN_CARE, "good"), (LEAVERS, "outstanding")],
        None,
    ),
    "focused visit 2025": (
        "focused_visits/80535_oldham/children's services focused visit - 21 august 2025.pdf",
        [],
        None,
    ),
    "area SEND 2025": ("send/80480_lancashire/area send full inspection - 12 february 2025.pdf", [], None),
}


@needs_real
@pytest.mark.parametrize("case", REAL_CASES, ids=list(REAL_CASES))
def test_real_reports(case):
    path, expected, overall = REAL_CASES[case]
    rec = extract_record(read_document(REAL / path, max_bytes=200 * 1024 * 1024))
    assert sorted((j.subject, j.grade.value) for j in rec.judgements) == sorted(expected)
    assert (rec.overall_judgement.grade.value if rec.overall_judgement else None) == overall
    for j in rec.judgements:  # provenance: the page, the span and the rule of each
        assert j.provenance.page is not None and j.provenance.end > j.provenance.start and j.provenance.rule


# -- scripts/devset_report.py ----------------------------------------------------------------------


def _devset_report():
    spec = importlib.util.spec_from_file_location("devset_report", ROOT / "scripts" / "devset_report.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@needs_real
def test_devset_report_compares_with_the_scraper():
    R = _devset_report()
    peer = R.load_peer(REAL / "ilacs_peer_grades.csv")
    verdicts = R.load_adjudication(ROOT / "docs" / "scraper_adjudication.md")
    reports = [
        "ilacs/80542_rochdale/children's services inspection - 12 march 2018.pdf",
        "ilacs/2532283_dorset/children's services inspection - 09 may 2025.pdf",
        "ilacs/80480_lancashire/children's services inspection - 20 august 2026.pdf",
        "ilacs/80426_barnsley/children's services inspection - 08 august 2014.pdf",
    ]
    comps = {}
    for rel in reports:
        s = R.summarise(REAL / rel, REAL)
        for c in R.compare(s, peer[R.peer_key(s.path)]):
            comps[(rel.split("/")[1].split("_")[1], c.column)] = c
    rochdale = comps[("rochdale", "in_care_grade")]
    assert (rochdale.outcome, rochdale.peer, rochdale.ours) == ("disagreeing", "requires improvement", "good")
    assert verdicts[(rochdale.report, rochdale.column)] == "scraper wrong"
    assert all(c.outcome == "matched" for (la, _), c in comps.items() if la == "dorset")
    lanc = comps[("lancashire", "overall_effectiveness_grade")]  # 2026: not_reported_post_reform, and none read
    assert (lanc.outcome, lanc.ours) == ("not_comparable", None)
    assert comps[("lancashire", "care_leavers_grade")].outcome == "matched"
    assert all(c.outcome == "not_comparable" for (la, _), c in comps.items() if la == "barnsley")  # SIF: unread
    agree, total = R.agreement(comps.values())
    assert (agree, total) == (total - 1, total)
    assert R.agreement(comps.values(), verdicts) == (total, total)


def test_devset_report_reads_scraper_cells_and_years():
    R = _devset_report()
    assert R.peer_grade("requires improvement") == "requires_improvement"
    assert R.peer_grade("not_reported_post_reform") is None and R.peer_grade("data_unreadable") is None
    assert R.peer_grade("") is None
    assert R.year_of(Path("children's services inspection - 09 may 2025.pdf")) == 2025
    assert R.peer_key("ilacs/80426_barnsley/x.pdf") == "80426/x.pdf"
