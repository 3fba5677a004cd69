"""Telegram and Messenger webhooks (bot/webhooks.py) on the real Rasa and action servers.

The platforms cannot be reached from here, so their APIs are a recorder on loopback: it takes what the bot
sends (sendMessage, the Send API) and answers the way the platform does (and fails, with the chat id in its error,
for the ids in ``FAILING``). Everything else is real: the requests are signed (or not) exactly as Telegram and
Facebook sign them, and the tracker store is the SQLite store the Rasa server writes.

Chat ids and Messenger ids are personal data: the store and the logs must hold only their pseudonyms
("anon-" + HMAC-SHA256 of "<channel>:<id>" with DORADCA_PSEUDONYM_KEY), while the answers reach the raw id. The ids
here are long numbers, as the platforms' are, so that finding one in a file's bytes is not a coincidence.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import sqlite3
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from index.config import ROOT
from services.processes import RASA, RASA_MODEL, Assistant, Ports

from .conftest import free_port, needs_corpus

pytestmark = pytest.mark.skipif(not RASA.exists() or not RASA_MODEL.exists(),
                                reason="needs .venv-rasa and a trained model: run `make setup`")

RECORDER_PORT = free_port()
TG_TOKEN = "123456:doradca-test-token"
TG_SECRET = "tg-secret-for-tests-0123456789"
FB_VERIFY = "fb-verify-token"
FB_SECRET = "fb-app-secret-for-tests"
QUESTION = "Co musi wiedzieć specjalista do spraw mediów interaktywnych?"
KEY = "webhook-test-pseudonym-key-0123456789abcdef"  # DORADCA_PSEUDONYM_KEY of the test server
OTHER_KEY = "another-pseudonym-key-for-the-restart-0123456789"
RAW_IDS: set[str] = set()  # every chat id and Messenger id sent to the server in this module
FAILING: set[str] = set()  # ids the recorder refuses to deliver to, naming them in its error (as platforms do)


def pseudonym(channel: str, raw: int | str, key: str = KEY) -> str:
    """The sender id the tracker store must hold for a chat: an HMAC keyed with the server's pseudonym key."""
    return "anon-" + hmac.new(key.encode(), f"{channel}:{raw}".encode(), hashlib.sha256).hexdigest()[:32]


def tg(chat: int) -> str:
    return pseudonym("telegram", chat)


def fb(psid: str) -> str:
    return pseudonym("facebook", psid)


class Recorder(ThreadingHTTPServer):
    """Stands in for api.telegram.org and graph.facebook.com: records each call, answers like them."""

    def __init__(self, port: int) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _RecorderHandler)

    def take(self) -> list[tuple[str, dict]]:
        with self.lock:
            calls, self.calls = self.calls, []
        return calls


class _RecorderHandler(BaseHTTPRequestHandler):
    server: Recorder

    def do_POST(self) -> None:  # http.server's naming
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            body = json.loads(raw)
        else:  # aiogram posts form fields; nested ones (reply_markup) as JSON text
            body = {k: v[0] for k, v in parse_qs(raw).items()}
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.calls.append((path, body))
        to = str(body.get("chat_id") or body.get("recipient", {}).get("id"))
        status = 400 if to in FAILING else 200
        if path.startswith("/tg/") and status == 400:
            answer = {"ok": False, "error_code": 400, "description": f"Bad Request: chat {to} not found"}
        elif path.startswith("/tg/"):
            result = True if path.endswith("/answerCallbackQuery") else {
                "message_id": len(self.server.calls), "date": 0, "text": body.get("text", ""),
                "chat": {"id": int(body.get("chat_id", 0)), "type": "private"}}
            answer = {"ok": True, "result": result}
        elif status == 400:
            answer = {"error": {"message": f"No matching user found for {to}", "type": "OAuthException", "code": 100}}
        else:
            answer = {"recipient_id": body.get("recipient", {}).get("id"), "message_id": "m.1"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def recorder():
    server = Recorder(RECORDER_PORT)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, recorder: Recorder):
    tmp = tmp_path_factory.mktemp("webhooks")
    credentials = tmp / "credentials.yml"
    credentials.write_text(
        "channels.RestInput:\n"
        "webhooks.TelegramInput:\n"
        f'  access_token: "{TG_TOKEN}"\n  secret_token: "{TG_SECRET}"\n'
        f'  api_base: "http://127.0.0.1:{RECORDER_PORT}/tg"\n'
        "webhooks.FacebookInput:\n"
        f'  verify: "{FB_VERIFY}"\n  secret: "{FB_SECRET}"\n  page-access-token: "page-token"\n'
        f'  graph_url: "http://127.0.0.1:{RECORDER_PORT}/fb/v19.0"\n')
    with Assistant(Ports(rasa=free_port(), actions=free_port()), tracker_db=tmp / "conversations.db",
                   log_dir=tmp / "logs",
                   credentials=credentials, extra_env={"DORADCA_PSEUDONYM_KEY": KEY}) as a:
        yield a


def url(bot: Assistant, channel: str) -> str:
    return f"http://127.0.0.1:{bot.ports.rasa}/webhooks/{channel}/webhook"


def stored_texts(bot: Assistant, sender: str) -> list[str]:
    with sqlite3.connect(bot.tracker_db) as db:
        rows = [json.loads(r[0]) for r in db.execute("select data from events where sender_id = ?", (sender,))]
    return [e.get("text") or "" for e in rows if e.get("event") == "user"]


def stored_senders(bot: Assistant) -> set[str]:
    with sqlite3.connect(bot.tracker_db) as db:
        return {r[0] for r in db.execute("select distinct sender_id from events")}


def files_with(folder: Path, needle: str) -> list[str]:
    """The files under ``folder`` whose bytes hold ``needle`` (SQLite files and their write-ahead logs included)."""
    return [p.name for p in sorted(folder.rglob("*")) if p.is_file() and needle.encode() in p.read_bytes()]


# --- Telegram -------------------------------------------------------------------------------------------

_update_ids = iter(range(1000, 10_000))
_chats = itertools.count(5_738_291_001)  # Telegram user ids are up to 10 digits


def tg_update(chat: int, text: str | None = None, **extra: object) -> dict:
    RAW_IDS.add(str(chat))
    message = {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"}}
    if text is not None:
        message["text"] = text
    return {"update_id": next(_update_ids), "message": message, **extra}


def tg_post(bot: Assistant, update: dict | bytes, secret: str | None = TG_SECRET) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    return requests.post(url(bot, "telegram"), data=body, headers=headers, timeout=60)


def sent_texts(calls: list[tuple[str, dict]], method_suffix: str = "/sendMessage") -> str:
    return "\n".join(body.get("text", "") for path, body in calls if path.endswith(method_suffix))


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-0123456789", TG_SECRET[:-1], TG_SECRET + "x"])
def test_telegram_rejects_a_call_without_the_secret_token(bot: Assistant, recorder: Recorder, secret: str | None):
    chat = next(_chats)
    r = tg_post(bot, tg_update(chat, QUESTION), secret=secret)
    assert r.status_code == 403
    assert recorder.take() == []  # nothing answered
    assert stored_texts(bot, tg(chat)) == [] and stored_texts(bot, str(chat)) == []  # nothing processed


def test_telegram_answers_a_signed_message_in_the_chat_and_stores_it_under_the_pseudonym(bot: Assistant,
                                                                                          recorder: Recorder):
    chat = next(_chats)
    r = tg_post(bot, tg_update(chat, QUESTION))
    assert r.status_code == 200
    calls = recorder.take()
    assert all(path.startswith(f"/tg/bot{TG_TOKEN}/") for path, _ in calls)
    assert {body["chat_id"] for _, body in calls} == {str(chat)}  # delivered to the raw id
    text = sent_texts(calls)
    assert "(KZiS 243108) – co trzeba wiedzieć:" in text and "Źródło:" in text
    assert stored_texts(bot, tg(chat)) == [QUESTION]
    assert str(chat) not in stored_senders(bot)


def test_telegram_start_command_greets(bot: Assistant, recorder: Recorder):
    assert tg_post(bot, tg_update(next(_chats), "/start")).status_code == 200
    assert "Dzień dobry" in sent_texts(recorder.take())


def test_telegram_redelivered_update_is_answered_once(bot: Assistant, recorder: Recorder):
    chat = next(_chats)
    update = tg_update(chat, "dzięki")
    assert tg_post(bot, update).status_code == 200
    assert tg_post(bot, update).status_code == 200
    assert len([c for c in recorder.take() if c[0].endswith("/sendMessage")]) == 1
    assert stored_texts(bot, tg(chat)) == ["dzięki"]


def test_telegram_update_redelivered_after_a_restart_is_not_answered_again(bot: Assistant, recorder: Recorder):
    chat = next(_chats)
    update = tg_update(chat, "dzięki")
    assert tg_post(bot, update).status_code == 200
    bot.stop_one("rasa")  # Telegram re-delivers what it sent while the server went down
    bot.start_rasa()
    assert tg_post(bot, update).status_code == 200
    assert len([c for c in recorder.take() if c[0].endswith("/sendMessage")]) == 1
    assert stored_texts(bot, tg(chat)) == ["dzięki"]


def test_telegram_updates_without_an_id_are_not_taken_for_repeats(bot: Assistant, recorder: Recorder):
    chat = next(_chats)
    for _ in range(2):
        update = tg_update(chat, "dzięki")
        del update["update_id"]
        assert tg_post(bot, update).status_code == 200
    assert len([c for c in recorder.take() if c[0].endswith("/sendMessage")]) == 2


def test_telegram_sticker_gets_a_text_only_note_and_bad_bodies_a_client_error(bot: Assistant, recorder: Recorder):
    chat = next(_chats)
    assert tg_post(bot, tg_update(chat, None, sticker={"file_id": "x"})).status_code == 200
    calls = recorder.take()
    assert "tylko na wiadomości tekstowe" in sent_texts(calls)
    assert {body["chat_id"] for _, body in calls} == {str(chat)}
    assert tg_post(bot, b"{not json").status_code == 400
    assert tg_post(bot, b"[1, 2]").status_code == 400
    for bad in ([1], "7", {"a": 1}, True):  # a client error, never a server error
        assert tg_post(bot, {"update_id": bad, "message": {"text": "x"}}).status_code == 400, bad
    assert tg_post(bot, {"update_id": next(_update_ids), "poll": {}}).status_code == 200  # nothing to answer
    assert recorder.take() == []


def test_telegram_personal_data_is_redacted_before_storage(bot: Assistant, recorder: Recorder):
    chat = next(_chats)
    assert tg_post(bot, tg_update(chat, "mój PESEL 44051401359, co robi spawacz?")).status_code == 200
    recorder.take()
    stored = stored_texts(bot, tg(chat))
    assert stored and "44051401359" not in stored[0] and "[PESEL]" in stored[0]


@pytest.mark.parametrize("chat", [600100200, 5738290999, -1001234567890])  # reads as a phone, a user, a group
def test_every_telegram_chat_is_one_keyed_conversation_answered_at_its_raw_id(bot: Assistant, recorder: Recorder,
                                                                            chat: int):
    """Issue 29: the tracker store keeps an HMAC of every chat id (keyed, so trying all 10^10 ids does not find them),
    the same one for every message of the chat, and the answers still go to the chat itself."""
    for text in ("dzień dobry", "dziękuję bardzo"):
        assert tg_post(bot, tg_update(chat, text)).status_code == 200
    calls = recorder.take()
    assert {body["chat_id"] for p, body in calls if p.endswith("/sendMessage")} == {str(chat)}
    assert "Proszę bardzo" in sent_texts(calls)
    assert stored_texts(bot, tg(chat)) == ["dzień dobry", "dziękuję bardzo"]  # stable: one conversation
    assert len(tg(chat)) == 37 and str(chat) not in stored_senders(bot) and stored_texts(bot, str(chat)) == []


def test_telegram_update_with_a_malformed_chat_id_is_not_answered(bot: Assistant, recorder: Recorder):
    update = {"update_id": next(_update_ids), "message": {"message_id": 1, "date": 0, "text": "dzięki",
                                                          "chat": {"id": "x" * 5000, "type": "private"}}}
    assert tg_post(bot, update).status_code == 200
    assert recorder.take() == []


@needs_corpus
def test_telegram_buttons_are_inline_keys_that_answer_when_pressed(bot: Assistant, recorder: Recorder):
    chat = next(_chats)
    assert tg_post(bot, tg_update(chat, "w jakim zawodzie pracuje się z blogerami?")).status_code == 200
    markups = [json.loads(b["reply_markup"]) for p, b in recorder.take() if "reply_markup" in b]
    keys = [k for m in markups for row in m["inline_keyboard"] for k in row]
    key = next(k for k in keys if k["text"].startswith("Specjalista do spraw mediów interaktywnych"))
    assert len(key["callback_data"].encode()) <= 64  # Telegram's limit
    press = {"update_id": next(_update_ids), "callback_query": {
        "id": "cb1", "from": {"id": chat, "is_bot": False, "first_name": "A"}, "chat_instance": "1",
        "data": key["callback_data"], "message": {"message_id": 2, "date": 0, "chat": {"id": chat, "type": "private"}}}}
    assert tg_post(bot, press).status_code == 200
    calls = recorder.take()
    assert any(p.endswith("/answerCallbackQuery") and b["callback_query_id"] == "cb1" for p, b in calls)
    assert "(KZiS 243108)" in sent_texts(calls)


# --- Messenger ------------------------------------------------------------------------------------------

_psids = (str(n) for n in itertools.count(7_364_519_280_463_501))  # page-scoped ids: 16-17 digits
_mids = itertools.count(1)


def fb_body(*events: tuple[str, str]) -> bytes:
    RAW_IDS.update(sender for sender, _ in events)
    messaging = [{"sender": {"id": sender}, "recipient": {"id": "page"}, "timestamp": 0,
                  "message": {"mid": f"mid.$c{next(_mids)}", "text": text}}  # opaque, as Facebook's are
                 for sender, text in events]
    return json.dumps({"object": "page", "entry": [{"id": "page", "time": 0, "messaging": messaging}]}).encode()


def fb_sign(body: bytes, secret: str = FB_SECRET, algo: str = "sha256") -> str:
    return f"{algo}=" + hmac.new(secret.encode(), body, getattr(hashlib, algo)).hexdigest()


def fb_post(bot: Assistant, body: bytes, headers: dict[str, str]) -> requests.Response:
    return requests.post(url(bot, "facebook"), data=body, headers={"Content-Type": "application/json", **headers},
                         timeout=60)


def fb_texts(calls: list[tuple[str, dict]], sender: str) -> str:
    return "\n".join(b["message"].get("text", "") for p, b in calls
                     if p == "/fb/v19.0/me/messages" and b["recipient"]["id"] == sender)


def test_messenger_subscription_needs_the_verify_token(bot: Assistant):
    ok = requests.get(url(bot, "facebook"), params={"hub.mode": "subscribe", "hub.verify_token": FB_VERIFY,
                                                    "hub.challenge": "1158201444"}, timeout=10)
    assert (ok.status_code, ok.text) == (200, "1158201444")
    bad = requests.get(url(bot, "facebook"), params={"hub.mode": "subscribe", "hub.verify_token": "guess",
                                                     "hub.challenge": "1158201444"}, timeout=10)
    assert bad.status_code == 403 and "1158201444" not in bad.text


def _forged(body: bytes) -> list[dict[str, str]]:
    return [
        {},  # unsigned
        {"X-Hub-Signature": fb_sign(body, algo="sha1")},  # the old SHA-1 header alone
        {"X-Hub-Signature-256": fb_sign(body, secret="another-secret")},
        {"X-Hub-Signature-256": fb_sign(body + b" ")},  # signed a different body
        {"X-Hub-Signature-256": fb_sign(body).removeprefix("sha256=")},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
    ]


def test_messenger_rejects_unsigned_and_wrongly_signed_calls(bot: Assistant, recorder: Recorder):
    psid = next(_psids)
    body = fb_body((psid, QUESTION))
    for headers in _forged(body):
        assert fb_post(bot, body, headers).status_code == 403, headers
    assert recorder.take() == []
    assert stored_texts(bot, fb(psid)) == []


def test_messenger_answers_every_event_of_a_signed_batch(bot: Assistant, recorder: Recorder):
    one, two = next(_psids), next(_psids)
    body = fb_body((one, QUESTION), (two, "dzięki"))
    r = fb_post(bot, body, {"X-Hub-Signature-256": fb_sign(body)})
    assert r.status_code == 200
    calls = recorder.take()
    assert all(b["messaging_type"] == "RESPONSE" and len(b["message"]["text"]) <= 2000 for _, b in calls)
    assert {b["recipient"]["id"] for _, b in calls} == {one, two}  # delivered to the raw ids
    assert "(KZiS 243108) – co trzeba wiedzieć:" in fb_texts(calls, one)
    assert "Proszę bardzo" in fb_texts(calls, two)
    assert stored_texts(bot, fb(one)) == [QUESTION] and stored_texts(bot, fb(two)) == ["dzięki"]
    assert not {one, two} & stored_senders(bot)
    # the same call delivered again is not answered again
    assert fb_post(bot, body, {"X-Hub-Signature-256": fb_sign(body)}).status_code == 200
    assert recorder.take() == []


@needs_corpus
def test_messenger_buttons_become_quick_replies_with_full_titles_in_the_text(bot: Assistant, recorder: Recorder):
    body = fb_body((next(_psids), "w jakim zawodzie pracuje się z blogerami?"))
    assert fb_post(bot, body, {"X-Hub-Signature-256": fb_sign(body)}).status_code == 200
    message = next(b["message"] for _, b in recorder.take() if "quick_replies" in b["message"])
    assert "Specjalista do spraw mediów interaktywnych (243108)" in message["text"]
    assert all(len(q["title"]) <= 20 and q["payload"].startswith("/") for q in message["quick_replies"])


def test_channels_refuse_to_start_without_their_secrets():
    script = (
        "import webhooks\n"
        "for cls, creds in [(webhooks.TelegramInput, {'access_token': '1:a'}),\n"
        "                   (webhooks.TelegramInput, {'access_token': '1:a', 'secret_token': 'short'}),\n"
        "                   (webhooks.FacebookInput, {'verify': 'v', 'page-access-token': 't'})]:\n"
        "    try:\n"
        "        cls.from_credentials(creds)\n"
        "    except ValueError as e:\n"
        "        print(e)\n"
    )
    out = subprocess.run([str(RASA.parent / "python"), "-c", script], check=False, cwd=ROOT / "bot",
                         capture_output=True,
                         text=True, timeout=120, env={"PYTHONPATH": str(ROOT / "bot"),
                                                      "RASA_TELEMETRY_ENABLED": "false",
                                                      "PATH": "/usr/bin:/bin"})
    lines = out.stdout.splitlines()
    assert lines == [
        "Telegram: set secret_token in credentials.yml (see README, 'Messenger channels')",
        "Telegram: secret_token must be 16-256 characters A-Z, a-z, 0-9, '_' or '-'",
        "Facebook Messenger: set secret in credentials.yml (see README, 'Messenger channels')",
    ], out.stderr[-2000:]



def test_messenger_redelivered_postback_is_answered_once(bot: Assistant, recorder: Recorder):
    psid = next(_psids)
    RAW_IDS.add(psid)
    event = {"sender": {"id": psid}, "recipient": {"id": "page"}, "timestamp": 0,
             "postback": {"mid": "mid.postback.1", "title": "Kontakt z doradcą", "payload": "/ask_human"}}
    body = json.dumps({"object": "page", "entry": [{"id": "page", "time": 0, "messaging": [event]}]}).encode()
    for _ in range(2):
        assert fb_post(bot, body, {"X-Hub-Signature-256": fb_sign(body)}).status_code == 200
    assert fb_texts(recorder.take(), psid).count("Kontakt z doradcą zawodowym") == 1


# --- Sender ids: pseudonyms only, in the store and in the logs ------------------------------------------------

def test_a_failed_send_is_logged_under_the_pseudonym_even_when_the_platform_names_the_chat(bot: Assistant,
                                                                                          recorder: Recorder):
    """The recorder refuses these two ids and, like the platforms, names them in its error; the server's log line
    must carry the pseudonym instead."""
    chat, psid = next(_chats), next(_psids)
    FAILING.update({str(chat), psid})
    try:
        assert tg_post(bot, tg_update(chat, "dzięki")).status_code == 200
        body = fb_body((psid, "dzięki"))
        assert fb_post(bot, body, {"X-Hub-Signature-256": fb_sign(body)}).status_code == 200
    finally:
        FAILING.clear()
    calls = recorder.take()
    assert {b.get("chat_id") or b["recipient"]["id"] for _, b in calls} == {str(chat), psid}  # tried at the raw ids
    log = (bot.log_dir / "rasa.log").read_text(errors="replace")
    assert f"telegram: reply not delivered ({tg(chat)})" in log and f"({fb(psid)})" in log
    assert f"chat {tg(chat)} not found" in log.lower()  # the platform's text, with the pseudonym in place of the id
    assert str(chat) not in log and psid not in log
    assert stored_texts(bot, tg(chat)) == ["dzięki"] and stored_texts(bot, fb(psid)) == ["dzięki"]  # turn kept


def test_the_pseudonym_follows_the_key(bot: Assistant, recorder: Recorder):
    """Same chat, same key: the same conversation (above). Another key: another pseudonym, the raw id still
    answered; the server goes back to the module's key afterwards."""
    chat, psid = next(_chats), next(_psids)
    try:
        bot.extra_env["DORADCA_PSEUDONYM_KEY"] = OTHER_KEY
        bot.stop_one("rasa")
        bot.start_rasa()
        assert tg_post(bot, tg_update(chat, "dzięki")).status_code == 200
        body = fb_body((psid, "dzięki"))
        assert fb_post(bot, body, {"X-Hub-Signature-256": fb_sign(body)}).status_code == 200
        calls = recorder.take()
        assert {b.get("chat_id") or b["recipient"]["id"] for _, b in calls} == {str(chat), psid}
        assert "Proszę bardzo" in sent_texts(calls) and "Proszę bardzo" in fb_texts(calls, psid)
        for channel, raw in (("telegram", chat), ("facebook", psid)):
            other = pseudonym(channel, raw, OTHER_KEY)
            assert other != pseudonym(channel, raw)
            assert stored_texts(bot, other) == ["dzięki"] and stored_texts(bot, pseudonym(channel, raw)) == []
    finally:
        bot.extra_env["DORADCA_PSEUDONYM_KEY"] = KEY
        bot.stop_one("rasa")
        bot.start_rasa()
    assert tg_post(bot, tg_update(chat, "dziękuję")).status_code == 200  # the module's key: its pseudonym again
    assert {b["chat_id"] for _, b in recorder.take()} == {str(chat)}
    assert stored_texts(bot, tg(chat)) == ["dziękuję"]


def test_no_raw_chat_id_in_the_tracker_store_its_companions_or_the_logs(bot: Assistant, recorder: Recorder):
    """Every chat id and Messenger id this module sent (answered, refused, failed, re-delivered) is searched for in
    the bytes of every file beside the tracker store (the store, its write-ahead log, the webhook ids, the key) and
    of every log the servers wrote; only pseudonyms may be there."""
    chat, psid = next(_chats), next(_psids)
    assert tg_post(bot, tg_update(chat, QUESTION)).status_code == 200
    body = fb_body((psid, QUESTION))
    assert fb_post(bot, body, {"X-Hub-Signature-256": fb_sign(body)}).status_code == 200
    recorder.take()
    assert {tg(chat), fb(psid)} <= stored_senders(bot)
    assert len(RAW_IDS) >= 2
    for raw in sorted(RAW_IDS):
        found = files_with(bot.tracker_db.parent, raw) + files_with(bot.log_dir, raw)
        assert found == [], f"raw id {raw} in {found}"
