"""Production equals `make run` (issue 29, item 4): the systemd units give each server the environment and command
line `doradca bot run` gives it; they are hardened (scored by `systemd-analyze security`); the retention timer ships
enabled and deletes; the launcher keeps the conversations and logs private; the look-up API's costly routes are
rate-limited and the readiness check is cached; no messenger sender id reaches a log line."""

from __future__ import annotations

import ast
import http.server
import os
import re
import shlex
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from index.config import ROOT
from services.processes import Assistant, Ports

from .conftest import free_port

UNITS = ROOT / "deploy" / "systemd"
INSTALLED_AT = "/opt/doradca"
SERVERS = {"actions": "doradca-actions.service", "rasa": "doradca-rasa.service", "web": "doradca-web.service"}


# ---- reading the units as systemd does ------------------------------------------------------------------------


def service_section(unit: Path) -> list[tuple[str, str]]:
    """The [Service] section's key=value lines, in order, continuation lines joined, /opt/doradca -> this checkout."""
    text = re.sub(r"\\\n\s*", " ", unit.read_text().replace(INSTALLED_AT, str(ROOT)))
    out, section = [], ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, value = line.split("=", 1)
            out.append((key, value))
    return out


def env_file() -> dict[str, str]:
    return dict(line.split("=", 1) for line in (UNITS / "doradca.env").read_text().replace(INSTALLED_AT, str(ROOT))
                .splitlines() if line and not line.startswith("#"))


def expand(argv: list[str], env: dict[str, str]) -> list[str]:
    """systemd's ExecStart expansion: ``$VAR`` alone is split at whitespace, ``${VAR}`` is one word."""
    out: list[str] = []
    for word in argv:
        if (m := re.fullmatch(r"\$(\w+)", word)) is not None:
            out += env.get(m.group(1), "").split()
        else:
            out.append(re.sub(r"\$\{(\w+)\}", lambda v: env.get(v.group(1), ""), word))
    return out


def unit_start(unit: Path, env_from_file: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """What the unit's process starts with: its environment (Environment=, then EnvironmentFile= over it, then the
    ``/usr/bin/env K=V`` of ExecStart) and its command line."""
    lines = service_section(unit)
    env: dict[str, str] = {}
    for key, value in lines:
        if key == "Environment":
            env.update(word.split("=", 1) for word in shlex.split(value))
    env.update(env_from_file)  # systemd: the file's settings win over Environment=
    argv = expand(shlex.split(dict(lines)["ExecStart"]), env)
    if argv[0] == "/usr/bin/env":
        argv = argv[1:]
        while "=" in argv[0]:
            key, value = argv.pop(0).split("=", 1)
            env[key] = value
    return env, argv


# ---- the same environment and command line as `doradca bot run` ------------------------------------------------


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, str], Assistant]:
    """doradca.env as the shell's environment of `doradca bot run`, and the launcher that reads it."""
    file = {**env_file(), "DORADCA_ACTIONS_SECRET": "s" * 48}  # made at install; the launcher makes its own if empty
    for key, value in file.items():
        monkeypatch.setenv(key, value)
    return file, Assistant()


@pytest.mark.parametrize("name", sorted(SERVERS))
def test_each_unit_starts_its_server_as_the_launcher_does(production: tuple[dict[str, str], Assistant], name: str):
    file, bot = production
    unit_env, unit_argv = unit_start(UNITS / SERVERS[name], file)
    launched = bot.server_env(name)
    own = {k for k in launched if os.environ.get(k) != launched[k]} | set(file)  # what the launcher sets, and the file
    assert {k: launched[k] for k in sorted(own)} == {k: unit_env.get(k) for k in sorted(own)}
    assert set(unit_env) <= set(launched), \
        f"the unit sets what `doradca bot run` does not: {set(unit_env) - set(launched)}"
    assert unit_argv == bot.command(name)


def test_the_limits_and_proxy_settings_reach_the_rasa_server_under_both(production: tuple[dict[str, str], Assistant]):
    """The Rasa server refuses bodies over 64 KiB and counts users behind the proxy by their address under systemd
    too (before: Sanic's 100 MB and one address for everyone); the chat page gets the public address."""
    file, bot = production
    unit_env, _ = unit_start(UNITS / SERVERS["rasa"], file)
    for env in (unit_env, bot.server_env("rasa")):
        assert env["SANIC_REQUEST_MAX_SIZE"] == "65536" and env["SANIC_PROXIES_COUNT"] == "1"
        assert env["DORADCA_BOT_URL"] == "https://praca.example.gov.pl" and env["PYTHONPATH"] == str(ROOT / "bot")
    web_env, web_argv = unit_start(UNITS / SERVERS["web"], file)
    assert web_env["DORADCA_MAX_BODY_BYTES"] == "65536" and "--forwarded-allow-ips" in web_argv


def test_without_a_proxy_the_launcher_trusts_no_forwarded_header(monkeypatch: pytest.MonkeyPatch):
    for key in [k for k in os.environ if k.startswith("DORADCA_")]:
        monkeypatch.delenv(key)
    env = Assistant().server_env("rasa")
    assert env["SANIC_PROXIES_COUNT"] == "0" and env["SANIC_REQUEST_MAX_SIZE"] == "65536"


# ---- hardening ---------------------------------------------------------------------------------------------------

HARDENING = {
    "UMask": "0077", "LimitCORE": "0", "NoNewPrivileges": "yes", "CapabilityBoundingSet": "", "PrivateTmp": "yes",
    "PrivateDevices": "yes", "PrivateUsers": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
    "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes", "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes", "ProtectClock": "yes", "ProtectHostname": "yes", "ProtectProc": "invisible",
    "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6", "RestrictNamespaces": "yes", "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes", "LockPersonality": "yes", "SystemCallArchitectures": "native",
}


@pytest.mark.parametrize("unit", [*SERVERS.values(), "doradca-retention.service"])
def test_units_are_hardened(unit: str):
    lines = service_section(UNITS / unit)
    given = dict(lines)
    assert {k: given.get(k) for k in HARDENING} == HARDENING
    filters = [v for k, v in lines if k == "SystemCallFilter"]
    assert filters[0] == "@system-service" and any(f.startswith("~@privileged") for f in filters)
    if unit in ("doradca-rasa.service", "doradca-retention.service"):  # they hold the conversations
        assert given["StateDirectory"] == "doradca" and given["StateDirectoryMode"] == "0700"
    if unit != "doradca-rasa.service":  # only the Rasa server talks to Telegram, Meta, PostgreSQL, Redis
        assert given["IPAddressAllow"] == "localhost" and given["IPAddressDeny"] == "any"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
@pytest.mark.parametrize("unit", [*SERVERS.values(), "doradca-retention.service"])
def test_systemd_analyze_security_scores_each_unit_ok(tmp_path: Path, unit: str):
    """`systemd-analyze security --offline` (no systemd as PID 1 here): 0 is the best, 10 the worst; the units
    before this were 8.5 ("EXPOSED"). docs/operations.md states the scores."""
    for f in UNITS.glob("doradca*"):
        (tmp_path / f.name).write_text(f.read_text().replace(INSTALLED_AT, str(ROOT)))
    out = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager", unit], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120, check=False)
    score = re.search(r"Overall exposure level for \S+: ([\d.]+) (\w+)", out.stdout)
    assert score is not None, out.stdout + out.stderr
    assert float(score.group(1)) <= 1.5 and score.group(2) == "OK", out.stdout


# ---- retention -------------------------------------------------------------------------------------------------


def test_the_retention_timer_ships_enabled_daily_with_30_days():
    timer = (UNITS / "doradca-retention.timer").read_text()
    assert re.search(r"^OnCalendar=daily$", timer, re.MULTILINE) and re.search(r"^Persistent=yes$", timer, re.MULTILINE)
    assert re.search(r"^WantedBy=doradca\.target$", timer, re.MULTILINE)
    target = (UNITS / "doradca.target").read_text()
    # started with the target
    assert "doradca-retention.timer" in re.search(r"^Wants=(.*)$", target, re.MULTILINE).group(1)
    assert env_file()["DORADCA_RETENTION_DAYS"] == "30"
    from services.settings import ServingSettings

    assert ServingSettings().retention_days == 30
    assert dict(service_section(UNITS / "doradca-retention.service"))["Type"] == "oneshot"


TRACKER = """
import asyncio, sys, time
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

async def main(db):
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=db)
    for sender, text, age in (("old-user", "stary wpis o kucharzu", 40), ("new-user", "nowy wpis o piekarzu", 1)):
        at = time.time() - age * 86400
        tracker = DialogueStateTracker.from_events(sender, [UserUttered(text, timestamp=at),
                                                             BotUttered("odpowiedź", timestamp=at + 1)])
        await store.save(tracker)

asyncio.run(main(sys.argv[1]))
"""


@pytest.mark.skipif(not (ROOT / ".venv-rasa" / "bin" / "python").exists(), reason="no .venv-rasa: run `make setup`")
def test_running_the_retention_unit_deletes_an_old_conversation_and_keeps_a_new_one(tmp_path: Path):
    """A real SQLite tracker store written by Rasa's own SQLTrackerStore; the retention unit's ExecStart, run with
    the unit's environment (DORADCA_RETENTION_DAYS=30 from doradca.env) and the store in a temporary folder."""
    db = tmp_path / "state" / "conversations.db"
    db.parent.mkdir()
    made = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", TRACKER, str(db)], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false", "HOME": str(tmp_path),
                               "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}, check=False)
    assert made.returncode == 0, made.stderr[-2000:]
    with sqlite3.connect(db) as con:
        assert {r[0] for r in con.execute("select distinct sender_id from events")} == {"old-user", "new-user"}
    env, argv = unit_start(UNITS / "doradca-retention.service", {**env_file(), "DORADCA_TRACKER_DB": str(db)})
    assert "--days" not in argv  # the days come from the setting
    done = subprocess.run(argv, cwd=ROOT, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env},
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "older than 30 day(s), 1 conversation(s) entirely" in done.stdout
    with sqlite3.connect(db) as con:
        assert {r[0] for r in con.execute("select distinct sender_id from events")} == {"new-user"}
    assert not any(b"stary wpis" in f.read_bytes() for f in db.parent.glob(db.name + "*"))  # the file and its log
    assert any(b"nowy wpis" in f.read_bytes() for f in db.parent.glob(db.name + "*"))


# ---- the launcher's files -------------------------------------------------------------------------------------

PROBE = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("pragma journal_mode=wal")
con.execute("create table events (data text)")
con.execute("insert into events values ('PESEL')")
con.commit()
open(sys.argv[2], "w").write("key")
print("written to the log", flush=True)
import time; time.sleep(120)  # keeps the WAL open until stopped
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_launcher_makes_the_state_folder_0700_and_the_store_its_wal_and_logs_0600(tmp_path: Path):
    """A server started by the launcher (here a stand-in that writes a SQLite store in WAL mode and a key file, as
    the Rasa server does) creates them readable by this user only, whatever the shell's umask."""
    state, logs = tmp_path / "var" / "doradca", tmp_path / "logs"
    bot = Assistant(Ports(rasa=free_port(), actions=free_port(), web=free_port()),
                    tracker_db=state / "conversations.db",
                    log_dir=logs)
    old = os.umask(0o022)  # a usual login shell's
    try:
        proc = bot._spawn("probe", [sys.executable, "-c", PROBE, str(bot.tracker_db), str(state / "pseudonym.key")])
        deadline = time.monotonic() + 30
        while not (logs / "probe.log").read_bytes() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proc.poll() is None, (logs / "probe.log").read_text()
        assert mode(state) == 0o700 and mode(logs) == 0o700
        files = [state / "conversations.db", state / "conversations.db-wal", state / "pseudonym.key",
                 logs / "probe.log"]
        assert {f.name: oct(mode(f)) for f in files} == {f.name: "0o600" for f in files}
    finally:
        os.umask(old)
        bot.stop_one("probe")


def test_the_launcher_closes_a_state_folder_and_files_left_open_by_an_earlier_version(tmp_path: Path):
    state, logs = tmp_path / "state", tmp_path / "logs"
    state.mkdir(mode=0o755)
    logs.mkdir(mode=0o755)
    for f in (state / "conversations.db", state / "conversations.db-wal", logs / "rasa.log", logs / "rasa.log.1"):
        f.write_text("x")
        f.chmod(0o644)
    state.chmod(0o755)
    Assistant(tracker_db=state / "conversations.db", log_dir=logs).prepare_state()
    assert mode(state) == mode(logs) == 0o700
    assert {mode(f) for f in [*state.iterdir(), *logs.iterdir()]} == {0o600}


def test_a_shared_sticky_folder_is_not_touched(tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    Assistant(tracker_db=shared / "conversations.db", log_dir=tmp_path / "logs").prepare_state()
    assert mode(shared) == 0o1777


# ---- the look-up API's limits and the cached readiness check --------------------------------------------------


class CountingRasa(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:  # the standard library's name
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory):
    """The web process with 3 searches a minute and the readiness answer kept a minute; its "Rasa server" counts
    the checks that reach it."""
    tmp = tmp_path_factory.mktemp("web")
    rasa = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), CountingRasa)
    threading.Thread(target=rasa.serve_forever, daemon=True).start()
    bot = Assistant(Ports(rasa=rasa.server_address[1], actions=free_port(), web=free_port()), log_dir=tmp / "logs",
                    extra_env={"DORADCA_API_PER_MINUTE": "3", "DORADCA_READY_CACHE_SECONDS": "60"})
    bot.start_web()
    yield f"http://127.0.0.1:{bot.ports.web}"
    bot.stop()
    rasa.shutdown()


def test_searches_and_classifications_are_limited_per_address(web: str):
    def search() -> requests.Response:
        return requests.get(web + "/api/search", params={"q": "co robi piekarz"}, timeout=60)

    def classify() -> requests.Response:
        return requests.post(web + "/api/classify", json={"title": "piekarz"}, timeout=60)

    assert [search().status_code for _ in range(3)] == [200] * 3
    refused = search()
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert refused.json()["reason"] == "rate_limited" and "try again" in refused.json()["detail"]
    assert [classify().status_code for _ in range(4)] == [200, 200, 200, 429]  # its own count
    # a user behind the office's proxy (on loopback) is counted by the address it forwards
    other = requests.get(web + "/api/search", params={"q": "co robi piekarz"}, timeout=60,
                         headers={"X-Forwarded-For": "203.0.113.7"})
    assert other.status_code == 200
    assert requests.get(web + "/api/occupations", params={"q": "piekarz"}, timeout=60).status_code == 200  # cheap


def test_readiness_is_checked_at_most_once_per_cache_period(web: str):
    before = CountingRasa.hits
    answers = [requests.get(web + "/health/ready", timeout=30) for _ in range(20)]
    assert {r.status_code for r in answers} == {503}  # no action server: "starting"
    assert {r.json()["status"] for r in answers} == {"starting"}
    assert CountingRasa.hits - before == 1


# ---- messenger sender ids never reach a log line ------------------------------------------------------------

ID_NAMES = {"sender", "sender_id", "reply_to", "recipient_id", "chat", "recipients", "psid", "user"}


def named(node: ast.AST) -> set[str]:
    """The names and attributes an expression reads, except inside ``len(...)`` (a length says nothing)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return set()
    own = {node.id} if isinstance(node, ast.Name) else {node.attr} if isinstance(node, ast.Attribute) else set()
    return own.union(*(named(child) for child in ast.iter_child_nodes(node)))


@pytest.mark.parametrize("module", ["bot/channels.py", "bot/webhooks.py"])
def test_no_log_line_carries_a_sender_id(module: str):
    """Telegram chat ids and Messenger ids are personal data: no logging call of the channels is given a sender id
    (or a message, or the object a sender id is read from)."""
    tree = ast.parse((ROOT / module).read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and isinstance(n.func.value, ast.Name) and n.func.value.id in ("logger", "logging", "log")]
    assert calls
    for call in calls:
        names = {name for arg in [*call.args, *(k.value for k in call.keywords)] for name in named(arg)}
        assert not names & (ID_NAMES | {"message", "text", "event", "query"}), \
            f"{module}:{call.lineno} logs {sorted(names & (ID_NAMES | {'message', 'text', 'event', 'query'}))}"
