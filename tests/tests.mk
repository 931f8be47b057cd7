# tests/tests.mk - Criterion unit tests, the equation ledger, and `make test`.
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_BIN := $(BIN)/unit_tests
TEST_RESULTS := $(BUILD)/tests/results.tsv
CRITERION_LIBS = $(shell pkg-config --libs criterion)

$(OBJ)/tests/%.o: tests/%.c $(CC_STAMP) | $(SETUP_STAMP)
	$(call compile)
# the tests' header dependencies too (src/build.mk includes only $(OBJ)/*.d): a test
# compiled against an old struct layout crashes at run time
-include $(wildcard $(OBJ)/tests/*.d)

$(TEST_BIN): $(patsubst tests/%.c,$(OBJ)/tests/%.o,$(TEST_SRC)) $(call modules,$(LIB_MODULES))
	mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ $(CRITERION_LIBS) $(BLAS_LIBS) -lnettle -lm -o $@.tmp
	mv $@.tmp $@

# The JSON report is kept even when tests fail, so the paper's ledger shows
# the failures; `make test` is what turns them into a non-zero exit.
$(BUILD)/tests/criterion.json: $(TEST_BIN)
	mkdir -p $(@D)
	cd $(@D)
	status=0
	$(abspath $(TEST_BIN)) --jobs=2 --json=criterion.json.tmp > criterion.log 2>&1 || status=$$?
	test -s criterion.json.tmp || { cat criterion.log >&2; echo "tests: Criterion wrote no report" >&2; exit 1; }
	mv criterion.json.tmp criterion.json
	echo "criterion: exit status $$status (log: $(@D)/criterion.log)" >&2

$(TEST_RESULTS): $(BUILD)/tests/criterion.json
	jq -r '.test_suites[] | .name as $$s | .tests[] | "\($$s)::\(.name)\t\(.status)"' $< | sort > $@.tmp
	mv $@.tmp $@

## unit-tests: the Criterion unit tests alone (build/tests/results.tsv)
unit-tests: $(TEST_RESULTS)
	awk -F'\t' '$$2 != "PASSED" { print "FAILED: " $$1; bad = 1 } END { exit bad }' $<
.PHONY: unit-tests

## ledger-check: every non-pending ledger row names tests that exist and passed
ledger-check: $(TEST_RESULTS)
	tests/ledger.sh check tests/ledger.tsv $<
.PHONY: ledger-check

# Unit tests, the ledger, then a whole quick-scale run of the DAG in a
# temporary build directory with verify and the pipeline's own checks.
## test: unit tests, the ledger, and the quick DAG end to end with verify and fault checks
test: $(TEST_RESULTS) $(MNIST_STAMP) | $(SETUP_STAMP)
	tests/run.sh $(TEST_RESULTS) $(MNIST)
.PHONY: test

# The unit tests once more under AddressSanitizer and UBSan (with -Werror), in
# their own build directory; make test runs it through tests/faults.sh. Any
# memory error or undefined behaviour stops the run (halt_on_error, no UBSan
# recovery), and so does a leak (LeakSanitizer: every test frees what it
# allocates).
ASAN_BUILD := $(BUILD)/asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -Werror
## asan-unit: the unit tests under AddressSanitizer, UBSan and LeakSanitizer (-Werror), in build/asan
asan-unit: | $(SETUP_STAMP)
	$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) SCALE=$(SCALE) CFLAGS_EXTRA='$(ASAN_FLAGS)' $(ASAN_BUILD)/bin/unit_tests
	ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(ASAN_BUILD)/bin/unit_tests --jobs=2 > $(ASAN_BUILD)/unit.log 2>&1 || { tail -n 40 $(ASAN_BUILD)/unit.log >&2; exit 1; }
	if grep -E 'runtime error|AddressSanitizer|LeakSanitizer' $(ASAN_BUILD)/unit.log >&2; then exit 1; fi
	tail -n 1 $(ASAN_BUILD)/unit.log
.PHONY: asan-unit

include tests/fuzz.mk

# Mutation testing (tests/mutants.tsv, tests/mutants.sh): each named bug of the
# physics, the statistics and the verifier, built into the unit tests from the
# unchanged objects plus the one mutated file, must make a test fail. A survivor
# fails the target, except a mutant marked pending (its killing test is owed by
# the issue named in the table). MUT_ONLY=REGEX runs a subset.
## mutants: every mutant of tests/mutants.tsv must be killed by the unit tests
MUTANTS_TABLE ?= tests/mutants.tsv
MUTANTS_DIR ?= $(BUILD)/mutants
mutants: $(TEST_BIN) $(MUTANTS_TABLE) tests/mutants.sh | $(SETUP_STAMP)
	MUT_CC='$(CC)' MUT_CFLAGS='$(BLAS_CFLAGS) $(CFLAGS)' MUT_LIBS='$(CRITERION_LIBS) $(BLAS_LIBS) -lnettle -lm' \
	  tests/mutants.sh $(MUTANTS_TABLE) $(MUTANTS_DIR) $(patsubst tests/%.c,$(OBJ)/tests/%.o,$(TEST_SRC)) $(call modules,$(LIB_MODULES))
.PHONY: mutants
