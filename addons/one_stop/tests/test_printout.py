# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import base64
import datetime as dt
import re
import unittest
from unittest import mock

from trytond.modules.one_stop.printout import VALIDITY, token_hash
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

NOW = dt.datetime(2025, 10, 9, 2, 15)


def clock(moment):
    return mock.patch(
        'trytond.modules.one_stop.printout.utcnow', return_value=moment)


class PrintoutTestCase(unittest.TestCase):
    "The pages of the receipts, served once"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('one_stop')

    @with_transaction()
    def test_page_served_once(self):
        Printout = Pool().get('one_stop.printout')
        with clock(NOW):
            token = Printout.store("Mẫu 01 <H15.22-251009-0001>", 'pdf',
                b'%PDF-1.7 receipt')
            page, nonce = Printout.take(token)
            self.assertIsNone(Printout.take(token))
        page = page.decode('utf-8')
        self.assertIn(f'<script nonce="{nonce}">', page)
        # the name is text, never markup
        self.assertIn(
            '<title>Mẫu 01 &lt;H15.22-251009-0001&gt;</title>', page)
        data, = re.findall(r'atob\("([A-Za-z0-9+/=]+)"\)', page)
        self.assertEqual(base64.b64decode(data), b'%PDF-1.7 receipt')
        self.assertIn('type: "application/pdf"', page)
        # without direct printing the clerk closes the page
        self.assertIn('if (false) {', page)

    @with_transaction()
    def test_page_closes_itself_for_direct_printing(self):
        Printout = Pool().get('one_stop.printout')
        with clock(NOW):
            token = Printout.store("Mẫu 01", 'pdf', b'%PDF', close=True)
            page, _ = Printout.take(token)
        self.assertIn(
            'if (true) { setTimeout(function () { window.close(); }, 3000); }',
            page.decode('utf-8'))

    @with_transaction()
    def test_page_expires(self):
        "Not opened within VALIDITY (5 minutes): gone, and pruned"
        Printout = Pool().get('one_stop.printout')
        self.assertEqual(VALIDITY, dt.timedelta(minutes=5))
        with clock(NOW):
            late = Printout.store("Mẫu 01", 'pdf', b'%PDF-late')
            in_time = Printout.store("Mẫu 01", 'pdf', b'%PDF-in-time')
        # 09:19:59 UTC +7: 4 min 59 s after, in time; 5 min 1 s: too late
        with clock(NOW + dt.timedelta(minutes=4, seconds=59)):
            self.assertIsNotNone(Printout.take(in_time))
        with clock(NOW + dt.timedelta(minutes=5, seconds=1)):
            self.assertIsNone(Printout.take(late))
            other = Printout.store("Mẫu 01", 'pdf', b'%PDF-other')
        table = Printout.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.token_hash))
        self.assertEqual(
            [h for h, in cursor], [token_hash(other)])

    @with_transaction()
    def test_not_over_http_the_report_action(self):
        "From the ORM (no request, no client) the button gives the action"
        pool = Pool()
        Printout = pool.get('one_stop.printout')
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        action_id = Printout.open_report(
            'one_stop', 'report_intake_receipt', [mock.Mock(id=1)])
        self.assertEqual(action_id, Action.get_action_id(
                ModelData.get_id('one_stop', 'report_intake_receipt')))

