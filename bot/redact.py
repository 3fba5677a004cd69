"""Personal data out of users' messages before Rasa stores or logs them (RODO/GDPR).

Jobseekers type PESEL numbers, phone numbers, e-mail addresses, ID card and passport numbers,
bank accounts, card numbers, NIP, street addresses, their names and dates of birth, in Polish
and Ukrainian formats, spaced and punctuated any way. ``redact`` replaces them with placeholders.
Ukrainian ones too: the taxpayer number РНОКПП/ІПН (python-stdnum's ``ua.rntrc``), the record
number УНЗР (``YYYYMMDD-NNNNN``), passports ("паспорт FA123456", "серії КВ № 123456"), the ID card
("ID-картка 001234567"), driving licences and residence permits ("посвідка").

How a number is judged: its separators (spaces, dots, dashes, slashes, brackets) are ignored
and its digits counted. A checksum that holds (PESEL, ID card, IBAN, NIP, Luhn for cards;
python-stdnum's implementations where it has one) decides the label, and a valid PESEL is
replaced whatever the words around it say; a number whose checksum fails is still replaced
when the words before it say what it is ("PESEL", "konto", "dowód", "tel."), since a mistyped
PESEL is still a PESEL. Documents without a checksum of their own (passports, driving licences,
"karta pobytu", a Ukrainian ID card, an ID card typed "abc 123456" or "000123456") are replaced when
the words right before name the document ("nr prawa jazdy", "паспорт серії КВ №"); a valid
РНОКПП or УНЗР check digit is enough on its own. Numbers that are not personal data stay: six-digit KZiS codes, years,
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
from stdnum.ua import rntrc as std_rntrc

ID_WEIGHTS = (7, 3, 1, 9, 7, 3, 1, 7, 3)  # Polish ID card: 3 letters, check digit, 5 digits (not in python-stdnum)
LETTERS = "A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźżА-ЯІЇЄҐа-яіїєґ"
UPPER = "A-ZĄĆĘŁŃÓŚŹŻА-ЯІЇЄҐ"
WORD = r"\w{1,40}"  # a word, bounded: a 60 KiB "word" must not be scanned again from each of its letters

# "@", "(at)", "[at]", "{at}", "(małpa)", " at ", " małpa ", Ukrainian "собака"/"равлик" (with at most a few
# spaces: an unbounded \s+ is rescanned)
AT_WORD = r"(?:at|małpa|malpa|małpka|собака|равлик|эт)"
AT = rf"(?:\s{{0,2}}@\s{{0,2}}|\s?[(\[{{]\s?(?:{AT_WORD}|@)\s?[)\]}}]\s?|\s{{1,3}}{AT_WORD}\s{{1,3}})"
# A spelled-out dot ("kropka", "dot", "крапка"); never a bare ".", which the address characters include: a
# repeat of runs that may end on either side of a "." would backtrack through every split of "a.a.a.a…"
DOT_WORD = r"(?:\s?[(\[{]\s?(?:dot|kropka|крапка|точка)\s?[)\]}]\s?|\s{1,3}(?:dot|kropka|krpk|крапка|точка)\s{1,3})"
DOT = rf"(?:\.|\s\.\s|{DOT_WORD})"
# Starts only where a run of address characters starts (the lookbehind): a run of 60,000 letters is tried once,
# not from each of its letters. Lengths as RFC 5321 allows (64 before the @, 63 a label). The part before the @
# may be spelled too ("jan kropka kowalski małpa …"), at most 3 times.
EMAIL = re.compile(rf"(?<![\w.+-])[\w.+-]{{1,64}}(?:{DOT_WORD}[\w.+-]{{1,64}}){{0,3}}{AT}[\w-]{{1,63}}"
                   rf"(?:{DOT}[\w-]{{1,63}}){{0,8}}{DOT}[a-z]{{2,24}}\b", re.IGNORECASE | re.UNICODE)
# An IBAN of any country (two letters, two check digits, up to 30 more), or a Polish one without "PL".
IBAN = re.compile(r"\b[A-Z]{2}\s?\d{2}(?:[ -]?[A-Z0-9]){11,30}\b|(?<![\w-])\d{2}(?:[ -]?\d){24}(?![\w-])",
                  re.IGNORECASE)
# A run of digits with the separators people type between them; an optional + or 00 prefix.
# Where a number may start: not inside a word, except glued to the words that announce one ("tel600100200").
NUMBER_START = r"(?:(?<=tel)|(?<=tel\.)|(?<=nr)|(?<=nr\.)|(?<=pesel)|(?<![\w+]))"
SEPARATOR = r"[ .\-–—/()]{0,3}"  # "600 - 100 - 200"
DIGITS = re.compile(rf"{NUMBER_START}(?:\+|00)?\(?\d(?:{SEPARATOR}\d){{5,18}}(?!\w)", re.IGNORECASE)
# Every 11 digits that start and end a group of digits, overlapping (a lookahead): "30010100005 300102 00002" holds
# two PESELs, which a longest run of digits would cut in the middle. A valid PESEL wins over any other reading.
PESEL_AT = re.compile(rf"{NUMBER_START}(?=(\d(?:{SEPARATOR}\d){{10}})(?!\w))", re.IGNORECASE)
# "kod 243108" is a KZiS code, "ABA 300000" an ID card: letters in lower case count only glued to the digits
# ("abc123456") and only with a valid check digit (the words before an ID card are judged by DOCUMENT below).
ID_CARD = re.compile(rf"(?<![{LETTERS}])([A-Za-z]{{3}})([\s-]?)(\d{{6}})(?!\d)")
PASSPORT = re.compile(rf"(?<![{LETTERS}])([A-Z]{{2}}|[А-ЯІЇЄҐ]{{2}})[\s-]?(\d{{3}}[\s-]?\d{{3,4}})(?!\d)")
# The Ukrainian record number УНЗР: date of birth YYYYMMDD, a dash, 4 digits and a check digit.
UNZR = re.compile(r"(?<![\w\-–./])((?:19|20)\d{2})[.]?(\d{2})[.]?(\d{2})\s?[-–]\s?(\d{4})\s?(\d)(?![\w\-–/])")

# A document's number after the words that name the document, within a few filler words ("nr dowodu 000123456",
# "prawo jazdy nr 00123/12/1234", "паспорт FA123456", "karta pobytu RP 1234567", "ІПН 1759013776"). Only the
# words right before count (``DOCUMENT_SAID``: a named document, then "nr", "numer", "seria", "mój", ":" …), so
# "paszport i 4 500 zł" keeps its salary. The number: up to 3 letters, then 5 to 16 digits with separators.
DOCUMENT = re.compile(rf"(?<![\w\[])(?:(?P<letters>[{LETTERS}]{{1,3}})(?P<gap>[ -]?|\s(?:nr\.?|numer|номер|№|no\.?)\s?|"
                      r"\s?№\s?))?"
                      r"(?P<number>\d(?:[ ./\-–]{0,2}\d){4,15})(?![\w\-–/])", re.UNICODE)
DOCUMENT_KINDS = {
    "PRAWO JAZDY": r"prawo jazdy|prawa jazdy|prawem jazdy|driving licen[cs]e|driver'?s licen[cs]e|"
                   r"посвідчення водія|посвідченн\w{0,3} водія|водійськ\w{0,4}(?: посвідченн\w{0,3}| прав\w{0,2})?|"
                   r"права водія",
    "KARTA POBYTU": r"kart\w{0,2} (?:stałego |czasowego |rezydenta długoterminowego )?pobytu|"
                    r"residence (?:card|permit)|посвідк\w{0,3}(?: на (?:постійне |тимчасове )?проживання)?",
    "DOWÓD": r"dow[oó]d\w{0,4}(?: osobist\w{0,3})?|dowodu osobistego|id[ -]?card|identity card|"
             r"id[ -]?картк\w{0,2}|паспорт\w{0,3}[ -]картк\w{0,2}|посвідченн\w{0,3} особи|картк\w{0,2}",
    "PASZPORT": r"paszport\w{0,3}|passport|паспорт\w{0,3}|закордонн\w{0,4} паспорт\w{0,3}",
    "RNOKPP": r"рнокпп|ріпн|іпн|інн|ипн|rnokpp|ipn|податков\w{0,4} номер\w{0,2}|податковий код|"
              r"ідентифікаційн\w{0,3} (?:код|номер)\w{0,2}|tax (?:id|number)",
    "UNZR": r"унзр|unzr|запис\w{0,3} (?:в|у) реєстрі",
}
FILLER = (r"nr|numer\w{0,2}|no|number|номер\w{0,2}|№|#|seria|serii|series|серія|серії|m[oó]j|moje|moja|mojego|mojej|"
          r"mam|is|to|ma|my|osobist\w{0,3}|мій|моя|мого|моєї|моє|мене|у|біометричн\w{0,3}|закордонн\w{0,4}|"
          r"польськ\w{0,3}|українськ\w{0,3}|polsk\w{0,3}|ukraińsk\w{0,3}|kierowcy|водія|-")
GROUPS = "|".join(f"(?P<{k.replace(' ', '_').replace('Ó', 'O')}>{v})" for k, v in DOCUMENT_KINDS.items())
DOCUMENT_SAID = re.compile(
    rf"(?<![\[\w])(?:{GROUPS}"
     rf")\W{{0,3}}(?:(?:{FILLER})(?!\w)\W{{0,3}}){{0,4}}$", re.IGNORECASE | re.UNICODE)
FUNCTION_WORDS = {"i", "a", "w", "z", "o", "u", "na", "do", "od", "po", "za", "ze", "we", "lub", "czy", "jak", "ile",
                  "and", "or", "in", "on", "at", "of", "for", "the", "і", "й", "та", "в", "з", "до", "від", "по",
                  "за", "або", "чи", "як", "и"}
FILLERS = re.compile(rf"(?:{FILLER})$", re.IGNORECASE | re.UNICODE)
STREET = (r"(?:ul\.|ulica|ulicy|al\.|aleja|alei|os\.|osiedle|osiedlu|pl\.|plac|placu|вул\.|вулиця|просп\.|проспект)"
          r"\s{0,3}")
NAME_WORD = rf"[{LETTERS}][{LETTERS}.-]{{0,39}}"
NUMBER = r"\d{1,5}(?!\d)"  # a house or flat number; a longer run is something else (a PESEL after a street name)
HOUSE = rf"{NUMBER}[a-zA-Z]?(?:\s?/\s?{NUMBER}[a-zA-Z]?)?(?:\s{{0,3}},?\s{{0,3}}(?:m\.|m|lok\.|кв\.)\s?{NUMBER})?"
ADDRESS = re.compile(rf"\b{STREET}{NAME_WORD}(?:\s{{1,3}}{NAME_WORD}){{0,3}}?\s{{1,3}}{HOUSE}",
                     re.IGNORECASE | re.UNICODE)
# "mieszkam na Mickiewicza 5/12": a street without "ul." after words that introduce an address.
LIVES_AT = re.compile(rf"\b(?P<intro>(?:mieszkam|zamieszkał[ay]?|zamieszkania|adres|adresem|проживаю|живу):?\s{{1,3}}"
                      rf"(?:(?:na|przy|w|на|за)\s{{1,3}})?){NAME_WORD}(?:\s{{1,3}}{NAME_WORD}){{0,2}}?\s{{1,3}}{HOUSE}",
                      re.IGNORECASE | re.UNICODE)
FLAT = re.compile(rf",\s{{0,3}}(?:m\.|lok\.|mieszkania|кв\.)\s?{NUMBER}", re.IGNORECASE)
POSTAL = re.compile(rf"(?<!\d)\d{{2}}-\d{{3}}(?!\d)(?:\s{{1,3}}[{UPPER}][{LETTERS}-]{{1,40}})?", re.UNICODE)
# A name after the words that introduce one (capitalised words: "nazywam się i szukam pracy" keeps its words).
NAME = re.compile(rf"(?:(?<=[Nn]azywam się )|(?<=[Nn]azywam sie )|(?<=[Mm]am na imię )|(?<=[Mm]am na imie )|"
                  rf"(?<=[Mm]y name is )|(?<=[Мм]ене звати )|(?<=[Мм]оє ім'я )|(?<=[Ii]mię i nazwisko: ))"
                  rf"[{UPPER}][{LETTERS}'-]{{1,40}}(?:\s{{1,3}}[{UPPER}][{LETTERS}'-]{{1,40}}){{0,2}}", re.UNICODE)
# A date of birth after the words that introduce one, in Polish, Ukrainian and English: "ur. 3 maja 1990",
# "народився 12 травня 1985", "д.н. 12.05.1985", "born on May 12, 1985", "DOB: 12/05/1985", "12th of May 1985".
BIRTH_WORDS = (r"(?:urodzon[ya]|urodziłe[mś]|urodziłam|urodzin|ur\.|data ur\.|data urodzenia|date of birth|"
               r"birth ?date|birthday|dob|d\.o\.b\.|born|народ\w{0,12}|д\.\s?н\.|дата народж\w{0,6})")
BIRTH_LINK = r"(?:\s{0,3}(?::|-|–|się|w|dnia|on|the|is|was|в|у|:)(?![\w]))"  # "się", "on the", ":" between
ORDINAL = r"(?:st|nd|rd|th|\.|-?го|-?ого)?"
BIRTH = re.compile(rf"(?<![\w.])(?:{BIRTH_WORDS}){BIRTH_LINK}{{0,3}}\s{{0,3}}"
                   r"(?:\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{2,4}|\d{4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,2}|"
                   rf"\d{{1,2}}{ORDINAL}\s{{1,3}}(?:of\s{{1,3}})?{WORD}\.?,?\s{{1,3}}\d{{4}}|"
                   rf"{WORD}\.?\s{{1,3}}\d{{1,2}}{ORDINAL},?\s{{1,3}}\d{{4}})", re.IGNORECASE | re.UNICODE)

# Words that say what a number is, within a few words before it. Never inside a placeholder ("[TELEFON] 1234
# 5678" is not a phone number said to be one: redacting the output again must change nothing).
CONTEXT = {
    "PESEL": re.compile(r"(?<!\[)pesel", re.IGNORECASE),
    "IBAN": re.compile(r"(?<!\[)(?:kont\w*|rachun\w*|iban|account|рахун\w*|банк\w*)", re.IGNORECASE),
    "DOWÓD": re.compile(r"(?<!\[)(?:dow[oó]d\w*|dowodu|id card|паспорт\w*|посвідч\w*)", re.IGNORECASE),
    "TELEFON": re.compile(r"(?<!\[)(?:tel\w*|komórk\w*|kom\.|phone|mobile|call|zadzwo\w*|dzwo\w*|тел\w*|номер)",
                          re.IGNORECASE),
    "NIP": re.compile(r"(?<!\[)\bnip\b", re.IGNORECASE),
    "RNOKPP": re.compile(rf"(?<!\[)(?:{DOCUMENT_KINDS['RNOKPP']})", re.IGNORECASE),
    "UNZR": re.compile(rf"(?<!\[)(?:{DOCUMENT_KINDS['UNZR']})", re.IGNORECASE),
}
NOT_PERSONAL = re.compile(r"(kod\w*|code|kzis|zł|zl|pln|eur|euro|€|\$|brutto|netto|godz\w*|rok\w*)\W*$", re.IGNORECASE)
# an employer's register number right after its name (at most one word between: "REGON firmy 123456785")
EMPLOYER = re.compile(r"\b(regon|krs)\b\W{0,3}(?:\w{1,20}\W{1,3})?$", re.IGNORECASE)
NOT_DIGIT = re.compile(r"\D")
AMOUNT = r"(?:\d{1,3}(?: \d{3}){1,2}|\d{3,6})"  # "4 500", "10 100", "12500"
RANGE = re.compile(rf"{AMOUNT}\s?[-–—]\s?{AMOUNT}")  # a range of amounts: "10 100 – 12 900 zł"
DATE_FIRST = re.compile(r"\d{1,2}\s?[./]\s?\d{1,2}\s?[./]\s?(?:19|20)\d{2}(?!\d)")  # an offer's date, then a time
# matched at the number's end
MONEY_AFTER = re.compile(r"\s{0,3}(zł|zl|pln|eur|euro|€|\$|brutto|netto|tys)", re.IGNORECASE)


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


def rntrc_ok(digits: str) -> bool:
    """The Ukrainian taxpayer number РНОКПП/ІПН: 10 digits with a check digit (python-stdnum's ``ua.rntrc``)."""
    return len(digits) == 10 and digits.isdigit() and std_rntrc.is_valid(digits)


def unzr_ok(digits: str) -> bool:
    """УНЗР: a date YYYYMMDD that exists, 4 digits and a check digit (weights 7, 3, 1 repeated, mod 10, as in the
    machine-readable zone of the documents that carry it)."""
    if len(digits) != 13 or not digits.isdigit() or not _date_ok(digits[:8]):
        return False
    return sum(int(d) * (7, 3, 1)[i % 3] for i, d in enumerate(digits[:12])) % 10 == int(digits[12])


def _date_ok(yyyymmdd: str) -> bool:
    year, month, day = int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8])
    return 1900 <= year <= 2035 and 1 <= month <= 12 and 1 <= day <= 31


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
    """The text with personal data replaced by [EMAIL], [IBAN], [PESEL], [NIP], [RNOKPP], [UNZR], [KARTA],
    [DOWÓD], [PASZPORT], [PRAWO JAZDY], [KARTA POBYTU], [TELEFON], [ADRES], [IMIĘ I NAZWISKO], [DATA URODZENIA].
    Linear in the length of the text."""
    if not text:
        return text
    text = EMAIL.sub("[EMAIL]", text)
    text = BIRTH.sub("[DATA URODZENIA]", text)
    text = NAME.sub("[IMIĘ I NAZWISKO]", text)
    text = _pesels(text)
    text = UNZR.sub(_unzr, text)
    text = IBAN.sub(lambda m: "[IBAN]" if iban_ok(m.group(0)) or _said(m.string, m.start(), "IBAN") else m.group(0),
                    text)
    text = DOCUMENT.sub(_document, text)
    text = ID_CARD.sub(_id_card, text)
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


def _unzr(m: re.Match[str]) -> str:
    """A date that exists, a dash and 5 digits is an УНЗР, whether or not its check digit holds."""
    digits = NOT_DIGIT.sub("", m.group(0))
    return "[UNZR]" if _date_ok(digits[:8]) or _said(m.string, m.start(), "UNZR") else m.group(0)


def _document(m: re.Match[str]) -> str:
    """A number right after the words naming a document (``DOCUMENT_SAID``), labelled by that document. Letters
    before the number that are a filler word ("nr 000123456") stay in the text."""
    letters, number = m.group("letters") or "", m.group("number")
    start, keep = m.start(), ""
    if letters and FILLERS.match(letters):
        start, keep, letters = m.start("number"), letters + m.group("gap"), ""
    elif letters and (letters.lower() in FUNCTION_WORDS or (len(letters) == 1 and m.group("gap"))
                      or (m.group("gap").strip(" -") and not letters.isupper())):
        return m.group(0)  # "dowód osobisty i numer 411004": a word, not a series; "seria AB nr": capitals only
    said = DOCUMENT_SAID.search(m.string, max(0, start - 60), start)
    if not said:
        return m.group(0)
    kind = next(k for k, v in said.groupdict().items() if v is not None)
    digits = NOT_DIGIT.sub("", number)
    if (kind == "RNOKPP" and len(digits) != 10) or (kind == "UNZR" and len(digits) != 13):
        return m.group(0)
    if len(digits) < (5 if letters else 6):
        return m.group(0)
    return keep + "[" + kind.replace("_", " ").replace("DOWOD", "DOWÓD") + "]"


def _id_card(m: re.Match[str]) -> str:
    """Upper-case letters: a valid check digit or the words before ("dowód", "nr dowodu"); lower or mixed case
    only glued to the digits with a valid check digit ("abc123456"), since "kod 243108" is a code."""
    letters, gap, digits = m.group(1), m.group(2), m.group(3)
    if letters.isupper():
        ok = id_card_ok(letters, digits) or _said(m.string, m.start(), "DOWÓD")
    else:
        ok = not gap and id_card_ok(letters, digits)
    return "[DOWÓD]" if ok else m.group(0)


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
    # "+48…" or "0048…" is dialled from abroad; "000123456" (an ID card number starting with 00) is not
    international = raw.startswith("+") or (raw.startswith("00") and len(digits) >= 11)
    if international:
        digits = digits[2:] if raw.startswith("00") else digits
    n = len(digits)
    if n == 11 and not international and pesel_ok(digits):
        return "[PESEL]"  # a valid PESEL is one, whatever the words around it say ("REGON ... i PESEL ...")
    if n == 13 and not international and unzr_ok(digits):
        return "[UNZR]"
    before = text[max(0, start - 25) : start]
    employer = EMPLOYER.search(before)
    if employer and (regon_ok(digits) if employer.group(1).lower() == "regon" else n == 10):
        return raw  # an employer's REGON or KRS
    if RANGE.fullmatch(raw) and MONEY_AFTER.match(text, m.end()):
        return raw  # "10252-12536 zł": two amounts, not one number (only a PESEL's date and check digit win here)
    if n == 10 and not international and not _said(text, start, "NIP"):
        phone = digits[0] == "0" and _phone(digits, n, False, raw)  # "0600 100 200"
        if _said(text, start, "RNOKPP") or (rntrc_ok(digits) and not phone):
            return "[RNOKPP]"  # a valid checksum wins over "kod", "brutto"
    if n == 13 and not international and _said(text, start, "UNZR"):
        return "[UNZR]"
    if NOT_PERSONAL.search(before[-12:]) or MONEY_AFTER.match(text, m.end()) or DATE_FIRST.match(raw):
        return raw  # a code, a salary, an offer's date and hour ("01.05.2024 10:00")
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
