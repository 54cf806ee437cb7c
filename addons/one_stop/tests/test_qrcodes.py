# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The QR codes of qrcodes.py against qrcode's own: the same mask chosen,
the same penalties, the same image pixel for pixel (no database)"""
import io
import random
import string

import pytest

qrcode = pytest.importorskip('qrcode')
from PIL import Image  # noqa: E402
from qrcode import util  # noqa: E402

from trytond.modules.one_stop.qrcodes import (  # noqa: E402
    BORDER,
    BOX,
    _penalty,
    _row_bits,
    best_mask_pattern,
    qrcode_image,
)

URL = 'https://hailong.hungyen.gov.vn/production/s/KM3P9XTAQ2WZ7HBC5DEF'


def samples(count, seed=18004):
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + '/:.-_?=&'
    yield URL
    yield 'x'
    for _ in range(count):
        yield ''.join(
            rng.choice(alphabet) for _ in range(rng.randint(1, 400)))


def fitted(data, error_correction=qrcode.ERROR_CORRECT_M):
    qr = qrcode.QRCode(error_correction=error_correction)
    qr.add_data(data)
    qr.best_fit()
    return qr


@pytest.mark.parametrize('error_correction', [
        qrcode.ERROR_CORRECT_L, qrcode.ERROR_CORRECT_M,
        qrcode.ERROR_CORRECT_H])
def test_best_mask_pattern(error_correction):
    "The mask that qrcode chooses, versions 1 to 13 and more"
    for data in samples(25):
        expected = fitted(data, error_correction).best_mask_pattern()
        assert best_mask_pattern(fitted(data, error_correction)) == (
            expected), data


def test_penalty():
    "qrcode.util.lost_point of every mask"
    for data in samples(10):
        qr = fitted(data)
        for pattern in range(8):
            qr.makeImpl(True, pattern)
            assert _penalty(
                [_row_bits(row) for row in qr.modules],
                qr.modules_count) == util.lost_point(qr.modules)


def test_image():
    "The PNG is the image of qrcode's PilImage, pixel for pixel"
    for data in [URL, 'x', 'A' * 300]:
        qr = qrcode.QRCode(
            error_correction=qrcode.ERROR_CORRECT_M, box_size=BOX,
            border=BORDER)
        qr.add_data(data)
        qr.make(fit=True)
        expected = qr.make_image().get_image().convert('1')
        image = qrcode_image(data, symbol_mm=30)
        assert image.version == qr.version
        assert image.data_uri.startswith('data:image/png;base64,')
        png = Image.open(io.BytesIO(image.png))
        png.load()
        assert png.mode == '1'
        assert png.size == expected.size
        assert png.tobytes() == expected.tobytes()
