"""Review pages: every extracted item highlighted in its document's text, and corrected into an answer key.

`inspections review` writes one self-contained HTML page per document (no server, no network: the
text, the items and the page's script are inline). The page shows the normalised text page by page
with each item highlighted at its provenance span in a colour per field, lists the items in document
order, and lets a reader mark an item wrong, edit it, or select a passage and add a missed item; its
Save button downloads a JSON record in the contract (docs/contract.md) that `inspections eval --gold`
reads as gold. A document comes from a file (read and extracted on the fly) or from the database
(its stored text, page starts and items: `from_db`).

The Python side only gathers and checks: which items there are, where each one's span lies and
whether it can be shown there (`review_items`); the page's script (pipeline/analysis/static/review.js) draws
the highlights from those offsets, so one algorithm places them, in the browser.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path, PurePosixPath
from string import Template
from typing import Any

from pipeline.errors import BadArguments

STATIC = Path(__file__).parent / "static"
FIELDS = ("area", "evidence", "recommendation", "judgement", "metadata")
# Contract metadata keys a reviewer can correct (docs/contract.md); extra scalar keys of a record
# (the metadata extractor's la_name, lead_inspector, ...) are offered too (`_meta_keys`).
CONTRACT_META = ("doc_type", "title", "date", "inspectorate", "provider", "service_area")
# Record keys that are bookkeeping, not metadata a reviewer corrects.
_NOT_META = {
    "document", "source", "source_sha256", "schema_name", "schema_version", "sha256", "extractor_version",
    "overall_judgement", "areas_for_improvement", "recommendations", "judgements", "metadata_provenance", "review",
}  # fmt: skip
# A metadata provenance entry that stands for several record keys.
META_VALUE_KEYS = {"inspection_dates": ("inspection_start", "inspection_end")}
OVERALL_SUBJECT = {"progress": "Overall progress", "effectiveness": "Overall effectiveness"}
# An item whose span holds fewer of its words than this is not shown there (its text was rebuilt).
MIN_WORDS_AT_SPAN = 0.3
_WORD = re.compile(r"\w+")


@dataclass
class ReviewSource:
    """One document to review: its text, where its pages begin, and its record (contract + provenance)."""

    name: str
    doc_id: str
    text: str
    record: dict[str, Any]
    pages: list[tuple[int | None, int]] = field(default_factory=list)  # (page, char_start) runs
    source: str | None = None  # path under the archive root, for `eval --gold` matching
    source_path: str | None = None  # where the file was read from
    format: str | None = None
    origin: str = "file"  # "file" (extracted now) or "database" (stored items)
    notes: list[str] = field(default_factory=list)


# -- pages and items ----------------------------------------------------------------------------------


def page_spans(src: ReviewSource) -> list[dict[str, Any]]:
    """The page sections the review page shows: label, page number and [start, end) in the text."""
    n = len(src.text)
    runs = [(p, s) for p, s in src.pages if 0 <= s <= n]
    if not runs:
        label = "Text (no page breaks: DOCX)" if src.format == "docx" else "Text"
        return [{"label": label, "page": None, "start": 0, "end": n}]
    runs[0] = (runs[0][0], 0)
    seen: set[int | None] = set()
    out = []
    for i, (page, start) in enumerate(runs):
        end = runs[i + 1][1] if i + 1 < len(runs) else n
        if end <= start and i + 1 < len(runs):
            continue
        label = f"Page {page}" + (" (continued)" if page in seen else "")
        seen.add(page)
        out.append({"label": label, "page": page, "start": start, "end": end})
    return out


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def locate(prov: Mapping[str, Any] | None, text: str, words_of: str | None = None) -> tuple[bool, str]:
    """Whether an item can be highlighted at its span, and if not why (said on the page instead)."""
    if not prov:
        return False, "it carries no provenance"
    start, end = prov.get("start"), prov.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or end <= start:
        return False, "it has no span in the text"
    if start < 0 or end > len(text):
        return False, f"its span {start}-{end} lies outside the text ({len(text)} characters)"
    quoted = text[start:end]
    if not quoted.strip():
        return False, "its span holds only white space"
    if words_of:
        words = set(_words(words_of))
        if len(words) >= 3 and len(words & set(_words(quoted))) < MIN_WORDS_AT_SPAN * len(words):
            return False, "the text at its span does not hold its words (it was rebuilt, e.g. from a table)"
    return True, ""


def _item(
    item_id: str, fld: str, data: dict[str, Any], prov: Mapping[str, Any] | None, text: str, words_of: str | None
) -> dict[str, Any]:
    shown, why = locate(prov, text, words_of)
    return {"id": item_id, "field": fld, "data": data, "prov": dict(prov) if prov else None, "shown": shown,
            "why": why}  # fmt: skip


def _themes(item: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"label": t.get("label"), "terms": t.get("terms") or []} for t in item.get("themes") or []]


def _meta_value_keys(key: str) -> tuple[str, ...]:
    return META_VALUE_KEYS.get(key, (key,))


def review_items(record: Mapping[str, Any], text: str) -> list[dict[str, Any]]:
    """Every item of a record with its id (a1, a1e2, r3, j4, o, m-title), field, contract data,
    provenance, themes and whether its span can be shown. Ids follow the database's numbering
    (area_no, evidence_no, rec_no, judgement_no), so `review.html#a3` is area 3 of the document."""
    items: list[dict[str, Any]] = []
    for n, area in enumerate(record.get("areas_for_improvement") or [], start=1):
        data = {k: v for k, v in area.items() if k not in ("provenance", "themes", "evidence")}
        it = _item(f"a{n}", "area", data, area.get("provenance"), text, area.get("text"))
        it["themes"] = _themes(area)
        items.append(it)
        for m, ev in enumerate(area.get("evidence") or [], start=1):
            data = {k: v for k, v in ev.items() if k != "provenance"}
            it = _item(f"a{n}e{m}", "evidence", data, ev.get("provenance"), text, ev.get("text"))
            it["parent"] = f"a{n}"
            items.append(it)
    for n, rec in enumerate(record.get("recommendations") or [], start=1):
        data = {k: v for k, v in rec.items() if k not in ("provenance", "themes")}
        it = _item(f"r{n}", "recommendation", data, rec.get("provenance"), text, rec.get("text"))
        it["themes"] = _themes(rec)
        items.append(it)
    judgements = record.get("judgements") or []
    for n, j in enumerate(judgements, start=1):
        data = {k: v for k, v in j.items() if k != "provenance"}
        items.append(_item(f"j{n}", "judgement", data, j.get("provenance"), text, None))
    overall = record.get("overall_judgement")
    if overall:
        prov = overall.get("provenance")
        it = _item("o", "judgement", {k: v for k, v in overall.items() if k != "provenance"}, prov, text, None)
        it["overall"] = True
        # The database numbers an overall judgement stated in prose as one more judgement (pipeline/store/rows.py).
        listed = any(
            prov and j.get("grade") == overall.get("grade") and _span(j.get("provenance")) == _span(prov)
            for j in judgements
        )
        it["aliases"] = [] if listed else [f"j{len(judgements) + 1}"]
        items.append(it)
    covered: set[str] = set()
    for key, prov in (record.get("metadata_provenance") or {}).items():
        data = {"key": key, "keys": list(_meta_value_keys(key))}
        covered.update(data["keys"])
        items.append(_item(f"m-{key}", "metadata", data, prov, text, None))
    # Metadata the extractor gives no provenance for yet: listed (to be checked and corrected), not highlighted.
    for key in _meta_keys(record):
        if key not in covered and record.get(key) not in (None, ""):
            it = _item(f"m-{key}", "metadata", {"key": key, "keys": [key]}, None, text, None)
            it["why"] = "the extractor records no provenance for it"
            items.append(it)
    return items


def _span(prov: Mapping[str, Any] | None) -> tuple[Any, Any] | None:
    return (prov.get("start"), prov.get("end")) if prov else None


def _meta_keys(record: Mapping[str, Any]) -> list[str]:
    """Metadata keys the page lets a reviewer correct: the contract's, then the record's other scalar keys."""
    extra = [
        k for k, v in record.items()
        if k not in _NOT_META and k not in CONTRACT_META and not k.endswith("_aliases")
        and (v is None or isinstance(v, str | int | float | bool))
    ]  # fmt: skip
    return [*CONTRACT_META, *extra]


# -- the page -----------------------------------------------------------------------------------------


def page_name(name: str, doc_id: str) -> str:
    """The review page's file name: the document's name made safe, and the start of its sha256
    (archives hold many files of one name). pipeline/store/sql/schema/016_review_page.sql computes the
    same in SQL, so queries and the trends report can link to the pages."""
    stem = re.sub(r"\.[^./]*\Z", "", name)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", stem).lower().strip("-")[:48] or "document"
    return f"{slug}-{doc_id[:10]}.html"


def _json_for_script(value: Any) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' can close or open a tag."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def page_data(src: ReviewSource, built_at: str | None = None) -> dict[str, Any]:
    """Everything the page's script needs: text, pages, items and the record they came from."""
    items_keys = ("areas_for_improvement", "recommendations", "judgements", "overall_judgement", "metadata_provenance")
    base = {k: v for k, v in src.record.items() if k not in items_keys}
    base["document"] = src.name
    if src.source:
        base["source"] = src.source
    base.setdefault("source_sha256", src.doc_id)
    return {
        "document": src.name,
        "doc_id": src.doc_id,
        "source": src.source,
        "source_path": src.source_path,
        "origin": src.origin,
        "built_at": built_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "page_name": page_name(src.name, src.doc_id),
        "record": base,
        "meta_keys": _meta_keys(base),
        "had_metadata_provenance": "metadata_provenance" in src.record,
        "pages": page_spans(src),
        "items": review_items(src.record, src.text),
        "notes": src.notes,
        "text": src.text,
    }


def render(src: ReviewSource, built_at: str | None = None, data: dict[str, Any] | None = None) -> str:
    """The review page of one document: one HTML file, script and styles inline, nothing fetched."""
    where = src.source or src.source_path or ""
    return _template().substitute(
        title=html.escape(f"Review: {src.name}"),
        name=html.escape(src.name),
        where=html.escape(where),
        css=_static("review.css"),
        js=_static("review.js"),
        data=_json_for_script(data if data is not None else page_data(src, built_at)),
    )


@cache
def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@cache
def _template() -> Template:
    return Template(_static("review.html"))


def render_index(rows: Sequence[Mapping[str, Any]], built_at: str) -> str:
    """index.html: the pages written, with each document's counts (no script)."""
    body = "".join(
        f'<tr><td><a href="{html.escape(r["page"], quote=True)}">{html.escape(r["document"])}</a></td>'
        f"<td>{html.escape(r.get('source') or '')}</td>"
        + "".join(f"<td>{r['counts'].get(f, 0)}</td>" for f in FIELDS)
        + f"<td>{r['hidden']}</td></tr>"
        for r in rows
    )
    head = "".join(f"<th>{f}</th>" for f in ("document", "source", *FIELDS, "not shown at a span"))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<title>Review pages</title><style>body{font:14px/1.4 system-ui,sans-serif;margin:24px}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}</style>"
        f"</head><body><h1>Review pages</h1><p>Built {html.escape(built_at)}. Open a page to see its items in "
        f"the text and correct them.</p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</body></html>\n"
    )


@dataclass
class Written:
    """One page written: where, and its items per field."""

    path: Path
    src: ReviewSource
    counts: dict[str, int]
    hidden: int


def write_pages(sources: Iterable[ReviewSource], out: Path, index: bool = True) -> list[Written]:
    """Write one page per document into `out` (created), and index.html listing them."""
    out.mkdir(parents=True, exist_ok=True)
    built_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    written: list[Written] = []
    for src in sources:
        path = out / page_name(src.name, src.doc_id)
        data = page_data(src, built_at)
        path.write_text(render(src, data=data), encoding="utf-8")
        items = data["items"]
        counts = {f: sum(1 for i in items if i["field"] == f) for f in FIELDS}
        written.append(Written(path, src, counts, sum(1 for i in items if not i["shown"])))
    if index and written:
        rows = [
            {"page": w.path.name, "document": w.src.name, "source": w.src.source, "counts": w.counts,
             "hidden": w.hidden}
            for w in written
        ]  # fmt: skip
        (out / "index.html").write_text(render_index(rows, built_at), encoding="utf-8")
    return written


# -- where documents come from ------------------------------------------------------------------------


def source_under(path: str | Path, root: str | Path | None) -> str:
    """A document's `source`: its path under the archive root, so `eval --gold` matches the record to
    the file by that tail. Without a root (or outside it): its folder's name and its own name."""
    p = Path(path).resolve()
    if root is not None:
        try:
            return PurePosixPath(p.relative_to(Path(root).resolve()).as_posix()).as_posix()
        except ValueError:
            pass
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


def from_document(doc: Any, record: Any, source: str | None = None) -> ReviewSource:
    """A parsed document and its extraction record (extracted now: no database)."""
    from pipeline.store.rows import page_runs

    return ReviewSource(
        name=doc.name,
        doc_id=doc.sha256,
        text=doc.text,
        record=record.model_dump(mode="json"),
        pages=[(r["page"], r["char_start"]) for r in page_runs(doc)],
        source=source,
        source_path=doc.source_path,
        format=getattr(doc.format, "value", doc.format),
        origin="file",
    )


_HEX = re.compile(r"[0-9a-f]{8,64}")
# documents columns that describe the file or the load, not the record.
_DOC_COLUMNS_NOT_RECORD = {
    "doc_id", "name", "source_path", "format", "encoding", "page_count", "size_bytes", "text_chars", "n_blocks",
    "warnings", "overall_grade", "overall_kind", "n_areas", "n_recommendations", "n_judgements", "first_seen_run",
    "last_seen_run", "metadata_provenance",
}  # fmt: skip


# The tables a stored document's review page is rebuilt from, with the order of their rows.
_STORED = {
    "documents": "",
    "document_texts": "",
    "areas_for_improvement": " ORDER BY doc_id, area_no",
    "evidence": " ORDER BY doc_id, area_no, evidence_no",
    "recommendations": " ORDER BY doc_id, rec_no",
    "judgements": " ORDER BY doc_id, judgement_no",
    "item_themes": " ORDER BY doc_id, item_kind, item_no, theme",
}


@dataclass
class Match:
    """A stored document a DOC argument named, and the folder it was named through (for `source`)."""

    doc_id: str
    path: str | None
    root: str | None = None


def match_documents(
    refs: Sequence[str], catalogue: Sequence[tuple[str, str, str | None]]
) -> tuple[list[Match], list[str]]:
    """The stored documents each reference names, in order: a doc_id (or its first 8+ hex digits), a
    path (a file, or a folder: every document under it), or a file name. Returns them and the
    references that named none. `catalogue` holds (doc_id, name, path) rows."""
    found: dict[str, Match] = {}
    unmatched: list[str] = []
    for ref in refs:
        hits: list[Match] = []
        low = ref.strip().lower()
        if _HEX.fullmatch(low):
            hits = [Match(d, p) for d, _, p in catalogue if d.startswith(low)]
        if not hits:
            target = Path(ref).expanduser().resolve()
            prefix = str(target).rstrip("/") + "/"
            hits = [Match(d, p) for d, _, p in catalogue if p and p == str(target)]
            hits = hits or [Match(d, p, str(target)) for d, _, p in catalogue if p and p.startswith(prefix)]
        if not hits:
            hits = [Match(d, p) for d, n, p in catalogue if ref in (n, Path(p).name if p else None)]
        if not hits:
            unmatched.append(ref)
        for m in hits:
            found.setdefault(m.doc_id, m)
    return list(found.values()), unmatched


def from_db(
    db_path: Path | str, refs: Sequence[str], every: bool = False, root: str | Path | None = None
) -> list[ReviewSource]:
    """Stored documents (by path, folder, name or doc_id; or `every` one) with their stored text and
    items, read on one read-only connection. Raises BadArguments naming the references that match none."""
    from pipeline.store import db as D

    with D.reading(db_path) as run:
        catalogue = run(
            "SELECT d.doc_id, d.name, p.path FROM documents d LEFT JOIN document_paths p USING (doc_id) "
            "ORDER BY d.name, d.doc_id, p.path"
        ).rows
        if every:
            matches = list({d: Match(d, p) for d, _, p in reversed(catalogue)}.values())[::-1]
        else:
            matches, unmatched = match_documents(refs, catalogue)
            if unmatched:
                raise BadArguments(f"no document in {db_path} matches {', '.join(repr(r) for r in unmatched)}")
        ids = [m.doc_id for m in matches]
        if not ids:
            return []
        # SELECT *: columns added later (pages; the metadata extractor's) are read where the file has them.
        tables = {
            table: run(f"SELECT * FROM {table} WHERE doc_id IN (SELECT unnest($ids)){order}", {"ids": ids}).as_dicts()
            for table, order in _STORED.items()
        }
    by_doc: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for table, rows in tables.items():
        for row in rows:
            by_doc.setdefault(row["doc_id"], {}).setdefault(table, []).append(row)
    out = []
    for m in matches:
        rows = by_doc.get(m.doc_id, {})
        if not rows.get("documents") or not rows.get("document_texts"):
            continue
        out.append(_stored_source(rows, m, root if root is not None else m.root))
    return out


def _prov(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"page": row.get("page"), "start": row.get("char_start"), "end": row.get("char_end"),
            "rule": row.get("rule"), "confidence": row.get("confidence")}  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _stored_source(rows: Mapping[str, list[dict[str, Any]]], match: Match, root: str | Path | None) -> ReviewSource:
    """A stored document's record rebuilt from its rows (the inverse of pipeline/store/rows.py's flatten)."""
    doc = rows["documents"][0]
    text_row = rows["document_texts"][0]
    themes: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for t in rows.get("item_themes", []):
        themes.setdefault((t["item_kind"], t["item_no"]), []).append(
            {"theme": t["theme"], "label": t["theme_label"], "parent": t["parent_theme"],
             "terms": list(t["matched_terms"] or []), "confidence": t["confidence"], "rule": t["rule"],
             "scheme": t.get("scheme") or "ces"}
        )  # fmt: skip
    evidence: dict[int, list[dict[str, Any]]] = {}
    for e in rows.get("evidence", []):
        evidence.setdefault(e["area_no"], []).append({"source": e["source"], "text": e["text"], "provenance": _prov(e)})
    areas = [
        {"id": a["area_ref"], "text": a["text"], "timescale": a["timescale"], "judgement": a["judgement"],
         "rag": a["rag"], "evidence": evidence.get(a["area_no"], []), "kind": a.get("kind"),
         "framework_tag": a.get("framework_tag"), "responsible_body": a.get("responsible_body"),
         "themes": themes.get(("area", a["area_no"]), []), "provenance": _prov(a)}
        for a in rows.get("areas_for_improvement", [])
    ]  # fmt: skip
    recommendations = [
        {"id": r["rec_ref"], "text": r["text"], "framework_tag": r.get("framework_tag"),
         "themes": themes.get(("recommendation", r["rec_no"]), []), "provenance": _prov(r)}
        for r in rows.get("recommendations", [])
    ]  # fmt: skip
    judgements, overall = [], None
    for j in rows.get("judgements", []):
        prose = (j["rule"] or "").startswith("overall.") and j["subject"] == OVERALL_SUBJECT.get(j["kind"])
        appended = j["is_overall"] and prose
        if j["is_overall"]:
            overall = {"grade": j["grade"], "kind": j["kind"], "provenance": _prov(j)}
        if not appended:  # an overall judgement stated in prose was stored as one more row: not a listed one
            judgements.append({"subject": j["subject"], "grade": j["grade"], "provenance": _prov(j)})
    record: dict[str, Any] = {"document": doc["name"]}
    for key, value in doc.items():
        if key not in _DOC_COLUMNS_NOT_RECORD:
            record[key] = _plain(value)
    record.update(
        overall_judgement=overall, areas_for_improvement=areas, recommendations=recommendations, judgements=judgements
    )
    meta_prov = doc.get("metadata_provenance")
    if meta_prov is not None:  # stored by the metadata extractor: a list of {field, page, char_start, ...}
        record["metadata_provenance"] = {p["field"]: _prov(p) for p in meta_prov}
    runs = text_row.get("pages")
    notes = []
    if runs is None:
        notes.append("page breaks were not stored with this document (stored before they were): it is shown as one "
                     "text; `inspections ingest --reprocess` stores them")  # fmt: skip
    path = match.path or doc.get("source_path")
    return ReviewSource(
        name=doc["name"],
        doc_id=doc["doc_id"],
        text=text_row["text"],
        record=record,
        pages=[(r["page"], r["char_start"]) for r in runs or []],
        source=source_under(path, root) if path else None,
        source_path=path,
        format=doc.get("format"),
        origin="database",
        notes=notes,
    )
