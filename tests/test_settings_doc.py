"""Every DORADCA_* variable the project reads is in the README's configuration table, and nothing else is there."""

from __future__ import annotations

import ast
import re

from index.config import ROOT

CODE = [*ROOT.glob("index/**/*.py"), *ROOT.glob("actions/*.py"), *ROOT.glob("services/*.py"), *ROOT.glob("web/*.py"),
        *ROOT.glob("bot/*.py"), *ROOT.glob("bench/*.py"), *ROOT.glob("bot/*.yml"), ROOT / "Makefile"]


def read_in_code() -> set[str]:
    # (window.DORADCA_CONFIG is the web page's JavaScript settings object, not a variable)
    names = {n for f in CODE for n in re.findall(r"(?<!window\.)DORADCA_[A-Z0-9_]*[A-Z0-9]", f.read_text(encoding="utf-8"))}
    # pydantic settings classes (env_prefix DORADCA_): prefix + field name. Read from the source, since importing
    # the actions package checks the index
    for module in (ROOT / "index" / "config.py", ROOT / "actions" / "settings.py", ROOT / "services" / "settings.py"):
        for cls in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(cls, ast.ClassDef) and any(getattr(b, "id", "") == "BaseSettings" for b in cls.bases):
                names |= {f"DORADCA_{n.target.id.upper()}" for n in cls.body
                          if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.target.id != "model_config"}
    return names


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
