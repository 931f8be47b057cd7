# tools/tools.mk - reviewer tools: per-target timings, rebuild stamps for flags, tool
# versions and the BLAS kernel, one build directory per parameter set, the DAG as a
# picture, `make audit`, `make dist`/`distcheck`, `make compare`, `make report`.
# Included last (it adds prerequisites to targets the other fragments define).

# ---- Per-target timings ------------------------------------------------------
# Every heavy recipe runs through LAUNCH; the timer goes between the caller's
# prefix (e.g. LAUNCH='srun -c1') and the program, so it measures the program
# where it runs. TIME_WRAP= (empty) turns it off.
# (the caller's LAUNCH is kept unexpanded: '$(SRUN)' and '$(MEASURE)' name
# target-specific resources, expanded only inside each recipe)
$(eval TOOLS_LAUNCH = $(value LAUNCH))
TIME_WRAP ?= tools/timed $(B)/timings $@ --
override LAUNCH = $(TOOLS_LAUNCH) $(TIME_WRAP)
# the heavy targets: one per shard of each Fig. 5.1 ensemble (fig51 and, where the
# scale has it, fig51deep), one per EBM replica and one per other experiment (the
# merges and the EBM spreads run without LAUNCH)
TOOLS_HEAVY := $(fig51_SHARDS) $(fig51deep_SHARDS) $(EBM_REPLICA_FILES) \
  $(filter-out %/fig51.tsv %/fig51deep.tsv $(B)/numbers/ebm_spread_%,$(NUMBERS))
export TOOLS_HEAVY_N := $(words $(TOOLS_HEAVY))
export TOOLS_MAKE_START := $(shell date +%s)

$(B)/timings.tsv: $(TOOLS_HEAVY) tools/timings.sh
	tools/timings.sh $(B)/timings $(B) > $@.tmp
	mv $@.tmp $@

## report: per-target wall time, CPU time and peak memory of this build's experiments, and the total
report: $(B)/timings.tsv
	@column -t -s $$'\t' $<
	@awk -F'\t' 'NR > 1 { n++; w += $$2; c += $$3; if ($$4 > m) m = $$4 }
	  END { printf "total: %d targets, %.1f s wall (summed), %.1f s CPU, peak %.0f MB\n", n, w, c, m }' $<
.PHONY: report

# ---- Rebuild stamps: a change of flags, tool version or BLAS kernel ----------
# Each stamp is rewritten (at parse time) only when its text changes, and what
# depends on it is rebuilt then: objects on the compiler and its flags, every
# experiment on the BLAS kernel selection (OpenBLAS version, OPENBLAS_CORETYPE,
# OPENBLAS_L2_SIZE, the CPU), figures on gnuplot, the paper on Pandoc and LaTeX.
STAMPS := $(BUILD)/stamps
tools_pkg = $(shell dpkg-query -W -f='$${Version}' $(1) 2>/dev/null)
tools_cpu := $(shell sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); flags $(shell grep -m1 '^flags' /proc/cpuinfo | sha256sum | cut -c1-12)
STAMP_TEXT_cc := $(CC) $(shell $(CC) -dumpfullversion 2>/dev/null) | $(CFLAGS) | openblas $(call tools_pkg,libopenblas-dev) | criterion $(call tools_pkg,libcriterion-dev)
STAMP_TEXT_kernel := openblas $(call tools_pkg,libopenblas0-pthread) | OPENBLAS_CORETYPE=$(OPENBLAS_CORETYPE) OPENBLAS_L2_SIZE=$(OPENBLAS_L2_SIZE) | $(tools_cpu)
STAMP_TEXT_gnuplot := gnuplot $(call tools_pkg,gnuplot-nox)
STAMP_TEXT_pandoc := pandoc $(call tools_pkg,pandoc) | texlive $(call tools_pkg,texlive-latex-recommended)
$(foreach s,cc kernel gnuplot pandoc,$(shell tools/stamp.sh $(STAMPS)/$(s) '$(STAMP_TEXT_$(s))'))

$(call modules,$(LIB_MODULES) $(PROGRAMS)) $(patsubst tests/%.c,$(OBJ)/tests/%.o,$(TEST_SRC)): $(STAMPS)/cc
$(TOOLS_HEAVY) $(NUMBERS): $(STAMPS)/kernel
$(FIG_PDF) $(FIG_SVG): $(STAMPS)/gnuplot
$(B)/paper.pdf $(B)/paper.html: $(STAMPS)/pandoc
# a changed lock file re-runs the set-up, which compares it with what is installed
$(SETUP_STAMP): env/versions.lock tools/versions.sh

# ---- One build directory per parameter set -----------------------------------
# The Makefile keys B by the parameter set's path. When BUILD is given on the
# command line two sets may share a directory: data/data.mk's params-id files
# then rebuild whatever the other set wrote, so switching is safe either way.

# ---- The DAG as a picture ------------------------------------------------------
# make -Bnd of `make paper` at this scale, drawn by makefile2graph and graphviz;
# the HTML's provenance appendix shows it.
TOOLS_MAKEFILES := $(filter-out %.d,$(MAKEFILE_LIST))
$(B)/graph.svg: $(TOOLS_MAKEFILES) tools/graph.sh $(wildcard $(PARAMS)/*.conf) | $(SETUP_STAMP)
	mkdir -p $(@D)
	tools/graph.sh $(BUILD) $(SCALE) $@.tmp $(B)/graph.dot $(PARAMS)
	mv $@.tmp $@
## graph: the build's DAG as an SVG (build/<scale>/graph.svg), node shapes by kind
graph: $(B)/graph.svg
	@echo "graph: $< ($$(grep -c -- '->' $(B)/graph.dot) edges)"
.PHONY: graph
$(B)/appendix.md: $(B)/timings.tsv $(B)/graph.svg tools/timings.sh

# ---- Audit one figure ------------------------------------------------------------
## audit: FIG=<name>: rebuild one figure and its data from the committed sources in a temporary directory; compare with its caption and data/reference
audit: $(BIN)/numcheck | $(SETUP_STAMP)
	@test -n "$(FIG)" || { echo "audit: say which figure: make audit FIG=<name> (one of: $(FIGURES))" >&2; exit 2; }
	@test -n "$(filter $(FIG),$(FIGURES))" || { echo "audit: unknown figure '$(FIG)' (one of: $(FIGURES))" >&2; exit 2; }
	@if [ -z "$(PROV)" ] && [ ! -f $(B)/figures/$(FIG).prov ]; then
	  echo "audit: no caption to audit yet: building $(B)/figures/$(FIG).prov (the caption's provenance)" >&2
	  $(MAKE) --no-print-directory SCALE=$(SCALE) $(B)/figures/$(FIG).prov $(B)/figures/$(FIG).pdf >&2
	fi
	tools/audit.sh $(FIG) $(SCALE) "$(or $(PROV),$(B)/figures/$(FIG).prov)" $(B) $(BIN)/numcheck $(MNIST)
.PHONY: audit

# ---- A byte-reproducible archive ---------------------------------------------------
DIST := $(BUILD)/dist
## dist: byte-reproducible archive build/dist/<name>-<commit>-<scale>.tar.gz of the commit plus this scale's outputs
dist: $(B)/paper.pdf $(B)/paper.html $(B)/timings.tsv $(B)/graph.svg
	tools/dist.sh $(SCALE) $(B) $(DIST)
## distcheck: unpack the archive offline, make verify and make paper from its data; two dists give identical bytes
distcheck: dist
	tools/distcheck.sh $(SCALE) $(B) $(DIST) $(BUILD)
.PHONY: dist distcheck

# ---- Two builds side by side ---------------------------------------------------------
## compare: OLD=dir NEW=dir: the numbers that differ between two builds (build/<scale> directories), with their tolerances; writes into neither
# (OLD/NEW, not A/B: B is this build's directory. Read-only: see READ_ONLY in the Makefile.)
compare: $(BIN)/numcheck
	tools/compare.sh "$(OLD)" "$(NEW)" $(BIN)/numcheck
.PHONY: compare

# Files distcheck treats as old (make -o) in the unpacked archive, so that the archived
# data stand and no experiment re-runs: the experiment programs, MNIST, the shards, the
# EBM classifier and replicas, the kernel stamp, the code and parameter-set identities, which
# the unpacked tree writes anew (it compiles its own programs; only numcheck is used).
dist-oldfiles:
	@echo $(addprefix $(BIN)/,$(filter-out numcheck,$(PROGRAMS))) $(foreach p,$(filter-out numcheck,$(PROGRAMS)),$(call code_id,$(p))) \
	  $(MNIST_STAMP) $(FIG51_SHARDS) $(fig51deep_SHARDS) $(EBM_CLF) $(EBM_REPLICA_FILES) $(STAMPS)/kernel $(call params_id,*)
.PHONY: dist-oldfiles
