"""Score extraction records against a user's gold records (the JSON contract), field by field.

The metrics follow the project's reference scorer: items are matched one-to-one by text similarity
(0.85 on normalised text; judgements by grade and a 0.6 subject similarity), micro-averaged over
documents. Unlike a bare score, every miss is kept: what was expected and what was found instead.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path, PurePosixPath

TEXT_THRESHOLD = 0.85
SUBJECT_THRESHOLD = 0.6
META_FIELDS = ("doc_type", "date", "inspectorate", "provider", "service_area")
LIST_FIELDS = ("areas_for_improvement", "evidence", "recommendations", "judgements")

_BULLET = re.compile(r"^\s*(?:[-•·*\u2022\u25cf\u25aa\uf0b7]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)])\s+")
_PUNCT = re.compile(r"[^\w\s]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def norm(text: object) -> str:
    """Case, punctuation, bullet markers and whitespace do not count; wording does."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).lower().translate(_QUOTES)
    s = _PUNCT.sub(" ", _BULLET.sub("", s))
    return " ".join(s.split())


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < TEXT_THRESHOLD * 0.8:
        return 0.0
    return m.ratio()


def subject_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b or a in b or b in a:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def match(gold: list, pred: list, sim, threshold: float) -> list[tuple[int, int]]:
    """Greedy one-to-one matching by descending similarity."""
    pairs = sorted(
        ((s, i, j) for i, g in enumerate(gold) for j, p in enumerate(pred) if (s := sim(g, p)) >= threshold),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_g, used_p, out = set(), set(), []
    for _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((i, j))
    return out


@dataclass
class Tally:
    tp: int = 0
    gold: int = 0
    pred: int = 0

    def add(self, tp: int, gold: int, pred: int) -> None:
        self.tp, self.gold, self.pred = self.tp + tp, self.gold + gold, self.pred + pred

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    @property
    def value(self) -> float | None:
        return self.right / self.total if self.total else None


@dataclass
class DocResult:
    """One document's outcome: counts per field and every miss, in words."""

    name: str
    counts: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    missing: bool = False


@dataclass
class EvalResult:
    tallies: dict[str, Tally]
    accuracies: dict[str, Accuracy]
    documents: list[DocResult]

    @property
    def score(self) -> float:
        parts = [self.tallies[k].f1 for k in LIST_FIELDS]
        parts.append(self.accuracies["metadata"].value or 0.0)
        return sum(parts) / len(parts)

    def as_dict(self) -> dict:
        out: dict = {
            k: {"precision": t.precision, "recall": t.recall, "f1": t.f1, "tp": t.tp, "gold": t.gold, "pred": t.pred}
            for k, t in self.tallies.items()
        }
        out.update({k: a.value for k, a in self.accuracies.items()})
        out["score"] = self.score
        out["documents"] = {
            d.name: {"missing": d.missing, "counts": d.counts, "misses": d.misses} for d in self.documents
        }
        return out


def _items(rec: dict, key: str) -> list[dict]:
    return [x for x in (rec.get(key) or []) if isinstance(x, dict)]


def _grade(obj) -> str | None:
    if isinstance(obj, dict):
        obj = obj.get("grade")
    return norm(obj).replace(" ", "_") or None


def _meta_equal(name: str, g, p) -> bool:
    if name == "date":
        return (g or None) == (p or None)
    if name == "doc_type":
        return norm(g) == norm(p)
    a, b = norm(g), norm(p)
    if not a or not b:
        return a == b
    return a in b or b in a or similarity(a, b) >= 0.8


def _list_misses(label: str, gold: list[str], pred: list[str], pairs: list[tuple[int, int]]) -> list[str]:
    got_g = {i for i, _ in pairs}
    got_p = {j for _, j in pairs}
    out = [f"{label}: expected, not found: {gold[i]!r}" for i in range(len(gold)) if i not in got_g]
    out += [f"{label}: found, not expected: {pred[j]!r}" for j in range(len(pred)) if j not in got_p]
    return out


def _score_texts(
    field_name: str, label: str, gold: list[dict], pred: list[dict], t: dict[str, Tally], res: DocResult
) -> list[tuple[int, int]]:
    """Match gold and predicted items by text; count them and record the misses in words."""
    g_txt, p_txt = [x.get("text") for x in gold], [x.get("text") for x in pred]
    pairs = match([norm(x) for x in g_txt], [norm(x) for x in p_txt], similarity, TEXT_THRESHOLD)
    t[field_name].add(len(pairs), len(gold), len(pred))
    res.counts[field_name] = (len(pairs), len(gold), len(pred))
    res.misses += _list_misses(label, g_txt, p_txt, pairs)
    return pairs


def score_document(name: str, gold: dict, pred: dict, t: dict[str, Tally], a: dict[str, Accuracy]) -> DocResult:
    res = DocResult(name)
    g_afi, p_afi = _items(gold, "areas_for_improvement"), _items(pred, "areas_for_improvement")
    pairs = _score_texts("areas_for_improvement", "area", g_afi, p_afi, t, res)
    afi_of_pred = {j: i for i, j in pairs}
    for i, j in pairs:
        for fld in ("timescale", "judgement", "rag"):
            g_val = g_afi[i].get(fld)
            if g_val is not None:
                ok = norm(g_val) == norm(p_afi[j].get(fld))
                a["afi." + fld].add(ok)
                if not ok:
                    res.misses.append(
                        f"area {g_afi[i].get('id') or i + 1} {fld}: expected {g_val!r}, found {p_afi[j].get(fld)!r}"
                    )

    g_ev = [(i, e) for i, x in enumerate(g_afi) for e in _items(x, "evidence")]
    p_ev = [(j, e) for j, x in enumerate(p_afi) for e in _items(x, "evidence")]
    ev_pairs = _score_texts("evidence", "evidence", [e for _, e in g_ev], [e for _, e in p_ev], t, res)
    for gi, pj in ev_pairs:
        (g_parent, g_item), (p_parent, p_item) = g_ev[gi], p_ev[pj]
        if g_item.get("source") is not None:
            ok = norm(g_item.get("source")) == norm(p_item.get("source"))
            a["evidence.source"].add(ok)
            if not ok:
                res.misses.append(
                    f"evidence source: expected {g_item.get('source')!r}, found "
                    f"{p_item.get('source')!r} for {g_item.get('text')!r}"
                )
        a["evidence.attached"].add(afi_of_pred.get(p_parent) == g_parent)

    _score_texts(
        "recommendations", "recommendation", _items(gold, "recommendations"), _items(pred, "recommendations"), t, res
    )

    g_j, p_j = _items(gold, "judgements"), _items(pred, "judgements")
    g_key = [(norm(j.get("subject")), _grade(j)) for j in g_j]
    p_key = [(norm(j.get("subject")), _grade(j)) for j in p_j]
    j_pairs = match(
        g_key, p_key, lambda x, y: subject_similarity(x[0], y[0]) if x[1] == y[1] else 0.0, SUBJECT_THRESHOLD
    )
    t["judgements"].add(len(j_pairs), len(g_j), len(p_j))
    res.counts["judgements"] = (len(j_pairs), len(g_j), len(p_j))
    res.misses += _list_misses(
        "judgement",
        [f"{j.get('subject')}: {_grade(j)}" for j in g_j],
        [f"{j.get('subject')}: {_grade(j)}" for j in p_j],
        j_pairs,
    )

    for fld in META_FIELDS:
        # a gold record may list other accepted spellings of a field: "provider_aliases": [...]
        accepted = [gold.get(fld), *(gold.get(f"{fld}_aliases") or [])]
        ok = any(_meta_equal(fld, g, pred.get(fld)) for g in accepted)
        a["metadata"].add(ok)
        if not ok:
            res.misses.append(f"{fld}: expected {gold.get(fld)!r}, found {pred.get(fld)!r}")
    ok = _grade(gold.get("overall_judgement")) == _grade(pred.get("overall_judgement"))
    a["metadata"].add(ok)
    if not ok:
        res.misses.append(
            f"overall_judgement: expected {_grade(gold.get('overall_judgement'))!r}, "
            f"found {_grade(pred.get('overall_judgement'))!r}"
        )
    return res


def _key(name: str) -> str:
    return Path(str(name)).stem


def evaluate(gold: dict[str, dict], pred: dict[str, dict]) -> EvalResult:
    """Score predicted records against gold records, both keyed by document stem."""
    tallies = {k: Tally() for k in LIST_FIELDS}
    accs = {
        k: Accuracy()
        for k in ("afi.timescale", "afi.judgement", "afi.rag", "evidence.source", "evidence.attached", "metadata")
    }
    docs = []
    for key, g in sorted(gold.items()):
        p = pred.get(key)
        res = score_document(key, g, p or {}, tallies, accs)
        res.missing = p is None
        docs.append(res)
    return EvalResult(tallies, accs, docs)


def gold_key(rec: dict, path: Path) -> str:
    """The key a gold record is matched by: its `source` path where it names one (archives hold
    many files of the same name, one folder per council), else its document's stem."""
    source = rec.get("source")
    if isinstance(source, str) and source.strip():
        return "/" + PurePosixPath(source.strip().lstrip("/")).as_posix()
    return _key(rec.get("document") or path.name)


def document_keys(path: str | Path) -> list[str]:
    """The keys a document file can be matched by: each tail of its path ("/a/b.pdf", "/b.pdf"), then its stem."""
    parts = Path(path).resolve().parts[1:]
    return ["/" + "/".join(parts[i:]) for i in range(len(parts))] + [Path(path).stem]


def load_gold(folder: Path) -> dict[str, dict]:
    """Every *.json record under a folder (subfolders too), keyed by `gold_key`."""
    out = {}
    for path in sorted(Path(folder).rglob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(rec, dict):
            out[gold_key(rec, path)] = rec
    return out


def format_report(result: EvalResult, verbose: bool = True) -> str:
    """Plain-text report: metrics per field, then each document's misses."""
    lines = []
    for k, tl in result.tallies.items():
        lines.append(
            f"{k:22} P={tl.precision:.3f} R={tl.recall:.3f} F1={tl.f1:.3f} (tp {tl.tp}, gold {tl.gold}, pred {tl.pred})"
        )
    for k, acc in result.accuracies.items():
        lines.append(f"{k:22} {'n/a' if acc.value is None else f'{acc.value:.3f}'}")
    lines.append(f"score: {result.score:.4f}")
    if verbose:
        for d in result.documents:
            if d.missing:
                lines.append(f"\n{d.name}: no record produced")
                continue
            if d.misses:
                lines.append(f"\n{d.name}: {len(d.misses)} miss(es)")
                lines.extend(f"  - {m}" for m in d.misses)
    return "\n".join(lines)
