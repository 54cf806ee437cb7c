# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The integration API (satisfaction_api) over real HTTP on a real trytond
server, as an external platform uses it.

The server has a database of its own and a rate limit of LIMIT requests per
key.  The platforms are made as admin over JSON-RPC; their keys by
``Platform.issue_key`` in a transaction opened here (the key is shown once
and stored hashed: RPC cannot read it).  Every invalid call is checked to
leave the tables as they were (rows counted before and after).  The webhook
receiver is a process of its own on loopback (webhook_receiver.py); its
retries are driven by calling the cron's method with a fixed clock.
"""
import base64
import datetime as dt
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from decimal import Decimal

import pytest
from conftest import start_server, stop_server
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from survey_world import Browser, Direct, answer_form
from test_rpc_access import unique_agency_code

MODULES = ('satisfaction_api',)
LIMIT = 400
HERE = os.path.dirname(os.path.abspath(__file__))


def need(tool):
    path = shutil.which(tool)
    assert path, f"{tool} is missing: bin/test installs it"
    return path


class Api:
    "An external platform's client: plain HTTP with its key"

    def __init__(self, server, key=None, authorization=None):
        parsed = urllib.parse.urlsplit(server.url)
        self.host, self.port = parsed.hostname, parsed.port
        self.prefix = f'/{server.database}/api/v1'
        self.authorization = authorization or (
            f'Bearer {key}' if key else None)

    def request(self, method, path, body=None, raw=None, headers=None):
        headers = dict(headers or {})
        if self.authorization:
            headers['Authorization'] = self.authorization
        if body is not None:
            raw = json.dumps(body).encode()
            headers.setdefault('Content-Type', 'application/json')
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=300)
        try:
            connection.request(method, self.prefix + path, body=raw,
                headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        reply = type('Reply', (), {})()
        reply.status, reply.headers, reply.raw = (
            response.status, response.headers, data)
        reply.json = None
        if response.headers.get('Content-Type', '').startswith(
                'application/json'):
            reply.json = json.loads(data)
        return reply

    def put(self, code, body, **kw):
        return self.request('PUT', f'/dossiers/{code}', body, **kw)

    def get(self, path, **kw):
        return self.request('GET', path, **kw)


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    server = start_server(
        str(tmp_path_factory.mktemp('trytond_api')), MODULES,
        extra_config={'public_satisfaction': {
                'api_requests': LIMIT, 'api_window': 600}})
    yield server
    stop_server(server)


@pytest.fixture(scope='module')
def admin(server):
    return server.client()


@pytest.fixture(scope='module')
def direct(server):
    return Direct(server)


class World:
    pass


def new_platform(admin, direct, name, agencies):
    "A platform with the scope agencies and one key: (id, key)"
    platform_id, = admin.model('satisfaction.api.platform').create([{
                'name': name, 'code': name.lower() + unique_agency_code(),
                'agencies': [('add', agencies)]}])

    def issue(pool):
        Platform = pool.get('satisfaction.api.platform')
        return Platform.issue_key(Platform(platform_id))
    return platform_id, direct.run(issue)


@pytest.fixture(scope='module')
def world(server, admin, direct):
    w = World()
    w.server, w.admin, w.direct = server, admin, direct
    admin.model('satisfaction.configuration').write(
        [1], {'survey_base_url': server.url})
    Agency = admin.model('one_stop.agency')
    w.codes = {}
    ids = {}
    for name in ['a1', 'a2', 'fig', 'b']:
        code = unique_agency_code()
        ids[name], = Agency.create([{
                    'name': f"Sở {name}", 'kind': 'department',
                    'code': code}])
        w.codes[name] = code
    w.ids = ids
    Procedure = admin.model('one_stop.procedure')
    w.slow = 'API.' + unique_agency_code()
    w.now = 'API.' + unique_agency_code()
    Procedure.create([
            {'name': "Cấp phiếu lý lịch tư pháp", 'code': w.slow,
                'level': 'province', 'processing_days': 3},
            {'name': "Chứng thực bản sao", 'code': w.now,
                'level': 'province', 'processing_days': 0,
                'immediate_result': True}])
    admin.model('one_stop.counter').create([{
                'agency': ids['a1'], 'code': 'Q1', 'name': "Quầy 1"}])
    w.p_id, w.p_key = new_platform(
        admin, direct, 'Igate', [ids['a1'], ids['a2'], ids['fig']])
    w.q_id, w.q_key = new_platform(admin, direct, 'Viettel', [ids['b']])
    w.p = Api(server, w.p_key)
    w.q = Api(server, w.q_key)
    return w


_serial = iter(range(1, 10 ** 6))


def new_code(prefix='EXT'):
    return f'{prefix}-{os.getpid()}-{next(_serial):06d}'


def dossier(w, agency='a1', procedure=None, channel='counter', state=None,
        **values):
    """The body of a dossier of agency received on Tuesday 01/04/2025 at
    9:00 in Hanoi; state 'returned' (default): ready on Thursday 03/04,
    returned on Friday 04/04"""
    body = {
        'procedure': procedure or w.slow,
        'agency': w.codes[agency],
        'channel': channel,
        'received': '2025-04-01T09:00:00+07:00',
        }
    state = state or 'returned'
    if state in {'ready', 'returned'}:
        body['ready'] = '2025-04-03T10:00:00+07:00'
    if state == 'returned':
        body['returned'] = '2025-04-04T08:30:00+07:00'
    if state not in {'ready', 'returned'}:
        body['state'] = state
    body.update(values)
    return body


def counts(w):
    "The rows of the tables an upsert writes"
    def count(pool):
        return {name: pool.get(name).search([], count=True) for name in [
                'one_stop.dossier', 'one_stop.dossier.event',
                'satisfaction.api.dossier', 'satisfaction.invitation',
                'party.party', 'satisfaction.api.webhook.delivery']}
    return w.direct.run(count, readonly=True)


def invitations(w, codes):
    def read(pool):
        Invitation = pool.get('satisfaction.invitation')
        External = pool.get('satisfaction.api.dossier')
        links = External.search([('code', 'in', list(codes))])
        return {link.code: [(i.state, i.short_code) for i in
                Invitation.search([('dossier', '=', link.dossier.id)])]
            for link in links}
    return w.direct.run(read, readonly=True)


def scan_png(path):
    result = subprocess.run([need('zbarimg'), '--raw', '-q', str(path)],
        capture_output=True, text=True)
    assert result.returncode in {0, 4}, result.stderr
    return [line for line in result.stdout.splitlines() if line]


# --- keys and scope ------------------------------------------------------

def test_no_key_or_a_wrong_key_is_401_and_writes_nothing(world):
    w = world
    before = counts(w)
    body = dossier(w)
    for authorization in [None, 'Bearer wrong-key',
            'Basic ' + base64.b64encode(b'x:wrong').decode(),
            f'Bearer {w.p_key}x', 'Session abc']:
        reply = Api(w.server, authorization=authorization).put(
            new_code(), body)
        assert reply.status == 401, reply.raw
        assert reply.json['code'] == 'unauthorized'
        assert reply.json['message'] == (
            "Cần khoá API hợp lệ (Authorization: Bearer <khoá>).")
        assert reply.headers['WWW-Authenticate'].startswith('Bearer')
    assert counts(w) == before
    calls = w.admin.model('satisfaction.api.call').search_read(
        [('status', '=', 401), ('route', '=', 'dossier.put')], 0, None,
        None, ['platform', 'key', 'method', 'error'])
    assert len(calls) >= 5
    assert {(c['platform'], c['key'], c['method'], c['error'])
        for c in calls} == {(None, None, 'PUT', 'unauthorized')}


def test_basic_password_is_the_key(world):
    w = world
    api = Api(w.server, authorization='Basic ' + base64.b64encode(
            f'igate:{w.p_key}'.encode()).decode())
    reply = api.put(new_code(), dossier(w, state='received'))
    assert reply.status == 200, reply.raw
    assert reply.json['state'] == 'received'


def test_revoked_key_is_401(world):
    w = world
    platform_id, key = new_platform(
        w.admin, w.direct, 'Revoked', [w.ids['a1']])
    api = Api(w.server, key)
    code = new_code()
    assert api.put(code, dossier(w, state='received')).status == 200
    w.admin.model('satisfaction.api.platform').revoke_keys([platform_id])
    before = counts(w)
    reply = api.put(code, dossier(w))
    assert reply.status == 401
    assert api.get(f'/dossiers/{code}').status == 401
    assert counts(w) == before
    assert w.admin.model('satisfaction.api.dossier').search_read(
        [('code', '=', code)], 0, None, None, ['code']) != []
    state, = w.admin.model('one_stop.dossier').search_read(
        [('code', '=', api_host_code(w, code))], 0, None, None, ['state'])
    assert state['state'] == 'received'  # the refused move not made
    call, = w.admin.model('satisfaction.api.call').search_read(
        [('platform', '=', platform_id)], 0, 1, [('id', 'DESC')],
        ['status', 'route'])
    assert (call['status'], call['route']) == (200, 'dossier.put')


def api_host_code(w, code):
    link, = w.admin.model('satisfaction.api.dossier').search_read(
        [('code', '=', code)], 0, None, None, ['dossier.code'])
    return link['dossier.']['code']


def test_a_key_cannot_touch_another_platforms_agency(world):
    w = world
    before = counts(w)
    reply = w.p.put(new_code(), dossier(w, agency='b'))
    assert reply.status == 403
    assert (reply.json['code'], reply.json['field']) == (
        'agency_out_of_scope', 'agency')
    assert w.codes['b'] in reply.json['message']
    assert counts(w) == before
    # B's dossier: neither read, nor written, nor its figures
    code = new_code()
    assert w.q.put(code, dossier(w, agency='b')).status == 200
    before = counts(w)
    assert w.p.get(f'/dossiers/{code}').status == 403
    assert w.p.put(code, dossier(w, agency='a1')).status == 403
    for path in ['qr.svg', 'qr.png', 'receipt.pdf']:
        assert w.p.get(f'/dossiers/{code}/{path}').status == 403
    assert w.p.get(f'/agencies/{w.codes["b"]}/figures'
        '?from=2025-04-01&to=2025-04-30').status == 403
    assert counts(w) == before
    assert w.q.get(f'/dossiers/{code}').status == 200


# --- upserts -------------------------------------------------------------

def test_counter_online_postal_immediate(world, tmp_path):
    """Only the result returned in person at the counter is invited; the
    answer holds its survey link, short code, expiry, QR codes and
    receipts; the same call again answers the same and writes nothing"""
    w = world
    codes = {kind: new_code(kind.upper()) for kind in
        ['counter', 'online', 'postal', 'immediate']}
    bodies = {
        'counter': dossier(w, counter='Q1',
            returned_by={'id': 'cb-07', 'name': "Trần Thị Mai"}),
        'online': dossier(w, channel='online'),
        'postal': dossier(w, channel='postal'),
        'immediate': dossier(w, procedure=w.now),
        }
    replies = {kind: w.p.put(codes[kind], bodies[kind]) for kind in codes}
    for reply in replies.values():
        assert reply.status == 200, reply.raw
    assert {k: (r.json['state'], r.json['eligibility'],
            r.json['survey_state']) for k, r in replies.items()} == {
        'counter': ('returned', 'eligible', 'invited'),
        'online': ('returned', 'online', 'not_eligible'),
        'postal': ('returned', 'postal_return', 'not_eligible'),
        'immediate': ('returned', 'immediate_result', 'not_eligible'),
        }
    assert [k for k, r in replies.items() if r.json['survey']] == ['counter']
    found = invitations(w, codes.values())
    assert {k: len(found[c]) for k, c in codes.items()} == {
        'counter': 1, 'online': 0, 'postal': 0, 'immediate': 0}

    survey = replies['counter'].json['survey']
    (state, short_code), = found[codes['counter']]
    assert (state, survey['short_code']) == ('open', short_code)
    assert survey['url'].startswith(f'{w.server.url}/{w.server.database}/s/')
    # the expiry in Hanoi time, the validity after the invitation (now)
    expiry = dt.datetime.fromisoformat(survey['expiry'])
    assert expiry.utcoffset() == dt.timedelta(hours=7)
    days, = w.admin.model('satisfaction.configuration').read(
        [1], ['expiry_days'])
    left = expiry - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=days['expiry_days'], minutes=-2) < left <= (
        dt.timedelta(days=days['expiry_days']))
    # the QR code, PNG and SVG, leads to the survey
    png = tmp_path / 'qr.png'
    png.write_bytes(base64.b64decode(survey['qr_png']))
    assert scan_png(png) == [survey['url']]
    assert survey['qr_svg'].startswith('<svg xmlns=')
    svg = w.p.get(survey['qr_svg_url'].split('/api/v1', 1)[1])
    assert (svg.status, svg.headers['Content-Type']) == (
        200, 'image/svg+xml')
    assert svg.raw.decode() == survey['qr_svg']
    reply = w.p.get(survey['qr_png_url'].split('/api/v1', 1)[1])
    assert reply.headers['Content-Type'] == 'image/png'
    png.write_bytes(reply.raw)
    assert scan_png(png) == [survey['url']]
    # the receipt printed from it, A5 and 80 mm: its QR code is the link
    for kind in ['a5', 'thermal']:
        reply = w.p.get(survey['receipts'][kind].split('/api/v1', 1)[1])
        assert reply.status == 200, reply.raw[:500]
        assert reply.headers['Content-Type'] == 'application/pdf'
        pdf = tmp_path / f'receipt-{kind}.pdf'
        pdf.write_bytes(reply.raw)
        subprocess.run([need('pdftoppm'), '-r', '150', '-png', '-singlefile',
                '-f', '1', '-l', '1', str(pdf), str(tmp_path / kind)],
            check=True)
        assert scan_png(tmp_path / f'{kind}.png') == [survey['url']]
        text = subprocess.run([need('pdftotext'), str(pdf), '-'],
            capture_output=True, text=True, check=True).stdout
        assert short_code[:4] in text.replace(' ', '')
    # the survey state of a dossier
    reply = w.p.get(f'/dossiers/{codes["counter"]}')
    assert reply.json['survey_state'] == 'invited'
    assert reply.json['survey']['url'] == survey['url']
    assert 'qr_png' not in reply.json['survey']

    before = counts(w)
    for kind, code in codes.items():
        again = w.p.put(code, bodies[kind])
        assert (again.status, again.json) == (200, replies[kind].json)
    assert counts(w) == before
    row, = w.admin.model('satisfaction.api.dossier').search_read(
        [('code', '=', codes['counter'])], 0, None, None,
        ['clerk_id', 'clerk_name', 'dossier.counter', 'dossier.returned_date'])
    assert (row['clerk_id'], row['clerk_name']) == ('cb-07', "Trần Thị Mai")
    # 04/04/2025 08:30 in Hanoi is 01:30 UTC
    assert row['dossier.']['returned_date'] == dt.datetime(2025, 4, 4, 1, 30)


def test_moves_forward_step_by_step(world):
    w = world
    code = new_code()
    states = []
    for state in ['received', 'processing', 'ready', 'returned']:
        reply = w.p.put(code, dossier(w, state=state))
        assert reply.status == 200, reply.raw
        states.append((reply.json['state'], reply.json['survey_state']))
    assert states == [('received', 'pending'), ('processing', 'pending'),
        ('ready', 'pending'), ('returned', 'invited')]
    assert len(invitations(w, [code])[code]) == 1


def test_conflicts_are_409_and_change_nothing(world):
    w = world
    code = new_code()
    assert w.p.put(code, dossier(w)).status == 200
    before = counts(w)
    for values, expected in [
            ({'state': 'processing', 'ready': None, 'returned': None},
                ('backwards', 'state')),
            ({'agency': 'a2'}, ('changed_agency', 'agency')),
            ({'procedure': w.now}, ('changed_procedure', 'procedure')),
            ({'channel': 'online'}, ('changed_channel', 'channel')),
            ({'ready': '2025-04-03T11:00:00+07:00'},
                ('changed_ready', 'ready')),
            ({'received': '2025-04-01T09:00:01+07:00'},
                ('changed_received', 'received')),
            ({'state': 'rejected', 'reason': "Sai", 'ready': None,
                    'returned': None}, ('backwards', 'state')),
            ]:
        body = {k: v for k, v in dossier(w, **values).items()
            if v is not None}
        reply = w.p.put(code, body)
        assert reply.status == 409, (values, reply.raw)
        assert (reply.json['code'], reply.json['field']) == expected
        assert reply.json['message']
    assert counts(w) == before
    reply = w.p.put(code, dossier(w), headers={'Accept-Language': 'en'})
    assert reply.status == 200


def test_refused_by_the_host_is_409(world):
    "A rejection of a dossier whose result is ready: the host's own refusal"
    w = world
    code = new_code()
    assert w.p.put(code, dossier(w, state='ready')).status == 200
    before = counts(w)
    body = dossier(w, state='rejected', reason="Thiếu giấy tờ")
    body.pop('ready', None)
    reply = w.p.put(code, body)
    assert reply.status == 409, reply.raw
    assert reply.json['code'] == 'refused_by_host'
    assert counts(w) == before


BAD = [
    # (body or raw bytes, headers, status, code, field)
    (b'{"procedure": ', None, 400, 'invalid_json', None),
    (b'\xff\xfe', None, 400, 'invalid_json', None),
    (b'{"a": NaN}', None, 400, 'invalid_json', None),
    ({}, {'Content-Type': 'text/plain'}, 415, 'unsupported_media_type',
        None),
    ([], None, 400, 'invalid_type', None),
    ({'colour': 'red'}, None, 400, 'unknown_field', 'colour'),
    ({'received': 20250401}, None, 400, 'invalid_datetime', 'received'),
    ({'received': '01/04/2025'}, None, 400, 'invalid_datetime', 'received'),
    ({'channel': 'fax'}, None, 400, 'invalid_choice', 'channel'),
    ({'procedure': ['x']}, None, 400, 'invalid_type', 'procedure'),
    ({'procedure': 'NO.SUCH'}, None, 422, 'unknown_procedure', 'procedure'),
    ({'agency': 'H99.99.99'}, None, 422, 'unknown_agency', 'agency'),
    ({'counter': 'Q9'}, None, 422, 'unknown_counter', 'counter'),
    ({'ready': None}, None, 400, 'required', 'ready'),
    ({'returned': '2025-04-02T10:00:00+07:00'}, None, 400,
        'times_out_of_order', 'returned'),
    ({'state': 'withdrawn', 'ready': None, 'returned': None}, None, 400,
        'required', 'reason'),
    ({'code': 'OTHER-1'}, None, 400, 'code_mismatch', 'code'),
    ({'received': '2099-04-01T09:00:00+07:00', 'ready': None,
            'returned': None, 'state': 'received'}, None, 422,
        'invalid_dossier', None),
    ]


@pytest.mark.parametrize('body, headers, status, code, field', BAD)
def test_bad_input_is_4xx_and_stores_nothing(
        world, body, headers, status, code, field):
    w = world
    before = counts(w)
    if isinstance(body, bytes):
        reply = w.p.put(new_code(), None, raw=body, headers={
                'Content-Type': 'application/json'})
    elif isinstance(body, dict):
        full = {k: v for k, v in (dossier(w) | body).items()
            if v is not None}
        if 'procedure' in body and body['procedure'] is None:
            full.pop('procedure')
        reply = w.p.request('PUT', f'/dossiers/{new_code()}',
            raw=json.dumps(full).encode(),
            headers=headers or {'Content-Type': 'application/json'})
    else:
        reply = w.p.put(new_code(), body)
    assert reply.status == status, reply.raw
    assert (reply.json['code'], reply.json['field']) == (code, field)
    assert reply.json['message']
    assert counts(w) == before


def test_errors_in_english_on_request(world):
    w = world
    reply = w.p.put(new_code(), dossier(w, channel='fax'),
        headers={'Accept-Language': 'en-GB,en;q=0.8'})
    assert reply.json['message'] == (
        "This value must be one of: counter, online, postal.")
    reply = w.p.request('PUT', f'/dossiers/{new_code()}?lang=en',
        dossier(w, channel='fax'))
    assert reply.json['message'].startswith("This value must be one of")
    reply = w.p.put(new_code(), dossier(w, channel='fax'))
    assert reply.json['message'] == (
        "Giá trị phải là một trong: counter, online, postal.")


def test_oversize_body_is_413(world):
    w = world
    before = counts(w)
    raw = b'{"dossiers": [' + b'1,' * (1024 * 1024) + b'1]}'
    reply = w.p.request('POST', '/dossiers/bulk', raw=raw,
        headers={'Content-Type': 'application/json'})
    assert reply.status == 413
    assert reply.json['code'] == 'body_too_large'
    assert counts(w) == before


def test_bulk_is_all_or_nothing(world):
    w = world
    before = counts(w)
    bodies = [dossier(w, code=new_code()) for _ in range(5)]
    bodies[3]['channel'] = 'fax'
    reply = w.p.request('POST', '/dossiers/bulk', {'dossiers': bodies})
    assert reply.status == 400
    assert reply.json['field'] == 'dossiers[3].channel'
    bodies[3]['channel'] = 'counter'
    bodies[4]['code'] = bodies[0]['code']
    reply = w.p.request('POST', '/dossiers/bulk', {'dossiers': bodies})
    assert (reply.status, reply.json['code'], reply.json['field']) == (
        400, 'duplicate_code', 'dossiers[4].code')
    bodies[4]['code'] = new_code()
    bodies[2]['agency'] = w.codes['b']
    reply = w.p.request('POST', '/dossiers/bulk', {'dossiers': bodies})
    assert (reply.status, reply.json['field']) == (403, 'dossiers[2].agency')
    too_many = [dossier(w, code=new_code()) for _ in range(1001)]
    reply = w.p.request('POST', '/dossiers/bulk', {'dossiers': too_many})
    assert (reply.status, reply.json['code']) == (413, 'too_many_dossiers')
    assert counts(w) == before


def test_bulk_of_1000_dossiers(world):
    """250 each of counter, online, postal and immediate dossiers in one
    call: 250 invitations; the same call again answers the same"""
    w = world
    kinds = [
        {}, {'channel': 'online'}, {'channel': 'postal'},
        {'procedure': w.now}]
    bodies = [dossier(w, code=new_code('BULK'), **kinds[i % 4])
        for i in range(1000)]
    before = counts(w)
    start = time.monotonic()
    reply = w.p.request('POST', '/dossiers/bulk', {'dossiers': bodies})
    elapsed = time.monotonic() - start
    assert reply.status == 200, reply.raw[:1000]
    answers = reply.json['dossiers']
    assert [a['code'] for a in answers] == [b['code'] for b in bodies]
    invited = [a for a in answers if a['survey']]
    assert len(invited) == 250
    assert {a['code'] for a in invited} == {
        b['code'] for i, b in enumerate(bodies) if i % 4 == 0}
    after = counts(w)
    assert after['one_stop.dossier'] - before['one_stop.dossier'] == 1000
    assert after['satisfaction.api.dossier'] - before[
        'satisfaction.api.dossier'] == 1000
    assert after['satisfaction.invitation'] - before[
        'satisfaction.invitation'] == 250
    again = w.p.request('POST', '/dossiers/bulk', {'dossiers': bodies})
    assert (again.status, again.json) == (200, reply.json)
    assert counts(w) == after
    print(f"bulk upsert of 1000 dossiers: {elapsed:.1f} s")


def test_rate_limit_per_key(world):
    w = world
    _, key = new_platform(w.admin, w.direct, 'Busy', [w.ids['a1']])
    api = Api(w.server, key)
    for _ in range(LIMIT):
        assert api.get('/dossiers/NONE-1').status == 404
    reply = api.get('/dossiers/NONE-1')
    assert reply.status == 429
    assert reply.json['code'] == 'too_many_requests'
    assert 0 < int(reply.headers['Retry-After']) <= 600
    # the other keys are not refused
    assert w.p.get('/dossiers/NONE-1').status == 404


# --- surveys, figures and webhooks ----------------------------------------

def answer(w, url, **fields):
    phone = Browser(w.server)
    assert phone.open(url).status == 200
    return phone.open(url, answer_form(**fields)).status


def decline(w, url):
    phone = Browser(w.server)
    assert phone.open(url).status == 200
    return phone.open(url, {'action': 'decline'}).status


def test_period_figures_equal_the_scorecards(world):
    """Four dossiers of agency fig invited in April 2025, answered 5, 4 and
    2 over HTTP, the fourth declined; a fifth submitted online"""
    w = world
    codes = [new_code('FIG') for _ in range(5)]
    bodies = [
        dossier(w, 'fig', code=codes[0]),
        dossier(w, 'fig', code=codes[1]),
        dossier(w, 'fig', code=codes[2]),
        dossier(w, 'fig', code=codes[3], returned='2025-04-10T15:00:00+07:00'),
        dossier(w, 'fig', code=codes[4], channel='online'),
        ]
    reply = w.p.request('POST', '/dossiers/bulk', {'dossiers': bodies})
    assert reply.status == 200, reply.raw
    urls = [d['survey']['url'] for d in reply.json['dossiers'][:4]]
    assert reply.json['dossiers'][4]['survey'] is None
    assert answer(w, urls[0], overall=5) == 200
    assert answer(w, urls[1], overall=4) == 200
    assert answer(w, urls[2], overall=2) == 200
    assert decline(w, urls[3]) == 200

    reply = w.p.get(f'/agencies/{w.codes["fig"]}/figures'
        '?from=2025-04-01&to=2025-04-30')
    assert reply.status == 200, reply.raw
    figures = reply.json
    assert {k: figures[k] for k in ['invited', 'answered', 'declined',
            'expired', 'excluded', 'coverage_percent', 'dossiers_returned',
            'bad_dossiers', 'ratio_766_percent']} == {
        'invited': 4, 'answered': 3, 'declined': 1, 'expired': 0,
        'excluded': 0,
        'coverage_percent': 75.0,  # 3 / 4
        'dossiers_returned': 5,
        'bad_dossiers': 1,  # the one rated 2
        'ratio_766_percent': 80.0,  # (5 - 1) / 5
        }
    assert figures['overall'] == {
        'counts': {'1': 0, '2': 1, '3': 0, '4': 1, '5': 1},
        'percent': {'1': 0.0, '2': 33.3, '3': 0.0, '4': 33.3, '5': 33.3},
        'rated': 3,
        'satisfied_percent': 66.7,  # 4 and 5: 2 of 3
        }
    by_code = {q['question']: q for q in figures['questions']}
    # answer_form: access 4, official 2, feedback not applicable
    assert by_code['access']['counts'] == {
        '1': 0, '2': 0, '3': 0, '4': 3, '5': 0}
    assert by_code['official']['satisfied_percent'] == 0.0
    assert (by_code['feedback']['rated'],
        by_code['feedback']['not_applicable']) == (0, 3)
    # March: nothing returned
    reply = w.p.get(f'/agencies/{w.codes["fig"]}/figures'
        '?from=2025-03-01&to=2025-03-31')
    assert (reply.json['invited'], reply.json['coverage_percent']) == (0, None)

    # the scorecard of the quarter, computed by reform_evaluation
    def scorecard(pool):
        Period = pool.get('reform.period')
        Criterion = pool.get('reform.criterion')
        Scorecard = pool.get('reform.scorecard')
        period, = Period.create([{
                    'name': "Quý 2/2025 " + codes[0], 'code': codes[0],
                    'kind': 'quarter', 'start_date': dt.date(2025, 4, 1),
                    'end_date': dt.date(2025, 6, 30)}])
        area, = Criterion.create([{'period': period.id, 'code': '1',
                    'name': "Khảo sát", 'max_points': Decimal(30)}])
        Criterion.create([{
                    'period': period.id, 'parent': area.id, 'code': code,
                    'name': kind, 'max_points': Decimal(10), 'kind': kind,
                    'survey_rule': 'target', 'survey_target': Decimal('0.5'),
                    'survey_min_sample': 1}
                for code, kind in [('1.1', 'survey_coverage'),
                    ('1.2', 'survey_satisfaction'), ('1.3', 'survey_766')]])
        Period.open([period])
        card, = Scorecard.create([
                {'period': period.id, 'agency': w.ids['fig']}])
        Scorecard.create_lines([card])
        Scorecard.compute([card])
        card = Scorecard(card.id)
        return card.survey_answered, {
            line.criterion.code: float(line.figure)
            for line in card.lines if line.figure is not None}
    answered, lines = w.direct.run(scorecard)
    assert answered == figures['answered']
    assert round(lines['1.1'] * 100, 1) == figures['coverage_percent']
    assert round(lines['1.2'] * 100, 1) == figures['overall'][
        'satisfied_percent']
    assert round(lines['1.3'] * 100, 1) == figures['ratio_766_percent']


def test_figures_bad_periods(world):
    w = world
    path = f'/agencies/{w.codes["fig"]}/figures'
    for query, field in [('', 'from'), ('?from=2025-04-01', 'to'),
            ('?from=2025-04-31&to=2025-05-01', 'from'),
            ('?from=2025-05-01&to=2025-04-01', 'to'),
            ('?from=2024-01-01&to=2025-04-01', 'to')]:
        reply = w.p.get(path + query)
        assert (reply.status, reply.json['field']) == (400, field), query
    assert w.p.get('/agencies/NOPE/figures?from=2025-04-01&to=2025-04-02'
        ).status == 404


@pytest.fixture
def receiver(tmp_path):
    "A webhook receiver failing 3 times, then answering 200"
    secret = 'whsec-' + unique_agency_code()
    port_file, log_file = tmp_path / 'port', tmp_path / 'log.jsonl'
    process = subprocess.Popen([sys.executable,
            os.path.join(HERE, 'webhook_receiver.py'), str(port_file),
            str(log_file), '3', secret])
    deadline = time.monotonic() + 20
    while not port_file.exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)

    def log():
        if not log_file.exists():
            return []
        return [json.loads(line) for line in log_file.read_text().splitlines()]
    yield type('Receiver', (), {
            'url': f'http://127.0.0.1:{port_file.read_text()}/hook',
            'secret': secret, 'log': staticmethod(log)})
    process.terminate()
    process.wait(timeout=10)


def test_webhook_retried_until_acknowledged_once(world, receiver):
    w = world
    from trytond.modules.satisfaction_api.webhook import NOW
    webhook_id, = w.admin.model('satisfaction.api.webhook').create([{
                'platform': w.p_id, 'url': receiver.url,
                'secret': receiver.secret,
                'events': ['survey.opened', 'survey.answered']}])
    code = new_code('HOOK')
    reply = w.p.put(code, dossier(w))
    url = reply.json['survey']['url']
    assert Browser(w.server).open(url).status == 200  # opened

    def delivery_ids(pool):
        Delivery = pool.get('satisfaction.api.webhook.delivery')
        return [(d.id, d.created) for d in Delivery.search(
                [('webhook', '=', webhook_id)])]
    (delivery_id, created), = w.direct.run(delivery_ids, readonly=True)

    def process(moment):
        def run(pool):
            from trytond.transaction import Transaction
            with Transaction().set_context({NOW: moment}):
                pool.get('satisfaction.api.webhook.delivery').process_due()
        w.direct.run(run)
    # failed at +0, tried again 1, 2 and 4 minutes after each failure
    for minutes in [0, 0.5, 1, 2, 3, 5, 7, 30, 60]:
        process(created + dt.timedelta(minutes=minutes))
    log = receiver.log()
    assert [e['status'] for e in log] == [500, 500, 500, 200]
    assert all(e['valid'] for e in log)
    assert {e['delivery'] for e in log} == {log[0]['delivery']}
    assert [e['timestamp'] for e in log] == [str(int((created
                + dt.timedelta(minutes=m)).replace(
                    tzinfo=dt.UTC).timestamp())) for m in [0, 1, 3, 7]]
    body = json.loads(log[0]['body'])
    assert body['event'] == 'survey.opened'
    assert body['data'] == {'dossier': code, 'host_code': api_host_code(
            w, code), 'agency': w.codes['a1'], 'survey_state': 'opened'}
    listed = w.p.get('/webhooks/deliveries?state=delivered').json
    mine, = [d for d in listed['deliveries'] if d['id'] == delivery_id]
    assert (mine['attempts'], mine['event']) == (4, 'survey.opened')
    attempts = w.admin.model('satisfaction.api.webhook.attempt').search_read(
        [('delivery', '=', delivery_id)], 0, None, None, ['status'])
    assert [a['status'] for a in attempts] == [500, 500, 500, 200]
    # another platform cannot replay it; the platform can, once
    assert w.q.request('POST', f'/webhooks/deliveries/{delivery_id}/replay'
        ).status == 404
    reply = w.p.request('POST', f'/webhooks/deliveries/{delivery_id}/replay')
    assert (reply.status, reply.json['state']) == (202, 'pending')
    process(created + dt.timedelta(minutes=90))
    process(created + dt.timedelta(minutes=91))
    log = receiver.log()
    assert [e['status'] for e in log] == [500, 500, 500, 200, 200]
    assert log[4]['body'] == log[0]['body']
    # the answer is an event too; the comment is never sent
    assert answer(w, url, overall=5, comment="Tên tôi là Hoa") == 200
    process(created + dt.timedelta(minutes=120))
    log = receiver.log()
    assert json.loads(log[-1]['body'])['event'] == 'survey.answered'
    assert 'Hoa' not in log[-1]['body']


def test_openapi_lists_every_route(world):
    "The OpenAPI file documents exactly the routes of the server"
    from trytond.modules.satisfaction_api.api import PREFIX
    from trytond.wsgi import app
    w = world
    reply = w.p.get('/openapi.json')
    assert reply.status == 200
    document = reply.json
    assert document['openapi'].startswith('3.1')
    assert document['servers'] == [
        {'url': f'{w.server.url}/{w.server.database}/api/v1'}]
    import trytond.modules.satisfaction_api.routes  # noqa: F401
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX):
            path = rule.rule[len(PREFIX):]
            path = path.replace('<code>', '{code}').replace(
                '<delivery_id>', '{delivery_id}')
            for method in rule.methods - {'HEAD', 'OPTIONS'}:
                routes.add((path, method.lower()))
    refs = re.findall(r'"\$ref": "#/components/schemas/([A-Za-z]+)"',
        reply.raw.decode())
    assert refs and set(refs) <= set(document['components']['schemas'])
    documented = {(path, method) for path, item in document['paths'].items()
        for method in item if method in {'get', 'put', 'post'}}
    assert documented == routes
    for path, item in document['paths'].items():
        for operation in item.values():
            if path != '/openapi.json':
                assert operation['security'] == [{'bearer': []}], path
            assert '200' in operation['responses'] or (
                '202' in operation['responses']), path


# --- fuzz ----------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12)
FIELDS = st.sampled_from(['code', 'procedure', 'agency', 'counter',
        'channel', 'return_method', 'received', 'appointment', 'ready',
        'returned', 'state', 'reason', 'returned_by', 'extra'])


@st.composite
def mutated_dossier(draw):
    "A valid dossier with some fields replaced by anything"
    body = {
        'procedure': 'API.X', 'agency': 'H15.03', 'channel': 'counter',
        'received': '2025-04-01T09:00:00+07:00'}
    for name, value in draw(st.dictionaries(FIELDS, JSON, min_size=1,
                max_size=4)).items():
        body[name] = value
    return body


ROUTES = st.sampled_from([
        ('PUT', '/dossiers/{code}'), ('POST', '/dossiers/bulk'),
        ('GET', '/dossiers/{code}'), ('GET', '/dossiers/{code}/qr.svg'),
        ('GET', '/dossiers/{code}/qr.png'),
        ('GET', '/dossiers/{code}/receipt.pdf'),
        ('GET', '/agencies/{code}/figures'),
        ('GET', '/webhooks/deliveries'),
        ('POST', '/webhooks/deliveries/{code}/replay')])


@settings(max_examples=120, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow])
# found by the fuzz: a NUL in the path made the call log fail (a 500)
@example(route=('PUT', '/dossiers/{code}'), code='%00', body=None, query={})
@given(route=ROUTES,
    code=st.text(min_size=1, max_size=70).map(
        lambda s: urllib.parse.quote(s, safe='')),
    body=st.one_of(mutated_dossier(), JSON,
        st.builds(lambda d: {'dossiers': d}, st.lists(mutated_dossier(),
                max_size=3))),
    query=st.dictionaries(
        st.sampled_from(['from', 'to', 'format', 'state', 'lang']),
        st.text(max_size=12), max_size=3))
def test_fuzz_no_5xx_nothing_stored(fuzz_world, route, code, body, query):
    w, api = fuzz_world
    method, path = route
    before = counts(w)
    target = path.replace('{code}', code)
    if query:
        target += '?' + urllib.parse.urlencode(query)
    reply = api.request(method, target,
        body if method != 'GET' else None)
    assert reply.status < 500, (method, target, body, reply.raw[:500])
    if reply.status >= 400:
        assert counts(w) == before, (method, target, body)
        if reply.status != 405 and reply.json is not None:
            assert set(reply.json) == {'code', 'message', 'field'}


@pytest.fixture(scope='module')
def fuzz_world(world):
    _, key = new_platform(
        world.admin, world.direct, 'Fuzz', [world.ids['a1']])
    return world, Api(world.server, key)


# --- the reference client (one_stop_tools/api_client.py) ------------------

def test_reference_client_replays_a_csv(world, tmp_path, capsys):
    """Five rows (two eligible) in batches of 2; replayed twice: the same
    dossiers and invitations"""
    from one_stop_tools import api_client
    w = world
    rows = [
        ('counter', 'Q1', 'returned', 'cb-1', "Lê Văn Tám"),
        ('online', '', 'returned', '', ''),
        ('counter', '', 'returned', '', ''),
        ('postal', '', 'ready', '', ''),
        ('counter', '', 'processing', '', ''),
        ]
    codes = [new_code('CSV') for _ in rows]
    path = tmp_path / 'dossiers.csv'
    lines = ['code,procedure,agency,counter,channel,received,ready,'
        'returned,state,clerk_id,clerk_name']
    for code, (channel, counter, state, clerk_id, clerk_name) in zip(
            codes, rows):
        ready = '2025-04-03T10:00:00+07:00' if state in {
            'ready', 'returned'} else ''
        returned = '2025-04-04T08:30:00+07:00' if state == 'returned' else ''
        lines.append(','.join([code, w.slow, w.codes['a1'], counter, channel,
                    '2025-04-01T09:00:00+07:00', ready, returned, state,
                    clerk_id, clerk_name]))
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    arguments = [str(path), '--url', w.server.url, '--database',
        w.server.database, '--key', w.p_key, '--batch', '2', '--quiet']
    before = counts(w)
    assert api_client.main(arguments) == 0
    assert capsys.readouterr().out == "5 dossiers, 2 invited to the survey\n"
    after = counts(w)
    assert after['satisfaction.api.dossier'] - before[
        'satisfaction.api.dossier'] == 5
    assert after['satisfaction.invitation'] - before[
        'satisfaction.invitation'] == 2
    assert api_client.main(arguments) == 0
    assert counts(w) == after
    states = [w.p.get(f'/dossiers/{c}').json['state'] for c in codes]
    assert states == ['returned', 'returned', 'returned', 'ready',
        'processing']
    # a refused row stops the replay, nothing of its batch stored
    path.write_text(lines[0] + '\n' + lines[1].replace(
            w.codes['a1'], w.codes['b']) + '\n', encoding='utf-8')
    assert api_client.main(arguments) == 1
    assert 'agency_out_of_scope' in capsys.readouterr().err
    assert counts(w) == after
