"""Loaders for the KZiS classification files (OJALAB snapshot): dictionary, synonyms, ESCO, hierarchy.

Each loader reads one file and returns plain records keyed by the 6-digit code (a
string with leading zeros). Merging happens in ``corpus``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import simplemma
import yaml

from .records import Source
from .text import canonical, content_words

csv.field_size_limit(10_000_000)

# The sources' keys in the sentence catalog (bot/sentences.yml), as the index stores them with every passage; what a
# user reads is the key's sentence in their language (index/sentences.py: cite).
KZIS_SOURCE = "cite_kzis"
ESCO_SOURCE = "cite_esco"
ESCO_SKILLS_SOURCE = "cite_esco_skills"  # one ESCO occupation's skills: the sentence names the occupation

CODE6 = re.compile(r"^\d{6}$")
TRAINING_HINT = re.compile(r"wykształceni|wymagan[ea]|kwalifikacj|kurs|uprawnieni|studi[aó]|szkoł|świadectw",
                           re.IGNORECASE)


@dataclass
class KzisEntry:
    code: str
    name: str
    synthesis: str
    tasks: list[str]
    training: list[str] = field(default_factory=list)


def file_date(path: Path) -> str | None:
    """The date a file name carries (kzis-dictionary-2024-07-10.csv -> 2024-07-10), or its year."""
    m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name) or re.search(r"(20\d{2})", path.name)
    return m.group(1) if m else None


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def split_tasks(raw: str) -> tuple[list[str], list[str]]:
    """Split a dictionary task field into task statements and prose about requirements.

    Tasks are separated by newlines or by ';' (often with no space after it); lines that
    are just "Brak" mean none. A capitalised sentence about education or licences that
    some entries append is returned separately as training information.
    """
    tasks: list[str] = []
    training: list[str] = []
    for line in re.split(r"[\r\n]+", raw):
        line = line.strip().strip("\t")
        if not line or line.rstrip(".").lower() == "brak":
            continue
        if line[:1].isupper() and TRAINING_HINT.search(line) and ". " in line:
            training.append(_norm_space(line))
            continue
        for part in re.split(r";(?!\s*\))", line):
            part = _norm_space(part).strip(" .-–")
            if len(part) > 3:
                tasks.append(part[0].upper() + part[1:])
    return tasks, training


def _norm_space(text: str) -> str:
    """One space between words; soft hyphens (U+00AD, left over from the source's word processor) dropped."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\xad", "")).strip()


def load_dictionary(path: Path) -> tuple[list[KzisEntry], Source]:
    """The dictionary's entries, with the words its scraper glued together split again (``unglue``)."""
    source = Source(KZIS_SOURCE, file_date(path), path.name)
    rows = [r for r in _rows(path) if CODE6.match(r["code"].strip().zfill(6))]
    tasks_raw = [(r.get("tasks1") or "") + "\n" + (r.get("tasks2") or "") for r in rows]
    vocab = Vocabulary.of([r.get("synthesis") or "" for r in rows] + tasks_raw, tasks_raw)
    entries = []
    for row, raw in zip(rows, tasks_raw):
        # "NazwaProwadzi zakłady sportowe…": the scraped form's label glued to the summary
        synthesis = re.sub(r"^Nazwa(?=[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż])", "", row.get("synthesis") or "")
        tasks, training = split_tasks(unglue(raw, vocab, tasks=True))
        entries.append(KzisEntry(row["code"].strip().zfill(6), _norm_space(row["name"]),
                                 _norm_space(unglue(synthesis, vocab)), tasks, training))
    return entries, source


# --- Words the dictionary's scraper glued together --------------------------------------------------------
# The scraped dictionary lost some line breaks and spaces: "…pracowników medycznychprowadzenie opieki…" (2 tasks),
# "tworzywsztucznych", "BHPergonomii", "choremuiepełnosprawnemu" (" i n" lost), "dobieranie - dobieranie". A word is
# split only when it is unknown (neither in simplemma's Polish lexicon nor five times in the file) and both parts
# are known words, so that long real words ("elektroencefalograficznych", "pozaszpitalnej") stay whole. On the
# 2024-07-10 file this makes 35 fixes of 33 forms (tests/test_kzis.py lists them).

LETTERS = r"[^\W\d_]"
TOKEN = re.compile(rf"{LETTERS}+")
UPPER = "A-ZĄĆĘŁŃÓŚŹŻ"
# Prepositions and prefixes that begin real compounds ("pozaszpitalnej", "przytorowych", "kilkuwarstwowych",
# "czasokresów"): a word is never split right after one of them.
PREFIXES = frozenset("""
poza przy przez prze przed przeciw ponad pod nad wewnątrz zewnątrz między miedzy śród post trój kilku wielo mega
poli kontr kontra niby para trans anty samo współ super ultra mikro makro czas
""".split())
GERUND = ("anie", "enie", "ęcie", "icie", "ycie")
# Words that never end a compound: "pomocyktórego" is "pomocy którego"
FUNCTION_WORDS = frozenset("który która które którego której którym których którymi oraz lub albo".split())


@lru_cache(maxsize=100_000)
def _in_lexicon(word: str) -> bool:
    return simplemma.is_known(word.lower(), "pl", low_memory=True)


@dataclass
class Vocabulary:
    """What a text collection says about its own words: how often each occurs (lowercased), how often each begins a
    task, and how often two tokens follow each other."""

    counts: Counter[str]
    starts: Counter[str]
    pairs: Counter[tuple[str, str]]

    @classmethod
    def of(cls, texts: list[str], task_texts: list[str]) -> Vocabulary:
        counts: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for text in texts:
            tokens = [t.lower() for t in re.findall(rf"{LETTERS}+|[^\w\s]", text)]
            counts.update(t for t in tokens if t[0].isalpha())
            pairs.update(pairwise(tokens))
        starts = Counter(m.group(0).lower() for text in task_texts for part in re.split(r"[;\n\t]+", text)
                         if (m := TOKEN.match(part.strip())))
        return cls(counts, starts, pairs)

    def freq(self, word: str) -> int:
        return self.counts[word.lower()]

    def known(self, word: str) -> bool:
        # five times: a glued form the source repeats ("choregoiepełnosprawnego" three times) is not a word
        return self.freq(word) >= 5 or _in_lexicon(word)

    def starts_task(self, word: str) -> bool:
        """A word that begins tasks: three times in the file, or a long gerund ("konfekcjonowanie")."""
        return word.islower() and (self.starts[word] >= 3 or (len(word) >= 10 and word.endswith(GERUND)))


def glued_parts(word: str, vocab: Vocabulary) -> tuple[str, str, str] | None:
    """(left, joiner, right) of a word the source glued together, or None. The joiner is "; " when the right part
    begins a task (the source lost the line break between two tasks), ", " after an acronym ("BHP, ergonomii", as
    the file writes it twelve times elsewhere), " i " where " i n" was lost, else a space."""
    if len(word) < 8 or vocab.known(word):
        return None
    m = re.fullmatch(rf"([{UPPER}]{{2,}})({LETTERS}{{4,}})", word)
    if m and m.group(2).islower() and vocab.freq(m.group(1)) >= 3 and vocab.known(m.group(2)):
        return m.group(1), ", ", m.group(2)
    best: tuple[int, str, str] | None = None
    for i in range(4, len(word) - 4):
        a, b = word[:i], word[i:]
        # "foto|elektrycznych" is a compound ("-o-" joins its parts); "fotograficznego|…" ends in a case ending
        if a.lower().removeprefix("nie") in PREFIXES or (a.endswith("o") and not a.endswith("ego")):
            continue
        if not vocab.known(b):
            continue
        starter = vocab.starts_task(b)
        if not (vocab.known(a) or (starter and len(a) >= 6)):  # "chorobotworczymi|udzielanie": a typo before a task
            continue
        sentence = b[0].isupper() and b[1:].islower() and a.islower() and len(b) >= 5
        # a second word that is not a task's first needs the pair elsewhere in the file ("tworzyw sztucznych"):
        # "straty|graficznych" and "kanty|nowych" are never written apart
        if not (starter or sentence or b in FUNCTION_WORDS or vocab.pairs[(a.lower(), b.lower())]):
            continue
        score = min(vocab.freq(a), vocab.freq(b)) + 1_000 * starter
        if best is None or score > best[0]:
            best = (score, a, b)
    if best:
        return best[1], "; " if vocab.starts_task(best[2]) else " ", best[2]
    for i in range(4, len(word) - 6):  # "choremu|iepełnosprawnemu": " i n" lost between two coordinated words
        a, rest = word[:i], word[i:]
        if (rest.startswith("ie") and vocab.known(a) and not vocab.known(rest[1:]) and vocab.freq("n" + rest)
                and a[-3:] == rest[-3:]):  # the same ending: "gazoniebezpiecznych" is one word
            return a, " i ", "n" + rest
    return None


def unglue(text: str, vocab: Vocabulary, tasks: bool = False, fixes: list[tuple[str, str]] | None = None) -> str:
    """``text`` with glued words split and doubled words ("propozycji propozycji", "dobieranie - dobieranie") said
    once. In a task field a split before a task's first word becomes "; ", which ``split_tasks`` splits on; elsewhere
    it is a space. ``fixes`` collects (before, after) pairs."""
    def split(m: re.Match[str]) -> str:
        parts = glued_parts(m.group(0), vocab)
        if parts is None:
            return m.group(0)
        a, joiner, b = parts
        out = a + (joiner if tasks or joiner != "; " else " ") + b
        if fixes is not None:
            fixes.append((m.group(0), out))
        return out

    def once(m: re.Match[str]) -> str:
        if fixes is not None:
            fixes.append((m.group(0), m.group(1)))
        return m.group(1)

    text = TOKEN.sub(split, text)
    text = re.sub(rf"\b({LETTERS}{{4,}}) \1\b", once, text)
    # with a dash only a gerund: "ciecz - ciecz" is a real term (liquid-liquid extraction)
    return re.sub(rf"\b({LETTERS}{{4,}}(?:{'|'.join(GERUND)})) - \1\b", once, text)


def load_gus_thesaurus(path: Path) -> dict[str, list[str]]:
    """Code -> synonyms (the official name, in capitals there, is skipped)."""
    out: dict[str, list[str]] = defaultdict(list)
    for row in _rows(path):
        code = row["code"].strip().zfill(6)
        for name in (row.get("desc") or "").split(","):
            name = _norm_space(name)
            if name and not name.isupper():
                out[code].append(name)
    return out


@dataclass
class EscoOccupation:
    """One ESCO occupation the file maps to a KZiS code (a code can have several: 12 subject teachers for 233001)."""

    code: str
    name: str  # as the file writes it, male/female: "nauczyciel biologii …/nauczycielka biologii …"
    alt_names: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)


def load_esco(path: Path) -> tuple[list[EscoOccupation], Source]:
    """The ESCO occupations of ``esco-kzis-*.csv`` with their names and skill labels, in file order (each starts
    with its ``occupation_name`` row)."""
    out: list[EscoOccupation] = []
    for row in _rows(path):
        code = row["code"].strip().zfill(6)
        var, desc = row.get("var", ""), row.get("desc") or ""
        if var == "occupation_name" or not out or out[-1].code != code:
            out.append(EscoOccupation(code, _norm_space(desc) if var == "occupation_name" else ""))
        occ = out[-1]
        if var == "occupation_alternative_names":
            occ.alt_names.extend(n for n in (_norm_space(x) for x in re.split(r"[;\n]", desc)) if n)
        elif var == "skills":
            for s in (_norm_space(x) for x in desc.split(";")):
                if s and s not in occ.skills:
                    occ.skills.append(s)
    # the verbs that start skills, counted once per KZiS code as before occupations were kept apart
    per_code: dict[str, dict[str, None]] = defaultdict(dict)
    for occ in out:
        per_code[occ.code].update(dict.fromkeys(occ.skills))
    verbs = skill_verbs([s for labels in per_code.values() for s in labels])
    for occ in out:
        occ.skills = list(dict.fromkeys(part for s in occ.skills for part in split_merged(s, verbs)))
    return [o for o in out if o.name or o.skills], Source(ESCO_SOURCE, None, path.name)


INFINITIVE = re.compile(r"(ać|ić|yć|eć|ąć|ść|źć)$")


def skill_verbs(labels: list[str]) -> set[str]:
    """Verbs that begin ESCO skills ("zarządzać", "sortować"): infinitives that start at least three labels."""
    first = Counter(label.split()[0] for label in labels if label.split())
    return {w for w, n in first.items() if n >= 3 and INFINITIVE.search(w)}


def split_merged(label: str, verbs: set[str]) -> list[str]:
    """ESCO skills the source lost the separator between ("sortować odpady samodzielnie wykonywać prace ręczne"),
    split before each skill-starting verb that follows at least two words."""
    parts: list[list[str]] = [[]]
    for word in label.split():
        if word in verbs and len(parts[-1]) >= 2:
            parts.append([])
        parts[-1].append(word)
    return [" ".join(p) for p in parts]


def esco_source(base: Source, esco_name: str) -> Source:
    """The source of one occupation's ESCO skills: which ESCO occupation they come from."""
    return Source(ESCO_SKILLS_SOURCE, base.date, base.file, (("name", esco_name),))


# --- Is the ESCO occupation mapped to a KZiS code the same job? --------------------------------------------
# The crosswalk maps some KZiS occupations to a different job: Kierowca ciągnika siodłowego to "kierowca
# betoniarki" (whose skills include "rodzaje pomp do betonu"), Operator koparki to "operator zgarniarki". An ESCO
# occupation's skills and names are used only when it is the same job: when it has the same words as the KZiS
# occupation (``same_words``), unless a hand label says otherwise, or when a hand label says so
# (``esco_same_job.yml``: every mapping without the same words was read and labelled). docs/data-quality.md has
# the counts and how the rule was chosen (E5 similarity of the names did not separate the hard cases).

SAME_JOB_LABELS = Path(__file__).parent / "sources" / "esco_same_job.yml"


def _name_variants(name: str) -> list[str]:
    """A name and its parts: "Polityk (minister, sekretarz / …)" -> also "minister, sekretarz / …" and "Polityk";
    "Stewardesa / steward" -> also "Stewardesa", "steward"; ESCO's "kucharz/kucharka" -> "kucharz", "kucharka"."""
    out = [name]
    if m := re.search(r"\(([^)]+)\)", name):
        out += [m.group(1), re.sub(r"\s*\([^)]*\)", "", name)]
    out += [p for p in re.split(r"\s*/\s*", name) if p] if "/" in name else []
    return [n.strip() for n in out if n.strip()]


def slash_alternatives(name: str) -> list[str]:
    """The names a KZiS name with alternatives after a slash stands for: "Kierownik sklepu / supermarketu" ->
    "Kierownik sklepu", "Kierownik supermarketu"; "Monter / konserwator urządzeń dźwigowych" -> "Monter urządzeń
    dźwigowych", "konserwator urządzeń dźwigowych"; "Opiekunka w żłobku / klubie dziecięcym" -> "Opiekunka w
    żłobku", "Opiekunka klubie dziecięcym" (a word lost is a small word: the names are matched by content words).
    A name with no slash, or with alternatives of other shapes, gives nothing."""
    parts = [p.split() for p in re.split(r"\s*/\s*", re.sub(r"\s*\([^)]*\)", "", name)) if p.strip()]
    if len(parts) < 2:
        return []
    first, rest = parts[0], parts[1:]
    if len(first) == 1 and len(rest[-1]) > 1:  # one word, then the words all share: "Monter / konserwator urządzeń"
        tail = rest[-1][1:]
        out = [[first[0], *tail], *([r[0], *tail] for r in rest[:-1]), rest[-1]]
    elif all(len(r) < len(first) for r in rest):  # the last words differ: "Reporter radiowy / telewizyjny"
        out = [first, *(first[: len(first) - len(r)] + r for r in rest)]
    else:
        return []
    return [" ".join(words) for words in out]


# a bracket that qualifies the name rather than names the job: a preposition first, or one adjective ("(widłowych)")
NOT_A_NAME = re.compile(r"(?i)^(?:z|ze|bez|w|we|na|do|dla|np\.?|oprócz|poza|gdzie)\b"
                        r"|^\w+(?:ych|ich|ego|owej|nej|owy|ski|cki|atu)$")


def bracketed_names(name: str) -> list[str]:
    """The other names a KZiS name gives in brackets, and the name without them: "Asystent osobisty (concierge)" ->
    "concierge", "Asystent osobisty"; "Prezenter muzyczny (DJ / didżej)" -> "didżej", "Prezenter muzyczny" (an
    acronym alone names nothing); inside a name it stands for the word before it: "Elektromonter (elektryk)
    zakładowy" -> "elektryk zakładowy". A bracket that qualifies rather than names ("(z wyłączeniem hotelowych)", "(bez
    święceń kapłańskich)", "(widłowych)") gives only the name without it."""
    m = re.search(r"\(([^)]+)\)", name)
    if not m:
        return []
    bare = _norm_space(re.sub(r"\s*\([^)]*\)", "", name))
    parts = [p.strip() for p in re.split(r"\s*[/,]\s*", m.group(1)) if p.strip()]
    if parts and NOT_A_NAME.search(parts[0]):
        parts = []
    after = name[m.end():].strip(" .")  # "Elektromonter (elektryk) zakładowy": the bracket stands for the first word
    return [_norm_space(f"{p} {after}") for p in parts if not NOT_A_NAME.search(p) and not p.isupper()] \
        + ([bare] if bare else [])


def _content_keys(name: str) -> frozenset[str]:
    """The name's content words, one key per word for its female and male forms and its inflections."""
    return frozenset(canonical(w) for w in content_words(name) if len(w) > 2)


def same_words(kzis_names: Iterable[str], esco_names: Iterable[str]) -> bool:
    """Whether some KZiS name (the official one or a GUS synonym) and some ESCO name (the occupation's or an
    alternative one) have the same content words, whatever their gender and inflection ("Hafciarka" and "hafciarz",
    "Kierujący tramwajem (motorniczy)" and "kierujący tramwajem")."""
    ours = {_content_keys(v) for n in kzis_names for v in _name_variants(n)} - {frozenset()}
    return any(_content_keys(v) in ours for n in esco_names for v in _name_variants(n))


def esco_key(code: str, esco_name: str) -> tuple[str, str]:
    """A mapping's key in the labels: the code and the ESCO name's first (male) form, lowercased."""
    return code, _norm_space(esco_name.split("/", maxsplit=1)[0]).lower()


@lru_cache(maxsize=4)
def same_job_labels(path: Path = SAME_JOB_LABELS) -> dict[tuple[str, str], bool]:
    """Hand labels: (code, ESCO name) -> whether the ESCO occupation is the same job as the KZiS occupation."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {esco_key(str(p["code"]).zfill(6), p["esco"]): bool(p["same_job"]) for p in data["pairs"]}


def esco_same_job(code: str, kzis_names: Iterable[str], esco: EscoOccupation,
                  labels: dict[tuple[str, str], bool] | None = None) -> bool:
    """Whether an ESCO occupation is the same job as the KZiS occupation ``code``: its hand label, else the same
    words. A mapping with neither (a new file) is not shown: a missing skill list costs less than a wrong one."""
    labels = same_job_labels() if labels is None else labels
    label = labels.get(esco_key(code, esco.name))
    return label if label is not None else same_words(kzis_names, [esco.name, *esco.alt_names])


def load_hierarchy(path: Path) -> dict[str, str]:
    """Class code (1-6 digits) -> name, with the 'S' marker of school occupations removed."""
    out = {}
    for row in _rows(path, delimiter="\t"):
        code, name = row["class"].strip(), _norm_space(row["name"])
        if len(code) == 6:
            name = re.sub(r"(?<=[a-ząćęłńóśźż)])S$", "", name)
        out[code] = name
    return out


def load_group_descriptions(path: Path) -> dict[str, str]:
    """Group code -> its official summary (kzis-desc-level{2,3,4}.csv)."""
    return {row["kod"].strip(): _norm_space(row.get("synteza") or "") for row in _rows(path)}
