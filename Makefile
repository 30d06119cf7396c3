# The course's two commands: `make lab` opens the lessons, `make test` runs every test.
# Both create .venv on first use (and refresh it when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: lab test doctor lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "gan-course needs Python 3.10 or newer; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

lab: $(STAMP)
	$(PY) -m gan_course fetch fashion_mnist
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	GAN_COURSE_SMOKE=1 $(PY) -m pytest tests notebooks --nbval-lax --nbval-current-env \
		--nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout=600

doctor: $(STAMP)
	$(PY) -m gan_course doctor

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache notebooks/outputs
