"""ESCO skills are shown for a KZiS occupation only when the ESCO occupation is the same job: the rule (the same
words), the hand labels in index/sources/esco_same_job.yml, and the result on the real files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from index.corpus import Corpus, load_corpus
from index.kzis import (
    SAME_JOB_LABELS,
    EscoOccupation,
    esco_key,
    esco_same_job,
    load_esco,
    load_gus_thesaurus,
    load_hierarchy,
    same_job_labels,
    same_words,
)
from index.sentences import cite

from .conftest import CORPUS, HAVE_CORPUS, needs_corpus

LABELS = yaml.safe_load(SAME_JOB_LABELS.read_text(encoding="utf-8"))["pairs"]


def _real(pattern: str) -> Path:
    return next(p for folder in CORPUS for p in folder.rglob(pattern))


@pytest.fixture(scope="module")
def kzis_esco() -> Corpus:
    """The classification, the dictionary, the GUS synonyms and ESCO, as the index build merges them."""
    if not HAVE_CORPUS:
        pytest.skip("needs the full corpus")
    import tempfile

    folder = Path(tempfile.mkdtemp())
    for pattern in ("kzis-hierarchy-*.tsv", "kzis-dictionary-*.csv", "gus-thesaurus.csv", "esco-kzis-*.csv"):
        real = _real(pattern)
        (folder / real.name).symlink_to(real)
    return load_corpus([folder])


@pytest.fixture(scope="module")
def mappings() -> list[tuple[EscoOccupation, list[str]]]:
    """Each ESCO occupation of the real file with the KZiS names it is compared with (official name, GUS)."""
    if not HAVE_CORPUS:
        pytest.skip("needs the full corpus")
    names = load_hierarchy(_real("kzis-hierarchy-*.tsv"))
    synonyms = load_gus_thesaurus(_real("gus-thesaurus.csv"))
    esco, _ = load_esco(_real("esco-kzis-*.csv"))
    return [(e, [names[e.code], *synonyms.get(e.code, [])]) for e in esco]


def test_labels_file_is_well_formed():
    keys = [esco_key(str(p["code"]), p["esco"]) for p in LABELS]
    assert len(keys) == len(set(keys)) == len(same_job_labels())
    assert all(len(k[0]) == 6 and k[0].isdigit() and isinstance(p["same_job"], bool) for k, p in zip(keys, LABELS))
    sample = [p for p in LABELS if p.get("sample")]
    assert len(sample) == 60
    assert all(p.get("note") for p in LABELS if p["code"] == "833202")


def test_same_words_ignores_gender_inflection_and_name_parts():
    assert same_words(["Hafciarka"], ["hafciarz/hafciarka"])
    assert same_words(["Kierujący tramwajem (motorniczy)"], ["motorniczy"])
    assert same_words(["Stewardesa / steward"], ["steward"])
    assert same_words(["Specjalista do spraw pozyskiwania funduszy (fundraiser)"],
                      ["specjalista ds. pozyskiwania funduszy"])
    assert not same_words(["Kierowca ciągnika siodłowego", "Kierowca ciągnika"], ["kierowca betoniarki"])
    assert not same_words(["Szklarz budowlany"], ["szklarz samochodowy"])
    assert not same_words(["Nurek"], ["nurek poławiacz zasobów morskich"])  # a word more is another job


def test_a_label_decides_and_an_unlabelled_mapping_needs_the_same_words():
    driver = EscoOccupation("833202", "kierowca betoniarki")
    assert not esco_same_job("833202", ["Kierowca ciągnika siodłowego"], driver)  # labelled: a different job
    teacher = EscoOccupation("233001", "nauczyciel biologii w szkole ponadpodstawowej/nauczycielka biologii w szkole "
                                       "ponadpodstawowej")
    assert esco_same_job("233001", ["Nauczyciel przedmiotu w szkole ponadpodstawowej"], teacher)  # labelled: same
    assert esco_same_job("512001", ["Kucharz"], EscoOccupation("512001", "kucharz/kucharka"), labels={})
    assert not esco_same_job("512001", ["Kucharz"], EscoOccupation("512001", "piekarz"), labels={})
    assert not esco_same_job("512001", ["Kucharz"], EscoOccupation("512001", ""), labels={})  # no name: unknown
    assert not esco_same_job("512001", ["Kucharz"], EscoOccupation("512001", "kucharz"),
                             labels={("512001", "kucharz"): False})


@needs_corpus
def test_the_rule_agrees_with_the_hand_labels_of_the_random_sample(mappings):
    """The 60 mappings drawn at random and labelled before the rule was chosen: the same words never call a
    different job the same (precision 1.0); they miss narrower or differently named kinds of the job (recall
    19/35), which is why every mapping without the same words was labelled by hand."""
    names = {esco_key(e.code, e.name): (e, kzis) for e, kzis in mappings}
    sample = [p for p in LABELS if p.get("sample")]
    rule = {}
    for p in sample:
        e, kzis = names[esco_key(str(p["code"]), p["esco"])]
        rule[esco_key(e.code, e.name)] = (same_words(kzis, [e.name, *e.alt_names]), p["same_job"])
    accepted_wrongly = [k for k, (r, label) in rule.items() if r and not label]
    missed = [k for k, (r, label) in rule.items() if label and not r]
    assert accepted_wrongly == []
    assert sum(label for _, label in rule.values()) == 35 and len(missed) == 16
    assert sum(r == label for r, label in rule.values()) / len(rule) == 44 / 60


@needs_corpus
def test_every_mapping_without_the_same_words_was_labelled(mappings):
    """No mapping of the real file is dropped only because nobody read it; no label is about a mapping the file
    no longer has."""
    labels = same_job_labels()
    keys = {esco_key(e.code, e.name) for e, _ in mappings}
    unread = [(e.code, e.name) for e, kzis in mappings
              if not same_words(kzis, [e.name, *e.alt_names]) and esco_key(e.code, e.name) not in labels]
    assert unread == []
    assert set(labels) <= keys
    decided = [esco_same_job(e.code, kzis, e) for e, kzis in mappings]
    assert (len(decided), sum(decided)) == (578, 409)


@needs_corpus
def test_a_different_job_adds_neither_skills_nor_names(kzis_esco: Corpus):
    occs = kzis_esco.occupations
    tractor = occs["833202"]  # Kierowca ciągnika siodłowego -> "kierowca betoniarki"
    assert not [p for p in tractor.passages if p.section == "esco_skill"]
    assert "kierowca betoniarki" not in tractor.names and tractor.passages  # its KZiS tasks stay
    assert not any("pomp do betonu" in p.text for o in (tractor, occs["833201"]) for p in o.passages)
    assert not [p for p in occs["834205"].passages if p.section == "esco_skill"]  # koparka, not zgarniarka
    # a code with several ESCO occupations keeps the same jobs only, each skill citing its own
    social = {cite(p.source, "pl") for p in occs["231005"].passages if p.section == "esco_skill"}
    assert any("ekonomii" in c for c in social) and any("nauk prawnych" in c for c in social)
    assert not any("fizyki" in c for c in social)  # physics is no social science
    teachers = {cite(p.source, "pl") for p in occs["233001"].passages if p.section == "esco_skill"}
    assert len(teachers) == 12
    # same words in another gender: kept, and no longer cited as approximate
    embroider = [p for p in occs["753301"].passages if p.section == "esco_skill"]
    assert embroider
    assert cite(embroider[0].source, "pl") == ("ESCO (PL): umiejętności zawodu ESCO „hafciarz/hafciarka”, "
                                          "© Unia Europejska")
    with_esco = {p.occupation_code for p in kzis_esco.passages if p.section == "esco_skill"}
    assert len(with_esco) == 389
