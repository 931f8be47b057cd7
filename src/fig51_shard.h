/*
 * fig51_shard.h - the raw records one `fig51 run` shard writes and `fig51
 * merge` reads: one record per line, tab-separated, the kind first.
 *
 *   acc    trial step accuracy                    test accuracy (panel b)
 *   param  trial step value                       the recorded parameter (a)
 *   noise  trial step var exp drift gmax loss     one sgdnoise_measure (c)
 *   acf    trial lag dot                          window sum of eta^.eta^ (d)
 *   force  trial step change                      ||grad U_B(t) - grad U_B(t - noise_every)|| / ||grad U_B(t - noise_every)||
 *   time   seconds maxrss_kb                      what the shard cost
 *
 * Every field is named here once; the writer and the parser share the table
 * below, so a record can never be written with one layout and read with another.
 */
#ifndef FIG51_SHARD_H
#define FIG51_SHARD_H

#include <stdio.h>

#include "sgdnoise.h"

typedef enum { SHARD_ACC, SHARD_PARAM, SHARD_NOISE, SHARD_ACF, SHARD_FORCE, SHARD_TIME, SHARD_KINDS } shard_kind_t;

typedef struct {
    shard_kind_t kind;
    long trial, step;  /* step: SGD step, or the lag for acf records */
    double value;      /* accuracy, parameter value, acf dot sum, or relative force change */
    sgdnoise_t noise;  /* noise records */
    double seconds;    /* time records: CPU-independent wall seconds of the shard */
    long maxrss_kb;
} shard_rec_t;

/* Header comment describing the record layout (for the shard file). */
void shard_write_legend(FILE *f);
void shard_write(FILE *f, const shard_rec_t *r);
/* Parses one line: 1 = a record in *r, 0 = a comment or blank line, -1 = bad
 * line (err receives why, e.g. "unknown record kind 'x'"). Never exits. */
int shard_parse(const char *line, shard_rec_t *r, char *err, size_t errlen);

#endif
