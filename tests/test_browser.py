"""The chat page and the look-up page in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.config import ROOT
from services.processes import RASA, RASA_MODEL, Assistant, Ports

from .conftest import CHROMIUM, HAVE_CORPUS, free_port, needs_corpus

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "build" / "screenshots"
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason="needs Debian's chromium (apt-get install chromium; .ci/run does)"),
    pytest.mark.skipif(not RASA.exists() or not RASA_MODEL.exists(), reason="needs .venv-rasa and a trained model"),
]
WEB = free_port()
QUESTION = "Co musi wiedzieć specjalista do spraw mediów interaktywnych?"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("browser")
    with_web = Assistant(Ports(rasa=free_port(), actions=free_port(), web=WEB), tracker_db=tmp / "t.db",
                         log_dir=tmp / "logs")
    with_web.start(web=True)
    yield with_web
    with_web.stop()


def new_page(browser, width: int = 1280, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="pl-PL")
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    return page


def ask(page, text: str, expect: str, timeout: float = 30_000) -> None:
    page.fill("#input", text)
    page.keyboard.press("Enter")
    page.locator("#log .msg.bot", has_text=expect).last.wait_for(timeout=timeout)


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: the page's CSP rightly refuses inline scripts
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 360])
def test_chat_answers_follows_up_clicks_and_survives_reload(servers, browser, width: int):
    page = new_page(browser, width, 780)
    page.goto(f"http://127.0.0.1:{WEB}/chat")
    page.wait_for_function("() => document.documentElement.dataset.session === 'ready'")  # session confirmed
    ask(page, QUESTION, "co trzeba wiedzieć:")
    page.locator("#log .msg.bot", has_text="Zadanie: Wspieranie procesu").last.wait_for(timeout=30_000)
    ask(page, "a czy trzeba znać SEO?", "działań SEO i SEM")
    ask(page, "jaka jest pogoda w krakowie", "w tym nie pomogę")
    page.get_by_role("button", name="Kontakt z doradcą").last.click()
    page.locator("#log .msg.bot", has_text="Kontakt z doradcą zawodowym").last.wait_for(timeout=30_000)
    assert page.locator("#log .msg.user", has_text="Kontakt z doradcą").count() == 1
    count = page.locator("#log .msg").count()
    shot(page, f"chat-{width}")
    page.reload()
    page.locator("#log .msg.bot", has_text="działań SEO i SEM").first.wait_for(timeout=10_000)
    assert page.locator("#log .msg").count() == count
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    assert axe_violations(page) == []


def test_new_conversation_leaves_nothing_for_the_next_person(servers, browser):
    """The conversation lives in this tab only (sessionStorage); "Nowa rozmowa" empties the page and starts a new
    session id, as an office kiosk needs."""
    page = new_page(browser, 360, 780)
    page.goto(f"http://127.0.0.1:{WEB}/chat")
    page.wait_for_function("() => document.documentElement.dataset.session === 'ready'")
    ask(page, QUESTION, "co trzeba wiedzieć:")
    before = page.evaluate("JSON.parse(sessionStorage.getItem('doradca-chat')).session")
    assert page.evaluate("localStorage.getItem('doradca-chat')") is None
    page.get_by_role("button", name="Nowa rozmowa").click()
    page.wait_for_function("() => document.documentElement.dataset.session === 'ready'")
    page.locator("#log .msg.bot").first.wait_for(timeout=10_000)
    assert page.locator("#log .msg").count() == 1 and page.locator("#log .msg.user").count() == 0
    after = page.evaluate("JSON.parse(sessionStorage.getItem('doradca-chat')).session")
    assert after != before
    ask(page, "a jakie umiejętności?", "O jaki zawód chodzi?")  # the new session knows no occupation
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []


def test_user_text_is_shown_as_text(servers, browser):
    page = new_page(browser)
    page.goto(f"http://127.0.0.1:{WEB}/chat")
    page.wait_for_function("() => document.documentElement.dataset.session === 'ready'")
    evil = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    page.fill("#input", evil)
    page.keyboard.press("Enter")
    page.locator("#log .msg.user", has_text="<img src=x onerror=alert(1)>").wait_for(timeout=10_000)
    page.locator("#log .msg.bot").nth(1).wait_for(timeout=30_000)
    assert page.locator("#log img").count() == 0 and page.locator("#log script").count() == 0
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_keyboard_only_and_language_switch(servers, browser):
    page = new_page(browser)
    page.goto(f"http://127.0.0.1:{WEB}/chat")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "lang"
    page.select_option("#lang", "uk")
    assert page.inner_text("#send") == "Надіслати" and page.get_attribute("html", "lang") == "uk"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "restart" and page.inner_text("#restart") == "Нова розмова"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "input"
    page.wait_for_function("() => document.documentElement.dataset.session === 'ready'")
    page.keyboard.type("Які навички потрібні спеціалісту з інтерактивних медіа?")
    page.keyboard.press("Enter")
    page.locator("#log .msg.bot", has_text="необхідні вміння").last.wait_for(timeout=30_000)
    assert page.get_attribute("#log", "aria-live") == "polite"


def test_lookup_autocomplete_search_and_description(servers, browser):
    page = new_page(browser)
    page.goto(f"http://127.0.0.1:{WEB}/lookup")
    page.fill("#q", "specjalista do spraw med")
    page.wait_for_function("() => document.querySelectorAll('#suggestions option').length > 0")
    options = page.eval_on_selector_all("#suggestions option", "els => els.map(e => e.value)")
    assert "Specjalista do spraw mediów interaktywnych (243108)" in options
    page.fill("#q", "czy trzeba znać prawo autorskie w zawodzie specjalista do spraw mediów interaktywnych")
    page.keyboard.press("Enter")
    page.locator(".passage", has_text="Przepisy prawa związane z prawami autorskimi").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Cały opis: Specjalista do spraw mediów interaktywnych (243108)").click()
    page.locator("h2", has_text="Specjalista do spraw mediów interaktywnych (243108)").wait_for()
    assert page.locator(".section h3", has_text="wiedza").count() == 1
    assert page.locator(".passage", has_text="243108/key_competence/9").count() == 1
    related = page.locator("section.related")  # related occupations: what is shared, what to learn
    related.wait_for(timeout=30_000)
    assert related.locator(".related-item").count() == 5 and related.get_by_text("Wspólne:").count() >= 1
    shot(page, "lookup")
    assert axe_violations(page) == []
    related.get_by_role("button", name="Specjalista do spraw mediów społecznościowych (243110)").click()
    page.locator("h2", has_text="Specjalista do spraw mediów społecznościowych (243110)").wait_for()


@pytest.mark.parametrize("width", [1280, 360])
def test_lookup_codes_a_job_offer_and_copies_the_code(servers, browser, width: int):
    page = new_page(browser, width, 900)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=f"http://127.0.0.1:{WEB}")
    page.goto(f"http://127.0.0.1:{WEB}/lookup")
    page.get_by_role("button", name="Zaproponuj kody").click()
    page.locator("#offer-status", has_text="Wpisz stanowisko").wait_for()
    page.fill("#offer-name", "Specjalista ds. mediów interaktywnych")
    page.fill("#offer-text", "Planowanie kampanii w mediach społecznościowych, SEO i SEM, analiza statystyk.")
    page.get_by_role("button", name="Zaproponuj kody").click()
    first = page.locator("#offer-results > li").first
    first.wait_for(timeout=30_000)
    assert "243108" in first.inner_text()
    assert first.locator(".evidence li").count() >= 1
    page.get_by_role("button", name="Kopiuj kod 243108").click()
    page.locator("#offer-status", has_text="Skopiowano kod 243108").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == "243108"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"lookup-offer-{width}")
    assert axe_violations(page) == []


def test_lookup_in_english_search_description_related_and_an_offer(servers, browser):
    """The look-up page after choosing English: what it writes around the API's answers (the whole description's
    button, the related occupations' title and labels, the offer's confidence and copy button) is the catalog's
    English, and axe finds nothing serious with the page's language set to English."""
    import yaml

    table = yaml.safe_load((ROOT / "bot" / "sentences.yml").read_text("utf-8"))
    en, pl_kzis = {k: v["en"] for k, v in table.items()}, table["cite_kzis"]["pl"]
    page = new_page(browser)
    page.goto(f"http://127.0.0.1:{WEB}/lookup")
    page.select_option("#lang", "en")
    assert page.title() == en["page_lookup_title"] and page.get_attribute("html", "lang") == "en"
    page.fill("#q", "czy trzeba znać prawo autorskie w zawodzie specjalista do spraw mediów interaktywnych")
    page.get_by_role("button", name=en["page_lookup_search"]).click()
    page.locator("#status", has_text=en["page_lookup_found"].split("{")[0]).wait_for(timeout=30_000)
    page.get_by_role("button", name=en["page_lookup_whole"].format(
        occupation="Specjalista do spraw mediów interaktywnych (243108)")).click()
    related = page.locator("section.related")
    related.wait_for(timeout=30_000)
    assert related.locator("h3").inner_text() == en["page_lookup_related"]
    assert related.get_by_text(en["page_lookup_shared"] + ":").count() >= 1
    assert page.locator("#status").inner_text() == en["page_lookup_description"].format(
        name="Specjalista do spraw mediów interaktywnych")
    copy = en["page_lookup_copy_passage"].format(id="243108/key_competence/9")
    assert page.get_by_role("button", name=copy).count() == 1
    if HAVE_CORPUS:  # the passages stay Polish, the KZiS dictionary's source is named in English (the API's lang)
        kzis = f'{en["page_lookup_source"]}: {en["cite_kzis"]} (2024-07-10)'
        assert page.locator(".source", has_text=kzis).count() >= 1 and page.get_by_text(pl_kzis).count() == 0
    page.fill("#offer-name", "Specjalista ds. mediów interaktywnych")
    page.get_by_role("button", name=en["page_lookup_offer_submit"]).click()
    first = page.locator("#offer-results > li").first
    first.wait_for(timeout=30_000)
    assert en["page_lookup_confidence"].split("{")[0] in first.inner_text()
    assert page.get_by_role("button", name=en["page_lookup_copy_code_of"].format(code="243108")).count() == 1
    shot(page, "lookup-en")
    assert axe_violations(page) == []


@needs_corpus
def test_ambiguous_name_buttons_in_the_page(servers, browser):
    page = new_page(browser, 360, 780)
    page.goto(f"http://127.0.0.1:{WEB}/chat")
    page.wait_for_function("() => document.documentElement.dataset.session === 'ready'")
    ask(page, "specjalista", "pasuje do kilku zawodów")
    page.locator("#log .buttons button").first.click()
    page.locator("#log .msg.bot", has_text="(KZiS ").last.wait_for(timeout=30_000)


PESEL = "44051401359"  # a valid PESEL (checksum right), typed in with the question
STORED = "() => sessionStorage.getItem('doradca-chat')"
READY = "() => document.documentElement.dataset.session === 'ready'"


def stored(page) -> dict:
    return page.evaluate("JSON.parse(sessionStorage.getItem('doradca-chat'))")


def test_the_tab_keeps_only_the_redacted_echo(servers, browser):
    """What the tab keeps of typed text is the server's redacted echo: a PESEL is shown and stored as [PESEL]."""
    page = new_page(browser)
    page.goto(f"http://127.0.0.1:{WEB}/chat")
    page.wait_for_function(READY)
    ask(page, f"Mój PESEL to {PESEL}. {QUESTION}", "co trzeba wiedzieć:")
    page.locator("#log .msg.user", has_text="[PESEL]").wait_for(timeout=10_000)
    assert PESEL not in page.inner_text("#log")
    raw = page.evaluate(STORED)
    assert PESEL not in raw and "Mój PESEL to [PESEL]." in raw
    page.reload()
    page.locator("#log .msg.user", has_text="[PESEL]").wait_for(timeout=10_000)
    assert PESEL not in page.inner_text("#log")


def test_kiosk_idle_reset_leaves_nothing(servers, browser):
    """After the idle time (here 6 s: the office's setting overridden as a page embedding the chat would, through
    window.DORADCA_CONFIG) the page starts over: an empty log, nothing earlier in sessionStorage, a new session id
    the server confirms and that knows no occupation."""
    page = new_page(browser, 360, 780)
    page.add_init_script("window.DORADCA_CONFIG = {kioskIdleMinutes: 0.1};")
    page.goto(f"http://127.0.0.1:{WEB}/chat")
    page.wait_for_function(READY)
    assert page.get_attribute("html", "data-kiosk-idle") == "0.1"
    ask(page, QUESTION, "co trzeba wiedzieć:")
    before = stored(page)
    assert len(before["messages"]) >= 3 and QUESTION in page.evaluate(STORED)
    with page.expect_navigation(timeout=30_000):  # the reset reloads the page once the 6 s have passed
        pass
    page.wait_for_function(READY)
    page.locator("#log .msg.bot").first.wait_for(timeout=10_000)
    assert page.locator("#log .msg").count() == 1 and page.locator("#log .msg.user").count() == 0
    after = stored(page)
    assert [m["from"] for m in after["messages"]] == ["bot"]  # the greeting alone
    assert QUESTION not in page.evaluate(STORED) and "mediów" not in page.inner_text("#log")
    assert after["session"] != before["session"]
    ask(page, "a jakie umiejętności?", "O jaki zawód chodzi?")  # the new session knows no occupation


def test_kiosk_idle_reset_is_on_by_default(servers, browser):
    """With the shipped config.js the reset is armed (10 minutes): on the browser's clock, run forward, nothing
    happens at 9 minutes and the page starts over after 10."""
    page = new_page(browser)
    page.clock.install()
    page.goto(f"http://127.0.0.1:{WEB}/chat")
    page.wait_for_function(READY)
    assert page.get_attribute("html", "data-kiosk-idle") == "10"
    ask(page, QUESTION, "co trzeba wiedzieć:")
    session = stored(page)["session"]
    page.clock.fast_forward("09:00")
    assert page.locator("#log .msg.user").count() == 1 and stored(page)["session"] == session
    with page.expect_navigation(timeout=30_000):
        page.clock.fast_forward("01:30")
    page.locator("#log .msg.bot").first.wait_for(timeout=10_000)
    assert page.locator("#log .msg").count() == 1 and page.locator("#log .msg.user").count() == 0
    assert QUESTION not in page.evaluate(STORED)


# last in the module: it stops the module's Rasa server
def test_unreachable_server_is_reported(servers, browser):
    page = new_page(browser)
    page.goto(f"http://127.0.0.1:{WEB}/chat")
    page.wait_for_function("() => document.documentElement.dataset.session === 'ready'")
    servers.stop_one("rasa")
    page.locator("#status", has_text="Brak połączenia z doradcą").wait_for(timeout=30_000)
    shot(page, "chat-offline")

