# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The HTTP side of the citizen's pages: the page being answered (language,
links, the HTML response and its headers), the form of a request, the
refusals, and the pages shown when the database is busy or out of reach.

Pages are sent compressed (gzip) to the clients that accept it.

Settings, section ``[public_satisfaction]``: ``max_body`` bytes (16384).
"""
import gzip
from functools import wraps
from http import HTTPStatus
from urllib.parse import urlencode

from werkzeug.exceptions import RequestEntityTooLarge

from trytond import backend, config
from trytond.modules.one_stop.localtime import format_dmy, to_local
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.transaction import Transaction

from .pages import LANGUAGE_NAMES, LANGUAGES, language_of, render_page

MAX_BODY = config.getint('public_satisfaction', 'max_body', default=16 * 1024)
# a page of 10-20 KB: most of the gain of the highest level, at a fraction of
# its time
GZIP_LEVEL = 6
SECURITY_HEADERS = {
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Robots-Tag': 'noindex, nofollow',
    'Content-Security-Policy': (
        "default-src 'none'; style-src 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    }


def client_address(request):
    return request.remote_addr or ''


def local_dmy(datetime):
    "Return the naive UTC datetime as the local date of the agencies"
    Dossier = Pool().get('one_stop.dossier')
    return format_dmy(to_local(datetime, Dossier.timezone()))


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
        body = render_page(page, self.lang, **values).encode('utf-8')
        response_headers = {'Vary': 'Accept-Encoding'}
        if self.request.accept_encodings['gzip'] > 0:
            body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            response_headers['Content-Encoding'] = 'gzip'
        response = Response(
            body, status=int(status), headers=response_headers,
            content_type='text/html; charset=utf-8')
        response.headers.update(SECURITY_HEADERS)
        if headers:
            response.headers.update(headers)
        return response

    def redirect(self, path):
        response = Response(
            status=HTTPStatus.SEE_OTHER, headers={'Location': self.url(path)})
        response.headers.update(SECURITY_HEADERS)
        return response

    def error(self, kind, status, **values):
        return self.respond('error', status, kind=kind, **values)

    def method_not_allowed(self, allow):
        return self.error(
            'method', HTTPStatus.METHOD_NOT_ALLOWED, headers={'Allow': allow})

    def too_large(self):
        return self.error('too_large', HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def too_many(self, decision, back_url, to_poster=False):
        """The refusal of a rate limit (a limits.Decision): when to try
        again, and the way back: back_url, the survey or (to_poster) the
        poster's entry"""
        return self.error(
            'too_many', HTTPStatus.TOO_MANY_REQUESTS,
            minutes=decision.minutes, back_url=back_url,
            back_to_poster=to_poster,
            headers={'Retry-After': str(decision.retry_after)})

    def closed(self, invitation):
        """Return the error page of an invitation that cannot be answered
        (unknown, expired, revoked, answered or declined) or None"""
        if invitation is None:
            return self.error('not_found', HTTPStatus.NOT_FOUND)
        # not the Function field: its read is the whole row again
        status = invitation.get_status(None)
        if status == 'expired':
            return self.error(
                'expired', HTTPStatus.GONE, date=local_dmy(invitation.expiry))
        if status == 'revoked':
            return self.error('revoked', HTTPStatus.GONE)
        if status in {'answered', 'declined'}:
            return self.error(status, HTTPStatus.CONFLICT)
        if not invitation.is_open:
            return self.error('not_found', HTTPStatus.NOT_FOUND)
        return None


def read_form(request):
    "Return the form as a dict of lists, or None when it is too large"
    if (request.content_length or 0) > MAX_BODY:
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


def busy(func):
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
                return unreachable()
    return wrapper


def unreachable():
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
