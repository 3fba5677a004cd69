"""The office's contact file (``bot/office.yml``). The actions' settings (``office_file``, ``page_size``,
``show_all``) are fields of the project's one settings module, ``index.config``."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel

__all__ = ["Office", "load_office"]


class Office(BaseModel):
    """The counsellor contact the office edits in bot/office.yml."""

    name: str
    phone: str
    email: str
    hours: str
    address: str = ""
    offers_url: str = "https://oferty.praca.gov.pl"  # where the office's job offers are; the national portal by default


def load_office(path: Path) -> Office:
    return Office(**yaml.safe_load(path.read_text(encoding="utf-8")))
