/* figtext.c - the text of a figure as printed (figtext.h): a small reader of
 * the SVG that gnuplot writes (elements, attributes, inherited transforms and
 * fonts, SVG's default white-space rule) and of pdftotext -bbox words. Not a
 * general XML parser: no namespaces beyond ignoring prefixes, no DTD, no CSS. */
#include "figtext.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

// ----------------------------------------------------------------------------
// errors and small helpers

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int line_of(const char *buf, const char *p) {
    int line = 1;
    for (const char *q = buf; q < p; q++) line += *q == '\n';
    return line;
}

/* A number at *s (skipping white space and one comma before it); advances *s.
 * Returns 0 if there is none. */
static int next_number(const char **s, double *v) {
    const char *p = *s;
    while (isspace((unsigned char)*p) || *p == ',') p++;
    char *end;
    double x = strtod(p, &end);
    if (end == p) return 0;
    *v = x;
    *s = end;
    return 1;
}

/* A length attribute in user units: a number, optionally "px" (1 unit) or "pt"
 * (1.25 units, CSS). Returns 0 for anything else (em, %, a list, garbage). */
static int user_length(const char *s, double *v) {
    char *end;
    double x = strtod(s, &end);
    if (end == s || !isfinite(x)) return 0;
    while (isspace((unsigned char)*end)) end++;
    if (strncmp(end, "px", 2) == 0) end += 2;
    else if (strncmp(end, "pt", 2) == 0) end += 2, x *= 1.25;
    while (isspace((unsigned char)*end)) end++;
    if (*end) return 0;
    *v = x;
    return 1;
}

// ----------------------------------------------------------------------------
// affine transforms: (a c e; b d f; 0 0 1), SVG's order

typedef struct {
    double a, b, c, d, e, f;
} affine_t;
static const affine_t IDENTITY = {1, 0, 0, 1, 0, 0};

static affine_t compose(affine_t m, affine_t n) { // m then n applied first: m * n
    return (affine_t){m.a * n.a + m.c * n.b, m.b * n.a + m.d * n.b, m.a * n.c + m.c * n.d,
                      m.b * n.c + m.d * n.d, m.a * n.e + m.c * n.f + m.e, m.b * n.e + m.d * n.f + m.f};
}

static void apply(affine_t m, double x, double y, double *ox, double *oy) {
    *ox = m.a * x + m.c * y + m.e;
    *oy = m.b * x + m.d * y + m.f;
}

/* Parses a transform list ("translate(1,2) rotate(270)"); 0 on success. */
static int parse_transform(const char *s, affine_t *out) {
    affine_t m = IDENTITY;
    for (;;) {
        while (isspace((unsigned char)*s) || *s == ',') s++;
        if (!*s) break;
        const char *name = s;
        while (isalpha((unsigned char)*s)) s++;
        size_t len = (size_t)(s - name);
        while (isspace((unsigned char)*s)) s++;
        if (*s != '(') return -1;
        s++;
        double v[6];
        int n = 0;
        while (n < 6 && next_number(&s, &v[n])) n++;
        while (isspace((unsigned char)*s)) s++;
        if (*s != ')') return -1;
        s++;
        affine_t t;
        if (len == 9 && strncmp(name, "translate", 9) == 0 && (n == 1 || n == 2)) {
            t = (affine_t){1, 0, 0, 1, v[0], n == 2 ? v[1] : 0};
        } else if (len == 5 && strncmp(name, "scale", 5) == 0 && (n == 1 || n == 2)) {
            t = (affine_t){v[0], 0, 0, n == 2 ? v[1] : v[0], 0, 0};
        } else if (len == 6 && strncmp(name, "rotate", 6) == 0 && (n == 1 || n == 3)) {
            double r = v[0] * M_PI / 180, cs = cos(r), sn = sin(r);
            // exact quarter turns: gnuplot's rotated labels stay exactly axis-aligned
            if (fmod(v[0], 90) == 0) {
                long q = lround(v[0] / 90) % 4;
                if (q < 0) q += 4;
                cs = q == 0 ? 1 : q == 2 ? -1 : 0;
                sn = q == 1 ? 1 : q == 3 ? -1 : 0;
            }
            t = (affine_t){cs, sn, -sn, cs, 0, 0};
            if (n == 3) t = compose(compose((affine_t){1, 0, 0, 1, v[1], v[2]}, t), (affine_t){1, 0, 0, 1, -v[1], -v[2]});
        } else if (len == 6 && strncmp(name, "matrix", 6) == 0 && n == 6) {
            t = (affine_t){v[0], v[1], v[2], v[3], v[4], v[5]};
        } else {
            return -1;
        }
        m = compose(m, t);
    }
    *out = m;
    return 0;
}

// ----------------------------------------------------------------------------
// the element stack and one <text> being read

#define MAXDEPTH 64
#define MAXPIECES 64

typedef enum { ANCHOR_START, ANCHOR_MIDDLE, ANCHOR_END } anchor_t;

typedef struct {
    affine_t m;        // current transform matrix of the element
    double font_size;  // inherited font size, user units
    anchor_t anchor;   // inherited text-anchor
    int is_text_piece; // a <text> or <tspan>
} frame_t;

typedef struct { // a run of characters at one size, after its tspan's positioning
    double size;
    int has_x, has_y;
    double x, y, dx, dy; // absolute (when has_) and relative moves at its start
    char *s;             // its characters (UTF-8, entities decoded), white space normalised later
    size_t len;
} piece_t;

typedef struct {
    int open;      // inside a <text>
    int line;      // of the <text>
    affine_t m;    // the <text>'s matrix
    anchor_t anchor;
    piece_t p[MAXPIECES];
    int n;
    int accepting; // character data goes to p[n - 1]
} textacc_t;

static void acc_reset(textacc_t *t) {
    for (int i = 0; i < t->n; i++) free(t->p[i].s);
    memset(t, 0, sizeof *t);
}

static piece_t *acc_piece(textacc_t *t, double size) {
    if (t->n == MAXPIECES) return NULL;
    piece_t *p = &t->p[t->n++];
    memset(p, 0, sizeof *p);
    p->size = size;
    return p;
}

static void piece_append(piece_t *p, const char *s, size_t len) {
    p->s = xrealloc(p->s, p->len + len + 1);
    memcpy(p->s + p->len, s, len);
    p->len += len;
    p->s[p->len] = 0;
}

/* Decodes the character data [s, e) (entities) and appends it to p. Returns -1
 * for an unknown or unterminated entity. */
static int append_chars(piece_t *p, const char *s, const char *e) {
    while (s < e) {
        if (*s != '&') {
            const char *q = s;
            while (q < e && *q != '&') q++;
            piece_append(p, s, (size_t)(q - s));
            s = q;
            continue;
        }
        const char *semi = memchr(s, ';', (size_t)(e - s));
        if (!semi || semi - s > 10) return -1;
        size_t n = (size_t)(semi - s - 1);
        const char *name = s + 1;
        // every entity is one character; its exact code matters only for width classes, which we do not use
        if ((n == 3 && strncmp(name, "amp", 3) == 0) || (n == 2 && strncmp(name, "lt", 2) == 0) ||
            (n == 2 && strncmp(name, "gt", 2) == 0) || (n == 4 && strncmp(name, "quot", 4) == 0) ||
            (n == 4 && strncmp(name, "apos", 4) == 0) || (n >= 2 && name[0] == '#')) {
            char c = name[0] == 'l' ? '<' : name[0] == 'g' ? '>' : name[0] == 'q' ? '"' : name[0] == 'a' && name[1] == 'p' ? '\'' : '&';
            if (name[0] == '#') {
                long code = name[1] == 'x' ? strtol(name + 2, NULL, 16) : strtol(name + 1, NULL, 10);
                c = code == ' ' || code == '\t' || code == '\n' ? ' ' : code < 128 && code > 32 ? (char)code : '?';
            }
            piece_append(p, &c, 1);
        } else {
            return -1;
        }
        s = semi + 1;
    }
    return 0;
}

static size_t utf8_chars(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static void doc_push(figtext_doc_t *doc, const figtext_t *t) {
    if (doc->n == doc->cap) {
        doc->cap = doc->cap ? 2 * doc->cap : 64;
        doc->t = xrealloc(doc->t, (size_t)doc->cap * sizeof *doc->t);
    }
    doc->t[doc->n++] = *t;
}

/* SVG's default white space (xml:space="default"): newlines removed, tabs made
 * spaces, runs of spaces collapsed across pieces, leading and trailing spaces of
 * the whole text removed. */
static void normalise_space(textacc_t *t) {
    int prev_space = 1; // at the start: leading spaces go
    for (int i = 0; i < t->n; i++) {
        piece_t *p = &t->p[i];
        size_t o = 0;
        for (size_t k = 0; k < p->len; k++) {
            char c = p->s[k];
            if (c == '\n' || c == '\r') continue;
            if (c == '\t') c = ' ';
            if (c == ' ' && prev_space) continue;
            prev_space = c == ' ';
            p->s[o++] = c;
        }
        p->len = o;
        if (p->s) p->s[o] = 0;
    }
    for (int i = t->n - 1; i >= 0; i--) { // trailing
        piece_t *p = &t->p[i];
        while (p->len && p->s[p->len - 1] == ' ') p->s[--p->len] = 0;
        if (p->len) break;
    }
}

/* Lays out the finished <text> (figtext.h's estimates) and adds it to doc. */
static void acc_finish(textacc_t *t, figtext_doc_t *doc) {
    normalise_space(t);
    figtext_t out = {.line = t->line};
    double pen_x = 0, pen_y = 0, base_y = 0, start_x = 0;
    double ix0 = INFINITY, ix1 = -INFINITY, iy0 = INFINITY, iy1 = -INFINITY;
    int first = 1;
    size_t tl = 0;
    for (int i = 0; i < t->n; i++) {
        piece_t *p = &t->p[i];
        if (p->has_x) pen_x = p->x;
        if (p->has_y) pen_y = p->y;
        if (first) { // the text's own x, y: the start of the chunk and the baseline
            start_x = pen_x;
            base_y = pen_y;
            first = 0;
        }
        pen_x += p->dx;
        pen_y += p->dy;
        if (!p->len) continue;
        double adv = FIGTEXT_GLYPH_EM * p->size;
        size_t lead = 0, trail = 0, n = utf8_chars(p->s, p->len);
        while (lead < p->len && p->s[lead] == ' ') lead++;
        while (trail < p->len - lead && p->s[p->len - 1 - trail] == ' ') trail++;
        if (lead + trail < p->len) {
            ix0 = fmin(ix0, pen_x + (double)lead * adv);
            ix1 = fmax(ix1, pen_x + (double)(n - trail) * adv);
            iy0 = fmin(iy0, pen_y - FIGTEXT_ASCENT_EM * p->size);
            iy1 = fmax(iy1, pen_y);
            int script = fabs(pen_y - base_y) > 1e-9;
            if (script) out.script_size = out.script_size ? fmin(out.script_size, p->size) : p->size;
            else out.body_size = out.body_size ? fmin(out.body_size, p->size) : p->size;
        }
        pen_x += (double)n * adv;
        for (size_t k = 0; k < p->len && tl + 1 < sizeof out.text; k++) out.text[tl++] = p->s[k];
    }
    out.text[tl] = 0;
    out.has_ink = ix0 <= ix1;
    if (out.has_ink) {
        double advance = pen_x - start_x;
        double shift = t->anchor == ANCHOR_MIDDLE ? -advance / 2 : t->anchor == ANCHOR_END ? -advance : 0;
        double cx[4] = {ix0 + shift, ix1 + shift, ix1 + shift, ix0 + shift}, cy[4] = {iy0, iy0, iy1, iy1};
        out.box = (figtext_box_t){INFINITY, INFINITY, -INFINITY, -INFINITY};
        for (int k = 0; k < 4; k++) {
            double X, Y;
            apply(t->m, cx[k], cy[k], &X, &Y);
            out.box.x0 = fmin(out.box.x0, X);
            out.box.x1 = fmax(out.box.x1, X);
            out.box.y0 = fmin(out.box.y0, Y);
            out.box.y1 = fmax(out.box.y1, Y);
        }
        // the sizes in user units of the figure: scaled by the matrix (its area factor)
        double k = sqrt(fabs(t->m.a * t->m.d - t->m.b * t->m.c));
        out.body_size *= k;
        out.script_size *= k;
    }
    doc_push(doc, &out);
    acc_reset(t);
}

// ----------------------------------------------------------------------------
// the SVG reader

typedef struct {
    const char *name, *value; // value points into a scratch copy (entities not decoded: not needed for numbers)
} attr_t;

#define MAXATTR 32

/* Reads one start tag's attributes from p (just after the name) up to '>' or
 * "/>". Copies values into scratch. Returns the position after the tag, or
 * NULL if the tag is malformed. */
static const char *read_attrs(const char *p, attr_t *a, int *na, char *scratch, size_t scratch_len, int *self_closing) {
    size_t used = 0;
    *na = 0;
    *self_closing = 0;
    for (;;) {
        while (isspace((unsigned char)*p)) p++;
        if (*p == '>') return p + 1;
        if (p[0] == '/' && p[1] == '>') {
            *self_closing = 1;
            return p + 2;
        }
        if (!*p) return NULL;
        const char *name = p;
        while (*p && !isspace((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/') p++;
        size_t nlen = (size_t)(p - name);
        while (isspace((unsigned char)*p)) p++;
        if (*p != '=' || nlen == 0) return NULL;
        p++;
        while (isspace((unsigned char)*p)) p++;
        char q = *p;
        if (q != '"' && q != '\'') return NULL;
        const char *v = ++p;
        while (*p && *p != q) p++;
        if (!*p) return NULL;
        size_t vlen = (size_t)(p - v);
        p++;
        if (*na == MAXATTR || used + nlen + vlen + 2 > scratch_len) return NULL;
        char *n = scratch + used;
        memcpy(n, name, nlen);
        n[nlen] = 0;
        char *val = n + nlen + 1;
        memcpy(val, v, vlen);
        val[vlen] = 0;
        used += nlen + vlen + 2;
        a[*na] = (attr_t){n, val};
        (*na)++;
    }
}

static const char *attr(const attr_t *a, int na, const char *name) {
    for (int i = 0; i < na; i++)
        if (strcmp(a[i].name, name) == 0) return a[i].value;
    return NULL;
}

static int is_name(const char *p, size_t len, const char *name) {
    const char *colon = memchr(p, ':', len); // ignore a namespace prefix
    if (colon) len -= (size_t)(colon + 1 - p), p = colon + 1;
    return strlen(name) == len && strncmp(p, name, len) == 0;
}

int figtext_svg_parse(const char *buf, figtext_doc_t *doc, char *err, size_t errlen) {
    memset(doc, 0, sizeof *doc);
    frame_t stack[MAXDEPTH];
    int depth = 0;
    // the document: SVG's initial font size is CSS's medium, 16px (gnuplot always sets its own)
    stack[0] = (frame_t){IDENTITY, 16, ANCHOR_START, 0};
    textacc_t acc;
    memset(&acc, 0, sizeof acc);
    size_t scratch_len = strlen(buf) + 1; // a tag's attributes are a part of the file
    char *scratch = xmalloc(scratch_len);
    attr_t a[MAXATTR];
    int na, self_closing, seen_svg = 0;
    const char *p = buf;
    // (the message first: its arguments may point into scratch)
#define BAD(...) do { fail(err, errlen, __VA_ARGS__); acc_reset(&acc); free(scratch); figtext_doc_free(doc); return -1; } while (0)
    while (*p) {
        if (*p != '<') { // character data
            const char *q = strchr(p, '<');
            if (!q) q = p + strlen(p);
            if (acc.open && depth > 0 && stack[depth].is_text_piece) {
                // data goes to the piece its <text> or <tspan> opened; after a </tspan>, to a new
                // piece at the enclosing element's size
                piece_t *pc = acc.accepting ? &acc.p[acc.n - 1] : NULL;
                if (!pc) {
                    pc = acc_piece(&acc, stack[depth].font_size);
                    if (!pc) BAD("line %d: more than %d text pieces in one <text>", line_of(buf, p), MAXPIECES);
                    acc.accepting = 1;
                }
                if (append_chars(pc, p, q) < 0) BAD("line %d: an unknown or unterminated character entity", line_of(buf, p));
            }
            p = q;
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            const char *q = strstr(p + 4, "-->");
            if (!q) BAD("line %d: unterminated comment", line_of(buf, p));
            p = q + 3;
            continue;
        }
        if (strncmp(p, "<![CDATA[", 9) == 0) {
            const char *q = strstr(p + 9, "]]>");
            if (!q) BAD("line %d: unterminated CDATA section", line_of(buf, p));
            if (acc.open) BAD("line %d: CDATA inside <text> is not understood", line_of(buf, p));
            p = q + 3;
            continue;
        }
        if (p[1] == '?' || p[1] == '!') { // declaration, DOCTYPE (no internal subset in gnuplot's files)
            const char *q = strchr(p, '>');
            if (!q) BAD("line %d: unterminated declaration", line_of(buf, p));
            p = q + 1;
            continue;
        }
        if (p[1] == '/') { // end tag
            const char *name = p + 2, *q = name;
            while (*q && *q != '>' && !isspace((unsigned char)*q)) q++;
            size_t len = (size_t)(q - name);
            q = strchr(q, '>');
            if (!q) BAD("line %d: unterminated end tag", line_of(buf, p));
            if (depth == 0) BAD("line %d: end tag without a start tag", line_of(buf, p));
            if (is_name(name, len, "text")) {
                if (!acc.open) BAD("line %d: </text> without <text>", line_of(buf, p));
                acc_finish(&acc, doc);
            } else if (is_name(name, len, "tspan") && acc.open) {
                acc.accepting = 0;
            }
            depth--;
            p = q + 1;
            continue;
        }
        // start tag
        const char *name = p + 1, *q = name;
        while (*q && !isspace((unsigned char)*q) && *q != '>' && *q != '/') q++;
        size_t len = (size_t)(q - name);
        int line = line_of(buf, p);
        q = read_attrs(q, a, &na, scratch, scratch_len, &self_closing);
        if (!q) BAD("line %d: a malformed start tag", line);
        frame_t f = stack[depth];
        f.is_text_piece = 0;
        const char *v;
        if ((v = attr(a, na, "style")) && (strstr(v, "font-size") || strstr(v, "text-anchor")))
            BAD("line %d: font-size or text-anchor in a style attribute is not understood", line);
        if ((v = attr(a, na, "transform"))) {
            affine_t t;
            if (parse_transform(v, &t) < 0) BAD("line %d: transform \"%s\" is not understood", line, v);
            f.m = compose(f.m, t);
        }
        if ((v = attr(a, na, "font-size")) && !(user_length(v, &f.font_size) && f.font_size > 0))
            BAD("line %d: font-size \"%s\" is not a positive length in px or pt", line, v);
        if ((v = attr(a, na, "text-anchor"))) {
            if (strcmp(v, "start") == 0) f.anchor = ANCHOR_START;
            else if (strcmp(v, "middle") == 0) f.anchor = ANCHOR_MIDDLE;
            else if (strcmp(v, "end") == 0) f.anchor = ANCHOR_END;
            else if (strcmp(v, "inherit") != 0) BAD("line %d: text-anchor \"%s\" is not understood", line, v);
        }
        if (is_name(name, len, "svg") && !seen_svg) {
            seen_svg = 1;
            const char *w = attr(a, na, "width"), *h = attr(a, na, "height"), *vb = attr(a, na, "viewBox");
            double wp = 0, hp = 0;
            if (!w || !user_length(w, &wp) || wp <= 0) BAD("line %d: the <svg> has no width in px or pt", line);
            if (!h || !user_length(h, &hp) || hp <= 0) BAD("line %d: the <svg> has no height in px or pt", line);
            doc->width_px = wp;
            doc->width = wp;
            doc->height = hp;
            if (vb) {
                double x[4];
                const char *s = vb;
                for (int i = 0; i < 4; i++)
                    if (!next_number(&s, &x[i])) BAD("line %d: viewBox \"%s\" is not four numbers", line, vb);
                if (x[2] <= 0 || x[3] <= 0) BAD("line %d: viewBox \"%s\" has no area", line, vb);
                doc->width = x[2];
                doc->height = x[3];
            }
        }
        int is_text = is_name(name, len, "text"), is_tspan = is_name(name, len, "tspan");
        if (is_text || is_tspan) {
            if (is_text && acc.open) BAD("line %d: <text> inside <text>", line);
            if (is_tspan && !acc.open) BAD("line %d: <tspan> outside <text>", line);
            if (is_text) {
                acc.open = 1;
                acc.line = line;
                acc.m = f.m;
                acc.anchor = f.anchor;
            }
            f.is_text_piece = 1;
            piece_t *pc = acc_piece(&acc, f.font_size);
            if (!pc) BAD("line %d: more than %d text pieces in one <text>", line, MAXPIECES);
            acc.accepting = 1;
            const char *xy[4] = {"x", "y", "dx", "dy"};
            double val[4] = {0, 0, 0, 0};
            int has[4] = {0, 0, 0, 0};
            for (int i = 0; i < 4; i++) {
                if (!(v = attr(a, na, xy[i]))) continue;
                if (!user_length(v, &val[i])) BAD("line %d: %s=\"%s\" is not one length in px or pt", line, xy[i], v);
                has[i] = 1;
            }
            pc->has_x = has[0], pc->x = val[0];
            pc->has_y = has[1], pc->y = val[1];
            pc->dx = val[2], pc->dy = val[3];
            if (is_text && !has[0]) pc->has_x = 1; // a text starts at 0 in its frame
            if (is_text && !has[1]) pc->has_y = 1;
        }
        if (!self_closing) {
            if (depth + 1 == MAXDEPTH) BAD("line %d: elements nested deeper than %d", line, MAXDEPTH);
            stack[++depth] = f;
        } else if (is_text) {
            acc_finish(&acc, doc);
        }
        p = q;
    }
    if (depth != 0 || acc.open) BAD("the file ends inside an element (truncated?)");
    if (!seen_svg) BAD("no <svg> element");
#undef BAD
    free(scratch);
    return 0;
}

void figtext_doc_free(figtext_doc_t *doc) {
    free(doc->t);
    memset(doc, 0, sizeof *doc);
}

// ----------------------------------------------------------------------------
// printed size, overlap, lengths

double figtext_pt_per_unit(double width_units, double natural_pt, double text_width_pt) {
    double printed = natural_pt > text_width_pt ? text_width_pt : natural_pt;
    return printed / width_units;
}

int figtext_overlap(const figtext_box_t *a, const figtext_box_t *b, double slack) {
    double w = fmin(a->x1, b->x1) - fmax(a->x0, b->x0);
    double h = fmin(a->y1, b->y1) - fmax(a->y0, b->y0);
    return w > slack && h > slack;
}

double figtext_length_bp(const char *s) {
    static const struct {
        const char *unit;
        double pt;
    } units[] = {{"bp", 1}, {"in", 72}, {"cm", 72 / 2.54}, {"mm", 72 / 25.4}, {"pt", 72 / 72.27}, {"px", 0.75}};
    char *end;
    double x = strtod(s, &end);
    if (end == s || !isfinite(x) || x < 0) return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(end, units[i].unit) == 0) return x * units[i].pt;
    return -1;
}

// ----------------------------------------------------------------------------
// PDF words

/* The value of attribute name in the tag starting at p (up to '>'), or NAN. */
static double tag_number(const char *p, const char *name) {
    const char *end = strchr(p, '>');
    char pat[32];
    snprintf(pat, sizeof pat, " %s=\"", name);
    const char *q = strstr(p, pat);
    if (!q || (end && q > end)) return NAN;
    char *e;
    double v = strtod(q + strlen(pat), &e);
    return e == q + strlen(pat) || *e != '"' ? NAN : v;
}

/* Scans the PDF's bytes for "/key N" (font descriptors); the smallest
 * ascent - descent pair in order of appearance. */
static double pdf_em_height(const char *pdf, size_t len) {
    double best = INFINITY, asc = NAN;
    for (size_t i = 0; i + 8 < len; i++) {
        if (pdf[i] != '/') continue;
        int is_asc = len - i > 7 && memcmp(pdf + i, "/Ascent", 7) == 0;
        int is_desc = len - i > 8 && memcmp(pdf + i, "/Descent", 8) == 0;
        if (!is_asc && !is_desc) continue;
        char num[32];
        size_t k = i + (is_asc ? 7 : 8), n = 0;
        while (k < len && pdf[k] == ' ') k++;
        while (k < len && n + 1 < sizeof num && (isdigit((unsigned char)pdf[k]) || pdf[k] == '-' || pdf[k] == '.')) num[n++] = pdf[k++];
        num[n] = 0;
        if (!n) continue;
        double v = atof(num);
        if (is_asc) asc = v;
        else if (isfinite(asc) && asc - v > 0) {
            best = fmin(best, (asc - v) / 1000);
            asc = NAN;
        }
    }
    return best;
}

int figtext_pdf_read(const char *pdf, size_t len, const char *bbox, figtext_pdf_t *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    out->em_height = pdf_em_height(pdf, len);
    int has_words = strstr(bbox, "<word ") != NULL;
    if (has_words && !isfinite(out->em_height))
        return fail(err, errlen, "words but no font descriptor with /Ascent and /Descent (fonts not embedded, or a compressed descriptor)");
    const char *pg = strstr(bbox, "<page ");
    if (!pg) return fail(err, errlen, "the bbox file has no <page>");
    out->page_width = tag_number(pg, "width");
    out->page_height = tag_number(pg, "height");
    if (!(out->page_width > 0 && out->page_height > 0)) return fail(err, errlen, "the bbox file's <page> has no width and height");
    if (strstr(pg + 6, "<page ")) return fail(err, errlen, "the bbox file has more than one page (a figure is one page)");
    for (const char *w = strstr(pg, "<word "); w; w = strstr(w + 6, "<word ")) {
        double x0 = tag_number(w, "xMin"), y0 = tag_number(w, "yMin"), x1 = tag_number(w, "xMax"), y1 = tag_number(w, "yMax");
        if (!(isfinite(x0) && isfinite(y0) && isfinite(x1) && isfinite(y1) && y1 >= y0)) {
            figtext_pdf_free(out);
            return fail(err, errlen, "a malformed <word> at byte %ld", (long)(w - bbox));
        }
        if (out->n == out->cap) {
            out->cap = out->cap ? 2 * out->cap : 64;
            out->w = xrealloc(out->w, (size_t)out->cap * sizeof *out->w);
        }
        figtext_word_t *o = &out->w[out->n++];
        o->size = (y1 - y0) / out->em_height;
        o->y = y1, o->x0 = x0, o->x1 = x1;
        const char *t = strchr(w, '>'), *e = t ? strstr(t, "</word>") : NULL;
        size_t n = t && e ? (size_t)(e - t - 1) : 0;
        if (n >= sizeof o->text) n = sizeof o->text - 1;
        if (n) memcpy(o->text, t + 1, n);
        o->text[n] = 0;
    }
    return 0;
}

void figtext_pdf_free(figtext_pdf_t *p) {
    free(p->w);
    memset(p, 0, sizeof *p);
}
