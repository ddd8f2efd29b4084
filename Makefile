# schemactl: the billing schema as code, and the tool that keeps it honest.
# `make check-migrations` is the main job; `make test` runs every test.

GO       ?= go
SCHEMACTL = $(GO) run ./cmd/schemactl
NAME     ?=

.PHONY: all deps generate diff hash validate check-migrations test check bench fmt vet

all: check-migrations

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

validate: deps
	$(SCHEMACTL) migrate validate

# The main job: atlas.sum is intact, every file replays, and the migrations
# are exactly what ent/schema asks for. Exit 1 names what is wrong.
check-migrations: deps
	$(SCHEMACTL) migrate validate
	$(SCHEMACTL) migrate diff --check

test: deps
	$(GO) vet ./...
	$(GO) test ./...
	$(MAKE) --no-print-directory check-migrations

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || { echo "gofmt needed:"; echo "$$out"; exit 1; }

vet:
	$(GO) vet ./...

check: fmt test

# Benchmarks: medians of 10 runs. See docs/performance.md.
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -count 10 ./internal/devdb ./internal/desired ./internal/cli | tee bench.out
	$(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da bench.out
