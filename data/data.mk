# data/data.mk - verified MNIST, then every experiment that writes data files.
# Each experiment appends its numbers file to NUMBERS; paper and verify use them.
MNIST := $(BUILD)/mnist
MNIST_STAMP := $(MNIST)/verified.stamp
NUMBERS :=

# Set MNIST_DIR=/path to use a local copy (plain or .gz IDX files).
$(MNIST_STAMP): data/SHA256SUMS data/fetch-mnist.sh | $(SETUP_STAMP)
	mkdir -p $(MNIST)
	data/fetch-mnist.sh $(MNIST) data/SHA256SUMS
	touch $@
mnist: $(MNIST_STAMP)
.PHONY: mnist

# Short hash of a parameter file, exported into the provenance block.
params_sha = PROV_PARAMS_SHA=$$(sha256sum $(1) | cut -c1-16)

# ---- Data section: class means and counts --------------------------------
MNIST_DATA := $(B)/data/mnist_mean.tsv $(B)/data/mnist_counts.tsv
$(MNIST_DATA) $(B)/numbers/mnist.tsv &: $(BIN)/mnist_stats $(MNIST_STAMP)
	mkdir -p $(B)/data $(B)/numbers
	$(LAUNCH) $(BIN)/mnist_stats $(MNIST) $(MNIST_DATA) $(B)/numbers/mnist.tsv
NUMBERS += $(B)/numbers/mnist.tsv


# ---- Fig. 5.1: the MNIST ensemble (src/fig51.c) ----------------------------
# The parameter file drives the shard list: one target per (batch size, shard
# of trials_per_shard trials); shards with the heavy noise trials come first
# so that make -j balances. The merge checks every trial appears once.
FIG51_CONF := $(PARAMS)/fig51.conf
conf_value = $(shell sed -n 's/^$(2) *= *\([^ #]*\).*/\1/p' $(1))
FIG51_BS := $(shell echo '$(call conf_value,$(FIG51_CONF),batch_sizes)' | tr , '\n' | sort -rn)
FIG51_NSHARD := $(shell echo $$(( ($(call conf_value,$(FIG51_CONF),trials) + $(call conf_value,$(FIG51_CONF),trials_per_shard) - 1) / $(call conf_value,$(FIG51_CONF),trials_per_shard) )))
FIG51_SHARDS := $(foreach s,$(shell seq 0 $$(( $(FIG51_NSHARD) - 1 ))),$(foreach b,$(FIG51_BS),$(B)/fig51/b$(b)_s$(s).tsv))
FIG51_DATA := $(addprefix $(B)/data/fig51_,param.tsv acc.tsv noise.tsv acf.tsv)

$(B)/fig51/b%.tsv: $(BIN)/fig51 $(FIG51_CONF) $(MNIST_STAMP)
	mkdir -p $(@D)
	name=$*; bs=$${name%_s*}; shard=$${name#*_s}
	$(call params_sha,$(FIG51_CONF)) $(LAUNCH) $(BIN)/fig51 run $(FIG51_CONF) $(MNIST) $$bs $$shard $@

$(FIG51_DATA) $(B)/numbers/fig51.tsv &: $(BIN)/fig51 $(FIG51_SHARDS)
	mkdir -p $(B)/data $(B)/numbers
	$(call params_sha,$(FIG51_CONF)) $(BIN)/fig51 merge $(FIG51_CONF) $(B)/data $(B)/numbers/fig51.tsv $(FIG51_SHARDS)
NUMBERS += $(B)/numbers/fig51.tsv

# ---- Residuals of the information-theoretic statements (src/identities.c) ---
$(B)/numbers/identities.tsv: $(BIN)/identities $(PARAMS)/identities.conf
	mkdir -p $(@D)
	$(call params_sha,$(PARAMS)/identities.conf) $(LAUNCH) $(BIN)/identities $(PARAMS)/identities.conf $@
NUMBERS += $(B)/numbers/identities.tsv

# ---- Gaussian PPM ensemble (src/ppm_gauss.c) --------------------------------
GAUSS_DATA := $(B)/data/gauss_moments.tsv $(B)/data/gauss_ep.tsv $(B)/data/gauss_tausweep.tsv
$(GAUSS_DATA) $(B)/numbers/gauss.tsv &: $(BIN)/ppm_gauss $(PARAMS)/gauss.conf
	mkdir -p $(B)/data $(B)/numbers
	$(call params_sha,$(PARAMS)/gauss.conf) $(LAUNCH) $(BIN)/ppm_gauss $(PARAMS)/gauss.conf $(GAUSS_DATA) $(B)/numbers/gauss.tsv
NUMBERS += $(B)/numbers/gauss.tsv

# ---- Boltzmann machine (src/bm.c) -----------------------------------------
BM_TRAIN := $(B)/data/bm_train.tsv
$(BM_TRAIN) $(B)/numbers/bm_train.tsv &: $(BIN)/bm $(PARAMS)/bm_train.conf $(MNIST_STAMP)
	mkdir -p $(B)/data $(B)/numbers
	$(call params_sha,$(PARAMS)/bm_train.conf) $(LAUNCH) $(BIN)/bm train $(PARAMS)/bm_train.conf $(MNIST) $(BM_TRAIN) $(B)/numbers/bm_train.tsv
NUMBERS += $(B)/numbers/bm_train.tsv

BM_GRID := $(B)/data/bm_grid.tsv
$(BM_GRID) $(B)/numbers/bm_grid.tsv &: $(BIN)/bm $(PARAMS)/bm_grid.conf $(MNIST_STAMP)
	mkdir -p $(B)/data $(B)/numbers
	$(call params_sha,$(PARAMS)/bm_grid.conf) $(LAUNCH) $(BIN)/bm grid $(PARAMS)/bm_grid.conf $(MNIST) $(BM_GRID) $(B)/numbers/bm_grid.tsv
NUMBERS += $(B)/numbers/bm_grid.tsv

# Local detailed balance (Eq 39) of the sampler kernel: no data, exact chain law.
BM_LDB := $(B)/data/bm_ldb.tsv
$(BM_LDB) $(B)/numbers/bm_ldb.tsv &: $(BIN)/bm $(PARAMS)/bm_ldb.conf
	mkdir -p $(B)/data $(B)/numbers
	$(call params_sha,$(PARAMS)/bm_ldb.conf) $(LAUNCH) $(BIN)/bm ldb $(PARAMS)/bm_ldb.conf $(BM_LDB) $(B)/numbers/bm_ldb.tsv
NUMBERS += $(B)/numbers/bm_ldb.tsv

# ---- Langevin energy-based model on MNIST (src/ebm_run.c) ------------------
# The digit classifier that scores the samples is trained once (a cached
# artefact); one run per tau of the parameter file, each its own make target.
EBM_CONF := $(PARAMS)/ebm.conf
EBM_TAUS := $(shell sed -n 's/^taus *= *\([0-9, ]*\).*/\1/p' $(EBM_CONF) | tr -d ' ' | tr , ' ')
EBM_CLF := $(B)/ebm/classifier.bin
EBM_TRACES := $(foreach t,$(EBM_TAUS),$(B)/data/ebm_trace_tau$(t).tsv)
$(EBM_CLF) $(B)/numbers/ebm_setup.tsv &: $(BIN)/ebm_run $(EBM_CONF) $(MNIST_STAMP)
	mkdir -p $(B)/ebm $(B)/numbers
	$(call params_sha,$(EBM_CONF)) $(LAUNCH) $(BIN)/ebm_run classifier $(EBM_CONF) $(MNIST) $(EBM_CLF) $(B)/numbers/ebm_setup.tsv
NUMBERS += $(B)/numbers/ebm_setup.tsv

# One run writes four files; explicit grouped targets per tau ($$ defers to recipe time).
ebm_outs = $(B)/data/ebm_trace_tau$(1).tsv $(B)/data/ebm_samples_tau$(1).tsv $(B)/data/ebm_quality_tau$(1).tsv $(B)/numbers/ebm_tau$(1).tsv
define ebm_rule
$(call ebm_outs,$(1)) &: $(BIN)/ebm_run $(EBM_CONF) $(EBM_CLF) $(MNIST_STAMP)
	mkdir -p $$(B)/data $$(B)/numbers
	$$(call params_sha,$$(EBM_CONF)) $$(LAUNCH) $$(BIN)/ebm_run train $$(EBM_CONF) $$(MNIST) $$(EBM_CLF) $(1) $$(call ebm_outs,$(1))
endef
$(foreach t,$(EBM_TAUS),$(eval $(call ebm_rule,$(t))))
NUMBERS += $(foreach t,$(EBM_TAUS),$(B)/numbers/ebm_tau$(t).tsv)
