"""Personal data out of users' messages before Rasa stores or logs them (RODO/GDPR).

Jobseekers type PESEL numbers, phone numbers, e-mail addresses, ID card and passport numbers,
bank accounts, card numbers, NIP, street addresses, their names and dates of birth, in Polish
and Ukrainian formats, spaced and punctuated any way. ``redact`` replaces them with placeholders.

How a number is judged: its separators (spaces, dots, dashes, slashes, brackets) are ignored
and its digits counted. A checksum that holds (PESEL, ID card, IBAN, NIP, Luhn for cards;
python-stdnum's implementations where it has one) decides the label, and a valid PESEL is
replaced whatever the words around it say; a number whose checksum fails is still replaced
when the words before it say what it is ("PESEL", "konto", "dowód", "tel."), since a mistyped
PESEL is still a PESEL. Numbers that are not personal data stay: six-digit KZiS codes, years,
dates of job offers, prices and salaries ("4 500 zł"), an employer's REGON (valid checksum,
right after the word) and KRS numbers.

Time grows linearly with the text (it runs on whatever a client sends, before any limit could
stop a long text): every pattern starts only at a token boundary (a lookbehind for the
character before) and every repeat is bounded, so no position is scanned more than a constant
number of times; nothing slices the rest of the text per match. ``tests/test_redact.py``
measures 64 KiB of hostile text (letter and digit runs, many "@", spaces, "a.a.a…").

Example::

    redact("mój PESEL 440514 01359, tel600100200")   # 'mój PESEL [PESEL], tel[TELEFON]'
"""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum import iban as std_iban
from stdnum import luhn as std_luhn
from stdnum.pl import nip as std_nip
from stdnum.pl import pesel as std_pesel
from stdnum.pl import regon as std_regon

ID_WEIGHTS = (7, 3, 1, 9, 7, 3, 1, 7, 3)  # Polish ID card: 3 letters, check digit, 5 digits (not in python-stdnum)
LETTERS = "A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźżА-ЯІЇЄҐа-яіїєґ"
UPPER = "A-ZĄĆĘŁŃÓŚŹŻА-ЯІЇЄҐ"
WORD = r"\w{1,40}"  # a word, bounded: a 60 KiB "word" must not be scanned again from each of its letters

# "@", "(at)", "[at]", "(małpa)", " at ", " małpa " (with at most a few spaces: an unbounded \s+ is rescanned)
AT = r"(?:\s{0,2}@\s{0,2}|\s?[(\[](?:at|małpa|malpa)[)\]]\s?|\s{1,3}(?:at|małpa|malpa)\s{1,3})"
DOT = r"(?:\.|\s?[(\[](?:dot|kropka)[)\]]\s?|\s{1,3}(?:dot|kropka)\s{1,3})"
# Starts only where a run of address characters starts (the lookbehind): a run of 60,000 letters is tried once,
# not from each of its letters. Lengths as RFC 5321 allows (64 before the @, 63 a label).
EMAIL = re.compile(rf"(?<![\w.+-])[\w.+-]{{1,64}}{AT}[\w-]{{1,63}}(?:{DOT}[\w-]{{1,63}}){{0,8}}{DOT}[a-z]{{2,24}}\b",
                   re.I | re.U)
# An IBAN of any country (two letters, two check digits, up to 30 more), or a Polish one without "PL".
IBAN = re.compile(r"\b[A-Z]{2}\s?\d{2}(?:[ -]?[A-Z0-9]){11,30}\b|(?<![\w-])\d{2}(?:[ -]?\d){24}(?![\w-])", re.I)
# A run of digits with the separators people type between them; an optional + or 00 prefix.
# Where a number may start: not inside a word, except glued to the words that announce one ("tel600100200").
NUMBER_START = r"(?:(?<=tel)|(?<=tel\.)|(?<=nr)|(?<=nr\.)|(?<=pesel)|(?<![\w+]))"
SEPARATOR = r"[ .\-–—/()]{0,2}"
DIGITS = re.compile(rf"{NUMBER_START}(?:\+|00)?\(?\d(?:{SEPARATOR}\d){{5,18}}(?!\w)", re.I)
# Every 11 digits that start and end a group of digits, overlapping (a lookahead): "30010100005 300102 00002" holds
# two PESELs, which a longest run of digits would cut in the middle. A valid PESEL wins over any other reading.
PESEL_AT = re.compile(rf"{NUMBER_START}(?=(\d(?:{SEPARATOR}\d){{10}})(?!\w))", re.I)
# Upper-case letters only: "kod 243108" is a KZiS code, "ABA 300000" an ID card.
ID_CARD = re.compile(rf"(?<![{LETTERS}])([A-Z]{{3}})[\s-]?(\d{{6}})(?!\d)")
PASSPORT = re.compile(rf"(?<![{LETTERS}])([A-Z]{{2}}|[А-ЯІЇЄҐ]{{2}})[\s-]?(\d{{3}}[\s-]?\d{{3,4}})(?!\d)")
STREET = (r"(?:ul\.|ulica|ulicy|al\.|aleja|alei|os\.|osiedle|osiedlu|pl\.|plac|placu|вул\.|вулиця|просп\.|проспект)"
          r"\s{0,3}")
NAME_WORD = rf"[{LETTERS}][{LETTERS}.-]{{0,39}}"
NUMBER = r"\d{1,5}(?!\d)"  # a house or flat number; a longer run is something else (a PESEL after a street name)
HOUSE = rf"{NUMBER}[a-zA-Z]?(?:\s?/\s?{NUMBER}[a-zA-Z]?)?(?:\s{{0,3}},?\s{{0,3}}(?:m\.|m|lok\.|кв\.)\s?{NUMBER})?"
ADDRESS = re.compile(rf"\b{STREET}{NAME_WORD}(?:\s{{1,3}}{NAME_WORD}){{0,3}}?\s{{1,3}}{HOUSE}", re.I | re.U)
# "mieszkam na Mickiewicza 5/12": a street without "ul." after words that introduce an address.
LIVES_AT = re.compile(rf"\b(?P<intro>(?:mieszkam|zamieszkał[ay]?|zamieszkania|adres|adresem|проживаю|живу):?\s{{1,3}}"
                      rf"(?:(?:na|przy|w|на|за)\s{{1,3}})?){NAME_WORD}(?:\s{{1,3}}{NAME_WORD}){{0,2}}?\s{{1,3}}{HOUSE}",
                      re.I | re.U)
FLAT = re.compile(rf",\s{{0,3}}(?:m\.|lok\.|mieszkania|кв\.)\s?{NUMBER}", re.I)
POSTAL = re.compile(rf"(?<!\d)\d{{2}}-\d{{3}}(?!\d)(?:\s{{1,3}}[{UPPER}][{LETTERS}-]{{1,40}})?", re.U)
# A name after the words that introduce one (capitalised words: "nazywam się i szukam pracy" keeps its words).
NAME = re.compile(rf"(?:(?<=[Nn]azywam się )|(?<=[Nn]azywam sie )|(?<=[Mm]am na imię )|(?<=[Mm]am na imie )|"
                  rf"(?<=[Mm]y name is )|(?<=[Мм]ене звати )|(?<=[Мм]оє ім'я )|(?<=[Ii]mię i nazwisko: ))"
                  rf"[{UPPER}][{LETTERS}'-]{{1,40}}(?:\s{{1,3}}[{UPPER}][{LETTERS}'-]{{1,40}}){{0,2}}", re.U)
BIRTH = re.compile(r"\b(?:urodzon[ya]|urodziłe[mś]|urodziłam|ur\.|data urodzenia:?|date of birth:?|born(?: on)?|"
                   r"народ\w{0,12}|дата народження:?)\s{0,3}(?:się\s{1,3}|w\s{1,3}|dnia\s{1,3})?"
                   r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}|"
                   rf"\d{{1,2}}\s{{1,3}}{WORD}\s{{1,3}}\d{{4}})", re.I | re.U)

# Words that say what a number is, within a few words before it. Never inside a placeholder ("[TELEFON] 1234
# 5678" is not a phone number said to be one: redacting the output again must change nothing).
CONTEXT = {
    "PESEL": re.compile(r"(?<!\[)pesel", re.I),
    "IBAN": re.compile(r"(?<!\[)(?:kont\w*|rachun\w*|iban|account|рахун\w*|банк\w*)", re.I),
    "DOWÓD": re.compile(r"(?<!\[)(?:dow[oó]d\w*|dowodu|id card|паспорт\w*|посвідч\w*)", re.I),
    "TELEFON": re.compile(r"(?<!\[)(?:tel\w*|komórk\w*|kom\.|phone|mobile|call|zadzwo\w*|dzwo\w*|тел\w*|номер)", re.I),
    "NIP": re.compile(r"(?<!\[)\bnip\b", re.I),
}
NOT_PERSONAL = re.compile(r"(kod\w*|code|kzis|zł|zl|pln|eur|euro|€|\$|brutto|netto|godz\w*|rok\w*)\W*$", re.I)
# an employer's register number right after its name (at most one word between: "REGON firmy 123456785")
EMPLOYER = re.compile(r"\b(regon|krs)\b\W{0,3}(?:\w{1,20}\W{1,3})?$", re.I)
NOT_DIGIT = re.compile(r"\D")
MONEY_AFTER = re.compile(r"\s{0,3}(zł|zl|pln|eur|euro|€|\$|brutto|netto|tys)", re.I)  # matched at the number's end


@lru_cache(maxsize=4096)  # a hostile text repeats the same candidates ("1 1 1 1 ..." is 30,000 of them)
def pesel_ok(digits: str) -> bool:
    """A PESEL: 11 digits, check digit and date of birth valid (python-stdnum)."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    if not (1 <= int(digits[2:4]) % 20 <= 12 and "01" <= digits[4:6] <= "31"):
        return False  # cheap tests first: stdnum's validation cleans the text and parses the date, ~15x the time
    return std_pesel.calc_check_digit(digits[:10]) == digits[10] and std_pesel.is_valid(digits)


def id_card_ok(letters: str, digits: str) -> bool:
    """A Polish ID card number (3 letters, 6 digits, the first of them the check digit)."""
    values = [ord(c) - 55 for c in letters.upper()] + [int(d) for d in digits]
    return sum(v * w for v, w in zip(values, ID_WEIGHTS)) % 10 == 0 and len(values) == 9


def nip_ok(digits: str) -> bool:
    return len(digits) == 10 and digits.isdigit() and std_nip.is_valid(digits)


def regon_ok(digits: str) -> bool:
    return len(digits) in (9, 14) and digits.isdigit() and std_regon.is_valid(digits)


def luhn_ok(digits: str) -> bool:
    return digits.isdigit() and std_luhn.is_valid(digits)


def iban_ok(text: str) -> bool:
    """Mod-97 and the country's account layout (python-stdnum's IBAN registry); a Polish account without the "PL"
    prefix counts as Polish. The banks' own national checks are not required: a valid IBAN is personal enough."""
    s = re.sub(r"[\s-]", "", text.upper())
    if s.isdigit() and len(s) == 26:
        s = "PL" + s
    return bool(re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s)) and std_iban.is_valid(s, check_country=False)


def _said(text: str, start: int, kind: str, window: int = 25) -> bool:
    """Whether the words just before ``start`` say the number is a ``kind`` ("PESEL: ...", "moje konto ...")."""
    return bool(CONTEXT[kind].search(text, max(0, start - window), start))


def redact(text: str) -> str:
    """The text with personal data replaced by [EMAIL], [IBAN], [PESEL], [NIP], [KARTA], [DOWÓD], [PASZPORT],
    [TELEFON], [ADRES], [IMIĘ I NAZWISKO], [DATA URODZENIA]. Linear in the length of the text."""
    if not text:
        return text
    text = EMAIL.sub("[EMAIL]", text)
    text = BIRTH.sub("[DATA URODZENIA]", text)
    text = NAME.sub("[IMIĘ I NAZWISKO]", text)
    text = _pesels(text)
    text = IBAN.sub(lambda m: "[IBAN]" if iban_ok(m.group(0)) or _said(m.string, m.start(), "IBAN") else m.group(0),
                    text)
    text = ID_CARD.sub(lambda m: "[DOWÓD]" if id_card_ok(m.group(1), m.group(2)) or _said(m.string, m.start(), "DOWÓD")
                       else m.group(0), text)
    text = PASSPORT.sub(_passport, text)
    text = ADDRESS.sub("[ADRES]", text)
    text = LIVES_AT.sub(r"\g<intro>[ADRES]", text)
    text = FLAT.sub(", [ADRES]", text)
    text = POSTAL.sub(_postal, text)
    return DIGITS.sub(_number, text)


def _pesels(text: str) -> str:
    """Every valid PESEL replaced, whatever the words around it (an employer's REGON before it, "brutto" after)."""
    spans: list[tuple[int, int]] = []
    for m in PESEL_AT.finditer(text):
        start, end = m.start(), m.start() + len(m.group(1))
        if (not spans or start >= spans[-1][1]) and pesel_ok(NOT_DIGIT.sub("", m.group(1))):
            spans.append((start, end))
    if not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], "[PESEL]"]
        last = end
    return "".join(out) + text[last:]


def _passport(m: re.Match[str]) -> str:
    """Two letters and 7 digits (Polish passport), or two Cyrillic letters and 6 digits (Ukrainian passport)."""
    digits = re.sub(r"\D", "", m.group(2))
    if len(digits) == 7 or (len(digits) == 6 and not m.group(1).isascii()):
        return "[PASZPORT]"
    return m.group(0)


def _postal(m: re.Match[str]) -> str:
    """A postal code with the town after it is part of an address; a bare "35-001" range stays."""
    return "[ADRES]" if " " in m.group(0) else m.group(0)


def _number(m: re.Match[str]) -> str:
    """Judge one run of digits by how many digits it has, its checksums and the words around it."""
    raw, text, start = m.group(0), m.string, m.start()
    digits = NOT_DIGIT.sub("", raw)
    international = raw.startswith(("+", "00"))
    if international:
        digits = digits[2:] if raw.startswith("00") else digits
    n = len(digits)
    if n == 11 and not international and pesel_ok(digits):
        return "[PESEL]"  # a valid PESEL is one, whatever the words around it say ("REGON ... i PESEL ...")
    before = text[max(0, start - 25) : start]
    employer = EMPLOYER.search(before)
    if employer and (regon_ok(digits) if employer.group(1).lower() == "regon" else n == 10):
        return raw  # an employer's REGON or KRS
    if NOT_PERSONAL.search(before[-12:]) or MONEY_AFTER.match(text, m.end()):
        return raw  # a code, a salary
    if n == 11 and not international and _said(text, start, "PESEL", 40):
        return "[PESEL]"
    if n == 10 and not international and (_said(text, start, "NIP") or (nip_ok(digits) and "-" in raw)):
        return "[NIP]"
    if 13 <= n <= 19 and not international and luhn_ok(digits):
        return "[KARTA]"
    if _phone(digits, n, international, raw) or (8 <= n <= 13 and _said(text, start, "TELEFON")):
        return "[TELEFON]"
    return raw


def _phone(digits: str, n: int, international: bool, raw: str) -> bool:
    """Polish numbers (9 digits; 10 with the old trunk 0: "022 123 45 67"), +48/0048, Ukrainian (+380,
    0XX XXX XX XX)."""
    if international:
        return 10 <= n <= 13
    if n == 9:
        return True
    if n == 10 and digits.startswith("0"):
        return True
    if n == 11 and digits.startswith("48") and not raw.isdigit():
        return True
    return n == 12 and digits.startswith("380")
