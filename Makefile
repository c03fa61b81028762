# CargoSim — make targets. `make run` and `make test` are all a new user needs.
SWIFT ?= swift
CONFIG ?= debug
BIN = .build/$(CONFIG)/cargosim
RELEASE_BIN = .build/release/cargosim
DEMO ?= demo-course
SEED ?= 7

.PHONY: build release run test test-browser browser-deps bench bench-server format lint clean deps dist dist-check

deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG)

release: deps
	$(SWIFT) build -c release

# The demonstration: a 12-case course (a quick first start: 12 cases with scans generate in a few seconds on
# two cores, and still mix clean boxes and concealments), the accounts, the course in the database,
# a training and a test assignment per demo trainee; then the server, which prints its address.
DB ?= cargosim.sqlite
DEMO_CASES ?= 12
PORT ?= 8080
run: build
	@test -f $(DEMO)/course.json || $(BIN) generate --seed $(SEED) --count $(DEMO_CASES) --mix Cases/curricula/foundation-40.yaml --out $(DEMO) --title "Demonstration course"
	$(BIN) demo-setup --course $(DEMO) --db $(DB)
	$(BIN) serve --db $(DB) --port $(PORT)

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
	SWIFT=$(SWIFT) ./scripts/bench-server.sh

# The training server under 200 simulated trainees (wrk, loopback) and nginx on the same scans; see the script.
bench-server: deps
	SWIFT=$(SWIFT) ./scripts/bench-server.sh

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
	rm -rf .build $(DEMO) $(DB) $(DB)-wal $(DB)-shm demo-accounts.txt dist
