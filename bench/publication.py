# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Requests per second of a page of the public results against the trivial
route of the same server.

    .venv/bin/python bench/publication.py                  # 20 agencies
    .venv/bin/python bench/publication.py --agencies 40 --answers 30

1. creates a PostgreSQL database with satisfaction_publication activated
   (trytond-admin, bench/benchlib.py);
2. builds a province in this process through the modules' own calls:
   ``--agencies`` agencies with ``--answers`` returned dossiers each, every
   one answered (ratings spread over the five levels), one quarter with a
   coverage, a satisfaction and a manual criterion, its scorecards
   computed, appraised and published; a second quarter the same, so that
   the agency page has a trend;
3. starts gunicorn (``--workers``, default 2) on ``bench/trivial_app.py``:
   trytond's application with its routes, the published results among
   them, plus ``GET /<db>/bench/ping``, the least a trytond route does
   (pool, transaction, response);
4. warms the caches of every worker, then loads with wrk (``-c``
   connections, ``--duration`` seconds each, keep-alive): the ping, the
   agency page ``/<db>/ket-qua/<period>/<agency>`` as it is sent to a
   client without gzip, the same with ``Accept-Encoding: gzip`` and the
   304 of a client that has it (``If-None-Match``);
5. prints requests/s, latencies and the ratio to the ping; stops gunicorn
   and drops the database (unless ``--keep``).

Needs PostgreSQL (see bench/README.md), gunicorn and wrk.
"""
import argparse
import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal

import benchlib
from benchlib import log

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = ('satisfaction_publication',)
QUARTERS = [
    ('BENCH-Q1-2025', dt.date(2025, 1, 1), dt.date(2025, 3, 31),
        dt.datetime(2025, 2, 12, 3)),
    ('BENCH-Q2-2025', dt.date(2025, 4, 1), dt.date(2025, 6, 30),
        dt.datetime(2025, 5, 14, 3)),
    ]
RATINGS = (5, 4, 5, 3, 4, 5, 2, 4, 5, 1)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run_in_transaction(database, func):
    "func(pool) in a transaction, started again with the tables it locks"
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        with Transaction().start(database, 0, **extras) as transaction:
            try:
                result = func(Pool(database))
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            return result


def build_province(database, config_path, agencies, answers):
    """The province of the benchmark; return (period code, agency code) of
    the page measured"""
    from trytond import config
    config.update_etc(config_path)
    from trytond.pool import Pool
    Pool(database).init()

    def build(pool):
        from trytond.modules.public_satisfaction.answers import validate
        Agency = pool.get('one_stop.agency')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        Dossier = pool.get('one_stop.dossier')
        Invitation = pool.get('satisfaction.invitation')
        Response = pool.get('satisfaction.response')
        Period = pool.get('reform.period')
        Criterion = pool.get('reform.criterion')
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        from trytond.transaction import Transaction
        cursor = Transaction().connection.cursor()
        records = Agency.create([{
                    'name': f"Sở số {n + 1}", 'kind': 'department',
                    'code': f'H99.{n + 10:02d}'} for n in range(agencies)])
        procedure, = Procedure.create([{
                    'code': 'BENCH.1', 'name': "Thủ tục",
                    'processing_days': 3}])
        party, = Party.create([{'name': "Nguyễn Văn An"}])
        for code, start, end, when in QUARTERS:
            dossiers = Dossier.create([{
                        'applicant': party.id, 'procedure': procedure.id,
                        'agency': agency.id, 'channel': 'counter'}
                    for agency in records for _ in range(answers)])
            Dossier.process(dossiers)
            Dossier.mark_ready(dossiers)
            Dossier.return_result(dossiers)
            invitations = Invitation.search(
                [('dossier', 'in', [d.id for d in dossiers])])
            specs = None
            for n, invitation in enumerate(invitations):
                specs = specs or Response.question_specs(
                    invitation.questionnaire)
                rating = RATINGS[(n + invitation.agency.id) % len(RATINGS)]
                form = {f'q_{e}': [str(rating)] for e in [
                        'overall', 'access', 'procedure', 'official',
                        'result']}
                Response.submit(invitation, validate(specs, form).answers)
            dossier, invitation = (
                Dossier.__table__(), Invitation.__table__())
            ids = [d.id for d in dossiers]
            cursor.execute(*dossier.update(
                    [dossier.returned_date], [when],
                    where=dossier.id.in_(ids)))
            cursor.execute(*invitation.update(
                    [invitation.returned_date], [when],
                    where=invitation.dossier.in_(ids)))
            # moved by raw SQL: the survey counts read the detail
            pool.get('satisfaction.count.dirty').mark_all()
            period, = Period.create([{
                        'name': f"Quý {code[7]}/2025", 'code': code,
                        'kind': 'quarter', 'start_date': start,
                        'end_date': end}])
            Period.load_default_thresholds([period])
            area, other = Criterion.create([
                    {'period': period.id, 'code': '1', 'name': "Khảo sát",
                        'max_points': Decimal(20)},
                    {'period': period.id, 'code': '2', 'name': "Khác",
                        'max_points': Decimal(80)}])
            Criterion.create([{
                        'period': period.id, 'parent': area.id,
                        'code': '1.1', 'name': "Tỷ lệ tham gia",
                        'max_points': Decimal(5), 'kind': 'survey_coverage',
                        }, {
                        'period': period.id, 'parent': area.id,
                        'code': '1.2', 'name': "Tỷ lệ hài lòng",
                        'max_points': Decimal(15),
                        'kind': 'survey_satisfaction',
                        }, {
                        'period': period.id, 'parent': other.id,
                        'code': '2.1', 'name': "Thủ tục hành chính",
                        'max_points': Decimal(80)}])
            Period.open([period])
            scorecards = Scorecard.create([
                    {'period': period.id, 'agency': a.id} for a in records])
            Scorecard.create_lines(scorecards)
            manual = [line for s in scorecards for line in s.lines
                if line.criterion.code == '2.1']
            for n, line in enumerate(manual):
                Line.write([line], {
                        'self_points': Decimal(50 + n % 30),
                        'appraised_points': Decimal(50 + n % 30)})
            Scorecard.compute(scorecards)
            Scorecard.appraise(scorecards)
            Period.publish([period])
        return QUARTERS[-1][0], records[0].code

    return run_in_transaction(database, build)


class Server:
    "gunicorn -w W trivial_app:app on 127.0.0.1"

    def __init__(self, database, config_path, workers, directory):
        self.database = database
        self.url = f'http://127.0.0.1:{free_port()}'
        self.log_path = os.path.join(directory, 'gunicorn.log')
        env = benchlib.clean_env()
        env.update(TRYTOND_CONFIG=config_path,
            TRYTOND_DATABASE_NAMES=database, PYTHONUNBUFFERED='1')
        command = [*benchlib.script('gunicorn'), '--workers', str(workers),
            '--bind', self.url.split('//')[1], '--timeout', '120',
            '--backlog', '2048', '--pythonpath', HERE, 'trivial_app:app']
        with open(self.log_path, 'w') as log_file:
            self.process = subprocess.Popen(command, env=env,
                stdin=subprocess.DEVNULL, stdout=log_file,
                stderr=subprocess.STDOUT, start_new_session=True)
        self.workers = workers

    def log(self):
        with open(self.log_path, errors='replace') as fp:
            return fp.read()

    def wait_ready(self, timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()[-5000:]}")
            booted = len(re.findall(r'Booting worker', self.log()))
            try:
                with urllib.request.urlopen(
                        f'{self.url}/{self.database}/bench/ping',
                        timeout=5) as response:
                    if response.status == 200 and booted >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn not ready:\n{self.log()[-5000:]}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wrk(url, duration, connections, headers=()):
    command = ['wrk', '-t1', f'-c{connections}', f'-d{duration}s',
        '--latency']
    for header in headers:
        command += ['-H', header]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True)
    out = result.stdout
    rate = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
    latency = {p: re.search(rf'\s{p}%\s+([\d.]+\w+)', out).group(1)
        for p in ('50', '90', '99')}
    errors = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    return rate, latency, int(errors.group(1)) if errors else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--agencies', type=int, default=20)
    parser.add_argument('--answers', type=int, default=20,
        help="answered dossiers per agency and quarter")
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('-c', '--connections', type=int, default=8)
    parser.add_argument('--duration', type=int, default=10)
    parser.add_argument('--keep', action='store_true')
    parser.add_argument('--database')
    options = parser.parse_args()

    benchlib.ensure_postgresql()
    database = options.database or f'bench_publication_{os.getpid()}'
    log(benchlib.machine())
    with tempfile.TemporaryDirectory() as directory:
        config_path = benchlib.write_config(
            os.path.join(directory, 'trytond.conf'))
        begin = time.perf_counter()
        benchlib.create_database(database, config_path, MODULES)
        log(f"database {database} activated in "
            f"{time.perf_counter() - begin:.0f} s")
        server = None
        try:
            begin = time.perf_counter()
            period, agency = build_province(
                database, config_path, options.agencies, options.answers)
            log(f"province of {options.agencies} agencies × "
                f"{options.answers} answers × {len(QUARTERS)} quarters "
                f"published in {time.perf_counter() - begin:.0f} s")
            server = Server(database, config_path, options.workers,
                directory)
            server.wait_ready()
            ping = f'{server.url}/{database}/bench/ping'
            page = f'{server.url}/{database}/ket-qua/{period}/{agency}'
            status, headers, body = fetch(page)
            assert status == 200, (status, body[:500])
            _, _, gzipped = fetch(page, {'Accept-Encoding': 'gzip'})
            etag = headers['ETag']
            log(f"agency page: {len(body)} bytes, {len(gzipped)} gzipped, "
                f"ETag {etag}")
            # every worker renders it once (its own cache)
            for _ in range(20 * options.workers):
                fetch(page)
                fetch(page, {'Accept-Encoding': 'gzip'})
            log(f"load: wrk, {options.connections} connections, "
                f"{options.duration} s each, {options.workers} gunicorn "
                "workers, loopback")
            results = {}
            for label, url, extra in [
                    ('ping (bench/trivial_app.py)', ping, ()),
                    ('agency page', page, ()),
                    ('agency page, gzip', page,
                        ('Accept-Encoding: gzip',)),
                    ('agency page, 304', page,
                        (f'If-None-Match: {etag}',)),
                    ]:
                results[label] = wrk(
                    url, options.duration, options.connections, extra)
            baseline = results['ping (bench/trivial_app.py)'][0]
            log(f"{'case':32} {'req/s':>8} {'ratio':>6} "
                f"{'p50':>8} {'p90':>8} {'p99':>8} non-2xx/3xx")
            for label, (rate, latency, errors) in results.items():
                log(f"{label:32} {rate:8.0f} {rate / baseline:6.0%} "
                    f"{latency['50']:>8} {latency['90']:>8} "
                    f"{latency['99']:>8} {errors}")
        finally:
            if server:
                server.stop()
            if not options.keep:
                benchlib.drop_database(database)


if __name__ == '__main__':
    sys.exit(main())
