# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Agency and dossier codes, network ranges: pure functions, no database"
import datetime as dt
import ipaddress

import pytest

from trytond.modules.one_stop.codes import (
    format_dossier_code,
    is_valid_agency_code,
    parse_dossier_code,
)
from trytond.modules.one_stop.networks import (
    address_in_networks,
    parse_networks,
)


@pytest.mark.parametrize('code', [
        'H15.50.05.13',  # department of a province, 4 groups
        '000.00.21.H15',  # 3-character groups
        'H15.22',  # 2 groups
        'G01.123',
        ])
def test_valid_agency_code(code):
    assert is_valid_agency_code(code) is True


@pytest.mark.parametrize('code', [
        'h15.50.05.13',  # lowercase
        'H15.50.05.h3',
        'H15',  # one group
        'H15.50.05.13.01',  # five groups
        '',
        None,
        'H15.22.',  # trailing dot
        '.H15.22',
        'H15..22',
        'H1555.22',  # group too long
        'H.22',  # group too short
        'H15 .22',
        'H15-22',
        'H15.22\n',
        'Đ15.22',  # non-ASCII letter
        ])
def test_invalid_agency_code(code):
    assert is_valid_agency_code(code) is False


def test_format_dossier_code():
    assert format_dossier_code(
        'H15.50.05.13', dt.date(2026, 10, 8), 975) \
        == 'H15.50.05.13-261008-0975'
    assert format_dossier_code(
        '000.00.21.H15', dt.date(2025, 1, 2), 1) \
        == '000.00.21.H15-250102-0001'


def test_format_dossier_code_padding():
    day = dt.date(2025, 12, 31)
    assert format_dossier_code('H15.22', day, 9) == 'H15.22-251231-0009'
    assert format_dossier_code('H15.22', day, 99) == 'H15.22-251231-0099'
    assert format_dossier_code('H15.22', day, 9999) == 'H15.22-251231-9999'
    # past 9999 the number grows, it is never cut
    assert format_dossier_code('H15.22', day, 10000) == 'H15.22-251231-10000'
    assert format_dossier_code(
        'H15.22', day, 123456) == 'H15.22-251231-123456'


def test_format_dossier_code_datetime_uses_date():
    assert format_dossier_code(
        'H15.22', dt.datetime(2026, 3, 4, 23, 59), 1) == 'H15.22-260304-0001'


@pytest.mark.parametrize('agency', ['h15.22', 'H15', '', None, 'H15.22.'])
def test_format_dossier_code_bad_agency(agency):
    with pytest.raises(ValueError, match="invalid agency code"):
        format_dossier_code(agency, dt.date(2025, 1, 2), 1)


@pytest.mark.parametrize('number', [0, -1])
def test_format_dossier_code_bad_number(number):
    with pytest.raises(ValueError, match="starts at 1"):
        format_dossier_code('H15.22', dt.date(2025, 1, 2), number)


def test_parse_dossier_code():
    assert parse_dossier_code('H15.50.05.13-261008-0975') == (
        'H15.50.05.13', '261008', 975)
    assert parse_dossier_code('000.00.21.H15-250102-10000') == (
        '000.00.21.H15', '250102', 10000)


def test_parse_dossier_code_normalizes():
    # typed by hand or read from a barcode: spaces and case are forgiven
    assert parse_dossier_code('  h15.22-251231-0009 \n') == (
        'H15.22', '251231', 9)


@pytest.mark.parametrize('code', [
        '', None, 'H15.22', 'H15.22-251231', 'H15.22-251231-009',
        'H15.22-25123-0009', 'H15-251231-0001', 'H15.22-251231-0001-1',
        'H15.22_251231_0001', 'H15.22-2512311-0001',
        ])
def test_parse_dossier_code_malformed(code):
    assert parse_dossier_code(code) is None


@pytest.mark.parametrize('agency, day, number', [
        ('H15.50.05.13', dt.date(2026, 10, 8), 1),
        ('000.00.21.H15', dt.date(2025, 1, 2), 9999),
        ('H15.22', dt.date(2030, 2, 28), 10000),
        ('A1.B2.C3', dt.date(2000, 1, 1), 42),
        ])
def test_dossier_code_round_trip(agency, day, number):
    code = format_dossier_code(agency, day, number)
    assert parse_dossier_code(code) == (agency, f'{day:%y%m%d}', number)


class TestNetworks:

    def test_parse_lines_commas_spaces(self):
        networks = parse_networks(
            '10.20.1.0/24\n192.168.0.0/16, 172.16.5.7\n  2001:db8::/32')
        assert networks == [
            ipaddress.ip_network('10.20.1.0/24'),
            ipaddress.ip_network('192.168.0.0/16'),
            ipaddress.ip_network('172.16.5.7/32'),
            ipaddress.ip_network('2001:db8::/32'),
            ]

    def test_parse_host_bits_allowed(self):
        assert parse_networks('10.20.1.5/24') == [
            ipaddress.ip_network('10.20.1.0/24')]

    @pytest.mark.parametrize('text', ['', None, '  \n ,, '])
    def test_parse_empty(self, text):
        assert parse_networks(text) == []

    @pytest.mark.parametrize('text, bad', [
            ('10.20.1.0/24\n10.0.0.0/33', '10.0.0.0/33'),
            ('10.20.1.0/24, counter-3', 'counter-3'),
            ('256.1.1.1', '256.1.1.1'),
            ('2001:db8::/129 10.0.0.0/8', '2001:db8::/129'),
            ('10.20.1.0/24;10.20.2.0/24', '10.20.1.0/24;10.20.2.0/24'),
            ])
    def test_parse_bad_item_named(self, text, bad):
        with pytest.raises(ValueError) as info:
            parse_networks(text)
        assert str(info.value) == bad

    def test_address_in_networks(self):
        networks = parse_networks('10.20.1.0/24\n2001:db8::/32')
        assert address_in_networks('10.20.1.77', networks) is True
        assert address_in_networks('10.20.1.0', networks) is True
        assert address_in_networks('10.20.2.1', networks) is False
        assert address_in_networks('2001:db8:0:1::5', networks) is True
        assert address_in_networks('2001:db9::1', networks) is False
        # an IPv4 client seen by a dual-stack listener
        assert address_in_networks('::ffff:10.20.1.77', networks) is True
        assert address_in_networks('::ffff:10.20.2.1', networks) is False

    def test_address_in_networks_bad_or_empty(self):
        networks = parse_networks('10.20.1.0/24')
        assert address_in_networks('not-an-ip', networks) is False
        assert address_in_networks('', networks) is False
        assert address_in_networks(None, networks) is False
        assert address_in_networks('10.20.1.5', []) is False

    def test_ipv4_address_not_in_ipv6_network(self):
        # an IPv4 address is not compared with an IPv6 range, nor an IPv6
        # address with an IPv4 one
        assert address_in_networks(
            '10.20.1.5', parse_networks('::/0')) is False
        assert address_in_networks(
            '::1', parse_networks('0.0.0.0/0')) is False
