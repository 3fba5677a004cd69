"""Keep the assistant's servers running: restart one that exits or stops answering, with backoff; give up, and say
so, when one keeps failing. Used by `doradca bot run`.

Example::

    supervisor = Supervisor(bot, Policy(), log=print)
    supervisor.run(stop_event)      # returns when stop_event is set; raises GaveUp on repeated crashes
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from prometheus_client import Counter

from .processes import Assistant, StartError

RESTARTS = Counter("doradca_process_restarts", "Servers restarted by the supervisor (exited or stopped answering)",
                   ["process"])


class GaveUp(RuntimeError):
    """A server failed more often than the policy allows; the message names it."""


@dataclass(frozen=True)
class Policy:
    interval: float = 5.0  # seconds between health checks
    failures: int = 2  # failed checks in a row before a restart (one slow answer is not a crash)
    check_timeout: float = 10.0
    backoff: float = 2.0  # seconds before the first restart, doubled per restart in the window, at most max_backoff
    max_backoff: float = 60.0
    max_restarts: int = 5  # restarts of one server within `window` seconds before giving up
    window: float = 600.0

    def __post_init__(self) -> None:
        if self.interval <= 0 or self.failures < 1 or self.max_restarts < 1 or self.window <= 0:
            raise ValueError("interval and window must be > 0, failures and max_restarts >= 1")


@dataclass
class Supervisor:
    bot: Assistant
    policy: Policy = field(default_factory=Policy)
    log: Callable[[str], None] = print
    restarts: dict[str, list[float]] = field(default_factory=dict)  # server -> times of its restarts
    _failed: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def step(self) -> None:
        """Check every server once; restart those that exited or failed ``failures`` checks in a row."""
        for name in list(self.bot.procs):
            proc = self.bot.procs[name]
            if proc.poll() is not None:
                self._restart(name, f"exited with code {proc.returncode}")
            elif self.bot.healthy(name, self.policy.check_timeout):
                self._failed[name] = 0
            else:
                self._failed[name] = self._failed.get(name, 0) + 1
                if self._failed[name] >= self.policy.failures:
                    self._restart(name, f"did not answer {self._failed[name]} health checks in a row")

    def run(self, stop: threading.Event) -> None:
        self._stop = stop
        while not stop.wait(self.policy.interval):
            self.step()

    def _restart(self, name: str, why: str) -> None:
        now = time.monotonic()
        recent = [t for t in self.restarts.get(name, []) if now - t < self.policy.window]
        if len(recent) >= self.policy.max_restarts:
            raise GaveUp(f"{name} server {why}; it was restarted {len(recent)} times in the last "
                         f"{self.policy.window:.0f} s, so it is not restarted again: see {self.bot.log_dir}")
        delay = min(self.policy.max_backoff, self.policy.backoff * 2 ** len(recent))
        self.log(f"{name} server {why}: restarting it in {delay:.0f} s (restart {len(recent) + 1} of at most "
                 f"{self.policy.max_restarts} in {self.policy.window:.0f} s)")
        if self._stop.wait(delay):  # stopping meanwhile: no restart
            return
        self.restarts[name] = [*recent, time.monotonic()]
        RESTARTS.labels(name).inc()
        self._failed[name] = 0
        try:
            self.bot.restart(name)
        except StartError as e:  # counted; the next step tries again (or gives up)
            if name not in self.bot.procs:  # it could not even be started: nothing to watch
                raise GaveUp(f"{name} server could not be started again: {e}") from e
            self.log(f"{name} server did not come back: {e}")
            return
        self.log(f"{name} server restarted and answering")
