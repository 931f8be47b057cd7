# tests/fuzz.mk - libFuzzer targets for the parsers of untrusted input
# (clang-14 -fsanitize=fuzzer,address,undefined; Debian 12 clang-14 and
# libclang-rt-14-dev, listed in env/debian-packages.txt):
#   idx      the IDX reader (src/lib/idx.c)
#   conf     the parameter-file parser and getters (src/lib/conf.c)
#   numbers  the numbers/reference reader of the verifier (src/lib/numfile.c)
#   shard    the Fig. 5.1 shard-record parser (src/lib/fig51_shard.c shard_parse)
# Seeds in tests/fuzz/corpus/<target>/; the working corpus and any crash
# input go to $(BUILD)/fuzz/<target>/. `make fuzz FUZZ_SECONDS=N` fuzzes each
# target N seconds (default 3; make test runs that short pass) and fails on a
# crash, a sanitizer finding or a reject that does not name its file.
FUZZ_TARGETS := idx conf numbers shard
FUZZ_SECONDS ?= 3
FUZZ_BIN := $(BUILD)/fuzz/bin
FUZZ_CC := clang-14
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc/lib
# sources linked beside each target (conf and numbers compile conf.c and
# numfile.c into themselves, to close the file a reject leaves open)
FUZZ_UTIL := $(patsubst %,src/lib/%.c,$(UTIL))
FUZZ_LINK_idx := src/lib/idx.c $(FUZZ_UTIL)
FUZZ_LINK_conf := $(filter-out src/lib/conf.c,$(FUZZ_UTIL))
FUZZ_LINK_numbers := $(FUZZ_UTIL)
FUZZ_LINK_shard := src/lib/fig51_shard.c $(FUZZ_UTIL)

$(FUZZ_BIN)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(wildcard src/lib/*.c src/lib/*.h) | $(SETUP_STAMP)
	mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(BLAS_CFLAGS) $< $(FUZZ_LINK_$*) $(BLAS_LIBS) -lnettle -lm -o $@.tmp
	mv $@.tmp $@

## fuzz: FUZZ_SECONDS=N: each libFuzzer target N seconds (the IDX, parameter, numbers and shard readers)
fuzz: $(addprefix $(FUZZ_BIN)/fuzz_,$(FUZZ_TARGETS))
	for t in $(FUZZ_TARGETS); do
	  tests/fuzz/run.sh $(FUZZ_BIN)/fuzz_$$t tests/fuzz/corpus/$$t $(BUILD)/fuzz/$$t $(FUZZ_SECONDS)
	done
.PHONY: fuzz
