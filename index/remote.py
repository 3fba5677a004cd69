"""One knowledge core for the processes of one assistant: the action server, which loads the searcher anyway, serves
it on a local socket; the web look-up asks it there instead of loading a second copy (~550 MB: the model, the
index, BM25, the resolver; ``bench/bot_bench.py --memory`` measures it).

The socket is in Linux's abstract namespace (no file to clean up after a crash), named after the index folder and
the assistant's shared secret (``DORADCA_ACTIONS_SECRET``), so the servers of one assistant find each other and
two assistants on one machine do not. ``multiprocessing.connection`` authenticates both ends with the secret (HMAC
challenges) before anything is unpickled: a local user without the secret cannot call the core or feed it data.
Without a secret nothing is served, and the web process loads a core of its own (as it does when no action server
answers at its start).

Example::

    serve(searcher, relations)                  # in the action server, once the searcher is loaded
    core = connect()                            # in the web process: a RemoteSearcher, or None
    core.search("co robi piekarz?").to_json()
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from multiprocessing.connection import Client, Connection, Listener
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from .config import settings

if TYPE_CHECKING:
    from .related import Relations
    from .search import Searcher

log = logging.getLogger(__name__)


class CoreUnavailable(RuntimeError):
    """The action server that holds the core does not answer (stopped, or restarting)."""


def address(secret: str, index_dir: str) -> str:
    """The abstract socket of the core of the assistant with this secret over this index folder."""
    return "\0doradca-core-" + hashlib.sha256(f"{secret}\n{index_dir}".encode()).hexdigest()[:32]


def _here() -> tuple[str, bytes] | None:
    """(address, key) from the settings; None without a secret: then nothing is shared."""
    s = settings()
    if not s.actions_secret:
        return None
    return address(s.actions_secret, str(s.index_dir.resolve())), s.actions_secret.encode()


def _calls(s: Searcher, rel: Relations) -> dict[str, Callable[..., Any]]:
    """What the web look-up uses of a searcher (``web/api.py``, ``web/batch.py``): these and nothing else."""
    return {
        "manifest": lambda: s.version.manifest,
        "occupations": lambda: s.occupations,
        "resolve": s.resolve,
        "search": s.search,
        "suggest": s.catalog.suggest,
        "view": s.catalog.view,
        "classify": s.classifier.classify,
        "related": rel.related,
        "compare": rel.compare,
    }


def serve(searcher: Searcher, relations: Relations) -> Listener | None:
    """Serve the core on a daemon thread; None when there is no secret or another process serves it already."""
    here = _here()
    if here is None:
        return None
    try:
        listener = Listener(here[0], family="AF_UNIX", authkey=here[1])
    except OSError as e:  # e.g. a second action server of the same assistant: the first one serves
        log.info("knowledge core not served here (%s)", e)
        return None
    calls = _calls(searcher, relations)
    threading.Thread(target=_accept, args=(listener, calls), name="core-accept", daemon=True).start()
    return listener


def _accept(listener: Listener, calls: dict[str, Callable[..., Any]]) -> None:
    while True:
        try:
            conn = listener.accept()  # the HMAC handshake: a caller without the secret is refused here
        except OSError:  # closed
            return
        except Exception as e:  # noqa: BLE001 - AuthenticationError or a broken handshake: refuse, go on
            log.warning("knowledge core: a connection was refused (%s)", type(e).__name__)
            continue
        threading.Thread(target=_answer, args=(conn, calls), name="core-call", daemon=True).start()


def _answer(conn: Connection, calls: dict[str, Callable[..., Any]]) -> None:
    """Answer one client's calls in turn until it hangs up (a client keeps one connection per thread)."""
    from .search import serving_threads

    # OpenMP's thread count is per thread: without this, each prediction of the resolver's trees started a second
    # OpenMP thread that spun for a core (a look-up took 54 ms of the core instead of 15, and two cores' time)
    serving_threads()
    with conn:
        while True:
            try:
                name, args, kwargs = conn.recv()
            except (EOFError, OSError):
                return
            try:
                reply: tuple[str, Any] = ("ok", calls[name](*args, **kwargs))
            except Exception as e:  # noqa: BLE001 - the caller raises it again (QueryError: the client's 422)
                reply = ("error", (type(e).__name__, str(e)))
            conn.send(reply)


class RemoteCore:
    """Calls into the core of another process; one connection per calling thread (a connection is not shared)."""

    def __init__(self, where: str, key: bytes) -> None:
        self.where, self.key = where, key
        self._local = threading.local()

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """The core's answer; its QueryError/ValueError raised here; one retry on a new connection when the action
        server was restarted since the last call."""
        for attempt in range(2):
            try:
                conn = self._conn()
                conn.send((name, args, kwargs))
                status, value = conn.recv()
                break
            except (OSError, EOFError) as e:
                self._local.conn = None
                if attempt:
                    raise CoreUnavailable(f"the action server's knowledge core does not answer ({e})") from e
        if status == "ok":
            return value
        kind, message = value
        raise _error(kind, message)

    def _conn(self) -> Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = Client(self.where, family="AF_UNIX", authkey=self.key)
        return conn


def _error(kind: str, message: str) -> Exception:
    from .search import QueryError

    return {"QueryError": QueryError, "ValueError": ValueError}.get(kind, RuntimeError)(message)


class _Part:
    """A part of the searcher (``catalog``, ``classifier``) whose methods run in the core."""

    def __init__(self, core: RemoteCore, **methods: str) -> None:
        for attr, call in methods.items():
            setattr(self, attr, lambda *a, _c=call, **kw: core.call(_c, *a, **kw))


class RemoteSearcher:
    """What the web look-up reads of a ``Searcher`` (see ``_calls``), answered by the action server's core."""

    def __init__(self, core: RemoteCore) -> None:
        self.core = core
        self.occupations: dict[str, dict] = core.call("occupations")  # ~3 MB: the API checks every code it gets
        self.catalog = _Part(core, suggest="suggest", view="view")
        self.classifier = _Part(core, classify="classify")

    @property
    def version(self) -> SimpleNamespace:
        return SimpleNamespace(manifest=self.core.call("manifest"))  # the core's current one

    def resolve(self, text: str, k: int = 5) -> Any:
        return self.core.call("resolve", text, k)

    def search(self, question: str, occupation: str | None = None, section: str | None = None, k: int = 10,
               resolve: bool = True) -> Any:
        return self.core.call("search", question, occupation=occupation, section=section, k=k, resolve=resolve)


class RemoteRelations:
    """``Relations.related`` and ``compare``, answered by the core."""

    def __init__(self, searcher: RemoteSearcher) -> None:
        self.s = searcher

    def related(self, code: str, k: int = 8) -> Any:
        return self.s.core.call("related", code, k)

    def compare(self, a: str, b: str) -> Any:
        return self.s.core.call("compare", a, b)


def connect() -> RemoteSearcher | None:
    """The core of this assistant's action server, or None when none answers (no secret, not started yet)."""
    here = _here()
    if here is None:
        return None
    core = RemoteCore(*here)
    try:
        return RemoteSearcher(core)
    except (CoreUnavailable, OSError, EOFError) as e:
        log.info("no knowledge core to share (%s): loading one", e)
        return None
    except Exception as e:  # noqa: BLE001 - AuthenticationError: someone else's socket
        log.warning("knowledge core refused this process (%s): loading one", type(e).__name__)
        return None
