"""Review pages (pipeline/analysis/review.py, inspections review): items located in the stored text, the record
rebuilt from the database, the page's safety, its links from the report and the queries; then, in
headless Chromium on real Ofsted documents, every highlight read back from the DOM, the side list's
jumps, and a scripted correction saved, reloaded and scored by `inspections eval`."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.analysis import review as R
from pipeline.cli import app
from pipeline.errors import BadArguments
from pipeline.run.ingest import run_ingest
from pipeline.run.settings import IngestSettings
from schemas.document import Block, BlockKind, Document, Format
from tests.fixtures.archive import ARCHIVE_DIRS, build_archive
from tests.real import GOLD, REAL, needs_real

runner = CliRunner()
FV_OLDHAM = "focused_visits/80535_oldham/children's services focused visit - 21 august 2025.pdf"
CORNWALL_2016 = "ilacs/80454_cornwall/children's services inspection - 27 june 2016.pdf"  # 40 pages
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


def _doc(text: str, blocks: list[tuple[int | None, int, int]], fmt: Format = Format.PDF) -> Document:
    return Document(
        source_path="/archive/x/a.pdf", name="a.pdf", sha256="ab" * 32, size_bytes=len(text), format=fmt,
        page_count=3, text=text, raw_text=text,
        blocks=[Block(kind=BlockKind.PARAGRAPH, text=text[s:e], page=p, start=s, end=e, index=i)
                for i, (p, s, e) in enumerate(blocks)],
    )  # fmt: skip


# -- pages and items --------------------------------------------------------------------------------


def test_page_runs_follow_the_blocks_and_partition_the_text():
    from pipeline.store.rows import page_runs

    text = "aaaa\nbbbb\ncccc\nnote\ndddd"
    doc = _doc(text, [(1, 0, 4), (1, 5, 9), (2, 10, 14), (3, 15, 19), (2, 20, 24)])
    assert page_runs(doc) == [
        {"page": 1, "char_start": 0}, {"page": 2, "char_start": 10}, {"page": 3, "char_start": 15},
        {"page": 2, "char_start": 20},
    ]  # fmt: skip
    src = R.ReviewSource("a.pdf", "ab" * 32, text, {}, [(r["page"], r["char_start"]) for r in page_runs(doc)])
    spans = R.page_spans(src)
    assert [s["label"] for s in spans] == ["Page 1", "Page 2", "Page 3", "Page 2 (continued)"]
    assert spans[0]["start"] == 0 and spans[-1]["end"] == len(text)
    assert all(a["end"] == b["start"] for a, b in zip(spans, spans[1:], strict=False))
    assert page_runs(_doc(text, [(None, 0, 24)], Format.DOCX)) == []
    docx = R.ReviewSource("a.docx", "ab" * 32, text, {}, [], format="docx")
    assert R.page_spans(docx) == [{"label": "Text (no page breaks: DOCX)", "page": None, "start": 0, "end": len(text)}]


@pytest.mark.parametrize(
    "prov, words, shown, why",
    [
        ({"start": 0, "end": 5}, None, True, ""),
        (None, None, False, "no provenance"),
        ({"start": 4, "end": 4}, None, False, "no span"),
        ({"start": 0, "end": 999}, None, False, "outside the text"),
        ({"start": 5, "end": 6}, None, False, "white space"),
        ({"start": 6, "end": 20}, "The council should improve supervision of staff", False, "rebuilt"),
        ({"start": 6, "end": 20}, "ensure plans are reviewed", True, ""),
    ],
)
def test_an_item_is_shown_at_its_span_only_where_its_span_holds_it(prov, words, shown, why):
    text = "Title \nensure plans are reviewed."
    got = R.locate(prov, text, words)
    assert got[0] is shown and why in got[1]


def test_items_take_the_database_numbering_and_an_overall_judgement_in_prose_its_row_number():
    text = "Overall effectiveness: good\nArea one.\nEvidence.\nRec one.\nThe overall judgement is good."
    p = lambda s, e: {"page": 1, "start": s, "end": e, "rule": "r", "confidence": 1.0}  # noqa: E731
    record = {
        "title": "T", "doc_type": "inspection_report", "provider": None,
        "areas_for_improvement": [{"id": "1", "text": "Area one.", "evidence": [{"source": None, "text": "Evidence.",
                                   "provenance": p(38, 47)}], "provenance": p(28, 37), "themes": []}],
        "recommendations": [{"id": None, "text": "Rec one.", "provenance": p(48, 56)}],
        "judgements": [{"subject": "Overall effectiveness", "grade": "good", "provenance": p(0, 27)}],
        "overall_judgement": {"grade": "good", "kind": "effectiveness", "provenance": p(57, 87)},
    }  # fmt: skip
    items = {i["id"]: i for i in R.review_items(record, text)}
    assert list(items) == ["a1", "a1e1", "r1", "j1", "o", "m-doc_type", "m-title"]
    assert items["a1e1"]["parent"] == "a1" and items["o"]["aliases"] == ["j2"]  # pipeline/store/rows.py numbers it 2
    assert all(items[k]["shown"] for k in ("a1", "a1e1", "r1", "j1", "o"))
    assert not items["m-title"]["shown"] and "no provenance" in items["m-title"]["why"]
    record["overall_judgement"]["provenance"] = p(0, 27)  # taken from the listed judgement: no row of its own
    assert {i["id"]: i for i in R.review_items(record, text)}["o"]["aliases"] == []
    record["metadata_provenance"] = {"inspection_dates": p(0, 9), "title": p(0, 5)}
    record.update(inspection_start="2025-07-22", inspection_end="2025-07-23")
    meta = [i for i in R.review_items(record, text) if i["field"] == "metadata"]
    assert [(i["id"], i["data"]["keys"], i["shown"]) for i in meta] == [
        ("m-inspection_dates", ["inspection_start", "inspection_end"], True), ("m-title", ["title"], True),
        ("m-doc_type", ["doc_type"], False),
    ]  # fmt: skip


def test_page_name_and_the_sql_macro_agree(tmp_path):
    from pipeline.store.db import Database, query

    names = [
        "children's services focused visit - 21 august 2025.pdf", "000_c9dc9a16fd74069d.txt", "a.b.c.PDF",
        "Café & Co (2019).docx", "....pdf", "no_extension", "x" * 80 + ".pdf", "-- odd --.txt", "日本語.pdf",
    ]  # fmt: skip
    db = tmp_path / "m.duckdb"
    Database.open(db).close()
    for name in names:
        sql = query(db, "SELECT review_page($n, $d)", {"n": name, "d": "0123456789abcdef"}).rows[0][0]
        assert sql == R.page_name(name, "0123456789abcdef"), name
    assert R.page_name("children's services - 21 august 2025.pdf", "f70c8d3fa7e5") == (
        "children-s-services-21-august-2025-f70c8d3fa7.html"
    )


HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"


def test_the_page_is_self_contained_and_document_text_cannot_escape_the_data():
    text = f"Title {HOSTILE}\nEnsure {HOSTILE} plans are reviewed."
    prov = {"page": 1, "start": 7 + len(HOSTILE), "end": len(text), "rule": "r", "confidence": 1}
    rec = {"id": None, "text": f"Ensure {HOSTILE} plans are reviewed.", "provenance": prov}
    record = {"document": HOSTILE, "doc_type": "other", "title": HOSTILE, "recommendations": [rec]}
    page = R.render(R.ReviewSource(HOSTILE, "ab" * 32, text, record, [(1, 0)]))
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<script") == 2 and page.count("</script>") == 2  # the data block and the page's script
    assert "<img" not in page and "&lt;img" in page  # the name in <title> and <h1> is escaped
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page), "no external resources"
    assert "default-src 'none'" in page
    data = json.loads(page.split('<script type="application/json" id="review-data">', 1)[1].split("</script>", 1)[0])
    assert data["text"] == text and data["items"][0]["shown"]


# -- stored documents -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("review") / "archive.duckdb")


_CONTRACT_ITEMS = ("areas_for_improvement", "recommendations", "judgements", "overall_judgement")


def _comparable(record: dict) -> dict:
    """A record's contract content with provenance and themes (in no particular order: the database keeps none)."""
    out = json.loads(json.dumps({k: record.get(k) for k in (*R.CONTRACT_META, *_CONTRACT_ITEMS)}))
    for item in (*out["areas_for_improvement"], *out["recommendations"]):
        item["themes"] = sorted(item.get("themes", []), key=lambda t: t["theme"])
    return out


def test_a_stored_document_gives_back_the_record_it_was_stored_from(archive):
    from pipeline.run.ingest import discover
    from pipeline.run.work import extract_file

    files, _ = discover(list(ARCHIVE_DIRS), IngestSettings().extensions)
    for path in files:
        _, record = extract_file(path, IngestSettings().max_bytes)
        (src,) = R.from_db(archive, [path])
        assert src.origin == "database" and src.source_path == path
        assert _comparable(src.record) == _comparable(record.model_dump(mode="json")), path
        assert src.pages and src.pages[0] == (1, 0)


def test_stored_documents_are_found_by_path_folder_name_or_doc_id(archive):
    from pipeline.store.db import query

    rows = query(archive, "SELECT d.doc_id, d.name, p.path FROM documents d JOIN document_paths p USING (doc_id)").rows
    doc_id, name, path = rows[0]
    assert [s.doc_id for s in R.from_db(archive, [doc_id[:8]])] == [doc_id]
    assert [s.doc_id for s in R.from_db(archive, [name])] == [doc_id]
    folder = str(Path(path).parent)
    under = R.from_db(archive, [folder])
    assert doc_id in {s.doc_id for s in under} and all(s.source_path.startswith(folder) for s in under)
    assert under[0].source == Path(under[0].source_path).name  # `source` is the path under the folder named
    assert len(R.from_db(archive, [], every=True)) == len(rows)
    with pytest.raises(BadArguments, match="'nothing-here.pdf'"):
        R.from_db(archive, ["nothing-here.pdf", name])


def test_source_is_the_path_under_the_root(tmp_path):
    f = tmp_path / "ilacs" / "80454_cornwall" / "report.pdf"
    assert R.source_under(f, tmp_path) == "ilacs/80454_cornwall/report.pdf"
    assert R.source_under(f, None) == "80454_cornwall/report.pdf"
    assert R.source_under(f, tmp_path / "elsewhere") == "80454_cornwall/report.pdf"


def test_cli_review_from_files_and_from_the_database(archive, tmp_path):
    folder = ARCHIVE_DIRS[0]
    res = runner.invoke(app, ["review", str(folder), "--out", str(tmp_path / "files")])
    assert res.exit_code == 0, res.output
    pages = sorted((tmp_path / "files").glob("*.html"))
    assert len(pages) == len(list(folder.glob("*.txt"))) + 1  # and index.html
    assert "wrote 3 review page(s)" in res.stderr
    res = runner.invoke(app, ["review", "--db", str(archive), "--all", "--out", str(tmp_path / "db")])
    assert res.exit_code == 0, res.output
    assert {p.name for p in (tmp_path / "files").glob("*.html")} <= {p.name for p in (tmp_path / "db").glob("*.html")}
    for args in (["review", "--all", "--out", str(tmp_path)], ["review", "--out", str(tmp_path)],
                 ["review", "--db", str(archive), "nope.pdf", "--out", str(tmp_path)]):  # fmt: skip
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "E301" in res.stderr, args
    res = runner.invoke(app, ["review", "--db", str(tmp_path / "none.duckdb"), "--all", "--out", str(tmp_path)])
    assert res.exit_code == 1 and "E322" in res.stderr


def _page_ids(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    data = json.loads(text.split('id="review-data">', 1)[1].split("</script>", 1)[0])
    return {i["id"] for i in data["items"]} | {a for i in data["items"] for a in i.get("aliases", [])}


def test_the_report_links_every_source_to_its_item_in_a_review_page(archive, tmp_path):
    from pipeline.analysis.report import build

    out = build(archive, tmp_path / "r" / "report.html")
    text = out.read_text(encoding="utf-8")
    links = re.findall(r'<a class="review" href="review/([^"#]+)(?:#([^"]+))?">', text)
    sources = len(re.findall(r"<tr[ >]", text)) - text.count("<thead>")
    assert links and len({page for page, _ in links}) == 4  # every document has its page
    for page, anchor in links:
        target = out.parent / "review" / page.replace("%27", "'")
        assert target.is_file(), page
        assert not anchor or anchor in _page_ids(target), (page, anchor)
    body = text.split('id="divergence">', 1)[1].split("</table>", 1)[0]
    assert body.count('<a class="review"') == body.count("<tr>") - 1  # each diverging area's row
    assert sources > len(links) >= 6  # 4 documents, 2 diverging areas (council items: tests/test_report.py)
    plain = build(archive, tmp_path / "p" / "report.html", review=False).read_text(encoding="utf-8")
    assert 'class="review"' not in plain and not (tmp_path / "p" / "review").exists()


def test_item_queries_name_each_item_s_review_page(archive):
    from pipeline.analysis.queries import catalogue
    from pipeline.store.db import query

    q = catalogue()["provider_judgements"]
    result = query(archive, q.sql, q.bind({})).as_dicts()
    assert result and all(re.fullmatch(r"[a-z0-9-]+-[0-9a-f]{10}\.html#j\d+", r["review_page"]) for r in result)
    docs = {R.page_name(n, d): d for d, n in query(archive, "SELECT doc_id, name FROM documents").rows}
    for r in result:
        page, anchor = r["review_page"].split("#")
        (src,) = R.from_db(archive, [docs[page]])
        ids = {i["id"] for i in R.review_items(src.record, src.text)}
        ids |= {a for i in R.review_items(src.record, src.text) for a in i.get("aliases", [])}
        assert anchor in ids


# -- in a real browser, on real documents ------------------------------------------------------------


def _playwright():
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        pytest.skip("chromium not installed: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")
    return sync_playwright


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _playwright()
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)  # a fresh temporary profile each launch
        yield b
        b.close()


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> Path:
    if not REAL.is_dir():
        pytest.skip("needs ../shared/real (the real Ofsted archive), which a fresh clone does not have")
    db = tmp_path_factory.mktemp("realreview") / "real.duckdb"
    run_ingest([REAL / FV_OLDHAM, REAL / CORNWALL_2016], db, IngestSettings(workers=0))
    return db


@pytest.fixture(scope="module")
def real_pages(real_db, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("realpages")
    res = runner.invoke(app, ["review", "--db", str(real_db), str(REAL / FV_OLDHAM), str(REAL / CORNWALL_2016),
                              "--root", str(REAL), "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    (fv,) = R.from_db(real_db, [str(REAL / FV_OLDHAM)])
    (cw,) = R.from_db(real_db, [str(REAL / CORNWALL_2016)])
    return {FV_OLDHAM: out / R.page_name(fv.name, fv.doc_id), CORNWALL_2016: out / R.page_name(cw.name, cw.doc_id)}


def _open(browser, page_path: Path, **kw):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900}, **kw)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(page_path.resolve().as_uri())
    page.wait_for_selector("body[data-ready='1']")
    return context, page, errors


READ_BACK = """() => {
  const out = {};
  for (const m of document.querySelectorAll('mark.hl')) {
    for (const id of m.dataset.ids.split(' ')) out[id] = (out[id] || '') + m.textContent;
  }
  return out;
}"""


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


@needs_real
@pytest.mark.parametrize("rel", [FV_OLDHAM, CORNWALL_2016])
def test_every_item_is_highlighted_at_its_stored_text(browser, real_db, real_pages, rel):
    (src,) = R.from_db(real_db, [str(REAL / rel)])
    items = R.review_items(src.record, src.text)
    context, page, errors = _open(browser, real_pages[rel])
    try:
        highlighted = page.evaluate(READ_BACK)
        for it in items:
            if not it["shown"]:
                assert it["id"] not in highlighted
                badge = page.locator(f"li.item[data-id='{it['id']}'] .badge.unshown")
                assert badge.inner_text() == "not shown at its span"
                continue
            p = it["prov"]
            assert highlighted[it["id"]] == src.text[p["start"] : p["end"]], it["id"]  # exactly the stored span
            if it["field"] in ("area", "recommendation", "evidence"):
                assert _words(it["data"]["text"]) <= _words(highlighted[it["id"]]), it["id"]  # and it quotes the item
        shown = [i for i in items if i["shown"]]
        assert shown and set(highlighted) == {i["id"] for i in shown}
        counts = page.eval_on_selector_all("#counts .count[data-f]", "cs => cs.map(c => [c.dataset.f, +c.dataset.n])")
        assert dict(counts) == {f: sum(1 for i in items if i["field"] == f) for f in R.FIELDS}
        assert page.locator("li.item").count() == len(items)
        if rel == CORNWALL_2016:
            assert page.locator("section.page").count() >= 35
            assert dict(counts)["recommendation"] == 14
        assert not errors, errors
    finally:
        context.close()


@needs_real
def test_the_side_list_jumps_to_an_item_and_hover_shows_its_provenance(browser, real_pages):
    context, page, errors = _open(browser, real_pages[CORNWALL_2016])
    try:
        last = page.locator("li.item[data-f=recommendation]").last
        item_id = last.get_attribute("data-id")
        last.click()
        mark = page.locator(f"mark.hl[data-ids~='{item_id}']").first
        page.wait_for_timeout(200)
        assert "current" in mark.get_attribute("class")
        box, view = mark.bounding_box(), page.locator("#pages").bounding_box()
        assert view["y"] <= box["y"] <= view["y"] + view["height"], "scrolled into view"
        assert page.locator(f"mark.hl[data-ids~='{item_id}']").first.evaluate(
            "m => m.closest('section.page').dataset.page"
        ) == "34"  # fmt: skip
        assert "p.34" in last.inner_text()
        mark.hover()
        tip = page.locator("#tip")
        assert tip.is_visible()
        assert "page 34" in tip.inner_text() and "rule rec.list.bullet" in tip.inner_text()
        assert "Themes:" in tip.inner_text()
        page.mouse.move(1, 1)
        # a click on a highlight selects its item in the list
        first = page.locator("mark.hl[data-f=judgement]").first
        first.click()
        selected = page.locator("li.item.current")
        assert selected.count() == 1 and selected.get_attribute("data-f") == "judgement"
        assert not errors, errors
    finally:
        context.close()


SELECT_PASSAGE = """(needle) => {
  for (const el of document.querySelectorAll('.text')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const at = node.data.indexOf(needle);
      if (at >= 0) {
        const r = document.createRange();
        r.setStart(node, at);
        r.setEnd(node, at + needle.length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(r);
        return true;
      }
    }
  }
  return false;
}"""
MISSED = "The substantial investment in the workforce with recruitment and retention of managers and social workers"


def _correct_oldham(page) -> None:
    """Mark area 2 wrong, set area 1's timescale, add a missed recommendation from a selected passage."""
    page.click("li.item[data-id='a2']")
    page.click("#mark-wrong")
    page.click("li.item[data-id='a1']")
    page.select_option("#detail select >> nth=0", "within_3_months")  # timescale, the first choice field
    assert page.evaluate(SELECT_PASSAGE, MISSED)
    page.select_option("#add-kind", "recommendation")
    page.click("#add")


def _save(page, folder: Path) -> Path:
    with page.expect_download() as dl:
        page.click("#save")
    target = folder / dl.value.suggested_filename
    dl.value.save_as(target)
    return target


@needs_real
def test_a_scripted_correction_downloads_a_record_that_eval_scores(browser, real_pages, tmp_path):
    context, page, errors = _open(browser, real_pages[FV_OLDHAM])
    try:
        _correct_oldham(page)
        assert page.locator("li.item.wrong").count() == 1 and page.locator("li.item.added").count() == 1
        added = page.locator("li.item.added").get_attribute("data-id")
        assert page.evaluate(READ_BACK)[added] == MISSED
        assert page.locator("mark.hl.wrong").count() == 1
        assert page.locator("#counts .count[data-f=area]").get_attribute("data-n") == "1"
        assert page.locator("#counts .count[data-f=recommendation]").get_attribute("data-n") == "1"
        gold_dir = tmp_path / "gold"
        gold_dir.mkdir()
        saved = _save(page, gold_dir)
        assert not errors, errors
    finally:
        context.close()
    rec = json.loads(saved.read_text(encoding="utf-8"))
    contract = ("document", "doc_type", "title", "date", "inspectorate", "provider", "service_area",
                "overall_judgement", "areas_for_improvement", "recommendations", "judgements")  # fmt: skip
    assert all(k in rec for k in contract)
    assert rec["source"] == FV_OLDHAM and rec["document"] == Path(FV_OLDHAM).name
    assert [a["text"] for a in rec["areas_for_improvement"]] == [
        "Consistency in the response to 16- and 17-year-old children who present as homeless."
    ]
    assert rec["areas_for_improvement"][0]["timescale"] == "within_3_months"
    (r,) = rec["recommendations"]
    assert r["text"] == MISSED and r["provenance"]["rule"] == "review.added" and r["provenance"]["page"] == 2
    assert {c["status"] for c in rec["review"]["changes"]} == {"wrong", "edited", "added"}

    out = tmp_path / "eval.json"
    res = runner.invoke(app, ["eval", str(REAL / FV_OLDHAM), "--gold", str(gold_dir), "--json", str(out)])
    assert res.exit_code == 0, res.output
    result = json.loads(out.read_text())
    areas, recs = result["areas_for_improvement"], result["recommendations"]
    assert (areas["tp"], areas["gold"], areas["pred"]) == (1, 1, 2)  # the area marked wrong is a false positive
    assert (recs["tp"], recs["gold"], recs["pred"]) == (0, 1, 0)  # the added one a miss
    assert result["afi.timescale"] == 0.0  # the edited timescale is expected, and not extracted
    assert result["metadata"] == 1.0  # metadata left as extracted
    (doc,) = result["documents"].values()
    assert not doc["missing"]


@needs_real
def test_a_saved_record_loads_back_into_its_page(browser, real_pages, tmp_path):
    context, page, errors = _open(browser, real_pages[FV_OLDHAM])
    try:
        _correct_oldham(page)
        first = json.loads(_save(page, tmp_path).read_text(encoding="utf-8"))
    finally:
        context.close()
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(first), encoding="utf-8")
    context, page, errors = _open(browser, real_pages[FV_OLDHAM])
    try:
        assert page.locator("li.item.wrong, li.item.added").count() == 0
        page.set_input_files("#load", str(saved))
        page.locator("#status", has_text="Loaded").wait_for()  # no wait_for_function: the page's CSP forbids eval
        assert "3 correction(s)" in page.inner_text("#status")
        assert page.locator("li.item[data-id='a2'].wrong").count() == 1
        assert page.locator("li.item[data-id='a1'].edited").count() == 1
        assert page.locator("li.item.added").count() == 1
        (tmp_path / "again").mkdir()
        again = json.loads(_save(page, tmp_path / "again").read_text(encoding="utf-8"))
        for rec in (first, again):
            rec["review"].pop("saved_at")
        assert again == first
        assert not errors, errors
    finally:
        context.close()


@needs_real
def test_a_hand_made_gold_record_is_compared_with_the_extraction(browser, real_db, real_pages):
    gold = GOLD / "dev" / "fv__80535_oldham__2025-08-21.json"
    expected = json.loads(gold.read_text(encoding="utf-8"))
    (src,) = R.from_db(real_db, [str(REAL / FV_OLDHAM)])
    context, page, errors = _open(browser, real_pages[FV_OLDHAM])
    try:
        page.set_input_files("#load", str(gold))
        page.locator("#status", has_text="Loaded").wait_for()
        assert "compared with the extraction" in page.inner_text("#status")
        assert page.locator("li.item[data-f=area].wrong").count() == 0  # both areas are in the gold record
        assert page.locator("li.item[data-f=area].added").count() == 0
        for key in ("title", "date", "provider"):
            item = page.locator(f"li.item[data-id='m-{key}']")
            if not item.count():
                continue
            differs = expected[key] != src.record.get(key)
            assert ("edited" in item.get_attribute("class")) is differs, key  # the gold value is an edit
            assert expected[key].replace("_", " ") in item.inner_text(), key
        assert not errors, errors
    finally:
        context.close()


@needs_real
def test_a_40_page_report_builds_in_well_under_a_second_and_edits_do_not_redraw_the_text(
    browser, real_db, real_pages, tmp_path
):
    started = time.perf_counter()
    (src,) = R.from_db(real_db, [str(REAL / CORNWALL_2016)])
    written = R.write_pages([src], tmp_path)
    built = time.perf_counter() - started
    assert built < 0.5, f"{built:.3f} s"
    assert len(R.page_spans(src)) >= 35 and len(src.text) > 90_000
    context, page, errors = _open(browser, written[0].path)
    try:
        page.evaluate("() => document.querySelectorAll('mark.hl').forEach(m => { m.__kept = true; })")
        page.click("li.item[data-id='r1']")
        page.locator("#detail textarea").first.press_sequentially(" And more.", delay=5)
        assert page.evaluate("() => [...document.querySelectorAll('mark.hl')].every(m => m.__kept === true)")
        assert page.locator("li.item[data-id='r1'].edited .summary").inner_text().endswith("And more.")
        assert not errors, errors
    finally:
        context.close()


def test_a_database_stored_before_page_starts_shows_one_text_and_says_why(archive, tmp_path):
    from pipeline.store.db import Database

    old = tmp_path / "old.duckdb"
    shutil.copy(archive, old)
    with Database.open(old) as db:
        db._execute("UPDATE document_texts SET pages = NULL")
    (src,) = R.from_db(old, ["02_northfield_monitoring_2011.txt"])
    assert src.pages == [] and "--reprocess" in src.notes[0]
    assert [s["label"] for s in R.page_spans(src)] == ["Text"]
    assert all(i["shown"] for i in R.review_items(src.record, src.text) if i["field"] != "metadata")


def test_hostile_document_text_stays_text_in_the_browser(browser, tmp_path):
    doc = tmp_path / "<b onmouseover=alert(3)>hostile.txt"
    doc.write_text(
        f"Monitoring visit letter\n\nAreas for improvement\n\n1. Ensure {HOSTILE} plans are reviewed.\n", "utf-8"
    )
    res = runner.invoke(app, ["review", str(doc), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    (page_file,) = [p for p in (tmp_path / "out").glob("*.html") if p.name != "index.html"]
    context, page, errors = _open(browser, page_file)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.wait_for_timeout(300)
        assert HOSTILE in page.locator(".text").first.text_content()
        assert page.locator("#pages img, #pages script, #side img").count() == 0
        assert page.locator("h1").inner_text() == "<b onmouseover=alert(3)>hostile.txt"
        assert not dialogs and not errors, (dialogs, errors)
    finally:
        context.close()


ASTRAL = "😀 Title 𝒳\nArea: ensure 😀 plans are reviewed.\nPage two 🎉 text here.\nRec: do 𝒳 things."


def test_offsets_hold_past_astral_characters_and_a_selection_may_cross_pages(browser, tmp_path):
    """Provenance counts code points, the DOM UTF-16 units: highlights and added spans must agree with Python."""
    text = ASTRAL
    prov = lambda s, e, page: {"page": page, "start": s, "end": e, "rule": "r", "confidence": 1.0}  # noqa: E731
    area = (text.index("ensure"), text.index("reviewed.") + len("reviewed."))
    rec = (text.index("do "), len(text))
    record = {"document": "e.txt", "doc_type": "other",
              "areas_for_improvement": [{"id": None, "text": text[slice(*area)], "provenance": prov(*area, 1)}],
              "recommendations": [{"id": None, "text": text[slice(*rec)], "provenance": prov(*rec, 2)}]}  # fmt: skip
    src = R.ReviewSource("e.txt", "cd" * 32, text, record, [(1, 0), (2, text.index("Page two"))], source="x/e.txt")
    (written,) = R.write_pages([src], tmp_path)
    context, page, errors = _open(browser, written.path)
    try:
        assert page.evaluate(READ_BACK) == {"a1": text[slice(*area)], "r1": text[slice(*rec)]}
        page.evaluate(
            """() => {
              const [one, two] = document.querySelectorAll('.text');
              const a = [...one.querySelectorAll('mark')].pop().firstChild, b = two.firstChild;
              const r = document.createRange();
              r.setStart(a, a.data.indexOf('plans'));
              r.setEnd(b, b.data.indexOf(' text'));
              getSelection().removeAllRanges();
              getSelection().addRange(r);
            }"""
        )
        page.select_option("#add-kind", "recommendation")
        page.click("#add")
        saved = json.loads(_save(page, tmp_path).read_text(encoding="utf-8"))
        (added,) = [r for r in saved["recommendations"] if r["provenance"]["rule"] == "review.added"]
        p = added["provenance"]
        assert text[p["start"] : p["end"]] == "plans are reviewed.\nPage two 🎉" and p["page"] == 1
        assert added["text"] == "plans are reviewed. Page two 🎉"
        assert page.evaluate(READ_BACK)["n1"] == "plans are reviewed.\nPage two 🎉"
        assert not errors, errors
    finally:
        context.close()
