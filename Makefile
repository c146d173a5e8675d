# sealcookie — developer tasks. `make` alone lists them.

GO          ?= go
PKGS        ?= ./...
FUZZTIME    ?= 30s
FUZZCI_TIME ?= 8s
# The packages whose errors describe JSON: tested again with json/v2 under
# encoding/json (GOEXPERIMENT=jsonv2; the default from Go 1.27).
JSONV2_PKGS ?= ./internal/jsonerr ./sealed ./session ./internal/attacktest
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK ?= golang.org/x/vuln/cmd/govulncheck@v1.1.4

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: test
test: vet fmt-check ## vet, gofmt check and go test -race ./... (what CI runs)
	$(GO) test -race -count=1 $(PKGS)
	GOEXPERIMENT=jsonv2 $(GO) test -race -count=1 $(JSONV2_PKGS)
	$(GO) -C internal/benchreport test -race -count=1 ./...

.PHONY: vet
vet: ## go vet ./..., session/jsonv2 as built with GOEXPERIMENT=jsonv2 on Go 1.26, and the bench report's own module
	$(GO) vet $(PKGS)
	GOEXPERIMENT=jsonv2 $(GO) vet ./session/... $(JSONV2_PKGS)
	$(GO) -C internal/benchreport vet ./...

.PHONY: fmt-check
fmt-check: ## fail if gofmt would change a file
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

.PHONY: lint
lint: ## staticcheck (version-pinned; fetched through the Go module proxy)
	$(GO) run $(STATICCHECK) $(PKGS)

.PHONY: vuln
vuln: ## govulncheck (version-pinned)
	$(GO) run $(GOVULNCHECK) $(PKGS)

.PHONY: tidy
tidy: ## fail if go.mod/go.sum are not tidy
	$(GO) mod tidy -diff

.PHONY: cover
cover: ## coverage profile and per-function summary (cover.out, cover.html)
	$(GO) test -count=1 -coverprofile=cover.out $(PKGS)
	$(GO) tool cover -func=cover.out | tail -n 1
	$(GO) tool cover -html=cover.out -o cover.html

# Every fuzz target in the tree, one at a time: "package:FuzzName".
FUZZ_TARGETS = $(shell grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r grep -o '^func Fuzz[A-Za-z0-9_]*' | sed -E 's|^\./(.*)/[^/]*_test.go:func |./\1:|')

.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME each (default 30s)
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
	echo "== $$pkg $$fn ($(FUZZTIME))"; \
	$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZTIME) $$pkg; done

.PHONY: fuzz-ci
fuzz-ci: ## short fuzz smoke of every target (FUZZCI_TIME each, 2 minutes in all at most)
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZCI_TIME)

# 6 passes: the fewest for a 95% confidence interval of a median.
BENCH_PASSES ?= 6

.PHONY: bench
bench: ## BENCHMARKS.md + benchmarks.svg: ours vs limits and peers (Go + Node), BENCH_PASSES alternating passes
	@if command -v node >/dev/null && [ ! -d internal/node/node_modules ]; then npm ci --prefix internal/node --no-audit --no-fund; fi
	$(GO) -C internal/benchreport run . -root ../.. -go=$(GO) -passes=$(BENCH_PASSES)

.PHONY: bench-go
bench-go: ## one quick pass of every Go benchmark, with allocations, printed only
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

.PHONY: bench-node
bench-node: ## one pass of the Node peers (h3, iron-session) in internal/node, printed only
	cd internal/node && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && node bench.mjs

.PHONY: demo
demo: ## run the demo web app on 127.0.0.1:8080 (flags in DEMO_ARGS, e.g. DEMO_ARGS="--addr 127.0.0.1:9090")
	$(GO) run ./cmd/sealcookie serve $(DEMO_ARGS)

LOAD_DURATION    ?= 10s
LOAD_THREADS     ?= 2
LOAD_CONNECTIONS ?= 32

FLOOD_DURATION ?= 5s
FLOOD_RATE     ?= 1000
FLOOD_ROUNDS   ?= 3

.PHONY: flood
flood: ## forged h3 cookies against a budgeted server: a legitimate client's p50/p99 quiet vs flood, the server's CPU (bounded run, loopback)
	$(GO) run ./internal/flood -duration=$(FLOOD_DURATION) -rate=$(FLOOD_RATE) -rounds=$(FLOOD_ROUNDS)

.PHONY: load
load: ## wrk against sealcookie serve: requests/second of GET / (a session) beside GET /healthz (installs wrk)
	GO=$(GO) LOAD_DURATION=$(LOAD_DURATION) LOAD_THREADS=$(LOAD_THREADS) LOAD_CONNECTIONS=$(LOAD_CONNECTIONS) bash internal/load/load.sh
