/* Shard records (src/lib/fig51_shard.c): every kind written and parsed back
 * field for field, and malformed group records refused with a reason. A
 * writer and parser that disagreed on a field's place would merge one
 * quantity as another. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fig51_shard.h"

static shard_rec_t round_trip(const shard_rec_t *r) {
    char *buf = NULL, err[256] = "";
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    shard_write(f, r);
    fclose(f);
    shard_rec_t back;
    int got = shard_parse(buf, &back, err, sizeof err);
    cr_assert_eq(got, 1, "'%s' did not parse back: %s", buf, err);
    free(buf);
    return back;
}

Test(fig51_shard, every_record_kind_round_trips) {
    shard_rec_t r = {.kind = SHARD_NOISE, .trial = 2, .step = 300,
                     .noise = {.var_measured = 1.5e-7, .var_expected = 2.25e-7, .drift_msq = 3.125e-8, .grad_max = 0.75,
                               .loss_full = 2.302585092994046}};
    shard_rec_t b = round_trip(&r);
    cr_expect(b.kind == SHARD_NOISE && b.trial == 2 && b.step == 300);
    cr_expect(b.noise.var_measured == r.noise.var_measured && b.noise.var_expected == r.noise.var_expected &&
              b.noise.drift_msq == r.noise.drift_msq && b.noise.grad_max == r.noise.grad_max &&
              b.noise.loss_full == r.noise.loss_full);
    r = (shard_rec_t){.kind = SHARD_GROUP, .trial = 1, .step = 200, .group = 7,
                      .noise = {.var_measured = 0.1, .var_expected = 0.2, .drift_msq = 0.3}};
    b = round_trip(&r);
    cr_expect(b.kind == SHARD_GROUP && b.trial == 1 && b.step == 200 && b.group == 7);
    cr_expect(b.noise.var_measured == 0.1 && b.noise.var_expected == 0.2 && b.noise.drift_msq == 0.3,
              "group fields: %g %g %g", b.noise.var_measured, b.noise.var_expected, b.noise.drift_msq);
    r = (shard_rec_t){.kind = SHARD_REVERSE, .trial = 0, .step = 64, .value = 0.125, .value2 = 3.5};
    b = round_trip(&r);
    cr_expect(b.kind == SHARD_REVERSE && b.step == 64 && b.value == 0.125 && b.value2 == 3.5);
    const shard_kind_t plain[] = {SHARD_ACC, SHARD_PARAM, SHARD_ACF, SHARD_FORCE};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        r = (shard_rec_t){.kind = plain[i], .trial = 3, .step = 17, .value = -0.0401};
        b = round_trip(&r);
        cr_expect(b.kind == plain[i] && b.trial == 3 && b.step == 17 && b.value == -0.0401);
    }
}

Test(fig51_shard, malformed_group_and_reverse_records_are_refused) {
    const char *bad[] = {"group\t0\t0\t2.5\t1\t1\t1\n",  /* group not an integer */
                         "group\t0\t0\t-1\t1\t1\t1\n",   /* negative group */
                         "group\t0\t0\t99\t1\t1\t1\n",   /* beyond the largest network */
                         "group\t0\t0\t1\t1\t1\n",       /* a field short */
                         "reverse\t0\t4\t0.1\n",          /* no displacement */
                         "reverse\t0\t4\tnan\t1\n"};      /* not finite */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        shard_rec_t r;
        char err[256] = "";
        cr_expect_eq(shard_parse(bad[i], &r, err, sizeof err), -1, "accepted: %s", bad[i]);
        cr_expect(strlen(err) > 0, "no reason given for: %s", bad[i]);
    }
}
