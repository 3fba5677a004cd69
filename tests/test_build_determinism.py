"""The same corpus and code give the same index, and the resolver's training does not see what it leaves out.

A small corpus written here (six invented occupations, their coded job ads with a few reposts, a glossary) is built
twice in fresh processes (different hash seeds; 4 and 1 OpenMP/BLAS threads); every file of the two versions must be
byte for byte the same, and the manifests the same but for the build's time and durations.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.config import ROOT
from index.corpus import load_corpus
from index.fusion import folds, leave_one_out_scores, left_out, priors
from index.jobads import repost_groups
from index.resolve import Resolver
from index.signals import Signals, Vocabularies
from index.store import exact_index, example_embed_text, name_embed_text, occupation_names, occupation_texts

# code, name, two tasks, job-ad titles experts coded into it (invented; the last occupation has a single ad)
OCCUPATIONS = [
    ("999911", "Pielęgniarz zieleni miejskiej", ("Przycinanie drzew i krzewów", "Koszenie trawników w parkach"),
     ["Ogrodnik terenów zielonych", "Pracownik zieleni", "Konserwator zieleni miejskiej", "Ogrodnik w parku",
      "Pomocnik ogrodnika", "Pracownik utrzymania terenów zielonych", "Ogrodnik – pielęgnacja zieleni"]),
    ("999912", "Operator suwnicy hali produkcyjnej", ("Przenoszenie ładunków suwnicą", "Kontrola zawiesi i lin"),
     ["Operator suwnicy", "Suwnicowy", "Operator suwnicy z kabiny", "Suwnicowy na hali stali",
      "Operator dźwignicy", "Operator suwnicy – praca zmianowa"]),
    ("999913", "Kucharz kuchni regionalnej", ("Przygotowywanie potraw regionalnych", "Planowanie jadłospisu"),
     ["Kucharz", "Kucharz w restauracji", "Kucharz kuchni polskiej", "Pomoc kucharza", "Szef zmiany w kuchni",
      "Kucharz – dania regionalne", "Kucharka w stołówce"]),
    ("999914", "Monter instalacji fotowoltaicznych", ("Montaż paneli na dachach", "Podłączanie falowników"),
     ["Monter paneli fotowoltaicznych", "Instalator PV", "Monter fotowoltaiki", "Elektromonter instalacji PV",
      "Pomocnik montera fotowoltaiki"]),
    ("999915", "Kasjer biletowy", ("Sprzedaż biletów", "Rozliczanie kasy po zmianie"),
     ["Kasjer biletowy", "Kasjerka w kinie", "Sprzedawca biletów", "Kasjer na dworcu", "Obsługa kasy biletowej"]),
    ("999916", "Introligator ręczny", ("Oprawianie książek ręcznie", "Naprawa starych opraw"),
     ["Introligator"]),
]
GLOSSARY = [("999913", "Kucharz kuchni regionalnej", "кухар", "cook"),
            ("999915", "Kasjer biletowy", "касир квитків", "ticket cashier")]


TERMS = ("Oferujemy umowę o pracę na pełny etat, stabilne zatrudnienie, szkolenia wstępne i stanowiskowe, pakiet "
         "socjalny, dofinansowanie do wypoczynku oraz pracę w zgranym zespole. Wymagamy sumienności, punktualności i "
         "chęci do nauki.")  # the ads' descriptions run past the 300 characters a repost shares with its original


def _description(code: str, name: str, tasks: tuple[str, str]) -> str:
    """An INFOdoradca+ tab-3 export in the shape ``index/infodoradca.py`` reads."""
    lines = ["Zawód testowy", "", "INFOdoradca+ Informacje o zawodach", "", name, "", f"Kod: {code}", "",
             "3. Zadania zawodowe i wymagane kompetencje", "",
             f"Pracownik w zawodzie {name.lower()} wykonuje różnorodne zadania, do których należą w szczególności:", ""]
    lines += [f" • Z{i} {t}." for i, t in enumerate(tasks, 1)] + [""]
    for i, t in enumerate(tasks, 1):
        lines += [f"Z{i}", "", t, "", "WIEDZA – zna i rozumie:", "", "UMIEJĘTNOŚCI – potrafi:", "",
                  f" • Zasady: {t.lower()}.", f" • Wykonywać: {t.lower()}.", ""]
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path) -> Path:
    """Six occupations, 31 coded ads of which two are reposts (same title, same start of the description)."""
    folder.mkdir(parents=True, exist_ok=True)
    ads = []
    for code, name, tasks, titles in OCCUPATIONS:
        (folder / f"{code}.txt").write_text(_description(code, name, tasks), encoding="utf-8")
        for j, title in enumerate(titles):
            ads.append({"id": f"{code}-{j}", "title": title, "code": code,
                        "description": f"Zatrudnimy: {title}. Zakres obowiązków: {tasks[j % 2].lower()}. {TERMS}"})
    ads.append({**ads[0], "id": "repost-1", "description": ads[0]["description"] + " Aktualne od poniedziałku."})
    single = next(a for a in ads if a["code"] == "999916")
    ads.append({**single, "id": "repost-2"})
    with (folder / "hand-coded-ads-test.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(a, ensure_ascii=False) + "\n" for a in ads)
    rows = ["code,kzis_name,uk,en"] + [",".join(g) for g in GLOSSARY]
    (folder / "test-names.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


BUILD = """
import sys
from pathlib import Path
from index.store import build
r = build([Path(sys.argv[1])], Path(sys.argv[2]), sys.argv[3], progress=False)
print(r.path)
"""
TIMES = ("built_at", "build_seconds", "related_seconds")  # what may differ between two builds of the same inputs


def _threads(n: int) -> dict[str, str]:
    """The environment that sets every OpenMP and BLAS pool to n threads."""
    return {v: str(n) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def _build_in_fresh_process(corpus: Path, index_dir: Path, model: str, **env: str) -> Path:
    env = {**os.environ, **env}
    out = subprocess.run([sys.executable, "-c", BUILD, str(corpus), str(index_dir), model], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return Path(out.stdout.strip().splitlines()[-1])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


def test_two_builds_of_the_same_corpus_are_identical(tmp_path: Path, small_corpus: Path, embedder):
    # two thread settings, whatever the machine's default: four OpenMP and BLAS threads (faiss, sklearn's trees,
    # numpy, scipy; more than this machine's cores, as on a larger server) against one, and another hash seed (the
    # order of sets of strings)
    first = _build_in_fresh_process(small_corpus, tmp_path / "a", embedder.name, PYTHONHASHSEED="1", **_threads(4))
    second = _build_in_fresh_process(small_corpus, tmp_path / "b", embedder.name, PYTHONHASHSEED="2", **_threads(1))
    files = sorted(f.name for f in first.iterdir())
    assert files == sorted(f.name for f in second.iterdir())
    assert "fusion.joblib" in files and "related.jsonl" in files
    different = [f for f in files if f != "manifest.json" and _sha(first / f) != _sha(second / f)]
    assert different == []
    manifests = [json.loads((v / "manifest.json").read_text()) for v in (first, second)]
    for m in manifests:
        assert m["example_count"] == 33 and m["occupation_count"] == 6
        for key in TIMES:
            m.pop(key)
    assert manifests[0] == manifests[1]


def test_a_left_out_ad_and_its_reposts_are_not_counted_in_its_training(small_corpus: Path, embedder):
    corpus = load_corpus([small_corpus])
    ex, names = corpus.examples, occupation_names(corpus)
    groups = repost_groups(ex)
    assert len(set(groups)) == len(ex) - 2  # two reposts, each grouped with its original
    vocab = Vocabularies.fit(names, ex, occupation_texts(corpus.passages))
    e_vecs = embedder.queries([example_embed_text(e) for e in ex])
    signals = Signals(names, exact_index(embedder.passages([name_embed_text(n) for n in names])), ex,
                      exact_index(e_vecs), Resolver(names, {c: o.name for c, o in corpus.occupations.items()}), vocab)
    exclude = left_out(groups)
    titles, ads = leave_one_out_scores(signals, e_vecs, exclude)
    prior = priors(signals, groups)
    fold = folds(groups)
    single = [i for i, e in enumerate(ex) if e.code == "999916"]  # the bookbinder's one ad and its repost
    assert len(single) == 2 and signals.example_count["999916"] == 2
    for i in single:
        assert prior[i].get("999916") == 0  # as a new ad of an occupation no expert has coded yet
        for signal in ("example_char", "example_dense"):
            assert "999916" not in titles[i][signal]
        assert "999916" not in ads[i]["ad_words"]
    cook = next(i for i, e in enumerate(ex) if e.code == "999913")
    # the cooks' ads of the other folds: the same count for every ad of the cook's fold, whatever its code
    others = sum(1 for f, e in zip(fold, ex) if e.code == "999913" and f != fold[cook])
    assert prior[cook].get("999913") == others < signals.example_count["999913"]
    assert all(prior[i].get("999913") == others for i, f in enumerate(fold) if f == fold[cook])
    assert "999913" in titles[cook]["example_char"]  # the other cooks' ads still vote
