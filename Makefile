# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
CHROMIUM_PATH ?= /usr/bin/chromium
REDIS_SERVER ?= redis-server
export CHROMIUM_PATH REDIS_SERVER

.PHONY: run test serve bench soak lint setup chromium redis clean lock

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip>=24"
	$(PY) -m pip install -q -c constraints.txt -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

chromium:
	@if [ -x "$(CHROMIUM_PATH)" ]; then echo "chromium: $(CHROMIUM_PATH)"; \
	else \
	  echo "installing Debian's chromium (needed by the browser tests)"; \
	  SUDO=""; [ "$$(id -u)" = "0" ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

# Debian's redis-server: the shared-cache tests start their own instance (never a system service).
redis:
	@if command -v $(REDIS_SERVER) >/dev/null 2>&1; then echo "redis-server: $$(command -v $(REDIS_SERVER))"; \
	else \
	  echo "installing Debian's redis-server (needed by the shared-cache tests)"; \
	  SUDO=""; [ "$$(id -u)" = "0" ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server; \
	fi

run: $(STAMP)
	$(PY) -m dashboard serve

serve: $(STAMP)
	$(VENV)/bin/gunicorn -c gunicorn.conf.py dashboard.wsgi:server

# Every speed figure side by side with its target; writes bench/results.json (not part of `make test`).
bench: $(STAMP) chromium
	$(PY) scripts/bench.py

# 10 minutes of mixed traffic against gunicorn: errors and memory growth (not part of `make test`).
soak: $(STAMP)
	$(PY) scripts/soak.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) chromium redis
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

# Regenerate the pinned versions from a fresh resolve (maintainers only).
lock:
	rm -rf /tmp/lockenv && $(PYTHON) -m venv /tmp/lockenv
	/tmp/lockenv/bin/pip install -q ".[test]"
	/tmp/lockenv/bin/pip freeze --exclude asker-u4ssc-dashboard > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
