"""End-to-end test of the reform evaluation demo data.

A fresh database is created with trytond-admin (module public_satisfaction
and its dependencies, reform_evaluation among them), filled with
``one-stop-demo --dossiers 2400 --seed 3 --start 2024-01-01 --end
2025-12-31``, whose generators of public_satisfaction end with
``one_stop_tools.demo_reform``, and checked with plain SQL:

- one yearly period per year up to the current one ("Chỉ số CCHC 2024",
  2025, 2026), linked to the previous one, with the same criteria tree
  (100 points, the four survey criteria) and the same thresholds;
- the first year published with its SHA-256, the past years appraised, the
  current year partly self-assessed;
- every scorecard has a line per leaf criterion, the survey lines are
  computed with their figures, some with too small a sample and others
  not, totals within 0-100;
- the district level (ended on 30/06/2025) is scored in 2024, not in 2026;
  its 2024 survey lines are exactly the figures of the answers attributed
  to it by the invitation's snapshot (counted here in SQL), and a second
  run (more dossiers in 2024) changes neither them nor the published hash
  (checked again by trytond), nor the number of periods.

2400 dossiers rather than the 600 of the satisfaction test: with a minimum
sample of 30 and ~45 agencies over two years, 600 dossiers leave every
agency below the minimum; 2400 give some agencies 30+ dossiers (Decision
766 ratio, coverage), while the answers stay below 30 everywhere.

Backends as tests/test_demo.py: SQLite always; PostgreSQL too when
TRYTOND_DATABASE__URI is a postgresql:// URI (skipped otherwise).
"""
import datetime as dt
import json
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from test_demo import demo_database, fetch, run_demo

PERIOD = ['--start', '2024-01-01', '--end', '2025-12-31']
TZ = ZoneInfo('Asia/Ho_Chi_Minh')
HEX64 = re.compile(r'^[0-9a-f]{64}$')
SURVEY = {
    # kind: (maximum, target, minimum sample); the 18 points of the Decision
    # 766 group split 6/6/6
    'survey_coverage': (Decimal(2), Decimal('0.5'), 30),
    'survey_satisfaction': (Decimal(2), Decimal('0.9'), 30),
    'survey_sipas': (Decimal(2), Decimal('0.9'), 30),
    'survey_766': (Decimal(6), Decimal('0.9'), 30),
    'feedback_on_time': (Decimal(6), Decimal('0.9'), 5),
    'feedback_satisfied': (Decimal(6), Decimal('0.9'), 5),
    }
DISTRICT_END = dt.date(2025, 6, 30)

# Run by trytond: the stored and the recomputed hash of each period
HASHES = '''
import json, sys
from trytond import config
config.update_etc(sys.argv[1])
from trytond.pool import Pool
from trytond.transaction import Transaction
database = sys.argv[2]
pool = Pool(database)
with Transaction().start(database, 0, readonly=True):
    pool.init()
with Transaction().start(database, 0, readonly=True):
    Period = pool.get('reform.period')
    print(json.dumps({p.code: [p.state, p.content_hash, p.compute_hash()]
        for p in Period.search([])}))
'''


@pytest.fixture(params=['sqlite', 'postgresql'], scope='module')
def database(request, tmp_path_factory):
    yield from demo_database(
        request, tmp_path_factory, 'public_satisfaction', 'reform_')


def hashes(backend):
    result = subprocess.run(
        [sys.executable, '-c', HASHES, str(backend.config), backend.name],
        env=backend.env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def as_date(value):
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def D(value):
    "Numeric column as Decimal (SQLite may give the text as bytes)"
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode()
    return Decimal(str(value))


def utc_bounds(start, end):
    "The naive UTC text bounds of the local days start to end"
    def utc(day):
        return (dt.datetime.combine(day, dt.time(), tzinfo=TZ)
            .astimezone(dt.UTC).strftime('%Y-%m-%d %H:%M:%S'))
    return utc(start), utc(end + dt.timedelta(days=1))


def periods(backend):
    rows = fetch(backend,
        'SELECT id, code, name, kind, state, start_date, end_date, '
        'previous, content_hash FROM reform_period ORDER BY start_date')
    names = ['id', 'code', 'name', 'kind', 'state', 'start', 'end',
        'previous', 'hash']
    result = []
    for row in rows:
        record = dict(zip(names, row))
        record['start'] = as_date(record['start'])
        record['end'] = as_date(record['end'])
        result.append(record)
    return result


def criteria(backend):
    "{period id: {code: criterion}}"
    rows = fetch(backend,
        'SELECT c.id, c.period, c.code, p.code, c.name, c.kind, '
        'c.max_points, c.survey_rule, c.survey_target, '
        'c.survey_min_sample FROM reform_criterion AS c '
        'LEFT JOIN reform_criterion AS p ON p.id = c.parent')
    result = defaultdict(dict)
    for (id_, period, code, parent, name, kind, maximum, rule, target,
            minimum) in rows:
        result[period][code] = {
            'id': id_, 'parent': parent, 'name': name, 'kind': kind,
            'max': D(maximum), 'rule': rule, 'target': D(target),
            'min_sample': minimum}
    for tree in result.values():
        parents = {c['parent'] for c in tree.values()}
        for code, criterion in tree.items():
            criterion['leaf'] = code not in parents
    return result


def scorecards(backend):
    "{scorecard id: scorecard with its lines by criterion code}"
    rows = fetch(backend,
        'SELECT s.id, s.period, s.state, a.code, a.kind, a.end_date, '
        's.self_assessed_date, s.appraised_date '
        'FROM reform_scorecard AS s '
        'JOIN one_stop_agency AS a ON a.id = s.agency')
    result = {}
    for id_, period, state, code, kind, end, assessed, appraised in rows:
        result[id_] = {
            'period': period, 'state': state, 'agency': code, 'kind': kind,
            'end': as_date(end) if end else None,
            'self_assessed_date': assessed, 'appraised_date': appraised,
            'lines': {}}
    rows = fetch(backend,
        'SELECT l.scorecard, c.code, l.self_points, l.appraised_points, '
        'l.computed, l.explanation, l.figure, l.sample_size, '
        'l.insufficient_sample FROM reform_scorecard_line AS l '
        'JOIN reform_criterion AS c ON c.id = l.criterion')
    for (scorecard, code, self_points, appraised, computed, explanation,
            figure, sample, insufficient) in rows:
        lines = result[scorecard]['lines']
        assert code not in lines
        lines[code] = {
            'self': D(self_points), 'appraised': D(appraised),
            'computed': bool(computed), 'explanation': explanation,
            'figure': D(figure), 'sample': sample,
            'insufficient': bool(insufficient)}
    return result


def thresholds(backend):
    result = defaultdict(set)
    for period, label, minimum in fetch(backend,
            'SELECT period, label, min_points FROM reform_classification'):
        result[period].add((label, D(minimum)))
    return result


def snapshot_figures(backend, agency_code, start, end):
    """The survey figures of the answers attributed to agency_code by the
    invitation's snapshot, results returned from start to end, counted
    here: {kind: (figure or None, sample)}"""
    low, high = utc_bounds(start, end)
    agency, = fetch(backend,
        f"SELECT id FROM one_stop_agency WHERE code = '{agency_code}'")[0]
    in_period = (f"i.agency = {agency} AND i.returned_date >= '{low}' "
        f"AND i.returned_date < '{high}' AND i.state != 'revoked'")
    invitations = fetch(backend,
        f'SELECT i.dossier, i.state FROM satisfaction_invitation AS i '
        f'WHERE {in_period}')
    eligible = len({r[0] for r in invitations})
    answered = sum(r[1] == 'answered' for r in invitations)
    overall = [value for value, na, excluded in fetch(backend,
            'SELECT a.value, a.not_applicable, r.excluded '
            'FROM satisfaction_response_answer AS a '
            'JOIN satisfaction_response AS r ON r.id = a.response '
            'JOIN satisfaction_invitation AS i ON i.id = r.invitation '
            'JOIN satisfaction_question AS q ON q.id = a.question '
            f"WHERE {in_period} AND q.element = 'overall' "
            "AND q.kind = 'rating'")
        if not na and not excluded and value is not None]
    unhappy = {r[0] for r in fetch(backend,
            'SELECT r.dossier, a.value, r.excluded '
            'FROM satisfaction_response_answer AS a '
            'JOIN satisfaction_response AS r ON r.id = a.response '
            'JOIN satisfaction_question AS q ON q.id = a.question '
            "WHERE q.element = 'overall' AND a.value < 3")
        if not r[2]}
    # the dossiers of an accepted feedback about their reception, handling
    # or lateness: linked, or through the answer a follow-up comes from
    complained = {r[0] for r in fetch(backend,
            'SELECT f.dossier FROM one_stop_feedback AS f '
            'JOIN one_stop_feedback_kind AS k ON k.id = f.kind '
            "WHERE k.code IN ('reception', 'handling', 'lateness') "
            "AND f.state NOT IN ('rejected', 'withdrawn') "
            'AND f.dossier IS NOT NULL')}
    followed = {}
    for response, dossier, excluded in fetch(backend,
            'SELECT id, dossier, excluded FROM satisfaction_response'):
        followed[f'satisfaction.response,{response}'] = (dossier, excluded)
    for origin, in fetch(backend,
            'SELECT f.origin FROM one_stop_feedback AS f '
            'JOIN one_stop_feedback_kind AS k ON k.id = f.kind '
            "WHERE f.channel = 'survey' "
            "AND k.code IN ('reception', 'handling', 'lateness') "
            "AND f.state NOT IN ('rejected', 'withdrawn') "
            "AND f.origin LIKE 'satisfaction.response,%'"):
        dossier, excluded = followed[origin]
        if not excluded:
            complained.add(dossier)
    dossiers = fetch(backend,
        'SELECT d.id, d.timeliness FROM one_stop_dossier AS d '
        f"WHERE d.agency = {agency} AND d.state = 'returned' "
        f"AND d.returned_date >= '{low}' AND d.returned_date < '{high}'")
    # Decision 766, ratio 3: lateness alone does not count, a feedback
    # about it does
    bad = sum(1 for id_, _ in dossiers
        if id_ in unhappy or id_ in complained)

    def ratio(part, whole):
        return part / whole if whole else None
    return {
        'survey_coverage': (ratio(answered, eligible), eligible),
        'survey_satisfaction': (
            ratio(sum(v >= 4 for v in overall), len(overall)),
            len(overall)),
        'survey_766': (ratio(len(dossiers) - bad, len(dossiers)),
            len(dossiers)),
        }


def check_criteria(tree):
    leaves = {c: x for c, x in tree.items() if x['leaf']}
    assert sum(x['max'] for x in leaves.values()) == 100
    roots = [x for x in tree.values() if x['parent'] is None]
    assert sum(x['max'] for x in roots) == 100
    for code, criterion in tree.items():
        children = [x for x in tree.values() if x['parent'] == code]
        if children:
            assert criterion['max'] >= sum(x['max'] for x in children)
    # the areas of the brief, manual ones and the computed survey area
    names = {x['name'] for x in roots}
    assert any('chỉ đạo, điều hành' in n for n in names), names
    assert "Cải cách thủ tục hành chính" in names
    assert "Mức độ hài lòng của người dân" in names
    survey = {x['kind']: x for x in leaves.values() if x['kind'] in SURVEY}
    assert set(survey) == set(SURVEY)
    for kind, (maximum, target, minimum) in SURVEY.items():
        criterion = survey[kind]
        assert (criterion['max'], criterion['target'],
            criterion['min_sample'], criterion['rule']) == (
            maximum, target, minimum, 'target'), kind
        assert tree[criterion['parent']]['name'] == (
            "Mức độ hài lòng của người dân")
    # the first area is entered by hand, with a three-level branch
    assert any(code.count('.') == 2 for code in tree)
    return set(leaves)


def totals(scorecard, leaves):
    return (
        sum((line['self'] or 0 for c, line in scorecard['lines'].items()
                if c in leaves), Decimal(0)),
        sum((line['appraised'] or 0
                for c, line in scorecard['lines'].items() if c in leaves),
            Decimal(0)))


def test_demo_reform(database):
    backend = database
    result = run_demo(backend, '--dossiers', '2400', '--seed', '3', *PERIOD)
    assert 'reform evaluation:' in result.stderr, result.stderr[-3000:]
    today = dt.datetime.now(TZ).date()
    years = list(range(max(2024, today.year - 2), today.year + 1))

    # the periods, one per year up to the current one, chained
    records = periods(backend)
    assert [p['code'] for p in records] == [f'CCHC-{y}' for y in years]
    assert len(records) == (3 if today.year == 2026 else len(years))
    previous = None
    for record, year in zip(records, years):
        assert record['name'] == f"Chỉ số CCHC {year}"
        assert record['kind'] == 'year'
        assert (record['start'], record['end']) == (
            dt.date(year, 1, 1), dt.date(year, 12, 31))
        assert record['previous'] == previous
        previous = record['id']
    first, current = records[0], records[-1]
    past = records[:-1]
    assert first['state'] == 'published'
    assert HEX64.match(first['hash'])
    for record in records[1:]:
        assert record['state'] == 'open' and not record['hash']

    # the same criteria tree and the same default thresholds everywhere
    trees = criteria(backend)
    leaves = check_criteria(trees[first['id']])

    def shape(tree):
        return {code: {k: v for k, v in x.items() if k != 'id'}
            for code, x in tree.items()}
    for record in records[1:]:
        assert shape(trees[record['id']]) == shape(trees[first['id']])
    levels = thresholds(backend)
    assert len(levels[first['id']]) >= 3
    for record in records:
        assert levels[record['id']] == levels[first['id']]

    cards = scorecards(backend)
    by_period = defaultdict(list)
    for card in cards.values():
        by_period[card['period']].append(card)
    for record in records:
        assert by_period[record['id']], record['code']

    # every scorecard: a line per leaf criterion, totals within 0-100
    for card in cards.values():
        assert set(card['lines']) == leaves, card['agency']
        self_total, appraised_total = totals(card, leaves)
        assert 0 <= self_total <= 100 and 0 <= appraised_total <= 100
        for code, line in card['lines'].items():
            criterion = trees[card['period']][code]
            assert line['computed'] == (criterion['kind'] in SURVEY)
            for value in (line['self'], line['appraised']):
                assert value is None or 0 <= value <= criterion['max']

    # past years: all appraised (the first published), realistic totals
    flags = defaultdict(list)
    for record in past:
        expected = 'published' if record is first else 'appraised'
        year_cards = by_period[record['id']]
        assert {c['state'] for c in year_cards} == {expected}
        appraised = []
        for card in year_cards:
            assert card['self_assessed_date'] and card['appraised_date']
            for code, line in card['lines'].items():
                assert line['self'] is not None, (card['agency'], code)
                assert line['appraised'] is not None, (card['agency'], code)
                if line['computed']:
                    # computed from the figures, with their explanation
                    assert line['self'] == line['appraised']
                    assert line['explanation']
                    assert line['sample'] is not None
                    kind = trees[record['id']][code]['kind']
                    if kind in {'survey_coverage', 'survey_766'}:
                        assert (line['figure'] is None) == (
                            line['sample'] == 0), (card['agency'], code)
                    if line['figure'] is not None:
                        assert 0 <= line['figure'] <= 1
                    flags[kind].append(line['insufficient'])
                    if line['sample'] < SURVEY[kind][2]:
                        assert line['insufficient']
            appraised.append(totals(card, leaves)[1])
        assert 40 <= min(appraised) and max(appraised) < 100, appraised
        assert len(set(appraised)) > len(appraised) // 2
        # the appraisal is sometimes below the self-assessment
        assert any(totals(c, leaves)[0] > totals(c, leaves)[1]
            for c in year_cards)
    all_flags = [f for values in flags.values() for f in values]
    assert any(all_flags) and not all(all_flags)
    assert not all(flags['survey_766'])  # the larger agencies
    assert all(flags['survey_satisfaction'])  # 2400 dossiers: few answers
    figured = [line['figure'] for c in cards.values()
        for line in c['lines'].values() if line['computed']]
    assert sum(f is not None for f in figured) > len(figured) / 2

    # the current year: partly self-assessed, nothing appraised
    states = {c['state'] for c in by_period[current['id']]}
    assert 'self_assessed' in states and 'draft' in states
    assert states <= {'self_assessed', 'draft'}
    for card in by_period[current['id']]:
        for line in card['lines'].values():
            if not line['computed']:
                assert line['appraised'] is None
            if card['state'] == 'self_assessed':
                assert line['self'] is not None
    assert any(line['self'] is None for c in by_period[current['id']]
        for line in c['lines'].values())

    # agencies valid in the period only: the district level ended on
    # 30/06/2025, its successors started on 01/07/2025
    def agencies(record):
        return {c['agency']: c for c in by_period[record['id']]}
    year_agencies = {r['code']: agencies(r) for r in records}
    districts_2024 = {code for code, c in year_agencies['CCHC-2024'].items()
        if c['kind'] == 'district_committee'}
    assert len(districts_2024) >= 5
    for record in records:
        for card in agencies(record).values():
            assert card['end'] is None or card['end'] >= record['start']
    current_codes = set(year_agencies[current['code']])
    assert not districts_2024 & current_codes
    assert not {code for code, c in agencies(current).items()
        if c['kind'] == 'district_committee'}
    assert not {code for code in year_agencies['CCHC-2024']
        if code.startswith('H15.50.')}

    # the 2024 district scorecards: the figures of the answers the
    # invitation's snapshot attributes to them, not to their successors
    ended = {code: card for code, card in year_agencies['CCHC-2024'].items()
        if card['end'] == DISTRICT_END}
    assert districts_2024 <= set(ended)
    codes_2024 = {trees[first['id']][c]['kind']: c for c in leaves}
    compared = 0
    for code, card in ended.items():
        expected = snapshot_figures(
            backend, code, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        for kind, (figure, sample) in expected.items():
            line = card['lines'][codes_2024[kind]]
            assert line['sample'] == sample, (code, kind)
            if figure is None:
                assert line['figure'] is None, (code, kind)
            else:
                assert abs(float(line['figure']) - figure) < 1e-4, (
                    code, kind, line['figure'], figure)
            compared += sample
    assert compared > 0

    # the published content is what trytond hashes
    before = hashes(backend)
    state, stored, recomputed = before[first['code']]
    assert state == 'published' and stored == first['hash'] == recomputed
    frozen = {i: c for i, c in cards.items() if c['period'] == first['id']}

    # a second run: more dossiers, periods left as they are, the published
    # year unchanged, its hash still verified
    result = run_demo(backend, '--dossiers', '120', '--seed', '3', *PERIOD)
    assert 'exist (unchanged)' in result.stderr, result.stderr[-3000:]
    assert periods(backend) == records
    after = scorecards(backend)
    assert after == cards
    assert {i: c for i, c in after.items()
        if c['period'] == first['id']} == frozen
    assert hashes(backend)[first['code']] == [
        'published', first['hash'], first['hash']]
    # the second run did add answers or dossiers of 2024 to districts:
    # their published lines are the frozen ones, not recomputed
    changed = 0
    for code, card in ended.items():
        expected = snapshot_figures(
            backend, code, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        changed += any(
            card['lines'][codes_2024[kind]]['sample'] != sample
            for kind, (_, sample) in expected.items())
    assert changed
