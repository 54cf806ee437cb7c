# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Concurrent receptions at the counters of one agency (PostgreSQL only).

The trytond server answers each HTTP request in its own thread
(werkzeug run_simple(threaded=True)), each in its own database
transaction, so parallel JSON-RPC calls are parallel transactions.
"""
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from conftest import backend_name, database_uri
from test_rpc_access import group_id, unique_agency_code

pytestmark = pytest.mark.skipif(
    backend_name() != 'postgresql',
    reason="concurrent transactions need PostgreSQL: SQLite has a single "
    "writer (set TRYTOND_DATABASE__URI=postgresql://...)")

WORKERS = 20
HANOI = ZoneInfo('Asia/Ho_Chi_Minh')


def daily_last(server, agency_id, day):
    "The last number of the agency's day, read in the database itself"
    import psycopg
    with psycopg.connect(
            database_uri().rstrip('/') + '/' + server.database) as conn:
        rows = conn.execute(
            'SELECT last FROM one_stop_dossier_daily_number '
            'WHERE agency = %s AND day = %s', (agency_id, day)).fetchall()
    return [r[0] for r in rows]


@pytest.fixture(scope='module')
def agency_setup(trytond_server):
    admin = trytond_server.client()
    agency_id, = admin.model('one_stop.agency').create([{
                'name': "Concurrent agency", 'code': unique_agency_code(),
                'kind': 'service_centre'}])
    code, = admin.model('one_stop.agency').read([agency_id], ['code'])
    procedure_id, = admin.model('one_stop.procedure').create([{
                'code': 'CONC.' + unique_agency_code(),
                'name': "Birth registration", 'level': 'commune',
                'processing_days': 1}])
    party_id, = admin.model('party.party').create([{'name': "Trần Thị Bình"}])
    clerk_group = group_id(admin, "One-stop Clerk")
    login = 'conc_' + unique_agency_code().replace('.', '').lower()
    password = login + '-Secret-2025'
    admin.model('res.user').create([{
                'name': "Concurrent clerk", 'login': login,
                'password': password, 'groups': [('add', [clerk_group])],
                'one_stop_agency': agency_id}])
    return admin, agency_id, code['code'], procedure_id, party_id, (
        login, password)


def test_parallel_receptions_same_agency_and_day(
        trytond_server, agency_setup):
    admin, agency_id, agency_code, procedure_id, party_id, (
        login, password) = agency_setup
    # the server sets the received time: the codes carry the local day of
    # the agencies (Hanoi, UTC+7), which is UTC's next day from 17:00 UTC
    today = dt.datetime.now(HANOI).date()
    received = dt.datetime.combine(today, dt.time(3, 0))
    # one session per counter, logged in before the rush
    clerks = [trytond_server.client(login, password) for _ in range(WORKERS)]
    barrier = threading.Barrier(WORKERS)

    def receive(clerk):
        barrier.wait(timeout=60)
        return clerk.model('one_stop.dossier').create([{
                    'applicant': party_id, 'procedure': procedure_id,
                    'agency': agency_id, 'channel': 'counter',
                    'received_date': received}])[0]

    with ThreadPoolExecutor(max_workers=WORKERS) as executor:
        futures = [executor.submit(receive, c) for c in clerks]
        ids = [f.result(timeout=300) for f in futures]  # all succeed

    assert len(set(ids)) == WORKERS
    rows = admin.model('one_stop.dossier').read(
        ids, ['code', 'agency', 'state', 'received_by'])
    codes = [r['code'] for r in rows]
    assert len(set(codes)) == WORKERS
    prefix = f'{agency_code}-{today:%y%m%d}-'
    assert all(c.startswith(prefix) for c in codes), codes
    numbers = sorted(int(c[len(prefix):]) for c in codes)
    assert numbers == list(range(1, WORKERS + 1))
    assert all(len(c[len(prefix):]) == 4 for c in codes)
    assert {r['state'] for r in rows} == {'received'}
    assert {r['received_by'] for r in rows} == {clerks[0].user_id}
    assert daily_last(trytond_server, agency_id, today) == [WORKERS]
    # one 'received' event per dossier, none lost, none doubled
    events = admin.model('one_stop.dossier.event').search_read(
        [('dossier', 'in', ids)], 0, None, None, ['dossier', 'to_state'])
    assert sorted(e['dossier'] for e in events) == sorted(ids)
    assert {e['to_state'] for e in events} == {'received'}

    # the next one, alone, follows without a gap
    next_id, = clerks[0].model('one_stop.dossier').create([{
                'applicant': party_id, 'procedure': procedure_id,
                'agency': agency_id, 'channel': 'counter',
                'received_date': received}])
    row, = admin.model('one_stop.dossier').read([next_id], ['code'])
    assert row['code'] == f'{prefix}{WORKERS + 1:04d}'
    assert daily_last(trytond_server, agency_id, today) == [WORKERS + 1]
