// The review page (pipeline/analysis/review.py writes it): highlights every item at its span, lists the items,
// and turns a reader's corrections into a contract record (docs/contract.md) for `inspections eval --gold`.
// Offline and self-contained: no request leaves the page. Document text only ever reaches the DOM as
// text (textContent, text nodes), never as HTML. Offsets in the data are code points of the stored text
// (Python's); the DOM counts UTF-16 units, so the two are converted where astral characters occur.
(function () {
  "use strict";

  const started = performance.now();
  const DATA = JSON.parse(document.getElementById("review-data").textContent);
  const TEXT = DATA.text;
  const FIELDS = ["area", "evidence", "recommendation", "judgement", "metadata"];
  const FIELD_NAMES = {
    area: "areas for improvement", evidence: "evidence", recommendation: "recommendations",
    judgement: "judgements", metadata: "metadata",
  };
  const GRADES = ["outstanding", "good", "satisfactory", "adequate", "requires_improvement", "inadequate"];
  const TIMESCALES = ["immediately", "within_3_months", "within_6_months", "within_12_months"];
  const DOC_TYPES = ["monitoring_letter", "focused_visit_letter", "inspection_report", "consultation",
    "annual_report", "committee_report", "article", "other"];
  const CHOICES = {
    timescale: TIMESCALES, judgement: GRADES, grade: GRADES, rag: ["red", "amber", "green"],
    source: ["provider", "inspectors"], kind: null, doc_type: DOC_TYPES,
  };
  const AREA_KINDS = ["area_for_improvement", "priority_action"];
  const OVERALL_KINDS = ["progress", "effectiveness"];
  // Contract keys of each kind of item, in the contract's order (others follow, e.g. framework_tag).
  const KEYS = {
    area: ["id", "text", "timescale", "judgement", "rag", "kind", "framework_tag", "responsible_body"],
    evidence: ["source", "text"],
    recommendation: ["id", "text", "framework_tag"],
    judgement: ["subject", "grade"],
    overall: ["grade", "kind"],
  };

  // -- offsets: code points <-> UTF-16 ------------------------------------------------------------
  let cpToU = null;
  let uToCp = null;
  if (/[\uD800-\uDFFF]/.test(TEXT)) {
    cpToU = [];
    uToCp = new Array(TEXT.length + 1);
    let uo = 0;
    for (const ch of TEXT) {
      cpToU.push(uo);
      for (let k = 0; k < ch.length; k++) uToCp[uo + k] = cpToU.length - 1;
      uo += ch.length;
    }
    cpToU.push(uo);
    uToCp[uo] = cpToU.length - 1;
  }
  const u16 = (cp) => (cpToU ? cpToU[Math.max(0, Math.min(cp, cpToU.length - 1))] : cp);
  const cpOf = (uo) => (uToCp ? uToCp[Math.max(0, Math.min(uo, uToCp.length - 1))] : uo);
  const slice = (s, e) => TEXT.slice(u16(s), u16(e));

  // -- state --------------------------------------------------------------------------------------
  const clone = (v) => JSON.parse(JSON.stringify(v));
  const items = [];
  const byId = new Map();
  const alias = new Map();
  const record = clone(DATA.record); // metadata values as corrected
  let addedCount = 0;
  let selected = null;
  let dirty = false;

  function addItem(raw, added) {
    const it = {
      id: raw.id, field: raw.field, overall: !!raw.overall, parent: raw.parent || null,
      data: clone(raw.data), orig: added ? null : clone(raw.data), prov: raw.prov ? clone(raw.prov) : null,
      shown: !!raw.shown, why: raw.why || "", themes: raw.themes || [], status: "ok", added: !!added,
      index: items.length,
    };
    items.push(it);
    byId.set(it.id, it);
    for (const a of raw.aliases || []) alias.set(a, it.id);
    return it;
  }
  DATA.items.forEach((raw) => addItem(raw, false));

  const live = (it) => it.status !== "wrong" && it.status !== "replaced";
  // JSON with sorted keys, so that key order never counts as an edit.
  const canon = (v) => JSON.stringify(v, (k, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key] === undefined ? null : x[key]])) : x);
  const metaChanged = (k) => canon(record[k] === undefined ? null : record[k]) !== canon(DATA.record[k] === undefined ? null : DATA.record[k]);
  const edited = (it) => {
    if (it.added || it.status !== "ok") return false;
    if (it.field === "metadata") return it.data.keys.some(metaChanged);
    return canon(it.data) !== canon(it.orig);
  };
  const pageOf = (cp) => {
    for (let i = 0; i < DATA.pages.length; i++) if (cp < DATA.pages[i].end) return i;
    return DATA.pages.length - 1;
  };
  const pageIndexByNumber = (n) => DATA.pages.findIndex((p) => p.page === n);
  function sortKey(it) {
    if (it.shown) return it.prov.start;
    if (it.field === "metadata" && !it.prov) return -1; // document-level: first
    const pi = it.prov && it.prov.page != null ? pageIndexByNumber(it.prov.page) : -1;
    return pi >= 0 ? DATA.pages[pi].start : TEXT.length + it.index;
  }
  const ordered = () => items.slice().sort((a, b) => sortKey(a) - sortKey(b) || a.index - b.index);

  function label(it) {
    if (it.field === "metadata") return "Metadata: " + it.data.key;
    if (it.overall) return "Overall judgement";
    const n = it.id.replace(/^[a-z]/, "");
    const ref = it.data.id ? " " + it.data.id : "";
    switch (it.field) {
      case "area": return (it.data.kind === "priority_action" ? "Priority action" : "Area") + (ref || (it.added ? " (added)" : " #" + n));
      case "evidence": return "Evidence" + (it.data.source ? " (" + it.data.source + ")" : "");
      case "recommendation": return "Recommendation" + (ref || (it.added ? " (added)" : " #" + n));
      default: return "Judgement";
    }
  }
  function summary(it) {
    if (it.field === "metadata") {
      if (it.status === "replaced" && it.frozen != null) return it.frozen; // its value before a passage replaced it
      return it.data.keys.map((k) => show(record[k])).join(" – ");
    }
    if (it.overall) return show(it.data.grade) + " (" + show(it.data.kind) + ")";
    if (it.field === "judgement") return show(it.data.subject) + ": " + show(it.data.grade);
    return show(it.data.text);
  }
  const collapse = (s) => s.replace(/\s+/g, " ").trim();
  const show = (v) => (v == null || v === "" ? "—" : String(v).replace(/_/g, " "));

  // -- the text, page by page ---------------------------------------------------------------------
  const pagesEl = document.getElementById("pages");
  const pageEls = [];
  DATA.pages.forEach((pg, i) => {
    const sec = document.createElement("section");
    sec.className = "page";
    sec.id = "page-" + i;
    if (pg.page != null) sec.dataset.page = pg.page;
    const h = document.createElement("div");
    h.className = "page-label";
    h.textContent = pg.label;
    const body = document.createElement("div");
    body.className = "text";
    body.dataset.start = pg.start;
    body.dataset.end = pg.end;
    sec.append(h, body);
    pagesEl.appendChild(sec);
    pageEls.push(body);
  });
  if (DATA.notes && DATA.notes.length) {
    const p = document.createElement("p");
    p.className = "note";
    p.textContent = DATA.notes.join(" ");
    pagesEl.prepend(p);
  }

  // One mark per stretch of text covered by the same items; the shortest item's colour shows.
  function renderPage(pi) {
    const pg = DATA.pages[pi];
    const ps = pg.start;
    const pe = pg.end;
    const cov = items.filter((it) => it.shown && it.status !== "replaced" && it.prov.start < pe && it.prov.end > ps);
    const cuts = new Set([ps, pe]);
    for (const it of cov) {
      cuts.add(Math.max(ps, it.prov.start));
      cuts.add(Math.min(pe, it.prov.end));
    }
    const pts = Array.from(cuts).sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    for (let k = 0; k + 1 < pts.length; k++) {
      const a = pts[k];
      const b = pts[k + 1];
      const over = cov.filter((it) => it.prov.start <= a && it.prov.end >= b);
      if (!over.length) {
        frag.appendChild(document.createTextNode(slice(a, b)));
        continue;
      }
      over.sort((x, y) => x.prov.end - x.prov.start - (y.prov.end - y.prov.start) || x.index - y.index);
      const m = document.createElement("mark");
      m.className = "hl";
      m.dataset.ids = over.map((it) => it.id).join(" ");
      m.dataset.f = over[0].field;
      if (over.length > 1) m.classList.add("multi");
      if (!over.some(live)) m.classList.add("wrong");
      if (over[0].added) m.classList.add("added");
      if (selected && over.some((it) => it.id === selected)) m.classList.add("current");
      m.textContent = slice(a, b);
      frag.appendChild(m);
    }
    const el = pageEls[pi];
    el.textContent = "";
    el.appendChild(frag);
  }
  function pagesOf(it) {
    if (!it.shown) return [];
    const out = [];
    for (let i = pageOf(it.prov.start); i < DATA.pages.length && DATA.pages[i].start < it.prov.end; i++) out.push(i);
    return out;
  }
  const renderPagesOf = (it) => pagesOf(it).forEach(renderPage);
  const marksOf = (id) => Array.from(pagesEl.querySelectorAll('mark.hl[data-ids~="' + CSS.escape(id) + '"]'));

  // -- counts and filters -------------------------------------------------------------------------
  const countsEl = document.getElementById("counts");
  function renderCounts() {
    countsEl.textContent = "";
    for (const f of FIELDS) {
      const n = items.filter((it) => it.field === f && live(it)).length;
      const span = document.createElement("span");
      span.className = "count";
      span.dataset.f = f;
      span.dataset.n = n;
      const b = document.createElement("b");
      b.textContent = n;
      span.append(b, " " + FIELD_NAMES[f]);
      countsEl.appendChild(span);
    }
    const hidden = items.filter((it) => !it.shown && live(it)).length;
    if (hidden) {
      const span = document.createElement("span");
      span.className = "count hidden-count";
      span.textContent = hidden + " not shown at a span";
      countsEl.appendChild(span);
    }
    const changes = changeList().length;
    const st = document.getElementById("changes-count") || document.createElement("span");
    st.id = "changes-count";
    st.className = "count changes";
    st.textContent = changes ? changes + " correction" + (changes > 1 ? "s" : "") : "no corrections";
    countsEl.appendChild(st);
  }
  const filtersEl = document.getElementById("filters");
  for (const f of FIELDS) {
    const lab = document.createElement("label");
    lab.dataset.f = f;
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", () => document.body.classList.toggle("hide-" + f, !box.checked));
    lab.append(box, " " + f);
    filtersEl.appendChild(lab);
  }

  // -- the list of items --------------------------------------------------------------------------
  const listEl = document.getElementById("items");
  const liOf = new Map();
  function renderLi(it) {
    let li = liOf.get(it.id);
    if (!li) {
      li = document.createElement("li");
      li.dataset.id = it.id;
      li.tabIndex = 0;
      liOf.set(it.id, li);
    }
    li.dataset.f = it.field;
    li.className = "item";
    if (!live(it)) li.classList.add("wrong");
    if (it.status === "replaced") li.classList.add("replaced");
    if (it.added) li.classList.add("added");
    if (edited(it)) li.classList.add("edited");
    if (!it.shown) li.classList.add("unshown");
    if (selected === it.id) li.classList.add("current");
    li.textContent = "";
    const head = document.createElement("div");
    head.className = "head";
    const chip = document.createElement("span");
    chip.className = "chip";
    const name = document.createElement("b");
    name.textContent = label(it);
    head.append(chip, name);
    const meta = document.createElement("span");
    meta.className = "meta";
    const bits = [];
    if (it.prov && it.prov.page != null) bits.push("p." + it.prov.page);
    if (it.prov && it.prov.rule) bits.push(it.prov.rule);
    if (it.prov && it.prov.confidence != null) bits.push(Number(it.prov.confidence).toFixed(2));
    meta.textContent = bits.join(" · ");
    head.appendChild(meta);
    const badges = [];
    if (it.status === "wrong") badges.push(["wrong", "marked wrong"]);
    if (it.status === "replaced") badges.push(["wrong", "replaced"]);
    if (it.added) badges.push(["added", "added"]);
    if (edited(it)) badges.push(["edited", "edited"]);
    if (!it.shown) badges.push(["unshown", "not shown at its span"]);
    for (const [cls, text] of badges) {
      const b = document.createElement("span");
      b.className = "badge " + cls;
      b.textContent = text;
      head.appendChild(b);
    }
    const body = document.createElement("div");
    body.className = "summary";
    body.textContent = summary(it);
    li.append(head, body);
    return li;
  }
  function renderList() {
    const frag = document.createDocumentFragment();
    for (const it of ordered()) frag.appendChild(renderLi(it));
    listEl.textContent = "";
    listEl.appendChild(frag);
  }

  // -- selection and jumping ----------------------------------------------------------------------
  function select(id, jump) {
    const prev = selected;
    selected = id;
    for (const m of pagesEl.querySelectorAll("mark.current")) m.classList.remove("current");
    if (prev && liOf.get(prev)) liOf.get(prev).classList.remove("current");
    const it = byId.get(id);
    if (!it) return renderDetail(null);
    marksOf(id).forEach((m) => m.classList.add("current"));
    const li = liOf.get(id);
    if (li) {
      li.classList.add("current");
      li.scrollIntoView({ block: "nearest" });
    }
    renderDetail(it);
    if (jump) jumpTo(it);
  }
  function jumpTo(it) {
    const marks = marksOf(it.id);
    if (marks.length) {
      marks[0].scrollIntoView({ block: "center" });
      for (const m of marks) {
        m.classList.remove("flash");
        void m.offsetWidth; // restart the animation
        m.classList.add("flash");
      }
    } else if (it.prov && it.prov.page != null && pageIndexByNumber(it.prov.page) >= 0) {
      document.getElementById("page-" + pageIndexByNumber(it.prov.page)).scrollIntoView({ block: "start" });
    }
  }
  listEl.addEventListener("click", (e) => {
    const li = e.target.closest("li.item");
    if (li) select(li.dataset.id, true);
  });
  listEl.addEventListener("keydown", (e) => {
    const li = e.target.closest("li.item");
    if (li && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      select(li.dataset.id, true);
    }
  });
  pagesEl.addEventListener("click", (e) => {
    const m = e.target.closest("mark.hl");
    if (!m || !window.getSelection().isCollapsed) return;
    const ids = m.dataset.ids.split(" ");
    const at = ids.indexOf(selected);
    select(ids[(at + 1) % ids.length], false); // a second click on a shared stretch selects the next item
  });

  // -- hover ---------------------------------------------------------------------------------------
  const tip = document.getElementById("tip");
  pagesEl.addEventListener("mouseover", (e) => {
    const m = e.target.closest("mark.hl");
    if (!m) return;
    tip.textContent = "";
    for (const id of m.dataset.ids.split(" ")) {
      const it = byId.get(id);
      if (!it) continue;
      const box = document.createElement("div");
      box.className = "tip-item";
      box.dataset.f = it.field;
      const h = document.createElement("b");
      h.textContent = label(it) + (live(it) ? "" : " (marked wrong)");
      const p = document.createElement("div");
      p.className = "meta";
      const bits = [];
      if (it.prov.page != null) bits.push("page " + it.prov.page);
      bits.push("rule " + (it.prov.rule || "—"));
      if (it.prov.confidence != null) bits.push("confidence " + Number(it.prov.confidence).toFixed(2));
      p.textContent = bits.join(" · ");
      box.append(h, p);
      if (it.themes.length) {
        const t = document.createElement("div");
        t.className = "themes";
        t.textContent = "Themes: " + it.themes.map((x) => x.label).join("; ");
        box.appendChild(t);
      }
      const text = summary(it);
      if (collapse(text) !== collapse(slice(it.prov.start, it.prov.end))) {
        // the item's own wording where it differs from the highlighted text (a tag removed, bullets joined)
        const s = document.createElement("div");
        s.className = "text";
        s.textContent = text.length > 300 ? text.slice(0, 300) + "…" : text;
        box.appendChild(s);
      }
      tip.appendChild(box);
    }
    const r = m.getBoundingClientRect();
    tip.hidden = false;
    const top = r.bottom + 6 + tip.offsetHeight > window.innerHeight ? r.top - tip.offsetHeight - 6 : r.bottom + 6;
    tip.style.top = Math.max(4, top) + "px";
    tip.style.left = Math.max(4, Math.min(r.left, window.innerWidth - tip.offsetWidth - 8)) + "px";
  });
  pagesEl.addEventListener("mouseout", (e) => {
    if (e.target.closest("mark.hl")) tip.hidden = true;
  });

  // -- the selected item's details and corrections ------------------------------------------------
  const detailEl = document.getElementById("detail");
  function input(value, choices, onChange, long) {
    let el;
    if (choices) {
      el = document.createElement("select");
      for (const c of ["", ...choices]) {
        const o = document.createElement("option");
        o.value = c;
        o.textContent = c === "" ? "(none)" : c.replace(/_/g, " ");
        el.appendChild(o);
      }
      if (value != null && !choices.includes(value)) {
        const o = document.createElement("option");
        o.value = value;
        o.textContent = value;
        el.appendChild(o);
      }
      el.value = value == null ? "" : value;
      el.addEventListener("change", () => onChange(el.value === "" ? null : el.value));
    } else {
      el = document.createElement(long ? "textarea" : "input");
      if (!long) el.type = "text";
      el.value = value == null ? "" : value;
      el.addEventListener("input", () => onChange(el.value === "" ? null : el.value));
    }
    return el;
  }
  function row(parent, name, el) {
    const lab = document.createElement("label");
    lab.className = "row";
    const s = document.createElement("span");
    s.textContent = name.replace(/_/g, " ");
    lab.append(s, el);
    parent.appendChild(lab);
    return el;
  }
  function changed(it) {
    dirty = true;
    renderLi(it);
    renderCounts();
  }
  function fieldKeys(it) {
    const base = KEYS[it.overall ? "overall" : it.field];
    return base.concat(Object.keys(it.data).filter((k) => !base.includes(k)));
  }
  function choicesFor(it, key) {
    if (it.overall && key === "kind") return OVERALL_KINDS;
    if (it.field === "area" && key === "kind") return AREA_KINDS;
    return CHOICES[key] || null;
  }
  function renderDetail(it) {
    detailEl.textContent = "";
    if (!it) {
      const p = document.createElement("p");
      p.className = "hint";
      p.textContent = "Select an item in the list or the text.";
      detailEl.appendChild(p);
      return;
    }
    detailEl.dataset.f = it.field;
    const h = document.createElement("h2");
    h.textContent = label(it);
    detailEl.appendChild(h);
    const info = document.createElement("p");
    info.className = "meta";
    const bits = [];
    if (it.prov) {
      if (it.prov.page != null) bits.push("page " + it.prov.page);
      bits.push("characters " + it.prov.start + "–" + it.prov.end);
      bits.push("rule " + (it.prov.rule || "—"));
      if (it.prov.confidence != null) bits.push("confidence " + Number(it.prov.confidence).toFixed(2));
    }
    info.textContent = bits.join(" · ");
    detailEl.appendChild(info);
    if (!it.shown) {
      const w = document.createElement("p");
      w.className = "warn";
      w.textContent = "Not shown at its span: " + (it.why || "no span") + ".";
      detailEl.appendChild(w);
    }
    if (it.themes.length) {
      const t = document.createElement("p");
      t.className = "themes";
      t.textContent = "Themes: " + it.themes.map((x) => x.label + " (" + x.terms.join(", ") + ")").join("; ");
      detailEl.appendChild(t);
    }
    const form = document.createElement("div");
    form.className = "form";
    if (it.field === "metadata") {
      for (const k of it.data.keys) {
        const long = typeof record[k] === "string" && record[k].length > 50;
        row(form, k, input(record[k], CHOICES[k] || null, (v) => {
          record[k] = v;
          renderMetaForm();
          changed(it);
        }, long));
      }
    } else {
      for (const k of fieldKeys(it)) {
        const long = k === "text" || k === "subject";
        row(form, k, input(it.data[k], choicesFor(it, k), (v) => {
          it.data[k] = v;
          changed(it);
        }, long));
      }
      if (it.field === "evidence") {
        const areas = ordered().filter((x) => x.field === "area");
        const sel = document.createElement("select");
        for (const a of areas) {
          const o = document.createElement("option");
          o.value = a.id;
          o.textContent = label(a) + ": " + summary(a).slice(0, 60);
          sel.appendChild(o);
        }
        sel.value = it.parent || "";
        sel.addEventListener("change", () => {
          it.parent = sel.value;
          it.parentChanged = true;
          changed(it);
        });
        row(form, "attached to", sel);
      }
    }
    detailEl.appendChild(form);
    if (it.shown) {
      const q = document.createElement("blockquote");
      q.className = "quoted";
      q.textContent = slice(it.prov.start, it.prov.end);
      const cap = document.createElement("div");
      cap.className = "meta";
      cap.textContent = "Text at its span:";
      detailEl.append(cap, q);
    }
    const actions = document.createElement("div");
    actions.className = "actions";
    const wrong = document.createElement("button");
    wrong.type = "button";
    wrong.id = "mark-wrong";
    wrong.textContent = it.status === "wrong" ? "Restore (not wrong)" : "Mark wrong";
    wrong.addEventListener("click", () => setStatus(it, it.status === "wrong" ? "ok" : "wrong"));
    actions.appendChild(wrong);
    if (edited(it)) {
      const undo = document.createElement("button");
      undo.type = "button";
      undo.textContent = "Undo edits";
      undo.addEventListener("click", () => {
        it.data = clone(it.orig);
        changed(it);
        renderDetail(it);
      });
      actions.appendChild(undo);
    }
    if (it.added) {
      const del = document.createElement("button");
      del.type = "button";
      del.textContent = "Remove added item";
      del.addEventListener("click", () => removeAdded(it));
      actions.appendChild(del);
    }
    const go = document.createElement("button");
    go.type = "button";
    go.textContent = "Show in text";
    go.addEventListener("click", () => jumpTo(it));
    actions.appendChild(go);
    detailEl.appendChild(actions);
  }
  function setStatus(it, status) {
    it.status = status;
    dirty = true;
    renderPagesOf(it);
    renderLi(it);
    renderCounts();
    if (selected === it.id) renderDetail(it);
    marksOf(it.id).forEach((m) => m.classList.toggle("current", selected === it.id));
  }
  function removeAdded(it) {
    const pages = pagesOf(it);
    items.splice(items.indexOf(it), 1);
    byId.delete(it.id);
    const li = liOf.get(it.id);
    if (li) li.remove();
    liOf.delete(it.id);
    pages.forEach(renderPage);
    selected = null;
    renderDetail(null);
    renderCounts();
  }

  // -- document metadata --------------------------------------------------------------------------
  const metaForm = document.getElementById("meta-form");
  function renderMetaForm() {
    metaForm.textContent = "";
    for (const k of DATA.meta_keys) {
      row(metaForm, k, input(record[k], CHOICES[k] || null, (v) => {
        record[k] = v;
        dirty = true;
        for (const it of items) if (it.field === "metadata" && it.data.keys.includes(k)) renderLi(it);
        renderCounts();
      }));
    }
  }

  // -- adding a missed item from a selected passage -----------------------------------------------
  const kindEl = document.getElementById("add-kind");
  const addBtn = document.getElementById("add");
  const statusEl = document.getElementById("status");
  const ADD_KINDS = [
    ["area", "area for improvement"], ["evidence", "evidence (of the area before it)"],
    ["recommendation", "recommendation"], ["judgement", "judgement"], ["overall", "overall judgement"],
  ].concat(DATA.meta_keys.filter((k) => k !== "doc_type").map((k) => ["meta:" + k, "metadata: " + k.replace(/_/g, " ")]));
  for (const [v, t] of ADD_KINDS) {
    const o = document.createElement("option");
    o.value = v;
    o.textContent = t;
    kindEl.appendChild(o);
  }
  function say(msg) {
    statusEl.textContent = msg;
  }
  // The selection as [start, end) code points of the text, trimmed of white space; null when outside it.
  function selectionSpan() {
    const sel = window.getSelection();
    if (!sel.rangeCount || sel.isCollapsed) return null;
    const r = sel.getRangeAt(0);
    const point = (node, off) => {
      const host = (node.nodeType === 1 ? node : node.parentNode).closest(".text, .page");
      if (!host || !pagesEl.contains(host)) return null;
      const el = host.classList.contains("text") ? host : host.querySelector(".text");
      // A boundary on a page's label is where that page's text starts (the end of the page before).
      if (el !== host) return u16(Number(el.dataset.start));
      const pre = document.createRange();
      pre.setStart(el, 0);
      pre.setEnd(node, off);
      return u16(Number(el.dataset.start)) + pre.toString().length;
    };
    let s = point(r.startContainer, r.startOffset);
    let e = point(r.endContainer, r.endOffset);
    if (s == null || e == null) return null;
    while (s < e && /\s/.test(TEXT[s])) s++;
    while (e > s && /\s/.test(TEXT[e - 1])) e--;
    if (e <= s) return null;
    return [cpOf(s), cpOf(e)];
  }
  document.addEventListener("selectionchange", () => {
    const span = selectionSpan();
    addBtn.disabled = !span;
    addBtn.title = span ? "Add characters " + span[0] + "–" + span[1] + " as the chosen kind" : "Select a passage of the text first";
  });
  function guessGrade(text) {
    const t = text.toLowerCase();
    if (/requires? improvement/.test(t)) return "requires_improvement";
    for (const g of ["outstanding", "inadequate", "adequate", "good", "satisfactory"]) if (new RegExp("\\b" + g + "\\b").test(t)) return g;
    return null;
  }
  const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
  function isoDate(text) {
    const m = /(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\s+(\d{4})/.exec(text);
    if (m && MONTHS.includes(m[2].toLowerCase())) {
      const mm = String(MONTHS.indexOf(m[2].toLowerCase()) + 1).padStart(2, "0");
      return m[3] + "-" + mm + "-" + m[1].padStart(2, "0");
    }
    const iso = /\d{4}-\d{2}-\d{2}/.exec(text);
    return iso ? iso[0] : collapse(text);
  }
  function pageNumberAt(cp) {
    return DATA.pages[pageOf(cp)].page;
  }
  function addFromSpan(kind, start, end, data, extra) {
    const words = collapse(slice(start, end));
    const prov = { page: pageNumberAt(start), start: start, end: end, rule: "review.added", confidence: 1.0 };
    let raw;
    if (kind.startsWith("meta:")) {
      const key = kind.slice(5);
      for (const old of items) {
        if (old.field === "metadata" && old.data.key === key && old.status !== "replaced") {
          old.frozen = summary(old);
          setStatus(old, "replaced");
        }
      }
      record[key] = /date|inspection_start|inspection_end/.test(key) ? isoDate(words) : words;
      raw = { id: "m-" + key + "-" + ++addedCount, field: "metadata", data: { key: key, keys: [key] }, prov: prov };
      renderMetaForm();
    } else if (kind === "overall") {
      for (const old of items) if (old.overall && live(old)) setStatus(old, "replaced");
      raw = { id: "n" + ++addedCount, field: "judgement", overall: true, prov: prov, data: data || { grade: guessGrade(words), kind: "effectiveness" } };
    } else {
      const defaults = {
        area: { id: null, text: words, timescale: null, judgement: null, rag: null, kind: null, framework_tag: null, responsible_body: null },
        evidence: { source: null, text: words },
        recommendation: { id: null, text: words, framework_tag: null },
        judgement: { subject: words, grade: guessGrade(words) },
      };
      raw = { id: "n" + ++addedCount, field: kind, prov: prov, data: Object.assign(defaults[kind], data || {}) };
      if (kind === "evidence") {
        const areas = ordered().filter((x) => x.field === "area" && live(x) && sortKey(x) <= start);
        raw.parent = (extra && extra.parent) || (areas.length ? areas[areas.length - 1].id : null);
        if (!raw.parent) {
          say("Evidence belongs to an area for improvement: add the area first.");
          return null;
        }
      }
    }
    raw.shown = start < end;
    const it = addItem(raw, true);
    dirty = true;
    renderPagesOf(it);
    renderList();
    renderCounts();
    return it;
  }
  addBtn.addEventListener("click", () => {
    const span = selectionSpan();
    if (!span) return say("Select a passage of the text first.");
    const it = addFromSpan(kindEl.value, span[0], span[1]);
    if (!it) return;
    window.getSelection().removeAllRanges();
    select(it.id, false);
    const kindName = ADD_KINDS.find(([v]) => v === kindEl.value)[1];
    say("Added " + kindName + " (characters " + span[0] + "–" + span[1] + "); check its fields.");
  });

  // -- the corrected record -----------------------------------------------------------------------
  function contractItem(it) {
    const keys = KEYS[it.overall ? "overall" : it.field];
    const out = {};
    for (const k of keys) out[k] = it.data[k] === undefined ? null : it.data[k];
    for (const k of Object.keys(it.data)) if (!(k in out)) out[k] = it.data[k];
    if (it.field === "area") out.evidence = [];
    if (it.prov) out.provenance = clone(it.prov);
    return out;
  }
  // Extracted items in the record's order; added ones placed among them by where they start.
  function inRecordOrder(pred) {
    const old = items.filter((it) => !it.added && pred(it)).sort((a, b) => a.index - b.index);
    const neu = items.filter((it) => it.added && pred(it)).sort((a, b) => sortKey(a) - sortKey(b));
    const out = [];
    for (const it of old) {
      while (neu.length && it.shown && sortKey(neu[0]) < it.prov.start) out.push(neu.shift());
      out.push(it);
    }
    return out.concat(neu);
  }
  function changeList() {
    const out = [];
    for (const it of items) {
      const was = it.orig ? summaryOf(it, it.orig) : null;
      const entry = { id: it.id, field: it.overall ? "overall" : it.field };
      if (it.added) {
        Object.assign(entry, { status: "added", data: clone(it.data), provenance: clone(it.prov) });
        if (it.parent) entry.parent = it.parent;
      } else if (!live(it)) {
        Object.assign(entry, { status: it.status, was: was });
      } else if (edited(it) || it.parentChanged) {
        Object.assign(entry, { status: "edited", was: was, data: clone(it.data) });
        if (it.parentChanged) entry.parent = it.parent;
      } else continue;
      out.push(entry);
    }
    for (const k of DATA.meta_keys) {
      if (metaChanged(k)) {
        out.push({ id: "meta:" + k, field: "metadata", status: "edited", key: k, was: DATA.record[k], value: record[k] });
      }
    }
    return out;
  }
  function summaryOf(it, data) {
    if (it.field === "metadata") return it.data.key;
    if (it.overall) return data.grade;
    if (it.field === "judgement") return data.subject + ": " + data.grade;
    return data.text;
  }
  function buildRecord() {
    const base = clone(DATA.record);
    for (const k of DATA.meta_keys) base[k] = record[k] === undefined ? null : record[k];
    const metaProv = {};
    for (const it of items) {
      if (it.field !== "metadata" || it.status === "replaced") continue;
      if (it.status === "wrong") for (const k of it.data.keys) base[k] = null;
      else if (it.prov) metaProv[it.data.key] = clone(it.prov);
    }
    const areas = inRecordOrder((it) => it.field === "area" && live(it));
    const areaObj = new Map(areas.map((it) => [it.id, contractItem(it)]));
    for (const ev of inRecordOrder((it) => it.field === "evidence" && live(it))) {
      const parent = areaObj.get(ev.parent);
      if (parent) parent.evidence.push(contractItem(ev));
    }
    const overall = items.filter((it) => it.overall && live(it));
    const out = {
      document: DATA.document,
      source: DATA.source || base.source || null,
      source_sha256: base.source_sha256 || DATA.doc_id,
      doc_type: base.doc_type, title: base.title, date: base.date, inspectorate: base.inspectorate,
      provider: base.provider, service_area: base.service_area,
      overall_judgement: overall.length ? contractItem(overall[overall.length - 1]) : null,
      areas_for_improvement: areas.map((it) => areaObj.get(it.id)),
      recommendations: inRecordOrder((it) => it.field === "recommendation" && live(it)).map(contractItem),
      judgements: inRecordOrder((it) => it.field === "judgement" && !it.overall && live(it)).map(contractItem),
    };
    for (const k of Object.keys(base)) if (!(k in out) && k !== "review") out[k] = base[k];
    if (DATA.had_metadata_provenance || Object.keys(metaProv).length) out.metadata_provenance = metaProv;
    out.review = {
      tool: "inspections review", origin: DATA.origin, page_built_at: DATA.built_at,
      saved_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"), sha256: DATA.doc_id,
      extractor_version: DATA.record.extractor_version || null, changes: changeList(),
    };
    return out;
  }
  function download(name, text) {
    const blob = new Blob([text], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => {
      URL.revokeObjectURL(a.href);
      a.remove();
    }, 1000);
  }
  document.getElementById("save").addEventListener("click", () => {
    const rec = buildRecord();
    download(DATA.page_name.replace(/\.html$/, ".json"), JSON.stringify(rec, null, 2) + "\n");
    dirty = false;
    say("Saved " + rec.review.changes.length + " correction(s) as " + DATA.page_name.replace(/\.html$/, ".json") + ".");
  });
  window.addEventListener("beforeunload", (e) => {
    if (dirty) e.preventDefault();
  });

  // -- loading a saved record ---------------------------------------------------------------------
  const norm = (s) =>
    String(s == null ? "" : s).normalize("NFKC").toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"')
      .replace(/^\s*(?:[-•·*\u2022\u25cf\u25aa\uf0b7]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)])\s+/, "")
      .replace(/[^\p{L}\p{N}_\s]/gu, " ").replace(/\s+/g, " ").trim();
  function similar(a, b) {
    a = norm(a);
    b = norm(b);
    if (!a || !b) return 0;
    if (a === b) return 1;
    const ta = a.split(" ");
    const tb = b.split(" ");
    const count = new Map();
    for (const t of ta) count.set(t, (count.get(t) || 0) + 1);
    let common = 0;
    for (const t of tb) if (count.get(t) > 0) {
      common++;
      count.set(t, count.get(t) - 1);
    }
    return (2 * common) / (ta.length + tb.length);
  }
  function reset() {
    for (const it of items.filter((x) => x.added)) {
      items.splice(items.indexOf(it), 1);
      byId.delete(it.id);
      liOf.delete(it.id);
    }
    for (const it of items) {
      it.status = "ok";
      it.data = clone(it.orig);
      it.parent = DATA.items[it.index] ? DATA.items[it.index].parent || null : it.parent;
      it.parentChanged = false;
      it.frozen = null;
    }
    for (const k of Object.keys(record)) delete record[k];
    Object.assign(record, clone(DATA.record));
  }
  // Find a passage in the text by its words (case, punctuation and spacing ignored): [start, end) or null.
  let flat = null;
  function findText(words) {
    if (!flat) {
      const chars = [];
      const at = [];
      let space = true;
      for (let i = 0; i < TEXT.length; i++) {
        const c = TEXT[i].toLowerCase();
        if (/[\p{L}\p{N}]/u.test(c)) {
          chars.push(c);
          at.push(i);
          space = false;
        } else if (!space) {
          chars.push(" ");
          at.push(i);
          space = true;
        }
      }
      flat = { s: chars.join(""), at: at };
    }
    const needle = norm(words).replace(/_/g, " ");
    if (needle.length < 8) return null;
    const k = flat.s.indexOf(needle);
    if (k < 0) return null;
    return [cpOf(flat.at[k]), cpOf(flat.at[k + needle.length - 1] + 1)];
  }
  function validProv(p) {
    return p && Number.isInteger(p.start) && Number.isInteger(p.end) && p.start >= 0 && p.end > p.start && u16(p.end) <= TEXT.length;
  }
  function addLoaded(kind, data, prov, words, extra) {
    let span = validProv(prov) ? [prov.start, prov.end] : findText(words);
    if (span) {
      const it = addFromSpan(kind, span[0], span[1], data, extra);
      if (it && validProv(prov)) it.prov = clone(prov);
      return it;
    }
    const raw = { id: "n" + ++addedCount, field: kind === "overall" ? "judgement" : kind, overall: kind === "overall", data: clone(data), prov: null, shown: false };
    if (extra && extra.parent) raw.parent = extra.parent;
    const it = addItem(raw, true);
    it.why = "it was not found in this document's text";
    return it;
  }
  function replay(rec) {
    let missed = 0;
    for (const ch of rec.review.changes || []) {
      if (ch.field === "metadata" && ch.id.startsWith("meta:")) continue; // values come from the record
      if (ch.status === "added") {
        const kind = ch.field === "metadata" ? "meta:" + ch.data.key : ch.field;
        if (kind.startsWith("meta:")) {
          const key = kind.slice(5);
          const keep = rec[key];
          addFromSpan(kind, ch.provenance.start, ch.provenance.end);
          record[key] = keep === undefined ? null : keep;
          continue;
        }
        const it = addLoaded(kind, ch.data, ch.provenance, ch.data && (ch.data.text || ch.data.subject), { parent: ch.parent });
        if (!it) missed++;
        continue;
      }
      const field = ch.field === "overall" ? "judgement" : ch.field;
      let it = byId.get(ch.id);
      if (!it || it.added || it.field !== field || summaryOf(it, it.orig) !== ch.was) {
        it = items.find((x) => !x.added && x.field === field && x.orig && summaryOf(x, x.orig) === ch.was);
      }
      if (!it) {
        missed++;
        continue;
      }
      if (ch.status === "edited") {
        if (ch.data) it.data = clone(ch.data);
        if (ch.parent) {
          it.parent = ch.parent;
          it.parentChanged = true;
        }
      } else it.status = ch.status;
    }
    return missed;
  }
  // A record made elsewhere (a hand-made gold record, `inspections extract` output): compared item by item.
  function compare(rec) {
    const take = (field, golds, textOf, sim, threshold, kind) => {
      const mine = items.filter((it) => !it.added && it.field === field && !it.overall);
      const pairs = [];
      golds.forEach((g, gi) => mine.forEach((it, mi) => {
        const s = sim(g, it);
        if (s >= threshold) pairs.push([s, gi, mi]);
      }));
      pairs.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
      const usedG = new Set();
      const usedM = new Set();
      const matchOf = new Map();
      for (const [, gi, mi] of pairs) {
        if (usedG.has(gi) || usedM.has(mi)) continue;
        usedG.add(gi);
        usedM.add(mi);
        matchOf.set(gi, mine[mi]);
      }
      mine.forEach((it, mi) => { if (!usedM.has(mi)) it.status = "wrong"; });
      const keys = KEYS[field];
      golds.forEach((g, gi) => {
        const it = matchOf.get(gi);
        const data = {};
        for (const k of keys) data[k] = g[k] === undefined ? null : g[k];
        for (const k of Object.keys(g)) if (!(k in data) && !["evidence", "provenance", "themes"].includes(k)) data[k] = g[k];
        if (it) {
          if (norm(it.data.text || it.data.subject) === norm(data.text || data.subject)) {
            if ("text" in data) data.text = it.data.text;
            if ("subject" in data) data.subject = it.data.subject;
          }
          for (const k of Object.keys(it.data)) if (!(k in data)) data[k] = it.data[k];
          it.data = data;
          g.__item = it;
        } else {
          g.__item = addLoaded(kind || field, data, g.provenance, textOf(g), g.__parent ? { parent: g.__parent } : null);
        }
      });
    };
    const text = (g) => g.text;
    const areas = (rec.areas_for_improvement || []).filter((x) => x && typeof x === "object");
    take("area", areas, text, (g, it) => similar(g.text, it.data.text), 0.85);
    const evs = [];
    for (const a of areas) for (const e of a.evidence || []) {
      e.__parent = a.__item ? a.__item.id : null;
      evs.push(e);
    }
    take("evidence", evs, text, (g, it) => similar(g.text, it.data.text), 0.85);
    take("recommendation", (rec.recommendations || []).filter(Boolean), text, (g, it) => similar(g.text, it.data.text), 0.85);
    take("judgement", (rec.judgements || []).filter(Boolean), (g) => g.subject,
      (g, it) => (norm(g.grade) === norm(it.data.grade) ? Math.max(similar(g.subject, it.data.subject),
        norm(it.data.subject).includes(norm(g.subject)) || norm(g.subject).includes(norm(it.data.subject)) ? 1 : 0) : 0), 0.6);
    for (const ev of items.filter((it) => it.field === "evidence" && it.added)) if (!ev.parent) ev.status = "wrong";
    const og = rec.overall_judgement;
    const mine = items.filter((it) => it.overall && !it.added);
    if (!og) mine.forEach((it) => { it.status = "wrong"; });
    else if (mine.length) mine[0].data = { grade: og.grade == null ? null : og.grade, kind: og.kind == null ? null : og.kind };
    else addLoaded("overall", { grade: og.grade, kind: og.kind }, og.provenance, null);
    return 0;
  }
  function loadRecord(rec, name) {
    if (!rec || typeof rec !== "object" || Array.isArray(rec)) throw new Error("not a JSON record");
    reset();
    for (const k of DATA.meta_keys) if (k in rec) record[k] = rec[k];
    const ours = rec.review && Array.isArray(rec.review.changes) && rec.review.sha256 === DATA.doc_id;
    const missed = ours ? replay(rec) : compare(clone(rec));
    renderMetaForm();
    DATA.pages.forEach((_, i) => renderPage(i));
    renderList();
    renderCounts();
    selected = null;
    renderDetail(null);
    dirty = false;
    const n = changeList().length;
    say("Loaded " + name + (ours ? " (saved from this page)" : " (compared with the extraction)") + ": " + n +
      " correction(s)" + (missed ? "; " + missed + " could not be applied" : "") + ".");
  }
  async function loadFile(file) {
    try {
      loadRecord(JSON.parse(await file.text()), file.name);
    } catch (err) {
      say("Could not load " + file.name + ": " + err.message);
    }
  }
  document.getElementById("load").addEventListener("change", (e) => {
    if (e.target.files.length) loadFile(e.target.files[0]);
    e.target.value = "";
  });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    if (e.dataTransfer.files.length) loadFile(e.dataTransfer.files[0]);
  });

  // -- keys: j / k next and previous item, x mark wrong ------------------------------------------
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) return;
    const list = ordered();
    const at = list.findIndex((it) => it.id === selected);
    if (e.key === "j" || e.key === "k") {
      const next = list[Math.max(0, Math.min(list.length - 1, at + (e.key === "j" ? 1 : -1)))];
      if (next) select(next.id, true);
    } else if (e.key === "x" && at >= 0) {
      const it = list[at];
      setStatus(it, it.status === "wrong" ? "ok" : "wrong");
    }
  });

  // -- start ---------------------------------------------------------------------------------------
  DATA.pages.forEach((_, i) => renderPage(i));
  renderList();
  renderCounts();
  renderMetaForm();
  function fromHash() {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = byId.get(id) ? id : alias.get(id);
    if (target) select(target, true);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  document.body.dataset.readyMs = Math.round(performance.now() - started); // the script's start-up, for tests
  document.body.dataset.ready = "1";
})();
