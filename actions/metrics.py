"""Prometheus metrics of the action server, served from its worker on 127.0.0.1:DORADCA_ACTIONS_METRICS_PORT/metrics
(unset or 0: off; `doradca bot run` sets 9102).

How turns ended (``doradca_replies_total``: answered, asked, declined, apology, other; the Rasa server adds its
own apology, rate_limited, too_long and busy), how long actions, resolution and passage search took, how confident the
resolver was, and which actions failed. No label carries a message, a sender or an occupation.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter, Histogram, start_http_server

from index.config import settings

SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)

REPLIES = Counter("doradca_replies", "Turns by how they ended; here the action server's (answered: passages shown; "
                  "asked: which occupation; declined: not in the descriptions or unknown)", ["kind"])
ACTION_SECONDS = Histogram("doradca_action_seconds", "One action call in the action server", ["action"],
                           buckets=SECONDS)
ACTION_ERRORS = Counter("doradca_action_errors", "Actions that failed (the user got the apology)", ["action"])
SEARCH_SECONDS = Histogram("doradca_search_seconds", "Finding the passages of an answer", buckets=SECONDS)
RESOLVE_SECONDS = Histogram("doradca_resolve_seconds", "Recognising the occupation a message names", buckets=SECONDS)
CONFIDENCE = Histogram("doradca_resolver_confidence", "Score of the resolver's first candidate (a probability)",
                       buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0))

log = logging.getLogger(__name__)


def serve() -> None:
    """Start the exporter in the process that runs actions: called once per rasa-sdk worker as it starts serving
    (rasa_sdk_plugins). A port in use is logged, not fatal."""
    if port := settings().metrics_port("actions"):
        try:
            start_http_server(port, addr="127.0.0.1")
        except OSError as e:
            log.warning("metrics not served: port %s: %s", port, e)
