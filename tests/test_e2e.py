"""End to end: the real Rasa server and action server on loopback, driven over REST like a web chat."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest
import requests

from index.config import ROOT
from services.health import secret_header, warmup_call
from services.processes import RASA, RASA_MODEL, Assistant, Ports, StartError

from .conftest import HAVE_CORPUS, NO_CORPUS, free_port
from .test_redact import VARIANTS

pytestmark = pytest.mark.skipif(not RASA.exists() or not RASA_MODEL.exists(),
                                reason="needs .venv-rasa and a trained model: run `make setup`")

SEO = "Sposoby mierzenia, planowania i optymalizacji działań marketingu on-line, modeli atrybucji, działań SEO i SEM"
OUT_OF_SCOPE = "w tym nie pomogę"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("bot")
    with Assistant(Ports(rasa=free_port(), actions=free_port()), tracker_db=tmp / "conversations.db",
                   log_dir=tmp / "logs",
                   extra_env={"DORADCA_RATE_PER_MINUTE": "20", "DORADCA_ACTION_TIMEOUT": "5",
                              "DORADCA_RATE_PER_ADDRESS": "0"}) as a:  # its many senders all come from 127.0.0.1
        yield a


def say(bot: Assistant, sender: str, text: str) -> tuple[str, list[dict]]:
    replies = bot.send(sender, text)
    assert replies, f"no reply to {text!r}"
    buttons = [b for r in replies for b in r.get("buttons") or []]
    return "\n".join(r.get("text", "") for r in replies), buttons


# (name, needs the full corpus, turns: (message, texts the answer must contain, texts it must not contain))
CONVERSATIONS = [
    ("knowledge, SEO follow-up, more", False, [
        ("Dzień dobry", ["Dzień dobry!"], []),
        ("Co musi wiedzieć specjalista do spraw mediów interaktywnych?",
         ["(KZiS 243108) – co trzeba wiedzieć:", "Zadanie: Wspieranie procesu",
          "Źródło: Specjalista do spraw mediów interaktywnych, kod KZiS 243108"], []),
        ("a czy trzeba znać SEO?", ["Zadanie: Przygotowywanie i prowadzenie kampanii", SEO], ["Z2"]),
        ("więcej", ["KZiS 243108"], [SEO]),
        ("dzięki", ["Proszę bardzo"], []),
    ]),
    ("skills then copyright law without repeating the occupation", False, [
        ("Jakie umiejętności ma specjalistka od mediów interaktywnych?",
         ["co trzeba umieć:", "Zadanie: Wspieranie procesu"], ["Z1"]),
        ("a czy trzeba znać prawo autorskie?",
         ["Przepisy prawa związane z prawami autorskimi", "Zadanie: Współpracowanie z komórkami"], []),
        ("a czy ta praca wymaga robienia zdjęć?",
         ["Zasady wykonywania zdjęć aparatem cyfrowym", "Zadanie: Przygotowywanie i prowadzenie"], []),
    ]),
    ("tasks, social and key competences", False, [
        ("czym zajmuje sie specjalista ds mediow interaktywnych",
         ["zadania zawodowe", "• Wspieranie procesu tworzenia"], ["Z1"]),
        ("a kompetencje społeczne?",
         ["kompetencje społeczne", "Przestrzegania ogólnie przyjętych zachowań etycznych"], []),
        ("a jakie kompetencje kluczowe?",
         ["kompetencje kluczowe", "Umiejętność obsługi komputera i wykorzystania internetu"], []),
    ]),
    ("follow-ups typed without Polish letters", False, [
        ("Co musi wiedzieć specjalista do spraw mediów interaktywnych?", ["(KZiS 243108)"], []),
        ("wiecej", ["KZiS 243108"], ["Dzień dobry"]),
        ("a umiejetnosci?", ["co trzeba umieć:"], ["nie ma informacji"]),
    ]),
    ("show everything", False, [
        ("Jaką wiedzę musi mieć specjalista ds. mediów interaktywnych?", ["Aktualną strategię marketingową"], []),
        ("pokaż wszystko", ["Idee marketingu szeptanego"], []),
    ]),
    ("English question gets English sentences and the note", False, [
        ("What skills does an interactive media specialist need?",
         ["(The occupation descriptions are available in Polish only.)", "what one must be able to do", "Source:"], []),
        ("and what must they know?", ["what one must know"], ["available in Polish only"]),
    ]),
    ("Ukrainian question", False, [
        ("Які навички потрібні спеціалісту з інтерактивних медіа?",
         ["(Описи професій доступні лише польською мовою.)", "необхідні вміння", "Джерело:", "розділ: вміння"],
         ["sekcja"]),
        ("а які завдання?", ["професійні завдання", "• Wspieranie procesu"], ["(Описи професій", "Z1"]),
    ]),
    ("no occupation yet, then one", False, [
        ("a jakie umiejętności?", ["O jaki zawód chodzi?"], []),
        ("specjalista do spraw mediów interaktywnych", ["(KZiS 243108)"], []),
    ]),
    ("off topic and gibberish, then a human", False, [
        ("jaka jest pogoda w krakowie", [OUT_OF_SCOPE], ["KZiS"]),
        ("xyz qwerty", [OUT_OF_SCOPE], ["KZiS"]),
        ("chcę porozmawiać z doradcą", ["Kontakt z doradcą zawodowym", "Telefon:", "E-mail:", "Godziny:"], []),
        ("co potrafisz?", ["oficjalnych opisów zawodów"], []),
        ("do widzenia", ["Do widzenia"], []),
    ]),
    ("which occupations work with bloggers", True, [
        ("w jakim zawodzie pracuje się z blogerami?",
         ["Zawody, w których opisie pojawia się ten temat", "Specjalista do spraw mediów interaktywnych (243108)"], []),
        ("__button__Specjalista do spraw mediów interaktywnych", ["(KZiS 243108)"], []),
    ]),
    ("ambiguous name, button click, follow-up", True, [
        ("opiekun", ["pasuje do kilku zawodów"], []),
        ("__button__0", ["(KZiS "], []),
        ("a co musi umieć?", ["KZiS"], []),
    ]),
    ("switch occupation and keep it", True, [
        ("Co musi wiedzieć specjalista do spraw mediów interaktywnych?", ["(KZiS 243108)"], []),
        ("a co robi kucharz?", ["Kucharz (KZiS 512001) – zadania zawodowe"], []),
        ("a czy musi znać zasady higieny?", ["KZiS 512001"], ["243108"]),
    ]),
    ("female form equals male form", True, [
        ("Czym zajmuje się spawaczka?", ["Spawacz (KZiS 721204) – zadania zawodowe"], []),
        ("a co robi księgowa?", ["Księgowy (KZiS 331301)"], []),
    ]),
    ("English names reach the occupation", True, [
        ("What does a baker do?", ["Piekarz (KZiS 751204)"], []),
        ("I was a nurse", ["Pielęgniarka (KZiS 222101)"], []),
    ]),
    ("job titles and the first person in Polish", True, [
        ("Jestem kierowcą kat. C+E, co powinienem umieć?", ["Kierowca ciągnika siodłowego"], []),  # or a button
        ("Pracowałam jako kasjerka w markecie", ["Kasjer handlowy (KZiS 523002)"], ["833202"]),
    ]),
    ("Ukrainian names in sentences", True, [
        ("Я працювала касиркою в супермаркеті", ["Kasjer handlowy (KZiS 523002)"], []),
        ("Кондитер — що треба вміти?", ["Cukiernik (KZiS 751201)"], ["Konduktor"]),
    ]),
    # the intent model is unsure of a bare name (nlu_fallback) or calls it off topic; the resolver recognises it
    ("bare names, which the intent model may turn away", True, [
        ("Кондитер", ["Cukiernik (KZiS 751201)"], ["Вибачте"]),
        ("ślusarz", ["Ślusarz (KZiS 722204)"], ["Przepraszam"]),
    ]),
    ("names the glossary does not list, in Ukrainian and English", True, [
        ("Що робить нотаріус?", ["Notariusz (", "261905)"], []),  # answered, or offered as the first button
        ("I work as a geologist", ["Geolog (KZiS 211403)"], ["261905"]),
    ]),
    ("synonym and ESCO fallback", True, [
        ("kierowca tira", ["Kierowca ciągnika siodłowego (KZiS 833202)"], []),
        ("Co musi wiedzieć piekarz?",
         ["pokazuję: umiejętności ESCO", "ESCO (PL): umiejętności zawodu ESCO „piekarz”, © Unia Europejska"], []),
    ]),
    ("a named occupation never gets the current one's passages", False, [
        ("Co robi specjalista do spraw mediów interaktywnych?", ["(KZiS 243108)"], []),
        ("Czym zajmuje się księgowa?", [], ["KZiS 243108", "Współpracowanie z komórkami"]),
    ]),
    ("job offers and salaries are routed to the office, education is answered or declined", True, [
        ("Co robi spawacz?", ["Spawacz (KZiS 721204)"], []),
        ("są jakieś oferty pracy dla spawacza w Rzeszowie?",
         ["nie zawierają ofert pracy", "https://oferty.praca.gov.pl"],
         ["Pracę wykonuje ręcznie"]),
        ("a ile zarabia?", ["nie podają zarobków"], ["KZiS 721204 –"]),
        ("kursy?", ["nie mówi, jakie wykształcenie"], ["Lektor"]),
        ("jakie wykształcenie musi mieć kierowca ciągnika siodłowego?",
         ["Kierowca ciągnika siodłowego (KZiS 833202) – wymagania i kształcenie", "sekcja: kształcenie"], []),
    ]),
    ("follow-ups in English and Ukrainian after a name", True, [
        ("What does a baker do?", ["Piekarz (KZiS 751204) – tasks"], []),
        ("And what knowledge is required?",
         ["no separate part “knowledge”; showing: ESCO skills", "section: ESCO skills"],
         ["Which occupation", "sekcja"]),
        ("Що робить пекар?", ["Piekarz (KZiS 751204) – професійні завдання"], []),
        ("а які потрібні навички?", ["навички ESCO", "розділ:"], ["Про яку професію"]),
        ("How much does a baker earn?", ["give no salaries"], []),
    ]),
    ("compare, related and a code look-up", True, [
        ("porównaj piekarza i kucharza", ["Porównanie: Piekarz (KZiS 751204) – Kucharz (KZiS 512001)",
                                          "Wspólne umiejętności (ESCO)"], []),
        ("zawody pokrewne", ["Zawody pokrewne – Kucharz (KZiS 512001)"], []),
        ("pokaż 243108", ["Specjalista do spraw mediów interaktywnych (KZiS 243108)"], ["Kucharz"]),
        ("porównaj zawody 243108 i 351403", [("Porównanie: Specjalista do spraw mediów interaktywnych (KZiS 243108) – "
                                             "Pracownik pozycjonowania stron internetowych (KZiS 351403)")], []),
    ]),
    ("Ukrainian electrician", True, [
        ("Що робить електрик?", ["Elektryk (KZiS 741103)", "професійні завдання"], []),
        ("дякую", ["Будь ласка"], []),
    ]),
]


@pytest.mark.parametrize("name, corpus, turns", CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS])
def test_conversation(bot: Assistant, name: str, corpus: bool, turns: list):
    if corpus and not HAVE_CORPUS:
        pytest.skip(NO_CORPUS)
    sender = "e2e-" + re.sub(r"[^A-Za-z0-9_.:-]+", "-", name)  # sender ids have a fixed alphabet
    buttons: list[dict] = []
    for message, must, must_not in turns:
        if message.startswith("__button__"):
            which = message.removeprefix("__button__")
            button = (buttons[int(which)] if which.isdigit()
                      else next(b for b in buttons if b["title"].startswith(which)))
            message = button["payload"]
        text, buttons = say(bot, sender, message)
        shown = "\n".join([text, *(b["title"] for b in buttons)])  # what the user sees: the text and the buttons
        for needle in must:
            assert needle in shown, f"{message!r} -> {shown!r} lacks {needle!r}"
        for needle in must_not:
            assert needle not in text, f"{message!r} -> {text!r} has {needle!r}"


@pytest.mark.parametrize("payload", [
    {"sender": "bad-1", "message": ""},
    {"sender": "bad-2", "message": "a" * 10_000},
    {"sender": "bad-2b", "message": "\u202eRTL \u200b\u200d zero width \ufeff"},
    {"sender": "bad-3", "message": "😀🔥👍"},
    {"sender": "bad-4", "message": "<script>alert(1)</script><img src=x onerror=alert(1)>"},
    {"sender": "bad-5", "message": "co\x00robi\x07 piekarz\x1b[31m?"},
    {"sender": "x" * 128, "message": "Czym zajmuje się specjalista do spraw mediów interaktywnych?"},
    {"sender": "bad-7", "message": None},
    {"sender": "bad-8", "message": 12345},
    {"message": "bez nadawcy"},
])
def test_bad_input_over_rest_gets_no_server_error(bot: Assistant, payload: dict):
    r = requests.post(bot.rest_url, json=payload, timeout=60)
    assert r.status_code < 500, r.text
    sender = payload.get("sender") or "bad-after"
    # the conversation goes on
    text, _ = say(bot, str(sender), "Co musi wiedzieć specjalista do spraw mediów interaktywnych?")
    assert "(KZiS 243108)" in text


def test_malformed_json_gets_a_client_error(bot: Assistant):
    r = requests.post(bot.rest_url, data=b'{"sender": "m", "message": ', headers={"Content-Type": "application/json"},
                      timeout=30)
    assert 400 <= r.status_code < 500
    assert "(KZiS 243108)" in say(bot, "m", "czym zajmuje się specjalista do spraw mediów interaktywnych?")[0]


def test_script_tags_come_back_as_plain_text(bot: Assistant):
    replies = bot.send("xss", "<b>hej</b><script>alert(1)</script>")
    assert all("<script>" not in r.get("text", "") for r in replies)


def test_action_server_down_gives_an_apology_then_answers_again(bot: Assistant):
    bot.stop_one("actions")
    try:
        text, _ = say(bot, "fault", "Co robi specjalista do spraw mediów interaktywnych?")
        assert "Przepraszam, mam chwilowy problem techniczny" in text
    finally:
        bot.start_actions()
    text, _ = say(bot, "fault", "Co robi specjalista do spraw mediów interaktywnych?")
    assert "(KZiS 243108)" in text


def test_oversized_request_body_is_refused_and_the_server_goes_on(bot: Assistant):
    r = requests.post(bot.rest_url, data=b'{"sender": "big", "message": "' + b"x" * 300_000 + b'"}',
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413
    text, _ = say(bot, "after-big", "Co robi specjalista do spraw mediów interaktywnych?")
    assert "(KZiS 243108)" in text


def test_a_hung_action_server_gets_an_apology_then_answers_again(bot: Assistant):
    """The action server stopped (SIGSTOP: still listening, never answering, like a worker the kernel froze or
    killed): Rasa gives up after DORADCA_ACTION_TIMEOUT instead of 5 minutes, the user gets the apology (the
    client's 30 s timeout would fail the test otherwise), and the conversation goes on once the server is back."""
    group = bot.procs["actions"].pid
    os.killpg(group, signal.SIGSTOP)
    try:
        text, _ = say(bot, "hung", "Co robi specjalista do spraw mediów interaktywnych?")
        assert "Przepraszam, mam chwilowy problem techniczny" in text
    finally:
        os.killpg(group, signal.SIGCONT)
    text, _ = say(bot, "hung", "Co robi specjalista do spraw mediów interaktywnych?")
    assert "(KZiS 243108)" in text


def test_conversations_are_kept_in_the_sqlite_tracker_store(bot: Assistant):
    import sqlite3

    say(bot, "stored", "Co musi wiedzieć specjalista do spraw mediów interaktywnych?")
    with sqlite3.connect(bot.tracker_db) as db:
        rows = [json.loads(r[0]) for r in db.execute("select data from events where sender_id = 'stored'")]
    assert any(e.get("event") == "user" and e.get("text", "").startswith("Co musi wiedzieć") for e in rows)
    assert {"event": "slot", "name": "occupation_code", "value": "243108"}.items() <= next(
        e for e in rows if e.get("name") == "occupation_code").items()


def test_action_server_without_index_refuses_to_start(tmp_path: Path):
    bot = Assistant(Ports(rasa=free_port(), actions=free_port()), tracker_db=tmp_path / "t.db",
                    log_dir=tmp_path / "logs",
                    extra_env={"DORADCA_INDEX_DIR": str(tmp_path / "no-index")})
    with pytest.raises(StartError, match="actions server exited with code 1") as e:
        bot.start_actions(timeout=60)
    assert "no index at" in str(e.value) and "run `make setup` (or `doradca index build`)" in str(e.value)
    bot.stop()


def test_run_command_serves_until_ctrl_c(tmp_path: Path):
    rasa, actions, web = free_port(), free_port(), free_port()
    metrics = {server: free_port() for server in ("rasa", "actions", "supervisor")}  # not 9101-9103 of a `make run`
    env = {**os.environ, "DORADCA_RASA_PORT": str(rasa), "DORADCA_ACTIONS_PORT": str(actions),
           "DORADCA_WEB_PORT": str(web),
           "DORADCA_TRACKER_DB": str(tmp_path / "t.db"),
           **{f"DORADCA_{server.upper()}_METRICS_PORT": str(port) for server, port in metrics.items()}}
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "doradca"), "bot", "run"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        lines = []
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if "Press Ctrl-C to stop." in line or proc.poll() is not None:
                break
        assert "doradca is running." in "".join(lines), "".join(lines)
        assert f"POST http://127.0.0.1:{rasa}/webhooks/rest/webhook" in "".join(lines)
        assert f"chat page: http://127.0.0.1:{web}/chat" in "".join(lines)
        assert "  index:     " in "".join(lines) and " occupations, " in "".join(lines)
        assert (f"ports {metrics['rasa']} (Rasa server), {metrics['actions']} (action server), "
                f"{metrics['supervisor']} (supervisor)") in "".join(lines)
        for port in metrics.values():  # each exporter on the port it was given
            assert requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).status_code == 200
        assert requests.get(f"http://127.0.0.1:{web}/api/health", timeout=10).json()["status"] == "ok"
        r = requests.post(f"http://127.0.0.1:{rasa}/webhooks/rest/webhook",
                          json={"sender": "run",
                                "message": "Czym zajmuje się specjalista do spraw mediów interaktywnych?"},
                          timeout=60)
        assert "(KZiS 243108)" in "\n".join(m.get("text", "") for m in r.json())
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
        assert "Stopped." in proc.stdout.read()  # type: ignore[union-attr]
        for port in (rasa, actions, web, *metrics.values()):
            with pytest.raises(requests.ConnectionError):
                requests.get(f"http://127.0.0.1:{port}/", timeout=5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_personal_data_never_reaches_the_tracker_store_or_the_logs(bot: Assistant):
    import sqlite3

    secrets = ["44051401359", "600 100 200", "jan.kowalski@example.com", "ABA300000",
               "PL61 1090 1014 0000 0712 1981 2874", "ul. Długa 5/3", "EA1234567"]
    message = ("Mój PESEL 44051401359, tel. 600 100 200, e-mail jan.kowalski@example.com, dowód ABA300000, konto "
               "PL61 1090 1014 0000 0712 1981 2874, mieszkam ul. Długa 5/3, paszport EA1234567. "
               "Czym zajmuje się specjalista do spraw mediów interaktywnych?")
    text, _ = say(bot, "pii", message)
    assert "(KZiS 243108)" in text  # the conversation works
    sample = VARIANTS[::6]  # formats of every kind from the redaction battery, through the real REST channel
    for i, (variant, secret) in enumerate(sample):
        bot.send(f"pii-{i}", variant)
        secrets.append(secret)
    # a phone number as the sender id and personal data in the metadata: a pseudonym, redacted metadata
    r = requests.post(bot.rest_url, json={"sender": "600200300", "message": "Co robi piekarz?",
                                          "input_channel": "jan.nowak@example.com",
                                          "metadata": {"phone": "601 202 303", "notes": ["PESEL 02070803628"]}},
                      timeout=60)
    assert "Piekarz (KZiS 751204)" in r.json()[0]["text"]
    secrets += ["600 200 300", "600200300", "601 202 303", "02070803628", "jan.nowak@example.com"]
    # clients that give up while the message waits for the conversation's lock (Rasa logs the text on timeout)
    from concurrent.futures import ThreadPoolExecutor

    def impatient(_: int) -> None:
        with contextlib.suppress(requests.RequestException):
            requests.post(bot.rest_url,
                          json={"sender": "impatient", "message": "Mój PESEL 90010101230, co robi kucharz?"},
                          timeout=0.05)

    with ThreadPoolExecutor(5) as pool:
        list(pool.map(impatient, range(5)))
    say(bot, "impatient", "a co robi piekarz?")  # the conversation is free again and answers
    secrets.append("90010101230")
    with sqlite3.connect(bot.tracker_db) as db:
        stored = "\n".join(r[0] for r in db.execute("select data from events"))
    logs = "\n".join(f.read_text(errors="replace") for f in bot.log_dir.glob("*.log"))
    assert "rest.message.received.timeout" in logs  # the path where Rasa logs the text was taken
    for secret in [*secrets, "0712 1981", "jan.kowalski"]:
        assert secret not in stored and secret not in logs, secret
    assert "[PESEL]" in stored and "[TELEFON]" in stored and "[IBAN]" in stored and "[ADRES]" in stored


def test_too_long_message_is_not_processed(bot: Assistant):
    text, _ = say(bot, "long", "Czym zajmuje się spawacz? " * 60)
    assert text.startswith("Ta wiadomość jest za długa (najwięcej 1000 znaków).")


def test_rate_limit_per_sender(bot: Assistant):
    replies = [say(bot, "fast", "dzień dobry")[0] for _ in range(21)]
    assert all("Dzień dobry" in r for r in replies[:20])
    assert replies[20] == "Za dużo wiadomości w krótkim czasie. Odczekaj chwilę i spróbuj ponownie."
    assert "Dzień dobry" in say(bot, "another", "dzień dobry")[0]  # other senders are not affected


def test_retention_deletes_only_old_conversations(bot: Assistant):
    import sqlite3

    say(bot, "old-one", "dzień dobry")
    say(bot, "recent-one", "dzień dobry")
    say(bot, "long-one", "Mój stary wpis: co robi kucharz?")
    with sqlite3.connect(bot.tracker_db) as db:
        db.execute("update events set timestamp = timestamp - 40 * 86400 where sender_id in ('old-one', 'long-one')")
    say(bot, "long-one", "a co robi piekarz?")  # a conversation that goes on keeps only its recent turns
    p = subprocess.run([str(ROOT / ".venv" / "bin" / "doradca"), "conversations", "prune", "--days", "30",
                        "--db", str(bot.tracker_db)], capture_output=True, text=True, timeout=120, check=False)
    assert p.returncode == 0, p.stderr
    assert "older than 30 day(s), 1 conversation(s) entirely" in p.stdout
    with sqlite3.connect(bot.tracker_db) as db:
        senders = {r[0] for r in db.execute("select distinct sender_id from events")}
        long_rows = [r[0] for r in db.execute("select data from events where sender_id = 'long-one'")]
    assert "old-one" not in senders and "recent-one" in senders
    assert long_rows and not any("stary wpis" in r for r in long_rows) and any("piekarz" in r for r in long_rows)
    files = list(bot.tracker_db.parent.glob(bot.tracker_db.name + "*"))  # the file and its write-ahead log
    assert len(files) > 1 and not any(b"stary wpis" in f.read_bytes() for f in files)


def test_rasa_restart_continues_the_conversation_from_the_tracker_store(bot: Assistant):
    say(bot, "restart", "Co musi wiedzieć specjalista do spraw mediów interaktywnych?")
    bot.stop_one("rasa")
    bot.start_rasa()
    text, _ = say(bot, "restart", "a jakie umiejętności?")  # no occupation named: it comes from the stored slots
    assert "Specjalista do spraw mediów interaktywnych (KZiS 243108) – co trzeba umieć" in text


INJECTIONS = [
    "'; DROP TABLE events; --", "\" OR 1=1 --", "{{7*7}}", "${7*7}", "<%= 7*7 %>", "{% debug %}", "../../etc/passwd",
    "/restart", "/ask_human{\"code\": \"x\"}", "/choose_occupation{\"code\": \"999999\"}", "/nlu_fallback",
    "\u202eodwrócony tekst", "a\u200bb\u200cc\u200dd\ufeff", "مرحبا بالعالم", "שלום", "\x00\x01\x02", "😀" * 500,
]


def test_generated_bad_input_never_breaks_the_servers(bot: Assistant):
    """200+ generated messages (random Unicode, huge, nested JSON, wrong types, RTL, zero-width, injections)."""
    import itertools

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
               | st.text(max_size=50))
    json_values = st.recursive(scalars,
                               lambda inner: st.lists(inner, max_size=4)
                               | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                               max_leaves=20)
    messages = st.one_of(st.text(max_size=300), st.text(min_size=900, max_size=3000), st.sampled_from(INJECTIONS),
                         json_values)
    senders = itertools.count()
    statuses: list[int] = []

    @given(message=messages)
    @settings(max_examples=220, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def send(message: object) -> None:
        r = requests.post(bot.rest_url, json={"sender": f"fuzz-{next(senders)}", "message": message}, timeout=60)
        statuses.append(r.status_code)
        assert r.status_code < 500, (message, r.text[:300])
        if r.status_code == 200:
            body = r.json()
            assert isinstance(body, list)
            for m in body:
                assert isinstance(m, dict) and set(m) <= {"recipient_id", "text", "buttons", "image", "custom",
                                                          "attachment"}
                assert isinstance(m.get("text", ""), str)

    send()
    assert len(statuses) >= 200
    assert "(KZiS 243108)" in say(bot, "after-fuzz", "Czym zajmuje się specjalista do spraw mediów interaktywnych?")[0]


OFFICE = "http://127.0.0.1:8000"  # the fixture's DORADCA_CORS default (DORADCA_WEB_PORT cleared by conftest)
STRANGER = "https://evil.example"


def test_rest_endpoint_allows_only_the_office_origin(bot: Assistant):
    def preflight(origin: str) -> requests.Response:
        return requests.options(bot.rest_url, timeout=10, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})

    assert preflight(OFFICE).headers.get("Access-Control-Allow-Origin") == OFFICE
    assert "Access-Control-Allow-Origin" not in preflight(STRANGER).headers
    r = requests.post(bot.rest_url, json={"sender": "cors", "message": "dzięki"}, headers={"Origin": STRANGER},
                      timeout=30)
    assert "Access-Control-Allow-Origin" not in r.headers  # the browser will not hand the answer to that page


def test_socketio_refuses_connections_from_other_origins(bot: Assistant):
    url = f"http://127.0.0.1:{bot.ports.rasa}/socket.io/?EIO=4&transport=polling"
    ok = requests.get(url, headers={"Origin": OFFICE}, timeout=10)
    # exactly once: requests joins repeated headers with ", ", and browsers refuse a repeated one
    assert ok.status_code == 200 and ok.headers.get("Access-Control-Allow-Origin") == OFFICE
    bad = requests.get(url, headers={"Origin": STRANGER}, timeout=10)
    assert bad.status_code == 400 and "not an accepted origin" in bad.text


def test_rasa_http_api_is_not_served_without_a_token(bot: Assistant):
    base = f"http://127.0.0.1:{bot.ports.rasa}"
    assert requests.get(f"{base}/conversations/stored/tracker", timeout=10).status_code == 404
    assert requests.post(f"{base}/model/parse", json={"text": "hej"}, timeout=10).status_code == 404


def test_the_action_server_answers_only_the_rasa_servers_secret(bot: Assistant):
    url = f"http://127.0.0.1:{bot.ports.actions}/webhook"
    for headers in ({}, secret_header("wrong"), secret_header(bot.actions_secret[:-1])):
        r = requests.post(url, json=warmup_call(), headers=headers, timeout=10)
        assert r.status_code == 401 and "X-Doradca-Secret" in r.text, r.text
    assert requests.post(url, json=warmup_call(), headers=secret_header(bot.actions_secret), timeout=30).ok
    assert requests.get(f"http://127.0.0.1:{bot.ports.actions}/health", timeout=10).ok
    huge = requests.post(url, data=b"x" * (5 * 2**20), headers={**secret_header(bot.actions_secret),
                                                                "Content-Type": "application/json"}, timeout=30)
    assert huge.status_code == 413  # one turn's events are a few KiB; 4 MiB at most
    # the chat works: the Rasa server sends the secret (bot/endpoints.yml)
    assert "(KZiS 243108)" in say(bot, "with-secret", "Co robi specjalista do spraw mediów interaktywnych?")[0]


def test_an_action_server_without_a_secret_does_not_start(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "DORADCA_ACTIONS_SECRET"}
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "services.action_server", "--actions",
                          "actions", "--port",
                          str(free_port())], cwd=ROOT, env={**env, "SANIC_HOST": "127.0.0.1"}, capture_output=True,
                         text=True, timeout=120, check=False)
    assert out.returncode != 0 and "DORADCA_ACTIONS_SECRET is not set" in out.stdout + out.stderr


SOCKET_CLIENT = """
import asyncio, json, sys
import socketio

async def main(url, text, meta):
    sio = socketio.AsyncClient()
    answer = asyncio.get_running_loop().create_future()

    @sio.on("bot_uttered")
    async def on_bot(data):
        if not answer.done():
            answer.set_result(data)

    await sio.connect(url, transports=["polling"])  # (engine.io's websocket client needs a newer aiohttp)
    await sio.emit("session_request", {"session_id": "socket-pii"})
    await asyncio.sleep(0.5)
    await sio.emit("user_uttered", {"message": text, "session_id": "socket-pii", "metadata": meta})
    print(json.dumps(await asyncio.wait_for(answer, 60)))
    await sio.disconnect()

asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
"""


def test_socketio_message_and_metadata_are_redacted_before_storage(bot: Assistant):
    """The chat page's channel (python-socketio's client from the Rasa server's venv stands in for the browser)."""
    import sqlite3

    meta = {"phone": "601 303 404", "notes": ["PESEL 02070803628"], "email": "anna.nowak@example.com"}
    out = subprocess.run([str(RASA.parent / "python"), "-c", SOCKET_CLIENT, f"http://127.0.0.1:{bot.ports.rasa}",
                          "Mój PESEL 44051401359, co robi piekarz?", json.dumps(meta)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Piekarz (KZiS 751204)" in json.loads(out.stdout.splitlines()[-1])["text"]
    with sqlite3.connect(bot.tracker_db) as db:
        stored = "\n".join(r[0] for r in db.execute("select data from events where sender_id = 'socket-pii'"))
    assert stored and "[TELEFON]" in stored and "[PESEL]" in stored and "[EMAIL]" in stored
    assert "doradca_client" not in stored and "127.0.0.1" not in stored  # the address is used for limits only
    for secret in ("601 303 404", "02070803628", "anna.nowak@example.com", "44051401359"):
        assert secret not in stored
