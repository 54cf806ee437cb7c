# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
"""Appeals of a malicious or mistaken rating: requested by the leader of the
rated agency from the follow-up, decided by a satisfaction evaluator, with
the access of each group checked as that user (check_access).

The follow-up is built here as the survey opens it (a feedback of channel
survey whose origin is the answer) when the plugin did not open it itself,
so that these tests do not depend on when follow-ups are opened."""
import datetime as dt
import unittest
from contextlib import contextmanager
from unittest import mock

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access, without_check_access

from .tools import SurveyWorldMixin

RETURNED = dt.datetime(2025, 4, 24, 2, 0)  # 24/04/2025 09:00 in Hanoi
REQUESTED = dt.datetime(2025, 4, 25, 3, 0)
DECIDED = dt.datetime(2025, 4, 28, 8, 30)
REASON = "Người đánh giá không phải là người nộp hồ sơ"


class AppealTestCase(SurveyWorldMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('public_satisfaction')

    def setUp(self):
        super().setUp()
        self.users = {}

    # --- the world ------------------------------------------------------
    def user(self, login, agency, *groups):
        "groups: (module, xml id)"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{
                    'login': login, 'name': login,
                    'one_stop_agency': agency.id if agency else None,
                    'groups': [('add', [
                                ModelData.get_id(m, g) for m, g in groups])],
                    }])
        self.users[login] = user
        return user

    @contextmanager
    def as_user(self, login):
        with Transaction().set_user(self.users[login].id), check_access():
            yield

    def survey_world(self):
        """Agencies A (rated) and B; an answer rated 1/5 at A and its
        follow-up; a leader, a PAKN handler and a clerk of A, a leader of
        B and an evaluator"""
        Configuration = Pool().get('satisfaction.configuration')
        Configuration.write([Configuration(1)], {
                'device_limit': 0, 'print_seconds': 0, 'min_seconds': 0})
        a, b, procedure, party = self.world()
        leader = ('one_stop_feedback', 'group_feedback_leader')
        self.user('leader_a', a, leader)
        self.user('leader_b', b, leader)
        self.user('handler_a', a,
            ('one_stop_feedback', 'group_feedback_handler'))
        self.user('clerk_a', a, ('one_stop', 'group_one_stop_clerk'))
        self.user('evaluator', None,
            ('public_satisfaction', 'group_satisfaction_evaluator'))
        _, invitation = self.returned(a, procedure, party, RETURNED)
        response = self.answer(invitation, 1)
        feedback = self.followup(response, a)
        return a, b, response, feedback

    def followup(self, response, agency):
        "The follow-up of the answer: the one the survey opened, else a new"
        pool = Pool()
        Feedback = pool.get('one_stop.feedback')
        Kind = pool.get('one_stop.feedback.kind')
        origin = f'satisfaction.response,{response.id}'
        with without_check_access():
            feedbacks = Feedback.search([
                    ('channel', '=', 'survey'), ('origin', '=', origin)])
            if feedbacks:
                feedback, = feedbacks
            else:
                kind, = Kind.search([('code', '=', 'handling')])
                with Transaction().set_context(_feedback_now=RETURNED):
                    feedback, = Feedback.create([{
                                'channel': 'survey', 'agency': agency.id,
                                'kind': kind.id,
                                'content': "Rất không hài lòng (1/5)",
                                'origin': origin,
                                }])
        self.assertEqual(
            (feedback.channel, feedback.agency, str(feedback.origin)),
            ('survey', agency, origin))
        return feedback

    def clock(self, moment):
        Invitation = Pool().get('satisfaction.invitation')
        return mock.patch.object(Invitation, 'now', return_value=moment)

    def request(self, login, feedbacks, reason=REASON, moment=REQUESTED):
        Appeal = Pool().get('satisfaction.response.appeal')
        with self.clock(moment), self.as_user(login):
            return [a.id for a in Appeal.request(
                    Pool().get('one_stop.feedback').browse(
                        [f.id for f in feedbacks]), reason)]

    def decide(self, appeal_ids, decision, reason, moment=DECIDED,
            login='evaluator'):
        Appeal = Pool().get('satisfaction.response.appeal')
        with self.clock(moment), self.as_user(login):
            Appeal.decide(Appeal.browse(appeal_ids), decision, reason)

    def reviews(self, response):
        Review = Pool().get('satisfaction.response.review')
        return [(r.action, r.reason, r.user.login, r.date)
            for r in Review.search([('response', '=', response.id)])]

    # --- the tests ------------------------------------------------------
    @with_transaction()
    def test_request_then_accept_excludes_the_answer(self):
        pool = Pool()
        Appeal = pool.get('satisfaction.response.appeal')
        Response = pool.get('satisfaction.response')
        a, _, response, feedback = self.survey_world()
        appeal_id, = self.request(
            'leader_a', [feedback], reason=f"  {REASON}\n")
        appeal = Appeal(appeal_id)
        self.assertEqual(
            (appeal.state, appeal.agency, appeal.response, appeal.feedback,
                appeal.reason, appeal.requested_by.login,
                appeal.requested_date, appeal.decided_by,
                appeal.decided_date, appeal.decision_reason),
            ('requested', a, response, feedback, REASON, 'leader_a',
                REQUESTED, None, None, None))
        # named by the code of the follow-up, never by the dossier's
        self.assertRegex(feedback.code, r'^PAKN-\d{4}-\d{5}$')
        with self.as_user('evaluator'):
            self.assertEqual(Appeal(appeal_id).rec_name, feedback.code)
            self.assertEqual(
                [x.id for x in Appeal.search(
                        [('rec_name', '=', feedback.code)])],
                [appeal_id])
        # the request changes nothing on the answer
        response = Response(response.id)
        self.assertEqual(
            (response.excluded, response.review_state), (False, 'none'))
        self.assertEqual(self.reviews(response), [])

        self.decide([appeal_id], 'accepted', "Xác minh: số điện thoại lạ")
        appeal = Appeal(appeal_id)
        self.assertEqual(
            (appeal.state, appeal.decided_by.login, appeal.decided_date,
                appeal.decision_reason, appeal.requested_date),
            ('accepted', 'evaluator', DECIDED, "Xác minh: số điện thoại lạ",
                REQUESTED))
        response = Response(response.id)
        self.assertEqual(
            (response.excluded, response.exclusion_reason,
                response.review_state),
            (True, "Xác minh: số điện thoại lạ", 'excluded'))
        self.assertEqual(self.reviews(response), [
                ('exclude', "Xác minh: số điện thoại lạ", 'evaluator',
                    DECIDED)])
        # decided once
        with self.assertRaisesRegex(ValidationError, 'already been decided'):
            self.decide([appeal_id], 'refused', "Đổi ý")
        self.assertEqual(Appeal(appeal_id).state, 'accepted')

    @with_transaction()
    def test_refused_leaves_the_answer(self):
        pool = Pool()
        Appeal = pool.get('satisfaction.response.appeal')
        Response = pool.get('satisfaction.response')
        _, _, response, feedback = self.survey_world()
        appeal_id, = self.request('leader_a', [feedback])
        self.decide([appeal_id], 'refused', "Không có căn cứ")
        appeal = Appeal(appeal_id)
        self.assertEqual(
            (appeal.state, appeal.decided_by.login, appeal.decided_date,
                appeal.decision_reason),
            ('refused', 'evaluator', DECIDED, "Không có căn cứ"))
        response = Response(response.id)
        self.assertEqual(
            (response.excluded, response.exclusion_reason,
                response.review_state),
            (False, None, 'none'))
        self.assertEqual(self.reviews(response), [])
        # a refused appeal is not open: the agency may appeal again, with
        # a new reason
        again, = self.request('leader_a', [feedback], reason="Có chứng cứ mới")
        self.assertNotEqual(again, appeal_id)
        self.assertEqual(
            [(x.state, x.reason) for x in Appeal.search(
                    [('response', '=', response.id)],
                    order=[('id', 'ASC')])],
            [('refused', REASON), ('requested', "Có chứng cứ mới")])

    @with_transaction()
    def test_one_open_appeal_per_answer(self):
        pool = Pool()
        Appeal = pool.get('satisfaction.response.appeal')
        _, _, response, feedback = self.survey_world()
        first, = self.request('leader_a', [feedback])
        with self.assertRaisesRegex(
                ValidationError, 'already been appealed.*Waiting for'):
            self.request('leader_a', [feedback], reason="Lần hai")
        self.decide([first], 'accepted', "Đúng là đánh giá sai")
        # an accepted appeal is still open: no other one
        with self.assertRaisesRegex(
                ValidationError, 'already been appealed.*Accepted'):
            self.request('leader_a', [feedback], reason="Lần ba")
        self.assertEqual(
            Appeal.search_count([('response', '=', response.id)]), 1)
        # the database refuses a second open appeal whatever the path
        with self.assertRaisesRegex(UserError, 'at most one appeal'):
            Appeal.create([{
                        'response': response.id, 'agency': feedback.agency.id,
                        'reason': "Ghi thẳng", 'requested_date': REQUESTED,
                        }])

    @with_transaction()
    def test_clerk_cannot_read_nor_request(self):
        Appeal = Pool().get('satisfaction.response.appeal')
        _, _, _, feedback = self.survey_world()
        appeal_id, = self.request('leader_a', [feedback])
        with self.as_user('clerk_a'):
            with self.assertRaises(AccessError):
                Appeal.search([])
            with self.assertRaises(AccessError):
                Appeal.read([appeal_id], ['reason'])
        with self.assertRaisesRegex(AccessError, 'Only the leaders'):
            self.request('clerk_a', [feedback])

    @with_transaction()
    def test_handler_reads_but_does_not_request(self):
        Appeal = Pool().get('satisfaction.response.appeal')
        _, _, _, feedback = self.survey_world()
        with self.assertRaisesRegex(AccessError, 'Only the leaders'):
            self.request('handler_a', [feedback])
        appeal_id, = self.request('leader_a', [feedback])
        with self.as_user('handler_a'):
            self.assertEqual([x.id for x in Appeal.search([])], [appeal_id])
            self.assertEqual(
                Appeal.read([appeal_id], ['reason', 'state']),
                [{'id': appeal_id, 'reason': REASON, 'state': 'requested'}])
            # never the answer itself
            with self.assertRaises(AccessError):
                Appeal.read([appeal_id], ['response'])
            with self.assertRaises(AccessError):
                Appeal.decide(Appeal.browse([appeal_id]), 'accepted', "Tự xử")
        self.assertEqual(Appeal(appeal_id).state, 'requested')

    @with_transaction()
    def test_views_per_group(self):
        "The agency sees the follow-up, never the answer; evaluators reverse"
        pool = Pool()
        Appeal = pool.get('satisfaction.response.appeal')
        Feedback = pool.get('one_stop.feedback')
        self.survey_world()
        for login, shown, hidden in [
                ('leader_a', 'feedback', 'response'),
                ('handler_a', 'feedback', 'response'),
                ('evaluator', 'response', 'feedback'),
                ]:
            for view_type in ['form', 'tree']:
                with self.subTest(login=login, view_type=view_type):
                    with self.as_user(login):
                        view = Appeal.fields_view_get(view_type=view_type)
                    self.assertIn(shown, view['fields'])
                    self.assertNotIn(hidden, view['fields'])
                    self.assertNotIn(f'"{hidden}"', view['arch'])
        with self.as_user('leader_a'):
            view = Feedback.fields_view_get(view_type='form')
        self.assertIn('appeals', view['fields'])
        self.assertIn('name="request_appeal"', view['arch'])
        self.assertIn('appealable', view['fields'])

    @with_transaction()
    def test_leader_of_another_agency(self):
        Appeal = Pool().get('satisfaction.response.appeal')
        _, _, _, feedback = self.survey_world()
        # B's leader cannot change A's follow-up (its write rules)
        with self.assertRaises(AccessError):
            self.request('leader_b', [feedback])
        self.assertEqual(Appeal.search_count([]), 0)
        appeal_id, = self.request('leader_a', [feedback])
        with self.as_user('leader_b'):
            self.assertEqual(Appeal.search([]), [])
            with self.assertRaises(AccessError):
                Appeal.read([appeal_id], ['reason'])
        with self.as_user('leader_a'):
            self.assertEqual([x.id for x in Appeal.search([])], [appeal_id])

    @with_transaction()
    def test_never_deleted_nor_edited(self):
        Appeal = Pool().get('satisfaction.response.appeal')
        _, _, _, feedback = self.survey_world()
        appeal_id, = self.request('leader_a', [feedback])
        appeal = Appeal(appeal_id)
        with self.assertRaisesRegex(AccessError, 'cannot be deleted'):
            Appeal.delete([appeal])
        with self.as_user('evaluator'):
            with self.assertRaisesRegex(AccessError, 'changed only by'):
                Appeal.write(Appeal.browse([appeal_id]), {
                        'reason': "Sửa lý do", 'state': 'accepted'})
        with self.assertRaisesRegex(AccessError, 'changed only by'):
            Appeal.copy([appeal])
        self.decide([appeal_id], 'refused', "Không đủ căn cứ")
        with self.assertRaisesRegex(AccessError, 'cannot be deleted'):
            Appeal.delete([Appeal(appeal_id)])
        appeal = Appeal(appeal_id)
        self.assertEqual(
            (appeal.reason, appeal.state), (REASON, 'refused'))

    @with_transaction()
    def test_reasons_and_reviewer_required(self):
        pool = Pool()
        Appeal = pool.get('satisfaction.response.appeal')
        Feedback = pool.get('one_stop.feedback')
        Kind = pool.get('one_stop.feedback.kind')
        a, _, response, feedback = self.survey_world()
        with self.assertRaisesRegex(ValidationError, 'Enter the reason why'):
            self.request('leader_a', [feedback], reason=" \n ")
        appeal_id, = self.request('leader_a', [feedback])
        with self.assertRaisesRegex(ValidationError, 'reason of the decision'):
            self.decide([appeal_id], 'accepted', "  ")
        with self.assertRaisesRegex(AccessError, 'Only satisfaction eval'):
            self.decide([appeal_id], 'accepted', "Tự duyệt", login='leader_a')
        self.assertEqual(Appeal(appeal_id).state, 'requested')
        self.assertFalse(pool.get('satisfaction.response')(
                response.id).excluded)
        # a feedback that does not follow up an answer has nothing to appeal
        kind, = Kind.search([('code', '=', 'handling')])
        with Transaction().set_context(_feedback_now=RETURNED):
            hotline, = Feedback.create([{
                        'channel': 'hotline', 'agency': a.id,
                        'kind': kind.id, 'content': "Gọi điện phản ánh"}])
        with self.assertRaisesRegex(ValidationError, 'does not follow up'):
            self.request('leader_a', [hotline])
        with self.as_user('leader_a'):
            self.assertEqual(
                [(f.id, f.appealable) for f in Feedback.browse(
                        [feedback.id, hotline.id])],
                [(feedback.id, True), (hotline.id, False)])
            # the button is not there for it
            with self.assertRaises(AccessButtonError):
                Feedback.request_appeal(Feedback.browse([hotline.id]))

    @with_transaction()
    def test_already_excluded_answer(self):
        pool = Pool()
        Appeal = pool.get('satisfaction.response.appeal')
        Response = pool.get('satisfaction.response')
        _, _, response, feedback = self.survey_world()
        appeal_id, = self.request('leader_a', [feedback])
        # excluded by an evaluator's own review meanwhile
        with self.clock(DECIDED), self.as_user('evaluator'):
            Response.review(
                Response.browse([response.id]), 'exclude', "Nghi vấn")
        with self.assertRaisesRegex(ValidationError, 'already excluded'):
            self.decide([appeal_id], 'accepted', "Chấp nhận")
        self.assertEqual(Appeal(appeal_id).state, 'requested')
        self.decide([appeal_id], 'refused', "Đã loại từ trước")
        with self.assertRaisesRegex(ValidationError, 'already excluded'):
            self.request('leader_a', [feedback])

    @with_transaction()
    def test_wizards_and_buttons(self):
        "The request and the decision as the client runs them"
        pool = Pool()
        Appeal = pool.get('satisfaction.response.appeal')
        Feedback = pool.get('one_stop.feedback')
        Response = pool.get('satisfaction.response')
        RequestWizard = pool.get(
            'satisfaction.response.appeal.request', type='wizard')
        AcceptWizard = pool.get(
            'satisfaction.response.appeal.accept', type='wizard')
        _, _, response, feedback = self.survey_world()

        def run(Wizard, model, ids, reason, button):
            with Transaction().set_context(
                    active_model=model, active_id=ids[0], active_ids=ids):
                session_id, _, _ = Wizard.create()
                Wizard.execute(session_id, {}, 'start')
                Wizard.execute(
                    session_id, {'start': {'reason': reason}}, button)
                Wizard.delete(session_id)

        # the button is the leaders' only
        with self.as_user('handler_a'):
            with self.assertRaises(AccessButtonError):
                Feedback.request_appeal(Feedback.browse([feedback.id]))
        with self.clock(REQUESTED), self.as_user('leader_a'):
            Feedback.request_appeal(Feedback.browse([feedback.id]))
            run(RequestWizard, 'one_stop.feedback', [feedback.id], REASON,
                'request')
            self.assertEqual(
                [(x.state, x.reason) for x in Feedback(feedback.id).appeals],
                [('requested', REASON)])
        appeal, = Appeal.search([])
        with self.as_user('leader_a'):
            with self.assertRaises(AccessButtonError):
                Appeal.accept(Appeal.browse([appeal.id]))
        with self.clock(DECIDED), self.as_user('evaluator'):
            Appeal.accept(Appeal.browse([appeal.id]))
            run(AcceptWizard, Appeal.__name__, [appeal.id], "Đánh giá nhầm",
                'decide')
        self.assertEqual(Appeal(appeal.id).state, 'accepted')
        self.assertEqual(
            Response(response.id).exclusion_reason, "Đánh giá nhầm")
        self.assertEqual(self.reviews(response), [
                ('exclude', "Đánh giá nhầm", 'evaluator', DECIDED)])
        # decided: the buttons are gone
        with self.as_user('evaluator'):
            with self.assertRaises(AccessButtonError):
                Appeal.refuse(Appeal.browse([appeal.id]))

