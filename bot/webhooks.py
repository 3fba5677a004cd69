"""Telegram and Facebook Messenger channels that only accept calls signed by the platform.

Rasa 3.6's own channels are not safe to expose: its Telegram channel accepts any POST (it only
asks Telegram for the bot's name, on every message) and calls Telegram's API at start-up; its
Messenger channel checks the old SHA-1 signature with ``==`` and answers a forged call with 200.
These channels:

- Telegram: the secret token given to ``setWebhook`` must arrive in ``X-Telegram-Bot-Api-Secret-Token``;
  no call to Telegram at start-up or per message (setting the webhook is a one-time step, see README);
  a re-delivered update (same ``update_id``) is answered once, also after a restart (``SeenIds``).
- Messenger: ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body with the app secret); the
  subscription check needs the verify token; every event of a batched call is handled; replies go out
  asynchronously (Rasa's client blocks the server on each send).

Both compare secrets in constant time and reject with 403 before the body is parsed. Messages then pass
the same guards as the web chat (``channels.never_silent``: redaction, limits, apology when silent).

A Telegram chat id or a Messenger page-scoped id names a person (a Telegram id is the user's account; either can
be looked up on the platform), so neither reaches Rasa: every one becomes ``anon-`` + HMAC-SHA256 of
"<channel>:<id>" with the pseudonym key (``channels.pseudonym_key``) before the message is handed on, and that is
all the tracker store, the lock store, the rate limiter, the action server and the logs ever see. The answers still
go to the chat: the raw id lives only in the ``ChatOutput`` made for the one incoming message, in memory, for as
long as its turn runs. A failed send or a failed update is logged under the pseudonym, with the raw id replaced
wherever the platform's error echoes it.
The platforms' API addresses are settings so that the tests can point them at a recorder on loopback.

credentials.yml::

    webhooks.TelegramInput:
      access_token: "${TELEGRAM_TOKEN}"
      secret_token: "${TELEGRAM_SECRET}"
    webhooks.FacebookInput:
      verify: "${FACEBOOK_VERIFY}"
      secret: "${FACEBOOK_SECRET}"
      page-access-token: "${FACEBOOK_PAGE_TOKEN}"
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import sqlite3
import time
import traceback
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from channels import PSEUDONYM, SENTENCES, Handler, keyed_hash, never_silent, shared_redis, valid_id
from project_settings import settings
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

TEXT_ONLY = SENTENCES["text_only"]["pl"]  # a sticker or a photo says nothing of its sender's language
# Telegram's first message in a chat; Rasa would read "/start" as an unknown intent.
COMMANDS = {"/start": "/greet", "/help": "/bot_capabilities"}
SECRET_FORMAT = re.compile(r"[A-Za-z0-9_-]{16,256}")  # Telegram allows 1-256 of these; 16+ to be worth guessing


def same(given: str | None, expected: str) -> bool:
    """Constant-time comparison: how much of a guess was right must not show in the response time."""
    return hmac.compare_digest((given or "").encode(), expected.encode())


def chat_pseudonym(channel: str, raw_id: str) -> str:
    """What Rasa knows a messenger chat by: stable for one chat and key, different for another key; the channel's
    name is part of the input, so a Telegram chat and a Messenger user with the same number stay apart."""
    return PSEUDONYM + keyed_hash(f"{channel}:{raw_id}")


def scrubbed(error: BaseException, raw_id: str, pseudonym: str, trace: bool = False) -> str:
    """An exception as text (with its traceback if ``trace``) for the log, the raw id replaced by the pseudonym: a
    platform's error may echo the chat it was sent to."""
    lines = traceback.format_exception(type(error), error, error.__traceback__) if trace else \
        traceback.format_exception_only(type(error), error)
    return "".join(lines).strip().replace(raw_id, pseudonym)


class SendFailed(Exception):
    """A platform refused a message (its HTTP status and error code only)."""


class ChatOutput(OutputChannel):
    """The replies of one incoming message of a messenger channel: Rasa addresses them to the pseudonym, they go to
    the raw id. Made per message and dropped with it: the pseudonym -> raw id mapping is never stored. A reply
    addressed to anything else is dropped; a failed send is logged under the pseudonym (and not raised: the rest of
    the turn still runs and is stored)."""

    def __init__(self, inner: OutputChannel, pseudonym: str, raw_id: str) -> None:
        self.inner, self.pseudonym, self.raw_id = inner, pseudonym, raw_id

    def name(self) -> str:  # type: ignore[override]  # channel-specific responses keep working
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict) -> None:
        if recipient_id != self.pseudonym:
            logger.warning("%s: a reply for another conversation dropped", self.inner.name())
            return
        with self.logged("reply not delivered"):
            await self.inner.send_response(self.raw_id, message)

    @contextmanager
    def logged(self, what: str, trace: bool = False) -> Iterator[None]:
        """Any exception in the block logged under the pseudonym, never the raw id, and not raised."""
        try:
            yield
        except Exception as error:  # noqa: BLE001 - logged here, so no traceback elsewhere carries the raw id
            logger.error("%s: %s (%s): %s", self.inner.name(), what, self.pseudonym,
                         scrubbed(error, self.raw_id, self.pseudonym, trace))


def _required(credentials: dict | None, channel: str, *keys: str) -> list[str]:
    credentials = credentials or {}
    missing = [k for k in keys if not isinstance(credentials.get(k), str) or not credentials[k].strip()]
    if missing:
        raise ValueError(f"{channel}: set {', '.join(missing)} in credentials.yml (see README, 'Messenger channels')")
    return [credentials[k].strip() for k in keys]


class RecentIds:
    """The last ``size`` ids seen, in memory: what ``SeenIds`` falls back on when its store fails."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self.ids: OrderedDict[Any, None] = OrderedDict()

    def seen(self, key: Any) -> bool:
        if key in self.ids:
            return True
        self.ids[key] = None
        if len(self.ids) > self.size:
            self.ids.popitem(last=False)
        return False


class SeenIds:
    """Ids of the calls a channel has handled. The platforms re-deliver a call they think failed, also while (or
    because) the Rasa server restarts, so the ids outlive a restart: in Redis when the Rasa servers share one
    (DORADCA_REDIS_HOST: every server sees every id), else in an SQLite file beside the tracker store. Ids are
    kept two days (re-deliveries come within hours); if the store fails, memory stands in and the log says so."""

    KEEP = 2 * 86400

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.memory = RecentIds()
        self.redis = shared_redis()
        self.db: sqlite3.Connection | None = None
        self.inserted = 0
        if self.redis is None:
            tracker = settings().tracker_db
            self.db = sqlite3.connect(tracker.with_name("webhook-ids.db"), isolation_level=None,
                                      check_same_thread=False)  # one event loop uses it; autocommit
            self.db.execute("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, at REAL NOT NULL)")

    async def seen(self, key: Any) -> bool:
        """True if ``key`` came before; a missing id (None) is never taken for a repeat."""
        if key is None:
            return False
        name = f"{self.channel}:{key}"
        try:
            if self.redis is not None:
                return not await self.redis.set(f"doradca:seen:{name}", 1, nx=True, ex=self.KEEP)
            assert self.db is not None
            now = time.time()
            new = self.db.execute("INSERT OR IGNORE INTO seen (id, at) VALUES (?, ?)", (name, now)).rowcount == 1
            self.inserted += new
            if new and self.inserted % 1000 == 0:
                self.db.execute("DELETE FROM seen WHERE at < ?", (now - self.KEEP,))
            return not new
        except Exception:  # a failing store must not stop the answers
            logger.warning("webhook ids kept in memory only: their store failed", exc_info=True)
            return self.memory.seen(name)


class TelegramOutput(RasaTelegramOutput):
    """Rasa's Telegram output (text, inline buttons) with a configurable Bot API address."""

    MAX_TEXT = 4096  # Telegram's limit per message

    def __init__(self, access_token: str, api_base: str) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_base))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        # Rasa's sends each paragraph as a message of its own; Telegram throttles bursts to one chat.
        for part in _chunks(text.strip(), self.MAX_TEXT):
            await self.send_message(recipient_id, part)


class TelegramInput(InputChannel):
    """Telegram webhook at /webhooks/telegram/webhook, accepting only calls with the secret token.

    Example: ``TelegramInput("123:abc", secret_token="s3cret-s3cret-s3cret")``
    """

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict | None) -> InputChannel:
        token, secret = _required(credentials, "Telegram", "access_token", "secret_token")
        return cls(token, secret, (credentials or {}).get("api_base") or "https://api.telegram.org")

    def __init__(self, access_token: str, secret_token: str, api_base: str = "https://api.telegram.org") -> None:
        if not SECRET_FORMAT.fullmatch(secret_token):
            raise ValueError("Telegram: secret_token must be 16-256 characters A-Z, a-z, 0-9, '_' or '-'")
        self.secret_token = secret_token
        self.output = TelegramOutput(access_token, api_base)  # checks the token's form; no network call
        self.updates = SeenIds("telegram")

    def get_output_channel(self) -> OutputChannel:
        return self.output

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        handle = never_silent(on_new_message)
        bp = _blueprint_with_health("doradca_telegram")

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not same(request.headers.get("X-Telegram-Bot-Api-Secret-Token"), self.secret_token):
                return response.text("forbidden", status=403)
            update = _json_object(request.body)
            if update is None:
                return response.text("expected a JSON object", status=400)
            uid = update.get("update_id")
            if uid is not None and (not isinstance(uid, int) or isinstance(uid, bool)):
                return response.text("update_id must be a number", status=400)
            if await self.updates.seen(update.get("update_id")):
                return response.text("duplicate")  # Telegram delivers it again when we were slow
            try:
                await self._dispatch(update, handle, self.get_metadata(request))
            except Exception:  # answered 200 all the same: Telegram would re-deliver a failed update forever
                logger.exception("Telegram update %s not handled", update.get("update_id"))
            return response.text("success")

        @bp.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.output.close()

        return bp

    async def _dispatch(self, update: dict, handle: Handler, metadata: Any) -> None:
        query = update.get("callback_query")
        if isinstance(query, dict):  # a button was pressed
            try:
                await self.output.answer_callback_query(query.get("id"))  # stops the button's spinner
            except Exception as error:  # noqa: BLE001 - cosmetic; the answer matters more
                logger.warning("answerCallbackQuery failed: %s", type(error).__name__)  # its text may name the chat
            chat, text = (query.get("message") or {}).get("chat"), query.get("data")
        else:
            msg = update.get("message") or update.get("edited_message")
            if not isinstance(msg, dict):
                return  # channel posts, polls, joins: nothing to answer
            chat, text = msg.get("chat"), msg.get("text")
        if not isinstance(chat, dict) or not isinstance(chat.get("id"), (int, str)):
            return
        raw_id = str(chat["id"])
        if not valid_id(raw_id):
            return  # Telegram's chat ids are numbers; anything else is not worth an answer
        out = ChatOutput(self.output, chat_pseudonym(self.name(), raw_id), raw_id)
        if not isinstance(text, str) or not text.strip():
            await out.send_response(out.pseudonym, {"text": TEXT_ONLY})  # stickers, photos, voice
            return
        text = COMMANDS.get(text.strip().split("@")[0], text)
        with out.logged("update not handled", trace=True):
            await handle(UserMessage(text, out, out.pseudonym, input_channel=self.name(), metadata=metadata))


class MessengerOutput(OutputChannel):
    """Sends through the Graph API's Send API with aiohttp (does not block the server)."""

    MAX_TEXT = 2000  # Messenger's limit per message
    MAX_REPLIES = 13  # quick replies per message
    MAX_TITLE = 20  # characters of a quick reply's title

    @classmethod
    def name(cls) -> str:
        return "facebook"

    def __init__(self, session: aiohttp.ClientSession, graph_url: str, page_token: str) -> None:
        self.session = session
        self.url = f"{graph_url.rstrip('/')}/me/messages"
        self.page_token = page_token

    async def _send(self, recipient_id: str, message: dict) -> None:
        body = {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": message}
        async with self.session.post(self.url, params={"access_token": self.page_token}, json=body) as r:
            if r.status >= 400:  # Graph's error code only: its message may name the recipient
                try:
                    error = (await r.json(content_type=None)).get("error") or {}
                except Exception:  # noqa: BLE001 - not JSON: the status says enough
                    error = {}
                code = error.get("code") if isinstance(error, dict) else None
                raise SendFailed(f"Send API answered {r.status} (error code {code})")

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in _chunks(text.strip(), self.MAX_TEXT):
            await self._send(recipient_id, {"text": part})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict], **kwargs: Any) -> None:
        # Quick-reply titles are cut at 20 characters, so the full titles are listed in the text, numbered.
        buttons = buttons[: self.MAX_REPLIES]
        listing = "\n".join(f"{i}. {b.get('title', '')}" for i, b in enumerate(buttons, 1))
        parts = _chunks(f"{text.strip()}\n\n{listing}", self.MAX_TEXT)
        for part in parts[:-1]:
            await self._send(recipient_id, {"text": part})
        replies = [{"content_type": "text", "title": f"{i}. {b.get('title', '')}"[: self.MAX_TITLE],
                    "payload": str(b.get("payload", ""))[:1000]} for i, b in enumerate(buttons, 1)]
        await self._send(recipient_id, {"text": parts[-1], "quick_replies": replies})


class FacebookInput(InputChannel):
    """Messenger webhook at /webhooks/facebook/webhook, accepting only calls signed with the app secret.

    Example: ``FacebookInput("verify-token", "app-secret", "page-token")``
    """

    @classmethod
    def name(cls) -> str:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: dict | None) -> InputChannel:
        verify, secret, token = _required(credentials, "Facebook Messenger", "verify", "secret", "page-access-token")
        return cls(verify, secret, token, (credentials or {}).get("graph_url") or "https://graph.facebook.com/v19.0")

    def __init__(self, verify: str, secret: str, page_token: str,
                 graph_url: str = "https://graph.facebook.com/v19.0") -> None:
        self.verify, self.secret, self.page_token, self.graph_url = verify, secret, page_token, graph_url
        self.session: aiohttp.ClientSession | None = None  # made in the server's event loop
        self.events = SeenIds("facebook")

    def signed(self, body: bytes, header: str | None) -> bool:
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        return same(header, expected)

    def get_output_channel(self) -> OutputChannel:
        if self.session is None:
            self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        return MessengerOutput(self.session, self.graph_url, self.page_token)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        handle = never_silent(on_new_message)
        bp = _blueprint_with_health("doradca_facebook")

        @bp.route("/webhook", methods=["GET"])
        async def subscribe(request: Request) -> HTTPResponse:
            if request.args.get("hub.mode") == "subscribe" and same(request.args.get("hub.verify_token"), self.verify):
                return response.text(request.args.get("hub.challenge") or "")
            return response.text("forbidden", status=403)

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.signed(request.body, request.headers.get("X-Hub-Signature-256")):
                return response.text("forbidden", status=403)
            payload = _json_object(request.body)
            if payload is None:
                return response.text("expected a JSON object", status=400)
            metadata = self.get_metadata(request)
            for event in _messaging_events(payload):
                try:
                    await self._dispatch(event, handle, metadata)
                except Exception:  # the other events of the batch still get their answers
                    logger.exception("Messenger event not handled")
            return response.text("EVENT_RECEIVED")

        @bp.listener("after_server_stop")
        async def close(*_: Any) -> None:
            if self.session is not None:
                await self.session.close()

        return bp

    async def _dispatch(self, event: dict, handle: Handler, metadata: Any) -> None:
        raw_id = (event.get("sender") or {}).get("id")
        message, postback = event.get("message"), event.get("postback")
        if not valid_id(raw_id):
            return  # page-scoped ids are numbers
        if isinstance(message, dict):
            if message.get("is_echo") or await self.events.seen(message.get("mid")):
                return  # the page's own messages come back as echoes
            text = (message.get("quick_reply") or {}).get("payload") or message.get("text")
        elif isinstance(postback, dict):
            if await self.events.seen(postback.get("mid")):
                return  # a button press re-delivered
            text = postback.get("payload")
        else:
            return  # deliveries, reads, reactions
        out = ChatOutput(self.get_output_channel(), chat_pseudonym(self.name(), raw_id), raw_id)
        if not isinstance(text, str) or not text.strip():
            await out.send_response(out.pseudonym, {"text": TEXT_ONLY})  # images, audio, stickers
            return
        with out.logged("event not handled", trace=True):
            await handle(UserMessage(text, out, out.pseudonym, input_channel=self.name(), metadata=metadata))


def _blueprint_with_health(name: str) -> Blueprint:
    bp = Blueprint(name, __name__)

    @bp.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:  # what Rasa's channels answer at /webhooks/<name>/
        return response.json({"status": "ok"})

    return bp


def _json_object(body: bytes) -> dict | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _messaging_events(payload: dict) -> list[dict]:
    entries = payload.get("entry") if payload.get("object") == "page" else None
    return [e for entry in entries or [] if isinstance(entry, dict)
            for e in entry.get("messaging") or [] if isinstance(e, dict)]


def _chunks(text: str, size: int) -> list[str]:
    """Split at paragraph breaks where possible so that each part fits ``size``."""
    parts: list[str] = []
    for para in text.split("\n\n"):
        while len(para) > size:
            cut = para.rfind("\n", 0, size)
            cut = cut if cut > 0 else size
            parts.append(para[:cut])
            para = para[cut:].lstrip("\n")
        if parts and len(parts[-1]) + 2 + len(para) <= size:
            parts[-1] += "\n\n" + para
        else:
            parts.append(para)
    return [p for p in parts if p.strip()] or [text[:size] or "…"]
