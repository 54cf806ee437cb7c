# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""trytond's WSGI application plus two baseline routes, for the benchmarks.

bench/survey_load.py runs ``gunicorn trivial_app:app`` (with
``--pythonpath bench``) instead of ``trytond.application:app``: it is the
same application object, with the same routes, pool and transactions, plus

    GET  /<database>/bench/ping            ->  200 "pong" (text/plain)
    POST /<database>/bench/answer/<token>  ->  200, the answer stored

``ping`` goes through the same decorators as the survey routes of
public_satisfaction (``with_pool``, ``with_transaction(readonly=False)``)
and does nothing else: what trytond costs per request.

``answer`` is the baseline of the citizen's answer (``POST
/<database>/s/<token>``): through the same decorators and trytond
transaction, it makes the same writes as an answer of the module, each in
one hand-written SQL statement, and nothing else (counted in a real answer
of the benchmark's questionnaire: 1 response, 9 answer lines, 1 flag "too
fast" because the form was never shown, 1 invitation closed, 1 rate-limit
count):

1. the invitation found by its token and locked (``FOR UPDATE``, waiting
   at most 5 s as the module does), with what the signals need;
2. the valid post of the address counted in ``satisfaction_rate_limit``
   (the module's upsert, autocommit on a connection of its own);
3. the same-device count of the interference signals (indexed);
4. the response inserted (``RETURNING id``);
5. its answer lines in one multi-row INSERT;
6. its flags (interference signals) in one INSERT;
7. the invitation closed (state "answered", answered date);
8. commit (by ``with_transaction``).

The form is parsed by werkzeug and mapped to the questions without
validation beyond the ratings' range; the questions, the configuration and
the token key are read once per process (the module keeps them in trytond
caches, cleared when they change).  The values that decide the signals
(``integrity.py``) and the token's hash (``tokens.py``) are the module's own
pure functions, so that the rows are the same.  Never load this module in
production.

With ``BENCH_ADDONS`` set to a directory, the trytond modules found there
are loaded instead of the installed ones (bench/survey_load.py
``--addons``: to measure the code before a change in the same way).
"""
import datetime as dt
import os

import trytond.modules

if os.environ.get('BENCH_ADDONS'):
    # bench/survey_load.py --addons: another copy of the modules, first
    trytond.modules.__path__.insert(0, os.environ['BENCH_ADDONS'])

from trytond.application import app  # noqa: E402
from trytond.protocols.wrappers import (  # noqa: E402
    Response, allow_null_origin, set_max_request_size, with_pool,
    with_transaction)
from trytond.transaction import Transaction  # noqa: E402

__all__ = ['app']

# the rate limit of the valid posts of an address (limits.SURVEY_POSTS):
# its default window; the limit comes from the configuration
SURVEY_POSTS_WINDOW = 60
LOCK_TIMEOUT_MS = 5000
_PROCESS = {}  # per process: questions, configuration, token key


@app.route('/<database_name>/bench/ping')
@with_pool
@with_transaction(readonly=False)
def ping(request, pool):
    "The least a trytond route does: pool, transaction, a response"
    return Response('pong', content_type='text/plain; charset=utf-8')


def _process_values(pool, cursor, questionnaire):
    "The questions of questionnaire and the settings, read once per process"
    key = ('questions', questionnaire)
    if key not in _PROCESS:
        cursor.execute(
            'SELECT code, id, kind, element FROM satisfaction_question '
            'WHERE questionnaire = %s', (questionnaire,))
        _PROCESS[key] = {code: (id_, kind, element)
            for code, id_, kind, element in cursor.fetchall()}
    if 'configuration' not in _PROCESS:
        from trytond import config
        Configuration = pool.get('satisfaction.configuration')
        configuration = Configuration(1)
        _PROCESS['configuration'] = {
            'token_key': Configuration.get_token_key(),
            'device_window': configuration.device_window or 0,
            'print_seconds': configuration.print_seconds or 0,
            'min_seconds': configuration.min_seconds or 0,
            'device_limit': configuration.device_limit or 0,
            'survey_posts': config.getint(
                'public_satisfaction', 'survey_posts', default=60),
            }
    return _PROCESS[key], _PROCESS['configuration']


def _answer_lines(questions, form):
    "The comment and the rows (question, value, n/a, choice, text) posted"
    comment, lines = None, []
    for code, (question, kind, element) in questions.items():
        raw = form.get(f'q_{code}')
        if raw is None:
            continue
        if kind == 'text':
            if element == 'comment':
                comment = raw
            lines.append((question, None, None, None, raw))
        elif kind == 'rating':
            value = None if raw == 'na' else int(raw)
            if value is not None and not 1 <= value <= 5:
                raise ValueError(raw)
            lines.append((question, value, value is None, None, None))
        else:
            lines.append((question, None, False, raw, None))
    return comment, lines


@app.route('/<database_name>/bench/answer/<token>', methods=['POST'])
@allow_null_origin
@set_max_request_size(16 * 1024)
@with_pool
@with_transaction(readonly=False)
def answer(request, pool, token):
    """The writes of a citizen's answer in hand-written SQL: the baseline
    of POST /<db>/s/<token> (see the module's docstring)"""
    from trytond.modules.public_satisfaction import integrity, tokens
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    cursor.execute(f'SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}')
    cursor.execute(
        'SELECT i.id, i.dossier, i.questionnaire, i.state, i.expiry, '
        'i.printed_date, i.form_opened_date, c.networks '
        'FROM satisfaction_invitation i '
        'LEFT JOIN one_stop_counter c ON c.id = i.counter '
        'WHERE i.token_hash = %s FOR UPDATE OF i',
        (tokens.hash_token(token),))
    row = cursor.fetchone()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    if (not row or row[3] not in {'open', 'opened'} or row[4] < now):
        return Response('closed', status=410)
    (invitation, dossier, questionnaire, _, _, printed, form_opened,
        networks) = row
    questions, settings = _process_values(pool, cursor, questionnaire)
    try:
        comment, lines = _answer_lines(questions, request.form)
    except ValueError:
        return Response('invalid', status=422)
    address = request.remote_addr or ''

    # the valid post of the address, counted as limits.count() does
    RateLimit = pool.get('satisfaction.rate_limit')
    now_sql = "(statement_timestamp() AT TIME ZONE 'UTC')"
    limit = settings['survey_posts']
    rate_rows = RateLimit._execute(
        'INSERT INTO satisfaction_rate_limit '
        '(key, hits, max_hits, window_end, create_uid, create_date) '
        f"VALUES (%s, 1, %s, {now_sql} + %s * interval '1 second', 0, "
        f'{now_sql}) '
        'ON CONFLICT (key) DO UPDATE SET hits = CASE WHEN '
        f'satisfaction_rate_limit.window_end <= {now_sql} THEN 1 '
        'ELSE LEAST(satisfaction_rate_limit.hits + 1, '
        'EXCLUDED.max_hits + 1) END, window_end = CASE WHEN '
        f'satisfaction_rate_limit.window_end <= {now_sql} '
        'THEN EXCLUDED.window_end ELSE satisfaction_rate_limit.window_end '
        'END, max_hits = EXCLUDED.max_hits RETURNING hits <= max_hits',
        (RateLimit.digest(f'survey_posts:{address}'), limit,
            SURVEY_POSTS_WINDOW))
    if not rate_rows[0][0]:
        return Response('too many', status=429)

    prefix = integrity.ip_prefix(address)
    device = integrity.device_hash(settings['token_key'],
        request.headers.get('User-Agent', '')[:512], prefix)
    same_device = 0
    if settings['device_window']:
        cursor.execute(
            'SELECT COUNT(*) FROM satisfaction_response '
            "WHERE COALESCE(device_hash, '') = %s AND submitted_date >= %s",
            (device, integrity.window_start(now, settings['device_window'])))
        same_device, = cursor.fetchone()
    found = integrity.signals(
        now, address=address, networks=networks, printed=printed,
        opened=form_opened,
        honeypot=request.form.get(integrity.HONEYPOT_FIELD) or '',
        same_device=same_device,
        print_seconds=settings['print_seconds'],
        min_seconds=settings['min_seconds'],
        form_shown=form_opened is not None,
        device_limit=settings['device_limit'])

    user = transaction.user
    cursor.execute(
        'INSERT INTO satisfaction_response (invitation, dossier, '
        'questionnaire, submitted_date, language, comment, review_state, '
        'excluded, ip_prefix, device_hash, create_uid, create_date) '
        'VALUES (%s, %s, %s, %s, %s, %s, %s, false, %s, %s, %s, '
        'CURRENT_TIMESTAMP) RETURNING id',
        (invitation, dossier, questionnaire, now,
            request.form.get('lang') or 'vi', comment,
            'pending' if found else 'none', prefix or None, device, user))
    response, = cursor.fetchone()
    cursor.execute(
        'INSERT INTO satisfaction_response_answer (response, question, '
        'value, not_applicable, choice, text, create_uid, create_date) '
        'VALUES ' + ', '.join(
            ['(%s, %s, %s, %s, %s, %s, %s, CURRENT_TIMESTAMP)'] * len(lines)),
        [v for line in lines for v in (response, *line, user)])
    if found:
        cursor.execute(
            'INSERT INTO satisfaction_response_flag (response, reason, '
            'detail, create_uid, create_date) VALUES ' + ', '.join(
                ['(%s, %s, %s, %s, CURRENT_TIMESTAMP)'] * len(found)),
            [v for reason, detail in found
                for v in (response, reason, detail or None, user)])
    cursor.execute(
        'UPDATE satisfaction_invitation SET state = %s, answered_date = %s, '
        'write_uid = %s, write_date = CURRENT_TIMESTAMP WHERE id = %s',
        ('answered', now, user, invitation))
    return Response('<!DOCTYPE html><title>Cảm ơn</title><p>Cảm ơn</p>',
        content_type='text/html; charset=utf-8')
