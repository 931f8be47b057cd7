# cluster/cluster.mk - per-target resources for the heavy recipes, Slurm
# launchers, the learning-rate x batch-size sweep (SCALE=sweep) and test-slurm.
#
# Every heavy recipe runs through $(LAUNCH) (empty: run here). Each heavy target
# declares RES_CPUS, RES_MEM, RES_TIME (minutes) and RES_NAME as target-specific
# variables, so a launcher that names them gets each target's own values:
#   make -j64 LAUNCH='$(SRUN)' paper
# runs `srun -n1 -c1 --mem=300M -t 2 --job-name=fig51-b100-s3 ...` per shard.
# The Fig. 5.1 shards take theirs from the measured cost model (cluster/cost.sh,
# cluster/cost-model.tsv) and their parameter file; the other programs from the
# table below. Cores are 1 everywhere: BLAS runs single-threaded
# (OPENBLAS_NUM_THREADS=1) so that results never depend on threads.
COST_MODEL := cluster/cost-model.tsv
COST = BIN=$(BIN) cluster/cost.sh
SRUN_FLAGS ?=
SRUN = srun --quiet -n1 -c$(RES_CPUS) --mem=$(RES_MEM) -t $(RES_TIME) --job-name=$(RES_NAME) $(SRUN_FLAGS)
# LAUNCH='$(MEASURE)' runs here and appends "name wall_s user_s sys_s maxrss_kb" per job
MEASURE = cluster/measure.sh $(B)/cluster/measured.tsv $(RES_NAME)
RES_CPUS = 1
# A command-line LAUNCH would be exported, i.e. expanded for every recipe's
# environment, merges included; it is only meant for the heavy recipes.
unexport LAUNCH

# Programs other than fig51: memory (MB) and time limit (minutes) per scale.
# Measured with LAUNCH='$(MEASURE)' (quick, this machine: peak RSS <= 235 MB,
# each under 10 CPU s); the paper values scale the README's timings (the
# Boltzmann machine ~1.5 min) by 3 and keep the MNIST arrays' ~230 MB.
RES_mnist-stats := 400 2 400 5
RES_identities := 100 2 100 5
RES_gauss := 100 2 100 10
RES_bm-train := 400 2 400 10
RES_bm-grid := 400 2 400 10
RES_bm-ldb := 100 2 100 5
RES_bm-capacity := 100 2 100 5
# the EBM (measured at paper scale: up to 432 s per tau on a loaded machine)
RES_ebm-classifier := 400 2 400 10
RES_ebm-train := 500 2 500 30
RES_ebm-exact := 100 2 100 10
RES_ebm-shortrun := 500 2 500 10
res_of = $(word $(if $(filter paper,$(SCALE)),$(3),$(2)),$(RES_$(1)))
RES_PROGRAMS := mnist-stats identities gauss bm-train bm-grid bm-ldb bm-capacity ebm-classifier ebm-exact ebm-shortrun $(addprefix ebm-train-tau,$(EBM_TAUS))
$(MNIST_DATA) $(B)/numbers/mnist.tsv: RES_NAME = mnist-stats
$(B)/numbers/identities.tsv: RES_NAME = identities
$(GAUSS_DATA) $(B)/numbers/gauss.tsv: RES_NAME = gauss
$(BM_TRAIN) $(B)/numbers/bm_train.tsv: RES_NAME = bm-train
$(BM_GRID) $(B)/numbers/bm_grid.tsv: RES_NAME = bm-grid
$(BM_LDB) $(B)/numbers/bm_ldb.tsv: RES_NAME = bm-ldb
$(B)/numbers/bm_capacity.tsv: RES_NAME = bm-capacity
$(EBM_CLF) $(EBM_WHITEN) $(B)/numbers/ebm_setup.tsv: RES_NAME = ebm-classifier
$(B)/numbers/ebm_exact.tsv: RES_NAME = ebm-exact
$(EBM_SHORTRUN) $(B)/numbers/ebm_shortrun.tsv: RES_NAME = ebm-shortrun
# one job per tau, each named for it, all with the ebm-train row
$(foreach t,$(EBM_TAUS),$(eval RES_ebm-train-tau$(t) := $(RES_ebm-train))$(eval $(call ebm_outs,$(t)): RES_NAME = ebm-train-tau$(t)))
# a replica (other seeds, numbers only) is a job of its own that costs what its tau's run costs
$(foreach t,$(EBM_TAUS),$(foreach k,$(EBM_REPLICAS),$(eval RES_ebm-replica-tau$(t)-$(k) := $(RES_ebm-train))$(eval $(call ebm_rep,$(t),$(k)): RES_NAME = ebm-replica-tau$(t)-$(k))))
RES_PROGRAMS += $(foreach t,$(EBM_TAUS),$(foreach k,$(EBM_REPLICAS),ebm-replica-tau$(t)-$(k)))
# a heavy target without a row stops the launch instead of guessing
res_need = $(or $(call res_of,$(RES_NAME),$(1),$(2)),$(error $@: no resources declared for job '$(RES_NAME)': add RES_NAME and a RES_<name> row in cluster/cluster.mk))
RES_NAME = $(basename $(notdir $@))
RES_MEM = $(call res_need,1,3)M
RES_TIME = $(call res_need,2,4)

# Fig. 5.1 shards: one token name:cpus:mem:minutes:seconds per shard, computed
# once (lazily: only a launcher that names the variables pays for it) by
# cost.sh from fig51 plan and costmodel (data/data.mk: the shards wait for it).
# ($* would be the stem of data.mk's rule, so names come from $@: b100_s3)
shard_of = $(basename $(notdir $@))
define fig51_resources # $(1) = an ensemble of data/data.mk's FIG51_ENSEMBLES
$(1)_res_all = $$(eval $(1)_res_all := $$(shell $$(COST) resources $$(COST_MODEL) $$($(1)_CONF)))$$($(1)_res_all)
$(1)_res = $$(word $$(2),$$(subst :, ,$$(filter $$(1):%,$$($(1)_res_all))))
$$(B)/$(1)/%.tsv: RES_NAME = $(1)-$$(subst _,-,$$(shard_of))
$$(B)/$(1)/%.tsv: RES_MEM = $$(call $(1)_res,$$(shard_of),3)
$$(B)/$(1)/%.tsv: RES_TIME = $$(call $(1)_res,$$(shard_of),4)
endef
$(foreach e,$(FIG51_ENSEMBLES),$(eval $(call fig51_resources,$(e))))

# What each heavy target declares, and what the cost model expects of the
# Fig. 5.1 shards on NODES nodes of CORES cores (default: this machine).
NODES ?= 1
CORES ?= $(shell nproc)
## resources: each heavy target's cores, memory and time limit, and the cost plan on NODES x CORES
resources: $(BIN)/fig51 $(BIN)/costmodel
	@printf '%s\t%s\t%s\t%s\n' job cpus mem minutes
	@$(foreach r,$(RES_PROGRAMS),printf '%s\t1\t%sM\t%s\n' $(r) $(call res_of,$(r),1,3) $(call res_of,$(r),2,4);)
	@$(foreach c,$(foreach e,$(FIG51_ENSEMBLES),$($(e)_CONF)),$(COST) resources $(COST_MODEL) $(c) | awk -F: -v n=$(basename $(notdir $(c))) '{ gsub("_", "-", $$1); printf "%s-%s\t%s\t%s\t%s\n", n, $$1, $$2, $$3, $$4 }';)
	@$(COST) plan $(COST_MODEL) $(NODES) $(CORES) $(B)/fig51 $(FIG51_CONF)
# Refit the cost model on this machine (about 10 CPU seconds).
## cluster-calibrate: refit the Fig. 5.1 shard cost model on this machine (about 10 CPU seconds)
cluster-calibrate: $(BIN)/fig51 $(BIN)/costmodel $(MNIST_STAMP)
	cluster/calibrate.sh $(BIN)/fig51 $(MNIST) data/params/quick/fig51.conf $(COST_MODEL)
.PHONY: resources cluster-calibrate

# A single-node Slurm on localhost runs the quick scale and a tiny sweep; the
# numbers must equal a local run bit for bit. Needs root; installs its optional
# packages (slurm-wlm, munge: env/debian-packages-slurm.txt) on first use.
SETUP_SLURM_STAMP := $(BUILD)/.setup-slurm.stamp
$(SETUP_SLURM_STAMP): env/setup.sh env/debian-packages-slurm.txt | $(SETUP_STAMP)
	./env/setup.sh --slurm
	touch $@
## test-slurm: the quick scale through a throwaway single-node Slurm, checked against a local run (root)
test-slurm: $(MNIST_STAMP) | $(SETUP_STAMP) $(SETUP_SLURM_STAMP)
	cluster/test-slurm.sh $(MNIST)
.PHONY: test-slurm

include cluster/sweep.mk
