# src/build.mk - compile the C library and programs into $(BUILD)/bin.
# No -ffast-math and no FMA contraction: results must be bit-reproducible.
CC := gcc
CFLAGS := -std=gnu11 -O3 -g -Wall -Wextra -Wshadow -ffp-contract=off -fno-fast-math
# CI (which sets CI=true) turns warnings into errors; CFLAGS_EXTRA adds flags to
# compile and link, e.g. the sanitizer build of tests/tests.mk.
CFLAGS += $(if $(filter true,$(CI)),-Werror) $(CFLAGS_EXTRA)
# Recursive (=) so pkg-config runs after the set-up stamp has installed OpenBLAS.
BLAS_CFLAGS = $(shell pkg-config --cflags openblas)
BLAS_LIBS = $(shell pkg-config --libs openblas)
BIN := $(BUILD)/bin
OBJ := $(BUILD)/obj

# Library modules, and for each program the modules it links: a program is
# relinked (and its experiment re-run) only when code it uses changes.
# the shared pieces (util.h includes their headers): errors and allocation, subcommands,
# parameter files, atomic outputs, provenance, tables, numbers files, progress
UTIL := base command conf out prov table numbers progress blasinfo
LIB_MODULES := $(UTIL) idx mlp thermo gauss_exact gauss_ensemble fvbm stats sgdnoise fig51_shard fig51_stats linalg expfam
LIB_MODULES += bm_learn chains numfile judge
PROGRAMS := mnist_stats numcheck fig51 bench identities ppm_gauss bm
DEPS_mnist_stats := $(UTIL) idx
DEPS_numcheck := $(UTIL) numfile judge
DEPS_fig51 := $(UTIL) idx mlp stats sgdnoise fig51_shard fig51_stats
DEPS_bench := $(UTIL) idx mlp fvbm thermo
DEPS_identities := $(UTIL) thermo chains
DEPS_ppm_gauss := $(UTIL) thermo gauss_exact gauss_ensemble stats
DEPS_bm := $(UTIL) idx thermo fvbm bm_learn stats linalg expfam
# seedspread: the seed-to-seed spread of the EBM's numbers (data/data.mk)
PROGRAMS += seedspread
DEPS_seedspread := $(UTIL) numfile
# envinfo: the OpenBLAS kernel, its measured sgemm rate and the advice on a generic kernel
LIB_MODULES += costfit
PROGRAMS += envinfo
DEPS_envinfo := $(UTIL)
# costmodel: the Fig. 5.1 shards' cost model (cluster/cost.sh) on fig51 plan's features
PROGRAMS += costmodel
DEPS_costmodel := $(UTIL) linalg costfit
# figcheck: the figure rules that can be measured (font sizes at print size, overlapping
# text) on the built SVG and PDF figures (tests/figcheck.sh)
LIB_MODULES += figtext
PROGRAMS += figcheck
DEPS_figcheck := $(UTIL) figtext
# conf_get: make reads parameter files through the C parser (data/data.mk)
PROGRAMS += conf_get
DEPS_conf_get := $(UTIL)
# Energy-based model on MNIST with an exact sampler, and its exact case (src/prog/ebm_run.c)
LIB_MODULES += ebm ebm_train ebm_eval ebm_exact
PROGRAMS += ebm_run
DEPS_ebm_run := $(UTIL) idx mlp stats ebm ebm_train ebm_eval ebm_exact
# ebm.c's elementwise loops (SiLU, Box-Muller on src/lib/vmath.h) vectorise only if
# a float compare may be if-converted and sqrtf need not set errno. Neither
# flag changes a single result: no reassociation, no contraction, the same IEEE
# operation per element whatever the vector width.
CFLAGS_ebm := -fno-trapping-math -fno-math-errno
DEPS_bench += ebm
modules = $(patsubst %,$(OBJ)/%.o,$(1))

# One compile recipe for the library, the programs and the tests (tests/tests.mk):
# dependency file beside the object, written to a temporary name then renamed.
define compile
	mkdir -p $(@D)
	$(CC) $(BLAS_CFLAGS) $(CFLAGS) -Isrc/lib $(1) -MMD -MP -MF $(@:.o=.d) -MT $@ -c $< -o $@.tmp
	mv $@.tmp $@
endef

# src/lib: the library; src/prog: one program per experiment; src/tools: the
# verifier, the benchmarks and the build's helpers (src/README). Object names are
# unique across the three folders, so the objects share one directory. CFLAGS_<name>
# adds flags to one object (CFLAGS_ebm above).
$(OBJ)/%.o: src/lib/%.c | $(SETUP_STAMP)
	$(call compile,$(CFLAGS_$*))
$(OBJ)/%.o: src/prog/%.c | $(SETUP_STAMP)
	$(call compile,$(CFLAGS_$*))
$(OBJ)/%.o: src/tools/%.c | $(SETUP_STAMP)
	$(call compile,$(CFLAGS_$*))

.SECONDEXPANSION:
$(BIN)/%: $(OBJ)/%.o $$(call modules,$$(DEPS_$$*))
	mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ $(BLAS_LIBS) -lnettle -lm -o $@.tmp
	mv $@.tmp $@

# Code identity: what an experiment depends on is the code its program runs, not
# the time it was linked. $(call code_id,P) holds the SHA-256 of $(BIN)/P without
# debug information and build id (tools/codeid.sh), rewritten only when it changes.
# The ids are brought up to date while make remakes its makefiles: the included
# $(CODE)/ids.mk depends on every program that has an id, so make first relinks
# those that changed, then codeid.sh rewrites the ids whose code changed, and make
# restarts and plans the experiments against the ids alone. A comment edit thus
# relinks and re-runs nothing, and make -q stays true afterwards (no experiment
# hangs on a binary's time). A program without an id yet gets one when it is built,
# and ids.mk is touched then, so that it stays newer than every binary it lists.
CODE := $(BUILD)/stamps/code
code_id = $(CODE)/$(1).id
$(CODE)/%.id: | $(BIN)/%
	@tools/codeid.sh $(BIN)/$* $@
	touch $(CODE_IDS)
.PRECIOUS: $(CODE)/%.id
CODE_IDS := $(CODE)/ids.mk
$(CODE_IDS): $(patsubst $(CODE)/%.id,$(BIN)/%,$(wildcard $(CODE)/*.id)) tools/codeid.sh tools/stamp.sh
	@mkdir -p $(@D)
	for p in $(patsubst $(BIN)/%,%,$(filter $(BIN)/%,$^)); do tools/codeid.sh $(BIN)/$$p $(CODE)/$$p.id; done
	echo '# code identities checked (src/build.mk); make restarts after this file changes' > $@.tmp
	mv $@.tmp $@
# (not for clean, nor for a goal that only reads: READ_ONLY in the Makefile)
ifeq ($(filter clean,$(MAKECMDGOALS))$(READ_ONLY),)
include $(CODE_IDS)
endif

# The same sources under a second compiler: clang-14 (installed for the fuzzers)
# with the warnings of CFLAGS as errors; make test runs it.
## clang-check: every C source compiled by clang-14 with -Werror (syntax and warnings only)
clang-check: | $(SETUP_STAMP)
	for f in src/*/*.c tests/test_*.c; do
	  clang-14 -std=gnu11 -Wall -Wextra -Wshadow -Werror -fsyntax-only $(BLAS_CFLAGS) -Isrc/lib $$f || exit 1
	done
	echo "clang-check: $$(ls src/*/*.c tests/test_*.c | wc -l) sources clean under clang-14 -Werror"
.PHONY: clang-check

## programs: compile every C program into $(BUILD)/bin
programs: $(addprefix $(BIN)/,$(PROGRAMS))
.PHONY: programs
# Keep the objects make would otherwise treat as intermediate (and delete);
# never a bare .SECONDARY:, which would let a deleted data file stay missing.
.SECONDARY: $(call modules,$(LIB_MODULES) $(PROGRAMS))
# objects recompile when the compiler, its flags or the libraries' headers change
CC_STAMP = $(call stamp,cc,$(CC) $(shell $(CC) -dumpfullversion 2>/dev/null) | $(CFLAGS) | openblas $(call pkg_version,libopenblas-dev) | criterion $(call pkg_version,libcriterion-dev))
$(call modules,$(LIB_MODULES) $(PROGRAMS)): $(CC_STAMP)
-include $(wildcard $(OBJ)/*.d)

# Performance of the hot paths, each against the same-run sgemm peak; when the
# Debian package python3-torch is present (the project does not install it),
# the same SGD step in PyTorch is timed in the same run and the ratios printed.
## bench: hot paths against the same-run sgemm peak (and PyTorch when present)
# $$(MNIST_STAMP): data/data.mk, included later, defines it (secondary expansion).
bench: $(BIN)/bench $$(MNIST_STAMP) src/tools/bench_torch.py
	$(BIN)/bench $(MNIST) $$(nproc) | tee $(BUILD)/bench.tsv
	if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
	  /usr/bin/python3 src/tools/bench_torch.py | tail -n +2 | tee -a $(BUILD)/bench.tsv
	  awk -F'\t' '$$1 ~ /^(step_b[0-9]+|langevin_step|ebm_update)$$/ { c[$$1] = $$2 } $$1 ~ /^torch_(step_b|langevin_step|ebm_update)/ { t[substr($$1, 7)] = $$2 }
	    END { for (k in c) if (k in t) printf "# %s: %.1fx faster than PyTorch at its best thread count\n", k, t[k] / c[k] }' $(BUILD)/bench.tsv | sort
	else
	  echo "# PyTorch comparison skipped: the Debian package python3-torch is not installed"
	fi
.PHONY: bench
