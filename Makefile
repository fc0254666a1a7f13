# The two commands a new user needs (see README.md):
#   make run    set up, build (release) and run the service on the shipped default model
#   make test   set up and run every test
SHELL := /bin/bash
SWIFT ?= swift
PORT ?= 8080
MODELS ?= Models
PYTHON := .venv/bin/python

.PHONY: run test setup setup-runtime build release check-spec clean help train

help:
	@echo "make run    build and run ser-server on port $(PORT) with $(MODELS)/"
	@echo "make test   run the whole test suite (Swift tests + API conformance checks)"
	@echo "make train  train the default model (k-fold by speaker + final) into $(MODELS)/ser-cnn/1/"

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

check-spec:
	$(PYTHON) -m openapi_spec_validator openapi.yaml

# The default model: 4-fold speaker cross-validation + final model on ../shared/data (RAVDESS + EMO-DB),
# telephone-channel augmentation; writes Models/ser-cnn/1/model.safetensors and report.json.
TRAIN_CONFIG ?= scripts/train-default.json
TRAIN_OUTPUT ?= .build/train-run
train: setup-runtime
	$(SWIFT) build -c release --product ser-train
	.build/release/ser-train train --config $(TRAIN_CONFIG) --output $(TRAIN_OUTPUT)
	.build/release/ser-train export --run $(TRAIN_OUTPUT) --models $(MODELS)

clean:
	rm -rf .build
