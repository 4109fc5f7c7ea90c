# The two commands: `make run` (app on the default corpus) and `make test`.
PY      := .venv/bin/python
STAMP   := .venv/.installed
HOST    ?= 127.0.0.1
PORT    ?= 7860

.PHONY: run test eval bench build ingest browser clean

$(STAMP): requirements.txt requirements-nodeps.txt
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m retrieval build --corpus corpus --index index
	$(PY) app.py --host $(HOST) --port $(PORT) --corpus corpus --index index

build: $(STAMP)
	$(PY) -m retrieval build --corpus corpus --index index

ingest: $(STAMP)
	$(PY) -m retrieval ingest --corpus corpus

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser),
# and a CJK font so that the screenshots under tests/artifacts/ are readable (optional).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  (sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null); }
	@test -n "$$(fc-list :lang=zh 2>/dev/null)" || apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || \
	  sudo apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || echo "no CJK font: screenshots will show boxes"

test: $(STAMP) browser
	$(PY) -m pytest -q -m "not slow" tests

# Slow evaluations (seed gold set, CMRC 2018 dev, DRCD dev) and benchmarks: own commands.
eval: $(STAMP)
	$(PY) -m retrieval eval --suite all

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf index/.tmp-* tests/artifacts
