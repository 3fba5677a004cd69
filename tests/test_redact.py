"""Personal data is replaced before Rasa stores or logs a message (bot/redact.py, used by bot/channels.py)."""

from __future__ import annotations

import sys

import pytest

from index.config import ROOT

sys.path.insert(0, str(ROOT / "bot"))
from redact import iban_ok, id_card_ok, pesel_ok, redact  # noqa: E402


@pytest.mark.parametrize("text, expected", [
    ("mój PESEL to 44051401359", "mój PESEL to [PESEL]"),
    ("PESEL: 02070803628.", "PESEL: [PESEL]."),
    ("numer zamówienia 12345678901", "numer zamówienia 12345678901"),  # 11 digits, wrong checksum
    ("zadzwoń 600 100 200 albo +48 17 123 45 67", "zadzwoń [TELEFON] albo [TELEFON]"),
    ("tel. 600-100-200", "tel. [TELEFON]"),
    ("pisz na jan.kowalski+pup@example.com.pl", "pisz na [EMAIL]"),
    ("dowód ABA300000", "dowód [DOWÓD]"),
    ("seria ABC123456", "seria ABC123456"),  # check digit does not hold
    ("paszport EA1234567", "paszport [PASZPORT]"),
    ("konto PL61 1090 1014 0000 0712 1981 2874", "konto [IBAN]"),
    ("konto 61109010140000071219812874", "konto [IBAN]"),
    ("mieszkam przy ul. Długa 5/3 w Rzeszowie", "mieszkam przy [ADRES] w Rzeszowie"),
    ("adres: al. Jana Pawła II 12 m. 4", "adres: [ADRES]"),
])
def test_personal_data_is_replaced(text: str, expected: str):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Co musi wiedzieć specjalista do spraw mediów interaktywnych?",
    "kod zawodu 243108", "zarabia 4500 zł brutto", "w 2024 roku", "czy trzeba znać SEO i SEM?",
    "ustawa z 1997 r., art. 22", "Z2 i Kz1", "praca na 3 zmiany po 8 godzin",
])
def test_ordinary_questions_are_left_alone(text: str):
    assert redact(text) == text


def test_checksums():
    assert pesel_ok("44051401359") and not pesel_ok("44051401358") and not pesel_ok("4405140135")
    assert id_card_ok("ABA", "300000") and not id_card_ok("ABA", "300001")
    assert iban_ok("PL61 1090 1014 0000 0712 1981 2874") and not iban_ok("PL61 1090 1014 0000 0712 1981 2875")
