#!/usr/bin/env python3
# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Benchmark of the bulk upsert of the integration API (satisfaction_api).

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python bench/api_upsert.py --dossiers 5000

On PostgreSQL (URI from ``TRYTOND_DATABASE__URI``, default
``postgresql://tryton:tryton@localhost:5432/``), in this process:

1. creates ``bench_api_<pid>`` (or ``--database``) and activates
   satisfaction_api (trytond-admin); with the ORM: an agency with a
   counter, a procedure of 3 working days and one of immediate result, a
   platform whose scope is the agency, and its key;
2. (a) sends ``--dossiers`` dossiers, in calls of ``--batch`` (at most
   1,000), to ``POST /<db>/api/v1/dossiers/bulk`` through trytond's WSGI
   application (werkzeug's test client: the whole route — key, limits,
   parsing, the mirror through the host's buttons, the invitations of the
   eligible ones, the answer, the audit — but no socket): a quarter each
   received at the counter, online, by post and of immediate result, all
   returned; then the same calls again (idempotent: nothing written);
3. (b), the floor: the same dossiers as rows of ``one_stop_dossier``
   inserted by one ``executemany`` of raw SQL in one transaction (no
   code, history, mirror nor invitation);
4. prints dossiers/s of (a), of its replay and of (b) and the ratio
   (b)/(a), checks the counts (dossiers, mirrors, invitations: a quarter),
   and drops the database unless ``--keep``.
"""
import argparse
import datetime as dt
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import log  # noqa: E402


def bodies(count, codes, prefix):
    "The API bodies of count returned dossiers, a quarter of each kind"
    received = dt.datetime(2025, 4, 1, 9)
    result = []
    for i in range(count):
        kind = i % 4
        day = received + dt.timedelta(minutes=i % 480)
        body = {
            'code': f'{prefix}-{i:07d}',
            'procedure': codes['now'] if kind == 3 else codes['slow'],
            'agency': codes['agency'],
            'channel': {1: 'online', 2: 'postal'}.get(kind, 'counter'),
            'received': day.isoformat() + '+07:00',
            'ready': (day + dt.timedelta(days=2)).isoformat() + '+07:00',
            'returned': (day + dt.timedelta(days=3)).isoformat() + '+07:00',
            }
        if kind == 0:
            body['counter'] = 'Q1'
        result.append(body)
    return result


def setup(pool):
    Agency = pool.get('one_stop.agency')
    Procedure = pool.get('one_stop.procedure')
    Counter = pool.get('one_stop.counter')
    Platform = pool.get('satisfaction.api.platform')
    agency, = Agency.create([{
                'name': "Trung tâm Phục vụ hành chính công", 'code': 'H15.99',
                'kind': 'service_centre'}])
    Counter.create([{'agency': agency.id, 'code': 'Q1', 'name': "Quầy 1"}])
    Procedure.create([
            {'name': "Cấp phiếu lý lịch tư pháp", 'code': 'B.001',
                'level': 'province', 'processing_days': 3},
            {'name': "Chứng thực bản sao", 'code': 'B.002',
                'level': 'province', 'processing_days': 0,
                'immediate_result': True}])
    platform, = Platform.create([{'name': "Bench", 'code': 'bench',
                'agencies': [('add', [agency.id])]}])
    key = Platform.issue_key(platform)
    return key, {'agency': 'H15.99', 'slow': 'B.001', 'now': 'B.002'}


def counts(pool):
    return {name: pool.get(name).search([], count=True) for name in [
            'one_stop.dossier', 'satisfaction.api.dossier',
            'satisfaction.invitation']}


def raw_insert(pool, rows):
    "Insert rows as one_stop_dossier rows in one executemany; seconds"
    from trytond.transaction import Transaction
    Dossier = pool.get('one_stop.dossier')
    Agency = pool.get('one_stop.agency')
    Procedure = pool.get('one_stop.procedure')
    Counter = pool.get('one_stop.counter')
    agency, = Agency.search([('code', '=', 'H15.99')])
    procedures = {p.code: p.id for p in Procedure.search([])}
    counter, = Counter.search([('agency', '=', agency.id)])
    applicant = pool.get('satisfaction.api.platform').search([])[0].applicant
    values = []
    for i, row in enumerate(rows):
        values.append((
                f'RAW-{i:07d}', applicant.id, procedures[row['procedure']],
                agency.id, counter.id if row.get('counter') else None,
                row['channel'],
                'postal' if row['channel'] == 'postal' else 'counter',
                dt.datetime.fromisoformat(row['received']).replace(
                    tzinfo=None) - dt.timedelta(hours=7),
                dt.datetime.fromisoformat(row['ready']).replace(
                    tzinfo=None) - dt.timedelta(hours=7),
                dt.datetime.fromisoformat(row['returned']).replace(
                    tzinfo=None) - dt.timedelta(hours=7),
                'returned', 0, dt.datetime.now()))
    table = Dossier._table
    start = time.perf_counter()
    cursor = Transaction().connection.cursor()
    cursor.executemany(
        f'INSERT INTO "{table}" (code, applicant, procedure, agency, '
        'counter, channel, return_method, received_date, ready_date, '
        'returned_date, state, create_uid, create_date) '
        'VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)',
        values)
    Transaction().commit()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--dossiers', type=int, default=5000)
    parser.add_argument('--batch', type=int, default=1000)
    parser.add_argument('--database')
    parser.add_argument('--keep', action='store_true')
    args = parser.parse_args()
    assert 1 <= args.batch <= 1000
    benchlib.ensure_postgresql()
    database = args.database or f'bench_api_{os.getpid()}'
    import tempfile
    directory = tempfile.mkdtemp(prefix='bench_api_')
    config_path = benchlib.write_config(
        os.path.join(directory, 'trytond.conf'),
        {'public_satisfaction': {'api_requests': 100000}})
    log(f"creating {database} (satisfaction_api) ...")
    benchlib.create_database(database, config_path, ('satisfaction_api',))
    try:
        from trytond import config
        config.update_etc(config_path)
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        from trytond.wsgi import app
        from werkzeug.test import Client

        def run(func, *args):
            with Transaction().start(database, 0) as transaction:
                result = func(Pool(database), *args)
                transaction.commit()
                return result
        with Transaction().start(database, 0, readonly=True):
            Pool(database).init()
        key, codes = run(setup)
        rows = bodies(args.dossiers, codes, 'API')
        client = Client(app)
        url = f'/{database}/api/v1/dossiers/bulk'
        headers = {'Authorization': f'Bearer {key}'}

        def send():
            start = time.perf_counter()
            for i in range(0, len(rows), args.batch):
                reply = client.post(url, headers=headers,
                    json={'dossiers': rows[i:i + args.batch]})
                assert reply.status_code == 200, reply.get_data()[:500]
            return time.perf_counter() - start
        log(f"(a) bulk upsert of {len(rows)} dossiers by {args.batch} ...")
        upsert = send()
        after = run(counts)
        log("(a') the same calls again ...")
        replay = send()
        assert run(counts) == after, "the replay wrote something"
        log("(b) raw SQL insert of the same rows ...")
        raw = run(raw_insert, rows)
        n = len(rows)
        log()
        log(f"dossiers: {n}, invitations: "
            f"{after['satisfaction.invitation']} (expected {(n + 3) // 4})")
        assert after['satisfaction.api.dossier'] == n
        assert after['satisfaction.invitation'] == (n + 3) // 4
        log(f"(a)  bulk upsert over the API: {n / upsert:8.0f} dossiers/s "
            f"({upsert:.1f} s)")
        log(f"(a') replay, nothing written:  {n / replay:8.0f} dossiers/s "
            f"({replay:.1f} s)")
        log(f"(b)  raw SQL insert:           {n / raw:8.0f} dossiers/s "
            f"({raw:.2f} s)")
        log(f"(b)/(a): {upsert / raw:.0f}x")
        log(json.dumps({'machine': benchlib.machine()}, default=str))
    finally:
        if not args.keep:
            benchlib.drop_database(database)


if __name__ == '__main__':
    main()
