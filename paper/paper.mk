# paper/paper.mk - numbers, verification note, appendix, then Pandoc.
REFERENCE := data/reference/$(SCALE)/numbers.tsv
PAPER_MD := $(sort $(wildcard paper/*.md))
PAPER_FILTERS := paper/filters/figures.lua paper/filters/equations.lua paper/filters/numbers.lua
PANDOC_ENV = NUMBERS_FILE=$(B)/numbers.tsv FIGURE_DIR=$(abspath $(B)/figures)
PANDOC_OPTS := --from markdown --standalone --number-sections \
  $(foreach f,$(PAPER_FILTERS),--lua-filter $(f))

# All numbers files merged; a key computed twice is an error.
$(B)/numbers.tsv: $(NUMBERS)
	awk -F'\t' '/^#/ || $$1 == "key" || NF == 0 { next }
	  seen[$$1]++ { printf "numbers: key %s appears twice (%s)\n", $$1, FILENAME > "/dev/stderr"; bad = 1 }
	  { print } END { exit bad }' $^ > $@.tmp
	{ printf 'key\tvalue\tunit\n'; sort $@.tmp; } > $@.tmp2
	rm $@.tmp
	mv $@.tmp2 $@

# The paper says VERIFIED or UNVERIFIED; a mismatch does not stop the paper,
# `make verify` is the gate.
$(B)/verify.md: $(B)/numbers.tsv $(wildcard $(REFERENCE)) $(BIN)/numcheck
	if [ -f $(REFERENCE) ]; then
	  $(BIN)/numcheck --md $@ $(B)/numbers.tsv $(REFERENCE) > $(B)/verify.log || true
	else
	  echo "**UNVERIFIED.** There is no reference file $(REFERENCE) for this scale yet." > $@.tmp
	  mv $@.tmp $@
	fi

$(B)/appendix.md: paper/appendix.sh tests/ledger.tsv $(TEST_RESULTS) $(B)/verify.md env/versions.lock env/debian-packages.txt
	paper/appendix.sh $(B) tests/ledger.tsv $(TEST_RESULTS) $(B)/verify.md > $@.tmp
	mv $@.tmp $@

PAPER_INPUTS = $(PAPER_MD) $(B)/appendix.md $(PAPER_FILTERS) $(B)/numbers.tsv $(FIG_PROV)

$(B)/paper.pdf: $(PAPER_INPUTS) $(FIG_PDF)
	$(PANDOC_ENV) pandoc $(PANDOC_OPTS) -t latex $(PAPER_MD) $(B)/appendix.md -o $(B)/paper.tex
	cd $(B)
	# twice, for cross-references; -jobname keeps the unfinished PDF under another name
	for pass in 1 2; do
	  pdflatex -interaction=nonstopmode -halt-on-error -jobname=paper-tmp paper.tex > paper.latex.log \
	    || { tail -n 30 paper.latex.log >&2; exit 1; }
	done
	mv paper-tmp.pdf paper.pdf

$(B)/paper.html: $(PAPER_INPUTS) $(FIG_SVG)
	$(PANDOC_ENV) pandoc $(PANDOC_OPTS) -t html5 --mathml --self-contained \
	  --metadata pagetitle="Stochastic thermodynamics of learning, reproduced" \
	  $(PAPER_MD) $(B)/appendix.md -o $@.tmp
	mv $@.tmp $@

paper: $(B)/paper.pdf $(B)/paper.html
.PHONY: paper

verify: $(B)/numbers.tsv $(BIN)/numcheck
	$(BIN)/numcheck $(B)/numbers.tsv $(REFERENCE)
bless: $(B)/numbers.tsv $(BIN)/numcheck data/reference/tolerances.tsv
	mkdir -p $(dir $(REFERENCE))
	$(BIN)/numcheck --bless $(B)/numbers.tsv $(REFERENCE) data/reference/tolerances.tsv
.PHONY: verify bless
