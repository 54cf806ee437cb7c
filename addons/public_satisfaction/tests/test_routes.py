# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
import unittest
from types import SimpleNamespace
from unittest import mock

from werkzeug.test import EnvironBuilder

from trytond import backend
from trytond.modules.public_satisfaction import web
from trytond.protocols.wrappers import Request
from trytond.transaction import Transaction


class BusyPageTestCase(unittest.TestCase):
    "The busy page when the database itself is out of reach"

    def test_busy_without_database(self):
        def locked(request, pool):
            raise backend.DatabaseOperationalError("restarting")
        request = Request(EnvironBuilder(
                method='POST', path='/gone/s/QM0CYWGq4Qtfc2sKFKlLYx'
                ).get_environ())
        # the outage: no transaction can start (a real PostgreSQL restart
        # is in tests/test_crash_safety.py)
        unreachable = backend.DatabaseOperationalError("connection refused")
        with mock.patch.object(
                web.Transaction, 'start', side_effect=unreachable):
            response = web.busy(locked)(
                request, SimpleNamespace(database_name='survey'))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.headers['Retry-After'], '30')
        for name, value in web.SECURITY_HEADERS.items():
            self.assertEqual(response.headers[name], value)
        body = response.get_data(as_text=True)
        self.assertIn('Hệ thống đang bận', body)
        self.assertNotIn('<script', body)
        # nothing left of the failed transaction
        self.assertIsNone(Transaction().database)
