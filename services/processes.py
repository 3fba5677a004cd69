"""Start the action server (.venv) and the Rasa server (.venv-rasa) on 127.0.0.1, wait until both answer,
stop them by PID. Used by `doradca bot run` (`make run`), the end-to-end tests and the benchmarks.

Example::

    with Assistant(Ports(rasa=15005, actions=15055), tracker_db=tmp / "t.db") as bot:
        bot.send("u1", "Co robi piekarz?")   # [{"recipient_id": "u1", "text": "..."}]
"""

from __future__ import annotations

import os
import secrets
import signal
import stat
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import requests

from index.config import ROOT

from .health import answers, secret_header, warmup_call
from .settings import ServingSettings, serving

RASA_MODEL = ROOT / "build" / "rasa" / "doradca.tar.gz"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
PYTHON = ROOT / ".venv" / "bin" / "python"
QUIET = {
    "RASA_TELEMETRY_ENABLED": "false",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TQDM_DISABLE": "1",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}
# what the servers create (the tracker store, its write-ahead log, the pseudonym key, the logs) is theirs alone:
# the same as the units' UMask=0077 (deploy/systemd)
UMASK = 0o077
# the tracker store's companions beside it: SQLite's write-ahead log and shared memory, the pseudonym key and the
# webhook ids (bot/channels.py, bot/webhooks.py)
STATE_FILES = ("{db}", "{db}-wal", "{db}-shm", "{db}-journal", "pseudonym.key", "webhook-ids.db", "webhook-ids.db-wal",
               "webhook-ids.db-shm")


class StartError(RuntimeError):
    """A server did not come up; the message says which and where its log is."""


@dataclass(frozen=True)
class Ports:
    rasa: int = field(default_factory=lambda: serving().rasa_port)
    actions: int = field(default_factory=lambda: serving().actions_port)
    web: int = field(default_factory=lambda: serving().web_port)
    # Prometheus exporters on 127.0.0.1 (0: off; unset: index.config.BOT_RUN_METRICS)
    rasa_metrics: int = field(default_factory=lambda: serving().metrics_port("rasa", bot_run=True))
    actions_metrics: int = field(default_factory=lambda: serving().metrics_port("actions", bot_run=True))


@dataclass
class Assistant:
    """The two servers of one assistant; a context manager that always stops what it started."""

    ports: Ports = field(default_factory=Ports)
    tracker_db: Path = field(default_factory=lambda: serving().tracker_db)
    log_dir: Path = ROOT / "build" / "logs"
    model: Path = RASA_MODEL
    credentials: Path = field(default_factory=lambda: serving().credentials)
    endpoints: Path = field(default_factory=lambda: serving().endpoints)
    extra_env: dict[str, str] = field(default_factory=dict)
    # shared by the Rasa server and the action server (X-Doradca-Secret); made up for this run unless configured
    actions_secret: str = field(default_factory=lambda: serving().actions_secret or secrets.token_urlsafe(24))
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.rasa}/webhooks/rest/webhook"

    @property
    def origins(self) -> list[str]:
        """Web origins allowed to call the Rasa server from a browser (REST and socket.io)."""
        return self.settings.origins(self.ports.web)

    @property
    def settings(self) -> ServingSettings:
        """The serving settings, with this assistant's extra environment over the process's."""
        return serving(self.extra_env)

    def _env(self) -> dict[str, str]:
        env = {**os.environ, **QUIET, **self.extra_env}
        env.update({
            "DORADCA_CORS": " ".join(self.origins),  # read by bot/channels.py for socket.io
            "DORADCA_ACTIONS_PORT": str(self.ports.actions),
            "DORADCA_RASA_PORT": str(self.ports.rasa),
            "DORADCA_RASA_METRICS_PORT": str(self.ports.rasa_metrics),
            "DORADCA_ACTIONS_METRICS_PORT": str(self.ports.actions_metrics),
            "DORADCA_TRACKER_DB": str(self.tracker_db),
            "DORADCA_ACTIONS_SECRET": self.actions_secret,
            "SANIC_HOST": "127.0.0.1",
        })
        return env

    def server_env(self, name: str) -> dict[str, str]:
        """The whole environment a server starts with; deploy/systemd's units give theirs the same
        (tests/test_hardening.py compares them)."""
        own: dict[str, str] = {}
        if name == "rasa":
            own = {
                "PYTHONPATH": str(ROOT / "bot"),  # the project's input channels (bot/channels.py)
                # the public server refuses bodies over 64 KiB before reading them (Sanic's default is 100 MB; a
                # message is at most DORADCA_MAX_MESSAGE_CHARS, channel webhooks a few KiB)
                "SANIC_REQUEST_MAX_SIZE": str(self.settings.max_body_bytes),
                # behind the office's proxy the client's address is the last X-Forwarded-For entry, else every
                # user shares the proxy's per-address limit; 0: the peer's address (a forged header counts nothing)
                "SANIC_PROXIES_COUNT": str(self.settings.proxies_count),
            }
        return {**self._env(), **own}

    def command(self, name: str) -> list[str]:
        """A server's command line (the units' ExecStart is the same, with /opt/doradca for this checkout)."""
        if name == "actions":
            # its body limit is its own (rasa_sdk_plugins), so it holds under systemd too
            return [str(PYTHON), "-m", "services.action_server", "--actions", "actions", "--port",
                    str(self.ports.actions)]
        if name == "rasa":
            cmd = [str(RASA), "run", "--model", str(self.model), "--endpoints", str(self.endpoints),
                   "--credentials", str(self.credentials), "--interface", "127.0.0.1", "--port", str(self.ports.rasa),
                   "--cors", *self.origins]
            if self.settings.rasa_api_token:  # Rasa's HTTP API only behind a token, which bot/channels.py
                cmd += ["--enable-api"]  # reads from the environment (a command line is visible to every local user)
            return cmd
        # X-Forwarded-For counts only from a proxy on loopback (uvicorn's default, said here so that the unit and
        # this launcher cannot differ): the look-up API's rate limits then count users, not the proxy
        return [str(PYTHON), "-m", "uvicorn", "web.app:app", "--host", "127.0.0.1", "--port", str(self.ports.web),
                "--log-level", "warning", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]

    def prepare_state(self) -> None:
        """The tracker store's folder and the log folder readable by this user only (created 0700, tightened if
        they were open), and what is already in them 0600: conversations and logs are nobody else's to read."""
        for folder in (self.tracker_db.parent, self.log_dir):
            private_dir(folder)
        names = [n.format(db=self.tracker_db.name) for n in STATE_FILES]
        for path in [*(self.tracker_db.parent / n for n in names), *self.log_dir.glob("*.log*")]:
            if path.is_file() and not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(0o600)

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        self.prepare_state()
        fd = os.open(self.log_dir / f"{name}.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        log = os.fdopen(fd, "ab")
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**self.server_env(name), **(env or {})}, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                                umask=UMASK)  # the tracker store, its WAL, the key: 0600
        log.close()  # the child has its own copy
        self.procs[name] = proc
        return proc

    def start_actions(self, timeout: float = 120) -> None:
        self._spawn("actions", self.command("actions"))
        self._wait("actions", f"http://127.0.0.1:{self.ports.actions}/health", timeout)
        # load the model and index now rather than on the first user's question
        r = requests.post(f"http://127.0.0.1:{self.ports.actions}/webhook", json=warmup_call(),
                          headers=secret_header(self.actions_secret), timeout=timeout)
        if r.status_code != 200:
            raise StartError(f"action server warm-up failed ({r.status_code}); see {self.log_dir / 'actions.log'}")

    def start_rasa(self, timeout: float = 180) -> None:
        if not self.model.exists():
            raise StartError(f"no trained Rasa model at {self.model}: run `make setup` (it trains the bot)")
        self._spawn("rasa", self.command("rasa"))
        self._wait("rasa", f"http://127.0.0.1:{self.ports.rasa}/", timeout)

    def start_web(self, timeout: float = 120) -> None:
        """The pages and the look-up API (uvicorn, one process)."""
        self._spawn("web", self.command("web"))
        self._wait("web", f"http://127.0.0.1:{self.ports.web}/api/health", timeout)

    def healthy(self, name: str, timeout: float = 5) -> bool:
        """Does the server answer on its real path? (actions: an action call that searches the loaded index)"""
        return answers(name, self.ports, self.actions_secret, timeout)  # type: ignore[arg-type]  # a name of self.procs

    def restart(self, name: str) -> None:
        """Stop one server (its whole process group) and start it again; raises StartError if it does not come up."""
        self.stop_one(name)
        {"actions": self.start_actions, "rasa": self.start_rasa, "web": self.start_web}[name]()

    def start(self, web: bool = False) -> Self:
        try:
            self.start_actions()
            self.start_rasa()
            if web:
                self.start_web()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self, name: str, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        proc = self.procs[name]
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log = self.log_dir / (name + ".log")
                raise StartError(f"{name} server exited with code {proc.returncode}; see {log}\n{tail(log)}")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise StartError(f"{name} server not ready after {timeout:.0f} s; see {self.log_dir / (name + '.log')}")

    def stop_one(self, name: str, timeout: float = 20) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the server and the workers it forked
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)

    def stop(self) -> None:
        for name in ("web", "rasa", "actions"):
            self.stop_one(name)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def send(self, sender: str, text: str, timeout: float = 30) -> list[dict]:
        r = requests.post(self.rest_url, json={"sender": sender, "message": text}, timeout=timeout)
        r.raise_for_status()
        return r.json()


def private_dir(folder: Path) -> None:
    """``folder`` and its missing parents' last level created 0700; an existing one of this user's, not a shared
    sticky folder such as /tmp, tightened to 0700."""
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
    st = folder.stat()
    if st.st_uid == os.getuid() and not st.st_mode & stat.S_ISVTX and stat.S_IMODE(st.st_mode) & 0o077:
        folder.chmod(0o700)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the kernel's children lists), nearest first: the last is a server's worker."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop(0)
        for task in Path(f"/proc/{p}/task").glob("*"):
            children = task / "children"
            kids = [int(k) for k in children.read_text().split()] if children.exists() else []
            out += kids
            todo += kids
    return out


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
