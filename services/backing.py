"""PostgreSQL and Redis from the Debian packages, started on 127.0.0.1 in a directory of their own.

Several Rasa servers share conversations through PostgreSQL (the tracker store) and take turns on a
conversation through Redis (the lock store). Used by the scaling test and benchmark; stopped by PID,
directory removed. As root, PostgreSQL runs as the ``postgres`` user (it refuses to run as root).

Example::

    with Postgres(port=15432) as pg, Redis(port=16379) as redis:
        env = {**pg.env(), **redis.env()}   # for bot/endpoints-scaled.yml
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Self

from services.processes import StartError

INSTALL = "run `make services` (installs the Debian packages postgresql and redis-server)"


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise StartError(f"PostgreSQL's {name} not found: {INSTALL}")
    return found[-1]


@dataclass
class _Server:
    port: int
    proc: subprocess.Popen | None = None
    dir: Path | None = None
    STOP_SIGNAL: ClassVar[int] = signal.SIGTERM

    def start(self) -> Self:
        raise NotImplementedError

    def restart(self, timeout: float = 60) -> None:
        """Stop the server as its stop signal does (open connections are cut; Redis loses its locks, as in a
        crash) and start it again on the same port and data."""
        if self.proc is None or self.dir is None:
            raise StartError("not started")
        os.kill(self.proc.pid, self.STOP_SIGNAL)
        self.proc.wait(30)
        self._serve(timeout)

    def _serve(self, timeout: float) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, self.STOP_SIGNAL)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.proc = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def _wait_port(self, name: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise StartError(f"{name} exited with code {self.proc.returncode}; log in {self.dir}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise StartError(f"{name} not listening on 127.0.0.1:{self.port} after {timeout:.0f} s")

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Postgres(_Server):
    """A throw-away PostgreSQL cluster with one database and a password-protected user."""

    STOP_SIGNAL: ClassVar[int] = signal.SIGINT  # PostgreSQL's "fast" shutdown
    user: str = "doradca"
    password: str = "doradca-test-password"
    database: str = "doradca"
    run_as: str | None = field(default_factory=lambda: "postgres" if os.geteuid() == 0 else None)

    def start(self, timeout: float = 60) -> Self:
        self.dir = Path(tempfile.mkdtemp(prefix="doradca-pg-"))
        (self.dir / "pw").write_text(self.password)
        if self.run_as:
            owner = pwd.getpwnam(self.run_as)
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            os.chown(self.dir / "pw", owner.pw_uid, owner.pw_gid)
        self._run([pg_bin("initdb"), "-D", str(self.dir / "data"), "-U", self.user, "--pwfile", str(self.dir / "pw"),
                   "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"])
        self._serve(timeout)
        self._run([pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, self.database],
                  env={"PGPASSWORD": self.password})
        return self

    def _serve(self, timeout: float) -> None:
        assert self.dir is not None
        log = (self.dir / "postgres.log").open("ab")
        self.proc = subprocess.Popen(
            [pg_bin("postgres"), "-D", str(self.dir / "data"), "-h", "127.0.0.1", "-p", str(self.port), "-k",
             str(self.dir)], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, user=self.run_as,
            start_new_session=True)
        self._wait_port("PostgreSQL", timeout)
        self._ready(timeout)

    def _ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while subprocess.run([pg_bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                             check=False).returncode:
            if time.monotonic() > deadline:
                raise StartError(f"PostgreSQL not ready after {timeout:.0f} s; log in {self.dir}")
            time.sleep(0.2)

    def _run(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        out = subprocess.run(cmd, capture_output=True, text=True, user=self.run_as, cwd=self.dir,
                             env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", **(env or {})}, check=False)
        if out.returncode:
            raise StartError(f"{Path(cmd[0]).name} failed: {out.stderr.strip()[-1000:]}")

    def env(self) -> dict[str, str]:
        return {"DORADCA_DB_HOST": "127.0.0.1", "DORADCA_DB_PORT": str(self.port), "DORADCA_DB_NAME": self.database,
                "DORADCA_DB_USER": self.user, "DORADCA_DB_PASSWORD": self.password}



@dataclass
class Redis(_Server):
    """A Redis server that keeps nothing on disk (locks only live while a message is handled)."""

    def start(self, timeout: float = 30) -> Self:
        self.dir = Path(tempfile.mkdtemp(prefix="doradca-redis-"))
        self._serve(timeout)
        return self

    def _serve(self, timeout: float) -> None:
        assert self.dir is not None
        exe = shutil.which("redis-server")
        if exe is None:
            raise StartError(f"redis-server not found: {INSTALL}")
        log = (self.dir / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            [exe, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--protected-mode", "yes"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self._wait_port("Redis", timeout)

    def command(self, *args: str) -> str:
        """Run one command with redis-cli (installed with redis-server)."""
        out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), *args],
                             capture_output=True, text=True, timeout=10, check=False)
        return out.stdout

    def env(self) -> dict[str, str]:
        return {"DORADCA_REDIS_HOST": "127.0.0.1", "DORADCA_REDIS_PORT": str(self.port)}
