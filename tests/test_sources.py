"""The source registry: each corpus file goes to one source, in the merge order the records need."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

from index import sources
from index.corpus import load_corpus
from index.sentences import cite
from index.sources import REGISTRY, kind_of


@pytest.mark.parametrize("name, kind", [
    ("kzis-hierarchy-2023.tsv", "hierarchy"), ("kzis-desc-level3.csv", "groups"),
    ("kzis-dictionary-2024-07-10.csv", "dictionary"), ("gus-thesaurus.csv", "gus"),
    ("esco-kzis-selected.csv", "esco"), ("243108.txt", "description"), ("uk-en-names.csv", "glossary"),
    ("hand-coded-ads.jsonl", "examples"), ("kzis_esco_crosswalk.csv", None), ("slownik.rds", None),
    ("SOURCE.md", None), ("gus-thesaurus.csv.part", None),
])
def test_each_file_belongs_to_one_source(name: str, kind: str | None):
    found = kind_of(Path("corpus") / name)
    assert (found.name if found else None) == kind
    assert sum(s.matches(Path(name)) for s in REGISTRY) <= 1


def test_every_source_module_is_registered():
    modules = {m.name for m in pkgutil.iter_modules(sources.__path__)}
    registered = {importlib.import_module(f"index.sources.{m}").SOURCE for m in modules}
    assert registered == set(REGISTRY) and len({s.name for s in REGISTRY}) == len(REGISTRY)
    assert [s.name for s in REGISTRY][:3] == ["hierarchy", "groups", "dictionary"]  # the classification first


def test_names_attach_only_to_known_occupations(tmp_path: Path):
    (tmp_path / "kzis-hierarchy-test.tsv").write_text("class\tname\n512001\tKucharz\n", encoding="utf-8")
    (tmp_path / "team-names.csv").write_text(
        "code,kzis_name,uk,en\n512001,Kucharz,кухар,cook\n999999,Nikt,никто,nobody\n", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    assert set(corpus.occupations) == {"512001"}
    assert {"кухар", "cook"} <= corpus.occupations["512001"].names
    assert corpus.problems == [] and len(corpus.files) == 2


def test_a_team_polish_name_is_taken_from_where_gus_put_it(tmp_path: Path):
    (tmp_path / "kzis-hierarchy-test.tsv").write_text(
        "class\tname\n541307\tPracownik ochrony fizycznej\n541315\tTechnik ochrony fizycznej osób i mienia\n",
        encoding="utf-8")
    (tmp_path / "gus-thesaurus.csv").write_text('code,desc\n541315,"Ochroniarz, Wartownik"\n', encoding="utf-8")
    (tmp_path / "pl-names.csv").write_text(
        "code,kzis_name,pl\n541307,Pracownik ochrony fizycznej,ochroniarz|ochroniarka\n", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    guard, technician = corpus.occupations["541307"], corpus.occupations["541315"]
    assert {"ochroniarz", "ochroniarka"} <= guard.names
    assert "Wartownik" in technician.names and not {n.casefold() for n in technician.names} & {"ochroniarz"}
    assert corpus.glossary == [] and corpus.problems == []  # Polish names are no unlisted-name lesson for the fusion


def test_esco_merges_only_the_same_job(tmp_path: Path):
    """A code's ESCO occupations are merged only when they are the same job: the labelled concrete-mixer driver and
    an unlabelled baker without the cook's words add neither skills nor names; the cook does, citing itself."""
    (tmp_path / "kzis-hierarchy-test.tsv").write_text(
        "class\tname\n512001\tKucharz\n833202\tKierowca ciągnika siodłowego\n", encoding="utf-8")
    (tmp_path / "esco-kzis-test.csv").write_text(
        "code,var,desc\n"
        "833202,occupation_name,kierowca betoniarki\n833202,skills,rodzaje pomp do betonu; obsługiwać systemy GPS\n"
        "512001,occupation_name,kucharz/kucharka\n512001,occupation_alternative_names,szef kuchni\n"
        "512001,skills,gotować; przestrzegać zasad HACCP\n"
        "512001,occupation_name,piekarz\n512001,skills,piec chleb; gotować\n",
        encoding="utf-8")
    corpus = load_corpus([tmp_path])
    cook, driver = corpus.occupations["512001"], corpus.occupations["833202"]
    assert [p.text for p in cook.passages] == ["gotować", "przestrzegać zasad HACCP"]
    cook_esco = "ESCO (PL): umiejętności zawodu ESCO „kucharz/kucharka”, © Unia Europejska"
    assert {cite(p.source, "pl") for p in cook.passages} == {cook_esco}
    assert "szef kuchni" in cook.names and "piekarz" not in cook.names
    assert driver.passages == [] and "kierowca betoniarki" not in driver.names
