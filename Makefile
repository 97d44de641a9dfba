# Two commands on a fresh machine with only Python:
#   make demo   installs what is needed and runs the hedmark scenario
#   make test   installs what is needed and runs the tests
# For a class (docs/teaching.md): make teach installs JupyterLab and the page's browser files.
# For development, make test-fast runs all but the slow and browser tests (under 30 s).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: install demo test test-fast lint clean app teach

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip uninstall -q -y simulation 2>/dev/null || true  # the distribution's old name
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

demo: install
	$(BIN)/imcsim run hedmark --seed 1 --force  # rerunnable: replaces results/hedmark-seed1

test: install
	$(BIN)/ruff check .
	$(BIN)/python docs/make_tables.py --check
	$(BIN)/python -m pytest -q -n 2  # two workers: the suite in about half the time on CI's 2 cores

# The development tier: no tests marked slow (over about 0.5 s each) or browser; CI runs them all.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser"

# The interactive page (imcsim app); caches Solara's browser assets from npm first (offline-safe).
# The browser test installs Debian's chromium and these assets itself (scripts/install_*.sh).
app: install
	bash scripts/install_app_assets.sh $(BIN)/python
	$(BIN)/imcsim app two_hubs

# A teacher's install: the virtualenv plus JupyterLab (extra "teach") and Solara's browser files, so
# both the notebooks (.venv/bin/jupyter lab notebooks/) and the page (.venv/bin/imcsim app) work offline.
teach: install
	$(BIN)/python -m pip install -q -e ".[teach]"
	bash scripts/install_app_assets.sh $(BIN)/python
	@echo "ready: $(BIN)/jupyter lab notebooks/   and   $(BIN)/imcsim app two_hubs"

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) results/*/ .pytest_cache
