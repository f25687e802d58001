"""HTML pages: read into blocks with provenance; error pages and other stand-ins become E114 rows, never records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors.errors import DownloadFailed, ReadError, UnsafeContent, UnsupportedFormat
from extractors.readers import html as html_reader
from extractors.readers import read_bytes, read_document
from extractors.readers.base import Hint
from extractors.readers.detect import detect_format
from schemas.document import BlockKind, Format

FIXTURES = Path(__file__).parent / "fixtures" / "html"
REPORT_PAGE = FIXTURES / "ilacs_report_page.html"
NOT_FOUND_PDF = FIXTURES / "report_not_found.pdf"
CORPUS = Path(__file__).parent.parent / "corpus"
REAL = Path(__file__).parent.parent.parent / "shared" / "real"
BROMLEY = REAL / "ilacs" / "80490_bromley" / "children's services inspection - 17 august 2012.pdf"
needs_real = pytest.mark.skipif(not BROMLEY.exists(), reason="needs ../shared/real (the real Ofsted archive)")
BROMLEY_MESSAGE = (
    "Download failed: this is a 'not found' web page ('Report not found - Find an Inspection Report - Ofsted'), "
    "not the document (fetch it again from its source)"
)


@pytest.fixture(scope="module")
def report():
    return read_document(REPORT_PAGE)


def _page(body: str, title: str = "A page") -> bytes:
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>".encode()


@pytest.fixture
def no_page_check(monkeypatch):
    """Small pages for the walk alone: the non-document check would refuse them for their size."""
    monkeypatch.setattr(html_reader, "check_page", lambda page: None)


def _blocks(body: str) -> list[tuple[str, str, str | None]]:
    doc = read_bytes(_page(body), "x.html")
    return [(b.kind.value, b.text, b.marker) for b in doc.blocks]


def _lines(body: str):
    return html_reader.read_html(_page(body)).lines


# -- the report page: blocks, provenance, what is dropped ------------------------------------------------


def test_report_page_reads_into_the_right_blocks(report):
    assert report.format is Format.HTML and report.encoding == "utf-8" and report.page_count is None
    got = [(b.kind, b.marker, b.text) for b in report.blocks]
    H, P, B, R = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.BULLET, BlockKind.TABLE_ROW
    assert got[0] == (H, None, "Ashcombe Borough Council")
    assert got[1][2] == "Inspection of children’s social care services"  # &rsquo;
    assert got[3] == (P, None, "Lead inspector: Jane Doe, His Majesty’s Inspector")  # &#x2019;
    rows = [b for b in report.blocks if b.kind is R]
    assert [[c.text for c in b.cells] for b in rows] == [
        ["Judgement", "Grade"],
        ["The impact of leaders on social work practice with children and families", "Requires improvement to be good"],
        ["The experiences and progress of children who need help and protection", "Good"],
        ["The experiences and progress of children in care", "Requires improvement to be good"],
        ["The experiences and progress of care leavers", "Good"],
        ["Overall effectiveness", "Requires improvement to be good"],
    ]
    i = got.index((H, None, "What needs to improve?"))
    assert got[i + 1 : i + 4] == [
        (B, "•", "The timeliness of initial health assessments for children in care."),
        (B, "•", "The quality & consistency of supervision, so that it drives plans forward for children."),
        (B, "•", "The sufficiency of local placements for children with complex needs."),
    ]
    assert got[i + 4] == (H, None, "The experiences and progress of children who need help and protection: good")
    assert [(m, t[:20]) for k, m, t in got[i + 5 :] if k is B] == [
        ("1.", "Children and familie"),
        ("2.", "Strategy discussions"),
        ("3.", "Assessments are thor"),  # <ol start="3">
        ("7.", "Café meetings for pa"),  # <li value="7">, &eacute;
    ]
    assert (H, None, "Help and protection in more detail") in got  # role="heading"
    assert "Partners understand thresholds <and> refer appropriately." in report.text  # &lt; &gt; stay text
    assert "Assessments are thorough and consider the wider family." in report.text  # <br>, then lower case: joined


def test_report_page_provenance_points_at_the_text_and_the_raw_characters(report):
    def same_characters(start: int, end: int) -> None:
        for i in range(start, end):  # every character but the spaces joining lines maps to itself
            if not report.text[i].isspace():
                assert report.raw_text[report.raw_offset(i)] == report.text[i], (report.text[start:end], i)

    for b in report.blocks:
        assert report.text[b.start : b.end] == b.text
        same_characters(b.start, b.end)
        if b.marker:  # the marker a browser shows is in the raw text, just before the item
            assert report.raw_text[: report.raw_offset(b.start)].endswith(b.marker + " ")
        for c in b.cells:
            assert report.text[c.start : c.end] == c.text
            same_characters(c.start, c.end)
    joined = next(b for b in report.blocks if b.text.startswith("Assessments are thorough"))
    raw = report.raw_offset(joined.start)
    assert report.raw_text[raw:].startswith("Assessments are thorough\nand consider")  # <br>: two raw lines
    # The raw text is the page as read: no markup, no entities, one line per block.
    assert "<" not in report.raw_text.replace("<and>", "") and "&amp;" not in report.raw_text
    assert "&" in report.raw_text and "’" in report.raw_text


def test_scripts_styles_and_site_furniture_are_dropped(report):
    for gone in (
        "Script text",
        "Style text",
        "dataLayer",
        "GDS Transport",
        "Template text",
        "Noscript text",
        "hidden paragraph",
        "Skip to main content",
        "cookies",
        "Cookies on GOV.UK",
        "Topics",
        "Breadcrumb",
        "Education, training and skills",
        "Crown copyright",
        "Government activity",
        "GOV.UK",
    ):
        assert gone not in report.raw_text, gone


def test_the_report_page_extracts_its_areas_and_judgements(report):
    from extractors.extract import extract_record

    record = extract_record(report)
    assert [a.text for a in record.areas_for_improvement][:1] == [
        "The timeliness of initial health assessments for children in care."
    ]
    assert len(record.areas_for_improvement) == 3
    assert record.overall_judgement is not None and record.overall_judgement.grade == "requires_improvement"
    assert len(record.judgements) == 5


# -- the walk ---------------------------------------------------------------------------------------------


def test_lists_keep_their_markers_and_nesting(no_page_check):
    lines = _lines(
        "<ul><li>One<ul><li>Sub one<li>Sub two</ul><li>Two</ul>"
        "<ol type=a><li>Alpha<li>Beta</ol><ol type=I start=4><li>Four</ol><ol reversed><li>c<li>b<li>a</ol>"
    )
    got = [(ln.text, ln.hint, ln.indent, ln.para_start) for ln in lines]
    assert got == [
        ("• One", Hint.BULLET, 0, True),
        ("• Sub one", Hint.BULLET, 1, True),
        ("• Sub two", Hint.BULLET, 1, False),
        ("• Two", Hint.BULLET, 0, False),
        ("a. Alpha", Hint.BULLET, 0, True),
        ("b. Beta", Hint.BULLET, 0, False),
        ("IV. Four", Hint.BULLET, 0, True),
        ("3. c", Hint.BULLET, 0, True),
        ("2. b", Hint.BULLET, 0, False),
        ("1. a", Hint.BULLET, 0, False),
    ]


def test_list_item_with_paragraphs_keeps_its_marker_on_the_first(no_page_check):
    lines = _lines("<ol><li><p>First para of item.</p><p>Second para of item.</p></li><li>Next</li></ol>")
    assert [(ln.text, ln.hint) for ln in lines] == [
        ("1. First para of item.", Hint.BULLET),
        ("Second para of item.", Hint.NONE),
        ("2. Next", Hint.BULLET),
    ]


def test_tables_rowspans_single_cells_and_layout_tables(no_page_check):
    lines = _lines(
        "<table><caption>Grades</caption>"
        "<tr><th>Area</th><th>Grade</th><th>Note</th></tr>"
        "<tr><td rowspan=2>Help</td><td>Good</td><td>x</td></tr>"
        "<tr><td>Adequate</td><td>y</td></tr>"
        "<tr><td colspan=3>One wide cell</td></tr>"
        "<tr><td><p>Para one</p><ul><li>point</li></ul></td><td>Good</td></tr>"
        "</table>"
        "<table><tr><td><p>Layout text</p><table><tr><td>a</td><td>b</td></tr></table></td></tr></table>"
    )
    got = [(ln.text, ln.hint, [c[0] for c in ln.cells]) for ln in lines]
    assert got == [
        ("Grades", Hint.NONE, []),
        ("Area\tGrade\tNote", Hint.TABLE_ROW, ["Area", "Grade", "Note"]),
        ("Help\tGood\tx", Hint.TABLE_ROW, ["Help", "Good", "x"]),
        ("\tAdequate\ty", Hint.TABLE_ROW, ["", "Adequate", "y"]),  # under the rowspan: an empty cell
        ("One wide cell", Hint.NONE, []),  # one cell is a line of text
        ("Para one\n• point\tGood", Hint.TABLE_ROW, ["Para one\n• point", "Good"]),
        ("Layout text", Hint.NONE, []),  # a table holding a table is layout
        ("a\tb", Hint.TABLE_ROW, ["a", "b"]),
    ]
    for ln in lines:
        for text, start in ln.cells:
            assert ln.raw_start <= start and ln.text[start - ln.raw_start :].startswith(text)


def test_line_breaks_pre_and_headings(no_page_check):
    lines = _lines("<h2>Title<br>continued</h2><p>Line one<br>Line two</p><pre>  code\n    indented\n\nafter</pre>")
    got = [(ln.text, ln.hint, ln.para_start, ln.indent) for ln in lines]
    assert got == [
        ("Title continued", Hint.HEADING, True, 0),
        ("Line one", Hint.NONE, True, 0),
        ("Line two", Hint.NONE, False, 0),
        ("code", Hint.NONE, True, 1),
        ("indented", Hint.NONE, False, 2),
        ("after", Hint.NONE, True, 0),
    ]


def test_malformed_markup_is_read_as_a_browser_reads_it(no_page_check):
    lines = _lines("<p>one<p>two<ul><li>a<li>b</ul><div>x</p>y</div><table><tr><td>c<td>d</table>")
    assert [ln.text for ln in lines] == ["one", "two", "• a", "• b", "x", "y", "c\td"]
    doc = html_reader.read_html(b"<html><body><p>in</p></body></html><p>late text</p>")
    assert [ln.text for ln in doc.lines] == ["in", "late text"]  # text after </html> is not lost


def test_main_content_is_preferred_and_page_furniture_dropped(no_page_check):
    with_main = _lines("<header><p>Site name</p></header><main><header><h1>Report</h1></header><p>Body</p></main>")
    assert [ln.text for ln in with_main] == ["Report", "Body"]  # a header inside main is the report's own
    no_main = _lines(
        "<header><p>Site name</p></header><div class='cookie-message'><p>We use cookies</p></div>"
        "<div class='js-cookie-aware'><h1>Report</h1><p>Body</p></div><aside>Related</aside><footer>Foot</footer>"
    )
    assert [ln.text for ln in no_main] == ["Report", "Body"]  # a furniture name never drops the h1
    articles = _lines("<p>Outside</p><article><p>Inside</p></article>")
    assert [ln.text for ln in articles] == ["Inside"]
    sections = _lines(
        "<main><div id='feedback-from-children'><p>Children said</p></div>"
        "<section class='consent-and-capacity'><p>Consent is sought</p></section>"
        "<div class='page-header-actions'><p>Print this page</p></div><h2 class='section-header'>Findings</h2>"
        "<table class='table-header'><tr><td>Area</td><td>Grade</td></tr></table></main>"
    )
    assert [ln.text for ln in sections] == ["Children said", "Consent is sought", "Findings", "Area\tGrade"]


def test_entities_and_text_that_looks_like_markup_survive_normalisation():
    body = (
        "<p>"
        + " ".join(["Word"] * 120)
        + "</p><p>Use &lt;p&gt; tags, &amp;nbsp; and FORMTEXT literally &mdash; R&eacute;sum&eacute;.</p>"
    )
    doc = read_bytes(_page(body), "x.html")
    assert "Use <p> tags, &nbsp; and FORMTEXT literally — Résumé." in doc.text  # no debris cleaning for HTML
    plain = read_bytes(b"Use <p> tags and &nbsp; here.\n", "x.txt")
    assert "<p>" not in plain.text  # a text file's debris is still cleaned


@pytest.mark.parametrize(
    "data, encoding, warned",
    [
        ('<meta charset="windows-1252"><title>Caf\u00e9</title>'.encode("cp1252"), "cp1252", False),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>\u2019'.encode("cp1252"),
            "cp1252",
            False,
        ),
        ("<html><p>Caf\u00e9 \u2019".encode("cp1252"), "cp1252", True),  # undeclared, not UTF-8
        ("<!DOCTYPE html><p>Caf\u00e9".encode("utf-16"), "utf-16", False),
        ('<meta charset="utf-8"><p>Caf\u00e9'.encode(), "utf-8", False),
    ],
)
def test_encodings(data, encoding, warned):
    text, enc, warnings = html_reader.decode_html(data)
    assert enc == encoding and bool(warnings) is warned
    assert "Caf\u00e9" in text or "\u2019" in text


def test_deep_nesting_is_refused_before_parsing():
    bomb = b"<!DOCTYPE html><body>" + b"<div>" * 50_000 + b"<p>x</p>"
    with pytest.raises(UnsafeContent) as info:
        html_reader.read_html(bomb)
    assert "nested 50,000 deep" in str(info.value) and info.value.code == "E108"
    many = b"<!DOCTYPE html><body>" + b"<div><p>Some words here.</p></div>" * 6000  # many blocks, none deep
    assert len(html_reader.read_html(many).lines) == 6000


# -- detection --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body>x</body></html>",
        b"\xef\xbb\xbf\r\n  <!doctype HTML>\n<p>x",
        b"<html lang='en'><head><title>x</title>",
        b"<HEAD><TITLE>x</TITLE></HEAD>",
        b"\n\n<body>\n<p>x",
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml">',
        b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
        b"<!-- saved from url=(0045)https://reports.example.invalid/provider/1 -->\n<html><body>x",
        "<!DOCTYPE html><p>x</p>".encode("utf-16"),  # with its byte-order mark
    ],
)
def test_html_is_recognised_from_the_bytes(data):
    assert detect_format(data) is Format.HTML


@pytest.mark.parametrize(
    "data",
    [
        b"<script>alert('x')</script>\n\nDear Ms Smith,\nThe visit found good progress.\n",
        b"<p>A letter pasted with its tags</p>\nDear Ms Smith,\n",
        b"Dear Ms Smith, our <html> pages are down.\n",
        b"{Draft} Dear Ms Smith,\n",
        b"[Letterhead]\nDear Ms Smith,\n",
    ],
)
def test_text_that_merely_mentions_markup_stays_text(data):
    assert detect_format(data) is Format.TXT


@pytest.mark.parametrize(
    "data, error, words",
    [
        (b'{"error": "Not Found", "status": 404}', DownloadFailed, "JSON error response"),
        (b'  {"statusCode": 403, "message": "Forbidden"}\n', DownloadFailed, "JSON error response"),
        (
            b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code>'
            b"<Message>The specified blob does not exist.</Message></Error>",
            DownloadFailed,
            "<Error>: BlobNotFound The specified blob does not exist.",
        ),
        (b'[{"name": "a"}, {"name": "b"}]', UnsupportedFormat, "JSON data"),
        (b'<?xml version="1.0"?><records><record/></records>', UnsupportedFormat, "root element <records>"),
    ],
)
def test_json_and_xml_bodies_are_not_documents(data, error, words):
    with pytest.raises(error) as info:
        detect_format(data)
    assert words in str(info.value)


# -- non-documents -----------------------------------------------------------------------------------------

LINKS = "".join(f"<li><a href='/r/{i}'>Children's services inspection report {i} PDF</a></li>" for i in range(40))
REPORT_BODY = "<p>" + " ".join(["The local authority has improved services for children."] * 60) + "</p>"


@pytest.mark.parametrize(
    "data, what",
    [
        (NOT_FOUND_PDF.read_bytes(), "'not found' web page ('Report not found - Find an Inspection Report - Ofsted')"),
        (
            NOT_FOUND_PDF.read_bytes()
            .replace(b"<title>Report not found - ", b"<title>")
            .replace(b"Report not found", b""),
            "error web page",
        ),  # no "not found" in title or heading: the short page's own words give it away
        (
            b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>"
            b"\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>",
            "'not found' web page ('404 Not Found')",
        ),
        (
            _page("<h1>Access Denied</h1><p>You don't have permission to access this resource.</p>", "Access Denied"),
            "'access denied' web page",
        ),
        (_page("<h1>Forbidden</h1>", "403 Forbidden"), "'access denied' web page"),
        (_page("<h2>403.14</h2>", "IIS 10.0 Detailed Error - 403.14 - Forbidden"), "'access denied' web page"),
        (_page("<p>That's an error.</p>", "Error 404 (Not Found)!!1"), "'not found' web page"),
        (_page("<h1>Server Error</h1>", "HTTP Error 404.0 - Not Found"), "'not found' web page"),
        (_page("<h1>Service unavailable</h1>", "503 Service Unavailable"), "server error page"),
        (_page("<h1>Sorry, there is a problem with the service</h1>", "Ofsted"), "server error page"),
        (
            _page("<main><h1>Welcome</h1><form><input name=u><input type=password name=p></form></main>", "Portal"),
            "login web page",
        ),
        (_page("<h1>Sign in to your account</h1>", "Sign in - Portal"), "login web page"),
        (_page("<h1>Checking your browser</h1>", "Just a moment..."), "bot-check web page"),
        (_page(f"<main><h1>Search results</h1><ul>{LINKS}</ul></main>", "Search - Ofsted"), "search web page"),
        (
            _page(
                f"<main><h1>London Borough of Example</h1><ul>{LINKS}</ul></main>",
                "London Borough of Example - Open - Find an Inspection Report - Ofsted",
            ),
            "page of an inspection-report search site with no report body",
        ),
        (
            _page(f"<main><h1>Reports archive</h1><ul>{LINKS * 3}</ul></main>", "Archive"),
            "web page that is mostly links",
        ),
        (_page("<p>Loading…</p>", "Report"), "web page with almost no content ('Report', 1 word)"),
        (
            b"<!DOCTYPE html><html><head><title>Redirecting</title><meta http-equiv='refresh' "
            b"content=\"0; url='https://files.example.invalid/r.pdf'\"></head><body>Redirecting</body></html>",
            "redirect web page ('Redirecting' -> https://files.example.invalid/r.pdf)",
        ),
        (
            b"<!DOCTYPE html><html><head><title></title></head><body></body></html>",
            "web page with almost no content (no title, no text, 0 words)",
        ),
    ],
)
def test_non_documents_say_what_they_are_and_to_fetch_again(data, what):
    with pytest.raises(DownloadFailed) as info:
        read_bytes(data, "report.pdf")
    msg = str(info.value)
    assert info.value.code == "E114"
    assert msg.startswith("Download failed: this is ") and what in msg, msg
    assert msg.endswith(", not the document (fetch it again from its source)"), msg


@pytest.mark.parametrize(
    "title, heading",
    [
        ("Inspection of Example - GOV.UK", "Inspection of Example children's services"),
        ("Unauthorised absence from school - GOV.UK", "Unauthorised absence from school"),
        ("Children not found in education: a thematic review - GOV.UK", "Children not found in education"),
        ("Search and rescue: children missing from care | Ofsted", "Search and rescue"),
        ("Forbidden fruit: risk-taking by adolescents", "Forbidden fruit"),
    ],
)
def test_a_real_page_that_mentions_errors_is_still_read(title, heading):
    body = (
        f"<main><h1>{heading}</h1>"
        "<p>Inspectors found that the page not found errors on the council's website stopped families "
        "finding help; sign in problems locked out foster carers.</p>" + REPORT_BODY + "</main>"
    )
    doc = read_bytes(_page(body, title), "report.html")
    assert doc.blocks[0].text == heading


# -- the real archive's failed download ----------------------------------------------------------------------


@needs_real
def test_real_not_found_page_is_an_error_through_read_document():
    with pytest.raises(ReadError) as info:
        read_document(BROMLEY)
    assert info.value.code == "E114" and str(info.value) == BROMLEY_MESSAGE


@needs_real
def test_real_not_found_page_is_an_error_through_extract(tmp_path):
    from pipeline.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(BROMLEY, folder / BROMLEY.name)
    shutil.copy(CORPUS / "003_b29c2434e00e918d.txt", folder)
    out = tmp_path / "json"
    result = CliRunner().invoke(app, ["extract", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"E114 {BROMLEY_MESSAGE}" in result.stderr
    assert "wrote 1 JSON file(s)" in result.stderr and "1 failed" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["003_b29c2434e00e918d.json"]  # no record for the page


@needs_real
def test_real_not_found_page_is_an_error_row_through_ingest(tmp_path):
    from pipeline.cli import app
    from pipeline.store.db import query

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(BROMLEY, folder / BROMLEY.name)
    shutil.copy(CORPUS / "003_b29c2434e00e918d.txt", folder)
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(db), "--no-prefect", "--workers", "1"])
    assert result.exit_code == 0, result.output
    errors = query(db, "SELECT path, error_code, error_type, message FROM ingest_errors").as_dicts()
    assert errors == [
        {
            "path": str(folder / BROMLEY.name),
            "error_code": "E114",
            "error_type": "DownloadFailed",
            "message": BROMLEY_MESSAGE,
        }
    ]
    names = [r[0] for r in query(db, "SELECT name FROM document_paths").rows]
    assert names == ["003_b29c2434e00e918d.txt"]
    titles = [r[0] for r in query(db, "SELECT title FROM documents").rows]
    assert "<!DOCTYPE html>" not in titles


# -- a batch with the bad page and good documents ----------------------------------------------------------


def test_a_batch_with_bad_pages_loses_nothing_good(tmp_path):
    from pipeline.run.ingest import run_ingest
    from pipeline.run.settings import IngestSettings
    from pipeline.store.db import query
    from tests import golden_util as g

    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(NOT_FOUND_PDF, folder / "children's services inspection - 1 may 2012.pdf")
    (folder / "blob.pdf").write_bytes(b'<?xml version="1.0"?><Error><Code>BlobNotFound</Code></Error>')
    shutil.copy(REPORT_PAGE, folder / "ashcombe.htm")
    stem = "004_f0749543a7284e51"
    for f in [CORPUS / f"{stem}.txt", *sorted((CORPUS / "renditions").glob(f"{stem}.*"))]:
        shutil.copy(f, folder / f.name)
    db = tmp_path / "b.duckdb"
    summary = run_ingest([folder], db, IngestSettings(workers=2))
    errors = {Path(r[0]).name: r[1] for r in query(db, "SELECT path, error_code FROM ingest_errors").rows}
    assert errors == {"children's services inspection - 1 may 2012.pdf": "E114", "blob.pdf": "E114"}
    assert summary.n_failed == 2
    stored = {r[0]: r[1] for r in query(db, "SELECT name, format FROM documents").rows}
    assert stored["ashcombe.htm"] == "html"
    assert {n for n in stored if n.startswith(stem)} == {f"{stem}.txt", f"{stem}.pdf", f"{stem}.docx"}
    golden = g.load(stem)
    for name in (f"{stem}.txt", f"{stem}.pdf", f"{stem}.docx"):
        n_areas, n_judgements = query(
            db,
            "SELECT (SELECT count(*) FROM areas_for_improvement a WHERE a.doc_id = d.doc_id),"
            " (SELECT count(*) FROM judgements j"
            "  WHERE j.doc_id = d.doc_id AND (NOT is_overall OR kind = 'effectiveness'))"
            " FROM documents d WHERE name = ?",
            [name],
        ).rows[0]
        assert n_areas == len(golden["areas_for_improvement"]), name
        assert n_judgements == len(golden["judgements"]), name
    html_areas = query(
        db, "SELECT count(*) FROM areas_for_improvement JOIN documents USING (doc_id) WHERE name = 'ashcombe.htm'"
    ).rows[0][0]
    assert html_areas == 3


def test_default_extensions_pick_up_html(tmp_path):
    from pipeline.run.ingest import discover
    from pipeline.run.settings import DEFAULT_EXTENSIONS

    for name in ("a.html", "b.HTM", "c.pdf", "d.json"):
        (tmp_path / name).write_text("x")
    found, _ = discover([tmp_path], DEFAULT_EXTENSIONS)
    assert [Path(f).name for f in found] == ["a.html", "b.HTM", "c.pdf"]
