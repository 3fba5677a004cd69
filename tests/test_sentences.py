"""The assistant's sentence table (bot/sentences.yml): every sentence in Polish, Ukrainian and English with the same
fields, every key used by the code, every key the code uses present; the channels pick the message's language."""

from __future__ import annotations

import re
import string
import subprocess

import yaml

from index.config import ROOT

TABLE = yaml.safe_load((ROOT / "bot" / "sentences.yml").read_text(encoding="utf-8"))
CODE = [*ROOT.glob("actions/*.py"), *ROOT.glob("bot/*.py")]
# say("key"), say(f"out_{topic}"), say("a" if ... else "b"), MESSAGES["key"], SENTENCES["key"], and the class
# attribute of the chit-chat actions (key = "greet")
USES = re.compile(r"""say\(["']([a-z_]+)["'] if [^,]* else ["']([a-z_]+)["']|(?:say|sentence)\(\s*f?["']([a-z_{}]+)["']"""
                  r"""|MESSAGES\[["']([a-z_]+)["']\]|SENTENCES\[["']([a-z_]+)["']\]|^\s+key = ["']([a-z_]+)["']""", re.M)


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_sentence_has_three_languages_with_the_same_fields():
    assert TABLE and all(isinstance(k, str) for k in TABLE)
    for key, texts in TABLE.items():
        assert set(texts) == {"pl", "uk", "en"}, key
        # (the note that passages are in Polish is not shown to Polish users)
        assert all(isinstance(t, str) and (t.strip() or (key, lang) == ("polish_note", "pl"))
                   for lang, t in texts.items()), key
        assert fields(texts["pl"]) == fields(texts["uk"]) == fields(texts["en"]), key


def used_keys() -> set[str]:
    found: set[str] = set()
    for f in CODE:
        for m in USES.finditer(f.read_text(encoding="utf-8")):
            for key in filter(None, m.groups()):
                if "{" in key:  # say(f"out_{topic}"): every key of that family
                    found |= {k for k in TABLE if k.startswith(key.split("{")[0])}
                else:
                    found.add(key)
    return found


def test_every_key_is_used_and_every_used_key_exists():
    used = used_keys()
    assert used - set(TABLE) == set(), f"used but not in bot/sentences.yml: {sorted(used - set(TABLE))}"
    assert set(TABLE) - used == set(), f"in bot/sentences.yml but never used: {sorted(set(TABLE) - used)}"


def test_the_channels_reply_in_the_language_of_the_message():
    """bot/channels.py runs in the Rasa server's Python: checked there, with its own imports."""
    probe = ("import channels\n"
             "for t in ('Co robi kucharz i piekarz?', 'Що робить кухар?', 'What does a cook do?', None):\n"
             "    print(channels.sentence('too_fast', t))\n")
    out = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", probe], cwd=ROOT / "bot",
                         capture_output=True, text=True, timeout=300, env={"PYTHONPATH": str(ROOT / "bot"),
                                                                           "DORADCA_RASA_PATCHES": "0"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == [TABLE["too_fast"][lang] for lang in ("pl", "uk", "en", "pl")]
