# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements-dev.lock | sha1sum | cut -c1-12)
CHROMIUM_PATH ?= /usr/bin/chromium
REDIS_SERVER ?= redis-server
NGINX ?= /usr/sbin/nginx
export CHROMIUM_PATH REDIS_SERVER NGINX

.PHONY: run test serve bench soak lint setup chromium redis nginx clean lock plotly-bundle

setup: $(STAMP)

# Every dependency from the hash-pinned lock (pip refuses a file whose hash differs), then the project itself.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip>=24"
	$(PY) -m pip install -q --require-hashes -r requirements-dev.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
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

# Debian's nginx: the production front (`make serve`) and its tests; started by dashboard/stack.py, never as a service.
nginx:
	@if [ -x "$(NGINX)" ]; then echo "nginx: $(NGINX)"; \
	else \
	  echo "installing Debian's nginx (the front of make serve, needed by its tests)"; \
	  SUDO=""; [ "$$(id -u)" = "0" ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx-light; \
	  $$SUDO /usr/sbin/nginx -s quit 2>/dev/null || true; \
	fi

run: $(STAMP)
	$(PY) -m dashboard serve

# Production: nginx (buffers slow clients, limits expensive requests per client) in front of gunicorn.
serve: $(STAMP) nginx
	$(PY) -m dashboard.stack

# Every speed figure side by side with its target; writes bench/results.json (not part of `make test`).
bench: $(STAMP) chromium
	$(PY) scripts/bench.py

# 10 minutes of mixed traffic, 32 slow clients and expensive requests against make serve's stack at national
# scale: errors, cheap p95 and memory growth (not part of `make test`).
soak: $(STAMP) nginx
	$(PY) scripts/soak.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) chromium redis nginx
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

# Regenerate the hash-pinned locks after a change to pyproject.toml's dependencies (maintainers only):
# requirements.lock (what the package needs to run) and requirements-dev.lock (that and the test tools),
# resolved by uv for CPython 3.11 on x86_64 Linux, every file's sha256 listed. UPGRADE=1 takes newer releases.
LOCK_VENV := $(or $(TMPDIR),/tmp)/asker-u4ssc-lockenv
lock:
	test -x $(LOCK_VENV)/bin/uv || ($(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install -q "uv>=0.9")
	$(LOCK_VENV)/bin/uv pip compile pyproject.toml $(if $(UPGRADE),--upgrade,) --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu --no-header --annotation-style line -o requirements.lock
	$(LOCK_VENV)/bin/uv pip compile pyproject.toml --extra test $(if $(UPGRADE),--upgrade,) --generate-hashes \
	  --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --no-header --annotation-style line \
	  -o requirements-dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Rebuild dashboard/vendor/ from bundle/ (npm, the committed lockfile, a pinned esbuild): plotly.js with only the
# trace types the figures draw, Bootstrap's CSS with only the rules the markup uses (PurgeCSS over layouts/,
# callbacks/, dashboard/ and dash-bootstrap-components' bundle), and the regenerator runtime Dash's scripts need.
# Needed when the Python plotly (its plotly.js version) or dash-bootstrap-components changes, a figure draws a new
# trace type or a page writes a Bootstrap class it did not use before; tests/test_bundle.py says which.
# The built files are committed, so make run and make test need no Node.
plotly-bundle: $(STAMP)
	cd bundle && npm ci --no-audit --no-fund && \
	DBC_JS="$$($(PY) -c 'import dash_bootstrap_components as d, pathlib; print(pathlib.Path(d.__file__).parent / "_components" / "dash_bootstrap_components.min.js")')" \
	npm run build
