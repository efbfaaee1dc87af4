# edi837: make demo (build the bundled sample into an 837P and validate it), make test, make bench,
# make fuzz (the longer fuzz campaign: FUZZ_EXAMPLES inputs per fuzz test, 2000 by default).
# Everything runs from a local virtual environment that the first target creates.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO   := build/demo

.PHONY: demo test lint typecheck pytest bench fuzz segments docs clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("edi837 needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/edi837 build fixtures/records.csv --profile fixtures/profile.toml \
		--tars fixtures/tars.csv --ledger $(DEMO)/ledger.sqlite --out $(DEMO)/claims.837 --as-of 2026-02-02
	$(BIN)/edi837 validate $(DEMO)/claims.837 --ack $(DEMO)/claims.999
	@echo "demo: wrote $(DEMO)/claims.837 (and the 999 pyx12 would return in $(DEMO)/claims.999)"
	@# last step, kept apart: the demo month's report (the sample profile sends test batches)
	$(BIN)/edi837 report --ledger $(DEMO)/ledger.sqlite --month 2026-01 --test --as-of 2026-02-02 \
		--out $(DEMO)/report.html
	@echo "demo: the month's report is $(abspath $(DEMO)/report.html)"

test: pytest lint typecheck

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check edi837 tests tools bench
	$(BIN)/ruff format --check edi837 tests tools bench

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench --out build/bench.md

# The fuzz suites of `make test`, run longer: every fuzz test tries FUZZ_EXAMPLES inputs, still
# seeded (the same inputs every run). Hypothesis prints, per test, the inputs tried and how many
# failed; docs/benchmarks.md keeps the figures of one run.
FUZZ_EXAMPLES ?= 2000
fuzz: $(STAMP)
	EDI837_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/test_fuzz_x12.py tests/test_fuzz_inputs.py --hypothesis-show-statistics

segments: $(STAMP)
	$(BIN)/python tools/gen_segments.py

docs: $(STAMP)
	$(BIN)/python tools/gen_docs.py

clean:
	rm -rf build $(VENV) .pytest_cache .mypy_cache .ruff_cache dist
