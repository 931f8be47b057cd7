/*
 * mnist_stats - the "Data" section's payload: per-class mean images and
 * class counts of the verified MNIST files.
 * usage: mnist_stats MNIST_DIR MEAN.tsv COUNTS.tsv NUMBERS.tsv
 */
#include <stdio.h>
#include <stdlib.h>

#include "idx.h"
#include "util.h"

#define DIGITS 10

typedef struct {
    mnist_t tr, te;
    int pixels;
    double *mean; /* (DIGITS, pixels): sums, then means */
    long ntr[DIGITS], nte[DIGITS];
    double total;
} data_t;

static void tally(data_t *d, const char *dir) {
    d->tr = mnist_load(dir, "train");
    d->te = mnist_load(dir, "t10k");
    if (d->tr.rows != d->te.rows || d->tr.cols != d->te.cols)
        die("%s: training images are %dx%d but test images are %dx%d", dir, d->tr.rows, d->tr.cols, d->te.rows,
            d->te.cols);
    int P = d->pixels = d->tr.rows * d->tr.cols;
    d->mean = xcalloc(DIGITS * (size_t)P, sizeof *d->mean);
    for (int i = 0; i < d->tr.n; i++) {
        int c = d->tr.label[i];
        d->ntr[c]++;
        for (int p = 0; p < P; p++) {
            d->mean[c * P + p] += d->tr.x[(size_t)i * P + p];
            d->total += d->tr.x[(size_t)i * P + p];
        }
    }
    for (int i = 0; i < d->te.n; i++) d->nte[d->te.label[i]]++;
    for (int c = 0; c < DIGITS; c++) {
        if (d->ntr[c] == 0) die("%s: digit %d has no training images", dir, c);
        for (int p = 0; p < P; p++) d->mean[c * P + p] /= (double)d->ntr[c];
    }
}

static void write_means(const data_t *d, const char *path) {
    table_t *t = table_open(path, "Per-class mean image of the MNIST training set", NULL, 0, "%.6g");
    int digit = table_col(t, "1", "class label 0-9", "digit"), row = table_col(t, "pixel", "image row, 0 = top", "row");
    int col = table_col(t, "pixel", "image column, 0 = left", "col");
    int mean = table_col(t, "1", "mean of pixel/255 over the class's training images", "mean");
    for (int c = 0; c < DIGITS; c++)
        for (int r = 0; r < d->tr.rows; r++)
            for (int k = 0; k < d->tr.cols; k++) {
                table_set(t, digit, c);
                table_set(t, row, r);
                table_set(t, col, k);
                table_set(t, mean, d->mean[c * d->pixels + r * d->tr.cols + k]);
                table_row(t);
            }
    table_close(t);
}

static void write_counts(const data_t *d, const char *path) {
    table_t *t = table_open(path, "MNIST class counts", NULL, 0, "%.17g");
    int digit = table_col(t, "1", "class label 0-9", "digit");
    int train = table_col(t, "images", "training images with this label", "train");
    int test = table_col(t, "images", "test images with this label", "test");
    for (int c = 0; c < DIGITS; c++) {
        table_set(t, digit, c);
        table_set(t, train, (double)d->ntr[c]);
        table_set(t, test, (double)d->nte[c]);
        table_row(t);
    }
    table_close(t);
}

static void write_numbers(const data_t *d, const char *path) {
    int dmin = 0, dmax = 0;
    for (int c = 0; c < DIGITS; c++) {
        if (d->ntr[c] < d->ntr[dmin]) dmin = c;
        if (d->ntr[c] > d->ntr[dmax]) dmax = c;
    }
    numbers_t *nb = numbers_open(path, "MNIST data numbers", NULL, 0);
    numbers_put(nb, "mnist_n_train", d->tr.n, "images");
    numbers_put(nb, "mnist_n_test", d->te.n, "images");
    numbers_put(nb, "mnist_pixels", d->pixels, "pixels");
    numbers_put(nb, "mnist_rows", d->tr.rows, "pixels");
    numbers_put(nb, "mnist_class_min_digit", dmin, "1");
    numbers_put(nb, "mnist_class_min_count", (double)d->ntr[dmin], "images");
    numbers_put(nb, "mnist_class_max_digit", dmax, "1");
    numbers_put(nb, "mnist_class_max_count", (double)d->ntr[dmax], "images");
    numbers_put(nb, "mnist_mean_intensity", d->total / ((double)d->tr.n * d->pixels), "1");
    numbers_close(nb);
}

int main(int argc, char **argv) {
    prog_name = "mnist_stats";
    if (argc != 5) die("usage: mnist_stats MNIST_DIR MEAN.tsv COUNTS.tsv NUMBERS.tsv");
    data_t d = {0};
    tally(&d, argv[1]);
    write_means(&d, argv[2]);
    write_counts(&d, argv[3]);
    write_numbers(&d, argv[4]);
    free(d.mean);
    mnist_free(&d.tr);
    mnist_free(&d.te);
    return 0;
}
