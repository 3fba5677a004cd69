"""Personal data out of users' messages before Rasa stores or logs them (RODO/GDPR).

Jobseekers type PESEL numbers, phone numbers, e-mail addresses, ID card and passport numbers,
bank accounts, card numbers, NIP, street addresses, their names and dates of birth, in Polish
and Ukrainian formats, spaced and punctuated any way. ``redact`` replaces them with placeholders.

How a number is judged: its separators (spaces, dots, dashes, slashes, brackets) are ignored
and its digits counted. A checksum that holds (PESEL, ID card, IBAN, NIP, Luhn for cards)
decides the label; a number whose checksum fails is still replaced when the words before it say
what it is ("PESEL", "konto", "dowód", "tel."), since a mistyped PESEL is still a PESEL. Numbers
that are not personal data stay: six-digit KZiS codes, years, dates of job offers, prices and
salaries ("4 500 zł"), REGON and KRS numbers of employers.

Example::

    redact("mój PESEL 440514 01359, tel600100200")   # 'mój PESEL [PESEL], tel[TELEFON]'
"""

from __future__ import annotations

import re

PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
ID_WEIGHTS = (7, 3, 1, 9, 7, 3, 1, 7, 3)  # Polish ID card: 3 letters, check digit, 5 digits
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
LETTERS = "A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźżА-ЯІЇЄҐа-яіїєґ"
UPPER = "A-ZĄĆĘŁŃÓŚŹŻА-ЯІЇЄҐ"

AT = r"(?:@|\s?\(at\)\s?|\s?\[at\]\s?|\s?\(małpa\)\s?|\s+at\s+)"
DOT = r"(?:\.|\s?\(dot\)\s?|\s?\[dot\]\s?|\s+dot\s+)"
EMAIL = re.compile(rf"[\w.+-]+{AT}[\w-]+(?:{DOT}[\w-]+)*{DOT}[a-z]{{2,}}\b", re.I | re.U)
# An IBAN of any country (two letters, two check digits, up to 30 more), or a Polish one without "PL".
IBAN = re.compile(r"\b[A-Z]{2}\s?\d{2}(?:[ -]?[A-Z0-9]){11,30}\b|(?<![\w-])\d{2}(?:[ -]?\d){24}(?![\w-])", re.I)
# A run of digits with the separators people type between them; an optional + or 00 prefix.
DIGITS = re.compile(r"(?:(?<=tel)|(?<=tel\.)|(?<=nr)|(?<=nr\.)|(?<![\w+]))(?:\+|00)?\(?\d(?:[ .\-–—/()]{0,2}\d){5,18}(?![\w])",
                    re.I)
# Upper-case letters only: "kod 243108" is a KZiS code, "ABA 300000" an ID card.
ID_CARD = re.compile(rf"(?<![{LETTERS}])([A-Z]{{3}})[\s-]?(\d{{6}})(?!\d)")
PASSPORT = re.compile(rf"(?<![{LETTERS}])([A-Z]{{2}}|[А-ЯІЇЄҐ]{{2}})[\s-]?(\d{{3}}[\s-]?\d{{3,4}})(?!\d)")
STREET = (r"(?:ul\.|ulica|ulicy|al\.|aleja|alei|os\.|osiedle|osiedlu|pl\.|plac|placu|вул\.|вулиця|просп\.|проспект)"
          r"\s*")
NAME_WORD = rf"[{LETTERS}][{LETTERS}.-]*"
HOUSE = r"\d+[a-zA-Z]?(?:\s?/\s?\d+[a-zA-Z]?)?(?:\s*,?\s*(?:m\.|m|lok\.|кв\.)\s?\d+)?"
ADDRESS = re.compile(rf"\b{STREET}{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}}?\s+{HOUSE}", re.I | re.U)
# "mieszkam na Mickiewicza 5/12": a street without "ul." after words that introduce an address.
LIVES_AT = re.compile(rf"\b(?P<intro>(?:mieszkam|zamieszkał[ay]?|zamieszkania|adres|adresem|проживаю|живу):?\s+"
                      rf"(?:(?:na|przy|w|на|за)\s+)?){NAME_WORD}(?:\s+{NAME_WORD}){{0,2}}?\s+{HOUSE}", re.I | re.U)
FLAT = re.compile(r",\s*(?:m\.|lok\.|mieszkania|кв\.)\s?\d+\b", re.I)
POSTAL = re.compile(rf"(?<!\d)\d{{2}}-\d{{3}}(?!\d)(?:\s+[{UPPER}][{LETTERS}-]+)?", re.U)
# A name after the words that introduce one (capitalised words: "nazywam się i szukam pracy" keeps its words).
NAME = re.compile(rf"(?:(?<=[Nn]azywam się )|(?<=[Nn]azywam sie )|(?<=[Mm]am na imię )|(?<=[Mm]am na imie )|"
                  rf"(?<=[Mm]y name is )|(?<=[Мм]ене звати )|(?<=[Мм]оє ім'я )|(?<=[Ii]mię i nazwisko: ))"
                  rf"[{UPPER}][{LETTERS}'-]+(?:\s+[{UPPER}][{LETTERS}'-]+){{0,2}}", re.U)
BIRTH = re.compile(r"\b(?:urodzon[ya]|urodziłe[mś]|urodziłam|ur\.|data urodzenia:?|date of birth:?|born(?: on)?|"
                   r"народ\w*|дата народження:?)\s*(?:się\s+|w\s+|dnia\s+)?"
                   r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}\s+\w+\s+\d{4})", re.I | re.U)

# Words that say what a number is, within a few words before it.
CONTEXT = {
    "PESEL": re.compile(r"pesel", re.I),
    "IBAN": re.compile(r"kont\w*|rachun\w*|iban|account|рахун\w*|банк\w*", re.I),
    "DOWÓD": re.compile(r"dow[oó]d\w*|dowodu|id card|паспорт\w*|посвідч\w*", re.I),
    "TELEFON": re.compile(r"tel\w*|komórk\w*|kom\.|phone|mobile|call|zadzwo\w*|dzwo\w*|тел\w*|номер", re.I),
    "NIP": re.compile(r"\bnip\b", re.I),
}
NOT_PERSONAL = re.compile(r"(kod\w*|code|kzis|zł|zl|pln|eur|euro|€|\$|brutto|netto|godz\w*|rok\w*)\W*$", re.I)
EMPLOYER = re.compile(r"\b(regon|krs)\b", re.I)  # a company's register numbers, a few words before
MONEY_AFTER = re.compile(r"^\s*(zł|zl|pln|eur|euro|€|\$|brutto|netto|tys)", re.I)


def pesel_ok(digits: str) -> bool:
    if len(digits) != 11 or not digits.isdigit():
        return False
    check = (10 - sum(int(d) * w for d, w in zip(digits, PESEL_WEIGHTS)) % 10) % 10
    month = int(digits[2:4]) % 20
    return check == int(digits[10]) and 1 <= month <= 12 and 1 <= int(digits[4:6]) <= 31


def id_card_ok(letters: str, digits: str) -> bool:
    values = [ord(c) - 55 for c in letters.upper()] + [int(d) for d in digits]
    return sum(v * w for v, w in zip(values, ID_WEIGHTS)) % 10 == 0 and len(values) == 9


def nip_ok(digits: str) -> bool:
    if len(digits) != 10 or not digits.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS)) % 11 == int(digits[9])


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def iban_ok(text: str) -> bool:
    """Mod-97 of any country's IBAN; a Polish account without the "PL" prefix counts as Polish."""
    s = re.sub(r"[\s-]", "", text.upper())
    if s.isdigit() and len(s) == 26:
        s = "PL" + s
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s):
        return False
    rearranged = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _said(text: str, start: int, kind: str, window: int = 25) -> bool:
    """Whether the words just before ``start`` say the number is a ``kind`` ("PESEL: ...", "moje konto ...")."""
    return bool(CONTEXT[kind].search(text[max(0, start - window) : start]))


def redact(text: str) -> str:
    """The text with personal data replaced by [EMAIL], [IBAN], [PESEL], [NIP], [KARTA], [DOWÓD], [PASZPORT],
    [TELEFON], [ADRES], [IMIĘ I NAZWISKO], [DATA URODZENIA]."""
    if not text:
        return text
    text = EMAIL.sub("[EMAIL]", text)
    text = BIRTH.sub("[DATA URODZENIA]", text)
    text = NAME.sub("[IMIĘ I NAZWISKO]", text)
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
    digits = re.sub(r"\D", "", raw)
    n = len(digits)
    before = text[max(0, start - 25) : start]
    if NOT_PERSONAL.search(before[-12:]) or EMPLOYER.search(before) or MONEY_AFTER.match(text[m.end() :]):
        return raw  # an employer's REGON, a code, a salary
    international = raw.startswith(("+", "00"))
    if international:
        digits = digits[2:] if raw.startswith("00") else digits
        n = len(digits)
    if n == 11 and not international and (pesel_ok(digits) or _said(text, start, "PESEL", 40)):
        return "[PESEL]"
    if n == 10 and not international and (_said(text, start, "NIP") or (nip_ok(digits) and "-" in raw)):
        return "[NIP]"
    if 13 <= n <= 19 and not international and luhn_ok(digits):
        return "[KARTA]"
    if _phone(digits, n, international, raw) or (8 <= n <= 13 and _said(text, start, "TELEFON")):
        return "[TELEFON]"
    return raw


def _phone(digits: str, n: int, international: bool, raw: str) -> bool:
    """Polish numbers (9 digits; 10 with the old trunk 0: "022 123 45 67"), +48/0048, Ukrainian (+380, 0XX XXX XX XX)."""
    if international:
        return 10 <= n <= 13
    if n == 9:
        return True
    if n == 10 and digits.startswith("0"):
        return True
    if n == 11 and digits.startswith("48") and not raw.isdigit():
        return True
    return n == 12 and digits.startswith("380")
