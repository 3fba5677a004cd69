"""The one sentence catalog (bot/sentences.yml): every sentence in Polish, Ukrainian and English with the same
fields; every key the code looks up exists and every key is looked up; no sentence a user reads is written in the
code of the places that used to hold them; citations named in the reader's language at answer time; the chat page
gets its strings from the server; the channels pick the message's language."""

from __future__ import annotations

import ast
import re
import string
import subprocess
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
import yaml

from index.config import ROOT
from index.records import Source

from .conftest import free_port

TABLE = yaml.safe_load((ROOT / "bot" / "sentences.yml").read_text(encoding="utf-8"))
CODE = [p for folder in ("actions", "bot", "index", "services", "web") for p in sorted(ROOT.glob(f"{folder}/*.py"))]
# The look-ups: say/text/words/sentence("key"), say("a" if ... else "b"), say(f"out_{topic}") (a family of keys),
# MESSAGES/SENTENCES["key"], the chit-chat actions' class attribute (key = "greet"), and the catalog's names for the
# sources the index stores ("cite_kzis").
CALL = r"(?:(?<![\w.])|(?<=sentences\.))"  # say(…) or sentences.say(…), not response.text(…)
USES = re.compile(rf"""{CALL}(?:say|text|sentence)\(["']([a-z_]+)["'] if [^,]* else ["']([a-z_]+)["']"""
                  rf"""|{CALL}(?:say|text|words|sentence)\(\s*f?["']([a-z_{{}}]+)["']"""
                  r"""|(?:MESSAGES|SENTENCES)\[["']([a-z_]+)["']\]"""
                  r"""|^\s+key = ["']([a-z_]+)["']|["'](cite_[a-z_]+)["']""",
                  re.MULTILINE)
PAGE = "page_"  # served whole to the pages (index.sentences.page_strings); their scripts read them by name
STATIC = ROOT / "web" / "static"
CHAT_JS, LOOKUP_JS, EMBED_JS = STATIC / "chat.js", STATIC / "lookup.js", STATIC / "embed.js"
CHAT_HTML, LOOKUP_HTML = STATIC / "chat.html", STATIC / "lookup.html"
# The Python files that held sentences before the catalog; none may write one now.
NO_SENTENCES = [ROOT / p for p in ("actions/messages.py", "actions/compose.py", "actions/chitchat_actions.py",
                                   "actions/occupation_actions.py", "actions/lookup_actions.py", "actions/base.py",
                                   "index/sentences.py")]
# The command line's own words to a user and the web pages' routes: their help texts and the messages to operators
# and API clients are English and not sentences a user of the assistant reads; no Polish or Ukrainian in them.
CLI = [ROOT / p for p in ("index/cli.py", "services/cli.py", "web/pages.py")]
POLISH = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ\u0400-\u04ff]|\b(?:nie|się|jest|oraz|albo|lub|dla|zawodu?|czy|we)\b")
TWO_WORDS = re.compile(r"[^\W\d_]{2,}[ ,;:]+[^\W\d_]{2,}")  # two words of letters: more than a key or a code
REGEX = re.compile(r"\\[bswd]|\(\?")  # a pattern that reads messages ("\\bwięcej\\b") is not a sentence to show
# A word the catalog holds as a label of its own ("Zadanie", "Task"; lower-case ones double as names: "tasks")
LABELS = {t.strip() for texts in TABLE.values() for t in texts.values() if t[:1].isupper() and " " not in t.strip()}


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


def used_keys(files: list[Path]) -> set[str]:
    found: set[str] = set()
    for f in files:
        for m in USES.finditer(f.read_text(encoding="utf-8")):
            for key in filter(None, m.groups()):
                if "{" in key:  # say(f"out_{topic}"): every key of that family
                    found |= {k for k in TABLE if k.startswith(key.split("{")[0])}
                else:
                    found.add(key)
    return found


def page_names_used() -> set[str]:
    """The strings the pages read: chat.js's t.title (t = UI[state.lang]) or UI[state.lang].offline; lookup.js's
    say("lookup_found") and its tables of names ("lookup_kind_example"); the look-up page's data-text="…" and
    data-placeholder="…"; embed.js's ….embed_label."""
    js = CHAT_JS.read_text(encoding="utf-8")
    names = set(re.findall(r"\b(?:t|UI\[state\.lang\])\.([a-z_]+)\b", js))
    names |= {t for t in js_literals(LOOKUP_JS) if re.fullmatch(r"lookup_[a-z_]+", t)}
    names |= set(re.findall(r'data-(?:text|placeholder)="([a-z_]+)"', LOOKUP_HTML.read_text(encoding="utf-8")))
    return names | set(re.findall(r"\.(embed_[a-z_]+)\b", EMBED_JS.read_text(encoding="utf-8")))


def test_every_key_is_used_and_every_used_key_exists():
    used = used_keys(CODE)
    assert {"no_training", "title_any", "compare_title", "cite_esco_skills", "cli_chat"} <= used  # the grep sees
    assert used - set(TABLE) == set(), f"used but not in bot/sentences.yml: {sorted(used - set(TABLE))}"
    page = {PAGE + name for name in page_names_used()}
    assert {"page_lang", "page_lookup_found", "page_lookup_kind_name", "page_lookup_q", "page_embed_label"} <= page
    assert page - set(TABLE) == set(), f"the pages read strings the catalog lacks: {sorted(page - set(TABLE))}"
    unused = set(TABLE) - used - page
    assert unused == set(), f"in bot/sentences.yml but never used: {sorted(unused)}"


def literals(path: Path) -> list[tuple[int, str]]:
    """The string constants of a Python file written in its code (f-strings' fixed parts included), without
    docstrings and without the help texts of command-line options."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value,
                                                                                            ast.Constant):
            skip.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call):
            skip |= {id(n) for kw in node.keywords if kw.arg == "help" for n in ast.walk(kw.value)}
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip]


def js_literals(path: Path) -> list[str]:
    """The string literals of a script ("…", '…'; comments dropped first)."""
    js = re.sub(r"^\s*//.*$|\s//.*$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return [a or b for a, b in re.findall(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'', js)]


def sentence_like(text: str) -> bool:
    if REGEX.search(text):
        return False
    return bool(TWO_WORDS.search(text) or POLISH.search(text) or text.strip(" :•") in LABELS)


def test_the_detector_finds_a_sentence_where_one_is_written():
    """The checks below can fail: the sentences that used to be in those files are found by them."""
    assert sentence_like("Brak fragmentów opisu dla tego pytania.") and sentence_like("Zadanie")
    assert sentence_like("Could not send. Try again when the connection is back.")
    assert sentence_like("Немає з'єднання. Повторюю спробу…")
    assert not any(sentence_like(t) for t in ("/ask_human", "• ", "; ", "title_any", "KZiS", "cite_kzis", "pl", "tasks",
                                              r"\b(więcej|more)\b"))
    old = ('TASK = {"pl": "Zadanie", "uk": "Завдання", "en": "Task"}\nX = f"Źródło: {x}"\n'
           'def f():\n    """Doc, a sentence."""\n')
    probe = ROOT / "build" / "sentence-probe.py"
    probe.parent.mkdir(exist_ok=True)
    probe.write_text(old, encoding="utf-8")
    try:
        assert [t for _, t in literals(probe) if sentence_like(t)] == ["Zadanie", "Завдання", "Task", "Źródło: "]
    finally:
        probe.unlink()


@pytest.mark.parametrize("path", NO_SENTENCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sentence_is_written_in_the_code(path: Path):
    found = [(line, t) for line, t in literals(path) if sentence_like(t)]
    assert found == [], f"{path.name}: sentences written in the code, not looked up in the catalog: {found}"


@pytest.mark.parametrize("path", CLI, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_command_lines_words_to_a_user_come_from_the_catalog(path: Path):
    found = [(line, t) for line, t in literals(path) if POLISH.search(t)]
    assert found == [], f"{path.name}: Polish or Ukrainian written in the code: {found}"


# The fixed parts of the pages' strings in every language ("Cały opis: ", "Kopiuj", "Search"): a literal equal to one
# of them, or holding a longer one, is a string of the catalog written again in a page.
PAGE_PARTS = {part for key, texts in TABLE.items() if key.startswith(PAGE) for t in texts.values()
              for p in re.split(r"\{\w+\}", t) if len(part := p.strip(" :·.,()…")) >= 2}


def shown_text(literal: str) -> bool:
    """A literal of a page's script that a reader would see: Polish or Ukrainian, three words of prose ("Ask a career
    adviser"; CSS, paths and ids are not prose), or a string of the catalog ("Szukaj", "Copy code")."""
    if re.fullmatch(r"[a-z]+(?:_[a-z]+)+", literal):  # a string's name ("lookup_confidence"), not the string
        return False
    prose = [w for w in literal.split() if re.fullmatch(r"[^\W\d_]{2,}[.,:;!?…]?", w)]
    bare = literal.strip(" :·.,()…")
    return bool(POLISH.search(literal) or len(prose) >= 3 or bare in PAGE_PARTS
                or any(len(part) >= 8 and part in literal for part in PAGE_PARTS))


class PageText(HTMLParser):
    """The text an HTML page writes itself: its elements' text and the attributes a reader sees or hears."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.open.append(tag)
        self.found += [v for k, v in attrs if k in ("title", "placeholder", "aria-label", "alt") and v]

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if data.strip() and not (self.open and self.open[-1] == "option"):  # a language named in itself
            self.found.append(data.strip())


def page_text(html: str) -> list[str]:
    page = PageText()
    page.feed(re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL))
    return page.found


def test_the_pages_detector_finds_a_string_left_in_a_page():
    """The checks below can fail: the strings the look-up page and embed.js used to write are found by them."""
    for old in ("Szukaj", "Kopiuj kod", "Zaproponuj kody", "tak", "Cały opis: ", "Zapytaj doradcę zawodowego",
                "Ask a career adviser", "Copy code", "Search", "Znalezione fragmenty: ",
                " · ta sama grupa elementarna"):
        assert shown_text(old), old
    assert not any(shown_text(t) for t in ("use strict", "application/octet-stream", "lookup_found", "pl-PL",
                                           "position:fixed;right:1rem;bottom:1rem;padding:.7rem 1rem;border:0;",
                                           "font:16px system-ui,sans-serif;border:1px solid #999", "[data-text]",
                                           "passage related-item", "/api/occupations?k=8&q=", "batch-preview-box"))
    assert page_text('<h1>Opisy zawodów</h1><button data-text="x"></button><input placeholder="np. spawacz">'
                     '<select><option>polski</option></select>') == ["Opisy zawodów", "np. spawacz"]


@pytest.mark.parametrize("path", [CHAT_JS, LOOKUP_JS, EMBED_JS], ids=lambda p: p.name)
def test_the_pages_scripts_write_none_of_their_strings(path: Path):
    found = [t for t in js_literals(path) if shown_text(t)]
    assert found == [], f"{path.name} writes its own strings: {found}"
    assert js_literals(path)  # (the check reads literals at all)


@pytest.mark.parametrize("path", [CHAT_HTML, LOOKUP_HTML], ids=lambda p: p.name)
def test_the_pages_html_writes_none_of_their_strings(path: Path):
    found = page_text(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.name} writes its own strings: {found}"


def test_citations_are_named_in_the_readers_language_from_the_key_the_index_stores():
    """The parsers' sources are keys of the catalog (with the ESCO occupation's name, the edition's date); each is
    named from its sentence in pl/uk/en, the Polish as answers always named it. No text is matched."""
    from index.infodoradca import SOURCE_KEY
    from index.kzis import ESCO_SOURCE, KZIS_SOURCE, esco_source
    from index.sentences import cite

    expected = {  # source -> Polish, Ukrainian, English
        Source(KZIS_SOURCE, "2024-07-10", "kzis-dictionary-2024-07-10.csv"):
            ("Opisy zawodów KZiS, MRiPS / psz.praca.gov.pl (2024-07-10)",
             "Описи професій KZiS, MRiPS / psz.praca.gov.pl (2024-07-10)",
             "KZiS occupation descriptions, MRiPS / psz.praca.gov.pl (2024-07-10)"),
        esco_source(Source(ESCO_SOURCE, file="esco-kzis.csv"), "piekarz"):
            ("ESCO (PL): umiejętności zawodu ESCO „piekarz”, © Unia Europejska",
             "ESCO (PL): навички професії ESCO „piekarz”, © Європейський Союз",
             "ESCO (PL): skills of the ESCO occupation „piekarz”, © European Union"),
        Source(SOURCE_KEY, file="243108.txt"): ("INFOdoradca+, MRPiPS / psz.praca.gov.pl",) * 3,
    }
    for source, names in expected.items():
        assert source.key.startswith("cite_") and source.key in TABLE
        assert tuple(cite(source, lang) for lang in ("pl", "uk", "en")) == names
    built = esco_source(Source(ESCO_SOURCE, "2024"), "kucharz/kucharka")
    assert cite(built, "en") == "ESCO (PL): skills of the ESCO occupation „kucharz/kucharka”, © European Union (2024)"


def test_a_source_the_catalog_does_not_know_is_named_by_its_own_name():
    """A plug-in's source that has no cite_* sentence still renders, in every language, as the plug-in named it."""
    from index.sentences import cite

    register = Source("Rejestr urzędu X", "2025-01-31", "rejestr.csv")
    assert {cite(register, lang) for lang in ("pl", "uk", "en")} == {"Rejestr urzędu X (2025-01-31)"}
    assert cite(Source("Rejestr urzędu X"), "uk") == "Rejestr urzędu X"
    assert cite(Source("cite_of_no_sentence"), "en") == "cite_of_no_sentence"  # a key the catalog lacks: as it is
    assert Source.from_json(register.to_json()) == register


def test_the_judge_reads_the_catalog():
    """The conversation judge finds the catalog's sentences, and the source line's word, in replies."""
    from services.conversations import kinds_of

    kinds, keys, langs = kinds_of(TABLE["no_more"]["uk"] + "\n" + TABLE["source_word"]["uk"] + ": INFOdoradca+")
    assert kinds == {"end"} and keys == {"no_more"} and langs == {"uk"}
    kinds, _, langs = kinds_of(f"{TABLE['compare_title']['en']}: A (KZiS 111111) – B (KZiS 222222)")
    assert kinds == {"compare"} and langs == {"en"}
    _, keys, langs = kinds_of("Джерело: " + TABLE["cite_infodoradca"]["pl"])  # the same in every language
    assert keys == set() and langs == {"uk"}


@pytest.fixture(scope="module")
def pages_server():
    """The web app's page routes and static files alone, served by uvicorn on a free loopback port."""
    import uvicorn
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from web import pages

    app = FastAPI()
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.config.port}"
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.1)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


def test_the_chat_page_shows_the_catalogs_strings_in_the_chosen_language(pages_server: str, browser):
    """In Chromium: the page's title, buttons, greeting and the offline notice (no Rasa server at the address
    given) are the catalog's, in Polish and after choosing Ukrainian."""
    served = requests.get(pages_server + "/runtime-config.js", timeout=10).text
    assert TABLE["page_offline"]["uk"] in served
    page = browser.new_context(locale="pl-PL").new_page()
    page.add_init_script(f"window.DORADCA_CONFIG = {{botServer: 'http://127.0.0.1:{free_port()}'}};")
    page.goto(pages_server + "/chat")
    page.locator("#status", has_text=TABLE["page_offline"]["pl"]).wait_for(timeout=30_000)
    assert page.locator("#send").inner_text() == TABLE["page_send"]["pl"]
    assert page.locator("#log .msg.bot").first.inner_text() == TABLE["page_greeting"]["pl"]
    assert page.title() == TABLE["page_title"]["pl"]
    page.select_option("#lang", "uk")
    assert page.locator("#restart").inner_text() == TABLE["page_restart"]["uk"]
    assert page.locator("#input").get_attribute("placeholder") == TABLE["page_placeholder"]["uk"]
    assert page.locator("#title").inner_text().startswith(TABLE["page_title"]["uk"] + " – ")
    page.context.close()


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_lookup_page_shows_the_catalogs_strings_in_the_chosen_language(pages_server: str, browser, lang: str):
    """In Chromium: the look-up page's title, headings, labels, placeholders, table headers and the notes it writes
    without the API (nothing typed, no file chosen) are the catalog's, in Polish and after choosing English; the
    choice is kept across a reload of the tab, as on the chat page."""
    def t(key: str) -> str:
        return TABLE[key][lang]

    page = browser.new_context(locale="pl-PL").new_page()
    page.goto(pages_server + "/lookup")
    page.locator("h1", has_text=TABLE["page_lookup_heading"]["pl"]).wait_for()
    if lang != "pl":
        page.select_option("#lang", lang)
        page.reload()
    assert page.title() == t("page_lookup_title") and page.get_attribute("html", "lang") == lang
    assert page.locator("h1").inner_text() == t("page_lookup_heading")
    assert page.locator("label[for=lang]").inner_text() == t("page_lang")
    assert page.locator("#q").get_attribute("placeholder") == t("page_lookup_q_placeholder")
    assert page.get_by_label(t("page_lookup_offer_name")).get_attribute("id") == "offer-name"
    assert page.locator("#batch-preview th").all_text_contents() == [
        t(f"page_lookup_col_{c}") for c in ("line", "title", "codes", "unsure", "reason")]
    limits = page.locator("#batch-limits").inner_text()
    assert limits.startswith(t("page_lookup_batch_limits").split("{mb}")[0]) and "{" not in limits
    page.get_by_role("button", name=t("page_lookup_offer_submit")).click()
    page.locator("#offer-status", has_text=t("page_lookup_offer_empty")).wait_for()
    page.get_by_role("button", name=t("page_lookup_batch_submit")).click()
    page.locator("#batch-status", has_text=t("page_lookup_batch_choose")).wait_for()
    assert page.get_by_role("button", name=t("page_lookup_search")).count() == 1
    page.context.close()


def test_embed_js_labels_its_button_in_the_language_of_the_offices_page(pages_server: str, browser):
    """In Chromium, on a page of another origin: the button's label is the catalog's in the page's <html lang>
    (Polish for a language the catalog lacks), or the office's own data-label."""
    page = browser.new_page()
    for html_lang, want in (("en-GB", TABLE["page_embed_label"]["en"]), ("uk", TABLE["page_embed_label"]["uk"]),
                            ("de", TABLE["page_embed_label"]["pl"])):
        page.set_content(f'<html lang="{html_lang}"><body><p>Urząd</p>'
                         f'<script src="{pages_server}/static/embed.js"></script></body></html>')
        button = page.get_by_role("button", name=want)
        button.wait_for(timeout=10_000)
        assert page.locator("iframe").get_attribute("title") == want
        button.click()
        assert button.get_attribute("aria-expanded") == "true" and page.locator("iframe").is_visible()
    page.set_content(f'<html lang="en"><body><script src="{pages_server}/static/embed.js" '
                     'data-label="Doradca PUP"></script></body></html>')
    page.get_by_role("button", name="Doradca PUP").wait_for(timeout=10_000)
    page.close()


def test_the_channels_reply_in_the_language_of_the_message():
    """bot/channels.py runs in the Rasa server's Python: checked there, with its own imports."""
    probe = ("import channels\n"
             "for t in ('Co robi kucharz i piekarz?', 'Що робить кухар?', 'What does a cook do?', None):\n"
             "    print(channels.sentence('too_fast', t))\n")
    out = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", probe], cwd=ROOT / "bot",
                         capture_output=True, text=True, timeout=300, check=False, env={"PYTHONPATH": str(ROOT / "bot"),
                                                                           "DORADCA_RASA_PATCHES": "0"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == [TABLE["too_fast"][lang] for lang in ("pl", "uk", "en", "pl")]
