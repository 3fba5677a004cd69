# doradca: `make run` (setup when needed, then the main job) and `make test`.
# Setup steps run only when their inputs changed: the venv when pyproject.toml or
# constraints.txt change, the model when missing, the index when its inputs or model changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MODEL := models/multilingual-e5-small
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup index run test bench clean

$(BIN)/.stamp: pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 needed, got " + sys.version'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

$(MODEL)/modules.json: $(BIN)/.stamp
	$(BIN)/doradca model build

setup: $(BIN)/.stamp $(MODEL)/modules.json index

index: $(BIN)/.stamp $(MODEL)/modules.json
	$(BIN)/doradca index build

run: setup
	$(BIN)/doradca repl

test: setup
	$(BIN)/python -m pytest -q

# Benchmarks and full-corpus runs use the shared corpus when it is beside the clone.
bench: export DORADCA_CORPUS ?= $(abspath ../shared/corpus)
bench: setup
	$(BIN)/python bench/search_bench.py

clean:
	rm -rf build results
