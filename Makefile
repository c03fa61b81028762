# CargoSim — make targets. `make run` and `make test` are all a new user needs.
SWIFT ?= swift
CONFIG ?= debug
BIN = .build/$(CONFIG)/cargosim
RELEASE_BIN = .build/release/cargosim
DEMO ?= demo-course
SEED ?= 7

.PHONY: build release run test test-browser browser-deps bench format lint clean deps

deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG)

release: deps
	$(SWIFT) build -c release

# Until the training server exists: generate the demonstration course and say how to look at it.
run: build
	@rm -rf $(DEMO)
	$(BIN) generate --seed $(SEED) --count 40 --mix Cases/curricula/foundation-40.yaml --out $(DEMO)
	@echo "Check the course with: $(BIN) validate $(DEMO)"

test: deps
	$(SWIFT) build
	$(SWIFT) test --parallel --num-workers 2
	python3 Assets/check_assets.py
	$(MAKE) test-browser

browser-deps:
	@./scripts/install-browser-deps.sh

# The trainee workspace in a real headless Chromium against `cargosim serve` (Tests/browser/).
test-browser: deps browser-deps
	$(SWIFT) build --product cargosim
	python3 Tests/browser/test_workspace.py --cargosim $(BIN)

bench: deps
	$(SWIFT) build -c release
	$(RELEASE_BIN) bench

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

clean:
	rm -rf .build $(DEMO)
