# newslake: `make run` and `make test` do all the set-up themselves (python3 >= 3.11 and make only).
PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
LAKE    ?= lake
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: setup compile run test bench models models-en models-junk clean-lake distclean

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

# every model the pipeline loads, rebuilt from open data; not part of run/test
models: models-en models-junk

# the English NLP pipeline models/en (issue 15), rebuilt from the treebanks; not part of run/test.
# TREEBANKS is read, never copied; the .spacy corpora and the training output go to git-ignored dirs.
# Two trainings: tagger/morphologizer/lemmatizer/parser on a shared tok2vec, and the NER with its own.
TREEBANKS ?= ../shared/data/treebanks
EN_CORPUS := training/en/corpus
EN_OUT    := training/en/out
models-en: setup
	rm -rf $(EN_CORPUS) $(EN_OUT) $(EN_OUT)-ner $(EN_OUT)-assembled
	$(BIN)/python training/en/convert.py --treebanks $(TREEBANKS) --out $(EN_CORPUS)
	OMP_NUM_THREADS=1 $(BIN)/python -m spacy train training/en/config.cfg --output $(EN_OUT) --gpu-id -1 \
		--paths.train $(EN_CORPUS)/train.spacy --paths.dev $(EN_CORPUS)/dev.spacy
	OMP_NUM_THREADS=1 $(BIN)/python -m spacy train training/en/config-ner.cfg --output $(EN_OUT)-ner --gpu-id -1 \
		--paths.train $(EN_CORPUS)/train-ner.spacy --paths.dev $(EN_CORPUS)/dev-ner.spacy
	$(BIN)/python training/en/assemble.py $(EN_OUT)/model-best $(EN_OUT)-ner/model-best $(EN_OUT)-assembled
	$(BIN)/python training/en/publish.py $(EN_OUT)-assembled models/en
	OMP_NUM_THREADS=1 $(BIN)/python training/en/evaluate.py models/en --corpus $(EN_CORPUS) \
		--news $(TREEBANKS)/../throughput/inputs --out $(EN_OUT)/scores.json

# the clean stage's line/block classifier, trained on ../shared/data/junk_* (deterministic; ~10 min on 2 cores)
models-junk: setup
	PYTHONPATH=$(CURDIR) $(BIN)/python training/junk/train.py --data ../shared/data --out models/junk

clean-lake:
	rm -rf $(LAKE)

distclean: clean-lake
	rm -rf $(VENV) *.egg-info
