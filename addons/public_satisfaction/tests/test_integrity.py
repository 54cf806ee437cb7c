# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"Pure tests of the interference signals (no database)"
import datetime as dt
import hashlib
import hmac
import unittest

from trytond.modules.public_satisfaction import integrity

NOW = dt.datetime(2026, 3, 2, 9, 30, 0)


def reasons(found):
    return [r for r, _ in found]


class IntegrityTestCase(unittest.TestCase):

    def test_ip_prefix_ipv4(self):
        self.assertEqual(integrity.ip_prefix('203.0.113.77'), '203.0.113.0/24')
        self.assertEqual(integrity.ip_prefix(' 10.1.2.3 '), '10.1.2.0/24')

    def test_ip_prefix_ipv6(self):
        self.assertEqual(
            integrity.ip_prefix('2001:db8:abcd:12::1'), '2001:db8:abcd::/48')
        self.assertEqual(
            integrity.ip_prefix('::ffff:198.51.100.9'), '198.51.100.0/24')

    def test_ip_prefix_invalid(self):
        for value in ['', None, 'localhost', '300.1.1.1', '1.2.3.4/24']:
            self.assertEqual(integrity.ip_prefix(value), '')

    def test_prefix_drops_the_host(self):
        self.assertNotIn('77', integrity.ip_prefix('203.0.113.77'))

    def test_device_hash_keyed_and_stable(self):
        prefix = '203.0.113.0/24'
        first = integrity.device_hash('key-1', 'Mozilla/5.0', prefix)
        self.assertEqual(
            first, integrity.device_hash('key-1', 'Mozilla/5.0', prefix))
        expected = hmac.new(
            b'key-1', b'Mozilla/5.0\x1f203.0.113.0/24',
            hashlib.sha256).hexdigest()
        self.assertEqual(first, expected)
        self.assertEqual(len(first), 64)
        self.assertNotEqual(
            first, integrity.device_hash('key-2', 'Mozilla/5.0', prefix))
        self.assertNotEqual(
            first, integrity.device_hash('key-1', 'Mozilla/5.1', prefix))
        self.assertNotEqual(
            first, integrity.device_hash('key-1', 'Mozilla/5.0',
                '198.51.100.0/24'))
        self.assertNotEqual(
            first, hashlib.sha256(b'Mozilla/5.0\x1f203.0.113.0/24')
            .hexdigest())

    def test_no_signal(self):
        self.assertEqual(integrity.signals(
                NOW, address='203.0.113.7', networks='10.0.0.0/8',
                printed=NOW - dt.timedelta(minutes=5),
                opened=NOW - dt.timedelta(seconds=90),
                honeypot='', same_device=1), [])

    def test_counter_network(self):
        found = integrity.signals(
            NOW, address='10.20.1.15', networks='10.20.1.0/24\n10.9.0.0/16')
        self.assertEqual(found, [('counter_network', '10.20.1.0/24')])
        self.assertEqual(integrity.signals(
                NOW, address='10.20.2.15', networks='10.20.1.0/24'), [])
        # IPv6 ranges and a bad range never raise
        self.assertEqual(reasons(integrity.signals(
                    NOW, address='2001:db8::5', networks='2001:db8::/32')),
            ['counter_network'])
        self.assertEqual(integrity.signals(
                NOW, address='10.20.1.15', networks='not-a-network'), [])

    def test_after_print(self):
        printed = NOW - dt.timedelta(seconds=12)
        self.assertEqual(
            integrity.signals(NOW, printed=printed, print_seconds=20),
            [('after_print', '12 s')])
        self.assertEqual(
            integrity.signals(NOW, printed=printed, print_seconds=10), [])
        self.assertEqual(
            integrity.signals(NOW, printed=printed, print_seconds=0), [])
        self.assertEqual(integrity.signals(
                NOW, printed=NOW - dt.timedelta(seconds=20)), [])

    def test_same_device(self):
        self.assertEqual(
            integrity.signals(NOW, same_device=1, device_limit=3), [])
        self.assertEqual(
            integrity.signals(NOW, same_device=2, device_limit=3),
            [('same_device', '3')])
        self.assertEqual(
            integrity.signals(NOW, same_device=5, device_limit=0), [])

    def test_too_fast(self):
        opened = NOW - dt.timedelta(seconds=6)
        self.assertEqual(
            integrity.signals(NOW, opened=opened, min_seconds=15),
            [('too_fast', '6 s')])
        self.assertEqual(
            integrity.signals(NOW, opened=opened, min_seconds=5), [])
        self.assertEqual(integrity.signals(NOW, opened=None), [])
        # posted without the questionnaire ever being shown
        self.assertEqual(
            integrity.signals(NOW, opened=None, form_shown=False),
            [('too_fast', 'form not shown')])
        self.assertEqual(integrity.signals(
                NOW, opened=None, form_shown=False, min_seconds=0), [])

    def test_honeypot(self):
        self.assertEqual(
            integrity.signals(NOW, honeypot='http://spam.example'),
            [('honeypot', '')])
        self.assertEqual(integrity.signals(NOW, honeypot='   '), [])

    def test_several_signals(self):
        found = integrity.signals(
            NOW, address='10.20.1.15', networks='10.20.1.0/24',
            printed=NOW - dt.timedelta(seconds=3),
            opened=NOW - dt.timedelta(seconds=2), honeypot='x',
            same_device=4)
        self.assertEqual(reasons(found), [
                'counter_network', 'after_print', 'same_device', 'too_fast',
                'honeypot'])

    def test_reasons_are_known(self):
        self.assertEqual(
            {r for r, _ in integrity.REASONS},
            {'counter_network', 'after_print', 'same_device', 'too_fast',
                'honeypot'})
