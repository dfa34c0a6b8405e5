/*
 * svgchart.h - charts drawn on the server as inline SVG (indicators):
 * horizontal bars and a line, readable in black and white (a hatch
 * pattern, no colour carries meaning) and without the picture: every value
 * is written as text beside its bar or point, the chart has role="img", an
 * aria-label, a <title> and a <desc>. Every text is HTML-escaped. Pure:
 * draws into a buffer, no I/O.
 */
#ifndef FILET_SVGCHART_H
#define FILET_SVGCHART_H

#include <stddef.h>

#include "lib/buf.h"

typedef struct svg_point {
    const char *label;      /* category or x label */
    long value;             /* ignored when suppressed */
    int suppressed;         /* drawn as an empty outline, with text */
    const char *value_text; /* the value as published ("12", "<5") */
} svg_point;

typedef struct svg_chart {
    const char *id;    /* unique in the page: [a-z0-9-] (prefix of the inner ids) */
    const char *title; /* short title: <title> and aria-label */
    const char *desc;  /* longer description: <desc> */
} svg_chart;

/* Horizontal bars, one per point, labels on the left. 0, or -1 when out
 * of memory or the chart id is not [a-z0-9-]. */
int svgchart_bars(buf *out, const svg_chart *c, const svg_point *p, size_t n);
/* A line through the points in order (months), the value above each
 * point; a suppressed point breaks the line. */
int svgchart_line(buf *out, const svg_chart *c, const svg_point *p, size_t n);

#endif
