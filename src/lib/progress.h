/*
 * progress.h - progress of long work on stderr
 */
#ifndef PROGRESS_H
#define PROGRESS_H

/* ---- progress ---------------------------------------------------------- */
/* Progress on stderr: a live line on a terminal, one summary line otherwise. */
typedef struct {
    const char *what;
    long total, done;
    double t0, last;
    int tty;
} progress_t;
void progress_start(progress_t *p, const char *what, long total);
void progress_step(progress_t *p, long inc, const char *detail);
void progress_end(progress_t *p, const char *summary);

/* Check a value is finite; otherwise die naming where it appeared. */
#define CHECK_FINITE(x, ...)                                                    \
    do {                                                                        \
        if (!isfinite(x)) die(__VA_ARGS__);                                     \
    } while (0)

#endif
