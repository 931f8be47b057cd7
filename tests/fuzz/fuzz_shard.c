/* fuzz_shard - the Fig. 5.1 shard-record parser (src/lib/fig51_shard.c
 * shard_parse, which never exits) on arbitrary lines: each line is a record,
 * a comment, or a reject with a non-empty reason; an accepted record written
 * back with shard_write parses to the same record (doubles are written with
 * %.17g; the time record's seconds with %.6f, so only its other field is compared).
 * Then the whole input as a shard file (shard_file_line, shard_file_end): every
 * reject says why, and a file that passes ends with its 'end' line. */
#include "fuzz.h"

#include <math.h>

#include "fig51_shard.h"

#define LINE_MAX_FUZZ 4096

static int same(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static void round_trip(const shard_rec_t *r) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) abort();
    shard_write(f, r);
    fclose(f);
    shard_rec_t s;
    char err[256] = "";
    if (shard_parse(text, &s, err, sizeof err) != 1) {
        fprintf(stderr, "fuzz: shard_write wrote '%s' that shard_parse rejects: %s\n", text, err);
        abort();
    }
    int ok = s.kind == r->kind && s.trial == r->trial && s.step == r->step && same(s.value, r->value) &&
             s.maxrss_kb == r->maxrss_kb && same(s.noise.var_measured, r->noise.var_measured) &&
             same(s.noise.var_expected, r->noise.var_expected) && same(s.noise.drift_msq, r->noise.drift_msq) &&
             same(s.noise.grad_max, r->noise.grad_max) && same(s.noise.loss_full, r->noise.loss_full) &&
             strcmp(s.sha256, r->sha256) == 0;
    if (!ok) {
        fprintf(stderr, "fuzz: '%s' does not parse back to the record written\n", text);
        abort();
    }
    free(text);
}

/* Lines as getline returns them, in place: shard_file_line must not read past
 * len (it refuses a line without its newline before parsing it). */
static void whole_file(const uint8_t *data, size_t size) {
    /* data/params/quick/fig51.conf, as in the seed corpus */
    shard_file_t sf = {.want_sha256 = "488f408ac0f6c5f3530a0230b36c3ee8e2baa363fe857fd4c5751d0863c6e4a2",
                       .conf_path = "fig51.conf"};
    char err[512];
    for (size_t start = 0; start < size;) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t len = nl ? (size_t)(nl - data) + 1 - start : size - start;
        shard_rec_t r;
        err[0] = 0;
        int got = shard_file_line(&sf, (const char *)data + start, len, &r, err, sizeof err);
        if (got == -1) {
            if (!err[0]) abort();
            return;
        }
        if (got == 1 && (r.kind == SHARD_PARAMS || r.kind == SHARD_END)) abort(); /* not data records */
        if (got != 0 && got != 1) abort();
        start += len;
    }
    err[0] = 0;
    if (shard_file_end(&sf, err, sizeof err) != 0) {
        if (!err[0]) abort();
    } else if (size < 5 || memcmp(data + size - 5, "\nend\n", 5) != 0) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char line[LINE_MAX_FUZZ];
    for (size_t start = 0; start < size;) {
        size_t end = start;
        while (end < size && data[end] != '\n') end++;
        size_t n = end - start < sizeof line - 1 ? end - start : sizeof line - 1;
        memcpy(line, data + start, n);
        line[n] = 0;
        start = end + 1;
        if (memchr(line, 0, n)) continue; /* a NUL ends the C string: not a line the merge can read */
        shard_rec_t r;
        char err[256] = "";
        int got = shard_parse(line, &r, err, sizeof err);
        if (got == -1 && !err[0]) abort(); /* every reject says why */
        if (got == 1) {
            if (r.kind < 0 || r.kind >= SHARD_KINDS) abort();
            round_trip(&r);
        } else if (got != 0 && got != -1) {
            abort();
        }
    }
    whole_file(data, size);
    return 0;
}
