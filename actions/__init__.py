"""The rasa-sdk action server of doradca: thin actions over the ``index`` search.

Started with ``python -m rasa_sdk --actions actions`` (see ``services``). Importing
the package checks that the index exists, so a server without one refuses to start
with the command that builds it; the model and index are loaded lazily in the worker.
"""

from .runtime import check_index_or_exit

check_index_or_exit()
