# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The intake receipt (Mẫu 01): A5 PDF with the dossier code as a QR code.

The checks use poppler-utils (pdftoppm, pdftotext, pdfinfo) and zbar-tools
(zbarimg): CI installs them, so a missing tool fails the test."""
import datetime as dt
import re
import shutil
import subprocess
import tempfile
import unicodedata
import unittest
from pathlib import Path
from zoneinfo import ZoneInfo

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME,
    activate_module,
    drop_db,
    with_transaction,
)
from trytond.transaction import Transaction

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
APPLICANT = "Nguyễn Thị Hồng Nhung"
CLERK = "Phạm Thu Hà"
TIMEZONE = 'Asia/Ho_Chi_Minh'
A5_MM = (148, 210)
PT_PER_MM = 72 / 25.4


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


def pdf_text(pdf):
    "Text of the PDF, NFC normalised, whitespace collapsed"
    text = run(tool('pdftotext'), '-enc', 'UTF-8', str(pdf), '-').decode()
    return ' '.join(unicodedata.normalize('NFC', text).split())


def pdf_pages(pdf):
    "[(width, height)] in mm of each page"
    try:
        from pypdf import PdfReader
    except ImportError:
        info = run(tool('pdfinfo'), '-f', '1', '-l', '9999', str(pdf))
        sizes = re.findall(
            r'^Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+) pts',
            info.decode(), re.MULTILINE)
        return [(float(w) / PT_PER_MM, float(h) / PT_PER_MM)
            for w, h in sizes]
    reader = PdfReader(str(pdf))
    return [(float(p.mediabox.width) / PT_PER_MM,
            float(p.mediabox.height) / PT_PER_MM) for p in reader.pages]


def decode_qrcodes(pdf, page=1, resolution=150):
    "The QR codes found on page of the PDF rasterised by pdftoppm"
    prefix = pdf.with_name(f'{pdf.stem}-page')
    run(tool('pdftoppm'), '-r', str(resolution), '-png',
        '-f', str(page), '-l', str(page), '-singlefile',
        str(pdf), str(prefix))
    png = prefix.with_suffix('.png')
    result = subprocess.run(
        [tool('zbarimg'), '--raw', '-q', str(png)],
        capture_output=True, timeout=120)
    # zbarimg exits 4 when it finds no symbol
    return result.stdout.decode().splitlines()


def working_days_after(day, days):
    "The days-th Monday-to-Friday day after day (no holiday in the test)"
    while days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


class IntakeReceiptTestCase(unittest.TestCase):
    "Test the intake receipt report"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module('one_stop')
        # On PostgreSQL the daily number of the dossier code is taken in a
        # transaction of its own (dossier.DossierDailyNumber.next_number),
        # which sees only committed agencies: commit them first.
        with Transaction().start(DB_NAME, 0):
            cls.create_agencies()

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
        province, = Agency.create([{
                    'name': "Ủy ban nhân dân tỉnh Hưng Yên",
                    'code': '000.00.00.H33',
                    'kind': 'province_committee',
                    }])
        agency, = Agency.create([{
                    'name': "Ủy ban nhân dân xã Hòa Bình",
                    'code': 'H15.22',
                    'kind': 'commune_committee',
                    'parent': province.id,
                    'address': "Số 1 đường Trần Phú",
                    }])
        Counter.create([{
                    'agency': agency.id,
                    'code': 'Q01',
                    'name': "Quầy số 1",
                    }])
        # A clerk of the agency, not an administrator
        clerk_group = ModelData.get_id('one_stop', 'group_one_stop_clerk')
        User.create([{
                    'name': CLERK,
                    'login': 'clerk_h15_22',
                    'groups': [('add', [clerk_group])],
                    'one_stop_agency': agency.id,
                    }])
        Procedure.create([{
                    'code': '1.001612',
                    'name': "Đăng ký khai sinh",
                    'level': 'commune',
                    'processing_days': 3,
                    }])

    def setUp(self):
        super().setUp()
        directory = tempfile.TemporaryDirectory(prefix='intake_receipt_')
        self.addCleanup(directory.cleanup)
        self.directory = Path(directory.name)

    def create_dossier(
            self, applicant=APPLICANT, received_date=None, with_counter=True,
            **values):
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Counter = pool.get('one_stop.counter')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        Dossier = pool.get('one_stop.dossier')

        agency, = Agency.search([('code', '=', 'H15.22')])
        counter = None
        if with_counter:
            counter, = Counter.search([('code', '=', 'Q01')])
        procedure, = Procedure.search([('code', '=', '1.001612')])
        if isinstance(applicant, str):
            applicant, = Party.create([{'name': applicant}])
        party = applicant
        dossier, = Dossier.create([{
                    'applicant': party.id,
                    'procedure': procedure.id,
                    'agency': agency.id,
                    'counter': counter.id if counter else None,
                    'received_date': received_date
                    or dt.datetime(2025, 10, 9, 23, 15),
                    **values,
                    }])
        return dossier

    def execute(self, dossiers, action=None):
        pool = Pool()
        IntakeReceipt = pool.get(
            'one_stop.dossier.intake_receipt', type='report')
        data = {'action_id': action.id} if action else {}
        ext, content, direct_print, name = IntakeReceipt.execute(
            [d.id for d in dossiers], data)
        self.assertEqual(ext, 'pdf')
        self.assertTrue(bytes(content).startswith(b'%PDF-'))
        pdf = self.directory / 'receipt.pdf'
        pdf.write_bytes(bytes(content))
        return pdf

    def assertA5(self, pdf, pages=1):
        sizes = pdf_pages(pdf)
        self.assertEqual(len(sizes), pages, msg=sizes)
        for width, height in sizes:
            self.assertAlmostEqual(width, A5_MM[0], delta=1)
            self.assertAlmostEqual(height, A5_MM[1], delta=1)

    @with_transaction()
    def test_intake_receipt(self):
        "Intake receipt: A5, QR code of the dossier code and the form text"
        pool = Pool()
        User = pool.get('res.user')
        received = dt.datetime(2025, 10, 9, 23, 15)  # UTC
        dossier = self.create_dossier(received_date=received)

        # 23:15 UTC on Thursday is 06:15 on Friday in Viet Nam
        local = received.replace(tzinfo=dt.UTC).astimezone(
            ZoneInfo(TIMEZONE))
        self.assertEqual(local.date(), dt.date(2025, 10, 10))
        appointment = working_days_after(local.date(), 3)
        self.assertEqual(appointment, dt.date(2025, 10, 15))
        self.assertTrue(dossier.code.startswith('H15.22-251010-'))

        pdf = self.execute([dossier])

        self.assertA5(pdf)
        self.assertEqual(decode_qrcodes(pdf), [dossier.code])
        text = pdf_text(pdf)
        for expected in [
                "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN",
                "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                TITLE,
                f"Mã hồ sơ: {dossier.code}",
                f"Tiếp nhận hồ sơ của: {APPLICANT}",
                "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
                "Số lượng hồ sơ: 01 (bộ)",
                "Thời gian giải quyết hồ sơ theo quy định là: "
                "3 ngày làm việc",
                "Thời gian nhận hồ sơ: 06 giờ 15 phút, ngày 10/10/2025",
                "Thời gian trả kết quả giải quyết hồ sơ: ngày "
                f"{appointment.day:02d}/{appointment.month:02d}/"
                f"{appointment.year}",
                "Đăng ký nhận kết quả tại: Quầy số 1, "
                "Ủy ban nhân dân xã Hòa Bình, Số 1 đường Trần Phú",
                "NGƯỜI NỘP HỒ SƠ",
                "NGƯỜI TIẾP NHẬN HỒ SƠ",
                User(Transaction().user).name,
                ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    @with_transaction()
    def test_intake_receipt_postal_without_counter_nor_clerk(self):
        "Intake receipt by post, without counter nor clerk, escaped name"
        applicant = "Trần <b>Văn</b> Đức & Cộng sự"
        with Transaction().set_user(0):
            dossier = self.create_dossier(
                applicant=applicant, with_counter=False,
                channel='postal', return_method='postal')
        self.assertIsNone(dossier.received_by)
        self.assertIsNone(dossier.counter)

        pdf = self.execute([dossier])

        self.assertA5(pdf)
        self.assertEqual(decode_qrcodes(pdf), [dossier.code])
        text = pdf_text(pdf)
        self.assertIn(f"Tiếp nhận hồ sơ của: {applicant}", text)
        self.assertIn(
            "Đăng ký nhận kết quả tại: qua dịch vụ bưu chính công ích", text)
        self.assertIn("NGƯỜI TIẾP NHẬN HỒ SƠ", text)

    @with_transaction()
    def test_intake_receipt_one_page_per_dossier(self):
        "Intake receipt of several dossiers in one PDF: a page each"
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        action, = ActionReport.search([
                ('report_name', '=', 'one_stop.dossier.intake_receipt'),
                ])
        # the action of the module is single: print with a copy that is not
        action, = ActionReport.copy([action], default={'single': False})
        first = self.create_dossier()
        second = self.create_dossier(
            applicant="Lê Văn Bình", received_date=dt.datetime(
                2025, 10, 10, 2, 0))

        pdf = self.execute([first, second], action=action)

        self.assertA5(pdf, pages=2)
        self.assertEqual(decode_qrcodes(pdf, page=1), [first.code])
        self.assertEqual(decode_qrcodes(pdf, page=2), [second.code])

    @with_transaction()
    def test_intake_receipt_by_clerk(self):
        "Intake receipt received and printed by a clerk of the agency"
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        clerk, = User.search([('login', '=', 'clerk_h15_22')])
        applicant, = Party.create([{'name': APPLICANT}])
        with Transaction().set_user(clerk.id):
            dossier = self.create_dossier(applicant=applicant)
            self.assertEqual(dossier.received_by, clerk)

            pdf = self.execute([dossier])

        self.assertA5(pdf)
        self.assertEqual(decode_qrcodes(pdf), [dossier.code])
        text = pdf_text(pdf)
        self.assertIn(f"Tiếp nhận hồ sơ của: {APPLICANT}", text)
        self.assertRegex(text, rf"NGƯỜI TIẾP NHẬN HỒ SƠ .*{CLERK}")
