"""The project's input channels: Rasa's REST and socket.io channels, guarded.

Before Rasa sees a message, with work bounded whatever a client sends: sender and session ids are
checked (1-128 characters of ``A-Z a-z 0-9 _ . : -``; a UUID fits) and refused otherwise (REST: 400;
socket.io: a polite reply, nothing processed); metadata over 8 keys or 2 KiB as JSON is refused (REST:
400) or dropped (socket.io); socket.io frames and engine.io buffers over DORADCA_MAX_BODY_BYTES close
the connection. Then personal data is replaced by placeholders (``redact``, linear in the text), so it
is never stored in the tracker store nor logged; a sender id that carries personal data (a phone
number as a Telegram chat id) is stored as a keyed pseudonym (HMAC-SHA256, ``pseudonym_key``) and the
answers still go to the real id; socket.io session ids are never rewritten (the browser's room is the
session id). A message over the length limit or over the sender's rate limit gets a polite reply and
is not processed; an empty or blank one gets a prompt in the user's language; an intent payload the bot
does not know ("/get_started" of the rasa-webchat widget) is taken as a greeting. After: when a turn
produced no bot message (the action server is down or failed), the channel sends an apology itself.
Loaded by the Rasa server from credentials.yml (``channels.RestInput``, ``channels.SocketIOInput``)
with ``bot/`` on PYTHONPATH.

Counts messages, replies and turn times for Prometheus (``turn_metrics``).

Settings (``index/config.py``, through ``project_settings``): max_message_chars, rate_per_minute (per sender,
shared by all Rasa servers through Redis when DORADCA_REDIS_HOST is set; 0 turns the limit off), cors (origins
allowed to open a socket.io connection), action_timeout, max_body_bytes (request bodies and socket.io frames),
pseudonym_key (the HMAC key; empty: one made on first start, kept in ``pseudonym.key`` beside the tracker store).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import rasa.core.actions.action as rasa_action
import turn_metrics as metrics
import yaml
from project_settings import settings
from rasa.core.channels import rest, socketio
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.constants import DEFAULT_INTENTS
from redact import redact
from sanic import Blueprint
from sanic.exceptions import InvalidUsage

# Rasa waits 5 minutes for the action server; a hung one (a stopped worker, a full machine) would leave every
# conversation silent that long. After this many seconds the user gets the apology and the conversation's lock is
# released.
SETTINGS = settings()  # read once, as the server starts
ACTION_TIMEOUT = SETTINGS.action_timeout
rasa_action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT  # type: ignore[attr-defined]

# Request bodies and websocket frames: Sanic's defaults are 100 MB and 1 MiB (a socket.io frame of 1 MiB passed the
# 64 KiB body limit). Defaults of the Sanic app Rasa builds after loading the channels; SANIC_REQUEST_MAX_SIZE and
# SANIC_WEBSOCKET_MAX_SIZE in the environment still win.
import sanic.config  # noqa: E402

MAX_BODY = SETTINGS.max_body_bytes
sanic.config.DEFAULT_CONFIG["REQUEST_MAX_SIZE"] = MAX_BODY
sanic.config.DEFAULT_CONFIG["WEBSOCKET_MAX_SIZE"] = MAX_BODY

import rasa.server  # noqa: E402

_create_app = rasa.server.create_app


def create_app(*args: Any, auth_token: str | None = None, **kwargs: Any) -> Any:
    """Rasa's HTTP API (served with --enable-api) takes its token from DORADCA_RASA_API_TOKEN, not from the command
    line, where every local user can read it; without a token the API is refused, never served open."""
    token = auth_token or settings().rasa_api_token
    if not token:
        raise RuntimeError("Rasa's HTTP API needs DORADCA_RASA_API_TOKEN (or leave out --enable-api)")
    return _create_app(*args, auth_token=token, **kwargs)


rasa.server.create_app = create_app  # rasa.core.run looks it up when it builds the app, after loading channels

if SETTINGS.rasa_patches:  # off only to measure what the patch buys
    import rasa_patches  # noqa: F401 - speeds up Rasa's validation of action results

Handler = Callable[[UserMessage], Awaitable[Any]]
logger = logging.getLogger(__name__)

MAX_CHARS = SETTINGS.max_message_chars
RATE_PER_MINUTE = SETTINGS.rate_per_minute
RATE_PER_ADDRESS = SETTINGS.rate_per_address  # an office's kiosks may share one address
MAX_CONCURRENT = SETTINGS.max_concurrent
# Browsers' origins allowed to open a socket.io connection (Rasa's own setting lets any site connect).
ORIGINS = SETTINGS.origins()


# What a client may send, checked before any other work (a 20,000-letter sender id held the server for 40 s).
MAX_ID_CHARS = 128
ID_FORMAT = re.compile(r"[A-Za-z0-9_.:-]{1,128}")  # sender and session ids; UUIDs fit, so does "anon-" + hex
ID_RULE = "sender: 1-128 characters A-Z a-z 0-9 _ . : - (a UUID fits)"
MAX_META_KEYS = 8
MAX_META_BYTES = 2048
META_RULE = f"metadata: a JSON object of at most {MAX_META_KEYS} keys and {MAX_META_BYTES} bytes"


def valid_id(value: object) -> bool:
    """A sender or session id as the channels accept it (the length first: no pattern runs on a long text)."""
    return isinstance(value, str) and len(value) <= MAX_ID_CHARS and ID_FORMAT.fullmatch(value) is not None


def capped_metadata(meta: object) -> dict | None:
    """``meta`` if it is small enough (at most MAX_META_KEYS keys and MAX_META_BYTES as JSON), None if it is not;
    anything but an object (or a JSON text of one) counts as no metadata. Checked before redaction, which would
    otherwise run on every string of it."""
    if isinstance(meta, (str, bytes)):
        if len(meta) > 4 * MAX_META_BYTES:  # JSON text: spaces and escapes may take room, but not this much
            return None
        try:
            meta = json.loads(meta)
        except (ValueError, RecursionError):
            return {}
    if not isinstance(meta, dict):
        return {}
    if len(meta) > MAX_META_KEYS:
        return None
    try:
        size = len(json.dumps(meta, ensure_ascii=False, default=str).encode("utf-8"))
    except (ValueError, TypeError, RecursionError):  # nested too deep, or keys JSON cannot write
        return None
    return meta if size <= MAX_META_BYTES else None


def accept_language(header: object) -> str | None:
    """The first of the bot's languages in an Accept-Language header ("uk-UA,uk;q=0.9,en;q=0.8" -> "uk")."""
    if not isinstance(header, str):
        return None
    for part in header[:200].split(",")[:10]:
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in ("pl", "uk", "en"):
            return tag
    return None


# The assistant's sentences, shared with the actions (bot/sentences.yml): key -> language -> text.
SENTENCES: dict[str, dict[str, str]] = yaml.safe_load((Path(__file__).parent / "sentences.yml").read_text("utf-8"))
# English function words that are not Polish words ("i", "do" and "my" are)
ENGLISH = re.compile(r"\b(what|how|does|is|are|the|you|can|need|job|work|hello|hi|thanks?)\b", re.IGNORECASE)


def _lang(text: str | None) -> str:
    """The language of a message, for the channel's own few replies (the actions detect it more carefully)."""
    if text and re.search(r"[а-яіїєґ]", text, re.IGNORECASE):
        return "uk"
    if text and text.isascii() and ENGLISH.search(text):
        return "en"
    return "pl"


def sentence(key: str, text: str | None, lang: str | None = None, **values: object) -> str:
    """The channel's reply ``key`` in the language of the message it answers (``lang`` when there is no text to
    tell it: an empty message)."""
    return SENTENCES[key][lang if lang in ("pl", "uk", "en") else _lang(text)].format(**values)


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
    host = settings().redis_host
    if host and _redis is None:
        import redis.asyncio

        _redis = redis.asyncio.Redis(host=host, port=settings().redis_port, db=2,
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
        except Exception:  # any Redis failure: let the message through, say so in the log
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


KEY_FILE = "pseudonym.key"
_key: bytes | None = None


def pseudonym_key() -> bytes:
    """The secret key of pseudonyms and address keys: DORADCA_PSEUDONYM_KEY, else the one kept beside the tracker
    store (made on first start). An unkeyed hash of a 9-digit phone number or an IPv4 address is reversed by trying
    them all in minutes; with the key it is not. Several Rasa servers on one machine share the file; on several
    machines give them the same DORADCA_PSEUDONYM_KEY. A new key starts new conversations for pseudonymised ids."""
    global _key
    if _key is None:
        given = settings().pseudonym_key.strip()
        if given and len(given) < 32:
            raise ValueError("DORADCA_PSEUDONYM_KEY must have at least 32 characters (e.g. `openssl rand -hex 32`)")
        tracker = settings().tracker_db
        _key = given.encode("utf-8") if given else stored_key(tracker.with_name(KEY_FILE))
    return _key


def stored_key(path: Path) -> bytes:
    """The key kept in ``path``; a random one written there first (mode 0600) if there is none. Written to a
    temporary file and linked into place, so that two servers starting together end up with the same key and none
    reads half a file."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_hex(32) + "\n")
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(FileExistsError):  # another server made it first: its key is the one
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    if path.stat().st_mode & 0o077:
        logger.warning("%s was readable by others; made readable by its owner only", path)
        path.chmod(0o600)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise ValueError(f"{path}: the pseudonym key is shorter than 32 characters; delete the file to make a new one")
    return key.encode("ascii")


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` with the pseudonym key, 128 bits in hex."""
    return hmac.new(pseudonym_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def client_key(address: str) -> str:
    """A client address as the limits keep it: a keyed hash, so no IP address sits in memory dumps or in Redis, and
    none can be found again by hashing all 2^32 of them."""
    return "address:" + keyed_hash(address)


def client_address(request: Any) -> str:
    """The user's address: from the reverse proxy's headers only when Sanic is told to trust them
    (SANIC_PROXIES_COUNT / SANIC_REAL_IP_HEADER), else the connection's peer; a forged X-Forwarded-For counts for
    nothing."""
    return str(getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "")


class CountingOutput(OutputChannel):
    """Forwards what the bot says to the message's channel and counts it; a reply to the pseudonym goes to the id the
    platform knows (``recipients``: pseudonym -> real id, for this message only).

    A wrapper rather than a patched method because Telegram's output channel is shared by all senders.
    """

    def __init__(self, inner: OutputChannel, recipients: dict[str, str] | None = None) -> None:
        self.inner = inner
        self.recipients = recipients or {}
        self.sent = 0

    def name(self) -> str:  # type: ignore[override]  # channel-specific responses keep working
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict) -> None:
        self.sent += 1
        await self.inner.send_response(self.recipients.get(recipient_id, recipient_id), message)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)


LENGTH_KEY = "doradca_chars"  # metadata: the message's length before the channel cut and redacted it
CLIENT_KEY = "doradca_client"  # metadata: the client's address (set by the channel, never taken from the client)
LANG_KEY = "doradca_lang"  # metadata: the browser's language (Accept-Language), for the reply to an empty message
INTERNAL = (LENGTH_KEY, CLIENT_KEY, LANG_KEY)
PSEUDONYM = "anon-"
PSEUDONYM_FORMAT = re.compile(r"anon-[0-9a-f]{32}")
# Channels whose sender id is the address of the answers, never rewritten: socket.io sends them to the room named
# by the session id, which the browser joined (a rewritten id got no answer at all).
ROOMS = frozenset({"socketio"})


def private_sender(sender: Any) -> Any:
    """A sender id that carries personal data (a phone number, an e-mail) becomes a stable keyed pseudonym: the
    same person keeps one conversation, and the number is stored nowhere."""
    if isinstance(sender, str) and not PSEUDONYM_FORMAT.fullmatch(sender) and redact(sender) != sender:
        return PSEUDONYM + keyed_hash(sender)
    return sender


def _known_intents() -> frozenset[str]:
    """The intents of the bot's domain (bot/domain.yml) and Rasa's own; empty if the file cannot be read, and then
    every payload is passed on as it is."""
    try:
        domain = yaml.safe_load((Path(__file__).parent / "domain.yml").read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return frozenset()
    names = [next(iter(i)) if isinstance(i, dict) else i for i in domain.get("intents") or []]
    return frozenset(n for n in names if isinstance(n, str)) | frozenset(DEFAULT_INTENTS)


KNOWN_INTENTS = _known_intents()
PAYLOAD = re.compile(r"/([^{@]{1,100})")  # Rasa's reading of "/intent{...}" (text up to "{" or "@")


def known_payload(text: str) -> str:
    """An intent payload the bot does not know ("/get_started", the first message of the rasa-webchat widget,
    answered "unknown occupation" before) becomes a greeting; other text stays."""
    stripped = text.strip()
    m = PAYLOAD.match(stripped)
    if not m or not KNOWN_INTENTS:
        return text
    return text if m.group(1).strip() in KNOWN_INTENTS else "/greet"


def blank(text: str) -> bool:
    """No letter and no digit: nothing to understand (and nothing the intent model has features for)."""
    return not any(c.isalnum() for c in text)


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
    """Wrap Rasa's message handler: check, redact, enforce limits, and apologise if the bot said nothing or anything
    failed (the tracker store, the lock store, the action server)."""
    metrics.serve()  # here, not at import: only a Rasa server that registers channels exports metrics
    pseudonym_key()  # made now, at start-up: a state folder the server cannot write stops it here, not at a message

    async def handle(message: UserMessage) -> Any:
        started = time.perf_counter()
        channel = message.output_channel
        metrics.MESSAGES.labels(metrics.channel_label(message.input_channel)).inc()
        reply_to = message.sender_id  # the id the platform or the browser knows: the channel's own replies go there
        if not valid_id(reply_to):  # the channels check it first; this is for any other way in
            metrics.REPLIES.labels("refused").inc()
            logger.warning("message refused: a sender id of %d characters outside %s", len(reply_to), ID_FORMAT.pattern)
            return None
        text = message.text if isinstance(message.text, str) else ""
        given = message.metadata if isinstance(message.metadata, dict) else {}
        internal = {k: given.get(k) for k in INTERNAL}
        meta = capped_metadata({k: v for k, v in given.items() if k not in INTERNAL})
        if meta is None:
            logger.warning("metadata dropped: over %s", META_RULE)
            meta = {}
        length = internal[LENGTH_KEY] if isinstance(internal[LENGTH_KEY], int) else 0
        if max(len(text), length) > MAX_CHARS:
            metrics.REPLIES.labels("too_long").inc()
            await channel.send_response(reply_to, {"text": sentence("too_long", text, n=MAX_CHARS)})
            return None
        sender = reply_to if message.input_channel in ROOMS else private_sender(reply_to)
        client = internal[CLIENT_KEY]
        if not await LIMITER.allow("sender:" + sender) or \
                (isinstance(client, str) and client and not await ADDRESS_LIMITER.allow(client_key(client))):
            metrics.REPLIES.labels("rate_limited").inc()
            await channel.send_response(reply_to, {"text": sentence("too_fast", text)})
            return None
        if blank(text):  # "", " ", "?": a prompt, not the apology (the intent model has nothing to read)
            metrics.REPLIES.labels("empty").inc()
            lang = meta.get("language") if meta.get("language") in ("pl", "uk", "en") else internal[LANG_KEY]
            await channel.send_response(reply_to, {"text": sentence("empty_message", None, lang=lang)})
            return None
        if BUSY.full():
            metrics.REPLIES.labels("busy").inc()
            await channel.send_response(reply_to, {"text": sentence("too_busy", text)})
            return None
        message.text = known_payload(redact(text))
        message.sender_id = sender
        message.metadata = redact_values(meta)
        counting = CountingOutput(channel, {sender: reply_to})
        message.output_channel = counting
        result = None
        BUSY.running += 1
        try:
            result = await on_new_message(message)
        except Exception:  # the user gets the apology; the log gets the error, not the message
            logger.exception("message handling failed")  # no sender id: a chat id is personal data
        finally:
            BUSY.running -= 1
        if counting.sent == 0:
            metrics.REPLIES.labels("apology").inc()
            await channel.send_response(reply_to, {"text": apology(message.text)})
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
        """The sender id, checked before anything else is read: 400 when missing or not of the accepted form (Rasa
        would put every sender-less client into one conversation, "default")."""
        body = req.json
        if not isinstance(body, dict):
            raise InvalidUsage('expected a JSON object: {"sender": "...", "message": "..."}')
        sender = body.get("sender")
        if isinstance(sender, int) and not isinstance(sender, bool):
            sender = str(sender)
        if not valid_id(sender):
            raise InvalidUsage(ID_RULE)
        return sender  # pseudonymised by never_silent if it carries personal data

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
        meta = capped_metadata(body.get("metadata") if isinstance(body.get("metadata"), dict) else {})
        if meta is None:
            raise InvalidUsage(META_RULE)
        meta = redact_values(meta)
        meta[LENGTH_KEY] = getattr(request.ctx, "doradca_chars", 0)
        meta[CLIENT_KEY] = client_address(request)
        meta[LANG_KEY] = accept_language(request.headers.get("accept-language"))
        return meta

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return super().blueprint(never_silent(on_new_message))


class SocketIOInput(socketio.SocketIOInput):
    """Rasa's socket.io channel (the chat page's), with ids and sizes checked before Rasa's handler runs, the
    client's address and language added for the limits, and the redacted text echoed to the page ("user_echo"), so
    that the page keeps only that in the browser."""

    ECHO = "user_echo"

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        bp = super().blueprint(never_silent(on_new_message))
        sio = self.sio
        assert sio is not None
        # engine.io's own limit on a frame or a polling body (1 MB by default): over it the connection is closed
        sio.eio.max_http_buffer_size = MAX_BODY
        # engine.io refuses other origins; the CORS headers themselves come from Rasa's --cors (same origins):
        # engine.io would add a second Access-Control-Allow-Origin, and browsers refuse a repeated one.
        sio.eio.cors_allowed_origins = "*" if "*" in ORIGINS else ORIGINS
        sio.eio._cors_headers = lambda environ: []

        # The client's address into the message's metadata, for the per-address limit (Rasa's handler reads only
        # the event's data): from the Sanic request that opened the connection.
        namespace = self.namespace or "/"
        handle_message = sio.handlers[namespace][self.user_message_evt]

        async def with_client(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return  # not Rasa's protocol: nothing to answer
            environ = sio.get_environ(sid, namespace) or {}
            lang = accept_language(environ.get("HTTP_ACCEPT_LANGUAGE"))
            text = data.get("message")
            text = text if isinstance(text, str) else ""
            if self.session_persistence and not valid_id(data.get("session_id")):
                # the answers would go to a room nobody joined; say so on this connection instead of staying silent
                metrics.REPLIES.labels("refused").inc()
                await sio.emit(self.bot_message_evt, {"text": sentence("bad_session", text[:MAX_CHARS], lang=lang)},
                               room=sid)
                return
            meta = capped_metadata(data.get(self.metadata_key))
            if meta is None:
                logger.warning("socket.io metadata dropped: over %s", META_RULE)
                meta = {}
            meta = {k: v for k, v in meta.items() if k not in INTERNAL}  # these are the channel's to set
            meta.update({CLIENT_KEY: client_address(environ.get("sanic.request")), LANG_KEY: lang})
            echo = data.get("echo")
            if valid_id(echo) and 0 < len(text) <= MAX_CHARS:  # only what would be processed is echoed
                await sio.emit(self.ECHO, {"id": echo, "text": redact(text)}, room=sid)
            await handle_message(sid, {**data, self.metadata_key: meta})

        sio.on(self.user_message_evt, handler=with_client, namespace=self.namespace)

        # Rasa 3.6 calls python-socketio 5's (now asynchronous) enter_room without awaiting it, so a browser
        # never joins its session's room and never receives the answers. The same handler, awaited, and with the
        # session id checked: one the browser cannot be answered under is replaced by a new one, which the page
        # takes from session_confirm (it is never rewritten after that).
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not valid_id(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        return bp
