# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The routes of the integration API (every one documented in
openapi.json, served at ``/<db>/api/v1/openapi.json``):

- ``PUT /<db>/api/v1/dossiers/<code>``: upsert one dossier by its legal code;
- ``POST /<db>/api/v1/dossiers/bulk``: upsert up to 1,000 dossiers, all or
  none;
- ``GET /<db>/api/v1/dossiers/<code>``: the dossier and its survey;
- ``GET /<db>/api/v1/dossiers/<code>/qr.svg``, ``qr.png``: the QR code of its
  open survey;
- ``GET /<db>/api/v1/dossiers/<code>/receipt.pdf?format=a5|thermal``: the
  result receipt with the survey;
- ``GET /<db>/api/v1/agencies/<code>/figures?from=&to=``: the survey figures
  of an agency over a period (the LGSP aggregate);
- ``GET /<db>/api/v1/webhooks/deliveries``: the last deliveries of the
  platform; ``POST /<db>/api/v1/webhooks/deliveries/<id>/replay``.

The frame (key, scope, limits, errors, audit) is api.py, what a dossier may
say payload.py, the mirror mirror.py.
"""
import base64
import json
import os
import re
from http import HTTPStatus

from trytond.modules.one_stop.localtime import to_local
from trytond.modules.one_stop.qrcodes import qrcode_image
from trytond.modules.public_satisfaction import scoring
from trytond.modules.public_satisfaction.statistics import period_figures
from trytond.protocols.wrappers import Response
from trytond.wsgi import app

from trytond.modules.public_satisfaction.invitation import OPEN_STATES

from . import payload
from .api import PREFIX, api_route, json_response, read_json
from .mirror import chunked
from .payload import CODE, REF, PayloadError
from .qr import qrcode_svg

MAX_PERIOD_DAYS = 366
RECEIPTS = {
    'a5': 'one_stop.dossier.result_receipt',
    'thermal': 'one_stop.dossier.result_receipt_thermal',
    }
with open(os.path.join(os.path.dirname(__file__), 'openapi.json'),
        encoding='utf-8') as fp:
    OPENAPI = fp.read()
_ID = re.compile(r'[0-9]{1,12}')


def _local_iso(value, timezone):
    if value is None:
        return None
    return to_local(value, timezone).isoformat()


def _base(request, pool):
    return f'{request.host_url.rstrip("/")}/{pool.database_name}/api/v1'


def describe(request, pool, links, images=False):
    """The answer of the API about links, (legal code, dossier id): state,
    survey eligibility and state, and the open survey's link, short code,
    expiry, QR code (inline with images) and receipts"""
    result = []
    for chunk in chunked(links):
        result.extend(_describe(request, pool, chunk, images))
    return result


def _describe(request, pool, links, images):
    Dossier = pool.get('one_stop.dossier')
    Invitation = pool.get('satisfaction.invitation')
    timezone = Dossier.timezone()
    base = _base(request, pool)
    result = []
    dossiers = Dossier.browse([dossier_id for _, dossier_id in links])
    states = Dossier.get_satisfaction_state(dossiers, 'satisfaction_state')
    # Dossier.open_invitation of each, in one search
    open_ = {}
    for invitation in Invitation.search([
                ('dossier', 'in', [d.id for d in dossiers]),
                ('state', 'in', list(OPEN_STATES)),
                ]):
        if invitation.is_open:
            open_[invitation.dossier.id] = invitation
    for (code, _), dossier in zip(links, dossiers):
        survey = None
        invitation = open_.get(dossier.id)
        if invitation:
            url = invitation.survey_url()
            survey = {
                'url': url,
                'short_code': invitation.short_code,
                'expiry': _local_iso(invitation.expiry, timezone),
                'qr_svg_url': f'{base}/dossiers/{code}/qr.svg',
                'qr_png_url': f'{base}/dossiers/{code}/qr.png',
                'receipts': {
                    kind: f'{base}/dossiers/{code}/receipt.pdf?format={kind}'
                    for kind in RECEIPTS},
                }
            if images:
                image = qrcode_image(url, symbol_mm=30)
                survey['qr_svg'] = qrcode_svg(url)
                survey['qr_png'] = (base64.b64encode(image.png).decode()
                    if image else None)
        result.append({
                'code': code,
                'host_code': dossier.code,
                'agency': dossier.agency.code,
                'procedure': dossier.procedure.code,
                'state': dossier.state,
                'eligibility': dossier.satisfaction_eligibility,
                'survey_state': states[dossier.id],
                'survey': survey,
                })
    return result


def _link(pool, platform, code):
    """(legal code, dossier id) of the legal code, 404 when unknown, 403
    out of scope"""
    External = pool.get('satisfaction.api.dossier')
    if not CODE.fullmatch(code or ''):
        raise PayloadError(404, 'unknown_dossier', 'code', dossier='-')
    link = External.find(platform, [code]).get(code)
    if link is None:
        raise PayloadError(404, 'unknown_dossier', 'code', dossier=code)
    return code, link['dossier']


@api_route('/dossiers/<code>', ['PUT'], 'dossier.put')
def put_dossier(request, pool, platform, code):
    "Upsert one dossier by its legal code"
    Dossier = pool.get('one_stop.dossier')
    External = pool.get('satisfaction.api.dossier')
    item = payload.parse_dossier(
        read_json(request), Dossier.timezone(), code=code)
    link, = External.upsert(platform, [item])
    return describe(request, pool, [link], images=True)[0], 1


@api_route('/dossiers/bulk', ['POST'], 'dossier.bulk')
def bulk_dossiers(request, pool, platform):
    "Upsert up to payload.MAX_BULK dossiers, all or none"
    Dossier = pool.get('one_stop.dossier')
    External = pool.get('satisfaction.api.dossier')
    inputs = payload.parse_bulk(read_json(request), Dossier.timezone())
    links = External.upsert(platform, inputs)
    return {'dossiers': describe(request, pool, links)}, len(inputs)


@api_route('/dossiers/<code>', ['GET'], 'dossier.get')
def get_dossier(request, pool, platform, code):
    "The dossier and the state of its survey"
    link = _link(pool, platform, code)
    return describe(request, pool, [link], images=False)[0]


def _open_survey_url(pool, link):
    Dossier = pool.get('one_stop.dossier')
    code, dossier_id = link
    invitation = Dossier(dossier_id).open_invitation()
    if not invitation:
        raise PayloadError(404, 'no_open_survey', 'code', dossier=code)
    return invitation.survey_url()


@api_route('/dossiers/<code>/qr.svg', ['GET'], 'dossier.qr_svg')
def qr_svg(request, pool, platform, code):
    url = _open_survey_url(pool, _link(pool, platform, code))
    return Response(qrcode_svg(url), content_type='image/svg+xml')


@api_route('/dossiers/<code>/qr.png', ['GET'], 'dossier.qr_png')
def qr_png(request, pool, platform, code):
    url = _open_survey_url(pool, _link(pool, platform, code))
    return Response(
        qrcode_image(url, symbol_mm=30).png, content_type='image/png')


@api_route('/dossiers/<code>/receipt.pdf', ['GET'], 'dossier.receipt')
def receipt(request, pool, platform, code):
    "The result receipt of the dossier, A5 or 80 mm, with its survey"
    Dossier = pool.get('one_stop.dossier')
    code, dossier_id = _link(pool, platform, code)
    kind = request.args.get('format', 'a5')
    if kind not in RECEIPTS:
        raise PayloadError(400, 'invalid_choice', 'format',
            choices=', '.join(RECEIPTS))
    if Dossier(dossier_id).state != 'returned':
        raise PayloadError(409, 'not_returned', 'code', dossier=code)
    Report = pool.get(RECEIPTS[kind], type='report')
    _, content, _, _ = Report.execute([dossier_id], {})
    return Response(bytes(content), content_type='application/pdf')


def _period(request):
    days = {}
    for name in ['from', 'to']:
        value = request.args.get(name)
        if value is None:
            raise PayloadError(400, 'required', name)
        days[name] = payload.parse_date(value, name)
    if days['to'] < days['from']:
        raise PayloadError(400, 'period_order', 'to')
    if (days['to'] - days['from']).days >= MAX_PERIOD_DAYS:
        raise PayloadError(400, 'period_too_long', 'to',
            days=MAX_PERIOD_DAYS)
    return days['from'], days['to']


def _percent(part, whole):
    rate = scoring.ratio(part, whole)
    return round(rate * 100, 1) if rate is not None else None


def _levels(counts):
    total = sum(counts.get(level, 0) for level in scoring.LEVELS)
    return {
        'counts': {str(v): counts.get(v, 0) for v in scoring.LEVELS},
        'percent': {str(v): _percent(counts.get(v, 0), total)
            for v in scoring.LEVELS},
        'rated': total,
        'satisfied_percent': _percent(
            sum(counts.get(v, 0) for v in scoring.SATISFIED), total),
        }


def figures_json(agency, start, end, figures):
    "The LGSP-style aggregate of figures (statistics.Figures) of agency"
    questions = []
    for element, code in sorted(
            set(figures.ratings) | set(figures.not_applicable)):
        counts = figures.ratings.get((element, code), {})
        questions.append({
                'element': element, 'question': code,
                'not_applicable': figures.not_applicable.get(
                    (element, code), 0),
                **_levels(counts)})
    rate_766 = figures.ratio_766
    return {
        'agency': agency.code,
        'from': start.isoformat(),
        'to': end.isoformat(),
        'invited': figures.eligible,
        'opened': figures.opened,
        'answered': figures.answered,
        'declined': figures.declined,
        'expired': figures.expired,
        'excluded': figures.excluded,
        'coverage_percent': (round(figures.coverage * 100, 1)
            if figures.coverage is not None else None),
        'overall': _levels(figures.overall_counts),
        'questions': questions,
        'dossiers_returned': figures.dossiers,
        'bad_dossiers': figures.bad_dossiers,
        'ratio_766_percent': (round(rate_766 * 100, 1)
            if rate_766 is not None else None),
        }


@api_route('/agencies/<code>/figures', ['GET'], 'agency.figures')
def agency_figures(request, pool, platform, code):
    "The survey figures of an agency over a period"
    Agency = pool.get('one_stop.agency')
    if not REF.fullmatch(code or ''):
        raise PayloadError(404, 'unknown_agency', 'agency', agency='-')
    agencies = Agency.search([('code', '=', code)], limit=1)
    if not agencies:
        raise PayloadError(404, 'unknown_agency', 'agency', agency=code)
    agency, = agencies
    if not platform.in_scope(agency):
        raise PayloadError(403, 'agency_out_of_scope', 'agency', agency=code)
    start, end = _period(request)
    figures = period_figures([agency.id], start, end)[agency.id]
    return figures_json(agency, start, end, figures)


def _delivery_json(delivery):
    return {
        'id': delivery.id,
        'uuid': delivery.uuid,
        'event': delivery.event,
        'state': delivery.state,
        'attempts': delivery.attempt_count,
        'created': delivery.created.isoformat() + 'Z',
        'next_attempt': (delivery.next_attempt.isoformat() + 'Z'
            if delivery.next_attempt else None),
        'delivered': (delivery.delivered_date.isoformat() + 'Z'
            if delivery.delivered_date else None),
        }


@api_route('/webhooks/deliveries', ['GET'], 'webhook.deliveries')
def deliveries(request, pool, platform):
    "The last 100 deliveries of the platform"
    Delivery = pool.get('satisfaction.api.webhook.delivery')
    domain = [('webhook.platform', '=', platform.id)]
    state = request.args.get('state')
    if state is not None:
        if state not in {'pending', 'delivered', 'failed'}:
            raise PayloadError(400, 'invalid_choice', 'state',
                choices='pending, delivered, failed')
        domain.append(('state', '=', state))
    return {'deliveries': [_delivery_json(d)
            for d in Delivery.search(domain, limit=100)]}


@api_route('/webhooks/deliveries/<delivery_id>/replay', ['POST'],
    'webhook.replay')
def replay(request, pool, platform, delivery_id):
    "Queue a delivery of the platform again"
    Delivery = pool.get('satisfaction.api.webhook.delivery')
    found = []
    if _ID.fullmatch(delivery_id):
        found = Delivery.search([
                ('id', '=', int(delivery_id)),
                ('webhook.platform', '=', platform.id),
                ])
    if not found:
        raise PayloadError(404, 'unknown_delivery', 'id')
    Delivery.replay(found)
    return json_response(
        _delivery_json(Delivery(found[0].id)), HTTPStatus.ACCEPTED)


@app.route(PREFIX + '/openapi.json', methods=['GET'])
def openapi(request, database_name):
    "The OpenAPI 3.1 description of the routes (public, no key)"
    document = json.loads(OPENAPI)
    document['servers'] = [{
            'url': f'{request.host_url.rstrip("/")}/{database_name}/api/v1'}]
    response = Response(
        json.dumps(document, ensure_ascii=False),
        content_type='application/json; charset=utf-8')
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response

