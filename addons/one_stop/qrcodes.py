# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""QR codes printed on the receipts and posters, free of any database
access.

A QR code is embedded in the HTML of a report as a data: URI PNG sized in
millimetres: error correction M, the full quiet zone of 4 modules (the
minimum of ISO/IEC 18004), a module a whole number of dots of a 203 dpi
thermal printer.
"""
import base64
import math
from io import BytesIO
from types import SimpleNamespace

try:
    import qrcode
    from PIL import Image
except ImportError:  # the qrcode extra of trytond is not installed
    qrcode = None

BORDER = 4  # modules of quiet zone
BOX = 10  # pixels per module of the PNG, drawn without smoothing
# a module is a whole number of dots of a 203 dpi thermal printer (8 dots/mm)
MODULE_STEP_MM = 0.125


def qrcode_image(data, symbol_mm=None, module_mm=None):
    """Return the QR code of data as a SimpleNamespace, or None without
    data or without the qrcode library.

    The symbol is at least symbol_mm wide, or each module is module_mm
    (rounded up to MODULE_STEP_MM).  data_uri: the PNG as a data: URI,
    quiet zone included; width_mm: the printed width of that image;
    symbol_mm: the printed width of the symbol alone; version: the QR
    version chosen for data at error correction M; png: the bytes."""
    if not data or qrcode is None:
        return None
    qr = qrcode.QRCode(
        error_correction=qrcode.ERROR_CORRECT_M, box_size=BOX, border=BORDER)
    qr.add_data(data)
    qr.make(fit=True)
    modules = qr.modules_count
    if module_mm is None:
        module_mm = symbol_mm / modules
    module_mm = math.ceil(module_mm / MODULE_STEP_MM) * MODULE_STEP_MM
    png = matrix_png(qr.get_matrix())
    return SimpleNamespace(
        data_uri='data:image/png;base64,' + base64.b64encode(png).decode(
            'ascii'),
        png=png,
        width_mm=round((modules + 2 * BORDER) * module_mm, 3),
        symbol_mm=round(modules * module_mm, 3),
        version=qr.version)


def matrix_png(matrix, box=BOX):
    """The PNG of a QR code matrix (quiet zone included), box pixels a
    module, black on white, 1 bit.

    The image of qrcode's PilImage (as trytond.tools.qrcode.generate_png
    makes it) pixel for pixel, without drawing each module as a rectangle:
    one pixel a module, then enlarged without smoothing (5 ms instead of 9
    for a link of 50 characters, docs/performance.md)."""
    size = len(matrix)
    image = Image.new('1', (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * box, size * box), Image.Resampling.NEAREST)
    output = BytesIO()
    image.save(output, format='PNG')
    return output.getvalue()
