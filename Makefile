# The course's two commands: `make lab` opens the lessons, `make test` runs every test.
# Both create .venv on first use (and refresh it when pyproject.toml changes).
# `make book` renders the executed lessons into a static site, _build/book/ (nothing is re-run, nothing
# is fetched at build or view time); `make book-check` opens every page in headless Chromium and fails
# on console errors, images that did not load, unrendered maths and broken internal links.
# `make lab-check` runs lessons 03, 04 and 07 in JupyterLab (smoke mode) in headless Chromium, moves a slider
# or clicks "Train" on each widget panel and fails unless a new figure appears without an error (4-6 min).
# `make profile-check` runs every lesson in smoke mode under the gpu profile (GAN_COURSE_PROFILE=gpu): the code a
# GPU's budgets take, checked on any machine; not part of `make test`.
# `make colab-links REPO=owner/name REF=tag` points every Colab badge, Setup cell and pyproject.toml's
# URL at that repository and git tag (the values live in gan_course/config.py; tools/colab_links.py).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BOOK_STAMP := $(VENV)/.installed-book
LAB_CHECK_STAMP := $(VENV)/.installed-lab-check

.PHONY: lab test test-fast profile-check doctor lint clean book book-check lab-check colab-links

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
		--nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout=600 -n 2 --dist loadfile --durations=20

# day-to-day: the unit tests without those marked slow (no linter, no lessons), in two processes (two thirds of
# the time of one on 2 cores); `make test` runs everything
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" tests -n 2

profile-check: $(STAMP)
	GAN_COURSE_SMOKE=1 GAN_COURSE_PROFILE=gpu $(PY) -m pytest notebooks --nbval-lax --nbval-current-env \
		--nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout=600 -n 2 --dist loadfile

$(BOOK_STAMP): $(STAMP) pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "make book needs Python 3.11 or newer (Sphinx 9); run: make PYTHON=python3.11 clean book")'
	$(PY) -m pip install --quiet -e ".[book]"
	@touch $@

book: $(BOOK_STAMP)
	$(PY) tools/build_book.py

book-check: book
	$(PY) tools/book_check.py

$(LAB_CHECK_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[lab-check]"
	@touch $@

lab-check: $(LAB_CHECK_STAMP)
	$(PY) tools/lab_check.py

colab-links:
	$(PYTHON) tools/colab_links.py -- '$(REPO)' '$(REF)'

doctor: $(STAMP)
	$(PY) -m gan_course doctor

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache notebooks/outputs
