"""Settings of the serving side, from environment variables (prefix ``DORADCA_``), in one place: read by the
launcher (`doradca bot run`, ``processes.Assistant``), the CLI, the web process and the health checks. The Rasa
server's channels run in another Python (``.venv-rasa``) and read the same variables from the environment the
launcher passes them (``bot/channels.py``); the knowledge core's own settings are ``index.config``.

Example::

    s = serving()
    s.rasa_port, s.origins()        # 5005, ['http://127.0.0.1:8000', 'http://localhost:8000']
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.config import ROOT


class ServingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DORADCA_")

    # servers, always on 127.0.0.1
    rasa_port: int = Field(5005, ge=1, le=65535)
    actions_port: int = Field(5055, ge=1, le=65535)
    web_port: int = Field(8000, ge=1, le=65535)
    # Prometheus exporters (0: off)
    rasa_metrics_port: int = Field(9101, ge=0, le=65535)
    actions_metrics_port: int = Field(9102, ge=0, le=65535)
    supervisor_metrics_port: int = Field(9103, ge=0, le=65535)
    # Rasa's files and conversations
    endpoints: Path = ROOT / "bot" / "endpoints.yml"
    credentials: Path = ROOT / "bot" / "credentials.yml"
    tracker_db: Path = ROOT / "build" / "conversations.db"
    # who may call whom
    cors: str = ""  # empty: the web pages' own origins
    bot_url: str = ""  # empty: the Rasa server on 127.0.0.1
    actions_secret: str = ""  # empty: `doradca bot run` makes one per run
    rasa_api_token: str = ""  # empty: Rasa's HTTP API is not served
    max_body_bytes: int = Field(65536, ge=1024)
    # reverse proxies in front of the Rasa server that append X-Forwarded-For (SANIC_PROXIES_COUNT): 0 with
    # `make run` on loopback, 1 behind the office's proxy (deploy/systemd/doradca.env)
    proxies_count: int = Field(0, ge=0, le=5)
    # the look-up API's searches: /api/search and /api/classify calls per minute per client address (0: off)
    api_per_minute: int = Field(120, ge=0)
    ready_cache_seconds: float = Field(5.0, ge=0)  # /health/ready answers from its last check this long
    retention_days: int = Field(30, ge=0)  # `doradca conversations prune` without --days (the daily timer)
    # whole files of job offers coded on the look-up page and /api/batch (web/batch.py)
    batch_max_bytes: int = Field(10_000_000, ge=1024)  # per file; the upload route's own body limit
    batch_max_rows: int = Field(5000, ge=1)
    batch_keep_seconds: int = Field(3600, ge=1)  # a job and its files are deleted this long after it finished
    batch_queue: int = Field(8, ge=1)  # files waiting or being coded at once; more get 503
    batch_uploads_per_hour: int = Field(30, ge=0)  # per client address; 0: off
    batch_polls_per_minute: int = Field(600, ge=0)  # progress and download calls per client address; 0: off
    # the PostgreSQL tracker store of bot/endpoints-scaled.yml, for `doradca conversations prune --postgres`
    db_host: str = "127.0.0.1"
    db_port: int = 5432
    db_name: str = "doradca"
    db_user: str | None = None
    db_password: str | None = None

    def origins(self, web_port: int | None = None) -> list[str]:
        """Web origins allowed to call the Rasa server from a browser (REST and socket.io); by default the pages'
        own, on ``web_port`` (the configured one if not given)."""
        port = web_port or self.web_port
        default = f"http://127.0.0.1:{port} http://localhost:{port}"
        return (self.cors or default).replace(",", " ").split()

    def rasa_url(self) -> str:
        """The Rasa server as the chat page reaches it."""
        return self.bot_url or f"http://127.0.0.1:{self.rasa_port}"


def serving(overrides: dict[str, str] | None = None) -> ServingSettings:
    """The settings from the environment; ``overrides`` (``{"DORADCA_RASA_PORT": "15005"}``, e.g. an assistant's
    extra environment) win over it."""
    fields = ServingSettings.model_fields
    given = {k.removeprefix("DORADCA_").lower(): v for k, v in (overrides or {}).items() if k.startswith("DORADCA_")}
    return ServingSettings(**{k: v for k, v in given.items() if k in fields})
