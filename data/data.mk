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

