"""Readers and list extraction on real Ofsted documents (../shared/real), genre by genre.

Each case is a structure found in the real archive and the items it must give, checked against the
document as printed: list markers set apart by a tab stop, Wingdings bullets, footnote references
and footnotes, line-end hyphens, numbered SIF lists with sub-headings, sub-bullets under a colon,
priority actions, area SEND tables and the national framework tag.
"""

from __future__ import annotations

import re

import pytest

from schemas.document import BlockKind
from tests.real import needs_real, real_doc, real_record

pytestmark = needs_real

FV_OLDHAM_2025 = "focused_visits/80535_oldham/children's services focused visit - 21 august 2025.pdf"
FV_HAMPSHIRE_2018 = "focused_visits/80472_hampshire/children's services focused visit - 05 november 2018.pdf"
FV_SWINDON_2018 = "focused_visits/80568_swindon/children's services focused visit - 18 may 2018.pdf"
FV_BCP_2020 = (
    "focused_visits/2532287_bournemouth, christchurch & poole/children's services focused visit - 27 november 2020.pdf"
)
WANDSWORTH_2026 = "ilacs/80518_wandsworth/children's services inspection - 18 may 2026.pdf"
LANCASHIRE_2026 = "ilacs/80480_lancashire/children's services inspection - 20 august 2026.pdf"
IOW_2023 = "ilacs/80419_isle of wight/children's services inspection - 15 december 2023.pdf"
SURREY_2015 = "ilacs/80567_surrey/children's services inspection - 03 june 2015.pdf"
CORNWALL_2016 = "ilacs/80454_cornwall/children's services inspection - 27 june 2016.pdf"
BARNSLEY_2014 = "ilacs/80426_barnsley/children's services inspection - 08 august 2014.pdf"
SEND_LANCASHIRE = "send/80480_lancashire/area send full inspection - 12 february 2025.pdf"
SEND_SURREY = "send/80567_surrey/area send full inspection - 24 november 2023.pdf"
SEND_MILTON_KEYNES = "send/80524_milton keynes/area send full inspection - 20 may 2024.pdf"


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


# -- readers ---------------------------------------------------------------------------------------


def test_a_raised_footnote_reference_does_not_swallow_the_heading():
    """The superscript "1" after "What needs to improve?" is a line of its own in PDFium's text;
    it used to be taken for a page number and dropped with the heading's paragraph break, so the
    heading ran into the paragraph above and the list had no heading."""
    blocks = real_doc(WANDSWORTH_2026).blocks
    k = next(i for i, b in enumerate(blocks) if b.text == "What needs to improve?")
    assert blocks[k].kind is BlockKind.HEADING
    assert blocks[k + 1].kind is BlockKind.BULLET and blocks[k + 1].marker == "◼"
    assert blocks[k + 1].text.startswith("The consistency with which permanence plans")


def test_a_footnote_stands_apart_and_a_paragraph_carries_on_over_it():
    doc = real_doc(WANDSWORTH_2026)
    notes = [b for b in doc.blocks if b.kind is BlockKind.FOOTNOTE]
    assert any(b.text.startswith("1 The areas for improvement have been cross-referenced") for b in notes)
    # Finding 4 runs from page 2 to page 3, past the footnote at the foot of page 2.
    finding = next(b for b in doc.blocks if b.text.startswith("The multi-agency safeguarding hub (MASH) operates"))
    assert "This reflects a relational model of practice" in finding.text
    assert all(b.kind is not BlockKind.FOOTNOTE for b in doc.blocks if "What needs to improve" in b.text)


def test_bullets_set_apart_by_a_tab_stop_are_bullets_not_table_rows():
    """"◼" then a tab stop, and Wingdings' U+F06E: list markers, not the first cell of a table."""
    for rel, marker in ((FV_OLDHAM_2025, "◼"), (FV_HAMPSHIRE_2018, "\uf06e")):
        doc = real_doc(rel)
        items = [b for b in doc.blocks if b.kind is BlockKind.BULLET and b.marker == marker]
        assert len(items) >= 2, rel
        assert not any(b.kind is BlockKind.TABLE_ROW and "◼" in b.text for b in doc.blocks)


def test_line_end_hyphens_are_kept_and_no_pdfium_marker_is_left():
    """PDFium marks a hyphen at a line end with U+FFFE; every such word in the archive is a
    compound printed with its hyphen elsewhere ("co-located", "decision-making")."""
    doc = real_doc(FV_OLDHAM_2025)
    assert "\ufffe" not in doc.text
    assert "co-located, multi-agency partners" in doc.text
    assert "information-gathering" in doc.text


def test_numbered_paragraphs_of_a_report_are_paragraphs_not_items():
    rec = real_record(WANDSWORTH_2026)
    assert [a.text for a in rec.areas_for_improvement] == [
        "The consistency with which permanence plans are clearly recorded so that plans for achieving stability "
        "provide clarity and are well understood by children."
    ]


# -- lists by genre --------------------------------------------------------------------------------


def test_focused_visit_items_with_the_national_framework_tag_kept_apart():
    areas = real_record(FV_OLDHAM_2025).areas_for_improvement
    assert [(a.text, a.framework_tag) for a in areas] == [
        ("Consistency in the response to 16- and 17-year-old children who present as homeless.", "outcome 3"),
        (
            "The quality and consistency of safety plans for children, including for out-of-hours services.",
            "outcome 3",
        ),
    ]


def test_enabler_named_by_its_wording():
    areas = real_record(LANCASHIRE_2026).areas_for_improvement
    assert [a.framework_tag for a in areas] == ["enabler 3", "outcome 2", "outcome 4"]
    assert not any("national framework" in a.text.lower() for a in areas)


@pytest.mark.parametrize("rel", [FV_SWINDON_2018, FV_BCP_2020])
def test_areas_for_priority_action_come_before_what_needs_to_improve(rel):
    areas = real_record(rel).areas_for_improvement
    kinds = [a.kind for a in areas]
    assert kinds[:2] == ["priority_action", "priority_action"]
    assert set(kinds[2:]) == {"area_for_improvement"} and len(kinds) > 2
    # The sentence that introduces the priority actions is not one of them.
    assert not any("swift and decisive action" in a.text for a in areas)


def test_sub_bullets_belong_to_a_parent_that_ends_with_a_colon():
    areas = real_record(IOW_2023).areas_for_improvement
    assert len(areas) == 4
    parent = areas[2]
    assert parent.text == (
        "The quality of oversight and monitoring of: the pre-proceedings process in the Public Law Outline (PLO) "
        "permanence for children private fostering."
    )
    quoted = real_doc(IOW_2023).text[parent.provenance.start : parent.provenance.end]
    assert quoted.endswith("private fostering.")


def test_sif_numbered_list_with_sub_headings_and_priority_actions():
    areas = real_record(SURREY_2015).areas_for_improvement
    assert [a.id for a in areas] == [str(n) for n in range(1, 26)]
    assert [a.kind for a in areas] == ["priority_action"] * 11 + ["area_for_improvement"] * 14
    # Sub-headings between items are not items, and the strengths after the list are not areas.
    assert not any(a.text in ("Training", "Care leavers") for a in areas)
    assert not any("children in care council is an active group" in a.text for a in areas)


def test_sif_recommendations_of_the_local_authority_and_the_lscb():
    recs = real_record(CORNWALL_2016).recommendations
    assert [r.id for r in recs] == [str(n) for n in range(1, 9)] + [str(n) for n in range(102, 108)]
    assert recs[0].text.startswith(
        "Improve the arrangements to reduce the risk to children of sexual exploitation and episodes of missing "
        "from home and care by: improving information sharing"
    )
    assert recs[0].text.endswith("to inform partnership prevention and disruption activity.")


def test_a_list_that_says_there_is_none_gives_nothing():
    areas = real_record(BARNSLEY_2014).areas_for_improvement
    assert len(areas) == 32
    assert not any("did not find any areas" in a.text for a in areas)
    assert not any(a.text.startswith("When children are at risk of immediate harm, they receive a good") for a in areas)


def test_area_send_priority_actions_table_with_a_responsible_body():
    areas = real_record(SEND_LANCASHIRE).areas_for_improvement
    assert [a.kind for a in areas] == ["priority_action"] * 3 + ["area_for_improvement"] * 2
    assert areas[0].responsible_body == "Lancashire County Council and NHS Lancashire and South Cumbria ICB"
    assert areas[0].text.startswith("Leaders from the local authority and ICB should urgently work together")
    assert areas[3].responsible_body is None


def test_area_send_paragraphs_of_a_table_cell_with_bullets_under_a_colon():
    areas = real_record(SEND_SURREY).areas_for_improvement
    assert len(areas) == 4
    assert areas[0].text.startswith("The partnership board should further develop")  # no glued header cell
    assert areas[2].text.endswith(
        "in respect of: reducing waiting times for health assessments; increasing timeliness and quality of needs "
        "assessments; and increasing timeliness and quality of EHCPs and annual reviews."
    )


def test_a_list_title_run_into_its_first_item():
    areas = real_record(SEND_MILTON_KEYNES).areas_for_improvement
    assert len(areas) == 5
    assert areas[0].text.startswith("The local area partnership needs to strengthen its strategic evaluation")


@pytest.mark.parametrize(
    "rel", [FV_OLDHAM_2025, FV_SWINDON_2018, IOW_2023, SURREY_2015, CORNWALL_2016, SEND_LANCASHIRE, SEND_SURREY]
)
def test_every_item_quotes_its_source(rel):
    """Provenance a researcher can cite: each item's span in the stored text holds its words."""
    doc, rec = real_doc(rel), real_record(rel)
    for item in (*rec.areas_for_improvement, *rec.recommendations):
        p = item.provenance
        quoted = _words(doc.text[p.start : p.end])
        words = _words(item.text)
        assert words and set(words) <= set(quoted), (item.text, doc.text[p.start : p.end])
        assert len(quoted) <= 2 * len(words) + 12, item.text  # the span is the item, not the page
        assert p.page is not None and p.rule
