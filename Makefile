# Two commands on a fresh machine with Python 3.11 and make:
#   make run    set up, upgrade the database, load the demo, serve on http://127.0.0.1:5000
#   make test   set up and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install lock lint bench bench-submit bench-analysis bench-tokenize bench-console bench-export bench-files clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# requirements.lock pins every package at the versions CI tests with (regenerate with `make lock`)
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

lock: | $(BIN)/activate
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra test --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements.lock pyproject.toml

# make run is a development start: the app keeps a random key in instance/secret_key (made once, mode 0600)
run: export SURVEYAPP_ENV_NAME = development
run: install
	$(BIN)/surveyapp db upgrade
	$(BIN)/surveyapp demo --base-url http://$(HOST):$(PORT)
	$(BIN)/surveyapp run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: bench-submit bench-analysis bench-tokenize bench-console bench-export bench-files

BENCHES := bench-submit bench-analysis bench-tokenize bench-console bench-export bench-files

# A static pattern rule: make skips implicit-rule search for phony targets, so a plain bench-% never ran.
$(BENCHES): bench-%: install
	$(BIN)/python bench/$*.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
