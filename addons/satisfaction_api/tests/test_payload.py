# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The rules of payload.py and signing.py, without a database."""
import datetime as dt
import hashlib
import hmac

import pytest
from trytond.modules.satisfaction_api import payload, signing
from trytond.modules.satisfaction_api.payload import PayloadError

TZ = 'Asia/Ho_Chi_Minh'
BASE = {'code': 'A-1', 'procedure': '1.001', 'agency': 'H15.03',
    'channel': 'counter', 'received': '2025-04-01T09:00:00'}


def parse(**values):
    return payload.parse_dossier({**BASE, **values}, TZ)


def test_times_to_naive_utc():
    # 09:00 in Hanoi (UTC+7) is 02:00 UTC; with an offset it is kept
    assert parse().received == dt.datetime(2025, 4, 1, 2)
    assert parse(received='2025-04-01T09:00:00+00:00').received == (
        dt.datetime(2025, 4, 1, 9))
    assert parse(received='2025-04-01T09:00:00.75+07:00').received == (
        dt.datetime(2025, 4, 1, 2))


def test_state_from_the_times():
    assert parse().state == 'received'
    assert parse(ready='2025-04-02T09:00:00').state == 'ready'
    assert parse(ready='2025-04-02T09:00:00',
        returned='2025-04-02T10:00:00').state == 'returned'
    assert parse(channel='postal').return_method == 'postal'


@pytest.mark.parametrize('values, code, field', [
        ({'returned': '2025-04-02T10:00:00'}, 'required', 'ready'),
        ({'state': 'processing', 'ready': '2025-04-02T09:00:00'},
            'time_without_state', 'ready'),
        ({'ready': '2025-03-31T09:00:00'}, 'times_out_of_order', 'ready'),
        ({'state': 'rejected', 'reason': '  '}, 'required', 'reason'),
        ({'received': '1999-12-31T09:00:00'}, 'invalid_datetime',
            'received'),
        ({'code': 'A/1'}, 'invalid_code', 'code'),
        ({'returned_by': {'id': 'x', 'phone': '0912'}}, 'unknown_field',
            'returned_by.phone'),
        ({'channel': True}, 'invalid_choice', 'channel'),
        ])
def test_refusals_name_the_field(values, code, field):
    with pytest.raises(PayloadError) as refused:
        parse(**values)
    assert (refused.value.status, refused.value.code,
        refused.value.field) == (400, code, field)


def test_steps_follow_the_host_workflow():
    assert payload.steps('received', 'returned', False) == [
        'process', 'mark_ready', 'return_result']
    # a result given on the spot skips the processing
    assert payload.steps('received', 'returned', True) == [
        'mark_ready', 'return_result']
    assert payload.steps('received', 'processing', True) == ['process']
    assert payload.steps('supplement_requested', 'ready', False) == [
        'receive_supplement', 'process', 'mark_ready']
    assert payload.steps('processing', 'withdrawn', False) == ['withdraw']
    assert payload.steps('ready', 'ready', False) == []
    for current, target in [('ready', 'processing'),
            ('returned', 'rejected'), ('rejected', 'returned')]:
        with pytest.raises(PayloadError) as refused:
            payload.steps(current, target, False)
        assert (refused.value.status, refused.value.code) == (
            409, 'backwards')


def test_conflicts():
    recorded = parse(ready='2025-04-02T09:00:00')
    assert payload.conflicts(recorded, recorded) is None
    # a later step is no conflict, another time of a recorded one is
    assert payload.conflicts(recorded, parse(
            ready='2025-04-02T09:00:00',
            returned='2025-04-03T09:00:00')) is None
    assert payload.conflicts(recorded, parse(
            ready='2025-04-02T09:30:00')) == 'ready'
    assert payload.conflicts(recorded, parse(
            ready='2025-04-02T09:00:00', agency='H15.05')) == 'agency'


def test_bulk_limits():
    with pytest.raises(PayloadError) as refused:
        payload.parse_bulk({'dossiers': [BASE] * 1001}, TZ)
    assert (refused.value.status, refused.value.code) == (
        413, 'too_many_dossiers')
    with pytest.raises(PayloadError) as refused:
        payload.parse_bulk({'dossiers': [BASE, BASE]}, TZ)
    assert refused.value.field == 'dossiers[1].code'


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = b'{"event":"survey.opened"}'
    expected = hmac.new(b'k', b'1700000000.' + body,
        hashlib.sha256).hexdigest()
    assert signing.signature('k', 1700000000, body) == 'sha256=' + expected
    header = signing.signature('k', 1700000000, body)
    assert signing.verify('k', '1700000000', body, header, 1700000100)
    assert not signing.verify('k', '1700000000', body, header, 1700000301)
    assert not signing.verify('k', '1700000000', body + b' ', header,
        1700000000)
    assert not signing.verify('other', '1700000000', body, header,
        1700000000)


def test_backoff_for_24_hours():
    created = dt.datetime(2025, 4, 1)
    # 1, 2, 4 … minutes, at most 2 hours apart
    assert [signing.retry_delay(n) for n in [1, 2, 3, 8, 20]] == [
        dt.timedelta(minutes=1), dt.timedelta(minutes=2),
        dt.timedelta(minutes=4), dt.timedelta(hours=2),
        dt.timedelta(hours=2)]
    assert signing.next_attempt(created, 1, created) == (
        created + dt.timedelta(minutes=1))
    # 23:00 after the creation, a wait of 2 hours would end past 24 hours
    late = created + dt.timedelta(hours=23)
    assert signing.next_attempt(created, 10, late) is None
