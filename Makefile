# schemactl: the billing schema as code, and the tool that keeps it honest.
# `make lint` is the main job (the gate); `make test` runs every test.

GO       ?= go
SCHEMACTL = $(GO) run ./cmd/schemactl
NAME     ?=

.PHONY: all deps generate diff hash validate lint check-migrations test check hooks docs bench fmt vet

all: lint

# PostgreSQL server binaries for the embedded dev database (Debian package).
deps:
	@./scripts/ensure-postgres.sh

# Regenerate the Ent code from ent/schema.
generate:
	$(GO) generate ./ent

# Write a new migration for what changed in ent/schema: make diff NAME=add_x
diff: deps
	@test -n "$(NAME)" || { echo "usage: make diff NAME=<migration_name>" >&2; exit 2; }
	$(SCHEMACTL) migrate diff $(NAME)

hash:
	$(SCHEMACTL) migrate hash

# The committed documents the gate keeps fresh: the ER diagram and the audit.
docs: deps
	$(SCHEMACTL) schema erd --out docs/schema.md
	$(SCHEMACTL) schema audit --out docs/schema-audit.md

validate: deps
	$(SCHEMACTL) migrate validate

# The main job, the gate: atlas.sum is intact, every file replays, the
# migrations build exactly what ent/schema declares, and the generated Ent
# code is fresh. Exit 1 lists the findings, exit 2 means it could not run.
lint: deps
	$(SCHEMACTL) migrate lint

# Issue #2's name for the gate, kept for muscle memory.
check-migrations: lint

# Every test: what make check runs (static analysis, unit tests, integration
# tests, the gate), on a clean clone too. CI runs it (.ci/run).
test: check

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || { echo "gofmt needed:"; echo "$$out"; exit 1; }

vet:
	$(GO) vet ./...

# The pre-commit check: static analysis, unit tests, integration tests and
# the gate, quietly, stopping at the first part that fails.
check: deps
	@./scripts/check.sh

# Install `make check` as this clone's git pre-commit hook (idempotent; a
# hook schemactl did not write is left alone).
hooks:
	@./scripts/install-hooks.sh

# Benchmarks: medians of COUNT runs, one table of the harness's figures with
# their ratios to the psql floor, then benchstat of everything. See
# docs/performance.md.
COUNT ?= 10
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -count $(COUNT) -timeout 90m ./internal/devdb ./internal/desired ./internal/lint ./internal/cli ./scripts | tee bench.out
	@echo
	@$(GO) run ./internal/benchtable < bench.out
	@echo
	$(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da bench.out
