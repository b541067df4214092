# Lienket — one command runs the suite (make run), one passes the tests (make test).
# Needs only Go (see go.work); code generators are built from tools/codegen, pinned by its go.mod.

SHELL := /bin/bash
BIN   := $(CURDIR)/bin
PKGS  := github.com/lienket/lienket/...
GOTEST_FLAGS ?= -count=1 -timeout 12m
CODEGEN := buf protoc-gen-go protoc-gen-go-grpc protoc-gen-grpc-gateway protoc-gen-openapiv2
BINARIES := \
	./services/platform/cmd/lienket-store \
	./services/registry/cmd/registry \
	./services/contracts/cmd/contracts \
	./services/matchmaking/cmd/matchmaking \
	./services/webhooks/cmd/webhooks \
	./services/support/cmd/support \
	./gateway/cmd/gateway \
	./tools/cmd/lienket-run \
	./tools/cmd/lienket-oidc \
	./tools/cmd/lienketctl

.PHONY: postgres poppler-utils apilint apilint-tools chromium api-baseline lint-tools all run build test test-charts demo test-short lint generate check-generated codegen-tools ci clean fuzz bench bench-ci bench-store bench-reports

all: build

## run: build everything and start store, services (registry, contracts, matchmaking, support, webhooks) and gateway (Ctrl-C stops all)
run: build
	@$(MAKE) --no-print-directory postgres || echo "make run: no PostgreSQL; the store falls back to its SQLite handler (see README, Limits)"
	$(BIN)/lienket-run

## postgres: make sure PostgreSQL's server programs are installed (the embedded store's
## PostgreSQL backend; the tests need them): Debian's postgresql package, installed when missing
## and running as root, otherwise a message with the command to run
postgres:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's postgresql package"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "PostgreSQL server programs are missing: run  sudo apt-get install -y postgresql  (Debian/Ubuntu)"; exit 1; \
	fi

## poppler-utils: make sure pdftotext and pdftoppm are installed (the document tests read the
## PDFs back with them): Debian's poppler-utils, installed when missing and running as root,
## otherwise a message with the command to run
poppler-utils:
	@if command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's poppler-utils"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	else \
		echo "pdftotext and pdftoppm are missing: run  sudo apt-get install -y poppler-utils  (Debian/Ubuntu)"; exit 1; \
	fi

## build: compile every binary into ./bin
build:
	@mkdir -p $(BIN)
	go build -o $(BIN)/ $(BINARIES)

## test: unit and integration tests of every module (embedded store, loopback gRPC), and the
## console's browser tests (headless Chromium, see `make chromium`)
test: postgres poppler-utils apilint chromium
	LIENKET_CHROMIUM="$$(cat $(BIN)/.chromium)" go test $(GOTEST_FLAGS) $(PKGS)
	@if [ -f charts/chartcheck/go.mod ]; then $(MAKE) --no-print-directory test-charts; fi
	@$(MAKE) --no-print-directory bench-ci

## chromium: find the Chromium the browser tests drive (CHROMIUM, or chromium on PATH); as root
## on Debian, install Debian's package when there is none; otherwise fail with the command to run
chromium:
	@mkdir -p $(BIN)
	@bin="$${CHROMIUM:-$$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"; \
	if [ -z "$$bin" ] && [ "$$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then \
		echo "installing Debian's chromium package for the console's browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && bin="$$(command -v chromium)"; \
	fi; \
	if [ -z "$$bin" ]; then \
		echo "make test needs Chromium for the console's browser tests: run 'sudo apt-get install -y chromium' (Debian/Ubuntu) or set CHROMIUM=/path/to/chromium"; exit 1; \
	fi; \
	echo "$$bin" > $(BIN)/.chromium; echo "browser tests use $$bin"


# The published OpenAPI document, linted by two third-party linters pinned in
# tools/apilint/package-lock.json: Redocly (recommended rules) and Spectral (spectral:oas).
# Errors fail the build; warnings are printed.
OPENAPI := gateway/openapi/lienket.swagger.json
APILINT := tools/apilint/node_modules/.bin

## apilint-tools: install the pinned OpenAPI linters (npm ci in tools/apilint)
apilint-tools: tools/apilint/node_modules/.installed

tools/apilint/node_modules/.installed: tools/apilint/package.json tools/apilint/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for the OpenAPI linters: run 'apt-get install -y nodejs npm' (as root), then 'make apilint-tools'"; exit 1; }
	cd tools/apilint && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

## apilint: Redocly and Spectral on the published OpenAPI document (zero errors)
apilint: apilint-tools
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(APILINT)/redocly lint --extends=recommended --format=summary $(OPENAPI)
	$(APILINT)/spectral lint --ruleset tools/apilint/.spectral.yaml --fail-severity=error $(OPENAPI)

## test-charts: lint and render the Helm chart and validate every object against the k8s API types
test-charts:
	cd charts/chartcheck && GOWORK=off go test $(GOTEST_FLAGS) ./...

## demo: the end-to-end story over REST against a running `make run`
demo:
	go run ./tools/cmd/lienket-demo

## codegen-tools: build buf and the protoc plugins pinned in tools/codegen/go.mod
codegen-tools:
	@mkdir -p $(BIN)
	cd tools/codegen && GOWORK=off go build -o $(BIN)/ \
		github.com/bufbuild/buf/cmd/buf \
		google.golang.org/protobuf/cmd/protoc-gen-go \
		google.golang.org/grpc/cmd/protoc-gen-go-grpc \
		github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway \
		github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2

## generate: regenerate Go code and the OpenAPI document from proto/
generate: codegen-tools
	find proto -name '*.pb.go' -o -name '*.pb.gw.go' | xargs rm -f
	rm -f gateway/openapi/lienket.swagger.json
	PATH="$(BIN):$$PATH" buf generate
	go run ./tools/cmd/lienket-openapi -in gateway/openapi/lienket.swagger.json -chart charts/lienket/Chart.yaml

## check-generated: fail when committed generated code is stale
check-generated: generate
	@if [ -n "$$(git status --porcelain -- proto gateway/openapi)" ]; then \
		echo "generated code is stale; run 'make generate' and commit:"; \
		git status --porcelain -- proto gateway/openapi; exit 1; fi
	@echo "generated code is up to date"

## lint-tools: build staticcheck and gocognit, pinned in tools/lint/go.mod
lint-tools:
	@mkdir -p $(BIN)
	cd tools/lint && GOWORK=off go build -o $(BIN)/ honnef.co/go/tools/cmd/staticcheck github.com/uudashr/gocognit/cmd/gocognit

# Cognitive complexity (gocognit) above which a function fails lint. Generated code is not
# checked; a function may opt out only with a //gocognit:ignore directive and a comment saying
# why (the allocation solver's search loops).
COGNIT_MAX := 20

## lint: buf lint, buf breaking (against proto/api-baseline.binpb), gofmt, go vet, staticcheck, gocognit
lint: codegen-tools lint-tools
	PATH="$(BIN):$$PATH" buf lint
	PATH="$(BIN):$$PATH" buf breaking --against proto/api-baseline.binpb
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet $(PKGS)
	$(BIN)/staticcheck $(PKGS)
	@out=$$($(BIN)/gocognit -test=false -over $(COGNIT_MAX) $$(git ls-files -co --exclude-standard '*.go' | grep -v -e '_test\.go$$' -e '\.pb\.' -e '^tools/codegen/' -e '^tools/lint/' -e '^charts/chartcheck/')); \
		if [ -n "$$out" ]; then echo "cognitive complexity above $(COGNIT_MAX) (split the function, or //gocognit:ignore with a reason):"; echo "$$out"; exit 1; fi

## ci: what .ci/run runs
ci: lint check-generated test

## api-baseline: record the current API as the one later changes must stay compatible with
## (at a release, or with a deliberate, announced breaking change)
api-baseline: codegen-tools
	PATH="$(BIN):$$PATH" buf build -o proto/api-baseline.binpb

## fuzz: run each fuzz target briefly (FUZZTIME=30s for longer)
FUZZTIME ?= 10s
fuzz:
	@for spec in $$(grep -rl --include='*_test.go' '^func Fuzz' services gateway tools | xargs -n1 dirname | sort -u); do \
		for f in $$(grep -h '^func Fuzz' $$spec/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "== $$spec $$f"; (cd $$spec && go test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) .) || exit 1; \
		done; done

## bench-reports: the report benchmark on the national dataset (34 provinces, 3,321 communes,
## 50,000 contracts, 1,000,000 households, 2,000,000 deliveries) in the store at
## BENCH_MONGODB_URI, generated there on first use (docs/reports.md)
bench-reports:
	@test -n "$(BENCH_MONGODB_URI)" || { echo "set BENCH_MONGODB_URI to a store, e.g. a lienket-store started with STORE_BACKEND=postgresql (docs/reports.md)"; exit 1; }
	LIENKET_BENCH_SCALE=national LIENKET_BENCH_MONGODB_URI=$(BENCH_MONGODB_URI) go test -run '^$$' -bench 'BenchmarkReports/(commune|province|national)$$' \
		-benchtime 5x -benchmem -timeout 0 -v ./services/contracts/internal/usecase/

## bench: run the Go benchmarks
bench:
	go test -run '^$$' -bench . -benchmem $(PKGS)

## bench-ci: every benchmark once, at its smallest size, so that none can rot (make test runs it)
BENCH_CI_TIMEOUT ?= 10m
bench-ci: postgres
	LIENKET_BENCH_STORE_SIZES=1000 LIENKET_BENCH_HOUSEHOLDS=1000 go test -run '^$$' -bench . -benchtime 1x -timeout $(BENCH_CI_TIMEOUT) $(PKGS)

## bench-store: a page of a list on the embedded store — scoped and unscoped, at 1k, 10k and
## 100k households, on the SQLite and the PostgreSQL handler, through the raw driver and through
## the registry service in the same run — and the table the README's limits come from (~20 min)
bench-store: postgres
	go test -run '^$$' -bench '^BenchmarkStoreLists$$' -benchtime 3s -timeout 90m github.com/lienket/lienket/services/registry/internal/transport

clean:
	rm -rf $(BIN)
