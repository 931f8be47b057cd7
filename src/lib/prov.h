/*
 * prov.h - the provenance block that heads every data and numbers file
 */
#ifndef PROV_H
#define PROV_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"

/* Provenance block: title, git describe, scale, params file + hash
 * (conf_sha256), seed, tool versions (git, scale and tools taken from the
 * environment the Makefile exports). */
void prov_write(FILE *f, const char *title, const conf_t *params, uint64_t seed);

#endif
