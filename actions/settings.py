"""Settings of the action server, from environment variables (prefix ``DORADCA_``)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.config import ROOT


class ActionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DORADCA_")

    office_file: Path = ROOT / "bot" / "office.yml"
    page_size: int = 5  # passages per answer
    show_all: int = 30  # passages shown for "pokaż wszystko"


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
