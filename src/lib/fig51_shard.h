/*
 * fig51_shard.h - the raw records one `fig51 run` shard writes and `fig51
 * merge` reads: one record per line, tab-separated, the kind first.
 *
 *   acc    trial step accuracy                    test accuracy (panel b)
 *   param  trial step value                       the recorded parameter (a)
 *   noise  trial step var exp drift gmax loss     one sgdnoise_measure (c)
 *   acf    trial lag dot                          window sum of eta^.eta^ (d)
 *   force  trial step change                      ||grad U_B(t) - grad U_B(t - noise_every)|| / ||grad U_B(t - noise_every)||
 *   group  trial step g var exp drift             the noise record restricted to parameter group g
 *                                                 (sgdnoise_measure's groups: 2l weights, 2l+1 biases of layer l)
 *   reverse trial w dist disp                     Appendix A: backward SGD from theta_n over the last w steps'
 *                                                 batches; dist = ||theta'_{n-w} - theta_{n-w}||,
 *                                                 disp = ||theta_n - theta_{n-w}||
 *   time   seconds maxrss_kb                      what the shard cost
 *   params sha256                                 the parameter file's SHA-256 (conf_sha256): the first record
 *   end                                           the last line: the shard was written to its end
 *
 * Every field is named here once; the writer and the parser share the table
 * below, so a record can never be written with one layout and read with another.
 * A shard of another parameter file, or one cut short (by a full disk, a copy,
 * an interrupted transfer: even by one byte, its last newline) would otherwise
 * merge into numbers that look right; shard_file_line refuses both.
 */
#ifndef FIG51_SHARD_H
#define FIG51_SHARD_H

#include <stdio.h>

#include "sgdnoise.h"

typedef enum {
    SHARD_ACC, SHARD_PARAM, SHARD_NOISE, SHARD_ACF, SHARD_FORCE, SHARD_GROUP, SHARD_REVERSE, SHARD_TIME, SHARD_PARAMS,
    SHARD_END, SHARD_KINDS
} shard_kind_t;

typedef struct {
    shard_kind_t kind;
    long trial, step;  /* step: SGD step, the lag for acf records, the window w for reverse records */
    double value;      /* accuracy, parameter value, acf dot sum, relative force change, or reverse dist */
    double value2;     /* reverse records: disp */
    int group;         /* group records: the parameter group */
    sgdnoise_t noise;  /* noise and group records (a group record has no gmax and no loss) */
    double seconds;    /* time records: CPU-independent wall seconds of the shard */
    long maxrss_kb;
    char sha256[65];   /* params records: 64 lowercase hex digits */
} shard_rec_t;

/* Header comment describing the record layout (for the shard file). */
void shard_write_legend(FILE *f);
void shard_write(FILE *f, const shard_rec_t *r);
/* Parses one line: 1 = a record in *r, 0 = a comment or blank line, -1 = bad
 * line (err receives why, e.g. "unknown record kind 'x'"). Never exits. */
int shard_parse(const char *line, shard_rec_t *r, char *err, size_t errlen);

/* A whole shard file, fed line by line as getline reads it (len bytes, the
 * newline included): the first record must be 'params' with want_sha256,
 * the last line 'end' with its newline. Never exits. */
typedef struct {
    const char *want_sha256, *conf_path; /* the merge's parameter file */
    int have_params, ended;
} shard_file_t;
/* 1 = a data record in *r (not params or end), 0 = nothing to merge, -1 = bad
 * line or a broken rule (err receives why). */
int shard_file_line(shard_file_t *s, const char *line, size_t len, shard_rec_t *r, char *err, size_t errlen);
/* After the last line: 0 if the file ended with its end line, else -1 with err. */
int shard_file_end(const shard_file_t *s, char *err, size_t errlen);

#endif
