# doradca: `make run` (set up what is missing, then start the assistant) and `make test`.
# Setup steps run only when their inputs changed: each venv when its requirements change, the embedding
# model when missing, the index when its inputs or model changed, the Rasa model when the bot's data changed.

PYTHON ?= python3
PYTHON310 ?= $(shell pyenv root 2>/dev/null)/versions/3.10.13/bin/python3.10
VENV := .venv
BIN := $(VENV)/bin
RASA_BIN := .venv-rasa/bin
MODEL := models/multilingual-e5-small
MODEL_FILE := $(MODEL)/onnx/model_qint8.onnx
RASA_MODEL := build/rasa/doradca.tar.gz
BOT_DATA := $(shell find bot -name '*.yml' -not -path 'bot/tests/*' -not -name office.yml -not -name credentials.yml -not -name endpoints.yml)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Which corpus: DORADCA_CORPUS when set (empty: the built-in data/ only); else ../shared/corpus when it is beside
# the clone; else the corpus/ that `doradca corpus fetch` downloads (setup fetches it; offline, setup goes on with
# the built-in description and says so).
SHARED_CORPUS := $(wildcard $(abspath ../shared/corpus))
ifeq ($(origin DORADCA_CORPUS),undefined)
ifneq ($(SHARED_CORPUS),)
export DORADCA_CORPUS := $(SHARED_CORPUS)
endif
endif

.PHONY: setup services corpus index asks run chat lint test bench bench-bot bench-versions docs-figures clean

$(BIN)/.stamp: pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 needed, got " + sys.version'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

# Rasa 3.6 needs Python 3.10 and pins of its own: a venv of its own.
$(RASA_BIN)/.stamp: constraints-rasa.txt
	test -x $(RASA_BIN)/python || $(PYTHON310) -m venv .venv-rasa
	$(RASA_BIN)/pip install -q --upgrade 'pip<24.1'
	$(RASA_BIN)/pip install -q -c constraints-rasa.txt rasa==3.6.21 prometheus-client python-stdnum  # metrics and redaction of the channels
	touch $@

# The web pages serve the socket.io client; the browser tests use axe-core (both from the npm registry).
web/node_modules/.stamp: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright's own browser download does not work here).
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Debian's nginx for the reverse-proxy test (tests/test_nginx.py starts its own on loopback): the package's own
# service is stopped and disabled, so nothing stays on port 80.
/usr/sbin/nginx:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx
	-(systemctl disable --now nginx || service nginx stop) >/dev/null 2>&1

# PostgreSQL and Redis for the several-servers layout (the scaling test starts its own on loopback).
PG_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb) /usr/lib/postgresql/15/bin/initdb)
services: /usr/bin/redis-server $(PG_INITDB) /usr/sbin/logrotate
/usr/sbin/logrotate:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends logrotate
/usr/bin/redis-server $(PG_INITDB):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server

# the ONNX export is redone when its code changes (another quantisation makes other vectors: the index follows)
$(MODEL_FILE): $(BIN)/.stamp index/onnx_export.py
	$(BIN)/doradca model build --onnx

$(RASA_MODEL): $(RASA_BIN)/.stamp $(BOT_DATA) bot/nlu_components.py
	cd bot && ../$(RASA_BIN)/rasa train --fixed-model-name doradca --out ../build/rasa

setup: $(BIN)/.stamp corpus $(MODEL_FILE) index asks $(RASA_MODEL) web/node_modules/.stamp

corpus: $(BIN)/.stamp
ifeq ($(origin DORADCA_CORPUS),undefined)
	$(BIN)/doradca corpus fetch || echo "doradca: the corpus could not be fetched (see above); going on with what is in corpus/ and the built-in data/. Run 'make corpus' again when online."
else
	@echo "corpus: $(if $(DORADCA_CORPUS),$(DORADCA_CORPUS),built-in data/ only) (DORADCA_CORPUS)"
endif

index: $(BIN)/.stamp $(MODEL_FILE)
	$(BIN)/doradca index build

# what a message asks: retrained when data/asks/ or the embedding model changed (the command checks)
asks: $(BIN)/.stamp $(MODEL_FILE)
	$(BIN)/doradca asks train

run: setup
	$(BIN)/doradca bot run

chat:
	$(BIN)/doradca bot chat

# the linter and the type checker (pyproject.toml says which rules and why); `make test` runs them first
lint: $(BIN)/.stamp
	$(BIN)/ruff check .
	$(BIN)/mypy index actions services web

test: setup lint services /usr/bin/chromium /usr/sbin/nginx
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/redact_bench.py
	$(BIN)/python bench/hostile_bench.py  # starts its own Rasa + action servers on loopback
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/resolve_bench.py
	$(BIN)/python bench/answer_bench.py
	$(BIN)/python bench/translit_bench.py
	$(BIN)/python bench/backend_bench.py
	$(BIN)/python bench/memory_bench.py
	$(BIN)/python bench/asks_bench.py
	$(BIN)/python bench/conversation_bench.py
	$(BIN)/python bench/batch_bench.py
	$(BIN)/python bench/related_bench.py

# the generated tables of docs/*.md (<!-- bench:... --> blocks) rewritten from the last runs' build/bench/*.json
docs-figures: $(BIN)/.stamp
	$(BIN)/python bench/figures.py

REFS ?= HEAD~1
bench-versions: setup  # this checkout against earlier commits, side by side: make bench-versions REFS=460acd2,7ca12c0
	$(BIN)/python bench/versions_bench.py --refs $(REFS)

bench-bot: setup services
	$(BIN)/python bench/bot_bench.py
	$(BIN)/python bench/fault_bench.py

clean:
	rm -rf build results
