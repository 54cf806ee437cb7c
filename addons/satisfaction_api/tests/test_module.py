# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The API's models in a database: keys hashed at rest, the mirror of
external dossiers through the host's buttons, the webhook queue with a
fixed clock."""
import datetime as dt
import json
import os

import pytest
from trytond.modules.one_stop.tests.scenarios import (
    run_scenario, scenario_files)
from trytond.modules.satisfaction_api import payload, signing
from trytond.modules.satisfaction_api.payload import PayloadError
from trytond.modules.satisfaction_api.platform import hash_key
from trytond.modules.satisfaction_api.webhook import NOW
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

TZ = 'Asia/Ho_Chi_Minh'


def local(*args):
    "The naive UTC datetime of a local time in Hanoi (UTC+7)"
    return dt.datetime(*args) - dt.timedelta(hours=7)


class SatisfactionApiTestCase(ModuleTestCase):
    "Test Satisfaction API module"
    module = 'satisfaction_api'
    extras = ['one_stop', 'public_satisfaction']

    def world(self):
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Procedure = pool.get('one_stop.procedure')
        Counter = pool.get('one_stop.counter')
        Platform = pool.get('satisfaction.api.platform')
        a = Agency(name="Sở Tư pháp", code='H15.03', kind='department')
        b = Agency(name="Sở Xây dựng", code='H15.05', kind='department')
        Agency.save([a, b])
        slow = Procedure(name="Lý lịch tư pháp", code='1.001',
            level='province', processing_days=3)
        now = Procedure(name="Chứng thực", code='2.002', level='province',
            processing_days=0, immediate_result=True)
        Procedure.save([slow, now])
        counter = Counter(agency=a, code='Q1', name="Quầy 1")
        counter.save()
        platform, = Platform.create([{
                    'name': "iGate", 'code': 'igate',
                    'agencies': [('add', [a.id])]}])
        return {'a': a, 'b': b, 'slow': slow, 'now': now,
            'counter': counter, 'platform': platform}

    def item(self, code, **values):
        data = {'code': code, 'procedure': '1.001', 'agency': 'H15.03',
            'channel': 'counter', 'received': '2025-04-01T09:00:00+07:00'}
        data.update(values)
        return payload.parse_dossier(data, TZ)

    @with_transaction()
    def test_key_hashed_and_checked(self):
        "A key is stored as its SHA-256; check() finds it by the key only"
        pool = Pool()
        Platform = pool.get('satisfaction.api.platform')
        Application = pool.get('res.user.application')
        w = self.world()
        key = Platform.issue_key(w['platform'])
        application, = Application.search(
            [('satisfaction_platform', '=', w['platform'].id)])
        self.assertEqual(application.key, hash_key(key))
        self.assertNotEqual(application.key, key)
        self.assertEqual(Application.check(key, 'satisfaction_api'),
            application)
        self.assertIsNone(
            Application.check(application.key, 'satisfaction_api'))
        self.assertEqual(application.user, w['platform'].user)
        Platform.revoke_keys([w['platform']])
        self.assertIsNone(Application.check(key, 'satisfaction_api'))

    @with_transaction()
    def test_upsert_returned_dossier_is_invited(self):
        "Received, ready and returned at the counter: one open invitation"
        pool = Pool()
        External = pool.get('satisfaction.api.dossier')
        Invitation = pool.get('satisfaction.invitation')
        w = self.world()
        item = self.item('EXT-1', counter='Q1',
            ready='2025-04-03T10:00:00+07:00',
            returned='2025-04-04T08:30:00+07:00',
            returned_by={'id': 'cb01', 'name': "Nguyễn Văn An"})
        (_, dossier_id), = External.upsert(w['platform'], [item])
        link, = External.search([('code', '=', 'EXT-1')])
        dossier = link.dossier
        self.assertEqual(dossier.state, 'returned')
        self.assertEqual(dossier.received_date, local(2025, 4, 1, 9))
        self.assertEqual(dossier.ready_date, local(2025, 4, 3, 10))
        self.assertEqual(dossier.returned_date, local(2025, 4, 4, 8, 30))
        # 3 working days from Tuesday 01/04/2025: Wed 02, Thu 03, Fri 04;
        # ready Thursday 03/04: early
        self.assertEqual(dossier.appointment_date, dt.date(2025, 4, 4))
        self.assertEqual(dossier.timeliness, 'early')
        self.assertEqual(dossier.counter, w['counter'])
        self.assertEqual((link.clerk_id, link.clerk_name),
            ('cb01', "Nguyễn Văn An"))
        invitation, = Invitation.search([('dossier', '=', dossier.id)])
        self.assertEqual(invitation.state, 'open')
        self.assertEqual(invitation.returned_date, local(2025, 4, 4, 8, 30))
        self.assertEqual(invitation.timeliness, 'early')
        # the same call again changes nothing
        again, = External.upsert(w['platform'], [item])
        self.assertEqual(again, ('EXT-1', dossier.id))
        self.assertEqual(
            Invitation.search([('dossier', '=', dossier.id)]), [invitation])

    @with_transaction()
    def test_not_eligible_dossiers_are_not_invited(self):
        "Online, postal and immediate results are mirrored, not invited"
        pool = Pool()
        External = pool.get('satisfaction.api.dossier')
        Invitation = pool.get('satisfaction.invitation')
        w = self.world()
        times = {'ready': '2025-04-03T10:00:00+07:00',
            'returned': '2025-04-03T11:00:00+07:00'}
        pairs = External.upsert(w['platform'], [
                self.item('ON-1', channel='online', **times),
                self.item('PO-1', channel='postal', **times),
                self.item('IM-1', procedure='2.002', **times),
                ])
        links = [External.search([('code', '=', c)])[0] for c, _ in pairs]
        self.assertEqual([k.dossier.state for k in links], ['returned'] * 3)
        self.assertEqual(
            [k.dossier.satisfaction_eligibility for k in links],
            ['online', 'postal_return', 'immediate_result'])
        self.assertEqual(links[1].dossier.return_method, 'postal')
        self.assertEqual(Invitation.search(
                [('dossier', 'in', [k.dossier.id for k in links])]), [])

    @with_transaction()
    def test_moves_forward_and_refuses_backwards(self):
        pool = Pool()
        External = pool.get('satisfaction.api.dossier')
        w = self.world()
        Dossier = Pool().get('one_stop.dossier')
        (_, dossier_id), = External.upsert(
            w['platform'], [self.item('EXT-2')])
        self.assertEqual(Dossier(dossier_id).state, 'received')
        External.upsert(w['platform'], [self.item(
                    'EXT-2', state='processing')])
        self.assertEqual(Dossier(dossier_id).state, 'processing')
        with self.assertRaises(PayloadError) as refused:
            External.upsert(w['platform'], [self.item('EXT-2')])
        self.assertEqual((refused.exception.status, refused.exception.code),
            (409, 'backwards'))
        for values, field in [
                ({'agency': 'H15.05'}, 'agency'),
                ({'procedure': '2.002'}, 'procedure'),
                ({'received': '2025-04-01T09:01:00+07:00'}, 'received'),
                ]:
            with self.assertRaises(PayloadError) as refused:
                External.upsert(w['platform'], [self.item(
                            'EXT-2', state='processing', **values)])
            # the agency out of scope is refused before the change is seen
            expected = ((403, 'agency_out_of_scope') if field == 'agency'
                else (409, f'changed_{field}'))
            self.assertEqual(
                (refused.exception.status, refused.exception.code), expected)

    @with_transaction()
    def test_out_of_scope_and_unknown_codes(self):
        pool = Pool()
        External = pool.get('satisfaction.api.dossier')
        w = self.world()
        for values, expected in [
                ({'agency': 'H15.05'}, (403, 'agency_out_of_scope')),
                ({'agency': 'H99.99'}, (422, 'unknown_agency')),
                ({'procedure': '9.999'}, (422, 'unknown_procedure')),
                ({'counter': 'Q9'}, (422, 'unknown_counter')),
                ]:
            with self.assertRaises(PayloadError) as refused:
                External.upsert(w['platform'], [self.item('X-1', **values)])
            self.assertEqual(
                (refused.exception.status, refused.exception.code), expected)

    @with_transaction()
    def test_webhook_events_and_backoff(self):
        """An opened survey is queued for the subscribers of the agency;
        a failing receiver is tried after 1, 2, 4 minutes"""
        pool = Pool()
        External = pool.get('satisfaction.api.dossier')
        Invitation = pool.get('satisfaction.invitation')
        Webhook = pool.get('satisfaction.api.webhook')
        Delivery = pool.get('satisfaction.api.webhook.delivery')
        w = self.world()
        Webhook.create([{
                    'platform': w['platform'].id,
                    'url': 'http://127.0.0.1:9/hook', 'secret': 's3cret',
                    'events': ['survey.opened', 'survey.declined'],
                    }])
        External.upsert(w['platform'], [self.item(
                    'EXT-3', ready='2025-04-03T10:00:00+07:00',
                    returned='2025-04-04T08:30:00+07:00')])
        link, = External.search([('code', '=', 'EXT-3')])
        invitation, = Invitation.search([('dossier', '=', link.dossier.id)])
        start = dt.datetime(2025, 4, 4, 2)
        with Transaction().set_context({NOW: start}):
            Invitation.open([invitation])
            Invitation.open([invitation])  # already opened: no event
            Invitation.answer([invitation])  # not subscribed
        delivery, = Delivery.search([])
        body = json.loads(delivery.body)
        self.assertEqual(
            (body['event'], body['data'], delivery.created),
            ('survey.opened', {'dossier': 'EXT-3',
                    'host_code': link.dossier.code, 'agency': 'H15.03',
                    'survey_state': 'opened'}, start))
        calls = []

        def refuse(url, body, headers):
            calls.append(headers)
            return 503, None
        Delivery.post = classmethod(lambda cls, *a: refuse(*a))
        try:
            for minutes, expected in [(0, 1), (1, 2), (3, 4)]:
                moment = start + dt.timedelta(minutes=minutes)
                with Transaction().set_context({NOW: moment}):
                    Delivery.process_due()
                    # not yet due a second later
                    Delivery.process_due()
                self.assertEqual(delivery.next_attempt,
                    moment + dt.timedelta(minutes=expected))
        finally:
            del Delivery.post
        self.assertEqual(len(calls), 3)
        self.assertEqual(delivery.attempt_count, 3)
        self.assertEqual([a.status for a in delivery.attempts], [503] * 3)
        timestamp = calls[0][signing.TIMESTAMP_HEADER]
        self.assertEqual(int(timestamp),
            int(start.replace(tzinfo=dt.UTC).timestamp()))
        self.assertTrue(signing.verify('s3cret', timestamp,
                delivery.body.encode(), calls[0][signing.SIGNATURE_HEADER],
                int(timestamp)))


    @with_transaction()
    def test_webhook_declined_and_expired_events(self):
        """A decline and an expiry are queued for their subscribers only;
        a platform without the agency in its scope gets nothing"""
        pool = Pool()
        External = pool.get('satisfaction.api.dossier')
        Invitation = pool.get('satisfaction.invitation')
        Webhook = pool.get('satisfaction.api.webhook')
        Delivery = pool.get('satisfaction.api.webhook.delivery')
        Platform = pool.get('satisfaction.api.platform')
        w = self.world()
        other, = Platform.create([{'name': "Viettel", 'code': 'viettel',
                    'agencies': [('add', [w['b'].id])]}])
        declined_hook, expired_hook, foreign_hook = Webhook.create([{
                    'platform': w['platform'].id, 'url': 'http://h/1',
                    'events': ['survey.declined']}, {
                    'platform': w['platform'].id, 'url': 'http://h/2',
                    'events': ['survey.expired']}, {
                    'platform': other.id, 'url': 'http://h/3',
                    'events': ['survey.declined', 'survey.expired']}])
        times = {'ready': '2025-04-03T10:00:00+07:00',
            'returned': '2025-04-04T08:30:00+07:00'}
        External.upsert(w['platform'], [
                self.item('DEC-1', **times), self.item('EXP-1', **times)])
        declined, = Invitation.search([
                ('dossier', 'in', [k.dossier.id for k in External.search(
                                [('code', '=', 'DEC-1')])])])
        expired, = Invitation.search([
                ('dossier', 'in', [k.dossier.id for k in External.search(
                                [('code', '=', 'EXP-1')])])])
        Invitation.decline([declined])
        Invitation.write([expired], {
                'expiry': dt.datetime.now() - dt.timedelta(minutes=1)})
        Invitation.expire_overdue()
        deliveries = Delivery.search([], order=[('id', 'ASC')])
        self.assertEqual(
            [(d.webhook, d.event, json.loads(d.body)['data']['dossier'])
                for d in deliveries],
            [(declined_hook, 'survey.declined', 'DEC-1'),
                (expired_hook, 'survey.expired', 'EXP-1')])

    @with_transaction()
    def test_followup_events(self):
        "The follow-ups of unhappy answers reach the subscribed platforms"
        pool = Pool()
        External = pool.get('satisfaction.api.dossier')
        Invitation = pool.get('satisfaction.invitation')
        Response = pool.get('satisfaction.response')
        Feedback = pool.get('one_stop.feedback')
        Webhook = pool.get('satisfaction.api.webhook')
        Delivery = pool.get('satisfaction.api.webhook.delivery')
        from trytond.modules.public_satisfaction.answers import validate
        w = self.world()
        hook, = Webhook.create([{
                    'platform': w['platform'].id, 'url': 'http://h/loop',
                    'events': ['followup.opened', 'followup.answered',
                        'followup.rerated', 'followup.closed']}])
        External.upsert(w['platform'], [self.item(
                    'LOOP-1', ready='2025-04-03T10:00:00+07:00',
                    returned='2025-04-04T08:30:00+07:00')])
        link, = External.search([('code', '=', 'LOOP-1')])
        invitation, = Invitation.search([('dossier', '=', link.dossier.id)])
        result = validate(
            Response.question_specs(invitation.questionnaire),
            {'q_overall': ['1'], 'q_comment': ["Chờ quá lâu, 0912345678"]})
        response = Response.submit(invitation, result.answers)
        followup = Feedback.followup_of(response.id)
        Feedback.write([followup], {'answer_text': "Đã khắc phục"})
        Feedback.answer([followup])
        Feedback.rerate(followup, response, 4, comment="Tốt hơn", first=1)
        Feedback.close([followup])
        deliveries = Delivery.search([], order=[('id', 'ASC')])
        data = [json.loads(d.body)['data'] for d in deliveries]
        self.assertEqual(
            [json.loads(d.body)['event'] for d in deliveries],
            ['followup.opened', 'followup.answered', 'followup.rerated',
                'followup.closed'])
        self.assertEqual({d.webhook for d in deliveries}, {hook})
        self.assertEqual(
            [(x['dossier'], x['agency'], x['followup'], x['followup_state'])
                for x in data],
            [('LOOP-1', 'H15.03', followup.code, state)
                for state in ['received', 'answered', 'answered', 'closed']])
        self.assertEqual(data[2]['rerating'], 4)
        # nothing the citizen wrote or left
        for delivery in deliveries:
            self.assertNotIn('Chờ quá lâu', delivery.body)
            self.assertNotIn('0912345678', delivery.body)
            self.assertNotIn('Tốt hơn', delivery.body)
            self.assertNotIn('Đã khắc phục', delivery.body)


SCENARIOS = scenario_files(__file__)


@pytest.mark.parametrize(
    'scenario', SCENARIOS, ids=[os.path.basename(s) for s in SCENARIOS])
def test_scenario(scenario):
    "Run the proteus scenario under pytest too"
    run_scenario(scenario)


del ModuleTestCase
