# The two commands: `make run` and `make test`. Each installs what is missing first.
.DEFAULT_GOAL := help
.PHONY: help deps build debug asan fuzz-build soak-build run test fuzz soak bench docs clean

BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
FUZZ_DIR  ?= build-fuzz
DEBUG_DIR ?= build-debug
SOAK_DIR  ?= build-soak
FUZZ_SECONDS ?= 30
CODEC_FUZZ_SECONDS ?= 10
LONG_FUZZ_SECONDS ?= 600
CMAKE_COMMON := -G Ninja -DSWITCHBOARD_WERROR=ON

help:
	@echo "make run    install what is missing, build, start the server on its embedded defaults"
	@echo "make test   install what is missing, build, run every test (unit, sanitizers, fuzz smoke, integration, e2e)"
	@echo "make fuzz   run each fuzzer for $(LONG_FUZZ_SECONDS) s"
	@echo "make soak   $(SOAK_MINUTES) minutes of hostile load against the ASan build of the server (docs/SECURITY.md)"
	@echo "make bench  codec micro-benchmarks and every server scenario, side by side with Node.js (docs/BENCHMARKS.md)"
	@echo "make docs   the API reference (Doxygen) in $(BUILD_DIR)/docs/html; fails on an undocumented public symbol"
	@echo "make debug  Debug build in $(DEBUG_DIR)/"

deps:
	@scripts/install-deps.sh

# The release tree: the server of `make run`, the compile-fail checks and the package consumers;
# every other test runs in the sanitizer tree (sanitizer.unit.<binary>, .e2e and .integration here).
# `make bench` adds the benchmarks to it.
BUILD_BENCH ?= OFF
build: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DSWITCHBOARD_BENCH=$(BUILD_BENCH) \
	  -DSWITCHBOARD_UNIT_TESTS=OFF -DSWITCHBOARD_INTEGRATION_TESTS=OFF \
	  -DSWITCHBOARD_SANITIZER_BUILD=$(CURDIR)/$(ASAN_DIR) >/dev/null
	@cmake --build $(BUILD_DIR) $(BUILD_JOBS)

debug: deps
	@cmake -S . -B $(DEBUG_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build $(DEBUG_DIR)

# The sanitizer tree: clang, ASan + UBSan, and libFuzzer's coverage, so that the tests and the fuzz
# smokes share one build of the library. -O0 with line tables: clang compiles Beast's templates at
# -O0 in a third of its -O1 time, and a sanitizer report needs no more. No TLS (its Beast
# instantiations are the heaviest compiles); build/ runs the TLS test (server.tls).
asan: deps
	@CC=clang CXX=clang++ cmake -S . -B $(ASAN_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug \
	  "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -gline-tables-only" -DSWITCHBOARD_SANITIZE=ON -DSWITCHBOARD_FUZZ=ON \
	  -DSWITCHBOARD_BENCH=OFF -DSWITCHBOARD_HTTP_TLS=OFF -DSWITCHBOARD_FUZZ_SECONDS=$(FUZZ_SECONDS) \
	  -DSWITCHBOARD_CODEC_FUZZ_SECONDS=$(CODEC_FUZZ_SECONDS) >/dev/null
	@cmake --build $(ASAN_DIR) $(BUILD_JOBS)

# `make fuzz` only: the fuzzers alone at -O1 with assertions on, as libFuzzer's documentation
# suggests for long runs.
fuzz-build: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" -DSWITCHBOARD_HTTP_TLS=OFF \
	  -DSWITCHBOARD_FUZZ=ON -DSWITCHBOARD_APPS=OFF -DSWITCHBOARD_TESTS=OFF -DSWITCHBOARD_BENCH=OFF \
	  -DSWITCHBOARD_FUZZ_SECONDS=$(FUZZ_SECONDS) -DSWITCHBOARD_CODEC_FUZZ_SECONDS=$(CODEC_FUZZ_SECONDS) >/dev/null
	@cmake --build $(FUZZ_DIR) $(BUILD_JOBS)

run: build
	@if [ -f config/dev.toml ]; then \
	  exec $(BUILD_DIR)/bin/switchboard serve --config config/dev.toml; \
	else \
	  echo "make run: the switchboard server (switchboard serve) is not part of this revision yet; see README.md for what is."; \
	  exit 1; \
	fi

# The two trees build side by side (each one's last heavy files would leave a core idle), then
# the sanitizer tree's tests and fuzz smokes run inside the main ctest run, so its summary covers
# everything.
test: deps
	@$(MAKE) --no-print-directory -j2 asan build BUILD_JOBS="-j 3"
	@cd $(BUILD_DIR) && ctest --output-on-failure -j2

fuzz: FUZZ_SECONDS := $(LONG_FUZZ_SECONDS)
fuzz: CODEC_FUZZ_SECONDS := $(LONG_FUZZ_SECONDS)
fuzz: fuzz-build
	@cd $(FUZZ_DIR) && ctest --output-on-failure -L fuzz

# Hostile clients against a sanitized server binary, with a healthy control client throughout.
# GCC's ASan + UBSan at -O1 (AddressSanitizer's recommended level; the -O0 test tree is 2-3 times
# slower), the binary alone and without TLS, which the soak does not use.
SOAK_MINUTES ?= 20
soak-build: deps
	@cmake -S . -B $(SOAK_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
	  -DSWITCHBOARD_SANITIZE=ON -DSWITCHBOARD_TESTS=OFF -DSWITCHBOARD_BENCH=OFF -DSWITCHBOARD_HTTP_TLS=OFF >/dev/null
	@cmake --build $(SOAK_DIR) --target switchboard $(BUILD_JOBS)

soak: soak-build
	@node tests/soak/soak.mjs --binary $(CURDIR)/$(SOAK_DIR)/bin/switchboard --minutes $(SOAK_MINUTES) --out $(CURDIR)/$(SOAK_DIR)/soak

# The codec micro-benchmarks, then every server scenario side by side (docs/BENCHMARKS.md).
BENCH_SCENARIOS ?= fanout users emitter connect idle polling scale cluster
bench: BUILD_BENCH := ON
bench: build
	@scripts/install-deps.sh bench
	@node bench/micro/compare.mjs $(BUILD_DIR)/bin/wire_bench
	@$(BUILD_DIR)/bin/server_paths_bench
	@for scenario in $(BENCH_SCENARIOS); do BUILD_DIR=$(CURDIR)/$(BUILD_DIR) bench/run.sh $$scenario || exit 1; done
	@BUILD_DIR=$(CURDIR)/$(BUILD_DIR) bench/callgrind.sh

# The API reference of include/ (docs/Doxyfile); `make test` runs the same check (docs.reference).
docs: deps
	@mkdir -p $(BUILD_DIR)/docs
	@DOXYGEN_OUTPUT=$(CURDIR)/$(BUILD_DIR)/docs doxygen docs/Doxyfile
	@echo "docs: $(BUILD_DIR)/docs/html/index.html"

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR) $(DEBUG_DIR) $(SOAK_DIR)
