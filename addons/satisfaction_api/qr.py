# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The QR code of a survey link as SVG, free of any database access (the
PNG is one_stop/qrcodes.py's)."""
try:
    import qrcode
except ImportError:  # the qrcode extra of trytond is not installed
    qrcode = None

BORDER = 4


def qrcode_svg(data):
    """The QR code of data (error correction M, quiet zone of 4 modules) as
    an SVG document of one path, a unit a module; None without data"""
    if not data or qrcode is None:
        return None
    qr = qrcode.QRCode(
        error_correction=qrcode.ERROR_CORRECT_M, border=BORDER)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    size = len(matrix)
    path = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                path.append(f'M{start} {y}h{x - start}v1h-{x - start}z')
            else:
                x += 1
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(path)}"/></svg>')
