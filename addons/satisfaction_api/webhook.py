# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Webhooks: the events of the survey pushed to the external platforms.

A subscription (``satisfaction.api.webhook``) of a platform lists the events
it wants.  ``Delivery.enqueue(event, payload, agency)`` queues one delivery
per subscription of a platform whose scope holds agency; the cron
(``Delivery.process_due``) posts the due ones, signed (signing.py), and
tries a failed one again with an exponential backoff for 24 hours; every
attempt is logged; ``Delivery.replay`` queues one again.  The invitation's
transitions (open, answer, decline, expire) enqueue their event; other
modules (the closed loop's follow-ups) call ``enqueue`` with events of
their own, declared in ``EVENTS``.

A payload never holds an answer, a comment nor anything about the citizen:
the dossier's legal code, the agency's code, the event and its time.
"""
import datetime as dt
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.one_stop.localtime import utcnow
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import signing

EVENTS = [
    ('survey.opened', "Survey Opened"),
    ('survey.answered', "Survey Answered"),
    ('survey.declined', "Survey Declined"),
    ('survey.expired', "Survey Expired"),
    ('followup.opened', "Follow-up Opened"),
    ('followup.answered', "Follow-up Answered"),
    ('followup.rerated', "Follow-up Re-rated"),
    ('followup.closed', "Follow-up Closed"),
    ]
TIMEOUT = 10
# the context key of the clock of the deliveries (tests, imports)
NOW = '_satisfaction_api_now'


def now():
    return Transaction().context.get(NOW) or utcnow()


class Webhook(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "API Webhook"
    __name__ = 'satisfaction.api.webhook'

    platform = fields.Many2One(
        'satisfaction.api.platform', "Platform", required=True,
        ondelete='CASCADE')
    url = fields.Char("URL", required=True)
    secret = fields.Char(
        "Secret", required=True, strip=False,
        help="The key of the HMAC-SHA256 signature of the deliveries.")
    events = fields.MultiSelection(EVENTS, "Events")

    @classmethod
    def default_secret(cls):
        return secrets.token_urlsafe(32)

    @classmethod
    def validate_fields(cls, webhooks, field_names):
        super().validate_fields(webhooks, field_names)
        if 'url' in field_names:
            for webhook in webhooks:
                parsed = urllib.parse.urlsplit(webhook.url or '')
                if parsed.scheme not in {'http', 'https'} or not parsed.netloc:
                    raise ValidationError(gettext(
                            'satisfaction_api.msg_webhook_url',
                            url=webhook.url))


class Delivery(ModelSQL, ModelView):
    __string__ = "API Webhook Delivery"
    __name__ = 'satisfaction.api.webhook.delivery'
    _rec_name = 'uuid'

    webhook = fields.Many2One(
        'satisfaction.api.webhook', "Webhook", required=True, readonly=True,
        ondelete='CASCADE')
    uuid = fields.Char("ID", required=True, readonly=True)
    event = fields.Char("Event", required=True, readonly=True)
    body = fields.Text("Body", required=True, readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('delivered', "Delivered"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True, sort=False)
    created = fields.DateTime("Created", required=True, readonly=True)
    next_attempt = fields.DateTime("Next Attempt", readonly=True)
    delivered_date = fields.DateTime("Delivered", readonly=True)
    attempt_count = fields.Integer("Attempts", readonly=True)
    attempts = fields.One2Many(
        'satisfaction.api.webhook.attempt', 'delivery', "Attempts",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('created', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.next_attempt, Index.Range()),
                    where=t.state == 'pending'),
                Index(t, (t.uuid, Index.Equality(cardinality='high'))),
                })
        cls._buttons.update({
                'replay': {
                    'invisible': Eval('state') == 'pending',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def default_attempt_count(cls):
        return 0

    @classmethod
    def enqueue(cls, event, payload, agency):
        """Queue event with payload (a JSON-serialisable dict, nothing that
        identifies a citizen) for the subscriptions to event of the
        platforms whose scope holds agency (a one_stop.agency); return the
        deliveries"""
        pool = Pool()
        Webhook = pool.get('satisfaction.api.webhook')
        with without_check_access():
            webhooks = [w for w in Webhook.search([
                        ('platform.active', '=', True),
                        ('platform.agencies', '=', agency.id),
                        ]) if event in (w.events or ())]
            if not webhooks:
                return []
            created = now()
            to_create = []
            for webhook in webhooks:
                identifier = str(uuid.uuid4())
                body = json.dumps({
                        'id': identifier,
                        'event': event,
                        'created': created.isoformat() + 'Z',
                        'data': payload,
                        }, ensure_ascii=False, sort_keys=True)
                to_create.append({
                        'webhook': webhook.id, 'uuid': identifier,
                        'event': event, 'body': body, 'state': 'pending',
                        'created': created, 'next_attempt': created,
                        'attempt_count': 0,
                        })
            return cls.create(to_create)

    @classmethod
    def process_due(cls):
        "Post the deliveries due (cron)"
        deliveries = cls.search([
                ('state', '=', 'pending'),
                ('next_attempt', '<=', now()),
                ], order=[('next_attempt', 'ASC'), ('id', 'ASC')], limit=500)
        cls.send(deliveries)

    @classmethod
    def post(cls, url, body, headers):
        """POST body to url; return (status or None, error text).  A
        redirect is an answer, not followed"""
        request = urllib.request.Request(
            url, data=body, method='POST', headers=headers)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                return response.status, None
        except urllib.error.HTTPError as error:
            return error.code, None
        except (OSError, ValueError) as error:
            return None, str(error)[:200]

    @classmethod
    def send(cls, deliveries):
        """Post deliveries now, log each attempt and give each its next
        state: delivered on a 2xx answer, else pending until its next
        attempt or failed once 24 hours passed"""
        pool = Pool()
        Attempt = pool.get('satisfaction.api.webhook.attempt')
        attempts, to_write = [], []
        for delivery in deliveries:
            moment = now()
            timestamp = int(moment.replace(tzinfo=dt.UTC).timestamp())
            body = delivery.body.encode('utf-8')
            headers = {
                'Content-Type': 'application/json',
                'User-Agent': 'one-stop-satisfaction-webhook/1',
                signing.TIMESTAMP_HEADER: str(timestamp),
                signing.SIGNATURE_HEADER: signing.signature(
                    delivery.webhook.secret, timestamp, body),
                signing.EVENT_HEADER: delivery.event,
                signing.DELIVERY_HEADER: delivery.uuid,
                }
            start = time.monotonic()
            status, error = cls.post(delivery.webhook.url, body, headers)
            duration = int((time.monotonic() - start) * 1000)
            attempts.append({
                    'delivery': delivery.id, 'date': moment,
                    'status': status, 'error': error, 'duration': duration,
                    })
            count = (delivery.attempt_count or 0) + 1
            values = {'attempt_count': count}
            if status is not None and 200 <= status < 300:
                values.update(state='delivered', delivered_date=moment,
                    next_attempt=None)
            else:
                following = signing.next_attempt(
                    delivery.created, count, moment)
                values.update(
                    state='pending' if following else 'failed',
                    next_attempt=following)
            to_write.extend(([delivery], values))
        if attempts:
            Attempt.create(attempts)
        if to_write:
            cls.write(*to_write)

    @classmethod
    @ModelView.button
    def replay(cls, deliveries):
        """Queue deliveries again, now, with the same body (and id: the
        receiver recognises a replay)"""
        moment = now()
        cls.write(deliveries, {
                'state': 'pending',
                'next_attempt': moment,
                'created': moment,
                })

    @classmethod
    def delete(cls, deliveries):
        if deliveries:
            raise AccessError(gettext(
                    'satisfaction_api.msg_delivery_readonly'))


class Attempt(ModelSQL, ModelView):
    __string__ = "API Webhook Attempt"
    __name__ = 'satisfaction.api.webhook.attempt'
    _log = False

    delivery = fields.Many2One(
        'satisfaction.api.webhook.delivery', "Delivery", required=True,
        readonly=True, ondelete='CASCADE')
    date = fields.DateTime("Date", required=True, readonly=True)
    status = fields.Integer("HTTP Status", readonly=True)
    error = fields.Char("Error", readonly=True)
    duration = fields.Integer("Duration (ms)", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]
        cls._sql_indexes.add(Index(t, (t.delivery, Index.Equality())))

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('satisfaction_api.msg_delivery_readonly'))

    @classmethod
    def delete(cls, attempts):
        if attempts:
            raise AccessError(gettext(
                    'satisfaction_api.msg_delivery_readonly'))


class Invitation(metaclass=PoolMeta):
    __name__ = 'satisfaction.invitation'

    @classmethod
    def _moving(cls, invitations, state):
        "The invitations that the transition to state moves"
        return [i for i in invitations
            if i.state != state and (i.state, state) in cls._transitions]

    @classmethod
    def _enqueue(cls, invitations, event):
        pool = Pool()
        Delivery = pool.get('satisfaction.api.webhook.delivery')
        External = pool.get('satisfaction.api.dossier')
        if not invitations:
            return
        with without_check_access():
            legal = {k.dossier.id: k.code for k in External.search([
                        ('dossier', 'in', [i.dossier.id for i in invitations]),
                        ])}
            for invitation in invitations:
                dossier = invitation.dossier
                Delivery.enqueue(event, {
                        'dossier': legal.get(dossier.id, dossier.code),
                        'host_code': dossier.code,
                        'agency': invitation.agency.code,
                        'survey_state': event.split('.', 1)[1],
                        }, invitation.agency)

    @classmethod
    def open(cls, invitations, dates=None, form=False):
        moving = cls._moving(invitations, 'opened')
        super().open(invitations, dates=dates, form=form)
        cls._enqueue(moving, 'survey.opened')

    @classmethod
    def answer(cls, invitations, dates=None):
        moving = cls._moving(invitations, 'answered')
        super().answer(invitations, dates=dates)
        cls._enqueue(moving, 'survey.answered')

    @classmethod
    def decline(cls, invitations, dates=None):
        moving = cls._moving(invitations, 'declined')
        super().decline(invitations, dates=dates)
        cls._enqueue(moving, 'survey.declined')

    @classmethod
    def expire(cls, invitations):
        moving = cls._moving(invitations, 'expired')
        super().expire(invitations)
        cls._enqueue(moving, 'survey.expired')


class Feedback(metaclass=PoolMeta):
    "The follow-ups of unhappy answers (public_satisfaction) as events"
    __name__ = 'one_stop.feedback'

    @classmethod
    def _enqueue_followups(cls, feedbacks, event, extra=None):
        """Queue event for the follow-ups of the survey among feedbacks:
        the dossier's codes, the agency, the follow-up's code, state and
        deadline — never its content, the answer nor a phone"""
        pool = Pool()
        Delivery = pool.get('satisfaction.api.webhook.delivery')
        External = pool.get('satisfaction.api.dossier')
        with without_check_access():
            followups = [(f, f.origin) for f in cls.browse(feedbacks)
                if f.channel == 'survey' and f.origin
                and f.origin.__name__ == 'satisfaction.response']
            if not followups:
                return
            dossiers = [r.dossier for _, r in followups]
            legal = {k.dossier.id: k.code for k in External.search([
                        ('dossier', 'in', [d.id for d in dossiers]),
                        ])}
            for (feedback, _), dossier in zip(followups, dossiers):
                payload = {
                    'dossier': legal.get(dossier.id, dossier.code),
                    'host_code': dossier.code,
                    'agency': feedback.agency.code,
                    'followup': feedback.code,
                    'followup_state': feedback.state,
                    'deadline': (feedback.deadline_date.isoformat()
                        if feedback.deadline_date else None),
                    'timeliness': feedback.timeliness,
                    }
                payload.update((extra or {}).get(feedback.id, {}))
                Delivery.enqueue(event, payload, feedback.agency)

    @classmethod
    def open_followups(cls, responses, submissions):
        result = super().open_followups(responses, submissions)
        cls._enqueue_followups(
            [f.id for f in result.values()], 'followup.opened')
        return result

    @classmethod
    def answer(cls, feedbacks):
        moving = [f.id for f in feedbacks if f.state != 'answered']
        super().answer(feedbacks)
        cls._enqueue_followups(moving, 'followup.answered')

    @classmethod
    def close(cls, feedbacks):
        moving = [f.id for f in feedbacks if f.state != 'closed']
        super().close(feedbacks)
        cls._enqueue_followups(moving, 'followup.closed')

    @classmethod
    def rerate(cls, feedback, response, value, comment=None, first=None):
        rerating = super().rerate(
            feedback, response, value, comment=comment, first=first)
        # the level only: the citizen's comment stays with the agency
        cls._enqueue_followups([feedback.id], 'followup.rerated', {
                feedback.id: {'rerating': value}})
        return rerating


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('satisfaction.api.webhook.delivery|process_due',
                "Deliver the API Webhooks"))
