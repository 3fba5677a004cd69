"""The serving side's settings are the project's one settings module, ``index.config`` (every ``DORADCA_*``
variable, its default and meaning); these names stay for the launcher, the CLI and the web process.

Example::

    s = serving()
    s.rasa_port, s.origins()        # 5005, ['http://127.0.0.1:8000', 'http://localhost:8000']
"""

from __future__ import annotations

from index.config import Settings as ServingSettings
from index.config import settings as serving

__all__ = ["ServingSettings", "serving"]
