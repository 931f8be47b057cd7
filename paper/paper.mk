# paper/paper.mk - numbers, verification note, appendix, then Pandoc.
REFERENCE := data/reference/$(SCALE)/numbers.tsv
PAPER_MD := $(sort $(wildcard paper/*.md))
PAPER_FILTERS := paper/filters/scale.lua paper/filters/ledger.lua paper/filters/figures.lua \
  paper/filters/equations.lua paper/filters/claims.lua paper/filters/numbers.lua paper/filters/tablenums.lua
CLAIMS := paper/claims.tsv
# A false claim fails the paper-scale build; at other scales it is marked in the text.
# PAPER_SCALE: scale.lua puts "<scale> scale: numbers for testing, not for citation" under
# the title of every build but the paper-scale one.
PANDOC_ENV = PAPER_SCALE=$(SCALE) NUMBERS_FILE=$(B)/numbers.tsv FIGURE_DIR=$(abspath $(B)/figures) CLAIMS_FILE=$(CLAIMS) \
  CLAIMS_STRICT=$(if $(filter paper,$(SCALE)),1,0)
# xref.lua, tables.lua, claimset.lua and links.lua: modules the filters load (not filters themselves)
$(B)/paper.pdf $(B)/paper.html $(B)/claims.tsv: paper/filters/xref.lua paper/filters/tables.lua paper/filters/claimset.lua \
  paper/filters/links.lua
# ledger.lua: a verdict line under each equation of the original, from the ledger, the
# test report and the Test(...) lines (links relative to the HTML in $(B)); the summary table.
LEDGER_INPUTS = tests/ledger.tsv $(TEST_RESULTS) $(B)/testlocs.tsv paper/summary.tsv
PANDOC_ENV += LEDGER_FILE=tests/ledger.tsv TEST_RESULTS=$(TEST_RESULTS) TEST_LOCS=$(B)/testlocs.tsv \
  SUMMARY_FILE=paper/summary.tsv
# Links to committed files (tests, figure scripts; paper/filters/links.lua): with
# REPO_URL=https://host/owner/repo, permalinks REPO_URL/blob/<commit>/path#Lnn to the
# commit that builds the paper; without it (the default), paths relative to the paper as
# it lies in the checkout and in the make dist archive (build/<scale>/ -> ../../path).
REPO_URL ?=
PANDOC_ENV += REPO_URL=$(REPO_URL) SOURCE_COMMIT=$$(git rev-parse HEAD 2>/dev/null)
$(B)/testlocs.tsv: paper/testlocs.sh $(TEST_SRC)
	mkdir -p $(@D)
	paper/testlocs.sh $(TEST_SRC) > $@.tmp
	mv $@.tmp $@
# References: citeproc runs after the filters (they resolve @eq: and @fig:, the rest are
# citations), with the American Physical Society style from Debian's
# citation-style-language-styles.
BIB := paper/references.bib
CSL := /usr/share/citation-style-language/styles/american-physics-society.csl
PANDOC_OPTS := --from markdown --standalone --number-sections \
  $(foreach f,$(PAPER_FILTERS),--lua-filter $(f)) \
  --citeproc --bibliography $(BIB) --csl $(CSL) --metadata link-citations=true
$(CSL): | $(SETUP_STAMP)
	@test -f $@ || { echo "paper: missing CSL style $@ (Debian package citation-style-language-styles)" >&2; exit 1; }

# All numbers files merged by the C reader of every numbers file (numcheck --merge):
# a key computed twice, a malformed or CRLF row stops it naming the file; the kernel
# lines are kept (numcheck rejects a mix of kernels).
$(B)/numbers.tsv: $(NUMBERS) $(call code_id,numcheck)
	$(BIN)/numcheck --merge $@ $(NUMBERS)

# The paper says VERIFIED or UNVERIFIED; a mismatch does not stop the paper,
# `make verify` is the gate. The old note is removed first and numcheck writes
# the new one only when it finishes, so an error in the verifier (a malformed
# reference, a crash) can never leave a stale VERIFIED: it becomes UNVERIFIED
# with the verifier's own message.
$(B)/verify.md: $(B)/numbers.tsv $(wildcard $(REFERENCE)) $(call code_id,numcheck)
	rm -f $@
	if [ ! -f $(REFERENCE) ]; then
	  echo "**UNVERIFIED.** There is no reference file $(REFERENCE) for this scale yet." > $@.tmp
	  mv $@.tmp $@
	  exit 0
	fi
	status=0
	$(BIN)/numcheck --md $@ $(B)/numbers.tsv $(REFERENCE) > $(B)/verify.log 2>&1 || status=$$?
	if [ $$status -gt 1 ] || [ ! -s $@ ]; then
	  msg=$$(grep -v '^FAIL ' $(B)/verify.log | tail -n 3 | tr '\n`' ' ' | cut -c1-400)
	  printf '**UNVERIFIED.** The verifier failed (exit status %s): %s\n' "$$status" "$$msg" > $@.tmp
	  mv $@.tmp $@
	fi

$(B)/appendix.md: paper/appendix.sh tests/ledger.tsv $(TEST_RESULTS) $(B)/verify.md env/versions.lock env/debian-packages.txt
	paper/appendix.sh $(B) tests/ledger.tsv $(TEST_RESULTS) $(B)/verify.md > $@.tmp
	mv $@.tmp $@

PAPER_INPUTS = $(PAPER_MD) $(B)/appendix.md $(PAPER_FILTERS) $(B)/numbers.tsv $(FIG_PROV) $(B)/claims.tsv $(LEDGER_INPUTS) $(BIB) $(CSL)

# Every claim's predicate evaluated on this build's numbers (id, holds, cited,
# predicate, values); `make claims` prints the false ones. The pass writes pandoc's
# native AST to /dev/null: a text writer would warn once per formula it cannot
# render as text, warnings the LaTeX and HTML passes do not share.
$(B)/claims.tsv: $(PAPER_MD) $(B)/appendix.md $(PAPER_FILTERS) $(B)/numbers.tsv $(CLAIMS) $(FIG_PROV) $(LEDGER_INPUTS) $(BIB) $(CSL)
	$(PANDOC_ENV) CLAIMS_REPORT=$@ pandoc $(PANDOC_OPTS) -t native $(PAPER_MD) $(B)/appendix.md -o /dev/null
## claims: every claim predicate of the paper evaluated at this scale; the false ones listed
claims: $(B)/claims.tsv
	@awk -F'\t' 'NR > 1 { n++; if ($$2 != "true") { f++; printf "FALSE %s: %s (%s)\n", $$1, $$4, $$5 } }
	  END { printf "claims: %d checked, %d false at scale $(SCALE)\n", n, f }' $<
.PHONY: claims

$(B)/paper.pdf: $(PAPER_INPUTS) $(FIG_PDF) paper/latex-header.tex
	$(PANDOC_ENV) pandoc $(PANDOC_OPTS) --include-in-header paper/latex-header.tex -t latex $(PAPER_MD) $(B)/appendix.md -o $(B)/paper.tex
	cd $(B)
	# twice for cross-references, a third time if LaTeX still asks (the bibliography
	# moves labels); -jobname keeps the unfinished PDF under another name
	for pass in 1 2 3; do
	  pdflatex -interaction=nonstopmode -halt-on-error -jobname=paper-tmp paper.tex > paper.latex.log \
	    || { tail -n 30 paper.latex.log >&2; exit 1; }
	  if [ $$pass -ge 2 ] && ! grep -q 'Rerun to get' paper.latex.log; then break; fi
	done
	$(CURDIR)/figures/check-output.sh pdf paper-tmp.pdf
	mv paper-tmp.pdf paper.pdf

$(B)/paper.html: $(PAPER_INPUTS) $(FIG_SVG) paper/html.css paper/filters/mathml.lua
	$(PANDOC_ENV) pandoc $(PANDOC_OPTS) --lua-filter paper/filters/mathml.lua -t html5 --mathml --self-contained --toc --toc-depth=2 \
	  --css paper/html.css -V document-css=true \
	  --metadata pagetitle="Stochastic thermodynamics of learning, reproduced" \
	  $(PAPER_MD) $(B)/appendix.md -o $@.tmp
	figures/check-output.sh html $@.tmp
	mv $@.tmp $@

## paper: everything: programs, experiments, figures, verification, PDF and HTML in build/<scale>
# the paper is rebuilt when Pandoc or LaTeX changes
$(B)/paper.pdf $(B)/paper.html: $(call stamp,pandoc,pandoc $(call pkg_version,pandoc) | texlive $(call pkg_version,texlive-latex-recommended))
# ... and when REPO_URL changes (its links are in both)
$(B)/paper.pdf $(B)/paper.html: $(call stamp,repo-url,$(REPO_URL))
paper: $(B)/summary.txt
.PHONY: paper

# What a finished `make paper` says: where the paper is, the scale, the
# verification verdict and the ledger's counts (kept in a file so that a second
# make paper has nothing to do).
$(B)/summary.txt: $(B)/paper.pdf $(B)/paper.html $(B)/verify.md tests/ledger.tsv $(TEST_RESULTS) $(BIN)/envinfo
	{ echo "paper ($(SCALE) scale): $(abspath $(B)/paper.pdf)"
	  echo "                      $(abspath $(B)/paper.html)"
	  echo "verification: $$(grep -o '^\*\*[A-Z]*' $(B)/verify.md | tr -d '*' | head -n 1) ($(B)/verify.md)"
	  { tests/ledger.sh check tests/ledger.tsv $(TEST_RESULTS) 2>&1 || true; } | tail -n 1
	  $(BIN)/envinfo 'blas: '; } > $@.tmp
	mv $@.tmp $@
	cat $@

## verify: compare this build's numbers with data/reference/<scale> (identical / within tolerance / failing)
verify: $(B)/numbers.tsv $(BIN)/numcheck
	$(BIN)/numcheck $(B)/numbers.tsv $(REFERENCE)
## bless: write this build's numbers as the new references (review the diff before committing)
bless: $(B)/numbers.tsv $(BIN)/numcheck $(TOLERANCES)
	mkdir -p $(dir $(REFERENCE))
	$(BIN)/numcheck --bless $(B)/numbers.tsv $(REFERENCE) $(TOLERANCES)
.PHONY: verify bless
