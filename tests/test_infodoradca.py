"""Parser of INFOdoradca+ text exports: the built-in seed, a second description, malformed input."""

from pathlib import Path

import pytest

from index.corpus import description_passages
from index.infodoradca import ParseError, parse_file, parse_text, strip_footnotes
from index.records import Source

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "243108.txt"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


def test_seed_identity(seed):
    assert seed.code == "243108"
    assert seed.name == "Specjalista do spraw mediów interaktywnych"


def test_seed_has_seven_tasks_with_their_statements(seed):
    assert [t.id for t in seed.tasks] == [f"Z{i}" for i in range(1, 8)]
    assert seed.tasks[4].text == "Optymalizowanie interaktywnej kampanii prowadzonej w internecie."


def test_seed_knowledge_and_skill_counts_per_task(seed):
    counts = {t.id: (len(t.knowledge), len(t.skills)) for t in seed.tasks}
    assert counts == {"Z1": (12, 8), "Z2": (15, 14), "Z3": (5, 5), "Z4": (7, 7), "Z5": (3, 3), "Z6": (5, 5),
                      "Z7": (7, 8)}


def test_lists_split_at_the_bullet_ending_in_a_period(seed):
    z2 = seed.tasks[1]
    assert z2.knowledge[-1].startswith("Idee marketingu szeptanego")
    assert z2.skills[0].startswith("Wybierać odpowiednie środki przekazu")


def test_seed_competences(seed):
    kz1, kz2 = seed.competences
    assert (kz1.id, kz1.task_ids) == ("Kz1", ["Z1", "Z2", "Z3", "Z4", "Z5"])
    assert (kz2.id, kz2.task_ids) == ("Kz2", ["Z6", "Z7"])
    assert kz1.name == "Przygotowywanie i prowadzenie działań marketingowych w mediach interaktywnych"
    assert {t.competence_id for t in seed.tasks[:5]} == {"Kz1"}


def test_seed_social_and_key_competences(seed):
    assert len(seed.social_competences) == 9
    assert seed.social_competences[2] == "Wykonywania pracy samodzielnie, jak i funkcjonowania w zespole."
    assert len(seed.key_competences) == 9
    assert seed.key_competences[0] == "Umiejętność obsługi komputera i wykorzystania internetu"
    assert "Wywieranie wpływu/przywództwo" in seed.key_competences


def test_footnotes_removed_from_seed(seed):
    z1, z2 = seed.tasks[0], seed.tasks[1]
    assert z1.knowledge[0].startswith("Aktualną strategię marketingową zleceniodawcy")
    seo = next(k for k in z2.knowledge if "SEO" in k)
    assert "SEO i SEM," in seo and "atrybucji," in seo
    assert "informacji w mediach" in next(k for k in z2.knowledge if k.startswith("Cykl życia"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("strategię marketingową 24 zleceniodawcy", "strategię marketingową zleceniodawcy"),
        ("działań SEO 19 i SEM 18;", "działań SEO i SEM;"),
        ("osoby do 18 lat", "osoby do 18 lat"),
        ("kwalifikacja na poziomie 4 PRK", "kwalifikacja na poziomie 4 PRK"),
        ("ciężary do 25 kg", "ciężary do 25 kg"),
        ("staż 3 lata", "staż 3 lata"),
        ("art. 22 kodeksu", "art. 22 kodeksu"),
    ],
)
def test_footnotes_versus_real_numbers(text, expected):
    assert strip_footnotes(text) == expected


def test_second_description_in_the_same_format_parses():
    d = parse_file(FIXTURES / "999901.txt")
    assert (d.code, d.name) == ("999901", "Opiekun testów automatycznych")
    assert [(t.id, len(t.knowledge), len(t.skills)) for t in d.tasks] == [("Z1", 2, 2), ("Z2", 1, 2)]
    assert d.tasks[0].knowledge == ["Metody planowania testów oprogramowania",
                                    "Zasady pracy osób do 18 lat przy komputerze."]
    assert d.tasks[0].skills[0] == "Planować testy na poziomie 4 PRK"
    assert d.tasks[1].skills == ["Sporządzać raporty co 2 tygodnie", "Prezentować wyniki testów."]
    assert d.social_competences == ["Rzetelnego raportowania błędów.", "Współpracy w zespole."]
    assert d.key_competences == ["Umiejętności matematyczne", "Komunikacja ustna"]


def test_passage_ids_sections_and_links(seed):
    passages = description_passages(seed)
    by_id = {p.id: p for p in passages}
    assert len(by_id) == len(passages)
    p = by_id["243108/knowledge/Z2/9"]
    assert (p.section, p.task_id, p.competence_id) == ("knowledge", "Z2", "Kz1")
    assert "SEO" in p.text
    assert by_id["243108/skill/Z7/1"].competence_id == "Kz2"
    assert by_id["243108/task/Z3"].section == "task"
    assert sum(p.section == "key_competence" for p in passages) == 9
    assert {p.source.key for p in passages} == {"cite_infodoradca"}


def _seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_missing_code_line_is_reported():
    with pytest.raises(ParseError, match="no 'Kod: NNNNNN' line") as e:
        parse_text(_seed_text().replace("Kod: 243108", "Kod 243108"), "x.txt", Source("t"))
    assert e.value.file == "x.txt"


def test_task_block_without_headings_names_its_line():
    text = _seed_text().replace("WIEDZA – zna i rozumie:\n\nUMIEJĘTNOŚCI – potrafi:\n\n • Metody funkcjonowania",
                                " • Metody funkcjonowania", 1)
    with pytest.raises(ParseError, match="Z5: expected the WIEDZA") as e:
        parse_text(text, "broken.txt", Source("t"))
    assert e.value.line == _line_of(text, "• Metody funkcjonowania kanałów")
    assert str(e.value).startswith("broken.txt:")


def test_competence_naming_an_unknown_task_is_reported():
    text = _seed_text().replace("zadań zawodowych Z6, Z7,", "zadań zawodowych Z6, Z9,")
    with pytest.raises(ParseError, match="unknown task Z9"):
        parse_text(text, "broken.txt", Source("t"))


def test_non_utf8_file_is_reported(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Kod: 243108 zawód".encode("cp1250"))
    with pytest.raises(ParseError, match="not UTF-8"):
        parse_file(bad)
