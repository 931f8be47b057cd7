/*
 * util.h - the small pieces every experiment program shares, one module each
 * (base, command, conf, out, prov, table, numbers, progress); this header
 * includes them all:
 *   errors that name the file/key/step and never leave half-written outputs,
 *   key = value parameter files that reject unknown keys,
 *   TSV data files with a '#' provenance block, and numbers files
 *   (key<TAB>value<TAB>unit) that the paper quotes.
 * Outputs are written to "<path>.tmp.<pid>" and renamed on out_close(), so an
 * interrupted run never leaves a file that make would take as finished, and
 * two runs writing the same output never share a temporary file.
 */#ifndef UTIL_H
#define UTIL_H

#include "base.h"
#include "command.h"
#include "conf.h"
#include "numbers.h"
#include "out.h"
#include "progress.h"
#include "prov.h"
#include "table.h"

#endif
