# Reproduction of "Stochastic thermodynamics of learning generative models".
# This file only sets the shell and flags; each stage's folder owns its rules:
#   env/env.mk  set-up stamp, versions    src/build.mk    C programs
#   data/data.mk MNIST + experiments      figures/figures.mk  gnuplot
#   tests/tests.mk Criterion, verify      paper/paper.mk  Pandoc
#   tools/tools.mk reviewer tools: audit, dist, graph, timings, compare
# Usage: make paper | make test | make verify | make bench  [SCALE=quick|paper]; make help
#        make SCALE=sweep sweep; make test-slurm (cluster/cluster.mk)
SHELL := /bin/bash
# pipefail: a failing command before `| tee` fails its recipe.
.SHELLFLAGS := -o pipefail -ec
.ONESHELL:
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules
.DEFAULT_GOAL := paper
# Use every core unless the caller chose (-jN on the command line wins);
# results never depend on the job count.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc)
endif

# Goals that read a finished build (verify, claims, report, audit) never start one:
# without SCALE they take the scale that is built (paper before quick), or stop.
RESULT_GOALS := verify claims report audit
ifeq ($(origin SCALE),undefined)
ifneq ($(MAKECMDGOALS),)
ifeq ($(filter-out $(RESULT_GOALS),$(MAKECMDGOALS)),)
BUILT_SCALES := $(patsubst $(or $(BUILD),build)/%/numbers.tsv,%,$(wildcard $(or $(BUILD),build)/paper/numbers.tsv $(or $(BUILD),build)/quick/numbers.tsv))
SCALE := $(or $(firstword $(BUILT_SCALES)),$(error make $(MAKECMDGOALS) reads a finished build, and $(or $(BUILD),build) holds none: run make paper (or make paper SCALE=quick) first, or name SCALE=quick|paper))
$(if $(MAKE_RESTARTS),,$(info make $(MAKECMDGOALS): SCALE=$(SCALE), the built scale (built: $(BUILT_SCALES))))
endif
endif
endif
SCALE ?= paper
ifeq ($(filter $(SCALE),quick paper sweep),)
$(error SCALE must be 'quick', 'paper' or 'sweep' (make SCALE=sweep sweep), not '$(SCALE)')
endif
BUILD ?= build
B := $(BUILD)/$(SCALE)
PARAMS ?= data/params/$(SCALE)
# Another parameter set builds into its own directory, keyed by the set's path, unless
# BUILD is given on the command line (tools/tools.mk guards against sharing a directory).
ifneq ($(abspath $(PARAMS)),$(abspath data/params/$(SCALE)))
ifneq ($(origin BUILD),command line)
B := $(BUILD)/$(SCALE)-params-$(notdir $(abspath $(PARAMS)))-$(shell printf %s '$(patsubst $(CURDIR)/%,%,$(abspath $(PARAMS)))' | sha256sum | cut -c1-8)
endif
endif
# B is make's own build directory: set on the command line (as `make compare A=.. B=..`
# once did) it would point every rule and parse-time write at another directory.
ifeq ($(origin B),command line)
$(error B cannot be set on the command line: it is this build's directory, $$(BUILD)/$$(SCALE) (to compare two builds: make compare OLD=dir NEW=dir))
endif
# Goals that only read: for them make writes nothing into $(B) while it reads the
# makefiles (data/data.mk's params-id files and generated fragments), so `make compare`
# leaves a build it compares as it was, this one included.
READ_ONLY := $(if $(MAKECMDGOALS),$(if $(filter-out compare help,$(MAKECMDGOALS)),,yes))
# Prefix for heavy recipes: LAUNCH='$(SRUN)' sends each to Slurm with its own
# resources (cluster/cluster.mk).
LAUNCH ?=
# Every heavy recipe runs through LAUNCH; tools/timed goes between the caller's
# prefix (e.g. LAUNCH='srun -c1') and the program, so it measures the program
# where it runs (tools/tools.mk: make report). TIME_WRAP= (empty) turns it off.
# (the caller's LAUNCH is kept unexpanded: '$(SRUN)' and '$(MEASURE)' name
# target-specific resources, expanded only inside each recipe)
$(eval CALLER_LAUNCH = $(value LAUNCH))
TIME_WRAP ?= tools/timed $(B)/timings $@ --
override LAUNCH = $(CALLER_LAUNCH) $(TIME_WRAP)
# Experiments parallelise across processes (make -j); BLAS stays single-threaded
# inside each so results never depend on the thread count.
export OPENBLAS_NUM_THREADS := 1

include env/env.mk
include src/build.mk
include data/data.mk
include figures/figures.mk
include tests/tests.mk
include paper/paper.mk
include cluster/cluster.mk
include tools/tools.mk

clean:
	rm -rf $(BUILD)
.PHONY: clean

## clean: remove the build directory
## mnist: fetch the MNIST files and verify them against data/SHA256SUMS
## figures: every figure (PDF and SVG) with its provenance file
## env-report: tool versions and the OpenBLAS kernel of this machine and of the references
## env-lock: rewrite env/versions.lock from this machine
## help: this list
# `make help`: the documented targets, from the "## target: text" lines of each fragment.
help:
	@echo "Usage: make TARGET [SCALE=quick|paper] [PARAMS=dir] [LAUNCH=prefix]"
	@grep -h '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /' | sort
.PHONY: help
