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
import functools
import math
import re
import struct
import zlib
from types import SimpleNamespace

try:
    import qrcode
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
    qr.best_fit()
    qr.makeImpl(False, best_mask_pattern(qr))
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


def best_mask_pattern(qr):
    """The mask pattern that qrcode's QRCode.best_mask_pattern chooses for
    qr (its version fitted), the penalty of ISO/IEC 18004 computed as
    qrcode.util.lost_point computes it (the format information left blank),
    but on rows of bits: about 1 ms instead of 6 for a survey URL."""
    # the symbol with mask 0, format information blank, as best_mask_pattern
    qr.makeImpl(True, 0)
    size = qr.modules_count
    data_cells = _data_cells(qr.version)
    masks = _mask_rows(size)
    rows = [_row_bits(row) for row in qr.modules]
    # the symbol without mask
    rows = [r ^ (m & d) for r, m, d in zip(rows, masks[0], data_cells)]
    best, best_penalty = 0, None
    for pattern in range(8):
        masked = [r ^ (m & d)
            for r, m, d in zip(rows, masks[pattern], data_cells)]
        penalty = _penalty(masked, size)
        if best_penalty is None or penalty < best_penalty:
            best, best_penalty = pattern, penalty
    return best


def _row_bits(row):
    "The modules of row as an int, bit c the module of column c"
    bits = 0
    for column, dark in enumerate(row):
        if dark:
            bits |= 1 << column
    return bits


@functools.cache
def _data_cells(version):
    """The rows of the cells of the data of a symbol of version, as ints:
    those that makeImpl leaves to map_data"""
    qr = qrcode.QRCode(version=version)
    size = qr.modules_count = version * 4 + 17
    qr.modules = [[None] * size for _ in range(size)]
    qr.setup_position_probe_pattern(0, 0)
    qr.setup_position_probe_pattern(size - 7, 0)
    qr.setup_position_probe_pattern(0, size - 7)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    qr.setup_type_info(True, 0)
    if version >= 7:
        qr.setup_type_number(True)
    return tuple(_row_bits(cell is None for cell in row) for row in qr.modules)


@functools.cache
def _mask_rows(size):
    "For each of the 8 mask patterns, the rows of its dark cells, as ints"
    result = []
    for pattern in range(8):
        function = qrcode.util.mask_func(pattern)
        result.append(tuple(
                _row_bits(function(i, j) for j in range(size))
                for i in range(size)))
    return tuple(result)


# runs of 5 modules or more of one colour (N1)
_RUN = re.compile(r'0{5,}|1{5,}')
# 1:1:3:1:1 with 4 light modules on one side (N3), overlapping
_FINDER = re.compile(r'(?=10111010000|00001011101)')


def _penalty(rows, size):
    "qrcode.util.lost_point of the symbol of rows (ints of size bits)"
    lines = [format(row, f'0{size}b') for row in rows]
    lines += [''.join(column) for column in zip(*lines)]
    # one string: no run nor pattern across the separators
    text = '2'.join(lines)
    penalty = sum(len(run) - 2 for run in _RUN.findall(text))
    penalty += 40 * len(_FINDER.findall(text))
    full = (1 << size) - 1
    for top, bottom in zip(rows, rows[1:]):
        dark = top & bottom
        light = ~(top | bottom) & full
        penalty += 3 * (
            (dark & (dark >> 1)).bit_count()
            + (light & (light >> 1)).bit_count())
    dark_count = sum(row.bit_count() for row in rows)
    percent = float(dark_count) / (size ** 2)
    penalty += int(abs(percent * 100 - 50) / 5) * 10
    return penalty


def matrix_png(matrix, box=BOX):
    """The PNG of a QR code matrix (quiet zone included), box pixels a
    module, black on white, 1 bit.

    The image of qrcode's PilImage (as trytond.tools.qrcode.generate_png
    makes it) pixel for pixel, written directly: each row of modules is
    one scanline of packed bits, repeated box times, compressed by zlib
    (0.2 ms instead of 1.2 with Pillow's resize and encoder, 5 ms with
    qrcode's drawing of each module, for a link of 50 characters)."""
    size = len(matrix)
    width = size * box
    pad = -width % 8
    white = (1 << box) - 1
    lines = []
    for row in matrix:
        bits = 0
        for dark in row:
            bits = (bits << box) | (0 if dark else white)
        line = b'\x00' + (bits << pad).to_bytes((width + pad) // 8, 'big')
        lines.append(line * box)
    header = struct.pack('>IIBBBBB', width, width, 1, 0, 0, 0, 0)
    return b''.join([
            b'\x89PNG\r\n\x1a\n',
            _png_chunk(b'IHDR', header),
            _png_chunk(b'IDAT', zlib.compress(b''.join(lines))),
            _png_chunk(b'IEND', b''),
            ])


def _png_chunk(kind, data):
    return b''.join([
            struct.pack('>I', len(data)), kind, data,
            struct.pack('>I', zlib.crc32(kind + data)),
            ])
