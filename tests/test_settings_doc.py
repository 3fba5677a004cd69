"""Every DORADCA_* variable the project reads is in the README's configuration table, and nothing else is there; the
serving code reads the environment in few places."""

from __future__ import annotations

import dataclasses
import re

import pytest

from index.config import ROOT, Settings, env_name, settings

CODE = [*ROOT.glob("index/**/*.py"), *ROOT.glob("actions/*.py"), *ROOT.glob("services/*.py"), *ROOT.glob("web/*.py"),
        *ROOT.glob("bot/*.py"), *ROOT.glob("bench/*.py"), *ROOT.glob("bot/*.yml"), ROOT / "Makefile"]


def read_in_code() -> set[str]:
    # (window.DORADCA_CONFIG is the web page's JavaScript settings object, not a variable)
    names = {n for f in CODE for n in re.findall(r"(?<!window\.)DORADCA_[A-Z0-9_]*[A-Z0-9]",
                                                 f.read_text(encoding="utf-8"))}
    # the settings module's fields: DORADCA_ + the field's name (Sanic's own variables aside)
    return names | {n for n in map(env_name, dataclasses.fields(Settings)) if n.startswith("DORADCA_")}


def documented() -> set[str]:
    text = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    table = text[text.index("## Configuration"):text.index("Sources recognised in a corpus folder")]
    names = set(re.findall(r"DORADCA_[A-Z0-9_]*[A-Z0-9]", table))
    for row in table.splitlines():  # "`DORADCA_DB_HOST`, `_PORT`, ..." names the family once
        if (family := re.match(r"\| `(DORADCA_[A-Z]+)_[A-Z]+`", row)) is not None:
            names |= {family.group(1) + short for short in re.findall(r"`(_[A-Z]+)`", row)}
    return names


def test_readme_table_lists_every_variable_read():
    read, doc = read_in_code(), documented()
    assert read - doc == set(), f"read by the code but not in the README: {sorted(read - doc)}"
    assert doc - read == set(), f"in the README but read nowhere: {sorted(doc - read)}"


# the settings module, the launcher that hands its children their environment, and the embedding model's loader,
# which tells Hugging Face's libraries to stay offline before they are imported
ENVIRONMENT_READERS = {"index/config.py", "services/processes.py", "index/embedder.py"}
SERVING = ["index", "actions", "services", "web", "bot", "rasa_sdk_plugins"]


def test_serving_code_reads_the_environment_in_at_most_three_files():
    # (a socket.io session's `environ` is a request's, not the process's)
    touches = re.compile(r"\bos\.environ\b|\bgetenv\(|from os import .*\benviron\b|\bBaseSettings\b|pydantic_settings")
    found = {str(f.relative_to(ROOT)) for folder in SERVING for f in (ROOT / folder).rglob("*.py")
             if "tests" not in f.relative_to(ROOT).parts and touches.search(f.read_text(encoding="utf-8"))}
    assert found <= ENVIRONMENT_READERS, \
        f"read the environment outside the settings module: {sorted(found - ENVIRONMENT_READERS)}"
    assert len(ENVIRONMENT_READERS) <= 3


def test_settings_are_read_typed_and_refused_by_name():
    s = settings({"DORADCA_WEB_PORT": "8123", "DORADCA_RASA_PATCHES": "0", "DORADCA_ACTIONS_METRICS_PORT": "0"})
    assert (s.web_port, s.rasa_patches) == (8123, False)
    assert s.origins() == ["http://127.0.0.1:8123", "http://localhost:8123"]  # the pages' own origins follow the port
    assert (s.metrics_port("actions"), s.metrics_port("actions", bot_run=True)) == (0, 0)  # set to 0: off
    assert (Settings().metrics_port("rasa"), Settings().metrics_port("rasa", bot_run=True)) == (0, 9101)
    for given, message in [({"DORADCA_RASA_PORT": "70000"}, "DORADCA_RASA_PORT must be between 1 and 65535"),
                           ({"DORADCA_TRACKER_SYNC": "fast"}, "DORADCA_TRACKER_SYNC must be one of normal, full"),
                           ({"DORADCA_PAGE_SIZE": "five"}, "DORADCA_PAGE_SIZE='five'")]:
        with pytest.raises(ValueError, match=re.escape(message)):
            settings(given)
    assert all(f.metadata["doc"] for f in dataclasses.fields(Settings))  # each setting says what it means
