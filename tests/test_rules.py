"""Rule tests: one short real-style sentence per case, on the blank English pipeline."""

from __future__ import annotations

import json

import pytest

from extractors.analysis import analyse, grade_from_text, timescale_from_text
from extractors.extract import extract_record
from extractors.nlp import CUES_KEY, build_nlp
from extractors.readers import read_bytes
from extractors.rules import RULES_DIR, SpanPattern, lexicon, load_patterns


def labels(text: str) -> set[tuple[str, str]]:
    doc = build_nlp()(text)
    return {(s.label_, s.text) for s in doc.spans[CUES_KEY]}


def record(text: str):
    return extract_record(read_bytes(text.encode("utf-8"), "case.txt"))


@pytest.mark.parametrize(
    "text, label, span",
    [
        ("Area for improvement 1: Cafcass should ensure children are safe.", "AFI_ITEM", "Area for improvement 1"),
        ("Area for development A2: Improve supervision.", "AFI_ITEM", "Area for development A2"),
        ("Priority action 3: Secure participation.", "AFI_ITEM", "Priority action 3"),
        ("Areas for improvement", "AFI_SECTION", "Areas for improvement"),
        ("What needs to improve in this area", "AFI_SECTION", "What needs to improve"),
        ("The following priority actions were identified:", "AFI_SECTION", "following priority actions"),
        ("Recommendations", "REC_SECTION", "Recommendations"),
        ("Ofsted made the following recommendations:", "REC_SECTION", "following recommendations"),
        ("Ofsted makes 10 recommendations to help Cafcass.", "REC_SECTION", "makes 10 recommendations"),
        ("Recommendation 7", "REC_ITEM", "Recommendation 7"),
        ("Evidence of progress provided by Cafcass included:", "EVIDENCE_PROVIDER", "Evidence of progress provided"),
        ("Evidence provided by the council included:", "EVIDENCE_PROVIDER", "Evidence provided"),
        ("Evidence gathered during the visit included:", "EVIDENCE_INSPECTORS", "Evidence gathered"),
        ("Within three months:", "TIMESCALE", "Within three months"),
        ("Within 6 months", "TIMESCALE", "Within 6 months"),
        ("Immediately:", "TIMESCALE", "Immediately"),
        ("Satisfactory progress has been made.", "GRADE", "Satisfactory"),
        ("The school requires improvement to be good.", "GRADE", "requires improvement to be good"),
    ],
)
def test_cue_patterns(text, label, span):
    assert (label, span) in labels(text)


@pytest.mark.parametrize(
    "text, label",
    [
        ("The report outlined seven areas for improvement.", "AFI_ITEM"),
        ("The report outlined seven areas for improvement.", "AFI_SECTION"),
        ("He recommended it.", "REC_SECTION"),
    ],
)
def test_cue_patterns_do_not_fire_mid_sentence(text, label):
    assert label not in {lab for lab, _ in labels(text)}


@pytest.mark.parametrize(
    "text, grade",
    [
        ("'Good'", "good"),
        ("Outstanding", "outstanding"),
        ("requires improvement to be good", "requires_improvement"),
        ("Adequate.", "adequate"),
        ("Amber", None),
        ("Good progress", None),
    ],
)
def test_grade_from_text(text, grade):
    assert (grade_from_text(text) or None) == grade


@pytest.mark.parametrize(
    "text, ts",
    [
        ("Immediately:", "immediately"),
        ("Within three months:", "within_3_months"),
        ("within 3 months", "within_3_months"),
        ("Within six months", "within_6_months"),
        ("within 12 months", "within_12_months"),
        ("Within one year", "within_12_months"),
        ("Next year", None),
    ],
)
def test_timescale_from_text(text, ts):
    assert (timescale_from_text(text) or None) == ts


def test_every_rule_file_loads_strictly():
    for path in RULES_DIR.glob("*.jsonl"):
        assert load_patterns(path)
    assert lexicon().inspectorates


def test_unknown_label_or_key_is_rejected(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"label": "NOPE", "id": "x", "pattern": "y"}) + "\n")
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        load_patterns(bad)
    with pytest.raises(ValueError):
        SpanPattern.model_validate({"label": "GRADE", "id": "x", "pattern": "y", "extra": 1})


@pytest.mark.parametrize(
    "sentence, subject, grade",
    [
        ("The inspection judged the service's 'Overall Effectiveness' to be 'Good'.", "Overall Effectiveness", "good"),
        (
            "All were good, except 'Quality of service' which was considered to be 'Outstanding'.",
            "Quality of service",
            "outstanding",
        ),
        ("The action plan submitted by the service was judged to be satisfactory.", "Action plan", "satisfactory"),
        ("Inspections in N1 (North Tyne) rated our services as 'good'.", "N1 (North Tyne)", "good"),
        ("Overall effectiveness: Good", "Overall effectiveness", "good"),
        (
            "17 of 18 were 'Good', the remaining judgement (which related to the quality of provision) being "
            "'Adequate'.",
            "Quality of provision",
            "adequate",
        ),
    ],
)
def test_running_text_judgements(sentence, subject, grade):
    rec = record(sentence + "\n")
    assert (subject, grade) in {(j.subject, j.grade.value) for j in rec.judgements}


@pytest.mark.parametrize(
    "sentence",
    [
        "Risk 4. The standards of practice are rated as inadequate by Ofsted.",
        "The service aims to be good.",
        "Outstanding: A service of exceptional quality that exceeds minimum requirements",
    ],
)
def test_no_judgement_from_non_statements(sentence):
    assert record(sentence + "\n").judgements == []


def test_judgement_table_with_column_headers():
    text = (
        "Judgement\tSafeguarding services\tServices for looked after children\nOverall effectiveness\tGood\tAdequate\n"
    )
    got = {(j.subject, j.grade.value) for j in record(text).judgements}
    assert got == {
        ("Safeguarding services: Overall effectiveness", "good"),
        ("Services for looked after children: Overall effectiveness", "adequate"),
    }


MONITORING_LETTER = """12 March 2015

Dear Ms Smith,

Monitoring visit of Anytown Council children's services

The following priority actions were identified:

Immediately:

- Ensure that all referrals are screened within one working day.

Within three months:

- Ensure that supervision is regular and recorded.

Area for improvement 1: Anytown Council should ensure that all referrals are screened within one working day.

Evidence of progress provided by the council included:

- A new screening rota.

Evidence gathered during the monitoring visit included:

• Referral records showing timely screening.

Good progress has been made on this issue.

Area for improvement 2: Anytown Council should ensure that supervision is regular and recorded.

Evidence gathered during the monitoring visit included:

- Supervision files that were incomplete.

Progress on this area is inadequate.

Taken together, this represents satisfactory progress overall.

Yours sincerely
"""


def test_monitoring_letter_structure():
    rec = record(MONITORING_LETTER)
    assert rec.doc_type.value == "monitoring_letter"
    assert rec.date == "2015-03-12"
    assert rec.title == "Monitoring visit of Anytown Council children's services"
    assert rec.provider == "Anytown Council"
    assert rec.overall_judgement.grade.value == "satisfactory"
    assert rec.overall_judgement.kind == "progress"
    a1, a2 = rec.areas_for_improvement
    assert (a1.id, a1.timescale.value, a1.judgement.value) == ("1", "immediately", "good")
    assert [(e.source, e.text) for e in a1.evidence] == [
        ("provider", "A new screening rota."),
        ("inspectors", "Referral records showing timely screening."),
    ]
    assert (a2.id, a2.timescale.value, a2.judgement.value) == ("2", "within_3_months", "inadequate")
    assert a1.provenance.rule == "afi.item.area_for_improvement"
    doc_text = read_bytes(MONITORING_LETTER.encode(), "case.txt").text
    assert doc_text[a1.provenance.start : a1.provenance.end] == a1.text


def test_inspection_report_lists_without_numbered_areas():
    text = (
        "Areas for improvement\n\nWithin three months:\n\n- Improve the quality of plans for children.\n\n"
        "Recommendations\n\n1. Review the complaints policy and publish it.\n"
        "2. Train managers in supervision.\n"
    )
    rec = record(text)
    assert [(a.text, a.timescale.value) for a in rec.areas_for_improvement] == [
        ("Improve the quality of plans for children.", "within_3_months")
    ]
    assert [(r.id, r.text) for r in rec.recommendations] == [
        ("1", "Review the complaints policy and publish it."),
        ("2", "Train managers in supervision."),
    ]


def test_committee_recommendations_to_the_committee_are_not_findings():
    text = "4. RECOMMENDATIONS\n\n- 4.1 The Scrutiny Committee is asked to note the report.\n"
    assert record(text).recommendations == []


def test_action_plan_table():
    text = (
        "Formal area for improvement\tRAG rating\tPlan ref no\tProgress summary\n"
        "Within 3 months\t\t\t\n"
        "Ensure that all plans are specific and measurable\tAmber\tA4\tNew templates used. Audits held.\n"
    )
    (area,) = record(text).areas_for_improvement
    assert (area.id, area.rag.value, area.timescale.value) == ("A4", "amber", "within_3_months")
    assert [e.text for e in area.evidence] == ["New templates used.", "Audits held."]
    assert {e.source for e in area.evidence} == {"provider"}


def test_analysis_runs_on_every_block():
    doc = read_bytes(MONITORING_LETTER.encode(), "case.txt")
    views = analyse(doc).blocks
    assert len(views) == len(doc.blocks)
    # Blocks holding a cue word went through spaCy; the salutation and sign-off did not need to.
    assert all(v.doc is not None for v in views if "Area for improvement" in v.text or "progress" in v.text)
    assert next(v for v in views if v.text.startswith("Dear")).doc is None


# -- the gates: each rule component runs only where its PatternGate admits the text ------------------

_CORPUS_TEXTS = sorted(p for pattern in ("*.txt", "genres/*.txt", "heldout/*.txt", "heldout2/*.txt")
                       for p in (RULES_DIR.parent.parent / "corpus").glob(pattern))  # fmt: skip


def _ungated(name: str):
    """The component's SpanRuler itself, without its gate."""
    return build_nlp().get_pipe(name).ruler


@pytest.mark.parametrize("name", ["insp_grades", "insp_cues"])
def test_gate_admits_every_block_in_which_its_rules_match(name):
    """On every block of the corpus, the ungated ruler finds nothing where the gate says no."""
    nlp, ruler = build_nlp(), _ungated(name)
    gate = nlp.get_pipe(name).gate
    checked = admitted = 0
    for path in _CORPUS_TEXTS:
        for block in read_bytes(path.read_bytes(), path.name).blocks:
            texts = [block.text, *(c.text for c in block.cells)]
            for text in texts:
                doc = nlp.get_pipe("sentencizer")(nlp.make_doc(text))
                found = list(ruler(doc).spans.get(CUES_KEY, []))
                checked += 1
                admitted += gate.admits(text)
                assert not found or gate.admits(text), f"{path.name}: {name} matched {found} in {text!r}"
    assert checked > 1000 and admitted < checked / 2  # the gate is a real filter, not "admit everything"


@pytest.mark.parametrize("name", ["insp_grades", "insp_cues"])
def test_the_components_match_exactly_as_one_ungated_span_ruler(name):
    """GatedRuler (its gate, its per-group rulers, nlp._matches) leaves the spans SpanRuler leaves."""
    nlp, ruler = build_nlp(), _ungated(name)
    component = nlp.get_pipe(name)
    matched = 0
    for path in _CORPUS_TEXTS:
        for block in read_bytes(path.read_bytes(), path.name).blocks:
            doc = nlp.get_pipe("sentencizer")(nlp.make_doc(block.text))
            expected = ruler.match(doc)
            gated = component(nlp.get_pipe("sentencizer")(nlp.make_doc(block.text)))
            got = list(gated.spans[CUES_KEY])
            assert [(s.start, s.end, s.label_, s.id_) for s in got] == [
                (s.start, s.end, s.label_, s.id_) for s in expected
            ], block.text
            matched += bool(expected)
    assert matched > 100


@pytest.mark.parametrize(
    "pattern, text, admits",
    [
        (
            [{"LOWER": "following"}, {"LOWER": "priority"}, {"LOWER": "actions"}],
            "The following  Priority actions",
            True,
        ),
        ([{"LOWER": "following"}, {"LOWER": "priority"}, {"LOWER": "actions"}], "the following priorities", False),
        ([{"LOWER": "evidence"}, {"LOWER": "of", "OP": "?"}, {"LOWER": "provided"}], "Evidence provided", True),
        ([{"LOWER": "evidence"}, {"LOWER": "of", "OP": "?"}, {"LOWER": "provided"}], "Evidence of provided", True),
        ([{"LOWER": {"IN": ["red", "amber"]}}], "rated red-amber", True),
        ([{"LOWER": {"IN": ["red", "amber"]}}], "it was considered and reduced", False),
        ([{"LOWER": "what"}, {"OP": "{1,4}", "IS_ALPHA": True}, {"LOWER": "need"}], "What does the council need", True),
        (
            [{"LOWER": "inspectors"}, {"ORTH": {"IN": ["'", "’"]}, "OP": "?"}, {"LOWER": "findings"}],
            "Inspectors’ findings",
            True,
        ),
        ([{"LOWER": "recommendation"}, {"TEXT": {"REGEX": "^\\d+$"}}], "Recommendation 7", True),
        ("requires improvement", "Requires  improvement to be good", True),
        ("good", "goodwill", False),
        ("good", "not-so-good.", True),
        ("good", "feelgood", False),
        ("good", "_good", False),
        ("good", "GOOD", True),
        ([{"TEXT": "Ofsted"}, {"LOWER": "letter"}], "OFSTED letter", True),
        ([{"LOWER": {"IN": ["red", "amber"]}}, {"LOWER": "rated"}], "reamber rated, red  rated", True),
        ([{"LOWER": {"IN": ["red", "amber"]}}, {"LOWER": "rated"}], "reamber rated, bred rated", False),
    ],
)
def test_pattern_gate(pattern, text, admits):
    from extractors.nlp import PatternGate

    assert PatternGate([pattern]).admits(text) is admits


@pytest.mark.parametrize(
    "pattern, prefix",
    [
        ("ofsted", "ofsted"),
        (r"ofsted\.gov\.uk", "ofsted.gov.uk"),
        (r"hmi(?!\s+(?:probation|prisons))", "hmi"),
        (r"(?:her|his)\s+majesty", ""),
        ("cqcs?", "cqc"),
        ("hmic|hmicfrs", ""),
        ("care inspectorate", "care inspectorate"),
    ],
)
def test_literal_prefix(pattern, prefix):
    """The metadata counters skip a pattern whose literal prefix is absent: the prefix must be right."""
    import re

    from extractors.metadata import literal_prefix

    assert literal_prefix(pattern) == prefix
    for text in ("Ofsted", "ofsted.gov.uk", "HMI", "Her Majesty", "cqc", "HMICFRS", "Care Inspectorate", "cq"):
        if re.match(pattern, text, re.I):
            assert text.lower().startswith(prefix)


def test_lexicon_prefixes_are_necessary():
    """Every lexicon name pattern that matches somewhere in the corpus contains its literal prefix there."""
    import re

    from extractors.metadata import literal_prefix

    lex = lexicon()
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in _CORPUS_TEXTS]
    for named in (*lex.inspectorates, *lex.providers):
        for pattern in named.patterns:
            prefix = literal_prefix(pattern).lower()
            for m in (m for t in texts for m in re.finditer(pattern, t, re.I)):
                assert m.group().lower().startswith(prefix), (pattern, m.group())


def test_name_counts_from_prefix_positions_equal_findall():
    """metadata._count tries a name pattern only where its literal prefix occurs: the same count."""
    from extractors.metadata import _count_from, _whole_word

    lex = lexicon()
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in _CORPUS_TEXTS]
    texts.append("OFSTED ofsted.gov.uk Ofsted's HMI HMIs hmi probation Care Inspectorate cqc CQCs")
    counted = 0
    for named in (*lex.inspectorates, *lex.providers):
        for pattern in named.patterns:
            rx, prefix = _whole_word(pattern)
            if not prefix:
                continue
            for text in texts:
                low = text.lower()
                if len(low) == len(text):
                    expected = len(rx.findall(text))
                    assert _count_from(rx, prefix, text, low) == expected, pattern
                    counted += expected
    assert counted > 100


@pytest.mark.parametrize(
    "pattern, required",
    [
        ("abc", [("abc",)]),
        ("ab|cd", [("ab", "cd")]),
        ("a(b|c)d", [("a",), ("d",)]),
        ("x?yz", [("yz",)]),
        ("ab*c", [("a",), ("c",)]),
        ("(?:Primary|High) (?:School|Academy)", [("Primary", "High"), (" ",), ("School", "Academy")]),
        ("(?:a|)b", [("b",)]),
        ("(?i)council", []),
        ("[A-Z][a-z]+", []),
    ],
)
def test_required_texts(pattern, required):
    """find_provider skips a regex when one of its required texts is absent: they must be required."""
    import re

    from extractors.metadata import required_texts

    assert required_texts(pattern) == required
    for text in ("abc", "acd", "yz", "xyz", "ac", "abbc", "High School", "Primary Academy", "b", "Council", "Ab"):
        if re.search(pattern, text):
            assert all(any(t in text for t in alts) for alts in required), text


def test_provider_regexes_match_only_where_their_required_texts_occur():
    import re

    from extractors.metadata import required_texts

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in _CORPUS_TEXTS]
    matched = 0
    for pattern in lexicon().provider_regexes:
        required = required_texts(pattern)
        assert required, pattern  # each has a cheap pre-check
        for m in (m for t in texts for m in re.finditer(pattern, t)):
            matched += 1
            assert all(any(t in m.group() for t in alts) for alts in required), (pattern, m.group())
    assert matched > 50


def test_area_after_provider_equals_one_regex_per_provider():
    """The service area read after "inspection of <provider>" (the provider found by str.find, one
    compiled regex for the words before and after) is what one regex per provider found, on every
    line of the corpus, for every provider the corpus names."""
    import re

    from extractors.metadata import _area_after

    lines = [ln for p in _CORPUS_TEXTS for ln in p.read_text(encoding="utf-8", errors="replace").splitlines()]
    providers = {extract_record(read_bytes(p.read_bytes(), p.name)).provider for p in _CORPUS_TEXTS}
    providers = sorted(p for p in providers if p) + ["Council", "the"]
    found = 0
    for provider in providers:
        rx = re.compile(
            r"\b(?:inspection|inspections|visit|monitoring)\s+(?:of|to|at)\s+" + re.escape(provider) + r"\s+(?:in\s+)?"
            r"(?:the\s+)?(?P<area>(?:[A-Z][a-z]+|and|of|upon|on)(?:\s+(?:[A-Z][a-z]+|and|of|upon|on))*"
            r"(?:\s+\([A-Z0-9]{1,4}\))?)"
        )
        for line in lines:
            want, got = rx.search(line), _area_after(line, provider)
            assert (want and want.group("area")) == (got and got.group("area")), (provider, line)
            found += want is not None
    assert len(providers) > 10 and found > 10


def test_cues_found_after_text_whose_lowercase_is_longer():
    """ "İ".lower() is two characters: the analysis must not slice a lowercased copy out of line."""
    doc = read_bytes(
        "İİİİ İstanbul office visit.\n\nAreas for improvement\n\nThe council should act.\n".encode(), "x.txt"
    )
    views = analyse(doc).blocks
    assert any(v.has("AFI_SECTION") for v in views)


@pytest.mark.parametrize("name", ["insp_grades", "insp_cues"])
def test_gate_admits_the_same_groups_span_by_span_as_block_by_block(name):
    """admitted_spans (one search of the whole document) equals admitted (one block at a time)."""
    gate = build_nlp().get_pipe(name).gate
    for path in _CORPUS_TEXTS:
        doc = read_bytes(path.read_bytes(), path.name)
        spans = [(b.start, b.end) for b in doc.blocks]
        by_spans = gate.admitted_spans(doc.text.lower(), spans)
        assert by_spans == [gate.admitted(b.text) for b in doc.blocks], path.name


def test_sentences_read_from_token_arrays_equal_doc_sents():
    from extractors.analysis import Sentence, _sentences

    checked = 0
    for path in _CORPUS_TEXTS[:12]:
        for view in analyse(read_bytes(path.read_bytes(), path.name)).blocks:
            if view.doc is not None:
                assert view.doc.text == view.text
                assert _sentences(view.doc, view.text) == [Sentence(s.text, s.start_char) for s in view.doc.sents]
                checked += 1
    assert checked > 50


def test_vocab_computes_only_the_lexeme_attributes_the_rules_read():
    from spacy.attrs import IS_ALPHA, IS_PUNCT, LIKE_NUM, LOWER, NORM, SHAPE

    from extractors.nlp import lexeme_attrs_read

    kept = set(build_nlp().vocab.lex_attr_getters)
    assert {LOWER, IS_ALPHA, LIKE_NUM, IS_PUNCT} <= kept  # the cue files', the phrase matcher's, the sentencizer's
    assert not {NORM, SHAPE} & kept
    assert lexeme_attrs_read(["good", [{"NORM": "x", "OP": "?"}, {"TEXT": {"REGEX": "y"}}]]) == {LOWER, NORM, IS_PUNCT}


def test_the_pipeline_finds_what_a_full_blank_pipeline_finds():
    """Lexemes that carry only the attributes the rules read match exactly as spaCy's full ones:
    a fresh spacy.blank("en") (every attribute computed), a sentencizer and one plain SpanRuler of
    both rule files, on every block of the corpus, against the analysis."""
    import spacy

    full = spacy.blank("en")
    full.add_pipe("sentencizer")
    ruler = full.add_pipe("span_ruler", config={"spans_key": CUES_KEY, "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([p.model_dump() for f in ("grades.jsonl", "cues.jsonl") for p in load_patterns(RULES_DIR / f)])
    assert len(full.vocab.lex_attr_getters) > len(build_nlp().vocab.lex_attr_getters)
    matched = 0
    for path in _CORPUS_TEXTS:
        for view in analyse(read_bytes(path.read_bytes(), path.name)).blocks:
            if view.kind.value == "table_row":
                continue
            doc = full(view.text)
            expected = {(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans[CUES_KEY]}
            got = {(s.start_char, s.end_char, s.label_, s.id_) for s in view.doc.spans[CUES_KEY]} if view.doc else set()
            assert got == expected, view.text
            matched += bool(expected)
    assert matched > 100
