"""A second, unmodified client: the rasa-webchat widget (npm) on a third party's page, in Chromium, against a real
Rasa server and action server on loopback. Its opening payload, a question, a follow-up and a button."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from index.config import ROOT
from services.processes import RASA, RASA_MODEL, Assistant, Ports

from .conftest import CHROMIUM, free_port, needs_corpus

BUNDLE = ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js"  # the package's UMD build
PAGE = Path(__file__).parent / "fixtures" / "webchat.html"
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason="needs Debian's chromium (apt-get install chromium; .ci/run does)"),
    pytest.mark.skipif(not RASA.exists() or not RASA_MODEL.exists(), reason="needs .venv-rasa and a trained model"),
    pytest.mark.skipif(not BUNDLE.exists(), reason="needs web/node_modules (make setup runs npm ci)"),
    needs_corpus,  # a welder is not in the built-in data/
]
BOT_REPLY = ".rw-message .rw-response"


class ThirdPartySite(BaseHTTPRequestHandler):
    """The page and the widget's bundle, nothing else."""

    FILES: ClassVar[dict[str, tuple[Path, str]]] = {"/": (PAGE, "text/html; charset=utf-8"),
                                                    "/rasa-webchat.js": (BUNDLE, "text/javascript")}

    def do_GET(self) -> None:
        path, _, _ = self.path.partition("?")
        if path not in self.FILES:
            self.send_error(404)
            return
        file, kind = self.FILES[path]
        body = file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), ThirdPartySite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def bot(site: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """The real servers, with the third party's origin allowed to open a socket.io connection (DORADCA_CORS)."""
    tmp = tmp_path_factory.mktemp("webchat")
    ports = Ports(rasa=free_port(), actions=free_port(), web=free_port(), rasa_metrics=0, actions_metrics=0)
    with Assistant(ports, tracker_db=tmp / "t.db", log_dir=tmp / "logs", extra_env={"DORADCA_CORS": site}) as a:
        yield a


def replies(page) -> list[str]:
    return [t for t in page.locator(BOT_REPLY).all_inner_texts() if t.strip()]


def wait_reply(page, count: int, timeout: float = 30) -> str:
    """The text of the bot's messages after the first ``count``. The widget shows a turn's messages one by one,
    up to 3 s apart: the turn is taken as complete when nothing new has come for 4 s."""
    page.wait_for_function(
        f"() => [...document.querySelectorAll('{BOT_REPLY}')].filter(e => e.innerText.trim()).length > {count}",
        timeout=timeout * 1000)
    last, quiet_since = replies(page), time.monotonic()
    while time.monotonic() - quiet_since < 4:
        page.wait_for_timeout(500)
        if (now := replies(page)) != last:
            last, quiet_since = now, time.monotonic()
    return "\n".join(last[count:])


def say(page, text: str) -> str:
    before = len(replies(page))
    page.fill(".rw-new-message", text)
    page.keyboard.press("Enter")
    reply = wait_reply(page, before)
    assert "problem techniczny" not in reply and "Nie znam takiego zawodu" not in reply, reply
    return reply


def test_rasa_webchat_greeting_question_follow_up_buttons(bot: Assistant, site: str, browser):
    context = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site}/?bot=http://127.0.0.1:{bot.ports.rasa}")
    page.locator(".rw-launcher").click()  # the widget opens and sends its initPayload "/get_started"
    greeting = wait_reply(page, 0)
    assert "Dzień dobry" in greeting, greeting
    for wrong in ("Nie znam takiego zawodu", "problem techniczny"):
        assert wrong not in greeting

    answer = say(page, "Czym zajmuje się spawacz?")
    assert "Spawacz" in answer, answer
    follow_up = say(page, "a co trzeba umieć?")
    # the same occupation, about skills (the KZiS description of a welder has no skills part and says so)
    assert "Spawacz" in follow_up and "umiejętności" in follow_up, follow_up

    say(page, "jaka jest pogoda w krakowie")  # out of scope: the counsellor offered as a button
    button = page.locator(".rw-replies .rw-reply", has_text="Kontakt z doradcą").last
    button.wait_for(timeout=10_000)
    button.click()
    contact = wait_reply(page, len(replies(page)))
    assert "Kontakt z doradcą zawodowym" in contact, contact
    assert errors == []
    context.close()
