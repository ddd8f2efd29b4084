# schemactl: the billing schema as code, and the tool that keeps it honest.
# `make lint` is the main job (the gate); `make test` runs every test.

GO       ?= go
NAME     ?=
# Extra arguments for the schemactl command a target runs:
#   make lint ARGS='--git-base origin/main --format github'
ARGS     ?=

# schemactl is built once and run from bin/, not with `go run`, which exits 1
# whatever the program's status: findings (1) and a tool that could not run
# (2) would look the same. It is rebuilt when a Go source, go.mod or go.sum
# is newer than it (a source file only deleted is not noticed: make clean).
# Make itself exits 2 when a command fails, as GNU make always does; its
# last line carries schemactl's own status ("Error 1" findings, "Error 2"
# could not run), and bin/schemactl run directly exits 0, 1 or 2.
BIN       ?= bin/schemactl
SCHEMACTL  = $(BIN)
GO_SOURCES = $(shell find . \( -name .git -o -name bin -o -name testdata -o -name .entc \) -prune -o -name '*.go' ! -name '*_test.go' -print) go.mod go.sum

.PHONY: all deps generate diff new hash validate lint check-migrations test check hooks docs bench fmt vet clean

all: lint

$(BIN): $(GO_SOURCES)
	$(GO) build -o $@ ./cmd/schemactl

clean:
	rm -f $(BIN)

# PostgreSQL server binaries for the embedded dev database (Debian package).
deps:
	@./scripts/ensure-postgres.sh

# Regenerate the Ent code from ent/schema.
generate:
	$(GO) generate ./ent

# Write a new migration for what changed in ent/schema: make diff NAME=add_x
diff: deps $(BIN)
	@test -n "$(NAME)" || { echo "usage: make diff NAME=<migration_name>" >&2; exit 2; }
	$(SCHEMACTL) migrate diff $(ARGS) $(NAME)

# An empty migration file for SQL written by hand (a backfill, what Ent
# cannot write), with the next version, atlas.sum updated: make new NAME=x
new: $(BIN)
	$(SCHEMACTL) migrate new $(ARGS) $(NAME)

hash: $(BIN)
	$(SCHEMACTL) migrate hash $(ARGS)

# The committed documents the gate keeps fresh: the ER diagram and the audit.
docs: deps $(BIN)
	$(SCHEMACTL) schema erd --out docs/schema.md
	$(SCHEMACTL) schema audit --out docs/schema-audit.md

validate: deps $(BIN)
	$(SCHEMACTL) migrate validate $(ARGS)

# The main job, the gate: atlas.sum is intact, every file replays, the
# migrations build exactly what ent/schema declares, the generated Ent code
# and docs/ are fresh, and (atlas.hcl's lint { git { base } }) the files
# added since the branch left main pass the review: what CI runs. schemactl exits 1 listing the findings, 2 when it could not
# run (make then says "Error 1" or "Error 2", and exits 2).
lint: deps $(BIN)
	$(SCHEMACTL) migrate lint $(ARGS)

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
