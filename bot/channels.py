"""The project's input channels: Rasa's REST and socket.io channels, guarded.

Before Rasa sees a message: personal data is replaced by placeholders (``redact``), so it is
never stored in the tracker store nor logged; a message over the length limit or over the
sender's rate limit gets a polite reply and is not processed. After: when a turn produced no
bot message (the action server is down or failed), the channel sends an apology itself.
Loaded by the Rasa server from credentials.yml (``channels.RestInput``,
``channels.SocketIOInput``) with ``bot/`` on PYTHONPATH.

Counts messages, replies and turn times for Prometheus (``turn_metrics``).

Settings (environment): DORADCA_MAX_MESSAGE_CHARS (1000), DORADCA_RATE_PER_MINUTE (30 per
sender, shared by all Rasa servers through Redis when DORADCA_REDIS_HOST is set; 0 turns the limit
off), DORADCA_CORS (origins allowed to open a socket.io connection), DORADCA_ACTION_TIMEOUT (10 s).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import time
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable

import yaml
from rasa.core.channels import rest, socketio
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint

import turn_metrics as metrics
from redact import redact

import rasa.core.actions.action as rasa_action  # noqa: E402

# Rasa waits 5 minutes for the action server; a hung one (a stopped worker, a full machine) would leave every
# conversation silent that long. After this many seconds the user gets the apology and the conversation's lock is
# released.
ACTION_TIMEOUT = float(os.environ.get("DORADCA_ACTION_TIMEOUT", "10"))
rasa_action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT  # type: ignore[attr-defined]

import rasa.server  # noqa: E402

_create_app = rasa.server.create_app


def create_app(*args: Any, auth_token: str | None = None, **kwargs: Any) -> Any:
    """Rasa's HTTP API (served with --enable-api) takes its token from DORADCA_RASA_API_TOKEN, not from the command
    line, where every local user can read it; without a token the API is refused, never served open."""
    token = auth_token or os.environ.get("DORADCA_RASA_API_TOKEN")
    if not token:
        raise RuntimeError("Rasa's HTTP API needs DORADCA_RASA_API_TOKEN (or leave out --enable-api)")
    return _create_app(*args, auth_token=token, **kwargs)


rasa.server.create_app = create_app  # rasa.core.run looks it up when it builds the app, after loading channels

if os.environ.get("DORADCA_RASA_PATCHES", "1") != "0":  # off only to measure what the patch buys
    import rasa_patches  # noqa: F401 - speeds up Rasa's validation of action results

Handler = Callable[[UserMessage], Awaitable[Any]]
logger = logging.getLogger(__name__)

MAX_CHARS = int(os.environ.get("DORADCA_MAX_MESSAGE_CHARS", "1000"))
RATE_PER_MINUTE = int(os.environ.get("DORADCA_RATE_PER_MINUTE", "30"))
RATE_PER_ADDRESS = int(os.environ.get("DORADCA_RATE_PER_ADDRESS", "120"))  # an office's kiosks may share one address
MAX_CONCURRENT = int(os.environ.get("DORADCA_MAX_CONCURRENT", "64"))
# Browsers' origins allowed to open a socket.io connection (Rasa's own setting lets any site connect).
ORIGINS = os.environ.get("DORADCA_CORS", "http://127.0.0.1:8000 http://localhost:8000").replace(",", " ").split()


# The assistant's sentences, shared with the actions (bot/sentences.yml): key -> language -> text.
SENTENCES: dict[str, dict[str, str]] = yaml.safe_load((Path(__file__).parent / "sentences.yml").read_text("utf-8"))
# English function words that are not Polish words ("i", "do" and "my" are)
ENGLISH = re.compile(r"\b(what|how|does|is|are|the|you|can|need|job|work|hello|hi|thanks?)\b", re.I)


def _lang(text: str | None) -> str:
    """The language of a message, for the channel's own few replies (the actions detect it more carefully)."""
    if text and re.search(r"[а-яіїєґ]", text, re.I):
        return "uk"
    if text and text.isascii() and ENGLISH.search(text):
        return "en"
    return "pl"


def sentence(key: str, text: str | None, **values: object) -> str:
    """The channel's reply ``key`` in the language of the message it answers."""
    return SENTENCES[key][_lang(text)].format(**values)


def apology(text: str | None) -> str:
    return sentence("apology", text)


class RateLimiter:
    """At most ``per_minute`` messages per key in any 60 s, in memory (one Rasa server).

    The last 60 s are estimated from two fixed one-minute windows: this minute's count plus the last minute's,
    weighted by the share of it still inside the 60 s (rounded up, so a burst across a minute boundary is not let
    through). O(1) per check; memory holds the keys of two minutes, whatever their number.
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.window = 0
        self.current: dict[str, int] = {}
        self.previous: dict[str, int] = {}

    async def allow(self, key: str) -> bool:
        if self.per_minute <= 0:
            return True
        minutes = time.monotonic() / 60
        window = int(minutes)
        if window != self.window:
            self.previous = self.current if window == self.window + 1 else {}
            self.current, self.window = {}, window
        before = math.ceil(self.previous.get(key, 0) * (1 - (minutes - window)))
        if before + self.current.get(key, 0) >= self.per_minute:
            return False
        self.current[key] = self.current.get(key, 0) + 1
        return True


_redis: Any = None


def shared_redis() -> Any:
    """The Redis the Rasa servers share (DORADCA_REDIS_HOST, the lock store's server; db 2 for the project's own
    keys), one client per process; None when there is none (one Rasa server)."""
    global _redis
    host = os.environ.get("DORADCA_REDIS_HOST")
    if host and _redis is None:
        import redis.asyncio

        _redis = redis.asyncio.Redis(host=host, port=int(os.environ.get("DORADCA_REDIS_PORT", "6379")), db=2,
                                     socket_timeout=2, socket_connect_timeout=2)
    return _redis


class SharedRateLimiter:
    """The same limit shared by all Rasa servers through Redis (the lock store's server).

    A sorted set per sender holds the times of its last minute's messages. If Redis cannot be reached the
    message is let through: the limit protects the service, it must not be what takes it down.
    """

    def __init__(self, per_minute: int, redis: Any) -> None:
        self.per_minute, self.redis = per_minute, redis

    async def allow(self, sender: str) -> bool:
        if self.per_minute <= 0:
            return True
        key, now = f"doradca:rate:{sender}", time.time()
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(key, 0, now - 60)
                pipe.zadd(key, {f"{now}:{uuid.uuid4().hex[:8]}": now})
                pipe.zcard(key)
                pipe.expire(key, 61)
                count = (await pipe.execute())[2]
        except Exception:  # noqa: BLE001 - any Redis failure: let the message through, say so in the log
            logger.warning("rate limit not checked: Redis unreachable", exc_info=True)
            return True
        return count <= self.per_minute


def _limiter(per_minute: int) -> RateLimiter | SharedRateLimiter:
    redis = shared_redis()  # several Rasa servers (bot/endpoints-scaled.yml): one limit for all of them
    return SharedRateLimiter(per_minute, redis) if redis is not None else RateLimiter(per_minute)


LIMITER = _limiter(RATE_PER_MINUTE)  # per sender id
ADDRESS_LIMITER = _limiter(RATE_PER_ADDRESS)  # per client address: a new sender id per message does not dodge it


class Busy:
    """Turns in progress in this Rasa server; above ``limit`` a message gets "busy" instead of queueing (a flood
    must not make every conversation wait). The server runs one event loop, so a plain counter is exact."""

    def __init__(self, limit: int) -> None:
        self.limit, self.running = limit, 0

    def full(self) -> bool:
        return 0 < self.limit <= self.running


BUSY = Busy(MAX_CONCURRENT)


def client_key(address: str) -> str:
    """A client address as the limits keep it: hashed, so no IP address sits in memory dumps or in Redis."""
    return "address:" + hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]


def client_address(request: Any) -> str:
    """The user's address: from the reverse proxy's headers only when Sanic is told to trust them
    (SANIC_PROXIES_COUNT / SANIC_REAL_IP_HEADER), else the connection's peer; a forged X-Forwarded-For counts for
    nothing."""
    return str(getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "")


class CountingOutput(OutputChannel):
    """Forwards what the bot says to the message's channel and counts it.

    A wrapper rather than a patched method because Telegram's output channel is shared by all senders.
    """

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:  # type: ignore[override]  # channel-specific responses keep working
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)


LENGTH_KEY = "doradca_chars"  # metadata: the message's length before the channel cut and redacted it
CLIENT_KEY = "doradca_client"  # metadata: the client's address (set by the channel, never taken from the client)
PSEUDONYM = "anon-"


def private_sender(sender: Any) -> Any:
    """A sender id that carries personal data (a phone number, an e-mail) becomes a stable pseudonym: the same
    person keeps one conversation, and the number is stored nowhere."""
    if isinstance(sender, str) and not sender.startswith(PSEUDONYM) and redact(sender) != sender:
        return PSEUDONYM + hashlib.sha256(sender.encode("utf-8")).hexdigest()[:24]
    return sender  # also a pseudonym already made (the REST channel makes it before this wrapper sees it)


def redact_values(value: Any, depth: int = 0) -> Any:
    """Every string in a metadata structure redacted (nested dicts and lists, a few levels deep)."""
    if isinstance(value, str):
        return redact(value)
    if depth > 5:
        return None
    if isinstance(value, dict):
        return {str(redact(str(k))): redact_values(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_values(v, depth + 1) for v in value]
    return value


def never_silent(on_new_message: Handler) -> Handler:
    """Wrap Rasa's message handler: redact, enforce limits, and apologise if the bot said nothing or anything
    failed (the tracker store, the lock store, the action server)."""
    metrics.serve()  # here, not at import: only a Rasa server that registers channels exports metrics

    async def handle(message: UserMessage) -> Any:
        started = time.perf_counter()
        channel = message.output_channel
        metrics.MESSAGES.labels(metrics.channel_label(message.input_channel)).inc()
        text = message.text if isinstance(message.text, str) else ""
        meta = message.metadata if isinstance(message.metadata, dict) else {}
        if max(len(text), int(meta.pop(LENGTH_KEY, 0) or 0)) > MAX_CHARS:
            metrics.REPLIES.labels("too_long").inc()
            await channel.send_response(message.sender_id, {"text": sentence("too_long", text, n=MAX_CHARS)})
            return None
        client = meta.pop(CLIENT_KEY, None)
        if not await LIMITER.allow("sender:" + str(message.sender_id)) or \
                (isinstance(client, str) and client and not await ADDRESS_LIMITER.allow(client_key(client))):
            metrics.REPLIES.labels("rate_limited").inc()
            await channel.send_response(message.sender_id, {"text": sentence("too_fast", text)})
            return None
        if BUSY.full():
            metrics.REPLIES.labels("busy").inc()
            await channel.send_response(message.sender_id, {"text": sentence("too_busy", text)})
            return None
        message.text = redact(text) if message.text is not None else None
        message.sender_id = private_sender(message.sender_id)
        message.metadata = redact_values(message.metadata)
        counting = CountingOutput(channel)
        message.output_channel = counting
        result = None
        BUSY.running += 1
        try:
            result = await on_new_message(message)
        except Exception:  # noqa: BLE001 - the user gets the apology; the log gets the error, not the message
            logger.error("message handling failed (%s)", message.sender_id, exc_info=True)
        finally:
            BUSY.running -= 1
        if counting.sent == 0:
            metrics.REPLIES.labels("apology").inc()
            await channel.send_response(message.sender_id, {"text": apology(message.text)})
        metrics.TURN.observe(time.perf_counter() - started)
        return result

    return handle


class RestInput(rest.RestInput):
    """Rasa's REST channel, reading the request through redaction: Rasa logs the message text itself when the client
    gives up waiting or the handler fails, so the text must be clean before Rasa ever holds it."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Any) -> Any:
        body = req.json if isinstance(req.json, dict) else {}
        return private_sender(body.get("sender"))

    def _extract_message(self, req: Any) -> Any:
        body = req.json if isinstance(req.json, dict) else {}
        text = body.get("message")
        if not isinstance(text, str):
            return text
        req.ctx.doradca_chars = len(text)
        return redact(text[: MAX_CHARS + 1])  # a longer message is refused anyway (its length is kept below)

    def _extract_input_channel(self, req: Any) -> str:
        return self.name()  # not what the client claims

    def get_metadata(self, request: Any) -> dict:
        body = request.json if isinstance(request.json, dict) else {}
        meta = body.get("metadata")
        meta = redact_values(meta) if isinstance(meta, dict) else {}
        meta[LENGTH_KEY] = getattr(request.ctx, "doradca_chars", 0)
        meta[CLIENT_KEY] = client_address(request)
        return meta

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return super().blueprint(never_silent(on_new_message))


class SocketIOInput(socketio.SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        bp = super().blueprint(never_silent(on_new_message))
        sio = self.sio
        # engine.io refuses other origins; the CORS headers themselves come from Rasa's --cors (same origins):
        # engine.io would add a second Access-Control-Allow-Origin, and browsers refuse a repeated one.
        sio.eio.cors_allowed_origins = "*" if "*" in ORIGINS else ORIGINS  # type: ignore[union-attr]
        sio.eio._cors_headers = lambda environ: []  # type: ignore[union-attr]

        # The client's address into the message's metadata, for the per-address limit (Rasa's handler reads only
        # the event's data): from the Sanic request that opened the connection.
        namespace = self.namespace or "/"
        handle_message = sio.handlers[namespace][self.user_message_evt]  # type: ignore[union-attr]

        async def with_client(sid: str, data: Any) -> None:
            if isinstance(data, dict):
                meta = data.get(self.metadata_key)
                if isinstance(meta, str):
                    try:
                        meta = json.loads(meta)
                    except ValueError:
                        meta = None
                environ = sio.get_environ(sid, namespace) or {}  # type: ignore[union-attr]
                data = {**data, self.metadata_key: {**(meta if isinstance(meta, dict) else {}),
                                                    CLIENT_KEY: client_address(environ.get("sanic.request"))}}
            await handle_message(sid, data)

        sio.on(self.user_message_evt, handler=with_client, namespace=self.namespace)  # type: ignore[union-attr]

        # Rasa 3.6 calls python-socketio 5's (now asynchronous) enter_room without awaiting it, so a browser
        # never joins its session's room and never receives the answers. The same handler, awaited:
        @sio.on("session_request", namespace=self.namespace)  # type: ignore[union-attr]
        async def session_request(sid: str, data: dict | None) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or not session_id or len(session_id) > 200:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)  # type: ignore[union-attr]
            await sio.emit("session_confirm", session_id, room=sid)  # type: ignore[union-attr]

        return bp
