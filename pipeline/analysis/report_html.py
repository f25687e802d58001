"""HTML building blocks of the report (pure): escaping, sortable and filterable tables, grade badges,
links to a document's file and review page, and the page shell with its inline style and script.

Every value from a document goes through `esc` (document text is hostile input). Tables carry what the
inline script needs as attributes: `data-key` on a column's heading (its filter name), `data-v` on a
cell whose sort value differs from its text, `data-f` on a cell with the tokens a filter matches
('outcome_3|enabler_2'). A link `#<table id>?key=value&...` (also from another page) filters that table
to the rows behind a figure; the script shows the filter above it with a way to clear it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

Row = Mapping[str, Any]

GRADE_LABELS = {
    "outstanding": "Outstanding", "good": "Good", "requires_improvement": "Requires improvement",
    "adequate": "Adequate", "satisfactory": "Satisfactory", "inadequate": "Inadequate",
}  # fmt: skip
RANK_OF = {"outstanding": 1, "good": 2, "requires_improvement": 3, "adequate": 3, "satisfactory": 3, "inadequate": 4}
# Grade ranks (pipeline/store/sql/views/001_grade_scale.sql) as the report names and colours them.
RANK_LABELS = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
RANK_KEYS = {1: "outstanding", 2: "good", 3: "requires_improvement", 4: "inadequate"}
RANK_COLOURS = {1: "#1b7837", 2: "#7fbf7b", 3: "#f1a340", 4: "#c51b1b"}
NO_GRADE_COLOUR = "#d4d4d4"
CHANGE_MARKS = {"improved": "▲ improved", "declined": "▼ declined", "unchanged": "= unchanged", "first": "first"}


def esc(value: Any) -> str:
    """Any value as escaped HTML text ('' for None; lists joined with '; ')."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return html.escape("; ".join("" if v is None else str(v) for v in value))
    return html.escape(str(value))


def attr(value: Any) -> str:
    """A value for an attribute (quotes escaped too)."""
    return html.escape("" if value is None else str(value), quote=True)


def day(value: date | None) -> str:
    """'21 Aug 2025' ('' for None)."""
    return f"{value.day} {value:%b %Y}" if value else ""


def slug(name: str) -> str:
    """A council's file name: 'Bournemouth, Christchurch and Poole' -> 'bournemouth-christchurch-and-poole'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "council"


def grade_badge(grade: str | None) -> str:
    """A grade as a coloured label ('' when none)."""
    if not grade:
        return ""
    rank = RANK_OF.get(grade)
    label = GRADE_LABELS.get(grade, grade.replace("_", " "))
    return f'<span class="grade g{rank or 0}">{esc(label)}</span>'


def change_badge(change: str | None, previous: str | None = None) -> str:
    """'▲ improved (was Requires improvement)'."""
    if not change:
        return ""
    was = f' <span class="was">(was {esc(GRADE_LABELS.get(previous, previous))})</span>' if previous else ""
    return f'<span class="change {esc(change)}">{esc(CHANGE_MARKS.get(change, change))}</span>{was}'


@lru_cache(maxsize=65536)
def _uri(path: str) -> str:
    return Path(path).as_uri()  # ~30 µs: a document's items all link to its one file


def file_href(path: str | None, page: int | None = None) -> str | None:
    """A file:// link to a document (at its page, for a PDF)."""
    if not path:
        return None
    return _uri(path) + (f"#page={page}" if page and path.lower().endswith(".pdf") else "")


@dataclass
class Links:
    """Where a page links to: the report's other pages (relative to this page) and, when review pages are
    beside the report (`review/`, written by `inspections review` or the report), each item in its
    document's review page (a row's `review` column: the page's name, from the SQL macro review_page)."""

    root: str = ""  # '' on report.html and points.html, '../' on a council page
    review: bool = False

    def council(self, name: str | None) -> str | None:
        return f"{self.root}councils/{slug(name)}.html" if name else None

    def source(self, row: Row, text: str | None = None, page: int | None = None, item: str | None = None) -> str:
        """A document's name linked to its file (at the page), plus 'review' when its review page exists."""
        label = esc(text if text is not None else row.get("label"))
        href = file_href(row.get("source_path"), page)
        out = f'<a href="{attr(href)}">{label}</a>' if href else label
        if page:
            out += f' <span class="page">p.{esc(page)}</span>'
        page_name = row.get("review") or row.get("review_page")  # a name, or a name and the item's '#a3'
        if self.review and page_name:
            name, _, anchor = page_name.partition("#")
            target = f"{self.root}review/{quote(name)}" + (f"#{anchor}" if anchor else item or "")
            out += f' <a class="review" href="{attr(target)}">review</a>'
        return out


@dataclass
class Col:
    """A table column: its key (the filter's name), heading, cell HTML, and optional sort value and filter tokens."""

    key: str
    head: str
    cell: Callable[[Row], str] | None = None
    sort: Callable[[Row], Any] | None = None
    tokens: Callable[[Row], Iterable[Any]] | None = None
    cls: str = ""

    def td(self, row: Row) -> str:
        content = self.cell(row) if self.cell else esc(row.get(self.key))
        attrs = f' class="{self.cls}"' if self.cls else ""
        if self.sort:
            attrs += f' data-v="{attr(self.sort(row))}"'
        if self.tokens:
            attrs += f' data-f="{attr("|".join(str(t) for t in self.tokens(row) if t is not None))}"'
        return f"<td{attrs}>{content}</td>"


def table(table_id: str, cols: Sequence[Col], rows: Iterable[Row], caption: str = "", row_id: Callable | None = None,
          empty: str = "Nothing to show.") -> str:  # fmt: skip
    """A sortable, filterable table (the page's script makes it so); `row_id` gives rows an id to link to."""
    rows = list(rows)
    if not rows:
        return f'<p class="empty">{esc(empty)}</p>'
    head = "".join(f'<th data-key="{attr(c.key)}" class="{c.cls}">{esc(c.head)}</th>' for c in cols)
    body = []
    for r in rows:
        rid = f' id="{attr(row_id(r))}"' if row_id else ""
        body.append(f"<tr{rid}>" + "".join(c.td(r) for c in cols) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="wrap"><table class="data" id="{attr(table_id)}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def grade_col(key: str, head: str) -> Col:
    """A column of grades: coloured, sorted by rank, filtered by grade."""
    return Col(key, head, lambda r: grade_badge(r.get(key)), lambda r: RANK_OF.get(r.get(key) or "", 9),
               lambda r: [r.get(key)])  # fmt: skip


def date_col(key: str, head: str) -> Col:
    return Col(key, head, lambda r: esc(day(r.get(key))), lambda r: r.get(key) or "", lambda r: [r.get(key)], "date")


def filter_link(target: str, text: Any, **filters: Any) -> str:
    """A link that filters a table (on this page or another: 'points.html#points') to some rows."""
    query = "&".join(f"{k}={quote(str(v))}" for k, v in filters.items() if v is not None)
    return f'<a class="rows" href="{attr(target + ("?" + query if query else ""))}">{esc(text)}</a>'


CSS = """
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;margin:0;background:#f6f8fa}
header.top{background:#12355b;color:#fff;padding:10px 32px}
header.top a{color:#fff;margin-right:18px;text-decoration:none;font-weight:600}
header.top a:hover{text-decoration:underline}
main{max-width:1240px;margin:0 auto;padding:20px 32px 64px;background:#fff}
h1{font-size:26px;margin:6px 0 4px}
h2{font-size:21px;margin:40px 0 8px;border-bottom:2px solid #12355b;padding-bottom:4px}
h3{font-size:16px;margin:24px 0 6px}
.meta,.note,.empty,.explain{color:#57606a;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:14px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px}
.card .label{font-size:12px;text-transform:uppercase;color:#57606a}.card .value{font-size:26px;font-weight:600}
.card .value a{color:inherit;text-decoration:none}.card .value a:hover{text-decoration:underline}
.figure{margin:10px 0 4px}.figure svg{max-width:100%;height:auto;display:block}
.side{display:grid;grid-template-columns:520px minmax(0,1fr);gap:24px;align-items:start}
.legend{font-size:13px;margin:6px 0}.legend span.sw{display:inline-block;width:12px;height:12px;border-radius:2px;
 margin:0 4px 0 12px;vertical-align:-1px}
.multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(290px,1fr));gap:10px 18px}
.multiples h4{margin:4px 0 0;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:4px 0 8px}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
.wrap{overflow-x:auto;max-width:100%}
th{background:#eef2f6;position:sticky;top:0}
table.data th{cursor:pointer;user-select:none}table.data th[aria-sort=ascending]::after{content:" ▲"}
table.data th[aria-sort=descending]::after{content:" ▼"}
td.num,th.num{text-align:right}td.text{min-width:320px}td.date{white-space:nowrap}td.doc{min-width:180px}
.heat tr.total th,.heat tr.total td{font-weight:400;color:#57606a}
.tools{display:flex;gap:12px;align-items:center;font-size:13px;color:#57606a;margin-top:8px}
.tools input{font:inherit;padding:3px 6px;border:1px solid #d0d7de;border-radius:4px;min-width:240px}
.tools .active{background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:2px 6px;color:#1f2328}
.grade{display:inline-block;border-radius:3px;padding:0 5px;font-size:12px}
.g1{background:#1b7837;color:#fff}.g2{background:#7fbf7b;color:#0b2e0b}.g3{background:#f1a340;color:#3a2200}
.g4{background:#c51b1b;color:#fff}.g0{background:#d4d4d4}
.change{white-space:nowrap;font-weight:600}.change.improved{color:#1b7837}.change.declined{color:#c51b1b}
.was{color:#57606a;font-size:12px}.page{color:#57606a;font-size:12px;white-space:nowrap}
a.review{font-size:11px;background:#ddf4ff;border-radius:3px;padding:0 4px;text-decoration:none}
.heat td.cell{text-align:right;white-space:nowrap}.heat a{color:inherit;text-decoration:none;display:block}
.heat a:hover{text-decoration:underline}
.map path.council{cursor:pointer}.map a:hover path.council,.map a:focus path.council{stroke:#12355b;stroke-width:2}
.map path.borders{fill:none;stroke:#fff;stroke-width:.7;pointer-events:none}
ul.tight{margin:0;padding-left:16px}
"""

# Sorting, filtering and hash filters for every table.data of a page (no library, no request).
SCRIPT = r"""
(function () {
  function cellValue(td) { var v = td.getAttribute('data-v'); return v === null ? td.textContent.trim() : v; }
  function tokens(td) {
    var f = td.getAttribute('data-f');
    return (f === null ? [cellValue(td)] : f.split('|')).map(function (t) { return t.toLowerCase(); });
  }
  var NUM = /^-?\d+(\.\d+)?$/;
  function compare(a, b) {
    if (NUM.test(a) && NUM.test(b)) { return parseFloat(a) - parseFloat(b); }
    return a.localeCompare(b, undefined, {numeric: true});
  }
  function setup(table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r) { r._text = r.textContent.toLowerCase(); });
    var tools = document.createElement('div');
    tools.className = 'tools';
    tools.innerHTML = '<input type="search" placeholder="Filter these rows" aria-label="Filter these rows">' +
      '<span class="count"></span><span class="active" hidden></span>';
    var host = table.parentNode.className === 'wrap' ? table.parentNode : table;
    host.parentNode.insertBefore(tools, host);
    table._tools = tools;
    var input = tools.querySelector('input'), count = tools.querySelector('.count');
    var active = tools.querySelector('.active');
    var state = {text: '', keys: {}};
    function apply() {
      var shown = 0;
      rows.forEach(function (r) {
        var ok = !state.text || r._text.indexOf(state.text) >= 0;
        for (var k in state.keys) {
          if (!ok) { break; }
          var i = state.keys[k].index;
          ok = i >= 0 && tokens(r.cells[i]).indexOf(state.keys[k].value) >= 0;
        }
        r.hidden = !ok;
        if (ok) { shown++; }
      });
      count.textContent = shown + ' of ' + rows.length + ' rows';
      table.setAttribute('data-shown', shown);
    }
    input.addEventListener('input', function () { state.text = input.value.trim().toLowerCase(); apply(); });
    heads.forEach(function (th, i) {
      th.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
        rows.slice().sort(function (a, b) {
          return dir * compare(cellValue(a.cells[i]), cellValue(b.cells[i]));
        }).forEach(function (r) { body.appendChild(r); });
      });
    });
    table._filter = function (pairs) {
      state.keys = {};
      var shown = [];
      pairs.forEach(function (p) {
        var index = heads.findIndex(function (h) { return h.getAttribute('data-key') === p[0]; });
        state.keys[p[0]] = {index: index, value: p[1].toLowerCase()};
        shown.push((index >= 0 ? heads[index].textContent : p[0]) + ' = ' + p[1]);
      });
      active.hidden = !shown.length;
      active.innerHTML = '';
      if (shown.length) {
        active.appendChild(document.createTextNode('Showing the rows behind the figure: ' + shown.join(', ') + ' '));
        var clear = document.createElement('a');
        clear.href = '#' + table.id; clear.textContent = '(show all)';
        active.appendChild(clear);
      }
      apply();
    };
    apply();
  }
  function fromHash() {
    var hash = location.hash.slice(1);
    if (!hash) { return; }
    var q = hash.indexOf('?'), id = decodeURIComponent(q < 0 ? hash : hash.slice(0, q));
    var table = document.getElementById(id);
    if (!table || !table._filter) { return; }
    var pairs = q < 0 ? [] : hash.slice(q + 1).split('&').filter(Boolean).map(function (kv) {
      var e = kv.indexOf('=');
      return [decodeURIComponent(kv.slice(0, e)), decodeURIComponent(kv.slice(e + 1))];
    });
    table._filter(pairs);
    table._tools.scrollIntoView();
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.data'), setup);
  window.addEventListener('hashchange', fromHash);
  fromHash();
  document.documentElement.setAttribute('data-ready', '1');
})();
"""

# Only inline styles and this page's own script; no request leaves the page (links are navigation).
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def page(title: str, body: str, nav: Sequence[tuple[str, str]]) -> str:
    """A whole HTML document: the page's title, a navigation bar, the body, the inline style and script."""
    links = "".join(f'<a href="{attr(href)}">{esc(text)}</a>' for href, text in nav)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f'<header class="top"><nav>{links}</nav></header>',
        f"<main>{body}</main>",
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]) + "\n"  # fmt: skip
