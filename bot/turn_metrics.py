"""Prometheus metrics of the Rasa server's side of a turn, served on 127.0.0.1:DORADCA_RASA_METRICS_PORT/metrics
(unset or 0: off; `doradca bot run` sets 9101).

The Rasa server sees every message: it counts them by channel, times whole turns, and counts the replies it
makes itself (the apology when the action server failed or timed out, rate-limited and too-long messages).
The action server counts the other kinds (answered, asked to choose, declined): Prometheus adds
``doradca_replies_total`` of both by ``kind``. No label carries a message, a sender or anything a user typed.
"""

from __future__ import annotations

import logging

from project_settings import settings
from prometheus_client import Counter, Histogram, start_http_server

CHANNELS = frozenset({"rest", "socketio", "telegram", "facebook"})  # other labels would be unbounded
TURN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)

MESSAGES = Counter("doradca_messages_received", "User messages that reached the Rasa server, by channel", ["channel"])
REPLIES = Counter("doradca_replies", "Turns by how they ended; here the Rasa server's own replies "
                  "(apology, rate_limited, too_long, busy)", ["kind"])
TURN = Histogram("doradca_turn_seconds", "A whole turn in the Rasa server: the message in, the bot's last message "
                 "out (apologies included)", buckets=TURN_BUCKETS)

logger = logging.getLogger(__name__)
_serving = False


def channel_label(name: object) -> str:
    return name if isinstance(name, str) and name in CHANNELS else "other"


def serve() -> None:
    """Start the exporter once per process; a port in use is logged, not fatal (metrics never stop the chat)."""
    global _serving
    port = settings().metrics_port("rasa")
    if _serving or port == 0:
        return
    _serving = True  # tried once: every channel calls this, at start-up, on the server's one thread
    try:
        start_http_server(port, addr="127.0.0.1")
    except OSError as e:
        logger.warning("metrics not served: port %s: %s", port, e)
