/* fig51_shard.c - writer and parser of Fig. 5.1 shard records (see fig51_shard.h). */
#include "fig51_shard.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    int nfields; /* after the kind */
} kinds[SHARD_KINDS] = {
    [SHARD_ACC] = {"acc", 3}, [SHARD_PARAM] = {"param", 3}, [SHARD_NOISE] = {"noise", 7},
    [SHARD_ACF] = {"acf", 3}, [SHARD_FORCE] = {"force", 3}, [SHARD_GROUP] = {"group", 6},
    [SHARD_REVERSE] = {"reverse", 4}, [SHARD_TIME] = {"time", 2},
    [SHARD_PARAMS] = {"params", 1}, [SHARD_END] = {"end", 0},
};

void shard_write_legend(FILE *f) {
    fprintf(f, "# records: acc trial step accuracy | param trial step value |\n"
               "#   noise trial step var_measured var_expected drift_msq max_abs_gradU loss_full |\n"
               "#   acf trial lag window_sum_of_dots | force trial step relative_change_of_grad_U_B |\n"
               "#   group trial step group var_measured var_expected drift_msq |\n"
               "#   reverse trial window distance_to_forward_path forward_displacement |\n"
               "#   time seconds maxrss_kb | params sha256_of_the_parameter_file (first) | end (last line)\n");
}

void shard_write(FILE *f, const shard_rec_t *r) {
    const char *k = kinds[r->kind].name;
    switch (r->kind) {
    case SHARD_ACC:
    case SHARD_PARAM:
    case SHARD_ACF:
    case SHARD_FORCE: fprintf(f, "%s\t%ld\t%ld\t%.17g\n", k, r->trial, r->step, r->value); break;
    case SHARD_NOISE:
        fprintf(f, "%s\t%ld\t%ld\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\n", k, r->trial, r->step,
                r->noise.var_measured, r->noise.var_expected, r->noise.drift_msq, r->noise.grad_max,
                r->noise.loss_full);
        break;
    case SHARD_GROUP:
        fprintf(f, "%s\t%ld\t%ld\t%d\t%.17g\t%.17g\t%.17g\n", k, r->trial, r->step, r->group, r->noise.var_measured,
                r->noise.var_expected, r->noise.drift_msq);
        break;
    case SHARD_REVERSE: fprintf(f, "%s\t%ld\t%ld\t%.17g\t%.17g\n", k, r->trial, r->step, r->value, r->value2); break;
    case SHARD_TIME: fprintf(f, "%s\t%.6f\t%ld\n", k, r->seconds, r->maxrss_kb); break;
    case SHARD_PARAMS: fprintf(f, "%s\t%s\n", k, r->sha256); break;
    case SHARD_END: fprintf(f, "%s\n", k); break;
    default: break;
    }
}

/* Splits s at tabs into at most max fields; returns the count. */
static int split_tabs(char *s, char **field, int max) {
    int n = 0;
    for (char *p = s; n < max;) {
        field[n++] = p;
        p = strchr(p, '\t');
        if (!p) break;
        *p++ = 0;
    }
    return n;
}

static int parse_long(const char *s, long *out) {
    char *end;
    errno = 0;
    *out = strtol(s, &end, 10);
    return !errno && end != s && *end == 0;
}

/* A finite number: a shard never records nan or inf (the run stops first). */
static int parse_double(const char *s, double *out) {
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return !errno && end != s && *end == 0 && isfinite(*out);
}

int shard_parse(const char *line, shard_rec_t *r, char *err, size_t errlen) {
    char buf[512], *f[10];
    size_t len = strcspn(line, "\n");
    if (len == 0 || line[0] == '#') return 0;
    if (len >= sizeof buf) return snprintf(err, errlen, "line longer than %zu bytes", sizeof buf - 1), -1;
    memcpy(buf, line, len);
    buf[len] = 0;
    int n = split_tabs(buf, f, 10);
    memset(r, 0, sizeof *r);
    r->kind = SHARD_KINDS;
    for (int k = 0; k < SHARD_KINDS; k++)
        if (strcmp(f[0], kinds[k].name) == 0) r->kind = (shard_kind_t)k;
    if (r->kind == SHARD_KINDS) return snprintf(err, errlen, "unknown record kind '%.40s'", f[0]), -1;
    if (n - 1 != kinds[r->kind].nfields)
        return snprintf(err, errlen, "%s record with %d fields (expected %d)", f[0], n - 1, kinds[r->kind].nfields), -1;
    if (r->kind == SHARD_END) return 1;
    if (r->kind == SHARD_PARAMS) {
        if (strlen(f[1]) != 64 || strspn(f[1], "0123456789abcdef") != 64)
            return snprintf(err, errlen, "params record: '%.70s' is not a SHA-256 (64 lowercase hex digits)", f[1]), -1;
        memcpy(r->sha256, f[1], 65);
        return 1;
    }
    if (r->kind == SHARD_TIME) {
        if (!parse_double(f[1], &r->seconds) || !parse_long(f[2], &r->maxrss_kb))
            return snprintf(err, errlen, "time record: a field is not a finite number"), -1;
        return 1;
    }
    double v[7];
    int ok = parse_long(f[1], &r->trial) && parse_long(f[2], &r->step);
    for (int i = 3; ok && i < n; i++) ok = parse_double(f[i], &v[i - 3]);
    if (!ok) return snprintf(err, errlen, "%s record: a field is not a finite number", f[0]), -1;
    if (r->kind == SHARD_NOISE) {
        r->noise = (sgdnoise_t){.var_measured = v[0], .var_expected = v[1], .drift_msq = v[2], .grad_max = v[3],
                                .loss_full = v[4]};
    } else if (r->kind == SHARD_GROUP) {
        if (v[0] != floor(v[0]) || v[0] < 0 || v[0] >= 2 * MLP_MAX_LAYERS)
            return snprintf(err, errlen, "group record: group '%.20s' is not an integer in [0, %d)", f[3],
                            2 * MLP_MAX_LAYERS), -1;
        r->group = (int)v[0];
        r->noise = (sgdnoise_t){.var_measured = v[1], .var_expected = v[2], .drift_msq = v[3]};
    } else {
        r->value = v[0];
        r->value2 = r->kind == SHARD_REVERSE ? v[1] : 0;
    }
    return 1;
}

int shard_file_line(shard_file_t *s, const char *line, size_t len, shard_rec_t *r, char *err, size_t errlen) {
    if (s->ended) return snprintf(err, errlen, "a line after the 'end' line"), -1;
    /* getline ends a line at its newline, so only the file's last line can lack one */
    if (len == 0 || line[len - 1] != '\n')
        return snprintf(err, errlen, "the last line has no newline: the shard is cut short"), -1;
    if (memchr(line, 0, len)) return snprintf(err, errlen, "line contains a NUL byte"), -1;
    int got = shard_parse(line, r, err, errlen);
    if (got <= 0) return got;
    if (r->kind == SHARD_PARAMS) {
        if (s->have_params) return snprintf(err, errlen, "a second 'params' record"), -1;
        if (strcmp(r->sha256, s->want_sha256) != 0)
            return snprintf(err, errlen, "written with another parameter file (params sha256:%.16s...), not %.200s (sha256:%.16s...)",
                            r->sha256, s->conf_path, s->want_sha256), -1;
        s->have_params = 1;
        return 0;
    }
    if (!s->have_params)
        return snprintf(err, errlen, "%s record before the 'params' record of the parameter file's SHA-256",
                        kinds[r->kind].name), -1;
    if (r->kind == SHARD_END) {
        s->ended = 1;
        return 0;
    }
    return 1;
}

int shard_file_end(const shard_file_t *s, char *err, size_t errlen) {
    if (s->ended) return 0;
    return snprintf(err, errlen, "no 'end' line: the shard is cut short or its run did not finish"), -1;
}
