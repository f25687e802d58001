"""Document metadata: type, title, date, inspectorate, provider and service area, and what Ofsted prints
about an inspection (local authority, inspection dates, lead inspector, framework, visit focus, SEND outcome).

Title and date come from the document's opening by form (a standalone line, a dated line, a letter's
subject line); the inspected local authority from where Ofsted prints it (titles, subject lines,
the address, the body), matched against the reference table (extractors/authorities.py); the rest
from gazetteers in rules/lexicon.json scored over the title and opening. Every field found carries
its provenance (page, span in the normalised text, rule) in `Metadata.provenance`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from extractors import inspection_meta as im
from extractors.analysis import Analysis, BlockView
from extractors.authorities import NameIndex, Resolved, default_index, find_printed_authority, most_named
from extractors.rules import MetadataRules, lexicon, metadata_rules
from schemas.document import BlockKind, Document
from schemas.record import DocType, Provenance

OPENING_CHARS = 2500
_INSPECTION_TYPES = frozenset({DocType.INSPECTION_REPORT, DocType.MONITORING_LETTER, DocType.FOCUSED_VISIT_LETTER})
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_DATE = re.compile(
    r"^(?:(?:date(?:\s+of\s+(?:meeting|publication|issue|letter|report))?|(?:report\s+)?published|"
    r"(?:publication|issue|meeting)\s+date|issued)\s*:?\s*)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(_MONTHS) + r"),?\s+(\d{4})\.?(?:,?\s+\d{1,2}[:.]\d{2}(?:\s*[ap]m)?)?$",
    re.I,
)
_CONTACT = re.compile(r"@|www\.|\bT\s*0\d|\btel\b|\bfax\b|\b[A-Z]{1,2}\d{1,2}[A-Z]?\s\d[A-Z]{2}\b|^direct\b", re.I)
_SALUTATION = re.compile(r"^dear\b", re.I)


@dataclass
class Metadata:
    doc_type: DocType
    title: str | None
    date: str | None
    inspectorate: str | None
    provider: str | None
    service_area: str | None
    provider_as_printed: str | None = None
    la_name: str | None = None
    ons_code: str | None = None
    la_code: str | None = None
    region: str | None = None
    predecessor: str | None = None
    operator: str | None = None
    inspection_start: str | None = None
    inspection_end: str | None = None
    lead_inspector: str | None = None
    framework: str | None = None
    inspection_kind: str | None = None
    visit_focus: str | None = None
    visit_topics: list[str] = field(default_factory=list)
    send_outcome: str | None = None
    provenance: dict[str, Provenance] = field(default_factory=dict)


def _opening(views: list[BlockView]) -> list[BlockView]:
    out, total = [], 0
    for v in views:
        out.append(v)
        total += len(v.text)
        if total > OPENING_CHARS:
            break
    return out


def _is_date(text: str) -> str | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))).isoformat()
    except ValueError:
        return None


# A date anywhere in a line: "11 April 2018 Ms Merlin Joseph Director ..." (a letter's date with the
# addressee glued on), "Report published: 8 August 2014".
_DATE_IN = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(_MONTHS) + r"),?\s+(\d{4})\b", re.I)
_NOT_ISSUE = re.compile(r"(?i)(?:inspection|visit|previous)\s+dates?\s*:?\s*$|\b(?:on|between|from|to|and)\s*$")



def _date_from(m: re.Match[str]) -> str | None:
    try:
        return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))).isoformat()
    except ValueError:
        return None


def find_date(views: list[BlockView], rules: MetadataRules | None = None, salutation: int | None = None) -> str | None:
    """The issue date (see `find_issue_date`), as YYYY-MM-DD."""
    found = find_issue_date(views, rules or metadata_rules(), salutation)
    return found.value if found else None


def find_issue_date(views: list[BlockView], rules: MetadataRules, salutation: int | None) -> im.Found | None:
    """The date the document was issued, where it prints one.

    A line that is only a date near the top (letters put it above the addressee; "Report published:
    8 August 2014"), or one cell of the letterhead table; a labelled publication date in the opening;
    in a letter, the first date above the salutation, even with the addressee glued on. An
    inspection date is not an issue date.
    """
    for v in views[:20]:
        texts = [(v.block.start, " ".join(c.text for c in v.block.cells))] if v.kind is BlockKind.TABLE_ROW else []
        texts += [(c.start, c.text) for c in v.block.cells] + [(v.block.start, v.text)]
        for start, text in texts:  # "Date of meeting:<tab>Tuesday 23 January 2024" is a two-cell row
            if d := _is_date(text):
                return im.Found(d, start, start + len(text), "date.line")
    labels = re.compile(rules.issue_date_labels)
    for v in views[:25]:
        for m in labels.finditer(v.text):
            d = _DATE_IN.match(v.text, m.end())
            if d and (iso := _date_from(d)):
                return im.Found(iso, v.block.start + d.start(), v.block.start + d.end(), "date.published")
    if salutation is not None:
        for v in views[: salutation + 1]:
            text = v.text
            if (sal := re.search(rules.salutation, text)) is not None:
                text = text[: sal.start()]
            for d in _DATE_IN.finditer(text):
                if _NOT_ISSUE.search(text[max(0, d.start() - 30) : d.start()]):
                    continue
                if iso := _date_from(d):
                    return im.Found(iso, v.block.start + d.start(), v.block.start + d.end(), "date.letter_head")
    return None


def find_salutation(views: list[BlockView], rules: MetadataRules) -> int | None:
    """The index of the block holding a letter's salutation ("Dear Ms Leavy"), glued to the address or not."""
    rx = re.compile(rules.salutation)
    for i, v in enumerate(views[:25]):
        if _SALUTATION.match(v.text) or rx.search(v.text):
            return i
    return None


def find_title(views: list[BlockView], rules: MetadataRules | None = None, salutation: int | None = None) -> str | None:
    """The document's own title line (see `find_title_span`)."""
    found = find_title_span(views, rules or metadata_rules(), salutation)
    return found.value if found else None


def find_title_span(views: list[BlockView], rules: MetadataRules, salutation: int | None) -> im.Found | None:
    """The document's own title line: a letter's subject line, a report's title, else its first title-like line.

    Never the salutation; a title runs to the end of its line or to a label glued after it
    ("... children's services Inspection dates: 17 March ...").
    """
    subject = re.compile(rules.subject_line)
    if salutation is not None:
        for v in views[salutation : salutation + 3]:
            text = v.text.strip()
            if subject.match(text) and len(text.split()) <= 40:
                return _title(v, 0, len(v.text), "title.subject_line", rules)
        nxt = views[salutation + 1] if salutation + 1 < len(views) else None
        words = len(nxt.text.split()) if nxt is not None else 0
        end = nxt.text.rstrip()[-1:] if nxt is not None else ""
        if nxt is not None and words <= 25 and end != ":" and not (end == "." and words > 12):
            return _title(nxt, 0, len(nxt.text), "title.after_salutation", rules)
    report = re.compile(rules.report_title)
    for v in views[:4]:
        if v.kind in (BlockKind.TABLE_ROW, BlockKind.BULLET):
            continue
        m = report.search(v.text)
        if m and m.start() < 120:
            return _title(v, m.start(), len(v.text), "title.report", rules, views)
    for v in views[:15]:
        text = v.text.strip()
        if v.kind in (BlockKind.TABLE_ROW, BlockKind.BULLET) or not text:
            continue
        if _CONTACT.search(text) or _is_date(text) or len(text.split()) > 25 or _SALUTATION.match(text):
            continue
        return _title(v, 0, len(v.text), "title.first_line", rules)
    return None


def _title(
    v: BlockView, start: int, end: int, rule: str, rules: MetadataRules, views: list[BlockView] | None = None
) -> im.Found:
    """A title from v.text[start:end]: cut at a label glued after it; a report title's wrapped second line joined."""
    text = v.text[start:end]
    stop = re.search(rules.title_stop, text)
    if stop and stop.start() > 10:
        text, end = text[: stop.start()], start + stop.start()
    elif views is not None and rule == "title.report":
        i = views.index(v)
        nxt = views[i + 1].text if i + 1 < len(views) else ""
        # "... Local Safeguarding Children\nBoard": a last word or two wrapped (but not the council's name under it)
        short = len(nxt.split()) <= 2 and not re.search(r"\d", nxt) and not default_index().find(nxt)
        wraps = text.rstrip().endswith(("and", ",")) or short
        if nxt and wraps and not re.search(rules.title_stop, nxt[:20]):
            cut = re.search(rules.title_stop, nxt)
            text += " " + (nxt[: cut.start()] if cut else nxt)
    title = " ".join(text.split()).rstrip(" .")
    title = re.sub(r"(?<=[a-z])\d{1,2}$", "", title)  # a footnote marker glued on: "... board1"
    return im.Found(title, v.block.start + start, v.block.start + end, rule)


def _count(patterns: list[str], text: str, low: str | None = None) -> int:
    """Occurrences of each of the (regex) patterns as whole words, summed (`low`: text.lower(), if known)."""
    if not text:
        return 0
    low = text.lower() if low is None else low
    n = 0
    for p in patterns:
        rx, prefix = _whole_word(p)
        if prefix not in low:  # a match starts with the pattern's literal prefix: a cheap test first
            continue
        if prefix and len(low) == len(text):
            n += _count_from(rx, prefix, text, low)
        else:
            n += len(rx.findall(text))
    return n


def _count_from(rx: re.Pattern[str], prefix: str, text: str, low: str) -> int:
    """len(rx.findall(text)), trying the regex only where its literal prefix occurs in `low`.

    Every match starts with the prefix, so no other position can start one; matches are counted
    left to right without overlap, as findall does. `rx.match(text, i)` still sees the text before
    i (its leading \b does), unlike a slice. Searching from each position instead made the regex
    engine test every character, as the pattern starts with \b rather than literal text.
    """
    n = pos = 0
    while (i := low.find(prefix, pos)) >= 0:
        m = rx.match(text, i)
        if m is None:
            pos = i + 1
        else:
            n += 1
            pos = max(m.end(), i + 1)
    return n


@lru_cache(maxsize=256)
def _whole_word(pattern: str) -> tuple[re.Pattern[str], str]:
    return re.compile(r"\b(?:" + pattern + r")\b", re.I), literal_prefix(pattern).lower()


_QUANTIFIERS = "?*+{"


def literal_prefix(pattern: str) -> str:
    """The literal text every match of the regex starts with ("" when there is none to rely on).

    Reads plain characters (and escaped punctuation) up to the first regex syntax; a quantified
    last character is dropped; a pattern with a top-level alternation has no common prefix.
    """
    depth = 0
    for i, c in enumerate(pattern):
        if c == "\\":
            continue
        if c == "(" and (i == 0 or pattern[i - 1] != "\\"):
            depth += 1
        elif c == ")" and pattern[i - 1] != "\\":
            depth -= 1
        elif c == "|" and depth == 0 and pattern[i - 1] != "\\":
            return ""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            out.append(pattern[i + 1])
            i += 2
            continue
        if c.isalnum() or c in " -'’,&":
            out.append(c)
            i += 1
            continue
        if c in _QUANTIFIERS and out:
            out.pop()
        break
    return "".join(out)


def required_texts(pattern: str) -> list[tuple[str, ...]]:
    """Texts every match of the regex contains: per entry, alternatives of which one occurs.

    Read from the top level of the parsed regex: runs of literal characters, and alternations
    whose every branch starts with literal text. Empty when nothing can be relied on (a
    case-insensitive regex, or one the parser of this Python reads differently): then the
    caller's pre-check admits every text.
    """
    try:
        from re import _constants as C
        from re import _parser

        parsed = _parser.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return []

        def lead(items) -> str:
            chars = []
            for op, arg in items:
                if op is not C.LITERAL:
                    break
                chars.append(chr(arg))
            return "".join(chars)

        out: list[tuple[str, ...]] = []
        run: list[str] = []
        for op, arg in parsed:
            if op is C.LITERAL:
                run.append(chr(arg))
                continue
            if run:
                out.append(("".join(run),))
                run = []
            if op is C.BRANCH and all(alts := tuple(lead(branch) for branch in arg[1])):
                out.append(alts)
        if run:
            out.append(("".join(run),))
        return out
    except Exception:  # private parser API: any surprise only costs the pre-check
        return []


@lru_cache(maxsize=1)
def _provider_regexes() -> list[tuple[re.Pattern[str], list[tuple[str, ...]]]]:
    return [(re.compile(p), required_texts(p)) for p in lexicon().provider_regexes]


def find_inspectorate(title: str, opening: str) -> str | None:
    """The inspectorate named in the title or the opening of the document."""
    low_title, low_opening = title.lower(), opening.lower()
    best = max(
        (
            (_count(i.patterns, title, low_title) * 3 + _count(i.patterns, opening, low_opening), i.name)
            for i in lexicon().inspectorates
        ),
        default=(0, None),
    )
    return best[1] if best[0] > 0 else None


def find_provider(text: str) -> str | None:
    """The inspected organisation by the gazetteer and council/school/trust regexes alone (see `_named_provider`)."""
    return _named_provider(text)[0]


def _named_provider(text: str) -> tuple[str | None, str, int]:
    """The inspected organisation: gazetteer names first, then council/school/trust names by frequency.

    Returns (name, route, mentions): route "gazetteer" (a name of rules/lexicon.json, at least twice)
    or "regex" (the most frequent council/school/trust name).
    """
    lex = lexicon()
    low = text.lower()
    scored = [(_count(p.patterns, text, low), p.name) for p in lex.providers]
    best = max(scored, default=(0, None))
    if best[0] >= 2:
        return best[1], "gazetteer", best[0]
    counts: Counter[str] = Counter()
    for rx, needs in _provider_regexes():
        if all(any(t in text for t in alts) for alts in needs):  # else the regex cannot match
            for m in rx.finditer(text):
                counts[m.group().strip()] += 1
    if not counts:
        return (best[1], "gazetteer", best[0]) if best[0] else (None, "none", 0)
    # Group spellings of one body by their place name; report its fullest spelling.
    places: Counter[str] = Counter()
    fullest: dict[str, str] = {}
    for name, n in counts.items():
        place = (
            name.split()[0]
            if not name.lower().startswith(("london", "royal", "city", "county", "borough", "council"))
            else name.split()[-1]
        )
        places[place] += n
        if len(name) > len(fullest.get(place, "")):
            fullest[place] = name
    place, n = places.most_common(1)[0]
    return fullest[place], "regex", n


@dataclass(frozen=True)
class ProviderFound:
    """The provider a record reports, the authority behind it (if any) and where it was found."""

    name: str | None
    resolved: Resolved | None
    printed: str | None
    start: int
    end: int
    rule: str


def resolve_provider(
    doc: Document,
    views: list[BlockView],
    rules: MetadataRules,
    index: NameIndex,
    salutation: int | None,
    opening_end: int,
) -> ProviderFound:
    """The inspected organisation, resolved to one local authority of the table where the document is about one.

    In order of trust: where Ofsted prints it (report titles and headings, a letter's subject line
    and first paragraph: `find_printed_authority`); a letter's address block; then whichever is
    named most often: a gazetteer provider (Cafcass), an authority of the table (in the body, the
    letterhead left out), or the council/school/trust name the regexes find (itself resolved
    against the table where it names an authority: "Sefton Metropolitan Borough Council" ->
    Sefton). A name the table does not know (a school, an NHS trust) is reported as printed.
    """
    text = doc.text
    located = find_printed_authority(text, rules, index, opening_end)
    if located is not None:
        h = located.hit
        return ProviderFound(located.resolved.authority.name, located.resolved, h.printed, h.start, h.end, located.rule)
    skip = letterhead_blocks(views, rules, salutation)
    if salutation is not None:
        hits = [
            h
            for i, v in enumerate(views[: salutation + 1])
            if i not in skip
            for h in index.find(text, v.block.start, v.block.end)
        ]
        # Only a council's own name: the town of its address may be another authority ("Glenfield Leicester"
        # is Leicestershire's County Hall).
        for h in hits:
            if re.search(r"(?i)\b(?:council|borough|corporation)\b", h.printed) and (r := index.resolve(h)) is not None:
                return ProviderFound(r.authority.name, r, h.printed, h.start, h.end, "provider.address")
    # Ofsted's closing boilerplate names Cafcass among the bodies it inspects: not this document's provider.
    boiler = [re.compile(p) for p in rules.boilerplate_patterns]
    quiet = {i for i, v in enumerate(views) if any(p.search(v.text) for p in boiler)}
    counted = text
    for i in sorted(quiet):
        b = views[i].block
        counted = counted[: b.start] + " " * (b.end - b.start) + counted[b.end :]
    name, route, n_named = _named_provider(counted)
    named = _resolve_text(name, index) if name is not None and route == "regex" else None
    spans = [(v.block.start, v.block.end) for i, v in enumerate(views) if i not in skip and i not in quiet]
    body = most_named(index, spans, text)
    if body is not None and body[2] < rules.body_min_mentions:
        body = None
    at = max(text.find(name), 0) if name else 0
    if named is not None and (body is None or body[0].authority.name == named.authority.name or body[2] <= n_named):
        return ProviderFound(named.authority.name, named, name, at, at + len(name), "provider.council_name")
    if body is not None and body[2] > n_named:
        r, h, _ = body
        return ProviderFound(r.authority.name, r, h.printed, h.start, h.end, "provider.body")
    rule = "provider.gazetteer" if route == "gazetteer" else "provider.named"
    return ProviderFound(name, None, name, at, at + len(name or ""), rule)


def letterhead_blocks(views: list[BlockView], rules: MetadataRules, salutation: int | None) -> set[int]:
    """Blocks of Ofsted's own letterhead or address, wherever printed: never the inspected body's name.

    A block matching a letterhead pattern ("Piccadilly Gate", "ofsted.gov.uk"), the short lines
    around it ("Manchester" on a line of its own), and in a letter everything above the addressee
    (the letterhead and the date come first, however the reader split or joined their lines).
    """
    patterns = [re.compile(p) for p in rules.letterhead_patterns]
    marked = [i for i, v in enumerate(views) if any(p.search(v.text) for p in patterns)]
    out = set(marked)
    for i in marked:
        for j in range(max(0, i - 3), min(len(views), i + 4)):
            if len(views[j].text.split()) <= 4 and not views[j].text.rstrip().endswith("."):
                out.add(j)
    if salutation is not None:
        above = [i for i in marked if i < salutation]
        dated = [i for i, v in enumerate(views[:salutation]) if _is_date(v.text)]
        top = max(above + dated, default=-1)
        out.update(range(top))
        if top in dated or (top >= 0 and views[top].kind is BlockKind.TABLE_ROW):
            out.add(top)
    return out


def _resolve_text(name: str, index: NameIndex) -> Resolved | None:
    """An authority a whole printed name stands for ("Sefton Metropolitan Borough Council" -> Sefton), if one."""
    found = {r.authority.name: r for h in index.find(name) if (r := index.resolve(h)) is not None}
    return next(iter(found.values())) if len(found) == 1 else None


# "inspection of <provider> [in] [the] <Area>": the words before the provider's name, read back
# from where it occurs (one compiled regex, not one per document's provider: compiling cost ~0.4 ms
# a letter in every worker), and the area after it.
_VISIT_OF = re.compile(r"\b(?:inspection|inspections|visit|monitoring)\s+(?:of|to|at)\s+\Z")
_AREA_AFTER_PROVIDER = re.compile(
    r"\s+(?:in\s+)?(?:the\s+)?"
    r"(?P<area>(?:[A-Z][a-z]+|and|of|upon|on)(?:\s+(?:[A-Z][a-z]+|and|of|upon|on))*(?:\s+\([A-Z0-9]{1,4}\))?)"
)
_AREA_IN_THE = re.compile(r"\bin\s+the\s+(?P<area>(?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){0,3})\b")


def _area_after(text: str, provider: str) -> re.Match[str] | None:
    """The first "inspection of <provider> ... <Area>" in the text: the area's match, or None."""
    at = text.find(provider)
    while at >= 0:
        if _VISIT_OF.search(text, 0, at):
            m = _AREA_AFTER_PROVIDER.match(text, at + len(provider))
            if m:
                return m
        at = text.find(provider, at + 1)
    return None


def find_service_area(title: str | None, opening: list[BlockView], provider: str | None) -> str | None:
    """The unit inside the provider that was inspected, as written near the title."""
    if not provider:
        return None
    texts = ([title] if title else []) + [v.text for v in opening[:30]]
    for t in texts:
        m = _area_after(t, provider)
        if m and m.group("area").split()[0][0].isupper():
            return m.group("area").strip()
    for t in texts:
        if provider.lower() not in t.lower() and "(" + provider.lower() not in t.lower():
            continue
        m = _AREA_IN_THE.search(t, t.lower().find(provider.lower()))
        if m:
            return m.group("area")
    return None


def classify(title: str | None, opening: str, full: str, is_letter: bool) -> DocType:
    """Score the doc-type cues of the lexicon over title, opening and whole text.

    Letter types ("letter" cues) count only for documents written as letters (a salutation).
    """
    scores: Counter[DocType] = Counter()
    regions = {
        "title": (title or "").lower(),
        "opening": opening.lower(),
        "letter": opening.lower() if is_letter else "",
        "anywhere": full.lower(),
    }
    for cue in lexicon().doc_types:
        region = regions[cue.where]
        if any(p in region for p in cue.patterns):
            scores[cue.doc_type] += cue.weight
    if is_letter and not scores:
        return lexicon().letter_doc_type
    return scores.most_common(1)[0][0] if scores else DocType.OTHER


def extract_metadata(analysis: Analysis) -> Metadata:
    doc = analysis.document
    views = analysis.blocks
    rules, index = metadata_rules(), default_index()
    opening_views = _opening(views)
    opening = "\n".join(v.text for v in opening_views)
    opening_end = _opening_end(views, rules)
    salutation = find_salutation(views, rules)
    is_letter = salutation is not None
    title = find_title_span(views, rules, salutation)
    issued = find_issue_date(views, rules, salutation)
    doc_type = classify(title.value if title else None, opening, doc.text, is_letter)
    prov: dict[str, Provenance] = {}

    def note(key: str, start: int, end: int, rule: str, confidence: float = 1.0) -> None:
        prov[key] = Provenance(page=doc.page_at(start), start=start, end=end, rule=rule, confidence=confidence)

    for key, found in (("title", title), ("date", issued)):
        if found is not None:
            note(key, found.start, found.end, found.rule)

    provider = resolve_provider(doc, views, rules, index, salutation, opening_end)
    if provider.name is not None:
        note("provider", provider.start, provider.end, provider.rule)
    authority = provider.resolved.authority if provider.resolved else None

    dates = im.find_inspection_dates(doc.text, rules, opening_end)
    days = None
    if dates is not None:
        note("inspection_dates", dates.start, dates.end, dates.rule)
        first, last = (date.fromisoformat(d) for d in dates.value)
        days = (last - first).days + 1
    lead = im.find_lead_inspector(doc.text, rules, opening_end)
    if lead is not None:
        note("lead_inspector", lead.start, lead.end, lead.rule)

    head = doc.text[: rules.head_chars]
    subject = title.value if title is not None and title.rule.startswith("title.subject") else None
    framed = im.find_framework(head, subject, doc.text, rules, days) if doc_type in _FRAMED_TYPES else None
    framework = kind = None
    if framed is not None:
        rule, kind, found = framed
        framework, doc_type = rule.framework, rule.doc_type
        at = title.start if rule.where == "letter" and title is not None else 0
        note("framework", at + found.start, at + found.end, found.rule)
        if kind is not None:
            by_duration = rule.kind == "by_duration"  # read from the inspection dates: point at them
            if by_duration and dates is not None:
                note("inspection_kind", dates.start, dates.end, found.rule + ".duration")
            else:
                note("inspection_kind", at + found.start, at + found.end, found.rule)

    focus = topics = None
    if framework in ("focused_visit", "monitoring_visit"):
        first = salutation or 0
        focus = im.find_visit_focus([v.block for v in views], rules, first, first + 15)
        if focus is not None:
            note("visit_focus", focus.start, focus.end, focus.rule)
            topics = im.visit_topics(focus.value, rules)
    outcome = im.find_send_outcome(doc.text, rules, opening_end) if framework == "area_send" else None
    if outcome is not None:
        note("send_outcome", outcome.start, outcome.end, outcome.rule)

    # An annual report reports on many inspected bodies, often by several inspectorates: no single one.
    # An inspection document that names its inspectorate only further in still comes from it.
    title_text = title.value if title else None
    inspectorate = None if doc_type is DocType.ANNUAL_REPORT else find_inspectorate(title_text or "", opening)
    if inspectorate is None and doc_type in _INSPECTION_TYPES:
        inspectorate = find_inspectorate("", doc.text)
    if framed is not None and framed[0].inspectorate:  # area SEND: Ofsted and the CQC inspect jointly
        inspectorate = framed[0].inspectorate
    # A council's inspection covers all its children's services: no unit inside it to name.
    service_area = None if framework else find_service_area(title_text, opening_views, provider.printed)
    return Metadata(
        doc_type=doc_type,
        title=title_text,
        date=issued.value if issued else None,
        inspectorate=inspectorate,
        provider=provider.name,
        service_area=service_area,
        provider_as_printed=" ".join(provider.printed.split()) if provider.printed else None,
        la_name=authority.name if authority else None,
        ons_code=authority.ons_code if authority else None,
        la_code=authority.la_code if authority else None,
        region=authority.region if authority else None,
        predecessor=provider.resolved.predecessor if provider.resolved else None,
        operator=provider.resolved.operator if provider.resolved else None,
        inspection_start=dates.value[0] if dates else None,
        inspection_end=dates.value[1] if dates else None,
        lead_inspector=lead.value if lead else None,
        framework=framework,
        inspection_kind=kind,
        visit_focus=focus.value if focus else None,
        visit_topics=topics or [],
        send_outcome=outcome.value if outcome else None,
        provenance=prov,
    )


# Document types a framework rule may apply to (and correct): documents written by the inspectorate.
_FRAMED_TYPES = frozenset({*_INSPECTION_TYPES, DocType.COMMITTEE_REPORT, DocType.ANNUAL_REPORT, DocType.OTHER})
OPENING_END_CHARS = 4000


def _opening_end(views: list[BlockView], rules: MetadataRules) -> int:
    """Where the opening ends in the text: the first OPENING_END_CHARS characters, whole blocks."""
    for v in views:
        if v.block.end >= OPENING_END_CHARS:
            return v.block.end
    return views[-1].block.end if views else 0
