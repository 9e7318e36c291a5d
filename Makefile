# newslake: `make run` and `make test` do all the set-up themselves (python3 >= 3.11 and make only).
PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
LAKE    ?= lake
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: setup compile run test bench clean-lake distclean models-junk

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "python >= 3.11 needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

# the project's own bytecode (pip compiles only site-packages; PYTHONDONTWRITEBYTECODE would leave every
# process compiling flows/ and tasks/ again), refreshed for changed files only
compile: setup
	$(BIN)/python -m compileall -q flows tasks

run: compile
	$(BIN)/newslake run --lake $(LAKE)

test: setup
	$(BIN)/python -m pytest -q

bench: compile
	$(BIN)/python bench/throughput.py

# the clean stage's line/block classifier, trained on ../shared/data/junk_* (deterministic; ~10 min on 2 cores)
models-junk: setup
	PYTHONPATH=$(CURDIR) $(BIN)/python training/junk/train.py --data ../shared/data --out models/junk

clean-lake:
	rm -rf $(LAKE)

distclean: clean-lake
	rm -rf $(VENV) *.egg-info
