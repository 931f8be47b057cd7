# cluster/sweep.mk - the learning-rate x batch-size sweep of the Fig. 5.1
# ensemble (SCALE=sweep, parameters in data/params/sweep/): one fig51 ensemble
# per learning rate of sweep.conf, each the base fig51.conf with its rate
# replaced; every (rate, batch size, shard) is its own job.
#   make SCALE=sweep sweep-plan              cost model: core-hours, wall time
#   make SCALE=sweep -j64 LAUNCH='$(SRUN)' sweep   (prints the plan first)
# Outputs: $(B)/r<rate>/{numbers.tsv,data/} per rate, the table
# $(B)/data/sweep.tsv and the figure $(B)/figures/sweep.{pdf,svg}.
SWEEP_CONF := $(PARAMS)/sweep.conf
comma := ,
# the rates, read by the C parser into a generated fragment (as data/data.mk does)
ifeq ($(SCALE),sweep)
$(B)/sweep-rates.mk: $(call code_id,conf_get) $(SWEEP_CONF)
	mkdir -p $(@D)
	echo "SWEEP_RATES := $$($(BIN)/conf_get $(SWEEP_CONF) learning_rates | tr ',' ' ')" > $@.tmp
	mv $@.tmp $@
include $(B)/sweep-rates.mk
endif
SWEEP := $(B)
SWEEP_SHARD_NAMES = $(patsubst $(B)/fig51/%.tsv,%,$(FIG51_SHARDS))
sweep_shards = $(patsubst %,$(SWEEP)/shards/r$(1)/%.tsv,$(SWEEP_SHARD_NAMES))
SWEEP_NUMBERS = $(foreach r,$(SWEEP_RATES),$(SWEEP)/r$(r)/numbers.tsv)
SWEEP_TABLE := $(B)/data/sweep.tsv

# One parameter file per rate: the base file with learning_rate replaced (not
# remade when sweep.conf changes: adding a rate runs only the new rate's shards).
$(SWEEP)/conf/r%.conf: $(FIG51_CONF)
	mkdir -p $(@D)
	grep -q '^learning_rate *=' $< || { echo "$<: no key 'learning_rate' to replace for the sweep" >&2; exit 1; }
	sed 's/^learning_rate *=[^#]*/learning_rate = $* /' $< > $@.tmp
	mv $@.tmp $@

# Shards: stem r<rate>/b<batch>_s<shard>; resources as the base file's shard.
sweep_conf_of = $(SWEEP)/conf/$(patsubst %/,%,$(dir $(1))).conf
$(SWEEP)/shards/%.tsv: $(call code_id,fig51) $$(call sweep_conf_of,$$*) $(MNIST_STAMP) | sweep-plan
	mkdir -p $(@D)
	name=$(notdir $*); bs=$${name%_s*}; bs=$${bs#b}; shard=$${name#*_s}
	$(LAUNCH) $(BIN)/fig51 run $(word 2,$^) $(MNIST) $$bs $$shard $@
$(SWEEP)/shards/%.tsv: RES_NAME = sweep-$(notdir $(@D))-$(subst _,-,$(shard_of))
$(SWEEP)/shards/%.tsv: RES_MEM = $(call fig51_res,$(shard_of),3)
$(SWEEP)/shards/%.tsv: RES_TIME = $(call fig51_res,$(shard_of),4)

# Per rate: the merge of its shards (tables and numbers with jackknife errors).
define sweep_rate
$(SWEEP)/r$(1)/numbers.tsv: $(call code_id,fig51) $(SWEEP)/conf/r$(1).conf $(call sweep_shards,$(1))
	mkdir -p $$(@D)/data
	$(BIN)/fig51 merge $(SWEEP)/conf/r$(1).conf $$(@D)/data $$@ $(call sweep_shards,$(1))
endef
$(foreach r,$(SWEEP_RATES),$(eval $(call sweep_rate,$(r))))

# One row per (rate, batch size) from the rates' numbers files.
$(SWEEP_TABLE): cluster/sweep-table.sh $(SWEEP_CONF) $(SWEEP_NUMBERS)
	mkdir -p $(@D)
	cluster/sweep-table.sh $(SWEEP_CONF) $(FIG51_CONF) $(SWEEP_NUMBERS) > $@.tmp
	mv $@.tmp $@

## sweep: SCALE=sweep: the learning-rate x batch-size sweep and its figure (meant for a cluster)
sweep: $(B)/figures/sweep.pdf $(B)/figures/sweep.svg $(B)/figures/sweep.prov
## sweep-plan: SCALE=sweep: the sweep's cost plan on NODES x CORES, nothing run
sweep-plan: $(BIN)/fig51 $(BIN)/costmodel
	@$(COST) plan $(COST_MODEL) $(NODES) $(CORES) $(SWEEP)/shards $(FIG51_CONF) $(addprefix r,$(SWEEP_RATES))
.PHONY: sweep sweep-plan
