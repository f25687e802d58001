"""Normalisation cases real letters need, each on a small input built like the real debris."""

from __future__ import annotations

import pytest

from extractors.readers import read_bytes
from schemas.document import BlockKind


def blocks(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_bytes(data, "case.txt").blocks


def texts(text: str | bytes) -> list[str]:
    return [b.text for b in blocks(text)]


@pytest.mark.parametrize(
    "glyph",
    ["-", "•", "·", "*", "\uf0b7", "\uf0a7", "▪", "●", "–", "o"],
)
def test_bullet_glyphs_become_bullets_with_marker_kept_apart(glyph):
    doc = blocks(f"Evidence included:\n\n{glyph} Case files showed progress.\n{glyph} Letters were sent.\n")
    bullets = [b for b in doc if b.kind is BlockKind.BULLET]
    assert [b.text for b in bullets] == ["Case files showed progress.", "Letters were sent."]
    assert all(b.marker == glyph for b in bullets)


def test_numbered_items_keep_their_number_as_marker():
    doc = blocks("The service should:\n\n1. Improve planning.\n2) Audit files.\n(c) Train staff.\n")
    assert [(b.marker, b.text) for b in doc if b.kind is BlockKind.BULLET] == [
        ("1.", "Improve planning."),
        ("2)", "Audit files."),
        ("(c)", "Train staff."),
    ]


def test_section_numbers_are_not_bullets():
    doc = blocks("3.2.1 A detailed update of progress is attached.\n")
    assert doc[0].kind is BlockKind.PARAGRAPH
    assert doc[0].text.startswith("3.2.1 ")


def test_lost_bullet_marker_after_list_intro():
    doc = blocks("Within six months:\n\n Secure meaningful participation by children.\n")
    assert doc[1].kind is BlockKind.BULLET and doc[1].marker is None


def test_form_field_debris_dropped():
    assert texts("I am a/an:\n\n FORMCHECKBOX \n child or young person\n\nFemale  FORMCHECKBOX \n") == [
        "I am a/an:",
        "child or young person",
        "Female",
    ]


def test_html_list_tags_in_cells_dropped():
    doc = blocks('Plan\tAmber\t<ul style="list-style-type: none"> Forms amended. Audits held.\n')
    assert doc[0].kind is BlockKind.TABLE_ROW
    assert [c.text for c in doc[0].cells] == ["Plan", "Amber", "Forms amended. Audits held."]


def test_sentence_rejoined_across_a_page_gap():
    text = (
        "Increased shared local intelligence has the potential to strengthen the timeliness of\n\n\nadvice to courts.\n"
    )
    assert texts(text) == [
        "Increased shared local intelligence has the potential to strengthen the timeliness of advice to courts."
    ]


def test_bullet_continued_on_next_line():
    text = "inspectors:\n\n- reviewed a sample of files of long term cases from two\n offices\n- scrutinised files\n"
    assert texts(text)[1:] == ["reviewed a sample of files of long term cases from two offices", "scrutinised files"]


def test_running_headers_footers_and_page_numbers_removed():
    page = "Ofsted monitoring letter: Anytown\nBody text on page {n} continues here.\nPage {n} of 3\n"
    text = "\f".join(page.format(n=n) for n in (1, 2, 3))
    assert texts(text) == [f"Body text on page {n} continues here." for n in (1, 2, 3)]


def test_sentence_and_bullet_joined_across_a_page_break():
    text = (
        "Header line\n- The service has improved its\nPage 1\f"
        "Header line\nmonitoring of plans.\n- Next point.\nPage 2\f"
        "Header line\nFinal text.\nPage 3"
    )
    assert texts(text) == ["The service has improved its monitoring of plans.", "Next point.", "Final text."]


@pytest.mark.parametrize(
    "wrapped, joined",
    [
        ("The team will co-\noperate with partners.", "The team will co-operate with partners."),
        ("Learning from the post-\ninspection visit.", "Learning from the post-inspection visit."),
        ("Managers reviewed the assess-\nments made.", "Managers reviewed the assessments made."),
        ("A well-known long-\nstanding issue.", "A well-known long-standing issue."),
    ],
)
def test_hyphenated_line_ends(wrapped, joined):
    assert texts(wrapped) == [joined]


def test_real_hyphenated_word_written_elsewhere_is_kept():
    text = "Staff take part in case-\nwork.\n\nAll casework is audited. Case-work is reviewed.\n"
    assert texts(text)[0] == "Staff take part in case-work."


def test_bold_runs_glued_by_conversion_are_split():
    text = "OFSTED INSPECTIONS OF SERVICES**Report of the Director****1. PURPOSE OF THE REPORT**\n"
    assert texts(text) == ["OFSTED INSPECTIONS OF SERVICES", "Report of the Director", "PURPOSE OF THE REPORT"]


def test_inline_bold_markers_removed_without_gaps():
    assert texts("A copy is attached as **appendix 1**, however key findings follow.\n") == [
        "A copy is attached as appendix 1, however key findings follow."
    ]


def test_spans_index_the_normalised_text_and_map_back_to_raw():
    raw = "Title\n\n- First   point with  spaces.\n\n FORMCHECKBOX \nSecond para here.\n"
    doc = read_bytes(raw.encode(), "x.txt")
    for b in doc.blocks:
        assert doc.text[b.start : b.end] == b.text
    second = doc.blocks[-1]
    at = doc.raw_offset(second.start)
    assert doc.raw_text[at : at + len("Second para")] == "Second para"
    first = doc.blocks[1]
    word = first.text.index("spaces")
    at = doc.raw_offset(first.start + word)
    assert doc.raw_text[at : at + 6] == "spaces"


def test_cp1252_text_decodes_with_a_recorded_fallback():
    doc = read_bytes("The service\u2019s progress is \u2018good\u2019.\n".encode("cp1252"), "x.txt")
    assert doc.encoding == "cp1252"
    assert doc.blocks[0].text == "The service\u2019s progress is \u2018good\u2019."
    assert any("UTF-8" in w for w in doc.warnings)


def test_latin1_only_bytes_decode():
    doc = read_bytes(b"Caf\xe9 \x81 report\n", "x.txt")
    assert doc.encoding in {"cp1252", "latin-1"}
    assert doc.blocks[0].text.startswith("Caf\u00e9")


def test_form_feed_pages_numbered():
    doc = read_bytes(b"Page one text.\fPage two text.\n", "x.txt")
    assert [(b.page, b.text) for b in doc.blocks] == [(1, "Page one text."), (2, "Page two text.")]
