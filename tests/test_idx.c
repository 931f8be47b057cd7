/* IDX reader: good files load; wrong magic, wrong dimensions, truncation and
 * trailing bytes each give an error naming the file and the problem. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "idx.h"

static char path[64];

static void write_file(const unsigned char *bytes, size_t n) {
    strcpy(path, "/tmp/stl-idx-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert(eq(sz, (size_t)write(fd, bytes, n), n));
    close(fd);
}

/* 2 images of 2x3 pixels: header 0x00000803, dims 2,2,3, then 12 bytes */
static const unsigned char good3[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
                                      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255};

/* Loading bytes as a 3-dimensional IDX file fails, and the error names the
 * file and contains `why`. */
static void expect_rejected(const unsigned char *bytes, size_t n, const char *why) {
    write_file(bytes, n);
    idx_t x;
    char err[512];
    cr_assert(eq(int, idx_load(path, 3, &x, err, sizeof err), -1), "accepted; expected an error: %s", why);
    cr_expect(ne(ptr, strstr(err, path), NULL), "the error should name the file: %s", err);
    cr_expect(ne(ptr, strstr(err, why), NULL), "%s", err);
    unlink(path);
}

Test(idx, reads_a_valid_three_dimensional_file) {
    write_file(good3, sizeof good3);
    idx_t x;
    char err[512];
    cr_assert(eq(int, idx_load(path, 3, &x, err, sizeof err), 0), "%s", err);
    cr_expect(eq(u32, x.dim[0], 2));
    cr_expect(eq(u32, x.dim[1], 2));
    cr_expect(eq(u32, x.dim[2], 3));
    cr_expect(eq(sz, x.count, 12));
    cr_expect(eq(u8, x.data[11], 255));
    idx_free(&x);
    unlink(path);
}

Test(idx, rejects_wrong_magic_naming_the_file) {
    unsigned char bad[sizeof good3];
    memcpy(bad, good3, sizeof bad);
    bad[2] = 0x0D; /* float type instead of unsigned byte */
    expect_rejected(bad, sizeof bad, "bad IDX magic 0x00000d03");
}

Test(idx, rejects_a_labels_file_where_images_are_expected) {
    static const unsigned char labels[] = {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3};
    expect_rejected(labels, sizeof labels, "expected 0x00000803");
}

Test(idx, rejects_a_truncated_file) { expect_rejected(good3, sizeof good3 - 5, "23 bytes but its header implies 28 (truncated)"); }

Test(idx, rejects_a_file_cut_inside_the_header) { expect_rejected(good3, 9, "truncated inside the IDX header"); }

Test(idx, rejects_trailing_bytes) {
    unsigned char longer[sizeof good3 + 1];
    memcpy(longer, good3, sizeof good3);
    longer[sizeof good3] = 7;
    expect_rejected(longer, sizeof longer, "trailing bytes");
}

Test(idx, rejects_dimensions_whose_product_overflows) {
    static const unsigned char huge[] = {0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255};
    expect_rejected(huge, sizeof huge, "dimensions 4294967295 x 4294967295 x 4294967295 overflow the item count");
}

/* A valid file of 2 x 3 items passes a check for 2 x 3 and fails one for MNIST's
 * 28 x 28, naming the file and both shapes (what mnist_load asks of images). */
Test(idx, requires_the_item_shape_naming_the_file) {
    write_file(good3, sizeof good3);
    idx_t x;
    char err[512] = "";
    cr_assert(eq(int, idx_load(path, 3, &x, err, sizeof err), 0), "%s", err);
    cr_expect(eq(int, idx_require(&x, path, (const uint32_t[]){2, 3}, err, sizeof err), 0), "%s", err);
    cr_assert(eq(int, idx_require(&x, path, (const uint32_t[]){28, 28}, err, sizeof err), -1));
    cr_expect(ne(ptr, strstr(err, path), NULL), "the error should name the file: %s", err);
    cr_expect(ne(ptr, strstr(err, "each item is 2 x 3, not 28 x 28"), NULL), "%s", err);
    idx_free(&x);
    unlink(path);
}
