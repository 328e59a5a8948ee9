# Two commands on a fresh Debian/Ubuntu machine: `make build`, then `make test`.
VENV := .venv
PYTHON := $(VENV)/bin/python
SYSTEM_PACKAGES := python3-venv fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-noto-cjk fonts-noto-core poppler-utils qpdf libreoffice-writer-nogui \
	chromium shellcheck

.PHONY: build test setup system clean

build: setup
	$(PYTHON) build.py pack shanghai-manufacturing

test: setup
	$(PYTHON) -m pytest

setup: system $(VENV)/.installed

system:
	@scripts/system-packages.sh $(SYSTEM_PACKAGES)

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) output/*/ .pytest_cache
