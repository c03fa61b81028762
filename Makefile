# CargoSim — make targets. `make run` and `make test` are all a new user needs.
SWIFT ?= swift
CONFIG ?= debug
BIN = .build/$(CONFIG)/cargosim
RELEASE_BIN = .build/release/cargosim
DEMO ?= demo-course
SEED ?= 7

.PHONY: build release run test bench format lint clean deps dist dist-check

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

bench: deps
	$(SWIFT) build -c release
	$(RELEASE_BIN) bench

# The self-contained tarball dist/cargosim-<version>-linux-<arch>.tar.gz (runs without a Swift toolchain).
dist: deps
	SWIFT=$(SWIFT) ./scripts/dist.sh dist

# Unpacks the tarball in a bare Debian root (debootstrap, cached in .cache/dist-root/) and runs it there. Root only.
dist-check: dist
	./scripts/dist-check.sh

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

clean:
	rm -rf .build $(DEMO) dist
