#!/usr/bin/env python3
# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Benchmark of the survey figures of agencies (public_satisfaction).

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python bench/scorecard.py --answers 1000000 --agencies 100

What it does, on PostgreSQL only (URI from ``TRYTOND_DATABASE__URI``,
default ``postgresql://tryton:tryton@localhost:5432/``):

1. creates a fresh database (``bench_scorecard_<pid>`` or ``--database``)
   and activates ``public_satisfaction`` with ``trytond-admin``
   (admin password through ``TRYTONPASSFILE``);
2. fills it with set-based SQL (``INSERT ... SELECT generate_series``,
   not the ORM), for one year (``--year``, default 2025): ``--agencies``
   agencies coded ``B15.xx``, one procedure, one applicant, one returned
   dossier and one invitation per dossier (4 in 5 answered; the others
   declined, open or opened, all past their 30-day expiry), one response
   per answered invitation (1 in 200 excluded) and one answer per rating or
   choice question of the default questionnaire ``sipas-short`` (6 ratings
   + 2 choices = 8 rows a response, so ``--answers`` should be a multiple
   of 8); then ``VACUUM ANALYZE``;
3. times, ``--repeat`` times after one warm-up run (min and median):
   (a) ``statistics.period_figures(all agencies, 1 Jan, 31 Dec)`` inside a
   trytond ``Transaction`` (only the call is timed: the rating questions,
   the query of ``statistics.figures_query`` and the Decision 766 GROUP
   BY), and (b) the baseline: ONE hand-written GROUP BY giving the
   per-agency, per-element rating counts, run with psycopg directly;
   prints the ratio (a)/(b) and checks that (a) and (b) agree; the same
   again for a small scorecard (the largest agency, June), where indexes
   matter;
4. runs EXPLAIN (ANALYZE, BUFFERS) on each query that (a) sends, prints
   its time and the plan of the slowest one of the whole-year case;
5. with ``--try-indexes``, creates the candidate indexes by hand in the
   benchmark database, analyses and times (a) and (b) again;
6. prints the peak RSS of this process and drops the database unless
   ``--keep``.

Options: ``--answers N`` (default 1,000,000), ``--agencies N`` (100),
``--repeat N`` (9), ``--year YYYY`` (2025), ``--database NAME``, ``--keep``,
``--try-indexes``, ``--no-explain``, ``--seed``, ``--reuse`` (with
``--database``: the database of an earlier run with ``--keep``, its module
updated with ``trytond-admin -u``, nothing generated), ``--keep-counts``
(with ``--reuse``: its counts not rebuilt nor checked again), ``--pg-set
NAME=VALUE`` (SET on the connections of (a) and (b), e.g. ``jit=off``).
"""
import argparse
import datetime as dt
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

DEFAULT_URI = 'postgresql://tryton:tryton@localhost:5432/'
URI = (os.environ.get('TRYTOND_DATABASE__URI')
    or os.environ.get('TRYTOND_DATABASE_URI') or DEFAULT_URI)
# trytond reads its configuration from the environment when imported
os.environ['TRYTOND_DATABASE__URI'] = URI

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

if __name__ == '__main__':
    # psycopg (the 'postgresql' extra) installed when missing, and said so
    benchlib.ensure_extra('psycopg', 'postgresql')
import psycopg  # noqa: E402

QUESTIONNAIRE = 'sipas-short'
ADMIN_PASSWORD = 'admin-Bench-2025'

# Indexes tried by --try-indexes: (name, definition).  See
# docs/performance.md for what they change.
CANDIDATE_INDEXES = [
    # the dossier query of Decision 766 filters on agency and returned_date;
    # the model only has (agency, state) and (returned_date)
    ('bench_dossier_agency_returned',
        'one_stop_dossier (agency, returned_date)'),
    # the "unsatisfied" subquery of that query reads every overall answer
    # below the threshold, whatever the period
    ('bench_answer_question_value',
        'satisfaction_response_answer (question, value)'),
    ]


def log(message):
    print(message, flush=True)


def db_uri(database):
    return URI.rstrip('/') + '/' + database


def admin_execute(sql):
    with psycopg.connect(db_uri('postgres'), autocommit=True) as conn:
        conn.execute(sql)


def script(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    return [path] if os.path.exists(path) else [name]


def create_database(database, update=False):
    """Create database and activate public_satisfaction with trytond-admin;
    with update, only update the module of the existing database"""
    if not update:
        admin_execute(
            f'CREATE DATABASE "{database}" TEMPLATE template0 '
            "ENCODING 'unicode'")
    with tempfile.TemporaryDirectory() as directory:
        passfile = os.path.join(directory, 'admin.pass')
        with open(passfile, 'w') as fp:
            fp.write(ADMIN_PASSWORD + '\n')
        env = {k: v for k, v in os.environ.items()
            if k not in {'TRYTON_CONFIG', 'TRYTOND_CONFIG', 'DB_NAME'}}
        env['TRYTONPASSFILE'] = passfile
        env['TRYTOND_DATABASE__URI'] = URI
        result = subprocess.run(
            [*script('trytond-admin'), '-d', database,
                '-u', 'public_satisfaction', '--activate-dependencies',
                '--email', 'admin@example.com'],
            env=env, stdin=subprocess.DEVNULL, capture_output=True,
            text=True)
    if result.returncode:
        raise RuntimeError(
            f"trytond-admin failed ({result.returncode}):\n"
            + (result.stdout + result.stderr)[-5000:])


# --- data generation ----------------------------------------------------

def existing_counts(database):
    "The counts of generate() read from a database it filled before"
    with psycopg.connect(db_uri(database)) as conn:
        rating, = conn.execute(
            "SELECT count(*) FROM satisfaction_question q "
            "JOIN satisfaction_questionnaire n ON n.id = q.questionnaire "
            "WHERE n.code = %s AND q.kind = 'rating' AND n.version = ("
            "SELECT max(version) FROM satisfaction_questionnaire "
            "WHERE code = %s)", (QUESTIONNAIRE, QUESTIONNAIRE)).fetchone()
        row = conn.execute("""
            SELECT
                (SELECT count(*) FROM satisfaction_response),
                (SELECT count(*) FROM satisfaction_invitation),
                (SELECT count(*) FROM one_stop_dossier),
                (SELECT count(*) FROM one_stop_agency
                    WHERE code LIKE 'B15.%%'),
                (SELECT count(*) FROM satisfaction_response_answer),
                (SELECT count(*) FROM satisfaction_invitation
                    WHERE state = 'answered'),
                (SELECT count(*) FROM satisfaction_response WHERE excluded)
            """).fetchone()
    return dict(zip(['rating_questions', 'responses', 'invitations',
                'dossiers', 'agencies', 'answers', 'answered', 'excluded'],
            (rating,) + row))


def generate(database, answers, agencies, year, seed):
    """Fill database with set-based SQL; return the counts.

    Returned dates are naive UTC between 01:00 and 10:00 (08:00 to 17:00 in
    Asia/Ho_Chi_Minh), spread evenly over the 365 first days of year, so
    that every row falls in the local period 1 Jan - 31 Dec of year."""
    if not 1 <= agencies <= 999:
        raise SystemExit("--agencies must be within 1..999")
    counts = {}
    steps = []
    with psycopg.connect(db_uri(database)) as conn:
        cursor = conn.cursor()
        cursor.execute(
            "SELECT id FROM satisfaction_questionnaire WHERE code = %s "
            "ORDER BY version DESC LIMIT 1", (QUESTIONNAIRE,))
        questionnaire, = cursor.fetchone()
        cursor.execute(
            "SELECT id, code, kind FROM satisfaction_question "
            "WHERE questionnaire = %s AND kind IN ('rating', 'choice') "
            "ORDER BY sequence, id", (questionnaire,))
        questions = cursor.fetchall()
        per_response = len(questions)
        responses = answers // per_response
        if responses < 4:
            raise SystemExit(f"--answers must be at least {4 * per_response}")
        not_answered = responses // 4
        invitations = responses + not_answered
        counts.update(
            questions_per_response=per_response,
            rating_questions=sum(1 for q in questions if q[2] == 'rating'),
            responses=responses, invitations=invitations,
            dossiers=invitations, agencies=agencies,
            answers=responses * per_response)
        log(f"questionnaire {QUESTIONNAIRE} (id {questionnaire}): "
            f"{per_response} rating/choice questions "
            f"{[q[1] for q in questions]}")

        def step(name, sql, params=None):
            start = time.perf_counter()
            cursor.execute(sql, params)
            elapsed = time.perf_counter() - start
            steps.append((name, cursor.rowcount, elapsed))
            log(f"  {name:<12} {cursor.rowcount:>10,} rows "
                f"{elapsed:8.2f} s")

        cursor.execute("SELECT setseed(%s)", (seed,))
        step('agencies', """
            INSERT INTO one_stop_agency (
                code, name, kind, active, create_date, create_uid)
            SELECT 'B15.' || CASE WHEN k < 100
                    THEN lpad(k::text, 2, '0') ELSE k::text END,
                'Benchmark agency ' || k, 'commune_committee', true,
                now(), 0
            FROM generate_series(1, %(agencies)s) k""",
            {'agencies': agencies})
        cursor.execute("""
            INSERT INTO one_stop_procedure (
                code, name, level, processing_days, immediate_result,
                active, create_date, create_uid)
            VALUES ('9.999999', 'Benchmark procedure', 'commune', 5, false,
                true, now(), 0)
            RETURNING id""")
        procedure, = cursor.fetchone()
        cursor.execute("""
            INSERT INTO party_party (code, name, active, create_date,
                create_uid)
            VALUES ('BENCH-1', 'Benchmark applicant', true, now(), 0)
            RETURNING id""")
        party, = cursor.fetchone()
        params = {
            'invitations': invitations, 'agencies': agencies,
            'not_answered': not_answered, 'procedure': procedure,
            'party': party, 'questionnaire': questionnaire,
            'start': dt.datetime(year, 1, 1, 1, 0),
            }
        # Dossiers: ids 1..invitations (a fresh database has none), in the
        # order they were returned; agencies of unequal sizes (the first
        # ones are the largest); 5 % late.
        step('dossiers', """
            INSERT INTO one_stop_dossier (
                id, agency, applicant, procedure, channel, return_method,
                state, code, received_date, appointment_date, ready_date,
                returned_date, timeliness, create_date, create_uid)
            SELECT s.g, a.id, %(party)s, %(procedure)s, 'counter',
                'counter', 'returned',
                a.code || '-' || to_char(s.received + interval '7 hours',
                    'YYMMDD') || '-' || lpad(s.g::text,
                    greatest(6, length(s.g::text)), '0'),
                s.received, (s.received + interval '7 days')::date,
                s.returned - interval '2 hours', s.returned,
                s.timeliness, now(), 0
            FROM (
                SELECT g,
                    1 + floor(%(agencies)s * power(random(), 1.5))::int
                        AS k,
                    %(start)s::timestamp
                        + floor((g - 1) * 365.0 / %(invitations)s)
                            * interval '1 day'
                        + random() * interval '9 hours' AS returned,
                    %(start)s::timestamp
                        + floor((g - 1) * 365.0 / %(invitations)s)
                            * interval '1 day'
                        - (1 + floor(random() * 12)) * interval '1 day'
                        AS received,
                    CASE WHEN random() < 0.05 THEN 'late'
                        WHEN random() < 0.3 THEN 'early'
                        ELSE 'on_time' END AS timeliness
                FROM generate_series(1, %(invitations)s) g) s
            JOIN one_stop_agency a
                ON a.code = 'B15.' || CASE WHEN s.k < 100
                    THEN lpad(s.k::text, 2, '0') ELSE s.k::text END""",
            params)
        # One invitation per dossier, the agency etc. copied; every fifth
        # of the first 5 * not_answered is not answered.
        step('invitations', """
            INSERT INTO satisfaction_invitation (
                id, dossier, agency, procedure, questionnaire, channel,
                timeliness, returned_date, issued_date, expiry, nonce,
                token_hash, short_code, state, opened_date, answered_date,
                declined_date, create_date, create_uid)
            SELECT d.id, d.id, d.agency, d.procedure, %(questionnaire)s,
                d.channel, d.timeliness, d.returned_date, d.returned_date,
                d.returned_date + interval '30 days',
                md5('nonce' || d.id),
                md5('token' || d.id) || md5('hash' || d.id),
                upper(substr(md5('short' || d.id), 1, 8)),
                s.state,
                CASE WHEN s.state IN ('opened', 'answered')
                    THEN d.returned_date + interval '1 hour' END,
                CASE WHEN s.state = 'answered'
                    THEN d.returned_date + interval '70 minutes' END,
                CASE WHEN s.state = 'declined'
                    THEN d.returned_date + interval '5 minutes' END,
                now(), 0
            FROM one_stop_dossier d
            CROSS JOIN LATERAL (SELECT CASE
                    WHEN mod(d.id, 5) = 0 AND d.id <= 5 * %(not_answered)s
                    THEN (ARRAY['declined', 'open', 'opened', 'declined'])[
                        1 + mod(d.id / 5, 4)]
                    ELSE 'answered' END AS state) s
            WHERE d.id <= %(invitations)s""", params)
        step('responses', """
            INSERT INTO satisfaction_response (
                id, invitation, dossier, questionnaire, submitted_date,
                language, comment, excluded, exclusion_reason, review_state,
                create_date, create_uid)
            SELECT n, id, dossier, questionnaire, answered_date, 'vi',
                CASE WHEN mod(n, 20) = 3 THEN 'Benchmark comment' END,
                mod(n, 200) = 7,
                CASE WHEN mod(n, 200) = 7 THEN 'Duplicate (benchmark)' END,
                CASE WHEN mod(n, 200) = 7 THEN 'excluded' ELSE 'none' END,
                now(), 0
            FROM (SELECT row_number() OVER (ORDER BY id) AS n, *
                FROM satisfaction_invitation
                WHERE state = 'answered') i""", params)
        # Ratings: x = (mood of the response + noise) / 2 + agency bias
        # (-0.10..0.10), cut to give about 3/5/14/38/40 % of 1..5;
        # feedback not applicable 4 times in 5; choices at random.
        step('answers', """
            WITH r AS MATERIALIZED (
                SELECT r.id, random() AS mood,
                    (mod(i.agency * 37, 21) - 10) / 100.0 AS bias
                FROM satisfaction_response r
                JOIN satisfaction_invitation i ON i.id = r.invitation),
            q AS (
                SELECT q.id, q.sequence, q.kind, q.allow_not_applicable,
                    ARRAY(SELECT c.value FROM satisfaction_question_choice c
                        WHERE c.question = q.id
                        ORDER BY c.sequence, c.id) AS choices
                FROM satisfaction_question q
                WHERE q.questionnaire = %(questionnaire)s
                    AND q.kind IN ('rating', 'choice')),
            a AS (
                SELECT r.id AS response, q.id AS question, q.sequence,
                    q.kind, q.choices,
                    q.allow_not_applicable AND random() < 0.8 AS na,
                    (r.mood + random()) / 2 + r.bias AS x,
                    random() AS u
                FROM r CROSS JOIN q)
            INSERT INTO satisfaction_response_answer (
                response, question, value, not_applicable, choice,
                create_date, create_uid)
            SELECT response, question,
                CASE WHEN kind = 'rating' AND NOT na THEN
                    CASE WHEN x < 0.122 THEN 1 WHEN x < 0.2 THEN 2
                        WHEN x < 0.332 THEN 3 WHEN x < 0.553 THEN 4
                        ELSE 5 END END,
                kind = 'rating' AND na,
                CASE WHEN kind = 'choice' THEN
                    choices[1 + floor(u * cardinality(choices))::int] END,
                now(), 0
            FROM a ORDER BY response, sequence""", params)
        for table in ['one_stop_dossier', 'satisfaction_invitation',
                'satisfaction_response']:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "(SELECT max(id) FROM " + table + "))", (table,))
        cursor.execute("""
            SELECT
                (SELECT count(*) FROM satisfaction_invitation
                    WHERE state = 'answered'),
                (SELECT count(*) FROM satisfaction_invitation
                    WHERE state = 'declined'),
                (SELECT count(*) FROM satisfaction_invitation
                    WHERE state IN ('open', 'opened')),
                (SELECT count(*) FROM satisfaction_response WHERE excluded),
                (SELECT count(*) FROM one_stop_dossier
                    WHERE timeliness = 'late')""")
        (counts['answered'], counts['declined'], counts['open_expired'],
            counts['excluded'], counts['late']) = cursor.fetchone()
        conn.commit()
    start = time.perf_counter()
    with psycopg.connect(db_uri(database), autocommit=True) as conn:
        # VACUUM too, so that autovacuum (triggered by the inserts) does
        # not run during the timings and index-only scans are possible
        conn.execute(
            "VACUUM ANALYZE one_stop_agency, one_stop_dossier, "
            "satisfaction_invitation, satisfaction_response, "
            "satisfaction_response_answer, satisfaction_question")
    steps.append(('vacuum', 0, time.perf_counter() - start))
    log(f"  {'vacuum/anal.':<12} {'':>10}      "
        f"{steps[-1][2]:8.2f} s")
    return counts, steps


# --- the thing under test and the baseline ------------------------------

BASELINE = """
    SELECT i.agency, q.element, a.value, count(*)
    FROM satisfaction_response_answer a
    JOIN satisfaction_response r ON r.id = a.response
    JOIN satisfaction_invitation i ON i.id = r.invitation
    JOIN satisfaction_question q ON q.id = a.question
    WHERE i.agency = ANY(%(agencies)s)
        AND i.returned_date >= %(low)s AND i.returned_date < %(high)s
        AND i.state != 'revoked'
        AND r.excluded IS NOT TRUE
        AND q.kind = 'rating'
        AND a.value IS NOT NULL AND a.not_applicable IS NOT TRUE
    GROUP BY i.agency, q.element, a.value"""


class Tested:
    "period_figures in a trytond Transaction"

    def __init__(self, database, settings=()):
        from trytond.pool import Pool
        start = time.perf_counter()
        Pool(database).init()
        self.pool_seconds = time.perf_counter() - start
        self.database = database
        self.settings = settings

    def apply_settings(self):
        "SET the --pg-set settings on the connection of the transaction"
        from trytond.transaction import Transaction
        cursor = Transaction().connection.cursor()
        for statement in self.settings:
            cursor.execute(statement)

    def agency_ids(self):
        from trytond.transaction import Transaction
        with Transaction().start(self.database, 0, readonly=True):
            cursor = Transaction().connection.cursor()
            cursor.execute(
                "SELECT id FROM one_stop_agency WHERE code LIKE 'B15.%%' "
                "ORDER BY id")
            return [r for r, in cursor]

    def run(self, agency_ids, start, end, record=None, counted=True):
        """Return (seconds, figures); record collects (sql, params,
        seconds); counted=False: from the detail only"""
        from trytond.modules.public_satisfaction import statistics as stats
        from trytond.transaction import Transaction
        with Transaction().start(self.database, 0, readonly=True) as t:
            self.apply_settings()
            if record is not None:
                t.connection = RecordingConnection(t.connection, record)
            try:
                begin = time.perf_counter()
                figures = stats.period_figures(
                    agency_ids, start, end, counted=counted)
                elapsed = time.perf_counter() - begin
            finally:
                if record is not None:
                    t.connection = t.connection.wrapped
        return elapsed, figures

    def rebuild(self):
        """Make the count tables (counts.py) from the generated detail, as
        the demo does after its raw inserts; return (seconds, days, rows)"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(self.database, 0) as transaction:
            begin = time.perf_counter()
            days = Pool().get('satisfaction.count.day').rebuild()
            transaction.commit()
            elapsed = time.perf_counter() - begin
            cursor = transaction.connection.cursor()
            rows = {}
            for table in ['satisfaction_count_day',
                    'satisfaction_count_rating',
                    'satisfaction_count_dossier']:
                cursor.execute(f'SELECT count(*) FROM {table}')
                rows[table], = cursor.fetchone()
        return elapsed, days, rows

    def check(self, start, end):
        "Return (seconds, the units whose counts differ from the detail)"
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(self.database, 0, readonly=True):
            begin = time.perf_counter()
            differ = Pool().get('satisfaction.count.day').check(start, end)
            return time.perf_counter() - begin, differ

    def month_view(self, agency, start, end):
        """Return (seconds, {month: (answered, satisfied, rated)}): the
        evaluators' figures by month of one agency, read as the client
        reads the view"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(self.database, 0, readonly=True, context={
                    'from_date': start, 'to_date': end, 'agency': agency}):
            FigureByMonth = Pool().get('satisfaction.report.month')
            self.apply_settings()
            begin = time.perf_counter()
            rows = FigureByMonth.search_read(
                [], fields_names=['month', 'answered', 'satisfied', 'rated',
                    'satisfaction', 'coverage'])
            elapsed = time.perf_counter() - begin
        return elapsed, {r['month']: (r['answered'], r['satisfied'],
                r['rated']) for r in rows}

    def bounds(self, start, end):
        from trytond.modules.one_stop.localtime import utc_bounds
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(self.database, 0, readonly=True):
            timezone = Pool().get('one_stop.dossier').timezone()
        return utc_bounds(start, end, timezone)


class RecordingConnection:
    "Record the queries sent through the cursors of a connection"

    def __init__(self, wrapped, record):
        self.wrapped = wrapped
        self.record = record

    def cursor(self, *args, **kwargs):
        return RecordingCursor(
            self.wrapped.cursor(*args, **kwargs), self.record)

    def __getattr__(self, name):
        return getattr(self.wrapped, name)


class RecordingCursor:
    def __init__(self, wrapped, record):
        self.wrapped = wrapped
        self.record = record

    def execute(self, query, params=None, *args, **kwargs):
        begin = time.perf_counter()
        result = self.wrapped.execute(query, params, *args, **kwargs)
        self.record.append((query, params, time.perf_counter() - begin))
        return result

    def __iter__(self):
        return iter(self.wrapped)

    def __getattr__(self, name):
        return getattr(self.wrapped, name)


# The hand-written GROUP BY of the figures by month of one agency: its
# overall ratings by local month (Asia/Ho_Chi_Minh, UTC+7 all year)
BASELINE_MONTHS = """
    SELECT date_trunc('month', i.returned_date + interval '7 hours')::date,
        count(*) FILTER (WHERE a.value >= 4), count(*)
    FROM satisfaction_response_answer a
    JOIN satisfaction_response r ON r.id = a.response
    JOIN satisfaction_invitation i ON i.id = r.invitation
    JOIN satisfaction_question q ON q.id = a.question
    WHERE i.agency = %(agency)s
        AND i.returned_date >= %(low)s AND i.returned_date < %(high)s
        AND i.state != 'revoked'
        AND r.excluded IS NOT TRUE
        AND q.kind = 'rating' AND q.element = 'overall'
        AND a.value IS NOT NULL AND a.not_applicable IS NOT TRUE
    GROUP BY 1"""


# Decision 766, ratio 3, by hand: the dossiers returned and those whose
# overall answer (not excluded) is unhappy; the benchmark has no feedback
BASELINE_766 = """
SELECT d.agency, count(*), count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM satisfaction_response r
        JOIN satisfaction_response_answer a ON a.response = r.id
        JOIN satisfaction_question q ON q.id = a.question
        WHERE r.dossier = d.id AND q.element = 'overall' AND a.value <= 2
            AND NOT COALESCE(r.excluded, false)))
FROM one_stop_dossier d
WHERE d.agency = ANY(%(agencies)s) AND d.state = 'returned'
    AND d.returned_date >= %(low)s AND d.returned_date < %(high)s
GROUP BY d.agency
"""


def check_766(conn, figures, agency_ids, low, high):
    "Assert the dossiers of ratio 3 of (a) are those counted by hand"
    rows = conn.execute(BASELINE_766, {
            'agencies': agency_ids, 'low': low, 'high': high}).fetchall()
    expected = {a: (0, 0) for a in agency_ids}
    expected.update({a: (n, bad) for a, n, bad in rows})
    got = {a: (figures[a].dossiers, figures[a].bad_dossiers)
        for a in agency_ids}
    assert got == expected, sorted(
        (a, got[a], expected[a]) for a in agency_ids
        if got[a] != expected[a])[:3]
    return sum(n for n, _ in got.values()), sum(b for _, b in got.values())


def run_month_baseline(conn, agency, low, high):
    begin = time.perf_counter()
    rows = conn.execute(BASELINE_MONTHS, {
            'agency': agency, 'low': low, 'high': high},
        prepare=False).fetchall()
    return time.perf_counter() - begin, {
        m: (satisfied, rated) for m, satisfied, rated in rows}


def run_month_view(tested, conn, agency, year, repeat):
    """Time the view by month of one agency against BASELINE_MONTHS and
    check they agree"""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    low, high = tested.bounds(start, end)
    log(f"== figures by month of one agency ({agency}), {start} .. {end}, "
        f"{repeat} repetitions after 1 warm-up")
    tested.month_view(agency, start, end)
    run_month_baseline(conn, agency, low, high)
    times_a, times_b = [], []
    for _ in range(repeat):
        elapsed, view = tested.month_view(agency, start, end)
        times_a.append(elapsed)
        elapsed, baseline = run_month_baseline(conn, agency, low, high)
        times_b.append(elapsed)
    got = {m: (s, r) for m, (_, s, r) in view.items() if r}
    assert got == baseline, (got, baseline)
    log(f"  (a) and (b) agree on the {len(got)} months: "
        f"{sum(r for _, r in got.values()):,} overall ratings")
    return report_times("  timings:", times_a, times_b, a='view by month')


def run_baseline(conn, agency_ids, low, high):
    begin = time.perf_counter()
    # prepare=False: a one-off query each time (psycopg would otherwise
    # prepare it after 5 runs and PostgreSQL may then switch to a generic
    # plan, which made the median bimodal)
    rows = conn.execute(BASELINE, {
            'agencies': agency_ids, 'low': low, 'high': high},
        prepare=False).fetchall()
    elapsed = time.perf_counter() - begin
    counts = defaultdict(lambda: defaultdict(dict))
    for agency, element, value, count in rows:
        counts[agency][element][value] = count
    return elapsed, counts


def time_both(tested, conn, agency_ids, start, end, low, high, repeat):
    "Warm up once, then alternate (a) and (b) repeat times"
    _, figures = tested.run(agency_ids, start, end)
    _, baseline = run_baseline(conn, agency_ids, low, high)
    times_a, times_b = [], []
    for _ in range(repeat):
        elapsed, figures = tested.run(agency_ids, start, end)
        times_a.append(elapsed)
        elapsed, baseline = run_baseline(conn, agency_ids, low, high)
        times_b.append(elapsed)
    return times_a, times_b, figures, baseline


def check_agree(figures, baseline, agency_ids, shown=2):
    "Assert (a) and (b) give the same rating counts; print a couple"
    checked = 0
    for agency in agency_ids:
        for element in {e for e, _ in figures[agency].ratings} | set(
                baseline[agency]):
            got = {v: c for v, c in
                figures[agency].element_counts(element).items() if c}
            assert got == baseline[agency][element], (
                agency, element, got, baseline[agency][element])
            checked += 1
    with_data = [a for a in agency_ids if figures[a].answered]
    for agency in ([with_data[0], with_data[-1]] if with_data else [])[
            :shown]:
        f = figures[agency]
        log(f"  agency {agency}: answered {f.answered}, excluded "
            f"{f.excluded}, overall {dict(sorted(f.overall_counts.items()))}"
            f" (baseline {dict(sorted(baseline[agency]['overall'].items()))})"
            f", SIPAS index {f.sipas_index:.3f}, 766 ratio "
            f"{f.ratio_766:.3f}")
    return checked


def summary(times):
    return min(times), statistics.median(times)


def report_times(label, times_a, times_b, a='period_figures'):
    min_a, med_a = summary(times_a)
    min_b, med_b = summary(times_b)
    log(f"{label}")
    log(f"  (a) {a:<16} min {min_a * 1000:8.1f} ms   "
        f"median {med_a * 1000:8.1f} ms")
    log(f"  (b) baseline GROUP BY min {min_b * 1000:7.1f} ms   "
        f"median {med_b * 1000:8.1f} ms")
    log(f"  ratio (a)/(b)        min {min_a / min_b:8.2f}      "
        f"median {med_a / med_b:8.2f}")
    log("  runs (a) ms: " + ' '.join(f'{t * 1000:.0f}' for t in times_a))
    log("  runs (b) ms: " + ' '.join(f'{t * 1000:.0f}' for t in times_b))
    return (min_a, med_a, min_b, med_b)


def explain(conn, record, verbose=True):
    "EXPLAIN ANALYZE each recorded query; print the plan of the slowest"
    results = []
    for query, params, seconds in record:
        if not query.lstrip().upper().startswith('SELECT'):
            continue
        if 'GROUP BY' not in query.upper() or 'ir_model' in query:
            continue
        plan = conn.execute(
            'EXPLAIN (ANALYZE, BUFFERS) ' + query, params).fetchall()
        text = '\n'.join(r for r, in plan)
        total = float(plan[-1][0].split(':')[1].split()[0])
        results.append((total, seconds, query, text))
    log("EXPLAIN ANALYZE of the GROUP BY queries of (a) "
        "(execution time; time seen by the client):")
    for n, (total, seconds, query, _) in enumerate(results, 1):
        first = ' '.join(query.split())[:110]
        log(f"  {n}. {total:8.1f} ms ({seconds * 1000:7.1f} ms)  {first}...")
    if verbose and results:
        total, _, query, text = max(results)
        query = re.sub(r'(%s, ){3,}%s', '%s, ..., %s', query)
        log(f"Slowest query ({total:.1f} ms):\n{query}\n{text}")
    return results


def scenarios(tested, agency_ids, year):
    "(label, agency ids, start, end, low, high) of the timed cases"
    result = []
    for label, ids, start, end in [
            ('whole year, all agencies', agency_ids,
                dt.date(year, 1, 1), dt.date(year, 12, 31)),
            ('June, largest agency', agency_ids[:1],
                dt.date(year, 6, 1), dt.date(year, 6, 30)),
            ]:
        low, high = tested.bounds(start, end)
        result.append((label, ids, start, end, low, high))
    return result


def run_scenarios(tested, conn, cases, counts, options, plans=True):
    "Time, check and explain each case; return {label: timings}"
    result = {}
    for n, (label, ids, start, end, low, high) in enumerate(cases):
        log(f"== {label}: {start} .. {end} (UTC {low} .. {high}), "
            f"{len(ids)} agencies, {options.repeat} repetitions after 1 "
            "warm-up")
        times_a, times_b, figures, baseline = time_both(
            tested, conn, ids, start, end, low, high, options.repeat)
        checked = check_agree(figures, baseline, ids, shown=1 if n else 2)
        dossiers, bad = check_766(conn, figures, ids, low, high)
        log(f"  (a) and a hand-written query agree on ratio 3 of every "
            f"agency: {dossiers:,} dossiers, {bad:,} with an unhappy answer")
        answered = sum(f.answered for f in figures.values())
        excluded = sum(f.excluded for f in figures.values())
        counted = sum(sum(sum(v.values()) for v in f.ratings.values())
            + sum(f.not_applicable.values())
            for f in figures.values())
        assert counted == (answered - excluded) * counts[
            'rating_questions'], counted
        if not n:
            # the whole year holds every generated row
            assert answered == counts['answered'], answered
            assert excluded == counts['excluded'], excluded
        log(f"  (a) and (b) agree on {checked} (agency, element) rating "
            f"counts; (a) counted {counted:,} rating answers of "
            f"{answered - excluded:,} responses")
        result[label] = report_times("  timings:", times_a, times_b)
        begin = time.perf_counter()
        _, detail = tested.run(ids, start, end, counted=False)
        log(f"  (a) from the detail only (counted=False), once: "
            f"{(time.perf_counter() - begin) * 1000:.1f} ms")
        for agency in ids:
            assert detail[agency] == figures[agency], agency
        if plans and not options.no_explain:
            record = []
            tested.run(ids, start, end, record=record)
            explain(conn, record, verbose=not n)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--answers', type=int, default=1_000_000)
    parser.add_argument('--agencies', type=int, default=100)
    parser.add_argument('--repeat', type=int, default=9)
    parser.add_argument('--year', type=int, default=2025)
    parser.add_argument('--seed', type=float, default=0.42)
    parser.add_argument('--database')
    parser.add_argument('--keep', action='store_true',
        help="keep the database at the end")
    parser.add_argument('--pg-set', action='append', default=[],
        metavar='NAME=VALUE',
        help="a PostgreSQL setting SET on the connections of (a) and (b), "
        "e.g. jit=off")
    parser.add_argument('--keep-counts', action='store_true',
        help="with --reuse: the counts made by the earlier run, not "
        "rebuilt nor checked again")
    parser.add_argument('--reuse', action='store_true',
        help="use the existing --database filled by an earlier run with "
        "--keep: the module updated, nothing generated")
    parser.add_argument('--try-indexes', action='store_true',
        help="also time with the candidate indexes created by hand")
    parser.add_argument('--no-explain', action='store_true')
    options = parser.parse_args()
    if not URI.startswith('postgresql'):
        raise SystemExit("PostgreSQL only: set TRYTOND_DATABASE__URI")
    database = options.database or f'bench_scorecard_{os.getpid()}'
    benchlib.ensure_postgresql()  # the local server started when down
    log(benchlib.machine())

    log(f"database {database} on {URI.split('@')[-1]}")
    reuse = options.reuse and options.database
    begin = time.perf_counter()
    create_database(database, update=reuse)
    setup_seconds = time.perf_counter() - begin
    log(f"{'updated' if reuse else 'created and activated'} "
        f"public_satisfaction in {setup_seconds:.1f} s")
    try:
        if reuse:
            counts = existing_counts(database)
            log("reused: " + ', '.join(
                    f'{k} {v:,}' for k, v in counts.items()))
        else:
            log("generating:")
            begin = time.perf_counter()
            counts, _ = generate(database, options.answers,
                options.agencies, options.year, options.seed)
            generation_seconds = time.perf_counter() - begin
            log(f"generated in {generation_seconds:.1f} s: "
                + ', '.join(f'{k} {v:,}' for k, v in counts.items()))

        settings = []
        for setting in options.pg_set:
            name, _, value = setting.partition('=')
            if not re.fullmatch(r'[a-z_.]+', name):
                raise SystemExit(f"--pg-set {setting}: not a setting name")
            settings.append(f"SET {name} = '{value}'")
        if settings:
            log("settings of (a) and (b): " + '; '.join(settings))
        tested = Tested(database, settings)
        log(f"trytond pool loaded in {tested.pool_seconds:.1f} s")
        if reuse and options.keep_counts:
            log("counts kept from the earlier run: not rebuilt nor checked")
        else:
            seconds, days, rows = tested.rebuild()
            log(f"counts rebuilt (CountDay.rebuild) in {seconds:.1f} s: "
                f"{days} days, " + ', '.join(
                    f'{t} {n:,} rows' for t, n in rows.items()))
            with psycopg.connect(
                    db_uri(database), autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE satisfaction_count_day, "
                    "satisfaction_count_rating, satisfaction_count_dossier, "
                    "satisfaction_count_dirty")
            seconds, differ = tested.check(
                dt.date(options.year, 1, 1), dt.date(options.year, 12, 31))
            log(f"counts checked against the detail (CountDay.check, the "
                f"year) in {seconds:.1f} s: {len(differ)} units differ")
            assert not differ, sorted(differ.items())[:3]
        agency_ids = tested.agency_ids()
        cases = scenarios(tested, agency_ids, options.year)
        with psycopg.connect(db_uri(database), autocommit=True) as conn:
            for statement in settings:
                conn.execute(statement)
            before = run_scenarios(tested, conn, cases, counts, options)
            run_month_view(
                tested, conn, agency_ids[0], options.year, options.repeat)
            if options.try_indexes:
                log("== with the candidate indexes")
                for name, definition in CANDIDATE_INDEXES:
                    begin = time.perf_counter()
                    conn.execute(f'CREATE INDEX {name} ON {definition}')
                    log(f"created {name} ON {definition} in "
                        f"{time.perf_counter() - begin:.1f} s")
                conn.execute(
                    "VACUUM ANALYZE one_stop_dossier, "
                    "satisfaction_response_answer")
                after = run_scenarios(tested, conn, cases, counts, options)
                log("== (a) median without -> with the candidate indexes")
                for label in before:
                    log(f"  {label}: {before[label][1] * 1000:.1f} ms -> "
                        f"{after[label][1] * 1000:.1f} ms")
    finally:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        log(f"peak RSS of this process: {peak / 1024:.0f} MiB")
        if options.keep:
            log(f"kept database {database}")
        else:
            from trytond.pool import Pool
            Pool.stop(database)
            admin_execute(f'DROP DATABASE IF EXISTS "{database}" '
                'WITH (FORCE)')
            log(f"dropped database {database}")


if __name__ == '__main__':
    main()
