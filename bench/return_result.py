#!/usr/bin/env python3
# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Benchmark of the clerk's "return result" button with the receipt PDF.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python bench/return_result.py --dossiers 40

On PostgreSQL (URI from ``TRYTOND_DATABASE__URI``, default
``postgresql://tryton:tryton@localhost:5432/``), in this process:

1. creates ``bench_return_<pid>`` (or ``--database``), activates
   public_satisfaction with Vietnamese (trytond-admin), and with the ORM: a
   province and a commune agency, counter Q01 (A5 receipts), a procedure, a
   clerk of the agency and ``--dossiers`` (+ the warm-up's) dossiers of
   applicants with Vietnamese names, received, processed and ready;
2. for each dossier, as the clerk with access checks (as over RPC), times
   (a) what the clerk's click costs the server until the receipt is in the
   browser: ``Dossier.return_result([dossier])`` in one read-write
   transaction with the context of an HTTP request, as trytond's dispatcher
   gives it (the result returned, the survey invitation issued, the A5
   receipt made — HTML with the QR code of the survey URL, the invitation
   stamped as printed, the PDF by WeasyPrint — and kept for the browser,
   the ``ir.action.url`` of its page returned), committed; then the GET of
   that page through trytond's WSGI application (the kept page read and
   forgotten, no second report); then (b), the baseline, WeasyPrint alone
   converting the very HTML that (a) rendered, as the report converts it
   (``data:`` URLs only); (a) and (b) alternate, after ``--warmup`` dossiers
   not counted;
3. prints the median and p90 of (a), of its two parts and of (b), the
   ratio (a)/(b), the aims (within 1.3x of (b), under 150 ms), checks that
   every dossier has one open invitation stamped as printed and that every
   page holds a PDF, prints the peak RSS of this process, and drops the
   database unless ``--keep``.

Before the change (commit 4bda2a1) the button answered the receipt's action
and the client asked for the report in a second transaction
(``Report.execute``), which rendered it then: 147 ms against 90 ms for
WeasyPrint alone, a ratio of 1.64.
"""
import argparse
import base64
import datetime as dt
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import log  # noqa: E402

AIM_RATIO = 1.3
AIM_MS = 150
BASE_URL = 'https://hailong.hungyen.gov.vn'
SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ',
    'Võ', 'Đặng', 'Bùi', 'Đỗ']
MIDDLE = ['Thị', 'Văn', 'Hữu', 'Ngọc', 'Minh', 'Thanh', 'Đức']
GIVEN = ['Hồng Nhung', 'Anh', 'Dũng', 'Hương', 'Quốc Bảo', 'Thảo', 'Tuấn',
    'Hạnh', 'Phúc', 'Lộc', 'Yến', 'Khánh']


def setup_world(database, count, seed):
    "Create the reference data and count ready dossiers; return the ids"
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        with Transaction().start(database, 0, **extras) as transaction:
            try:
                result = _setup_world(count, seed)
            except TransactionError as error:
                # the configuration singleton is created under a table lock
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            return result


def _setup_world(count, seed):
    from trytond.pool import Pool
    rng = random.Random(seed)
    pool = Pool()
    Agency = pool.get('one_stop.agency')
    Counter = pool.get('one_stop.counter')
    Procedure = pool.get('one_stop.procedure')
    Party = pool.get('party.party')
    Dossier = pool.get('one_stop.dossier')
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    Configuration = pool.get('satisfaction.configuration')
    Configuration.write([Configuration(1)], {
            'survey_base_url': BASE_URL})
    province, = Agency.create([{
                'name': "Ủy ban nhân dân tỉnh Hưng Yên",
                'code': '000.00.00.H33',
                'kind': 'province_committee'}])
    agency, = Agency.create([{
                'name': "Ủy ban nhân dân xã Hòa Bình",
                'code': 'H15.22',
                'kind': 'commune_committee',
                'parent': province.id}])
    counter, = Counter.create([{
                'agency': agency.id, 'code': 'Q01',
                'name': "Quầy số 1"}])
    procedure, = Procedure.create([{
                'code': '1.001612', 'name': "Đăng ký khai sinh",
                'level': 'commune', 'processing_days': 3}])
    clerk_group = ModelData.get_id('one_stop', 'group_one_stop_clerk')
    clerk, = User.create([{
                'name': "Phạm Thu Hà", 'login': 'clerk_bench',
                'groups': [('add', [clerk_group])],
                'one_stop_agency': agency.id}])
    parties = Party.create([{
                'name': ' '.join([rng.choice(SURNAMES),
                        rng.choice(MIDDLE), rng.choice(GIVEN)])}
            for _ in range(count)])
    dossiers = Dossier.create([{
                'applicant': party.id,
                'procedure': procedure.id,
                'agency': agency.id,
                'counter': counter.id,
                'received_date': dt.datetime(2025, 10, 9, 2, 15)
                + dt.timedelta(minutes=7 * n),
                } for n, party in enumerate(parties)])
    Dossier.process(dossiers)
    Dossier.mark_ready(dossiers)
    return clerk.id, [d.id for d in dossiers]


class Recorder:
    "Keeps the HTML that the receipt report gives to WeasyPrint"

    def __init__(self):
        self.html = None

    def install(self, pool):
        Report = pool.get('one_stop.dossier.result_receipt', type='report')
        convert = Report.convert.__func__
        recorder = self

        def recording(cls, report, data, *args, **kwargs):
            recorder.html = data
            return convert(cls, report, data, *args, **kwargs)
        Report.convert = classmethod(recording)


REQUEST = {
    'remote_addr': '127.0.0.1', 'http_host': 'localhost:8000',
    'scheme': 'http', 'is_secure': False, 'root_path': ''}


def time_button(database, clerk, context, dossier_id, client):
    """(a): return_result, which makes the receipt, then the GET of the
    page that prints it, as the clerk's browser does; return (button
    seconds, page seconds, pdf bytes)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    # as sao calls it: over HTTP, with the id of its bus in the context
    context = {**context, '_request': REQUEST, 'client': 'bench'}
    begin = time.perf_counter()
    with Transaction().start(database, clerk, context=context) as t:
        with check_access():
            Dossier = Pool().get('one_stop.dossier')
            action = Dossier.return_result([Dossier(dossier_id)])
        t.commit()
    middle = time.perf_counter()
    assert action['type'] == 'ir.action.url', action
    path = urllib.parse.urlsplit(action['url']).path
    response = client.get(path)
    page = response.get_data()
    end = time.perf_counter()
    assert response.status_code == 200, (response.status_code, page[:200])
    return middle - begin, end - middle, page_pdf(page)


def page_pdf(page):
    "The PDF that the page of a printout holds"
    data = re.search(rb'atob\("([A-Za-z0-9+/=]+)"\)', page)
    return base64.b64decode(data.group(1))


def time_weasyprint(html):
    "(b): WeasyPrint alone, as SelfContainedHTMLReport.convert calls it"
    import weasyprint
    begin = time.perf_counter()
    pdf = weasyprint.HTML(
        string=html,
        url_fetcher=weasyprint.URLFetcher(
            allowed_protocols={'data'})).write_pdf()
    return time.perf_counter() - begin, pdf


def check(database, dossier_ids):
    "Every dossier returned with one open invitation, printed"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True):
        Invitation = Pool().get('satisfaction.invitation')
        invitations = Invitation.search([('dossier', 'in', dossier_ids)])
        by_dossier = {}
        for invitation in invitations:
            by_dossier.setdefault(invitation.dossier.id, []).append(
                invitation)
        for dossier_id in dossier_ids:
            found = by_dossier.get(dossier_id, [])
            assert len(found) == 1, (dossier_id, found)
            assert found[0].state == 'open', found[0].state
            assert found[0].printed_date, dossier_id
    return len(invitations)


def stats(values):
    ms = [v * 1000 for v in values]
    return benchlib.median(ms), benchlib.percentile(ms, 0.9), min(ms)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--dossiers', type=int, default=40,
        help="dossiers timed (default: %(default)s)")
    parser.add_argument('--warmup', type=int, default=3,
        help="dossiers returned first, not counted (default: %(default)s)")
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--addons', metavar='DIR',
        help="load the trytond modules of DIR first, e.g. the code before "
        "a change (see bench/survey_load.py --addons)")
    parser.add_argument('--database')
    parser.add_argument('--keep', action='store_true')
    parser.add_argument('--save-html', metavar='FILE',
        help="write the HTML of the last receipt to FILE")
    parser.add_argument('--profile', metavar='FILE',
        help="cProfile (a) of the timed dossiers into FILE (pstats); the "
        "timings then include the profiler's overhead")
    options = parser.parse_args()
    if not benchlib.URI.startswith('postgresql'):
        raise SystemExit("PostgreSQL only: set TRYTOND_DATABASE__URI")
    database = options.database or f'bench_return_{os.getpid()}'
    directory = tempfile.mkdtemp(prefix='bench_return_')
    config_path = benchlib.write_config(
        os.path.join(directory, 'trytond.conf'))
    for name in list(os.environ):
        if name.startswith('TRYTOND_'):
            del os.environ[name]
    os.environ['TRYTOND_CONFIG'] = config_path

    # what it needs, installed when missing (and said so)
    benchlib.ensure_postgresql()
    weasyprint_version = benchlib.ensure_weasyprint()
    log(benchlib.machine())
    log(f"needs: PostgreSQL (running), WeasyPrint {weasyprint_version} "
        "with Pango (Debian, bin/lib.sh ensure_runtime_packages)")
    log(f"database {database}")
    begin = time.perf_counter()
    if options.addons:
        log(f"modules of {os.path.abspath(options.addons)} loaded first")
        benchlib.use_addons(options.addons)
    benchlib.create_database(database, config_path, addons=options.addons)
    log(f"created and activated public_satisfaction (+ vi) in "
        f"{time.perf_counter() - begin:.1f} s")
    try:
        import weasyprint

        from trytond.pool import Pool
        from trytond.transaction import Transaction
        begin = time.perf_counter()
        Pool(database).init()
        log(f"trytond pool loaded in {time.perf_counter() - begin:.1f} s; "
            f"WeasyPrint {weasyprint.__version__}")
        total = options.warmup + options.dossiers
        begin = time.perf_counter()
        clerk, dossier_ids = setup_world(database, total, options.seed)
        log(f"{total} dossiers ready to return, created in "
            f"{time.perf_counter() - begin:.1f} s")
        with Transaction().start(database, clerk, readonly=True):
            User = Pool().get('res.user')
            context = User.get_preferences(context_only=True)
        recorder = Recorder()
        recorder.install(Pool(database))
        from werkzeug.test import Client

        from trytond.wsgi import app
        client = Client(app)

        button, report, whole, baseline = [], [], [], []
        sizes = []
        profiler = None
        if options.profile:
            import cProfile
            profiler = cProfile.Profile()
        for n, dossier_id in enumerate(dossier_ids):
            recorder.html = None
            if profiler and n >= options.warmup:
                profiler.enable()
            a1, a2, pdf = time_button(
                database, clerk, context, dossier_id, client)
            if profiler:
                profiler.disable()
            assert pdf.startswith(b'%PDF-') and recorder.html, dossier_id
            b, base_pdf = time_weasyprint(recorder.html)
            assert base_pdf.startswith(b'%PDF-')
            if n < options.warmup:
                continue
            button.append(a1)
            report.append(a2)
            whole.append(a1 + a2)
            baseline.append(b)
            sizes.append((len(recorder.html), len(pdf), len(base_pdf)))
        if profiler:
            profiler.dump_stats(options.profile)
            log(f"profile of (a) written to {options.profile}")
        if options.save_html:
            with open(options.save_html, 'w') as fp:
                fp.write(recorder.html)
        invitations = check(database, dossier_ids)

        log(f"== {options.dossiers} dossiers (after {options.warmup} "
            "warm-up), (a) and (b) alternating, ms")
        rows = [
            ('(a) button + page', whole),
            ('    return_result+PDF', button),
            ('    GET of the page', report),
            ('(b) WeasyPrint alone', baseline),
            ]
        for label, values in rows:
            med, p90, low = stats(values)
            log(f"  {label:<24} median {med:7.1f}  p90 {p90:7.1f}  "
                f"min {low:7.1f}")
        med_a, p90_a, _ = stats(whole)
        med_b, p90_b, _ = stats(baseline)
        ratios = sorted(a / b for a, b in zip(whole, baseline))
        log(f"  ratio (a)/(b): of the medians {med_a / med_b:.2f}, of the "
            f"p90 {p90_a / p90_b:.2f}, median per dossier "
            f"{benchlib.median(ratios):.2f}")
        log(f"  what is not WeasyPrint: {med_a - med_b:.1f} ms (median)")
        html, pdf, base_pdf = sizes[-1]
        log(f"  HTML {html:,} bytes, PDF {pdf:,} bytes (baseline "
            f"{base_pdf:,})")
        log("aims:")
        log(f"  (a) within {AIM_RATIO}x of (b): {med_a / med_b:.2f} -> "
            f"{'met' if med_a / med_b <= AIM_RATIO else 'MISSED'}")
        log(f"  (a) under {AIM_MS} ms: median {med_a:.1f}, p90 "
            f"{p90_a:.1f} -> "
            f"{'met' if med_a < AIM_MS else 'MISSED'} (median), "
            f"{'met' if p90_a < AIM_MS else 'MISSED'} (p90)")
        log(f"check: {invitations} invitations, one open and printed per "
            "dossier")
    finally:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        log(f"peak RSS of this process: {peak / 1024:.0f} MiB")
        if options.keep:
            log(f"kept database {database} (configuration {config_path})")
        else:
            try:
                from trytond.pool import Pool
                Pool.stop(database)
            except Exception:  # noqa: BLE001 - the pool may not be loaded
                pass
            benchlib.drop_database(database)
            shutil.rmtree(directory, ignore_errors=True)
            log(f"dropped database {database}")


if __name__ == '__main__':
    main()
