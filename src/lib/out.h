/*
 * out.h - atomic outputs: written to "<path>.tmp.<pid>", renamed when complete
 */
#ifndef OUT_H
#define OUT_H

#include <stdio.h>

/* ---- outputs ----------------------------------------------------------- */
typedef struct out out_t;
/* Opens "<path>.tmp.<pid>"; registered so die() removes it. */
out_t *out_open(const char *path);
FILE *out_file(out_t *o);
/* The final path (for messages). */
const char *out_path(const out_t *o);
/* Flushes, checks for write errors, renames the temporary file to path. */
void out_close(out_t *o);

#endif
