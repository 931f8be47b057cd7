/*
 * fuzz.h - what the libFuzzer targets share (tests/fuzz/fuzz_*.c, built by
 * tests/fuzz.mk with clang -fsanitize=fuzzer,address,undefined).
 *
 * Each input is written to an in-memory file (memfd) that the production
 * reader opens by its path, as it opens a real file. die() is hooked: instead
 * of exiting it longjmps back to the target, which checks that the reject is
 * a named error (the message names the file) and aborts otherwise, so an
 * unnamed reject is reported by libFuzzer like a crash.
 */
#ifndef FUZZ_H
#define FUZZ_H

#define _GNU_SOURCE
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

/* The stream a reader opened, so that a reject (die() longjmps out of the
 * reader before its fclose) does not leak a file descriptor per input. The
 * targets that compile a reader into themselves define fopen and fclose as
 * these before including its source. */
static FILE *fuzz_file;
static FILE *fuzz_fopen(const char *path, const char *mode) { return fuzz_file = fopen(path, mode); }
static int fuzz_fclose(FILE *f) {
    if (f == fuzz_file) fuzz_file = NULL;
    return fclose(f);
}
static void fuzz_close_leftover(void) {
    if (fuzz_file) fclose(fuzz_file);
    fuzz_file = NULL;
}

static jmp_buf fuzz_jmp;
static char fuzz_path[64];
static long fuzz_rejects;

static void fuzz_die_hook(const char *msg) {
    if (!strstr(msg, fuzz_path)) {
        fprintf(stderr, "fuzz: a reject that does not name the file: '%s'\n", msg);
        abort();
    }
    fuzz_rejects++;
    fuzz_close_leftover();
    longjmp(fuzz_jmp, 1);
}

/* The in-memory file holding this input; its path is fuzz_path. */
static void fuzz_write(const uint8_t *data, size_t size) {
    static int fd = -1;
    if (fd < 0) {
        fd = memfd_create("fuzz-input", 0);
        if (fd < 0) abort();
        snprintf(fuzz_path, sizeof fuzz_path, "/proc/self/fd/%d", fd);
        die_hook = fuzz_die_hook;
        prog_name = "fuzz";
    }
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size)) abort();
}

/* The reject message of a reader that reports through err (no die): it must
 * name the file too. */
static void fuzz_check_err(const char *err) {
    if (!strstr(err, fuzz_path)) {
        fprintf(stderr, "fuzz: a reject that does not name the file: '%s'\n", err);
        abort();
    }
}

#endif
