# src/build.mk - compile the C library and programs into $(BUILD)/bin.
# No -ffast-math and no FMA contraction: results must be bit-reproducible.
CC := gcc
CFLAGS := -std=gnu11 -O3 -g -Wall -Wextra -Wshadow -ffp-contract=off -fno-fast-math
# Recursive (=) so pkg-config runs after the set-up stamp has installed OpenBLAS.
BLAS_CFLAGS = $(shell pkg-config --cflags openblas)
BLAS_LIBS = $(shell pkg-config --libs openblas)
BIN := $(BUILD)/bin
OBJ := $(BUILD)/obj

# The shared library: one object per module, one archive.
LIB_MODULES := util idx mlp
LIB := $(OBJ)/libstl.a
PROGRAMS := mnist_stats numcheck fig51 bench

$(OBJ)/%.o: src/%.c | $(SETUP_STAMP)
	mkdir -p $(@D)
	$(CC) $(BLAS_CFLAGS) $(CFLAGS) -MMD -MP -MF $(OBJ)/$*.d -MT $@ -c $< -o $@.tmp
	mv $@.tmp $@

$(LIB): $(addprefix $(OBJ)/,$(addsuffix .o,$(LIB_MODULES)))
	rm -f $@.tmp
	ar rcs $@.tmp $^
	mv $@.tmp $@

$(BIN)/%: $(OBJ)/%.o $(LIB)
	mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ $(BLAS_LIBS) -lm -o $@.tmp
	mv $@.tmp $@

programs: $(addprefix $(BIN)/,$(PROGRAMS))
.PHONY: programs
.SECONDARY:
-include $(wildcard $(OBJ)/*.d)
