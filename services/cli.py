"""The `doradca` command: the knowledge base's commands (``index.cli``) plus the application shell, which runs the
assistant (`doradca bot run|chat`) and keeps its conversations (`doradca conversations prune`).

The shell lives here, not in ``index``, so that the knowledge core imports nothing from the layers that serve it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from index import sentences
from index.cli import app, fail, prompts
from index.config import settings
from index.sentences import CLI_LANG

if TYPE_CHECKING:
    from .processes import Assistant

bot_app = typer.Typer(no_args_is_help=True, help="The Rasa assistant.")
app.add_typer(bot_app, name="bot")


@bot_app.command("run")
def bot_run(
    rasa_port: Annotated[int | None, typer.Option(help="Rasa server port [DORADCA_RASA_PORT: 5005].")] = None,
    actions_port: Annotated[int | None, typer.Option(help="Action server port [DORADCA_ACTIONS_PORT: 5055].")] = None,
    web_port: Annotated[int | None, typer.Option(help="Pages and look-up API port [DORADCA_WEB_PORT: 8000].")] = None,
    metrics_port: Annotated[int | None, typer.Option(
        help="Prometheus metrics of the supervisor (restarts); 0: off "
             "[DORADCA_SUPERVISOR_METRICS_PORT: 9103].")] = None,
    endpoints: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
        "Rasa endpoints file (bot/endpoints-scaled.yml: PostgreSQL + Redis) [DORADCA_ENDPOINTS: bot/endpoints.yml]."))]
    = None,
    credentials: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
        "Rasa channels file (Telegram, Messenger: see README) [DORADCA_CREDENTIALS: bot/credentials.yml]."))] = None,
) -> None:
    """Start the action server, the Rasa server and the web pages/API on 127.0.0.1 and keep them running (a server
    that exits or stops answering is restarted, with backoff); Ctrl-C stops them."""
    from .processes import Assistant, Ports, StartError
    from .settings import serving

    s = serving()  # an option given on the command line wins over its variable
    ports = Ports(rasa=rasa_port or s.rasa_port, actions=actions_port or s.actions_port, web=web_port or s.web_port)
    metrics_port = s.metrics_port("supervisor", bot_run=True) if metrics_port is None else metrics_port
    bot = Assistant(ports, endpoints=(endpoints or s.endpoints).resolve(),
                    credentials=(credentials or s.credentials).resolve())
    if metrics_port:
        from prometheus_client import start_http_server

        try:
            start_http_server(metrics_port, addr="127.0.0.1")
        except OSError as e:
            fail(f"supervisor metrics port {metrics_port}: {e}; set DORADCA_SUPERVISOR_METRICS_PORT (0: off)")
    typer.echo("Starting the action server, the Rasa server and the web pages (about a minute)...")
    try:
        bot.start(web=True)
    except StartError as e:
        fail(str(e))
    typer.echo(_running(bot, metrics_port))
    _supervise(bot)


def _running(bot: Assistant, metrics_port: int) -> str:
    """Where everything is, once it runs."""
    from index.store import summary

    manifest = json.loads((settings().index_dir / "current" / "manifest.json").read_text())
    rasa, web = bot.ports.rasa, bot.ports.web
    return (
        f"\ndoradca is running.\n"
        f"  index:     {summary(manifest)}\n"
        f"  REST:      POST {bot.rest_url}  with {{\"sender\": \"me\", \"message\": \"Co robi piekarz?\"}}\n"
        f"  socket.io: http://127.0.0.1:{rasa}/socket.io\n"
        f"  chat page: http://127.0.0.1:{web}/chat   (snippet for the office's site: /static/embed.js)\n"
        f"  look-up:   http://127.0.0.1:{web}/lookup  API: http://127.0.0.1:{web}/api/  (OpenAPI: /openapi.json)\n"
        f"  terminal:  .venv-rasa/bin/rasa shell --connector rest --url http://127.0.0.1:{rasa}  (or `make chat`)\n"
        f"  health:    http://127.0.0.1:{web}/health/ready  (starting / ready / degraded)\n"
        f"  metrics:   /metrics on 127.0.0.1 ports {bot.ports.rasa_metrics} (Rasa server), {bot.ports.actions_metrics} "
        f"(action server), {metrics_port} (supervisor); Prometheus, 0: off\n"
        f"  logs:      {bot.log_dir}\n"
        f"Press Ctrl-C to stop."
    )


def _supervise(bot: Assistant) -> None:
    """Restart a server that exits or stops answering until Ctrl-C / SIGTERM; give up on repeated crashes. Always
    stops what was started."""
    import signal
    import threading
    import time

    from .supervisor import GaveUp, Supervisor

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    supervisor = Supervisor(bot, log=lambda line: typer.echo(f"{time.strftime('%H:%M:%S')} {line}", err=True))
    try:
        supervisor.run(stop)
    except GaveUp as e:
        typer.echo(f"doradca: {e}", err=True)
        raise typer.Exit(1) from e
    finally:
        typer.echo("Stopping...")
        bot.stop()
        typer.echo("Stopped.")


@bot_app.command("chat")
def bot_chat(
    rasa_port: Annotated[int | None, typer.Option(help="Rasa server port [DORADCA_RASA_PORT: 5005].")] = None,
    sender: Annotated[str, typer.Option(help="Conversation id.")] = "terminal",
) -> None:
    """Chat with the running bot in the terminal over its REST channel."""
    import requests

    from .settings import serving

    url = f"http://127.0.0.1:{rasa_port or serving().rasa_port}/webhooks/rest/webhook"
    typer.echo(sentences.text("cli_chat", CLI_LANG))
    for text in prompts("Ty> "):
        try:
            replies = requests.post(url, json={"sender": sender, "message": text}, timeout=60).json()
        except requests.RequestException as e:
            fail(f"the bot does not answer at {url} ({e}); start it with `make run`")
        for r in replies:
            if r.get("text"):
                typer.echo(f"Bot> {r['text']}")
            for i, b in enumerate(r.get("buttons") or [], 1):
                typer.echo(f"     [{i}] {b['title']}  " + sentences.say("cli_button", CLI_LANG, payload=b["payload"]))


conversations_app = typer.Typer(no_args_is_help=True, help="Conversations kept by the Rasa server.")
app.add_typer(conversations_app, name="conversations")


@conversations_app.command("prune")
def conversations_prune(
    days: Annotated[int | None, typer.Option(min=0, help=(
        "Delete every event (message, reply) older than this many days [DORADCA_RETENTION_DAYS: 30]."))] = None,
    db: Annotated[Path | None, typer.Option(help="SQLite tracker store file [DORADCA_TRACKER_DB].")] = None,
    postgres: Annotated[bool, typer.Option(
        help="The PostgreSQL tracker store of bot/endpoints-scaled.yml (DORADCA_DB_HOST, _PORT, _NAME, _USER, "
             "_PASSWORD) instead of SQLite.")] = False,
) -> None:
    """Retention: delete everything older than N days from the tracker store (a long conversation loses its old
    turns), in one transaction; then SQLite's file is compacted (VACUUM)."""
    import time

    from .settings import serving

    s = serving()
    days = s.retention_days if days is None else days
    cutoff = time.time() - days * 86400
    if postgres:
        import psycopg

        where = f"PostgreSQL {s.db_host}/{s.db_name}"
        try:
            con = psycopg.connect(host=s.db_host, port=s.db_port, dbname=s.db_name, user=s.db_user,
                                  password=s.db_password, connect_timeout=10)
        except psycopg.Error as e:
            fail(f"cannot connect to {where}: {str(e).strip()}")
        with con, con.cursor() as cur:
            events, gone = _prune(cur, "%s", cutoff)
    else:
        import sqlite3

        path = db or s.tracker_db
        if not path.exists():
            fail(f"no tracker store at {path}")
        where = str(path)
        lite = sqlite3.connect(path)
        try:
            with lite:  # one transaction
                events, gone = _prune(lite.cursor(), "?", cutoff)
            lite.execute("vacuum")  # the deleted text leaves the file too
            lite.execute("pragma wal_checkpoint(truncate)")  # and the write-ahead log beside it (Rasa's WAL mode)
        finally:
            lite.close()
    typer.echo(f"deleted {events} event(s) older than {days} day(s), {gone} conversation(s) entirely, from {where}")


def _prune(cur: Any, mark: str, cutoff: float) -> tuple[int, int]:
    """Delete events older than ``cutoff`` (``mark``: the driver's placeholder); returns the events deleted and the
    conversations left with none."""
    cur.execute(f"select count(distinct sender_id) from events where sender_id not in "
                f"(select sender_id from events where timestamp >= {mark})", (cutoff,))
    gone = int(cur.fetchone()[0])
    cur.execute(f"delete from events where timestamp < {mark}", (cutoff,))
    return int(cur.rowcount), gone
