# The README's two commands: `make site` and `make test`. Everything runs from .venv/.
PY      := .venv/bin/python
POWERS  ?= powers
OUT     ?= site
APT_PKGS := graphviz fonts-noto-cjk chromium poppler-utils zbar-tools default-jre-headless nodejs npm

.PHONY: setup system-deps check site build serve pdf test lint format bench clean

setup: .venv/.installed system-deps node_modules/.installed editor-assets

# The form library of `edit` (issue 14), pinned in package.json / package-lock.json with axe-core, installed by
# `npm ci` only when missing (node_modules/) and copied into the package, which serves it: never from a CDN.
EDITOR_VENDOR := generator/editor/static/vendor
.PHONY: editor-assets edit
editor-assets: $(EDITOR_VENDOR)/jsoneditor.js

$(EDITOR_VENDOR)/jsoneditor.js: node_modules/.installed
	mkdir -p $(EDITOR_VENDOR)
	cp node_modules/@json-editor/json-editor/LICENSE $(EDITOR_VENDOR)/jsoneditor.LICENSE
	cp node_modules/@json-editor/json-editor/dist/jsoneditor.js $@

edit: setup
	$(PY) -m generator edit --powers $(POWERS) --port 8001

# Debian packages, installed only when missing (CI runs as root on a clean machine).
system-deps:
	@missing=""; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	fc-list :lang=zh 2>/dev/null | grep -qi 'noto.*cjk' || missing="$$missing fonts-noto-cjk"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "安装系统软件包:$$missing"; \
	  SUDO=$$(command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

.venv/.installed: requirements.in constraints.txt pyproject.toml
	python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -r requirements.in
	$(PY) -m pip install -q --no-deps -e .
	touch $@

# npm packages of the tests (axe-core, for the accessibility test), pinned in package-lock.json; never fetched
# at run time. Installed after system-deps, which brings npm.
node_modules/.installed: package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund --silent
	touch $@

check: setup
	$(PY) -m generator check --strict $(POWERS)

build: setup
	$(PY) -m generator build --powers $(POWERS) --out $(OUT)

# The whole site (mkdocs build --strict, search index, PDFs) into $(OUT), then the preview server on
# 127.0.0.1:8000: its own copy of the site (in .cache/preview/, from the same page cache), updated on every save of
# a record, with live reload and the problems shown on the page (the PDFs are in $(OUT)/pdf/).
site: build serve

serve: setup
	$(PY) -m generator serve --powers $(POWERS) --port 8000

pdf: setup
	$(PY) -m generator pdf --powers $(POWERS) --out $(OUT)

test: setup
	$(PY) -m pytest -q

lint: setup
	.venv/bin/ruff check generator mkdocs_qlqd tests benchmarks
	.venv/bin/ruff format --check generator mkdocs_qlqd tests benchmarks

format: setup
	.venv/bin/ruff check --fix generator mkdocs_qlqd tests benchmarks
	.venv/bin/ruff format generator mkdocs_qlqd tests benchmarks

bench: setup
	$(PY) -m benchmarks

# Issue 10's scale benchmark against the naive stack (../shared/bench/): BENCH_SCALE_RECORDS (10000),
# BENCH_SCALE_PDF=1 adds the 1,000-record PDFs, BENCH_SCALE_DIR keeps the work folder. Not in `make bench`.
.PHONY: bench-scale
bench-scale: setup
	$(PY) -m benchmarks.scale

clean:
	rm -rf site .cache
