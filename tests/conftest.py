"""Shared fixtures: the real embedding model, a small index over data/, the full index when the corpus is there."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from index.config import BOT_RUN_METRICS, ROOT, Settings
from index.config import settings as read_settings
from index.embedder import Embedder, MissingModel

# The suite runs the same whatever the user exported: DORADCA_* settings are cleared for this process and every
# server it starts, except DORADCA_CORPUS (which corpus the full-corpus tests read; `make test` and CI set it).
for _name in [n for n in os.environ if n.startswith("DORADCA_") and n != "DORADCA_CORPUS"]:
    del os.environ[_name]
# The Prometheus exporters are off unless a test gives them a port (free_port()): under `doradca bot run` they would
# take 9101-9103, which a running `make run` holds.
os.environ.update({f"DORADCA_{server.upper()}_METRICS_PORT": "0" for server in BOT_RUN_METRICS})


_GIVEN: set[int] = set()


def free_port() -> int:
    """A loopback port nothing listens on now, so that two checkouts (or a running `make run`) do not collide.
    Never the same port twice in one session: a port handed out at import time (a module's constant) is not bound
    until its server starts, and the kernel would offer it again meanwhile (seen in CI: the action server took
    the web page's port)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port not in _GIVEN:
            _GIVEN.add(port)
            return port


CORPUS = read_settings().corpus_paths()  # the corpus in use: DORADCA_CORPUS, else a fetched corpus/
HAVE_CORPUS = bool(CORPUS) and all(p.is_dir() and any(p.iterdir()) for p in CORPUS)
NO_CORPUS = "needs the full corpus: set DORADCA_CORPUS=../shared/corpus (CI and make do) or run `doradca corpus fetch`"
needs_corpus = pytest.mark.skipif(not HAVE_CORPUS, reason=NO_CORPUS)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return read_settings()


@pytest.fixture(scope="session")
def embedder(settings: Settings) -> Embedder:
    try:
        return Embedder(settings.model, backend=settings.embedding_backend)
    except MissingModel as e:
        pytest.fail(f"{e} (make test does this first)")


@pytest.fixture(scope="session")
def data_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """An index over the built-in data/ only, in a temporary folder."""
    from index.store import build

    index_dir = tmp_path_factory.mktemp("index")
    build([ROOT / "data"], index_dir, embedder.name, progress=False, embedder=embedder)
    return index_dir


@pytest.fixture(scope="session")
def full_searcher(settings: Settings, embedder: Embedder):
    """The project's index over data/ and DORADCA_CORPUS (built by `make test` before pytest)."""
    if not HAVE_CORPUS:
        pytest.skip(NO_CORPUS)
    from index.search import Searcher
    from index.store import open_index

    version = open_index(settings.index_dir, settings.model)
    if version.manifest["occupation_count"] < 2000:
        pytest.fail("the index does not hold the full corpus: run `doradca index build` with DORADCA_CORPUS set")
    return Searcher(version, embedder)


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


@pytest.fixture()
def data_searcher(data_index: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch):
    """The actions' searcher over data/ alone."""
    from actions import runtime
    from index.search import Searcher
    from index.store import open_index

    s = Searcher(open_index(data_index, embedder.name), embedder)
    monkeypatch.setattr(runtime, "_searcher", s)
    return s


@pytest.fixture()
def corpus_searcher(full_searcher, monkeypatch: pytest.MonkeyPatch):
    """The actions' searcher over the full corpus."""
    from actions import runtime

    monkeypatch.setattr(runtime, "_searcher", full_searcher)
    return full_searcher


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (its own browser download does not work here); one per
    module: Playwright's sync API keeps an event loop running, which later tests' asyncio.run() cannot share."""
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        yield b
        b.close()
