/*
 * qrsvg.h - renders a QR code as an SVG document string, server-side, for
 * TOTP enrolment (the otpauth:// URI from totp_uri). ASVS 2.8.1.
 *
 * The SVG is meant to be embedded inline in a page under a strict CSP: it
 * has no script, no style element or attribute, and no external reference;
 * colours are SVG presentation attributes. Output is deterministic.
 *
 * Caveat: the text (a TOTP secret) ends up in the page; send such pages
 * with Cache-Control: no-store.
 */
#ifndef FILET_QRSVG_H
#define FILET_QRSVG_H

#include "lib/buf.h"

/* Appends to out an <svg> of text encoded as a QR code (error correction
 * level M, 8-bit mode, case-sensitive): viewBox in modules with a 4-module
 * quiet zone on a white background, width/height of 4 px per module (CSS
 * may override), one <path> of the dark modules made of "M{x} {y}h1v1h-1z"
 * commands, shape-rendering="crispEdges", role="img" and aria-label=label
 * (HTML-escaped; NULL gives "QR code"). Returns 0, or -1 if text is NULL,
 * empty or too long for a QR code, or memory runs out; on failure out is
 * left as it was (unless it was already out of memory). */
int qrsvg_render(const char *text, const char *label, buf *out);

#endif
