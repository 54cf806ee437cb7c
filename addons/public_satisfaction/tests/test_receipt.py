# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The result receipt (A5 and 80 mm) with the survey QR code, and the poster.

The PDFs are rasterised by pdftoppm and their QR codes decoded by zbarimg;
the printed size of a QR code is measured on the raster: poppler-utils and
zbar-tools are required (CI installs them), a missing tool fails the test."""
import datetime as dt
import re
import shutil
import subprocess
import tempfile
import unicodedata
import unittest
from pathlib import Path
from zoneinfo import ZoneInfo

import qrcode
from PIL import Image, ImageDraw, ImageFilter

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME,
    activate_module,
    drop_db,
    with_transaction,
)
from trytond.transaction import Transaction, TransactionError, check_access

TIMEZONE = 'Asia/Ho_Chi_Minh'
BASE_URL = 'https://hailong.hungyen.gov.vn'
APPLICANT = "Nguyễn Thị Hồng Nhung"
CLERK = "Phạm Thu Hà"
AGENCY = "Ủy ban nhân dân xã Hòa Bình"
PROVINCE = "Ủy ban nhân dân tỉnh Hưng Yên"
PROCEDURE = "Đăng ký khai sinh"
A5_MM = (148, 210)
A4_MM = (210, 297)
PT_PER_MM = 72 / 25.4
DPI = 150
RECEIPT = 'one_stop.dossier.result_receipt'
THERMAL = 'one_stop.dossier.result_receipt_thermal'
POSTER = 'one_stop.counter.survey_poster'


def tool(name):
    path = shutil.which(name)
    if not path:
        raise AssertionError(
            f"{name} is missing: install poppler-utils and zbar-tools "
            "(bin/test does)")
    return path


def run(*args):
    return subprocess.run(
        args, check=True, capture_output=True, timeout=120).stdout


def pdf_text(pdf, layout=False):
    """Text of the PDF, NFC normalised, whitespace collapsed

    With layout, the columns of a line are kept together: a label and its
    value in a table."""
    options = ['-layout'] if layout else []
    text = run(
        tool('pdftotext'), *options, '-enc', 'UTF-8', str(pdf), '-').decode()
    return ' '.join(unicodedata.normalize('NFC', text).split())


def pdf_pages(pdf):
    "[(width, height)] in mm of each page"
    info = run(tool('pdfinfo'), '-f', '1', '-l', '9999', str(pdf))
    sizes = re.findall(
        r'^Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+) pts',
        info.decode(), re.MULTILINE)
    return [(float(w) / PT_PER_MM, float(h) / PT_PER_MM) for w, h in sizes]


def rasterise(pdf, page=1, resolution=DPI):
    "Path of the PNG of page of the PDF, in grey levels"
    prefix = pdf.with_name(f'{pdf.stem}-{page}')
    run(tool('pdftoppm'), '-r', str(resolution), '-png', '-gray',
        '-f', str(page), '-l', str(page), '-singlefile',
        str(pdf), str(prefix))
    return prefix.with_suffix('.png')


def decode(png):
    "(exit status, [decoded texts]) of zbarimg on png"
    result = subprocess.run(
        [tool('zbarimg'), '--raw', '-q', str(png)],
        capture_output=True, timeout=120)
    # zbarimg exits 4 when it finds no symbol
    return result.returncode, result.stdout.decode().splitlines()


def qrcode_box(png, min_mm=15):
    """Bounding box in pixels of the largest QR-like symbol of png.

    Dark pixels are grouped when they are closer than about 1.5 modules of
    the smallest QR code printed (the quiet zone is 4 modules, so nothing
    around is merged); the symbol is the largest group whose box is square
    and about half dark.  Return (left, top, right, bottom) or None."""
    image = Image.open(png).convert('L')
    dark = image.point(lambda v: 0 if v < 128 else 255)
    # MinFilter spreads the dark pixels: gaps up to 8 px (1.4 mm) close
    grown = dark.filter(ImageFilter.MinFilter(9))
    min_px = min_mm / 25.4 * DPI
    best = None
    work = grown.copy()
    while True:
        inverted = work.point(lambda v: 255 - v)
        bbox = inverted.getbbox()
        if not bbox:
            break
        # the first dark pixel of the first dark row
        left, top, right, _ = bbox
        row = work.crop((left, top, right, top + 1))
        x = left + row.tobytes().index(0)
        ImageDraw.floodfill(work, (x, top), 128)
        group = work.point(lambda v: 255 if v == 128 else 0)
        box = group.getbbox()
        work.paste(255, mask=group)
        # the box of the group in the original (not spread) image
        box = (box[0] + 4, box[1] + 4, box[2] - 4, box[3] - 4)
        width, height = box[2] - box[0], box[3] - box[1]
        if width < min_px or abs(width - height) > 0.03 * width:
            continue
        histogram = dark.crop(box).histogram()
        fill = histogram[0] / (width * height)
        if 0.3 <= fill <= 0.7 and (
                best is None or width > best[2] - best[0]):
            best = box
    return best


def quiet_zone_clear(png, box, modules, border=4):
    "Whether the border modules around box are all light"
    image = Image.open(png).convert('L')
    module = (box[2] - box[0]) / modules
    margin = int(border * module) - 2  # the anti-aliased edge aside
    outer = (box[0] - margin, box[1] - margin,
        box[2] + margin, box[3] + margin)
    if (outer[0] < 0 or outer[1] < 0
            or outer[2] > image.width or outer[3] > image.height):
        return False
    ring = image.crop(outer)
    ring.paste(255, (margin, margin,
            ring.width - margin, ring.height - margin))
    darkest, _ = ring.getextrema()
    return darkest >= 128


def to_local(datetime):
    "The date in Viet Nam of a naive UTC datetime"
    return datetime.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(TIMEZONE))


def px_to_mm(pixels):
    return pixels / DPI * 25.4


def qr_version(data):
    "The version of the QR code of data at error correction M"
    code = qrcode.QRCode(error_correction=qrcode.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return code.version


class ResultReceiptTestCase(unittest.TestCase):
    "Test the result receipt and the counter poster"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('public_satisfaction')
        # On PostgreSQL the daily number of the dossier code is taken in a
        # transaction of its own, which sees only committed agencies.
        extras = {}
        while True:
            with Transaction().start(DB_NAME, 0, **extras) as transaction:
                try:
                    cls.create_agencies()
                    break
                except TransactionError as exception:
                    # the singleton configuration locks its table
                    transaction.rollback()
                    exception.fix(extras)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def create_agencies(cls):
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Counter = pool.get('one_stop.counter')
        Procedure = pool.get('one_stop.procedure')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        Configuration = pool.get('satisfaction.configuration')
        Configuration.write([Configuration(1)], {
                'survey_base_url': BASE_URL + '/',
                })
        province, = Agency.create([{
                    'name': PROVINCE,
                    'code': '000.00.00.H33',
                    'kind': 'province_committee',
                    }])
        agency, = Agency.create([{
                    'name': AGENCY,
                    'code': 'H15.22',
                    'kind': 'commune_committee',
                    'parent': province.id,
                    }])
        Counter.create([{
                    'agency': agency.id,
                    'code': 'Q01',
                    'name': "Quầy số 1",
                    }, {
                    'agency': agency.id,
                    'code': 'BD01',
                    'name': "Quầy trả kết quả của Bưu điện tỉnh",
                    'kind': 'post_office',
                    }])
        clerk_group = ModelData.get_id('one_stop', 'group_one_stop_clerk')
        User.create([{
                    'name': CLERK,
                    'login': 'clerk_h15_22_receipt',
                    'groups': [('add', [clerk_group])],
                    'one_stop_agency': agency.id,
                    }])
        Procedure.create([{
                    'code': '1.001612',
                    'name': PROCEDURE,
                    'level': 'commune',
                    'processing_days': 3,
                    }])

    def setUp(self):
        super().setUp()
        directory = tempfile.TemporaryDirectory(prefix='result_receipt_')
        self.addCleanup(directory.cleanup)
        self.directory = Path(directory.name)
        self.count = 0

    def returned_dossier(self, applicant=APPLICANT, **values):
        "A dossier received at counter Q01, processed and returned"
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Counter = pool.get('one_stop.counter')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        Dossier = pool.get('one_stop.dossier')

        agency, = Agency.search([('code', '=', 'H15.22')])
        counter, = Counter.search([('code', '=', 'Q01')])
        procedure, = Procedure.search([('code', '=', '1.001612')])
        if isinstance(applicant, str):
            applicant, = Party.create([{'name': applicant}])
        values.setdefault('counter', counter.id)
        dossier, = Dossier.create([{
                    'applicant': applicant.id,
                    'procedure': procedure.id,
                    'agency': agency.id,
                    'received_date': dt.datetime(2025, 10, 9, 23, 15),
                    **values,
                    }])
        Dossier.process([dossier])
        Dossier.mark_ready([dossier])
        Dossier.return_result([dossier])
        return Dossier(dossier.id)

    def execute(self, name, records):
        pool = Pool()
        Report = pool.get(name, type='report')
        ext, content, _, _ = Report.execute([r.id for r in records], {})
        self.assertEqual(ext, 'pdf')
        self.assertTrue(bytes(content).startswith(b'%PDF-'))
        self.count += 1
        pdf = self.directory / f'{self.count:02d}.pdf'
        pdf.write_bytes(bytes(content))
        return pdf

    def assertPage(self, pdf, size, pages=1):
        sizes = pdf_pages(pdf)
        self.assertEqual(len(sizes), pages, msg=sizes)
        for width, height in sizes:
            self.assertAlmostEqual(width, size[0], delta=0.5)
            if size[1] is not None:
                self.assertAlmostEqual(height, size[1], delta=0.5)
        return sizes

    def assertQRCode(self, pdf, url, min_mm, page=1):
        "The page shows one QR code of url, min_mm wide at least; its width"
        png = rasterise(pdf, page=page)
        status, texts = decode(png)
        self.assertEqual((status, texts), (0, [url]))
        box = qrcode_box(png)
        self.assertIsNotNone(box, msg="no QR code measured")
        width = px_to_mm(box[2] - box[0])
        self.assertGreaterEqual(width, min_mm)
        version = qr_version(url)
        self.assertLessEqual(version, 5, msg=url)
        self.assertTrue(
            quiet_zone_clear(png, box, 17 + 4 * version),
            msg="the quiet zone of 4 modules is not clear")
        return width

    def assertNoQRCode(self, pdf, page=1):
        status, texts = decode(rasterise(pdf, page=page))
        self.assertEqual((status, texts), (4, []))

    def open_invitation(self, dossier):
        invitation = dossier.open_invitation()
        self.assertIsNotNone(invitation)
        return invitation

    @with_transaction()
    def test_rpc_read_write(self):
        "The receipts are executed in a read-write transaction"
        pool = Pool()
        for name in [RECEIPT, THERMAL]:
            Report = pool.get(name, type='report')
            self.assertFalse(Report.__rpc__['execute'].readonly)

    @with_transaction()
    def test_result_receipt(self):
        "A5 receipt: QR code of the survey, short code, rights; reprint"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        dossier = self.returned_dossier()
        invitation = self.open_invitation(dossier)
        self.assertIsNone(invitation.printed_date)
        url = invitation.survey_url()
        self.assertTrue(url.startswith(BASE_URL + '/'), msg=url)
        self.assertTrue(url.endswith('/s/' + invitation.token()), msg=url)

        pdf = self.execute(RECEIPT, [dossier])

        self.assertPage(pdf, A5_MM)
        width = self.assertQRCode(pdf, url, 25)
        self.assertLess(width, 45)
        printed = Invitation(invitation.id).printed_date
        self.assertIsNotNone(printed)
        returned = to_local(dossier.returned_date)
        facts = pdf_text(pdf, layout=True)
        for expected in [
                f"Mã hồ sơ: {dossier.code}",
                f"Thủ tục: {PROCEDURE}",
                f"Người nộp hồ sơ: {APPLICANT}",
                # 23:15 UTC on 9 October is 06:15 on 10 October in Viet Nam
                "Ngày tiếp nhận: 10/10/2025",
                "Ngày hẹn trả: 15/10/2025",
                f"Ngày trả kết quả: {returned:%d/%m/%Y}",
                "Nơi trả: Quầy số 1",
                ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, facts)
        code = invitation.short_code
        text = pdf_text(pdf)
        for expected in [
                PROVINCE.upper(),
                AGENCY.upper(),
                "PHIẾU TRẢ KẾT QUẢ",
                "MỜI ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG",
                f"{code[:4]} {code[4:]}",
                "hoặc nhập mã hồ sơ và mã đánh giá tại mã QR dán ở quầy",
                "quyền của người dân",
                "tự nguyện, không bắt buộc",
                "khoảng 2 phút",
                "không xem được câu trả lời",
                "giúp đánh giá chất lượng phục vụ của cơ quan",
                "NGƯỜI NHẬN KẾT QUẢ",
                "NGƯỜI TRẢ KẾT QUẢ",
                ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertNotIn("Cảm ơn Ông/Bà đã sử dụng", text)

        # Reprint: the same QR code while the invitation is open
        pdf = self.execute(RECEIPT, [dossier])
        self.assertQRCode(pdf, url, 25)
        self.assertGreaterEqual(
            Invitation(invitation.id).printed_date, printed)

    @with_transaction()
    def test_result_receipt_reissued(self):
        "A new survey code: a new QR code, the former one revoked"
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Invitation = pool.get('satisfaction.invitation')
        dossier = self.returned_dossier()
        first = self.open_invitation(dossier)
        first_url = first.survey_url()
        self.assertQRCode(self.execute(RECEIPT, [dossier]), first_url, 25)

        action = Dossier.reissue_invitation([dossier])

        self.assertTrue(action)
        first = Invitation(first.id)
        second = self.open_invitation(Dossier(dossier.id))
        self.assertNotEqual(second, first)
        self.assertEqual(first.state, 'revoked')
        self.assertEqual(first.replaced_by, second)
        second_url = second.survey_url()
        self.assertNotEqual(second_url, first_url)
        pdf = self.execute(RECEIPT, [dossier])
        self.assertQRCode(pdf, second_url, 25)
        text = pdf_text(pdf)
        self.assertIn(
            f"{second.short_code[:4]} {second.short_code[4:]}", text)
        self.assertIsNotNone(Invitation(second.id).printed_date)

    @with_transaction()
    def test_result_receipt_thermal(self):
        "80 mm receipt: the page is 80 mm wide, the QR code 30 mm at least"
        dossier = self.returned_dossier()
        invitation = self.open_invitation(dossier)

        pdf = self.execute(THERMAL, [dossier])

        (width, height), = self.assertPage(pdf, (80, None))
        self.assertLess(height, 200)
        self.assertGreater(height, 100)
        self.assertQRCode(pdf, invitation.survey_url(), 30)
        text = pdf_text(pdf)
        code = invitation.short_code
        for expected in [
                AGENCY.upper(),
                "PHIẾU TRẢ KẾT QUẢ",
                dossier.code,
                f"{code[:4]} {code[4:]}",
                "không bắt buộc",
                "không xem được câu trả lời",
                ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    @with_transaction()
    def test_result_receipt_online(self):
        "An online dossier is not surveyed: its receipt has no QR code"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        dossier = self.returned_dossier(channel='online', counter=None)
        self.assertEqual(dossier.state, 'returned')
        self.assertIsNone(dossier.open_invitation())

        for name, size in [(RECEIPT, A5_MM), (THERMAL, (80, None))]:
            with self.subTest(report=name):
                pdf = self.execute(name, [dossier])
                self.assertPage(pdf, size)
                self.assertNoQRCode(pdf)
                text = pdf_text(pdf)
                self.assertIn(dossier.code, text)
                self.assertIn("Cảm ơn Ông/Bà đã sử dụng", text)
                self.assertNotIn("MỜI ĐÁNH GIÁ", text)
        self.assertFalse(Invitation.search([('dossier', '=', dossier.id)]))

    @with_transaction()
    def test_result_receipt_expired(self):
        "An expired invitation is not printed"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        dossier = self.returned_dossier()
        invitation = self.open_invitation(dossier)
        Invitation.write([invitation], {
                'expiry': dt.datetime.now() - dt.timedelta(minutes=1),
                })

        pdf = self.execute(RECEIPT, [dossier])

        self.assertNoQRCode(pdf)
        self.assertNotIn(invitation.short_code[:4], pdf_text(pdf))
        self.assertIsNone(Invitation(invitation.id).printed_date)

    @with_transaction()
    def test_result_receipt_by_clerk(self):
        "A clerk, without access to the invitations, prints the receipt"
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        Invitation = pool.get('satisfaction.invitation')
        clerk, = User.search([('login', '=', 'clerk_h15_22_receipt')])
        applicant, = Party.create([{'name': APPLICANT}])
        with Transaction().set_user(clerk.id), check_access():
            dossier = self.returned_dossier(applicant=applicant)
            self.assertEqual(dossier.returned_by, clerk)
            pdf = self.execute(RECEIPT, [dossier])
        invitation = self.open_invitation(dossier)
        self.assertQRCode(pdf, invitation.survey_url(), 25)
        self.assertRegex(pdf_text(pdf), rf"NGƯỜI TRẢ KẾT QUẢ .*{CLERK}")
        self.assertIsNotNone(Invitation(invitation.id).printed_date)

    @with_transaction()
    def test_survey_poster(self):
        "A4 poster of each counter, the post office's too"
        pool = Pool()
        Counter = pool.get('one_stop.counter')
        counters = Counter.search([('agency.code', '=', 'H15.22')])
        self.assertEqual(
            {c.kind for c in counters}, {'general', 'post_office'})
        database = Transaction().database.name

        pdf = self.execute(POSTER, counters)

        self.assertPage(pdf, A4_MM, pages=len(counters))
        for page, counter in enumerate(counters, 1):
            with self.subTest(counter=counter.code):
                url = f'{BASE_URL}/{database}/p?c={counter.id}'
                self.assertQRCode(pdf, url, 80, page=page)
        text = pdf_text(pdf)
        for expected in [
                "ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG",
                AGENCY.upper(),
                "Quầy số 1",
                "Quầy trả kết quả của Bưu điện tỉnh",
                "Quét mã QR",
                "mã hồ sơ",
                "mã đánh giá",
                "không bắt buộc",
                "khoảng 2 phút",
                "không xem được câu trả lời",
                ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    @with_transaction()
    def test_receipt_format_of_the_counter(self):
        "The return button opens the receipt in the counter's format"
        pool = Pool()
        Counter = pool.get('one_stop.counter')
        Dossier = pool.get('one_stop.dossier')
        ActionReport = pool.get('ir.action.report')
        Action = pool.get('ir.action')

        def report_name(action_id):
            action, = ActionReport.search([('action', '=', action_id)])
            return action.report_name

        def return_at(counter):
            dossier = self.returned_dossier()
            dossier, = Dossier.create([{
                        'applicant': dossier.applicant.id,
                        'procedure': dossier.procedure.id,
                        'agency': dossier.agency.id,
                        'counter': counter.id,
                        }])
            Dossier.process([dossier])
            Dossier.mark_ready([dossier])
            return Dossier.return_result([dossier])

        counter, = Counter.search([('code', '=', 'Q01')])
        self.assertEqual(counter.satisfaction_receipt, 'a5')
        self.assertEqual(
            report_name(return_at(counter)),
            'one_stop.dossier.result_receipt')
        Counter.write([counter], {'satisfaction_receipt': 'thermal'})
        action_id = return_at(counter)
        self.assertEqual(
            report_name(action_id), 'one_stop.dossier.result_receipt_thermal')
        self.assertEqual(Action(action_id).type, 'ir.action.report')
