"""The project's input channels: Rasa's REST and socket.io channels that never leave a user in silence.

When a turn produces no bot message (the action server is down or failed), the channel
sends an apology itself. Loaded by the Rasa server from credentials.yml
(``channels.RestInput``, ``channels.SocketIOInput``) with ``bot/`` on PYTHONPATH.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Awaitable, Callable

import rasa_patches  # noqa: F401 - speeds up Rasa's validation of action results
from rasa.core.channels import rest, socketio
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint

Handler = Callable[[UserMessage], Awaitable[Any]]

APOLOGY = {
    "pl": "Przepraszam, mam chwilowy problem techniczny i nie mogę teraz odpowiedzieć. Spróbuj ponownie za chwilę.",
    "uk": "Вибачте, тимчасова технічна проблема. Спробуйте ще раз трохи пізніше.",
}


def apology(text: str | None) -> str:
    return APOLOGY["uk"] if text and re.search(r"[а-яіїєґ]", text, re.I) else APOLOGY["pl"]


def never_silent(on_new_message: Handler) -> Handler:
    """Wrap Rasa's message handler: count what the bot sends; if nothing, apologise."""

    async def handle(message: UserMessage) -> Any:
        channel = message.output_channel
        original = channel.send_response
        sent = 0

        async def counting(recipient_id: str, msg: dict) -> None:
            nonlocal sent
            sent += 1
            await original(recipient_id, msg)

        channel.send_response = counting  # type: ignore[method-assign]
        try:
            result = await on_new_message(message)
        finally:
            channel.send_response = original  # type: ignore[method-assign]
        if sent == 0:
            await original(message.sender_id, {"text": apology(message.text)})
        return result

    return handle


class RestInput(rest.RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return super().blueprint(never_silent(on_new_message))


class SocketIOInput(socketio.SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        bp = super().blueprint(never_silent(on_new_message))
        sio = self.sio

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
