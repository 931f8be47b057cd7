# figures/figures.mk - one gnuplot script per figure; make picks the terminal.
# A figure <name> is figures/<name>.gp plus the data files listed in FIG_DATA_<name>;
# FIG_VARS_<name> passes gnuplot variables derived from the parameter files.
# Outputs: $(B)/figures/<name>.pdf (paper PDF), .svg (HTML) and .prov
# (script, data files with short SHA-256, commit, target) for the caption.
# gnuplot exits 0 when it cannot write, so every output is checked (non-empty,
# well-formed: figures/check-output.sh) before it is renamed into place.
FIGURES :=
FIG_SIZE_default := 6in,4.5in

FIGURES += fig5_1
FIG_DATA_fig5_1 = $(FIG51_DATA)
FIG_SIZE_fig5_1 := 6.5in,5.2in
FIG_VARS_fig5_1 = batches='$(shell echo $(FIG51_BS) | tr ' ' '\n' | sort -n | tr '\n' ' ')'; ptrials=$(FIG51_PTRIALS)

# the parametric reservoir of the same ensemble: temperature per parameter group
# (fig51_groups.tsv) and Appendix A's backward SGD (fig51_reverse.tsv)
FIGURES += fig51_reservoir
FIG_DATA_fig51_reservoir = $(filter %/fig51_groups.tsv %/fig51_reverse.tsv,$(FIG51_DATA))
FIG_SIZE_fig51_reservoir := 6.5in,4.6in
FIG_VARS_fig51_reservoir = batches='$(shell echo $(FIG51_BS) | tr ' ' '\n' | sort -n | tr '\n' ' ')'; layers=$(call conf_value,$(FIG51_CONF),depth)

FIGURES += gauss_ppm gauss_ep bm_train bm_info bm_tradeoff
FIG_DATA_gauss_ppm = $(B)/data/gauss_moments.tsv
FIG_SIZE_gauss_ppm := 6.5in,2.6in
FIG_DATA_gauss_ep = $(B)/data/gauss_ep.tsv
FIG_SIZE_gauss_ep := 4.5in,3in
FIGURES += gauss_tausweep
FIG_DATA_gauss_tausweep = $(B)/data/gauss_tausweep.tsv
FIG_SIZE_gauss_tausweep := 4.5in,3in
FIG_DATA_bm_train = $(BM_TRAIN)
FIG_SIZE_bm_train := 6.5in,3.3in
FIG_DATA_bm_info = $(BM_TRAIN)
FIG_SIZE_bm_info := 6.5in,2.6in
FIG_DATA_bm_tradeoff = $(BM_GRID)
FIG_SIZE_bm_tradeoff := 6.5in,3in
FIGURES += bm_ldb
FIG_DATA_bm_ldb = $(BM_LDB)
FIG_SIZE_bm_ldb := 4.5in,3in
FIG_VARS_bm_ldb = cbeta=$(call conf_value,$(PARAMS)/bm_ldb.conf,control_beta)

# The sweep's figure (make SCALE=sweep sweep; cluster/sweep.mk), not in FIGURES:
# only the sweep scale has its data.
FIG_DATA_sweep = $(SWEEP_TABLE)
FIG_SIZE_sweep := 6.5in,2.8in
FIG_VARS_sweep = batches='$(shell echo $(FIG51_BS) | tr ' ' '\n' | sort -n | tr '\n' ' ')'; rates='$(SWEEP_RATES)'

FIGURES += data_mnist
FIG_DATA_data_mnist := $(MNIST_DATA)
FIG_SIZE_data_mnist := 6in,4.6in

# One text size for both terminals (figures/style.gp: >= 8 pt at print size; the body
# text is 10 pt): FIG_FONT_PT points. pdfcairo scales a requested size by 4/3 and by its
# fontscale (0.5 by default, which printed 'Helvetica,8' at 5.3 pt): fontscale 0.75 makes
# the requested size the printed one. The svg terminal takes CSS px (96 per inch), so its
# font is FIG_FONT_PT * 4/3 px.
FIG_FONT_PT := 9
FIG_FONT_PX := 12
figsize = $(or $(FIG_SIZE_$(1)),$(FIG_SIZE_default))
# gnuplot's svg terminal takes pixels: 1in = 96px
svgsize = $(shell echo '$(call figsize,$(1))' | awk -F, '{sub("in","",$$1); sub("in","",$$2); printf "%d,%d", $$1*96, $$2*96}')

.SECONDEXPANSION:
$(B)/figures/%.pdf: figures/%.gp figures/style.gp $$(FIG_DATA_$$*) figures/check-output.sh | $(SETUP_STAMP) $(BIN)/conf_get
	mkdir -p $(@D)
	gnuplot -e "datadir='$(B)/data'; $(FIG_VARS_$*); set terminal pdfcairo enhanced font 'Helvetica,$(FIG_FONT_PT)' fontscale 0.75 size $(call figsize,$*); set output '$@.tmp'" $<
	figures/check-output.sh pdf $@.tmp
	mv $@.tmp $@

$(B)/figures/%.svg: figures/%.gp figures/style.gp $$(FIG_DATA_$$*) figures/check-output.sh | $(SETUP_STAMP) $(BIN)/conf_get
	mkdir -p $(@D)
	gnuplot -e "datadir='$(B)/data'; $(FIG_VARS_$*); set terminal svg enhanced font 'Helvetica,$(FIG_FONT_PX)' size $(call svgsize,$*); set output '$@.tmp'" $<
	figures/check-output.sh svg $@.tmp
	mv $@.tmp $@

$(B)/figures/%.prov: figures/%.gp $$(FIG_DATA_$$*) tools/datahash.sh
	mkdir -p $(@D)
	{
	  printf 'script\t%s\n' $<
	  for f in $(FIG_DATA_$*); do printf 'data\t%s\t%s\n' $$f $$(tools/datahash.sh $$f 12); done
	  # the commit that wrote the data, read from its provenance block
	  printf 'commit\t%s\n' "$$(sed -n 's/^# git: //p' $(firstword $(FIG_DATA_$*)) | head -n 1)"
	  printf 'target\tmake SCALE=$(SCALE) $(B)/figures/$*.pdf\n'
	} > $@.tmp
	figures/check-output.sh prov $@.tmp
	mv $@.tmp $@

# EBM on MNIST: sample grid of the largest tau; ln Z (BAR, AIS), per-update spread and KL, W and Q of every tau.
FIGURES += ebm_samples ebm_thermo
EBM_GRID_TAU = $(lastword $(EBM_TAUS))
FIG_DATA_ebm_samples = $(B)/data/ebm_samples_tau$(EBM_GRID_TAU).tsv
FIG_SIZE_ebm_samples := 6in,2.8in
FIG_VARS_ebm_samples = tau=$(EBM_GRID_TAU)
FIG_DATA_ebm_thermo = $(EBM_TRACES) $(EBM_AIS)
FIG_SIZE_ebm_thermo := 6.5in,3.1in
FIG_VARS_ebm_thermo = taus='$(EBM_TAUS)'

# (after every FIGURES += above: the figures rule expands the list when it is read)
FIG_PDF = $(patsubst %,$(B)/figures/%.pdf,$(FIGURES))
FIG_SVG = $(patsubst %,$(B)/figures/%.svg,$(FIGURES))
FIG_PROV = $(patsubst %,$(B)/figures/%.prov,$(FIGURES))
figures: $(FIG_PDF) $(FIG_SVG) $(FIG_PROV)
# figures are redrawn when gnuplot changes
$(FIG_PDF) $(FIG_SVG): $(call stamp,gnuplot,gnuplot $(call pkg_version,gnuplot-nox))
.PHONY: figures
