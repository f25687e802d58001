"""The national framework scheme: the lexicon and the model load strictly, the printed tag wins, every
item gets a class and a confidence, the training script cross-validates, and the rows carry the scheme."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from extractors.errors import BadModel
from extractors.framework_tags import NationalFramework
from extractors.national_framework import (
    LEXICON_RULE,
    MODEL_DIR,
    PRINTED_RULE,
    SCHEME,
    class_labels,
    classifier,
    classify_lexicon,
    framework_classes,
    framework_themes,
    lexicon_matches,
    load_classifier,
    printed_labels,
)
from extractors.rules import RULES_DIR
from extractors.themes import theme_lexicon
from tests.real import REAL, needs_real, real_doc, real_record

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "training" / "national_framework.jsonl"


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


trainer = _load_script("train_national_framework")


# -- the scheme and the lexicon --------------------------------------------------------------


def test_seven_classes_in_the_framework_order_with_theme_ids_apart_from_the_schedule():
    assert class_labels() == (
        "outcome 1", "outcome 2", "outcome 3", "outcome 4", "enabler 1", "enabler 2", "enabler 3",
    )  # fmt: skip
    ids = {c.theme for c in framework_classes()}
    assert ids == {"outcome_1", "outcome_2", "outcome_3", "outcome_4", "enabler_1", "enabler_2", "enabler_3"}
    # old databases keep a key without the scheme (pipeline/store/sql/schema/014): the ids must never coincide
    assert not ids & {t.id for t in theme_lexicon().themes}


def _rules() -> dict:
    return json.loads((RULES_DIR / "national_framework.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d["outcomes"][0].pop("terms"), "terms"),
        (lambda d: d["outcomes"][0].update(terms=[]), "terms"),
        (lambda d: d["enablers"][1].update(weight=2), "weight"),
        (lambda d: d.pop("note"), "note"),
    ],
)
def test_the_lexicon_loads_strictly(edit, message):
    data = _rules()
    NationalFramework.model_validate(data)
    edit(data)
    with pytest.raises(ValidationError, match=message):
        NationalFramework.model_validate(data)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Early help for families so that children can stay together.", "outcome 1"),
        ("Use of family group conferences to support kinship carers.", "outcome 2"),
        ("The response to children at risk of exploitation who go missing.", "outcome 3"),
        ("Placement stability for children in care and support for care leavers.", "outcome 4"),
        ("Information sharing between partner agencies at the front door.", "enabler 1"),
        ("Leaders' quality assurance and performance information.", "enabler 2"),
        ("Recruitment and retention of social workers, and their caseloads.", "enabler 3"),
        # a phrase outweighs a word of another class: "private fostering" (3) over "fostering" (4)
        ("Arrangements for private fostering.", "outcome 3"),
    ],
)
def test_lexicon_classes_for_the_framework_vocabulary(text, expected):
    label, share, terms = classify_lexicon(text)
    assert label == expected, lexicon_matches(text)
    assert 0 < share <= 1 and terms


def test_the_lexicon_gives_no_answer_without_a_term():
    assert classify_lexicon("The weather in March was cold.") == (None, 0.0, [])
    assert framework_themes(["The weather in March was cold."], [None], method="lexicon") == [[]]


# -- the printed tag wins ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag, expected",
    [("outcome 3", ["outcome 3"]), ("outcome 3, outcome 4", ["outcome 3", "outcome 4"]), ("outcome", []), (None, [])],
)
def test_printed_labels(tag, expected):
    assert printed_labels(tag) == expected


@pytest.mark.parametrize("method", ["model", "lexicon"])
def test_the_printed_tag_wins_over_the_text(method):
    text = "The sufficiency of homes for children in care and support for care leavers."
    (tags,) = framework_themes([text], ["enabler 3"], method=method)
    assert [(t.scheme, t.theme, t.confidence, t.rule) for t in tags] == [(SCHEME, "enabler_3", 1.0, PRINTED_RULE)]
    (two,) = framework_themes([text], ["outcome 3, outcome 4"], method=method)
    assert [t.theme for t in two] == ["outcome_3", "outcome_4"]
    assert two[0].label == "Outcome 3: Children and young people are safe in and outside of their homes"


def test_an_untagged_item_gets_the_classifier_s_top_class_and_probability():
    texts = ["The quality of supervision and the size of social workers' caseloads.", "x" * 5000, "", " - "]
    out = framework_themes(texts, [None, "outcome", None, None])  # a bare "outcome" names no class
    assert out[2:] == [[], []]  # no word, nothing to classify
    for tags in out[:2]:
        (t,) = tags
        assert t.scheme == SCHEME and t.theme in {c.theme for c in framework_classes()}
        assert 0.0 <= t.confidence <= 1.0
        assert t.rule == classifier().rule and t.rule.startswith("national_framework.textcat.v1.0.0+")
    lexicon = framework_themes(texts[:1], [None], method="lexicon")[0][0]
    assert lexicon.rule == LEXICON_RULE and lexicon.terms


def test_one_tag_per_text():
    with pytest.raises(ValueError, match="one tag"):
        framework_themes(["a", "b"], [None])


# -- the model loads strictly --------------------------------------------------------------------


def test_the_shipped_model_is_small_and_names_its_version():
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 2_000_000
    model = classifier()
    assert model is classifier()  # loaded once per process
    assert model.nlp.meta["name"] == SCHEME and model.version in model.rule


def test_a_missing_model_is_a_bad_model(tmp_path):
    with pytest.raises(BadModel, match="no model at"):
        load_classifier(tmp_path / "nowhere")


def test_a_model_of_other_labels_is_refused(tmp_path):
    nlp = trainer.build_pipeline(trainer.Hyper(0.01, 1), trainer.Settings())
    nlp.get_pipe("textcat").add_label("outcome 5")
    nlp.meta.update(name=SCHEME, version="1.0.0", training_digest="0" * 64)
    nlp.to_disk(tmp_path / "m")
    with pytest.raises(BadModel, match="labels"):
        load_classifier(tmp_path / "m")


def test_a_model_without_its_meta_is_refused(tmp_path):
    shutil.copytree(MODEL_DIR, tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    meta.pop("training_digest")
    (tmp_path / "m" / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(BadModel, match="training_digest"):
        load_classifier(tmp_path / "m")


def test_the_model_file_is_part_of_the_extractor_version(tmp_path):
    import extractors

    root = Path(extractors.__file__).resolve().parent.parent
    for sub in ("extractors", "schemas"):
        shutil.copytree(root / sub, tmp_path / sub, ignore=shutil.ignore_patterns("__pycache__"))
    assert extractors.extractor_version(tmp_path) == extractors.EXTRACTOR_VERSION
    weights = tmp_path / "extractors" / "models" / "national_framework" / "textcat" / "model"
    weights.write_bytes(weights.read_bytes()[:-1] + b"\0")
    assert extractors.extractor_version(tmp_path) != extractors.EXTRACTOR_VERSION


# -- the training script ---------------------------------------------------------------------------

FIXTURE = [
    ("d1", "Children in care need stable homes and permanence.", ["outcome 4"]),
    ("d1", "Care leavers need suitable accommodation.", ["outcome 4"]),
    ("d1", "The response to neglect and harm.", ["outcome 3"]),
    ("d2", "Permanence planning for children in care.", ["outcome 4"]),
    ("d2", "Strategy discussions when children are at risk of harm.", ["outcome 3"]),
    ("d2", "Management oversight by leaders.", ["enabler 2"]),
    ("d3", "Stability of homes for children in care.", ["outcome 4"]),
    ("d3", "Child protection enquiries where children suffer harm.", ["outcome 3", "outcome 1"]),
    ("d3", "Leaders' oversight of practice.", ["enabler 2"]),
    ("d4", "Children in care placed at a distance.", ["outcome 4"]),
    ("d4", "Risk of exploitation outside the home.", ["outcome 3"]),
    ("d4", "Quality assurance by senior leaders.", ["enabler 2"]),
]


@pytest.fixture
def fixture_items(tmp_path) -> list:
    path = tmp_path / "items.jsonl"
    rows = [{"text": t, "labels": ls, "sha256": d, "document": f"{d}.pdf"} for d, t, ls in FIXTURE]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return trainer.load_items(path)


def test_the_training_script_cross_validates_by_document_and_reports(fixture_items, capsys):
    settings = trainer.Settings(grid=(trainer.Hyper(0.01, 1), trainer.Hyper(0.001, 1)), epochs=3, inner_folds=2)
    cv = trainer.cross_validate(fixture_items, settings)
    assert cv["folds"] == "leave one document out" and cv["n_folds"] == 4 and cv["n_items"] == 12
    for fold in {r["fold"] for r in cv["items"]}:
        assert len({r["document"] for r in cv["items"] if r["fold"] == fold}) == 1  # a fold is one document
    assert set(cv["scores"]) == {"model", "lexicon", "majority"}
    for scores in cv["scores"].values():
        assert 0 <= scores["macro_f1"] <= 1 and 0 <= scores["accuracy"] <= 1 and scores["n"] == 12
        assert sum(c["support"] for c in scores["per_class"].values()) == 12
        assert sum(c["predicted"] for c in scores["per_class"].values()) + scores["no_answer"] == 12
    assert all(0 <= r["model_probability"] <= 1 for r in cv["items"])
    text = trainer.report(cv, None)
    assert "| spaCy textcat (bag of words) |" in text and "| rule lexicon (baseline) |" in text
    assert f"{cv['scores']['model']['macro_f1']:.3f}" in trainer.summary_table(cv)


def test_the_training_script_ships_a_model_the_extractor_loads(fixture_items, tmp_path):
    settings = trainer.Settings(grid=(trainer.Hyper(0.01, 1),), epochs=3)
    info = trainer.ship(fixture_items, settings, "f" * 64, tmp_path / "model", log=lambda _: None)
    model = load_classifier(tmp_path / "model")
    assert model.version == info["version"] == "1.0.0+ffffffff" and info["size_bytes"] > 0
    (probs,) = model.probabilities(["Children in care."])
    assert set(probs) == set(class_labels()) and abs(sum(probs.values()) - 1) < 1e-4


def test_metrics_by_hand():
    gold = [("outcome 3",), ("outcome 3",), ("outcome 4",), ("outcome 4", "outcome 3")]
    pred = ["outcome 3", "outcome 4", "outcome 4", "outcome 3"]
    m = trainer.metrics(gold, pred)
    assert m["accuracy"] == 0.75
    # outcome 3: 3 items (the two-label item counts as outcome 3, predicted right), 2 right of 2 predicted
    assert m["per_class"]["outcome 3"] == {
        "support": 3, "predicted": 2, "correct": 2, "precision": 1.0, "recall": 0.667, "f1": 0.8,
    }  # fmt: skip
    assert m["per_class"]["outcome 4"]["f1"] == 0.667  # 1 of 1 item, 1 of 2 predictions
    assert m["macro_f1_classes"] == ["outcome 3", "outcome 4"] and m["macro_f1"] == round((0.8 + 0.667) / 2, 3)


def test_folds_never_split_a_document(fixture_items):
    for train, test in trainer.leave_one_document_out(fixture_items) + trainer.grouped_folds(fixture_items, 3):
        assert not {fixture_items[i].group for i in train} & {fixture_items[i].group for i in test}
        assert sorted(train + test) == list(range(len(fixture_items)))


def test_the_committed_training_data_is_labelled_and_tag_free():
    rows = [json.loads(line) for line in TRAINING.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 40
    for r in rows:
        assert r["labels"] and set(r["labels"]) <= set(class_labels())
        assert "national framework" not in r["text"].lower()  # the tag is taken out of the text
        assert r["end"] > r["start"] and r["document"].endswith(".pdf")


def test_the_shipped_model_is_the_committed_script_s_output_on_the_committed_data(tmp_path):
    """Retrained from training/national_framework.jsonl with the script's settings, the model
    predicts what the shipped one does (~5 s)."""
    meta = classifier().nlp.meta
    assert meta["training_digest"] == trainer.digest(TRAINING.read_bytes(), trainer.Settings())
    items = trainer.load_items(TRAINING)
    rebuilt = trainer.train(items, trainer.Hyper(**meta["hyperparameters"]), trainer.Settings())
    texts = [it.text for it in items] + ["The quality of supervision.", "Children in care."]
    for (label, p), probs in zip(trainer.predict(rebuilt, texts), classifier().probabilities(texts), strict=True):
        assert label == max(probs, key=probs.get) and abs(p - probs[label]) < 1e-4


# -- real documents ---------------------------------------------------------------------------------

UNTAGGED = "ilacs/2532283_dorset/children's services inspection - 19 november 2021.pdf"
TAGGED = "ilacs/2532283_dorset/children's services inspection - 09 may 2025.pdf"


@needs_real
@pytest.mark.parametrize("rel", [UNTAGGED, TAGGED])
def test_every_real_item_gets_one_scheme_class_and_keeps_its_schedule_themes(rel):
    from extractors.themes import classify_themes

    record = real_record(rel)
    items = [*record.areas_for_improvement, *record.recommendations]
    assert items
    for item in items:
        nf = [t for t in item.themes if t.scheme == SCHEME]
        ces = [t for t in item.themes if t.scheme == "ces"]
        assert ces == classify_themes(item.text)
        assert len(nf) == max(1, len(printed_labels(item.framework_tag)))
        for t in nf:
            assert 0.0 <= t.confidence <= 1.0
            if item.framework_tag:
                assert (t.rule, t.confidence) == (PRINTED_RULE, 1.0)
                assert t.theme.replace("_", " ") in item.framework_tag
            else:
                assert t.rule == classifier().rule
    if rel == TAGGED:
        assert any(item.framework_tag for item in items)


@needs_real
def test_the_committed_training_data_is_what_the_script_collects_from_the_archive():
    """If this fails, the extractor now reads the tagged items differently: regenerate the data
    (scripts/national_framework_training.py) and retrain (scripts/train_national_framework.py)."""
    collect = _load_script("national_framework_training")
    committed = [json.loads(line) for line in TRAINING.read_text(encoding="utf-8").splitlines()]
    docs = sorted({r["document"] for r in committed})
    again = [row for d in docs for row in collect.tagged_items(REAL / d, REAL)]
    assert [(r["document"], r["text"], r["labels"]) for r in again] == [
        (r["document"], r["text"], r["labels"]) for r in committed
    ]
    assert {r["sha256"] for r in committed} == {real_doc(d).sha256 for d in docs}


# -- stored rows -----------------------------------------------------------------------------------


def test_the_stored_rows_carry_the_scheme(tmp_path):
    from extractors.extract import extract_record
    from extractors.readers import read_bytes
    from pipeline.store.db import Database, query
    from pipeline.store.rows import flatten

    text = (
        "Ofsted\n\nInspection of Example Borough Council children's services\n\n"
        "What needs to improve?\n\n"
        "- The sufficiency of homes for children in care. (outcome 4, national framework)\n"
        "- The quality of supervision of social workers.\n"
    )
    doc = read_bytes(text.encode(), "example.txt")
    rows = flatten(extract_record(doc), doc)
    rows["documents"][0].update(first_seen_run="r", last_seen_run="r")  # the loader's columns
    themes = rows["item_themes"]
    assert {r["scheme"] for r in themes} == {"ces", SCHEME}
    with Database.open(tmp_path / "db.duckdb") as db:
        for table in ("documents", "areas_for_improvement", "item_themes"):
            db.insert(table, rows[table])
    got = query(
        tmp_path / "db.duckdb",
        "SELECT item_no, theme, rule, confidence FROM item_themes WHERE scheme = 'national_framework' ORDER BY item_no",
    ).rows
    assert len(got) == len(rows["areas_for_improvement"]) >= 2
    assert got[0][1:] == ("outcome_4", PRINTED_RULE, 1.0)
    assert got[1][2].startswith("national_framework.textcat.")


def test_a_database_made_before_the_scheme_gets_the_column(tmp_path):
    import duckdb

    from pipeline.store.db import Database, query

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE item_themes (doc_id VARCHAR NOT NULL, item_kind VARCHAR NOT NULL, item_no INTEGER NOT NULL, "
        "theme VARCHAR NOT NULL, theme_label VARCHAR NOT NULL, parent_theme VARCHAR, matched_terms VARCHAR[] NOT NULL, "
        "rule VARCHAR NOT NULL, confidence DOUBLE NOT NULL, PRIMARY KEY (doc_id, item_kind, item_no, theme))"
    )
    con.execute("INSERT INTO item_themes VALUES ('d', 'area', 1, 'safeguarding', 'Safeguarding', NULL, [], 'r', 1.0)")
    con.close()
    with Database.open(path) as db:
        db.insert("item_themes", [{
            "doc_id": "d", "item_kind": "area", "item_no": 1, "scheme": SCHEME, "theme": "outcome_3",
            "theme_label": "Outcome 3", "parent_theme": None, "matched_terms": [], "rule": PRINTED_RULE,
            "confidence": 1.0,
        }])  # fmt: skip
    assert query(path, "SELECT scheme, theme FROM item_themes ORDER BY scheme").rows == [
        ("ces", "safeguarding"), (SCHEME, "outcome_3"),
    ]  # fmt: skip
