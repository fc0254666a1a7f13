# The two commands a new user needs (see README.md):
#   make run    set up, build (release) and run the service on the shipped default model
#   make test   set up and run every test
SHELL := /bin/bash
SWIFT ?= swift
PORT ?= 8080
MODELS ?= Models
PYTHON := .venv/bin/python

.PHONY: run test setup setup-runtime build release check-spec check-fuzz clean help

help:
	@echo "make run    build and run ser-server on port $(PORT) with $(MODELS)/"
	@echo "make test   run the whole test suite (Swift tests + API conformance checks)"

setup-runtime:
	@scripts/setup.sh --runtime

setup:
	@scripts/setup.sh

release: setup-runtime
	$(SWIFT) build -c release --product ser-server
	$(SWIFT) build -c release --product ser-train

run: release
	.build/release/ser-server --port $(PORT) --models $(MODELS)

build: setup
	$(SWIFT) build --build-tests

# Swift tests first (unit, parity, live loopback server), then the checks that need the Python venv.
test: build
	$(SWIFT) test --skip-build
	@$(MAKE) --no-print-directory check-spec
	@$(MAKE) --no-print-directory check-fuzz

# Short libFuzzer runs of the four fuzz targets (fuzz/, .build-fuzz/): FUZZ_SECONDS each. The longer
# runs, sanitizers, soak and fault injection are scripts (see RELIABILITY.md).
FUZZ_SECONDS ?= 20
check-fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

check-spec:
	$(PYTHON) -m openapi_spec_validator openapi.yaml

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan
