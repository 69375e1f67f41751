# Kokeilu: `make run` serves the demo site, `make test` runs the whole suite.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell scripts/find-python)
STAMP := $(VENV)/.installed

.PHONY: run install test lint check demo clean messages

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	@echo "Kokeilu is at http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Reinstalls only when pyproject.toml changed since the last install.
install: $(STAMP)
$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { scripts/find-python >/dev/null; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@mkdir -p var
	@touch $(STAMP)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# mypy finds site/ under its import name `portal` through this link (see pyproject.toml)
	@mkdir -p var/mypy && ln -sfn ../../site var/mypy/portal
	$(VENV)/bin/mypy

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

demo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo

# Extracts the interface's messages into locale/{fi,sv} and compiles them (needs GNU gettext).
MESSAGE_IGNORES := --ignore=.venv --ignore=var --ignore=locale --ignore=static_collected \
	--ignore=tests --ignore='*/tests/*' --ignore=bench --ignore=node_modules
messages: install
	$(PY) manage.py makemessages -l fi -l sv --no-obsolete $(MESSAGE_IGNORES)
	$(PY) manage.py compilemessages -l fi -l sv --ignore=.venv

clean:
	rm -rf $(VENV) var static_collected
