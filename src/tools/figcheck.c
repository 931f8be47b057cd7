/*
 * figcheck - the figure rules of figures/style.gp that can be measured, on the
 * built figures (make test: tests/figcheck.sh).
 *
 *   figcheck svg  PAGE_WIDTH_BP MARGIN FILE.svg...
 *   figcheck pdf  PAGE_WIDTH_BP MARGIN FILE.pdf BBOX.html
 *
 * PAGE_WIDTH_BP and MARGIN are the paper's (pdfinfo's page width, geometry's
 * margin, e.g. 2.5cm): a figure is printed at its natural width, or at the
 * text width if it is wider (pandoc's \maxwidth). At that size
 *   - svg: every text's body is at least MIN_PT (8 pt), its sub- and
 *     superscripts at least SCRIPT_RATIO (0.8, gnuplot's) of that, no two
 *     texts' estimated boxes (src/lib/figtext.h: conservative) overlap and
 *     none runs off the figure;
 *   - pdf (pdftotext -bbox output): the median word is at least MIN_PT. (The
 *     SVG, drawn by the same script, is the one judged text by text: poppler's
 *     boxes do not say which words are rotated, so a single word's size is not
 *     known; the median of the words, most of them horizontal, is. It catches
 *     what the terminal alone does to every text, e.g. pdfcairo's font scale.)
 * Every failure is one line naming the file (and the SVG line) and the text;
 * the exit status is 1 if there is any.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figtext.h"
#include "util.h"

#define MIN_PT 8.0
#define SCRIPT_RATIO 0.8
#define OVERLAP_SLACK_PT 0.5 /* SVG boxes must share more than this, both ways */

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) die("%s: cannot open", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) buf = xrealloc(buf, cap *= 2);
    }
    if (ferror(f)) die("%s: read error", path);
    fclose(f);
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

static double text_width_bp(const char *page, const char *margin) {
    char *end;
    double w = strtod(page, &end);
    if (end == page || *end || !(w > 0)) die("page width '%s' is not a positive number of bp", page);
    double m = figtext_length_bp(margin);
    if (m < 0) die("margin '%s' is not a length (e.g. 2.5cm)", margin);
    if (!(w - 2 * m > 0)) die("margins of %s leave no text on a page %s bp wide", margin, page);
    return w - 2 * m;
}

static int check_svg(const char *path, double text_w) {
    char *buf = slurp(path, NULL), err[512];
    figtext_doc_t doc;
    if (figtext_svg_parse(buf, &doc, err, sizeof err) < 0) die("%s: %s", path, err);
    free(buf);
    double k = figtext_pt_per_unit(doc.width, doc.width_px * 0.75, text_w);
    int bad = 0, inked = 0;
    double body_min = INFINITY, script_min = INFINITY;
    for (int i = 0; i < doc.n; i++) {
        const figtext_t *t = &doc.t[i];
        if (!t->has_ink) continue;
        inked++;
        double b = t->body_size * k, s = t->script_size * k;
        if (t->body_size > 0) body_min = fmin(body_min, b);
        if (t->script_size > 0) script_min = fmin(script_min, s);
        if (t->body_size > 0 && b < MIN_PT) {
            printf("figcheck: %s:%d: text \"%s\" is %.2f pt (less than %g pt)\n", path, t->line, t->text, b, MIN_PT);
            bad++;
        }
        if (t->script_size > 0 && s < SCRIPT_RATIO * MIN_PT) {
            printf("figcheck: %s:%d: sub- or superscript of \"%s\" is %.2f pt (less than %g pt)\n", path, t->line, t->text, s, SCRIPT_RATIO * MIN_PT);
            bad++;
        }
        double slack = OVERLAP_SLACK_PT / k;
        if (t->box.x0 < -slack || t->box.y0 < -slack || t->box.x1 > doc.width + slack || t->box.y1 > doc.height + slack) {
            printf("figcheck: %s:%d: text \"%s\" runs off the figure\n", path, t->line, t->text);
            bad++;
        }
        for (int j = 0; j < i; j++) {
            const figtext_t *u = &doc.t[j];
            if (u->has_ink && figtext_overlap(&t->box, &u->box, OVERLAP_SLACK_PT / k)) {
                printf("figcheck: %s:%d: text \"%s\" overlaps \"%s\" (line %d)\n", path, t->line, t->text, u->text, u->line);
                bad++;
            }
        }
    }
    if (!inked) {
        printf("figcheck: %s: no text at all (a figure without labels?)\n", path);
        bad++;
    }
    if (!bad)
        printf("figcheck: %s: %d texts, printed %.0f bp wide, bodies >= %.2f pt, scripts >= %.2f pt, no overlap\n", path, inked,
               doc.width * k, body_min, isfinite(script_min) ? script_min : body_min);
    figtext_doc_free(&doc);
    return bad;
}

static int by_size(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int check_pdf(const char *path, const char *bbox_path, double text_w) {
    size_t len;
    char *pdf = slurp(path, &len), *bbox = slurp(bbox_path, NULL), err[512];
    figtext_pdf_t p;
    if (figtext_pdf_read(pdf, len, bbox, &p, err, sizeof err) < 0) die("%s (%s): %s", path, bbox_path, err);
    free(pdf);
    free(bbox);
    if (p.n == 0) {
        printf("figcheck: %s: no text at all\n", path);
        figtext_pdf_free(&p);
        return 1;
    }
    double k = figtext_pt_per_unit(p.page_width, p.page_width, text_w);
    double *sizes = xmalloc((size_t)p.n * sizeof *sizes);
    for (int i = 0; i < p.n; i++) sizes[i] = p.w[i].size * k;
    qsort(sizes, (size_t)p.n, sizeof *sizes, by_size);
    double median = sizes[p.n / 2], smallest = sizes[0];
    free(sizes);
    int bad = 0;
    if (median < MIN_PT) {
        printf("figcheck: %s: the median word is %.2f pt (less than %g pt)\n", path, median, MIN_PT);
        bad++;
    }
    if (!bad) printf("figcheck: %s: %d words, printed %.0f bp wide, median %.2f pt (smallest box %.2f pt, a rotated or script word)\n", path, p.n, p.page_width * k, median, smallest);
    figtext_pdf_free(&p);
    return bad;
}

int main(int argc, char **argv) {
    prog_name = "figcheck";
    if (argc < 5 || (strcmp(argv[1], "svg") != 0 && strcmp(argv[1], "pdf") != 0) || (strcmp(argv[1], "pdf") == 0 && argc != 6))
        die("usage: figcheck svg PAGE_WIDTH_BP MARGIN FILE.svg... | figcheck pdf PAGE_WIDTH_BP MARGIN FILE.pdf BBOX.html");
    double text_w = text_width_bp(argv[2], argv[3]);
    int bad = 0;
    if (strcmp(argv[1], "svg") == 0)
        for (int i = 4; i < argc; i++) bad += check_svg(argv[i], text_w);
    else
        bad = check_pdf(argv[4], argv[5], text_w);
    if (fflush(stdout) != 0 || ferror(stdout)) die("write error on standard output");
    return bad ? 1 : 0;
}
