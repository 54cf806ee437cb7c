# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The citizen's side of the closed loop on the survey pages: the complaint
mark and the callback of the form, the follow-up shown at the survey link
once the answer is stored, and the re-rating of its handling (POST
``action=rerate``)."""
from dataclasses import dataclass, field
from http import HTTPStatus

from trytond import backend
from trytond.model.modelsql import SQLConstraintError
from trytond.modules.one_stop.localtime import format_dmy
from trytond.modules.one_stop_feedback.rules import OPEN_STATES
from trytond.modules.one_stop_feedback.rules import (
    OUT_OF_SCOPE_STATES as ENDED_STATES)
from trytond.transaction import Transaction, without_check_access

from . import followup_rules
from .web import local_dmy

RATING_VALUES = {'1', '2', '3', '4', '5'}
MAX_COMMENT = 1000


def loop_options(pool):
    "What the form offers: the complaint mark, the callback"
    Configuration = pool.get('satisfaction.configuration')
    settings = Configuration.answer_settings()
    return dict(
        complaint_offered=bool(settings['followup_complaints']),
        callback_offered=bool(settings['followup_callback']),
        complaint_checked=False, phone_value='', consent_checked=False,
        phone_error=None)


@dataclass
class LoopForm:
    "The complaint mark and the callback of a posted form"
    complaint: bool = False
    phone: str = None
    error: str = None  # 'invalid' or 'consent'
    echo: dict = field(default_factory=dict)


def read_loop_form(form, options):
    def ticked(name):
        return (form.get(name) or []) == ['1']
    result = LoopForm()
    result.complaint = options['complaint_offered'] and ticked('complaint')
    phone_text = ''
    if options['callback_offered']:
        phone_text = ''.join((form.get('phone') or [''])[:1])[:40]
        consent = ticked('consent')
        phone = followup_rules.callback_phone(phone_text)
        if phone is None:
            result.error = 'invalid'
        elif phone and not consent:
            result.error = 'consent'
        elif phone:
            result.phone = phone
        result.echo['consent_checked'] = consent
    result.echo.update(
        complaint_checked=result.complaint, phone_value=phone_text.strip(),
        phone_error=result.error)
    return result


def followup_of_invitation(pool, invitation):
    "(response, follow-up) of an answered invitation, or None"
    Response = pool.get('satisfaction.response')
    Feedback = pool.get('one_stop.feedback')
    if invitation is None or invitation.state != 'answered':
        return None
    with without_check_access():
        responses = Response.search(
            [('invitation', '=', invitation.id)], limit=1)
    if not responses:
        return None
    response, = responses
    feedback = Feedback.followup_of(response.id)
    if feedback is None:
        return None
    return response, feedback


def followup_values(pool, feedback):
    "The values of the follow-up page of feedback"
    Configuration = pool.get('satisfaction.configuration')
    Feedback = pool.get('one_stop.feedback')
    days = Configuration(1).rerate_days
    with without_check_access():
        reratings = list(feedback.reratings)
    values = dict(
        followup_state='answered', deadline=format_dmy(
            feedback.deadline_date),
        reason=None, reply=None, replied=None, rerated=None,
        rerate_open=False, until=None, rerate_error=False)
    if feedback.state in OPEN_STATES:
        values['followup_state'] = 'pending'
        return values
    if feedback.state in ENDED_STATES:
        values.update(followup_state='ended', reason=feedback.reason)
        return values
    until = followup_rules.rerate_until(feedback.answered_date, days)
    values.update(
        reply=feedback.answer_text, replied=local_dmy(feedback.answered_date),
        until=local_dmy(until) if until else None,
        rerate_open=followup_rules.can_rerate(
            feedback.answered_date, Feedback.now(), days, bool(reratings)))
    if reratings:
        values['rerated'] = f'{reratings[0].value}/5'
    return values


def first_rating(pool, response):
    "The rating the answer was judged on (followup_rules.deciding_rating)"
    Answer = pool.get('satisfaction.response.answer')
    overall, ratings = None, []
    with without_check_access():
        for answer in Answer.search([('response', '=', response.id)]):
            if answer.value is None:
                continue
            ratings.append(answer.value)
            if answer.question.element == 'overall':
                overall = answer.value
    return followup_rules.deciding_rating(overall, ratings)


def rerate(pool, page, token, invitation, form, refused, count_valid):
    """POST action=rerate: one rating of the handling of the follow-up.

    refused(invitation): the 429 once a failure budget is spent, or None;
    count_valid(): the 429 of the valid posts of the address, or None."""
    Feedback = pool.get('one_stop.feedback')
    found = followup_of_invitation(pool, invitation)
    if found is None:
        return (refused(invitation) or page.closed(invitation)
            or page.error('not_found', HTTPStatus.NOT_FOUND))
    response, feedback = found
    values = followup_values(pool, feedback)
    post_url = page.url(f's/{token}', with_lang=False)
    if values['rerated']:
        return refused(invitation) or page.error(
            'rerated', HTTPStatus.CONFLICT)
    if not values['rerate_open']:
        return refused(invitation) or page.respond(
            'followup', HTTPStatus.CONFLICT, post_url=post_url, **values)
    ratings = form.get('rating') or []
    comments = form.get('comment') or ['']
    comment = comments[0].strip() if len(comments) == 1 else None
    if (len(ratings) != 1 or ratings[0] not in RATING_VALUES
            or comment is None or len(comment) > MAX_COMMENT
            or '\x00' in comment):
        values['rerate_error'] = True
        return refused(invitation) or page.respond(
            'followup', HTTPStatus.UNPROCESSABLE_ENTITY, post_url=post_url,
            **values)
    too_many = count_valid()
    if too_many:
        return too_many
    try:
        Feedback.rerate(
            feedback, response, int(ratings[0]), comment,
            first=first_rating(pool, response))
    except (backend.DatabaseIntegrityError, SQLConstraintError):
        Transaction().rollback()
        return page.error('rerated', HTTPStatus.CONFLICT)
    return page.respond('rerated')
