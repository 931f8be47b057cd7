/* progress.c - progress lines; see progress.h. */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "base.h"

/* ---------------------------------------------------------------------- */
/* progress                                                                */

void progress_start(progress_t *p, const char *what, long total) {
    p->what = what;
    p->total = total;
    p->done = 0;
    p->t0 = p->last = now_seconds();
    p->tty = isatty(STDERR_FILENO);
}

/* On a terminal the line is rewritten in place 4 times a second; otherwise (a
 * scheduler's log, make's output) a plain line is written every PROGRESS_LOG_S. */
#define PROGRESS_LOG_S 10.0
void progress_step(progress_t *p, long inc, const char *detail) {
    p->done += inc;
    double t = now_seconds();
    if (t - p->last < (p->tty ? 0.25 : PROGRESS_LOG_S) || p->done >= p->total) return;
    p->last = t;
    double rate = p->done / (t - p->t0 + 1e-12);
    double eta = rate > 0 ? (p->total - p->done) / rate : 0;
    fprintf(stderr, "%s%s: %s %ld/%ld  %.1f/s  %.0fs elapsed, ETA %.0fs%s", p->tty ? "\r" : "", prog_name, p->what,
            p->done, p->total, rate, t - p->t0, eta, p->tty ? "   " : "");
    if (detail) fprintf(stderr, " %s", detail);
    if (!p->tty) fputc('\n', stderr);
    fflush(stderr);
}

void progress_end(progress_t *p, const char *summary) {
    double dt = now_seconds() - p->t0;
    if (p->tty) fputc('\n', stderr);
    fprintf(stderr, "%s: %s %ld done in %.2fs%s%s\n", prog_name, p->what, p->done, dt,
            summary ? "; " : "", summary ? summary : "");
}
