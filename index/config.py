"""Every setting of the project, read from environment variables (``DORADCA_`` + the field's name in capitals) in
this one place, each default written once beside a line saying what it means.

Plain Python (no pydantic), so that both interpreters import it: the project's (.venv, 3.11) and the Rasa server's
(.venv-rasa, 3.10), whose modules in ``bot/`` put the checkout on their path for it. It sits in the knowledge core,
the lowest layer, so that every layer above may import it. The README's configuration table is tested against the
fields (tests/test_settings_doc.py).

Example::

    s = settings()                       # from the environment; settings({"DORADCA_RASA_PORT": "15005"}) overrides
    s.rasa_port, s.origins()             # 5005, ['http://127.0.0.1:8000', 'http://localhost:8000']
    Settings(index_dir=Path("/tmp/i"))   # the defaults with one changed, the environment not read
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "multilingual-e5-small"
FETCHED_CORPUS = ROOT / "corpus"  # where `doradca corpus fetch` puts the public sources (git-ignored)
# the Prometheus exporters' ports under `doradca bot run` when their variables are unset; a server started on its
# own (systemd, a test) serves none unless its variable is set
BOT_RUN_METRICS = {"rasa": 9101, "actions": 9102, "supervisor": 9103}


def _optional_int(value: str) -> int | None:
    return int(value) if value.strip() else None


def _flag(value: str) -> bool:
    return value.strip() != "0"


def setting(default: Any, doc: str, *, parse: Callable[[str], Any] | None = None, lo: float | None = None,
            hi: float | None = None, choices: tuple[str, ...] = (), env: str = "") -> Any:
    """A field of ``Settings``: its default, what it means, and how its variable's text becomes a value (by default
    the default's own type). ``env`` names a variable outside the DORADCA_ family."""
    parse = parse or (type(default) if default is not None else str)
    meta = {"doc": doc, "parse": parse, "lo": lo, "hi": hi, "choices": choices, "env": env}
    return field(default=default, metadata=meta)


PORT: dict[str, Any] = {"lo": 1, "hi": 65535}
EXPORTER: dict[str, Any] = {"parse": _optional_int, "lo": 0, "hi": 65535}


@dataclass(frozen=True)
class Settings:
    # the knowledge core (RUF009: a Path default is as frozen as the rest)
    corpus: str | None = setting(None, "corpus folders, ':'-separated; empty: data/ only; unset: the fetched corpus/")
    corpus_url: str | None = setting(None, "base URL `doradca corpus fetch` downloads from (unset: the pinned one)")
    model: str = setting(str(DEFAULT_MODEL), "embedding model: a local folder or a model id")
    embedding_backend: str = setting("onnx-int8", "how the model runs", choices=("onnx-int8", "onnx", "torch"))
    index_dir: Path = setting(ROOT / "build" / "index", "where the index versions live")  # noqa: RUF009
    data_dir: Path = setting(ROOT / "data", "the built-in descriptions")  # noqa: RUF009
    # servers, always on 127.0.0.1
    rasa_port: int = setting(5005, "the Rasa server", **PORT)
    actions_port: int = setting(5055, "the action server", **PORT)
    web_port: int = setting(8000, "the pages and the look-up API", **PORT)
    # Prometheus exporters on 127.0.0.1; None: unset (BOT_RUN_METRICS under `doradca bot run`), 0: off
    rasa_metrics_port: int | None = setting(None, "/metrics of the Rasa server", **EXPORTER)
    actions_metrics_port: int | None = setting(None, "/metrics of the action server", **EXPORTER)
    supervisor_metrics_port: int | None = setting(None, "/metrics of `doradca bot run`'s supervisor", **EXPORTER)
    # Rasa's files and conversations
    endpoints: Path = setting(ROOT / "bot" / "endpoints.yml", "Rasa's endpoints file")  # noqa: RUF009
    credentials: Path = setting(ROOT / "bot" / "credentials.yml", "Rasa's channels file")  # noqa: RUF009
    tracker_db: Path = setting(ROOT / "build" / "conversations.db", "the SQLite tracker store")  # noqa: RUF009
    tracker_sync: str = setting("normal", "the SQLite tracker store's durability", choices=("normal", "full"))
    pseudonym_key: str = setting("", "HMAC key of pseudonymised ids (empty: pseudonym.key beside the tracker store)")
    redis_host: str = setting("", "Redis of bot/endpoints-scaled.yml, shared rate limits (empty: none)")
    redis_port: int = setting(6379, "its port", **PORT)
    # who may call whom
    cors: str = setting("", "origins allowed to call the Rasa server from a browser (empty: the pages' own)")
    bot_url: str = setting("", "the Rasa server as the chat page reaches it (empty: on 127.0.0.1)")
    actions_secret: str = setting("", "X-Doradca-Secret (empty: `doradca bot run` makes one per run)")
    rasa_api_token: str = setting("", "Rasa's HTTP API token (empty: the API is not served)")
    # limits of the Rasa server
    action_timeout: float = setting(10.0, "seconds the Rasa server waits for the action server", lo=0)
    max_body_bytes: int = setting(65536, "largest request body of the Rasa server and the web process", lo=1024)
    max_message_chars: int = setting(1000, "longest message", lo=1)
    rate_per_minute: int = setting(30, "messages per minute per sender", lo=0)
    rate_per_address: int = setting(120, "messages per minute per client address (0: off)", lo=0)
    max_concurrent: int = setting(64, "turns one Rasa server handles at once (0: off)", lo=0)
    rasa_patches: bool = setting(True, "0: bot/rasa_patches.py off (only to measure it)", parse=_flag)
    # reverse proxies in front of the Rasa server that append X-Forwarded-For (SANIC_PROXIES_COUNT): 0 with
    # `make run` on loopback, 1 behind the office's proxy (deploy/systemd/doradca.env)
    proxies_count: int = setting(0, "reverse proxies in front of the Rasa server", lo=0, hi=5)
    # the look-up API
    core_wait: float = setting(0.0, "seconds the web process waits for the action server's knowledge core before "
                               "loading its own (deploy/systemd: 180)", lo=0)
    api_per_minute: int = setting(120, "/api/search and /api/classify calls per minute per address (0: off)", lo=0)
    ready_cache_seconds: float = setting(5.0, "/health/ready answers from its last check this long", lo=0)
    retention_days: int = setting(30, "`doradca conversations prune` without --days (the daily timer)", lo=0)
    # whole files of job offers coded on the look-up page and /api/batch (web/batch.py)
    batch_max_bytes: int = setting(10_000_000, "largest file; the upload route's own body limit", lo=1024)
    batch_max_rows: int = setting(5000, "most data rows of a file", lo=1)
    batch_keep_seconds: int = setting(3600, "a job and its files are deleted this long after it finished", lo=1)
    batch_queue: int = setting(8, "files waiting or being coded at once; more get 503", lo=1)
    batch_uploads_per_hour: int = setting(30, "uploads per client address (0: off)", lo=0)
    batch_polls_per_minute: int = setting(600, "progress and download calls per client address (0: off)", lo=0)
    # the PostgreSQL tracker store of bot/endpoints-scaled.yml, for `doradca conversations prune --postgres`
    db_host: str = setting("127.0.0.1", "PostgreSQL host")
    db_port: int = setting(5432, "PostgreSQL port", **PORT)
    db_name: str = setting("doradca", "PostgreSQL database")
    db_user: str | None = setting(None, "PostgreSQL user")
    db_password: str | None = setting(None, "PostgreSQL password")
    # the actions' answers
    office_file: Path = setting(ROOT / "bot" / "office.yml", "the counsellor contact users see")  # noqa: RUF009
    page_size: int = setting(5, "passages per answer", lo=1)
    show_all: int = setting(30, "passages shown for 'pokaż wszystko'", lo=1)
    # Sanic's own variables, read by the action server
    sanic_host: str = setting("127.0.0.1", "where the action server listens", env="SANIC_HOST")
    sanic_request_max_size: int | None = setting(None, "the action server's body limit (unset: its own 4 MiB)",
                                                 parse=_optional_int, env="SANIC_REQUEST_MAX_SIZE")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            check(f, getattr(self, f.name))

    def corpus_paths(self) -> list[Path]:
        """The corpus folders in use: DORADCA_CORPUS when set (even empty), else the fetched corpus/ when present."""
        if self.corpus is not None:
            return [Path(p) for p in self.corpus.split(":") if p.strip()]
        return [FETCHED_CORPUS] if FETCHED_CORPUS.is_dir() else []

    def corpus_folders(self, extra: list[Path] | None = None) -> list[Path]:
        """data/ first, then --corpus folders, then the corpus folders in use (duplicates dropped)."""
        folders = [self.data_dir, *(extra or []), *self.corpus_paths()]
        seen: set[Path] = set()
        out = []
        for f in folders:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
        return out

    def origins(self, web_port: int | None = None) -> list[str]:
        """Web origins allowed to call the Rasa server from a browser (REST and socket.io); by default the pages'
        own, on ``web_port`` (the configured one if not given)."""
        port = web_port or self.web_port
        default = f"http://127.0.0.1:{port} http://localhost:{port}"
        return (self.cors or default).replace(",", " ").split()

    def rasa_url(self) -> str:
        """The Rasa server as the chat page reaches it."""
        return self.bot_url or f"http://127.0.0.1:{self.rasa_port}"

    def metrics_port(self, server: str, bot_run: bool = False) -> int:
        """The exporter's port of ``server`` (rasa, actions, supervisor); 0: off. Unset, it is BOT_RUN_METRICS's
        under `doradca bot run` and off for a server started on its own."""
        port = getattr(self, f"{server}_metrics_port")
        return (BOT_RUN_METRICS[server] if bot_run else 0) if port is None else port


def env_name(f: dataclasses.Field) -> str:
    return f.metadata["env"] or f"DORADCA_{f.name.upper()}"


def check(f: dataclasses.Field, value: Any) -> None:
    """A value out of its range or choices is refused by its variable's name."""
    m, name = f.metadata, env_name(f)
    if m["choices"] and value not in m["choices"]:
        raise ValueError(f"{name} must be one of {', '.join(m['choices'])}, not {value!r}")
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and ((m["lo"] is not None and value < m["lo"]) or (m["hi"] is not None and value > m["hi"])):
        raise ValueError(f"{name} must be between {m['lo']} and {m['hi'] or 'any'}, not {value}")


def settings(overrides: Mapping[str, str] | None = None) -> Settings:
    """The settings from the environment; ``overrides`` (``{"DORADCA_RASA_PORT": "15005"}``, e.g. an assistant's
    extra environment) win over it. An unparsable value is refused by its variable's name."""
    given = {**os.environ, **(overrides or {})}
    values = {}
    for f in dataclasses.fields(Settings):
        name = env_name(f)
        if given.get(name, "") == "" and isinstance(f.default, Path):
            continue  # an empty path is the default one, not the working directory
        if name in given:
            try:
                values[f.name] = f.metadata["parse"](given[name])
            except ValueError as e:
                raise ValueError(f"{name}={given[name]!r}: {e}") from None
    return Settings(**values)
