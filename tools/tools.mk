# tools/tools.mk - reviewer tools: per-target timings, the DAG as a picture,
# `make audit`, `make dist`/`distcheck`, `make compare`, `make report`. Each
# fragment owns its targets: this one adds no prerequisite to another's.

# ---- Per-target timings ------------------------------------------------------
# Every heavy recipe runs through LAUNCH, which the Makefile wraps in tools/timed;
# the heavy targets are data/data.mk's HEAVY_TARGETS.
export TOOLS_HEAVY_N := $(words $(HEAVY_TARGETS))
export TOOLS_MAKE_START := $(shell date +%s)

$(B)/timings.tsv: $(HEAVY_TARGETS) tools/timings.sh
	tools/timings.sh $(B)/timings $(B) > $@.tmp
	mv $@.tmp $@

## report: per-target wall time, CPU time and peak memory of this build's experiments, and the total
report: $(B)/timings.tsv
	@column -t -s $$'\t' $<
	@awk -F'\t' 'NR > 1 { n++; w += $$2; c += $$3; if ($$4 > m) m = $$4 }
	  END { printf "total: %d targets, %.1f s wall (summed), %.1f s CPU, peak %.0f MB\n", n, w, c, m }' $<
.PHONY: report

# ---- One build directory per parameter set -----------------------------------
# The Makefile keys B by the parameter set's path. When BUILD is given on the
# command line two sets may share a directory: data/data.mk's params-id files
# then rebuild whatever the other set wrote, so switching is safe either way.

# ---- The DAG as a picture ------------------------------------------------------
# make -Bnd of `make paper` at this scale, drawn by makefile2graph and graphviz;
# the HTML's provenance appendix shows it.
# (the committed makefiles: generated fragments under $(BUILD), ids.mk among them, change with builds)
TOOLS_MAKEFILES := $(filter-out %.d $(BUILD)/%,$(MAKEFILE_LIST))
$(B)/graph.svg: $(TOOLS_MAKEFILES) tools/graph.sh $(wildcard $(PARAMS)/*.conf) | $(SETUP_STAMP)
	mkdir -p $(@D)
	tools/graph.sh $(BUILD) $(SCALE) $@.tmp $(B)/graph.dot $(PARAMS)
	mv $@.tmp $@
## graph: the build's DAG as an SVG (build/<scale>/graph.svg), node shapes by kind
graph: $(B)/graph.svg
	@echo "graph: $< ($$(grep -c -- '->' $(B)/graph.dot) edges)"
.PHONY: graph
# The same DAG with one node per kind of target (experiments, merges, data, figures,
# numbers, checks, paper), drawn from graph.dot: the paper shows it and links graph.svg.
$(B)/rulegraph.svg $(B)/rulegraph.pdf &: $(B)/graph.svg tools/rulegraph.sh
	tools/rulegraph.sh $(B)/graph.dot $(B)/rulegraph.svg $(B)/rulegraph.pdf
$(B)/appendix.md: $(B)/timings.tsv $(B)/graph.svg $(B)/rulegraph.svg tools/timings.sh

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
dist: $(B)/paper.pdf $(B)/paper.html $(B)/timings.tsv $(B)/graph.svg $(B)/rulegraph.svg
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
# EBM classifier, whitening and replicas, the kernel stamp, the code and parameter-set identities, which
# the unpacked tree writes anew (it compiles its own programs; only numcheck and envinfo, which reports
# this machine's kernel in the summary make paper prints, are used).
# (dist-oldfiles: internal, for tools/distcheck.sh)
dist-oldfiles:
	@echo $(addprefix $(BIN)/,$(filter-out numcheck envinfo,$(PROGRAMS))) $(foreach p,$(filter-out numcheck envinfo,$(PROGRAMS)),$(call code_id,$(p))) \
	  $(MNIST_STAMP) $(FIG51_ALL_SHARDS) $(EBM_CLF) $(EBM_WHITEN) $(EBM_REPLICA_FILES) $(STAMPS)/kernel $(call params_id,*)
.PHONY: dist-oldfiles
