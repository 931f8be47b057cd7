/*
 * mnist_stats - the "Data" section's payload: per-class mean images and
 * class counts of the verified MNIST files.
 * usage: mnist_stats MNIST_DIR MEAN.tsv COUNTS.tsv NUMBERS.tsv
 */
#include <stdio.h>
#include <stdlib.h>

#include "idx.h"
#include "util.h"

int main(int argc, char **argv) {
    prog_name = "mnist_stats";
    if (argc != 5) die("usage: mnist_stats MNIST_DIR MEAN.tsv COUNTS.tsv NUMBERS.tsv");
    mnist_t tr = mnist_load(argv[1], "train"), te = mnist_load(argv[1], "t10k");
    if (tr.rows != te.rows || tr.cols != te.cols)
        die("%s: training images are %dx%d but test images are %dx%d", argv[1], tr.rows, tr.cols,
            te.rows, te.cols);
    int P = tr.rows * tr.cols;
    double *mean = xcalloc(10 * (size_t)P, sizeof *mean);
    long ntr[10] = {0}, nte[10] = {0};
    double total = 0;
    for (int i = 0; i < tr.n; i++) {
        int d = tr.label[i];
        ntr[d]++;
        for (int p = 0; p < P; p++) {
            mean[d * P + p] += tr.x[(size_t)i * P + p];
            total += tr.x[(size_t)i * P + p];
        }
    }
    for (int i = 0; i < te.n; i++) nte[te.label[i]]++;

    out_t *o = out_open(argv[2]);
    FILE *f = out_file(o);
    prov_write(f, "Per-class mean image of the MNIST training set", NULL, 0);
    const column_t mc[] = {{"digit", "1", "class label 0-9"},
                           {"row", "pixel", "image row, 0 = top"},
                           {"col", "pixel", "image column, 0 = left"},
                           {"mean", "1", "mean of pixel/255 over the class's training images"}};
    columns_write(f, mc, 4);
    for (int d = 0; d < 10; d++) {
        if (ntr[d] == 0) die("%s: digit %d has no training images", argv[1], d);
        for (int r = 0; r < tr.rows; r++)
            for (int c = 0; c < tr.cols; c++)
                fprintf(f, "%d\t%d\t%d\t%.6f\n", d, r, c, mean[d * P + r * tr.cols + c] / ntr[d]);
    }
    out_close(o);

    o = out_open(argv[3]);
    f = out_file(o);
    prov_write(f, "MNIST class counts", NULL, 0);
    const column_t cc[] = {{"digit", "1", "class label 0-9"},
                           {"train", "images", "training images with this label"},
                           {"test", "images", "test images with this label"}};
    columns_write(f, cc, 3);
    int dmin = 0, dmax = 0;
    for (int d = 0; d < 10; d++) {
        fprintf(f, "%d\t%ld\t%ld\n", d, ntr[d], nte[d]);
        if (ntr[d] < ntr[dmin]) dmin = d;
        if (ntr[d] > ntr[dmax]) dmax = d;
    }
    out_close(o);

    numbers_t *nb = numbers_open(argv[4], "MNIST data numbers", NULL, 0);
    numbers_put(nb, "mnist_n_train", tr.n, "images");
    numbers_put(nb, "mnist_n_test", te.n, "images");
    numbers_put(nb, "mnist_pixels", P, "pixels");
    numbers_put(nb, "mnist_rows", tr.rows, "pixels");
    numbers_put(nb, "mnist_class_min_digit", dmin, "1");
    numbers_put(nb, "mnist_class_min_count", ntr[dmin], "images");
    numbers_put(nb, "mnist_class_max_digit", dmax, "1");
    numbers_put(nb, "mnist_class_max_count", ntr[dmax], "images");
    numbers_put(nb, "mnist_mean_intensity", total / ((double)tr.n * P), "1");
    numbers_close(nb);
    free(mean);
    mnist_free(&tr);
    mnist_free(&te);
    return 0;
}
