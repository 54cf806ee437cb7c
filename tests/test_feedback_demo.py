# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""End-to-end test of the demo data of the feedback register.

A fresh database with one_stop_feedback (and one_stop) is filled with
``one-stop-demo --dossiers 1200 --seed 5 --start 2024-01-01 --end
2025-12-31`` (one_stop_tools.demo_feedback) and checked with plain SQL:
the cases are those of the module's rules (codes, deadlines in working
days, timeliness, transfers within 5 working days or late, personal data
erased when the case ended) and the demo shows what the guide describes
(every channel, transfers on time and late, late answers, ratings, both
years).  Then feedback_figures, run by trytond, is compared with the
figures counted here from the rows of the database.

Backends as tests/test_demo.py: SQLite always; PostgreSQL too when
TRYTOND_DATABASE__URI is a postgresql:// URI.
"""
import datetime as dt
import json
import re
import subprocess
import sys
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from test_demo import demo_database, fetch, run_demo

TZ = ZoneInfo('Asia/Ho_Chi_Minh')
CODE = re.compile(r'^PAKN-(\d{4})-\d{5}$')
CHANNELS = {'counter', 'hotline', 'portal', 'letter', 'survey'}
ENDED = {'closed', 'rejected', 'withdrawn'}
OPEN = {'received', 'transferred', 'processing'}

FIGURES = '''
import dataclasses, datetime as dt, json, sys
from trytond import config
config.update_etc(sys.argv[1])
from trytond.pool import Pool
from trytond.transaction import Transaction
database = sys.argv[2]
pool = Pool(database)
with Transaction().start(database, 0, readonly=True):
    pool.init()
with Transaction().start(database, 0, readonly=True):
    Feedback = pool.get('one_stop.feedback')
    agencies = json.loads(sys.argv[3])
    now = dt.datetime(2026, 1, 15, 2)
    with Transaction().set_context(_feedback_now=now):
        figures = Feedback.feedback_figures(
            agencies, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    print(json.dumps({a: dataclasses.asdict(f) for a, f in figures.items()}))
'''


@pytest.fixture(params=['sqlite', 'postgresql'], scope='module')
def database(request, tmp_path_factory):
    yield from demo_database(
        request, tmp_path_factory, 'one_stop_feedback', 'feedback_')


def as_datetime(value):
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def as_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def local_day(value):
    if value is None:
        return None
    return as_datetime(value).replace(tzinfo=dt.UTC).astimezone(TZ).date()


def working_days(backend):
    "is_working(day) of the demo's calendar (Saturday and Sunday off)"
    rows = fetch(backend, 'SELECT date, kind FROM one_stop_holiday')
    off = {as_date(d) for d, k in rows if k == 'holiday'}
    worked = {as_date(d) for d, k in rows if k == 'working'}

    def is_working(day):
        return day in worked or (day.weekday() < 5 and day not in off)
    return is_working


def count_between(is_working, start, end):
    "Working days in ]start, end]"
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working(day)
    return count


@pytest.fixture(scope='module')
def demo(database):
    run_demo(database, '--dossiers', '1200', '--seed', '5',
        '--start', '2024-01-01', '--end', '2025-12-31')
    rows = fetch(database,
        'SELECT f.id, f.code, f.channel, f.state, f.agency, '
        'f.received_agency, f.received_date, f.assigned_date, '
        'f.deadline_date, f.answered_date, f.timeliness, f.rating, '
        'f.contact_phone, f.dossier, k.handling_days, f.transfer_late '
        'FROM one_stop_feedback AS f '
        'JOIN one_stop_feedback_kind AS k ON k.id = f.kind')
    names = ['id', 'code', 'channel', 'state', 'agency', 'received_agency',
        'received', 'assigned', 'deadline', 'answered', 'timeliness',
        'rating', 'phone', 'dossier', 'days', 'transfer_late']
    cases = [dict(zip(names, row)) for row in rows]
    transfers = fetch(database,
        "SELECT e.feedback, e.date, e.from_agency, e.to_agency, e.late "
        "FROM one_stop_feedback_event AS e "
        "WHERE e.to_state = 'transferred' ORDER BY e.feedback, e.date, e.id")
    return database, cases, transfers


def test_what_the_demo_shows(demo):
    _, cases, transfers = demo
    assert 40 <= len(cases) <= 600
    assert {c['channel'] for c in cases} == CHANNELS
    states = Counter(c['state'] for c in cases)
    assert states['closed'] > len(cases) / 3
    assert states['rejected'] + states['withdrawn'] >= 1
    assert sum(states[s] for s in OPEN) >= 1
    late = [t for t in transfers if t[4]]
    assert len(late) >= 1 and len(transfers) - len(late) >= 1
    assert Counter(c['timeliness'] for c in cases)['late'] >= 1
    ratings = Counter(c['rating'] for c in cases if c['rating'])
    assert sum(ratings.values()) >= 5
    assert ratings['1'] + ratings['2'] >= 1
    years = {local_day(c['received']).year for c in cases}
    assert years == {2024, 2025}
    assert sum(1 for c in cases if c['dossier']) > len(cases) / 3


def test_the_cases_follow_the_rules(demo):
    backend, cases, transfers = demo
    is_working = working_days(backend)
    codes = [c['code'] for c in cases]
    assert len(set(codes)) == len(codes)
    for case in cases:
        year = int(CODE.match(case['code']).group(1))
        assert year == local_day(case['received']).year, case
        # the deadline: handling days after the day the agency got it
        assigned = local_day(case['assigned'])
        deadline = as_date(case['deadline'])
        assert deadline > assigned
        assert count_between(is_working, assigned, deadline) == case['days']
        assert is_working(deadline)
        if case['state'] in {'answered', 'closed'}:
            expected = ('on_time' if local_day(case['answered']) <= deadline
                else 'late')
            assert case['timeliness'] == expected, case
        else:
            assert case['timeliness'] is None and case['answered'] is None
        if case['state'] in ENDED:
            assert case['phone'] is None, case
    by_case = {}
    for feedback, date, from_agency, to_agency, late in transfers:
        by_case.setdefault(feedback, []).append(
            (local_day(date), from_agency, to_agency, bool(late)))
    got = {c['id']: local_day(c['received']) for c in cases}
    for case in cases:
        moves = by_case.get(case['id'], [])
        assert bool(case['transfer_late']) == any(m[3] for m in moves)
        previous, holder = got[case['id']], case['received_agency']
        for day, from_agency, to_agency, late in moves:
            assert from_agency == holder and to_agency != holder
            assert late == (count_between(is_working, previous, day) > 5)
            previous, holder = day, to_agency
        assert holder == case['agency']


def test_figures_of_the_database_match_the_rows(demo):
    """feedback_figures of 2025 (on 15/01/2026) against the figures counted
    here from the rows"""
    backend, cases, transfers = demo
    agencies = sorted({c['agency'] for c in cases}
        | {c['received_agency'] for c in cases})
    result = subprocess.run(
        [sys.executable, '-c', FIGURES, str(backend.config), backend.name,
            json.dumps(agencies)],
        env=backend.env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = {int(k): v for k, v in json.loads(
            result.stdout.strip().splitlines()[-1]).items()}
    start, end, today = dt.date(2025, 1, 1), dt.date(2025, 12, 31), \
        dt.date(2026, 1, 15)
    total_competent = 0
    for agency in agencies:
        base = [c for c in cases if c['agency'] == agency
            and c['state'] not in {'rejected', 'withdrawn'}
            and start <= as_date(c['deadline']) <= end]
        answered = [c for c in base if c['state'] in {'answered', 'closed'}]
        overdue = [c for c in base if c['state'] in OPEN
            and as_date(c['deadline']) < today]
        away = [t for t in transfers if t[2] == agency
            and start <= local_day(t[1]) <= end]
        expected = {
            'received': sum(1 for c in cases if c['received_agency'] == agency
                and start <= local_day(c['received']) <= end),
            'transferred_in': sum(1 for t in transfers if t[3] == agency
                and start <= local_day(t[1]) <= end),
            'transferred_away': len(away),
            'transferred_late': sum(1 for t in away if t[4]),
            'competent': len(base),
            'answered': len(answered),
            'answered_on_time': sum(
                1 for c in answered if c['timeliness'] == 'on_time'),
            'overdue_open': len(overdue),
            'pending': sum(1 for c in base if c['state'] in OPEN) - len(
                overdue),
            'rated': sum(1 for c in answered if c['rating']),
            'rated_dissatisfied': sum(
                1 for c in answered if c['rating'] in {'1', '2'}),
            'dissatisfied_or_late': sum(1 for c in base if c in overdue
                or (c in answered and (c['timeliness'] == 'late'
                        or c['rating'] in {'1', '2'}))),
            }
        assert figures[agency] == expected, agency
        total_competent += len(base)
    assert total_competent > 10
