# env/env.mk - set-up stamp, provenance exported to every program, env-report.

# One make at a time per build directory (env/lock.sh, flock from util-linux):
# a second make on the same $(BUILD) says so and waits. A make started by a
# recipe for the same directory inherits STL_LOCK and does not wait for itself.
ifneq ($(STL_LOCK),$(abspath $(BUILD))/.lock)
export STL_LOCK := $(abspath $(BUILD))/.lock
$(if $(shell env/lock.sh $(STL_LOCK) $$PPID || echo failed),$(error env/lock.sh could not lock $(STL_LOCK)))
endif

# Every compile and fetch waits for this stamp (order-only), so on a fresh
# Debian 12 machine `make paper` installs what is missing first.
SETUP_STAMP := $(BUILD)/.setup.stamp
$(SETUP_STAMP): env/setup.sh env/debian-packages.txt
	mkdir -p $(@D)
	./env/setup.sh
	touch $@

# ---- Rebuild stamps: a change of flags, tool version or BLAS kernel ----------
# Each stamp is rewritten (at parse time, by tools/stamp.sh) only when its text
# changes, and what depends on it is rebuilt then; each fragment writes the stamp
# of its own targets with $(call stamp,NAME,TEXT): objects on the compiler and its
# flags (src/build.mk), every experiment on the BLAS kernel selection
# (data/data.mk), figures on gnuplot, the paper on Pandoc and LaTeX.
STAMPS := $(BUILD)/stamps
stamp = $(if $(READ_ONLY),,$(shell tools/stamp.sh $(STAMPS)/$(1) '$(2)'))$(STAMPS)/$(1)
pkg_version = $(shell dpkg-query -W -f='$${Version}' $(1) 2>/dev/null)
# a changed lock file re-runs the set-up, which compares it with what is installed
$(SETUP_STAMP): env/versions.lock tools/versions.sh

# Provenance every program writes into its outputs' '#' block.
export PROV_GIT := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
export PROV_SCALE := $(SCALE)
export PROV_TOOLS := gcc $(shell gcc -dumpfullversion 2>/dev/null); openblas $(shell dpkg-query -W -f='$${Version}' libopenblas0-pthread 2>/dev/null); random123 $(shell dpkg-query -W -f='$${Version}' librandom123-dev 2>/dev/null)

# Installed vs locked versions of every listed package, and the OpenBLAS kernel
# this machine runs beside the one that produced each committed reference
# (float32 results are bit-identical only where the kernels match).
# envinfo adds the measured sgemm rate and, when a generic kernel runs on a CPU with
# AVX2 or AVX-512, the variable a user may set (src/lib/blasinfo.h); nothing here sets it.
# (src/build.mk, included later, builds $(BUILD)/bin/numcheck and envinfo.)
env-report: $(BUILD)/bin/numcheck $(BUILD)/bin/envinfo | $(SETUP_STAMP)
	env/report.sh env/versions.lock
	printf 'blas_kernel\t%s\t%s\n' this-machine "$$($< --kernel)"
	for r in data/reference/*/numbers.tsv; do
	  printf 'blas_kernel\t%s\t%s\n' "$$r" "$$(sed -n 's/^# blas_kernel: //p' $$r)"
	done
	$(BUILD)/bin/envinfo '# '
.PHONY: env-report

# Rewrite env/versions.lock from this machine (when references are re-blessed).
env-lock: | $(SETUP_STAMP)
	env/report.sh --lock > env/versions.lock.tmp
	mv env/versions.lock.tmp env/versions.lock
.PHONY: env-lock
