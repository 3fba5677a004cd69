"""bot/channels.py on a public website (issue 29): bounded work per request, ids checked and never rewritten where the
answers are addressed by them, keyed pseudonyms, prompts for empty messages, unknown payloads, the echo the chat page
keeps.

The functions run in the Rasa server's Python (.venv-rasa), as there; the rest goes through the real Rasa and action
servers on loopback: REST with requests, socket.io with python-socketio's client (polling, as in test_e2e.py) and a
raw websocket (``websockets``) for frame sizes.
"""

from __future__ import annotations

import concurrent.futures
import json
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml

from index.config import ROOT
from services.processes import QUIET, RASA, RASA_MODEL, Assistant, Ports

from .conftest import free_port

pytestmark = pytest.mark.skipif(not RASA.exists(), reason="needs .venv-rasa: run `make setup`")
needs_model = pytest.mark.skipif(not RASA_MODEL.exists(), reason="needs a trained model: run `make setup`")

RASA_PYTHON = RASA.parent / "python"
SENTENCES = yaml.safe_load((ROOT / "bot" / "sentences.yml").read_text(encoding="utf-8"))
QUESTION = "Co robi specjalista do spraw mediów interaktywnych?"
ANSWER = "(KZiS 243108)"


OUT = "import json as _json\ndef out(value):\n    print('@@' + _json.dumps(value), flush=True)\n"


def in_rasa(script: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> list:
    """Run ``script`` in the Rasa server's Python with bot/ importable; its results are the lines it prints as
    ``out(value)`` (one JSON value each; Rasa's own log lines go to stdout too)."""
    out = subprocess.run([str(RASA_PYTHON), "-c", OUT + script], cwd=cwd, capture_output=True, text=True, timeout=300,
                         env={**QUIET, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "bot"),
                              "DORADCA_RASA_PATCHES": "0", **(env or {})}, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return [json.loads(line[2:]) for line in out.stdout.splitlines() if line.startswith("@@")]


# --- The functions, in the Rasa server's Python ----------------------------------------------------------------

def test_ids_metadata_payloads_and_languages_are_checked_with_bounded_work():
    script = r"""
import json, time, uuid
import channels as c
ids = ["me", "e2e-1", str(uuid.uuid4()), uuid.uuid4().hex, "1765012345678" + "0.123456789", "-1001234567890",
       "a" * 128, "a" * 129, "", "x y", "+48 600 200 300", "zażółć", "a/b", None, 42, "a" * 20000]
out([c.valid_id(i) for i in ids])
start = time.perf_counter()
c.valid_id("a" * 60000); c.capped_metadata({"k": "a" * 60000}); c.capped_metadata("{" * 60000)
out(time.perf_counter() - start)
metas = [{"language": "pl"}, {str(i): i for i in range(8)}, {str(i): i for i in range(9)}, {"k": "a" * 2100},
         {"k": "ą" * 1100}, "not json", '{"language": "uk"}', [1, 2], None, {"deep": [[[[[[1]]]]]]}]
out([c.capped_metadata(m) for m in metas])
out([c.known_payload(t) for t in ["/get_started", "/greet", "/restart", "/ask_human", "/etc/passwd",
                                  "Co robi piekarz?", '/choose_occupation{"code": "243108"}']])
out([c.blank(t) for t in ["", " ", "\n\t", "?!", "😀", "a", "7"]])
out([c.accept_language(h) for h in ["uk-UA,uk;q=0.9,en;q=0.8", "de-DE,en;q=0.5", "fr", None, "x" * 9999]])
out([c.sentence("empty_message", None, lang=l) for l in ("pl", "uk", "en", None)])
"""
    ids, seconds, metas, payloads, blanks, langs, prompts = in_rasa(script)
    assert ids == [True] * 7 + [False] * 9
    assert seconds < 0.5  # nothing scans a long text beyond its length
    assert metas == [{"language": "pl"}, {str(i): i for i in range(8)}, None, None, None, {}, {"language": "uk"}, {},
                     {}, {"deep": [[[[[[1]]]]]]}]
    assert payloads == ["/greet", "/greet", "/restart", "/ask_human", "/greet", "Co robi piekarz?",
                        '/choose_occupation{"code": "243108"}']
    assert blanks == [True, True, True, True, True, False, False]
    assert langs == ["uk", "en", None, None, None]
    assert prompts == [SENTENCES["empty_message"][lang] for lang in ("pl", "uk", "en", "pl")]


def test_pseudonyms_are_keyed_and_the_key_is_made_once_readable_by_its_owner_only(tmp_path: Path):
    script = r"""
import hashlib, hmac, json, os, stat
import channels as c
key = c.pseudonym_key()
state = os.path.dirname(os.environ["DORADCA_TRACKER_DB"])
path = os.path.join(state, "pseudonym.key")
out({"mode": stat.S_IMODE(os.stat(path).st_mode), "dir": stat.S_IMODE(os.stat(state).st_mode),
     "phone": c.private_sender("600100200"), "plain": c.private_sender("e2e-sender"),
     "again": c.private_sender(c.private_sender("600100200")),
     "expected": "anon-" + hmac.new(key, b"600100200", hashlib.sha256).hexdigest()[:32],
     "unkeyed": hashlib.sha256(b"600100200").hexdigest()[:24], "address": c.client_key("10.1.2.3")})
"""
    env = {"DORADCA_TRACKER_DB": str(tmp_path / "state" / "conversations.db")}
    first, = in_rasa(script, env)
    assert first["mode"] == 0o600 and first["dir"] == 0o700
    assert first["phone"] == first["expected"] and first["phone"] == first["again"]  # stable, not hashed twice
    assert first["unkeyed"] not in first["phone"] and first["plain"] == "e2e-sender"
    second, = in_rasa(script, env)  # the next start reads the same key: the same pseudonyms
    assert second["phone"] == first["phone"] and second["address"] == first["address"]
    given, = in_rasa(script, {**env, "DORADCA_PSEUDONYM_KEY": "k" * 40})  # the office's key wins
    assert given["phone"] != first["phone"] and given["address"] != first["address"]
    out = subprocess.run([str(RASA_PYTHON), "-c", "import channels; channels.pseudonym_key()"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300,
                         env={**QUIET, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "bot"),
                              "DORADCA_RASA_PATCHES": "0", "DORADCA_PSEUDONYM_KEY": "short"}, check=False)
    assert out.returncode != 0 and "at least 32 characters" in out.stderr


def test_servers_starting_together_share_one_key(tmp_path: Path):
    script = "import channels; print(channels.pseudonym_key().decode())"
    env = {**QUIET, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "bot"), "DORADCA_RASA_PATCHES": "0",
           "DORADCA_TRACKER_DB": str(tmp_path / "conversations.db")}
    procs = [subprocess.Popen([str(RASA_PYTHON), "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
             for _ in range(4)]
    keys = {p.communicate(timeout=300)[0].strip() for p in procs}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["pseudonym.key"]  # no temporary file left behind


@needs_model
def test_the_intent_model_reads_messages_without_words():
    """The root cause of the apology for "" and " " (also the first message of the rasa-webchat widget): the intent
    model's features were one column short for a message without tokens."""
    script = rf"""
import asyncio, json, logging
logging.disable(logging.WARNING)
from rasa.core.agent import Agent
agent = Agent.load({str(RASA_MODEL)!r})
async def main():
    for text in ["", " ", "?", "😀", "Co robi piekarz?"]:
        parsed = await agent.parse_message(text)
        out(parsed["intent"]["name"])
asyncio.run(main())
"""
    intents = in_rasa(script, cwd=ROOT / "bot")
    assert len(intents) == 5 and all(isinstance(i, str) and i for i in intents)
    assert intents[-1] == "ask_occupation"


# --- Through the real servers ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory):
    if not RASA_MODEL.exists():
        pytest.skip("needs a trained model: run `make setup`")
    tmp = tmp_path_factory.mktemp("channels")
    with Assistant(Ports(rasa=free_port(), actions=free_port()), tracker_db=tmp / "state" / "conversations.db",
                   log_dir=tmp / "logs", extra_env={"DORADCA_RATE_PER_ADDRESS": "0"}) as a:
        yield a


def post(bot: Assistant, body: object, timeout: float = 60, **headers: str) -> requests.Response:
    return requests.post(bot.rest_url, json=body, headers=headers, timeout=timeout)


def text_of(r: requests.Response) -> str:
    assert r.status_code == 200, r.text[:500]
    return "\n".join(m.get("text", "") for m in r.json())


def stored(bot: Assistant) -> tuple[set[str], str]:
    with sqlite3.connect(bot.tracker_db) as db:
        senders = {r[0] for r in db.execute("select distinct sender_id from events")}
        data = "\n".join(r[0] for r in db.execute("select data from events"))
    return senders, data


def test_a_huge_sender_id_or_metadata_is_refused_at_once_while_others_are_answered(bot: Assistant):
    """Issue 29: a 20,000-letter sender held the server 40 s, and everyone with it."""
    hostile = [{"sender": "a" * 20_000, "message": QUESTION},
               {"sender": "meta-big", "message": QUESTION, "metadata": {"notes": "a" * 60_000}},
               {"sender": "meta-many", "message": QUESTION, "metadata": {str(i): i for i in range(9)}},
               {"sender": "x y", "message": QUESTION}, {"message": QUESTION}, ["not", "an", "object"]]
    with concurrent.futures.ThreadPoolExecutor(len(hostile) + 1) as pool:
        started = time.monotonic()
        normal = pool.submit(post, bot, {"sender": "meanwhile", "message": QUESTION})
        refused = list(pool.map(lambda body: post(bot, body), hostile))
        assert ANSWER in text_of(normal.result())
    assert time.monotonic() - started < 30
    for body, r in zip(hostile, refused):
        assert r.status_code == 400, (str(body)[:80], r.status_code)
    assert "sender: 1-128 characters" in refused[0].text
    assert "metadata: a JSON object of at most 8 keys" in refused[1].text
    senders, data = stored(bot)
    assert not any(len(s) > 128 for s in senders) and "meta-big" not in senders and "aaaaaaaaaa" not in data


def test_empty_and_blank_messages_get_a_prompt_in_the_users_language(bot: Assistant):
    prompt = SENTENCES["empty_message"]
    assert text_of(post(bot, {"sender": "empty-1", "message": ""})) == prompt["pl"]
    assert text_of(post(bot, {"sender": "empty-2", "message": " "})) == prompt["pl"]
    assert text_of(post(bot, {"sender": "empty-3", "message": None})) == prompt["pl"]
    assert text_of(post(bot, {"sender": "empty-4", "message": "  ", "metadata": {"language": "en"}})) == prompt["en"]
    assert text_of(post(bot, {"sender": "empty-5", "message": ""}, **{"Accept-Language": "uk-UA,uk;q=0.9"})) == \
        prompt["uk"]
    assert ANSWER in text_of(post(bot, {"sender": "empty-1", "message": QUESTION}))  # the conversation goes on


def test_an_unknown_intent_payload_is_a_greeting(bot: Assistant):
    assert "Dzień dobry" in text_of(post(bot, {"sender": "webchat-1", "message": "/get_started"}))
    assert SENTENCES["apology"]["pl"] not in text_of(post(bot, {"sender": "webchat-1", "message": "/etc/passwd"}))


def test_a_phone_number_as_sender_is_stored_keyed_and_answered_under_its_own_id(bot: Assistant):
    r = post(bot, {"sender": "600200300", "message": QUESTION})
    assert ANSWER in text_of(r) and {m["recipient_id"] for m in r.json()} == {"600200300"}
    senders, data = stored(bot)
    assert "600200300" not in senders and "600200300" not in data
    assert any(s.startswith("anon-") and len(s) == 37 for s in senders)
    key = bot.tracker_db.with_name("pseudonym.key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


SOCKET_CLIENT = r"""
import asyncio, json, sys
import socketio

async def main(url, session, texts):
    sio = socketio.AsyncClient()
    replies, echoes, confirmed = asyncio.Queue(), [], asyncio.get_running_loop().create_future()
    sio.on("bot_uttered", lambda data: replies.put_nowait(data.get("text", "")))
    sio.on("user_echo", lambda data: echoes.append(data))
    sio.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
    await sio.connect(url, transports=["polling"])
    await sio.emit("session_request", {"session_id": session})
    confirmed_id = await asyncio.wait_for(confirmed, 30)
    out = {"confirmed": confirmed_id, "replies": []}
    for i, text in enumerate(texts):
        await sio.emit("user_uttered", {"message": text, "session_id": session, "echo": f"e{i}",
                                        "metadata": {"language": "pl"}})
        got = []
        try:
            while True:
                got.append(await asyncio.wait_for(replies.get(), 60 if not got else 3))
        except asyncio.TimeoutError:
            pass
        out["replies"].append("\n".join(got))
    out["echoes"] = echoes
    print(json.dumps(out))
    await sio.disconnect()

asyncio.run(main(sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])))
"""


def socket_chat(bot: Assistant, session: object, texts: list[str]) -> dict:
    out = subprocess.run([str(RASA_PYTHON), "-c", SOCKET_CLIENT, f"http://127.0.0.1:{bot.ports.rasa}",
                          json.dumps(session), json.dumps(texts)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.parametrize("session", [
    "0c1e5f1b-3c7a-4d55-8e3f-440514013590",  # a UUID with a PESEL-like run of digits
    "1765012345678" + "0.4405140135912345",  # the page's old fallback form, Date.now() + Math.random()
    "600100200",  # a session id that reads as a phone number
])
def test_socketio_sessions_are_answered_whatever_their_id_looks_like(bot: Assistant, session: str):
    """Issue 29: session ids that looked like numbers were pseudonymised, and the answers went to a room the browser
    never joined (0 replies)."""
    out = socket_chat(bot, session, [QUESTION])
    assert out["confirmed"] == session and ANSWER in out["replies"][0]


def test_socketio_echoes_the_redacted_text_and_refuses_bad_session_ids_politely(bot: Assistant):
    out = socket_chat(bot, "echo-session", ["Mój PESEL 44051401359, co robi piekarz?"])
    assert out["echoes"] == [{"id": "e0", "text": "Mój PESEL [PESEL], co robi piekarz?"}]
    assert "Piekarz (KZiS 751204)" in out["replies"][0]
    bad = socket_chat(bot, "x" * 300, [QUESTION])  # answered on the connection, not processed
    assert bad["confirmed"] != "x" * 300 and len(bad["confirmed"]) == 32  # a new session id, which the page takes
    assert bad["replies"] == [SENTENCES["bad_session"]["pl"]]
    senders, _ = stored(bot)
    assert "x" * 300 not in senders


WEBSOCKET_CLIENT = r"""
import asyncio, json, sys
import websockets

async def main(url, size):
    async with websockets.connect(url, max_size=2**22) as ws:
        await ws.recv()  # engine.io open
        await ws.send("40")
        await ws.recv()  # socket.io connect
        await ws.send("42" + json.dumps(["session_request", {"session_id": "frame-test"}]))
        frame = "42" + json.dumps(["user_uttered", {"message": "a" * size, "session_id": "frame-test"}])
        try:
            while True:
                message = await asyncio.wait_for(ws.recv(), 30)
                if message == "2":
                    await ws.send("3")  # engine.io ping
                elif message.startswith("42"):
                    event, data = json.loads(message[2:])[:2]
                    if event == "session_confirm":  # in the session's room now: send the frame
                        await ws.send(frame)
                    elif event == "bot_uttered":
                        print(json.dumps({"closed": None, "reply": data.get("text", "")}))
                        return
        except websockets.ConnectionClosed as e:
            print(json.dumps({"closed": e.code, "reply": None}))

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def test_socketio_frames_over_64_kib_close_the_connection_and_the_server_goes_on(bot: Assistant):
    url = f"ws://127.0.0.1:{bot.ports.rasa}/socket.io/?EIO=4&transport=websocket"

    def frame(size: int) -> dict:
        out = subprocess.run([str(RASA_PYTHON), "-c", WEBSOCKET_CLIENT, url, str(size)], capture_output=True,
                             text=True, timeout=120, check=False)
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.splitlines()[-1])

    small = frame(60_000)  # under the limit: read, and refused as too long, politely
    assert small["reply"] and small["reply"].startswith("Ta wiadomość jest za długa")
    big = frame(300_000)  # over it: the connection is closed before the frame is parsed
    assert big["reply"] is None and big["closed"] == 1009
    assert ANSWER in text_of(post(bot, {"sender": "after-frame", "message": QUESTION}))
