# edgeguard — the two commands a fresh Debian 12 machine needs:
#   make demo   install what is missing, build a Release binary, scan fixtures/demo
#   make test   the same set-up, then every test through ctest
# `make` alone builds. Re-running is fast when nothing changed.
#   make test-sanitize   ASan+UBSan build in build-sanitize: every test, then a scan of ../shared/corpus
#   make fuzz FUZZ_SECONDS=N   libFuzzer targets (clang, installed on first use) for N seconds each

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BIN := $(BUILD_DIR)/edgeguard
STAMP_DEPS := $(BUILD_DIR)/.deps-installed
STAMP_NPM := node_modules/.edgeguard-npm-ci

.PHONY: all build deps demo test test-sanitize fuzz bench docs package clean

all: build

# System packages (apt-get) — checked on every run, installed only when missing.
$(STAMP_DEPS): .ci/install-deps
	@bash .ci/install-deps
	@mkdir -p $(BUILD_DIR) && touch $@

# npm packages (tree-sitter sources), pinned by package-lock.json; no install scripts run.
# Node is told to trust the system CA store as well (machines behind a TLS-inspecting proxy).
NPM_CA := $(if $(wildcard /etc/ssl/certs/ca-certificates.crt),NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
$(STAMP_NPM): package.json package-lock.json $(STAMP_DEPS)
	$(NPM_CA) npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(STAMP_DEPS) $(STAMP_NPM)

$(BUILD_DIR)/CMakeCache.txt: CMakeLists.txt | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@echo "+ edgeguard scan fixtures/demo"
	@./$(BIN) scan fixtures/demo; status=$$?; \
	  echo "(exit status $$status: 0 clean, 1 findings, 2 errors)"; \
	  if [ $$status -ge 2 ]; then exit $$status; fi

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# ASan+UBSan: the whole suite and a scan of ../shared/corpus, with no sanitizer report.
test-sanitize: deps
	bash tests/sanitize.sh

# libFuzzer targets in fuzz/ (see fuzz/README.md); clang-14 + libclang-rt-14-dev are installed when missing.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh $(FUZZ_SECONDS)

# A Debian package of the static release binary, man page and completions: build/edgeguard_*.deb.
package: build
	cd $(BUILD_DIR) && cpack -G DEB

# Regenerates docs/rules/ and policies/CATALOG.md from policies/ (the catalog test and the
# e2e docs-check case fail when they are stale).
docs: build
	./$(BIN) docs docs/rules --catalog policies/CATALOG.md

bench: build
	bash bench/run.sh

clean:
	rm -rf $(BUILD_DIR) build-sanitize build-fuzz
