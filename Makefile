# Every target creates .venv itself when it is missing, so each works on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ASSIGNMENT ?= week5_svd

.PHONY: help venv test demo lab release student-kit site bench clean

help:
	@echo "make demo     the instructor's main job on the bundled sample class"
	@echo "make test     the whole test suite"
	@echo "make lab      JupyterLab with the nbgrader extensions"
	@echo "make release  regenerate release/ from source/ with nbgrader"
	@echo "make student-kit  dist/: the student wheel, the release notebooks beside it, and a zip kit"
	@echo "make site     build/site/index.html: the lecture notebooks, executed, as a static HTML site"
	@echo "make bench    performance figures (ratios measured in one run)"

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

test: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest

demo: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m course_utils.grading

# --allow-root: harmless for a normal user, needed in containers run as root.
lab: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --ip=127.0.0.1 --no-browser --allow-root

release: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/nbgrader generate_assignment $(ASSIGNMENT) --force

student-kit: venv
	$(BIN)/python -m course_utils.kit

site: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python site/build.py build/site

bench: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/run.py

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis demo_course screenshots
