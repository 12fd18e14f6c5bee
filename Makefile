# Developer shortcuts; the virtual environment is .venv (see README).
PY ?= .venv/bin/python

.PHONY: check lint test bench screenshots score

check: lint test

lint:
	$(PY) -m ruff check faultline_tui tests scripts
	$(PY) -m faultline_tui playbooks check

test:
	$(PY) -m pytest

bench:
	$(PY) scripts/bench_engine.py --mb 1024

screenshots:
	$(PY) scripts/screenshots.py

score:
	PATH=$(dir $(PY)):$$PATH python3 ../shared/tools/score.py fixtures ../shared/corpus/fixtures
	PATH=$(dir $(PY)):$$PATH python3 ../shared/tools/score.py logchunks ../shared/corpus/logchunks
