"""Fuzz the readers and the normaliser: no exception escapes other than the project's typed errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.errors import ReadError
from extractors.extract import extract_record
from extractors.readers import read_bytes

CORPUS = Path(__file__).parent.parent / "corpus"
PDF = (CORPUS / "renditions" / "000_c9dc9a16fd74069d.pdf").read_bytes()
DOCX = (CORPUS / "renditions" / "003_b29c2434e00e918d.docx").read_bytes()
TXT = (CORPUS / "000_c9dc9a16fd74069d.txt").read_bytes()
HTML = (Path(__file__).parent / "fixtures" / "html" / "ilacs_report_page.html").read_bytes()
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_or_typed_error(data: bytes) -> None:
    try:
        doc = read_bytes(data, "fuzz.bin")
    except ReadError:
        return
    for b in doc.blocks:
        assert doc.text[b.start : b.end] == b.text
    extract_record(doc)


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    _read_or_typed_error(data)


@FUZZ
@given(st.text(max_size=3000))
def test_random_text(text):
    _read_or_typed_error(text.encode("utf-8"))


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                "- ",
                "• ",
                "\uf0b7",
                "FORMCHECKBOX",
                "\f",
                "\n",
                "\n\n",
                "\t",
                "**",
                "co-",
                "Page 2 of 9",
                "<ul>",
                "Area for improvement 1:",
                "Evidence gathered:",
                "Within three months:",
                "'Good'",
                "(N2)",
                " ",
                "a",
                "Recommendation 3",
                "Overall effectiveness\tGood",
                "Satisfactory progress",
                "x" * 50,
            ]
        ),
        max_size=80,
    )
)
def test_structured_debris(parts):
    _read_or_typed_error("".join(parts).encode("utf-8"))


HTML_PIECES = [
    "<p>", "</p>", "<li>", "</li>", "<ol start=9>", "<ul>", "</ul>", "</ol>", "<table>", "<tr>", "<td>",
    "<th rowspan=3>", "<td colspan=0>", "</table>", "<br>", "<h2>", "</h2>", "<pre>", "</pre>",
    "<div role=heading>", "<script>", "</script>", "<main>", "</main>", "<nav>", "<!--", "-->",
    "&amp;", "&nbsp;", "&#0;", "&#x110000;", "&lt;p&gt;", "<li value=-3>", "<ol type=i reversed>",
    "Area for improvement 1:", "Overall effectiveness", "Good", "\n", " ", "x" * 40,
    "The local authority should improve the timeliness of assessments for children. ",
]  # fmt: skip


@FUZZ
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=120))
def test_structured_html(parts):
    _read_or_typed_error(("<!DOCTYPE html><title>Report</title>" + "".join(parts)).encode("utf-8"))


@pytest.mark.parametrize("data", [PDF, DOCX, TXT, HTML], ids=["pdf", "docx", "txt", "html"])
@pytest.mark.parametrize("fraction", [0.01, 0.1, 0.33, 0.5, 0.9, 0.99])
def test_truncated_real_files(data, fraction):
    _read_or_typed_error(data[: int(len(data) * fraction)])


@FUZZ
@given(st.integers(min_value=0, max_value=len(PDF) - 1), st.binary(min_size=1, max_size=64))
def test_mutated_pdf(at, junk):
    _read_or_typed_error(PDF[:at] + junk + PDF[at + len(junk) :])


def _docx_with(document_xml: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(DOCX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = document_xml if item.filename == "word/document.xml" else src.read(item.filename)
            dst.writestr(item, data)
    return out.getvalue()


DOCX_XML = zipfile.ZipFile(io.BytesIO(DOCX)).read("word/document.xml")


@FUZZ
@given(st.integers(min_value=0, max_value=len(DOCX_XML) - 1), st.binary(min_size=1, max_size=32))
def test_mutated_docx_xml(at, junk):
    _read_or_typed_error(_docx_with(DOCX_XML[:at] + junk + DOCX_XML[at + len(junk) :]))


@FUZZ
@given(st.integers(min_value=0, max_value=len(DOCX_XML)))
def test_truncated_docx_xml(at):
    _read_or_typed_error(_docx_with(DOCX_XML[:at]))
