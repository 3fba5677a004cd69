"""bot/rasa_patches.py inside the real Rasa (.venv-rasa): the patched paths give what Rasa's own give."""

from __future__ import annotations

import json
import subprocess

import pytest

from index.config import ROOT
from services.processes import QUIET, RASA

pytestmark = pytest.mark.skipif(not RASA.exists(), reason="needs .venv-rasa: run `make setup`")

SCRIPT = r"""
import json, jsonschema
from rasa.shared.core import events as ev
from rasa.shared.utils.common import all_subclasses
original_resolve = ev.Event.resolve_by_type
original_validate = jsonschema.validate
import rasa_patches
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

names = sorted({c.type_name for c in all_subclasses(ev.Event)})
same_classes = all(ev.Event.resolve_by_type(n) is original_resolve(n) for n in names)
try:
    ev.Event.resolve_by_type("no-such-event")
    unknown = "accepted"
except ValueError as e:
    unknown = str(e)

schema = RemoteAction.action_response_format_spec()
errors = []
for instance in ({"events": [], "responses": []}, {"events": "x"}, {"responses": [1]}):
    outcome = []
    for validate in (original_validate, jsonschema.validate):
        try:
            validate(instance, schema)
            outcome.append("valid")
        except jsonschema.ValidationError as e:
            outcome.append(e.message)
    errors.append(outcome)

domain = Domain.load("domain.yml")
tracker = DialogueStateTracker.from_events("s", [
    ev.ActionExecuted("action_listen"), ev.UserUttered("pierwsze", {"name": "greet"}), ev.BotUttered("hej"),
    ev.SlotSet("occupation_code", "243108"), ev.ActionExecuted("action_listen"),
    ev.UserUttered("drugie", {"name": "thank"}), ev.SlotSet("last_question", "drugie")], slots=domain.slots)
call = RemoteAction("action_answer_occupation", EndpointConfig("http://127.0.0.1:9/webhook"))._action_call_format(
    tracker, domain)
print(json.dumps({"same_classes": same_classes, "n": len(names), "unknown": unknown, "errors": errors,
                  "events": [(e["event"], e.get("text") or e.get("name")) for e in call["tracker"]["events"]],
                  "slot": call["tracker"]["slots"]["occupation_code"],
                  "latest": call["tracker"]["latest_message"]["text"], "sender": call["sender_id"]}))
"""


def test_patched_rasa_gives_the_same_results():
    out = subprocess.run([str(RASA.parent / "python"), "-c", SCRIPT], cwd=ROOT / "bot", capture_output=True, text=True,
                         timeout=300, env={**QUIET, "PATH": "/usr/bin:/bin",
                                           "PYTHONPATH": str(ROOT / "bot")}, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["same_classes"] and r["n"] > 20  # every event class found as Rasa finds it
    assert r["unknown"] == "Unknown event name 'no-such-event'."
    assert r["errors"][0] == ["valid", "valid"]
    assert all(a == b and a != "valid" for a, b in r["errors"][1:])  # same errors for bad action results
    # the action server gets the current turn's events only, with the slots and the latest message as before
    assert r["events"] == [["user", "drugie"], ["slot", "last_question"]]
    assert (r["slot"], r["latest"], r["sender"]) == ("243108", "drugie", "s")


SQLITE_SCRIPT = r"""
import asyncio, json, sys
import rasa_patches
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core import events as ev
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

async def main():
    domain = Domain.load("domain.yml")
    store = SQLTrackerStore(domain, dialect="sqlite", db=sys.argv[1])
    tracker = DialogueStateTracker.from_events("s", [ev.ActionExecuted("action_listen"), ev.UserUttered("raz")],
                                               slots=domain.slots)
    await store.save(tracker)
    tracker.update(ev.BotUttered("dwa"))
    await store.save(tracker)  # only the new event is added
    back = await store.retrieve("s")
    with store.engine.connect() as con:
        pragmas = [con.exec_driver_sql(f"pragma {p}").scalar() for p in ("journal_mode", "synchronous")]
    print(json.dumps({"events": [e.type_name for e in back.events], "pragmas": pragmas,
                      "pool": type(store.engine.pool).__name__}))

asyncio.run(main())
"""


@pytest.mark.parametrize("sync, pragmas", [("normal", ["wal", 1]), ("full", ["delete", 2]), (None, ["wal", 1])])
def test_sqlite_tracker_store_pooled_with_the_chosen_durability(tmp_path, sync, pragmas):
    env = {**QUIET, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "bot")}
    if sync:
        env["DORADCA_TRACKER_SYNC"] = sync
    out = subprocess.run([str(RASA.parent / "python"), "-c", SQLITE_SCRIPT, str(tmp_path / "t.db")], cwd=ROOT / "bot",
                         capture_output=True, text=True, timeout=300, env=env, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["events"] == ["action", "user", "bot"]  # saved twice, read back once each
    assert r["pragmas"] == pragmas
    assert r["pool"] == "QueuePool"


def test_unknown_tracker_sync_is_refused_by_name():
    env = {**QUIET, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "bot"), "DORADCA_TRACKER_SYNC": "fast"}
    out = subprocess.run([str(RASA.parent / "python"), "-c", "import rasa_patches"], cwd=ROOT / "bot",
                         capture_output=True, text=True, timeout=300, env=env, check=False)
    assert out.returncode != 0
    assert "DORADCA_TRACKER_SYNC must be one of normal, full, not 'fast'" in out.stderr
