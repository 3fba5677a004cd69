"""KZiS loaders and the corpus merge, on small files written here."""

from pathlib import Path

import pytest

from index.corpus import load_corpus
from index.kzis import (
    Vocabulary,
    bracketed_names,
    file_date,
    load_dictionary,
    load_esco,
    load_hierarchy,
    slash_alternatives,
    split_tasks,
    unglue,
)
from index.records import Source
from index.sentences import cite

from .conftest import CORPUS, needs_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_split_tasks_handles_newlines_glued_semicolons_and_none():
    raw = "planowanie pracy;\n\tobsługa klienta;przyjmowanie towaru;\nBrak\n\n"
    tasks, training = split_tasks(raw)
    assert tasks == ["Planowanie pracy", "Obsługa klienta", "Przyjmowanie towaru"]
    assert training == []


def test_split_tasks_moves_requirements_prose_to_training():
    raw = "prowadzenie ksiąg;\nDo pracy wymagane jest wykształcenie wyższe ekonomiczne. Ważna jest znajomość przepisów."
    tasks, training = split_tasks(raw)
    assert tasks == ["Prowadzenie ksiąg"]
    assert training == ["Do pracy wymagane jest wykształcenie wyższe ekonomiczne. Ważna jest znajomość przepisów."]


def test_file_date_from_name():
    assert file_date(Path("kzis-dictionary-2024-07-10.csv")) == "2024-07-10"
    assert file_date(Path("kzis-hierarchy-2023.tsv")) == "2023"
    assert file_date(Path("gus-thesaurus.csv")) is None


def test_hierarchy_drops_school_marker(tmp_path):
    f = tmp_path / "kzis-hierarchy-2023.tsv"
    f.write_text("class\tname\n5120\tKucharze\n512001\tKucharzS\n011001\tOficer zawodowy Sił Zbrojnych\n",
                 encoding="utf-8")
    assert load_hierarchy(f) == {"5120": "Kucharze", "512001": "Kucharz", "011001": "Oficer zawodowy Sił Zbrojnych"}


def _mini_corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "kzis-dictionary-2024-07-10.csv").write_text(
        'code,name,synthesis,tasks1,tasks2\n'
        '512001,Kucharz,"Przygotowuje potrawy.","sporządzanie potraw;\n\tporcjowanie",""\n'
        '011001,Oficer zawodowy Sił Zbrojnych,"","",""\n',
        encoding="utf-8",
    )
    (folder / "gus-thesaurus.csv").write_text('code,desc\n512001,"KUCHARZ, Kucharz szef kuchni, Kucharka"\n',
                                              encoding="utf-8")
    (folder / "esco-kzis-selected.csv").write_text(
        "code,var,desc\n512001,occupation_name,kucharz\n512001,occupation_alternative_names,kucharka; szef kuchni\n"
        "512001,skills,gotować; przestrzegać zasad HACCP; gotować\n",
        encoding="utf-8",
    )
    return folder


def test_corpus_merges_sources_by_code(tmp_path):
    corpus = load_corpus([ROOT / "data", _mini_corpus(tmp_path / "c")])
    assert corpus.problems == []
    assert set(corpus.occupations) == {"243108", "512001", "011001"}
    cook = corpus.occupations["512001"]
    ids = [p.id for p in cook.passages]
    assert ids == ["512001/overview/kzis/1", "512001/task/kzis/1", "512001/task/kzis/2",
                   "512001/esco_skill/1", "512001/esco_skill/2"]
    assert {"Kucharz szef kuchni", "Kucharka", "szef kuchni"} <= cook.names
    assert "KUCHARZ" not in cook.names
    assert cite(cook.passages[0].source, "pl") == "Opisy zawodów KZiS, MRiPS / psz.praca.gov.pl (2024-07-10)"
    assert cook.passages[0].source == Source("cite_kzis", "2024-07-10", "kzis-dictionary-2024-07-10.csv")
    assert cook.passages[-1].source.key == "cite_esco_skills"
    assert corpus.occupations["011001"].passages == []


def test_unreadable_file_is_reported_and_the_rest_still_loads(tmp_path):
    folder = _mini_corpus(tmp_path / "c")
    (folder / "999999.txt").write_bytes(b"Kod: 999999\nWIEDZA \xff\xfe broken")
    broken = folder / "bad-description.txt"
    broken.write_text("Zawód\nKod: 999998\nWIEDZA\n", encoding="utf-8")
    corpus = load_corpus([ROOT / "data", folder])
    assert any("999999.txt" in p for p in corpus.problems)
    assert any("bad-description.txt" in p and "no tasks" in p for p in corpus.problems)
    assert "512001" in corpus.occupations and "243108" in corpus.occupations
    assert len(corpus.occupations["243108"].passages) == 129


def test_missing_corpus_folder_is_reported(tmp_path):
    corpus = load_corpus([ROOT / "data", tmp_path / "nope"])
    assert corpus.problems == [f"{tmp_path / 'nope'}: corpus folder not found, skipped"]
    assert list(corpus.occupations) == ["243108"]


def test_same_description_in_two_folders_counts_once(tmp_path):
    copy = tmp_path / "seed"
    copy.mkdir()
    (copy / "243108.txt").write_text((ROOT / "data" / "243108.txt").read_text(encoding="utf-8"), encoding="utf-8")
    corpus = load_corpus([ROOT / "data", copy])
    assert len(corpus.occupations["243108"].passages) == 129


@needs_corpus
def test_real_dictionary_passages_have_no_soft_hyphens_or_stray_dashes():
    """The KZiS dictionary file carries 48 soft hyphens (U+00AD); users saw "• ­ gromadzenie…"."""
    path = next(p for folder in CORPUS for p in folder.rglob("kzis-dictionary-*.csv"))
    assert "\xad" in path.read_text(encoding="utf-8")  # the defect is in the source ...
    entries, _ = load_dictionary(path)
    texts = [t for e in entries for t in (e.synthesis, *e.tasks, *e.training)]
    assert len(texts) > 10_000
    assert not [t for t in texts if "\xad" in t]  # ... and not in what users read
    assert not [t for e in entries for t in e.tasks if t.startswith(("-", "–"))]


@needs_corpus
def test_real_esco_skills_merged_without_a_separator_are_split():
    """The ESCO file has skills the source glued together ("sortować odpady samodzielnie wykonywać prace ręczne");
    they are split before the verb that starts the second skill, and nothing else is."""
    path = next(p for folder in CORPUS for p in folder.rglob("esco-kzis-*.csv"))
    assert "sortować odpady samodzielnie wykonywać prace ręczne" in path.read_text(encoding="utf-8")
    esco, _ = load_esco(path)
    labels = {s for e in esco for s in e.skills}
    assert "sortować odpady samodzielnie wykonywać prace ręczne" not in labels
    assert {"sortować odpady samodzielnie", "wykonywać prace ręczne"} <= labels
    assert "tworzyć sieć specjalistów w danej dziedzinie" in labels  # "sieć" is a noun, not a second skill
    assert "stosować się do przepisów w zakresie HACCP" in labels


def _vocab(*texts: str) -> Vocabulary:
    return Vocabulary.of(list(texts), list(texts))


def test_unglue_splits_two_known_words_and_keeps_real_long_words():
    """A split needs both parts known; a glued task boundary becomes "; " in a task field."""
    # the file's own evidence: "tworzyw sztucznych" written apart elsewhere, "prowadzenie" starting tasks
    vocab = _vocab("wyroby z tworzyw sztucznych;\nprowadzenie dokumentacji;\nprowadzenie kasy;\nprowadzenie zajęć")
    fixes: list[tuple[str, str]] = []
    text = unglue("płaszcze z tworzywsztucznych;pomoc pracownikom medycznychprowadzenie opieki", vocab, True, fixes)
    assert text == "płaszcze z tworzyw sztucznych;pomoc pracownikom medycznych; prowadzenie opieki"
    assert split_tasks(text)[0] == ["Płaszcze z tworzyw sztucznych", "Pomoc pracownikom medycznych",
                                    "Prowadzenie opieki"]
    assert unglue("medycznychprowadzenie", vocab) == "medycznych prowadzenie"  # a summary has no tasks to split
    assert fixes == [("tworzywsztucznych", "tworzyw sztucznych"), ("medycznychprowadzenie", "medycznych; prowadzenie")]
    for word in ("elektroencefalograficznych", "pozaszpitalnej", "przytorowych", "gazoniebezpiecznych",
                 "stratygraficznych", "kinezyterapeutyczne", "symulatorowych", "fotoelektrycznych"):
        assert unglue(word, vocab, True) == word


def test_unglue_doubled_words_but_not_terms():
    vocab = _vocab("")
    assert unglue("propozycji propozycji zastosowania", vocab) == "propozycji zastosowania"
    assert unglue("dobieranie - dobieranie modelu", vocab) == "dobieranie modelu"
    assert unglue("ekstrakcji LLE (ciecz - ciecz)", vocab) == "ekstrakcji LLE (ciecz - ciecz)"


# Every fix the cleaning makes on the 2024-07-10 dictionary, read one by one (before -> after, how many times).
REAL_FIXES = {
    ("BHPergonomii", "BHP, ergonomii"): 1,
    ("choremuiepełnosprawnemu", "choremu i niepełnosprawnemu"): 1,
    ("choregoiepełnosprawnego", "chorego i niepełnosprawnego"): 3,
    ("chorobotworczymiudzielanie", "chorobotworczymi; udzielanie"): 1,
    ("dobieranie - dobieranie", "dobieranie"): 1,
    ("dzieckaprowadzenie", "dziecka; prowadzenie"): 1,
    ("dziecięcejwspółpraca", "dziecięcej; współpraca"): 1,
    ("eksploatacjiwyposażanie", "eksploatacji; wyposażanie"): 1,
    ("fotograficznegoprzygotowywanie", "fotograficznego; przygotowywanie"): 1,
    ("fotograficznychopracowywanie", "fotograficznych; opracowywanie"): 1,
    ("jubilerskiepoddawanie", "jubilerskie; poddawanie"): 1,
    ("klientówwspieranie", "klientów; wspieranie"): 1,
    ("klinicznegoudzielanie", "klinicznego; udzielanie"): 1,
    ("leczeniarozpoznawanie", "leczenia; rozpoznawanie"): 1,
    ("materiałowych materiałowych", "materiałowych"): 1,
    ("medycznychdoskonalenie", "medycznych; doskonalenie"): 1,
    ("medycznychprowadzenie", "medycznych; prowadzenie"): 1,
    ("mikroflorybadanie", "mikroflory; badanie"): 1,
    ("młodzieżyprowadzenie", "młodzieży; prowadzenie"): 1,
    ("molekularnejoznaczanie", "molekularnej; oznaczanie"): 1,
    ("naczyńorzekanie", "naczyń; orzekanie"): 1,
    ("naczyńplanowanie", "naczyń; planowanie"): 1,
    ("parkietówwykonywanie", "parkietów; wykonywanie"): 1,
    ("pociągowychsprawdzanie", "pociągowych; sprawdzanie"): 1,
    ("pomocyktórego", "pomocy którego"): 1,
    ("propozycji propozycji", "propozycji"): 1,
    ("przetwórczychpobieranie", "przetwórczych; pobieranie"): 1,
    ("pudrowaniekonfekcjonowanie", "pudrowanie; konfekcjonowanie"): 1,
    ("trepanobiopisjileczenie", "trepanobiopisji; leczenie"): 1,
    ("tworzywsztucznych", "tworzyw sztucznych"): 1,
    ("współdziałaniaposługiwanie", "współdziałania; posługiwanie"): 1,
    ("wyrobieocena", "wyrobie; ocena"): 1,
    ("zakresieumawianie", "zakresie; umawianie"): 1,
}


@needs_corpus
def test_real_dictionary_glued_words_are_split_and_nothing_else():
    """The scraped dictionary glued words together (lost line breaks and spaces): exactly the fixes read by hand
    are made, and what users read no longer has them."""
    import csv
    from collections import Counter

    path = next(p for folder in CORPUS for p in folder.rglob("kzis-dictionary-*.csv"))
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    tasks = [(r["tasks1"] or "") + "\n" + (r["tasks2"] or "") for r in rows]
    vocab = Vocabulary.of([r["synthesis"] or "" for r in rows] + tasks, tasks)
    fixes: list[tuple[str, str]] = []
    for r, t in zip(rows, tasks):
        unglue(r["synthesis"] or "", vocab, False, fixes)
        unglue(t, vocab, True, fixes)
    assert Counter(fixes) == REAL_FIXES

    entries, _ = load_dictionary(path)
    text = "\n".join(t for e in entries for t in (e.synthesis, *e.tasks, *e.training))
    assert not [glued for glued, _ in REAL_FIXES if glued in text]
    by_code = {e.code: e for e in entries}
    assert "Zapewnianie opieki człowiekowi choremu i niepełnosprawnemu" in by_code["222101"].tasks
    assert any("przepisami BHP, ergonomii, ochrony ppoż." in t for e in entries for t in e.tasks)
    assert ("Prowadzenie opieki medycznej i leczenie chorych w okresie odległym po transplantacji, a w szczególności "
            "stosowanie alternatywnych metod leczenia schyłkowej niewydolności narządów w aspekcie oceny jakości "
            "życia") in by_code["221265"].tasks
    assert by_code["421201"].synthesis.startswith("Prowadzi zakłady sportowe")  # the form's label dropped
    for word in ("elektroencefalograficznych", "immunohistochemicznych", "przeciwepidemiologicznych"):
        assert word in text  # real long words stay whole


@pytest.mark.parametrize("name, expected", [
    ("Kierownik sklepu / supermarketu", ["Kierownik sklepu", "Kierownik supermarketu"]),
    ("Monter / konserwator urządzeń przeciwpożarowych",
     ["Monter urządzeń przeciwpożarowych", "konserwator urządzeń przeciwpożarowych"]),
    ("Opiekunka w żłobku / klubie dziecięcym", ["Opiekunka w żłobku", "Opiekunka klubie dziecięcym"]),
    ("Reporter radiowy / telewizyjny / prasowy", ["Reporter radiowy", "Reporter telewizyjny", "Reporter prasowy"]),
    ("Kierownik żłobka / klubu dziecięcego", []),  # which words the second part replaces is not clear
    ("Spawacz", []),
])
def test_a_name_with_alternatives_after_a_slash_stands_for_each(name: str, expected: list[str]):
    assert slash_alternatives(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("Asystent osobisty (concierge)", ["concierge", "Asystent osobisty"]),
    ("Elektromonter (elektryk) zakładowy", ["elektryk zakładowy", "Elektromonter zakładowy"]),
    ("Pozostali recepcjoniści (z wyłączeniem hotelowych)", ["Pozostali recepcjoniści"]),  # a qualifier, no name
    ("Komendant policji (powiatowy, miejski, rejonowy, komisariatu)", ["Komendant policji"]),
    ("Monter samochodowej instalacji gazowej (LPG)", ["Monter samochodowej instalacji gazowej"]),
    ("Spawacz", []),
])
def test_a_name_in_brackets_is_another_name(name: str, expected: list[str]):
    assert bracketed_names(name) == expected
