/* Tests of the figure-text reader (src/lib/figtext.c): font sizes inherited
 * and scaled as SVG does, scripts told from bodies, boxes placed by anchor and
 * rotation (expected boxes worked out by hand from figtext.h's glyph model:
 * 0.5 em per character, 0.7 em above the baseline), SVG's white-space rule,
 * overlap, lengths, the printed scale and the PDF word sizes. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <string.h>

#include "figtext.h"

static figtext_doc_t doc;
static char err[256];

static void parse_ok(const char *svg) {
    int rc = figtext_svg_parse(svg, &doc, err, sizeof err);
    cr_assert_eq(rc, 0, "parse failed: %s", err);
}
static void teardown(void) { figtext_doc_free(&doc); }
TestSuite(figtext, .fini = teardown);

#define HEAD "<?xml version=\"1.0\"?>\n<svg width=\"624\" height=\"240\" viewBox=\"0 0 624 240\" xmlns=\"http://www.w3.org/2000/svg\">\n"

static void box_is(const figtext_box_t *b, double x0, double y0, double x1, double y1) {
    cr_expect(ieee_ulp_eq(dbl, b->x0, x0, 8), "x0 %.17g, expected %.17g", b->x0, x0);
    cr_expect(ieee_ulp_eq(dbl, b->y0, y0, 8), "y0 %.17g, expected %.17g", b->y0, y0);
    cr_expect(ieee_ulp_eq(dbl, b->x1, x1, 8), "x1 %.17g, expected %.17g", b->x1, x1);
    cr_expect(ieee_ulp_eq(dbl, b->y1, y1, 8), "y1 %.17g, expected %.17g", b->y1, y1);
}

Test(figtext, a_gnuplot_tick_label_with_a_superscript_has_body_and_script_sizes_and_its_box) {
    // gnuplot's "10^{-5}", right-anchored at (31, 217): "10" at 11, "-5" at 8.8 raised 5.5
    parse_ok(HEAD "<g transform=\"translate(31.00,217.00)\" font-size=\"11.00\" text-anchor=\"end\">\n"
                  "<text><tspan font-family=\"Helvetica\" >10</tspan><tspan font-size=\"8.8\" dy=\"-5.50px\">-5</tspan>"
                  "<tspan font-size=\"11.0\" dy=\"5.50\"></tspan></text>\n</g></svg>\n");
    cr_assert_eq(doc.n, 1);
    const figtext_t *t = &doc.t[0];
    cr_expect(ieee_ulp_eq(dbl, t->body_size, 11.0, 1));
    cr_expect(ieee_ulp_eq(dbl, t->script_size, 8.8, 1));
    cr_expect_str_eq(t->text, "10-5");
    cr_expect_eq(t->line, 4); // the <text>'s line
    // advance 2 * 5.5 + 2 * 4.4 = 19.8, right end at 31; body 7.7 up from 217, script 6.16 up from 211.5
    box_is(&t->box, 31 - 19.8, 211.5 - 6.16, 31, 217);
    cr_expect(ieee_ulp_eq(dbl, doc.width, 624, 0));
}

Test(figtext, a_rotated_middle_anchored_label_turns_its_box_exactly) {
    // ylabel: rotate(270) about its anchor (20, 100); "nats" 4 chars at 10: advance 20, ascent 7
    parse_ok(HEAD "<g transform=\"translate(20,100) rotate(270)\" font-size=\"10\" text-anchor=\"middle\"><text><tspan>nats</tspan></text></g></svg>");
    cr_assert_eq(doc.n, 1);
    // local box x in [-10, 10], y in [-7, 0]; rotate(270) maps (x, y) to (y, -x)
    box_is(&doc.t[0].box, 20 - 7, 100 - 10, 20, 100 + 10);
    cr_expect_eq(doc.t[0].script_size, 0);
}

Test(figtext, sizes_inherit_and_scale_with_the_transform_and_the_pt_unit) {
    parse_ok(HEAD "<g font-size=\"12pt\"><g transform=\"scale(0.5)\"><text x=\"4\" y=\"8\">ab</text></g></g></svg>");
    cr_assert_eq(doc.n, 1);
    cr_expect(ieee_ulp_eq(dbl, doc.t[0].body_size, 7.5, 1)); // 12 pt = 15 units, halved
    box_is(&doc.t[0].box, 2, 4 - 0.5 * 0.7 * 15, 2 + 0.5 * 15, 4);
}

Test(figtext, leading_and_trailing_spaces_take_no_room_and_runs_collapse) {
    // gnuplot writes " 50" centred: SVG drops the space, so "50" is centred on x
    parse_ok(HEAD "<g transform=\"translate(100,50)\" font-size=\"10\" text-anchor=\"middle\"><text><tspan> 50  </tspan></text></g>"
                  "<text x=\"0\" y=\"200\" font-size=\"10\">a  \n\t b</text></svg>");
    cr_assert_eq(doc.n, 2);
    box_is(&doc.t[0].box, 95, 43, 105, 50);
    cr_expect_str_eq(doc.t[1].text, "a b");
    box_is(&doc.t[1].box, 0, 193, 15, 200); // 3 characters
}

Test(figtext, text_of_spaces_only_has_no_ink) {
    parse_ok(HEAD "<text x=\"5\" y=\"5\" font-size=\"10\"><tspan>   </tspan></text></svg>");
    cr_assert_eq(doc.n, 1);
    cr_expect_eq(doc.t[0].has_ink, 0);
}

Test(figtext, entities_and_utf8_count_as_one_character_each) {
    parse_ok(HEAD "<text x=\"0\" y=\"20\" font-size=\"10\">&amp;&#x3b8;\xce\xb8</text></svg>");
    cr_assert_eq(doc.n, 1);
    box_is(&doc.t[0].box, 0, 13, 15, 20);
}

Test(figtext, the_viewbox_sets_user_units_and_the_width_attribute_the_natural_size) {
    parse_ok("<svg width=\"300px\" height=\"150\" viewBox=\"0 0 600 300\"><text font-size=\"16\">x</text></svg>");
    cr_expect(ieee_ulp_eq(dbl, doc.width, 600, 0));
    cr_expect(ieee_ulp_eq(dbl, doc.width_px, 300, 0));
    // natural 225 bp over 600 units; a 16-unit font prints at 6 pt
    cr_expect(ieee_ulp_eq(dbl, 16 * figtext_pt_per_unit(doc.width, 0.75 * doc.width_px, 470), 6.0, 2));
}

Test(figtext, a_figure_wider_than_the_text_is_shrunk_to_it) {
    cr_expect(ieee_ulp_eq(dbl, figtext_pt_per_unit(800, 600, 450), 450.0 / 800, 1));
    cr_expect(ieee_ulp_eq(dbl, figtext_pt_per_unit(800, 300, 450), 300.0 / 800, 1));
}

Test(figtext, overlap_needs_more_than_the_slack_both_ways) {
    figtext_box_t a = {0, 0, 10, 10}, b = {9, 5, 20, 20}, c = {10, 0, 20, 10}, d = {2, 9.6, 8, 20};
    cr_expect(figtext_overlap(&a, &b, 0.5));      // 1 x 5
    cr_expect(not(figtext_overlap(&a, &b, 1.0)));     // not more than 1 wide
    cr_expect(not(figtext_overlap(&a, &c, 0)));       // touching
    cr_expect(not(figtext_overlap(&a, &d, 0.5)));     // 0.4 high
    cr_expect(figtext_overlap(&b, &a, 0.5));      // symmetric
}

Test(figtext, lengths_convert_to_postscript_points) {
    cr_expect(ieee_ulp_eq(dbl, figtext_length_bp("2.5cm"), 2.5 * 72 / 2.54, 1));
    cr_expect(ieee_ulp_eq(dbl, figtext_length_bp("1in"), 72, 0));
    cr_expect(ieee_ulp_eq(dbl, figtext_length_bp("72.27pt"), 72, 1));
    cr_expect(ieee_ulp_eq(dbl, figtext_length_bp("96px"), 72, 0));
    cr_expect_eq(figtext_length_bp("2.5"), -1);
    cr_expect_eq(figtext_length_bp("2.5em"), -1);
    cr_expect_eq(figtext_length_bp("-1cm"), -1);
}

Test(figtext, what_it_cannot_read_is_refused_naming_the_line) {
    const char *bad[][2] = {
        {"<svg height=\"10\"><text>x</text></svg>", "no width"},
        {HEAD "<text font-size=\"1.2em\">x</text></svg>", "line 3: font-size \"1.2em\""},
        {HEAD "<text font-size=\"0\">x</text></svg>", "line 3: font-size"},
        {HEAD "<g transform=\"skewX(30)\"><text>x</text></g></svg>", "line 3: transform"},
        {HEAD "<text style=\"font-size:4px\">x</text></svg>", "style attribute"},
        {HEAD "<text dy=\"1 2\">x</text></svg>", "dy=\"1 2\""},
        {HEAD "<text>x", "ends inside"},
        {HEAD "<text>&bogus;</text></svg>", "entity"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_eq(figtext_svg_parse(bad[i][0], &doc, err, sizeof err), -1, "case %zu accepted", i);
        cr_expect(strstr(err, bad[i][1]) != NULL, "case %zu: \"%s\" does not say \"%s\"", i, err, bad[i][1]);
    }
}

Test(figtext, pdf_word_sizes_are_box_heights_over_the_fonts_em_height) {
    // DejaVu Sans: /Ascent 928 /Descent -235 -> 1.163 em; a 9 pt word is 10.467 bp high
    const char pdf[] = "%PDF-1.5 ... /FontDescriptor /Ascent 928 /Descent -235 ... /Ascent 1000 /Descent -300 %%EOF";
    const char *bbox = "<doc>\n<page width=\"468.000000\" height=\"187.000000\">\n"
                       "<word xMin=\"10\" yMin=\"20\" xMax=\"30\" yMax=\"30.467\">nats</word>\n"
                       "<word xMin=\"40\" yMin=\"20\" xMax=\"50\" yMax=\"25.815\">t</word>\n</page></doc>";
    figtext_pdf_t p;
    cr_assert_eq(figtext_pdf_read(pdf, sizeof pdf - 1, bbox, &p, err, sizeof err), 0, "%s", err);
    cr_expect(ieee_ulp_eq(dbl, p.em_height, 1.163, 2)); // the smaller of 1.163 and 1.3
    cr_expect(ieee_ulp_eq(dbl, p.page_width, 468, 0));
    cr_assert_eq(p.n, 2);
    cr_expect(epsilon_eq(dbl, p.w[0].size, 9.0, 1e-3));
    cr_expect(epsilon_eq(dbl, p.w[1].size, 5.0, 1e-3));
    cr_expect_str_eq(p.w[0].text, "nats");
    figtext_pdf_free(&p);
    cr_expect_eq(figtext_pdf_read("%PDF no fonts", 13, bbox, &p, err, sizeof err), -1);
    cr_expect(strstr(err, "font descriptor") != NULL);
}
