# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The citizen's survey over HTTP, without account nor cookie.

Routes (all run as the root user: each one checks its token itself):

- ``GET /<db>/s/<token>``: the invitation; only records when it was opened.
- ``GET /<db>/s/<token>/form``: the questionnaire.
- ``POST /<db>/s/<token>``: ``action=answer`` with the ``q_<code>`` fields,
  or ``action=decline``.
- ``GET /<db>/p`` and ``POST /<db>/p``: the counter poster, where the
  dossier code and the short code of the receipt are typed.

Rate limits are kept in the memory of each worker process (a sliding window
per client address); behind a reverse proxy, set ``[web] num_proxies`` so
that the address is the citizen's.  Settings, section
``[public_satisfaction]``: ``poster_attempts`` (wrong pairs, default 10) per
``poster_window`` seconds (600), ``survey_posts`` (60) per ``survey_window``
seconds (60) per address, ``token_posts`` (10) per ``token_window`` seconds
(600) per token, ``max_body`` bytes (16384).
"""
import collections
import re
import threading
import time
from functools import wraps
from urllib.parse import urlencode

from sql import For
from werkzeug.exceptions import RequestEntityTooLarge

from trytond import backend, config
from trytond.model.modelsql import SQLConstraintError
from trytond.protocols.wrappers import (
    HTTPStatus, Response, allow_null_origin, set_max_request_size, with_pool,
    with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import answers, integrity, tokens
from .invitation import OPEN_STATES
from .pages import (
    LANGUAGE_NAMES, LANGUAGES, UNHAPPY, language_of, local_dmy,
    question_count, question_specs, question_views, render_page)

SECTION = 'public_satisfaction'
MAX_BODY = config.getint(SECTION, 'max_body', default=16 * 1024)
LOCK_TIMEOUT = 5  # seconds to wait for a concurrent answer
SECURITY_HEADERS = {
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Robots-Tag': 'noindex, nofollow',
    'Content-Security-Policy': (
        "default-src 'none'; style-src 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    }
SURVEY_METHODS = 'GET, HEAD, POST'
FORM_METHODS = 'GET, HEAD'
_COUNTER = re.compile(r'[0-9]{1,9}')


class SlidingWindow:
    """Count events per key over the last window seconds, in memory.

    The limit and window are read from the configuration at each call.
    Per worker process: several workers each allow the limit."""

    MAX_KEYS = 10000

    def __init__(self, limit_option, limit, window_option, window):
        self.limit_option, self.default_limit = limit_option, limit
        self.window_option, self.default_window = window_option, window
        self._events = {}
        self._lock = threading.RLock()  # hit() adds under its own lock

    @property
    def limit(self):
        return config.getint(
            SECTION, self.limit_option, default=self.default_limit)

    @property
    def window(self):
        return config.getint(
            SECTION, self.window_option, default=self.default_window)

    def _recent(self, key, now):
        events = self._events.get(key)
        if events is None:
            return None
        start = now - self.window
        while events and events[0] <= start:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def _purge(self, now):
        for key in list(self._events):
            self._recent(key, now)
        while len(self._events) >= self.MAX_KEYS:
            # forget the key seen least recently
            oldest = min(self._events, key=lambda k: self._events[k][-1])
            del self._events[oldest]

    def blocked(self, key):
        with self._lock:
            events = self._recent(key, time.monotonic())
            return bool(events) and len(events) >= self.limit

    def add(self, key):
        with self._lock:
            now = time.monotonic()
            events = self._recent(key, now)
            if events is None:
                if len(self._events) >= self.MAX_KEYS:
                    self._purge(now)
                events = self._events[key] = collections.deque()
            events.append(now)

    def hit(self, key):
        "Record an event of key and return False if it was over the limit"
        with self._lock:
            now = time.monotonic()
            events = self._recent(key, now)
            if events is not None and len(events) >= self.limit:
                return False
            # in the same lock: a concurrent hit must see this one
            self.add(key)
        return True

    def clear(self):
        with self._lock:
            self._events.clear()


poster_limiter = SlidingWindow('poster_attempts', 10, 'poster_window', 600)
# Citizens of a whole centre may share one address (its Wi-Fi): the limit
# per address is generous, the limit per token is tight.
survey_limiter = SlidingWindow('survey_posts', 60, 'survey_window', 60)
token_limiter = SlidingWindow('token_posts', 10, 'token_window', 600)


def client_address(request):
    return request.remote_addr or ''


class Page:
    "The request being answered: language, links and the HTML response"

    def __init__(self, request, database_name, path, form=None, query=None):
        self.request = request
        self.database_name = database_name
        self.path = path  # below the database
        self.query = query or {}
        if form is not None:
            language = (form.get('lang') or [None])[0]
        else:
            language = request.args.get('lang')
        self.lang = language_of(language)

    def url(self, path, lang=None, with_lang=True, **query):
        "Return the absolute path of path below the database"
        lang = lang or self.lang
        if with_lang and lang != LANGUAGES[0]:
            query['lang'] = lang
        query = {k: v for k, v in query.items() if v}
        url = f'{self.request.script_root}/{self.database_name}/{path}'
        if query:
            url += '?' + urlencode(query)
        return url

    def respond(self, page, status=HTTPStatus.OK, headers=None, **values):
        other = LANGUAGES[1] if self.lang == LANGUAGES[0] else LANGUAGES[0]
        values.update(
            switch_url=self.url(self.path, lang=other, **self.query),
            switch_lang=other,
            switch_label=LANGUAGE_NAMES[other],
            poster_url=self.url('p'),
            status=int(status))
        body = render_page(page, self.lang, **values)
        response = Response(
            body, status=int(status),
            content_type='text/html; charset=utf-8')
        response.headers.update(SECURITY_HEADERS)
        if headers:
            response.headers.update(headers)
        return response

    def error(self, kind, status, **values):
        return self.respond('error', status, kind=kind, **values)

    def method_not_allowed(self, allow):
        return self.error(
            'method', HTTPStatus.METHOD_NOT_ALLOWED, headers={'Allow': allow})

    def too_large(self):
        return self.error('too_large', HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def too_many(self, window):
        minutes = max(1, (window + 59) // 60)
        return self.error(
            'too_many', HTTPStatus.TOO_MANY_REQUESTS, minutes=minutes,
            headers={'Retry-After': str(window)})


def _body_too_large(request):
    return (request.content_length or 0) > MAX_BODY


def _read_form(request):
    "Return the form as a dict of lists, or None when it is too large"
    if _body_too_large(request):
        return None
    # Without a Content-Length (chunked), werkzeug silently cuts the body
    # at max_content_length: allow one byte more to tell it was longer.
    request.max_content_length = MAX_BODY + 1
    try:
        form = request.form
    except RequestEntityTooLarge:
        return None
    if request.stream.tell() > MAX_BODY:
        return None
    return {key: form.getlist(key) for key in form.keys()}


def _closed(page, invitation):
    "Return the error page of an invitation that cannot be answered or None"
    if invitation is None:
        return page.error('not_found', HTTPStatus.NOT_FOUND)
    status = invitation.status
    if status == 'expired':
        return page.error(
            'expired', HTTPStatus.GONE, date=local_dmy(invitation.expiry))
    if status == 'revoked':
        return page.error('revoked', HTTPStatus.GONE)
    if status in {'answered', 'declined'}:
        return page.error(status, HTTPStatus.CONFLICT)
    if status not in OPEN_STATES:
        return page.error('not_found', HTTPStatus.NOT_FOUND)
    return None


def _find_locked(Invitation, token):
    """Return the invitation of token, locked until the end of the transaction

    On PostgreSQL, ModelSQL.lock() of trytond 8 restarts the transaction
    with the lock taken first, NOWAIT, retried for 0.3 s only; under a burst
    of submissions of the same invitation the losers then fail with an
    unhandled LockNotAvailable (503).  So the row lock is waited for here
    (SELECT ... FOR UPDATE, at most LOCK_TIMEOUT): when the winner commits,
    REPEATABLE READ fails the loser with a serialization error, retried by
    with_transaction, after which it sees the invitation answered (409).
    Elsewhere (SQLite serializes the writing transactions) the invitation
    is locked with ModelSQL.lock().
    """
    if backend.name != 'postgresql':
        return Invitation.find_by_token(token, lock=True)
    if not tokens.is_well_formed_token(token):
        return None
    # found and locked in one query (the unique index of token_hash), as
    # Invitation.find_by_token finds it
    table = Invitation.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute('SET LOCAL lock_timeout = %d' % (LOCK_TIMEOUT * 1000))
    cursor.execute(*table.select(
            table.id, where=table.token_hash == tokens.hash_token(token),
            limit=1, for_=For('UPDATE')))
    row = cursor.fetchone()
    return Invitation(row[0]) if row else None


def _mark_opened(request, invitation):
    # A HEAD (link preview) leaves no trace; a GET records the first opening
    if request.method == 'GET':
        invitation.mark_opened()


def _busy(func):
    "Answer a friendly 503 when the database stays locked after the retries"
    @wraps(func)
    def wrapper(request, pool, *args, **kwargs):
        try:
            return func(request, pool, *args, **kwargs)
        except backend.DatabaseOperationalError:
            try:
                with Transaction().start(
                        pool.database_name, 0, readonly=True):
                    path = request.path.split('/', 2)[-1]
                    page = Page(request, pool.database_name, path)
                    return page.error(
                        'busy', HTTPStatus.SERVICE_UNAVAILABLE,
                        headers={'Retry-After': '5'})
            except Exception:
                # the database is out of reach (restarting): a page that
                # needs none of it
                return _unreachable()
    return wrapper


def _unreachable():
    response = Response(
        UNREACHABLE_PAGE, status=HTTPStatus.SERVICE_UNAVAILABLE,
        content_type='text/html; charset=utf-8')
    response.headers.update(SECURITY_HEADERS)
    response.headers['Retry-After'] = '30'
    return response


# Vietnamese first, then English: no translation can be read without the
# database
UNREACHABLE_PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<title>Hệ thống đang bận</title></head><body>'
    '<h1>Hệ thống đang bận</h1>'
    '<p>Xin vui lòng thử lại sau ít phút. Nếu bạn vừa gửi câu trả lời, '
    'hãy mở lại đường dẫn khảo sát: trang sẽ cho biết câu trả lời đã được '
    'ghi nhận hay chưa.</p>'
    '<p lang="en">The service is busy: please try again in a few minutes. '
    'If you had just sent your answers, open the survey link again: it '
    'tells whether they were recorded.</p></body></html>')


# Browsers send "Origin: null" with the forms of a page served with
# "Referrer-Policy: no-referrer"; the secret token in the path, not the
# origin, is what authorises a post.
@app.route('/<database_name>/s/<token>')
@allow_null_origin
@set_max_request_size(MAX_BODY)
@with_pool
@_busy
@with_transaction(readonly=False)
def survey(request, pool, token):
    "The invitation page (GET) and the answer or the decline (POST)"
    Invitation = pool.get('satisfaction.invitation')
    if request.method == 'POST':
        return _submit(request, pool, token)
    page = Page(request, pool.database_name, f's/{token}')
    if request.method not in {'GET', 'HEAD'}:
        return page.method_not_allowed(SURVEY_METHODS)
    invitation = Invitation.find_by_token(token)
    closed = _closed(page, invitation)
    if closed:
        return closed
    Agency = pool.get('one_stop.agency')
    Procedure = pool.get('one_stop.procedure')
    # taken before the write, which would make the invitation read again
    agency_id, procedure_id = invitation.agency.id, invitation.procedure.id
    questionnaire, expiry = invitation.questionnaire, invitation.expiry
    _mark_opened(request, invitation)
    with Transaction().set_context(language=page.lang):
        # only the translated names, not the invitation again
        agency = Agency(agency_id)
        procedure = Procedure(procedure_id)
        return page.respond(
            'invitation',
            agency=agency.name,
            procedure=procedure.name,
            date=local_dmy(expiry),
            count=question_count(questionnaire),
            form_url=page.url(f's/{token}/form'),
            post_url=page.url(f's/{token}', with_lang=False))


def _submit(request, pool, token):
    Invitation = pool.get('satisfaction.invitation')
    Response_ = pool.get('satisfaction.response')

    # Count once per request, not once per retry of the transaction
    if not getattr(request, '_satisfaction_counted', False):
        request._satisfaction_counted = True
        # the limiter that refuses tells when to come back
        request._satisfaction_refused_by = next(
            (limiter for limiter, key in [
                    (survey_limiter, client_address(request)),
                    (token_limiter, tokens.hash_token(token)
                        if tokens.is_well_formed_token(token) else ''),
                    ] if not limiter.hit(key)), None)
    form = _read_form(request)
    page = Page(request, pool.database_name, f's/{token}', form=form)
    if request._satisfaction_refused_by is not None:
        return page.too_many(request._satisfaction_refused_by.window)
    if form is None:
        return page.too_large()
    actions = form.get('action') or []
    action = actions[0] if len(actions) == 1 else None
    if action not in {'answer', 'decline'}:
        return page.error('bad_request', HTTPStatus.BAD_REQUEST)

    invitation = _find_locked(Invitation, token)
    closed = _closed(page, invitation)
    if closed:
        return closed

    if action == 'decline':
        Invitation.write([invitation], {
                'state': 'declined',
                'declined_date': Invitation.now(),
                })
        return page.respond('declined')

    specs = question_specs(invitation.questionnaire)
    result = answers.validate(specs, form)
    if not result.valid:
        questions = question_views(
            invitation.questionnaire, page.lang, form, result.errors)
        return page.respond(
            'form', HTTPStatus.UNPROCESSABLE_ENTITY,
            questions=questions,
            invalid=[q for q in questions if q.error],
            form_error=result.errors.get('_form'),
            post_url=page.url(f's/{token}', with_lang=False))
    try:
        honeypot = form.get(integrity.HONEYPOT_FIELD) or ['']
        Response_.submit(
            invitation, result.answers, language=page.lang, client={
                'address': client_address(request),
                'user_agent': request.headers.get('User-Agent', '')[:512],
                'honeypot': ''.join(honeypot),
                })
    except (backend.DatabaseIntegrityError, SQLConstraintError):
        # the unique invitation of the responses: another answer won
        Transaction().rollback()
        return page.error('answered', HTTPStatus.CONFLICT)
    unhappy = any(
        a.value is not None and a.value <= UNHAPPY for a in result.answers)
    return page.respond('thanks', unhappy=unhappy)


@app.route('/<database_name>/s/<token>/form')
@set_max_request_size(MAX_BODY)
@with_pool
@_busy
@with_transaction(readonly=False)
def survey_form(request, pool, token):
    "The questionnaire"
    Invitation = pool.get('satisfaction.invitation')
    page = Page(request, pool.database_name, f's/{token}/form')
    if request.method not in {'GET', 'HEAD'}:
        return page.method_not_allowed(FORM_METHODS)
    invitation = Invitation.find_by_token(token)
    closed = _closed(page, invitation)
    if closed:
        return closed
    questionnaire = invitation.questionnaire  # before the write
    if request.method == 'GET':
        # when the questions were first shown: an answer much faster than
        # reading them is flagged
        invitation.mark_form_opened()
    # the blank form, its HTML cached per questionnaire version
    return page.respond(
        'form', questionnaire=questionnaire,
        post_url=page.url(f's/{token}', with_lang=False))


@app.route('/<database_name>/p')
@allow_null_origin
@set_max_request_size(MAX_BODY)
@with_pool
@with_transaction(readonly=True)
def poster(request, pool):
    "The entry of the counter poster: dossier code and short code"
    Invitation = pool.get('satisfaction.invitation')
    form = None
    if request.method == 'POST':
        form = _read_form(request)
        source = form or {}
    else:
        source = {k: request.args.getlist(k) for k in request.args.keys()}
    counter = (source.get('c') or [''])[0]
    counter = counter if _COUNTER.fullmatch(counter) else ''
    page = Page(
        request, pool.database_name, 'p', form=form, query={'c': counter})
    values = dict(
        post_url=page.url('p', with_lang=False), counter=counter,
        dossier_code='', wrong=False)
    if request.method in {'GET', 'HEAD'}:
        return page.respond('poster', **values)
    if request.method != 'POST':
        return page.method_not_allowed(SURVEY_METHODS)

    address = client_address(request)
    if poster_limiter.blocked(address):
        return page.too_many(poster_limiter.window)
    if form is None:
        return page.too_large()
    dossier_code = (form.get('dossier') or [''])[0][:40]
    short_code = (form.get('code') or [''])[0][:40]
    invitation = None
    if '\x00' not in dossier_code:  # PostgreSQL refuses a NUL in text
        invitation = Invitation.find_by_codes(dossier_code, short_code)
    if invitation is None:
        # The same answer whatever was wrong: nothing about any dossier
        poster_limiter.add(address)
        values.update(dossier_code=dossier_code.strip(), wrong=True)
        return page.respond('poster', HTTPStatus.BAD_REQUEST, **values)
    location = page.url(f's/{invitation.token()}')
    response = Response(
        status=HTTPStatus.SEE_OTHER, headers={'Location': location})
    response.headers.update(SECURITY_HEADERS)
    return response
