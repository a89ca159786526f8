# Placemap: `make run` sets up and starts the dashboard; `make test` sets up and runs every test.
# Both build the geography store first if it is missing or stale (offline: set PLACEMAP_MIRROR).
VENV := .venv
BIN := $(VENV)/bin
STORE := $(or $(PLACEMAP_STORE),geodata/store)
PORT ?= 8501

.PHONY: run test store chromium postgresql bench assets

$(VENV)/installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Leaflet served locally and axe-core for the browser tests (pinned by sha256), so maps draw offline.
assets: $(VENV)/installed
	@test -f static/leaflet/leaflet.js -a -f .cache/axe-core/axe.min.js || $(BIN)/python -m ui.assets

# Built when missing or unreadable (e.g. made by an older Placemap).
store: $(VENV)/installed
	@$(BIN)/placemap data check >/dev/null 2>&1 || $(BIN)/placemap data build

run: store assets
	$(BIN)/python -m ui.serve $(PORT)

# Browser tests drive Debian's chromium; never a downloaded browser.
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

# The drafts tests start their own PostgreSQL cluster (127.0.0.1, a temp dir) from Debian's
# binaries; the package's own cluster, if it starts, listens on localhost only.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

# The store the tests read is built first, from the mirror, by the code under test; then three
# pytest-xdist workers run every test but those bounded in time, which run after them, alone.
TEST_STORE := .cache/test-store
test: $(VENV)/installed chromium postgresql assets
	$(BIN)/ruff check .
	$(BIN)/placemap data build --store $(TEST_STORE)
	PLACEMAP_TEST_STORE=$(TEST_STORE) $(BIN)/pytest -q -ra -n 3 --dist loadfile -m "not alone"
	PLACEMAP_TEST_STORE=$(TEST_STORE) $(BIN)/pytest -q -ra -m alone tests/browser

bench: store assets chromium postgresql
	for bench in benchmarks/bench_*.py; do $(BIN)/python $$bench || exit 1; done
