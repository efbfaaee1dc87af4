# edi837: make demo (the month end to end on the bundled data), make test, make bench,
# make fuzz (the longer fuzz campaign: FUZZ_EXAMPLES inputs per fuzz test, 2000 by default).
# Everything runs from a local virtual environment that the first target creates.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO   := build/demo

.PHONY: demo test lint typecheck pytest bench bench-growth fuzz segments docs clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("edi837 needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# The month end to end on the bundled data, in a throwaway ledger under build/demo/: each step
# says in one line what it shows, then runs. The demo's answers from the payer (a 999, a 277CA,
# an 835) are fixtures/demo/; EDI837_LEDGER points at the demo ledger, so no real one is touched.
demo: export EDI837_LEDGER := $(CURDIR)/$(DEMO)/ledger.sqlite
demo: $(STAMP)
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@echo; echo "== 1/8 check: every billing rule over January's records; nothing is written yet"
	$(BIN)/edi837 check fixtures/records.csv --profile fixtures/profile.toml --tars fixtures/tars.csv \
		--as-of 2026-02-02
	@echo; echo "== 2/8 build: the 837P for the payer; its claims and control numbers go into a new ledger"
	$(BIN)/edi837 build fixtures/records.csv --profile fixtures/profile.toml \
		--tars fixtures/tars.csv --ledger $(DEMO)/ledger.sqlite --out $(DEMO)/claims.837 --as-of 2026-02-02
	@echo; echo "== 3/8 validate: SNIP 1-5 checks hold the file to the TR3 and write the 999 a front door would send (A: accepted)"
	$(BIN)/edi837 validate $(DEMO)/claims.837 --ack $(DEMO)/validate.999 --as-of 2026-02-02
	@echo; echo "== 4/8 ack: the payer's answers: its 999 accepts the file; its 277CA accepts 3 claims and rejects N00000002 (member not found)"
	$(BIN)/edi837 ack fixtures/demo/claims.999 fixtures/demo/claims.277 --ledger $(DEMO)/ledger.sqlite \
		--as-of 2026-02-03
	@echo; echo "== 5/8 remit: the remittance of 2026-03-02 in words: N00000001 paid, N00000003 partly paid, N00000004 denied"
	$(BIN)/edi837 remit fixtures/demo/remit.835
	@echo; echo "== 6/8 reconcile: the 835 recorded in the ledger, each payment tied to the claim and line we sent"
	$(BIN)/edi837 reconcile fixtures/demo/remit.835 --ledger $(DEMO)/ledger.sqlite --as-of 2026-03-02 \
		--format json --out $(DEMO)/reconciled.json
	@echo; echo "== 7/8 claims: the work queue: every claim's state, money and next action"
	$(BIN)/edi837 claims --ledger $(DEMO)/ledger.sqlite --as-of 2026-03-02
	@echo; echo "== 8/8 report: the month's billing and remittances as one page (the sample profile sends test batches)"
	$(BIN)/edi837 report --ledger $(DEMO)/ledger.sqlite --month 2026-01 --test --as-of 2026-03-02 \
		--out $(DEMO)/report.html
	@echo; echo "demo: everything is in $(DEMO)/ (claims.837, validate.999, ledger.sqlite, reconciled.json)"
	@echo "demo: the month's report is $(abspath $(DEMO)/report.html)"

test: pytest lint typecheck

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check edi837 tests tools bench docs/examples
	$(BIN)/ruff format --check edi837 tests tools bench docs/examples

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench --out build/bench.md

# The growth table of docs/benchmarks.md (10k, 100k and 1M for build, check, remit, reconcile,
# validate): slow, so apart from `make bench`.
bench-growth: $(STAMP)
	$(BIN)/python -m bench --only growth --out build/bench-growth.md

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
