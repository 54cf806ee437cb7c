# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
"""The citizen's answer as the survey route stores it: the settings kept
between answers, the responses inserted in bulk, the closed invitations
refused with nothing written."""
import datetime as dt
import unittest
from types import SimpleNamespace
from unittest import mock

from werkzeug.test import EnvironBuilder

from trytond.pool import Pool
from trytond.protocols.wrappers import Request
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .. import routes
from ..answers import Answer
from ..response import Submission
from .tools import SurveyWorldMixin

# the answer of bench/survey_load.py (sipas-short): 5 ratings, one "not
# applicable", 2 choices and the comment = 9 answer lines
ANSWER = {
    'action': 'answer', 'lang': 'en',
    'q_access': '4', 'q_procedure': '5', 'q_official': '2',
    'q_result': '5', 'q_feedback': 'na', 'q_overall': '4',
    'q_come_back': '1', 'q_agencies': '1',
    'q_comment': "Cán bộ nhiệt tình",
    }
ADMITTED = SimpleNamespace(admitted=True, minutes=0, retry_after=0)
CLIENT = {'address': '203.0.113.7', 'user_agent': 'phone', 'honeypot': ''}


def post(token, form):
    "POST /<db>/s/<token> through the route, in the test's transaction"
    request = Request(EnvironBuilder(
            method='POST', path=f'/test/s/{token}', data=form,
            environ_base={'REMOTE_ADDR': '203.0.113.7'}).get_environ())
    # the limiter counts on a connection of its own (limits.py): not here
    with mock.patch.object(
            routes.RequestLimits, 'count', return_value=ADMITTED):
        return routes._submit(request, Pool(), token)


class AnswerPathTestCase(SurveyWorldMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('public_satisfaction')

    def invitations(self, count):
        agency, _, procedure, party = self.world()
        when = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        return [self.returned(agency, procedure, party, when)[1]
            for _ in range(count)]

    def count(self, model, *domain):
        return Pool().get(model).search_count(list(domain))

    @with_transaction()
    def test_settings_follow_the_configuration(self):
        "The settings kept between answers are read again once written"
        pool = Pool()
        Configuration = pool.get('satisfaction.configuration')
        Response = pool.get('satisfaction.response')
        Feedback = pool.get('one_stop.feedback')
        from ..followup_web import loop_options
        # the singleton's row, for the UPDATE outside the ORM below
        Configuration.write([Configuration(1)], {'expiry_days': 7})
        first, second, third = self.invitations(3)

        # defaults: an answer never shown its form is too fast
        # (min_seconds 15), an overall rating of 2 is followed up (up to 2)
        response, = Response.submit_many([Submission(
                    first, [Answer(code='overall', value=2)],
                    client=CLIENT)])
        self.assertEqual(
            [(f.reason, f.detail) for f in response.flags],
            [('too_fast', 'form not shown')])
        self.assertIsNotNone(Feedback.followup_of(response.id))
        self.assertFalse(loop_options(pool)['callback_offered'])

        # kept: a change outside the ORM is not seen
        table = Configuration.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.followup_max_rating], [0]))
        self.assertEqual(
            Configuration.answer_settings()['followup_max_rating'], 2)

        Configuration.write([Configuration(1)], {
                'min_seconds': 0, 'followup_max_rating': 1,
                'followup_callback': True})
        response, = Response.submit_many([Submission(
                    second, [Answer(code='overall', value=2)],
                    client=CLIENT)])
        # the same device (address and browser) twice: 2 < device_limit 3
        self.assertEqual(
            (response.flags, response.review_state), ((), 'none'))
        self.assertIsNone(Feedback.followup_of(response.id))
        self.assertTrue(loop_options(pool)['callback_offered'])

        Configuration.write([Configuration(1)], {'device_limit': 3 - 1})
        # the third answer of the device: 2 earlier + 1 >= 2
        response, = Response.submit_many([Submission(
                    third, [Answer(code='overall', value=1)],
                    client=CLIENT)])
        self.assertEqual(
            [(f.reason, f.detail) for f in response.flags],
            [('same_device', '3')])
        self.assertIsNotNone(Feedback.followup_of(response.id))

    def submit_several(self):
        pool = Pool()
        Response = pool.get('satisfaction.response')
        invitations = self.invitations(3)
        moments = [dt.datetime(2026, 11, 2, 3, minute) for minute in (1, 2, 3)]
        # submitted in another order than the invitations were made
        order = [2, 0, 1]
        submissions = [Submission(
                invitations[i], [Answer(code='overall', value=i + 3)],
                language=['vi', 'en', 'vi'][i], date=moments[i])
            for i in order]
        responses = Response.submit_many(submissions)
        # each response is the one of its submission: its invitation, date,
        # language and its only answer line
        self.assertEqual(
            [(r.invitation, r.submitted_date, r.language,
                    [a.value for a in r.answers]) for r in responses],
            [(invitations[2], moments[2], 'vi', [5]),
                (invitations[0], moments[0], 'vi', [3]),
                (invitations[1], moments[1], 'en', [4])])
        self.assertEqual(
            [r.invitation.state for r in responses], ['answered'] * 3)
        self.assertEqual(
            [r.invitation.answered_date for r in responses],
            [moments[2], moments[0], moments[1]])

    @with_transaction()
    def test_bulk_ids_map_to_submissions(self):
        "The responses inserted at once are returned as their submissions"
        self.submit_several()

    @with_transaction()
    def test_bulk_ids_without_returning(self):
        "The same on a database without INSERT … RETURNING"
        database = Transaction().database
        with mock.patch.object(database, 'has_returning', return_value=False):
            self.submit_several()

    @with_transaction()
    def test_route_stores_one_answer(self):
        "A valid answer: 200, its response, 9 lines, the invitation closed"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        happy, unhappy = self.invitations(2)
        reply = post(happy.token(), ANSWER)
        self.assertEqual(reply.status_code, 200)
        body = reply.get_data(as_text=True)
        self.assertNotIn('must reply to your answer', body)
        response, = pool.get('satisfaction.response').search(
            [('invitation', '=', happy.id)])
        self.assertEqual(len(response.answers), 9)
        self.assertEqual(response.comment, "Cán bộ nhiệt tình")
        self.assertEqual(Invitation(happy.id).state, 'answered')
        self.assertEqual(self.count('one_stop.feedback'), 0)

        # overall 1: followed up, its deadline on the thanks page
        reply = post(unhappy.token(), {**ANSWER, 'q_overall': '1'})
        self.assertEqual(reply.status_code, 200)
        self.assertIn(
            'The agency must reply to your answer within',
            reply.get_data(as_text=True))
        self.assertEqual(self.count('one_stop.feedback'), 1)

    @with_transaction()
    def test_route_refuses_closed(self):
        "Expired or answered: the error page, nothing written"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        expired, answered = self.invitations(2)
        Invitation.write([expired], {
                'expiry': Invitation.now() - dt.timedelta(seconds=1)})
        reply = post(expired.token(), ANSWER)
        self.assertEqual(reply.status_code, 410)
        self.assertIn('This survey has closed', reply.get_data(as_text=True))
        self.assertEqual(
            (Invitation(expired.id).state,
                Invitation(expired.id).answered_date),
            ('open', None))

        self.assertEqual(post(answered.token(), ANSWER).status_code, 200)
        answered_date = Invitation(answered.id).answered_date
        reply = post(answered.token(), {**ANSWER, 'q_overall': '1'})
        self.assertEqual(reply.status_code, 409)
        self.assertIn(
            'This survey has already been answered',
            reply.get_data(as_text=True))
        # only the first answer: one response, its 9 lines, no follow-up
        self.assertEqual(self.count('satisfaction.response'), 1)
        self.assertEqual(self.count('satisfaction.response.answer'), 9)
        self.assertEqual(self.count('one_stop.feedback'), 0)
        self.assertEqual(
            Invitation(answered.id).answered_date, answered_date)
