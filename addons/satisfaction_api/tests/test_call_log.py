# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The path of a call as the call log stores it (api.loggable_path): a NUL
in a URL made the log's INSERT fail on PostgreSQL (a 500 found by the fuzz
test of tests/test_api_http.py)"""
from trytond.modules.satisfaction_api.api import loggable_path


def test_control_characters_percent_encoded():
    assert loggable_path('/db/api/v1/dossiers/\x00') == (
        '/db/api/v1/dossiers/%00')
    assert loggable_path('/a\nb\x7fc\x1f') == '/a%0Ab%7Fc%1F'


def test_text_kept():
    path = '/db/api/v1/dossiers/H15.71-260101-0001/qr.svg'
    assert loggable_path(path) == path
    assert loggable_path('/hồ-sơ') == '/hồ-sơ'


def test_cut_after_encoding():
    assert loggable_path('/' + 'x' * 300) == '/' + 'x' * 199
    assert loggable_path('\x00' * 100, size=7) == '%00%00%'
