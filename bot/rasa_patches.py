"""Speed-ups for the Rasa server, loaded with the project's channels.

1. Rasa validates every action server response with ``jsonschema.validate``, which re-checks
   the (constant) schema against its meta-schema on each call: about 12 % of the server's time
   under load (py-spy). Here ``jsonschema.validate`` keeps one checked validator per schema;
   the validation of the response itself is unchanged (same errors, raised the same way).
2. Loading a conversation from the tracker store looks up each stored event's class by walking
   all subclasses of ``Event`` (13 % of the server's time in a 100-turn conversation, py-spy).
   Here the lookup is a table built once (rebuilt if an unknown name appears); same result.
3. Rasa sends a conversation's whole event list to the action server with every action call, so
   the call grows with the conversation (at 100 turns ~30 % of the action server's time went to
   parsing it). The project's actions read only the slots and the latest message, which are sent
   as before; the event list is cut to the current turn (from the latest user message on).
4. A correctness fix, not a speed-up: Rasa's Redis lock store changes a conversation's lock with a
   read, then a write. Two Rasa servers taking a ticket at the same moment can both read the same
   lock and both think they hold it, and a server cleaning up can delete a ticket another one has
   just taken (seen in the scaling test: turns of one conversation processed at the same time,
   a second session started). Here each change is one Redis transaction (WATCH/MULTI/EXEC, retried
   on conflict).
5. A correctness fix: after PostgreSQL restarts, the SQL tracker store's pooled connections are dead; the next
   read fails, Rasa's fail-safe wrapper logs it and hands out an empty tracker, and the conversation loses its
   context (seen in the scaling test). Here the engine tests a pooled connection before use and reconnects
   (SQLAlchemy's ``pool_pre_ping``: one round trip per checkout).
6. The SQLite tracker store (the default) opened a new connection for every read and write (SQLAlchemy 1.4's
   NullPool for files) and waited for the disk (fsync) at every commit, with the server's event loop blocked
   meanwhile: ~10 % of its samples under load (py-spy). Here connections are pooled, and with
   ``DORADCA_TRACKER_SYNC=normal`` (the default) the file is in write-ahead-log mode with ``synchronous=NORMAL``:
   a commit appends to the log, which reaches the disk at checkpoints. A crashed server loses nothing; a power
   failure may lose the last turns before a checkpoint. ``full`` keeps SQLite's defaults (a journal, fsync at
   every commit).
"""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from typing import Any

import jsonschema
import sqlalchemy as sa
from jsonschema.exceptions import best_match
from project_settings import settings
from rasa.core import tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.shared.core import events as rasa_events
from rasa.shared.core.trackers import EventVerbosity
from rasa.shared.utils.common import all_subclasses

_original_validate = jsonschema.validate


@lru_cache(maxsize=64)
def _validator(schema_json: str) -> Any:
    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate(instance: Any, schema: dict, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    if cls is not None or args or kwargs:
        return _original_validate(instance, schema, cls, *args, **kwargs)
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        return _original_validate(instance, schema)
    error = best_match(_validator(key).iter_errors(instance))
    if error is not None:
        raise error
    return None


jsonschema.validate = validate


_original_resolve = rasa_events.Event.resolve_by_type
_event_classes: dict[str, type] = {}


def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
    cls = _event_classes.get(type_name)
    if cls is None:  # first call, or a class imported since: rebuild, first subclass wins as in Rasa
        _event_classes.clear()
        for sub in all_subclasses(rasa_events.Event):
            _event_classes.setdefault(sub.type_name, sub)
        cls = _event_classes.get(type_name)
    return cls if cls is not None else _original_resolve(type_name, default)


rasa_events.Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]


_original_call_format = RemoteAction._action_call_format


def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> dict:
    return _original_call_format(self, _TurnOnly(tracker), domain)


class _TurnOnly:
    """A tracker whose ``current_state`` carries only the current turn's events; the rest is the tracker's."""

    def __init__(self, tracker: Any) -> None:
        self._tracker = tracker

    def current_state(self, verbosity: EventVerbosity = EventVerbosity.NONE) -> dict:
        state = self._tracker.current_state(EventVerbosity.NONE)
        turn: list = []
        for event in reversed(self._tracker.events):
            turn.append(event)
            if isinstance(event, rasa_events.UserUttered):
                break
        state["events"] = [e.as_dict() for e in reversed(turn)]
        return state

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)


RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]


def _change_lock(store: RedisLockStore, conversation_id: str, change: Any) -> Any:
    """Apply ``change(lock or None) -> (lock to save or None to delete, result)`` as one transaction."""
    key = store.key_prefix + conversation_id

    def transaction(pipe: Any) -> Any:
        raw = pipe.get(key)
        new, result = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
        pipe.multi()
        if new is None:
            pipe.delete(key)
        else:
            pipe.set(key, new.dumps())
        return result

    return store.red.transaction(transaction, key, value_from_callable=True)


def issue_ticket(self: RedisLockStore, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
    def take(lock: TicketLock | None) -> tuple[TicketLock, int]:
        lock = lock or TicketLock(conversation_id)
        return lock, lock.issue_ticket(lock_lifetime)

    try:
        return _change_lock(self, conversation_id, take)
    except Exception as e:  # as Rasa's own: the caller expects a LockError
        raise LockError(f"Error while acquiring lock. Error:\n{e}") from e


def update_lock(self: RedisLockStore, conversation_id: str) -> None:
    def expire(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
        if lock is not None:
            lock.remove_expired_tickets()
        return lock, None

    _change_lock(self, conversation_id, expire)


def cleanup(self: RedisLockStore, conversation_id: str, ticket_number: int) -> None:
    def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
        if lock is None:
            return None, None
        lock.remove_ticket_for(ticket_number)
        return (lock if lock.is_someone_waiting() else None), None

    _change_lock(self, conversation_id, finish)


RedisLockStore.issue_ticket = issue_ticket  # type: ignore[method-assign]
RedisLockStore.update_lock = update_lock  # type: ignore[method-assign]
RedisLockStore.cleanup = cleanup  # type: ignore[method-assign]


_original_engine_kwargs = tracker_store.create_engine_kwargs


def create_engine_kwargs(url: Any) -> dict:
    if sa.engine.make_url(url).get_backend_name() == "sqlite":
        # one thread (the event loop) uses the store; a pooled connection is only ever checked out by one caller
        return {"poolclass": sa.pool.QueuePool, "connect_args": {"check_same_thread": False}}
    return {**_original_engine_kwargs(url), "pool_pre_ping": True}


SQLITE_SYNC = {"normal": ("wal", "normal"), "full": ("delete", "full")}  # journal mode, synchronous
_sync = settings().tracker_sync  # one of SQLITE_SYNC's keys: the settings refuse others by name


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_sync(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        journal, synchronous = SQLITE_SYNC[_sync]
        dbapi_connection.execute(f"pragma journal_mode={journal}")  # stored in the file; cheap when unchanged
        dbapi_connection.execute(f"pragma synchronous={synchronous}")


tracker_store.create_engine_kwargs = create_engine_kwargs  # looked up at call time by SQLTrackerStore.__init__
