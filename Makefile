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

# Modules of their own (their own go.mod, a replace directive to this
# checkout): integrations whose dependencies the library's go.mod does not
# take, vetted, tested and tidied with the library (httpx/ADAPTERS.md).
SUBMODULES  ?= internal/benchreport httpx/awslambda httpx/cloudrun session/revoke/redis httpx/gin httpx/fiber httpx/echo httpx/echo5 httpx/examples

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# make test runs go test through internal/testreport: the same ok / FAIL
# lines and failure output as go test, go test's exit status, and at the end
# what was skipped and why. Each quoted argument is one go test command line;
# a module of its own gets one with -C.
.PHONY: test
test: vet fmt-check ## vet, gofmt check and go test -race ./... and the modules of their own (what CI runs), ending with the skipped tests and why
	$(GO) run ./internal/testreport -go=$(GO) -- \
		'test -race -count=1 $(PKGS)' \
		$(foreach m,$(SUBMODULES),'-C $(m) test -race -count=1 ./...')
	GOEXPERIMENT=jsonv2 $(GO) test -race -count=1 $(JSONV2_PKGS)

.PHONY: vet
vet: ## go vet ./..., session/jsonv2 as built with GOEXPERIMENT=jsonv2 on Go 1.26, and the modules of their own
	$(GO) vet $(PKGS)
	GOEXPERIMENT=jsonv2 $(GO) vet ./session/... $(JSONV2_PKGS)
	@set -e; for m in $(SUBMODULES); do echo "$(GO) -C $$m vet ./..."; $(GO) -C $$m vet ./...; done

.PHONY: mod-download
mod-download: ## download the modules every go.mod here needs (CI does this first, so a failure names the download)
	$(GO) mod download
	@set -e; for d in $(SUBMODULES); do echo "$(GO) -C $$d mod download"; $(GO) -C $$d mod download; done

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
tidy: ## fail if a go.mod/go.sum (the library's, or one of SUBMODULES) is not tidy
	$(GO) mod tidy -diff
	@set -e; for d in $(SUBMODULES); do $(GO) -C $$d mod tidy -diff; done

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
BENCH_TIME   ?= 150ms
BENCH_ALSO   ?= go1.27.3

.PHONY: bench
bench: ## BENCHMARKS.md + benchmarks.svg: ours vs limits and peers (Go + Node), BENCH_PASSES alternating passes
	@if command -v node >/dev/null && [ ! -d internal/node/node_modules ]; then npm ci --prefix internal/node --no-audit --no-fund; fi
	$(GO) -C internal/benchreport run . -root ../.. -go=$(GO) -passes=$(BENCH_PASSES) -benchtime=$(BENCH_TIME) -also-toolchain=$(BENCH_ALSO)

E2E_DURATION ?= 10s
E2E_ROUNDS   ?= 3
E2E_CONNS    ?= 8

.PHONY: e2e
e2e: ## the same session route on real servers (sealcookie, securecookie, gorilla/sessions, h3, iron-session): BENCHMARKS.md's end-to-end section (make bench keeps it)
	@if command -v node >/dev/null && [ ! -d internal/node/node_modules ]; then npm ci --prefix internal/node --no-audit --no-fund; fi
	$(GO) run ./internal/loadrace -duration $(E2E_DURATION) -rounds $(E2E_ROUNDS) -conns $(E2E_CONNS) -benchmarks BENCHMARKS.md

.PHONY: instr
instr: ## instructions per operation (valgrind callgrind) of Decode, Load and Encode beside their bare counterparts: repeatable where wall time is noisy
	$(GO) run ./internal/instr

.PHONY: bench-go
bench-go: ## one quick pass of every Go benchmark, with allocations, printed only
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

.PHONY: bench-node
bench-node: ## one pass of the Node peers (h3, iron-session) in internal/node, printed only
	cd internal/node && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && node bench.mjs

# The demo is built, then run as make's own child (exec, no shell or go run
# in between): Ctrl-C stops it, and so does SIGTERM to make, which make
# passes on to it.
DEMO_BIN ?= ./bin/sealcookie

.PHONY: demo
demo: ## build bin/sealcookie, then run the demo web app on 127.0.0.1:8080 (flags in DEMO_ARGS, e.g. DEMO_ARGS="--addr 127.0.0.1:9090")
	@echo "== building $(DEMO_BIN) (go build; on a cold build cache it compiles every dependency: a minute or two)"
	$(GO) build -o $(DEMO_BIN) ./cmd/sealcookie
	@echo "== running $(DEMO_BIN) serve $(DEMO_ARGS)"
	@exec $(DEMO_BIN) serve $(DEMO_ARGS)

EDGE_LOAD_REQUESTS ?= 20000x
EDGE_LOAD_COUNT    ?= 5

.PHONY: edge-load
edge-load: ## req/s and p99 through Debian's nginx on loopback: a route gated by forward-auth beside the same route ungated (needs nginx)
	$(GO) test -run='^$$' -bench='^BenchmarkNginxGate$$' -benchtime=$(EDGE_LOAD_REQUESTS) -count=$(EDGE_LOAD_COUNT) -timeout=10m ./cmd/sealcookie

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
