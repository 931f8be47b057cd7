/*
 * figtext.h - the text of a figure as printed: the text elements of a gnuplot
 * SVG (position, rotation, font size, anchor, an estimated box) and the words
 * of a PDF figure (pdftotext -bbox), for the figure check of make test
 * (src/tools/figcheck.c, figures/style.gp's rules).
 *
 * Sizes: a figure drawn W user units wide and printed P points wide shows a
 * font of size s user units at s * P / W points (figtext_pt_per_unit). A text's
 * body is what sits on its baseline; a sub- or superscript is a piece shifted
 * off it (gnuplot's enhanced text: a tspan with dy), which gnuplot sets at 0.8
 * of the body.
 *
 * Boxes are estimates meant to be conservative (to under- rather than
 * over-estimate ink, so that a reported overlap is real): each character is
 * FIGTEXT_GLYPH_EM of its font size wide, a line is FIGTEXT_ASCENT_EM above
 * its baseline and nothing below it; leading and trailing spaces take room
 * but no ink. Rotations are applied exactly; the box of a rotated text is the
 * axis-aligned box of its rotated rectangle (exact for gnuplot's 90 and 270).
 */
#ifndef FIGTEXT_H
#define FIGTEXT_H

#include <stddef.h>

#define FIGTEXT_GLYPH_EM 0.5  /* average advance of a character, in ems (Helvetica's digits: 0.556) */
#define FIGTEXT_ASCENT_EM 0.7 /* ink above the baseline, in ems (Helvetica's capitals: 0.718) */
#define FIGTEXT_TEXT_MAX 96   /* characters of a text kept for messages */

typedef struct {
    double x0, y0, x1, y1; /* x0 <= x1, y0 <= y1 (SVG: y grows downwards) */
} figtext_box_t;

typedef struct {
    double body_size;   /* the font size of the body (user units); 0 if it has none */
    double script_size; /* the smallest sub- or superscript font size; 0 if none */
    figtext_box_t box;  /* estimated ink box in the figure's user units */
    int has_ink;        /* 0 for a text of spaces only (then box is empty) */
    int line;           /* line of the <text> element in the file */
    char text[FIGTEXT_TEXT_MAX];
} figtext_t;

typedef struct {
    double width, height; /* the figure's size in user units (viewBox, else width/height) */
    double width_px;      /* its width attribute in CSS px (96 per inch) */
    figtext_t *t;
    int n, cap;
} figtext_doc_t;

/* Reads the text elements of an SVG held in buf (NUL-terminated). Understands
 * nested <g>/<text>/<tspan> with transform (translate, rotate, scale, matrix),
 * x, y, dx, dy, font-size and text-anchor, inherited the SVG way. Returns 0, or
 * -1 with a message (naming the line) in err for what it cannot read: a
 * missing width or viewBox, an unclosed element, a font size that is not a
 * positive number, a relative unit (em, %). */
int figtext_svg_parse(const char *buf, figtext_doc_t *doc, char *err, size_t errlen);
void figtext_doc_free(figtext_doc_t *doc);

/* Points (bp) per user unit of a figure width_units wide whose natural width
 * is natural_pt, placed in a text block text_width_pt wide: LaTeX (pandoc's
 * \maxwidth) prints a figure at its natural width unless that exceeds the line,
 * then shrinks it to the line. */
double figtext_pt_per_unit(double width_units, double natural_pt, double text_width_pt);

/* Whether two boxes share an area more than slack wide and slack high. */
int figtext_overlap(const figtext_box_t *a, const figtext_box_t *b, double slack);

/* A length "2.5cm", "1in", "10mm", "72.27pt", "72bp" or "96px" in PostScript
 * points (bp, 72 per inch: the unit of PDF page sizes and of the sizes this
 * module reports; a TeX pt is 72.27 per inch, a CSS px 96). Returns -1 for
 * anything else (no unit, a negative length). */
double figtext_length_bp(const char *s);

/* The words of a PDF figure: pdftotext -bbox output (one <page width height>,
 * <word xMin yMin xMax yMax>) and the PDF's font descriptors (/Ascent, /Descent
 * in 1/1000 em). poppler makes a word's box ascent - descent ems high, so a
 * word's font size is its height / (ascent - descent); with several fonts the
 * smallest ascent - descent is used (the largest size: a word is called small
 * only if it is small in every font). */
typedef struct {
    double size;    /* estimated font size in PDF points */
    double y, x0, x1;
    char text[FIGTEXT_TEXT_MAX];
} figtext_word_t;
typedef struct {
    double page_width, page_height;
    double em_height; /* smallest (ascent - descent) / 1000 over the fonts */
    figtext_word_t *w;
    int n, cap;
} figtext_pdf_t;
/* pdf: the PDF file's bytes (len of them); bbox: pdftotext -bbox's output
 * (NUL-terminated). Returns 0, or -1 with a message in err: no font
 * descriptor, no page, a malformed word. */
int figtext_pdf_read(const char *pdf, size_t len, const char *bbox, figtext_pdf_t *out, char *err, size_t errlen);
void figtext_pdf_free(figtext_pdf_t *p);

#endif
