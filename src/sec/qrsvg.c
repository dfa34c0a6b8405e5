/*
 * qrsvg.c - QR code to inline SVG with libqrencode; see qrsvg.h.
 *
 * One 1x1 square per dark module keeps the output simple to check and
 * byte-for-byte deterministic; a version 40 code (177x177) stays well under
 * 400 KB, and an otpauth:// URI needs version 5 or so (about 10 KB).
 */
#include "qrsvg.h"

#include <qrencode.h>
#include <string.h>

#define QUIET 4     /* quiet zone in modules (ISO/IEC 18004) */
#define PX_PER_MOD 4 /* default rendered size, px per module */

int qrsvg_render(const char *text, const char *label, buf *out)
{
    QRcode *qr = NULL;
    size_t mark;
    int rc = -1, n;

    if (!out)
        return -1;
    mark = out->len;
    if (!text || !*text)
        goto out;
    if (!label)
        label = "QR code";

    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr || qr->width <= 0 || qr->width > 177 || !qr->data)
        goto out;
    n = qr->width + 2 * QUIET;

    buf_printf(out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
               " role=\"img\" aria-label=\"",
               n, n, n * PX_PER_MOD, n * PX_PER_MOD);
    buf_append_html(out, label, strlen(label));
    buf_printf(out, "\" shape-rendering=\"crispEdges\">"
                    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                    "<path fill=\"#000\" d=\"",
               n, n);
    for (int y = 0; y < qr->width; y++) {
        const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
        for (int x = 0; x < qr->width; x++)
            if (row[x] & 1) /* bit 0: dark module */
                buf_printf(out, "M%d %dh1v1h-1z", x + QUIET, y + QUIET);
    }
    buf_puts(out, "\"/></svg>");
    if (out->oom)
        goto out;
    rc = 0;
out:
    if (qr)
        QRcode_free(qr);
    if (rc != 0 && !out->oom && out->data && out->len >= mark) {
        out->len = mark;
        out->data[mark] = '\0';
    }
    return rc;
}
