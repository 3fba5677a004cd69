"""The project's one settings module (``index/config.py``, plain Python) for the Rasa server's side: its path holds
``bot/`` alone (PYTHONPATH), so the checkout above it is appended here, after everything else, shadowing nothing.

Example::

    from project_settings import settings
    settings().max_message_chars   # 1000 unless DORADCA_MAX_MESSAGE_CHARS says otherwise
"""

from __future__ import annotations

import sys
from pathlib import Path

_CHECKOUT = str(Path(__file__).resolve().parent.parent)
if _CHECKOUT not in sys.path:
    sys.path.append(_CHECKOUT)

from index.config import Settings, settings  # noqa: E402 - once the checkout is on the path

__all__ = ["Settings", "settings"]
