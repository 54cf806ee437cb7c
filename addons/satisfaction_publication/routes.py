# This file is part of the satisfaction_publication module.  The COPYRIGHT
# file at the top level of this repository contains the full copyright
# notices and license terms.
"""The published results over HTTP, for anybody, without account.

Routes (read only, as the root user; only published periods are shown):

- ``GET /<db>/ket-qua``: the published periods and the results of the
  latest one;
- ``GET /<db>/ket-qua/<period>``: the results of a period;
- ``GET /<db>/ket-qua/<period>.csv`` and ``.json``: its open data
  (docs/open-data.md);
- ``GET /<db>/ket-qua/<period>/<agency code>``: an agency over every
  published period, with the details of that period.

``?lang=en`` switches the pages to English (Vietnamese by default).
What a request renders is kept (cache.py) with its ETag: a request whose
``If-None-Match`` has it is answered 304 without a body, the others get the
kept bytes, gzip-compressed when the client accepts it.  An unknown or
unpublished period, or an agency without a published scorecard in it, is a
404 page.
"""
import gzip
import hashlib
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlencode

from trytond.modules.one_stop.localtime import (
    format_dmy, format_dmy_hm, to_local)
from trytond.modules.public_satisfaction.pages import (
    LANGUAGE_NAMES, LANGUAGES, language_of)
from trytond.modules.public_satisfaction.web import (
    GZIP_LEVEL, SECURITY_HEADERS, busy)
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import charts, figures, publication
from .cache import rendered, stamp

METHODS = 'GET, HEAD'
# Published results are public and meant to be found and linked: the
# survey pages' headers, but kept by browsers and proxies for a while
# (then revalidated by their ETag), and indexed by search engines
HEADERS = {
    **{k: v for k, v in SECURITY_HEADERS.items() if k != 'X-Robots-Tag'},
    'Cache-Control': 'public, max-age=300',
    }
FORMATS = {
    'csv': 'text/csv; charset=utf-8',
    'json': 'application/json; charset=utf-8',
    }
PATH = 'ket-qua'


@dataclass(frozen=True)
class Rendered:
    "What a request renders, kept: the body plain and compressed"
    body: bytes
    gzipped: bytes
    content_type: str
    etag: str
    last_modified: object  # naive UTC datetime or None
    filename: str = None


def _rendered(body, content_type, last_modified, filename=None):
    return Rendered(
        body=body,
        gzipped=gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0),
        content_type=content_type,
        etag=hashlib.sha256(body).hexdigest()[:32],
        last_modified=last_modified,
        filename=filename)


@app.route(f'/<database_name>/{PATH}')
@with_pool
@busy
@with_transaction(readonly=True)
def results(request, pool):
    "The published periods, and the results of the latest"
    return _answer(request, '', '')


@app.route(f'/<database_name>/{PATH}/<period>')
@with_pool
@busy
@with_transaction(readonly=True)
def period_results(request, pool, period):
    "The results of a period, or its open data (.csv, .json)"
    return _answer(request, period, '')


@app.route(f'/<database_name>/{PATH}/<period>/<agency>')
@with_pool
@busy
@with_transaction(readonly=True)
def agency_results(request, pool, period, agency):
    "An agency over the published periods"
    return _answer(request, period, agency)


def _answer(request, period_code, agency_code):
    lang = language_of(request.args.get('lang'))
    if request.method not in {'GET', 'HEAD'}:
        return _error(request, lang, HTTPStatus.METHOD_NOT_ALLOWED,
            headers={'Allow': METHODS})
    fmt = 'html'
    if not agency_code:
        stem, _, suffix = period_code.rpartition('.')
        if suffix in FORMATS and stem:
            period_code, fmt = stem, suffix
    # the open data has no language
    key = (stamp(), period_code, agency_code, lang if fmt == 'html' else '',
        fmt)
    cache = rendered()
    entry = cache.get(key)
    if entry is None:
        entry = _render(request, period_code, agency_code, lang, fmt)
        if entry is None:
            return _error(request, lang, HTTPStatus.NOT_FOUND)
        cache.set(key, entry)
    return _send(request, entry)


def _send(request, entry):
    headers = {'Vary': 'Accept-Encoding', 'ETag': f'"{entry.etag}"'}
    if entry.filename:
        headers['Content-Disposition'] = (
            f'attachment; filename="{entry.filename}"')
    if entry.content_type in FORMATS.values():
        # open data: readable by the scripts of any site
        headers['Access-Control-Allow-Origin'] = '*'
    # If-None-Match compares weakly (RFC 9110): a proxy may have weakened it
    if request.if_none_match.contains_weak(entry.etag):
        response = Response(status=HTTPStatus.NOT_MODIFIED, headers=headers)
    else:
        body = entry.body
        if request.accept_encodings['gzip'] > 0:
            body = entry.gzipped
            headers['Content-Encoding'] = 'gzip'
        response = Response(
            body, headers=headers, content_type=entry.content_type)
    response.headers.update(HEADERS)
    if entry.last_modified:
        response.last_modified = entry.last_modified
    return response


def _error(request, lang, status, headers=None):
    "The error page: not kept, never stored by the client"
    page = _Links(request, lang, '')
    body = _page(page, 'error', status=int(status))
    response_headers = {'Vary': 'Accept-Encoding'}
    if request.accept_encodings['gzip'] > 0:
        body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        response_headers['Content-Encoding'] = 'gzip'
    response = Response(
        body, status=int(status), headers=response_headers,
        content_type='text/html; charset=utf-8')
    response.headers.update(SECURITY_HEADERS)
    response.headers.pop('X-Robots-Tag', None)
    if headers:
        response.headers.update(headers)
    return response


# --- rendering ----------------------------------------------------------

class _Links:
    "The links of a page: below the database, in the page's language"

    def __init__(self, request, lang, path):
        self.root = f'{request.script_root}/{Pool().database_name}'
        self.lang = lang
        self.path = path

    def url(self, path='', lang=None, **query):
        lang = lang or self.lang
        if lang != LANGUAGES[0]:
            query['lang'] = lang
        url = f'{self.root}/{PATH}' + (f'/{path}' if path else '')
        if query:
            url += '?' + urlencode(query)
        return url

    def data_url(self, period_code, fmt):
        return f'{self.root}/{PATH}/{period_code}.{fmt}'

    def switch(self):
        other = LANGUAGES[1] if self.lang == LANGUAGES[0] else LANGUAGES[0]
        return {
            'switch_url': self.url(self.path, lang=other),
            'switch_lang': other,
            'switch_label': LANGUAGE_NAMES[other],
            }


def _page(links, page, **values):
    "Return the HTML (bytes) of page in the language of links"
    PublicationPage = Pool().get(
        'satisfaction.publication.page', type='report')
    Dossier = Pool().get('one_stop.dossier')
    timezone = Dossier.timezone()
    values.update(links.switch())
    values.update(
        page=page, lang=links.lang, links=links,
        n=figures.Numbers(links.lang), dmy=format_dmy,
        published=lambda d: format_dmy_hm(to_local(d, timezone)),
        local_dmy=lambda d: format_dmy(to_local(d, timezone)),
        levels=figures.LEVELS, elements=figures.ELEMENTS,
        Markup=_markup)
    values.setdefault('status', 200)
    with Transaction().set_context(language=links.lang):
        html = PublicationPage.render_page(values)
    return html.encode('utf-8')


def _markup(svg):
    from genshi.core import Markup
    return Markup(svg)


def _render(request, period_code, agency_code, lang, fmt):
    "Return the Rendered of the request, or None when there is none"
    if not period_code:
        periods = publication.published_periods()
        latest = None
        if periods:
            latest = publication.period_result(periods[0], lang)
        links = _Links(request, lang, '')
        body = _page(links, 'index', periods=periods, result=latest,
            charts=_period_charts(latest, links) if latest else {})
        modified = max((p.published_date for p in periods
                if p.published_date), default=None)
        return _rendered(body, 'text/html; charset=utf-8', modified)

    period = publication.published_period(period_code)
    if period is None:
        return None
    if fmt != 'html':
        result = publication.period_result(period, 'vi')
        if fmt == 'csv':
            # with a BOM: spreadsheets then read the Vietnamese right
            body = ('\ufeff' + figures.to_csv(result)).encode('utf-8')
        else:
            body = figures.to_json(result).encode('utf-8')
        return _rendered(body, FORMATS[fmt], period.published_date,
            filename=f'ket-qua-{period.code}.{fmt}')

    if not agency_code:
        result = publication.period_result(period, lang)
        links = _Links(request, lang, period.code)
        body = _page(links, 'period', periods=publication.published_periods(),
            result=result, charts=_period_charts(result, links))
        return _rendered(
            body, 'text/html; charset=utf-8', period.published_date)

    trend = publication.agency_trend(agency_code, lang)
    focus = [(p, a) for p, a in trend if p.code == period.code]
    if not focus:
        return None
    (result, agency), = focus
    links = _Links(request, lang, f'{period.code}/{agency_code}')
    body = _page(links, 'agency', result=result, agency=agency, trend=trend,
        charts=_agency_charts(result, agency, trend, links))
    modified = max(p.published_date for p, _ in trend)
    return _rendered(body, 'text/html; charset=utf-8', modified)


def _period_charts(result, links):
    numbers = figures.Numbers(links.lang)
    return {
        'satisfaction': charts.bar_chart(
            [(a.code, a.satisfaction, numbers.percent(a.satisfaction))
                for a in result.agencies], 'chart-satisfaction-caption'),
        }


def _agency_charts(result, agency, trend, links):
    numbers = figures.Numbers(links.lang)
    valid = agency.valid_answers
    return {
        'trend': charts.line_chart(
            [p.code for p, _ in trend],
            [('satisfaction', [a.satisfaction for _, a in trend]),
                ('sipas', [a.sipas_index for _, a in trend])],
            'chart-trend-caption', legend=False),
        'levels': charts.bar_chart(
            [(str(level), (agency.levels.get(level, 0) / valid)
                    if valid else None,
                    numbers.integer(agency.levels.get(level, 0)))
                for level in figures.LEVELS], 'chart-levels-caption'),
        }
