# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The citizen's survey over HTTP, without account nor cookie.

Routes (all run as the root user: each one checks its token itself):

- ``GET /<db>/s/<token>``: the invitation; only records when it was opened.
- ``GET /<db>/s/<token>/form``: the questionnaire.
- ``GET /<db>/s/<token>/decline``: the confirmation of a decline; writes
  nothing.
- ``POST /<db>/s/<token>``: ``action=answer`` with the ``q_<code>`` fields
  (and the complaint mark and callback of followup_web.py), or
  ``action=decline`` (sent by the confirmation), or ``action=rerate`` (the
  rating of how the follow-up of an answer was handled).
- Once answered, ``GET /<db>/s/<token>`` shows the follow-up of an unhappy
  answer: its deadline, then the agency's reply and the re-rating form.
- ``GET /<db>/p`` and ``POST /<db>/p``: the counter poster, where the
  dossier code and the short code of the receipt are typed.
- ``GET /favicon.ico``: the icon of the pages.

The pages and requests are in web.py, the rate limits in limits.py: a
request is counted once its outcome is known (valid or failed), in one
statement, so that a well-formed answer of an open invitation is never
refused because of earlier failures.
"""
import os
import re
from http import HTTPStatus

from trytond import backend
from trytond.model.modelsql import SQLConstraintError
from trytond.modules.one_stop.localtime import format_dmy
from trytond.protocols.wrappers import (
    Response, allow_null_origin, set_max_request_size, with_pool,
    with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import answers, followup_web, integrity, tokens
from .limits import (
    POSTER_ADDRESS, POSTER_DOSSIER, SURVEY_FAILURES, SURVEY_POSTS,
    TOKEN_FAILURES, RequestLimits, dossier_key)
from .pages import question_count, question_specs, question_views
from .response import Submission
from .scoring import UNHAPPY_MAX
from .web import MAX_BODY, Page, busy, client_address, local_dmy, read_form

POST_ACTIONS = {'answer', 'decline', 'rerate'}

SURVEY_METHODS = 'GET, HEAD, POST'
FORM_METHODS = 'GET, HEAD'
_COUNTER = re.compile(r'[0-9]{1,9}')
with open(os.path.join(
            os.path.dirname(__file__), 'static', 'favicon.ico'), 'rb') as fp:
    FAVICON = fp.read()


# Browsers send "Origin: null" with the forms of a page served with
# "Referrer-Policy: no-referrer"; the secret token in the path, not the
# origin, is what authorises a post.
@app.route('/<database_name>/s/<token>')
@allow_null_origin
@set_max_request_size(MAX_BODY)
@with_pool
@busy
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
    found = followup_web.followup_of_invitation(pool, invitation)
    if found is not None:
        return page.respond(
            'followup', post_url=page.url(f's/{token}', with_lang=False),
            **followup_web.followup_values(pool, found[1]))
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
            decline_url=page.url(f's/{token}/decline'))


def _submit(request, pool, token):
    """The answer or the decline: counted as a valid post when it is one,
    else as a failure of the address (and of the invitation, when there is
    one), whose page becomes a 429 once a failure budget is spent"""
    Invitation = pool.get('satisfaction.invitation')
    Response = pool.get('satisfaction.response')
    address = client_address(request)
    request_limits = RequestLimits(request)

    form = read_form(request)
    page = Page(request, pool.database_name, f's/{token}', form=form)
    # back to the survey, or to the poster's entry when the link is broken
    to_poster = not tokens.is_well_formed_token(token)
    back_url = page.url('p') if to_poster else page.url(f's/{token}')

    def refused(invitation=None):
        "The 429 of a failure once a failure budget is spent, or None"
        pairs = [(SURVEY_FAILURES, address)]
        if invitation is not None:
            pairs.append((TOKEN_FAILURES, invitation.id))
        decision = request_limits.count('failure', *pairs)
        if not decision.admitted:
            return page.too_many(decision, back_url, to_poster)
        return None

    if form is None:
        return refused() or page.too_large()
    actions = form.get('action') or []
    action = actions[0] if len(actions) == 1 else None
    if action not in POST_ACTIONS:
        return refused() or page.error(
            'bad_request', HTTPStatus.BAD_REQUEST)

    invitation = Invitation.find_by_token(token, lock=True)
    if action == 'rerate':
        def count_valid():
            decision = request_limits.count('valid', (SURVEY_POSTS, address))
            if not decision.admitted:
                return page.too_many(decision, back_url)
        return followup_web.rerate(
            pool, page, token, invitation, form, refused, count_valid)
    closed = page.closed(invitation)
    if closed:
        return refused(invitation) or closed

    if action == 'answer':
        specs = question_specs(invitation.questionnaire)
        result = answers.validate(specs, form)
        options = followup_web.loop_options(pool)
        loop = followup_web.read_loop_form(form, options)
        if not result.valid or loop.error:
            too_many = refused(invitation)
            if too_many:
                return too_many
            questions = question_views(
                invitation.questionnaire, page.lang, form, result.errors)
            return page.respond(
                'form', HTTPStatus.UNPROCESSABLE_ENTITY,
                questions=questions,
                invalid=[q for q in questions if q.error],
                form_error=result.errors.get('_form'),
                post_url=page.url(f's/{token}', with_lang=False),
                **{**options, **loop.echo})

    # a valid post: only the valid posts of the address can refuse it
    decision = request_limits.count('valid', (SURVEY_POSTS, address))
    if not decision.admitted:
        return page.too_many(decision, back_url)
    if action == 'decline':
        Invitation.decline([invitation])
        return page.respond('declined')
    Feedback = pool.get('one_stop.feedback')
    honeypot = form.get(integrity.HONEYPOT_FIELD) or ['']
    submission = Submission(
        invitation, result.answers, language=page.lang, client={
            'address': client_address(request),
            'user_agent': request.headers.get('User-Agent', '')[:512],
            'honeypot': ''.join(honeypot),
            }, complaint=loop.complaint, callback_phone=loop.phone)
    try:
        response, = Response.submit_many([submission])
    except (backend.DatabaseIntegrityError, SQLConstraintError):
        # the unique invitation of the responses: another answer won
        Transaction().rollback()
        return page.error('answered', HTTPStatus.CONFLICT)
    unhappy = any(
        a.value is not None and a.value <= UNHAPPY_MAX
        for a in result.answers)
    followup = None
    if Feedback.needs_followup(submission):
        followup = Feedback.followup_of(response.id)
    return page.respond(
        'thanks', unhappy=unhappy, followup=followup is not None,
        days=followup.kind.handling_days if followup else None,
        deadline=format_dmy(followup.deadline_date) if followup else None)


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
        post_url=page.url(f's/{token}', with_lang=False),
        **followup_web.loop_options(pool))


@app.route('/<database_name>/s/<token>/decline')
@set_max_request_size(MAX_BODY)
@with_pool
@busy
@with_transaction(readonly=True)
def survey_decline(request, pool, token):
    """The confirmation of a decline, a page of its own so that a decline
    is never one tap; the decline itself is its POST to the survey"""
    Invitation = pool.get('satisfaction.invitation')
    page = Page(request, pool.database_name, f's/{token}/decline')
    if request.method not in {'GET', 'HEAD'}:
        return page.method_not_allowed(FORM_METHODS)
    invitation = Invitation.find_by_token(token)
    closed = page.closed(invitation)
    if closed:
        return closed
    return page.respond(
        'decline',
        form_url=page.url(f's/{token}/form'),
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

    if form is None:
        return page.too_large()
    dossier_code = (form.get('dossier') or [''])[0][:40]
    short_code = (form.get('code') or [''])[0][:40]
    invitation = None
    if '\x00' not in dossier_code:  # PostgreSQL refuses a NUL in text
        invitation = Invitation.find_by_codes(dossier_code, short_code)
    request_limits = RequestLimits(request)
    dossier = dossier_key(dossier_code)
    if invitation is not None:
        # a right pair: refused only while the dossier's budget is spent,
        # whatever the address did
        decision = request_limits.peek('right', POSTER_DOSSIER, dossier)
        if decision.admitted:
            return page.redirect(f's/{invitation.token()}')
    else:
        # a wrong pair: counted for the dossier typed (guessing its short
        # code) and for the address; nothing typed guesses no dossier
        pairs = [(POSTER_ADDRESS, client_address(request))]
        if dossier:
            pairs.insert(0, (POSTER_DOSSIER, dossier))
        decision = request_limits.count('wrong', *pairs)
    if not decision.admitted:
        return page.too_many(
            decision, page.url('p', **page.query), to_poster=True)
    # The same answer whatever was wrong: nothing about any dossier
    values.update(dossier_code=dossier_code.strip(), wrong=True)
    return page.respond('poster', HTTPStatus.BAD_REQUEST, **values)


@app.route('/favicon.ico')
def favicon(request):
    "The icon that browsers ask for: never an error page"
    response = Response(FAVICON, content_type='image/x-icon')
    response.headers['Cache-Control'] = 'public, max-age=86400'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response
