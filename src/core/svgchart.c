/*
 * svgchart.c - bars and lines as inline SVG; see svgchart.h.
 */
#include "core/svgchart.h"

#include <string.h>

#define W 640
#define BAR_ROW 26
#define BAR_LABEL_W 230
#define BAR_AREA_W 320
#define LINE_H 220
#define LINE_LEFT 32
#define LINE_RIGHT 32
#define LINE_TOP 28
#define LINE_BOTTOM 40

static int id_ok(const char *id)
{
    if (!id || !*id || strlen(id) > 40)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
    return 1;
}

static void text(buf *b, const char *s)
{
    if (s)
        buf_append_html(b, s, strlen(s));
}

/* <svg> with its accessible name and description, and the hatch. */
static void head(buf *b, const svg_chart *c, int h)
{
    buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
                  "aria-label=\"", W, h);
    text(b, c->title);
    buf_printf(b, "\" aria-describedby=\"%s-desc\"><title>", c->id);
    text(b, c->title);
    buf_printf(b, "</title><desc id=\"%s-desc\">", c->id);
    text(b, c->desc);
    buf_printf(b, "</desc><defs><pattern id=\"%s-hatch\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\" "
                  "patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#fff\"/>"
                  "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#000\" stroke-width=\"3\"/></pattern></defs>",
               c->id);
}

static long max_value(const svg_point *p, size_t n)
{
    long m = 0;
    for (size_t i = 0; i < n; i++)
        if (!p[i].suppressed && p[i].value > m)
            m = p[i].value;
    return m;
}

int svgchart_bars(buf *out, const svg_chart *c, const svg_point *p, size_t n)
{
    if (!out || !c || !id_ok(c->id) || (n && !p))
        return -1;
    int h = (int)n * BAR_ROW + 10;
    long m = max_value(p, n);
    head(out, c, h);
    for (size_t i = 0; i < n; i++) {
        int y = 5 + (int)i * BAR_ROW;
        long w = (!p[i].suppressed && m > 0) ? p[i].value * BAR_AREA_W / m : 0;
        if (!p[i].suppressed && p[i].value > 0 && w < 2)
            w = 2;
        buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\" fill=\"#000\">",
                   BAR_LABEL_W - 8, y + 17);
        text(out, p[i].label);
        buf_puts(out, "</text>");
        if (p[i].suppressed)
            buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"18\" fill=\"#fff\" stroke=\"#000\" "
                            "stroke-dasharray=\"3 2\"/>", BAR_LABEL_W, y + 3);
        else if (w > 0)
            buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%ld\" height=\"18\" fill=\"url(#%s-hatch)\" "
                            "stroke=\"#000\"/>", BAR_LABEL_W, y + 3, w, c->id);
        buf_printf(out, "<text x=\"%ld\" y=\"%d\" font-size=\"13\" font-weight=\"bold\" fill=\"#000\">",
                   BAR_LABEL_W + (p[i].suppressed ? 16 : w) + 6, y + 17);
        text(out, p[i].value_text);
        buf_puts(out, "</text>");
    }
    buf_printf(out, "<line x1=\"%d\" y1=\"3\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/></svg>", BAR_LABEL_W,
               BAR_LABEL_W, h - 3);
    return out->oom ? -1 : 0;
}

int svgchart_line(buf *out, const svg_chart *c, const svg_point *p, size_t n)
{
    if (!out || !c || !id_ok(c->id) || (n && !p))
        return -1;
    long m = max_value(p, n);
    int plot_w = W - LINE_LEFT - LINE_RIGHT, plot_h = LINE_H - LINE_TOP - LINE_BOTTOM;
    int base = LINE_TOP + plot_h;
    size_t every = n > 12 ? (n + 11) / 12 : 1; /* at most about 12 x labels */
    head(out, c, LINE_H);
    buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", LINE_LEFT, base,
               W - LINE_RIGHT, base);
    long px = 0, py = 0;
    int have_prev = 0;
    for (size_t i = 0; i < n; i++) {
        long x = LINE_LEFT + (n > 1 ? (long)i * plot_w / (long)(n - 1) : plot_w / 2);
        long y = base - ((!p[i].suppressed && m > 0) ? p[i].value * plot_h / m : 0);
        if (p[i].suppressed) {
            have_prev = 0;
            buf_printf(out, "<rect x=\"%ld\" y=\"%d\" width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"#000\" "
                            "stroke-dasharray=\"2 1\"/>", x - 4, base - 4);
            y = base;
        } else {
            if (have_prev)
                buf_printf(out, "<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" stroke=\"#000\" "
                                "stroke-width=\"2\"/>", px, py, x, y);
            buf_printf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"8\" height=\"8\" fill=\"#000\"/>", x - 4, y - 4);
            px = x;
            py = y;
            have_prev = 1;
        }
        buf_printf(out, "<text x=\"%ld\" y=\"%ld\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\" "
                        "fill=\"#000\">", x, y - 9);
        text(out, p[i].value_text);
        buf_puts(out, "</text>");
        if (i % every == 0) {
            buf_printf(out, "<text x=\"%ld\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" fill=\"#000\">", x,
                       base + 18);
            text(out, p[i].label);
            buf_puts(out, "</text>");
        }
    }
    buf_puts(out, "</svg>");
    return out->oom ? -1 : 0;
}
