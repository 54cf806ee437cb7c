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

The pages and requests are in web.py, the rate limits in limits.py.
"""
import re
from functools import wraps
from http import HTTPStatus

from trytond import backend
from trytond.model.modelsql import SQLConstraintError
from trytond.protocols.wrappers import (
    allow_null_origin, set_max_request_size, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import answers, integrity, limits
from .pages import question_count, question_specs, question_views
from .scoring import UNHAPPY_MAX
from .web import MAX_BODY, Page, busy, client_address, local_dmy, read_form

SURVEY_METHODS = 'GET, HEAD, POST'
FORM_METHODS = 'GET, HEAD'
_COUNTER = re.compile(r'[0-9]{1,9}')


def _post_limits(func):
    """Count a POST against the rate limits once per request, not once per
    retry of its transaction, and hand the limiter that refused it (or
    None) to func as ``refused``"""
    @wraps(func)
    def wrapper(request, pool, token):
        refused = None
        if request.method == 'POST':
            refused = limits.survey_post_refused(
                client_address(request), token)
        return func(request, pool, token, refused=refused)
    return wrapper


# Browsers send "Origin: null" with the forms of a page served with
# "Referrer-Policy: no-referrer"; the secret token in the path, not the
# origin, is what authorises a post.
@app.route('/<database_name>/s/<token>')
@allow_null_origin
@set_max_request_size(MAX_BODY)
@with_pool
@busy
@_post_limits
@with_transaction(readonly=False)
def survey(request, pool, token, refused=None):
    "The invitation page (GET) and the answer or the decline (POST)"
    Invitation = pool.get('satisfaction.invitation')
    if request.method == 'POST':
        return _submit(request, pool, token, refused)
    page = Page(request, pool.database_name, f's/{token}')
    if request.method not in {'GET', 'HEAD'}:
        return page.method_not_allowed(SURVEY_METHODS)
    invitation = Invitation.find_by_token(token)
    closed = page.closed(invitation)
    if closed:
        return closed
    Agency = pool.get('one_stop.agency')
    Procedure = pool.get('one_stop.procedure')
    # taken before the write, which would make the invitation read again
    agency_id, procedure_id = invitation.agency.id, invitation.procedure.id
    questionnaire, expiry = invitation.questionnaire, invitation.expiry
    # A HEAD (link preview) leaves no trace; a GET records the first opening
    if request.method == 'GET':
        Invitation.open([invitation])
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


def _submit(request, pool, token, refused):
    Invitation = pool.get('satisfaction.invitation')
    Response = pool.get('satisfaction.response')

    form = read_form(request)
    page = Page(request, pool.database_name, f's/{token}', form=form)
    if refused is not None:
        return page.too_many(refused.window)
    if form is None:
        return page.too_large()
    actions = form.get('action') or []
    action = actions[0] if len(actions) == 1 else None
    if action not in {'answer', 'decline'}:
        return page.error('bad_request', HTTPStatus.BAD_REQUEST)

    invitation = Invitation.find_by_token(token, lock=True)
    closed = page.closed(invitation)
    if closed:
        return closed

    if action == 'decline':
        Invitation.decline([invitation])
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
        Response.submit(
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
        a.value is not None and a.value <= UNHAPPY_MAX
        for a in result.answers)
    return page.respond('thanks', unhappy=unhappy)


@app.route('/<database_name>/s/<token>/form')
@set_max_request_size(MAX_BODY)
@with_pool
@busy
@with_transaction(readonly=False)
def survey_form(request, pool, token):
    "The questionnaire"
    Invitation = pool.get('satisfaction.invitation')
    page = Page(request, pool.database_name, f's/{token}/form')
    if request.method not in {'GET', 'HEAD'}:
        return page.method_not_allowed(FORM_METHODS)
    invitation = Invitation.find_by_token(token)
    closed = page.closed(invitation)
    if closed:
        return closed
    questionnaire = invitation.questionnaire  # before the write
    if request.method == 'GET':
        Invitation.show_form([invitation])
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
        form = read_form(request)
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
    if limits.poster_limiter.blocked(address):
        return page.too_many(limits.poster_limiter.window)
    if form is None:
        return page.too_large()
    dossier_code = (form.get('dossier') or [''])[0][:40]
    short_code = (form.get('code') or [''])[0][:40]
    invitation = None
    if '\x00' not in dossier_code:  # PostgreSQL refuses a NUL in text
        invitation = Invitation.find_by_codes(dossier_code, short_code)
    if invitation is None:
        # The same answer whatever was wrong: nothing about any dossier
        limits.poster_limiter.add(address)
        values.update(dossier_code=dossier_code.strip(), wrong=True)
        return page.respond('poster', HTTPStatus.BAD_REQUEST, **values)
    return page.redirect(f's/{invitation.token()}')
