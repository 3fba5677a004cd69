"""Personal data out of users' messages before Rasa stores or logs them (RODO/GDPR).

Jobseekers type PESEL numbers, phone numbers, e-mail addresses, ID card and passport numbers,
bank accounts and street addresses. ``redact`` replaces them with placeholders. Numbers with a
checksum (PESEL, ID card, IBAN) are replaced only when the checksum holds, so an 11-digit order
number is not taken for a PESEL.

Example::

    redact("mój PESEL 44051401359, tel. 600 100 200")   # 'mój PESEL [PESEL], tel. [TELEFON]'
"""

from __future__ import annotations

import re

PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
ID_WEIGHTS = (7, 3, 1, 9, 7, 3, 1, 7, 3)  # Polish ID card: 3 letters, check digit, 5 digits

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.U)
IBAN = re.compile(r"\b(?:PL\s?)?\d{2}(?:[ -]?\d{4}){6}\b", re.I)
PESEL = re.compile(r"(?<!\d)\d{11}(?!\d)")
ID_CARD = re.compile(r"\b([A-Z]{3})\s?(\d{6})\b", re.I)
PASSPORT = re.compile(r"\b[A-Z]{2}\s?\d{7}\b", re.I)
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?(?:48[\s-]?)?(?:\(?\d{2,3}\)?[\s-]?)?\d{3}[\s-]?\d{2,3}[\s-]?\d{2,3}(?![\w])")
ADDRESS = re.compile(
    r"\b(?:ul\.|ulica|ulicy|al\.|aleja|alei|os\.|osiedle|osiedlu|pl\.|plac|placu)\s+"
    r"[\wąćęłńóśźżĄĆĘŁŃÓŚŹŻ.-]+(?:\s+[\wąćęłńóśźżĄĆĘŁŃÓŚŹŻ.-]+){0,3}?\s+\d+[a-zA-Z]?(?:\s?/\s?\d+[a-zA-Z]?)?(?:\s+m\.?\s?\d+)?",
    re.I | re.U,
)


def pesel_ok(digits: str) -> bool:
    if len(digits) != 11 or not digits.isdigit():
        return False
    check = (10 - sum(int(d) * w for d, w in zip(digits, PESEL_WEIGHTS)) % 10) % 10
    month = int(digits[2:4]) % 20
    return check == int(digits[10]) and 1 <= month <= 12 and 1 <= int(digits[4:6]) <= 31


def id_card_ok(letters: str, digits: str) -> bool:
    values = [ord(c) - 55 for c in letters.upper()] + [int(d) for d in digits]
    return sum(v * w for v, w in zip(values, ID_WEIGHTS)) % 10 == 0 and len(values) == 9


def iban_ok(text: str) -> bool:
    digits = re.sub(r"[\s-]", "", text.upper())
    if digits.startswith("PL"):
        digits = digits[2:]
    if len(digits) != 26:
        return False
    rearranged = digits[2:] + "2521" + digits[:2]  # "PL" is 25 21
    return int(rearranged) % 97 == 1


def redact(text: str) -> str:
    """The text with personal data replaced by [EMAIL], [IBAN], [PESEL], [DOWÓD], [PASZPORT], [TELEFON], [ADRES]."""
    if not text:
        return text
    text = EMAIL.sub("[EMAIL]", text)
    text = IBAN.sub(lambda m: "[IBAN]" if iban_ok(m.group(0)) else m.group(0), text)
    text = PESEL.sub(lambda m: "[PESEL]" if pesel_ok(m.group(0)) else m.group(0), text)
    text = ID_CARD.sub(lambda m: "[DOWÓD]" if id_card_ok(m.group(1), m.group(2)) else m.group(0), text)
    text = PASSPORT.sub("[PASZPORT]", text)
    text = ADDRESS.sub("[ADRES]", text)
    text = PHONE.sub(_phone, text)
    return text


def _phone(m: re.Match[str]) -> str:
    """9 digits (a Polish number), or 11-13 with an international prefix (+48 ..., 0048 ...)."""
    raw = m.group(0)
    digits = re.sub(r"\D", "", raw)
    international = raw.startswith(("+", "00")) or (len(digits) == 11 and digits.startswith("48") and not raw.isdigit())
    return "[TELEFON]" if len(digits) == 9 or (international and 11 <= len(digits) <= 13) else raw
