# The two commands a new user needs (see README.md):
#   make run    set up, build (release) and run the service on the shipped default model
#   make test   set up and run every test
SHELL := /bin/bash
SWIFT ?= swift
PORT ?= 8080
MODELS ?= Models
PYTHON := .venv/bin/python

.PHONY: run test setup setup-runtime build release check-spec check-deploy check-fuzz check-container check-lb measure-resources train loco clean help

help:
	@echo "make run    build and run ser-server on port $(PORT) with $(MODELS)/"
	@echo "make test   run the whole test suite (Swift tests + API conformance checks + deployment lint)"
	@echo "make train  train the default model (k-fold by speaker + final) into $(MODELS)/ser-cnn/3/"
	@echo "make loco   leave one corpus out with the default recipe (run before make train: its table goes into the model)"
	@echo "make check-container  rebuild the Dockerfile's runtime stage without Docker and serve from it (root, ~3 min)"
	@echo "make check-lb         two replicas behind the compose stack's HAProxy config on loopback (~1 min)"

setup-runtime:
	@scripts/setup/setup.sh --runtime

setup:
	@scripts/setup/setup.sh

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
	@$(MAKE) --no-print-directory check-deploy
	@$(MAKE) --no-print-directory check-fuzz

# Short libFuzzer runs of the five fuzz targets (fuzz/, .build-fuzz/): FUZZ_SECONDS each. The longer
# runs, sanitizers, soak and fault injection are scripts (see RELIABILITY.md).
FUZZ_SECONDS ?= 20
check-fuzz:
	scripts/reliability/fuzz.sh $(FUZZ_SECONDS)

check-spec:
	$(PYTHON) -m openapi_spec_validator openapi.yaml

# Container and deployment (docs/deployment.md). check-deploy is static and takes seconds, so it is
# part of `make test`; check-container (debootstrap + a release build) and check-lb are run by hand
# or by a CI that has the time (timings in docs/deployment.md).
check-deploy:
	scripts/deploy/lint-deploy.sh

check-container: setup
	scripts/deploy/check-runtime-image.sh

check-lb: setup
	scripts/deploy/check-load-balancer.sh

measure-resources: release
	scripts/deploy/measure-resources.sh

# The default model: 4-fold speaker cross-validation (with the robustness table on each fold's test
# speakers) + final model on ../shared/data (RAVDESS, EMO-DB, TESS, nEMO), level-normalised input,
# corpus-balanced epochs, telephone, noise and room augmentation; writes Models/ser-cnn/3/model.safetensors
# and report.json|html (docs/training.md). When `make loco` has run, its table (each corpus held out
# in turn, same recipe, no folds) goes into the manifest and the report too.
TRAIN_CONFIG ?= scripts/training/train-default.json
TRAIN_OUTPUT ?= .build/train-run
LOCO_OUTPUT ?= .build/loco-run
train: setup-runtime
	$(SWIFT) build -c release --product ser-train
	.build/release/ser-train train --config $(TRAIN_CONFIG) --output $(TRAIN_OUTPUT)
	.build/release/ser-train export --run $(TRAIN_OUTPUT) --models $(MODELS) \
		$(if $(wildcard $(LOCO_OUTPUT)/loco-summary.json),--loco $(LOCO_OUTPUT))

loco: setup-runtime
	$(SWIFT) build -c release --product ser-train
	.build/release/ser-train train --config $(TRAIN_CONFIG) --loco --folds 0 --output $(LOCO_OUTPUT)

clean:
	rm -rf .build .build-container .build-fuzz .build-asan .build-tsan
